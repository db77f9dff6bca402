/**
 * The Rosenbrock function in n dimensions, a classic test of optimisers: a long curved valley
 * whose floor leads to the minimum at (1, …, 1). `hessian` adds rosenbrock_hvp and
 * rosenbrock_hessian to the generated file, for Newton's method (examples/newton.ts).
 */

/** @differentiable hessian */
export function rosenbrock(x: number[]): number {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    s += 100 * a * a + b * b;
  }
  return s;
}
