/**
 * Matrices made inside a function (`const C: number[][] = []` filled with `C.push(row)`, `A.map((row)
 * => row.map(…))`, `a.map((ai) => b.map((bj) => ai * bj))`, `Array.from({ length: n }, () => new
 * Array(m).fill(0))`, `[[a, b], [c, d]]`): held as matrices are (lists.ts), a local `number[]` of
 * their numbers row after row, `data`, and a local `number[]` of where each row starts, `starts`
 * (a `[0]` that each pushed row extends), so that every read, write, loop and callback over a
 * matrix works on them. Also `Array.from({ length: n }, (_, i) => ({ … }))` for arrays of objects
 * (local-lists.ts).
 *
 * Guarantees: a row pushed is a copy of its numbers, right while no other name reaches it: a
 * row variable pushed and used after the push, or a row of another matrix pushed into one that
 * is written, is an error (in JavaScript, the two names would share one array).
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import type { TempId, VarId } from '../ir/types';
import { fail, pos, type LowerContext } from './context';
import type { StructVar } from './builder';
import { isMatrixType, matrixType, type StructType } from './types';
import { arrayOperand, loopOverArray, skipOuter } from './helpers';
import { placeKind, placeOf, type Place } from './lists';
import { arrayFromLength, eachReturned, isArrayFromLength } from './callback-values';
import { reassigned, usedAfter, writtenInto } from './reassignments';

/** The matrix type of a local variable declared as `number[][]` (or rows that are tuples), if it is one. */
export function localMatrixType(cx: LowerContext, name: ts.Identifier, init?: ts.Expression): StructType | undefined {
  const t = cx.checker.getTypeAtLocation(name);
  if (isMatrixType(t, cx.checker)) return { ...matrixType, text: cx.checker.typeToString(t) };
  // (`Array.from({ length: n }, () => new Array(m).fill(0))` is typed any[][] by TypeScript: it holds numbers)
  const any = cx.checker.typeToString(t) === 'any[][]';
  return any && init && ts.isCallExpression(skipOuter(init)) ? { ...matrixType } : undefined;
}

/** `const C: number[][] = …` (or `let`, never assigned again): a new matrix, or the one a helper returns. */
export function declareMatrix(cx: LowerContext, d: ts.VariableDeclaration & { name: ts.Identifier }, struct: StructType, isConst: boolean): void {
  const name = d.name.text;
  const what = (why: string) => fail(errors.unsupportedStatement(pos(cx, d.name), `the matrix '${name}' ${why}`));
  if (!d.initializer) return what('without a value: give it one where it is declared (`= []`)');
  if (!isConst && reassigned(cx, d.name)) return what('assigned again: declare it with const, and push rows onto it or write its elements');
  cx.fn.bindStruct(name, matrixOf(cx, d.initializer, struct, name, d.name));
}

/**
 * The matrix an expression of type `struct` (`number[][]`) gives: a matrix variable (`W`,
 * `model.W`), a new one (named `name`), or the one a helper returns (its body inlined).
 */
export function matrixOf(cx: LowerContext, node: ts.Expression, struct: StructType, name = 'matrix', owner?: ts.Identifier): StructVar {
  const e = skipOuter(node);
  const place = placeKind(cx, e) === 'matrix' ? (placeOf(cx, e) as Extract<Place, { kind: 'matrix' }>) : undefined;
  if (place && place.group === undefined) return place.m;
  if (ts.isArrayLiteralExpression(e)) return literalMatrix(cx, e, struct, name, owner);
  const callee = ts.isCallExpression(e) ? skipOuter(e.expression) : undefined;
  if (callee && ts.isPropertyAccessExpression(callee) && callee.name.text === 'map') {
    const m = emptyMatrix(cx, name, struct);
    eachReturned(cx, e as ts.CallExpression, (row) => pushRow(cx, m, row, owner));
    return m;
  }
  if (callee && isArrayFromLength(e as ts.CallExpression)) {
    const m = emptyMatrix(cx, name, struct);
    arrayFromLength(cx, e as ts.CallExpression, (row) => pushRow(cx, m, row, owner));
    return m;
  }
  if (ts.isCallExpression(e) && !(callee && ts.isPropertyAccessExpression(callee))) {
    const value = cx.structCall(e, struct);
    if (value.source?.struct.matrix) return value.source;
  }
  return fail(
    errors.unsupportedExpression(pos(cx, e), `'${e.getText(cx.sf).slice(0, 40)}' as a matrix: start from [] and push rows, map an array to rows, or return a matrix from a helper`),
  );
}

function emptyMatrix(cx: LowerContext, name: string, struct: StructType, data: TempId[] = [], starts: TempId[] = [cx.fn.constant(0)]): StructVar {
  const column = (key: string, values: TempId[]) => {
    const v = cx.fn.declare(`${name}_${key}`, 'number[]', 'local', true);
    cx.fn.assign(v, cx.fn.op({ op: 'newArray', type: 'number[]', form: 'literal' }, values, 'number[]'), true);
    return v;
  };
  const made = {
    struct,
    fields: new Map<string, VarId | StructVar>([
      ['data', column('data', data)],
      ['starts', column('starts', starts)],
    ]),
  };
  cx.fn.madeAt.set(made, cx.fn.scopeDepth);
  return made;
}

