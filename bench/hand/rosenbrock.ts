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

/**
 * ∇f into `g` and the Hessian-vector product H·v into `hv` (both the length of x); returns f.
 * Each term's second derivatives: ∂²/∂x[i]² = 1200 x[i]² − 400 x[i+1] + 2,
 * ∂²/∂x[i]∂x[i+1] = −400 x[i], ∂²/∂x[i+1]² = 200.
 */
export function rosenbrockHvp(x: Float64Array, v: Float64Array, g: Float64Array, hv: Float64Array): number {
  const n = x.length;
  let sum = 0;
  if (n > 0) g[0] = hv[0] = 0;
  for (let i = 0; i < n - 1; i++) {
    const xi = x[i];
    const a = x[i + 1] - xi * xi;
    const b = 1 - xi;
    sum += 100 * a * a + b * b;
    g[i] += -400 * a * xi - 2 * b;
    g[i + 1] = 200 * a;
    hv[i] += (1200 * xi * xi - 400 * x[i + 1] + 2) * v[i] - 400 * xi * v[i + 1];
    hv[i + 1] = -400 * xi * v[i] + 200 * v[i + 1];
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
