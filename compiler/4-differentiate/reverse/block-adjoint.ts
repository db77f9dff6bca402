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
import { isArrayType, type IRFunction, type Op, type Stmt, type TempId, type VarId } from '../../ir/types';
import { rule, partialsOf } from '../../rules/table';
import { b, isAtom, namesIn, type JsExpr, type JsStmt } from '../../5-print/js';
import type { Activity } from '../../3-analyze/activity';
import type { FunctionNames } from '../names';
import type { FileContext } from '../context';

export interface AdjointEnv {
  readonly fn: IRFunction;
  readonly act: Activity;
  readonly names: FunctionNames;
  readonly ctx: FileContext;
  /** The primal value of a temp at this point of the reverse sweep (recomputed or kept from the forward sweep). */
  value(t: TempId): JsExpr;
  /** Seed of the result's adjoint (`cotangent`, `result_bar`). */
  readonly seed: JsExpr;
  /** A variable whose declaration is at the top of the function: its adjoint needs no zeroing at the declaration. */
  readonly topLevelDeclaration: (v: VarId) => boolean;
  /** Adjoint array of an array variable. */
  arrayAdjoint(v: VarId): JsExpr;
}

export class BlockAdjoint {
  private readonly contrib = new Map<TempId, JsExpr[]>();
  private readonly pendingZero = new Set<VarId>();
  /** Adjoint names referenced by pending contributions: writing to them first materializes those temps. */
  private readonly refs = new Map<string, Set<TempId>>();
  readonly out: JsStmt[] = [];
  private origin = '';

  constructor(private readonly env: AdjointEnv) {}

  /** Emits the adjoint of `stmts` (a block, in forward order); `comment(origin)` marks source statements. */
  run(stmts: readonly Stmt[], after: (s: Stmt) => JsStmt[] = () => []): JsStmt[] {
    for (let i = stmts.length - 1; i >= 0; i--) {
      const s = stmts[i];
      const before = this.out.length;
      this.stmt(s);
      this.out.push(...after(s));
      if (this.out.length > before && s.origin.text !== this.origin) {
        this.origin = s.origin.text;
        this.out.splice(before, 0, b.comment(s.origin.text));
      }
    }
    for (const v of [...this.pendingZero].sort((x, y) => x - y)) this.writeVar(v, b.num(0), true);
    return this.out;
  }

  private active(t: TempId): boolean {
    return this.env.act.activeTemp[t];
  }

  private add(t: TempId, e: JsExpr): void {
    if (!this.active(t) || (e.k === 'num' && e.v === 0)) return;
    let list = this.contrib.get(t);
    if (!list) this.contrib.set(t, (list = []));
    list.push(e);
    for (const n of namesIn(e)) {
      if (!n.endsWith('_bar')) continue;
      let set = this.refs.get(n);
      if (!set) this.refs.set(n, (set = new Set()));
      set.add(t);
    }
  }

  /** Before `name` changes, temps whose pending adjoint reads it get their adjoint fixed in a const. */
  private flush(name: string): void {
    const temps = this.refs.get(name);
    if (!temps || temps.size === 0) return;
    for (const t of [...temps].sort((x, y) => x - y)) {
      const list = this.contrib.get(t);
      if (!list || list.length === 0) continue;
      const tname = this.env.names.fresh(`${this.env.names.temp(t)}_bar`);
      this.out.push(b.const(tname, b.sum(list)));
      this.contrib.set(t, [b.id(tname)]);
    }
    this.refs.delete(name);
  }

  /** `v_bar = e` (after a pending zero) or `v_bar += e`. */
  private accumulateVar(v: VarId, e: JsExpr): void {
    if (e.k === 'num' && e.v === 0) return;
    this.writeVar(v, e, false);
  }

  private writeVar(v: VarId, e: JsExpr, zero: boolean): void {
    const name = this.env.names.adjoint(v);
    this.flush(name);
    if (this.pendingZero.has(v)) {
      this.pendingZero.delete(v);
      if (!(e.k === 'id' && e.name === name)) this.out.push(b.assign(name, e));
    } else if (!zero) {
      this.out.push(...b.accumulate(name, e));
    }
  }

  /** Sum of a temp's contributions (consumed: the temp no longer waits on any adjoint name); undefined when it has none. */
  private adjointOf(t: TempId): JsExpr | undefined {
    const list = this.contrib.get(t);
    for (const set of this.refs.values()) set.delete(t);
    if (!list || list.length === 0) return undefined;
    this.contrib.delete(t);
    return b.sum(list);
  }

  /** A temp's adjoint as something cheap to repeat (a name or a literal). */
  private named(t: TempId, e: JsExpr, uses: number): JsExpr {
    if (isAtom(e) || uses <= 1) return e;
    const name = this.env.names.tempAdjoint(t);
    this.out.push(b.const(name, e));
    return b.id(name);
  }

