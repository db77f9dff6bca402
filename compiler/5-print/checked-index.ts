/**
 * Generated code for projects compiled with `noUncheckedIndexedAccess`: there
 * an element read (`a[i]`, of a plain or typed array, `adc.ret[0]`) has type
 * `number | undefined`. Every element read gets `!` (the generated code reads
 * only elements the primal reads, and an out-of-range read is the primal's
 * `undefined` either way), and a compound assignment to an element,
 * `a[i] += v`, becomes `a[i] = a[i]! + v`.
 *
 * Guarantees: the printed code computes exactly what it did before (`!` is
 * erased); assignment targets are left as they are; applying it twice changes
 * nothing more.
 */
import { type BinOp, type JsExpr, type JsFunction, type JsStmt } from './js';
import { mapChildren, mapStmtChildren } from './js-walk';

export function checkedIndexing(fn: JsFunction): JsFunction {
  return { ...fn, body: fn.body.map(stmt) };
}

function stmt(s: JsStmt): JsStmt {
  switch (s.k) {
    case 'decl': {
      // `const d = -(a[1]! ?? 0)` in a loop that assigns `a[1]`: TypeScript narrows the element by the
      // assignment and finds the declaration's type circular; a number computed from elements says it is one.
      const init = s.init && expr(s.init);
      const typed = s.type === undefined && init !== undefined && isArithmetic(init) && readsElement(init);
      return { ...s, ...(init ? { init } : {}), ...(typed ? { type: 'number' } : {}) };
    }
    case 'assign': {
      const target = lvalue(s.target);
      if (s.op !== '=' && target.k === 'index')
        return { k: 'assign', target, op: '=', value: { k: 'bin', op: s.op.slice(0, -1) as BinOp, l: { k: 'nonNull', e: target }, r: expr(s.value) } };
      return { ...s, target, value: expr(s.value) };
    }
    default:
      return mapStmtChildren(s, expr, stmt);
  }
}

/** An assignment target: the element itself stays as it is, what it is computed from is read. */
function lvalue(e: JsExpr): JsExpr {
  return e.k === 'index' || e.k === 'member' ? mapChildren(e, expr) : e;
}

function expr(e: JsExpr): JsExpr {
  switch (e.k) {
    case 'index':
      return { k: 'nonNull', e: mapChildren(e, expr) };
    case 'nonNull':
      // (an element read that has its `!` already keeps just the one)
      return e.e.k === 'index' ? { k: 'nonNull', e: mapChildren(e.e, expr) } : mapChildren(e, expr);
    case 'assignExpr':
      return { ...e, target: lvalue(e.target), value: expr(e.value) };
    case 'postfix':
      return { ...e, target: lvalue(e.target) };
    default:
      return mapChildren(e, expr);
  }
}

const arithmetic = new Set<string>(['+', '-', '*', '/', '%', '**', '??']);

/** An arithmetic expression (its value is a number in generated code: strings are never computed with). */
function isArithmetic(e: JsExpr): boolean {
  return (e.k === 'bin' && arithmetic.has(e.op)) || (e.k === 'un' && e.op === '-');
}

function readsElement(e: JsExpr): boolean {
  if (e.k === 'index') return true;
  let found = false;
  mapChildren(e, (c) => {
    found ||= readsElement(c);
    return c;
  });
  return found;
}
