/**
 * Ranges: what a value can be, as an interval plus two flags, and the
 * arithmetic on them that the rule table uses to say what each operation can
 * produce (its `range`).
 *
 * A range { lo, hi, inf, nan } says: the value is NaN (only if `nan`), or it
 * lies in [lo, hi] (extended reals), and it is ±Infinity only if `inf`. Bounds
 * of ±Infinity with `inf` false mean "finite, magnitude unknown" (a parameter).
 *
 * Convention (the finiteness analysis documents it): sums, differences,
 * products, quotients by a divisor away from 0, and norms of finite values are
 * finite. Overflow of `x * x` at 1e200 is not modelled; overflow that a function
 * produces from ordinary operands (exp(800), 1 / 0, log(0)) is.
 */
export interface Range {
  readonly lo: number;
  readonly hi: number;
  /** The value may be +Infinity or -Infinity. */
  readonly inf: boolean;
  /** The value may be NaN. */
  readonly nan: boolean;
}

/** Anything at all. */
export const ANY: Range = { lo: -Infinity, hi: Infinity, inf: true, nan: true };
/** A finite number of unknown magnitude: parameters, data, array elements. */
export const FINITE: Range = { lo: -Infinity, hi: Infinity, inf: false, nan: false };
/** `undefined` read as a number: NaN in arithmetic. */
export const UNDEFINED: Range = point(NaN);

export function point(v: number): Range {
  if (Number.isNaN(v)) return { lo: -Infinity, hi: Infinity, inf: false, nan: true };
  return { lo: v, hi: v, inf: !Number.isFinite(v), nan: false };
}

export function between(lo: number, hi: number, flags: { inf?: boolean; nan?: boolean } = {}): Range {
  return { lo, hi, inf: flags.inf ?? false, nan: flags.nan ?? false };
}

export function join(a: Range, b: Range): Range {
  return { lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi), inf: a.inf || b.inf, nan: a.nan || b.nan };
}

export function sameRange(a: Range, b: Range): boolean {
  return a.lo === b.lo && a.hi === b.hi && a.inf === b.inf && a.nan === b.nan;
}

/** Whether a value of the range can be anything but a finite number. */
export function mayBeNonFinite(r: Range): boolean {
  return r.inf || r.nan;
}

const containsZero = (r: Range) => r.lo <= 0 && r.hi >= 0;
/** a · b for bounds, where 0 · ±Infinity is 0 (an unknown bound times an exact zero). */
const times = (a: number, b: number) => (a === 0 || b === 0 ? 0 : a * b);
/** a + b for bounds, where an unknown -Infinity bound plus +Infinity is unknown in the direction asked. */
const plus = (a: number, b: number, dir: -1 | 1) => {
  const s = a + b;
  return Number.isNaN(s) ? dir * Infinity : s;
};

export function add(a: Range, b: Range): Range {
  return { lo: plus(a.lo, b.lo, -1), hi: plus(a.hi, b.hi, 1), inf: a.inf || b.inf, nan: a.nan || b.nan || (a.inf && b.inf) };
}

export function neg(a: Range): Range {
  return { lo: -a.hi, hi: -a.lo, inf: a.inf, nan: a.nan };
}

export function sub(a: Range, b: Range): Range {
  return add(a, neg(b));
}

export function mul(a: Range, b: Range): Range {
  const c = [times(a.lo, b.lo), times(a.lo, b.hi), times(a.hi, b.lo), times(a.hi, b.hi)];
  return {
    lo: Math.min(...c),
    hi: Math.max(...c),
    inf: a.inf || b.inf,
    nan: a.nan || b.nan || (a.inf && containsZero(b)) || (b.inf && containsZero(a)),
  };
}

/** x · x: never negative. */
export function square(a: Range): Range {
  const m = Math.max(Math.abs(a.lo), Math.abs(a.hi));
  const lo = containsZero(a) ? 0 : Math.min(a.lo * a.lo, a.hi * a.hi);
  return { lo, hi: m * m, inf: a.inf, nan: a.nan };
}

export function div(a: Range, b: Range): Range {
  const nan = a.nan || b.nan || (a.inf && b.inf);
  // A divisor that may be 0: x / 0 is ±Infinity, 0 / 0 is NaN.
  if (containsZero(b)) return { lo: -Infinity, hi: Infinity, inf: true, nan: nan || containsZero(a) };
  const q = (x: number, y: number) => (Number.isFinite(y) ? (x === 0 ? 0 : x / y) : Number.isFinite(x) ? 0 : x / Math.sign(y));
  const c = [q(a.lo, b.lo), q(a.lo, b.hi), q(a.hi, b.lo), q(a.hi, b.hi)].map((v) => (Number.isNaN(v) ? 0 : v));
  return { lo: Math.min(...c), hi: Math.max(...c), inf: a.inf, nan };
}

