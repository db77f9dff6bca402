/**
 * `adc check`: exit 0 when the generated files on disk are exactly what
 * `build` writes (CRLF line endings aside); exit 1 naming each missing, stale,
 * hand-edited (told apart by the fingerprint on the second line), out-of-date
 * (no fingerprint) or orphaned file, saying why (and on compile errors);
 * never writes anything.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileFiles } from '../compiler';
import { adc, makeProject, readFile, removeProject, sampleOutputs, sampleProject, snapshot, writeFile } from './support/cli';

const projects: string[] = [];
let template: string;
beforeAll(() => {
  template = makeProject(sampleProject);
  projects.push(template);
  const r = adc(['build', 'src'], template);
  if (r.code !== 0) throw new Error(`build failed:\n${r.stderr}`);
});
afterAll(() => projects.forEach(removeProject));

/** A fresh copy of the sample project, built once by `adc build src`. */
function built(): string {
  const dir = makeProject({});
  projects.push(dir);
  fs.cpSync(template, dir, { recursive: true });
  return dir;
}

/** Runs check and asserts that it wrote nothing. */
function check(dir: string, args: string[] = ['src']): ReturnType<typeof adc> {
  const before = snapshot(dir);
  const r = adc(['check', ...args], dir);
  expect(snapshot(dir)).toEqual(before);
  return r;
}

const problemLines = (stderr: string) => stderr.split('\n').filter((l) => /^src\/\S+\.grad\.ts(:\d+)?: /.test(l));

const handEdit = (source: string) => `its text does not match the fingerprint adc wrote in it; adc build would undo the edits: make them in ${source} instead`;

