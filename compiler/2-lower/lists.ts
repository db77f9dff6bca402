/**
 * Matrices and lists of objects, the parts of differentiated objects that are arrays of arrays or
 * of objects (see types.ts `StructType.matrix` and `.list`). A matrix (`W: number[][]`) is two
 * variables: `data`, its numbers row after row, and `starts`, where each row starts; `W[i][j]` is
 * `data[starts[i] + j]`. A list (`points: { x: number; y: number }[]`) is one value per property
 * of its elements, each across all elements: `points[i].x` is `points_x[i]`, `layers[l].bias[j]`
 * is element `j` of row `l` of the matrix of all biases, `layers[l].weights[i][j]` is element `j`
 * of row `groups[l] + i` of the matrix of all weights.
 *
 * `placeOf` says what an expression denotes there (a place); the construct files read and write
 * places, and names may stand for them (`const p = points[i]`, `for (const row of W)`: builder.ts
 * `Cursor`). A row or an element's array taken as a value is a copy of its numbers, faithful while
 * neither it nor the matrix is written where it is in use (index.ts `rejectWrittenViews` checks
 * that, as for `subarray`).
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import type { TempId, Type, VarId } from '../ir/types';
import { fail, pos, type LowerContext } from './context';
import type { Cursor, StructLeaf, StructValue, StructVar } from './builder';
import { isOpaqueExpr, namedArray, prim, skipOuter, structPath } from './helpers';
import { containerType, dataType, type StructType } from './types';

/** What an expression inside a matrix or a list of objects denotes. */
export type Place =
  /** A list of objects. */
  | { readonly kind: 'list'; readonly list: StructVar }
  /** Element `at` of a list. */
  | { readonly kind: 'element'; readonly list: StructVar; readonly at: TempId }
  /** A matrix; of a grouped one, the rows of element `group`. */
  | { readonly kind: 'matrix'; readonly m: StructVar; readonly group?: TempId }
  /** Row `row` of a matrix (counted across all its rows). */
  | { readonly kind: 'row'; readonly m: StructVar; readonly row: TempId }
  /** A number inside one: element `at` of the number array `data`. */
  | { readonly kind: 'number'; readonly data: VarId; readonly at: TempId }
  /** A data property of an element: element `at` of the data array `data`. */
  | { readonly kind: 'datum'; readonly data: VarId; readonly at: TempId };

/** The kind of place `e` is, without lowering anything (its indices are not evaluated). */
export function placeKind(cx: LowerContext, e: ts.Expression): Place['kind'] | undefined {
  return resolve(cx, e, false)?.kind;
}

/** The place `e` denotes (its indices lowered, left to right), if it denotes one. */
export function placeOf(cx: LowerContext, e: ts.Expression): Place | undefined {
  return resolve(cx, e, true);
}

/** `this` in a method called on an object of a list, if it is one. */
export function thisPlace(cx: LowerContext): Place | undefined {
  const c = cx.fn.lookupCursor('this');
  return c && ofCursor(cx, c, true);
}

const NONE = -1 as TempId;

function resolve(cx: LowerContext, node: ts.Expression, emit: boolean): Place | undefined {
  const e = skipOuter(node);
  // (`this` in a method called on an object of a list, `bodies[i].step(dt)`: classes.ts `receiverOf`)
  if (ts.isIdentifier(e) || e.kind === ts.SyntaxKind.ThisKeyword) {
    const c = cx.fn.lookupCursor(ts.isIdentifier(e) ? e.text : 'this');
    if (c) return ofCursor(cx, c, emit);
  }
  if (ts.isIdentifier(e) || (ts.isPropertyAccessExpression(e) && !structInside(cx, e.expression))) {
    const path = structPath(cx, e);
    if (path !== undefined && typeof path === 'object') return path.struct.matrix ? { kind: 'matrix', m: path } : path.struct.list ? { kind: 'list', list: path } : undefined;
    if (!ts.isPropertyAccessExpression(e) || path !== undefined) return undefined;
  }
  if (ts.isPropertyAccessExpression(e) && !e.questionDotToken) {
    const base = resolve(cx, e.expression, emit);
    return base?.kind === 'element' ? field(cx, base.list, e.name.text, base.at) : undefined;
  }
  if (ts.isElementAccessExpression(e) && !e.questionDotToken) {
    const base = resolve(cx, e.expression, emit);
    if (!base || base.kind === 'number' || base.kind === 'datum' || base.kind === 'element') return undefined;
    if (emit) return itemOf(cx, base, index(cx, e.argumentExpression));
    return base.kind === 'list'
      ? { kind: 'element', list: base.list, at: NONE }
      : base.kind === 'row'
        ? { kind: 'number', data: part(base.m, 'data'), at: NONE }
        : { kind: 'row', m: base.m, row: NONE };
  }
  return undefined;
}

