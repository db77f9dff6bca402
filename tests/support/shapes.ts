/**
 * Declared types of marked functions' parameters and results (as signatures.ts reads them), and
 * the values they describe.
 *
 * Guarantees: a `ParamType` is numeric (a number, an array kind, a union of array kinds, a matrix:
 * a `number[][]` property of an object), an object (its properties in declaration order), a list
 * (an array of objects an object holds, differentiated element by element) or data (anything else,
 * never differentiated); `differentiable(t)` says whether a value of type t has a
 * differentiated leaf (a number, numeric array or matrix; an optional number of a differentiable
 * object is one too, signatures.ts makes any other optional property data); `skeleton(t, v)` is
 * the value's numeric skeleton, the shape of its tangent, gradient or cotangent (DESIGN.md: only
 * the differentiable keys, an optional number always, 0 where `v` leaves it out; a typed array
 * keeps its kind, any other array is a plain array; for a union, the kind of `v`; a matrix is
 * plain rows of `v`'s row lengths; a list a plain array of its elements' skeletons, as many as
 * `v` has), with its keys in declaration order, so that flattening a
 * skeleton (numeric.ts `flattenTree`) gives the contract's order: depth first, each object's
 * properties in declaration order, a matrix row after row, a list element after element. `valueShape` is the same for a value,
 * where an optional number `v` leaves out stays out (`undefined`); `absentLeaves` marks, in that
 * flattened order, the leaves `v` leaves out, and `withoutAbsent` drops them from a tangent.
 * `expectShape` compares a result with a skeleton or a value shape: kinds, lengths (a matrix's
 * rows too), exactly the same keys (a key the shape has as `undefined` must be missing or
 * undefined).
 */
import type { Tree } from './numeric';

/**
 * The numeric types the generated API supports (DESIGN.md). A union of array types whose kind is
 * known only at run time (`number[] | Float32Array`, `ArrayLike<number>`) is `union:` and the run-time
 * kinds it allows (`union:Array|Float32Array`).
 */
export type NumericType = 'number' | 'number[]' | 'readonly number[]' | 'Float64Array' | 'Float32Array' | UnionType | MatrixType;
export type UnionType = `union:${string}`;

/**
 * A matrix: a `number[][]` (or `readonly number[][]`, `(readonly number[])[]`…) property of an object,
 * plain rows of any lengths (ragged allowed); its derivative is plain rows of the same lengths. A
 * parameter of such a type is read-only data (signatures.ts).
 */
export type MatrixType = 'number[][]' | 'readonly number[][]';

/** Read-only data: `data` is the declared type's text; `choices` the values it allows when they are few (a boolean, a union of literals). */
export interface DataType {
  readonly data: string;
  readonly choices?: readonly unknown[];
}

export interface Property {
  readonly name: string;
  /** An optional property is data, unless it is a number in a differentiable object: a differentiated leaf where present. */
  readonly type: ParamType;
  readonly optional?: boolean;
}

/** A plain object type (interface, type alias, type literal): its properties in declaration order. */
export interface ObjectType {
  readonly object: readonly Property[];
  /** The state of an instance of a class the module exports (its fields): the primal is given instances. */
  readonly class?: string;
}

/**
 * A list: an array of objects (`bodies: Body[]`) held by an object, whose elements have only
 * numbers, numeric arrays (not typed arrays), matrices, data and objects of those (no optional
 * property, no list again: signatures.ts makes any other array of objects data). Differentiated
 * element by element; its derivative is a plain array of the elements' skeletons.
 */
export interface ListType {
  readonly list: ObjectType;
}

export type ParamType = NumericType | ObjectType | ListType | DataType;

export const isData = (t: ParamType): t is DataType => typeof t === 'object' && 'data' in t;
export const isObject = (t: ParamType): t is ObjectType => typeof t === 'object' && 'object' in t;
export const isNumeric = (t: ParamType): t is NumericType => typeof t === 'string';
export const isMatrix = (t: ParamType): t is MatrixType => t === 'number[][]' || t === 'readonly number[][]';
export const isList = (t: ParamType): t is ListType => typeof t === 'object' && 'list' in t;

