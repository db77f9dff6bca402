"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.derivativeRefs = void 0;
exports.emitReverse = emitReverse;
exports.emitGradWrapper = emitGradWrapper;
/**
 * Reverse mode: IR ⇒ a function with a forward sweep (the primal, recording
 * what the reverse sweep will need) followed by a reverse sweep (adjoints, in
 * reverse order), after Tapenade's and Clad's recipe for structured code:
 *
 * - straight-line code at the top of the function keeps its temps in scope, so
 *   its adjoint needs no tape;
 * - a write that destroys a value a later recompute needs is recorded first
 *   (`tape.push(v)`, or a local copy at the top level), and undone in reverse;
 * - a branch records which arm ran (`tape.pushBit(c)`), a loop its trip count
 *   (`tape.pushInt(n)`); the reverse sweep replays exactly those arms and
 *   iterations, recomputing the block temps its adjoints need.
 *
 * Input is control-normalized first (see normalize.ts), so only blocks, `if`
 * and one loop shape remain.
 */
const types_1 = require("../../ir/types");
const activity_1 = require("../../3-analyze/activity");
const integers_1 = require("../../3-analyze/integers");
const tbr_1 = require("../../3-analyze/tbr");
Object.defineProperty(exports, "derivativeRefs", { enumerable: true, get: function () { return tbr_1.derivativeRefs; } });
const fusion_1 = require("../../3-analyze/fusion");
const table_1 = require("../../rules/table");
const js_1 = require("../../5-print/js");
const names_1 = require("../names");
const arrays_1 = require("../arrays");
const normalize_1 = require("./normalize");
const cse_1 = require("../../ir/cse");
const block_adjoint_1 = require("./block-adjoint");
const peephole_1 = require("./peephole");
function emitReverse(fn, activeParams, conv, ctx) {
    const normalized = (0, cse_1.cse)((0, normalize_1.normalizeControl)(fn));
    const act = (0, activity_1.analyzeActivity)(normalized, activeParams);
    const ints = (0, integers_1.integerVars)(normalized);
    const fusions = (0, fusion_1.findFusions)(normalized, act);
    const plan = (0, tbr_1.planReverse)(normalized, act, ints, fusions);
    return new ReverseEmitter(normalized, act, plan.tree, conv, ctx).emit();
}
/** `f_grad(x, y, out?) = f_vjp(x, y, 1, out)`. */
function emitGradWrapper(fn, activeParams, name, vjpName) {
    const names = new names_1.FunctionNames(fn, true);
    const params = fn.params.map((p) => ({ name: names.variable(p), type: (0, arrays_1.jsType)(fn.vars[p].type, 'param') }));
    const outName = names.fresh('out');
    const type = resultType(fn, activeParams);
    const wrt = fn.params.filter((p) => activeParams.has(p)).map((p) => fn.vars[p].name);
    return {
        name,
        exported: true,
        doc: `Gradient of \`${fn.name}\` with respect to (${wrt.join(', ')}): reverse mode with cotangent 1.`,
        params: [...params, { name: outName, type, optional: true }],
        returnType: type,
        body: [js_1.b.return(js_1.b.call(vjpName, [...params.map((p) => js_1.b.id(p.name)), js_1.b.num(1), js_1.b.id(outName)]))],
    };
}
function resultType(fn, activeParams) {
    const grads = fn.params.filter((p) => activeParams.has(p)).map((p) => (0, arrays_1.jsType)(fn.vars[p].type, 'adjoint'));
    return `{ value: ${(0, arrays_1.jsType)(fn.returnType, 'result')}; grads: [${grads.join(', ')}] }`;
}
class ReverseEmitter {
    fn;
    act;
    tree;
    conv;
    ctx;
    names;
    /** Temps referenced by the adjoint of a top-level block: they must keep a name from the forward sweep. */
    keep = new Set();
    /** Temps whose value the reverse sweep reads through a name: conditions of top-level ifs. */
    conds = new Set();
    useCount;
    fwd = new Map();
    stable;
    /** Variables declared in the body of a fused loop: their adjoints live in one iteration. */
    iterationLocal = new Set();
    /** Inside a fused loop: adjoints summed under another name, and the accumulator's fixed adjoint (1). */
    renamed = new Map();
    fixed = new Map();
    /** Variables some op reads (others need not be assigned at all). */
    readVars;
    /** Variables declared directly in the function body: declared in place; the others are hoisted. */
    atTop = new Set();
    localSaves = new Map();
    counters = new Map();
    hoisted = [];
    outName;
    seedName;
    usesTape = false;
    valueName = '';
    constructor(fn, act, tree, conv, ctx) {
        this.fn = fn;
        this.act = act;
        this.tree = tree;
        this.conv = conv;
        this.ctx = ctx;
        this.names = new names_1.FunctionNames(fn);
        this.outName = this.names.fresh('out');
        this.seedName = this.names.fresh(conv.kind === 'public' ? 'cotangent' : 'result_bar');
        this.useCount = new Array(fn.temps.length).fill(0);
        const assigns = new Array(fn.vars.length).fill(0);
        const count = (nodes, top) => {
            for (const n of nodes) {
                if (n.kind === 'block') {
                    for (const s of n.stmts) {
                        if (s.kind === 'op')
                            s.args.forEach((a) => this.useCount[a]++);
                        else if (s.kind === 'assign') {
                            this.useCount[s.value]++;
                            assigns[s.var]++;
                        }
                        else if (s.kind === 'store') {
                            this.useCount[s.index]++;
                            this.useCount[s.value]++;
                        }
                        else if (s.kind === 'return')
                            this.useCount[s.value]++;
                    }
                    if (top)
                        n.needed.forEach((t) => this.keep.add(t));
                }
                else if (n.kind === 'if') {
                    this.useCount[n.stmt.cond]++;
                    if (!n.nested)
                        this.conds.add(n.stmt.cond);
                    count(n.then, false);
                    count(n.else, false);
                }
                else if (n.kind === 'fused') {
                    if (n.stmt.cond !== undefined)
                        this.useCount[n.stmt.cond]++;
                    count(n.test, true);
                    count(n.body, true);
                    for (const v of n.fusion.locals)
                        this.iterationLocal.add(v);
                }
                else {
                    if (n.stmt.cond !== undefined)
                        this.useCount[n.stmt.cond]++;
                    count(n.test, false);
                    count(n.body, false);
                }
            }
        };
        count(tree, true);
        for (const st of fn.body)
            if ((st.kind === 'assign' && st.declare) || st.kind === 'declare')
                this.atTop.add(st.var);
        this.readVars = referencedVars(tree, true);
        this.stable = fn.vars.map((v, i) => (v.role === 'param' ? assigns[i] === 0 : assigns[i] === 1 && this.atTop.has(i)));
    }
    emit() {
        const fn = this.fn;
        const params = fn.params.map((p) => ({ name: this.names.variable(p), type: (0, arrays_1.jsType)(fn.vars[p].type, 'param') }));
        const active = fn.params.filter((p) => this.act.activeParams.has(p));
        // Forward sweep.
        const forward = [];
        const referenced = this.readVars;
        for (const v of fn.vars) {
            if (v.role === 'param' || this.atTop.has(v.id) || !referenced.has(v.id))
                continue;
            this.hoisted.push(v.id);
        }
        this.fwdNodes(this.tree, forward);
        // Reverse sweep.
        const reverse = [];
        this.revNodes(this.tree, reverse);
        // Adjoint declarations: every active scalar starts at zero, every active array gets a zero array
        // (a public gradient reuses the caller's `out` array; an internal pullback adds into the arrays passed).
        const adjointDecls = [];
        const paramArrays = [];
        const scalarAdjoints = new Set();
        for (const v of fn.vars) {
            const isParam = fn.params.includes(v.id);
            const wanted = this.act.activeVar[v.id] || (isParam && this.act.activeParams.has(v.id));
            if (!wanted || this.iterationLocal.has(v.id))
                continue;
            const name = this.names.adjoint(v.id);
            if (!(0, types_1.isArrayType)(v.type)) {
                adjointDecls.push(js_1.b.let(name, js_1.b.num(0)));
                scalarAdjoints.add(name);
                continue;
            }
            if (isParam && this.conv.kind === 'internal')
                continue;
            const n = js_1.b.member(js_1.b.id(this.names.variable(v.id)), 'length');
            const fresh = (0, arrays_1.zeroArrayExpr)(v.type, n);
            const k = active.indexOf(v.id);
            const init = isParam && this.conv.kind === 'public'
                ? js_1.b.cond(js_1.b.bin('===', js_1.b.id(this.outName), js_1.b.id('undefined')), fresh, js_1.b.call(this.ctx.useHelper('zeroed'), [js_1.b.index(js_1.b.member(js_1.b.id(this.outName), 'grads'), js_1.b.num(k)), n, str(`out.grads[${k}]`)]))
                : fresh;
            const decl = { k: 'decl', kind: isParam || this.atTop.has(v.id) ? 'const' : 'let', name, init, type: isParam ? undefined : (0, arrays_1.jsType)(v.type, 'adjoint') };
            // Parameter gradients exist from the start: a fused loop accumulates into them during the forward sweep.
            if (isParam)
                paramArrays.push(decl);
            else
                adjointDecls.push(decl);
        }
        const hoistDecls = this.hoisted.map((v) => {
            const t = fn.vars[v].type;
            return (0, types_1.isArrayType)(t) ? js_1.b.let(this.names.variable(v), (0, arrays_1.emptyArrayExpr)(t), (0, arrays_1.jsType)(t, 'local')) : js_1.b.let(this.names.variable(v), t === 'boolean' ? js_1.b.bool(false) : js_1.b.num(0));
        });
        const prologue = [];
        if (this.usesTape && this.conv.kind === 'public')
            prologue.push(js_1.b.expr(js_1.b.call(js_1.b.member(js_1.b.id(this.ctx.use('tape')), 'reset'), [])));
        for (const p of (0, arrays_1.writtenParams)(fn))
            prologue.push(js_1.b.assign(this.names.variable(p), js_1.b.call(js_1.b.member(js_1.b.id(this.names.variable(p)), 'slice'), [])));
        const body = (0, peephole_1.finalizeAdjointDeclarations)([...prologue, ...paramArrays, ...hoistDecls, ...forward, ...adjointDecls, ...reverse, ...this.epilogue(active)], scalarAdjoints);
        if (this.conv.kind === 'public') {
            const type = resultType(fn, this.act.activeParams);
            return {
                name: this.conv.name,
                exported: this.conv.exported,
                doc: this.conv.doc,
                params: [...params, { name: this.seedName, type: (0, arrays_1.jsType)(fn.returnType, 'tangent') }, { name: this.outName, type, optional: true }],
                returnType: type,
                body,
            };
        }
        const scalars = active.filter((p) => !(0, types_1.isArrayType)(fn.vars[p].type));
        const arrays = active.filter((p) => (0, types_1.isArrayType)(fn.vars[p].type));
        return {
            name: this.conv.name,
            exported: false,
            doc: this.conv.doc,
            params: [...params, { name: this.seedName, type: (0, arrays_1.jsType)(fn.returnType, 'tangent') }, ...arrays.map((p) => ({ name: this.names.adjoint(p), type: (0, arrays_1.jsType)(fn.vars[p].type, 'adjoint') }))],
            returnType: scalars.length === 1 ? 'number' : 'void',
            body,
        };
    }
    epilogue(active) {
        const fn = this.fn;
        const grads = active.map((p) => js_1.b.id(this.names.adjoint(p)));
        if (this.conv.kind === 'public') {
            const o = js_1.b.id(this.outName);
            const value = js_1.b.id(this.valueName);
            const fill = [
                (0, types_1.isArrayType)(fn.returnType)
                    ? js_1.b.expr(js_1.b.call(this.ctx.useHelper('copyInto'), [js_1.b.member(o, 'value'), value, str('out.value')]))
                    : js_1.b.assign(js_1.b.member(o, 'value'), value),
            ];
            // Array gradients were accumulated in out.grads[k] itself; numbers are stored.
            active.forEach((p, k) => {
                if (!(0, types_1.isArrayType)(fn.vars[p].type))
                    fill.push(js_1.b.assign(js_1.b.index(js_1.b.member(o, 'grads'), js_1.b.num(k)), grads[k]));
            });
            fill.push(js_1.b.return(o));
            const tuple = `[${active.map((p) => (0, arrays_1.jsType)(fn.vars[p].type, 'adjoint')).join(', ')}]`;
            return [js_1.b.if(js_1.b.bin('!==', o, js_1.b.id('undefined')), fill), js_1.b.return(js_1.b.obj([['value', value], ['grads', js_1.b.as(js_1.b.arr(grads), tuple)]]))];
        }
        const scalars = active.filter((p) => !(0, types_1.isArrayType)(fn.vars[p].type));
        if (scalars.length === 1)
            return [js_1.b.return(js_1.b.id(this.names.adjoint(scalars[0])))];
        const ret = scalars.length > 0 ? this.ctx.use('ret') : '';
        return scalars.map((p, k) => js_1.b.assign(js_1.b.index(js_1.b.id(ret), js_1.b.num(k)), js_1.b.id(this.names.adjoint(p))));
    }
    // ---------------------------------------------------------------------------
    // Forward sweep
    // ---------------------------------------------------------------------------
    tape(method, args = []) {
        this.usesTape = true;
        return js_1.b.call(js_1.b.member(js_1.b.id(this.ctx.use('tape')), method), args);
    }
    fwdNodes(nodes, out) {
        for (const n of nodes) {
            if (n.kind === 'fused')
                this.fwdFused(n, out);
            else if (n.kind === 'block')
                this.fwdBlock(n, out);
            else if (n.kind === 'if') {
                let cond = this.fwd.get(n.stmt.cond);
                const record = n.nested && this.hasReverse(n);
                // The decision is recorded after the branch (whose own decisions come first on the tape,
                // so the reverse sweep pops this one first); the branch may change what the condition reads.
                if (record && !(cond.k === 'id' && this.boundTemps.has(cond.name))) {
                    const name = this.names.temp(n.stmt.cond);
                    out.push(js_1.b.const(name, cond));
                    cond = js_1.b.id(name);
                }
                const then = [];
                const els = [];
                this.fwdNodes(n.then, then);
                this.fwdNodes(n.else, els);
                out.push(js_1.b.if(cond, then, els));
                if (record)
                    out.push(js_1.b.expr(this.tape('pushBit', [cond])));
            }
            else {
                const l = n.stmt;
                const record = this.hasReverse(n);
                const counter = record ? this.names.fresh('n') : '';
                if (record) {
                    this.counters.set(l.id, counter);
                    out.push(js_1.b.let(counter, js_1.b.num(0)));
                }
                const test = [];
                this.fwdNodes(n.test, test);
                const body = [];
                this.fwdNodes(n.body, body);
                if (record)
                    body.push({ k: 'expr', e: { k: 'postfix', op: '++', target: js_1.b.id(counter) } });
                const cond = this.fwd.get(l.cond);
                out.push(js_1.b.comment(l.origin.text));
                if (test.length === 0)
                    out.push(cond.k === 'bool' && cond.v ? { k: 'while', test: cond, body } : { k: 'while', test: cond, body });
                else
                    out.push({ k: 'while', test: js_1.b.bool(true), body: [...test, js_1.b.if(js_1.b.not(cond), [js_1.b.break()]), ...body] });
                if (record && n.nested)
                    out.push(js_1.b.expr(this.tape('pushInt', [js_1.b.id(counter)])));
            }
        }
    }
    fusedSums = new Map();
    /**
     * A fused loop: each iteration runs forward, then its own adjoint with the
     * accumulator's adjoint fixed at 1, adding into per-input sums (or straight
     * into a parameter's gradient array when nothing after the loop touches it).
     */
    fwdFused(n, out) {
        const l = n.stmt;
        const fu = n.fusion;
        for (const v of n.entrySaves) {
            const name = this.names.fresh(`${this.names.variable(v)}_old`);
            this.localSaves.set(`${v}`, name);
            out.push(js_1.b.const(name, js_1.b.id(this.names.variable(v))));
        }
        const sums = [];
        for (const v of fu.inputs) {
            const info = this.fn.vars[v];
            const inPlace = (0, types_1.isArrayType)(info.type) && this.fn.params.includes(v) && this.conv.kind === 'public' && !this.readAfter(l, v);
            const sum = inPlace ? this.names.adjoint(v) : this.names.fresh(`${this.names.adjoint(v)}_sum`);
            // Sums are kept in double precision whatever the array kind.
            if (!inPlace)
                out.push((0, types_1.isArrayType)(info.type) ? js_1.b.const(sum, (0, arrays_1.zeroArrayExpr)('Float64Array', js_1.b.member(js_1.b.id(this.names.variable(v)), 'length'))) : js_1.b.let(sum, js_1.b.num(0)));
            sums.push({ v, sum, inPlace });
            if ((0, types_1.isArrayType)(info.type))
                this.renamedArrays.set(v, sum);
            else
                this.renamed.set(v, sum);
        }
        this.fusedSums.set(n, sums);
        this.fixed.set(fu.accumulator, js_1.b.num(1));
        const test = [];
        this.fwdNodes(n.test, test);
        const body = [];
        this.fwdNodes(n.body, body);
        // The adjoint of this iteration, with the loop's own variables starting at zero.
        const reverse = [];
        this.revNodes(n.body, reverse);
        const locals = [];
        for (const v of [...fu.locals].sort((a, c) => a - c)) {
            const info = this.fn.vars[v];
            if (!this.act.activeVar[v])
                continue;
            const name = this.names.adjoint(v);
            if ((0, types_1.isArrayType)(info.type))
                locals.push(js_1.b.let(name, (0, arrays_1.zeroArrayExpr)(info.type, js_1.b.member(js_1.b.id(this.names.variable(v)), 'length')), (0, arrays_1.jsType)(info.type, 'adjoint')));
            else
                locals.push(js_1.b.let(name, js_1.b.num(0)));
        }
        const adjoint = (0, peephole_1.finalizeAdjointDeclarations)([...locals, ...reverse], new Set(locals.filter((d) => d.k === 'decl' && d.init?.k === 'num').map((d) => d.name)));
        this.fixed.delete(fu.accumulator);
        for (const { v } of sums) {
            this.renamed.delete(v);
            this.renamedArrays.delete(v);
        }
        // The iteration's adjoint restores what it overwrote; variables that outlive the iteration
        // (the loop counter) are put back to where the forward part left them.
        const carry = [];
        const reset = [];
        for (const v of restoredIn(n.body)) {
            if (fu.locals.has(v))
                continue;
            const name = this.names.fresh(`${this.names.variable(v)}_next`);
            carry.push(js_1.b.const(name, js_1.b.id(this.names.variable(v))));
            reset.push(js_1.b.assign(this.names.variable(v), js_1.b.id(name)));
        }
        const cond = this.fwd.get(l.cond);
        out.push(js_1.b.comment(`${l.origin.text.replace(/;$/, '')}: each iteration adds its share of the gradient of ${this.names.variable(fu.accumulator)}`));
        const iteration = [...body, ...carry, ...adjoint, ...reset];
        if (test.length === 0)
            out.push({ k: 'while', test: cond, body: iteration });
        else
            out.push({ k: 'while', test: js_1.b.bool(true), body: [...test, js_1.b.if(js_1.b.not(cond), [js_1.b.break()]), ...iteration] });
    }
    /** Whether any statement after loop `l` (at the top of the function) reads `v` actively. */
    readAfter(l, v) {
        const at = this.fn.body.indexOf(l);
        let found = false;
        const visit = (r) => {
            for (const s of r) {
                if (s.kind === 'op' && (s.op === 'read' || s.op === 'load' || s.op === 'slice') && s.var === v && this.act.activeTemp[s.id])
                    found = true;
                if (s.kind === 'op' && s.op === 'read' && s.var === v && (0, types_1.isArrayType)(this.fn.vars[v].type))
                    found = true;
                if (s.kind === 'if') {
                    visit(s.then);
                    visit(s.else);
                }
                else if (s.kind === 'loop') {
                    visit(s.test);
                    visit(s.body);
                }
            }
        };
        visit(this.fn.body.slice(at + 1));
        return found;
    }
    /** In the reverse sweep, a fused loop only scales its sums by the accumulator's adjoint. */
    revFused(n, out) {
        const accBar = js_1.b.id(this.names.adjoint(n.fusion.accumulator));
        out.push(js_1.b.comment(`${n.stmt.origin.text.replace(/;$/, '')}: its gradient was summed during the forward sweep`));
        for (const { v, sum, inPlace } of this.fusedSums.get(n) ?? []) {
            const info = this.fn.vars[v];
            const target = js_1.b.id(this.names.adjoint(v));
            if (!(0, types_1.isArrayType)(info.type)) {
                out.push(...js_1.b.accumulate(target, js_1.b.mul(accBar, js_1.b.id(sum))));
                continue;
            }
            const k = this.names.fresh('k');
            const loop = (body) => ({ k: 'for', init: js_1.b.let(k, js_1.b.num(0)), test: js_1.b.bin('<', js_1.b.id(k), js_1.b.member(target, 'length')), update: { k: 'postfix', op: '++', target: js_1.b.id(k) }, body });
            if (inPlace)
                out.push(js_1.b.if(js_1.b.bin('!==', accBar, js_1.b.num(1)), [loop([js_1.b.assign(js_1.b.index(target, js_1.b.id(k)), accBar, '*=')])]));
            else
                out.push(loop(js_1.b.accumulate(js_1.b.index(target, js_1.b.id(k)), js_1.b.mul(accBar, js_1.b.index(js_1.b.id(sum), js_1.b.id(k))))));
        }
        for (const v of n.entrySaves)
            out.push(js_1.b.assign(this.names.variable(v), js_1.b.id(this.localSaves.get(`${v}`))));
    }
    renamedArrays = new Map();
    /** Names of temps bound to a const in the forward sweep. */
    boundTemps = new Set();
    fwdBlock(blk, out) {
        const top = blk.mode === 'reuse';
        for (const s of blk.saves) {
            const v = this.names.variable(s.var);
            if (s.how === 'tape' && (0, types_1.isArrayType)(this.fn.vars[s.var].type))
                out.push(js_1.b.expr(this.tape('pushArray', [js_1.b.id(v)])));
            else if (s.how === 'tape')
                out.push(js_1.b.expr(this.tape('push', [js_1.b.id(v)])));
            else if (s.how === 'local') {
                const name = this.names.fresh(`${v}_old`);
                this.localSaves.set(`${s.var}`, name);
                out.push(js_1.b.const(name, js_1.b.id(v)));
            }
        }
        const stmts = blk.stmts;
        for (let i = 0; i < stmts.length; i++) {
            const s = stmts[i];
            switch (s.kind) {
                case 'op': {
                    const e = this.primal(s, this.fwd);
                    const mustName = (top && this.keep.has(s.id) && !(s.op === 'read' && this.stable[s.var])) || this.conds.has(s.id);
                    const single = this.useCount[s.id] <= 1 && this.movable(stmts, i);
                    if (s.op !== 'call' && !mustName && ((0, js_1.isAtom)(e) || single))
                        this.fwd.set(s.id, e);
                    else if ((0, js_1.isAtom)(e) && !(s.op === 'read' && mustName))
                        this.fwd.set(s.id, e);
                    else {
                        const name = this.names.temp(s.id);
                        out.push(js_1.b.const(name, e));
                        this.fwd.set(s.id, js_1.b.id(name));
                        this.boundTemps.add(name);
                    }
                    break;
                }
                case 'assign': {
                    const v = this.fn.vars[s.var];
                    if (!this.readVars.has(s.var))
                        break; // nothing reads it (reads were forwarded within blocks)
                    const name = this.names.variable(s.var);
                    const value = this.fwd.get(s.value);
                    if (s.declare && this.atTop.has(s.var))
                        out.push({ k: 'decl', kind: this.stable[s.var] && v.constant ? 'const' : 'let', name, init: value });
                    else
                        out.push(assignment(name, value));
                    break;
                }
                case 'declare': {
                    const v = this.fn.vars[s.var];
                    if (this.atTop.has(s.var))
                        out.push(js_1.b.let(this.names.variable(s.var), v.type === 'boolean' ? js_1.b.bool(false) : js_1.b.num(0)));
                    break;
                }
                case 'store': {
                    const arr = js_1.b.id(this.names.variable(s.var));
                    const idx = this.fwd.get(s.index);
                    if (blk.elementSaves.has(s)) {
                        if (top) {
                            const name = this.names.fresh(`${this.names.variable(s.var)}_old`);
                            this.localSaves.set(`store${this.storeId(s)}`, name);
                            out.push(js_1.b.const(name, js_1.b.index(arr, idx)));
                        }
                        else {
                            out.push(js_1.b.expr(this.tape('push', [js_1.b.index(arr, idx)])));
                            out.push(js_1.b.expr(this.tape('pushInt', [idx])));
                        }
                    }
                    out.push(js_1.b.assign(js_1.b.index(arr, idx), this.fwd.get(s.value)));
                    break;
                }
                case 'return': {
                    this.valueName = this.names.fresh('value');
                    out.push(js_1.b.const(this.valueName, this.fwd.get(s.value)));
                    break;
                }
                case 'push': {
                    out.push(js_1.b.expr(js_1.b.call(js_1.b.member(js_1.b.id(this.names.variable(s.var)), 'push'), [this.fwd.get(s.value)])));
                    break;
                }
                case 'fill': {
                    const arr = js_1.b.id(this.names.variable(s.var));
                    if (blk.elementSaves.has(s)) {
                        // The whole array is about to change: keep a copy for the reverse sweep.
                        if (top) {
                            const name = this.names.fresh(`${this.names.variable(s.var)}_old`);
                            this.localSaves.set(`store${this.storeId(s)}`, name);
                            out.push(js_1.b.const(name, js_1.b.call(js_1.b.member(arr, 'slice'), [])));
                        }
                        else
                            out.push(js_1.b.expr(this.tape('pushArray', [js_1.b.call(js_1.b.member(arr, 'slice'), [])])));
                    }
                    out.push(js_1.b.expr(js_1.b.call(js_1.b.member(arr, 'fill'), [this.fwd.get(s.value)])));
                    break;
                }
                case 'if':
                case 'loop':
                case 'break':
                case 'continue':
                    throw new Error(`${s.kind} inside a block`);
                default:
                    (0, types_1.assertNever)(s, 'statement');
            }
        }
    }
    storeIds = new Map();
    storeId(s) {
        let id = this.storeIds.get(s);
        if (id === undefined)
            this.storeIds.set(s, (id = this.storeIds.size));
        return id;
    }
    /** An op at position i whose single use comes before any write in the block. */
    movable(stmts, i) {
        const id = stmts[i].id;
        for (let j = i + 1; j < stmts.length; j++) {
            const s = stmts[j];
            const uses = s.kind === 'op' ? s.args : s.kind === 'assign' ? [s.value] : s.kind === 'store' ? [s.index, s.value] : s.kind === 'return' ? [s.value] : [];
            if (uses.includes(id))
                return true;
            if (s.kind === 'assign' || s.kind === 'store' || s.kind === 'push' || s.kind === 'fill')
                return false;
        }
        return true; // used by the control statement after the block
    }
    primal(s, env) {
        const v = (t) => env.get(t);
        switch (s.op) {
            case 'const':
                return typeof s.value === 'boolean' ? js_1.b.bool(s.value) : js_1.b.num(s.value);
            case 'read':
                return js_1.b.id(this.names.variable(s.var));
            case 'prim':
                return (0, table_1.rule)(s.fn).primal(s.args.map(v));
            case 'select':
                return js_1.b.cond(v(s.args[0]), v(s.args[1]), v(s.args[2]));
            case 'call':
                return js_1.b.call(this.ctx.primal(s.callee), s.args.map(v));
            case 'load':
                return (0, arrays_1.loadExpr)(js_1.b.id(this.names.variable(s.var)), v(s.args[0]), this.fn.vars[s.var].type, this.ctx);
            case 'length':
                return js_1.b.member(js_1.b.id(this.names.variable(s.var)), 'length');
            case 'newArray':
                return (0, arrays_1.newArrayExpr)(s, s.args.map(v));
            case 'slice':
                return (0, arrays_1.sliceExpr)(js_1.b.id(this.names.variable(s.var)), s, s.args.map(v));
            default:
                return (0, types_1.assertNever)(s, 'op');
        }
    }
    // ---------------------------------------------------------------------------
    // Reverse sweep
    // ---------------------------------------------------------------------------
    reverseMemo = new Map();
    /** Whether a node has anything to do in the reverse sweep (if not, nothing is recorded for it either). */
    hasReverse(n) {
        let r = this.reverseMemo.get(n);
        if (r !== undefined)
            return r;
        if (n.kind === 'block') {
            r =
                n.saves.length > 0 ||
                    n.elementSaves.size > 0 ||
                    n.stmts.some((s) => (s.kind === 'op' && this.act.activeTemp[s.id]) ||
                        ((s.kind === 'assign' || s.kind === 'store') && this.act.activeVar[s.var]) ||
                        s.kind === 'return');
        }
        else if (n.kind === 'if')
            r = n.then.some((c) => this.hasReverse(c)) || n.else.some((c) => this.hasReverse(c));
        else if (n.kind === 'fused')
            r = true;
        else
            r = n.test.some((c) => this.hasReverse(c)) || n.body.some((c) => this.hasReverse(c));
        this.reverseMemo.set(n, r);
        return r;
    }
    revNodes(nodes, out) {
        for (let i = nodes.length - 1; i >= 0; i--) {
            const n = nodes[i];
            if (!this.hasReverse(n))
                continue;
            if (n.kind === 'fused')
                this.revFused(n, out);
            else if (n.kind === 'block')
                this.revBlock(n, out);
            else if (n.kind === 'if') {
                const then = [];
                const els = [];
                this.revNodes(n.then, then);
                this.revNodes(n.else, els);
                const cond = n.nested ? this.tape('popBit') : this.fwd.get(n.stmt.cond);
                if (then.length === 0 && els.length === 0)
                    out.push(js_1.b.expr(cond));
                else if (then.length === 0)
                    out.push(js_1.b.if(js_1.b.not(cond), els));
                else
                    out.push(js_1.b.if(cond, then, els));
            }
            else {
                const l = n.stmt;
                const counter = this.counters.get(l.id);
                out.push(js_1.b.comment(`reverse of ${l.origin.text.replace(/;$/, '')}`));
                const count = n.nested ? this.names.fresh('n') : counter;
                if (n.nested)
                    out.push(js_1.b.const(count, this.tape('popInt')));
                const test = [];
                this.revNodes(n.test, test);
                const body = [];
                this.revNodes(n.body, body);
                body.push(...test);
                out.push(...test);
                const k = this.names.fresh('k');
                out.push({ k: 'for', init: js_1.b.let(k, js_1.b.id(count)), test: js_1.b.bin('>', js_1.b.id(k), js_1.b.num(0)), update: { k: 'postfix', op: '--', target: js_1.b.id(k) }, body });
            }
        }
    }
    revBlock(blk, out) {
        const top = blk.mode === 'reuse';
        // 1. Restore the state the block started from.
        const stores = blk.stmts.filter((s) => blk.elementSaves.has(s));
        for (const s of [...stores].reverse()) {
            const arr = js_1.b.id(this.names.variable(s.var));
            const saved = () => (top ? js_1.b.id(this.localSaves.get(`store${this.storeId(s)}`)) : this.tape('popArray'));
            if (s.kind === 'store') {
                if (top)
                    out.push(js_1.b.assign(js_1.b.index(arr, this.fwd.get(s.index)), saved()));
                else
                    out.push(js_1.b.assign(js_1.b.index(arr, this.tape('popInt')), this.tape('pop')));
            }
            else if (s.kind === 'fill') {
                out.push(js_1.b.expr(js_1.b.call(this.ctx.useHelper('copyInto'), [arr, js_1.b.as(saved(), 'ArrayLike<number>'), { k: 'str', v: this.names.variable(s.var) }])));
            }
        }
        for (const s of [...blk.saves].reverse()) {
            const v = this.names.variable(s.var);
            const type = this.fn.vars[s.var].type;
            if (s.how === 'tape' && (0, types_1.isArrayType)(type))
                out.push(js_1.b.assign(v, js_1.b.as(this.tape('popArray'), (0, arrays_1.jsType)(type, 'local'))));
            else if (s.how === 'tape')
                out.push(js_1.b.assign(v, this.tape('pop')));
            else if (s.how === 'local')
                out.push(js_1.b.assign(v, js_1.b.id(this.localSaves.get(`${s.var}`))));
            else
                out.push(...js_1.b.accumulate(v, js_1.b.num(-(s.delta ?? 0))));
        }
        // 2. Recompute what the adjoint needs (recompute mode), else use the forward temps.
        const values = top ? this.fwd : this.recompute(blk, out);
        // 3. The adjoint itself.
        const adj = new block_adjoint_1.BlockAdjoint({
            fn: this.fn,
            act: this.act,
            names: this.names,
            ctx: this.ctx,
            value: (t) => {
                const e = values.get(t);
                if (e === undefined)
                    throw new Error(`value of %${t} not available in the reverse sweep of ${this.fn.name}`);
                return e;
            },
            seed: js_1.b.id(this.seedName),
            topLevelDeclaration: (v) => this.atTop.has(v),
            arrayAdjoint: (v) => js_1.b.id(this.renamedArrays.get(v) ?? this.names.adjoint(v)),
            undoPush: (st) => blk.elementSaves.has(st) || this.act.activeVar[st.var],
            adjointName: (v) => this.renamed.get(v) ?? this.names.adjoint(v),
            fixedAdjoint: (v) => this.fixed.get(v),
        });
        out.push(...adj.run(blk.stmts));
    }
    /** Recomputes the needed temps of a block from the restored variables: `const t3 = i * x;`. */
    recompute(blk, out) {
        const env = new Map();
        const refs = new Map();
        for (const s of blk.stmts) {
            if (s.kind === 'op' && blk.needed.has(s.id))
                s.args.forEach((a) => refs.set(a, (refs.get(a) ?? 0) + 1));
            if (s.kind === 'op' && this.act.activeTemp[s.id])
                (0, tbr_1.derivativeRefs)(s, this.act.activeTemp).forEach((a) => refs.set(a, (refs.get(a) ?? 0) + 2));
            if (s.kind === 'store' && this.act.activeVar[s.var])
                refs.set(s.index, (refs.get(s.index) ?? 0) + 2);
        }
        for (const s of blk.stmts) {
            if (s.kind !== 'op' || !blk.needed.has(s.id))
                continue;
            const e = this.primal(s, env);
            if ((0, js_1.isAtom)(e) || ((refs.get(s.id) ?? 0) <= 1 && s.op !== 'call' && !(blk.replay && s.op === 'load')))
                env.set(s.id, e);
            else {
                const name = this.names.temp(s.id);
                out.push(js_1.b.const(name, e));
                env.set(s.id, js_1.b.id(name));
            }
        }
        return env;
    }
}
/** Variables the reverse sweep of these nodes restores (saved before a write). */
function restoredIn(nodes, into = new Set()) {
    for (const n of nodes) {
        if (n.kind === 'block')
            n.saves.forEach((sv) => into.add(sv.var));
        else if (n.kind === 'if') {
            restoredIn(n.then, into);
            restoredIn(n.else, into);
        }
        else {
            restoredIn(n.test, into);
            restoredIn(n.body, into);
            if (n.kind === 'fused')
                n.entrySaves.forEach((v) => into.add(v));
        }
    }
    return into;
}
/** Variables read by some op (`readsOnly`), or also written. Arrays count as read when written (their elements are state). */
function referencedVars(nodes, readsOnly = false, into = new Set()) {
    for (const n of nodes) {
        if (n.kind === 'block') {
            for (const s of n.stmts) {
                if (s.kind === 'op' && (s.op === 'read' || s.op === 'load' || s.op === 'length' || s.op === 'slice'))
                    into.add(s.var);
                else if (s.kind === 'store' || s.kind === 'push' || s.kind === 'fill')
                    into.add(s.var);
                else if (!readsOnly && (s.kind === 'assign' || s.kind === 'declare'))
                    into.add(s.var);
            }
        }
        else if (n.kind === 'if') {
            referencedVars(n.then, readsOnly, into);
            referencedVars(n.else, readsOnly, into);
        }
        else {
            referencedVars(n.test, readsOnly, into);
            referencedVars(n.body, readsOnly, into);
        }
    }
    return into;
}
/** `x = x + e` ⇒ `x += e`. */
function assignment(name, value) {
    if (value.k === 'bin' && (value.op === '+' || value.op === '-' || value.op === '*' || value.op === '/') && value.l.k === 'id' && value.l.name === name) {
        return { k: 'assign', target: js_1.b.id(name), op: `${value.op}=`, value: value.r };
    }
    return js_1.b.assign(name, value);
}
/** A string literal (for messages passed to runtime helpers). */
function str(text) {
    return { k: 'str', v: text };
}