/** Whether `e` is a plain path into an object variable (structPath resolves it), not one through a list. */
function structInside(cx: LowerContext, e: ts.Expression): boolean {
  const s = skipOuter(e);
  if (ts.isIdentifier(s)) return cx.fn.lookupCursor(s.text) !== undefined;
  return ts.isPropertyAccessExpression(s) ? structInside(cx, s.expression) : ts.isElementAccessExpression(s);
}

function ofCursor(cx: LowerContext, c: Cursor, emit: boolean): Place {
  const at = emit ? cx.fn.read(c.at) : NONE;
  if (c.cursor === 'element') return { kind: 'element', list: c.of, at };
  if (c.cursor === 'row') return { kind: 'row', m: c.of, row: at };
  return { kind: 'matrix', m: c.of, group: at };
}

/** Property `key` of element `at` of a list (a number, a datum, a row, an object or the rows of a grouped matrix). */
export function field(cx: LowerContext, list: StructVar, key: string, at: TempId): Place | undefined {
  const column = list.fields.get(key);
  if (column === undefined) return undefined;
  if (typeof column === 'number') return { kind: cx.fn.vars[column].type === 'number[]' ? 'number' : 'datum', data: column, at };
  if (column.struct.list) return { kind: 'element', list: column, at };
  if (column.struct.grouped) return { kind: 'matrix', m: column, group: at };
  return { kind: 'row', m: column, row: at };
}

function part(m: StructVar, key: 'data' | 'starts' | 'groups'): VarId {
  return m.fields.get(key) as VarId;
}

function get(cx: LowerContext, data: VarId, at: TempId): TempId {
  return cx.fn.op({ op: 'get', key: undefined }, [cx.fn.read(data), at], 'number');
}

/** Where row `row` starts in the matrix's numbers. */
function startOf(cx: LowerContext, m: StructVar, row: TempId): TempId {
  return get(cx, part(m, 'starts'), row);
}

function next(cx: LowerContext, t: TempId): TempId {
  return prim(cx, 'add', [t, cx.fn.constant(1)]);
}

/** How many elements a list has (its first property's count of them). */
function listLength(cx: LowerContext, list: StructVar): TempId {
  const [first] = list.fields.values();
  if (typeof first === 'number') return cx.fn.op({ op: 'get', key: 'length' }, [cx.fn.read(first)], 'number');
  if (first.struct.list) return listLength(cx, first);
  const counts = part(first, first.struct.grouped ? 'groups' : 'starts');
  return prim(cx, 'sub', [cx.fn.op({ op: 'get', key: 'length' }, [cx.fn.read(counts)], 'number'), cx.fn.constant(1)]);
}

/** How many rows a matrix has (of a grouped one, element `group`'s). */
function rowCount(cx: LowerContext, m: StructVar, group: TempId | undefined): TempId {
  if (group !== undefined) return prim(cx, 'sub', [get(cx, part(m, 'groups'), next(cx, group)), get(cx, part(m, 'groups'), group)]);
  return prim(cx, 'sub', [cx.fn.op({ op: 'get', key: 'length' }, [cx.fn.read(part(m, 'starts'))], 'number'), cx.fn.constant(1)]);
}

