"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.emitJacobian = emitJacobian;
/**
 * `f_jacobian` for a vector-valued `f`: the dense Jacobian, one Float64Array
 * per output (rows), columns in parameter order (all elements of the first
 * differentiated parameter, then the next, a number being one column).
 *
 * Built from the public `f_jvp`/`f_vjp` of the same file: forward mode, one
 * column per input, when there are no more inputs than outputs; reverse mode,
 * one row per output, otherwise — whichever takes fewer sweeps.
 */
const types_1 = require("../ir/types");
const js_1 = require("../5-print/js");
const names_1 = require("./names");
const arrays_1 = require("./arrays");
function emitJacobian(fn, activeParams, name, prefix = fn.name) {
    const names = new names_1.FunctionNames(fn, true);
    const params = fn.params.map((p) => ({ name: names.variable(p), type: (0, arrays_1.jsType)(fn.vars[p].type, 'param') }));
    const active = fn.params.filter((p) => activeParams.has(p));
    const v = (p) => js_1.b.id(names.variable(p));
    const len = (p) => ((0, types_1.isArrayType)(fn.vars[p].type) ? js_1.b.member(v(p), 'length') : js_1.b.num(1));
    const body = [];
    const jvp = `${prefix}_jvp`;
    const vjp = `${prefix}_vjp`;
    // Zero tangents, one per differentiated parameter; a column sets one entry to 1 at a time.
    const tangent = new Map();
    for (const p of active) {
        const t = fn.vars[p].type;
        const dn = names.tangent(p);
        tangent.set(p, dn);
        body.push((0, types_1.isArrayType)(t) ? js_1.b.const(dn, (0, arrays_1.zeroArrayExpr)(t, len(p))) : js_1.b.let(dn, js_1.b.num(0)));
    }
    const callJvp = () => js_1.b.call(jvp, [...params.map((q) => js_1.b.id(q.name)), ...active.map((p) => js_1.b.id(tangent.get(p)))]);
    const m = names.fresh('m');
    const n = names.fresh('n');
    const rows = names.fresh('rows');
    body.push(js_1.b.comment('the value, to know the number of outputs'));
    body.push(js_1.b.const(m, js_1.b.member(js_1.b.member(callJvp(), 'value'), 'length')));
    body.push(js_1.b.const(n, active.map(len).reduce((acc, e) => js_1.b.add(acc, e))));
    body.push(js_1.b.const(rows, js_1.b.as(js_1.b.arr([]), 'Float64Array[]')));
    const i = names.fresh('i');
    body.push(forLoop(i, js_1.b.id(m), [js_1.b.expr(js_1.b.call(js_1.b.member(js_1.b.id(rows), 'push'), [js_1.b.newObj('Float64Array', [js_1.b.id(n)])]))]));
    // Forward mode: column `col` of J is the tangent along the unit vector of that input.
    const forward = [];
    const col = names.fresh('col');
    forward.push(js_1.b.let(col, js_1.b.num(0)));
    const k = names.fresh('k');
    const columnOf = (setOne, reset) => {
        const tg = names.fresh('tangent');
        const r = names.fresh('r');
        return [
            setOne,
            js_1.b.const(tg, js_1.b.member(callJvp(), 'tangent')),
            reset,
            forLoop(r, js_1.b.id(m), [js_1.b.assign(js_1.b.index(js_1.b.index(js_1.b.id(rows), js_1.b.id(r)), js_1.b.id(col)), js_1.b.index(js_1.b.id(tg), js_1.b.id(r)))]),
            js_1.b.expr({ k: 'postfix', op: '++', target: js_1.b.id(col) }),
        ];
    };
    for (const p of active) {
        const dn = js_1.b.id(tangent.get(p));
        if ((0, types_1.isArrayType)(fn.vars[p].type)) {
            forward.push(forLoop(k, len(p), columnOf(js_1.b.assign(js_1.b.index(dn, js_1.b.id(k)), js_1.b.num(1)), js_1.b.assign(js_1.b.index(dn, js_1.b.id(k)), js_1.b.num(0)))));
        }
        else {
            forward.push(...columnOf(js_1.b.assign(dn, js_1.b.num(1)), js_1.b.assign(dn, js_1.b.num(0))));
        }
    }
    // Reverse mode: row `r` of J is the gradient of output r.
    const reverse = [];
    const w = names.fresh('w');
    const r = names.fresh('r');
    reverse.push(js_1.b.const(w, js_1.b.newObj('Float64Array', [js_1.b.id(m)])));
    const grads = names.fresh('grads');
    const row = [js_1.b.assign(js_1.b.index(js_1.b.id(w), js_1.b.id(r)), js_1.b.num(1))];
    row.push(js_1.b.const(grads, js_1.b.member(js_1.b.call(vjp, [...params.map((q) => js_1.b.id(q.name)), js_1.b.id(w)]), 'grads')));
    row.push(js_1.b.assign(js_1.b.index(js_1.b.id(w), js_1.b.id(r)), js_1.b.num(0)));
    let offset = js_1.b.num(0);
    active.forEach((p, idx) => {
        const g = js_1.b.index(js_1.b.id(grads), js_1.b.num(idx));
        const target = js_1.b.index(js_1.b.id(rows), js_1.b.id(r));
        if ((0, types_1.isArrayType)(fn.vars[p].type))
            row.push(js_1.b.expr(js_1.b.call(js_1.b.member(target, 'set'), [g, offset])));
        else
            row.push(js_1.b.assign(js_1.b.index(target, offset), g));
        offset = js_1.b.add(offset, len(p));
    });
    reverse.push(forLoop(r, js_1.b.id(m), row));
    body.push(js_1.b.comment('fewer inputs than outputs: one forward sweep per input; else one reverse sweep per output'));
    body.push(js_1.b.if(js_1.b.bin('<=', js_1.b.id(n), js_1.b.id(m)), forward, reverse));
    body.push(js_1.b.return(js_1.b.id(rows)));
    const wrt = active.map((p) => fn.vars[p].name).join(', ');
    return {
        name,
        exported: true,
        doc: `Jacobian of \`${fn.name}\` with respect to (${wrt}): one Float64Array per output, columns in parameter order.`,
        params,
        returnType: 'Float64Array[]',
        body,
    };
}
function forLoop(i, n, body) {
    return { k: 'for', init: js_1.b.let(i, js_1.b.num(0)), test: js_1.b.bin('<', js_1.b.id(i), n), update: { k: 'postfix', op: '++', target: js_1.b.id(i) }, body };
}
