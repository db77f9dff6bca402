/**
 * `ts-adc/runtime`: everything generated code may import at run time, and
 * nothing more. No dependencies.
 */
import { Tape as TapeClass } from './tape';
import { Checkpoints as CheckpointsClass } from './checkpoints';

/*
 * The classes as constants, not re-exports (`export { Tape }`): compiled to CommonJS, a
 * re-export is a getter, and turning the exports' `Tape` into one makes the exports object a
 * slow dictionary (V8), which generated code reads on every call of a pushforward (`adc.ret[0]`):
 * LSTM's f_jvp took 1.7× its primal that way instead of 1.24×.
 */
export const Tape = TapeClass;
export type Tape = TapeClass;
export const Checkpoints = CheckpointsClass;
export type Checkpoints = CheckpointsClass;

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
  clear(a);
  return a;
}

/**
 * Sets every element of `a` to 0. Short arrays by a loop per kind: `fill` is a call into the
 * engine that costs more than zeroing a few dozen numbers, and each loop then sees one kind of
 * array wherever it is called from, so V8 keeps its element accesses fast.
 */
function clear(a: NumArray): void {
  const n = a.length;
  if (n > 64) a.fill(0);
  else if (a instanceof Float64Array) for (let i = 0; i < n; i++) a[i] = 0;
  else if (Array.isArray(a)) for (let i = 0; i < n; i++) a[i] = 0;
  else for (let i = 0; i < n; i++) a[i] = 0;
}

/** Copies `src` into `out`'s array `dst` of the same length; returns dst. */
export function copyInto<T extends NumArray>(dst: T, src: ArrayLike<number>, what: string): T {
  if (dst === undefined || dst === null || typeof dst.length !== 'number') throw new TypeError(`ts-adc: ${what} must be an array of length ${src.length}`);
  if (dst.length !== src.length) throw new RangeError(`ts-adc: ${what} has length ${dst.length}, expected ${src.length}`);
  // (a loop per pair of kinds, as in `clear`: the two usual ones, then any other)
  const n = src.length;
  if (Array.isArray(dst) && Array.isArray(src)) for (let i = 0; i < n; i++) dst[i] = src[i];
  else if (dst instanceof Float64Array && src instanceof Float64Array) for (let i = 0; i < n; i++) dst[i] = src[i];
  else for (let i = 0; i < n; i++) dst[i] = src[i];
  return dst;
}

/** Σ a[i]: the adjoint of a value broadcast to every element (`fill`, `new Array(n).fill(v)`). */
export function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

/**
 * A new `number[]` of n zeros. Short ones by a loop: `new Array(n).fill(0)` calls into the
 * engine, which costs more than the adjoint code around it (a 3-vector's adjoint in a pullback).
 */
export function zeros(n: number): number[] {
  if (n > 64) return new Array<number>(n).fill(0);
  const a = new Array<number>(n);
  for (let i = 0; i < n; i++) a[i] = 0;
  return a;
}

/** `a` zeroed if it has length n, else a new zero array of the same kind: the adjoint of the next array a loop variable names. */
export function zeroedLike<T extends NumArray>(a: T, n: number): T {
  if (a.length === n) {
    clear(a);
    return a;
  }
  if (a instanceof Float64Array) return new Float64Array(n) as T;
  if (a instanceof Float32Array) return new Float32Array(n) as T;
  return zeros(n) as T;
}

/**
 * A new zero array of `a`'s length and kind: a Float64Array or Float32Array for one, a `number[]`
 * for any other array (a tuple, an `ArrayLike`): the gradient of a parameter whose type is a union
 * (`number[] | Float32Array`) has the kind of the argument passed.
 */
export function zerosLike(a: ArrayLike<number>): number[] | Float64Array | Float32Array {
  if (a instanceof Float64Array) return new Float64Array(a.length);
  if (a instanceof Float32Array) return new Float32Array(a.length);
  return zeros(a.length);
}

/**
 * Arrays the public functions over matrices and arrays of objects reuse from one call to the next,
 * by slot (`'loss:model.W'`: the function and the argument's part): an argument taken apart, a
 * gradient before it is copied into `out`. A training loop calling `loss_grad(model, x, y, out)`
 * then allocates nothing per call once the sizes settle. Each is filled before it is read and is
 * not held after the call returns (generated code never calls a public function from inside one).
 */
