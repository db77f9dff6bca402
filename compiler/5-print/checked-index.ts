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
import { mapChildren } from './js-walk';

export function checkedIndexing(fn: JsFunction): JsFunction {
  return { ...fn, body: fn.body.map(stmt) };
}

function stmt(s: JsStmt): JsStmt {
  switch (s.k) {
    case 'decl':
      return s.init ? { ...s, init: expr(s.init) } : s;
    case 'assign': {
      const target = lvalue(s.target);
      if (s.op !== '=' && target.k === 'index')
        return { k: 'assign', target, op: '=', value: { k: 'bin', op: s.op.slice(0, -1) as BinOp, l: { k: 'nonNull', e: target }, r: expr(s.value) } };
      return { ...s, target, value: expr(s.value) };
    }
    case 'expr':
      return { ...s, e: expr(s.e) };
    case 'if':
      return { ...s, c: expr(s.c), then: s.then.map(stmt), else: s.else?.map(stmt) };
    case 'for':
      return { ...s, init: s.init && stmt(s.init), test: s.test && expr(s.test), update: s.update && expr(s.update), body: s.body.map(stmt) };
    case 'while':
    case 'do':
      return { ...s, test: expr(s.test), body: s.body.map(stmt) };
    case 'block':
      return { ...s, body: s.body.map(stmt) };
    case 'return':
      return s.e ? { ...s, e: expr(s.e) } : s;
    case 'throw':
      return { ...s, e: expr(s.e) };
    default:
      return s;
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
