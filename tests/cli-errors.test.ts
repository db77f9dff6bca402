/**
 * `adc build` on bad input: compile errors are printed as
 * `path:line:col: error ADCnnn: message` with a code frame, exit 1, and cost
 * nothing but the failing file; unwritable output is one ADC191 line, exit 1.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileFiles, formatDiagnostic } from '../compiler';
import {
  adc,
  listFiles,
  positionOf,
  readFile,
  sampleOutputs,
  sampleProject,
  shareProject,
  Spawned,
  stackFrames,
  unprivilegedUser,
  writeFile,
  projectsOfThisFile,
} from './support/cli';

const project = projectsOfThisFile();

const syntaxError = `/** @differentiable */
export function broken(x: number): number {
  return x * ;
}
`;
const unsupported = `/** @differentiable */
export function noisy(x: number): number {
  return x * Math.random();
}
`;
const staleBroken = '// an older generated file of broken.ts, which a failed build must leave alone\n';

describe('a file with errors among good ones', () => {
  let dir: string;
  let run: ReturnType<typeof adc>;
  beforeAll(() => {
    dir = project({ ...sampleProject, 'src/broken.ts': syntaxError, 'src/noisy.ts': unsupported, 'src/broken.grad.ts': staleBroken });
    run = adc(['build', 'src'], dir);
  });

  it('exits 1', () => {
    expect(run.code).toBe(1);
  });

  it('reports the syntax error at its file:line:col with an ADC code', () => {
    const at = positionOf(syntaxError, ';\n}');
    expect(run.stderr).toMatch(new RegExp(`^src/broken\\.ts:${at}: error ADC\\d{3}: `, 'm'));
  });

  it('reports the unsupported construct at its file:line:col with an ADC code', () => {
    const at = positionOf(unsupported, 'Math.random');
    expect(run.stderr).toMatch(new RegExp(`^src/noisy\\.ts:${at}: error ADC\\d{3}: `, 'm'));
  });

  it("prints the compiler's diagnostics exactly, code frames included, paths relative to the current folder", () => {
    const files = ['src/broken.ts', 'src/noisy.ts'].map((f) => path.join(dir, f));
    const expected = compileFiles(files, { tsconfig: path.join(dir, 'tsconfig.json') });
    expect(expected.diagnostics.length).toBeGreaterThanOrEqual(2);
    for (const d of expected.diagnostics) expect(run.stderr).toContain(formatDiagnostic(d, (f) => path.relative(dir, f)));
    expect(stackFrames(run.stderr)).toEqual([]);
  });

  it('writes nothing for the failing files, keeps their old generated file, and builds every other file', () => {
    expect(listFiles(dir).filter((f) => f.endsWith('.grad.ts'))).toEqual(['src/broken.grad.ts', ...Object.keys(sampleOutputs)].sort());
    expect(readFile(dir, 'src/broken.grad.ts')).toBe(staleBroken);
  });

  it('counts the failures in the summary', () => {
    expect(run.stderr).toMatch(new RegExp(`^built ${Object.keys(sampleOutputs).length} files, .* \\(2 failed\\)$`, 'm'));
  });
});

describe('unwritable output: one ADC191 line, exit 1, other files still written', () => {
  const isRoot = process.getuid?.() === 0;

  function expectOneUnwritable(run: ReturnType<typeof adc>, shown: string, reason: RegExp): void {
    expect(run.code).toBe(1);
    const lines = run.stderr.split('\n').filter((l) => l.includes('ADC191'));
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^adc: error ADC191: cannot write ${shown.replace(/\./g, '\\.')}: `))]);
    expect(lines[0]).toMatch(reason);
    expect(stackFrames(run.stderr)).toEqual([]);
  }

  // chmod forbids nothing to root: as root, the read-only folder is tried as `nobody`.
  const user = unprivilegedUser();
  const permissionsHold = !isRoot || user !== undefined;

  it(`a read-only source folder (chmod 555${isRoot ? `, run as ${user ?? 'root: a folder in the way of the output instead'}` : ''})`, () => {
    const dir = project();
    const folder = path.join(dir, 'src');
    if (user) shareProject(dir);
    if (permissionsHold) fs.chmodSync(folder, 0o555);
    else fs.mkdirSync(path.join(folder, 'model.grad.ts'));
    try {
      const run = adc(['build', 'src/model.ts'], dir, {}, user);
      expectOneUnwritable(run, 'src/model.grad.ts', permissionsHold ? /permission denied$/ : /it is a folder$/);
      expect(fs.readdirSync(folder).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      fs.chmodSync(folder, 0o755);
    }
  });

  it('an output folder whose parent is a file', () => {
    const dir = project();
    writeFile(dir, 'blocker', 'a file where a folder should be\n');
    const run = adc(['build', '--out-dir', 'blocker/gen', 'src/model.ts'], dir);
    expectOneUnwritable(run, 'blocker/gen/src/model.grad.ts', /a parent of it is a file, not a folder$/);
  });

  it('a source outside the folder mirrored under --out-dir is never written outside it', () => {
    const dir = project();
    fs.mkdirSync(path.join(dir, 'elsewhere'));
    const before = listFiles(dir);
    const run = adc(['build', '--out-dir', 'gen', '../src/model.ts'], path.join(dir, 'elsewhere'));
    // It would have gone to elsewhere/gen/../src/model.grad.ts.
    expectOneUnwritable(run, 'src/model.grad.ts', /would land outside the output folder gen/);
    expect(listFiles(dir)).toEqual(before);
  });

  it('a generated path taken by a folder does not stop the other files', () => {
    const dir = project();
    fs.mkdirSync(path.join(dir, 'src', 'geometry.grad.ts'));
    const run = adc(['build', 'src'], dir);
    expectOneUnwritable(run, 'src/geometry.grad.ts', /it is a folder$/);
    expect(fs.statSync(path.join(dir, 'src/model.grad.ts')).isFile()).toBe(true);
    expect(run.stderr).toMatch(/^built 1 file, .* \(1 failed\)$/m);
  });
});

