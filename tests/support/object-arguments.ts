/**
 * Arguments of the random scalar programs with object parameters
 * (object-programs.ts), for check-program.ts. A point is a flat vector of the
 * numbers of every parameter (an object's in declaration order, depth first) and
 * the values of the objects' data properties (`on`, `tag`); `Layout` builds fresh
 * arguments from it (the program may write into its objects), tangents of the
 * differentiated parameters from a flat direction (an object's tangent is its
 * numeric skeleton: the same keys, numbers only), and reads gradients back into a
 * flat vector, checking that each has exactly the skeleton's keys. So finite
 * differences move each number of an object, and forward and reverse compare
 * number by number. A matrix property (`W: number[][]`, its row lengths fixed by
 * the type: object-programs.ts `Matrix`) holds its numbers row after row in place
 * of the property, in the point, in a tangent (plain rows of the same lengths) and
 * in a flattened gradient, which must have exactly those row lengths. Without
 * objects, a point's vector is the arguments themselves.
 */
import { isMatrix, isShape as isObject, type Matrix, type ObjectShape } from './object-programs';

export type Shapes = readonly (ObjectShape | undefined)[];
export type Data = string | boolean;

const isNumber = (t: ObjectShape[number]['t']) => t === 'number';
/** Numbers, matrices and objects: what a numeric skeleton keeps. */
const isNumeric = (t: ObjectShape[number]['t']) => isNumber(t) || isMatrix(t) || isObject(t);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const show = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));

/** How many numbers a parameter of this type holds (a number parameter: one). */
export function numbersIn(shape: ObjectShape | undefined): number {
  if (!shape) return 1;
  return shape.reduce((n, f) => n + (isNumber(f.t) ? 1 : isMatrix(f.t) ? sum(f.t.rows) : isObject(f.t) ? numbersIn(f.t) : 0), 0);
}

/** The kinds of the data properties of an object type, depth first. */
function dataIn(shape: ObjectShape | undefined): ('string' | 'boolean')[] {
  if (!shape) return [];
  return shape.flatMap((f) => (f.t === 'string' || f.t === 'boolean' ? [f.t] : isObject(f.t) ? dataIn(f.t) : []));
}

export class Layout {
  /** Numbers in a point. */
  readonly numbers: number;
  /** The indices in a point of the numbers of the differentiated parameters. */
  readonly wrtFlat: readonly number[];
  readonly hasObjects: boolean;

  constructor(
    readonly shapes: Shapes,
    readonly wrt: readonly number[],
  ) {
    this.numbers = shapes.reduce((n, s) => n + numbersIn(s), 0);
    const starts: number[] = [];
    shapes.reduce((k, s) => (starts.push(k), k + numbersIn(s)), 0);
    this.wrtFlat = wrt.flatMap((i) => Array.from({ length: numbersIn(shapes[i]) }, (_, j) => starts[i] + j));
    this.hasObjects = shapes.some((s) => s !== undefined);
  }

  /** Values of the data properties, drawn from `rand` (nothing drawn without data). */
  data(rand: () => number): Data[] {
    return this.shapes.flatMap(dataIn).map((t) => (t === 'boolean' ? rand() < 0.5 : rand() < 0.5 ? 'up' : 'down'));
  }

  /** Fresh arguments: numbers from `flat`, data from `data`. */
  args(flat: readonly number[], data: readonly Data[]): unknown[] {
    let k = 0;
    let d = 0;
    const rows = (m: Matrix) => m.rows.map((n) => Array.from({ length: n }, () => flat[k++]));
    const build = (shape: ObjectShape): Record<string, unknown> =>
      Object.fromEntries(shape.map((f) => [f.key, isNumber(f.t) ? flat[k++] : isMatrix(f.t) ? rows(f.t) : isObject(f.t) ? build(f.t) : data[d++]]));
    return this.shapes.map((s) => (s ? build(s) : flat[k++]));
  }

  /** The tangent arguments of the differentiated parameters (numbers, numeric skeletons) from a flat vector over their numbers. */
  tangents(flat: readonly number[]): unknown[] {
    let k = 0;
    const rows = (m: Matrix) => m.rows.map((n) => Array.from({ length: n }, () => flat[k++]));
    const build = (shape: ObjectShape): Record<string, unknown> =>
      Object.fromEntries(shape.filter((f) => isNumeric(f.t)).map((f) => [f.key, isObject(f.t) ? build(f.t) : isMatrix(f.t) ? rows(f.t) : flat[k++]]));
    return this.wrt.map((i) => {
      const s = this.shapes[i];
      return s ? build(s) : flat[k++];
    });
  }

  /** `grads` of the differentiated parameters, every number NaN (an `out` to be overwritten). */
  garbageGrads(): unknown[] {
    return this.tangents(new Array<number>(this.wrtFlat.length).fill(NaN));
  }

  /** The numbers of `grads` (one entry per differentiated parameter), in the order of a point; throws where it is not the skeleton. */
  flatGrads(grads: unknown): number[] {
    if (!Array.isArray(grads) || grads.length !== this.wrt.length) throw new Error(`grads is ${show(grads)}, expected ${this.wrt.length} entries`);
    const out: number[] = [];
    // A matrix: plain rows of exactly its row lengths, row after row.
    const readRows = (v: unknown, m: Matrix, where: string): void => {
      const fits = Array.isArray(v) && v.length === m.rows.length && v.every((row, i) => Array.isArray(row) && row.length === m.rows[i]);
      if (!fits) throw new Error(`${where} is ${show(v)}, expected rows of lengths [${m.rows.join(', ')}]`);
      (v as unknown[][]).forEach((row, i) =>
        row.forEach((x, j) => {
          if (typeof x !== 'number') throw new Error(`${where}[${i}][${j}] is ${show(x)}, expected a number`);
          out.push(x);
        }),
      );
    };
    const read = (v: unknown, shape: ObjectShape | undefined, where: string): void => {
      if (!shape) {
        if (typeof v !== 'number') throw new Error(`${where} is ${show(v)}, expected a number`);
        out.push(v);
        return;
      }
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${where} is ${show(v)}, expected an object`);
      const fields = shape.filter((f) => isNumeric(f.t));
      const keys = Object.keys(v);
      if (keys.length !== fields.length || fields.some((f) => !keys.includes(f.key)))
        throw new Error(`${where} has the properties {${keys.join(', ')}}, expected the numeric skeleton {${fields.map((f) => f.key).join(', ')}}`);
      for (const f of fields) {
        const value = (v as Record<string, unknown>)[f.key];
        if (isMatrix(f.t)) readRows(value, f.t, `${where}.${f.key}`);
        else read(value, isObject(f.t) ? f.t : undefined, `${where}.${f.key}`);
      }
    };
    this.wrt.forEach((i, j) => read(grads[j], this.shapes[i], `grads[${j}]`));
    return out;
  }

  /** Where `args` (given to a call) no longer equal the arguments the point makes: a generated function modified one. */
  changed(args: readonly unknown[], flat: readonly number[], data: readonly Data[]): string | undefined {
    const expected = this.args(flat, data);
    const differ = (a: unknown, b: unknown, where: string): string | undefined => {
      if (a !== null && typeof a === 'object' && b !== null && typeof b === 'object') {
        for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
          const d = differ((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${where}.${key}`);
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
