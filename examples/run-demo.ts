/**
 * The demo behind `npm run demo`: fits a damped oscillation to noisy samples
 * with Adam, using the gradient ts-adc generated (allocation-free: the result
 * object is reused every step), then optimises a launch angle with the
 * derivative of a simulated trajectory (reverse mode for the angle, forward
 * mode for the sensitivity to the speed).
 */
import { loss } from './src/fit';
import { loss_grad } from './src/fit.grad';
import { range_grad, range_jvp } from './src/projectile.grad';

/** Deterministic noise, so every run prints the same numbers. */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function fitOscillation(): void {
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
  const p = Float64Array.of(1.0, 0.1, 2.8, 0.0);
  const m = new Float64Array(4);
  const v = new Float64Array(4);
  const out = { value: 0, grads: [new Float64Array(4)] as [Float64Array] };
  const rate = 0.02;
  console.log('Fitting y = a·exp(−b t)·cos(ω t + φ) to 200 noisy samples (Adam, gradient from fit.grad.ts)');
  for (let step = 1; step <= 1000; step++) {
    const { value, grads } = loss_grad(p, ts, ys, out);
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
}

function bestAngle(): void {
  const speed = 30;
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
  console.log(`  best angle ${((theta * 180) / Math.PI).toFixed(2)}° (45° without drag); there, one more m/s of speed adds ${perSpeed.toFixed(3)} m`);
}

fitOscillation();
bestAngle();
