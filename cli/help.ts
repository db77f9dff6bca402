/**
 * The words of `adc --help` and `adc <command> --help`, and the version.
 *
 * Guarantees: the precedence of configuration sources, the exit codes and the
 * streams are stated in one place, here, and shown by `--help`.
 */
import { packageManifest } from './install';

export const description =
  'ts-adc: writes forward- and reverse-mode derivatives of the TypeScript functions marked /** @differentiable */ as readable generated files (<file>.grad.ts) next to their sources.';

export const configurationHelp = `
Configuration:
  adc reads adc.config.json, or the "adc" key of package.json, from the current
  folder or else from the nearest folder above the first path (adc.config.json
  wins when a folder has both), e.g.
    { "include": ["src/**/*.ts"], "exclude": ["**/*.test.ts"],
      "outDir": "generated", "suffix": ".grad.ts", "tsconfig": "tsconfig.json" }
  Precedence, lowest first: built-in defaults < configuration file < command-line
  flags (--tsconfig, --out-dir, --suffix). Paths in the file are relative to its
  folder, paths in flags to the current folder. include/exclude filter the files
  found in folders; a file named on the command line is always compiled. With
  "include" set, the paths may be left out: the configuration's folder is used.
  With an outDir, generated files mirror the source tree below the
  configuration's folder (the current folder when there is no configuration).

Folders are searched recursively, skipping node_modules, hidden folders, *.d.ts
and generated files; the nearest tsconfig.json above the first source is used
unless one is given.

Exit codes:
  0  ok
  1  diagnostics: compile errors, unwritable output, a generated file that
     --prune could not delete, missing, stale, edited or orphaned generated
     files (check), internal errors
  2  usage: unknown command or option, no paths, a path that does not exist
     (or is neither a file nor a folder), an invalid configuration

Diagnostics, progress and summaries go to stderr; stdout carries only what
--dump prints.`;

export const buildHelp = `
Examples:
  adc build src/                 write src/**/<file>.grad.ts
  adc build src/ --out-dir gen   write them under gen/ instead
  adc build --dump ir src/a.ts   also print the IR of each marked function
  adc build --dry-run src/       compile and report, write nothing
  adc build --prune src/         also delete the generated files under src/ that no
                                 source generates any more (only files adc wrote;
                                 none when a source has errors)`;

export const checkHelp = `
Compiles in memory and writes nothing. Exits 1 and names every generated file
that is missing, stale (adc wrote it from an older source), edited by hand (it
no longer matches the fingerprint adc wrote on its second line), or orphaned
(its source is gone, excluded, or has no marked function any more); exits 1 as
well on compile errors; 0 when everything is up to date. Meant for CI:
  adc check src/`;

export const watchHelp = `
Builds once, then rebuilds the generated files a change affects (also when a
callee in another file changes), one line per rebuild. A syntax error is
reported and watching goes on. Stop with Ctrl-C.
  adc watch src/`;

export const graphHelp = `
Draws the function as the primer on automatic differentiation does: its
inputs, each operation, intermediate values and the output; loops and branches
as dashed clusters (a loop once, with how many times it ran), calls as boxes
(--expand draws their operations inside). With --at, every node shows its
value (black), its tangent along --direction (blue; default: 1 for the first
number of the first parameter) and its adjoint (red, backwards from the
result's adjoint 1); each edge carrying a derivative shows the partial there.
Grey: nodes no derivative passes through (tests, indices, constants).

Examples:
  adc graph src/seed.ts f --at x=3,y=2 -o graph.svg
  adc graph src/loss.ts loss --at 'w=[0.5,1],xs=[1,2,3]' --format dot
  adc graph src/sim.ts step --expand -o step.svg`;

/** The version in the package.json of ts-adc. */
export function packageVersion(): string {
  return packageManifest()?.version ?? 'unknown';
}
