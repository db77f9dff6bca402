/**
 * `adc watch` driven like an editor would: edit a source, a callee in another
 * file, break a file and fix it, add a new one; each time wait (bounded) for
 * the rebuild line. The process is always stopped, and must exit 0 on
 * SIGINT and SIGTERM.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileFiles } from '../compiler';
import { makeProject, readFile, removeProject, sampleOutputs, sampleProject, Spawned, writeFile } from './support/cli';

let dir: string;
let watcher: Spawned | undefined;
afterEach(async () => {
  await watcher?.stop('SIGKILL');
  watcher = undefined;
  removeProject(dir);
});

/** Starts `adc watch src` on a fresh copy of the sample project and waits until it watches. */
async function startWatching(): Promise<Spawned> {
  dir = makeProject(sampleProject);
  watcher = new Spawned(['watch', 'src'], dir);
  await watcher.waitFor(/^watching \d+ folders? for changes/m);
  return watcher;
}

/** What `build` would write for the source of `generated` now. */
function expectedText(generated: string): string {
  const source = path.join(dir, generated.replace(/\.grad\.ts$/, '.ts'));
  const r = compileFiles([source], { tsconfig: path.join(dir, 'tsconfig.json') });
  expect(r.diagnostics).toEqual([]);
  return r.files[0].text;
}

const rebuilt = (file: string) => new RegExp(`^rebuilt ${file.replace(/\./g, '\\.')} in (\\d+) ms$`, 'm');

describe('adc watch', () => {
  it('builds everything once before watching', async () => {
    const w = await startWatching();
    const n = Object.keys(sampleOutputs).length;
    expect(w.output).toMatch(new RegExp(`^built ${n} files, `, 'm'));
    for (const gen of Object.keys(sampleOutputs)) expect(readFile(dir, gen)).toBe(expectedText(gen));
  });

  it('rebuilds the generated file of an edited source, printing its time', async () => {
    const w = await startWatching();
    const from = w.output.length;
    writeFile(dir, 'src/model.ts', readFile(dir, 'src/model.ts').replace('i <= 4', 'i <= 7'));
    const m = await w.waitFor(rebuilt('src/model.grad.ts'), from);
    expect(Number(m[1])).toBeGreaterThanOrEqual(0);
    expect(readFile(dir, 'src/model.grad.ts')).toBe(expectedText('src/model.grad.ts'));
    // A batch prints its lines in source order, geometry before model: none came.
    expect(w.output.slice(from)).not.toMatch(/geometry/);
  });

  it('rebuilds the caller when a callee in another file changes, and only the caller', async () => {
    const w = await startWatching();
    const before = readFile(dir, 'src/model.grad.ts');
    const from = w.output.length;
    writeFile(dir, 'src/lib/util.ts', readFile(dir, 'src/lib/util.ts').replace('x * x', 'x * x * x'));
    await w.waitFor(rebuilt('src/model.grad.ts'), from);
    expect(readFile(dir, 'src/model.grad.ts')).not.toBe(before);
    expect(readFile(dir, 'src/model.grad.ts')).toBe(expectedText('src/model.grad.ts'));
    // A batch prints its lines in source order, geometry before model: none came.
    expect(w.output.slice(from)).not.toMatch(/geometry/);
  });

  it('survives a syntax error mid-edit: reports it, keeps the old file, recovers when fixed', async () => {
    const w = await startWatching();
    const good = readFile(dir, 'src/model.grad.ts');
    const source = readFile(dir, 'src/model.ts');
    let from = w.output.length;
    writeFile(dir, 'src/model.ts', source.replace('let e = 0;', 'let e = ;'));
    await w.waitFor(/^src\/model\.ts:\d+:\d+: error ADC\d{3}: /m, from);
    await w.waitFor(/^failed src\/model\.grad\.ts: 1 error/m, from);
    expect(readFile(dir, 'src/model.grad.ts')).toBe(good);

    from = w.output.length;
    writeFile(dir, 'src/model.ts', source.replace('i <= 4', 'i <= 6'));
    await w.waitFor(rebuilt('src/model.grad.ts'), from);
    expect(readFile(dir, 'src/model.grad.ts')).toBe(expectedText('src/model.grad.ts'));
  });

  it('picks up a new file with marked functions, also in a new folder', async () => {
    const w = await startWatching();
    const from = w.output.length;
    writeFile(dir, 'src/extra/fresh.ts', '/** @differentiable */\nexport function fresh(x: number): number {\n  return Math.exp(2 * x);\n}\n');
    await w.waitFor(rebuilt('src/extra/fresh.grad.ts'), from);
    expect(readFile(dir, 'src/extra/fresh.grad.ts')).toBe(expectedText('src/extra/fresh.grad.ts'));
  });

  it('a change to tsconfig.json reloads the project and rebuilds every generated file', async () => {
    const w = await startWatching();
    const from = w.output.length;
    writeFile(dir, 'tsconfig.json', readFile(dir, 'tsconfig.json') + '\n');
    for (const gen of Object.keys(sampleOutputs)) await w.waitFor(new RegExp(`^rebuilt ${gen.replace(/\./g, '\\.')} in \\d+ ms \\(unchanged\\)$`, 'm'), from);
  });

  it('never deletes a generated file: a deleted source leaves it in place, and says so', async () => {
    const w = await startWatching();
    const kept = readFile(dir, 'src/geometry.grad.ts');
    const from = w.output.length;
    fs.rmSync(path.join(dir, 'src/geometry.ts'));
    await w.waitFor(/^src\/geometry\.ts was deleted; src\/geometry\.grad\.ts was left as it is$/m, from);
    expect(readFile(dir, 'src/geometry.grad.ts')).toBe(kept);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('exits 0 on %s', async (signal) => {
    const w = await startWatching();
    expect(await w.stop(signal)).toBe(0);
    expect(w.output).toMatch(/^stopped watching$/m);
  });
});
