/**
 * `adc build` as a subprocess on temporary copies of a small project:
 * what it writes and where, what it skips, determinism, untouched files,
 * `--dump ir`, `--dry-run`, progress, that the output type-checks, and `--prune`
 * (deletes only orphaned files adc wrote, and nothing after errors).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileFiles } from '../compiler';
import { adc, ageFile, exists, listFiles, mtime, readFile, sampleOutputs, sampleProject, snapshot, typecheck, writeFile, projectsOfThisFile } from './support/cli';

const project = projectsOfThisFile();

const generatedFiles = (dir: string) => listFiles(dir).filter((f) => f.endsWith('.grad.ts'));
const summaryOf = (stderr: string) => stderr.split('\n').filter((l) => /^(built|dry run)/.test(l));

describe('adc build src', () => {
  let dir: string;
  let run: ReturnType<typeof adc>;
  beforeAll(() => {
    dir = project();
    run = adc(['build', 'src'], dir);
  });

  it('exits 0 and prints nothing on stdout', () => {
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
  });

  it('writes a generated file next to each source with marked functions, and nothing else', () => {
    expect(generatedFiles(dir)).toEqual(Object.keys(sampleOutputs).sort());
    const written = listFiles(dir).filter((f) => !(f in sampleProject) && f !== 'tsconfig.json');
    expect(written.sort()).toEqual(Object.keys(sampleOutputs).sort());
  });

  it('writes exactly what the compiler generates, exporting the contract of each marked function', () => {
    const sources = Object.keys(sampleOutputs).map((g) => path.join(dir, g.replace(/\.grad\.ts$/, '.ts')));
    const expected = compileFiles(sources, { tsconfig: path.join(dir, 'tsconfig.json') });
    expect(expected.diagnostics).toEqual([]);
    for (const file of expected.files) expect(fs.readFileSync(file.path, 'utf8')).toBe(file.text);
    for (const [gen, fns] of Object.entries(sampleOutputs)) {
      const text = readFile(dir, gen);
      for (const f of fns) for (const suffix of ['jvp', 'vjp', 'grad']) expect(text).toMatch(new RegExp(`^export function ${f}_${suffix}\\(`, 'm'));
    }
  });

  it('prints a one-line summary with the numbers of files and functions', () => {
    const functions = Object.values(sampleOutputs).reduce((n, fns) => n + fns.length, 0);
    const files = Object.keys(sampleOutputs).length;
    expect(summaryOf(run.stderr)).toEqual([expect.stringMatching(new RegExp(`^built ${files} files, ${functions} functions in \\d+\\.\\d s$`))]);
  });

  it('produces files that type-check under tsc --strict', () => {
    const r = typecheck(dir);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('determinism and untouched files', () => {
  it('two builds of two copies are byte-identical', () => {
    const a = project();
    const b = project();
    expect(adc(['build', 'src'], a).code).toBe(0);
    expect(adc(['build', path.join(b, 'src')], path.dirname(b)).code).toBe(0);
    for (const gen of Object.keys(sampleOutputs)) expect(readFile(b, gen)).toBe(readFile(a, gen));
  });

  it('a second build leaves every unchanged file alone (same mtime) and says so', () => {
    const dir = project();
    expect(adc(['build', 'src'], dir).code).toBe(0);
    const times = Object.keys(sampleOutputs).map((g) => ageFile(dir, g));
    const r = adc(['build', 'src'], dir);
    expect(r.code).toBe(0);
    expect(Object.keys(sampleOutputs).map((g) => mtime(dir, g))).toEqual(times);
    expect(summaryOf(r.stderr)[0]).toMatch(new RegExp(`\\(${Object.keys(sampleOutputs).length} unchanged\\)$`));
  });

  it('rewrites only the generated file whose source changed, and leaves no temporary file', () => {
    const dir = project();
    expect(adc(['build', 'src'], dir).code).toBe(0);
    const oldModel = readFile(dir, 'src/model.grad.ts');
    const geometryTime = ageFile(dir, 'src/geometry.grad.ts');
    ageFile(dir, 'src/model.grad.ts');
    writeFile(dir, 'src/model.ts', readFile(dir, 'src/model.ts').replace('i <= 4', 'i <= 5'));
    const r = adc(['build', 'src'], dir);
    expect(r.code).toBe(0);
    expect(readFile(dir, 'src/model.grad.ts')).not.toBe(oldModel);
    expect(mtime(dir, 'src/model.grad.ts')).toBeGreaterThan(geometryTime);
    expect(mtime(dir, 'src/geometry.grad.ts')).toBe(geometryTime);
    expect(summaryOf(r.stderr)[0]).toMatch(/\(1 unchanged\)$/);
    expect(listFiles(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('leaves alone a generated file that differs only by CRLF line endings (a git checkout on Windows)', () => {
    const dir = project();
    expect(adc(['build', 'src'], dir).code).toBe(0);
    const crlf = readFile(dir, 'src/model.grad.ts').replace(/\n/g, '\r\n');
    writeFile(dir, 'src/model.grad.ts', crlf);
    const time = ageFile(dir, 'src/model.grad.ts');
    const r = adc(['build', 'src'], dir);
    expect(r.code).toBe(0);
    expect(readFile(dir, 'src/model.grad.ts')).toBe(crlf);
    expect(mtime(dir, 'src/model.grad.ts')).toBe(time);
    expect(summaryOf(r.stderr)[0]).toMatch(new RegExp(`\\(${Object.keys(sampleOutputs).length} unchanged\\)$`));
  });

  it('a file named on the command line is built alone', () => {
    const dir = project();
    const r = adc(['build', 'src/geometry.ts'], dir);
    expect(r.code).toBe(0);
    expect(generatedFiles(dir)).toEqual(['src/geometry.grad.ts']);
  });

  it('a source without marked functions gets nothing, and the summary says none were found', () => {
    const dir = project();
    const r = adc(['build', 'src/plain.ts'], dir);
    expect(r.code).toBe(0);
    expect(generatedFiles(dir)).toEqual([]);
    expect(summaryOf(r.stderr)).toEqual([expect.stringMatching(/^built 0 files, 0 functions in .* \(no @differentiable functions found\)$/)]);
  });
});

describe('--suffix, --dump ir, --dry-run and progress', () => {
  it('--suffix names the generated files, and a second build does not take them for sources', () => {
    const dir = project();
    expect(adc(['build', '--suffix', '.deriv.ts', 'src'], dir).code).toBe(0);
    const expected = Object.keys(sampleOutputs)
      .map((g) => g.replace(/\.grad\.ts$/, '.deriv.ts'))
      .sort();
    expect(listFiles(dir).filter((f) => f.endsWith('.deriv.ts'))).toEqual(expected);
    expect(generatedFiles(dir)).toEqual([]);
    const again = adc(['build', '--suffix', '.deriv.ts', 'src'], dir);
    expect(summaryOf(again.stderr)[0]).toMatch(new RegExp(`^built ${expected.length} files,.*\\(${expected.length} unchanged\\)$`));
  });

  it('--dump ir prints the IR of each marked function on stdout and still builds', () => {
    const dir = project();
    const r = adc(['build', '--dump', 'ir', 'src'], dir);
    expect(r.code).toBe(0);
    const fns = Object.values(sampleOutputs).flat();
    const dumped = [...r.stdout.matchAll(/^function (\w+)\(/gm)].map((m) => m[1]);
    expect(dumped.sort()).toEqual([...fns].sort());
    expect(generatedFiles(dir)).toEqual(Object.keys(sampleOutputs).sort());
  });

  it('--dry-run writes nothing, names what it would write, and still dumps the IR', () => {
    const dir = project();
    const before = snapshot(dir);
    const r = adc(['build', '--dry-run', '--dump', 'ir', 'src'], dir);
    expect(r.code).toBe(0);
    expect(snapshot(dir)).toEqual(before);
    const would = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('would write '))
      .map((l) => l.slice('would write '.length));
    expect(would.sort()).toEqual(Object.keys(sampleOutputs).sort());
    expect(r.stdout).toMatch(/^function energy\(/m);
    expect(summaryOf(r.stderr)[0]).toMatch(/^dry run: would build .*; nothing written$/);
  });

  it('shows progress on stderr once the build runs longer than the delay', () => {
    const dir = project();
    const quiet = adc(['build', 'src'], dir, { ADC_PROGRESS_MS: '600000' });
    expect(quiet.stderr).not.toMatch(/^adc: compiling/m);
    const r = adc(['build', 'src'], project(), { ADC_PROGRESS_MS: '0' });
    expect(r.code).toBe(0);
    const n = Object.keys(sampleOutputs).length;
    for (let i = 1; i <= n; i++) expect(r.stderr).toMatch(new RegExp(`^adc: compiling ${i}/${n} src/\\w+\\.ts$`, 'm'));
    expect(r.stdout).toBe('');
  });
});

describe('folders that are not walked', () => {
  it('skips node_modules, hidden folders and declaration files even when they hold marked functions', () => {
    const dir = project();
    expect(adc(['build', '.'], dir).code).toBe(0);
    expect(exists(dir, 'src/node_modules/pkg/index.grad.ts')).toBe(false);
    expect(exists(dir, 'src/.cache/hidden.grad.ts')).toBe(false);
    expect(exists(dir, 'src/types.grad.ts')).toBe(false);
    expect(generatedFiles(dir)).toEqual(Object.keys(sampleOutputs).sort());
  });
});

describe('--prune', () => {
  const extra = `/** @differentiable */
