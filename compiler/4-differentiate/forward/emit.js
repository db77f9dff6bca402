"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.emitForward = emitForward;
exports.withComments = withComments;
/**
 * Forward mode: IR ⇒ a function computing the value and one directional
 * derivative. Each op is printed as its primal statement followed by its
 * tangent `dy = Σ ∂y/∂xᵢ · dxᵢ` (active operands only); control flow is printed
 * as in the source (`for`, `while`, `break`, early `return`).
 *
 *   e += Math.sin(i * x);     ⇒   const t1 = i * x;
 *                                 const dt1 = i * dx;
 *                                 e += Math.sin(t1);
 *                                 de += Math.cos(t1) * dt1;
 *
 * The same emitter prints primal copies of called functions (no active value).
 */
const types_1 = require("../../ir/types");
const activity_1 = require("../../3-analyze/activity");
const table_1 = require("../../rules/table");
const js_1 = require("../../5-print/js");
const names_1 = require("../names");
const cse_1 = require("../../ir/cse");
const printer_1 = require("../../5-print/printer");
const uses_1 = require("../uses");
const arrays_1 = require("../arrays");
function emitForward(fn, activeParams, conv, ctx) {
    return new ForwardEmitter(conv.kind === 'primal' ? fn : (0, cse_1.cse)(fn), activeParams, conv, ctx).emit();
}
class ForwardEmitter {
    fn;
    conv;
    ctx;
    names;
    act;
    uses;
    /** Extra references to a temp's value made by derivative code. */
    derivRefs;
    tangentRefs;
    pe = new Map();
    te = new Map();
    ops = new Map();
    /** Loops targeted by a break/continue from a nested loop: they need a label. */
    labels = new Map();
    loopStack = [];
    resultName;
    /** Array variables written anywhere in the function. */
    written = new Set();
    constructor(fn, activeParams, conv, ctx) {
        this.fn = fn;
        this.conv = conv;
        this.ctx = ctx;
        this.names = new names_1.FunctionNames(fn);
        this.act = (0, activity_1.analyzeActivity)(fn, conv.kind === 'primal' ? new Set() : activeParams);
        this.uses = (0, uses_1.useFacts)(fn);
        this.derivRefs = new Array(fn.temps.length).fill(0);
        this.tangentRefs = new Array(fn.temps.length).fill(0);
        this.countDerivativeRefs(fn.body);
        this.resultName = this.names.fresh('out');
        (0, activity_1.forEachStmt)(fn.body, (s) => {
            if (s.kind === 'store' || s.kind === 'push' || s.kind === 'fill' || (s.kind === 'assign' && (0, types_1.isArrayType)(fn.vars[s.var].type)))
                this.written.add(s.var);
        });
    }
    active(t) {
        return this.act.activeTemp[t];
    }
    activeVar(v) {
        return this.act.activeVar[v];
    }
    /** How often derivative code refers to each temp's value and tangent. */
    countDerivativeRefs(region) {
        for (const s of region) {
            switch (s.kind) {
                case 'op':
                    this.ops.set(s.id, s);
                    if (!this.active(s.id))
                        break;
                    if (s.op === 'prim') {
                        const r = (0, table_1.rule)(s.fn);
                        if (!r.partials)
                            break;
                        const syms = s.args.map((_, i) => js_1.b.id(`\u0000${i}`));
                        const partials = r.partials(syms, js_1.b.id('\u0000y'));
                        partials.forEach((p, i) => {
                            if (!this.active(s.args[i]))
                                return;
                            this.tangentRefs[s.args[i]]++;
                            const refs = (0, js_1.namesIn)(p);
                            s.args.forEach((a, j) => {
                                if (refs.has(`\u0000${j}`))
                                    this.derivRefs[a]++;
                            });
                            if (refs.has('\u0000y'))
                                this.derivRefs[s.id]++;
                        });
                    }
                    else if (s.op === 'select') {
                        this.derivRefs[s.args[0]]++;
                        if (this.active(s.args[1]))
                            this.tangentRefs[s.args[1]]++;
                        if (this.active(s.args[2]))
                            this.tangentRefs[s.args[2]]++;
                    }
                    else if (s.op === 'call') {
                        s.args.forEach((a) => {
                            this.derivRefs[a]++;
                            if (this.active(a))
                                this.tangentRefs[a]++;
                        });
                    }
                    else if (s.op === 'load') {
                        this.derivRefs[s.args[0]]++;
                    }
                    else if (s.op === 'newArray') {
                        s.args.forEach((a) => this.active(a) && this.tangentRefs[a]++);
                        if (s.form === 'sized')
                            this.derivRefs[s.args[0]]++;
                    }
                    else if (s.op === 'slice') {
                        s.args.forEach((a) => this.derivRefs[a]++);
                    }
                    break;
                case 'assign':
                case 'push':
                case 'fill':
                    if (this.activeVar(s.var) && this.active(s.value))
                        this.tangentRefs[s.value]++;
                    break;
                case 'store':
                    if (this.activeVar(s.var)) {
                        this.derivRefs[s.index]++;
                        if (this.active(s.value))
                            this.tangentRefs[s.value]++;
                    }
                    break;
                case 'return':
                    if (this.active(s.value))
                        this.tangentRefs[s.value]++;
                    break;
                case 'if':
                    this.countDerivativeRefs(s.then);
                    this.countDerivativeRefs(s.else);
                    break;
                case 'loop':
                    this.countDerivativeRefs(s.test);
                    this.countDerivativeRefs(s.body);
                    this.countDerivativeRefs(s.update);
                    break;
                default:
                    break;
            }
        }
    }
    emit() {
        const fn = this.fn;
        const params = fn.params.map((p) => ({ name: this.names.variable(p), type: (0, arrays_1.jsType)(fn.vars[p].type, 'param') }));
        const tangentParams = [];
        const prologue = [];
        if (this.conv.kind !== 'primal') {
            for (const p of fn.params) {
                if (!this.act.activeParams.has(p))
                    continue;
                tangentParams.push({ name: this.names.tangent(p), type: (0, arrays_1.jsType)(fn.vars[p].type, 'tangent') });
            }
            // A parameter outside `wrt` that receives an active value needs a tangent that starts at zero.
            for (const p of fn.params) {
                if (this.activeVar(p) && !this.act.activeParams.has(p))
                    prologue.push(js_1.b.let(this.names.tangent(p), js_1.b.num(0)));
            }
        }
        // The caller's arrays are never modified: a parameter the function writes to is copied first.
        for (const p of (0, arrays_1.writtenParams)(fn)) {
            prologue.push(js_1.b.assign(this.names.variable(p), js_1.b.call(js_1.b.member(js_1.b.id(this.names.variable(p)), 'slice'), [])));
            if (this.activeVar(p) && this.act.activeParams.has(p))
                prologue.push(js_1.b.assign(this.names.tangent(p), js_1.b.call(js_1.b.member(js_1.b.id(this.names.tangent(p)), 'slice'), [])));
        }
        this.scanLabels(fn.body);
        const body = [...prologue, ...this.region(fn.body)];
        const retType = (0, arrays_1.jsType)(fn.returnType, 'result');
        if (this.conv.kind === 'public') {
            const resultType = `{ value: ${retType}; tangent: ${retType} }`;
            return {
                name: this.conv.name,
                exported: this.conv.exported,
                doc: this.conv.doc,
                params: [...params, ...tangentParams, { name: this.resultName, type: resultType, optional: true }],
                returnType: resultType,
                body,
            };
        }
        return { name: this.conv.name, exported: this.conv.exported, doc: this.conv.doc, params: [...params, ...tangentParams], returnType: retType, body };
    }
    scanLabels(region, enclosing = []) {
        for (const s of region) {
            if ((s.kind === 'break' || s.kind === 'continue') && enclosing[enclosing.length - 1] !== s.loop) {
                if (!this.labels.has(s.loop))
                    this.labels.set(s.loop, this.names.fresh(`loop${this.labels.size + 1}`));
            }
            else if (s.kind === 'if') {
                this.scanLabels(s.then, enclosing);
                this.scanLabels(s.else, enclosing);
            }
            else if (s.kind === 'loop') {
                this.scanLabels(s.body, [...enclosing, s.id]);
            }
        }
    }
    // ---------------------------------------------------------------------------
    // Regions and statements
    // ---------------------------------------------------------------------------
    region(region, enclosing) {
        const out = [];
        for (let i = 0; i < region.length; i++) {
            const s = region[i];
            const next = region[i + 1];
            // `let i = 0; for (; i < n; i++)` ⇒ `for (let i = 0; i < n; i++)` when `i` belongs to the loop.
            if (s.kind === 'assign' && s.declare && next?.kind === 'loop' && this.isLoopVariable(s.var, next, region.slice(i + 2))) {
                const loop = this.loop(next, s);
                if (loop) {
                    out.push(...loop);
                    i++;
                    continue;
                }
            }
            this.stmt(s, out);
        }
        return withComments(out, enclosing);
    }
    /** A variable declared right before a loop, not a top-level variable, and not used after it. */
    isLoopVariable(v, loop, after) {
        if (this.fn.vars[v].topLevel)
            return false;
        let usedAfter = false;
        const visit = (r) => {
            for (const s of r) {
                if ((s.kind === 'op' && (s.op === 'read' || s.op === 'load' || s.op === 'length') && s.var === v) || ((s.kind === 'assign' || s.kind === 'store') && s.var === v))
                    usedAfter = true;
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
        visit(after);
        void loop;
        return !usedAfter && !(0, types_1.isArrayType)(this.fn.vars[v].type);
    }
    push(out, s, stmt, deriv = false) {
        out.push({ stmt, origin: s.origin.text, deriv });
    }
    stmt(s, out) {
        switch (s.kind) {
            case 'op':
                return this.op(s, out);
            case 'assign':
                return this.assign(s, out);
            case 'declare': {
                const v = s.var;
                const type = (0, arrays_1.jsType)(this.fn.vars[v].type, 'local');
                this.push(out, s, js_1.b.let(this.names.variable(v), undefined, type));
                if (this.activeVar(v))
                    this.push(out, s, js_1.b.let(this.names.tangent(v), undefined, type), true);
                return;
            }
            case 'store': {
                const arr = js_1.b.id(this.names.variable(s.var));
                const idx = this.value(s.index);
                this.push(out, s, js_1.b.assign(js_1.b.index(arr, idx), this.value(s.value)));
                if (this.activeVar(s.var))
                    this.push(out, s, js_1.b.assign(js_1.b.index(js_1.b.id(this.names.tangent(s.var)), idx), this.tangent(s.value)), true);
                return;
            }
            case 'push': {
                this.push(out, s, js_1.b.expr(js_1.b.call(js_1.b.member(js_1.b.id(this.names.variable(s.var)), 'push'), [this.value(s.value)])));
                if (this.activeVar(s.var))
                    this.push(out, s, js_1.b.expr(js_1.b.call(js_1.b.member(js_1.b.id(this.names.tangent(s.var)), 'push'), [this.tangent(s.value)])), true);
                return;
            }
            case 'fill': {
                this.push(out, s, js_1.b.expr(js_1.b.call(js_1.b.member(js_1.b.id(this.names.variable(s.var)), 'fill'), [this.value(s.value)])));
                if (this.activeVar(s.var))
                    this.push(out, s, js_1.b.expr(js_1.b.call(js_1.b.member(js_1.b.id(this.names.tangent(s.var)), 'fill'), [this.tangent(s.value)])), true);
                return;
            }
            case 'if': {
                const cond = this.value(s.cond);
                this.push(out, s, js_1.b.if(cond, this.region(s.then, s.origin.text), this.region(s.else, s.origin.text)));
                return;
            }
            case 'loop': {
                out.push(...this.loop(s));
                return;
            }
            case 'break':
            case 'continue': {
                const inner = this.loopStack[this.loopStack.length - 1];
                const label = inner === s.loop ? undefined : this.labels.get(s.loop);
                this.push(out, s, s.kind === 'break' ? js_1.b.break(label) : js_1.b.continue(label));
                return;
            }
            case 'return':
                return this.ret(s, out);
            default:
                return (0, types_1.assertNever)(s, 'statement');
        }
    }
    op(s, out) {
        this.ops.set(s.id, s);
        const primal = this.primalExpr(s, out);
        const active = this.active(s.id);
        const refs = this.uses.count[s.id] + this.derivRefs[s.id];
        if (s.op === 'call' && this.te.has(s.id)) {
            this.pe.set(s.id, primal); // the pushforward call bound value and tangent already
            return;
        }
        const mustBind = s.op === 'call';
        let named = false;
        if (!mustBind && ((0, js_1.isAtom)(primal) || this.isCheapLoad(s, primal) || (refs <= 1 && this.uses.movable[s.id]))) {
            this.pe.set(s.id, primal);
        }
        else {
            const name = this.names.temp(s.id);
            this.push(out, s, js_1.b.const(name, primal));
            this.pe.set(s.id, js_1.b.id(name));
            named = true;
        }
        if (!active || s.op === 'call')
            return; // a call's tangent was bound by primalExpr
        const tangent = this.tangentExpr(s);
        // A named value gets a named tangent right below it: the code reads line by line.
        const inline = (0, js_1.isAtom)(tangent) || this.isCheapLoad(s, tangent) || (!named && this.tangentRefs[s.id] <= 1 && this.uses.movable[s.id]);
        if (inline) {
            this.te.set(s.id, tangent);
        }
        else {
            const name = this.names.tempTangent(s.id);
            this.push(out, s, js_1.b.const(name, tangent), true);
            this.te.set(s.id, js_1.b.id(name));
        }
    }
    /** `p[0]`, `xs[i]` from an array this function never writes: as cheap to repeat as a name. */
    isCheapLoad(s, e) {
        if (s.op !== 'load' || this.written.has(s.var))
            return false;
        const inner = e.k === 'nonNull' ? e.e : e;
        return inner.k === 'index' && (0, js_1.isAtom)(inner.index) && inner.obj.k === 'id';
    }
    value(t) {
        const e = this.pe.get(t);
        if (e === undefined)
            throw new Error(`temp %${t} used before its definition in ${this.fn.name}`);
        return e;
    }
    tangent(t) {
        if (!this.active(t))
            return js_1.b.num(0);
        const e = this.te.get(t);
        if (e === undefined)
            throw new Error(`tangent of %${t} used before its definition in ${this.fn.name}`);
        return e;
    }
    primalExpr(s, out) {
        switch (s.op) {
            case 'const':
                return typeof s.value === 'boolean' ? js_1.b.bool(s.value) : js_1.b.num(s.value);
            case 'read':
                return js_1.b.id(this.names.variable(s.var));
            case 'prim':
                return (0, table_1.rule)(s.fn).primal(s.args.map((a) => this.value(a)));
            case 'select':
                return js_1.b.cond(this.value(s.args[0]), this.value(s.args[1]), this.value(s.args[2]));
            case 'call':
                return this.call(s, out);
            case 'load':
                return (0, arrays_1.loadExpr)(js_1.b.id(this.names.variable(s.var)), this.value(s.args[0]), this.fn.vars[s.var].type, this.ctx);
            case 'length':
                return js_1.b.member(js_1.b.id(this.names.variable(s.var)), 'length');
            case 'newArray':
                return (0, arrays_1.newArrayExpr)(s, s.args.map((a) => this.value(a)));
            case 'slice':
                return (0, arrays_1.sliceExpr)(js_1.b.id(this.names.variable(s.var)), s, s.args.map((a) => this.value(a)));
            default:
                return (0, types_1.assertNever)(s, 'op');
        }
    }
    /** An active call becomes a pushforward; its tangent comes back in ret[0] and is bound at once. */
    call(s, out) {
        const args = s.args.map((a) => this.value(a));
        const pattern = s.args.map((a) => this.active(a));
        if (!this.active(s.id) || !pattern.some((p) => p))
            return js_1.b.call(this.ctx.primal(s.callee), args);
        const helper = this.ctx.helper(s.callee, 'forward', pattern);
        const tangents = s.args.filter((a) => this.active(a)).map((a) => this.tangent(a));
        const name = this.names.temp(s.id);
        this.push(out, s, js_1.b.const(name, js_1.b.call(helper, [...args, ...tangents])));
        const callee = this.ctx.getIR(s.callee);
        const tname = this.names.tempTangent(s.id);
        if ((0, types_1.isArrayType)(callee.returnType)) {
            this.push(out, s, js_1.b.const(tname, js_1.b.as(js_1.b.index(js_1.b.id(this.ctx.use('retArrays')), js_1.b.num(0)), callee.returnType === 'readonly number[]' ? 'number[]' : callee.returnType)), true);
        }
        else {
            this.push(out, s, js_1.b.const(tname, js_1.b.index(js_1.b.id(this.ctx.use('ret')), js_1.b.num(0))), true);
        }
        this.te.set(s.id, js_1.b.id(tname));
        return js_1.b.id(name);
    }
    tangentExpr(s) {
        switch (s.op) {
            case 'const':
            case 'length':
                return js_1.b.num(0);
            case 'read':
                return this.activeVar(s.var) ? js_1.b.id(this.names.tangent(s.var)) : js_1.b.num(0);
            case 'prim': {
                const r = (0, table_1.rule)(s.fn);
                if (!r.partials)
                    return js_1.b.num(0);
                const partials = (0, table_1.partialsOf)(r, s.args.map((a) => this.active(a)), (i) => this.value(i < 0 ? s.id : s.args[i]));
                // d(a * b) = da * b + a * db, in the order of the operands.
                if (s.fn === 'mul' && s.args[0] === s.args[1])
                    return js_1.b.mul(js_1.b.mul(js_1.b.num(2), this.value(s.args[0])), this.tangent(s.args[0]));
                if (s.fn === 'mul')
                    return js_1.b.add(this.active(s.args[0]) ? js_1.b.mul(this.tangent(s.args[0]), partials[0]) : js_1.b.num(0), this.active(s.args[1]) ? js_1.b.mul(partials[1], this.tangent(s.args[1])) : js_1.b.num(0));
                return js_1.b.sum(s.args.map((a, i) => (this.active(a) ? js_1.b.mul(partials[i], this.tangent(a)) : js_1.b.num(0))));
            }
            case 'select':
                return js_1.b.cond(this.value(s.args[0]), this.tangent(s.args[1]), this.tangent(s.args[2]));
            case 'load':
                return this.activeVar(s.var) ? (0, arrays_1.loadExpr)(js_1.b.id(this.names.tangent(s.var)), this.value(s.args[0]), this.fn.vars[s.var].type, this.ctx) : js_1.b.num(0);
            case 'newArray':
                return (0, arrays_1.newArrayExpr)(s, s.form === 'literal' ? s.args.map((a) => this.tangent(a)) : [this.value(s.args[0]), ...(s.args.length > 1 ? [this.tangent(s.args[1])] : [])]);
            case 'slice':
                return this.activeVar(s.var) ? (0, arrays_1.sliceExpr)(js_1.b.id(this.names.tangent(s.var)), s, s.args.map((a) => this.value(a))) : js_1.b.num(0);
            case 'call':
                return this.te.get(s.id) ?? js_1.b.num(0);
            default:
                return (0, types_1.assertNever)(s, 'op');
        }
    }
    assign(s, out) {
        const v = s.var;
        const name = this.names.variable(v);
        const info = this.fn.vars[v];
        const value = this.value(s.value);
        // An active array created from inactive values still needs its own tangent array.
        const tangentOf = () => (0, types_1.isArrayType)(info.type) && !this.active(s.value) ? (0, arrays_1.zeroArrayExpr)(info.type, js_1.b.member(js_1.b.id(name), 'length')) : this.tangent(s.value);
        if (s.declare) {
            const kind = info.constant ? 'const' : 'let';
            const type = (0, types_1.isArrayType)(info.type) ? undefined : needsAnnotation(info.type, value);
            this.push(out, s, { k: 'decl', kind, name, init: value, type });
            if (this.activeVar(v))
                this.push(out, s, { k: 'decl', kind, name: this.names.tangent(v), init: tangentOf(), type }, true);
            return;
        }
        this.push(out, s, assignment(name, value));
        if (this.activeVar(v)) {
            const tname = this.names.tangent(v);
            const t = tangentOf();
            if (!(t.k === 'id' && t.name === tname))
                this.push(out, s, assignment(tname, t), true);
        }
    }
    ret(s, out) {
        const value = this.value(s.value);
        if (this.conv.kind === 'primal') {
            this.push(out, s, js_1.b.return(value));
            return;
        }
        const isArray = (0, types_1.isArrayType)(this.fn.returnType);
        const tangent = isArray && !this.active(s.value) ? (0, arrays_1.zeroArrayExpr)(this.fn.returnType, js_1.b.member(value, 'length')) : this.tangent(s.value);
        if (this.conv.kind === 'internal') {
            const v = (0, js_1.isAtom)(value) ? value : js_1.b.id(this.names.fresh('value'));
            if (!(0, js_1.isAtom)(value))
                this.push(out, s, js_1.b.const(v.name, value));
            const slot = js_1.b.index(js_1.b.id(this.ctx.use(isArray ? 'retArrays' : 'ret')), js_1.b.num(0));
            this.push(out, s, js_1.b.assign(slot, tangent), true);
            this.push(out, s, js_1.b.return(v));
            return;
        }
        // public: fill `out` when given (arrays in place), else a fresh object.
        const o = js_1.b.id(this.resultName);
        const valueName = (0, js_1.isAtom)(value) ? value : js_1.b.id(this.names.fresh('value'));
        const tangentName = (0, js_1.isAtom)(tangent) ? tangent : js_1.b.id(this.names.fresh('tangent'));
        if (!(0, js_1.isAtom)(value))
            this.push(out, s, js_1.b.const(valueName.name, value));
        if (!(0, js_1.isAtom)(tangent))
            this.push(out, s, js_1.b.const(tangentName.name, tangent), true);
        const store = (field, e) => isArray ? js_1.b.expr(js_1.b.call(this.ctx.useHelper('copyInto'), [js_1.b.member(o, field), e, { k: 'str', v: `out.${field}` }])) : js_1.b.assign(js_1.b.member(o, field), e);
        this.push(out, s, js_1.b.if(js_1.b.bin('!==', o, js_1.b.id('undefined')), [store('value', valueName), store('tangent', tangentName), js_1.b.return(o)]), true);
        this.push(out, s, js_1.b.return(js_1.b.obj([['value', valueName], ['tangent', tangentName]])), true);
    }
    // ---------------------------------------------------------------------------
    // Loops
    // ---------------------------------------------------------------------------
    /**
     * A loop in the nicest form that is exact:
     * - `for (init; cond; update)` when the test is one expression and the update a list of assignments;
     * - `while (cond)` / `do … while (cond)` when the test is one expression;
     * - otherwise `for (;;) { test; if (!cond) break; … }` with the body in a labeled block when it `continue`s.
     * Returns undefined when `init` was given but cannot go in the header.
     */
    loop(l, init) {
        const origin = l.origin.text;
        const label = this.labels.get(l.id);
        // Test: try to print it as a single expression.
        const testOut = [];
        for (const s of l.test)
            this.stmt(s, testOut);
        const testExpr = l.cond === undefined ? undefined : this.value(l.cond);
        const testIsExpr = testOut.length === 0;
        this.loopStack.push(l.id);
        const body = this.region(l.body);
        const updateOut = [];
        for (const s of l.update)
            this.stmt(s, updateOut);
        this.loopStack.pop();
        const updateExprs = updateOut.map((e) => asExpression(e.stmt));
        const updateIsExpr = updateExprs.every((e) => e !== undefined);
        const wrap = (stmt) => ({ stmt, origin, deriv: false });
        let initStmt;
        const initOut = [];
        if (init) {
            this.stmt(init, initOut);
            if (initOut.length === 1 && initOut[0].stmt.k === 'decl')
                initStmt = initOut[0].stmt;
            else if (initOut.length === 0)
                initStmt = undefined;
            else
                return undefined;
        }
        const hasContinue = containsContinue(l.body, l.id);
        if (l.form === 'do') {
            if (testIsExpr)
                return [wrap({ k: 'do', body, test: testExpr ?? js_1.b.bool(true), label })];
            const inner = this.names.fresh('body');
            const bodyBlock = hasContinue ? [{ k: 'block', body: retargetContinue(body, label, inner), label: inner }] : body;
            const tail = withComments(testOut);
            return [wrap({ k: 'do', body: [...bodyBlock, ...tail], test: testExpr ?? js_1.b.bool(true), label })];
        }
        if (testIsExpr && updateIsExpr && (l.form === 'for' || initStmt)) {
            const update = updateExprs.length === 0 ? undefined : updateExprs.length === 1 ? updateExprs[0] : commaList(updateExprs);
            return [wrap({ k: 'for', init: initStmt, test: testExpr, update, body, label })];
        }
        const pre = initOut.length > 0 ? initOut : [];
        if (testIsExpr && updateOut.length === 0)
            return [...pre, wrap({ k: 'while', test: testExpr ?? js_1.b.bool(true), body, label })];
        // General form.
        const inner = this.names.fresh('body');
        const test = testIsExpr ? [] : withComments(testOut);
        const exit = testExpr === undefined ? [] : [js_1.b.if(js_1.b.not(testExpr), [js_1.b.break()])];
        const bodyPart = hasContinue && updateOut.length > 0 ? [{ k: 'block', body: retargetContinue(body, label, inner), label: inner }] : body;
        return [...pre, wrap({ k: 'for', body: [...test, ...exit, ...bodyPart, ...withComments(updateOut)], label })];
    }
}
/** `x = x + e` ⇒ `x += e`; `x = x - e` ⇒ `x -= e`; `x = x + 1` ⇒ `x += 1`. */
function assignment(name, value) {
    if (value.k === 'bin' && (value.op === '+' || value.op === '-' || value.op === '*' || value.op === '/') && value.l.k === 'id' && value.l.name === name) {
        const op = `${value.op}=`;
        return { k: 'assign', target: js_1.b.id(name), op, value: value.r };
    }
    return js_1.b.assign(name, value);
}
/** A statement that can go in a `for` header: assignments (`i++` for `i += 1`). */
function asExpression(s) {
    if (s.k === 'assign') {
        if ((s.op === '+=' || s.op === '-=') && s.value.k === 'num' && s.value.v === 1)
            return { k: 'postfix', op: s.op === '+=' ? '++' : '--', target: s.target };
        if (s.op === '=')
            return { k: 'assignExpr', target: s.target, value: s.value };
        return { k: 'assignExpr', target: s.target, value: { k: 'bin', op: s.op.slice(0, -1), l: s.target, r: s.value } };
    }
    return undefined;
}
/** `i++, j--` in a `for` header. */
function commaList(exprs) {
    return exprs.reduce((acc, e) => ({ k: 'bin', op: ',', l: acc, r: e }));
}
function containsContinue(region, loop) {
    return region.some((s) => {
        if (s.kind === 'continue')
            return s.loop === loop;
        if (s.kind === 'if')
            return containsContinue(s.then, loop) || containsContinue(s.else, loop);
        if (s.kind === 'loop')
            return containsContinue(s.body, loop);
        return false;
    });
}
/** `continue` (to this loop) inside a labeled body block ⇒ `break <block>`, so the code after the block still runs. */
function retargetContinue(body, loopLabel, block, depth = 0) {
    return body.map((s) => {
        switch (s.k) {
            case 'continue':
                return (s.label === undefined && depth === 0) || (s.label !== undefined && s.label === loopLabel) ? { k: 'break', label: block } : s;
            case 'if':
                return { ...s, then: retargetContinue(s.then, loopLabel, block, depth), else: s.else && retargetContinue(s.else, loopLabel, block, depth) };
            case 'for':
            case 'while':
            case 'do':
                return { ...s, body: retargetContinue(s.body, loopLabel, block, depth + 1) };
            case 'block':
                return { ...s, body: retargetContinue(s.body, loopLabel, block, depth) };
            default:
                return s;
        }
    });
}
/**
 * Statements with a `// source` comment above each group that carries
 * derivative code, unless the group's first statement already reads as the
 * source does (`let e = 0;`) or the enclosing statement has the same source.
 */
function withComments(list, enclosing) {
    const out = [];
    let i = 0;
    while (i < list.length) {
        let j = i;
        while (j < list.length && list[j].origin === list[i].origin)
            j++;
        const group = list.slice(i, j);
        const first = group[0].stmt;
        const compound = first.k === 'if' || first.k === 'for' || first.k === 'while' || first.k === 'do';
        const origin = list[i].origin;
        if (group.some((e) => e.deriv) && !compound && origin !== enclosing && !sameText(first, origin))
            out.push(js_1.b.comment(origin));
        for (const e of group)
            out.push(e.stmt);
        i = j;
    }
    return out;
}
function sameText(s, origin) {
    const norm = (t) => t.replace(/\s+/g, '').replace(/;$/, '');
    return norm((0, printer_1.printStatements)([s])) === norm(origin);
}
/** `let best = -Infinity` would be inferred as number anyway; annotate only what inference would get wrong. */
function needsAnnotation(type, init) {
    if (type === 'number' && init.k === 'bool')
        return 'number';
    return undefined;
}
