/**
 * The examples as the README presents them: their checked-in generated files
 * are what `adc build` writes today, and the demo that uses them compiles under
 * `strict` and converges (a least-squares fit recovers the parameters it was
 * generated from; gradient ascent finds the angle of longest flight), and the
 * pictures it draws show what happened: read back through their axes, the
 * fitted curve is the model at the printed parameters, the loss falls as
 * printed, the best trajectory lands farthest, where range() says.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { model } from '../examples/src/fit';
import { range, trajectory } from '../examples/src/projectile';
import { adcMain, repoRoot } from './support/cli';
import { axis, dots, line, lineLabels, textOf, xmlProblems } from './support/svg';

describe('examples', () => {
  it('checked-in generated files are up to date (adc check examples)', () => {
    const r = spawnSync(process.execPath, [adcMain, 'check', 'examples'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    expect(`${r.stderr}`).toMatch(/up to date/);
    expect(r.status).toBe(0);
  });

  it('trajectory() takes the same steps as the differentiated range(): it lands exactly where range says', () => {
    for (const deg of [20, 35.68, 60]) {
      const path = trajectory((deg * Math.PI) / 180, 30);
      expect([path.xs[0], path.ys[0], path.ys[path.ys.length - 1]]).toEqual([0, 0, 0]);
      expect(path.xs[path.xs.length - 1]).toBe(range((deg * Math.PI) / 180, 30));
      expect(Math.min(...path.ys.slice(1, -1))).toBeGreaterThan(0);
    }
  });
});

describe('the demo', () => {
  // Inside the repository (examples/dist is git-ignored), so `ts-adc/runtime` resolves to this package.
  const outDir = path.join(repoRoot, 'examples', 'dist', `test-${process.pid}`);
  const shown = path.relative(repoRoot, outDir).split(path.sep).join('/');
  let build: SpawnSyncReturns<string>;
  let run: SpawnSyncReturns<string>;
  let again: SpawnSyncReturns<string>;
  const picture = (file: string, dir = 'out') => fs.readFileSync(path.join(outDir, dir, file), 'utf8');

  beforeAll(() => {
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    build = spawnSync(process.execPath, [tsc, '-p', path.join(repoRoot, 'examples', 'tsconfig.json'), '--outDir', outDir], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
    const demo = (dir: string) =>
      spawnSync(process.execPath, [path.join(outDir, 'run-demo.js'), '--out', path.join(outDir, dir)], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    run = demo('out');
    again = demo('again');
  });
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('compiles under strict and its optimisers converge', () => {
    expect(build.stdout + build.stderr).toBe('');
    expect(build.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // The fit: truth is [2, 0.3, 3, 0.5] with noise 0.05; the fitted values must be close.
    [2, 0.3, 3, 0.5].forEach((t, k) => expect(Math.abs(fitted()[k] - t)).toBeLessThan(0.05));
    // The angle: with drag it is below 45° and the gradient has vanished.
    expect(bestDegrees()).toBeGreaterThan(25);
    expect(bestDegrees()).toBeLessThan(45);
    const lastGrad = [...run.stdout.matchAll(/d range\/dθ = (\S+)/g)].pop();
    expect(Math.abs(Number(lastGrad![1]))).toBeLessThan(1e-3);
  });

  const fitted = () => /fitted \[([^\]]+)\]/.exec(run.stdout)![1].split(',').map(Number);
  const bestDegrees = () => Number(/best angle ([\d.]+)°/.exec(run.stdout)![1]);
  const printedLoss = (step: number) => Number(new RegExp(`step +${step}  loss (\\S+)`).exec(run.stdout)![1]);

  it('says where its pictures and the generated files are, and what to do next', () => {
    for (const file of ['fit.svg', 'loss.svg', 'trajectory.svg', 'seed-graph.svg']) {
      expect(run.stdout).toMatch(new RegExp(`^  ${shown}/out/${file.replace('.', '\\.')} +\\S`, 'm'));
      expect(fs.existsSync(path.join(outDir, 'out', file))).toBe(true);
    }
    expect(run.stdout).toMatch(/^  examples\/src\/rosenbrock\.grad\.ts +rosenbrock_jvp, rosenbrock_vjp, rosenbrock_grad, rosenbrock_hvp, rosenbrock_hessian$/m);
    expect(run.stdout).toMatch(/^  examples\/src\/fit\.grad\.ts +loss_jvp, loss_vjp, loss_grad$/m);
    expect(run.stdout).toMatch(/^  examples\/src\/projectile\.grad\.ts +range_jvp, range_vjp, range_grad$/m);
    expect(run.stdout).toContain('/** @differentiable */');
    expect(run.stdout).toContain('npx adc build src/');
    expect(run.stdout).toContain('import { f_grad }');
  });

  it('seed-graph.svg: the primer’s graph of f(x, y) = (x + y)(x − y) at (3, 2), with the adjoints f_grad gives', () => {
    const svg = picture('seed-graph.svg');
    // (Graphviz's SVG, with a doctype and comments: cli-graph.test.ts reads it further)
    expect(svg).toMatch(/^<\?xml[^]*<svg [^]*<\/svg>\s*$/);
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    for (const t of ['x', 'y', '+', '−', '×', 'value 5', 'adjoint 6', 'adjoint &#45;4']) expect(texts).toContain(t);
    expect(run.stdout).toContain('f = 5, f_grad gives (6, -4), the adjoints its graph shows');
  });

  it('draws the same bytes on every run', () => {
    expect(again.status).toBe(0);
    expect(again.stdout.replace(/\/again\//g, '/out/')).toBe(run.stdout);
    for (const file of ['fit.svg', 'loss.svg', 'trajectory.svg', 'seed-graph.svg']) expect(picture(file, 'again')).toBe(picture(file));
  });

  it('fit.svg: the 200 samples, and the fitted curve through them where the model at the fitted parameters is', () => {
    const svg = picture('fit.svg');
    expect(xmlProblems(svg)).toEqual([]);
    expect([textOf(svg, 'label-x'), textOf(svg, 'label-y')]).toEqual(['time t', 'y']);
    expect(lineLabels(svg).map((l) => l.split(':')[0])).toEqual(['initial guess', 'fitted curve', 'true curve']);
    const p = Float64Array.from(fitted());
    const samples = dots(svg, '200 noisy samples');
    expect(samples).toHaveLength(200);
    samples.forEach((s, i) => expect(s.x).toBeCloseTo((i / 200) * 6, 2));
    // The samples lie around the fitted model: noise uniform in ±0.025, so an RMS near 0.014.
    const rms = Math.sqrt(samples.reduce((sum, s) => sum + (s.y - model(p, s.x)) ** 2, 0) / samples.length);
    expect(rms).toBeLessThan(0.03);
    const curve = line(svg, 'fitted curve');
    expect(curve.length).toBeGreaterThan(100);
    expect(curve[0].x).toBeCloseTo(0, 2);
    expect(curve[curve.length - 1].x).toBeCloseTo(samples[199].x, 2);
    // p is printed with 3 decimals, which moves the model by 0.001 here; the true curve is 0.007 away, the initial guess 1.
    for (const c of curve) expect(Math.abs(c.y - model(p, c.x))).toBeLessThan(0.003);
    // The initial guess is drawn, and it is far from the data.
    const guess = line(svg, 'initial guess');
    expect(Math.max(...guess.map((g) => Math.abs(g.y - model(p, g.x))))).toBeGreaterThan(0.5);
  });

  it('loss.svg: the loss at every Adam step on a log axis, falling from the first printed value to the last', () => {
    const svg = picture('loss.svg');
    expect(xmlProblems(svg)).toEqual([]);
    expect(axis(svg, 'y').log).toBe(true);
    expect(textOf(svg, 'label-x')).toBe('Adam step');
    expect(textOf(svg, 'label-y')).toMatch(/^loss/);
    const loss = line(svg, 'loss');
    expect(loss).toHaveLength(1000);
    loss.forEach((l, k) => expect(l.x).toBeCloseTo(k + 1, 1));
    // The picture agrees with the printed losses (to the 0.01 px the coordinates are written with).
    for (const step of [1, 25, 100, 1000]) expect(loss[step - 1].y / printedLoss(step)).toBeCloseTo(1, 2);
    expect(loss[999].y).toBeLessThan(loss[0].y / 100);
    // Falling overall: the mean log-loss of each block of 100 steps is no higher than the block before (Adam may wobble within a block).
    const blocks = Array.from({ length: 10 }, (_, b) => loss.slice(b * 100, b * 100 + 100).reduce((s, l) => s + Math.log10(l.y), 0) / 100);
    blocks.slice(1).forEach((m, b) => expect(m).toBeLessThanOrEqual(blocks[b] + 1e-3));
  });

  it('trajectory.svg: the best angle lands farthest, where range() says', () => {
    const svg = picture('trajectory.svg');
    expect(xmlProblems(svg)).toEqual([]);
    expect([textOf(svg, 'label-x'), textOf(svg, 'label-y')]).toEqual(['distance (m)', 'height (m)']);
    const labels = lineLabels(svg);
    expect(labels).toHaveLength(4);
    const best = labels.find((l) => l.startsWith('best'))!;
    expect(best).toContain(`${bestDegrees().toFixed(2)}°`);
    const landing = (label: string) => line(svg, label).pop()!;
    const far = range((bestDegrees() * Math.PI) / 180, 30);
    expect(landing(best).x).toBeCloseTo(far, 1);
    expect(landing(best).y).toBeCloseTo(0, 2);
    for (const other of labels.filter((l) => l !== best)) expect(landing(other).x).toBeLessThan(landing(best).x);
    // It leaves the origin at the angle it says.
    const [start, next] = line(svg, best);
    expect([start.x, start.y]).toEqual([expect.closeTo(0, 2), expect.closeTo(0, 2)]);
    expect((Math.atan2(next.y - start.y, next.x - start.x) * 180) / Math.PI).toBeCloseTo(bestDegrees(), 0);
  });
});
