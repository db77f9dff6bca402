/**
 * The values `ts-adc/testing` walks: arguments, gradients, tangents and results as trees
 * whose leaves are numbers (numbers, `number[]`, `Float64Array`, `Float32Array`, matrices,
 * plain objects and class instances, arrays of those). A number in a tree is named by its
 * path, the keys that lead to it (`[0, 'W', 1, 0]`, printed `W[1][0]`). Paths are listed
 * depth first: arrays element by element, objects property by property in their own key
 * order, so two trees of one shape list their numbers in the same order.
 *
 * No dependencies, no Node built-ins: runs in a browser too.
 */

export type Key = string | number;
export type Path = readonly Key[];

type Holder = Record<Key, unknown>;

/** A typed array of floats: its gradient has its kind. Other typed arrays (`Int32Array` of indices) are data. */
function isFloatArray(v: unknown): v is Float64Array | Float32Array {
  return v instanceof Float64Array || v instanceof Float32Array;
}

/** An object whose own enumerable properties are its state: a plain object or a class instance (not a Map, a Date, a function, …). */
function isRecord(v: unknown): v is Holder {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) && Object.prototype.toString.call(v) === '[object Object]';
}

/** Whether a Float32Array is among the values of `tree`: its numbers carry float32 rounding. */
export function holdsFloat32(tree: unknown): boolean {
  if (tree instanceof Float32Array) return true;
  if (Array.isArray(tree)) return tree.some(holdsFloat32);
  return isRecord(tree) && Object.values(tree).some(holdsFloat32);
}

/** The paths of the numbers of `tree`, depth first, each after `prefix`. */
export function leafPaths(tree: unknown, prefix: Path = [], out: Key[][] = []): Key[][] {
  if (typeof tree === 'number') out.push([...prefix]);
  else if (Array.isArray(tree) || isFloatArray(tree)) for (let i = 0; i < tree.length; i++) leafPaths(tree[i], [...prefix, i], out);
  else if (isRecord(tree)) for (const k of Object.keys(tree)) leafPaths(tree[k], [...prefix, k], out);
  return out;
}

export function getAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const k of path) v = (v as Holder)[k];
  return v;
}

/** Writes `v` at `path` and returns what is stored there afterwards (a Float32Array rounds it). */
export function setAt(root: unknown, path: Path, v: number): number {
  const holder = getAt(root, path.slice(0, -1)) as Holder;
  const key = path[path.length - 1];
  holder[key] = v;
  return holder[key] as number;
}

