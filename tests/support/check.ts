/**
 * The numeric checks every executable fixture gets, for one marked function,
 * written against the public contract of DESIGN.md only, with the primal as the
 * reference: `f_jvp` and `f_vjp`/`f_grad` against central finite differences,
 * forward against reverse (dot-product test), the kinds and lengths of every
 * result, and that the generated functions never modify their arguments.
 *
 * Guarantees: each check throws an Error naming the point, the expected and the
 * actual numbers when it fails; points are drawn deterministically from the
 * fixture's domains (points.ts); no expected derivative comes from the code
 * under test: finite differences of the primal and the dot-product identity are
 * the references. Every generated call goes through `api`, so a modified
 * argument fails whichever check made the call.
 */
import { centralDifference, dot, flatten, maxRelativeError, scaledDirection, unflatten, type Value } from './numeric';
import { derivativeKind, kindOf, randomVector, samplePoints, tangentLike, unit, wrtArgs, type Kind } from './points';
import { api, fmt, type Subject } from './subject';

export function sameValues(actual: Value, expected: Value, what: string, at: readonly Value[]): void {
  const a = flatten([actual]);
  const e = flatten([expected]);
  const same = a.length === e.length && a.every((x, i) => x === e[i] || (Number.isNaN(x) && Number.isNaN(e[i])));
  if (!same) throw new Error(`${what} at ${fmt(at)}: got ${fmt(actual)}, the primal gives ${fmt(expected)}`);
}

export function closeEnough(actual: readonly number[], expected: readonly number[], tol: number, what: string, at: readonly Value[]): void {
  const err = maxRelativeError(actual, expected);
  if (!(err <= tol)) throw new Error(`${what} at ${fmt(at)}: got ${fmt(actual)}, finite differences give ${fmt(expected)} (relative error ${err.toExponential(2)} > ${tol})`);
}

/** One random tangent per differentiated parameter and one cotangent shaped like the result, for argument lists. */
export function randomSeeds(s: Subject, args: readonly Value[], salt: number): { tangents: Value[]; cotangent: Value } {
  const like = wrtArgs(s.fn, args).map(tangentLike);
  const tangents = unflatten(randomVector(flatten(like).length, flatten(args), salt), like);
  const value = s.primal(...args);
  const cotangent = unflatten(randomVector(flatten([value]).length, flatten(args), salt + 1), [tangentLike(value)])[0];
  return { tangents, cotangent };
}

/** `f_jvp`: value equals the primal's, tangent equals the central difference along a random direction. */
export function checkForward(s: Subject): void {
  const { jvp } = api(s);
  const tol = s.config.tolerance ?? 1e-6;
  for (const args of samplePoints(s)) {
    const value = s.primal(...args);
    const n = flatten(wrtArgs(s.fn, args)).length;
    const dir = randomVector(n, flatten(args), 1);
    const tangents = unflatten(scaledDirection(args, s.fn.wrt, dir), wrtArgs(s.fn, args).map(tangentLike));
    const r = jvp(...args, ...tangents);
    sameValues(r.value, value, `${s.fn.name}_jvp value`, args);
    const fd = centralDifference(s.primal, args, s.fn.wrt, dir, s.config.step);
    closeEnough(flatten([r.tangent]), fd, tol, `${s.fn.name}_jvp tangent`, args);
  }
}

/** `f_vjp` (random cotangent) and `f_grad`: values equal the primal's, grads equal wᵀ·(finite-difference Jacobian). */
export function checkReverse(s: Subject): void {
  const { vjp, grad } = api(s);
  const tol = s.config.tolerance ?? 1e-6;
  for (const args of samplePoints(s)) {
    const value = s.primal(...args);
    const n = flatten(wrtArgs(s.fn, args)).length;
    const scale = scaledDirection(args, s.fn.wrt, new Array(n).fill(1));
    const columns = Array.from({ length: n }, (_, k) => centralDifference(s.primal, args, s.fn.wrt, unit(n, k), s.config.step));
    const w = randomVector(flatten([value]).length, flatten(args), 2);
    const cotangent = unflatten(w, [tangentLike(value)])[0];
    const rv = vjp(...args, cotangent);
    sameValues(rv.value, value, `${s.fn.name}_vjp value`, args);
    const scaled = (grads: Value[]) => flatten(grads).map((g, k) => g * scale[k]);
    closeEnough(
      scaled(rv.grads),
      columns.map((col) => dot(w, col)),
      tol,
      `${s.fn.name}_vjp grads (scaled by the step size)`,
      args,
    );
    if (grad) {
      const rg = grad(...args);
      sameValues(rg.value, value, `${s.fn.name}_grad value`, args);
      closeEnough(
        scaled(rg.grads),
        columns.map((col) => col[0]),
        tol,
        `${s.fn.name}_grad grads (scaled by the step size)`,
        args,
      );
    }
  }
}

