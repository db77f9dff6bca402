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
 * argument fails whichever check made the call. An optional number an argument
 * leaves out: finite differences leave it out (its column is 0), its gradient
 * entry must be there and exactly 0, `f_jvp` gets tangents without it (a caller
 * may leave it out) except in the dot-product test, which gives it a random
 * tangent (the column is 0: it must not count); an optional number the primal's
 * value leaves out must be left out (or undefined) in every generated `value`.
 */
import { dot, flattenTree, maxRelativeError, unflattenTree, type Tree } from './numeric';
import {
  absentInputs,
  absentOutputs,
  centralDifference,
  inputNames,
  inputVector,
  outputVector,
  resultLike,
  scaledDirection,
  seedOf,
  shifted,
  tangentLikes,
  valueLike,
  withoutAbsentTangents,
} from './inputs';
import { randomVector, samplePoints, unit } from './points';
import { expectShape } from './shapes';
import { api, fmt, type Subject } from './subject';

/** Throws unless `actual` (a generated `value`) has the numbers of the primal's `expected`, in the declared order, and leaves out the same optional numbers. */
export function sameValues(s: Subject, actual: unknown, expected: unknown, what: string, at: readonly unknown[]): void {
  const e = outputVector(s.fn, expected, "the primal's result");
  const a = outputVector(s.fn, actual, what);
  const [ea, aa] = [absentOutputs(s.fn, expected), absentOutputs(s.fn, actual)];
  const same = a.length === e.length && a.every((x, i) => ea[i] === aa[i] && (x === e[i] || (Number.isNaN(x) && Number.isNaN(e[i]))));
  if (!same) throw new Error(`${what} at ${fmt(at)}: got ${fmt(actual)}, the primal gives ${fmt(expected)}`);
}

export function closeEnough(actual: readonly number[], expected: readonly number[], tol: number, what: string, at: readonly unknown[]): void {
  const err = maxRelativeError(actual, expected);
  if (!(err <= tol)) throw new Error(`${what} at ${fmt(at)}: got ${fmt(actual)}, finite differences give ${fmt(expected)} (relative error ${err.toExponential(2)} > ${tol})`);
}

/** One random tangent per differentiated parameter (without the optional numbers the arguments leave out) and one cotangent shaped like the result. */
export function randomSeeds(s: Subject, args: readonly unknown[], salt: number): { tangents: Tree[]; cotangent: Tree } {
  const like = tangentLikes(s.fn, args);
  const seed = seedOf(s.fn, args);
  const tangents = withoutAbsentTangents(s.fn, args, unflattenTree(randomVector(flattenTree(like).length, seed, salt), like));
  const value = resultLike(s.fn, s.primal(...args));
  const cotangent = unflattenTree(randomVector(flattenTree([value]).length, seed, salt + 1), [value])[0];
  return { tangents, cotangent };
}

/** `f_jvp`: value equals the primal's, tangent equals the central difference along a random direction. */
export function checkForward(s: Subject): void {
  const { jvp } = api(s);
  const tol = s.config.tolerance ?? 1e-6;
  for (const args of samplePoints(s)) {
    const value = s.primal(...args);
    const n = inputVector(s.fn, args).length;
    const dir = randomVector(n, seedOf(s.fn, args), 1);
    const tangents = withoutAbsentTangents(s.fn, args, unflattenTree(scaledDirection(s.fn, args, dir), tangentLikes(s.fn, args)));
    const r = jvp(...args, ...tangents);
    sameValues(s, r.value, value, `${s.fn.name}_jvp value`, args);
    const fd = centralDifference(s.fn, s.primal, args, dir, s.config.step);
    closeEnough(outputVector(s.fn, r.tangent, `${s.fn.name}_jvp(…).tangent`), fd, tol, `${s.fn.name}_jvp tangent`, args);
  }
}

/** The gradients of a reverse-mode result, flattened in the order of the differentiated inputs (each against its parameter's skeleton). */
function gradVector(s: Subject, args: readonly unknown[], grads: unknown, what: string): number[] {
  const like = tangentLikes(s.fn, args);
  if (!Array.isArray(grads) || grads.length !== like.length) throw new Error(`${what} is ${fmt(grads)}, expected an array of ${like.length} entries`);
  like.forEach((l, k) => expectShape(grads[k], l, `${what}[${k}] (for ${s.fn.params[s.fn.wrt[k]].name})`));
  const flat = flattenTree(grads as Tree[]);
  // An optional number the argument leaves out: its entry is there, and exactly 0 (the primal cannot be perturbed there).
  const names = inputNames(s.fn, args);
  absentInputs(s.fn, args).forEach((absent, k) => {
    if (absent && flat[k] !== 0) throw new Error(`${what}: the entry for ${names[k]}, which the argument leaves out, is ${flat[k]}, expected exactly 0 at ${fmt(args)}`);
  });
  return flat;
}

