"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.jsType = jsType;
exports.loadExpr = loadExpr;
exports.newArrayExpr = newArrayExpr;
exports.sliceExpr = sliceExpr;
exports.isTyped = isTyped;
exports.zeroArrayExpr = zeroArrayExpr;
exports.emptyArrayExpr = emptyArrayExpr;
exports.writtenParams = writtenParams;
const js_1 = require("../5-print/js");
/**
 * The TypeScript type of a value in generated code. A `readonly number[]`
 * parameter keeps its type; derivatives of it (tangent arguments accepted as
 * given, gradients returned) are `number[]`.
 */
function jsType(t, role) {
    if (t === 'readonly number[]')
        return role === 'param' || role === 'tangent' ? 'readonly number[]' : 'number[]';
    return t;
}
/** `a[i]`, with `!` for plain arrays when the project checks indexed access. */
function loadExpr(arr, index, type, ctx) {
    const e = js_1.b.index(arr, index);
    return ctx.uncheckedIndex && (type === 'number[]' || type === 'readonly number[]') ? { k: 'nonNull', e } : e;
}
/** `new Float64Array(n)`, `new Array<number>(n).fill(v)`, `[a, b]`, `new Float64Array([a, b])`. */
function newArrayExpr(op, args) {
    if (op.form === 'literal')
        return op.type === 'Float64Array' || op.type === 'Float32Array' ? js_1.b.newObj(op.type, [js_1.b.arr(args)]) : js_1.b.arr(args);
    if (op.type === 'Float64Array' || op.type === 'Float32Array')
        return js_1.b.newObj(op.type, [args[0]]);
    return js_1.b.call(js_1.b.member(js_1.b.newObj('Array<number>', [args[0]]), 'fill'), [args[1] ?? js_1.b.num(0)]);
}
/** A copy: `src.slice(start, end)`, or `Float64Array.from(src)` when the kind changes. */
function sliceExpr(src, op, args) {
    return js_1.b.call(js_1.b.member(src, 'slice'), args);
}
function isTyped(t) {
    return t === 'Float64Array' || t === 'Float32Array';
}
/** A zero array of the adjoint kind of `t` and length `n`: `new Float64Array(n)`, `new Array<number>(n).fill(0)`. */
function zeroArrayExpr(t, n) {
    if (isTyped(t))
        return js_1.b.newObj(t, [n]);
    return js_1.b.call(js_1.b.member(js_1.b.newObj('Array<number>', [n]), 'fill'), [js_1.b.num(0)]);
}
/** The value a hoisted array variable holds before its first assignment. */
function emptyArrayExpr(t) {
    return isTyped(t) ? js_1.b.newObj(t, [js_1.b.num(0)]) : js_1.b.as(js_1.b.arr([]), 'number[]');
}
/** Array parameters the function writes to: generated code copies them first, so callers' arrays stay untouched. */
function writtenParams(fn) {
    const out = new Set();
    const visit = (r) => {
        for (const s of r) {
            if ((s.kind === 'store' || s.kind === 'fill' || s.kind === 'push') && fn.params.includes(s.var))
                out.add(s.var);
            if (s.kind === 'if') {
                visit(s.then);
                visit(s.else);
            }
            else if (s.kind === 'loop') {
                visit(s.test);
                visit(s.body);
                visit(s.update);
            }
        }
    };
    visit(fn.body);
    return out;
}