/** `W[1][0]`, `pos.x`, `o["a-b"]`: a path printed after the name of its parameter. */
export function printPath(name: string, path: Path): string {
  return name + path.map((k) => (typeof k === 'number' ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`)).join('');
}

/**
 * The numeric skeleton of a value: its numbers, float arrays, arrays and objects holding some, the
 * same kinds, lengths and keys (strings, booleans, integer typed arrays dropped); `undefined` when it
 * holds no number. The shape of the tangent or gradient of a parameter holding `v`.
 */
export function skeleton(v: unknown): unknown {
  if (typeof v === 'number') return v;
  if (isFloatArray(v)) return v.slice();
  if (Array.isArray(v)) {
    const parts = v.map(skeleton);
    return v.length === 0 || parts.some((p) => p !== undefined) ? parts : undefined;
  }
  if (!isRecord(v)) return undefined;
  const out: Holder = {};
  for (const k of Object.keys(v)) {
    const part = skeleton(v[k]);
    if (part !== undefined) out[k] = part;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A new tree of `tree`'s shape whose numbers are `make(path)`. */
export function mapLeaves(tree: unknown, make: (path: Path) => number, prefix: Path = []): unknown {
  if (typeof tree === 'number') return make(prefix);
  if (isFloatArray(tree)) return tree.map((_, i) => make([...prefix, i]));
  if (Array.isArray(tree)) return tree.map((v, i) => mapLeaves(v, make, [...prefix, i]));
  if (isRecord(tree)) {
    const out: Holder = {};
    for (const k of Object.keys(tree)) out[k] = mapLeaves(tree[k], make, [...prefix, k]);
    return out;
  }
  return tree;
}

/**
 * A deep copy: arrays, typed arrays, plain objects and class instances (same prototype, own
 * enumerable properties) copied; anything else (functions, Maps, Dates) shared.
 */
export function deepCopy<T>(v: T): T {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return (v as unknown as Float64Array).slice() as T;
  if (Array.isArray(v)) return v.map(deepCopy) as T;
  if (!isRecord(v)) return v;
  const out = Object.create(Object.getPrototypeOf(v)) as Holder;
  for (const k of Object.keys(v)) out[k] = deepCopy(v[k]);
  return out as T;
}

/** The first place where `after` is not what `before` (a deep copy taken earlier) was, or undefined. */
export function firstChange(before: unknown, after: unknown, path: Key[] = []): { path: Key[]; before: unknown; after: unknown } | undefined {
  const changed = { path, before, after };
  const seq = (x: unknown): x is ArrayLike<unknown> => Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
  if (seq(before)) {
    if (!seq(after) || after.length !== before.length) return changed;
    for (let i = 0; i < before.length; i++) {
      const d = firstChange(before[i], after[i], [...path, i]);
      if (d) return d;
    }
    return undefined;
  }
  if (isRecord(before)) {
    if (!isRecord(after)) return changed;
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const d = firstChange(before[k], after[k], [...path, k]);
      if (d) return d;
    }
    return undefined;
  }
  return Object.is(before, after) ? undefined : changed;
}

/** `a number`, `a Float64Array of length 3`, `an array of length 2`, `an object { x, y }`: a value's shape in a message. */
export function describe(v: unknown): string {
  if (typeof v === 'number') return 'a number';
  if (isFloatArray(v)) return `a ${v.constructor.name} of length ${v.length}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (isRecord(v)) return `an object { ${Object.keys(v).join(', ')} }`;
  if (v === null || v === undefined) return String(v);
  return `a ${typeof v === 'object' ? ((v as object).constructor?.name ?? 'object') : typeof v}`;
}

/**
 * Where the gradient (or tangent) `g` does not have the shape the compiler gives the argument `a`
 * (README, "The generated API"): a number for a number; for a Float64Array or Float32Array one of
 * the same kind and length, for another array a plain array of its length, element by element; for
 * an object, an object with an entry per property holding numbers (an optional number left out of
 * the argument may have a 0 there; a property holding arrays or objects may be missing: it is data).
 * Returns a sentence about the first mismatch (its path after `prefix`), or undefined.
 */
export function shapeMismatch(g: unknown, a: unknown, prefix: Path): { path: Path; problem: string } | undefined {
  const at = (problem: string, path = prefix) => ({ path, problem });
  if (typeof g === 'number') {
    if (typeof a === 'number' || (a === undefined && g === 0)) return undefined;
    return at(`is a number, the argument there is ${describe(a)}`);
  }
  if (isFloatArray(g) || Array.isArray(g)) {
    const kind = isFloatArray(a) ? a.constructor.name : 'array';
    const wanted = isFloatArray(a) ? `a ${kind}` : 'an array';
    if (typeof a !== 'object' || a === null || typeof (a as ArrayLike<unknown>).length !== 'number' || isRecord(a))
      return at(`is ${describe(g)}, the argument there is ${describe(a)}`);
    if (isFloatArray(g) !== isFloatArray(a) || (isFloatArray(g) && g.constructor !== a.constructor)) return at(`is ${describe(g)}, it should be ${wanted} (the argument's kind)`);
    const arr = a as ArrayLike<unknown>;
    if (g.length !== arr.length) return at(`has length ${g.length}, the argument there has length ${arr.length}`);
    for (let i = 0; i < g.length; i++) {
      const m = shapeMismatch(g[i], arr[i], [...prefix, i]);
      if (m) return m;
    }
    return undefined;
  }
  if (isRecord(g)) {
    if (!isRecord(a)) return at(`is ${describe(g)}, the argument there is ${describe(a)}`);
    for (const k of Object.keys(g)) {
      if (!(k in a) && g[k] !== 0) return at(`is not in the argument`, [...prefix, k]);
      const m = shapeMismatch(g[k], a[k], [...prefix, k]);
      if (m) return m;
    }
    for (const k of Object.keys(a)) if (typeof a[k] === 'number' && !(k in g)) return at(`is missing (the argument has a number there)`, [...prefix, k]);
    return undefined;
  }
  return at(`is ${describe(g)}, it should hold numbers in the shape of the argument (${describe(a)})`);
}

/** A small deterministic PRNG (mulberry32): the same seed gives the same directions, so a failure reproduces. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A number of magnitude in [0.5, 1] and random sign: a direction's entry, never near 0 (so every coordinate is exercised). */
export function entry(next: () => number): number {
  const u = next();
  return (u < 0.5 ? -1 : 1) * (0.5 + Math.abs(2 * u - 1) / 2);
}