/** How many items a list, matrix or row has: what `.length` of it is. */
export function placeLength(cx: LowerContext, p: Place): TempId | undefined {
  if (p.kind === 'list') return listLength(cx, p.list);
  if (p.kind === 'matrix') return rowCount(cx, p.m, p.group);
  if (p.kind === 'row') return prim(cx, 'sub', [startOf(cx, p.m, next(cx, p.row)), startOf(cx, p.m, p.row)]);
  return undefined;
}

/** Item `i` of a list, matrix or row: `points[i]`, `W[i]`, `row[j]`. */
export function itemOf(cx: LowerContext, p: Place, i: TempId): Place {
  if (p.kind === 'list') return { kind: 'element', list: p.list, at: i };
  if (p.kind === 'row') return { kind: 'number', data: part(p.m, 'data'), at: prim(cx, 'add', [startOf(cx, p.m, p.row), i]) };
  if (p.kind === 'matrix') return { kind: 'row', m: p.m, row: p.group === undefined ? i : prim(cx, 'add', [get(cx, part(p.m, 'groups'), p.group), i]) };
  throw new Error(`no items in a ${p.kind}`);
}

function index(cx: LowerContext, e: ts.Expression): TempId {
  const t = cx.expr(e);
  if (cx.fn.temps[t] !== 'number') return fail(errors.unsupportedExpression(pos(cx, e), 'a non-numeric index'));
  return t;
}

/** A short text of `e` for messages. */
const text = (cx: LowerContext, e: ts.Node): string => e.getText(cx.sf).slice(0, 40);

/**
 * A read of a place as a value: a number, a datum, a row (a copy of its numbers), `.length` of a
 * list, matrix or row. Undefined when `e` is no place; an error for a list, an element or a matrix,
 * which are not values an operation takes.
 */
export function lowerPlaceRead(cx: LowerContext, e: ts.Expression): TempId | undefined {
  const s = skipOuter(e);
  if (placeKind(cx, s) !== undefined) return placeValue(cx, placeOf(cx, s)!, s);
  if (!ts.isPropertyAccessExpression(s) || s.name.text !== 'length') return undefined;
  const kind = placeKind(cx, s.expression);
  return kind === 'list' || kind === 'matrix' || kind === 'row' ? placeLength(cx, placeOf(cx, s.expression)!) : undefined;
}

/** The value of a place read at `at`. */
export function placeValue(cx: LowerContext, p: Place, at: ts.Node): TempId {
  if (p.kind === 'datum') {
    const type: Type = dataType(cx.checker.getTypeAtLocation(at), cx.checker) ?? 'number';
    return cx.fn.op({ op: 'get', key: undefined }, [cx.fn.read(p.data), p.at], type);
  }
  if (p.kind === 'number') return cx.fn.op({ op: 'load', var: p.data }, [p.at], 'number');
  if (p.kind === 'row') return rowValue(cx, p.m, p.row, at);
  const what = p.kind === 'element' ? 'the object' : p.kind === 'matrix' ? 'the matrix' : 'the array of objects';
  return fail(
    errors.unsupportedExpression(
      pos(cx, at),
      `${what} '${text(cx, at)}' where a number or an array is expected: read its numbers (\`${text(cx, at)}${p.kind === 'element' ? '.x' : '[i]'}\`)`,
    ),
  );
}

/** Row `row` of a matrix as an array value: a copy of its numbers (checked as a view). */
export function rowValue(cx: LowerContext, m: StructVar, row: TempId, at: ts.Node, what = text(cx, at)): TempId {
  const start = startOf(cx, m, row);
  const end = startOf(cx, m, next(cx, row));
  const data = part(m, 'data');
  const temp = cx.fn.op({ op: 'slice', var: data, type: 'number[]', hasStart: true, hasEnd: true }, [start, end], 'number[]');
  cx.views.push({ source: data, temp, at: pos(cx, at), text: what, row: true });
  // (the copy of a row a name stands for has that name: `const row = W_data.slice(…)`)
  return ts.isIdentifier(at) ? namedArray(cx, temp, at.text) : temp;
}

/**
 * `W[i][j] = …`, `p.x += …`, `layers[l].bias[j] -= …`: the value `compute` gives stored in the
 * number `target` denotes. Undefined when `target` is no place; an error for a place that is not a number.
 */