/** The value the harness gives a data property fixture.json does not give: a boolean's `false`, a union of literals' first member, a string's `"a"`. */
export const defaultData = (t: DataType): unknown => (t.choices ? t.choices[0] : t.data === 'string' ? 'a' : undefined);

/** A value of type `t` has a differentiated leaf (default wrt: such a parameter is differentiated). */
export function differentiable(t: ParamType): boolean {
  return isNumeric(t) || (isObject(t) && t.object.some((p) => differentiable(p.type))) || (isList(t) && differentiable(t.list));
}

/** A value of type `t` holds a numeric array (or a matrix) among its differentiated leaves (its derivative then holds one too). */
export function hasArray(t: ParamType): boolean {
  if (isList(t)) return true;
  return isObject(t) ? t.object.some((p) => differentiable(p.type) && hasArray(p.type)) : isNumeric(t) && t !== 'number';
}

/** A value of type `t` holds a list among its differentiated leaves. */
export function hasList(t: ParamType): boolean {
  return isList(t) || (isObject(t) && t.object.some((p) => hasList(p.type)));
}

/** The type at a property path below `t` (`['vel', 'x']`; through a list, its elements': `['bodies', 'mass']`), or undefined when there is none. */
export function typeAt(t: ParamType, path: readonly string[]): ParamType | undefined {
  if (path.length === 0) return t;
  if (isList(t)) return typeAt(t.list, path);
  if (!isObject(t)) return undefined;
  const p = t.object.find((q) => q.name === path[0]);
  return p && typeAt(p.type, path.slice(1));
}

/** The declared type, as messages show it. */
export function typeText(t: ParamType): string {
  if (isData(t)) return t.data;
  if (isObject(t)) return `{ ${t.object.map((p) => `${p.name}${p.optional ? '?' : ''}: ${typeText(p.type)}`).join('; ')} }`;
  if (isList(t)) return `${typeText(t.list)}[]`;
  return t.startsWith('union:') ? t.slice('union:'.length).replace(/\|/g, ' | ') : t;
}

// ---------------------------------------------------------------------------
// Kinds of numeric values.

/** The runtime kind of a value of a declared type (a `readonly number[]` is a plain array at run time). */
export type Kind = 'number' | 'Array' | 'Float64Array' | 'Float32Array';

export function kindOfType(t: NumericType): Kind {
  if (t.startsWith('union:')) throw new Error(`a value of type ${t} has the kind of the argument: use kindsOfType or derivativeKind`);
  if (t === 'number') return 'number';
  if (t === 'Float64Array' || t === 'Float32Array') return t;
  // (a matrix too: a plain array of plain arrays)
  return 'Array';
}

/** The kinds a value of a declared type may have at run time: one, or each of a union's. */
export function kindsOfType(t: NumericType): Kind[] {
  return t.startsWith('union:') ? (t.slice('union:'.length).split('|') as Kind[]) : [kindOfType(t)];
}

/**
 * The kind of the derivative (gradient, tangent, result) of value `v` of declared type `t`: the
 * type's, or for a union the kind of `v` itself (a typed array keeps its kind, anything else is a plain array).
 */
export function derivativeKind(t: NumericType, v: unknown): Kind {
  if (!t.startsWith('union:')) return kindOfType(t);
  const k = kindOf(v);
  return k === 'Float64Array' || k === 'Float32Array' ? k : 'Array';
}

/** The kind of a value at run time, or a description of what it is instead. */
export function kindOf(v: unknown): Kind | string {
  if (typeof v === 'number') return 'number';
  if (v instanceof Float64Array) return 'Float64Array';
  if (v instanceof Float32Array) return 'Float32Array';
  if (Array.isArray(v)) return 'Array';
  if (ArrayBuffer.isView(v)) return (v as object).constructor.name;
  return v === null ? 'null' : typeof v;
}

export function makeArray(kind: Kind, values: readonly number[]): number[] | Float64Array | Float32Array {
  if (kind === 'Float64Array') return Float64Array.from(values);
  if (kind === 'Float32Array') return Float32Array.from(values);
  return [...values];
}

/** A plain object (not an array, a typed array or null). */
export const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v);