describe('code nested too deeply: ADC119 at its file:line:col, and the other files are built', () => {
  const deep = (open: string, close: string, n: number) => `/** @differentiable */\nexport function deep(x: number): number {\n  return ${open.repeat(n)}x${close.repeat(n)};\n}\n`;
  // 500 levels: too deep for adc; 5000 parentheses or calls: too deep for TypeScript's parser itself;
  // 3000 `&&`: parsed, but too deep for TypeScript's binder.
  const files = {
    ...sampleProject,
    'src/deep.ts': deep('(', ')', 500),
    'src/deeper.ts': deep('(', ')', 5000),
    'src/calls.ts': deep('Math.sin(', ')', 5000),
    'src/and.ts': `/** @differentiable */\nexport function and(x: number): number {\n  return ${Array(3000).fill('x > 0').join(' && ')} ? x : 0;\n}\n`,
    'src/deeper.grad.ts': staleBroken,
  };
  const failing = ['src/and.ts', 'src/calls.ts', 'src/deep.ts', 'src/deeper.ts'];
  let dir: string;
  let run: ReturnType<typeof adc>;
  beforeAll(() => {
    dir = project(files);
    run = adc(['build', 'src'], dir);
  });

  it('reports each at the outermost expression, exit 1, no internal error', () => {
    const lines = run.stderr.split('\n').filter((l) => /error ADC/.test(l));
    expect(lines).toEqual(
      failing.map((f) =>
        expect.stringMatching(
          new RegExp(
            `^${f.replace(/\./g, '\\.')}:3:10: error ADC119: expression nested too deeply \\((more than )?\\d+ levels; the limit is \\d+\\): split it into intermediate variables$`,
          ),
        ),
      ),
    );
    expect(run.stderr).not.toMatch(/internal error|ADC199|Maximum call stack/);
    expect(stackFrames(run.stderr)).toEqual([]);
    expect(run.code).toBe(1);
  });

  it('writes nothing for them, keeps their old generated file, and builds every other file', () => {
    expect(listFiles(dir).filter((f) => f.endsWith('.grad.ts'))).toEqual(['src/deeper.grad.ts', ...Object.keys(sampleOutputs)].sort());
    expect(readFile(dir, 'src/deeper.grad.ts')).toBe(staleBroken);
    expect(run.stderr).toMatch(new RegExp(`^built ${Object.keys(sampleOutputs).length} files, .* \\(${failing.length} failed\\)$`, 'm'));
  });

  it('adc check reports them the same way, and the other files as up to date', () => {
    const r = adc(['check', 'src'], dir);
    for (const f of failing) expect(r.stderr).toMatch(new RegExp(`^${f.replace(/\./g, '\\.')}:3:10: error ADC119: `, 'm'));
    expect(r.stderr).toMatch(new RegExp(`^check failed: ${failing.length} sources with errors`, 'm'));
    expect(r.code).toBe(1);
  });

  it('adc watch reports a source edited to be too deep for TypeScript, goes on, and recovers when it is fixed', async () => {
    const dir = project();
    const w = new Spawned(['watch', 'src'], dir);
    try {
      await w.waitFor(/^watching \d+ folders? for changes/m);
      const source = readFile(dir, 'src/geometry.ts');
      let from = w.output.length;
      writeFile(dir, 'src/geometry.ts', source.replace('Math.sqrt(x * x + y * y)', `Math.sqrt(${'('.repeat(5000)}x${')'.repeat(5000)} * x + y * y)`));
      await w.waitFor(/^src\/geometry\.ts:\d+:\d+: error ADC119: /m, from);
      await w.waitFor(/^failed src\/geometry\.grad\.ts: 1 error/m, from);
      from = w.output.length;
      writeFile(dir, 'src/model.ts', readFile(dir, 'src/model.ts').replace('i <= 4', 'i <= 5'));
      await w.waitFor(/^rebuilt src\/model\.grad\.ts in \d+ ms$/m, from);
      from = w.output.length;
      writeFile(dir, 'src/geometry.ts', source.replace('x * x + y * y', 'x * x + y * y + 1'));
      await w.waitFor(/^rebuilt src\/geometry\.grad\.ts in \d+ ms$/m, from);
      expect(w.output).not.toMatch(/internal error|ADC199/);
    } finally {
      await w.stop('SIGKILL');
    }
  });
});