export function lowerPlaceWrite(cx: LowerContext, target: ts.Expression, compute: (current: () => TempId) => TempId): TempId | undefined {
  const kind = placeKind(cx, target);
  if (kind === undefined) return undefined;
  if (kind === 'datum') return fail(errors.readOnlyData(pos(cx, target), `writing to '${text(cx, target)}'`, text(cx, target), 'keep data out of what the function writes'));
  if (kind !== 'number')
    return fail(
      errors.unsupportedExpression(
        pos(cx, target),
        kind === 'row'
          ? `assigning the row '${text(cx, target)}' of a matrix as a whole: write its elements (\`${text(cx, target)}[j] = …\`), or, for a matrix made here, build each row and push it (\`M.push(row)\`)`
          : kind === 'element'
            ? `replacing the object '${text(cx, target)}' of an array of objects: write its properties (\`${text(cx, target)}.x = …\`)`
            : kind === 'matrix'
              ? `replacing the matrix '${text(cx, target)}' as a whole: write its elements (\`W[i][j] = …\`)`
              : `replacing the array of objects '${text(cx, target)}' as a whole: write its objects' properties (\`${text(cx, target)}[i].x = …\`)`,
      ),
    );
  const p = placeOf(cx, target) as Extract<Place, { kind: 'number' }>;
  let old: TempId | undefined;
  const written = compute(() => (old ??= cx.fn.op({ op: 'load', var: p.data }, [p.at], 'number')));
  cx.fn.emit({ kind: 'store', var: p.data, index: p.at, value: written, origin: cx.fn.origin });
  return written;
}

/**
 * Makes `name` stand for a place: a list's element, a matrix (of a grouped one, an element's rows)
 * or a row, at an index kept in a variable of its own (`index`, the loop's counter, where the
 * caller's loop keeps it for the name's whole scope). False for a place no name may stand for.
 */
export function bindPlace(cx: LowerContext, name: string, p: Place, index?: VarId): boolean {
  if (p.kind === 'number' || p.kind === 'datum') return false;
  // (a whole list or matrix is its object variable)
  if (p.kind === 'list' || (p.kind === 'matrix' && p.group === undefined)) {
    cx.fn.bindStruct(name, p.kind === 'list' ? p.list : p.m);
    return true;
  }
  const at = p.kind === 'element' ? p.at : p.kind === 'row' ? p.row : p.group!;
  const v = index ?? cx.fn.declare(`${name}_at`, 'number', 'hidden', true);
  if (index === undefined) cx.fn.assign(v, at, true);
  cx.fn.bindCursor(name, { cursor: p.kind, of: p.kind === 'element' ? p.list : p.m, at: v });
  return true;
}

/**
 * `const { x, y: py } = points[i]`, `for (const { p, v } of bodies)`: each name declared with the
 * value of its property (a number, data, a copy of an array), or standing for an object or matrix
 * there; nested patterns go deeper.
 */
export function destructurePlace(cx: LowerContext, pattern: ts.BindingName, p: Place, isConst: boolean, index?: VarId): void {
  if (ts.isIdentifier(pattern)) {
    if (bindPlace(cx, pattern.text, p, index)) return;
    const value = placeValue(cx, p, pattern);
    cx.fn.assign(cx.fn.declare(pattern.text, cx.fn.temps[value], 'local', isConst), value, true);
    return;
  }
  if (!ts.isObjectBindingPattern(pattern) || p.kind !== 'element')
    return fail(errors.unsupportedStatement(pos(cx, pattern), `this destructuring of '${text(cx, pattern)}': name the object, and read its properties`));
  for (const el of pattern.elements) {
    const key = el.propertyName ?? el.name;
    if (el.dotDotDotToken || el.initializer || !ts.isIdentifier(key))
      return fail(errors.unsupportedStatement(pos(cx, el), `'${text(cx, el)}' in destructuring an object of an array of objects: name its properties`));
    const f = field(cx, p.list, key.text, p.at);
    if (!f) return fail(errors.unsupportedStatement(pos(cx, el), `the property '${key.text}' of '${text(cx, pattern)}'`));
    destructurePlace(cx, el.name, f, isConst);
  }
}

