/**
 * A damped pendulum integrated with semi-implicit (symplectic) Euler for
 * `steps` steps; the result is its final energy per unit mass and length².
 *
 *   ω ← ω + dt (−g sin θ − c ω),   θ ← θ + dt ω
 *
 * @differentiable wrt(theta0, omega0, damping)
 */
export function pendulumEnergy(theta0: number, omega0: number, damping: number, steps: number): number {
  const dt = 0.01;
  const g = 9.81;
  let theta = theta0;
  let omega = omega0;
  for (let i = 0; i < steps; i++) {
    const alpha = -g * Math.sin(theta) - damping * omega;
    omega += dt * alpha;
    theta += dt * omega;
  }
  return 0.5 * omega * omega + g * (1 - Math.cos(theta));
}
