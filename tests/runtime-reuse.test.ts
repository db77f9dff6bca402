/**
 * The runtime's arrays reused from call to call (a public function over matrices and arrays of
 * objects takes its arguments apart into them, and makes the gradients it copies into `out` in
 * them) and `copyColumns`, which writes an array of objects' gradient into `out` in place: the
 * same contents as fresh arrays, the same array while the size stays, a new one when it changes.
 */
import { column, copyColumns, copyInto, flat, reusedZeros, rows, scratch, starts, zeroed, zeroedLike, zeros } from '../runtime';

describe('arrays reused by slot', () => {
  it('reusedZeros gives k zero arrays of the kind and length asked, the same ones while small, fresh ones when large', () => {
    const small = new Float64Array(3);
    const a = reusedZeros('test:seeds', small, 2);
    expect(a.map((x) => Array.from(x))).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(a[0]).toBeInstanceOf(Float64Array);
    a[1][2] = 7;
    const b = reusedZeros('test:seeds', small, 2);
    expect(b).toBe(a);
    expect(b[1][2]).toBe(0);
    expect(Array.isArray(reusedZeros('test:seeds', [1, 2, 3], 2)[0])).toBe(true);
    // (a large one is not kept after the call: each call makes its own)
    const large = new Float64Array(10_000);
    const c = reusedZeros('test:large', large, 8);
    expect(c.length).toBe(8);
    expect(c[7].length).toBe(10_000);
    expect(reusedZeros('test:large', large, 8)).not.toBe(c);
  });

  it('flat and starts give the numbers and row starts, in the same arrays while the sizes stay', () => {
    const a = flat([[1, 2], [3]], 'test:W');
    expect(a).toEqual([1, 2, 3]);
    const b = flat([[4, 5], [6]], 'test:W');
    expect(b).toBe(a);
    expect(b).toEqual([4, 5, 6]);
    const c = flat([[7], [8, 9, 10]], 'test:W');
    expect(c).not.toBe(a);
    expect(c).toEqual([7, 8, 9, 10]);
    // (without a slot, a new array each time)
    expect(flat([[1]])).not.toBe(flat([[1]]));
    expect(starts([[1, 2], [3], []], 'test:W:starts')).toEqual([0, 2, 3, 3]);
    expect(starts([[1], [3, 4], [5]], 'test:W:starts')).toEqual([0, 1, 3, 4]);
  });

  it('column and rows reuse their arrays too', () => {
    const pts = [
      { x: 1, y: 2 },
      { x: 3, y: 4 },
    ];
    const xs = column(pts, 'x', 'test:pts.x');
    expect(column(pts, 'y', 'test:pts.y')).toEqual([2, 4]);
    expect(
      column(
        [
          { x: 5, y: 0 },
          { x: 6, y: 0 },
        ],
        'x',
        'test:pts.x',
      ),
    ).toBe(xs);
    expect(xs).toEqual([5, 6]);
    const groups = [[[1], [2, 3]], [[4]]];
    expect(rows(groups, 'test:rows')).toEqual([[1], [2, 3], [4]]);
    expect(rows([[[9]]], 'test:rows')).toEqual([[9]]);
  });

  it('scratch is zero each time it is taken', () => {
    const s = scratch('test:grad', 3);
    s[1] = 5;
    expect(scratch('test:grad', 3)).toBe(s);
    expect(s).toEqual([0, 0, 0]);
    expect(scratch('test:grad', 2)).toEqual([0, 0]);
  });
});

describe('copyColumns', () => {
  it('writes columns into the objects in place, nested objects too', () => {
    const dst = [
      { p: { x: 0, y: 0 }, m: 0 },
      { p: { x: 0, y: 0 }, m: 0 },
    ];
    const first = dst[0];
    copyColumns(dst, { p: { x: [1, 2], y: [3, 4] }, m: [5, 6] }, 'out.grads[0]');
    expect(dst).toEqual([
      { p: { x: 1, y: 3 }, m: 5 },
      { p: { x: 2, y: 4 }, m: 6 },
    ]);
    expect(dst[0]).toBe(first);
  });

  it('names what is wrong with out', () => {
    expect(() => copyColumns([{ x: 0 }], { x: [1, 2] }, 'out.grads[0]')).toThrow(new RangeError('ts-adc: out.grads[0] has length 1, expected 2'));
    expect(() => copyColumns([{ x: 0 }, null as unknown as { x: number }], { x: [1, 2] }, 'out.grads[0]')).toThrow(new TypeError('ts-adc: out.grads[0][1] must be an object'));
    expect(() => copyColumns(undefined as unknown as { x: number }[], { x: [1] }, 'out.grads[1]')).toThrow(new TypeError('ts-adc: out.grads[1] must be an array of length 1'));
  });
});

/**
 * The zeroing and copying helpers take a loop per kind of array for short ones and the engine's
 * `fill` for long ones: the same contents either way, for every kind, on both sides of the bound.
 */
describe('zeros, zeroed, zeroedLike, copyInto', () => {
  const lengths = [0, 1, 3, 64, 65, 1000];
  const kinds = [(n: number) => new Array<number>(n).fill(7), (n: number) => new Float64Array(n).fill(7), (n: number) => new Float32Array(n).fill(7)];

  it('zeros(n) is a number[] of n zeros', () => {
    for (const n of lengths) {
      const z = zeros(n);
      expect(Array.isArray(z)).toBe(true);
      expect(z).toEqual(new Array<number>(n).fill(0));
    }
  });

  it('zeroed and zeroedLike clear arrays of every kind in place; zeroedLike makes one of the same kind when the length changes', () => {
    for (const make of kinds)
      for (const n of lengths) {
        const a = make(n);
        expect(zeroed(a, n, 'a')).toBe(a);
        expect(Array.from(a)).toEqual(new Array<number>(n).fill(0));
        const b = make(n);
        expect(zeroedLike(b, n)).toBe(b);
        expect(Array.from(b)).toEqual(new Array<number>(n).fill(0));
        const c = zeroedLike(make(n), n + 2);
        expect(c.constructor).toBe(b.constructor);
        expect(Array.from(c)).toEqual(new Array<number>(n + 2).fill(0));
      }
    expect(() => zeroed([1, 2], 3, 'out.grads[0]')).toThrow(RangeError);
  });

  it('copyInto copies between every pair of kinds (a Float32Array destination rounds)', () => {
    for (const to of kinds)
      for (const from of kinds)
        for (const n of [0, 3, 65]) {
          const src = from(n).map((_, i) => i + 0.1);
          const dst = to(n);
          expect(copyInto(dst, src, 'out.value')).toBe(dst);
          expect(Array.from(dst)).toEqual(Array.from(src, (v) => (dst instanceof Float32Array ? Math.fround(v) : v)));
        }
    expect(() => copyInto(new Float64Array(2), [1, 2, 3], 'out.value')).toThrow(RangeError);
  });
});
