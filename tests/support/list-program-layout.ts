/**
 * How the random programs with lists (list-programs.ts, layer-programs.ts) get their
 * arguments from a point: the counterpart of object-arguments.ts's `Layout`, with the
 * same interface (check-program.ts uses either), for parameters that are numbers,
 * numeric arrays (`x: number[]`), objects whose properties may be lists (arrays of
 * objects), numeric arrays and matrices, and read-only data fixed by the program
 * (`X: number[][]`, `widths: number[]`: passed as they are, never differentiated).
 *
 * A point is the vector of every number of the parameters, in declaration order,
 * depth first: an object's properties in declaration order, a matrix row after row,
 * an array element after element, a list element after element (each an object);
 * that is the order of a flattened gradient and of f_jacobian's columns. Data
 * properties of objects (strings, booleans, list elements' labels too) come from
 * `data(rand)`, in the same order. Tangents and gradients of an object are its
 * numeric skeleton: only its numbers, arrays, matrices, objects and lists (with
 * their elements' skeletons), as plain objects and plain arrays; `flatGrads` throws
 * where a gradient is not exactly that (keys, lengths, row lengths).
 */
import { isList, isMatrix, isShape, isVector, type Field, type ObjectShape, type Vector } from './object-programs';
import type { Data } from './object-arguments';

/** A parameter: a number (undefined), a numeric array, an object, or data fixed by the program. */
export type ParamShape = ObjectShape | Vector | { readonly fixed: unknown } | undefined;

type T = Field['t'];
const show = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
const isFixed = (s: ParamShape): s is { readonly fixed: unknown } => s !== undefined && !Array.isArray(s) && 'fixed' in s;
/** What a numeric skeleton keeps: numbers, arrays, matrices, objects and lists. */
const isNumeric = (t: T) => t === 'number' || isMatrix(t) || isVector(t) || isShape(t) || isList(t);

/** How many numbers a value of this type holds. */
function numbersOf(t: T): number {
  if (t === 'number') return 1;
  if (isMatrix(t)) return t.rows.reduce((a, b) => a + b, 0);
  if (isVector(t)) return t.elements;
  if (isShape(t)) return t.reduce((n, f) => n + numbersOf(f.t), 0);
  if (isList(t)) return t.list.reduce((n, e) => n + numbersOf(e), 0);
  return 0;
}

/** The kinds of the data properties in a value of this type, depth first. */
function dataOf(t: T): ('string' | 'boolean')[] {
  if (t === 'string' || t === 'boolean') return [t];
  if (isShape(t)) return t.flatMap((f) => dataOf(f.t));
  if (isList(t)) return t.list.flatMap((e) => dataOf(e));
  return [];
}

/** A parameter's type as a property type (a number, an array, an object; none for fixed data). */
const typeOf = (s: ParamShape): T | undefined => (isFixed(s) ? undefined : (s ?? 'number'));

export class TreeLayout {
  /** Numbers in a point. */
  readonly numbers: number;
  /** The indices in a point of the numbers of the differentiated parameters. */
  readonly wrtFlat: readonly number[];
  readonly hasObjects = true;

  constructor(
    readonly shapes: readonly ParamShape[],
    readonly wrt: readonly number[],
  ) {
    const counts = shapes.map((s) => (isFixed(s) ? 0 : numbersOf(typeOf(s)!)));
    const starts = counts.map((_, i) => counts.slice(0, i).reduce((a, b) => a + b, 0));
    this.numbers = counts.reduce((a, b) => a + b, 0);
    this.wrtFlat = wrt.flatMap((i) => Array.from({ length: counts[i] }, (_, j) => starts[i] + j));
  }

  /** Values of the data properties, drawn from `rand` (nothing drawn without data). */
  data(rand: () => number): Data[] {
    return this.shapes.flatMap((s) => (isFixed(s) ? [] : dataOf(typeOf(s)!))).map((t) => (t === 'boolean' ? rand() < 0.5 : rand() < 0.5 ? 'up' : 'down'));
  }

  /** Fresh arguments: numbers from `flat`, data from `data`, fixed data copied. */
  args(flat: readonly number[], data: readonly Data[]): unknown[] {
    let k = 0;
    let d = 0;
    const build = (t: T): unknown => {
      if (t === 'number') return flat[k++];
      if (t === 'string' || t === 'boolean') return data[d++];
      if (isMatrix(t)) return t.rows.map((n) => Array.from({ length: n }, () => flat[k++]));
      if (isVector(t)) return Array.from({ length: t.elements }, () => flat[k++]);
      if (isList(t)) return t.list.map(build);
      return Object.fromEntries(t.map((f) => [f.key, build(f.t)]));
    };
    return this.shapes.map((s) => (isFixed(s) ? structuredClone(s.fixed) : build(typeOf(s)!)));
  }

