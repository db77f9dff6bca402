/**
 * The checks every executable fixture gets, for one marked function, written
 * against the public contract of DESIGN.md only (`f_jvp`, `f_vjp`, `f_grad`, the
 * `out` argument), with the primal as the reference.
 *
 * Guarantees: each check throws an Error naming the point, the expected and the
 * actual numbers when it fails; points are drawn deterministically from the
 * fixture's domains; no expected derivative comes from the code under test:
 * finite differences of the primal, the dot-product identity, and hand-written
 * exact values are the references. Array parameters and results (issue 3) are
 * handled by shape: scalars, `number[]`, `Float64Array`, `Float32Array`.
 */
import * as vm from 'node:vm';
import { centralDifference, dot, flatten, maxRelativeError, rng, scaledDirection, unflatten, type Value } from './numeric';
import { domainOf, jsonNumber, type ExactCase, type FixtureConfig, type MarkedFunction } from './fixtures';
import type { Module } from './load';

type Fn = (...args: any[]) => any;

export interface Subject {
  readonly fn: MarkedFunction;
  readonly config: FixtureConfig;
  /** The original function, from input.ts. */
  readonly primal: Fn;
  /** The generated module (the golden, loaded). */
  readonly generated: Module;
}

const fmt = (v: unknown): string => JSON.stringify(v, (_, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : ArrayBuffer.isView(x) ? Array.from(x as Float64Array) : x));

function api(s: Subject): { jvp: Fn; vjp: Fn; grad: Fn | undefined } {
  const get = (suffix: string): Fn => {
    const f = s.generated[`${s.fn.name}${suffix}`];
    if (typeof f !== 'function') throw new Error(`the generated module has no function ${s.fn.name}${suffix}`);
    return f;
  };
  return { jvp: get('_jvp'), vjp: get('_vjp'), grad: s.fn.returnType === 'number' ? get('_grad') : undefined };
}

/** The exports DESIGN.md promises for the marked functions, and nothing else. */
export function expectedExports(functions: readonly MarkedFunction[]): string[] {
  return functions.flatMap((f) => [`${f.name}_jvp`, `${f.name}_vjp`, ...(f.returnType === 'number' ? [`${f.name}_grad`] : [`${f.name}_jacobian`])]).sort();
}

/** Declared arity of each export: parameters, tangents or cotangent, and the optional `out`. */
export function checkArity(s: Subject): void {
  const { jvp, vjp, grad } = api(s);
  const n = s.fn.params.length;
  const expect: [string, Fn | undefined, number][] = [
    ['_jvp', jvp, n + s.fn.wrt.length + 1],
    ['_vjp', vjp, n + 2],
    ['_grad', grad, n + 1],
  ];
  for (const [suffix, f, arity] of expect) {
    if (f && f.length !== arity) throw new Error(`${s.fn.name}${suffix} declares ${f.length} parameters, expected ${arity} (DESIGN.md signature)`);
  }
}

const guard = vm.createContext({ run: undefined as unknown });
const callRun = new vm.Script('run()');

/**
 * Runs `check` but stops it after `ms` milliseconds: generated code that loops
 * forever fails its own test instead of hanging the whole run.
 */
export function withTimeout(what: string, check: () => void, ms = 20000): void {
  guard.run = check;
  try {
    callRun.runInContext(guard, { timeout: ms });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new Error(`${what} did not finish within ${ms / 1000} s (an infinite loop in the generated code?)`);
    throw e;
  } finally {
    guard.run = undefined;
  }
}

// ---------------------------------------------------------------------------
// Points and directions.

function randomIn(r: () => number, [lo, hi]: readonly [number, number]): number {
  return lo + (hi - lo) * r();
}

function makeArray(type: string, values: number[]): Value {
  if (type === 'Float64Array') return Float64Array.from(values);
  if (type === 'Float32Array') return Float32Array.from(values);
  return values;
}

/** `points` argument lists drawn from the fixture's domains and `args`. */
export function samplePoints(s: Subject): Value[][] {
  const index = s.fn.name.split('').reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 0);
  const r = rng(((s.config.seed ?? 1) * 7919 + index) >>> 0);
  const points: Value[][] = [];
  for (let k = 0; k < (s.config.points ?? 5); k++) {
    points.push(
      s.fn.params.map((p) => {
        const spec = s.config.args?.[p.name];
        const domain = domainOf(s.config, s.fn.name, p.name);
        if (typeof spec === 'number') return spec;
        if (spec && 'int' in spec) return spec.int[0] + Math.floor(r() * (spec.int[1] - spec.int[0] + 1));
        if (p.type === 'number') return randomIn(r, domain);
        const length = spec && 'length' in spec ? spec.length : 5;
        return makeArray(p.type, Array.from({ length }, () => randomIn(r, domain)));
      }),
    );
  }
  return points;
}