/** ⟨J·v, w⟩ = ⟨v, Jᵀ·w⟩ with J·v from `f_jvp` and Jᵀ·w from `f_vjp`, to rounding. */
export function checkDotProduct(s: Subject): void {
  const { jvp, vjp } = api(s);
  const tol = s.config.dotTolerance ?? 1e-10;
  for (const args of samplePoints(s)) {
    const like = wrtArgs(s.fn, args).map(tangentLike);
    const v = randomVector(flatten(like).length, flatten(args), 3);
    const jv = flatten([jvp(...args, ...unflatten(v, like)).tangent]);
    const value = s.primal(...args);
    const w = randomVector(flatten([value]).length, flatten(args), 4);
    const jtw = flatten(vjp(...args, unflatten(w, [tangentLike(value)])[0]).grads);
    const lhs = dot(jv, w);
    const rhs = dot(v, jtw);
    const size = jv.reduce((t, x, i) => t + Math.abs(x * w[i]), 0) + jtw.reduce((t, x, i) => t + Math.abs(x * v[i]), 0);
    if (!(Math.abs(lhs - rhs) <= tol * size) && lhs !== rhs) {
      throw new Error(`${s.fn.name} at ${fmt(args)}: ⟨J·v, w⟩ = ${lhs} but ⟨v, Jᵀ·w⟩ = ${rhs} (relative difference ${(Math.abs(lhs - rhs) / size).toExponential(2)} > ${tol})`);
    }
  }
}

/** Throws unless `v` has kind `kind` and, for an array, `length` elements. */
export function expectShape(v: unknown, kind: Kind, length: number | undefined, what: string): void {
  const actual = kindOf(v);
  if (actual !== kind) throw new Error(`${what} is a value of kind ${actual}, expected ${kind}`);
  if (kind !== 'number' && (v as ArrayLike<number>).length !== length) throw new Error(`${what} has length ${(v as ArrayLike<number>).length}, expected ${length}`);
}

/**
 * The contract's shapes: `value` and `tangent` of the result's kind and length,
 * `grads` a tuple with one entry per differentiated parameter, each of its
 * parameter's kind (a `readonly number[]` gets a plain array) and length.
 */
export function checkShapes(s: Subject): void {
  const { jvp, vjp, grad } = api(s);
  for (const args of samplePoints(s)) {
    const value = s.primal(...args);
    const length = typeof value === 'number' ? undefined : value.length;
    // (a union result has the kind of the primal's value: the generated value and tangent have it too)
    const resultKind = derivativeKind(s.fn.returnType, value);
    const like = wrtArgs(s.fn, args).map(tangentLike);
    const r = jvp(...args, ...like);
    expectShape(r.value, resultKind, length, `${s.fn.name}_jvp(…).value`);
    expectShape(r.tangent, resultKind, length, `${s.fn.name}_jvp(…).tangent`);
    const reverse: [string, any][] = [[`${s.fn.name}_vjp`, vjp(...args, tangentLike(value))]];
    if (grad) reverse.push([`${s.fn.name}_grad`, grad(...args)]);
    for (const [name, rr] of reverse) {
      expectShape(rr.value, resultKind, length, `${name}(…).value`);
      if (!Array.isArray(rr.grads) || rr.grads.length !== s.fn.wrt.length) throw new Error(`${name}(…).grads is ${fmt(rr.grads)}, expected an array of ${s.fn.wrt.length} entries`);
      s.fn.wrt.forEach((p, k) => {
        const a = args[p];
        expectShape(rr.grads[k], derivativeKind(s.fn.params[p].type, a), typeof a === 'number' ? undefined : a.length, `${name}(…).grads[${k}] (for ${s.fn.params[p].name})`);
      });
    }
  }
}

/**
 * Every generated function, called at every point with and without `out`
 * (a result of an earlier call), leaves all its arguments as they were: the
 * guard of `api` throws on the first change.
 */
export function checkArgumentsUntouched(s: Subject): void {
  const { jvp, vjp, grad, jacobian } = api(s);
  for (const args of samplePoints(s)) {
    const { tangents, cotangent } = randomSeeds(s, args, 7);
    jvp(...args, ...tangents, jvp(...args, ...tangents));
    vjp(...args, cotangent, vjp(...args, cotangent));
    if (grad) grad(...args, grad(...args));
    if (jacobian) jacobian(...args);
  }
}
