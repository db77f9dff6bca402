/**
 * `adc check`: exit 0 when the generated files on disk are exactly what
 * `build` writes; exit 1 naming each missing, stale, hand-edited or orphaned
 * file (and on compile errors); never writes anything.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
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

describe('adc check', () => {
  it('exits 0 when every generated file is up to date', () => {
    const dir = built();
    const r = check(dir);
    expect(r.code).toBe(0);
    expect(problemLines(r.stderr)).toEqual([]);
    const n = Object.keys(sampleOutputs).length;
    expect(r.stderr).toMatch(new RegExp(`^check: ${n} generated files up to date \\(${Object.values(sampleOutputs).flat().length} functions\\) in `, 'm'));
  });

  it('names a generated file that is stale because its source changed', () => {
    const dir = built();
    writeFile(dir, 'src/geometry.ts', readFile(dir, 'src/geometry.ts').replace('100 *', '50 *'));
    const r = check(dir);
    expect(r.code).toBe(1);
    expect(problemLines(r.stderr)).toEqual([expect.stringMatching(/^src\/geometry\.grad\.ts:\d+: out of date: /)]);
  });

  it('names a generated file that is stale because a callee in another file changed', () => {
    const dir = built();
    writeFile(dir, 'src/lib/util.ts', readFile(dir, 'src/lib/util.ts').replace('x * x', 'x * x * x'));
    const r = check(dir);
    expect(r.code).toBe(1);
    expect(problemLines(r.stderr)).toEqual([expect.stringMatching(/^src\/model\.grad\.ts:\d+: out of date: /)]);
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
    const text = readFile(dir, 'src/geometry.grad.ts');
    const lines = text.split('\n');
    const edited = lines.findIndex((l) => l.includes('Math.sqrt'));
    expect(edited).toBeGreaterThan(0);
    lines[edited] = lines[edited] + ' // tweaked';
    writeFile(dir, 'src/geometry.grad.ts', lines.join('\n'));
    const r = check(dir);
    expect(r.code).toBe(1);
    expect(problemLines(r.stderr)).toEqual([`src/geometry.grad.ts:${edited + 1}: out of date: differs from what adc build writes (stale, or edited by hand)`]);
  });

  it('a change of whitespace alone is a difference', () => {
    const dir = built();
    writeFile(dir, 'src/model.grad.ts', readFile(dir, 'src/model.grad.ts') + '\n');
    expect(check(dir).code).toBe(1);
  });

  it('names an orphaned generated file whose source lost its marked functions', () => {
    const dir = built();
    writeFile(dir, 'src/geometry.ts', 'export const nothing = 0;\n');
    const r = check(dir);
    expect(r.code).toBe(1);
    expect(problemLines(r.stderr)).toEqual([expect.stringMatching(/^src\/geometry\.grad\.ts: orphaned: /)]);
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
    expect(r.stderr).toMatch(/^check failed: 1 out of date, 1 missing \(2 generated files checked\)/m);
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
