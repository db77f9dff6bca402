/**
 * Configuration: `adc.config.json` or package.json's "adc" key, found in the
 * current folder or above the first path; command-line flags override it
 * (defaults < file < flags); malformed configuration is a usage error.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { adc, listFiles, makeProject, removeProject, sampleOutputs, sampleProject, typecheck, writeFile } from './support/cli';

const projects: string[] = [];
function project(extra: Record<string, string>): string {
  const dir = makeProject({ ...sampleProject, ...extra });
  projects.push(dir);
  return dir;
}
afterAll(() => projects.forEach(removeProject));

const json = (v: unknown) => JSON.stringify(v, null, 2);
const outputs = Object.keys(sampleOutputs).sort();
/** The sample outputs with their suffix and folder changed. */
const moved = (suffix: string, outDir = '') => outputs.map((o) => outDir + o.replace(/\.grad\.ts$/, suffix)).sort();
const generated = (dir: string, suffix: string) => listFiles(dir).filter((f) => f.endsWith(suffix));

describe('adc.config.json', () => {
  it('outDir puts generated files under it, mirroring the tree below the config folder; they type-check', () => {
    const dir = project({ 'adc.config.json': json({ outDir: 'generated' }) });
    const r = adc(['build', 'src'], dir);
    expect(r.code).toBe(0);
    expect(generated(dir, '.grad.ts')).toEqual(moved('.grad.ts', 'generated/'));
    writeFile(dir, 'tsconfig.check.json', json({ extends: './tsconfig.json', include: ['src', 'generated'] }));
    const tsc = typecheck(dir, 'tsconfig.check.json');
    expect(tsc.stdout + tsc.stderr).toBe('');
  });

  it('--out-dir overrides the file', () => {
    const dir = project({ 'adc.config.json': json({ outDir: 'generated' }) });
    expect(adc(['build', '--out-dir', 'elsewhere', 'src'], dir).code).toBe(0);
    expect(generated(dir, '.grad.ts')).toEqual(moved('.grad.ts', 'elsewhere/'));
  });

  it('suffix names generated files; --suffix overrides it', () => {
    const dir = project({ 'adc.config.json': json({ suffix: '.d1.ts' }) });
    expect(adc(['build', 'src'], dir).code).toBe(0);
    expect(generated(dir, '.d1.ts')).toEqual(moved('.d1.ts'));
    expect(adc(['build', '--suffix', '.d2.ts', 'src'], dir).code).toBe(0);
    expect(generated(dir, '.d2.ts')).toEqual(moved('.d2.ts'));
  });

  it('exclude leaves files found in folders out; a file named on the command line is still built', () => {
    const dir = project({ 'adc.config.json': json({ exclude: ['src/geometry.ts'] }) });
    expect(adc(['build', 'src'], dir).code).toBe(0);
    expect(generated(dir, '.grad.ts')).toEqual(['src/model.grad.ts']);
    expect(adc(['build', 'src/geometry.ts'], dir).code).toBe(0);
    expect(generated(dir, '.grad.ts')).toEqual(outputs);
  });

  it('include selects files, and lets the paths be left out', () => {
    const dir = project({ 'adc.config.json': json({ include: ['src/geo*.ts'] }) });
    const r = adc(['build'], dir);
    expect(r.code).toBe(0);
    expect(generated(dir, '.grad.ts')).toEqual(['src/geometry.grad.ts']);
  });

  it('tsconfig names the project file; --tsconfig overrides it', () => {
    const dir = project({ 'adc.config.json': json({ tsconfig: 'configs/missing.json' }) });
    const r = adc(['build', 'src'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('adc: error ADC190: no such file or directory: configs/missing.json');
    expect(adc(['build', '--tsconfig', 'tsconfig.json', 'src'], dir).code).toBe(0);
    expect(generated(dir, '.grad.ts')).toEqual(outputs);
  });

  it('is found above the first path when the current folder has none', () => {
    const dir = project({ 'adc.config.json': json({ suffix: '.up.ts' }) });
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'adc-cwd-'));
    projects.push(elsewhere);
    expect(adc(['build', path.join(dir, 'src')], elsewhere).code).toBe(0);
    expect(generated(dir, '.up.ts')).toEqual(moved('.up.ts'));
  });

  it('in the current folder, it wins over one above the first path', () => {
    const dir = project({ 'adc.config.json': json({ suffix: '.up.ts' }) });
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'adc-cwd-'));
    projects.push(cwd);
    writeFile(cwd, 'adc.config.json', json({ suffix: '.here.ts' }));
    expect(adc(['build', path.join(dir, 'src')], cwd).code).toBe(0);
    expect(generated(dir, '.here.ts')).toEqual(moved('.here.ts'));
    expect(generated(dir, '.up.ts')).toEqual([]);
  });
});

describe('package.json "adc"', () => {
  it('is read like adc.config.json, and flags override it', () => {
    const dir = project({ 'package.json': json({ name: 'p', adc: { suffix: '.pkg.ts' } }) });
    expect(adc(['build', 'src'], dir).code).toBe(0);
    expect(generated(dir, '.pkg.ts')).toEqual(moved('.pkg.ts'));
    expect(adc(['build', '--suffix', '.flag.ts', 'src'], dir).code).toBe(0);
    expect(generated(dir, '.flag.ts')).toEqual(moved('.flag.ts'));
  });

  it('is ignored when adc.config.json is in the same folder', () => {
    const dir = project({ 'package.json': json({ name: 'p', adc: { suffix: '.pkg.ts' } }), 'adc.config.json': json({ suffix: '.own.ts' }) });
    expect(adc(['build', 'src'], dir).code).toBe(0);
    expect(generated(dir, '.own.ts')).toEqual(moved('.own.ts'));
    expect(generated(dir, '.pkg.ts')).toEqual([]);
  });

  it('a package.json without "adc" is no configuration', () => {
    const dir = project({ 'package.json': json({ name: 'p' }) });
    expect(adc(['build', 'src'], dir).code).toBe(0);
    expect(generated(dir, '.grad.ts')).toEqual(outputs);
  });
});

describe('malformed configuration is a usage error naming the file and key', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['an unknown key', { 'adc.config.json': json({ outdir: 'x' }) }, /^adc: error: adc\.config\.json: unknown key "outdir" \(known keys: /],
    ['a wrong type', { 'adc.config.json': json({ include: 'src/**' }) }, /^adc: error: adc\.config\.json: "include" must be an array of glob strings/],
    ['not an object', { 'package.json': json({ name: 'p', adc: true }) }, /^adc: error: package\.json "adc" must be an object/],
    ['invalid JSON', { 'adc.config.json': '{ "suffix": ' }, /^adc: error: \S+adc\.config\.json is not valid JSON: /],
    ['an invalid suffix', { 'adc.config.json': json({ suffix: 'grad' }) }, /^adc: error: invalid suffix "grad"/],
  ];
  it.each(cases)('%s', (_name, files, expected) => {
    const dir = project(files);
    const r = adc(['build', 'src'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(expected)]);
    expect(generated(dir, '.ts').filter((f) => !(f in sampleProject) && !(f in files) && f !== 'tsconfig.json')).toEqual([]);
  });
});
