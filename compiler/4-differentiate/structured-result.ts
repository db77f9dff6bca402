/**
 * The result of a function whose value is an object (`{ pos: Vec2; energy: number }`) or an array
 * of objects (`Point[]`) in its public API: the flat function returns one `number[]` (its numbers
 * and its arrays' elements in declaration order, depth first, then each array's length: see
 * 2-lower/results.ts), and the public functions read the value and its tangent out of it, write
 * them into `out`, pack a cotangent into it, and order the Jacobian's rows.
 *
 * An array of objects is held as one array per property of its objects (each across all of them):
 * read out, its objects are zipped from those columns (`adc.zip`); a cotangent given as objects is
 * taken apart by column (`adc.column`); the Jacobian's rows, property by property in the flat
 * function, are put object by object (`adc.objectMajor`).
 */
import { type IRFunction, type ResultLeaf, type Shape, type Structure } from '../ir/types';
import type { FileContext, RuntimeHelper } from './context';
import { b, type JsExpr, type JsStmt } from '../5-print/js';
import { jsType } from './arrays';

/** What the result's code needs of the public API being generated. */
interface ResultApi {
  readonly fn: IRFunction;
  readonly structure: Structure;
  readonly ctx: FileContext;
}

/** A call of the runtime's function `name` (`adc.flat(p.W)`). */
export function runtime(api: Pick<ResultApi, 'ctx'>, name: RuntimeHelper, ...args: JsExpr[]): JsExpr {
  return b.call(b.path(api.ctx.useHelper(name)), args);
}

/** `base.k1.k2…`. */
export const at = (base: JsExpr, path: readonly string[]): JsExpr => path.reduce((e, k) => b.member(e, k), base);

/** A string literal. */
export const str = (v: string): JsExpr => ({ k: 'str', v });

export function resultText(api: ResultApi): string {
  return api.structure.result?.text ?? jsType(api.fn.returnType, 'result');
}

/** The type of a tangent or cotangent of the result (of an array of objects: objects of its numbers). */
export function resultDerivative(api: ResultApi): string {
  const r = api.structure.result;
  if (!r) return jsType(api.fn.returnType, 'tangent');
  const text = (s: Shape<ResultLeaf>, inList: boolean): string => {
    if ('leaf' in s) return 'number' in s.leaf || inList ? 'number' : jsType(s.leaf.type, 'adjoint');
    if (s.matrix) return 'number[][]';
    const object = `{ ${s.object.map(([k, f]) => `${k}: ${text(f, inList || s.list === true)}`).join('; ')} }`;
    return s.list && !inList ? `${object}[]` : object;
  };
  return text(r.shape, false);
}

/** The leaves of an object result in order, each with the path to it. */
function resultLeaves(shape: Shape<ResultLeaf>, path: readonly string[] = []): { readonly leaf: ResultLeaf; readonly path: readonly string[] }[] {
  if ('leaf' in shape) return [{ leaf: shape.leaf, path }];
  return shape.object.flatMap(([k, s]) => resultLeaves(s, [...path, k]));
}

/**
 * Whether the flat Jacobian's rows are put in another order (`resultRows`): the result holds an array
 * of objects or a matrix, whose places the public Jacobian reads out of the flat value (the flat
 * Jacobian gives it too).
 */
export function reordersRows(structure: Structure): boolean {
  const inside = (s: Shape<ResultLeaf>): boolean => !('leaf' in s) && (s.list === true || s.matrix === true || s.object.some(([, f]) => inside(f)));
  return structure.result !== undefined && inside(structure.result.shape);
}

/** How many arrays the result holds (the flat value's and the flat Jacobian's last entries are their lengths, not outputs). */
export function resultArrays(structure: Structure): number {
  return structure.result === undefined ? 0 : resultLeaves(structure.result.shape).filter((l) => 'array' in l.leaf).length;
}

/** Whether the result holds an array of objects or a matrix (read out by the runtime: typed by a cast). */
function holdsRows(shape: Shape<ResultLeaf>): boolean {
  return !('leaf' in shape) && (shape.list === true || shape.matrix === true || shape.object.some(([, f]) => holdsRows(f)));
}

/** Where a leaf is in the flat result: a number's index, an array's start and end. */
type Place = { readonly start: JsExpr; readonly end?: JsExpr };

/**
 * How to read an object result out of the flat result array: where each leaf is (a number's index,
 * an array's start and end), after the declarations of the arrays' lengths (the last entries of `value`).
 */
export function resultLayout(api: ResultApi, value: JsExpr, fresh: (name: string) => string): { readonly decls: JsStmt[]; readonly places: Place[] } {
  const leaves = resultLeaves(api.structure.result!.shape);
  const arrays = leaves.filter((l) => 'array' in l.leaf);
  const decls: JsStmt[] = [];
  const lengths = arrays.map((l, k) => {
    const name = fresh(`${l.path.join('_')}_length`);
    const tail = b.bin('-', b.member(value, 'length'), b.num(arrays.length - k));
    decls.push(b.const(name, b.index(value, tail)));
    return b.id(name);
  });
  let offset: JsExpr = b.num(0);
  let k = 0;
  const places = leaves.map((l) => {
    const start = offset;
    if ('number' in l.leaf) {
      offset = b.add(offset, b.num(1));
      return { start };
    }
    offset = b.add(offset, lengths[k++]);
    return { start, end: offset };
  });
  return { decls, places };
}

/**
 * Reads parts of the result out of `from`, leaf after leaf in `places`' order (an array of objects
 * zipped from its columns, a matrix's rows cut where `value`, the result itself, says they start).
 */
