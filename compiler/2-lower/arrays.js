"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.lowerBlockOrStatement = void 0;
exports.arrayVar = arrayVar;
exports.lowerLoad = lowerLoad;
exports.lowerElementAssignment = lowerElementAssignment;
exports.isArrayMethodCall = isArrayMethodCall;
exports.lowerArrayCreation = lowerArrayCreation;
exports.lowerArrayCall = lowerArrayCall;
exports.lowerFillCall = lowerFillCall;
/**
 * Arrays ⇒ ops and statements: element reads (`load`) and writes (`store`),
 * `.length`, creation (`new Float64Array(n)`, `new Array(n).fill(v)`, `[a, b]`,
 * `slice`/`subarray` copies), `push`, `fill`, and the callbacks people write
 * (`reduce`, `map`, `forEach` with an inline arrow function), which become loops.
 *
 * Guarantees: an array variable always names one array object (no aliasing:
 * arrays are created fresh or are parameters), so an element write can only
 * change the array it names.
 */
const ts_morph_1 = require("ts-morph");
const catalog_1 = require("../diagnostics/catalog");
const types_1 = require("../ir/types");
const context_1 = require("./context");
const expressions_1 = require("./expressions");
const statements_1 = require("./statements");
Object.defineProperty(exports, "lowerBlockOrStatement", { enumerable: true, get: function () { return statements_1.lowerBlockOrStatement; } });
/** The array variable an expression names (`xs` in `xs[i]`, `xs.length`). */
function arrayVar(cx, node) {
    const e = (0, expressions_1.skipOuter)(node);
    if (ts_morph_1.ts.isIdentifier(e)) {
        const v = cx.fn.lookup(e.text);
        if (v !== undefined && (0, types_1.isArrayType)(cx.fn.vars[v].type))
            return v;
        if (v !== undefined)
            return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, e), `indexing '${e.text}', which is not an array`));
    }
    return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, e), `'${e.getText(cx.sf)}' as an array: index a parameter or a local array variable`));
}
function lowerLoad(cx, e) {
    const v = arrayVar(cx, e.expression);
    const index = (0, expressions_1.lowerExpr)(cx, e.argumentExpression);
    if (cx.fn.temps[index] !== 'number')
        return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, e.argumentExpression), 'a non-numeric index'));
    return cx.fn.op({ op: 'load', var: v }, [index], 'number');
}
/** `a[i] = …`, `a[i] += …`, `a[i]++`: index first, then the value, then the write. Returns the value written. */
function lowerElementAssignment(cx, target, compute) {
    const v = arrayVar(cx, target.expression);
    const info = cx.fn.vars[v];
    if (info.type === 'readonly number[]')
        return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, target), `writing to the readonly array '${info.name}'`));
    const index = (0, expressions_1.lowerExpr)(cx, target.argumentExpression);
    // The old element is loaded only when the value needs it (`+=`, `++`), never for plain `=`.
    let loaded;
    const value = compute(() => (loaded ??= cx.fn.op({ op: 'load', var: v }, [index], 'number')));
    cx.fn.emit({ kind: 'store', var: v, index, value, origin: cx.fn.origin });
    return value;
}
const arrayMethods = new Set(['push', 'fill', 'slice', 'subarray', 'reduce', 'map', 'forEach']);
function isArrayMethodCall(cx, callee) {
    const obj = (0, expressions_1.skipOuter)(callee.expression);
    if (ts_morph_1.ts.isIdentifier(obj)) {
        const v = cx.fn.lookup(obj.text);
        return v !== undefined && (0, types_1.isArrayType)(cx.fn.vars[v].type);
    }
    // `xs.map(f).reduce(g)`: a method on an array-valued expression.
    const t = (0, expressions_1.typeOfNode)(cx, obj);
    return arrayMethods.has(callee.name.text) && t !== undefined && (0, types_1.isArrayType)(t);
}
/** The variable naming an array operand: the variable itself, or a hidden one holding an array-valued expression. */
function arrayOperand(cx, node) {
    const e = (0, expressions_1.skipOuter)(node);
    if (ts_morph_1.ts.isIdentifier(e))
        return arrayVar(cx, e);
    const t = (0, expressions_1.lowerExpr)(cx, e);
    const type = cx.fn.temps[t];
    if (!(0, types_1.isArrayType)(type))
        return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, e), `'${e.getText(cx.sf).slice(0, 40)}' as an array`));
    const last = cx.fn.current[cx.fn.current.length - 1];
    if (last && last.kind === 'op' && last.id === t && last.op === 'read')
        return last.var; // already a variable (a map's result)
    const v = cx.fn.declare('array', type, 'hidden', true);
    cx.fn.assign(v, t, true);
    return v;
}
/** `new Float64Array(n)`, `new Array(n).fill(v)`, `[a, b, c]`, `new Float64Array([a, b])`, `new Float64Array(xs)`. */
function lowerArrayCreation(cx, e, declared) {
    const type = declared ?? (0, expressions_1.typeOfNode)(cx, e);
    if (type === undefined || !(0, types_1.isArrayType)(type))
        return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, e), `'${e.getText(cx.sf).slice(0, 40)}'`));
    if (ts_morph_1.ts.isArrayLiteralExpression(e)) {
        if (e.elements.length === 1 && ts_morph_1.ts.isSpreadElement(e.elements[0])) {
            const src = arrayVar(cx, e.elements[0].expression);
            return cx.fn.op({ op: 'slice', var: src, type: 'number[]', hasStart: false, hasEnd: false }, [], type);
        }
        const elems = e.elements.map((el) => {
            if (ts_morph_1.ts.isSpreadElement(el))
                return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, el), 'spread in an array literal (only [...xs] as a whole copy)'));
            return (0, expressions_1.lowerExpr)(cx, el);
        });
        return cx.fn.op({ op: 'newArray', type, form: 'literal' }, elems, type);
    }
    if (ts_morph_1.ts.isNewExpression(e) && ts_morph_1.ts.isIdentifier(e.expression)) {
        const ctor = e.expression.text;
        const args = e.arguments ?? [];
        if ((ctor === 'Float64Array' || ctor === 'Float32Array') && args.length === 1) {
            const arg = (0, expressions_1.skipOuter)(args[0]);
            if (ts_morph_1.ts.isArrayLiteralExpression(arg))
                return cx.fn.op({ op: 'newArray', type: ctor, form: 'literal' }, arg.elements.map((el) => (0, expressions_1.lowerExpr)(cx, el)), ctor);
            const argType = (0, expressions_1.typeOfNode)(cx, arg);
            if (argType && (0, types_1.isArrayType)(argType))
                return cx.fn.op({ op: 'slice', var: arrayVar(cx, arg), type: ctor, hasStart: false, hasEnd: false }, [], ctor);
            const n = (0, expressions_1.lowerExpr)(cx, arg);
            return cx.fn.op({ op: 'newArray', type: ctor, form: 'sized' }, [n], ctor);
        }
        if (ctor === 'Array' && args.length === 1) {
            return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, e), 'new Array(n) without .fill(value): its elements are holes'));
        }
    }
    return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, e), `array creation '${e.getText(cx.sf).slice(0, 40)}'`));
}
/** `new Array(n).fill(v)` / `Array(n).fill(v)`: a sized number[]. */
function sizedArrayFill(cx, call, callee) {
    if (callee.name.text !== 'fill' || call.arguments.length !== 1)
        return undefined;
    const inner = (0, expressions_1.skipOuter)(callee.expression);
    const isArrayCtor = (ts_morph_1.ts.isNewExpression(inner) || ts_morph_1.ts.isCallExpression(inner)) && ts_morph_1.ts.isIdentifier(inner.expression) && inner.expression.text === 'Array' && (inner.arguments?.length ?? 0) === 1;
    if (!isArrayCtor)
        return undefined;
    const n = (0, expressions_1.lowerExpr)(cx, inner.arguments[0]);
    const v = (0, expressions_1.lowerExpr)(cx, call.arguments[0]);
    return cx.fn.op({ op: 'newArray', type: 'number[]', form: 'sized' }, [n, v], 'number[]');
}
/** Calls of array methods: `push`, `fill`, `slice`, `subarray`, `reduce`, `map`, `forEach`. */
function lowerArrayCall(cx, call, callee) {
    const method = callee.name.text;
    const v = arrayOperand(cx, callee.expression);
    const info = cx.fn.vars[v];
    const args = call.arguments;
    switch (method) {
        case 'push': {
            if (info.type !== 'number[]' || info.role === 'param')
                return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, call), `push on '${info.name}': only local number[] arrays can grow`));
            let last = -1;
            for (const a of args) {
                last = (0, expressions_1.lowerExpr)(cx, a);
                cx.fn.emit({ kind: 'push', var: v, value: last, origin: cx.fn.origin });
            }
            return cx.fn.op({ op: 'length', var: v }, [], 'number');
        }
        case 'fill': {
            if (args.length !== 1)
                return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, call), 'fill with a start or end: write a loop'));
            const value = (0, expressions_1.lowerExpr)(cx, args[0]);
            cx.fn.emit({ kind: 'fill', var: v, value, origin: cx.fn.origin });
            return value;
        }
        case 'slice':
        case 'subarray': {
            if (args.length > 2)
                return (0, context_1.fail)(catalog_1.errors.arity((0, context_1.pos)(cx, call), method, 2, args.length));
            const bounds = args.map((a) => (0, expressions_1.lowerExpr)(cx, a));
            const type = info.type === 'readonly number[]' ? 'number[]' : info.type;
            return cx.fn.op({ op: 'slice', var: v, type, hasStart: bounds.length > 0, hasEnd: bounds.length > 1 }, bounds, type);
        }
        case 'reduce':
        case 'map':
        case 'forEach':
            return lowerCallback(cx, call, method, v);
        default:
            return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, call), `the array method '${method}'`));
    }
}
function lowerFillCall(cx, call) {
    const callee = (0, expressions_1.skipOuter)(call.expression);
    if (!ts_morph_1.ts.isPropertyAccessExpression(callee))
        return undefined;
    return sizedArrayFill(cx, call, callee);
}
/**
 * `xs.reduce((acc, x, i) => body, init)` ⇒ `acc = init; for (i = 0; i < xs.length; i++) { x = xs[i]; acc = body }`
 * `xs.map((x, i) => body)`              ⇒ `r = new(xs.length); for (…) { x = xs[i]; r[i] = body }`
 * `xs.forEach((x, i) => { … })`          ⇒ `for (…) { x = xs[i]; … }` (a `return` in the callback is a `continue`)
 */