// ---------------------------------------------------------------------------
// Values of declared types.

const show = (v: unknown): string => (ArrayBuffer.isView(v) ? `a ${v.constructor.name}` : (JSON.stringify(v)?.slice(0, 80) ?? String(v)));

/** Property `name` of `v`, which must be an object (`where` names `v` in the error). */
function member(v: unknown, name: string, where: string): unknown {
  if (!isPlainObject(v)) throw new Error(`${where} is ${show(v)}, expected an object with a property '${name}'`);
  return v[name];
}

/** The elements of value `v` of list type `t` (`where` names it in errors); throws unless it is a plain array of plain objects. */
function elementsOf(v: unknown, t: ListType, where: string): readonly unknown[] {
  if (!Array.isArray(v)) throw new Error(`${where} is ${show(v)}, expected an array of objects (${typeText(t)})`);
  v.forEach((e, i) => {
    if (!isPlainObject(e)) throw new Error(`${where}[${i}] is ${show(e)}, expected an object (${where} is ${typeText(t)})`);
  });
  return v;
}

/** The rows of value `v` of matrix type `t` (`where` names it in errors); throws unless it is a plain array of plain arrays of numbers. */
function rowsOf(v: unknown, t: MatrixType, where: string): readonly (readonly number[])[] {
  if (!Array.isArray(v)) throw new Error(`${where} is ${show(v)}, expected a value of type ${t}`);
  v.forEach((row, i) => {
    if (!Array.isArray(row) || !row.every((x) => typeof x === 'number')) throw new Error(`${where}[${i}] is ${show(row)}, expected a plain array of numbers (${where} is ${t})`);
  });
  return v as number[][];
}

/**
 * The numeric skeleton of value `v` of type `t` (`where` names it in errors): a number (0 for a
 * number left out), a fresh array of the derivative's kind (a matrix: fresh plain rows), or an
 * object of the skeletons of the differentiable properties, in declaration order. Throws on a
 * value that does not have the type.
 */
export const skeleton = (t: ParamType, v: unknown, where: string): Tree => shapeOf(t, v, where, 0) as Tree;

/**
 * A value's shape (what a generated `value` must look like): its skeleton, except that a number
 * `v` leaves out (an optional property absent or undefined) is `undefined` there.
 */
export type Shape = Tree | undefined | { readonly [key: string]: Shape } | readonly Shape[];

export const valueShape = (t: ParamType, v: unknown, where: string): Shape => shapeOf(t, v, where, undefined);

function shapeOf(t: ParamType, v: unknown, where: string, absent: 0 | undefined): Shape {
  if (isObject(t)) {
    const out: Record<string, Shape> = {};
    for (const p of t.object) if (differentiable(p.type)) out[p.name] = shapeOf(p.type, member(v, p.name, where), `${where}.${p.name}`, absent);
    return out;
  }
  if (isData(t)) throw new Error(`${where} is data (${t.data}): it has no derivative`);
  if (isList(t)) return elementsOf(v, t, where).map((e, i) => shapeOf(t.list, e, `${where}[${i}]`, absent)) as Tree[];
  if (isMatrix(t)) return rowsOf(v, t, where).map((row) => [...row]);
  if (t === 'number') {
    if (v === undefined) return absent;
    if (typeof v !== 'number') throw new Error(`${where} is ${show(v)}, expected a number`);
    return v;
  }
  if (!kindsOfType(t).includes(kindOf(v) as Kind)) throw new Error(`${where} is ${show(v)}, expected a value of type ${typeText(t)}`);
  return makeArray(derivativeKind(t, v), Array.from(v as ArrayLike<number>));
}

/** For each leaf of `skeleton(t, v)`, flattened in its order, whether `v` leaves it out (an optional number absent or undefined). */
export function absentLeaves(t: ParamType, v: unknown): boolean[] {
  if (isObject(t)) return t.object.flatMap((p) => (differentiable(p.type) ? absentLeaves(p.type, isPlainObject(v) ? v[p.name] : undefined) : []));
  if (isList(t)) return (v as readonly unknown[]).flatMap((e) => absentLeaves(t.list, e));
  if (t === 'number') return [v === undefined];
  if (isMatrix(t)) return new Array<boolean>((v as number[][]).reduce((n, row) => n + row.length, 0)).fill(false);
  return isNumeric(t) ? new Array<boolean>((v as ArrayLike<number>).length).fill(false) : [];
}