/** A random vector in [-1, 1]ⁿ; `seedFrom` makes it depend on the point. */
function randomVector(n: number, seedFrom: readonly number[], salt: number): number[] {
  const r = rng((seedFrom.reduce((h, x) => (h * 31 + Math.floor(Math.abs(x) * 1e6)) >>> 0, salt) >>> 0) + 1);
  return Array.from({ length: n }, () => 2 * r() - 1);
}

const wrtArgs = (s: Subject, args: readonly Value[]) => s.fn.wrt.map((i) => args[i]);
const tangentLike = (v: Value): Value => (typeof v === 'number' || v instanceof Float64Array || v instanceof Float32Array ? v : Array.from(v));

function snapshot(args: readonly Value[]): string {
  return fmt(args);
}

function expectUnchanged(before: string, args: readonly Value[], what: string): void {
  if (snapshot(args) !== before) throw new Error(`${what} modified its arguments: before ${before}, after ${snapshot(args)}`);
}

function sameValues(actual: Value, expected: Value, what: string, at: readonly Value[]): void {
  const a = flatten([actual]);
  const e = flatten([expected]);
  const same = a.length === e.length && a.every((x, i) => x === e[i] || (Number.isNaN(x) && Number.isNaN(e[i])));
  if (!same) throw new Error(`${what} at ${fmt(at)}: got ${fmt(actual)}, the primal gives ${fmt(expected)}`);
}

function closeEnough(actual: readonly number[], expected: readonly number[], tol: number, what: string, at: readonly Value[]): void {
  const err = maxRelativeError(actual, expected);
  if (!(err <= tol)) throw new Error(`${what} at ${fmt(at)}: got ${fmt(actual)}, finite differences give ${fmt(expected)} (relative error ${err.toExponential(2)} > ${tol})`);
}

// ---------------------------------------------------------------------------
// The checks.

/** `f_jvp`: value equals the primal's, tangent equals the central difference along a random direction. */
export function checkForward(s: Subject): void {
  const { jvp } = api(s);
  const tol = s.config.tolerance ?? 1e-6;
  for (const args of samplePoints(s)) {
    const before = snapshot(args);
    const value = s.primal(...args);
    const n = flatten(wrtArgs(s, args)).length;
    const dir = randomVector(n, flatten(args), 1);
    const tangents = unflatten(scaledDirection(args, s.fn.wrt, dir), wrtArgs(s, args).map(tangentLike));
    const r = jvp(...args, ...tangents);
    expectUnchanged(before, args, `${s.fn.name}_jvp`);
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
    const before = snapshot(args);
    const value: Value = s.primal(...args);
    const n = flatten(wrtArgs(s, args)).length;
    const scale = scaledDirection(args, s.fn.wrt, new Array(n).fill(1));
    const columns = Array.from({ length: n }, (_, k) => centralDifference(s.primal, args, s.fn.wrt, unit(n, k), s.config.step));
    const w = randomVector(flatten([value]).length, flatten(args), 2);
    const cotangent = unflatten(w, [tangentLike(value)])[0];
    const rv = vjp(...args, cotangent);
    expectUnchanged(before, args, `${s.fn.name}_vjp`);
    sameValues(rv.value, value, `${s.fn.name}_vjp value`, args);
    const scaled = (grads: Value[]) => flatten(grads).map((g, k) => g * scale[k]);
    closeEnough(scaled(rv.grads), columns.map((col) => dot(w, col)), tol, `${s.fn.name}_vjp grads (scaled by the step size)`, args);
    if (grad) {
      const rg = grad(...args);
      expectUnchanged(before, args, `${s.fn.name}_grad`);
      sameValues(rg.value, value, `${s.fn.name}_grad value`, args);
      closeEnough(scaled(rg.grads), columns.map((col) => col[0]), tol, `${s.fn.name}_grad grads (scaled by the step size)`, args);
    }
  }
}

function unit(n: number, k: number): number[] {
  const e = new Array(n).fill(0);
  e[k] = 1;
  return e;
}

