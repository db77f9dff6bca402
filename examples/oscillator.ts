/**
 * Fits a damped oscillator's stiffness k and damping c to observed positions by Gauss–Newton with
 * Levenberg–Marquardt damping, using the Jacobian ts-adc generates for `residuals`: a function
 * that integrates the ODE with an RK4 step taking the right-hand side as an arrow, which captures
 * k and c (examples/src/oscillator.ts).
 *
 * Run it: `npm run example:oscillator` (builds the generated files, then prints each step).
 */
import { positions, residuals } from './src/oscillator';
import { residuals_jacobian } from './src/oscillator.grad';

export interface FitStep {
  readonly step: number;
  readonly k: number;
  readonly c: number;
  /** Half the sum of squared residuals. */
  readonly loss: number;
}

const halfSquares = (r: readonly number[]) => r.reduce((s, v) => s + v * v, 0) / 2;

/** Levenberg–Marquardt on (k, c) from a start; stops when a step changes the loss by less than 1e-14 relative. */
export function fitOscillator(observed: readonly number[], h: number, k0: number, c0: number, maxSteps = 50): FitStep[] {
  let [k, c] = [k0, c0];
  let lambda = 1e-3;
  let loss = halfSquares(residuals(k, c, observed, h));
  const steps: FitStep[] = [{ step: 0, k, c, loss }];
  for (let step = 1; step <= maxSteps; step++) {
    const r = residuals(k, c, observed, h);
    const J = residuals_jacobian(k, c, observed, h);
    // Normal equations (JᵀJ + λ·diag(JᵀJ)) δ = −Jᵀr, two unknowns.
    let [a, b, d, g0, g1] = [0, 0, 0, 0, 0];
    J.forEach((row, i) => {
      a += row[0] * row[0];
      b += row[0] * row[1];
      d += row[1] * row[1];
      g0 += row[0] * r[i];
      g1 += row[1] * r[i];
    });
    for (;;) {
      const [a2, d2] = [a * (1 + lambda), d * (1 + lambda)];
      const det = a2 * d2 - b * b;
      const dk = (-d2 * g0 + b * g1) / det;
      const dc = (b * g0 - a2 * g1) / det;
      const next = halfSquares(residuals(k + dk, c + dc, observed, h));
      if (next <= loss) {
        const done = loss - next <= 1e-14 * loss;
        [k, c, loss, lambda] = [k + dk, c + dc, next, lambda / 10];
        steps.push({ step, k, c, loss });
        if (done) return steps;
        break;
      }
      lambda *= 10;
      if (lambda > 1e12) return steps;
    }
  }
  return steps;
}

if (require.main === module) {
  const h = 0.1;
  const truth = { k: 4, c: 0.5 };
  const observed = positions(truth.k, truth.c, h, 60);
  console.log(`observed: 60 positions of x'' = -k x - c x' with k = ${truth.k}, c = ${truth.c}; fitting from k = 1, c = 2`);
  for (const s of fitOscillator(observed, h, 1, 2))
    console.log(`step ${String(s.step).padStart(2)}  k = ${s.k.toFixed(10)}  c = ${s.c.toFixed(10)}  loss = ${s.loss.toExponential(3)}`);
}