/** Whether `target` is a property inside a list of objects (`points[i].x`, `p.x` of `const p = points[i]`): a number written in place. */
export function inPlace(cx: LowerContext, target: ts.Expression): target is ts.PropertyAccessExpression {
  return ts.isPropertyAccessExpression(target) && placeKind(cx, target) !== undefined;
}

/**
 * The value of an object of a list as an object of numbers (`{ ...points[i] }`, `return
 * points[i]` from a helper returning a point, `let best = points[0]`): a copy of its numbers and
 * arrays, right while neither it nor the list is written where the copy is in use (structs.ts
 * `rejectCopyOfWritten` checks that for the names it is given).
 */
export function elementValue(cx: LowerContext, p: Extract<Place, { kind: 'element' }>, at: ts.Node): StructValue {
  const struct = p.list.struct.list!;
  const fields = new Map<string, StructLeaf>();
  for (const f of struct.fields) {
    const item = field(cx, p.list, f.key, p.at)!;
    if (item.kind === 'element') fields.set(f.key, elementValue(cx, item, at));
    else if (item.kind === 'row') {
      const copy = cx.fn.declare(`${f.key}_copy`, 'number[]', 'hidden', true);
      cx.fn.assign(copy, rowValue(cx, item.m, item.row, at, `${text(cx, at)}.${f.key}`), true);
      fields.set(f.key, { array: copy });
    } else if (item.kind === 'matrix')
      return fail(
        errors.unsupportedExpression(pos(cx, at), `'${text(cx, at)}' as a value: it holds the matrix '${f.key}'; pass the object itself to a helper, or read its numbers`),
      );
    else fields.set(f.key, { temp: placeValue(cx, item, at) });
  }
  return { struct, fields, copy: true };
}

/**
 * A place to use inside a loop or callback body that `p` was lowered before (`for (const row of
 * layer.weights)`): its indices kept in variables, read again where the place is used (a temp is
 * a value of the block that computes it).
 */
export function pinPlace(cx: LowerContext, p: Place): () => Place {
  const keep = (t: TempId, name: string): (() => TempId) => {
    const v = cx.fn.declare(name, 'number', 'hidden', true);
    cx.fn.assign(v, t, true);
    return () => cx.fn.read(v);
  };
  if (p.kind === 'element' || p.kind === 'number' || p.kind === 'datum') {
    const at = keep(p.at, 'at');
    return () => ({ ...p, at: at() });
  }
  if (p.kind === 'row') {
    const row = keep(p.row, 'row');
    return () => ({ ...p, row: row() });
  }
  if (p.kind === 'matrix' && p.group !== undefined) {
    const group = keep(p.group, 'group');
    return () => ({ ...p, group: group() });
  }
  return () => p;
}

/**
 * The list or matrix type of parameter `p`, when argument `a` gives it a list or matrix that is no
 * place yet (`area(ring(c, r, 6))`, `[{ x, y }, …]`, `matAdd(matMul(F, P), Q)`, `[[1, dt], [0, 1]]`).
 */
export function listArgument(cx: LowerContext, p: ts.ParameterDeclaration, a: ts.Expression | undefined): StructType | undefined {
  if (a === undefined || placeKind(cx, a) !== undefined || isOpaqueExpr(cx, a)) return undefined;
  const e = skipOuter(a);
  if (!ts.isCallExpression(e) && !ts.isArrayLiteralExpression(e)) return undefined;
  const t = containerType(cx.checker.getTypeAtLocation(p), cx.checker);
  return t?.list || t?.matrix ? t : undefined;
}

/** Whether argument `a` is bound to its parameter as a place: a matrix, an array of objects, one of its objects, or a row the callee writes into. */
export function bindsPlace(cx: LowerContext, a: ts.Expression, written: boolean): boolean {
  const kind = placeKind(cx, a);
  return kind === 'matrix' || kind === 'list' || kind === 'element' || (kind === 'row' && written);
}