/** ⟨J·v, w⟩ = ⟨v, Jᵀ·w⟩ with J·v from `f_jvp` and Jᵀ·w from `f_vjp`, to rounding. */
export function checkDotProduct(s: Subject): void {
  const { jvp, vjp } = api(s);
  const tol = s.config.dotTolerance ?? 1e-10;
  for (const args of samplePoints(s)) {
    const like = wrtArgs(s, args).map(tangentLike);
    const v = randomVector(flatten(like).length, flatten(args), 3);
    const jv = flatten([jvp(...args, ...unflatten(v, like)).tangent]);
    const value: Value = s.primal(...args);
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

/** An object shaped like `like` whose numbers are NaN: anything accumulated into it stays NaN. */
function garbageLike(like: unknown): unknown {
  if (typeof like === 'number') return NaN;
  if (like instanceof Float64Array) return new Float64Array(like.length).fill(NaN);
  if (like instanceof Float32Array) return new Float32Array(like.length).fill(NaN);
  if (Array.isArray(like)) return like.map(garbageLike);
  if (like && typeof like === 'object') return Object.fromEntries(Object.entries(like).map(([k, v]) => [k, garbageLike(v)]));
  throw new Error(`unexpected result part ${fmt(like)}`);
}

/** Every array object inside `x`, in a stable order, to check that `out` keeps its arrays. */
function arraysIn(x: unknown): unknown[] {
  if (ArrayBuffer.isView(x)) return [x];
  if (Array.isArray(x)) return [x, ...x.flatMap(arraysIn)];
  if (x && typeof x === 'object') return Object.values(x).flatMap(arraysIn);
  return [];
}

function checkOutCall(name: string, call: (out?: unknown) => any, args: readonly Value[]): void {
  const fresh = call();
  const out = garbageLike(fresh) as Record<string, unknown>;
  const arrays = arraysIn(out);
  const returned = call(out);
  if (returned !== out) throw new Error(`${name}(…, out) at ${fmt(args)} did not return out`);
  if (fmt(out) !== fmt(fresh)) throw new Error(`${name}(…, out) at ${fmt(args)} wrote ${fmt(out)}, the allocating call gives ${fmt(fresh)}`);
  const after = arraysIn(out);
  if (after.length !== arrays.length || after.some((a, i) => a !== arrays[i])) throw new Error(`${name}(…, out) replaced arrays of out instead of overwriting them`);
}

/** The `out` argument: written result equals the allocating one, `out` is returned, its arrays are kept. */
export function checkOut(s: Subject): void {
  const { jvp, vjp, grad } = api(s);
  for (const args of samplePoints(s)) {
    const like = wrtArgs(s, args).map(tangentLike);
    const tangents = unflatten(randomVector(flatten(like).length, flatten(args), 5), like);
    const value: Value = s.primal(...args);
    const cotangent = unflatten(randomVector(flatten([value]).length, flatten(args), 6), [tangentLike(value)])[0];
    checkOutCall(`${s.fn.name}_jvp`, (out) => jvp(...args, ...tangents, ...(out ? [out] : [])), args);
    checkOutCall(`${s.fn.name}_vjp`, (out) => vjp(...args, cotangent, ...(out ? [out] : [])), args);
    if (grad) checkOutCall(`${s.fn.name}_grad`, (out) => grad(...args, ...(out ? [out] : [])), args);
  }
}

/** A hand-written expectation: value, gradient (f_grad and f_vjp with cotangent 1) and f_jvp along each unit direction. */
export function checkExact(s: Subject, e: ExactCase): void {
  const { jvp, vjp, grad } = api(s);
  const tol = e.tolerance ?? 0;
  const args = e.args.map(jsonNumber);
  const where = `${s.fn.name}(${args.join(', ')})`;
  const same = (actual: number, expected: number, what: string) => {
    const ok = actual === expected || (Number.isNaN(actual) && Number.isNaN(expected)) || (Number.isFinite(expected) && maxRelativeError([actual], [expected]) <= tol);
    if (!ok) throw new Error(`${where}: ${what} is ${actual}, expected ${expected}${tol ? ` (tolerance ${tol})` : ' exactly'}`);
  };
  const value = jsonNumber(e.value);
  const gradient = e.grad.map(jsonNumber);
  const tangents = (e.jvp ?? e.grad).map(jsonNumber);
  if (gradient.length !== s.fn.wrt.length || tangents.length !== s.fn.wrt.length) throw new Error(`${where}: the expectation has ${gradient.length} grad entries for ${s.fn.wrt.length} differentiated parameters`);
  same(s.primal(...args), value, 'the primal value (the expectation itself is wrong)');
  const results: [string, any][] = [['f_vjp(…, 1)', vjp(...args, 1)]];
  if (grad) results.push(['f_grad', grad(...args)]);
  for (const [what, r] of results) {
    same(r.value, value, `${what} value`);
    gradient.forEach((g, k) => same(r.grads[k], g, `${what} grads[${k}]`));
  }
  tangents.forEach((t, k) => {
    const r = jvp(...args, ...unit(s.fn.wrt.length, k));
    same(r.value, value, `f_jvp value`);
    same(r.tangent, t, `f_jvp tangent along parameter ${s.fn.params[s.fn.wrt[k]].name}`);
  });
}
