/**
 * Hand-written derivatives of `rosenbrock` (objectives/rosenbrock.ts), the way
 * a careful programmer writes them: one pass, no allocation, no tape.
 *
 *   a_i = x[i+1] − x[i]²,  b_i = 1 − x[i],  f = Σ 100 a_i² + b_i²
 *   ∂f/∂x[i]   += −400 a_i x[i] − 2 b_i,   ∂f/∂x[i+1] += 200 a_i
 */

/** Writes ∇f into `g` (same length as x) and returns f. */
export function rosenbrockGradient(x: Float64Array, g: Float64Array): number {
  const n = x.length;
  let sum = 0;
  if (n > 0) g[0] = 0;
  for (let i = 0; i < n - 1; i++) {
    const xi = x[i];
    const a = x[i + 1] - xi * xi;
    const b = 1 - xi;
    sum += 100 * a * a + b * b;
    g[i] += -400 * a * xi - 2 * b;
    g[i + 1] = 200 * a;
  }
  return sum;
}

/** Directional derivative ⟨∇f(x), v⟩ (forward mode); returns it and leaves f in `value[0]`. */
export function rosenbrockDirectional(x: Float64Array, v: Float64Array, value: Float64Array): number {
  let sum = 0;
  let dsum = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const xi = x[i];
    const a = x[i + 1] - xi * xi;
    const da = v[i + 1] - 2 * xi * v[i];
    const b = 1 - xi;
    sum += 100 * a * a + b * b;
    dsum += 200 * a * da - 2 * b * v[i];
  }
  value[0] = sum;
  return dsum;
}
