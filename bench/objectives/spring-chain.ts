/**
 * A chain of masses on a line, each joined to its neighbours by springs of
 * stiffness k and rest length 1 (the first and the last to walls at −1 and n),
 * integrated with semi-implicit Euler for `steps` steps, written as a physics
 * programmer writes it: velocities from the forces of the current positions,
 * then positions from the new velocities. The loss is the sum of squared final
 * positions.
 *
 *   fᵢ = k (xᵢ₊₁ − xᵢ − 1) − k (xᵢ − xᵢ₋₁ − 1),   vᵢ ← vᵢ + dt fᵢ / mᵢ,   xᵢ ← xᵢ + dt vᵢ
 *
 * @differentiable wrt(k, x0)
 */
export function springChainLoss(k: number, x0: Float64Array, masses: Float64Array, steps: number): number {
  const n = x0.length;
  const dt = 0.01;
  const x = x0.slice();
  const v = new Float64Array(n);
  for (let s = 0; s < steps; s++) {
    for (let i = 0; i < n; i++) {
      const left = i > 0 ? x[i - 1] : -1;
      const right = i < n - 1 ? x[i + 1] : n;
      const f = k * (right - x[i] - 1) - k * (x[i] - left - 1);
      v[i] += (dt * f) / masses[i];
    }
    for (let i = 0; i < n; i++) {
      x[i] += dt * v[i];
    }
  }
  let loss = 0;
  for (let i = 0; i < n; i++) loss += x[i] * x[i];
  return loss;
}

/**
 * The same simulation with its step loop checkpointed (`// @adc checkpoint 64`): the gradient
 * keeps at most 64 snapshots of x and v instead of the tape of every step, and records one unit
 * of its binomial schedule at a time, lengthened within 8 MB of tape once the first is measured
 * (32,768 steps at 1e6 steps, 65,536 at 1e7).
 *
 * @differentiable wrt(k, x0)
 */
export function springChainLossCheckpointed(k: number, x0: Float64Array, masses: Float64Array, steps: number): number {
  const n = x0.length;
  const dt = 0.01;
  const x = x0.slice();
  const v = new Float64Array(n);
  // @adc checkpoint 64
  for (let s = 0; s < steps; s++) {
    for (let i = 0; i < n; i++) {
      const left = i > 0 ? x[i - 1] : -1;
      const right = i < n - 1 ? x[i + 1] : n;
      const f = k * (right - x[i] - 1) - k * (x[i] - left - 1);
      v[i] += (dt * f) / masses[i];
    }
    for (let i = 0; i < n; i++) {
      x[i] += dt * v[i];
    }
  }
  let loss = 0;
  for (let i = 0; i < n; i++) loss += x[i] * x[i];
  return loss;
}
