/**
 * Checks one generated array program (array-programs.ts) end to end, the array
 * counterpart of check-program.ts:
 *
 * - it compiles without diagnostics and the generated file loads on its own;
 * - `f_jvp`, `f_vjp` (and `f_grad`) return the value the plain function
 *   computes, bit for bit and of the result's kind; tangents, grads have the
 *   contract's kinds and lengths;
 * - for a number result, `f_grad` equals `f_vjp(…, 1)` bit for bit;
 * - forward agrees with reverse: ⟨J·v, w⟩ = ⟨v, Jᵀ·w⟩ for a random tangent v
 *   and a random cotangent w (relative 1e-10 of the sum of |terms|);
 * - both agree with central differences of the primal (relative 1e-5): J·v
 *   element by element, and wᵀ·J·v;
 * - `f_jacobian` (array results) has one Float64Array row per output and one
 *   column per differentiated input, J·v equals `f_jvp`'s tangent and wᵀ·J
 *   equals `f_vjp`'s grads (1e-10), and each column matches its own central
 *   difference;
 * - each of these comparisons also allows the rounding noise of the numbers
 *   it compares (rounding.ts, as in check-program.ts), measured only when the
 *   fixed tolerance is not met: a program that cancels huge terms cannot give
 *   its derivative to 1e-10, and a red test must mean a wrong derivative;
 * - no generated call modifies its arguments (every call is guarded), and an
 *   `out` argument full of NaN is returned, keeps its arrays, and holds what
 *   the allocating call returns, also when reused.
 *
 * Read-only data parameters (a matrix, points, options: `ArrayProgramText.data`)
 * get values drawn from the same random source as the numbers, are passed as
 * they are (never differentiated: no tangent, no grads entry, finite differences
 * move only the `wrt` parameters) and, like every argument, are compared deeply
 * before and after each generated call.
 *
 * A point (or a Jacobian column) where the finite differences at two step sizes
 * disagree cannot judge a derivative: it is counted, never silently passed, and
 * the caller bounds the share of such points (and of those that passed only
 * thanks to the noise allowance). The primal always runs on copies
 * of its arguments (a program may write to its parameters).
 */
import {
  COARSE_STEP,
  compileProgram,
  differenceNoise,
  DOT_TOLERANCE,
  FD_TOLERANCE,
  loadCompiled,
  loadOriginal,
  overflowsInside,
  ProgramFailure,
  STEP,
  newPointStats,
  within,
  withoutZeroRule,
  type Compiled,
  type Perturbed,
  type PointStats,
} from './check-program';
import { guardArguments } from './arguments';
import { centralDifference, curved, dot, flatten, isolated, maxRelativeError, neighbours, rng, scaledDirection, unflatten, type Value } from './numeric';
import { copyValue, kindOf, kindOfType, tangentLike, unit } from './points';
import { NOISE_FACTOR, weighted } from './rounding';
import { withTimeout } from './subject';
import { arrayListing, printArrayProgram, type ArrayProgramText, type DataShape } from './array-program-text';
import type { ArrayProgram } from './array-programs';

export interface ArrayStats extends PointStats {
  /** Jacobian columns compared with finite differences, and those that could not be judged. */
  columns: number;
  columnsSkipped: number;
  /** Programs with an array result. */
  arrayResults: number;
  /** Programs using each feature (see `features`). */
  features: Record<Feature, number>;
}

