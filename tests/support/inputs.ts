/**
 * A marked function's differentiated inputs and its result as flat vectors, in the contract's order
 * (the columns and rows of `f_jacobian`): the differentiated parameters in signature order, each
 * object's differentiable leaves in declaration order (depth first), each array element by element, a
 * matrix (`number[][]` property) row after row, a list (an array of objects an object holds) object
 * after object, data keys skipped.
 *
 * Guarantees: `tangentLikes` are the skeletons of the differentiated arguments (shapes.ts: the shape
 * and kinds of their tangents and gradients), `resultLike` the skeleton of a result, both built from
 * the declared types, so that a result with keys in another order, or with keys the type does not
 * have, flattens in the declared order; `inputVector`/`outputVector` flatten them; an optional
 * number the argument (the result) leaves out is there too, as 0 (`absentInputs` says which:
 * `f_jacobian` has a column for it, and a result's row); `valueLike` is the shape a generated
 * `value` must have (such a number left out there too); `shifted` moves exactly the
 * differentiated leaves the arguments have (fresh arrays and objects, data shared), in the order
 * of `inputVector` (a leaf left out stays out: the primal cannot be perturbed there, so its
 * derivative is 0 by convention); `centralDifference` is the central difference of the primal
 * along a direction over those inputs, with the step of each input scaled by max(1, |x|)
 * (`scaledDirection` is the direction it actually takes).
 */
import { flattenTree, type Tree } from './numeric';
import { absentLeaves, differentiable, isData, isList, isMatrix, isObject, isPlainObject, skeleton, valueShape, withoutAbsent, type ParamType, type Shape } from './shapes';
import { valueType, type MarkedFunction } from './signatures';

type Args = readonly unknown[];

/** The skeletons of the differentiated arguments: the shapes of `f_jvp`'s tangents and of `grads`. */
export const tangentLikes = (fn: MarkedFunction, args: Args): Tree[] => fn.wrt.map((i) => skeleton(fn.params[i].type, args[i], fn.params[i].name));

/** The skeleton of a result (`what` names it in errors): the shape of a cotangent, a tangent and `value`. */
export const resultLike = (fn: MarkedFunction, v: unknown, what = 'the result'): Tree => skeleton(valueType(fn), v, what);

/** The shape a generated `value` must have: the result's skeleton, with the optional numbers the primal's value `v` leaves out left out. */
export const valueLike = (fn: MarkedFunction, v: unknown, what = 'the result'): Shape => valueShape(valueType(fn), v, what);

/** For each flattened differentiated input, whether the arguments leave it out (an optional number of an object). */
export const absentInputs = (fn: MarkedFunction, args: Args): boolean[] => fn.wrt.flatMap((i) => absentLeaves(fn.params[i].type, args[i]));

/** For each flattened output, whether value `v` leaves it out. */
export const absentOutputs = (fn: MarkedFunction, v: unknown): boolean[] => absentLeaves(valueType(fn), v);

/** Tangents of the differentiated arguments without the optional numbers the arguments leave out (a caller may leave them out). */
export const withoutAbsentTangents = (fn: MarkedFunction, args: Args, tangents: readonly Tree[]): Tree[] =>
  tangents.map((d, k) => withoutAbsent(fn.params[fn.wrt[k]].type, args[fn.wrt[k]], d));

/** The differentiated inputs, flattened. */
export const inputVector = (fn: MarkedFunction, args: Args): number[] => flattenTree(tangentLikes(fn, args));

/** A result (the primal's, a generated `value` or `tangent`), flattened in the declared order. */
export const outputVector = (fn: MarkedFunction, v: unknown, what?: string): number[] => flattenTree([resultLike(fn, v, what)]);

/** Every number of the arguments, differentiated or not (data aside): what random vectors are seeded with. */
export const seedOf = (fn: MarkedFunction, args: Args): number[] =>
  fn.params.flatMap((p, i) => (!differentiable(p.type) || args[i] === undefined ? [] : flattenTree([skeleton(p.type, args[i], p.name)])));

/** Names of the flattened differentiated inputs, for messages: `x`, `a[3]`, `xf.p.x`, `params.b[2]`, `params.W[1][2]`, `world.bodies[1].position.y`. */
export function inputNames(fn: MarkedFunction, args: Args): string[] {
  const names = (v: Tree, at: string): string[] => {
    if (typeof v === 'number') return [at];
    if (isPlainObject(v)) return Object.entries(v).flatMap(([k, x]) => names(x as Tree, `${at}.${k}`));
    // (a matrix's rows are arrays, `W[1][2]`; a list's elements objects, `bodies[1].mass`)
    return Array.from(v as ArrayLike<Tree>).flatMap((x, k) => names(x, `${at}[${k}]`));
  };
  return tangentLikes(fn, args).flatMap((like, k) => names(like, fn.params[fn.wrt[k]].name));
}

/**
 * The arguments at x + t·v: each differentiated leaf moved along its part of `direction`, steps scaled by max(1, |x|); fresh arrays
 * and objects. A leaf left out stays out (its part of `direction` is skipped).
 */
export function shifted(fn: MarkedFunction, args: Args, direction: readonly number[], t: number): unknown[] {
  let k = 0;
  const move = (type: ParamType, v: unknown): unknown => {
    if (isObject(type)) {
      const o = { ...(v as Record<string, unknown>) };
      for (const p of type.object) {
        if (!differentiable(p.type)) continue;
        if (p.name in o) o[p.name] = move(p.type, o[p.name]);
        else k++; // (an optional number left out stays out)
      }
      return o;
    }
    if (isData(type)) return v;
    // (a list element after element, each a fresh object)
    if (isList(type)) return (v as readonly unknown[]).map((e) => move(type.list, e));
    if (v === undefined) {
      k++; // (a number left out as undefined stays so)
      return undefined;
    }
    const step = (x: number) => x + t * direction[k++] * Math.max(1, Math.abs(x));
    if (typeof v === 'number') return step(v);
    // (a matrix row after row)
    if (isMatrix(type)) return (v as number[][]).map((row) => row.map(step));
    const copy = Array.from(v as ArrayLike<number>, step);
    return v instanceof Float64Array ? Float64Array.from(copy) : v instanceof Float32Array ? Float32Array.from(copy) : copy;
  };
  const out = [...args];
  for (const i of fn.wrt) out[i] = move(fn.params[i].type, args[i]);
  return out;
}

/** The direction actually used by `centralDifference` (steps are scaled by max(1, |x|)). */
export function scaledDirection(fn: MarkedFunction, args: Args, direction: readonly number[]): number[] {
  const x = inputVector(fn, args);
  return direction.map((d, k) => d * Math.max(1, Math.abs(x[k])));
}

/**
 * Central difference of `primal` at `args` along `direction` (a flat vector over the differentiated
 * inputs): (f(x + h·v) − f(x − h·v)) / 2h, flattened. The step is scaled to the size of x.
 */
export function centralDifference(fn: MarkedFunction, primal: (...a: unknown[]) => unknown, args: Args, direction: readonly number[], h = 1e-6): number[] {
  const plus = outputVector(fn, primal(...shifted(fn, args, direction, h)));
  const minus = outputVector(fn, primal(...shifted(fn, args, direction, -h)));
  return plus.map((p, i) => (p - minus[i]) / (2 * h));
}
