/**
 * Matrices (`W: number[][]` properties of differentiated objects) as two variables: `data`, the
 * numbers row after row, and `starts`, where each row starts (read-only data, see types.ts
 * `matrixType`). `W[i][j]` reads and writes `data[starts[i] + j]`; `W.length` and `W[i].length`
 * come from `starts`; a row taken as a value (`for (const row of W)`, `dot(W[i], x)`,
 * `W.map((row) => …)`) is a copy of its numbers, faithful while neither it nor the matrix is
 * written where it is in use (index.ts `rejectWrittenViews` checks that, as for `subarray`).
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import type { TempId, VarId } from '../ir/types';
import { fail, pos, type LowerContext } from './context';
import type { StructVar } from './builder';
import { prim, skipOuter, structPath } from './helpers';
import { lowerElementCallback } from './data-callbacks';

/** The matrix `e` names (`model.hidden.W`), if it names one. */
export function matrixOf(cx: LowerContext, e: ts.Expression): StructVar | undefined {
  const path = structPath(cx, e);
  return path !== undefined && typeof path === 'object' && path.struct.matrix ? path : undefined;
}

function parts(m: StructVar): { readonly data: VarId; readonly starts: VarId } {
  return { data: m.fields.get('data') as VarId, starts: m.fields.get('starts') as VarId };
}

/** Where row `row` starts in the matrix's numbers. */
function startOf(cx: LowerContext, m: StructVar, row: TempId): TempId {
  return cx.fn.op({ op: 'get', key: undefined }, [cx.fn.read(parts(m).starts), row], 'number');
}

/** How many rows the matrix has. */
export function rowCount(cx: LowerContext, m: StructVar): TempId {
  return prim(cx, 'sub', [cx.fn.op({ op: 'get', key: 'length' }, [cx.fn.read(parts(m).starts)], 'number'), cx.fn.constant(1)]);
}

function index(cx: LowerContext, e: ts.Expression): TempId {
  const t = cx.expr(e);
  if (cx.fn.temps[t] !== 'number') return fail(errors.unsupportedExpression(pos(cx, e), 'a non-numeric index'));
  return t;
}

/** `W[i][j]` of a matrix: the variable of its numbers and the element's place there. */
export function matrixElement(cx: LowerContext, e: ts.ElementAccessExpression): { readonly data: VarId; readonly at: TempId } | undefined {
  const row = skipOuter(e.expression);
  if (!ts.isElementAccessExpression(row)) return undefined;
  const m = matrixOf(cx, row.expression);
  if (!m) return undefined;
  const start = startOf(cx, m, index(cx, row.argumentExpression));
  return { data: parts(m).data, at: prim(cx, 'add', [start, index(cx, e.argumentExpression)]) };
}

/**
 * A read of a matrix or of its row: `W[i][j]`, `W[i]` (a copy of the row), `W.length`,
 * `W[i].length`; undefined when `e` is none of these.
 */
export function lowerMatrixRead(cx: LowerContext, e: ts.Expression): TempId | undefined {
  if (ts.isElementAccessExpression(e)) {
    const element = matrixElement(cx, e);
    if (element) return cx.fn.op({ op: 'load', var: element.data }, [element.at], 'number');
    const m = matrixOf(cx, e.expression);
    return m && matrixRow(cx, m, index(cx, e.argumentExpression), e);
  }
  if (!ts.isPropertyAccessExpression(e) || e.name.text !== 'length') return undefined;
  const m = matrixOf(cx, e.expression);
  if (m) return rowCount(cx, m);
  const row = skipOuter(e.expression);
  if (!ts.isElementAccessExpression(row)) return undefined;
  const of = matrixOf(cx, row.expression);
  if (!of) return undefined;
  const i = index(cx, row.argumentExpression);
  return prim(cx, 'sub', [startOf(cx, of, prim(cx, 'add', [i, cx.fn.constant(1)])), startOf(cx, of, i)]);
}

/** Row `i` of a matrix as an array value: a copy of its numbers (checked as a view). */
export function matrixRow(cx: LowerContext, m: StructVar, i: TempId, at: ts.Node): TempId {
  const start = startOf(cx, m, i);
  const end = startOf(cx, m, prim(cx, 'add', [i, cx.fn.constant(1)]));
  const { data } = parts(m);
  // Reverse mode gives a row variable's adjoint the length of the row it holds last: rows of
  // different lengths taken as values in a loop would get wrong adjoints, so generated code refuses them.
  if (cx.fn.targetLoop(undefined, 'continue') === undefined) return rowCopy(cx, data, start, end, at);
  const first = prim(cx, 'sub', [startOf(cx, m, cx.fn.constant(1)), startOf(cx, m, cx.fn.constant(0))]);
  cx.fn.emit({
    kind: 'check',
    cond: prim(cx, 'ne', [prim(cx, 'sub', [end, start]), first]),
    error: 'RangeError',
    message: `ts-adc: the rows of '${at.getText(cx.sf).slice(0, 40)}' are taken as values here, so they must all have one length; index a matrix of rows of different lengths as W[i][j]`,
    origin: cx.fn.origin,
  });
  return rowCopy(cx, data, start, end, at);
}

function rowCopy(cx: LowerContext, data: VarId, start: TempId, end: TempId, at: ts.Node): TempId {
  const temp = cx.fn.op({ op: 'slice', var: data, type: 'number[]', hasStart: true, hasEnd: true }, [start, end], 'number[]');
  cx.views.push({ source: data, temp, at: pos(cx, at), text: at.getText(cx.sf).slice(0, 40), row: true });
  return temp;
}

/** `W.map((row) => …)`, `W.reduce((s, row, i) => …, 0)`, `W.forEach(…)` over a matrix's rows. */
export function lowerMatrixCallback(cx: LowerContext, call: ts.CallExpression, method: 'reduce' | 'map' | 'forEach', m: StructVar): TempId {
  const at = (call.expression as ts.PropertyAccessExpression).expression;
  return lowerElementCallback(
    cx,
    call,
    method,
    () => rowCount(cx, m),
    (i, p) => {
      if (!ts.isIdentifier(p.name)) return fail(errors.callback(pos(cx, p), 'destructuring a row of a matrix: index it (`row[0]`)'));
      cx.fn.assign(cx.fn.declare(p.name.text, 'number[]', 'local', true), matrixRow(cx, m, cx.fn.read(i), at), true);
    },
  );
}