/** What a checked program exercises, read from its source. */
const featureTests = {
  /** f has a read-only data parameter (a matrix, points or options). */
  dataParams: (src: string) => /export function f\([^)]*\b(M|pts|opts):/.test(src),
  /** f reads data: `M[i][j]`, `row[j]`, `pts[i].x`, `p.w`, `opts.scale`, lengths. */
  dataReads: (src: string) => /\b(M|pts|row\d+|pt\d+)\[|\b(pt\d+|opts)\.|\bM\.length/.test(src),
  /** A row of data passed to a helper or a local function. */
  rowArguments: (src: string) => /\b(g|lf)\d+\((M\[|row\d+\b)/.test(src),
  /** A condition on data: `opts.on`, `M[i][j] > 0`. */
  dataConditions: (src: string) => /opts\.on|\] > 0[ )]|\.[xw] > 0[ )]/.test(src),
  /** A local function called directly. */
  localCalls: (src: string) => /\b(lf|hf)\d+\((?!t\d+: number)/.test(src),
  /** A local function passed to map, reduce or forEach. */
  localCallbacks: (src: string) => /\.(map|reduce|forEach)\((lf|hf)\d+[,)]/.test(src),
  /** A local function updating a captured `let`. */
  capturedUpdates: (src: string) => /const lf\d+ = \(t\d+: number\)(: number)? => \{/.test(src),
  /** A hoisted declaration after the return. */
  hoisted: (src: string) => /function hf\d+\(/.test(src),
  /** An overflow (or 1/0, log 0) computed and not used on the path taken (guards.ts). */
  overflowGuards: (src: string) => /= (50|1000|5000) \* |const d\d+ = Math\.round\(|Math\.log\(p\d+\)/.test(src),
  /** Reads past the end of an array with `??` fallbacks, in a loop. */
  raggedReads: (src: string) => /\.length \+ [12]; /.test(src),
  /** A value made from a read past the end and then not used (`const ahead = X[i] * e; s += i < X.length ? ahead : e`). */
  unusedPastEnd: (src: string) => /const ahead\d+ = /.test(src),
  /** A Float32Array local stored into, read back and compared. */
  float32Locals: (src: string) => /new Float32Array\(/.test(src),
  /** A write past the end of an array (`X[X.length] = e`, `X[-1] = e`). */
  pastWrites: (src: string) => /\[(n\d+|-1)\] = /.test(src),
  /** A parameter typed with a union (`number[] | Float64Array`, `ArrayLike<number>`), passed either kind. */
  unionParams: (src: string) => /export function f\([^)]*: (number\[\] \| Float64Array|ArrayLike<number>)[,)]/.test(src),
  /** Helpers named like generated locals (`value`, `tape`, …). */
  helperNames: (src: string) => /^function (value|tape|out|cotangent|trips|x_bar|saved|sel|result|ret)\(/m.test(src),
  /** A writer helper called: it writes into an array it was passed, which the caller keeps using. */
  writerCalls: (src: string) => /^\s+(for \(let pass\d+ = 0; pass\d+ < \d; pass\d+\+\+\) )?w\d+\((?!dst\b)/m.test(src),
  /** A writer given the same array to write and to read (`add(out, out, b)`), by f or by another writer f calls. */
  aliasedWriters: (src: string) => featureTests.writerCalls(src) && /\bw\d+\(([\w.]+), .*, \1\);$/m.test(src),
  /** A writer that calls another writer, in a program that calls writers. */
  nestedWriters: (src: string) => featureTests.writerCalls(src) && /^ {2}w\d+\(dst, alpha, /m.test(src),
  /** A local object holding an array, advanced by a helper writing into it. */
  objectStates: (src: string) => /^\s+(for \(let pass\d+ = 0; pass\d+ < \d; pass\d+\+\+\) )?advance\d+\(st\d+, /m.test(src),
};
export type Feature = keyof typeof featureTests;

const isUnion = (t: string) => t === 'number[] | Float64Array' || t === 'ArrayLike<number>';

/** The kind of a result or gradient of type `t` for value `v`: the type's, or for a union the kind `v` has. */
function kindFor(t: ArrayProgramText['result'] | 'readonly number[]' | 'ArrayLike<number>', v: unknown): string {
  if (!isUnion(t)) return kindOfType(t as Exclude<typeof t, 'number[] | Float64Array' | 'ArrayLike<number>'>);
  return v instanceof Float64Array ? 'Float64Array' : 'Array';
}

export const newArrayStats = (): ArrayStats => ({
  ...newPointStats(),
  columns: 0,
  columnsSkipped: 0,
  arrayResults: 0,
  features: Object.fromEntries(Object.keys(featureTests).map((k) => [k, 0])) as Record<Feature, number>,
});

const POINTS = 2;
const ATTEMPTS = 5;

const relErr = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b)));
const same = (a: number, b: number) => Object.is(a, b) || a === b;
const huge = (d: number) => !Number.isFinite(d) || Math.abs(d) > 1e10;
const fmt = (v: unknown): string =>
  JSON.stringify(v, (_, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : ArrayBuffer.isView(x) ? Array.from(x as Float64Array) : x));
type Fn = (...args: any[]) => any;

/** Same kind, same length, same elements bit for bit (NaN equals NaN). */
function identical(a: unknown, b: unknown): boolean {
  if (kindOf(a) !== kindOf(b)) return false;
  if (typeof a === 'number') return same(a, b as number) || (Number.isNaN(a) && Number.isNaN(b as number));
  const x = a as ArrayLike<number>;
  const y = b as ArrayLike<number>;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!(same(x[i], y[i]) || (Number.isNaN(x[i]) && Number.isNaN(y[i])))) return false;
  return true;
}

/** A result of a generated call with every number NaN (arrays of the same kinds and lengths). */
function garbageLike(like: unknown): unknown {
  if (typeof like === 'number') return NaN;
  if (like instanceof Float64Array) return new Float64Array(like.length).fill(NaN);
  if (Array.isArray(like)) return like.map(garbageLike);
  if (like && typeof like === 'object') return Object.fromEntries(Object.entries(like).map(([k, v]) => [k, garbageLike(v)]));
  throw new Error(`unexpected result part ${fmt(like)}`);
}

/** Every array inside a result, in a stable order. */
function arraysIn(x: unknown, tuple = false): unknown[] {
  if (ArrayBuffer.isView(x)) return [x];
  // `grads` is a tuple (of numbers and arrays), never a numeric array itself.
  if (Array.isArray(x)) return tuple ? x.flatMap((v) => arraysIn(v)) : [x];
  if (x && typeof x === 'object') return Object.entries(x).flatMap(([k, v]) => arraysIn(v, k === 'grads'));
  return [];
}

function identicalResults(a: any, b: any): boolean {
  const keys = Object.keys(a).sort();
  if (keys.join() !== Object.keys(b).sort().join()) return false;
  return keys.every((k) => (k === 'grads' ? a.grads.length === b.grads.length && a.grads.every((g: unknown, i: number) => identical(g, b.grads[i])) : identical(a[k], b[k])));
}

export function checkArrayProgram(p: ArrayProgram, stats: ArrayStats): void {
  const text = printArrayProgram(p);
  withTimeout('checking the program', () => checkArrayText(text, p.seed, stats));
}

/** Checks a printed program at random points from `seed`, or at the argument lists given; `edit` changes the generated text first (see compileProgram). */
export function checkArrayText(text: ArrayProgramText, seed: number, stats: ArrayStats, points?: readonly (readonly Value[])[], edit?: (generated: string) => string): void {
  const compiled = compileProgram(text, edit);
  stats.programs++;
  const main = text.files['/src/main.ts'];
  for (const [k, test] of Object.entries(featureTests)) if (test(main)) stats.features[k as Feature]++;
  // Every parameter (data too) as it is, a tangent per differentiated one only, then `out`.
  const arity: [string, number][] = [
    ['f_jvp', text.params + text.wrt.length + 1],
    ['f_vjp', text.params + 2],
  ];
  if (text.result === 'number') arity.push(['f_grad', text.params + 1]);
  for (const [name, expected] of arity) {
    const got = (compiled.module[name] as Fn | undefined)?.length;
    if (got !== expected)
      throw new ProgramFailure(
        `${name} takes ${got} parameters, expected ${expected} (${text.params} parameters, ${text.wrt.length} differentiated)\n--- program ---\n${arrayListing(text)}--- generated ---\n${compiled.generated}`,
      );
  }
  if (text.result !== 'number') stats.arrayResults++;
  const rand = rng(seed);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * rand();
  let checked = 0;
  let jacobianChecked = false;
  const overflowed: (readonly Value[])[] = [];
  const attempts = points ? points.length : ATTEMPTS;
  for (let attempt = 0; attempt < attempts && (points || checked < POINTS); attempt++) {
    stats.points++;
    const args: Value[] = points
      ? points[attempt].map(copyValue)
      : text.paramTypes.map((t, i) => {
          const data = text.data?.[i];
          if (t === 'data' || data) return dataArgument(data, uniform, rand);
          if (t === 'number') return uniform(-2, 2);
          const xs = Array.from({ length: text.lengths[i] }, () => uniform(-2, 2));
          // A union parameter takes a plain array and a Float64Array at alternate points (never a
          // Float32Array: finite differences of float32 inputs could not judge a derivative).
          const typed = t === 'Float64Array' || (isUnion(t) && (attempt + i) % 2 === 1);
          return typed ? Float64Array.from(xs) : xs;
        });
    const verdict = checkPoint(text, compiled, args, rand, stats, attempt === 0, !jacobianChecked);
    if (verdict === 'checked') {
      checked++;
      jacobianChecked = true;
      if (overflowsInside(compiled, () => compiled.watched().f(...args.map(copyValue)))) overflowed.push(args);
    }
    stats[verdict]++;
  }
  if (checked === 0) stats.unchecked++;
  stats.overflowed += overflowed.length;
  // Would these points catch a compiler that forgot the zero-(co)tangent rule? (They must, in some programs of a run.)
  if (overflowed.length > 0) {
    const bare = loadCompiled(text, withoutZeroRule(compiled.generated), compiled.original);
    const fails = (args: readonly Value[]) => {
      try {
        checkPoint(text, bare, args, rng(seed), newArrayStats(), false, false);
        return false;
      } catch (e) {
        if (e instanceof ProgramFailure) return true;
        throw e;
      }
    };
    if (overflowed.some(fails)) stats.needZeroRule++;
  }
}

/**
 * A read-only data argument of the given shape, drawn from the program's random source (so a point's
 * data is as deterministic as its numbers): a matrix of rows in [-2, 2], points with x in [-2, 2] and
 * w in [0, 1], options with a scale in [0.5, 1.5] and a random flag. Data is never differentiated: the
 * checks pass the same object to every call and the guards compare it deeply before and after.
 */
function dataArgument(shape: DataShape | undefined, uniform: (lo: number, hi: number) => number, rand: () => number): Value {
  if (!shape) throw new Error('a data parameter without a shape');
  switch (shape.k) {
    case 'matrix':
      return Array.from({ length: shape.rows }, () => Array.from({ length: shape.cols }, () => uniform(-2, 2))) as unknown as Value;
    case 'points':
      return Array.from({ length: shape.length }, () => ({ x: uniform(-2, 2), w: uniform(0, 1) })) as unknown as Value;
    case 'opts':
      return { scale: uniform(0.5, 1.5), on: rand() < 0.5 } as unknown as Value;
  }
}

function checkPoint(
  text: ArrayProgramText,
  compiled: Compiled,
  args: readonly Value[],
  rand: () => number,
  stats: ArrayStats,
  withOut: boolean,
  withJacobian: boolean,
): 'checked' | 'outOfRange' | 'unreliable' {
  const { generated, original, module: m } = compiled;
  const { wrt } = text;
  const scalarResult = text.result === 'number';
  let where = `at ${text.paramNames.map((n, i) => `${n} = ${fmt(args[i])}`).join(', ')}`;
  const fail = (what: string) => new ProgramFailure(`${what}\n${where}\n--- program ---\n${arrayListing(text)}--- generated ---\n${generated}`);
  const f = original.f as Fn;
  const primal = (...a: Value[]): Value => f(...a.map(copyValue));
  let value: Value;
  // What the program leaves in the arrays it was given is an intermediate result too: when it is huge,
  // cancellations downstream (x − (x − y) with x ≈ 1e9) make finite differences and the comparisons meaningless.
  let leftInArguments: number[] = [];
  try {
    const copies = args.map(copyValue);
    value = f(...copies);
    leftInArguments = flatten(copies);
  } catch (e) {
    throw fail(`the program itself throws (a bug of the test's generator): ${(e as Error).message}`);
  }
  const tangentNames = wrt.map((i) => `d${text.paramNames[i]} (tangent)`);
  const guarded = (name: string, argNames: string[], hasOut: boolean): Fn => {
    if (typeof m[name] !== 'function') throw fail(`the generated module has no function ${name}`);
    const g = guardArguments(name, m[name], argNames, hasOut);
    return (...xs: unknown[]) => {
      try {
        return g(...xs);
      } catch (e) {
        throw fail(`${name}: ${(e as Error).message}`);
      }
    };
  };
  const jvpFn = guarded('f_jvp', [...text.paramNames, ...tangentNames], true);
  const vjpFn = guarded('f_vjp', [...text.paramNames, 'cotangent'], true);
  const gradFn = scalarResult ? guarded('f_grad', [...text.paramNames], true) : undefined;
  const jacobianFn = scalarResult ? undefined : guarded('f_jacobian', [...text.paramNames], false);

  const like = wrt.map((i) => tangentLike(args[i]));
  const n = flatten(like).length;
  const v = Array.from({ length: n }, () => 2 * rand() - 1);
  const sd = scaledDirection(args, wrt, v);
  const tangents = unflatten(sd, like);
  const outputs = flatten([value]).length;
  const wFlat = scalarResult ? [(0.5 + 1.5 * rand()) * (rand() < 0.5 ? -1 : 1)] : Array.from({ length: outputs }, () => 2 * rand() - 1);
  const cotangent = unflatten(wFlat, [tangentLike(value)])[0];
  where += `, tangent ${fmt(tangents)}, cotangent ${fmt(cotangent)}`;

  const jvp = jvpFn(...args, ...tangents);
  const vjp = vjpFn(...args, cotangent);
  const resultKind = kindFor(text.result, value);
  for (const [mode, r] of [
    ['f_jvp', jvp],
    ['f_vjp', vjp],
  ] as const) {
    if (!identical(r.value, value)) throw fail(`${mode} returns value ${fmt(r.value)} (${kindOf(r.value)}), the function computes ${fmt(value)} (${kindOf(value)})`);
  }
  if (kindOf(jvp.tangent) !== resultKind || flatten([jvp.tangent]).length !== outputs)
    throw fail(`f_jvp's tangent is ${fmt(jvp.tangent)} (${kindOf(jvp.tangent)}), expected a ${resultKind} of ${outputs}`);
  for (const [mode, r] of [['f_vjp', vjp]] as const) {
    if (!Array.isArray(r.grads) || r.grads.length !== wrt.length) throw fail(`${mode}'s grads is ${fmt(r.grads)}, expected ${wrt.length} entries`);
    wrt.forEach((p, k) => {
      const expected = kindFor(text.paramTypes[p] as ArrayProgramText['result'], args[p]);
      const g = r.grads[k];
      if (kindOf(g) !== expected || (typeof g !== 'number' && g.length !== text.lengths[p])) {
        throw fail(
          `${mode}'s grads[${k}] (for ${text.paramNames[p]}) is ${fmt(g)} (${kindOf(g)}), expected a ${expected}${expected === 'number' ? '' : ` of length ${text.lengths[p]}`}`,
        );
      }
    });
  }
  if (gradFn) {
    const grad = gradFn(...args);
    const vjp1 = vjpFn(...args, 1);
    if (!identical(grad.value, value)) throw fail(`f_grad returns value ${grad.value}, the function computes ${value}`);
    if (!identicalResults(grad, vjp1)) throw fail(`f_grad gives ${fmt(grad.grads)}, f_vjp with cotangent 1 gives ${fmt(vjp1.grads)}`);
  }
  if (withOut) {
    const calls: [string, (out?: unknown) => any][] = [
      ['f_jvp', (out) => jvpFn(...args, ...tangents, ...(out === undefined ? [] : [out]))],
      ['f_vjp', (out) => vjpFn(...args, cotangent, ...(out === undefined ? [] : [out]))],
    ];
    if (gradFn) calls.push(['f_grad', (out) => gradFn(...args, ...(out === undefined ? [] : [out]))]);
    for (const [name, call] of calls) {
      const fresh = call();
      const out = garbageLike(fresh);
      const arrays = arraysIn(out);
      for (const round of ['first', 'second']) {
        const r = call(out);
        if (r !== out) throw fail(`${name}(…, out) did not return out`);
        if (!identicalResults(out, fresh)) throw fail(`${name}(…, out), ${round} call: wrote ${fmt(out)}, the allocating call gives ${fmt(fresh)}`);
        if (arraysIn(out).some((a, i) => a !== arrays[i])) throw fail(`${name}(…, out) replaced an array of out instead of overwriting it`);
      }
    }
  }

  const values = flatten([value]);
  if (![...values, ...leftInArguments].every((x) => Number.isFinite(x) && Math.abs(x) <= 1e8)) return 'outOfRange';

  // Forward against reverse: ⟨J·v, w⟩ = ⟨v, Jᵀ·w⟩.
  const jv = flatten([jvp.tangent]);
  const jtw = flatten(vjp.grads);
  const forwardSide = dot(jv, wFlat);
  const reverseSide = dot(jtw, sd);
  const size = jv.reduce((t, x, i) => t + Math.abs(x * wFlat[i]), 0) + jtw.reduce((t, x, i) => t + Math.abs(x * sd[i]), 0);
  const fd = centralDifference(primal, args, wrt, v, STEP);
  const coarse = centralDifference(primal, args, wrt, v, COARSE_STEP);
  if (maxRelativeError(fd, coarse) > FD_TOLERANCE / 10 && [...jv, ...jtw, ...fd].some(huge)) return 'outOfRange';
  // The rounding noise of what is compared (rounding.ts), measured only when a fixed tolerance is not met.
  const noise = noiseAt(compiled, args, tangents, cotangent, !scalarResult);
  const allowed = (n: number) => `${NOISE_FACTOR} × rounding noise ${n.toPrecision(3)}`;
  let noisy = false;
  // Below 1e-4 of the directions' size, derivatives are compared absolutely (to 1e-14 · |v|·|w|, some
  // 50 ulps of O(1) partials): a small derivative left by cancelling O(1) terms, or by a chain of
  // ill-conditioned partials (1 − cos s for tiny s), rounds differently forward and backward.
  const floor = 1e-4 * wFlat.reduce((t, x) => t + Math.abs(x), 0) * sd.reduce((t, x) => t + Math.abs(x), 0);
  const scale = Math.max(size, floor, Number.MIN_VALUE);
  const dotErr = forwardSide === reverseSide ? 0 : Math.abs(forwardSide - reverseSide) / scale;
  if (Number.isFinite(dotErr)) stats.worstDotProduct = Math.max(stats.worstDotProduct, dotErr);
  const fdReverse = dot(wFlat, fd);
  if (!(dotErr <= DOT_TOLERANCE)) {
    const n = weighted(wFlat, noise.tangent()) + weighted(sd, noise.grads());
    if (!(Math.abs(forwardSide - reverseSide) <= DOT_TOLERANCE * scale + NOISE_FACTOR * n)) {
      // Non-finite or huge intermediates the result depends on make the comparison meaningless (see dependsOnHuge).
      if (dependsOnHuge(text, args, values)) return 'outOfRange';
      const judge = maxRelativeError(fd, jv) <= FD_TOLERANCE ? 'forward is right' : relErr(fdReverse, reverseSide) <= FD_TOLERANCE ? 'reverse is right' : 'neither agrees';
      throw fail(
        `forward and reverse disagree beyond 1e-10 + ${allowed(n)}: ⟨J·v, w⟩ = ${forwardSide}, ⟨v, Jᵀ·w⟩ = ${reverseSide} (tangent ${fmt(jvp.tangent)}, grads ${fmt(vjp.grads)}); central difference J·v ${fmt(fd)}: ${judge}`,
      );
    }
    noisy = true;
  }
  if (!(maxRelativeError(fd, jv) <= FD_TOLERANCE && relErr(fdReverse, reverseSide) <= FD_TOLERANCE)) {
    // The central differences are off by up to differenceNoise(primal), each derivative by its own noise.
    const primalNoise = noise.primal();
    const forwardAllowance = primalNoise.map((p, i) => NOISE_FACTOR * (differenceNoise(p) + noise.tangent()[i]));
    const reverseAllowance = NOISE_FACTOR * (differenceNoise(weighted(wFlat, primalNoise)) + weighted(sd, noise.grads()));
    const agree = fd.every((x, i) => within(x, jv[i], FD_TOLERANCE, forwardAllowance[i])) && within(fdReverse, reverseSide, FD_TOLERANCE, reverseAllowance);
    if (!agree) {
      // Exactly flat in floating point while the exact derivative is small: finite differences cannot see it.
      const flat = fd.every((x, i) => x === 0 && coarse[i] === 0) && Math.max(...jv.map(Math.abs), Math.abs(reverseSide)) <= 1e-2 * Math.max(1, ...values.map(Math.abs));
      const reliable = fd.every((x, i) => within(x, coarse[i], FD_TOLERANCE / 10, NOISE_FACTOR * (differenceNoise(primalNoise[i]) + differenceNoise(primalNoise[i], COARSE_STEP))));
      const tangentAt = (xs: Value[]) => flatten([jvpFn(...xs, ...tangents).tangent]);
      if (
        !reliable ||
        flat ||
        isolated(
          values,
          neighbours(primal, args, wrt, v, STEP),
          primalNoise.map((p) => NOISE_FACTOR * p),
        ) ||
        curved(tangentAt, args, wrt, v, jv, (a, b) => within(a, b, FD_TOLERANCE), STEP)
      )
        return 'unreliable';
      if (dependsOnHuge(text, args, values)) return 'outOfRange';
      throw fail(
        `derivative disagrees with finite differences beyond 1e-5 + ${allowed(Math.max(...forwardAllowance, reverseAllowance) / NOISE_FACTOR)}: forward J·v = ${fmt(jv)}, reverse wᵀ·J·v = ${reverseSide}; central differences J·v = ${fmt(fd)} (step ${STEP}) / ${fmt(coarse)} (step ${COARSE_STEP}), wᵀ·(J·v) = ${fdReverse}`,
      );
    }
    noisy = true;
  }
  if (noisy) stats.noisy++;
  if (jacobianFn && withJacobian) checkJacobianAt(jacobianFn, primal, args, wrt, { v, sd, jv, wFlat, jtw, outputs, n }, noise, stats, fail);
  return 'checked';
}

/** Elementwise rounding noise (rounding.ts) of what a point compares, each measured on first use. */
interface NoiseAt {
  /** The primal's result, flattened. */
  readonly primal: () => number[];
  /** f_jvp's tangent, flattened. */
  readonly tangent: () => number[];
  /** f_vjp's grads for the point's cotangent, flattened. */
  readonly grads: () => number[];
  /** f_jacobian's entries, row by row. */
  readonly jacobian: () => number[];
}

function noiseAt(compiled: Compiled, args: readonly Value[], tangents: readonly Value[], cotangent: Value, arrayResult: boolean): NoiseAt {
  const once = (measure: (p: Perturbed) => number[]) => {
    let known: number[] | undefined;
    return () => (known ??= measure(compiled.perturbed()));
  };
  const fresh = () => args.map(copyValue);
  return {
    primal: once(({ perturbation, original }) => perturbation.noise(() => flatten([original.f(...fresh())]))),
    tangent: once(({ perturbation, module }) => perturbation.noise(() => flatten([module.f_jvp(...fresh(), ...tangents).tangent]))),
    grads: once(({ perturbation, module }) => perturbation.noise(() => flatten(module.f_vjp(...fresh(), cotangent).grads))),
    jacobian: once(({ perturbation, module }) => (arrayResult ? perturbation.noise(() => module.f_jacobian(...fresh()).flatMap((row: Float64Array) => Array.from(row))) : [])),
  };
}

/**
 * Whether the result at `args` depends on an intermediate value beyond ±1e8, infinite or NaN: its
 * partials may then be huge or infinite (∞ · 0 = NaN where the other mode multiplies in another
 * order, the README's convention), which no comparison can judge. Found by running the program
 * with every such intermediate replaced by NaN: the result depends on one when it changes. An
 * overflow the result does not depend on (an unstable form computed and not taken) is no excuse:
 * by the zero-(co)tangent rule it contributes exactly nothing. Asked only once a point disagrees.
 */
function dependsOnHuge(text: ArrayProgramText, args: readonly Value[], values: readonly number[]): boolean {
  const poisoned = loadOriginal(text, (x) => (Math.abs(x) <= 1e8 ? undefined : NaN));
  const result = flatten([(poisoned.f as Fn)(...args.map(copyValue))]);
  return result.length !== values.length || result.some((x, i) => !Object.is(x, values[i]));
}

/** `f_jacobian` at a point where forward and reverse were just checked: its shape, J·v and wᵀ·J exactly, each column against finite differences. */
function checkJacobianAt(
  jacobianFn: Fn,
  primal: (...a: Value[]) => Value,
  args: readonly Value[],
  wrt: readonly number[],
  { sd, jv, wFlat, jtw, outputs, n }: { v: number[]; sd: number[]; jv: number[]; wFlat: number[]; jtw: number[]; outputs: number; n: number },
  noise: NoiseAt,
  stats: ArrayStats,
  fail: (what: string) => Error,
): void {
  const J = jacobianFn(...args);
  if (!Array.isArray(J) || J.length !== outputs) throw fail(`f_jacobian returns ${fmt(J)}, expected ${outputs} rows (one per output)`);
  J.forEach((row, i) => {
    if (!(row instanceof Float64Array) || row.length !== n) throw fail(`f_jacobian row ${i} is ${fmt(row)} (${kindOf(row)}), expected a Float64Array of ${n} columns`);
  });
  // As in the dot-product test, derivatives below 1e-4 of the direction's size are compared absolutely;
  // on top, the rounding noise of both sides (`allowance`, measured only when needed).
  const close = (a: number, b: number, size: number, floor: number, allowance: () => number) => {
    const bound = DOT_TOLERANCE * Math.max(size, 1e-4 * floor, Number.MIN_VALUE);
    return a === b || Math.abs(a - b) <= bound || Math.abs(a - b) <= bound + NOISE_FACTOR * allowance();
  };
  const norm1 = (x: readonly number[]) => x.reduce((t, y) => t + Math.abs(y), 0);
  const entry = (i: number, k: number) => noise.jacobian()[i * n + k];
  J.forEach((row: Float64Array, i: number) => {
    const s = row.reduce((t, x, k) => t + Math.abs(x * sd[k]), 0);
    const allowance = () =>
      weighted(
        sd,
        sd.map((_, k) => entry(i, k)),
      ) + noise.tangent()[i];
    if (!close(dot(Array.from(row), sd), jv[i], s, norm1(sd), allowance))
      throw fail(
        `f_jacobian row ${i} · v = ${dot(Array.from(row), sd)}, f_jvp's tangent[${i}] = ${jv[i]} (beyond 1e-10 + ${NOISE_FACTOR} × rounding noise ${allowance()}); rows ${fmt(J)}`,
      );
  });
  for (let k = 0; k < n; k++) {
    const col = J.map((row: Float64Array) => row[k]);
    const s = col.reduce((t: number, x: number, i: number) => t + Math.abs(x * wFlat[i]), 0);
    const allowance = () =>
      weighted(
        wFlat,
        wFlat.map((_, i) => entry(i, k)),
      ) + noise.grads()[k];
    if (!close(dot(col, wFlat), jtw[k], s, norm1(wFlat), allowance))
      throw fail(
        `wᵀ · f_jacobian column ${k} = ${dot(col, wFlat)}, f_vjp's grads (flat)[${k}] = ${jtw[k]} (beyond 1e-10 + ${NOISE_FACTOR} × rounding noise ${allowance()}); rows ${fmt(J)}`,
      );
  }
  const scale = scaledDirection(args, wrt, new Array(n).fill(1));
  for (let k = 0; k < n; k++) {
    stats.columns++;
    const fd = centralDifference(primal, args, wrt, unit(n, k), STEP);
    const coarse = centralDifference(primal, args, wrt, unit(n, k), COARSE_STEP);
    const column = J.map((row: Float64Array) => row[k] * scale[k]);
    if (maxRelativeError(column, fd) <= FD_TOLERANCE) continue;
    // The central difference is off by up to differenceNoise(primal), each entry by its own noise.
    const p = noise.primal();
    if (column.every((c, i) => within(c, fd[i], FD_TOLERANCE, NOISE_FACTOR * (differenceNoise(p[i]) + entry(i, k) * scale[k])))) continue;
    const reliable = fd.every((x, i) => within(x, coarse[i], FD_TOLERANCE / 10, NOISE_FACTOR * (differenceNoise(p[i]) + differenceNoise(p[i], COARSE_STEP))));
    const apart = () =>
      isolated(
        flatten([primal(...args)]),
        neighbours(primal, args, wrt, unit(n, k), STEP),
        p.map((x) => NOISE_FACTOR * x),
      );
    const columnAt = (xs: Value[]) => (jacobianFn(...xs) as Float64Array[]).map((row) => row[k] * scale[k]);
    if (!reliable || column.some(huge) || apart() || curved(columnAt, args, wrt, unit(n, k), column, (a, b) => within(a, b, FD_TOLERANCE), STEP)) {
      stats.columnsSkipped++;
      continue;
    }
    throw fail(`f_jacobian column ${k} (scaled by the step size) is ${fmt(column)}, central differences give ${fmt(fd)} (step ${STEP}) / ${fmt(coarse)} (step ${COARSE_STEP})`);
  }
}