function reader(api: ResultApi, from: JsExpr, places: readonly Place[], value = from) {
  let i = 0;
  const slice = (p: Place, of = from) => b.call(b.member(of, 'slice'), [p.start, p.end!]);
  const read = (s: Shape<ResultLeaf>): JsExpr => {
    if (!('leaf' in s) && s.matrix) {
      const data = slice(places[i++]);
      return runtime(api, 'split', data, slice(places[i++], value));
    }
    if (!('leaf' in s)) {
      const object = b.obj(s.object.map(([k, f]) => [k, read(f)] as const));
      return s.list ? runtime(api, 'zip', object) : object;
    }
    const p = places[i++];
    if ('number' in s.leaf) return b.index(from, p.start);
    return s.leaf.type === 'Float64Array' || s.leaf.type === 'Float32Array' ? b.newObj(s.leaf.type, [slice(p)]) : slice(p);
  };
  /** The next array leaf's elements as they are in `from` (a copy). */
  const elements = (): JsExpr => slice(places[i++]);
  return { read, elements };
}

/** An object result (or its tangent, `type`) read out of the flat array `from`. */
export function resultObject(api: ResultApi, from: JsExpr, places: readonly Place[], type: string, of = from): JsExpr {
  const shape = api.structure.result!.shape;
  const value = reader(api, from, places, of).read(shape);
  // (objects zipped by the runtime are typed as records: they have the result's type)
  return holdsRows(shape) ? b.as(value, type) : value;
}

/** Writes an object result (or its tangent) read out of `from` into `target` (`out.value`): numbers assigned, arrays copied in place, arrays of objects too. */
export function fillResult(api: ResultApi, from: JsExpr, target: JsExpr, what: string, places: readonly Place[], of = from): JsStmt[] {
  const { read, elements } = reader(api, from, places, of);
  const fill = (s: Shape<ResultLeaf>, path: readonly string[]): JsStmt[] => {
    const dst = at(target, path);
    const named = str([what, ...path].join('.'));
    if ('leaf' in s) return 'number' in s.leaf ? [b.assign(dst, read(s))] : [b.expr(runtime(api, 'copyInto', dst, elements(), named))];
    if (s.list || s.matrix) return [b.expr(runtime(api, 'copyTree', dst, read(s), named))];
    return s.object.flatMap(([k, f]) => fill(f, [...path, k]));
  };
  return fill(api.structure.result!.shape, []);
}

/** The flat cotangent of an object result: its numbers and arrays' elements in order (an array of objects' by column), then a zero per array (the lengths). */
export function packedCotangent(api: ResultApi, cot: JsExpr): JsExpr {
  const parts: JsExpr[] = [];
  let run: JsExpr[] = [];
  // (a column of an array of objects is a new array already)
  const walk = (s: Shape<ResultLeaf>, e: JsExpr, column: boolean): void => {
    if (!('leaf' in s) && s.matrix) {
      // (a matrix: its numbers row after row, and zeros where its row starts are, which are not outputs)
      parts.push(b.arr(run), runtime(api, 'flat', e), b.call(b.member(runtime(api, 'starts', e), 'fill'), [b.num(0)]));
      run = [];
      return;
    }
    if (!('leaf' in s)) return s.object.forEach(([k, f]) => walk(f, s.list ? runtime(api, 'column', e, str(k)) : b.member(e, k), s.list === true));
    if ('number' in s.leaf) return void run.push(e);
    parts.push(b.arr(run));
    run = [];
    parts.push(column ? e : b.call(b.path('Array.from'), [e]));
  };
  walk(api.structure.result!.shape, cot, false);
  const arrays = resultLeaves(api.structure.result!.shape).filter((l) => 'array' in l.leaf).length;
  run.push(...Array.from({ length: arrays }, () => b.num(0)));
  if (parts.length === 0) return b.arr(run);
  parts.push(b.arr(run));
  return concat(parts.filter((p) => p.k !== 'arr' || p.elems.length > 0));
}

/**
 * The flat Jacobian's `rows` in the order of the result's numbers (`places`: where each leaf is in the
 * flat result): an object result's numbers and arrays in declaration order, an array of objects'
 * rows object by object (the flat function has them property by property); the rows of the arrays'
 * lengths, at the end of the flat result, are not outputs and are left out.
 */
export function resultRows(api: ResultApi, rows: JsExpr, places: readonly Place[]): JsExpr {
  let i = 0;
  let run: JsExpr[] = [];
  const parts: JsExpr[] = [];
  const flush = (into: JsExpr[]) => {
    if (run.length > 0) into.push(b.arr(run));
    run = [];
  };
  const walk = (s: Shape<ResultLeaf>, into: JsExpr[], inList: boolean): void => {
    if ('leaf' in s) {
      const p = places[i++];
      if ('number' in s.leaf) return void run.push(b.index(rows, p.start));
      flush(into);
      return void into.push(b.call(b.member(rows, 'slice'), [p.start, p.end!]));
    }
    if (s.matrix) {
      // (a matrix's numbers, row after row; where its rows start are not outputs)
      walk(s.object[0][1], into, inList);
      i++;
      return;
    }
    if (!s.list || inList) return s.object.forEach(([, f]) => walk(f, into, inList));
    // (an array of objects: the rows of its columns, its objects' nested ones included, put object by object)
    flush(into);
    const columns: JsExpr[] = [];
    s.object.forEach(([, f]) => walk(f, columns, true));
    into.push(runtime(api, 'objectMajor', concat(columns), b.num(columns.length)));
  };
  walk(api.structure.result!.shape, parts, false);
  flush(parts);
  return concat(parts);
}

/** `a.concat(b, c)` of arrays (`a` alone when there is one). */
function concat(parts: readonly JsExpr[]): JsExpr {
  const [first, ...rest] = parts;
  return rest.length === 0 ? first : b.call(b.member(first, 'concat'), rest);
}