describe('every error of a file in one run, and warnings that stop nothing', () => {
  const misspelled = `/** @differentable */
export function square(x: number): number {
  return x * x;
}
`;
  const several = `/** @differentiable */
export function noisySum(x: number, xs: number[]): number {
  let s = 0;
  for (const k in xs) s += xs[k];
  const jitter = x * Math.random();
  try {
    s += Math.log(x);
  } catch {
    s = 0;
  }
  return s + jitter;
}
`;

  it('a misspelled tag is a warning at the tag: printed with its code frame, exit 0, the other files built', () => {
    const dir = project({ ...sampleProject, 'src/typo.ts': misspelled });
    const run = adc(['build', 'src'], dir);
    const at = positionOf(misspelled, '@differentable');
    expect(run.stderr).toMatch(new RegExp(`^src/typo\\.ts:${at}: warning ADC121: unknown tag '@differentable': did you mean @differentiable\\?\\n.*\\n\\s+\\| +\\^+$`, 'm'));
    expect(run.stderr).not.toMatch(/error ADC/);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`^built ${Object.keys(sampleOutputs).length} files, .* \\(1 warning\\)$`, 'm'));
    expect(listFiles(dir).filter((f) => f.endsWith('.grad.ts'))).toEqual(Object.keys(sampleOutputs).sort());
  });

  it('a file whose only tag is misspelled: the warning, and the summary says no function was found', () => {
    const dir = project({ 'src/typo.ts': misspelled });
    const run = adc(['build', 'src'], dir);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^src\/typo\.ts:1:5: warning ADC121: /m);
    expect(run.stderr).toMatch(/^built 0 files, 0 functions in .* \(1 warning, no @differentiable functions found\)$/m);
  });

  it('a function with three errors: all of them, in order, exit 1, nothing written', () => {
    const dir = project({ ...sampleProject, 'src/several.ts': several });
    const run = adc(['build', 'src'], dir);
    expect(run.code).toBe(1);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('src/several.ts:'));
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^src/several\\.ts:${positionOf(several, 'for (const k')}: error ADC101: unsupported statement: for … in`)),
      expect.stringMatching(new RegExp(`^src/several\\.ts:${positionOf(several, 'Math.random')}: error ADC107: Math\\.random\\(\\) `)),
      expect.stringMatching(new RegExp(`^src/several\\.ts:${positionOf(several, 'try')}: error ADC101: unsupported statement: try/catch`)),
    ]);
    expect(listFiles(dir).filter((f) => f.startsWith('src/several'))).toEqual(['src/several.ts']);
    expect(run.stderr).toMatch(/^built \d+ files, .* \(1 failed\)$/m);
  });
});
