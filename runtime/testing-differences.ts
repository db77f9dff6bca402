/**
 * Central differences for `ts-adc/testing`, and the tolerance they are compared with.
 *
 * The estimate. With D(h) = (f(x + h) − f(x − h)) / 2h, Taylor gives
 * D(h) = f′ + h²·f‴/6 + h⁴·f⁽⁵⁾/120 + …, so Richardson's combination of two steps,
 * R = (4·D(h/2) − D(h)) / 3 = f′ − h⁴·f⁽⁵⁾/480 + …, cancels the h² term: four evaluations of f
 * for an error of order h⁴ instead of h².
 *
 * The step. Each value of f carries a rounding error of about u·|f| (u a few ε = 2.2e-16 for a
 * well-conditioned f; more when f cancels large terms), so D(h/2) errs by about 2u·|f|/h and R by
 * (4/3·2 + 1/3·1)·u·|f|/h = 3u·|f|/h, while truncation is h⁴·|f⁽⁵⁾|/480. The sum is smallest near
 * h ≈ ε^(1/5) ≈ 7e-4 for a function varying on a unit scale: the default step is 1e-3, scaled to
 * the coordinate, h = step·max(1, |x|). Then truncation is ≈ 2e-15·|f⁽⁵⁾| (a relative 1e-5 is
 * reached only by functions varying on scales below 0.005·max(1, |x|)), and rounding ≈ 7e-13·|f|.
 *
 * The tolerance. A derivative `ad` passes when |ad − fd| ≤ atol + rtol·max(|ad|, |fd|).
 * - rtol (default 1e-5): truncation and float32 rounding stay far below it, and a derivative off
 *   by a relative 1e-3 is 100 times above it.
 * - atol (default `NOISE`·|f|/h, computed per coordinate with |f| the largest |value| among the
 *   evaluations): rounding allowed for by a relative error per value of f of u = 1e-12/3 ≈ 1500 ε,
 *   beyond which f is ill-conditioned at that point and the user passes `atol`. With the default
 *   step it is 1e-9·|f|/max(1, |x|): a derivative off by 1e-3 is caught unless moving x by its own
 *   size moves f by less than about a millionth of its value (1e-3·|f′|·max(1, |x|) ≤ 1e-9·|f|
 *   + 1e-5·|f′|·max(1, |x|)), where finite differences cannot tell it apart from 0 anyway.
 */

/** Relative rounding error allowed in the difference of two values of f, relative to |f|, before dividing by the step. */
const NOISE = 1e-12;
export const DEFAULT_STEP = 1e-3;
export const DEFAULT_RTOL = 1e-5;

/** One central-difference estimate per output number. */
export interface Difference {
  /** Richardson's R: the estimate of the derivative. */
  estimate: number[];
  /** D(h) and D(h/2): where they disagree wildly, f is not smooth within the step. */
  coarse: number[];
  fine: number[];
  /** The largest |value| of each output among the evaluations (what rounding is relative to). */
  scale: number[];
}

/**
 * Richardson-extrapolated central differences at 0 of `at(t)`, the output numbers of f at the point
 * moved by t (along a coordinate or a direction), with step h. `at` also returns how far the point
 * actually moved: a Float32Array stores x + t rounded, and the difference quotient divides by the
 * real distance.
 */
export function centralDifferences(at: (t: number) => { values: readonly number[]; moved: number }, h: number): Difference {
  const [p, m, p2, m2] = [at(h), at(-h), at(h / 2), at(-h / 2)];
  const coarse = p.values.map((v, i) => (v - m.values[i]) / (p.moved - m.moved));
  const fine = p2.values.map((v, i) => (v - m2.values[i]) / (p2.moved - m2.moved));
  const estimate = fine.map((d2, i) => d2 + (d2 - coarse[i]) / 3);
  const scale = p.values.map((v, i) => Math.max(Math.abs(v), Math.abs(m.values[i]), Math.abs(p2.values[i]), Math.abs(m2.values[i])));
  return { estimate, coarse, fine, scale };
}

export interface Tolerances {
  rtol: number;
  /** Undefined: `NOISE`·scale/h, per output number. */
  atol: number | undefined;
}

/** atol + rtol·max(|ad|, |fd|) for one comparison. */
export function tolerance(t: Tolerances, ad: number, fd: number, scale: number, h: number): { atol: number; total: number } {
  const atol = t.atol ?? (NOISE * scale) / h;
  return { atol, total: atol + t.rtol * Math.max(Math.abs(ad), Math.abs(fd)) };
}

/** A number as a message shows it: up to 10 significant digits. */
export function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(10))) : String(x);
}

/** A small quantity (a difference, a tolerance) in a message: 1.2e-6. */
export function small(x: number): string {
  return x === 0 || !Number.isFinite(x) ? String(x) : x.toExponential(1);
}

/**
 * Why a failed comparison may not mean a wrong derivative: f not finite around the point, or the
 * two steps disagreeing by more than the error found (a kink, a branch or a discontinuity within
 * the step). Empty when neither.
 */
export function hint(d: Difference, i: number, error: number, coordinate: string): string {
  if (!Number.isFinite(d.estimate[i])) return ` (f is not finite within the step around ${coordinate}: pass a smaller step, or move the point)`;
  // Smooth at the step's scale, the two differ by h²·|f‴|/8: far below both the error and |f′|.
  const spread = Math.abs(d.coarse[i] - d.fine[i]);
  if (spread > error / 2 || spread > 0.01 * Math.max(Math.abs(d.coarse[i]), Math.abs(d.fine[i])))
    return ` (central differences with steps h and h/2 disagree, ${fmt(d.coarse[i])} and ${fmt(d.fine[i])}: f may not be smooth within the step around ${coordinate}; move the point or pass a smaller step)`;
  return '';
}
