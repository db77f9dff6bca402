/**
 * Checks one random program of layers (layer-programs.ts) end to end, as
 * check-program.ts and check-array-program.ts check theirs, for parameters that are
 * objects holding lists (list-program-layout.ts) and results that are numbers or
 * arrays:
 *
 * - it compiles without diagnostics and the generated file loads on its own;
 * - `f_jvp` and `f_vjp` (and `f_grad`) return the value the plain function computes,
 *   bit for bit; the tangent has the result's length; every `grads` entry is exactly
 *   its parameter's numeric skeleton (the model: `{ layers: [{ W, b }, …], k, pts: [{
 *   x, y }, …] }`, data labels left out); for a number result `f_grad` equals
 *   `f_vjp(…, 1)` bit for bit;
 * - no generated call modifies its arguments (parameters, tangents, cotangent:
 *   arguments.ts), and an `out` full of NaN (the same objects and arrays as a result)
 *   is returned, keeps every object and array it holds, and holds what the
 *   allocating call returns, also when reused;
 * - forward agrees with reverse (⟨J·v, w⟩ = ⟨v, Jᵀ·w⟩, relative 1e-10), and both agree
 *   with central differences of the primal along v (1e-5), finite differences moving
 *   every number of the differentiated parameters (list elements' numbers, a layer's
 *   matrix row after row) and never data;
 * - for array results, `f_jacobian` has one Float64Array row per output and one column
 *   per differentiated number, in the order of a flattened argument (depth first:
 *   `layers[0].W` row after row, `layers[0].b`, `layers[1]…`, `k`, `pts[0].x`, …); J·v
 *   equals f_jvp's tangent, wᵀ·J f_vjp's grads, and each column matches its own
 *   central difference.
 *
 * Each comparison allows, on top of its fixed tolerance, the rounding noise of what
 * it compares (rounding.ts), measured only when the tolerance is not met; points and
 * columns that finite differences cannot judge (the two step sizes disagree, the
 * derivative changes across the step, an isolated value) are counted, and the
 * caller bounds their share, so skipping cannot hide a broken compiler.
 */
import {
  COARSE_STEP,
  compileProgram,
  differenceNoise,
  DOT_TOLERANCE,
  FD_TOLERANCE,
  newPointStats,
  ProgramFailure,
  STEP,
  within,
  type Compiled,
  type PointStats,
} from './check-program';
import { guardArguments } from './arguments';
import { centralDifference, curved, dot, isolated, maxRelativeError, neighbours, rng, scaledDirection, type Value } from './numeric';
import { unit } from './points';
import { NOISE_FACTOR, weighted } from './rounding';
import { withTimeout } from './subject';
import { TreeLayout } from './list-program-layout';
import { layerListing, printLayerProgram, type LayerProgramText } from './layer-program-text';
import type { LayerProgram } from './layer-programs';
import type { Data } from './object-arguments';

export interface LayerStats extends PointStats {
  /** Jacobian columns compared with finite differences, and those that could not be judged. */
  columns: number;
  columnsSkipped: number;
  arrayResults: number;
  features: Record<Feature, number>;
}

