/**
 * The optional last argument `out` of `f_jvp`, `f_vjp` and `f_grad` (DESIGN.md:
 * "its arrays are overwritten in place (never accumulated into), its numbers are
 * assigned, and `out` itself is returned"; README: "an `out` array of the wrong
 * length is an error").
 *
 * Guarantees, each a separate check:
 * - `checkOut`: a call with an `out` full of NaN returns that same `out`, keeps
 *   each of its arrays and objects (same objects, also those nested in `grads`
 *   skeletons and object results), and writes exactly what the allocating call
 *   returns (an optional number the value leaves out: undefined, not NaN);
 * - `checkOutOverwritten`: an `out` reused across calls (the earlier result,
 *   at another point, then twice at the same point) ends up equal to the
 *   allocating call each time: nothing is accumulated;
 * - `checkOutLength`: an `out` whose array at path `out.grads[0]` (or
 *   `out.value`, `out.tangent`, `out.grads[1].b`) is one element too long or
 *   too short throws a RangeError `ts-adc: out.grads[0] has length 4, expected 3`;
 *   a matrix (`out.grads[0].W`, a `number[][]` property) likewise with one row
 *   too many or too few (`… out.grads[0].W has length 3, expected 2`), and
 *   each of its rows one element too long or too short (`out.grads[0].W[1]`);
 *   a list (an array of objects, `out.grads[0].bodies`) with one object too
 *   many or too few, and the arrays inside its objects
 *   (`out.grads[0].layers[1].bias`) like any other;
 * - `checkOutLists`: a list of `out` that is not an array (null) throws a
 *   TypeError `ts-adc: out.grads[0].bodies must be an array of length 2`, one
 *   of its objects that is not an object (null) `ts-adc: out.grads[0].bodies[1]
 *   must be an object`.
 */
import { samplePoints } from './points';
import { randomSeeds } from './check';
import { api, fmt, type Fn, type Subject } from './subject';

/** Call of one generated function at fixed arguments, with or without `out`. */
type Call = (out?: unknown) => any;

interface Calls {
  readonly name: string;
  readonly at: (args: readonly unknown[]) => Call;
}

/** The three functions that take `out`, each as a way to call it at a point (random tangents and cotangents). */
function calls(s: Subject): Calls[] {
  const { jvp, vjp, grad } = api(s);
  const withOut =
    (f: Fn, args: unknown[]): Call =>
    (out) =>
      f(...args, ...(out === undefined ? [] : [out]));
  const list: Calls[] = [
    { name: `${s.fn.name}_jvp`, at: (args) => withOut(jvp, [...args, ...randomSeeds(s, args, 5).tangents]) },
    { name: `${s.fn.name}_vjp`, at: (args) => withOut(vjp, [...args, randomSeeds(s, args, 5).cotangent]) },
  ];
  if (grad) list.push({ name: `${s.fn.name}_grad`, at: (args) => withOut(grad, [...args]) });
  return list;
}

/** An object shaped like `like` whose numbers are NaN (a number a value leaves out too): anything accumulated into it stays NaN. */
function garbageLike(like: unknown): unknown {
  if (typeof like === 'number' || like === undefined) return NaN;
  if (like instanceof Float64Array) return new Float64Array(like.length).fill(NaN);
  if (like instanceof Float32Array) return new Float32Array(like.length).fill(NaN);
  if (Array.isArray(like)) return like.map(garbageLike);
  if (like && typeof like === 'object') return Object.fromEntries(Object.entries(like).map(([k, v]) => [k, garbageLike(v)]));
  throw new Error(`unexpected result part ${fmt(like)}`);
}

interface OutArray {
  /** `out.grads[1]`, as the runtime names it in errors. */
  readonly path: string;
  readonly array: ArrayLike<number>;
  /** Puts another array in its place. */
  readonly replace: (a: unknown) => void;
}

const isPlainObject = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v);

/** A non-empty array of objects: a list's derivative (an empty one is checked like an empty numeric array). */
const isList = (x: unknown[]): boolean => x.length > 0 && x.every(isPlainObject);

/**
 * Every numeric array inside a result, with its path from `out`, in a stable order: a matrix (rows of numbers), then each of its
 * rows; a list (objects), then the arrays inside its objects.
 */