/** `f_vjp` (random cotangent) and `f_grad`: values equal the primal's, grads equal wᵀ·(finite-difference Jacobian). */
export function checkReverse(s: Subject): void {
  const { vjp, grad } = api(s);
  const tol = s.config.tolerance ?? 1e-6;
  for (const args of samplePoints(s)) {
    const value = s.primal(...args);
    const n = inputVector(s.fn, args).length;
    const scale = scaledDirection(s.fn, args, new Array(n).fill(1));
    const columns = Array.from({ length: n }, (_, k) => centralDifference(s.fn, s.primal, args, unit(n, k), s.config.step));
    const like = resultLike(s.fn, value);
    const w = randomVector(flattenTree([like]).length, seedOf(s.fn, args), 2);
    const cotangent = unflattenTree(w, [like])[0];
    const rv = vjp(...args, cotangent);
    sameValues(s, rv.value, value, `${s.fn.name}_vjp value`, args);
    const scaled = (grads: unknown, what: string) => gradVector(s, args, grads, what).map((g, k) => g * scale[k]);
    closeEnough(
      scaled(rv.grads, `${s.fn.name}_vjp(…).grads`),
      columns.map((col) => dot(w, col)),
      tol,
      `${s.fn.name}_vjp grads (scaled by the step size)`,
      args,
    );
    if (grad) {
      const rg = grad(...args);
      sameValues(s, rg.value, value, `${s.fn.name}_grad value`, args);
      closeEnough(
        scaled(rg.grads, `${s.fn.name}_grad(…).grads`),
        columns.map((col) => col[0]),
        tol,
        `${s.fn.name}_grad grads (scaled by the step size)`,
        args,
      );
    }
  }
}

/**
 * ⟨J·v, w⟩ = ⟨v, Jᵀ·w⟩ with J·v from `f_jvp` and Jᵀ·w from `f_vjp`, to rounding; v and w shaped like the skeletons (v
 * has the optional numbers the arguments leave out: their columns are 0, so their tangents must not count).
 */
export function checkDotProduct(s: Subject): void {
  const { jvp, vjp } = api(s);
  const tol = s.config.dotTolerance ?? 1e-10;
  for (const args of samplePoints(s)) {
    const like = tangentLikes(s.fn, args);
    const seed = seedOf(s.fn, args);
    const v = randomVector(flattenTree(like).length, seed, 3);
    const jv = outputVector(s.fn, jvp(...args, ...unflattenTree(v, like)).tangent, `${s.fn.name}_jvp(…).tangent`);
    const result = resultLike(s.fn, s.primal(...args));
    const w = randomVector(flattenTree([result]).length, seed, 4);
    const jtw = gradVector(s, args, vjp(...args, unflattenTree(w, [result])[0]).grads, `${s.fn.name}_vjp(…).grads`);
    const lhs = dot(jv, w);
    const rhs = dot(v, jtw);
    const size = jv.reduce((t, x, i) => t + Math.abs(x * w[i]), 0) + jtw.reduce((t, x, i) => t + Math.abs(x * v[i]), 0);
    if (!(Math.abs(lhs - rhs) <= tol * size) && lhs !== rhs) {
      throw new Error(`${s.fn.name} at ${fmt(args)}: ⟨J·v, w⟩ = ${lhs} but ⟨v, Jᵀ·w⟩ = ${rhs} (relative difference ${(Math.abs(lhs - rhs) / size).toExponential(2)} > ${tol})`);
    }
  }
}

/**
 * The contract's shapes: `value` and `tangent` of the result's kind and length (an object result:
 * exactly its declared keys), `grads` a tuple with one entry per differentiated parameter, each its
 * parameter's skeleton: the kind (a `readonly number[]` gets a plain array; a union the argument's
 * kind) and length of each array (a matrix: plain rows, its number of rows and each row's length),
 * exactly the differentiable keys of each object (no data keys; an optional number always, where the
 * argument leaves it out too). A `value` leaves out the optional
 * numbers the primal's value leaves out (missing or undefined); its tangent has them.
 */
