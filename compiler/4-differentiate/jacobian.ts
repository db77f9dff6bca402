/**
 * `f_jacobian` for a vector-valued `f`: the dense Jacobian, one Float64Array
 * per output (rows), columns in parameter order (all elements of the first
 * differentiated parameter, then the next, a number being one column).
 *
 * Built from the public `f_jvp`/`f_vjp` of the same file: forward mode, one
 * column per input, when there are no more inputs than outputs; reverse mode,
 * one row per output, otherwise — whichever takes fewer sweeps. The first forward
 * sweep gives the number of outputs; later sweeps reuse one `out` object, so
 * only the rows themselves are allocated.
 */
import { isArrayType, isUnionArray, type ArrayType, type IRFunction, type VarId } from '../ir/types';
import { b, type JsExpr, type JsFunction, type JsStmt } from '../5-print/js';
import { FunctionNames } from './names';
import type { FileContext } from './context';
import { jsType, paramDecl, zeroArrayExpr, zerosLikeExpr } from './arrays';

/** (`withValue`: it returns `{ value, rows }`, the value too, for the public Jacobian of an object result to read its lengths out of.) */
export function emitJacobian(fn: IRFunction, activeParams: ReadonlySet<VarId>, name: string, ctx: FileContext, prefix = fn.name, withValue = false): JsFunction {
  const names = new FunctionNames(fn, ctx, true);
  const params = fn.params.map((p) => paramDecl(fn, p, names.variable(p), true));
  const active = fn.params.filter((p) => activeParams.has(p));
  const v = (p: VarId) => b.id(names.variable(p));
  const len = (p: VarId): JsExpr => (isArrayType(fn.vars[p].type) ? b.member(v(p), 'length') : b.num(1));
  const body: JsStmt[] = [];
  const jvp = `${prefix}_jvp`;
  const vjp = `${prefix}_vjp`;

  // Zero tangents, one per differentiated parameter; a column sets one entry to 1 at a time.
  const tangent = new Map<VarId, string>();
  for (const p of active) {
    const t = fn.vars[p].type;
    const dn = names.tangent(p);
    tangent.set(p, dn);
    body.push(isArrayType(t) ? b.const(dn, zerosLikeExpr(t, v(p), ctx)) : b.let(dn, b.num(0)));
  }
  // The result's kind (a readonly number[] result gives number[] derivatives; a union type's, the value's kind).
  const resultKind: ArrayType = fn.returnType === 'readonly number[]' ? 'number[]' : (fn.returnType as ArrayType);
  const resultZeros = (): JsExpr => (isUnionArray(resultKind) ? zerosLikeExpr(resultKind, b.member(b.id(jvpOut), 'value'), ctx) : zeroArrayExpr(resultKind, b.id(m)));
  const m = names.fresh('m');
  const n = names.fresh('n');
  const rows = names.fresh('rows');
  const jvpOut = names.fresh('first');
  const callJvp = (withOut = true): JsExpr => b.call(jvp, [...params.map((q) => b.id(q.name)), ...active.map((p) => b.id(tangent.get(p)!)), ...(withOut ? [b.id(jvpOut)] : [])]);
  // The first sweep gives the number of outputs; its result is then the `out` of every other one.
  body.push(b.comment('the value, to know the number of outputs'));
  body.push(b.const(jvpOut, callJvp(false)));
  body.push(b.const(m, b.member(b.member(b.id(jvpOut), 'value'), 'length')));
  body.push(
    b.const(
      n,
      active.map(len).reduce((acc, e) => b.add(acc, e)),
    ),
  );
  body.push(b.const(rows, b.as(b.arr([]), 'Float64Array[]')));
  const i = names.fresh('i');
  body.push(b.countUp(i, b.id(m), [b.expr(b.call(b.member(b.id(rows), 'push'), [b.newObj('Float64Array', [b.id(n)])]))]));

  // Forward mode: column `col` of J is the tangent along the unit vector of that input.
  const forward: JsStmt[] = [];
  const col = names.fresh('col');
  forward.push(b.let(col, b.num(0)));
  const k = names.fresh('k');
  const columnOf = (setOne: JsStmt, reset: JsStmt): JsStmt[] => {
    const tg = names.fresh('tangent');
    const r = names.fresh('r');
    return [
      setOne,
      b.const(tg, b.member(callJvp(), 'tangent')),
      reset,
      b.countUp(r, b.id(m), [b.assign(b.index(b.index(b.id(rows), b.id(r)), b.id(col)), b.index(b.id(tg), b.id(r)))]),
      b.expr({ k: 'postfix', op: '++', target: b.id(col) }),
    ];
  };
  for (const p of active) {
    const dn = b.id(tangent.get(p)!);
    if (isArrayType(fn.vars[p].type)) {
      forward.push(b.countUp(k, len(p), columnOf(b.assign(b.index(dn, b.id(k)), b.num(1)), b.assign(b.index(dn, b.id(k)), b.num(0)))));
    } else {
      forward.push(...columnOf(b.assign(dn, b.num(1)), b.assign(dn, b.num(0))));
    }
  }

  // Reverse mode: row `r` of J is the gradient of output r.
  const reverse: JsStmt[] = [];
  const w = names.fresh('w');
  const r = names.fresh('r');
  // The cotangent has the kind of the result.
  reverse.push(b.const(w, resultZeros()));
  const vjpOut = names.fresh('vjpOut');
  const gradTypes = active.map((p) => jsType(fn.vars[p].type, 'adjoint'));
  const gradZeros = active.map((p) => {
    const t = fn.vars[p].type;
    return isArrayType(t) ? zerosLikeExpr(t, v(p), ctx) : b.num(0);
  });
  reverse.push(
    b.const(vjpOut, {
      k: 'obj',
      props: [
        ['value', resultZeros()],
        ['grads', b.as(b.arr(gradZeros), `[${gradTypes.join(', ')}]`)],
      ],
    }),
  );
  const grads = names.fresh('grads');
  const row: JsStmt[] = [b.assign(b.index(b.id(w), b.id(r)), b.num(1))];
  row.push(b.const(grads, b.member(b.call(vjp, [...params.map((q) => b.id(q.name)), b.id(w), b.id(vjpOut)]), 'grads')));
  row.push(b.assign(b.index(b.id(w), b.id(r)), b.num(0)));
  let offset: JsExpr = b.num(0);
  active.forEach((p, idx) => {
    const g = b.index(b.id(grads), b.num(idx));
    const target = b.index(b.id(rows), b.id(r));
    if (isArrayType(fn.vars[p].type)) row.push(b.expr(b.call(b.member(target, 'set'), [g, offset])));
    else row.push(b.assign(b.index(target, offset), g));
    offset = b.add(offset, len(p));
  });
  reverse.push(b.countUp(r, b.id(m), row));

  body.push(b.comment('fewer inputs than outputs: one forward sweep per input; else one reverse sweep per output'));
  body.push(b.if(b.bin('<=', b.id(n), b.id(m)), forward, reverse));
  body.push(
    b.return(
      withValue
        ? b.obj([
            ['value', b.member(b.id(jvpOut), 'value')],
            ['rows', b.id(rows)],
          ])
        : b.id(rows),
    ),
  );
  const wrt = active.map((p) => fn.vars[p].name).join(', ');
  return {
    name,
    exported: true,
    doc: `Jacobian of \`${fn.name}\` with respect to (${wrt}): one Float64Array per output, columns in parameter order.`,
    params,
    returnType: withValue ? `{ value: ${jsType(fn.returnType, 'result')}; rows: Float64Array[] }` : 'Float64Array[]',
    body,
  };
}
