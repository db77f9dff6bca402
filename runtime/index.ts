/**
 * `ts-adc/runtime`: everything generated code may import at run time, and
 * nothing more. No dependencies.
 */
import { Tape } from './tape';

export { Tape };

/** The tape shared by all generated reverse-mode code. */
export const tape = new Tape();

/**
 * Return registers of internal helpers: a pushforward leaves its tangent in
 * `ret[0]`; a pullback with several scalar parameters leaves their adjoints in
 * `ret[0]`, `ret[1]`, … The caller reads them right after the call. A plain
 * array: a helper with more scalar parameters than it holds makes it grow.
 */
export const ret: number[] = new Array<number>(256).fill(0);

/** Where a pushforward of an array-valued function leaves its tangent array (`ret` holds numbers only). */
export const retArrays: unknown[] = [undefined];

type NumArray = number[] | Float64Array | Float32Array;

/**
 * An array of `out` about to receive a result of length `n`: checked, zeroed,
 * returned. `what` names it in the error (`out.grads[0]`).
 */
export function zeroed<T extends NumArray>(a: T, n: number, what: string): T {
  if (a === undefined || a === null || typeof a.length !== 'number') throw new TypeError(`ts-adc: ${what} must be an array of length ${n}`);
  if (a.length !== n) throw new RangeError(`ts-adc: ${what} has length ${a.length}, expected ${n}`);
  a.fill(0);
  return a;
}

/** Copies `src` into `out`'s array `dst` of the same length; returns dst. */
export function copyInto<T extends NumArray>(dst: T, src: ArrayLike<number>, what: string): T {
  if (dst === undefined || dst === null || typeof dst.length !== 'number') throw new TypeError(`ts-adc: ${what} must be an array of length ${src.length}`);
  if (dst.length !== src.length) throw new RangeError(`ts-adc: ${what} has length ${dst.length}, expected ${src.length}`);
  for (let i = 0; i < src.length; i++) dst[i] = src[i];
  return dst;
}

/** Σ a[i]: the adjoint of a value broadcast to every element (`fill`, `new Array(n).fill(v)`). */
export function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

/** `a` zeroed if it has length n, else a new zero array of the same kind: the adjoint of the next array a loop variable names. */
export function zeroedLike<T extends NumArray>(a: T, n: number): T {
  if (a.length === n) {
    a.fill(0);
    return a;
  }
  if (a instanceof Float64Array) return new Float64Array(n) as T;
  if (a instanceof Float32Array) return new Float32Array(n) as T;
  return new Array<number>(n).fill(0) as T;
}

/**
 * A new zero array of `a`'s length and kind: a Float64Array or Float32Array for one, a `number[]`
 * for any other array (a tuple, an `ArrayLike`): the gradient of a parameter whose type is a union
 * (`number[] | Float32Array`) has the kind of the argument passed.
 */
export function zerosLike(a: ArrayLike<number>): number[] | Float64Array | Float32Array {
  if (a instanceof Float64Array) return new Float64Array(a.length);
  if (a instanceof Float32Array) return new Float32Array(a.length);
  return new Array<number>(a.length).fill(0);
}

/** The numbers of a matrix (`number[][]`, rows of any lengths), row after row: what generated code computes with. */
export function flat(m: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  for (const row of m) for (let j = 0; j < row.length; j++) out.push(row[j]);
  return out;
}

/** Where each row of `m` starts in `flat(m)`, then where the last one ends (rows + 1 entries). */
export function starts(m: readonly (readonly number[])[]): number[] {
  const out = new Array<number>(m.length + 1);
  out[0] = 0;
  for (let i = 0; i < m.length; i++) out[i + 1] = out[i] + m[i].length;
  return out;
}

/** A new matrix with the rows of `like`'s lengths, read from `src` row after row (the gradient of a matrix). */
export function rowsLike(src: ArrayLike<number>, like: readonly (readonly number[])[]): number[][] {
  const out: number[][] = new Array<number[]>(like.length);
  let k = 0;
  for (let i = 0; i < like.length; i++) {
    const row = new Array<number>(like[i].length);
    for (let j = 0; j < row.length; j++) row[j] = src[k++];
    out[i] = row;
  }
  return out;
}

/** Copies `src` row after row into `out`'s matrix `dst`, whose rows have `like`'s lengths; returns dst. */
export function copyRows(dst: number[][], src: ArrayLike<number>, like: readonly (readonly number[])[], what: string): number[][] {
  if (dst === undefined || dst === null || typeof dst.length !== 'number') throw new TypeError(`ts-adc: ${what} must be an array of ${like.length} rows`);
  if (dst.length !== like.length) throw new RangeError(`ts-adc: ${what} has length ${dst.length}, expected ${like.length}`);
  let k = 0;
  for (let i = 0; i < like.length; i++) {
    const row = dst[i];
    if (row === undefined || row === null || typeof row.length !== 'number') throw new TypeError(`ts-adc: ${what}[${i}] must be an array of length ${like[i].length}`);
    if (row.length !== like[i].length) throw new RangeError(`ts-adc: ${what}[${i}] has length ${row.length}, expected ${like[i].length}`);
    for (let j = 0; j < row.length; j++) row[j] = src[k++];
  }
  return dst;
}
