/**
 * The demo behind `npm run demo`: fits a damped oscillation to noisy samples
 * with Adam, using the gradient ts-adc generated (allocation-free: the result
 * object is reused every step), then optimises a launch angle with the
 * derivative of a simulated trajectory (reverse mode for the angle, forward
 * mode for the sensitivity to the speed). It draws both as SVG pictures in
 * examples/out/ (or the folder given after `--out`), then says where the
 * pictures and the generated files are, and what a newcomer does next.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type FitRun, fitSvg, lossSvg, trajectorySvg } from './figures';
import { loss } from './src/fit';
import { loss_grad } from './src/fit.grad';
import { range_grad, range_jvp } from './src/projectile.grad';
import { f_grad } from './src/seed.grad';

/** Deterministic noise, so every run prints the same numbers. */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function fitOscillation(): FitRun {
  const truth = Float64Array.of(2.0, 0.3, 3.0, 0.5);
  const n = 200;
  const ts = new Float64Array(n);
  const ys = new Float64Array(n);
  const rand = noise(42);
  for (let i = 0; i < n; i++) {
    ts[i] = (i / n) * 6;
    const t = ts[i];
    ys[i] = truth[0] * Math.exp(-truth[1] * t) * Math.cos(truth[2] * t + truth[3]) + 0.05 * rand();
  }
  // Adam on p = [a, b, ω, φ], from a rough guess.
  const guess = Float64Array.of(1.0, 0.1, 2.8, 0.0);
  const p = Float64Array.from(guess);
  const m = new Float64Array(4);
  const v = new Float64Array(4);
  const out = { value: 0, grads: [new Float64Array(4)] as [Float64Array] };
  const rate = 0.02;
  const losses = new Float64Array(1000);
  console.log('Fitting y = a·exp(−b t)·cos(ω t + φ) to 200 noisy samples (Adam, gradient from fit.grad.ts)');
  for (let step = 1; step <= 1000; step++) {
    const { value, grads } = loss_grad(p, ts, ys, out);
    losses[step - 1] = value;
    const g = grads[0];
    for (let k = 0; k < 4; k++) {
      m[k] = 0.9 * m[k] + 0.1 * g[k];
      v[k] = 0.999 * v[k] + 0.001 * g[k] * g[k];
      const mHat = m[k] / (1 - 0.9 ** step);
      const vHat = v[k] / (1 - 0.999 ** step);
      p[k] -= (rate * mHat) / (Math.sqrt(vHat) + 1e-8);
    }
    if ([1, 25, 50, 100, 200, 400, 1000].includes(step))
      console.log(`  step ${String(step).padStart(4)}  loss ${value.toExponential(3)}  p = [${Array.from(p, (x) => x.toFixed(3)).join(', ')}]`);
  }
  console.log(
    `  fitted [${Array.from(p, (x) => x.toFixed(3)).join(', ')}], truth [${Array.from(truth, (x) => x.toFixed(3)).join(', ')}], final loss ${loss(p, ts, ys).toExponential(3)}\n`,
  );
  return { ts, ys, truth, guess, fitted: p, losses };
}

function bestAngle(speed: number): number {
  let theta = 0.3;
  console.log(`Launch angle for the longest flight at ${speed} m/s with air drag (gradient ascent on the simulated range)`);
  for (let it = 0; it <= 60; it++) {
    const { value, grads } = range_grad(theta, speed);
    if (it % 10 === 0)
      console.log(`  iteration ${String(it).padStart(2)}  θ = ${((theta * 180) / Math.PI).toFixed(3)}°  range ${value.toFixed(3)} m  d range/dθ = ${grads[0].toExponential(2)}`);
    theta += 0.005 * grads[0];
  }
  // Forward mode gives the sensitivity to the other input along the way.
  const perSpeed = range_jvp(theta, speed, 0, 1).tangent;
  console.log(`  best angle ${((theta * 180) / Math.PI).toFixed(2)}° (45° without drag); there, one more m/s of speed adds ${perSpeed.toFixed(3)} m\n`);
  return theta;
}

