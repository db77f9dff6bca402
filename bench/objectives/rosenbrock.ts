/**
 * The extended Rosenbrock function over a Float64Array:
 *   f(x) = Σ_{i<n-1} 100 (x[i+1] − x[i]²)² + (1 − x[i])².
 *
 * @differentiable hessian
 */
export function rosenbrock(x: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    sum += 100 * a * a + b * b;
  }
  return sum;
}