/** A tangent `d` of value `v` (type `t`) without the properties `v` leaves out: a caller may leave them out too (DESIGN.md). */
export function withoutAbsent(t: ParamType, v: unknown, d: Tree): Tree {
  if (!isObject(t) || !isPlainObject(v) || !isPlainObject(d)) return d;
  const out: Record<string, Tree> = {};
  for (const p of t.object) {
    if (!(p.name in d)) continue;
    if (p.optional && p.type === 'number' && v[p.name] === undefined) continue;
    out[p.name] = withoutAbsent(p.type, v[p.name], d[p.name] as Tree);
  }
  return out;
}

/**
 * Throws unless value `v` may stand for type `t` (numeric leaves of an allowed kind, objects where
 * objects are declared; data is not inspected): arguments made from fixture.json are checked so.
 */
export function expectConforms(t: ParamType, v: unknown, where: string, optional = false): void {
  if (isData(t) || (optional && v === undefined)) return;
  if (isObject(t)) {
    if (!isPlainObject(v)) throw new Error(`${where} is ${show(v)}, expected an object of type ${typeText(t)}`);
    for (const p of t.object) expectConforms(p.type, v[p.name], `${where}.${p.name}`, p.optional);
    return;
  }
  if (isList(t)) {
    elementsOf(v, t, where).forEach((e, i) => expectConforms(t.list, e, `${where}[${i}]`));
    return;
  }
  if (isMatrix(t)) {
    rowsOf(v, t, where);
    return;
  }
  if (!kindsOfType(t).includes(kindOf(v) as Kind)) throw new Error(`${where} is ${show(v)}, expected a value of type ${typeText(t)}`);
}

/**
 * Throws unless `actual` has the shape of `expected` (a skeleton or a value shape): the same kind,
 * an array's length (a matrix's: its number of rows, and each row's length; a list's: its number of
 * elements, each element's shape in turn; an array or object where a number
 * is expected, or the other way round, is a wrong kind), an object's keys exactly (none missing, none
 * added; a key `expected` holds as `undefined` may be missing, and must be undefined), recursively.
 * `what` names `actual`.
 */
export function expectShape(actual: unknown, expected: Shape, what: string): void {
  if (expected === undefined) {
    if (actual !== undefined) throw new Error(`${what} is ${show(actual)}, expected undefined or no such property (the primal's value leaves it out)`);
    return;
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) throw new Error(`${what} is a value of kind ${kindOf(actual)}, expected an object with keys ${Object.keys(expected).join(', ')}`);
    const missing = Object.keys(expected).filter((k) => !(k in actual) && expected[k] !== undefined);
    const extra = Object.keys(actual).filter((k) => !(k in expected));
    if (missing.length > 0 || extra.length > 0)
      throw new Error(
        `${what} has keys ${Object.keys(actual).join(', ') || '(none)'}, expected exactly ${Object.keys(expected).join(', ')}${extra.length ? ` (${extra.join(', ')} is not in the skeleton)` : ''}`,
      );
    for (const k of Object.keys(expected)) expectShape(actual[k], expected[k], `${what}.${k}`);
    return;
  }
  const kind = kindOf(expected);
  const got = kindOf(actual);
  if (got !== kind) throw new Error(`${what} is a value of kind ${got}, expected ${kind}`);
  const n = (expected as ArrayLike<number>).length;
  if (kind !== 'number' && (actual as ArrayLike<number>).length !== n) throw new Error(`${what} has length ${(actual as ArrayLike<number>).length}, expected ${n}`);
  // (a matrix's rows, a list's elements: each checked in turn; an array or object where a number is expected is a wrong kind)
  if (Array.isArray(expected))
    expected.forEach((row: Shape, i) => {
      const element = (actual as unknown[])[i];
      if (typeof row !== 'number' || (element !== null && typeof element === 'object')) expectShape(element, row, `${what}[${i}]`);
    });
}