const reused = new Map<string, unknown[]>();

/**
 * The array of `slot` with length `n` (a new one where there is no slot, or its length changes),
 * made by pushing `initial`, so that V8 keeps its elements packed (numbers unboxed).
 */
function reuse<T>(slot: string | undefined, n: number, initial: T): T[] {
  let a = slot === undefined ? undefined : (reused.get(slot) as T[] | undefined);
  if (a === undefined || a.length !== n) {
    a = [];
    for (let i = 0; i < n; i++) a.push(initial);
    if (slot !== undefined) reused.set(slot, a);
  }
  return a;
}

/** A zero `number[]` of length `n`, reused at `slot` (the gradient of a matrix or a column before it is copied into `out`). */
export function scratch(slot: string, n: number): number[] {
  return reuse(slot, n, 0).fill(0);
}

/** The numbers of a matrix (`number[][]`, rows of any lengths), row after row: what generated code computes with (reused at `slot`, when given). */
export function flat(m: readonly (readonly number[])[], slot?: string): number[] {
  let n = 0;
  for (let i = 0; i < m.length; i++) n += m[i].length;
  const out = reuse(slot, n, 0);
  let k = 0;
  for (let i = 0; i < m.length; i++) {
    const row = m[i];
    for (let j = 0; j < row.length; j++) out[k++] = row[j];
  }
  return out;
}

