/**
 * Numerical checks of derivatives, shared by every test that executes
 * generated code: central finite differences, the forward/reverse dot-product
 * test, and a deterministic random source.
 */

export type Value = number | number[] | Float64Array | Float32Array;

/** A numeric skeleton (shapes.ts): a number, a numeric array, a matrix (plain rows of numbers), a plain object of skeletons, or a list (a plain array of such objects). */
export type Tree = Value | number[][] | { readonly [key: string]: Tree } | readonly Tree[];

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Flattens numbers and numeric arrays into one vector (read-only data arguments, such as a `number[][]`, are skipped). */
export function flatten(values: readonly Value[]): number[] {
  const out: number[] = [];
  for (const v of values) {
    if (typeof v === 'number') out.push(v);
    else if (v instanceof Float64Array || v instanceof Float32Array || (Array.isArray(v) && v.every((x) => typeof x === 'number'))) out.push(...Array.from(v));
  }
  return out;
}

/** Flattens skeletons: numbers, numeric arrays, matrices (row after row), objects (their properties in key order, depth first) and lists (element after element). */
export function flattenTree(values: readonly Tree[], out: number[] = []): number[] {
  for (const v of values) {
    if (typeof v === 'number') out.push(v);
    else if (v instanceof Float64Array || v instanceof Float32Array) out.push(...Array.from(v));
    // (a plain array's elements are numbers, a matrix's rows of numbers, a list's objects)
    else if (Array.isArray(v)) flattenTree(v as readonly Tree[], out);
    else flattenTree(Object.values(v), out);
  }
  return out;
}

/** Rebuilds skeletons of the same shapes (kinds, lengths, keys, a matrix's row lengths) as `like` from a flat vector: the inverse of `flattenTree`. */
export function unflattenTree(flat: readonly number[], like: readonly Tree[]): Tree[] {
  let k = 0;
  const rebuild = (v: Tree): Tree => {
    if (typeof v === 'number') return flat[k++];
    // (a matrix row by row, a list element by element)
    if (Array.isArray(v) && v.some((x) => typeof x !== 'number')) return (v as readonly Tree[]).map(rebuild);
    if (v instanceof Float64Array || v instanceof Float32Array || Array.isArray(v)) {
      const part = flat.slice(k, k + v.length);
      k += v.length;
      return v instanceof Float64Array ? Float64Array.from(part) : v instanceof Float32Array ? Float32Array.from(part) : part;
    }
    return Object.fromEntries(Object.entries(v).map(([key, x]) => [key, rebuild(x)]));
  };
  return like.map(rebuild);
}

/** Rebuilds arguments of the same shapes (and kinds) as `like` from a flat vector. */
export function unflatten(flat: readonly number[], like: readonly Value[]): Value[] {
  let k = 0;
  return like.map((v) => {
    if (typeof v === 'number') return flat[k++];
    const n = v.length;
    const part = flat.slice(k, k + n);
    k += n;
    if (v instanceof Float64Array) return Float64Array.from(part);
    if (v instanceof Float32Array) return Float32Array.from(part);
    return part;
  });
}

/**
 * Central finite difference of `f` at `args` along `direction` (a flat vector
 * over the differentiated arguments `wrt`): (f(x + h·v) − f(x − h·v)) / 2h,
 * flattened. The step is scaled to the size of x.
 */
export function centralDifference(f: (...a: Value[]) => Value, args: readonly Value[], wrt: readonly number[], direction: readonly number[], h = 1e-6): number[] {
  const [minus, plus] = neighbours(f, args, wrt, direction, h);
  return plus.map((p, i) => (p - minus[i]) / (2 * h));
}

/** The arguments at x + t·v: each differentiated argument moved along its part of `direction`, steps scaled by max(1, |x|); fresh arrays. */
export function shifted(args: readonly Value[], wrt: readonly number[], direction: readonly number[], t: number): Value[] {
  const out = [...args];
  let k = 0;
  for (const i of wrt) {
    const a = args[i];
    if (typeof a === 'number') out[i] = a + t * direction[k++] * Math.max(1, Math.abs(a));
    else {
      const copy = Array.from(a, (x) => x + t * direction[k++] * Math.max(1, Math.abs(x)));
      out[i] = a instanceof Float64Array ? Float64Array.from(copy) : a instanceof Float32Array ? Float32Array.from(copy) : copy;
    }
  }
  return out;
}

/** f at x − h·v and at x + h·v (steps scaled as in `centralDifference`), flattened. */
export function neighbours(f: (...a: Value[]) => Value, args: readonly Value[], wrt: readonly number[], direction: readonly number[], h = 1e-6): [number[], number[]] {
  const plus = flatten([f(...shifted(args, wrt, direction, h))]);
  const minus = flatten([f(...shifted(args, wrt, direction, -h))]);
  return [minus, plus];
}

/**
 * Whether the derivative J·v changes across the step of a central difference: a central difference
 * with step h is exactly the mean of J(x + s·v)·v over s in [−h, h] (for a function smooth there), so
 * it judges J(x)·v only where J·v is nearly constant over that interval. It is not where a huge
 * sensitivity meets a squashing function (a value of order 1e8·x fed to y / (1 + y²)): the derivative
 * is right, but its linear regime is far narrower than any step above rounding. `tangentAt` is the
 * forward mode's J·v (flattened) at the given arguments, `same` the comparison of the check; the
 * derivative is sampled at x ± h and x ± h/2. A wrong derivative is wrong consistently (a sign, a
 * missing term) and does not vary wildly over 1e-6: this excuses no such error.
 */
export function curved(
  tangentAt: (args: Value[]) => readonly number[],
  args: readonly Value[],
  wrt: readonly number[],
  direction: readonly number[],
  jv: readonly number[],
  same: (a: number, b: number) => boolean,
  h = 1e-6,
): boolean {
  return [-1, -0.5, 0.5, 1].some((s) => tangentAt(shifted(args, wrt, direction, s * h)).some((t, i) => !same(t, jv[i])));
}

/**
 * Whether f(x) (`at`, flattened) stands apart from its neighbours f(x ± h·v): outside the range they
 * span by more than that range and by `slack` (rounding) and 1e-9·max(1, |f(x)|) (curvature: at an
 * extremum f(x) lies outside by about h²·f''/2). Then x is an isolated discontinuity, a branch taken
 * at x alone (`q[0] === e` where e happens to be a float32 value, a tie): the derivative there is
 * that of the branch, and finite differences, which only see the neighbours, cannot judge it.
 */
export function isolated(at: readonly number[], [minus, plus]: [number[], number[]], slack: readonly number[]): boolean {
  return at.some((y, i) => {
    const lo = Math.min(minus[i], plus[i]);
    const hi = Math.max(minus[i], plus[i]);
    const outside = y < lo ? lo - y : y > hi ? y - hi : 0;
    return outside > hi - lo + slack[i] + 1e-9 * Math.max(1, Math.abs(y));
  });
}

/** The direction actually used by `centralDifference` (steps are scaled by max(1, |x|)). */
export function scaledDirection(args: readonly Value[], wrt: readonly number[], direction: readonly number[]): number[] {
  const scale = flatten(wrt.map((i) => args[i])).map((x) => Math.max(1, Math.abs(x)));
  return direction.map((d, k) => d * scale[k]);
}

/** |a − b| / max(1, |a|, |b|), elementwise maximum. */
export function maxRelativeError(a: readonly number[], b: readonly number[]): number {
  let worst = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) return Infinity;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) continue;
    worst = Math.max(worst, Math.abs(x - y) / Math.max(1, Math.abs(x), Math.abs(y)));
  }
  return worst;
}

export function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
