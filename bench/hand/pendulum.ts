/**
 * Hand-written derivatives of `pendulumEnergy` (objectives/pendulum.ts).
 *
 * Step i: α = −g sin θᵢ − c ωᵢ,  ωᵢ₊₁ = ωᵢ + dt α,  θᵢ₊₁ = θᵢ + dt ωᵢ₊₁.
 * Reverse, from θ̄ = g sin θ_N, ω̄ = ω_N:
 *   ω̄ += dt θ̄;  ᾱ = dt ω̄;  θ̄ += −g cos θᵢ ᾱ;  c̄ += −ωᵢ ᾱ;  ω̄ += −c ᾱ
 * which needs θᵢ and ωᵢ of every step: the forward sweep keeps them in `trace`.
 */

const dt = 0.01;
const g = 9.81;

export interface PendulumGradient {
  value: number;
  grads: [number, number, number];
  /** θᵢ, ωᵢ of every step (2 × steps), reused across calls. */
  trace: Float64Array;
}

export function newPendulumGradient(steps: number): PendulumGradient {
  return { value: 0, grads: [0, 0, 0], trace: new Float64Array(2 * steps) };
}

export function pendulumGradient(theta0: number, omega0: number, damping: number, steps: number, out: PendulumGradient): PendulumGradient {
  const trace = out.trace;
  let theta = theta0;
  let omega = omega0;
  for (let i = 0; i < steps; i++) {
    trace[2 * i] = theta;
    trace[2 * i + 1] = omega;
    const alpha = -g * Math.sin(theta) - damping * omega;
    omega += dt * alpha;
    theta += dt * omega;
  }
  out.value = 0.5 * omega * omega + g * (1 - Math.cos(theta));
  let thetaBar = g * Math.sin(theta);
  let omegaBar = omega;
  let dampingBar = 0;
  for (let i = steps - 1; i >= 0; i--) {
    omegaBar += dt * thetaBar;
    const alphaBar = dt * omegaBar;
    thetaBar -= g * Math.cos(trace[2 * i]) * alphaBar;
    dampingBar -= trace[2 * i + 1] * alphaBar;
    omegaBar -= damping * alphaBar;
  }
  out.grads[0] = thetaBar;
  out.grads[1] = omegaBar;
  out.grads[2] = dampingBar;
  return out;
}

/** Forward mode along (dθ0, dω0, dc): returns the directional derivative, leaves the value in `value[0]`. */
export function pendulumDirectional(
  theta0: number,
  omega0: number,
  damping: number,
  steps: number,
  dtheta0: number,
  domega0: number,
  ddamping: number,
  value: Float64Array,
): number {
  let theta = theta0;
  let omega = omega0;
  let dtheta = dtheta0;
  let domega = domega0;
  for (let i = 0; i < steps; i++) {
    const alpha = -g * Math.sin(theta) - damping * omega;
    const dalpha = -g * Math.cos(theta) * dtheta - ddamping * omega - damping * domega;
    omega += dt * alpha;
    domega += dt * dalpha;
    theta += dt * omega;
    dtheta += dt * domega;
  }
  value[0] = 0.5 * omega * omega + g * (1 - Math.cos(theta));
  return omega * domega + g * Math.sin(theta) * dtheta;
}