/** Where each row of `m` starts in `flat(m)`, then where the last one ends (rows + 1 entries; reused at `slot`, when given). */
export function starts(m: readonly { readonly length: number }[], slot?: string): number[] {
  const out = reuse(slot, m.length + 1, 0);
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

/** The rows of a matrix held as its numbers row after row, `data`, and where each row starts, `starts` (rows + 1 entries): a matrix result. */
export function split(data: ArrayLike<number>, starts: ArrayLike<number>): number[][] {
  const out = new Array<number[]>(starts.length - 1);
  for (let i = 0; i + 1 < starts.length; i++) out[i] = Array.prototype.slice.call(data, starts[i], starts[i + 1]) as number[];
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

/** Property `key` of every object of `list`, in order: one column of an array of objects, as generated code holds it (reused at `slot`, when given). */
export function column<T, K extends keyof T>(list: readonly T[], key: K, slot?: string): T[K][] {
  const out = reuse<unknown>(slot, list.length, 0) as T[K][];
  for (let i = 0; i < list.length; i++) out[i] = list[i][key];
  return out;
}

/** The rows of every matrix of `groups`, one matrix after the other (the matrices of a list's objects; reused at `slot`, when given). */
export function rows(groups: readonly (readonly (readonly number[])[])[], slot?: string): (readonly number[])[] {
  let n = 0;
  for (let i = 0; i < groups.length; i++) n += groups[i].length;
  const out = reuse<unknown>(slot, n, 0) as (readonly number[])[];
  let k = 0;
  for (const g of groups) for (let i = 0; i < g.length; i++) out[k++] = g[i];
  return out;
}

/** New matrices with the rows of `like`'s matrices, read from `src` row after row (the gradient of the matrices of a list's objects). */
export function groupsLike(src: ArrayLike<number>, like: readonly (readonly (readonly number[])[])[]): number[][][] {
  const all = rowsLike(src, rows(like));
  let r = 0;
  return like.map((g) => all.slice(r, (r += g.length)));
}

/** Columns of an array of objects: per property, its values across the objects, or the columns of an object property. */
export interface Columns {
  readonly [key: string]: ArrayLike<number> | Columns;
}

/**
 * Writes the columns into the objects of `dst`, in place (`dst[i].x = columns.x[i]`, nested objects
 * likewise): the gradient of an array of objects copied into `out`, allocating nothing. Returns dst.
 */
export function copyColumns<T>(dst: T[], columns: Columns, what: string): T[] {
  const n = columnLength(columns);
  if (dst === undefined || dst === null || typeof dst.length !== 'number') throw new TypeError(`ts-adc: ${what} must be an array of length ${n}`);
  if (dst.length !== n) throw new RangeError(`ts-adc: ${what} has length ${dst.length}, expected ${n}`);
  for (let i = 0; i < n; i++) fillObject(dst[i], columns, i, `${what}[${i}]`);
  return dst;
}

function columnLength(columns: Columns): number {
  for (const k in columns) {
    const c = columns[k];
    return typeof c.length === 'number' ? (c.length as number) : columnLength(c as Columns);
  }
  return 0;
}

function fillObject(o: unknown, columns: Columns, i: number, what: string): void {
  if (o === undefined || o === null || typeof o !== 'object') throw new TypeError(`ts-adc: ${what} must be an object`);
  const target = o as Record<string, unknown>;
  for (const k in columns) {
    const c = columns[k];
    if (typeof c.length === 'number') target[k] = (c as ArrayLike<number>)[i];
    else fillObject(target[k], c as Columns, i, `${what}.${k}`);
  }
}

/**
 * A new array of objects from columns of one length: object `i` has each key of `columns`, in its
 * order, with the column's `i`-th value (the gradient of an array of objects). Objects made this
 * way share one shape, which keeps property reads on them fast.
 */
export function zip(columns: Readonly<Record<string, ArrayLike<unknown>>>): Record<string, unknown>[] {
  const keys = Object.keys(columns);
  const n = keys.length === 0 ? 0 : columns[keys[0]].length;
  const out = new Array<Record<string, unknown>>(n);
  for (let i = 0; i < n; i++) {
    const o: Record<string, unknown> = {};
    for (const k of keys) o[k] = columns[k][i];
    out[i] = o;
  }
  return out;
}

/**
 * Copies the numbers of `src` into `dst`, a value of the same shape in `out` (arrays and objects
 * written in place, never replaced), and returns `dst`. `what` names it in errors (`out.grads[0]`).
 */
export function copyTree<T>(dst: T, src: T, what: string): T {
  const d = dst as unknown as Record<string, unknown> & { length?: number };
  const s = src as unknown as Record<string, unknown> & { length: number };
  if (d === undefined || d === null || typeof d !== 'object') throw new TypeError(`ts-adc: ${what} must be ${Array.isArray(src) ? `an array of length ${s.length}` : 'an object'}`);
  if (Array.isArray(src) || ArrayBuffer.isView(src)) {
    if (d.length !== s.length) throw new RangeError(`ts-adc: ${what} has length ${d.length}, expected ${s.length}`);
    for (let i = 0; i < s.length; i++) {
      if (typeof s[i] === 'number') d[i] = s[i];
      else copyTree(d[i], s[i], `${what}[${i}]`);
    }
    return dst;
  }
  for (const k of Object.keys(s)) {
    if (typeof s[k] === 'number') d[k] = s[k];
    else copyTree(d[k], s[k], `${what}.${k}`);
  }
  return dst;
}

/**
 * `value` with each of its numbers replaced by its place among them, counted from `from`, depth
 * first (arrays element by element, objects property by property): where generated code finds the
 * Jacobian column of each number.
 */
export function numbered<T>(value: T, from: { next: number }): T {
  if (typeof value === 'number') return from.next++ as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return Array.from(value as ArrayLike<unknown>, (v) => numbered(v, from)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = numbered(v, from);
  return out as T;
}

/**
 * `items` held property by property (`columns` runs of one length: every object's first property,
 * then every object's second, …) put object by object: the rows of a Jacobian whose result is an
 * array of objects.
 */
export function objectMajor<T>(items: readonly T[], columns: number): T[] {
  const n = items.length / columns;
  const out = new Array<T>(items.length);
  for (let i = 0; i < n; i++) for (let k = 0; k < columns; k++) out[i * columns + k] = items[k * n + i];
  return out;
}

/**
 * The Jacobian `J` (one row per output) with its columns reordered: column `k` goes to the place
 * `at[k]` holds among all of them (`at` the concatenation of the numbering's columns, see `numbered`).
 */
export function reorderColumns(J: Float64Array[], at: readonly ArrayLike<number>[]): Float64Array[] {
  const places: number[] = [];
  for (const part of at) for (let i = 0; i < part.length; i++) places.push(part[i]);
  const rank = places.map((p, k) => [p, k]).sort((a, b) => a[0] - b[0]);
  const to = new Array<number>(places.length);
  rank.forEach(([, k], r) => (to[k] = r));
  return J.map((row) => {
    const out = new Float64Array(row.length);
    for (let k = 0; k < row.length; k++) out[to[k]] = row[k];
    return out;
  });
}

/** The most numbers `reusedZeros` keeps for one slot. */
const REUSED_MAX = 4096;

/** The arrays of `reusedZeros`, by slot. */
const seedArrays = new Map<string, (number[] | Float64Array | Float32Array)[]>();

/**
 * `k` zero arrays of `like`'s kind and length, reused at `slot` from one call to the next
 * (allocating a small typed array costs more than a sweep over it): one parameter's tangents in
 * the `k` directions of a vector forward sweep, or a gradient `f_jacobian` reads right away. They
 * are zero when returned; slots of more than REUSED_MAX numbers are made afresh each call (not kept).
 */
export function reusedZeros(slot: string, like: ArrayLike<number>, k: number): (number[] | Float64Array | Float32Array)[] {
  // (large arrays are not kept: reuse pays for small ones, and a kept large one would hold its memory after the call)
  if (like.length * k > REUSED_MAX) return freshZeros(like, k);
  let out = seedArrays.get(slot);
  if (out === undefined || out.length !== k || !sameKind(out[0], like)) {
    out = freshZeros(like, k);
    seedArrays.set(slot, out);
    return out;
  }
  for (let j = 0; j < k; j++) clear(out[j]);
  return out;
}

function freshZeros(like: ArrayLike<number>, k: number): (number[] | Float64Array | Float32Array)[] {
  const out: (number[] | Float64Array | Float32Array)[] = [];
  for (let j = 0; j < k; j++) out.push(zerosLike(like));
  return out;
}

/** Whether `a` has `like`'s length and kind (`zerosLike` would make another like it). */
function sameKind(a: NumArray, like: ArrayLike<number>): boolean {
  if (a.length !== like.length) return false;
  if (like instanceof Float64Array) return a instanceof Float64Array;
  if (like instanceof Float32Array) return a instanceof Float32Array;
  return Array.isArray(a);
}

/** Sets element `first + j` of `seeds[j]` to `value`, for each direction j where that index is inside the array (direction j is column first + j). */
export function unitColumns(seeds: readonly (number[] | Float64Array | Float32Array)[], first: number, value: number): void {
  for (let j = 0; j < seeds.length; j++) {
    const i = first + j;
    if (i >= 0 && i < seeds[j].length) seeds[j][i] = value;
  }
}

/** Columns `first`, …, `first + k - 1` of `rows` from the tangents of a vector sweep's `k` directions, left in `retArrays[0…k-1]` (columns past the last are not there). */
export function lanesToColumns(rows: readonly Float64Array[], first: number, k: number): void {
  for (let j = 0; j < k; j++) {
    const tangent = retArrays[j] as ArrayLike<number>;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      if (first + j < row.length) row[first + j] = tangent[r];
    }
  }
}

/** The rows of an `m` × `n` Jacobian: `out`'s, checked (they are overwritten, never accumulated into), or new ones when `out` is undefined. */
export function jacobianRows(out: Float64Array[] | undefined, m: number, n: number): Float64Array[] {
  if (out === undefined) {
    const rows: Float64Array[] = [];
    for (let i = 0; i < m; i++) rows.push(new Float64Array(n));
    return rows;
  }
  if (!Array.isArray(out)) throw new TypeError(`ts-adc: out must be an array of ${m} Float64Array rows`);
  if (out.length !== m) throw new RangeError(`ts-adc: out has ${out.length} rows, expected ${m}`);
  for (let i = 0; i < m; i++) {
    const row = out[i];
    if (!(row instanceof Float64Array)) throw new TypeError(`ts-adc: out[${i}] must be a Float64Array of length ${n}`);
    if (row.length !== n) throw new RangeError(`ts-adc: out[${i}] has length ${row.length}, expected ${n}`);
  }
  return out;
}

/** `dst[at + k] = src[k]` for every k: a gradient into its place in a Jacobian row (a loop: `set` is a call into the engine, slower for a few numbers). */
export function copyAt(dst: Float64Array, src: ArrayLike<number>, at: number): void {
  for (let k = 0; k < src.length; k++) dst[at + k] = src[k];
}