function arraysIn(x: unknown, at = 'out', replace: (a: unknown) => void = () => {}): OutArray[] {
  if (ArrayBuffer.isView(x)) return [{ path: at, array: x as unknown as ArrayLike<number>, replace }];
  if (Array.isArray(x)) {
    const rows = x.flatMap((v, i) => arraysIn(v, `${at}[${i}]`, (a) => (x[i] = a)));
    // `grads` is a tuple (of numbers, arrays and objects), never a numeric array or a matrix itself.
    if (at === 'out.grads') return rows;
    if (x.every((v) => typeof v === 'number')) return [{ path: at, array: x, replace }];
    const matrix = x.every((v) => Array.isArray(v) && v.every((e) => typeof e === 'number'));
    return matrix || isList(x) ? [{ path: at, array: x as unknown as ArrayLike<number>, replace }, ...rows] : rows;
  }
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    return Object.keys(o).flatMap((k) => arraysIn(o[k], `${at}.${k}`, (a) => (o[k] = a)));
  }
  return [];
}

/** Every array and object inside a result (not the result itself), with its path from `out`, in a stable order. */
function containersIn(x: unknown, at = 'out'): { path: string; node: object }[] {
  if (x === null || typeof x !== 'object' || ArrayBuffer.isView(x)) return [];
  const entries: [string, unknown][] = Array.isArray(x) ? x.map((v, i) => [`${at}[${i}]`, v]) : Object.entries(x).map(([k, v]) => [`${at}.${k}`, v]);
  return entries.flatMap(([p, v]) => (v !== null && typeof v === 'object' ? [{ path: p, node: v as object }, ...containersIn(v, p)] : []));
}

/** A deep copy of a result (its arrays copied with their kind). */
function copyResult(x: unknown): unknown {
  if (x instanceof Float64Array) return Float64Array.from(x);
  if (x instanceof Float32Array) return Float32Array.from(x);
  if (Array.isArray(x)) return x.map(copyResult);
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, copyResult(v)]));
  return x;
}

/** fmt() cannot tell a Float64Array from a number[]; results must agree in kinds too. */
const render = (x: unknown): string =>
  `${fmt(x)} [${arraysIn(x)
    .map((a) => `${a.path}: ${(a.array as object).constructor.name}`)
    .join(', ')}]`;

export function checkOut(s: Subject): void {
  for (const args of samplePoints(s)) {
    for (const c of calls(s)) {
      const call = c.at(args);
      const fresh = call();
      const out = garbageLike(fresh);
      const before = containersIn(out);
      const returned = call(out);
      if (returned !== out) throw new Error(`${c.name}(…, out) at ${fmt(args)} did not return out`);
      if (render(out) !== render(fresh)) throw new Error(`${c.name}(…, out) at ${fmt(args)} wrote ${render(out)}, the allocating call gives ${render(fresh)}`);
      const after = containersIn(out);
      before.forEach((b, i) => {
        if (after[i]?.node !== b.node) throw new Error(`${c.name}(…, out) replaced ${b.path} instead of overwriting it`);
      });
    }
  }
}

/**
 * Paths, lengths and kinds of the arrays of a result: two results with the same key fit the same
 * `out` (a union parameter's gradient has the argument's kind, which may change between points).
 */
const shapeKey = (x: unknown): string =>
  arraysIn(x)
    .map((a) => `${a.path}:${a.array.length}:${(a.array as object).constructor.name}`)
    .join(' ');

export function checkOutOverwritten(s: Subject): void {
  const points = samplePoints(s);
  for (const c of calls(s)) {
    // out starts as the result at the last point, as in an optimiser's loop (anew when the lengths change).
    let out = c.at(points[points.length - 1])();
    for (const args of points) {
      const call = c.at(args);
      const fresh = call();
      if (shapeKey(out) !== shapeKey(fresh)) out = copyResult(fresh);
      const expected = render(fresh);
      for (const round of ['first', 'second']) {
        call(out);
        if (render(out) !== expected)
          throw new Error(
            `${c.name}(…, out) at ${fmt(args)}, ${round} call with the same out: wrote ${render(out)}, the allocating call gives ${expected} (accumulated into out?)`,
          );
      }
    }
  }
}