/** What a checked program exercises, read from its source. */
const featureTests = {
  /** An array variable given a new array in straight-line code (`h = dense(…)`, `h = grow(…)`, `h = h.map(…)`, …). */
  rebound: (src: string) => /^ {2}h\d+ = /m.test(src),
  /** …in a loop whose iterations change its length (over the layers, over `sizes`, in passes, per data row). */
  reboundInLoops: (src: string) => /\) h\d+ = (dense|grow)\(|^ {4,}h\d+ = /m.test(src),
  /** `h = next` of an array filled in place. */
  nextArrays: (src: string) => /h\d+ = next\d+;/.test(src),
  /** `let h = X[k]` of read-only data, later given a computed array. */
  dataRows: (src: string) => /let h\d+ = X\[/.test(src),
  /** `let h = x`: the input itself, later given a computed array. */
  aliasedInput: (src: string) => /let h\d+ = x;/.test(src),
  /** A helper over a list element returning an array (`dense(m.layers[l], h)`, `dense(layer, h)`). */
  denseLayers: (src: string) => /= dense\((m\.layers\[|layer,)/.test(src),
  /** Loops and callbacks over a list (`for (const q of m.layers)`, `m.layers.reduce`, `m.pts.forEach`). */
  listLoops: (src: string) => /of m\.(layers|pts)\)|m\.(layers|pts)\.(map|reduce|forEach)\(/.test(src),
  /** Writes into list elements (`q.b[i] += …`, `decay(m.layers[l], e)`, `nudge(q, e)`). */
  listWrites: (src: string) => /\.(b\[\w+\]|W\[.+\]\[.+\]|x|y) (\+|\*)?= |decay\(|nudge\(/.test(src),
  /** A list of points in the model. */
  points: (src: string) => /pts: /.test(src),
  /** An array of objects made in f (`const pts: Pt[] = []` then pushes, a map giving objects, a literal, `ring(…)`). */
  localLists: (src: string) => /\b(const|let) (pts|bodies)\d+\b/.test(src),
  /** …made or used in the body of a loop or in a branch's arm of f (`for (let p = 0; …) { … pts … }`, `if (…) { … pts … }`). */
  localListsInBlocks: (src: string) => /^ {2}(for \(let p\d+ = 0;.*|if \(.*\)) \{\n( {4,}.*\n)*? {4,}.*\b(pts|bodies)\d+\b/m.test(src),
  /** Writes into the objects of one (`o.x += …`, `pts[i].x = …`, `step(bodies, dt)`). */
  localListWrites: (src: string) => /\bo\d+\.(x|y|pos\.[xy]|vel\.[xy]) [-+*]?= |(pts|bodies)\d+\[\w+\]\.(x|pos\.x) = |\bstep\((pts|bodies)/.test(src),
  /** Helpers returning one (`ring(…)`) or taking one (`area(pts)`, `spread(pts)`, `energy(bodies)`, `step(bodies, dt)`). */
  localListHelpers: (src: string) => /\b(area|spread|energy|step)\((pts|bodies)\d+|= ring\(/.test(src),
  /** An `if` with a block (a branch of f, a bounce). */
  branches: (src: string) => /^ +if \(.*\) \{$/m.test(src),
};
export type Feature = keyof typeof featureTests;

export const newLayerStats = (): LayerStats => ({
  ...newPointStats(),
  columns: 0,
  columnsSkipped: 0,
  arrayResults: 0,
  features: Object.fromEntries(Object.keys(featureTests).map((k) => [k, 0])) as Record<Feature, number>,
});

const POINTS = 2;
const ATTEMPTS = 5;
type Fn = (...args: any[]) => any;
const fmt = (v: unknown): string =>
  JSON.stringify(v, (_, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : ArrayBuffer.isView(x) ? Array.from(x as Float64Array) : x));
const relErr = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b)));
const same = (a: number, b: number) => Object.is(a, b) || a === b;
const huge = (d: number) => !Number.isFinite(d) || Math.abs(d) > 1e10;
/** A result (a number or an array of numbers) as a vector. */
const flat = (v: unknown): number[] => (typeof v === 'number' ? [v] : Array.from(v as ArrayLike<number>));

/** Same numbers, bit for bit (NaN equals NaN), and for arrays the same kind. */
function identical(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b)) return false;
  const [x, y] = [flat(a), flat(b)];
  return x.length === y.length && x.every((v, i) => same(v, y[i]) || (Number.isNaN(v) && Number.isNaN(y[i])));
}

/** Every number of a result tree NaN, the same objects and arrays (an `out`). */
function garbageLike(like: unknown): unknown {
  if (typeof like === 'number') return NaN;
  if (like instanceof Float64Array) return new Float64Array(like.length).fill(NaN);
  if (Array.isArray(like)) return like.map(garbageLike);
  return Object.fromEntries(Object.entries(like as object).map(([k, v]) => [k, garbageLike(v)]));
}

/** The objects and arrays of a result tree, in a stable order. */
function containers(x: unknown): unknown[] {
  if (x === null || typeof x !== 'object') return [];
  return [x, ...(ArrayBuffer.isView(x) ? [] : Object.values(x).flatMap(containers))];
}

/** The numbers of a result tree, depth first (to compare bit for bit). */
const numbers = (x: unknown): number[] => (typeof x === 'number' ? [x] : x === null || typeof x !== 'object' ? [] : Object.values(x as object).flatMap(numbers));

export function checkLayerProgram(p: LayerProgram, stats: LayerStats): void {
  const text = printLayerProgram(p);
  withTimeout('checking the program', () => checkLayerText(text, p.seed, stats));
}

/** Checks a printed program at random points from `seed`; `edit` changes the generated text first (see compileProgram). */
export function checkLayerText(text: LayerProgramText, seed: number, stats: LayerStats, edit?: (generated: string) => string): void {
  const compiled = compileProgram({ files: text.files, wrt: text.wrt, params: text.params }, edit);
  stats.programs++;
  for (const [k, test] of Object.entries(featureTests)) if (test(text.files['/src/main.ts'])) stats.features[k as Feature]++;
  if (text.result !== 'number') stats.arrayResults++;
  const layout = new TreeLayout(text.shapes, text.wrt);
  const rand = rng(seed);
  let checked = 0;
  let jacobianChecked = false;
  for (let attempt = 0; attempt < ATTEMPTS && checked < POINTS; attempt++) {
    stats.points++;
    const x = Array.from({ length: layout.numbers }, () => -2 + 4 * rand());
    const verdict = checkPoint(text, compiled, layout, x, layout.data(rand), rand, stats, attempt === 0, !jacobianChecked);
    if (verdict === 'checked') (checked++, (jacobianChecked = true));
    stats[verdict]++;
  }
  if (checked === 0) stats.unchecked++;
}

function checkPoint(
  text: LayerProgramText,
  compiled: Compiled,
  layout: TreeLayout,
  x: readonly number[],
  data: readonly Data[],
  rand: () => number,
  stats: LayerStats,
  withOut: boolean,
  withJacobian: boolean,
): 'checked' | 'outOfRange' | 'unreliable' {
  const { generated, original, module: m } = compiled;
  const scalar = text.result === 'number';
  const args = () => layout.args(x, data);
  let where = `at ${text.paramNames.map((n, i) => `${n} = ${fmt(args()[i])}`).join(', ')}`;
  const fail = (what: string) => new ProgramFailure(`${what}\n${where}\n--- program ---\n${layerListing(text)}--- generated ---\n${generated}`);
  const f = original.f as Fn;
  let value: unknown;
  try {
    value = f(...args());
  } catch (e) {
    throw fail(`the program itself throws (a bug of the test's generator): ${(e as Error).message}`);
  }
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
  const names = [...text.paramNames];
  const jvpFn = guarded('f_jvp', [...names, ...text.wrt.map((i) => `d${names[i]} (tangent)`)], true);
  const vjpFn = guarded('f_vjp', [...names, 'cotangent'], true);
  const gradFn = scalar ? guarded('f_grad', names, true) : undefined;
  const jacobianFn = scalar ? undefined : guarded('f_jacobian', names, false);
  const grads = (name: string, g: unknown) => {
    try {
      return layout.flatGrads(g);
    } catch (e) {
      throw fail(`${name}: ${(e as Error).message}`);
    }
  };

  const values = flat(value);
  const outputs = values.length;
  const n = layout.wrtFlat.length;
  const v = Array.from({ length: n }, () => 2 * rand() - 1);
  const sd = scaledDirection(x, layout.wrtFlat, v);
  const tangents = layout.tangents(sd);
  const wFlat = scalar ? [(0.5 + 1.5 * rand()) * (rand() < 0.5 ? -1 : 1)] : Array.from({ length: outputs }, () => 2 * rand() - 1);
  const cotangent = scalar ? wFlat[0] : wFlat;
  where += `, tangents ${fmt(tangents)}, cotangent ${fmt(cotangent)}`;

  const jvp = jvpFn(...args(), ...tangents);
  const vjp = vjpFn(...args(), cotangent);
  for (const [mode, r] of [
    ['f_jvp', jvp],
    ['f_vjp', vjp],
  ] as const) {
    if (!identical(r.value, value)) throw fail(`${mode} returns value ${fmt(r.value)}, the function computes ${fmt(value)}`);
  }
  if (!(scalar ? typeof jvp.tangent === 'number' : Array.isArray(jvp.tangent) && jvp.tangent.length === outputs))
    throw fail(`f_jvp's tangent is ${fmt(jvp.tangent)}, expected ${scalar ? 'a number' : `an array of ${outputs}`}`);
  const jv = flat(jvp.tangent);
  const jtw = grads('f_vjp', vjp.grads);
  if (gradFn) {
    const grad = gradFn(...args());
    const vjp1 = vjpFn(...args(), 1);
    if (!identical(grad.value, value)) throw fail(`f_grad returns value ${grad.value}, the function computes ${fmt(value)}`);
    const [g, g1] = [grads('f_grad', grad.grads), grads('f_vjp', vjp1.grads)];
    if (!g.every((y, i) => same(y, g1[i]) || (Number.isNaN(y) && Number.isNaN(g1[i]))))
      throw fail(`f_grad gives ${fmt(grad.grads)}, f_vjp with cotangent 1 gives ${fmt(vjp1.grads)}`);
  }
  if (withOut) {
    const calls: [string, (out?: unknown) => any][] = [
      ['f_jvp', (out) => jvpFn(...args(), ...tangents, ...(out === undefined ? [] : [out]))],
      ['f_vjp', (out) => vjpFn(...args(), cotangent, ...(out === undefined ? [] : [out]))],
    ];
    if (gradFn) calls.push(['f_grad', (out) => gradFn(...args(), ...(out === undefined ? [] : [out]))]);
    for (const [name, call] of calls) {
      const fresh = call();
      const out = garbageLike(fresh);
      const kept = containers(out);
      for (const round of ['first', 'second']) {
        const r = call(out);
        if (r !== out) throw fail(`${name}(…, out) did not return out`);
        const [a, b] = [numbers(out), numbers(fresh)];
        if (a.length !== b.length || a.some((y, i) => !(same(y, b[i]) || (Number.isNaN(y) && Number.isNaN(b[i])))))
          throw fail(`${name}(…, out), ${round} call: wrote ${fmt(out)}, the allocating call gives ${fmt(fresh)}`);
        if (containers(out).some((c, i) => c !== kept[i])) throw fail(`${name}(…, out) replaced an object or array of out instead of overwriting it: ${fmt(out)}`);
      }
    }
  }
  if (!values.every((y) => Number.isFinite(y) && Math.abs(y) <= 1e8)) return 'outOfRange';

  // Forward against reverse, both against central differences of the primal (data fixed).
  const primal = (...xs: Value[]): Value => flat(f(...layout.args(xs as number[], data)));
  const forwardSide = dot(jv, wFlat);
  const reverseSide = dot(jtw, sd);
  const size = jv.reduce((t, y, i) => t + Math.abs(y * wFlat[i]), 0) + jtw.reduce((t, y, i) => t + Math.abs(y * sd[i]), 0);
  const fd = centralDifference(primal, x, layout.wrtFlat, v, STEP);
  const coarse = centralDifference(primal, x, layout.wrtFlat, v, COARSE_STEP);
  if (maxRelativeError(fd, coarse) > FD_TOLERANCE / 10 && [...jv, ...jtw, ...fd].some(huge)) return 'outOfRange';
  const noise = noiseAt(compiled, () => layout.args(x, data), tangents, cotangent, !scalar);
  const allowed = (z: number) => `${NOISE_FACTOR} × rounding noise ${z.toPrecision(3)}`;
  let noisy = false;
  const floor = 1e-4 * wFlat.reduce((t, y) => t + Math.abs(y), 0) * sd.reduce((t, y) => t + Math.abs(y), 0);
  const scale = Math.max(size, floor, Number.MIN_VALUE);
  const dotErr = forwardSide === reverseSide ? 0 : Math.abs(forwardSide - reverseSide) / scale;
  if (Number.isFinite(dotErr)) stats.worstDotProduct = Math.max(stats.worstDotProduct, dotErr);
  const fdReverse = dot(wFlat, fd);
  if (!(dotErr <= DOT_TOLERANCE)) {
    const z = weighted(wFlat, noise.tangent()) + weighted(sd, noise.grads());
    if (!(Math.abs(forwardSide - reverseSide) <= DOT_TOLERANCE * scale + NOISE_FACTOR * z)) {
      const judge = maxRelativeError(fd, jv) <= FD_TOLERANCE ? 'forward is right' : relErr(fdReverse, reverseSide) <= FD_TOLERANCE ? 'reverse is right' : 'neither agrees';
      throw fail(
        `forward and reverse disagree beyond 1e-10 + ${allowed(z)}: ⟨J·v, w⟩ = ${forwardSide}, ⟨v, Jᵀ·w⟩ = ${reverseSide} (tangent ${fmt(jvp.tangent)}, grads ${fmt(vjp.grads)}); central difference J·v ${fmt(fd)}: ${judge}`,
      );
    }
    noisy = true;
  }
  if (!(maxRelativeError(fd, jv) <= FD_TOLERANCE && relErr(fdReverse, reverseSide) <= FD_TOLERANCE)) {
    const primalNoise = noise.primal();
    const forwardAllowance = primalNoise.map((p, i) => NOISE_FACTOR * (differenceNoise(p) + noise.tangent()[i]));
    const reverseAllowance = NOISE_FACTOR * (differenceNoise(weighted(wFlat, primalNoise)) + weighted(sd, noise.grads()));
    if (!(fd.every((y, i) => within(y, jv[i], FD_TOLERANCE, forwardAllowance[i])) && within(fdReverse, reverseSide, FD_TOLERANCE, reverseAllowance))) {
      const flatThere = fd.every((y, i) => y === 0 && coarse[i] === 0) && Math.max(...jv.map(Math.abs), Math.abs(reverseSide)) <= 1e-2 * Math.max(1, ...values.map(Math.abs));
      const reliable = fd.every((y, i) => within(y, coarse[i], FD_TOLERANCE / 10, NOISE_FACTOR * (differenceNoise(primalNoise[i]) + differenceNoise(primalNoise[i], COARSE_STEP))));
      const tangentAt = (xs: Value[]) => flat(jvpFn(...layout.args(xs as number[], data), ...tangents).tangent);
      const neighbourValues = neighbours(primal, x, layout.wrtFlat, v, STEP);
      if (
        !reliable ||
        flatThere ||
        isolated(
          values,
          neighbourValues,
          primalNoise.map((p) => NOISE_FACTOR * p),
        ) ||
        curved(tangentAt, x, layout.wrtFlat, v, jv, (a, b) => within(a, b, FD_TOLERANCE), STEP)
      )
        return 'unreliable';
      throw fail(
        `derivative disagrees with finite differences beyond 1e-5 + ${allowed(Math.max(...forwardAllowance, reverseAllowance) / NOISE_FACTOR)}: forward J·v = ${fmt(jv)}, reverse wᵀ·J·v = ${reverseSide}; central differences J·v = ${fmt(fd)} (step ${STEP}) / ${fmt(coarse)} (step ${COARSE_STEP}), wᵀ·(J·v) = ${fdReverse}`,
      );
    }
    noisy = true;
  }
  if (noisy) stats.noisy++;
  if (jacobianFn && withJacobian) checkJacobian(jacobianFn, primal, (xs) => layout.args(xs, data), { x, wrt: layout.wrtFlat, sd, jv, wFlat, jtw, outputs, n }, noise, stats, fail);
  return 'checked';
}

/** Elementwise rounding noise (rounding.ts) of what a point compares, each measured on first use. */
interface NoiseAt {
  readonly primal: () => number[];
  readonly tangent: () => number[];
  readonly grads: () => number[];
  readonly jacobian: () => number[];
}

function noiseAt(compiled: Compiled, args: () => unknown[], tangents: readonly unknown[], cotangent: unknown, arrayResult: boolean): NoiseAt {
  const once = (measure: () => number[]) => {
    let known: number[] | undefined;
    return () => (known ??= measure());
  };
  const p = () => compiled.perturbed();
  const leaves = (g: unknown): number[] => (typeof g === 'number' ? [g] : Object.values(g as object).flatMap(leaves));
  return {
    primal: once(() => p().perturbation.noise(() => flat(p().original.f(...args())))),
    tangent: once(() => p().perturbation.noise(() => flat(p().module.f_jvp(...args(), ...tangents).tangent))),
    grads: once(() => p().perturbation.noise(() => (p().module.f_vjp(...args(), cotangent).grads as unknown[]).flatMap(leaves))),
    jacobian: once(() => (arrayResult ? p().perturbation.noise(() => (p().module.f_jacobian(...args()) as Float64Array[]).flatMap((row) => Array.from(row))) : [])),
  };
}

/** `f_jacobian` at a point where forward and reverse were just checked: its shape, J·v and wᵀ·J exactly, each column against finite differences. */
function checkJacobian(
  jacobianFn: Fn,
  primal: (...xs: Value[]) => Value,
  build: (xs: readonly number[]) => unknown[],
  {
    x,
    wrt,
    sd,
    jv,
    wFlat,
    jtw,
    outputs,
    n,
  }: { x: readonly number[]; wrt: readonly number[]; sd: number[]; jv: number[]; wFlat: number[]; jtw: number[]; outputs: number; n: number },
  noise: NoiseAt,
  stats: LayerStats,
  fail: (what: string) => Error,
): void {
  const J = jacobianFn(...build(x)) as Float64Array[];
  if (!Array.isArray(J) || J.length !== outputs) throw fail(`f_jacobian returns ${fmt(J)}, expected ${outputs} rows (one per output)`);
  J.forEach((row, i) => {
    if (!(row instanceof Float64Array) || row.length !== n) throw fail(`f_jacobian row ${i} is ${fmt(row)}, expected a Float64Array of ${n} columns`);
  });
  const close = (a: number, b: number, size: number, floor: number, allowance: () => number) => {
    const bound = DOT_TOLERANCE * Math.max(size, 1e-4 * floor, Number.MIN_VALUE);
    return a === b || Math.abs(a - b) <= bound || Math.abs(a - b) <= bound + NOISE_FACTOR * allowance();
  };
  const norm1 = (xs: readonly number[]) => xs.reduce((t, y) => t + Math.abs(y), 0);
  const entry = (i: number, k: number) => noise.jacobian()[i * n + k];
  J.forEach((row, i) => {
    const s = row.reduce((t, y, k) => t + Math.abs(y * sd[k]), 0);
    const allowance = () =>
      weighted(
        sd,
        sd.map((_, k) => entry(i, k)),
      ) + noise.tangent()[i];
    if (!close(dot(Array.from(row), sd), jv[i], s, norm1(sd), allowance))
      throw fail(`f_jacobian row ${i} · v = ${dot(Array.from(row), sd)}, f_jvp's tangent[${i}] = ${jv[i]}; rows ${fmt(J)}`);
  });
  for (let k = 0; k < n; k++) {
    const col = J.map((row) => row[k]);
    const s = col.reduce((t, y, i) => t + Math.abs(y * wFlat[i]), 0);
    const allowance = () =>
      weighted(
        wFlat,
        wFlat.map((_, i) => entry(i, k)),
      ) + noise.grads()[k];
    if (!close(dot(col, wFlat), jtw[k], s, norm1(wFlat), allowance))
      throw fail(`wᵀ · f_jacobian column ${k} = ${dot(col, wFlat)}, f_vjp's grads (flat)[${k}] = ${jtw[k]}; rows ${fmt(J)}`);
  }
  // Each column against the central difference along its own number (the columns' order is the flattened argument's).
  const scale = scaledDirection(x, wrt, new Array<number>(n).fill(1));
  for (let k = 0; k < n; k++) {
    stats.columns++;
    const fd = centralDifference(primal, x, wrt, unit(n, k), STEP);
    const coarse = centralDifference(primal, x, wrt, unit(n, k), COARSE_STEP);
    const column = J.map((row) => row[k] * scale[k]);
    if (maxRelativeError(column, fd) <= FD_TOLERANCE) continue;
    const p = noise.primal();
    if (column.every((c, i) => within(c, fd[i], FD_TOLERANCE, NOISE_FACTOR * (differenceNoise(p[i]) + entry(i, k) * scale[k])))) continue;
    const reliable = fd.every((y, i) => within(y, coarse[i], FD_TOLERANCE / 10, NOISE_FACTOR * (differenceNoise(p[i]) + differenceNoise(p[i], COARSE_STEP))));
    const apart = () =>
      isolated(
        flat(primal(...(x as number[]))),
        neighbours(primal, x, wrt, unit(n, k), STEP),
        p.map((y) => NOISE_FACTOR * y),
      );
    const columnAt = (xs: Value[]) => (jacobianFn(...build(xs as number[])) as Float64Array[]).map((row) => row[k] * scale[k]);
    if (!reliable || column.some(huge) || apart() || curved(columnAt, x, wrt, unit(n, k), column, (a, b) => within(a, b, FD_TOLERANCE), STEP)) {
      stats.columnsSkipped++;
      continue;
    }
    throw fail(`f_jacobian column ${k} (scaled by the step size) is ${fmt(column)}, central differences give ${fmt(fd)} (step ${STEP}) / ${fmt(coarse)} (step ${COARSE_STEP})`);
  }
}