/**
 * A function increasing on its domain [dlo, dhi]: the range of f over [lo, hi] ∩ domain, NaN when the
 * operand can leave the domain, ±Infinity where f reaches it at a finite point (log at 0), for an
 * infinite operand, or, when `overflows` (exp, sinh: large finite operands give Infinity), at an
 * unknown bound.
 */
export function increasing(f: (x: number) => number, dlo = -Infinity, dhi = Infinity, overflows = false): (a: Range) => Range {
  return (a) => {
    const lo = Math.max(a.lo, dlo);
    const hi = Math.min(a.hi, dhi);
    const nan = a.nan || a.lo < dlo || a.hi > dhi;
    if (lo > hi) return { lo: -Infinity, hi: Infinity, inf: false, nan: true };
    const flo = f(lo);
    const fhi = f(hi);
    const infAt = (bound: number, v: number) => !Number.isFinite(v) && (Number.isFinite(bound) || a.inf || overflows);
    return { lo: flo, hi: fhi, inf: infAt(lo, flo) || infAt(hi, fhi), nan };
  };
}

/** A function with values in [lo, hi] wherever it is defined, NaN for an infinite or NaN operand when `periodic`. */
export function bounded(lo: number, hi: number, periodic = false): (a: Range) => Range {
  return (a) => ({ lo, hi, inf: false, nan: a.nan || (periodic && a.inf) });
}

export function abs(a: Range): Range {
  const m = Math.max(Math.abs(a.lo), Math.abs(a.hi));
  return { lo: containsZero(a) ? 0 : Math.min(Math.abs(a.lo), Math.abs(a.hi)), hi: m, inf: a.inf, nan: a.nan };
}

/** Even functions increasing in |x| (cosh). */
export function evenIncreasing(f: (x: number) => number, overflows = false): (a: Range) => Range {
  return (a) => increasing(f, 0, Infinity, overflows)(abs(a));
}

/** The integer powers the convention takes as products (finite for a finite base): x ** 2 … x ** 16. */
export const PRODUCT_POWERS = 16;

/** `a ** b`: exact for a constant integer exponent; otherwise anything but a negative result of a positive base. */
export function pow(a: Range, b: Range): Range {
  if (b.lo === b.hi && Number.isInteger(b.lo) && !b.nan) {
    const n = b.lo;
    if (n === 0) return point(1);
    if (n === 1) return a;
    if (n === 2) return square(a);
    if (n > 0) {
      // Odd powers increase; even powers of |a| increase.
      const r = n % 2 === 1 ? increasing((x) => x ** n)(a) : increasing((x) => x ** n, 0)(abs(a));
      // A power up to the 16th of a finite value of unknown size is finite (it is a product, whose
      // overflow is not modelled); a higher one may well be Infinity (x ** 1e300 is, for any |x| > 1),
      // and so may a power of a bounded value whose bound overflows (709 ** 710).
      const bounded = Number.isFinite(a.lo) && Number.isFinite(a.hi);
      const overflows = bounded ? !(Number.isFinite(r.lo) && Number.isFinite(r.hi)) : n > PRODUCT_POWERS;
      return { ...r, inf: a.inf || overflows, nan: a.nan };
    }
    return div(point(1), pow(a, point(-n)));
  }
  // (-0) ** -1 is -Infinity: only a positive base gives a positive power. 1 ** ±Infinity is NaN.
  return { lo: a.lo > 0 ? 0 : -Infinity, hi: Infinity, inf: true, nan: a.lo < 0 || a.nan || b.nan || (b.inf && a.lo <= 1 && 1 <= a.hi) };
}

export function hypot(args: readonly Range[]): Range {
  const m = Math.max(...args.map((a) => Math.max(Math.abs(a.lo), Math.abs(a.hi))));
  return { lo: 0, hi: m * Math.sqrt(args.length), inf: args.some((a) => a.inf), nan: args.some((a) => a.nan) };
}

export function extremum(pick: (...x: number[]) => number, args: readonly Range[]): Range {
  return { lo: pick(...args.map((a) => a.lo)), hi: pick(...args.map((a) => a.hi)), inf: args.some((a) => a.inf), nan: args.some((a) => a.nan) };
}

/** `a % b`: |result| < |b|, with the sign of a; NaN for b = 0 or an infinite a. */
export function mod(a: Range, b: Range): Range {
  const m = Math.max(Math.abs(b.lo), Math.abs(b.hi));
  return { lo: a.lo >= 0 ? 0 : -m, hi: a.hi <= 0 ? 0 : m, inf: false, nan: a.nan || b.nan || a.inf || containsZero(b) };
}

/** Integer operations (int32 and uint32 results): always finite. */
export const INT32: Range = { lo: -(2 ** 31), hi: 2 ** 32 - 1, inf: false, nan: false };
