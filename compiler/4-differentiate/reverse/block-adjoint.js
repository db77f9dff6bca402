"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BlockAdjoint = void 0;
/**
 * The adjoint of one straight-line block, statements in reverse order:
 *
 *   y = f(a, b)   ⇒   a_bar += ∂f/∂a · y_bar;  b_bar += ∂f/∂b · y_bar
 *   v = t         ⇒   t_bar += v_bar;  v_bar = 0
 *   arr[i] = t    ⇒   t_bar += arr_bar[i];  arr_bar[i] = 0
 *   read v        ⇒   v_bar += t_bar
 *
 * Temps' adjoints are collected as lists of contributions and summed at the
 * temp's definition (inlined when used once). A variable's adjoint is zeroed
 * lazily: after `v = t`, the next accumulation into `v_bar` is an assignment,
 * and `v_bar = 0` is only written if nothing else was.
 */
const types_1 = require("../../ir/types");
const table_1 = require("../../rules/table");
const js_1 = require("../../5-print/js");
class BlockAdjoint {
    env;
    contrib = new Map();
    pendingZero = new Set();
    /** Adjoint names referenced by pending contributions: writing to them first materializes those temps. */
    refs = new Map();
    out = [];
    origin = '';
    defs = new Map();
    /** Array-creating ops whose adjoint was emitted with the assignment that names their array. */
    handled = new Set();
    constructor(env) {
        this.env = env;
    }
    /** Emits the adjoint of `stmts` (a block, in forward order); `comment(origin)` marks source statements. */
    run(stmts, after = () => []) {
        for (const s of stmts)
            if (s.kind === 'op')
                this.defs.set(s.id, s);
        for (let i = stmts.length - 1; i >= 0; i--) {
            const s = stmts[i];
            if (s.kind === 'op' && this.handled.has(s.id))
                continue;
            const before = this.out.length;
            this.stmt(s);
            this.out.push(...after(s));
            if (this.out.length > before && s.origin.text !== this.origin) {
                this.origin = s.origin.text;
                this.out.splice(before, 0, js_1.b.comment(s.origin.text));
            }
        }
        for (const v of [...this.pendingZero].sort((x, y) => x - y))
            this.writeVar(v, js_1.b.num(0), true);
        return this.out;
    }
    active(t) {
        return this.env.act.activeTemp[t];
    }
    add(t, e) {
        if (!this.active(t) || (e.k === 'num' && e.v === 0))
            return;
        let list = this.contrib.get(t);
        if (!list)
            this.contrib.set(t, (list = []));
        // x * x contributes x·ȳ twice: 2 * x * ȳ.
        const same = list.findIndex((c) => (0, js_1.sameExpr)(c, e));
        if (same >= 0)
            list[same] = js_1.b.mul(js_1.b.num(2), e);
        else
            list.push(e);
        for (const n of (0, js_1.namesIn)(e)) {
            if (!n.endsWith('_bar'))
                continue;
            let set = this.refs.get(n);
            if (!set)
                this.refs.set(n, (set = new Set()));
            set.add(t);
        }
    }
    /** Before `name` changes, temps whose pending adjoint reads it get their adjoint fixed in a const. */
    flush(name) {
        const temps = this.refs.get(name);
        if (!temps || temps.size === 0)
            return;
        for (const t of [...temps].sort((x, y) => x - y)) {
            const list = this.contrib.get(t);
            if (!list || list.length === 0)
                continue;
            const tname = this.env.names.fresh(`${this.env.names.temp(t)}_bar`);
            this.out.push(js_1.b.const(tname, js_1.b.sum(list)));
            this.contrib.set(t, [js_1.b.id(tname)]);
        }
        this.refs.delete(name);
    }
    /** `v_bar = e` (after a pending zero) or `v_bar += e`. */
    accumulateVar(v, e) {
        if (e.k === 'num' && e.v === 0)
            return;
        this.writeVar(v, e, false);
    }
    writeVar(v, e, zero) {
        if (this.env.fixedAdjoint(v))
            return; // an accumulator's adjoint passes through its `+=` unchanged
        const name = this.env.adjointName(v);
        this.flush(name);
        if (this.pendingZero.has(v)) {
            this.pendingZero.delete(v);
            if (e.k === 'id' && e.name === name)
                return;
            // v_bar = v_bar - e ⇒ v_bar -= e
            if (e.k === 'bin' && (e.op === '+' || e.op === '-') && e.l.k === 'id' && e.l.name === name)
                this.out.push({ k: 'assign', target: js_1.b.id(name), op: e.op === '+' ? '+=' : '-=', value: e.r });
            else
                this.out.push(js_1.b.assign(name, e));
        }
        else if (!zero) {
            this.out.push(...js_1.b.accumulate(name, e));
        }
    }
    /** Sum of a temp's contributions (consumed: the temp no longer waits on any adjoint name); undefined when it has none. */
    adjointOf(t) {
        const list = this.contrib.get(t);
        for (const set of this.refs.values())
            set.delete(t);
        if (!list || list.length === 0)
            return undefined;
        this.contrib.delete(t);
        return js_1.b.sum(list);
    }
    /** A temp's adjoint as something cheap to repeat (a name or a literal). */
    named(t, e, uses) {
        if ((0, js_1.isAtom)(e) || uses <= 1)
            return e;
        const name = this.env.names.tempAdjoint(t);
        this.out.push(js_1.b.const(name, e));
        return js_1.b.id(name);
    }
    stmt(s) {
        const env = this.env;
        switch (s.kind) {
            case 'return':
                if ((0, types_1.isArrayType)(env.fn.temps[s.value]))
                    return this.arrayReturn(s.value);
                this.add(s.value, env.seed);
                return;
            case 'assign': {
                const v = s.var;
                if (!env.act.activeVar[v])
                    return;
                if ((0, types_1.isArrayType)(env.fn.vars[v].type))
                    return this.arrayAssign(s);
                const fixed = env.fixedAdjoint(v);
                if (fixed) {
                    this.add(s.value, fixed);
                    return;
                }
                if (!this.pendingZero.has(v))
                    this.add(s.value, js_1.b.id(env.adjointName(v)));
                // After a top-level declaration nothing reads v_bar again: no zeroing.
                if (!(s.declare && env.topLevelDeclaration(v)))
                    this.pendingZero.add(v);
                return;
            }
            case 'store': {
                if (!env.act.activeVar[s.var])
                    return;
                const arr = env.arrayAdjoint(s.var);
                const name = arr.name;
                this.flush(name);
                const el = js_1.b.index(arr, env.value(s.index));
                if (this.active(s.value)) {
                    const tname = env.names.fresh(`${env.names.temp(s.value)}_bar`);
                    this.out.push(js_1.b.const(tname, el));
                    this.add(s.value, js_1.b.id(tname));
                }
                this.out.push(js_1.b.assign(el, js_1.b.num(0)));
                return;
            }
            case 'declare':
                return;
            case 'push':
                return this.push(s);
            case 'fill':
                return this.fill(s);
            case 'op':
                return this.op(s);
            case 'if':
            case 'loop':
            case 'break':
            case 'continue':
                throw new Error(`${s.kind} inside a straight-line block`);
        }
    }
    runtime(name) {
        return js_1.b.id(this.env.ctx.useHelper(name));
    }
    /** `for (let k = 0; k < n; k++) body(k)`. */
    loopOver(n, body) {
        const k = this.env.names.fresh('k');
        return { k: 'for', init: js_1.b.let(k, js_1.b.num(0)), test: js_1.b.bin('<', js_1.b.id(k), n), update: { k: 'postfix', op: '++', target: js_1.b.id(k) }, body: body(js_1.b.id(k)) };
    }
    /** `return a` of an array: its adjoint receives the cotangent, element by element. */
    arrayReturn(t) {
        const d = this.defs.get(t);
        if (!d || d.op !== 'read')
            throw new Error('an array result must be a variable');
        if (!this.env.act.activeVar[d.var])
            return;
        const adj = this.env.arrayAdjoint(d.var);
        this.flush(adj.name);
        this.out.push(this.loopOver(js_1.b.member(this.env.seed, 'length'), (k) => js_1.b.accumulate(js_1.b.index(adj, k), js_1.b.index(this.env.seed, k))));
    }
    /**
     * `a = <new array>`: the creation's adjoint, then `a_bar` starts over for the
     * array `a` named before (inside loops; a top-level declaration has no before).
     *   a = [p, q]              ⇒ p_bar += a_bar[0]; q_bar += a_bar[1]
     *   a = new Array(n).fill(v) ⇒ v_bar += Σ a_bar
     *   a = x.slice(s)          ⇒ x_bar[s + k] += a_bar[k]
     *   a = g(…)                ⇒ g_pullback(…, a_bar, …)
     */
    arrayAssign(s) {
        const env = this.env;
        const v = s.var;
        const adj = env.arrayAdjoint(v);
        const name = adj.name;
        const d = this.defs.get(s.value);
        if (d) {
            this.handled.add(d.id);
            switch (d.op) {
                case 'newArray':
                    if (d.form === 'literal')
                        d.args.forEach((a, k) => this.active(a) && this.add(a, js_1.b.index(adj, js_1.b.num(k))));
                    else if (d.args.length > 1 && this.active(d.args[1]))
                        this.add(d.args[1], js_1.b.call(this.runtime('sum'), [adj]));
                    break;
                case 'slice': {
                    if (!env.act.activeVar[d.var])
                        break;
                    const src = env.arrayAdjoint(d.var);
                    this.flush(src.name);
                    const start = d.hasStart ? env.value(d.args[0]) : js_1.b.num(0);
                    this.out.push(this.loopOver(js_1.b.member(adj, 'length'), (k) => js_1.b.accumulate(js_1.b.index(src, js_1.b.add(start, k)), js_1.b.index(adj, k))));
                    break;
                }
                case 'call':
                    this.call(d, adj);
                    break;
                default:
                    throw new Error(`array '${env.names.variable(v)}' must be created by new, a literal, slice or a call`);
            }
        }
        if (!(s.declare && env.topLevelDeclaration(v))) {
            this.flush(name);
            this.out.push(js_1.b.assign(adj, js_1.b.call(this.runtime('zeroedLike'), [adj, js_1.b.member(js_1.b.id(env.names.variable(v)), 'length')])));
        }
    }
    /** `a.push(v)` ⇒ the last element's adjoint goes to v, and the push is undone (`a.pop()`). */
    push(s) {
        const env = this.env;
        const arr = js_1.b.id(env.names.variable(s.var));
        const last = js_1.b.sub(js_1.b.member(arr, 'length'), js_1.b.num(1));
        if (env.act.activeVar[s.var]) {
            const adj = env.arrayAdjoint(s.var);
            this.flush(adj.name);
            const el = js_1.b.index(adj, last);
            if (this.active(s.value)) {
                const tname = env.names.fresh(`${env.names.temp(s.value)}_bar`);
                this.out.push(js_1.b.const(tname, el));
                this.add(s.value, js_1.b.id(tname));
            }
            this.out.push(js_1.b.assign(el, js_1.b.num(0)));
        }
        if (env.undoPush(s))
            this.out.push(js_1.b.expr(js_1.b.call(js_1.b.member(arr, 'pop'), [])));
    }
    /** `a.fill(v)` ⇒ v_bar += Σ a_bar; a_bar = 0. */
    fill(s) {
        const env = this.env;
        if (!env.act.activeVar[s.var])
            return;
        const adj = env.arrayAdjoint(s.var);
        this.flush(adj.name);
        if (this.active(s.value)) {
            const tname = env.names.fresh(`${env.names.temp(s.value)}_bar`);
            this.out.push(js_1.b.const(tname, js_1.b.call(this.runtime('sum'), [adj])));
            this.add(s.value, js_1.b.id(tname));
        }
        this.out.push(js_1.b.expr(js_1.b.call(js_1.b.member(adj, 'fill'), [js_1.b.num(0)])));
    }
    op(s) {
        const env = this.env;
        if (!this.active(s.id))
            return;
        const adj = this.adjointOf(s.id);
        if (adj === undefined)
            return;
        switch (s.op) {
            case 'const':
            case 'length':
                return;
            case 'read':
                if ((0, types_1.isArrayType)(env.fn.vars[s.var].type))
                    return;
                this.accumulateVar(s.var, adj);
                return;
            case 'load': {
                const arr = env.arrayAdjoint(s.var);
                this.flush(arr.name);
                this.out.push(...js_1.b.accumulate(js_1.b.index(arr, env.value(s.args[0])), adj));
                return;
            }
            case 'prim': {
                const r = (0, table_1.rule)(s.fn);
                if (!r.partials)
                    return;
                const activeArgs = s.args.filter((a) => this.active(a));
                const y = this.named(s.id, adj, activeArgs.length);
                const partials = (0, table_1.partialsOf)(r, s.args.map((a) => this.active(a)), (i) => env.value(i < 0 ? s.id : s.args[i]));
                s.args.forEach((a, i) => {
                    if (this.active(a))
                        this.add(a, js_1.b.mul(partials[i], y));
                });
                return;
            }
            case 'select': {
                const [c, x, z] = s.args;
                const y = this.named(s.id, adj, (this.active(x) ? 1 : 0) + (this.active(z) ? 1 : 0));
                const cond = env.value(c);
                if (this.active(x))
                    this.add(x, js_1.b.cond(cond, y, js_1.b.num(0)));
                if (this.active(z))
                    this.add(z, js_1.b.cond(cond, js_1.b.num(0), y));
                return;
            }
            case 'call':
                return this.call(s, adj);
            case 'newArray':
            case 'slice':
                return; // their adjoint is emitted with the assignment that names the array (arrayAssign)
        }
    }
    /** `t = g(a, b)` ⇒ `g_pullback(a, b, t_bar)`; scalar adjoints come back as the result or in `ret`. */
    call(s, adj) {
        const env = this.env;
        const pattern = s.args.map((a) => this.active(a));
        if (!pattern.some((p) => p))
            return;
        const callee = env.ctx.getIR(s.callee);
        const helper = env.ctx.helper(s.callee, 'reverse', pattern);
        const arrays = s.args.filter((a, i) => pattern[i] && (0, types_1.isArrayType)(callee.vars[callee.params[i]].type));
        const scalars = s.args.filter((a, i) => pattern[i] && !(0, types_1.isArrayType)(callee.vars[callee.params[i]].type));
        const args = [...s.args.map((a) => env.value(a)), adj, ...arrays.map((a) => this.arrayAdjointOfArg(a))];
        arrays.forEach((a) => this.flush(this.arrayAdjointOfArg(a).name));
        const call = js_1.b.call(helper, args);
        if (scalars.length === 0) {
            this.out.push(js_1.b.expr(call));
        }
        else if (scalars.length === 1) {
            const name = env.names.fresh(`${env.names.temp(scalars[0])}_bar`);
            this.out.push(js_1.b.const(name, call));
            this.add(scalars[0], js_1.b.id(name));
        }
        else {
            this.out.push(js_1.b.expr(call));
            const ret = env.ctx.use('ret');
            scalars.forEach((a, k) => {
                const name = env.names.fresh(`${env.names.temp(a)}_bar`);
                this.out.push(js_1.b.const(name, js_1.b.index(js_1.b.id(ret), js_1.b.num(k))));
                this.add(a, js_1.b.id(name));
            });
        }
    }
    /** The adjoint array passed for an active array argument: the argument is a read of an array variable. */
    arrayAdjointOfArg(t) {
        const e = this.env.value(t);
        if (e.k !== 'id')
            throw new Error('array arguments must be variables');
        const v = this.env.fn.vars.find((x) => this.env.names.variable(x.id) === e.name);
        if (!v)
            throw new Error(`no array variable ${e.name}`);
        return this.env.arrayAdjoint(v.id);
    }
}
exports.BlockAdjoint = BlockAdjoint;