/** The project's root: the nearest folder above the compiled demo that holds package.json. */
function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** Rows of two columns, the first padded to its widest entry. */
function columns(rows: readonly (readonly [string, string])[]): string {
  const w = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `  ${a.padEnd(w)}  ${b}`).join('\n');
}

const root = projectRoot();
const shown = (file: string) => path.relative(root, file).split(path.sep).join('/');
const outFlag = process.argv.indexOf('--out');
const outDir = outFlag >= 0 ? path.resolve(process.argv[outFlag + 1]) : path.join(root, 'examples', 'out');

/**
 * The primer's picture of f(x, y) = (x + y)(x − y) at (3, 2), drawn by `adc graph` (the command
 * a user runs, from this checkout's build): value 5, adjoints x̄ = 6 and ȳ = −4, as f_grad gives.
 */
function seedGraph(): string {
  const adc = path.join(root, 'dist', 'cli', 'main.js');
  const run = spawnSync(process.execPath, [adc, 'graph', 'examples/src/seed.ts', 'f', '--at', 'x=3,y=2'], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`adc graph failed: ${run.stderr}`);
  const { value, grads } = f_grad(3, 2);
  console.log(`The seed function f(x, y) = (x + y)(x − y) at (3, 2): f = ${value}, f_grad gives (${grads.join(', ')}), the adjoints its graph shows\n`);
  return run.stdout;
}

const fit = fitOscillation();
const speed = 30;
const theta = bestAngle(speed);
const degree = Math.PI / 180;
const pictures: { file: string; svg: string | undefined; what: string }[] = [
  { file: 'fit.svg', svg: fitSvg(fit), what: 'the 200 samples, the true curve, the initial guess and the fitted curve' },
  { file: 'loss.svg', svg: lossSvg(fit), what: 'the loss at each Adam step, on a log scale' },
  { file: 'trajectory.svg', svg: trajectorySvg(theta, speed, [20 * degree, 45 * degree, 60 * degree]), what: 'the flight at the best angle, beside 20°, 45° and 60°' },
  { file: 'seed-graph.svg', svg: seedGraph(), what: 'the graph of f(x, y) = (x + y)(x − y) at (3, 2): values, tangents, adjoints (adc graph)' },
];
fs.mkdirSync(outDir, { recursive: true });
for (const p of pictures) if (p.svg !== undefined) fs.writeFileSync(path.join(outDir, p.file), p.svg);

/** The functions a generated file exports, read from the file itself. */
const exported = (file: string) => [...fs.readFileSync(file, 'utf8').matchAll(/^export function (\w+)/gm)].map((m) => m[1]).join(', ');
const sources = path.join(root, 'examples', 'src');
const generated = fs
  .readdirSync(sources)
  .filter((f) => f.endsWith('.grad.ts'))
  .sort()
  .map((f) => path.join(sources, f));

console.log(`Pictures (open them in a browser):\n${columns(pictures.map((p) => [shown(path.join(outDir, p.file)), p.what]))}\n`);
console.log(`Generated by \`adc build examples\` (checked in: read them):\n${columns(generated.map((f) => [shown(f), exported(f)]))}\n`);
console.log(`Next step: mark a function of your own with /** @differentiable */ (say f in src/model.ts),
run \`npx adc build src/\`, and import f_grad from the src/model.grad.ts it writes next to it:
  import { f_grad } from './model.grad';
  const { value, grads } = f_grad(x, y); // grads[i] = ∂f/∂(i-th parameter)
See it: \`npx adc graph src/model.ts f --at x=1,y=2 -o f.svg\` draws f's graph with its numbers.
Second derivatives: \`npm run example:newton\` runs Newton's method with rosenbrock_hvp.`);
