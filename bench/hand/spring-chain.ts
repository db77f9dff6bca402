/**
 * Hand-written gradient of `springChainLoss` (objectives/spring-chain.ts) with respect to (k, x0).
 *
 * Step s: fᵢ = k (rᵢ − xᵢ − 1) − k (xᵢ − lᵢ − 1) (lᵢ = xᵢ₋₁ or the wall −1, rᵢ = xᵢ₊₁ or the
 * wall n), vᵢ ← vᵢ + dt fᵢ / mᵢ, xᵢ ← xᵢ + dt vᵢ. Reverse, from x̄ = 2x, v̄ = 0:
 *   v̄ᵢ += dt x̄ᵢ;  f̄ᵢ = dt v̄ᵢ / mᵢ;  k̄ += f̄ᵢ ((rᵢ − xᵢ − 1) − (xᵢ − lᵢ − 1));
 *   x̄ᵢ −= 2k f̄ᵢ;  x̄ᵢ₋₁ += k f̄ᵢ (i > 0);  x̄ᵢ₊₁ += k f̄ᵢ (i < n − 1)
 * which needs the positions at the start of every step (for k̄): the forward sweep keeps them in
 * `trace`, n × 8 bytes per step. Velocities are not needed (f is linear in x, v only adds).
 */

const dt = 0.01;

export interface SpringChainGradient {
  value: number;
  grads: [number, Float64Array];
  /** Positions at the start of each step (n × steps), reused across calls. */
  trace: Float64Array;
  x: Float64Array;
  v: Float64Array;
}

export function newSpringChainGradient(n: number, steps: number): SpringChainGradient {
  return { value: 0, grads: [0, new Float64Array(n)], trace: new Float64Array(n * steps), x: new Float64Array(n), v: new Float64Array(n) };
}

export function springChainGradient(k: number, x0: Float64Array, masses: Float64Array, steps: number, out: SpringChainGradient): SpringChainGradient {
  const n = x0.length;
  const { trace, x, v } = out;
  x.set(x0);
  v.fill(0);
  for (let s = 0; s < steps; s++) {
    trace.set(x, s * n);
    for (let i = 0; i < n; i++) {
      const left = i > 0 ? x[i - 1] : -1;
      const right = i < n - 1 ? x[i + 1] : n;
      v[i] += (dt * (k * (right - x[i] - 1) - k * (x[i] - left - 1))) / masses[i];
    }
    for (let i = 0; i < n; i++) x[i] += dt * v[i];
  }
  let loss = 0;
  for (let i = 0; i < n; i++) loss += x[i] * x[i];
  out.value = loss;
  const xb = out.grads[1];
  const vb = v;
  for (let i = 0; i < n; i++) {
    xb[i] = 2 * x[i];
    vb[i] = 0;
  }
  let kb = 0;
  for (let s = steps - 1; s >= 0; s--) {
    const at = s * n;
    for (let i = 0; i < n; i++) vb[i] += dt * xb[i];
    for (let i = 0; i < n; i++) {
      const fb = (dt * vb[i]) / masses[i];
      const xi = trace[at + i];
      const left = i > 0 ? trace[at + i - 1] : -1;
      const right = i < n - 1 ? trace[at + i + 1] : n;
      kb += fb * (right - xi - 1 - (xi - left - 1));
      xb[i] -= 2 * k * fb;
      if (i > 0) xb[i - 1] += k * fb;
      if (i < n - 1) xb[i + 1] += k * fb;
    }
  }
  out.grads[0] = kb;
  return out;
}
