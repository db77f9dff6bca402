/**
 * Where each elementary rule may be checked against finite differences: per
 * rule name, the operand intervals (inside the domain, away from poles) and a
 * filter that rejects points near kinks, jumps and ties. `domainOf` returns
 * undefined for a rule nobody described, so a new rule cannot go untested.
 */
import { rng } from './numeric';

export interface Domain {
  /** Operand intervals; a variadic rule repeats the last one. */
  readonly intervals: readonly (readonly [number, number])[];
  /** Arities to test a variadic rule at. */
  readonly arities?: readonly number[];
  /** Rejects points where the derivative is not a limit (kinks, jumps, ties). */
  readonly accept?: (xs: readonly number[]) => boolean;
  /** Relative tolerance of partial vs. finite difference (default 1e-7). */
  readonly tolerance?: number;
  /** Fixed points to test in addition to (or, for booleans, instead of) sampled ones. */
  readonly fixed?: readonly (readonly number[])[];
}

const R: [number, number] = [-3, 3];
const awayFromZero = (xs: readonly number[]) => xs.every((x) => Math.abs(x) > 0.05);
const awayFromIntegers = (xs: readonly number[]) => xs.every((x) => Math.abs(x - Math.round(x)) > 0.01);
const awayFromHalves = (xs: readonly number[]) => xs.every((x) => Math.abs(x - Math.round(x) - 0.5) > 0.01 && Math.abs(x - Math.round(x) + 0.5) > 0.01);
const distinct = (xs: readonly number[]) => xs.every((x, i) => xs.every((y, j) => i === j || Math.abs(x - y) > 0.01));
// One line per case: the tables a reader scans (not reflowed by the formatter).
// prettier-ignore
const comparisons: (readonly number[])[] = [[1, 2], [2, 1], [1, 1], [-0, 0], [-1.5, 3], [NaN, 1]];
// prettier-ignore
const truthTable: (readonly number[])[] = [[0, 0], [0, 1], [1, 0], [1, 1]];

