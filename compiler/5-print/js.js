"use strict";
/**
 * A small JavaScript AST for the code we emit, and the `b.*` builders over it.
 *
 * Emitters build this tree (not TypeScript nodes) because it is easy to inspect
 * and simplify: the builders fold constants and drop `0 * x`, `x * 1`, `x + 0`
 * as they build, so no emitter has to think about it. `printFile` turns the tree
 * into TypeScript nodes and text.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.b = void 0;
exports.isNum = isNum;
exports.isAtom = isAtom;
exports.namesIn = namesIn;
exports.substitute = substitute;
exports.resimplify = resimplify;
exports.sameExpr = sameExpr;
// ---------------------------------------------------------------------------
// Builders. Each one simplifies what it can see locally.
// ---------------------------------------------------------------------------
const num = (v) => (Object.is(v, -0) ? { k: 'num', v: 0 } : { k: 'num', v });
const id = (name) => ({ k: 'id', name });
function isNum(e, v) {
    return e.k === 'num' && (v === undefined || e.v === v);
}
/** True for expressions that are cheap and side-effect free to duplicate: names, numbers, `-name`. */
function isAtom(e) {
    return e.k === 'num' || e.k === 'id' || e.k === 'bool' || (e.k === 'un' && e.op === '-' && (e.e.k === 'id' || e.e.k === 'num'));
}
function neg(e) {
    if (e.k === 'num')
        return num(-e.v);
    if (e.k === 'un' && e.op === '-')
        return e.e;
    // -(a - b) ⇒ b - a is exact in IEEE arithmetic except for the sign of a zero result; keep it literal.
    if (e.k === 'bin' && (e.op === '*' || e.op === '/') && e.l.k === 'num')
        return { k: 'bin', op: e.op, l: num(-e.l.v), r: e.r };
    if (e.k === 'bin' && e.op === '*' && e.l.k === 'un' && e.l.op === '-')
        return { k: 'bin', op: '*', l: e.l.e, r: e.r };
    return { k: 'un', op: '-', e };
}
function add(a, b) {
    if (a.k === 'num' && b.k === 'num')
        return num(a.v + b.v);
    if (isNum(a, 0))
        return b;
    if (isNum(b, 0))
        return a;
    if (b.k === 'un' && b.op === '-')
        return sub(a, b.e);
    if (b.k === 'num' && b.v < 0)
        return { k: 'bin', op: '-', l: a, r: num(-b.v) };
    if (b.k === 'bin' && (b.op === '*' || b.op === '/') && b.l.k === 'num' && b.l.v < 0)
        return { k: 'bin', op: '-', l: a, r: { k: 'bin', op: b.op, l: num(-b.l.v), r: b.r } };
    if (a.k === 'un' && a.op === '-' && !(b.k === 'un'))
        return sub(b, a.e);
    return { k: 'bin', op: '+', l: a, r: b };
}
function sub(a, b) {
    if (a.k === 'num' && b.k === 'num')
        return num(a.v - b.v);
    if (isNum(b, 0))
        return a;
    if (isNum(a, 0))
        return neg(b);
    if (b.k === 'un' && b.op === '-')
        return add(a, b.e);
    if (b.k === 'num' && b.v < 0)
        return { k: 'bin', op: '+', l: a, r: num(-b.v) };
    return { k: 'bin', op: '-', l: a, r: b };
}
function mul(a, b) {
    if (a.k === 'num' && b.k === 'num')
        return num(a.v * b.v);
    if (isNum(a, 0) || isNum(b, 0))
        return num(0);
    if (isNum(a, 1))
        return b;
    if (isNum(b, 1))
        return a;
    if (isNum(a, -1))
        return neg(b);
    if (isNum(b, -1))
        return neg(a);
    // Constants first: x * 2 ⇒ 2 * x.
    if (b.k === 'num')
        return mul(b, a);
    // (c ? 1 : 0) * e ⇒ c ? e : 0 (a selected derivative, no multiplication by 0 or 1).
    if (a.k === 'cond' && a.a.k === 'num' && a.b.k === 'num')
        return { k: 'cond', c: a.c, a: mul(a.a, b), b: mul(a.b, b) };
    if (b.k === 'cond' && b.a.k === 'num' && b.b.k === 'num')
        return { k: 'cond', c: b.c, a: mul(a, b.a), b: mul(a, b.b) };
    // (1 / d) * x ⇒ x / d
    if (a.k === 'bin' && a.op === '/' && isNum(a.l, 1))
        return div(b, a.r);
    if (b.k === 'bin' && b.op === '/' && isNum(b.l, 1))
        return div(a, b.r);
    if (a.k === 'un' && a.op === '-')
        return neg(mul(a.e, b));
    if (b.k === 'un' && b.op === '-')
        return neg(mul(a, b.e));
    // c1 * (c2 * x) ⇒ (c1 c2) * x
    if (a.k === 'num' && b.k === 'bin' && b.op === '*' && b.l.k === 'num')
        return mul(num(a.v * b.l.v), b.r);
    return { k: 'bin', op: '*', l: a, r: b };
}
function div(a, b) {
    if (a.k === 'num' && b.k === 'num' && b.v !== 0)
        return num(a.v / b.v);
    if (isNum(a, 0))
        return num(0);
    if (isNum(b, 1))
        return a;
    if (isNum(b, -1))
        return neg(a);
    if (a.k === 'un' && a.op === '-')
        return neg(div(a.e, b));
    return { k: 'bin', op: '/', l: a, r: b };
}
function pow(a, b) {
    if (isNum(b, 1))
        return a;
    if (isNum(b, 0))
        return num(1);
    return { k: 'bin', op: '**', l: a, r: b };
}
/** Σ terms, dropping zeros. */
function sum(terms) {
    let acc = num(0);
    for (const t of terms)
        acc = add(acc, t);
    return acc;
}
const bin = (op, l, r) => ({ k: 'bin', op, l, r });
const call = (fn, args) => ({ k: 'call', fn: typeof fn === 'string' ? path(fn) : fn, args });
const member = (obj, name) => ({ k: 'member', obj, name });
const index = (obj, i) => ({ k: 'index', obj, index: i });
/** `Math.sin` and friends from a dotted path. */
function path(dotted) {
    const parts = dotted.split('.');
    let e = id(parts[0]);
    for (const p of parts.slice(1))
        e = member(e, p);
    return e;
}
function not(e) {
    if (e.k === 'bool')
        return { k: 'bool', v: !e.v };
    if (e.k === 'un' && e.op === '!')
        return e.e;
    if (e.k === 'bin' && e.op === '===')
        return { ...e, op: '!==' };
    if (e.k === 'bin' && e.op === '!==')
        return { ...e, op: '===' };
    return { k: 'un', op: '!', e };
}
exports.b = {
    num,
    id,
    bool: (v) => ({ k: 'bool', v }),
    neg,
    add,
    sub,
    mul,
    div,
    pow,
    sum,
    bin,
    not,
    call,
    member,
    index,
    path,
    cond: (c, a, bb) => ({ k: 'cond', c, a, b: bb }),
    obj: (props) => ({ k: 'obj', props }),
    arr: (elems) => ({ k: 'arr', elems }),
    newObj: (ctor, args) => ({ k: 'new', ctor, args }),
    as: (e, type) => ({ k: 'as', e, type }),
    math: (fn, ...args) => call(`Math.${fn}`, args),
    // statements
    const: (name, init, type) => ({ k: 'decl', kind: 'const', name, init, type }),
    let: (name, init, type) => ({ k: 'decl', kind: 'let', name, init, type }),
    assign: (target, value, op = '=') => ({
        k: 'assign',
        target: typeof target === 'string' ? id(target) : target,
        op,
        value,
    }),
    /** `target += value`, or nothing when value is 0; `target -= v` for a negated value. */
    accumulate(target, value) {
        const t = typeof target === 'string' ? id(target) : target;
        if (isNum(value, 0))
            return [];
        if (value.k === 'num' && value.v < 0)
            return [{ k: 'assign', target: t, op: '-=', value: num(-value.v) }];
        if (value.k === 'un' && value.op === '-')
            return [{ k: 'assign', target: t, op: '-=', value: value.e }];
        if (value.k === 'bin' && (value.op === '*' || value.op === '/') && value.l.k === 'num' && value.l.v < 0)
            return [{ k: 'assign', target: t, op: '-=', value: { k: 'bin', op: value.op, l: num(-value.l.v), r: value.r } }];
        return [{ k: 'assign', target: t, op: '+=', value }];
    },
    expr: (e) => ({ k: 'expr', e }),
    /** `if (c) {…} else {…}`; an empty then-arm flips the condition. */
    if: (c, then, els) => then.length === 0 && els && els.length > 0 ? { k: 'if', c: not(c), then: els } : { k: 'if', c, then, else: els && els.length > 0 ? els : undefined },
    return: (e) => ({ k: 'return', e }),
    comment: (text) => ({ k: 'comment', text }),
    break: (label) => ({ k: 'break', label }),
    continue: (label) => ({ k: 'continue', label }),
};
/** Names referenced by an expression (identifiers at the root of member chains included). */
function namesIn(e, into = new Set()) {
    switch (e.k) {
        case 'num':
        case 'bool':
        case 'str':
            break;
        case 'id':
            into.add(e.name);
            break;
        case 'bin':
            namesIn(e.l, into);
            namesIn(e.r, into);
            break;
        case 'un':
            namesIn(e.e, into);
            break;
        case 'call':
            namesIn(e.fn, into);
            for (const a of e.args)
                namesIn(a, into);
            break;
        case 'member':
            namesIn(e.obj, into);
            break;
        case 'index':
            namesIn(e.obj, into);
            namesIn(e.index, into);
            break;
        case 'cond':
            namesIn(e.c, into);
            namesIn(e.a, into);
            namesIn(e.b, into);
            break;
        case 'obj':
            for (const [, v] of e.props)
                namesIn(v, into);
            break;
        case 'arr':
        case 'new':
            for (const a of e.k === 'arr' ? e.elems : e.args)
                namesIn(a, into);
            break;
        case 'as':
        case 'nonNull':
            namesIn(e.e, into);
            break;
        case 'assignExpr':
            namesIn(e.target, into);
            namesIn(e.value, into);
            break;
        case 'postfix':
            namesIn(e.target, into);
            break;
    }
    return into;
}
/** Replaces identifiers by expressions (`f(name)` returns undefined to keep a name). */
function substitute(e, f) {
    const go = (x) => substitute(x, f);
    switch (e.k) {
        case 'num':
        case 'bool':
        case 'str':
            return e;
        case 'id':
            return f(e.name) ?? e;
        case 'bin':
            return { ...e, l: go(e.l), r: go(e.r) };
        case 'un':
            return { ...e, e: go(e.e) };
        case 'call':
            return { ...e, fn: go(e.fn), args: e.args.map(go) };
        case 'member':
            return { ...e, obj: go(e.obj) };
        case 'index':
            return { ...e, obj: go(e.obj), index: go(e.index) };
        case 'cond':
            return { ...e, c: go(e.c), a: go(e.a), b: go(e.b) };
        case 'obj':
            return { ...e, props: e.props.map(([k, v]) => [k, go(v)]) };
        case 'arr':
            return { ...e, elems: e.elems.map(go) };
        case 'new':
            return { ...e, args: e.args.map(go) };
        case 'as':
        case 'nonNull':
            return { ...e, e: go(e.e) };
        case 'assignExpr':
            return { ...e, target: go(e.target), value: go(e.value) };
        case 'postfix':
            return { ...e, target: go(e.target) };
    }
}
/** Rebuilds arithmetic through the simplifying builders (after substituting constants into a template). */
function resimplify(e) {
    switch (e.k) {
        case 'bin': {
            const l = resimplify(e.l);
            const r = resimplify(e.r);
            switch (e.op) {
                case '+':
                    return add(l, r);
                case '-':
                    return sub(l, r);
                case '*':
                    return mul(l, r);
                case '/':
                    return div(l, r);
                case '**':
                    return pow(l, r);
                default:
                    return { ...e, l, r };
            }
        }
        case 'un':
            return e.op === '-' ? neg(resimplify(e.e)) : { ...e, e: resimplify(e.e) };
        case 'call':
            return { ...e, args: e.args.map(resimplify) };
        case 'cond':
            return { ...e, c: resimplify(e.c), a: resimplify(e.a), b: resimplify(e.b) };
        default:
            return e;
    }
}
/** Structural equality of two expressions. */
function sameExpr(a, c) {
    return JSON.stringify(a) === JSON.stringify(c);
}
