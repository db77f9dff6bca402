/**
 * Errors and finite differences.
 *
 * The error of a derivative g against a reference r is normwise:
 *   ‖g − r‖∞ / ‖r‖∞   (over the compared coordinates),
 * so that a component that happens to be near zero cannot inflate it, while a
 * wrong component of any size that matters shows. NaN anywhere gives NaN.
 */

export function relativeError(g: ArrayLike<number>, r: ArrayLike<number>, indices?: readonly number[]): number {
  if (g.length !== r.length) return NaN;
  let diff = 0;
  let scale = 0;
  const visit = (i: number) => {
    const d = Math.abs(g[i] - r[i]);
    if (Number.isNaN(d)) diff = NaN;
    else if (d > diff) diff = d;
    if (Math.abs(r[i]) > scale) scale = Math.abs(r[i]);
  };
  if (indices) indices.forEach(visit);
  else for (let i = 0; i < r.length; i++) visit(i);
  if (Number.isNaN(diff)) return NaN;
  return scale === 0 ? diff : diff / scale;
}

export function scalarError(g: number, r: number): number {
  const d = Math.abs(g - r);
  return r === 0 ? d : d / Math.abs(r);
}

/**
 * Central difference of f along coordinate `i` of the flat parameter vector
 * `params` (modified and restored in place): (f(x + h eᵢ) − f(x − h eᵢ)) / 2h,
 * h = ε^(1/3)·max(1, |xᵢ|).
 */
export function centralDifference(f: () => number, params: Float64Array | number[], i: number): number {
  const x = params[i];
  const h = 6.055454452393343e-6 * Math.max(1, Math.abs(x));
  params[i] = x + h;
  const fp = f();
  params[i] = x - h;
  const fm = f();
  params[i] = x;
  return (fp - fm) / (2 * h);
}

/** Concatenates arrays and numbers into one Float64Array (the layout of a gradient split per parameter). */
export function flatten(parts: ReadonlyArray<ArrayLike<number> | number>): Float64Array {
  let n = 0;
  for (const p of parts) n += typeof p === 'number' ? 1 : p.length;
  const out = new Float64Array(n);
  let o = 0;
  for (const p of parts) {
    if (typeof p === 'number') out[o++] = p;
    else for (let i = 0; i < p.length; i++) out[o++] = p[i];
  }
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** `count` distinct indices in [0, n), spread evenly (first and last included). */
export function spreadIndices(n: number, count: number): number[] {
  if (count >= n) return Array.from({ length: n }, (_, i) => i);
  const out = new Set<number>();
  for (let j = 0; j < count; j++) out.add(Math.round((j * (n - 1)) / (count - 1)));
  return [...out];
}