/**
 * A copy of `result` whose array at `path` is replaced by one of the same kind and length `n`: a
 * matrix by its first `n` rows, or its rows and one more (of its last row's length); a list by its
 * first `n` objects, or its objects and a copy of its last.
 */
function withLength(result: unknown, path: string, n: number): unknown {
  const out = copyResult(result);
  const target = arraysIn(out).find((a) => a.path === path)!;
  const a = target.array;
  if (Array.isArray(a) && a.some((row) => Array.isArray(row) || isPlainObject(row))) {
    const rows = a as unknown[];
    const last = rows[rows.length - 1];
    target.replace(n < rows.length ? rows.slice(0, n) : [...rows, Array.isArray(last) ? new Array<number>(last.length).fill(0) : copyResult(last)]);
    return out;
  }
  target.replace(a instanceof Float64Array ? new Float64Array(n) : a instanceof Float32Array ? new Float32Array(n) : new Array<number>(n).fill(0));
  return out;
}

export function checkOutLength(s: Subject): void {
  const args = samplePoints(s)[0];
  let checked = 0;
  for (const c of calls(s)) {
    const call = c.at(args);
    const fresh = call();
    for (const { path, array } of arraysIn(fresh)) {
      checked++;
      for (const n of [array.length + 1, array.length - 1].filter((m) => m >= 0)) {
        const expected = `ts-adc: ${path} has length ${n}, expected ${array.length}`;
        let thrown: unknown;
        try {
          call(withLength(fresh, path, n));
        } catch (e) {
          thrown = e;
        }
        if (!(thrown instanceof RangeError) || thrown.message !== expected) {
          const got = thrown === undefined ? 'no error' : `${(thrown as Error).name}: ${(thrown as Error).message}`;
          throw new Error(`${c.name}(…, out) with ${path} of length ${n} at ${fmt(args)}: expected RangeError: ${expected}, got ${got}`);
        }
      }
    }
  }
  if (checked === 0) throw new Error(`${s.fn.name}: no result of f_jvp, f_vjp or f_grad holds an array, yet the signature has array parameters in wrt or an array result`);
}

/** What a call must throw, or a description of what it did instead. */
function expectThrow(call: () => unknown, kind: typeof RangeError | typeof TypeError, expected: string): string | undefined {
  let thrown: unknown;
  try {
    call();
  } catch (e) {
    thrown = e;
  }
  if (thrown instanceof kind && thrown.message === expected) return undefined;
  return thrown === undefined ? 'no error' : `${(thrown as Error).name}: ${(thrown as Error).message}`;
}

/** Each list of `out` (an array of objects) replaced by null, then its first and last objects replaced by null: a TypeError naming the path. */
export function checkOutLists(s: Subject): void {
  const args = samplePoints(s)[0];
  let checked = 0;
  for (const c of calls(s)) {
    const call = c.at(args);
    const fresh = call();
    for (const { path, array } of arraysIn(fresh)) {
      if (!isList(array as unknown as unknown[])) continue;
      checked++;
      const n = array.length;
      const cases: [string, number | undefined, string][] = [
        [path, undefined, `ts-adc: ${path} must be an array of length ${n}`],
        ...[...new Set([0, n - 1])].map((i): [string, number, string] => [`${path}[${i}]`, i, `ts-adc: ${path}[${i}] must be an object`]),
      ];
      for (const [where, i, expected] of cases) {
        const out = copyResult(fresh);
        const target = arraysIn(out).find((a) => a.path === path)!;
        if (i === undefined) target.replace(null);
        else (target.array as unknown as unknown[])[i] = null;
        const got = expectThrow(() => call(out), TypeError, expected);
        if (got) throw new Error(`${c.name}(…, out) with ${where} null at ${fmt(args)}: expected TypeError: ${expected}, got ${got}`);
      }
    }
  }
  if (checked === 0) throw new Error(`${s.fn.name}: no result of f_jvp, f_vjp or f_grad holds a non-empty list, yet a parameter in wrt has one (give it elements)`);
}
