/**
 * The `range` of every numeric operation (ir/ops.ts) is sound: for operands drawn from given
 * ranges, the value `evaluate` computes lies in the range the rule claims
 * (NaN only where it says NaN may occur, ±Infinity only where it says so).
 * Walks `ops`, so an operation added tomorrow is checked too. The finiteness
 * analysis, and with it every zero-(co)tangent guard left out of generated
 * code, rests on this.
 */
import fc from 'fast-check';
import { ops } from '../compiler/ir/ops';
import * as R from '../compiler/ir/ranges';
import type { Range } from '../compiler/ir/ranges';
import { propertySeed } from './support/seed';

const SEED = propertySeed();

/** Interesting numbers: zeros, ±1, the edges of exp and float32, huge and tiny, and the infinities. */
const special = [0, -0, 1, -1, 0.5, -0.5, 2, 3, -3, 709, 710, 800, -800, 1e-300, 1e300, 3.5e38, Math.PI / 2, Infinity, -Infinity];
const number = fc.oneof(fc.constantFrom(...special), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ noNaN: true }));

/** A range, and numbers inside it (a finite range never yields an infinity; one with `nan` may yield NaN). */
const rangeWithValues: fc.Arbitrary<{ range: Range; values: number[] }> = fc
  .tuple(number, number, fc.boolean(), fc.boolean(), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }))
  .map(([p, q, inf, nan, ts]) => {
    let lo = Math.min(p, q);
    let hi = Math.max(p, q);
    if (!inf) {
      // finite values, possibly of unknown magnitude (a bound of ±Infinity)
      if (lo === Infinity) lo = Number.MAX_VALUE;
      if (hi === -Infinity) hi = -Number.MAX_VALUE;
    }
    const range: Range = { lo, hi, inf, nan };
    const values = ts.map((t) => {
      const a = Number.isFinite(lo) ? lo : -Number.MAX_VALUE;
      const b = Number.isFinite(hi) ? hi : Number.MAX_VALUE;
      return a + (b - a) * t;
    });
    values.push(Number.isFinite(lo) || inf ? lo : -Number.MAX_VALUE, Number.isFinite(hi) || inf ? hi : Number.MAX_VALUE);
    if (nan) values.push(NaN);
    return { range, values: values.filter((v) => Number.isNaN(v) || (v >= lo && v <= hi && (inf || Number.isFinite(v)))) };
  });

function inRange(v: number, r: Range): boolean {
  if (Number.isNaN(v)) return r.nan;
  if (!Number.isFinite(v) && !r.inf) return false;
  return v >= r.lo && v <= r.hi;
}

const numeric = [...ops.values()].filter((r) => r.result === 'number');

/**
 * The analysis' convention (ranges.ts): sums, differences, products, quotients (by a divisor away from 0)
 * and norms of finite values are finite; their overflow at the edge of the double range is not modelled.
 */
const finiteArithmetic = new Set(['add', 'sub', 'mul', 'div', 'hypot']);
/** (and so are integer powers up to the 16th, products too: `x ** 3`) */
const productPower = (name: string, args: readonly number[]) => name === 'pow' && Number.isInteger(args[1]) && Math.abs(args[1]) <= R.PRODUCT_POWERS;
const excused = (name: string, args: readonly number[], v: number) => (finiteArithmetic.has(name) || productPower(name, args)) && !Number.isNaN(v) && args.every(Number.isFinite);

it('every numeric rule states its range', () => {
  expect(numeric.filter((r) => !r.range).map((r) => r.name)).toEqual([]);
});

describe.each(numeric.map((r) => [r.name, r] as const))('rule %s', (name, r) => {
  const arity = r.arity === 'variadic' ? 2 : r.arity;
  it('gives values inside its range for operands inside theirs', () => {
    fc.assert(
      fc.property(fc.array(rangeWithValues, { minLength: arity, maxLength: arity }), (ops) => {
        const out = r.range!(ops.map((o) => o.range));
        // Every combination of the sampled operand values.
        const combos = ops.reduce<number[][]>((acc, o) => acc.flatMap((c) => o.values.map((v) => [...c, v])), [[]]);
        for (const args of combos) {
          const v = r.evaluate(args) as number;
          if (!inRange(v, out) && !excused(name, args, v))
            throw new Error(`${name}(${args.join(', ')}) = ${v}, outside ${JSON.stringify(out)} claimed for ${JSON.stringify(ops.map((o) => o.range))}`);
        }
      }),
      { numRuns: 300, seed: SEED },
    );
  });
});

it('x * x is never negative and finite for a finite x', () => {
  expect(R.square(R.FINITE)).toEqual({ lo: 0, hi: Infinity, inf: false, nan: false });
  expect(R.div(R.point(1), R.add(R.point(1), R.square(R.FINITE))).inf).toBe(false);
});

it('a power of a base that may be 1 to an exponent that may be infinite may be NaN (1 ** -Infinity)', () => {
  expect(1 ** -Infinity).toBeNaN();
  expect(R.pow(R.between(0, 1), { lo: -Infinity, hi: 0, inf: true, nan: false }).nan).toBe(true);
  expect(R.pow(R.between(2, 3), { lo: -Infinity, hi: 0, inf: true, nan: false }).nan).toBe(false);
});

it('an integer power of a bounded value whose bound overflows may be Infinity (seed 105: 709 ** 710)', () => {
  expect(R.pow(R.between(0, 709), R.point(710)).inf).toBe(true);
  // Of a finite value of unknown size it is taken as finite, as a product is (overflow not modelled),
  // up to the 16th power; a higher power of one may be Infinity (seed 1297133599: 1.79e308 ** 1e300).
  expect(R.pow(R.FINITE, R.point(3)).inf).toBe(false);
  expect(R.pow(R.FINITE, R.point(16)).inf).toBe(false);
  expect(R.pow(R.FINITE, R.point(17)).inf).toBe(true);
  expect(R.pow(R.between(0, Infinity), R.point(1e300)).inf).toBe(true);
});