/** `[[a, b], [c, d]]`: its numbers in one literal, where its rows start in another; rows that are not literals are pushed. */
function literalMatrix(cx: LowerContext, e: ts.ArrayLiteralExpression, struct: StructType, name: string, owner?: ts.Identifier): StructVar {
  const literal = (r: ts.Expression) => ts.isArrayLiteralExpression(skipOuter(r)) && (skipOuter(r) as ts.ArrayLiteralExpression).elements.every((x) => !ts.isSpreadElement(x));
  if (!e.elements.every((r) => !ts.isSpreadElement(r) && literal(r))) {
    const m = emptyMatrix(cx, name, struct);
    for (const row of e.elements) {
      if (ts.isSpreadElement(row)) return fail(errors.unsupportedExpression(pos(cx, row), 'a spread in a matrix: push its rows in a loop'));
      pushRow(cx, m, row, owner);
    }
    return m;
  }
  const data: TempId[] = [];
  const starts: TempId[] = [cx.fn.constant(0)];
  for (const row of e.elements) {
    for (const x of (skipOuter(row) as ts.ArrayLiteralExpression).elements) {
      const t = cx.expr(x);
      if (cx.fn.temps[t] !== 'number') return fail(errors.unsupportedExpression(pos(cx, x), `'${x.getText(cx.sf)}' as a number of a matrix`));
      data.push(t);
    }
    starts.push(cx.fn.constant(data.length));
  }
  return emptyMatrix(cx, name, struct, data, starts);
}

/** `C.push(row, …)` onto a matrix made here: its new number of rows. */
export function lowerMatrixPush(cx: LowerContext, call: ts.CallExpression, m: StructVar): TempId {
  const starts = m.fields.get('starts') as VarId;
  const target = (skipOuter(call.expression) as ts.PropertyAccessExpression).expression;
  if (cx.fn.vars[starts].type !== 'number[]')
    return fail(errors.unsupportedExpression(pos(cx, call), `push onto '${target.getText(cx.sf)}', an argument: only matrices made in the function can grow`));
  const owner = ts.isIdentifier(skipOuter(target)) ? (skipOuter(target) as ts.Identifier) : undefined;
  for (const a of call.arguments) {
    if (ts.isSpreadElement(a)) return fail(errors.unsupportedExpression(pos(cx, a), 'a spread in push: push its rows in a loop'));
    pushRow(cx, m, a, owner);
  }
  return cx.fn.op({ op: 'prim', fn: 'sub' }, [cx.fn.op({ op: 'length', var: starts }, [], 'number'), cx.fn.constant(1)], 'number');
}

/**
 * Appends the row `row` (an array expression) to `m`: its numbers pushed onto `data`, where it ends
 * onto `starts`. `owner` names the matrix, where it is a variable (to tell whether it is written).
 */
function pushRow(cx: LowerContext, m: StructVar, row: ts.Expression, owner?: ts.Identifier): void {
  const r = skipOuter(row);
  if (ts.isIdentifier(r) && cx.fn.lookup(r.text) !== undefined && usedAfter(cx, r, row))
    return fail(
      errors.arrayAlias(
        pos(cx, row),
        `pushing '${r.text}' makes it a row of the matrix, and it is used after: push a copy (\`${r.text}.slice()\`), or make a new row for each push`,
      ),
    );
  if (placeKind(cx, r) === 'row' && owner !== undefined && writtenInto(cx, owner))
    return fail(errors.arrayAlias(pos(cx, row), `'${r.getText(cx.sf)}' would be a row of two matrices, and '${owner.text}' is written: push a copy (\`.slice()\`)`));
  const data = m.fields.get('data') as VarId;
  // (a new row, `[a, b]` or `new Array(m).fill(0)`, is made as an array variable is)
  const made =
    ts.isArrayLiteralExpression(r) || ts.isNewExpression(r) || (ts.isCallExpression(r) && ts.isPropertyAccessExpression(r.expression) && r.expression.name.text === 'fill');
  const values = made ? cx.fn.declare('row', 'number[]', 'hidden', true) : arrayOperand(cx, r);
  if (made) cx.fn.assign(values, cx.arrayInit(r, 'number[]'), true);
  loopOverArray(cx, values, (i) => cx.fn.emit({ kind: 'push', var: data, value: cx.fn.op({ op: 'load', var: values }, [cx.fn.read(i)], 'number'), origin: cx.fn.origin }));
  cx.fn.emit({ kind: 'push', var: m.fields.get('starts') as VarId, value: cx.fn.op({ op: 'length', var: data }, [], 'number'), origin: cx.fn.origin });
}