export function cube(x: number): number {
  return x * x * x;
}
`;
  const notes = '// notes kept beside the sources, named like a generated file\nexport const notes = 1;\n';
  /** The sample project plus src/extra.ts and a file named like a generated one, built; then extra.ts deleted and geometry.ts unmarked. */
  function withOrphans(): string {
    const dir = project({ ...sampleProject, 'src/extra.ts': extra, 'src/notes.grad.ts': notes });
    expect(adc(['build', 'src'], dir).code).toBe(0);
    fs.rmSync(path.join(dir, 'src/extra.ts'));
    writeFile(dir, 'src/geometry.ts', 'export const nothing = 0;\n');
    return dir;
  }
  const pruneLines = (stderr: string) => stderr.split('\n').filter((l) => /^(removed|would remove|kept|prune)\b/.test(l));

  it('without --prune, build deletes nothing', () => {
    const dir = withOrphans();
    expect(adc(['build', 'src'], dir).code).toBe(0);
    expect(generatedFiles(dir)).toEqual(['src/extra.grad.ts', 'src/geometry.grad.ts', 'src/model.grad.ts', 'src/notes.grad.ts']);
  });

  it('deletes each orphaned file adc wrote, one line each, and keeps a file without adc’s header', () => {
    const dir = withOrphans();
    const r = adc(['build', '--prune', 'src'], dir);
    expect(r.code).toBe(0);
    expect(pruneLines(r.stderr)).toEqual([
      'removed orphaned src/extra.grad.ts (its source src/extra.ts is gone)',
      'removed orphaned src/geometry.grad.ts (its source src/geometry.ts has no @differentiable functions any more)',
      "kept src/notes.grad.ts: no source generates it, but it lacks adc's header, so adc did not write it",
    ]);
    expect(generatedFiles(dir)).toEqual(['src/model.grad.ts', 'src/notes.grad.ts']);
    expect(readFile(dir, 'src/notes.grad.ts')).toBe(notes);
    const check = adc(['check', 'src'], dir);
    expect(check.stderr).not.toMatch(/orphaned/);
    expect(check.code).toBe(0);
  });

  it('with --dry-run names what it would delete and deletes nothing', () => {
    const dir = withOrphans();
    const before = snapshot(dir);
    const r = adc(['build', '--prune', '--dry-run', 'src'], dir);
    expect(r.code).toBe(0);
    expect(snapshot(dir)).toEqual(before);
    expect(pruneLines(r.stderr)).toEqual([
      'would remove orphaned src/extra.grad.ts (its source src/extra.ts is gone)',
      'would remove orphaned src/geometry.grad.ts (its source src/geometry.ts has no @differentiable functions any more)',
      "kept src/notes.grad.ts: no source generates it, but it lacks adc's header, so adc did not write it",
    ]);
  });

  it('deletes nothing when a source has errors, and says so', () => {
    const dir = withOrphans();
    writeFile(dir, 'src/model.ts', readFile(dir, 'src/model.ts').replace('let e = 0;', 'let e = ;'));
    const r = adc(['build', '--prune', 'src'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^src\/model\.ts:\d+:\d+: error ADC\d{3}: /m);
    expect(pruneLines(r.stderr)).toEqual(['prune: nothing deleted, as 1 source had errors (fix them and build again to delete orphaned files)']);
    expect(generatedFiles(dir)).toEqual(['src/extra.grad.ts', 'src/geometry.grad.ts', 'src/model.grad.ts', 'src/notes.grad.ts']);
  });

  it('leaves a generated file whose source exists outside the paths given', () => {
    const dir = project();
    expect(adc(['build', '--out-dir', 'gen', 'src'], dir).code).toBe(0);
    const r = adc(['build', '--prune', '--out-dir', 'gen', 'gen', 'src/geometry.ts'], dir);
    expect(r.code).toBe(0);
    expect(pruneLines(r.stderr)).toEqual([]);
    expect(listFiles(dir).filter((f) => f.startsWith('gen/'))).toEqual(['gen/src/geometry.grad.ts', 'gen/src/model.grad.ts']);
  });
});
