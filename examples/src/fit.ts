/**
 * A damped oscillation fitted to measurements: the model and its least-squares
 * loss. `adc build examples/` writes fit.grad.ts next to this file.
 */

/** y(t) = a · e^(−b t) · cos(ω t + φ), with p = [a, b, ω, φ]. */
export function model(p: Float64Array, t: number): number {
  return p[0] * Math.exp(-p[1] * t) * Math.cos(p[2] * t + p[3]);
}

/**
 * Mean squared error of the model over the samples (ts[i], ys[i]).
 * @differentiable wrt(p)
 */
export function loss(p: Float64Array, ts: Float64Array, ys: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < ts.length; i++) {
    const r = model(p, ts[i]) - ys[i];
    sum += r * r;
  }
  return sum / ts.length;
}