  /** The tangent arguments of the differentiated parameters (numbers, arrays, numeric skeletons) from a flat vector over their numbers. */
  tangents(flat: readonly number[]): unknown[] {
    let k = 0;
    const build = (t: T): unknown => {
      if (t === 'number') return flat[k++];
      if (isMatrix(t)) return t.rows.map((n) => Array.from({ length: n }, () => flat[k++]));
      if (isVector(t)) return Array.from({ length: t.elements }, () => flat[k++]);
      if (isList(t)) return t.list.map(build);
      return Object.fromEntries((t as ObjectShape).filter((f) => isNumeric(f.t)).map((f) => [f.key, build(f.t)]));
    };
    return this.wrt.map((i) => build(typeOf(this.shapes[i])!));
  }

  /** `grads` of the differentiated parameters, every number NaN (an `out` to be overwritten). */
  garbageGrads(): unknown[] {
    return this.tangents(new Array<number>(this.wrtFlat.length).fill(NaN));
  }

  /** The numbers of `grads` (one entry per differentiated parameter), in the order of a point; throws where it is not the skeleton. */
  flatGrads(grads: unknown): number[] {
    if (!Array.isArray(grads) || grads.length !== this.wrt.length) throw new Error(`grads is ${show(grads)}, expected ${this.wrt.length} entries`);
    const out: number[] = [];
    const numbersIn = (v: unknown, n: number, where: string) => {
      if (!Array.isArray(v) || v.length !== n) throw new Error(`${where} is ${show(v)}, expected a plain array of ${n} numbers`);
      v.forEach((x, j) => {
        if (typeof x !== 'number') throw new Error(`${where}[${j}] is ${show(x)}, expected a number`);
        out.push(x);
      });
    };
    const read = (v: unknown, t: T, where: string): void => {
      if (t === 'number') {
        if (typeof v !== 'number') throw new Error(`${where} is ${show(v)}, expected a number`);
        return void out.push(v);
      }
      if (isVector(t)) return numbersIn(v, t.elements, where);
      if (isMatrix(t)) {
        if (!Array.isArray(v) || v.length !== t.rows.length) throw new Error(`${where} is ${show(v)}, expected rows of lengths [${t.rows.join(', ')}]`);
        return v.forEach((row, i) => numbersIn(row, t.rows[i], `${where}[${i}]`));
      }
      if (isList(t)) {
        if (!Array.isArray(v) || v.length !== t.list.length) throw new Error(`${where} is ${show(v)}, expected a plain array of ${t.list.length} objects`);
        return v.forEach((e, i) => read(e, t.list[i], `${where}[${i}]`));
      }
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${where} is ${show(v)}, expected an object`);
      const fields = (t as ObjectShape).filter((f) => isNumeric(f.t));
      const keys = Object.keys(v);
      if (keys.length !== fields.length || fields.some((f) => !keys.includes(f.key)))
        throw new Error(`${where} has the properties {${keys.join(', ')}}, expected the numeric skeleton {${fields.map((f) => f.key).join(', ')}}`);
      for (const f of fields) read((v as Record<string, unknown>)[f.key], f.t, `${where}.${f.key}`);
    };
    this.wrt.forEach((i, j) => read(grads[j], typeOf(this.shapes[i])!, `grads[${j}]`));
    return out;
  }

  /** Where `args` (given to a call) no longer equal the arguments the point makes: a generated function modified one. */
  changed(args: readonly unknown[], flat: readonly number[], data: readonly Data[]): string | undefined {
    const expected = this.args(flat, data);
    const differ = (a: unknown, b: unknown, where: string): string | undefined => {
      if (a !== null && typeof a === 'object' && b !== null && typeof b === 'object') {
        if (Array.isArray(a) !== Array.isArray(b)) return `${where} was ${show(b)}, is now ${show(a)}`;
        for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
          const d = differ((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], Array.isArray(a) ? `${where}[${key}]` : `${where}.${key}`);
          if (d) return d;
        }
        return undefined;
      }
      return Object.is(a, b) ? undefined : `${where} was ${show(b)}, is now ${show(a)}`;
    };
    for (let i = 0; i < args.length; i++) {
      const d = differ(args[i], expected[i], `argument ${i}`);
      if (d) return d;
    }
    return undefined;
  }

  /** The arguments a point makes, as JSON. */
  show(flat: readonly number[], data: readonly Data[]): string {
    return this.args(flat, data).map(show).join(', ');
  }
}

/** Whether a parameter's type needs this layout rather than object-arguments.ts's (it holds a list or an array, or is one). */
export function needsTreeLayout(shapes: readonly ParamShape[]): boolean {
  const has = (t: T): boolean => isList(t) || isVector(t) || (isShape(t) && t.some((f) => has(f.t)));
  return shapes.some((s) => isFixed(s) || (s !== undefined && has(s)));
}