  private stmt(s: Stmt): void {
    const env = this.env;
    switch (s.kind) {
      case 'return':
        this.add(s.value, env.seed);
        return;
      case 'assign': {
        const v = s.var;
        if (!env.act.activeVar[v]) return;
        if (isArrayType(env.fn.vars[v].type)) return this.arrayAssign(s);
        if (!this.pendingZero.has(v)) this.add(s.value, b.id(env.names.adjoint(v)));
        if (!(s.declare && env.topLevelDeclaration(v))) this.pendingZero.add(v);
        else this.refs.get(env.names.adjoint(v))?.size; // top-level declaration: nothing reads v_bar afterwards
        return;
      }
      case 'store': {
        if (!env.act.activeVar[s.var]) return;
        const arr = env.arrayAdjoint(s.var);
        const name = (arr as { name: string }).name;
        this.flush(name);
        const el = b.index(arr, env.value(s.index));
        if (this.active(s.value)) {
          const tname = env.names.fresh(`${env.names.temp(s.value)}_bar`);
          this.out.push(b.const(tname, el));
          this.add(s.value, b.id(tname));
        }
        this.out.push(b.assign(el, b.num(0)));
        return;
      }
      case 'declare':
        return;
      case 'push':
      case 'fill':
        throw new Error(`${s.kind} in reverse mode is handled by the array emitter`);
      case 'op':
        return this.op(s);
      case 'if':
      case 'loop':
      case 'break':
      case 'continue':
        throw new Error(`${s.kind} inside a straight-line block`);
    }
  }

  private arrayAssign(s: Extract<Stmt, { kind: 'assign' }>): void {
    void s;
  }

  private op(s: Op): void {
    const env = this.env;
    if (!this.active(s.id)) return;
    const adj = this.adjointOf(s.id);
    if (adj === undefined) return;
    switch (s.op) {
      case 'const':
      case 'length':
        return;
      case 'read':
        if (isArrayType(env.fn.vars[s.var].type)) return;
        this.accumulateVar(s.var, adj);
        return;
      case 'load': {
        const arr = env.arrayAdjoint(s.var);
        this.flush((arr as { name: string }).name);
        this.out.push(...b.accumulate(b.index(arr, env.value(s.args[0])), adj));
        return;
      }
      case 'prim': {
        const r = rule(s.fn);
        if (!r.partials) return;
        const activeArgs = s.args.filter((a) => this.active(a));
        const y = this.named(s.id, adj, activeArgs.length);
        const partials = partialsOf(r, s.args.map((a) => this.active(a)), (i) => env.value(i < 0 ? s.id : s.args[i]));
        s.args.forEach((a, i) => {
          if (this.active(a)) this.add(a, b.mul(partials[i], y));
        });
        return;
      }
      case 'select': {
        const [c, x, z] = s.args;
        const y = this.named(s.id, adj, (this.active(x) ? 1 : 0) + (this.active(z) ? 1 : 0));
        const cond = env.value(c);
        if (this.active(x)) this.add(x, b.cond(cond, y, b.num(0)));
        if (this.active(z)) this.add(z, b.cond(cond, b.num(0), y));
        return;
      }
      case 'call':
        return this.call(s, adj);
      case 'newArray':
      case 'slice':
        throw new Error(`${s.op} in reverse mode is handled by the array emitter`);
    }
  }

  /** `t = g(a, b)` ⇒ `g_pullback(a, b, t_bar)`; scalar adjoints come back as the result or in `ret`. */
  private call(s: Extract<Op, { op: 'call' }>, adj: JsExpr): void {
    const env = this.env;
    const pattern = s.args.map((a) => this.active(a));
    if (!pattern.some((p) => p)) return;
    const callee = env.ctx.getIR(s.callee);
    const helper = env.ctx.helper(s.callee, 'reverse', pattern);
    const arrays = s.args.filter((a, i) => pattern[i] && isArrayType(callee.vars[callee.params[i]].type));
    const scalars = s.args.filter((a, i) => pattern[i] && !isArrayType(callee.vars[callee.params[i]].type));
    const args = [...s.args.map((a) => env.value(a)), adj, ...arrays.map((a) => this.arrayAdjointOfArg(a))];
    arrays.forEach((a) => this.flush((this.arrayAdjointOfArg(a) as { name: string }).name));
    const call = b.call(helper, args);
    if (scalars.length === 0) {
      this.out.push(b.expr(call));
    } else if (scalars.length === 1) {
      const name = env.names.fresh(`${env.names.temp(scalars[0])}_bar`);
      this.out.push(b.const(name, call));
      this.add(scalars[0], b.id(name));
    } else {
      this.out.push(b.expr(call));
      const ret = env.ctx.use('ret');
      scalars.forEach((a, k) => {
        const name = env.names.fresh(`${env.names.temp(a)}_bar`);
        this.out.push(b.const(name, b.index(b.id(ret), b.num(k))));
        this.add(a, b.id(name));
      });
    }
  }

  /** The adjoint array passed for an active array argument: the argument is a read of an array variable. */
  private arrayAdjointOfArg(t: TempId): JsExpr {
    const e = this.env.value(t);
    if (e.k !== 'id') throw new Error('array arguments must be variables');
    const v = this.env.fn.vars.find((x) => this.env.names.variable(x.id) === e.name);
    if (!v) throw new Error(`no array variable ${e.name}`);
    return this.env.arrayAdjoint(v.id);
  }
}