export function checkShapes(s: Subject): void {
  const { jvp, vjp, grad } = api(s);
  for (const args of samplePoints(s)) {
    // (a union result has the kind of the primal's value: the generated value and tangent have it too)
    const primal = s.primal(...args);
    const result = resultLike(s.fn, primal);
    const value = valueLike(s.fn, primal);
    const like = tangentLikes(s.fn, args);
    const r = jvp(...args, ...like);
    expectShape(r.value, value, `${s.fn.name}_jvp(…).value`);
    expectShape(r.tangent, result, `${s.fn.name}_jvp(…).tangent`);
    const reverse: [string, any][] = [[`${s.fn.name}_vjp`, vjp(...args, result)]];
    if (grad) reverse.push([`${s.fn.name}_grad`, grad(...args)]);
    for (const [name, rr] of reverse) {
      expectShape(rr.value, value, `${name}(…).value`);
      gradVector(s, args, rr.grads, `${name}(…).grads`);
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

/**
 * `@differentiable hessian`: at each sample point, `f_hessian` is n × n and symmetric to rounding;
 * `f_hvp` along a random v has f_grad's value and gradient, and as H·v both f_hessian's rows times
 * v and the central difference of f_grad along v (Richardson-extrapolated, steps scaled as for
 * the first derivatives); with `out`, the same numbers in out's own arrays.
 */
export function checkSecondOrder(s: Subject): void {
  const { grad } = api(s);
  const hvp = s.generated[`${s.fn.name}_hvp`] as (...a: unknown[]) => { value: number; grads: unknown; hvp: unknown };
  const hessian = s.generated[`${s.fn.name}_hessian`] as (...a: unknown[]) => Float64Array[];
  const tol = s.config.tolerance ?? 1e-6;
  for (const args of samplePoints(s)) {
    const n = inputVector(s.fn, args).length;
    const H = hessian(...args);
    expect(H.length).toBe(n);
    const big = Math.max(1, ...H.flatMap((row) => Array.from(row, Math.abs)));
    for (let i = 0; i < n; i++) {
      expect(H[i]).toBeInstanceOf(Float64Array);
      expect(H[i].length).toBe(n);
      for (let j = 0; j < i; j++)
        if (Math.abs(H[i][j] - H[j][i]) > 1e-9 * big)
          throw new Error(`${s.fn.name}_hessian is not symmetric: [${i}][${j}] = ${H[i][j]}, [${j}][${i}] = ${H[j][i]} at ${fmt(args)}`);
    }
    const dir = randomVector(n, seedOf(s.fn, args), 3);
    const v = scaledDirection(s.fn, args, dir);
    const r = hvp(...args, ...unflattenTree(v, tangentLikes(s.fn, args)));
    const g = grad!(...args);
    sameValues(s, r.value, g.value, `${s.fn.name}_hvp value`, args);
    closeEnough(gradVector(s, args, r.grads, `${s.fn.name}_hvp(…).grads`), gradVector(s, args, g.grads, `${s.fn.name}_grad(…).grads`), 1e-10, `${s.fn.name}_hvp grads`, args);
    const hv = gradVector(s, args, r.hvp, `${s.fn.name}_hvp(…).hvp`);
    closeEnough(
      hv,
      H.map((row) => row.reduce((acc, h, j) => acc + h * v[j], 0)),
      1e-9,
      `${s.fn.name}_hvp against ${s.fn.name}_hessian · v`,
      args,
    );
    // H·v = d/dt ∇f(x + t·v): central differences of f_grad at two steps, extrapolated.
    const step = s.config.step ?? 1e-4;
    const gradAt = (t: number) => gradVector(s, args, grad!(...shifted(s.fn, args, dir, t)).grads, `${s.fn.name}_grad(…).grads`);
    const diff = (h: number) => gradAt(h).map((x, k) => (x - gradAt(-h)[k]) / (2 * h));
    const [coarse, fine] = [diff(2 * step), diff(step)];
    closeEnough(
      hv,
      fine.map((x, k) => (4 * x - coarse[k]) / 3),
      tol,
      `${s.fn.name}_hvp against central differences of ${s.fn.name}_grad`,
      args,
    );
  }
}
