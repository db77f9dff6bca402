/**
 * Command-line flags + configuration file ⇒ the settings of one run.
 *
 * Precedence, lowest first: built-in defaults, the configuration file
 * (paths relative to its folder), command-line flags (paths relative to the
 * current folder).
 *
 * Guarantees: every path in `Settings` is absolute; every path the user named
 * exists (else ADC190, a usage error); the suffix cannot make a generated file
 * overwrite its source; the tsconfig, when given, is a readable JSON file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { errors, tsconfigDiagnostics, type CompileOptions } from '../compiler';
import { findConfig, configFileName, type FoundConfig } from './config';
import { UsageError } from './errors';

/** Flags shared by build, check and watch. */
export interface CommonFlags {
  readonly tsconfig?: string;
  readonly outDir?: string;
  readonly suffix?: string;
}

export const defaultSuffix = '.grad.ts';

export interface Settings {
  readonly cwd: string;
  /** Files and folders to compile, absolute, as named on the command line (or the config's folder). */
  readonly roots: readonly string[];
  /** Root of include/exclude globs and of the tree mirrored under `outDir`: the config's folder, else `cwd`. */
  readonly baseDir: string;
  readonly config?: FoundConfig;
  /** For a source found inside a folder: whether include/exclude let it through. */
  readonly selects: (file: string) => boolean;
  readonly suffix: string;
  readonly outDir?: string;
  readonly tsconfig?: string;
}

export function resolveSettings(paths: readonly string[], flags: CommonFlags, cwd: string = process.cwd()): Settings {
  for (const p of paths) if (!fs.existsSync(path.resolve(cwd, p))) throw UsageError.fromDiagnostic(errors.notFound(p));
  const absPaths = paths.map((p) => path.resolve(cwd, p));
  const config = findConfig(cwd, absPaths);
  const c = config?.config ?? {};
  const baseDir = config?.dir ?? cwd;
  const fromConfig = (p: string | undefined) => (p === undefined ? undefined : path.resolve(baseDir, p));
  const fromFlag = (p: string | undefined) => (p === undefined ? undefined : path.resolve(cwd, p));

  let roots = absPaths;
  if (roots.length === 0) {
    if (!c.include) throw new UsageError(`no paths given: name the files or folders to compile, or set "include" in ${configFileName}`);
    roots = [baseDir];
  }
  const suffix = flags.suffix ?? c.suffix ?? defaultSuffix;
  checkSuffix(suffix);
  const tsconfig = fromFlag(flags.tsconfig) ?? fromConfig(c.tsconfig);
  if (tsconfig !== undefined) checkTsconfig(tsconfig, flags.tsconfig ?? c.tsconfig ?? tsconfig);
  return {
    cwd,
    roots,
    baseDir,
    config,
    selects: selector(baseDir, c.include, c.exclude),
    suffix,
    outDir: fromFlag(flags.outDir) ?? fromConfig(c.outDir),
    tsconfig,
  };
}

/** What the compiler needs to know of the settings. */
export function compileOptions(s: Settings): CompileOptions {
  return { tsconfig: s.tsconfig, suffix: s.suffix, outDir: s.outDir, rootDir: s.outDir === undefined ? undefined : s.baseDir };
}

function selector(baseDir: string, include: readonly string[] | undefined, exclude: readonly string[] | undefined): (file: string) => boolean {
  const included = include ? picomatch([...include]) : () => true;
  const excluded = exclude ? picomatch([...exclude]) : () => false;
  return (file) => {
    const rel = path.relative(baseDir, file).split(path.sep).join('/');
    return included(rel) && !excluded(rel);
  };
}

/** `.grad.ts`, `.deriv.mts`, `_grad.ts`: a name ending that is not the extension of a source alone. */
function checkSuffix(suffix: string): void {
  if (!/^[\w.-]+\.(m|c)?ts$/.test(suffix) || /^\.(m|c)?ts$/.test(suffix) || suffix.endsWith('.d.ts'))
    throw new UsageError(
      `invalid suffix "${suffix}": it must end in .ts, .mts or .cts and add something before the extension (e.g. ".grad.ts"), so that a generated file can never replace a source or a declaration file`,
    );
}

export function checkTsconfig(file: string, asGiven: string): void {
  if (!fs.existsSync(file)) throw UsageError.fromDiagnostic(errors.notFound(asGiven));
  if (fs.statSync(file).isDirectory()) throw new UsageError(`--tsconfig ${asGiven} is a folder; name the tsconfig.json file`);
  const problems = tsconfigDiagnostics(file);
  if (problems.length > 0) throw UsageError.fromDiagnostic(problems[0]);
}