function lowerCallback(cx, call, method, arr) {
    const cb = call.arguments[0] && (0, expressions_1.skipOuter)(call.arguments[0]);
    if (!cb || !(ts_morph_1.ts.isArrowFunction(cb) || ts_morph_1.ts.isFunctionExpression(cb)))
        return (0, context_1.fail)(catalog_1.errors.callback((0, context_1.pos)(cx, call), `${method} needs an inline arrow function as its callback`));
    const names = cb.parameters.map((p) => (ts_morph_1.ts.isIdentifier(p.name) ? p.name.text : (0, context_1.fail)(catalog_1.errors.callback((0, context_1.pos)(cx, p), 'destructuring parameters'))));
    const isReduce = method === 'reduce';
    const elementIndex = isReduce ? 1 : 0;
    if (names.length > elementIndex + 2)
        return (0, context_1.fail)(catalog_1.errors.callback((0, context_1.pos)(cx, cb), `the array argument of the ${method} callback`));
    const fn = cx.fn;
    const arrType = fn.vars[arr].type;
    let acc;
    let result;
    const index = fn.declare(names[elementIndex + 1] ?? 'i', 'number', 'hidden', false);
    if (isReduce) {
        if (call.arguments.length === 2) {
            acc = fn.declare(names[0] ?? 'acc', 'number', 'hidden', false);
            fn.assign(acc, (0, expressions_1.lowerExpr)(cx, call.arguments[1]), true);
            fn.assign(index, fn.constant(0), true);
        }
        else {
            acc = fn.declare(names[0] ?? 'acc', 'number', 'hidden', false);
            fn.assign(acc, fn.op({ op: 'load', var: arr }, [fn.constant(0)], 'number'), true);
            fn.assign(index, fn.constant(1), true);
        }
    }
    else {
        fn.assign(index, fn.constant(0), true);
    }
    if (method === 'map') {
        const type = arrType === 'Float64Array' || arrType === 'Float32Array' ? arrType : 'number[]';
        result = fn.declare('mapped', type, 'hidden', true);
        const n = fn.op({ op: 'length', var: arr }, [], 'number');
        const args = type === 'number[]' ? [n, fn.constant(0)] : [n];
        fn.assign(result, fn.op({ op: 'newArray', type, form: 'sized' }, args, type), true);
    }
    const loopId = fn.newLoop(undefined);
    let cond = -1;
    const test = fn.region(() => {
        cond = (0, expressions_1.prim)(cx, 'lt', [fn.read(index), fn.op({ op: 'length', var: arr }, [], 'number')]);
    });
    const body = fn.withScope(() => fn.region(() => {
        const element = fn.declare(names[elementIndex] ?? 'x', 'number', 'local', true);
        fn.assign(element, fn.op({ op: 'load', var: arr }, [fn.read(index)], 'number'), true);
        if (acc !== undefined)
            fn.lookupOverride(names[0], acc);
        fn.lookupOverride(names[elementIndex + 1], index);
        const value = (0, statements_1.lowerLoopBody)(cx, cb, method === 'forEach');
        if (isReduce)
            fn.assign(acc, value);
        if (method === 'map')
            fn.emit({ kind: 'store', var: result, index: fn.read(index), value: value, origin: fn.origin });
    }));
    const update = fn.region(() => {
        fn.assign(index, (0, expressions_1.prim)(cx, 'add', [fn.read(index), fn.constant(1)]));
    });
    fn.endLoop();
    fn.emit({ kind: 'loop', id: loopId, form: 'for', test, cond, body, update, origin: fn.origin });
    if (isReduce)
        return fn.read(acc);
    if (method === 'map')
        return fn.read(result);
    return fn.constant(0);
}