/** Changes the first line of a file that contains `needle`; returns its 1-based number. */
function editLine(dir: string, rel: string, needle: string, change: (line: string) => string): number {
  const lines = readFile(dir, rel).split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${rel} has no line with ${needle}`);
  lines[i] = change(lines[i]);
  writeFile(dir, rel, lines.join('\n'));
  return i + 1;
}

/** The text adc would generate now for a source of the project. */
function compileText(dir: string, source: string): string {
  const result = compileFiles([path.join(dir, source)], { tsconfig: path.join(dir, 'tsconfig.json') });
  return result.files[0].text;
}

describe('adc check', () => {
  it('exits 0 when every generated file is up to date', () => {
    const dir = built();
    const r = check(dir);
    expect(r.code).toBe(0);
    expect(problemLines(r.stderr)).toEqual([]);
    const n = Object.keys(sampleOutputs).length;
    expect(r.stderr).toMatch(new RegExp(`^check: ${n} generated files up to date \\(${Object.values(sampleOutputs).flat().length} functions\\) in `, 'm'));
  });

  it('names a generated file that is stale because its source changed, at the first line that differs', () => {
    const dir = built();
    const before = readFile(dir, 'src/geometry.grad.ts');
    writeFile(dir, 'src/geometry.ts', readFile(dir, 'src/geometry.ts').replace('100 *', '50 *'));
    const r = check(dir);
    expect(r.code).toBe(1);
    // the first line that differs, the fingerprint line aside (a stale file's always differs)
    const after = compileText(dir, 'src/geometry.ts').split('\n');
    const line = before.split('\n').findIndex((l, i) => i !== 1 && l !== after[i]) + 1;
    expect(line).toBeGreaterThan(2);
    expect(problemLines(r.stderr)).toEqual([
      `src/geometry.grad.ts:${line}: stale: generated from an older version of src/geometry.ts or of code it calls (or by another adc version); run adc build`,
    ]);
    expect(r.stderr).toMatch(/^check failed: 1 stale \(2 generated files checked\) in .*; run adc build on the same paths to update the generated files$/m);
  });

  it('names a generated file that is stale because a callee in another file changed', () => {
    const dir = built();
    writeFile(dir, 'src/lib/util.ts', readFile(dir, 'src/lib/util.ts').replace('x * x', 'x * x * x'));
    const r = check(dir);
    expect(r.code).toBe(1);
    expect(problemLines(r.stderr)).toEqual([expect.stringMatching(/^src\/model\.grad\.ts:\d+: stale: generated from an older version of src\/model\.ts or of code it calls /)]);
  });

  it('names a missing generated file', () => {
    const dir = built();
    fs.rmSync(path.join(dir, 'src/model.grad.ts'));
    const r = check(dir);
    expect(r.code).toBe(1);
    expect(problemLines(r.stderr)).toEqual([expect.stringMatching(/^src\/model\.grad\.ts: missing \(generated from src\/model\.ts\)$/)]);
  });

  it('names a hand-edited generated file, at the first line that differs', () => {
    const dir = built();
    const edited = editLine(dir, 'src/geometry.grad.ts', 'Math.sqrt', (l) => l + ' // tweaked');
    const r = check(dir);
    expect(r.code).toBe(1);
    expect(problemLines(r.stderr)).toEqual([
      `src/geometry.grad.ts:${edited}: edited by hand: its text does not match the fingerprint adc wrote in it; adc build would undo the edits: make them in src/geometry.ts instead`,
    ]);
    expect(r.stderr).toMatch(/^check failed: 1 edited by hand \(2 generated files checked\)/m);
  });

  it('names a hand edit as such also when the source changed too, or when the edit is to the header or the fingerprint', () => {
    const dir = built();
    editLine(dir, 'src/geometry.grad.ts', 'Math.sqrt', (l) => l + ' // tweaked');
    writeFile(dir, 'src/geometry.ts', readFile(dir, 'src/geometry.ts').replace('100 *', '50 *'));
    editLine(dir, 'src/model.grad.ts', 'sha256', (l) => l.slice(0, -1) + (l.endsWith('0') ? '1' : '0'));
    expect(problemLines(check(dir).stderr)).toEqual([
      expect.stringMatching(/^src\/geometry\.grad\.ts:\d+: edited by hand: /),
      'src/model.grad.ts:2: edited by hand: ' + handEdit('src/model.ts'),
    ]);
    const header = built();
    editLine(header, 'src/model.grad.ts', 'Generated by adc', (l) => l.replace('Do not edit', 'Please do not edit'));
    expect(problemLines(check(header).stderr)).toEqual([`src/model.grad.ts:1: edited by hand: ${handEdit('src/model.ts')}`]);
  });

  it('a file without a fingerprint (written by an older adc) is out of date, neither stale nor edited', () => {
    const dir = built();
    const lines = readFile(dir, 'src/model.grad.ts').split('\n');
    expect(lines[1]).toMatch(/^\/\/ sha256 of the other lines, for adc check: [0-9a-f]{64}$/);
    writeFile(dir, 'src/model.grad.ts', [lines[0], ...lines.slice(2)].join('\n'));
    const r = check(dir);
    expect(r.code).toBe(1);
    expect(problemLines(r.stderr)).toEqual([
      'src/model.grad.ts:2: out of date: differs from what adc build writes (it has no fingerprint, as an older adc wrote it, so stale and edited by hand cannot be told apart)',
    ]);
  });

  it('the fingerprint is the sha256 of the other lines', () => {
    const dir = built();
    const [first, second, ...rest] = readFile(dir, 'src/geometry.grad.ts').split('\n');
    const hash = createHash('sha256')
      .update([first, ...rest].join('\n'))
      .digest('hex');
    expect(second).toBe(`// sha256 of the other lines, for adc check: ${hash}`);
  });

  it('a generated file whose line endings became CRLF is still up to date, and an edit to it is still found', () => {
    const dir = built();
    writeFile(dir, 'src/geometry.grad.ts', readFile(dir, 'src/geometry.grad.ts').replace(/\n/g, '\r\n'));
    writeFile(dir, 'src/model.grad.ts', readFile(dir, 'src/model.grad.ts').replace(/\n/g, '\r\n'));
    const r = check(dir);
    expect(problemLines(r.stderr)).toEqual([]);
    expect(r.code).toBe(0);
    const edited = editLine(dir, 'src/geometry.grad.ts', 'Math.sqrt', (l) => l.replace('Math.sqrt', 'Math.cbrt'));
    expect(problemLines(check(dir).stderr)).toEqual([`src/geometry.grad.ts:${edited}: edited by hand: ${handEdit('src/geometry.ts')}`]);
  });

  it('a change of whitespace alone is a difference', () => {
    const dir = built();
    writeFile(dir, 'src/model.grad.ts', readFile(dir, 'src/model.grad.ts') + '\n');
    const r = check(dir);
    expect(r.code).toBe(1);
    expect(problemLines(r.stderr)).toEqual([expect.stringMatching(/^src\/model\.grad\.ts:\d+: edited by hand: /)]);
  });

  it('names an orphaned generated file whose source lost its marked functions', () => {
    const dir = built();
    writeFile(dir, 'src/geometry.ts', 'export const nothing = 0;\n');
    const r = check(dir);
    expect(r.code).toBe(1);
    expect(problemLines(r.stderr)).toEqual(['src/geometry.grad.ts: orphaned: its source src/geometry.ts has no @differentiable functions any more (adc build --prune deletes it)']);
    expect(r.stderr).toMatch(
      /^check failed: 1 orphaned \(1 generated file checked\) in .*; run adc build on the same paths to update the generated files \(with --prune to delete the orphaned ones\)$/m,
    );
  });

  it('names an orphaned generated file whose source is gone, or excluded by the configuration', () => {
    const dir = built();
    fs.rmSync(path.join(dir, 'src/geometry.ts'));
    writeFile(dir, 'adc.config.json', JSON.stringify({ exclude: ['src/model.ts'] }));
    const r = check(dir);
    expect(r.code).toBe(1);
    expect(problemLines(r.stderr)).toEqual([
      'src/geometry.grad.ts: orphaned: its source src/geometry.ts is gone (adc build --prune deletes it)',
      'src/model.grad.ts: orphaned: its source src/model.ts is excluded by adc.config.json (adc build --prune deletes it)',
    ]);
  });

  it('names the generated files of another suffix as orphans whose sources now generate other files', () => {
    const dir = built();
    const r = check(dir, ['--suffix', '.deriv.ts', 'src']);
    expect(r.code).toBe(1);
    expect(problemLines(r.stderr)).toEqual([
      'src/geometry.grad.ts: orphaned: its source src/geometry.ts now generates src/geometry.deriv.ts (adc build --prune deletes it)',
      'src/model.grad.ts: orphaned: its source src/model.ts now generates src/model.deriv.ts (adc build --prune deletes it)',
    ]);
    expect(r.stderr).toMatch(/^src\/geometry\.deriv\.ts: missing /m);
  });

  it('neither names a file merely named like a generated one, nor judges one whose source is outside the paths', () => {
    const dir = built();
    writeFile(dir, 'src/notes.grad.ts', '// notes, not written by adc\n');
    expect(check(dir).code).toBe(0);
    expect(adc(['build', '--out-dir', 'gen', 'src'], dir).code).toBe(0);
    // gen/src/model.grad.ts names ../../src/model.ts, which exists but is not among the paths checked
    const outside = check(dir, ['--out-dir', 'gen', 'gen', 'src/geometry.ts']);
    expect(outside.stderr).not.toMatch(/orphaned/);
    expect(outside.stderr).toMatch(/^check: 1 generated file up to date /m);
    expect(outside.code).toBe(0);
  });

  it('names every problem at once and counts them', () => {
    const dir = built();
    fs.rmSync(path.join(dir, 'src/model.grad.ts'));
    writeFile(dir, 'src/geometry.grad.ts', '// edited\n' + readFile(dir, 'src/geometry.grad.ts'));
    const r = check(dir);
    expect(r.code).toBe(1);
    expect(
      problemLines(r.stderr)
        .map((l) => l.split(':')[0])
        .sort(),
    ).toEqual(['src/geometry.grad.ts', 'src/model.grad.ts']);
    expect(r.stderr).toMatch(/^check failed: 1 edited by hand, 1 missing \(2 generated files checked\)/m);
  });

  it('fails on compile errors, even when the generated files on disk are current', () => {
    const dir = built();
    writeFile(dir, 'src/model.ts', readFile(dir, 'src/model.ts').replace('let e = 0;', 'let e = ;'));
    const r = check(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^src\/model\.ts:\d+:\d+: error ADC\d{3}: /m);
    expect(r.stderr).toMatch(/^check failed: .*1 source with errors/m);
  });

  it('usage errors still exit 2', () => {
    const dir = built();
    expect(check(dir, ['nope']).code).toBe(2);
  });
});
