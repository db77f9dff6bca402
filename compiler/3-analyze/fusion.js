"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.findFusions = findFusions;
const types_1 = require("../ir/types");
function walk(region, visit) {
    for (const s of region) {
        visit(s);
        if (s.kind === 'if') {
            walk(s.then, visit);
            walk(s.else, visit);
        }
        else if (s.kind === 'loop') {
            walk(s.test, visit);
            walk(s.body, visit);
            walk(s.update, visit);
        }
    }
}
function findFusions(fn, act) {
    const out = new Map();
    for (const s of fn.body) {
        if (s.kind !== 'loop')
            continue;
        const f = fusion(fn, act, s);
        if (f)
            out.set(s, f);
    }
    return out;
}
function fusion(fn, act, l) {
    // Test: no active op.
    let ok = true;
    walk(l.test, (s) => {
        if (s.kind === 'op' && act.activeTemp[s.id])
            ok = false;
        if (s.kind !== 'op')
            ok = false;
    });
    if (!ok)
        return undefined;
    const locals = new Set();
    const written = new Set();
    const defs = new Map();
    const uses = new Map();
    walk(l.body, (s) => {
        if ((s.kind === 'assign' && s.declare) || s.kind === 'declare')
            locals.add(s.var);
        if (s.kind === 'assign')
            written.add(s.var);
        if ((s.kind === 'store' || s.kind === 'push' || s.kind === 'fill') && !(0, types_1.isArrayType)(fn.vars[s.var].type))
            ok = false;
        if (s.kind === 'store' || s.kind === 'push' || s.kind === 'fill')
            written.add(s.var);
        if (s.kind === 'op') {
            defs.set(s.id, s);
            s.args.forEach((a) => uses.set(a, (uses.get(a) ?? 0) + 1));
        }
        if (s.kind === 'assign' || s.kind === 'push' || s.kind === 'fill')
            uses.set(s.value, (uses.get(s.value) ?? 0) + 1);
        if (s.kind === 'store') {
            uses.set(s.index, (uses.get(s.index) ?? 0) + 1);
            uses.set(s.value, (uses.get(s.value) ?? 0) + 1);
        }
        if (s.kind === 'if')
            uses.set(s.cond, (uses.get(s.cond) ?? 0) + 1);
        if (s.kind === 'return')
            ok = false;
    });
    if (!ok)
        return undefined;
    // Arrays written in the loop must be its own.
    for (const v of written)
        if ((0, types_1.isArrayType)(fn.vars[v].type) && !locals.has(v))
            return undefined;
    const outside = [...written].filter((v) => !locals.has(v) && act.activeVar[v]);
    if (outside.length !== 1)
        return undefined;
    const acc = outside[0];
    if ((0, types_1.isArrayType)(fn.vars[acc].type))
        return undefined;
    // Every write of the accumulator is a chain of + / − starting at a read of it; chain links are used once.
    const chainStarts = new Set();
    const isChain = (t) => {
        const d = defs.get(t);
        if (!d || (uses.get(t) ?? 0) !== 1)
            return false;
        if (d.op === 'read' && d.var === acc) {
            chainStarts.add(t);
            return true;
        }
        return d.op === 'prim' && (d.fn === 'add' || d.fn === 'sub') && isChain(d.args[0]);
    };
    walk(l.body, (s) => {
        if (s.kind === 'assign' && s.var === acc) {
            const d = defs.get(s.value);
            if (!d || d.op !== 'prim' || (d.fn !== 'add' && d.fn !== 'sub') || !isChain(d.args[0]))
                ok = false;
        }
    });
    if (!ok)
        return undefined;
    // No other active read of the accumulator.
    walk(l.body, (s) => {
        if (s.kind === 'op' && s.op === 'read' && s.var === acc && act.activeTemp[s.id] && !chainStarts.has(s.id))
            ok = false;
    });
    if (!ok)
        return undefined;
    const inputs = new Set();
    walk(l.body, (s) => {
        if (s.kind === 'op' && (s.op === 'read' || s.op === 'load' || s.op === 'slice') && act.activeVar[s.var] && s.var !== acc && !locals.has(s.var)) {
            if (s.op !== 'read' || act.activeTemp[s.id] || (0, types_1.isArrayType)(fn.vars[s.var].type))
                inputs.add(s.var);
        }
    });
    return { loop: l, accumulator: acc, inputs: [...inputs].sort((a, b) => a - b), locals };
}