// prettier-ignore
const domains: Record<string, Domain> = {
  add: { intervals: [R, R] },
  sub: { intervals: [R, R] },
  mul: { intervals: [R, R] },
  div: { intervals: [R, R], accept: ([, d]) => Math.abs(d) > 0.2 },
  mod: { intervals: [[-9, 9], [-4, 4]], accept: ([a, d]) => Math.abs(d) > 0.2 && awayFromIntegers([a / d]) },
  pow: { intervals: [[0.2, 3], [-2.5, 3]] },
  neg: { intervals: [R] },
  sin: { intervals: [R] },
  cos: { intervals: [R] },
  tan: { intervals: [[-1.2, 1.2]] },
  asin: { intervals: [[-0.9, 0.9]] },
  acos: { intervals: [[-0.9, 0.9]] },
  atan: { intervals: [R] },
  atan2: { intervals: [R, R], accept: ([a, c]) => Math.hypot(a, c) > 0.2 && !(c < 0 && Math.abs(a) < 0.05) },
  sinh: { intervals: [R] },
  cosh: { intervals: [R] },
  tanh: { intervals: [R] },
  asinh: { intervals: [R] },
  acosh: { intervals: [[1.1, 4]] },
  atanh: { intervals: [[-0.9, 0.9]] },
  exp: { intervals: [R] },
  expm1: { intervals: [R] },
  log: { intervals: [[0.1, 6]] },
  log1p: { intervals: [[-0.9, 6]] },
  log2: { intervals: [[0.1, 6]] },
  log10: { intervals: [[0.1, 6]] },
  sqrt: { intervals: [[0.1, 6]] },
  cbrt: { intervals: [R], accept: awayFromZero },
  hypot: { intervals: [R], arities: [1, 2, 3], accept: (xs) => Math.hypot(...xs) > 0.2 },
  abs: { intervals: [R], accept: awayFromZero },
  max: { intervals: [R], arities: [1, 2, 3, 4], accept: distinct },
  min: { intervals: [R], arities: [1, 2, 3, 4], accept: distinct },
  // float32 rounding is a step function at the scale of 1e-7·|x|: a coarse check only.
  fround: { intervals: [R], tolerance: 1e-3 },
  sign: { intervals: [R], accept: awayFromZero, fixed: [[0], [-0], [2], [-2]] },
  floor: { intervals: [R], accept: awayFromIntegers, fixed: [[0], [2], [-2]] },
  ceil: { intervals: [R], accept: awayFromIntegers, fixed: [[0], [2], [-2]] },
  round: { intervals: [R], accept: awayFromHalves, fixed: [[0.5], [-0.5], [2.5]] },
  trunc: { intervals: [R], accept: awayFromIntegers, fixed: [[0], [-1.5], [1.5]] },
  lt: { intervals: [], fixed: comparisons },
  le: { intervals: [], fixed: comparisons },
  gt: { intervals: [], fixed: comparisons },
  ge: { intervals: [], fixed: comparisons },
  eq: { intervals: [], fixed: comparisons },
  ne: { intervals: [], fixed: comparisons },
  not: { intervals: [], fixed: [[0], [1], [NaN]] },
  truthy: { intervals: [], fixed: [[0], [-0], [1], [-2.5], [NaN]] },
  isnan: { intervals: [], fixed: [[0], [1], [NaN], [Infinity]] },
  isfinite: { intervals: [], fixed: [[0], [1], [NaN], [Infinity], [-Infinity]] },
  isinteger: { intervals: [], fixed: [[0], [1.5], [-3], [NaN], [Infinity]] },
  // (numbers are never missing: what undefined does is checked by fixtures/arrays/nullish)
  nullish: { intervals: [], fixed: [[0], [1], [NaN]] },
  isundefined: { intervals: [], fixed: [[0], [-0], [NaN]] },
  bitand: { intervals: [[-9, 9], [-9, 9]], accept: awayFromIntegers, fixed: [[6, 3], [-1, 5]] },
  bitor: { intervals: [[-9, 9], [-9, 9]], accept: awayFromIntegers, fixed: [[6, 3], [-1, 5]] },
  bitxor: { intervals: [[-9, 9], [-9, 9]], accept: awayFromIntegers, fixed: [[6, 3], [-1, 5]] },
  bitnot: { intervals: [[-9, 9]], accept: awayFromIntegers, fixed: [[0], [5], [-1]] },
  shl: { intervals: [[-9, 9], [0, 5]], accept: awayFromIntegers, fixed: [[3, 2], [-1, 4]] },
  shr: { intervals: [[-9, 9], [0, 5]], accept: awayFromIntegers, fixed: [[12, 2], [-9, 1]] },
  ushr: { intervals: [[0, 9], [0, 5]], accept: awayFromIntegers, fixed: [[12, 2], [-9, 1]] },
  imul: { intervals: [[-9, 9], [-9, 9]], accept: awayFromIntegers, fixed: [[3, 4], [-2, 5]] },
  clz32: { intervals: [[1, 9]], accept: awayFromIntegers, fixed: [[1], [0], [255]] },
  and: { intervals: [], fixed: truthTable },
  or: { intervals: [], fixed: truthTable },
};

export function domainOf(name: string): Domain | undefined {
  return Object.prototype.hasOwnProperty.call(domains, name) ? domains[name] : undefined;
}

/** `count` points of `arity` operands inside the domain (deterministic), after the fixed ones. */
export function samplePoints(name: string, d: Domain, arity: number, count = 6): number[][] {
  const points: number[][] = (d.fixed ?? []).filter((p) => p.length === arity).map((p) => [...p]);
  if (d.intervals.length === 0) return points;
  const rand = rng(hash(`${name}/${arity}`));
  for (let tries = 0; points.length < count + (d.fixed?.length ?? 0) && tries < 10_000; tries++) {
    const p = Array.from({ length: arity }, (_, i) => {
      const [lo, hi] = d.intervals[Math.min(i, d.intervals.length - 1)];
      return lo + (hi - lo) * rand();
    });
    if (!d.accept || d.accept(p)) points.push(p);
  }
  return points;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
