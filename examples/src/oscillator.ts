/**
 * A damped oscillator x'' = −k·x − c·x′ integrated by a classical Runge–Kutta step that takes the
 * right-hand side as a function, the way ODE libraries are written. `residuals` compares its
 * positions with observed ones; ts-adc differentiates it through every step with respect to the
 * stiffness k and the damping c that the right-hand side captures.
 */

/** The right-hand side of y′ = f(t, y). */
export type Rhs = (t: number, y: number[]) => number[];

function axpy(y: number[], k: number[], h: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < y.length; i++) out.push(y[i] + h * k[i]);
  return out;
}

/** One classical Runge–Kutta step of size h from (t, y). */
export function rk4(f: Rhs, t: number, y: number[], h: number): number[] {
  const k1 = f(t, y);
  const k2 = f(t + h / 2, axpy(y, k1, h / 2));
  const k3 = f(t + h / 2, axpy(y, k2, h / 2));
  const k4 = f(t + h, axpy(y, k3, h));
  return y.map((yi, i) => yi + (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
}

/** Positions after each of n steps of size h, from x = 1 at rest. */
export function positions(k: number, c: number, h: number, n: number): number[] {
  const xs: number[] = [];
  let y = [1, 0];
  for (let i = 0; i < n; i++) {
    y = rk4((_t, s) => [s[1], -k * s[0] - c * s[1]], i * h, y, h);
    xs.push(y[0]);
  }
  return xs;
}

/**
 * The model's position minus the observed one, at each observation (one every h).
 * @differentiable wrt(k, c)
 */
export function residuals(k: number, c: number, observed: readonly number[], h: number): number[] {
  const r: number[] = [];
  let y = [1, 0];
  for (let i = 0; i < observed.length; i++) {
    y = rk4((_t, s) => [s[1], -k * s[0] - c * s[1]], i * h, y, h);
    r.push(y[0] - observed[i]);
  }
  return r;
}
