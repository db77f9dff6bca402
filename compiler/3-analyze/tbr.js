"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.derivativeRefs = derivativeRefs;
exports.planReverse = planReverse;
exports.writtenIn = writtenIn;
const types_1 = require("../ir/types");
const table_1 = require("../rules/table");
const js_1 = require("../5-print/js");
/** The temps an active op's derivative code refers to. */
function derivativeRefs(s, activeTemp) {
    const refs = [];
    switch (s.op) {
        case 'prim': {
            const r = (0, table_1.rule)(s.fn);
            if (!r.partials)
                break;
            const syms = s.args.map((_, i) => js_1.b.id(`\u0000${i}`));
            const partials = r.partials(syms, js_1.b.id('\u0000y'));
            partials.forEach((p, i) => {
                if (!activeTemp[s.args[i]])
                    return;
                const names = (0, js_1.namesIn)(p);
                s.args.forEach((a, j) => names.has(`\u0000${j}`) && refs.push(a));
                if (names.has('\u0000y'))
                    refs.push(s.id);
            });
            break;
        }
        case 'select':
            refs.push(s.args[0]);
            break;
        case 'call':
            refs.push(...s.args);
            break;
        case 'load':
            refs.push(s.args[0]);
            break;
        case 'slice':
            refs.push(...s.args);
            break;
        case 'newArray':
            if (s.form === 'sized')
                refs.push(s.args[0]);
            break;
        default:
            break;
    }
    return refs;
}
function planReverse(fn, act, ints, fusions = new Map()) {
    const build = (region, topLevel, nested) => {
        const nodes = [];
        let current = [];
        const flush = () => {
            if (current.length > 0)
                nodes.push(blockInfo(current, topLevel));
            current = [];
        };
        for (const s of region) {
            if (s.kind === 'if') {
                flush();
                nodes.push({ kind: 'if', stmt: s, then: build(s.then, false, true), else: build(s.else, false, true), nested });
            }
            else if (s.kind === 'loop' && fusions.has(s)) {
                flush();
                nodes.push({ kind: 'fused', stmt: s, fusion: fusions.get(s), test: build(s.test, true, false), body: build(s.body, true, false), entrySaves: [] });
            }
            else if (s.kind === 'loop') {
                flush();
                nodes.push({ kind: 'loop', stmt: s, test: build(s.test, false, true), body: build(s.body, false, true), nested });
            }
            else
                current.push(s);
        }
        flush();
        return nodes;
    };
    const blockInfo = (stmts, topLevel) => {
        const needed = new Set();
        const defs = new Map();
        for (const s of stmts) {
            if (s.kind === 'op') {
                defs.set(s.id, s);
                if (act.activeTemp[s.id])
                    derivativeRefs(s, act.activeTemp).forEach((t) => needed.add(t));
            }
            else if (s.kind === 'store' && act.activeVar[s.var])
                needed.add(s.index);
        }
        // Closure: what the needed temps are computed from.
        const work = [...needed];
        while (work.length > 0) {
            const t = work.pop();
            const d = defs.get(t);
            if (!d)
                continue;
            for (const a of d.args) {
                if (!needed.has(a)) {
                    needed.add(a);
                    work.push(a);
                }
            }
        }
        const neededReads = new Set();
        let replay = false;
        const stored = new Set();
        for (const s of stmts) {
            if (s.kind === 'op' && needed.has(s.id) && (s.op === 'read' || s.op === 'load' || s.op === 'length' || s.op === 'slice')) {
                neededReads.add(s.var);
                if (s.op !== 'read' && stored.has(s.var))
                    replay = true;
            }
            if (s.kind === 'store' || s.kind === 'push' || s.kind === 'fill')
                stored.add(s.var);
        }
        return { kind: 'block', stmts, mode: topLevel ? 'reuse' : 'recompute', needed, neededReads, saves: [], elementSaves: new Set(), replay };
    };
    const tree = build(fn.body, true, false);
    // The exposed dataflow, recording saves as it goes (saves only grow, so the fixpoint's last pass has them all).
    const savedIn = new Map();
    const flowBlock = (blk, exposed) => {
        const e = new Set(exposed);
        if (blk.mode === 'recompute')
            blk.neededReads.forEach((v) => e.add(v));
        let saved = savedIn.get(blk);
        if (!saved)
            savedIn.set(blk, (saved = new Set()));
        for (const s of blk.stmts) {
            if (s.kind === 'assign') {
                if (e.has(s.var) && !saved.has(s.var)) {
                    saved.add(s.var);
                    blk.saves.push({ var: s.var, ...saveHow(blk, s.var) });
                }
                // Undoing `v += c` by `v -= c` reads the new value in the reverse sweep: it stays exposed.
                const inverted = blk.saves.some((x) => x.var === s.var && x.how === 'invert');
                if (!inverted)
                    e.delete(s.var);
            }
            else if (s.kind === 'store' || s.kind === 'push' || s.kind === 'fill') {
                if (e.has(s.var))
                    blk.elementSaves.add(s);
            }
        }
        return e;
    };
    const saveHow = (blk, v) => {
        if (blk.mode === 'reuse')
            return { how: 'local' };
        const delta = ints[v] ? invertibleDelta(blk.stmts, v) : undefined;
        return delta === undefined ? { how: 'tape' } : { how: 'invert', delta };
    };
    const flow = (nodes, exposed) => {
        let e = exposed;
        for (const n of nodes) {
            if (n.kind === 'block')
                e = flowBlock(n, e);
            else if (n.kind === 'if')
                e = union(flow(n.then, e), flow(n.else, e));
            else if (n.kind === 'fused') {
                // Each iteration is reversed right away: its saves start from nothing exposed.
                flow(n.test, new Set());
                flow(n.body, new Set());
                const written = writtenIn(n.stmt);
                e = new Set(e);
                for (const v of [...written].sort((a, b2) => a - b2)) {
                    if (e.has(v) && !n.entrySaves.includes(v))
                        n.entrySaves.push(v);
                    e.delete(v);
                }
            }
            else {
                let x = e;
                for (;;) {
                    const after = flow(n.body, flow(n.test, x));
                    const next = union(e, after);
                    if (next.size === x.size)
                        break;
                    x = next;
                }
                e = flow(n.test, x);
            }
        }
        return e;
    };
    flow(tree, new Set());
    // Arrays are never restored by inverting; only scalars use `invert`.
    for (const blk of savedIn.keys()) {
        for (const s of blk.saves)
            if ((0, types_1.isArrayType)(fn.vars[s.var].type) && s.how === 'invert')
                throw new Error('array invert');
    }
    return { tree };
}
function union(a, b2) {
    const u = new Set(a);
    b2.forEach((x) => u.add(x));
    return u;
}
/** `v := v + c` / `v := v - c` as the block's only write to v, with c an integer literal: the block adds `delta` to v. */
function invertibleDelta(stmts, v) {
    const writes = stmts.filter((s) => s.kind === 'assign' && s.var === v);
    if (writes.length !== 1)
        return undefined;
    const defs = new Map();
    for (const s of stmts)
        if (s.kind === 'op')
            defs.set(s.id, s);
    const d = defs.get(writes[0].value);
    if (!d || d.op !== 'prim' || (d.fn !== 'add' && d.fn !== 'sub'))
        return undefined;
    const [l, r] = d.args.map((a) => defs.get(a));
    if (!l || !r || l.op !== 'read' || l.var !== v || r.op !== 'const' || typeof r.value !== 'number' || !Number.isInteger(r.value))
        return undefined;
    return d.fn === 'add' ? r.value : -r.value;
}
/** Variables (and arrays) a loop writes. */
function writtenIn(l) {
    const out = new Set();
    const visit = (r) => {
        for (const s of r) {
            if (s.kind === 'assign' || s.kind === 'store' || s.kind === 'push' || s.kind === 'fill' || s.kind === 'declare')
                out.add(s.var);
            else if (s.kind === 'if') {
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
    visit(l.test);
    visit(l.body);
    return out;
}
