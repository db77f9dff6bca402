/**
 * Newton's method with Hessian-vector products only (Newton–CG, "truncated Newton"): each step
 * solves H·p = −∇f by conjugate gradients, where every product H·v is one call of the generated
 * `rosenbrock_hvp` (value, gradient and H·v in one pass). The Hessian is never formed, so the
 * same code works for a million unknowns. Near the minimum the gradient's norm is squared at
 * every step: quadratic convergence.
 *
 * Run it: `npm run example:newton` (builds the generated files, then prints each step).
 */
import { rosenbrock_hvp } from './src/rosenbrock.grad';

/** What f_hvp returns: value, gradient and H·v for one differentiated array parameter. */
export type Hvp = (x: number[], v: number[]) => { value: number; grads: [number[]]; hvp: [number[]] };

export interface NewtonStep {
  readonly step: number;
  readonly value: number;
  readonly gradNorm: number;
  /** Conjugate-gradient iterations (Hessian-vector products) this step used. */
  readonly products: number;
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, ai, i) => s + ai * b[i], 0);

/**
 * Minimises f from x0 (in place) by Newton–CG with a backtracking line search; returns the
 * steps taken. Stops when the gradient's norm is below `tolerance`.
 */
export function newtonCG(hvp: Hvp, x: number[], tolerance = 1e-10, maxSteps = 200): NewtonStep[] {
  const n = x.length;
  const steps: NewtonStep[] = [];
  let products = 0;
  for (let step = 0; step < maxSteps; step++) {
    const zero = new Array<number>(n).fill(0);
    const { value, grads } = hvp(x, zero);
    const g = grads[0];
    const gradNorm = Math.sqrt(dot(g, g));
    steps.push({ step, value, gradNorm, products });
    if (gradNorm < tolerance) break;
    // Solve H p = -g by CG, stopping at negative curvature (then p is a descent direction so far)
    // or when the residual is below min(0.5, |g|)·|g| (a forcing term that keeps convergence quadratic).
    const p = new Array<number>(n).fill(0);
    const r = g.map((gi) => -gi);
    const d = [...r];
    let rr = dot(r, r);
    products = 0;
    const forcing = Math.min(0.5, gradNorm) * gradNorm;
    for (let k = 0; k < 2 * n && Math.sqrt(rr) > forcing; k++) {
      const Hd = hvp(x, d).hvp[0];
      products++;
      const curvature = dot(d, Hd);
      if (curvature <= 0) {
        if (k === 0) p.splice(0, n, ...r);
        break;
      }
      const alpha = rr / curvature;
      for (let i = 0; i < n; i++) {
        p[i] += alpha * d[i];
        r[i] -= alpha * Hd[i];
      }
      const next = dot(r, r);
      for (let i = 0; i < n; i++) d[i] = r[i] + (next / rr) * d[i];
      rr = next;
    }
    // Backtracking (Armijo) line search along p.
    let t = 1;
    const slope = dot(g, p);
    const trial = x.map((xi, i) => xi + p[i]);
    while (hvp(trial, zero).value > value + 1e-4 * t * slope && t > 1e-10) {
      t /= 2;
      for (let i = 0; i < n; i++) trial[i] = x[i] + t * p[i];
    }
    x.splice(0, n, ...trial);
  }
  return steps;
}

if (require.main === module) {
  const n = 100;
  const x = Array.from({ length: n }, (_, i) => 1 + 0.5 * Math.sin(i));
  console.log(`Newton–CG on the ${n}-dimensional Rosenbrock function, with rosenbrock_hvp from rosenbrock.grad.ts`);
  for (const s of newtonCG(rosenbrock_hvp, x))
    console.log(`  step ${String(s.step).padStart(3)}  f ${s.value.toExponential(3).padStart(10)}  |∇f| ${s.gradNorm.toExponential(3).padStart(10)}  H·v products ${s.products}`);
  console.log(`  x[0], x[${n - 1}] = ${x[0]}, ${x[n - 1]}  (the minimum is at 1, …, 1)`);
}
