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
import { isArrayType, isUnionArray, mayBePlain, mayBeTyped, type ArrayType, type IRFunction, type Op, type Stmt, type TempId, type VarId, assertNever } from '../../ir/types';
import { usesOf } from '../../ir/walk';
import { rule, partialsOf } from '../../rules/table';
import { b, isAtom, isNum, type JsExpr, type JsStmt } from '../../5-print/js';
import { depthOf, maxInlineDepth, namesIn, sameExpr } from '../../5-print/js-walk';
import type { Activity } from '../../3-analyze/activity';
import type { FunctionNames } from '../names';
import { ruleOf, type FileContext } from '../context';
import { zeroArrayExpr } from '../arrays';
import { compoundAssign, computedBeside, countUpWhile, mayGrow, readsVar } from './adjoint-forms';

export interface AdjointEnv {
  readonly fn: IRFunction;
  readonly act: Activity;
  readonly names: FunctionNames;
  readonly ctx: FileContext;
  /** The primal value of a temp at this point of the reverse sweep (recomputed or kept from the forward sweep). */
  value(t: TempId): JsExpr;
  /** `value(t)` where the reverse sweep has it (the temps its adjoint reads), else undefined. */
  available(t: TempId): JsExpr | undefined;
  /** Whether an element read may be past the end of its array (finiteness analysis: `pastEnd`). */
  mayReadPastEnd(s: Extract<Op, { op: 'load' }>): boolean;
  /** Which partials of a prim op may be non-finite (finiteness analysis): they follow the zero-adjoint rule. */
  guarded(s: Extract<Op, { op: 'prim' }>): boolean[];
  /** Seed of the result's adjoint (`cotangent`, `result_bar`). */
  readonly seed: JsExpr;
  /** A variable whose declaration is at the top of the function: its adjoint needs no zeroing at the declaration. */
  readonly topLevelDeclaration: (v: VarId) => boolean;
  /** Adjoint array of an array variable. */
  arrayAdjoint(v: VarId): JsExpr;
  /** Whether the reverse sweep must undo this push (the array is active, or a recompute reads it). */
  undoPush(s: Stmt): boolean;
  /** Name of a scalar variable's adjoint (fused loops accumulate some into their own sums). */
  adjointName(v: VarId): string;
  /** A scalar adjoint that is a constant here (the accumulator of a fused loop: 1); writes to it are dropped. */
  fixedAdjoint(v: VarId): JsExpr | undefined;
  /** The length of the array an array variable held before this assignment (kept by the forward sweep), where it was kept. */
  oldLength(s: Stmt): JsExpr | undefined;
}

export class BlockAdjoint {
  private readonly contrib = new Map<TempId, JsExpr[]>();
  private readonly pendingZero = new Set<VarId>();
  /** Adjoint names referenced by pending contributions: writing to them first materializes those temps. */
  private readonly refs = new Map<string, Set<TempId>>();
  private readonly refNames = new Map<TempId, string[]>();
  readonly out: JsStmt[] = [];
  private origin = '';
  private readonly defs = new Map<TempId, Op>();
  /** How many times each temp is used in the block. */
  private readonly uses = new Map<TempId, number>();
  /** Temps chosen by a select (its second and third operands). */
  private readonly arms = new Set<TempId>();
  /** Array-creating ops whose adjoint was emitted with the assignment that names their array. */
  private readonly handled = new Set<TempId>();

  constructor(private readonly env: AdjointEnv) {}

  /** Emits the adjoint of `stmts` (a block, in forward order); `comment(origin)` marks source statements. */
  run(stmts: readonly Stmt[], after: (s: Stmt) => JsStmt[] = () => [], enclosing?: string, before: (s: Stmt) => JsStmt[] = () => []): JsStmt[] {
    if (enclosing !== undefined) this.origin = enclosing;
    for (const s of stmts) {
      if (s.kind === 'op') this.defs.set(s.id, s);
      if (s.kind === 'op' && s.op === 'select') s.args.slice(1).forEach((t) => this.arms.add(t));
      for (const t of usesOf(s)) this.uses.set(t, (this.uses.get(t) ?? 0) + 1);
    }
    for (let i = stmts.length - 1; i >= 0; i--) {
      const s = stmts[i];
      if (s.kind === 'op' && this.handled.has(s.id)) continue;
      const start = this.out.length;
      this.out.push(...before(s));
      this.stmt(s);
      this.out.push(...after(s));
      if (this.out.length > start && s.origin.text !== this.origin) {
        this.origin = s.origin.text;
        this.out.splice(start, 0, b.comment(s.origin.text));
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
    // x * x contributes x·ȳ twice: 2 * x * ȳ.
    const same = list.findIndex((c) => sameExpr(c, e));
    if (same >= 0) list[same] = b.mul(b.num(2), e);
    else list.push(e);
    // Every name the contribution reads: an adjoint written later (x_bar, or x_bar_2 after a rename)
    // must not change it before it is summed.
    for (const n of namesIn(e)) {
      let set = this.refs.get(n);
      if (!set) this.refs.set(n, (set = new Set()));
      set.add(t);
      let names = this.refNames.get(t);
      if (!names) this.refNames.set(t, (names = []));
      names.push(n);
    }
    // Thousands of uses (x in a sum of thousands of terms) would make one sum too deep to print: fix what is there.
    if (list.length >= maxInlineDepth) this.fix(t, list);
  }

  /** Before `name` changes, temps whose pending adjoint reads it get their adjoint fixed in a const. */
  private flush(name: string): void {
    const temps = this.refs.get(name);
    if (!temps || temps.size === 0) return;
    for (const t of [...temps].sort((x, y) => x - y)) {
      const list = this.contrib.get(t);
      if (list && list.length > 0) this.fix(t, list);
    }
    this.refs.delete(name);
  }

  /** `const t_bar = <the contributions so far>`, which then stand for them. */
  private fix(t: TempId, list: readonly JsExpr[]): void {
    const tname = this.env.names.fresh(this.env.names.tempAdjointBase(t));
    this.out.push(b.const(tname, b.sum(list)));
    this.contrib.set(t, [b.id(tname)]);
  }

  /** `v_bar = e` (after a pending zero) or `v_bar += e`. */
  private accumulateVar(v: VarId, e: JsExpr): void {
    if (e.k === 'num' && e.v === 0) return;
    this.writeVar(v, e, false);
  }

  private writeVar(v: VarId, e: JsExpr, zero: boolean): void {
    if (this.env.fixedAdjoint(v)) return; // an accumulator's adjoint passes through its `+=` unchanged
    const name = this.env.adjointName(v);
    this.flush(name);
    if (this.pendingZero.has(v)) {
      this.pendingZero.delete(v);
      if (e.k === 'id' && e.name === name) return;
      this.out.push(compoundAssign(name, e));
    } else if (!zero) {
      this.out.push(...b.accumulate(name, e));
    }
  }

  /** Sum of a temp's contributions (consumed: the temp no longer waits on any adjoint name); undefined when it has none. */
  private adjointOf(t: TempId): JsExpr | undefined {
    const list = this.contrib.get(t);
    for (const n of this.refNames.get(t) ?? []) this.refs.get(n)?.delete(t);
    this.refNames.delete(t);
    if (!list || list.length === 0) return undefined;
    this.contrib.delete(t);
    return b.sum(list);
  }

  /** A temp's adjoint as something cheap to repeat (a name or a literal). */
  private named(t: TempId, e: JsExpr, uses: number): JsExpr {
    if (isAtom(e) || (uses <= 1 && depthOf(e) <= maxInlineDepth)) return e;
    const name = this.env.names.tempAdjoint(t);
    this.out.push(b.const(name, e));
    return b.id(name);
  }

  private stmt(s: Stmt): void {
    const env = this.env;
    switch (s.kind) {
      case 'return':
        if (isArrayType(env.fn.temps[s.value])) return this.arrayReturn(s.value);
        this.add(s.value, env.seed);
        return;
      case 'assign': {
        const v = s.var;
        if (!env.act.activeVar[v]) return;
        if (isArrayType(env.fn.vars[v].type)) return this.arrayAssign(s);
        const fixed = env.fixedAdjoint(v);
        if (fixed) {
          this.add(s.value, fixed);
          return;
        }
        if (!this.pendingZero.has(v)) this.add(s.value, b.id(env.adjointName(v)));
        // After a top-level declaration nothing reads v_bar again: no zeroing.
        if (!(s.declare && env.topLevelDeclaration(v))) this.pendingZero.add(v);
        return;
      }
      case 'store': {
        if (!env.act.activeVar[s.var]) return;
        const arr = env.arrayAdjoint(s.var);
        const name = (arr as { name: string }).name;
        this.flush(name);
        const el = b.index(arr, env.value(s.index));
        // A typed array ignores a write past its end (or at -1, or 0.5): no element, no adjoint. So the stored
        // value's adjoint is `a_bar[i] ?? 0`; zeroing a_bar[i] there is ignored as the write was.
        // (a union type's array may be a typed array at run time)
        const stored = mayBeTyped(env.fn.vars[s.var].type as ArrayType) ? b.bin('??', el, b.num(0)) : el;
        // a[i] = a[i] ± v: the element's adjoint passes through unchanged and v gets ±a_bar[i].
        const inc = this.increment(s);
        if (inc) {
          this.handled.add(inc.sum);
          this.handled.add(inc.load);
          if (this.active(inc.step)) this.add(inc.step, inc.negative ? b.neg(stored) : stored);
          return;
        }
        if (this.active(s.value)) {
          const tname = env.names.fresh(env.names.tempAdjointBase(s.value));
          this.out.push(b.const(tname, stored));
          this.add(s.value, b.id(tname));
        }
        this.out.push(b.assign(el, b.num(0)));
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
      case 'check':
        return; // a check has no adjoint: when it throws, nothing is differentiated
      case 'if':
      case 'loop':
      case 'break':
      case 'continue':
        throw new Error(`${s.kind} inside a straight-line block`);
      default:
        return assertNever(s, 'statement');
    }
  }

  /**
   * A store `a[i] := load(a[i]) ± v` where the load and the sum are used only
   * there (`a[i] += v`): the temps of the sum and the load, and v.
   */
  private increment(s: Extract<Stmt, { kind: 'store' }>): { sum: TempId; load: TempId; step: TempId; negative: boolean } | undefined {
    const d = this.defs.get(s.value);
    if (!d || d.op !== 'prim' || (d.fn !== 'add' && d.fn !== 'sub')) return undefined;
    const l = this.defs.get(d.args[0]);
    if (!l || l.op !== 'load' || l.var !== s.var || l.args[0] !== s.index) return undefined;
    if (this.uses.get(d.id) !== 1 || this.uses.get(l.id) !== 1) return undefined;
    return { sum: d.id, load: l.id, step: d.args[1], negative: d.fn === 'sub' };
  }

  private runtime(name: 'sum' | 'zeroedLike'): JsExpr {
    return b.path(this.env.ctx.useHelper(name));
  }

  private loopOver(n: JsExpr, body: (k: JsExpr) => JsStmt[], also?: (k: JsExpr) => JsExpr | undefined): JsStmt {
    return countUpWhile(this.env.names.fresh('k'), n, body, also);
  }

  /** `return a` of an array: its adjoint receives the cotangent, element by element. */
  private arrayReturn(t: TempId): void {
    const d = this.defs.get(t);
    if (!d || d.op !== 'read') throw new Error('an array result must be a variable');
    if (!this.env.act.activeVar[d.var]) return;
    const adj = this.env.arrayAdjoint(d.var);
    this.flush((adj as { name: string }).name);
    this.out.push(this.loopOver(b.member(this.env.seed, 'length'), (k) => b.accumulate(b.index(adj, k), b.index(this.env.seed, k))));
  }

  /**
   * `a = <new array>`: the creation's adjoint, then `a_bar` starts over for the
   * array `a` named before (inside loops; a top-level declaration has no before).
   *   a = [p, q]              ⇒ p_bar += a_bar[0]; q_bar += a_bar[1]
   *   a = new Array(n).fill(v) ⇒ v_bar += Σ a_bar
   *   a = x.slice(s)          ⇒ x_bar[s + k] += a_bar[k]
   *   a = g(…)                ⇒ g_pullback(…, a_bar, …)
   */
  private arrayAssign(s: Extract<Stmt, { kind: 'assign' }>): void {
    const env = this.env;
    const v = s.var;
    const name = (env.arrayAdjoint(v) as { name: string }).name;
    const d = this.defs.get(s.value);
    const length = env.oldLength(s) ?? b.member(b.id(env.names.variable(v)), 'length');
    const zeroed = !(s.declare && env.topLevelDeclaration(v));
    // `h = dense(w, h)`: the new array's adjoint is the cotangent of a value computed from the old
    // array, whose adjoint (the variable's, from here on) starts again from zeros: a new array.
    let adj = env.arrayAdjoint(v);
    const replaced = d !== undefined && zeroed && readsVar(this.defs, d, v);
    if (replaced) {
      this.flush(name);
      const next = env.names.fresh(`${name}_next`);
      this.out.push(b.const(next, adj));
      const type = env.fn.vars[v].type as ArrayType;
      // (of a union type, the kind of the adjoint the variable had: a new one of that kind)
      const fresh = isUnionArray(type) ? b.call(this.runtime('zeroedLike'), [b.call(b.member(adj, 'slice'), [b.num(0), b.num(0)]), length]) : zeroArrayExpr(type, length, env.ctx);
      this.out.push(b.assign(adj, fresh));
      adj = b.id(next);
    }
    if (d) {
      this.handled.add(d.id);
      switch (d.op) {
        case 'newArray':
          if (d.form === 'literal') d.args.forEach((a, k) => this.active(a) && this.add(a, b.index(adj, b.num(k))));
          else if (d.args.length > 1 && this.active(d.args[1])) this.add(d.args[1], b.call(this.runtime('sum'), [adj]));
          break;
        case 'slice': {
          if (!env.act.activeVar[d.var]) break;
          const src = env.arrayAdjoint(d.var);
          this.flush((src as { name: string }).name);
          const start = d.hasStart ? env.value(d.args[0]) : b.num(0);
          // A plain copy written past its end has elements that are not the source's.
          const within = (k: JsExpr): JsExpr | undefined => (mayGrow(env.fn, v) ? b.bin('<', d.hasStart ? b.add(start, k) : k, b.member(src, 'length')) : undefined);
          this.out.push(this.loopOver(b.member(adj, 'length'), (k) => b.accumulate(b.index(src, b.add(start, k)), b.index(adj, k)), within));
          break;
        }
        case 'call':
          this.call(d, adj);
          break;
        case 'read': {
          // `result = other` (the normalized `return other` of several returns): the same array, so
          // result's adjoint goes to other's, element by element.
          if (!env.act.activeVar[d.var]) break;
          const src = env.arrayAdjoint(d.var);
          this.flush((src as { name: string }).name);
          this.out.push(this.loopOver(b.member(adj, 'length'), (k) => b.accumulate(b.index(src, k), b.index(adj, k))));
          break;
        }
        default:
          throw new Error(`array '${env.names.variable(v)}' must be created by new, a literal, slice or a call`);
      }
    }
    if (zeroed && !replaced) {
      this.flush(name);
      this.out.push(b.assign(adj, b.call(this.runtime('zeroedLike'), [adj, length])));
    }
  }

  /** `a.push(v)` ⇒ the last element's adjoint goes to v, and the push is undone (`a.pop()`). */
  private push(s: Extract<Stmt, { kind: 'push' }>): void {
    const env = this.env;
    const arr = b.id(env.names.variable(s.var));
    const last = b.sub(b.member(arr, 'length'), b.num(1));
    if (env.act.activeVar[s.var]) {
      const adj = env.arrayAdjoint(s.var);
      this.flush((adj as { name: string }).name);
      const el = b.index(adj, last);
      if (this.active(s.value)) {
        const tname = env.names.fresh(env.names.tempAdjointBase(s.value));
        this.out.push(b.const(tname, el));
        this.add(s.value, b.id(tname));
      }
      this.out.push(b.assign(el, b.num(0)));
    }
    if (env.undoPush(s)) this.out.push(b.expr(b.call(b.member(arr, 'pop'), [])));
  }

  /** `a.fill(v)` ⇒ v_bar += Σ a_bar; a_bar = 0. */
  private fill(s: Extract<Stmt, { kind: 'fill' }>): void {
    const env = this.env;
    if (!env.act.activeVar[s.var]) return;
    const adj = env.arrayAdjoint(s.var);
    this.flush((adj as { name: string }).name);
    if (this.active(s.value)) {
      const tname = env.names.fresh(env.names.tempAdjointBase(s.value));
      this.out.push(b.const(tname, b.call(this.runtime('sum'), [adj])));
      this.add(s.value, b.id(tname));
    }
    this.out.push(b.expr(b.call(b.member(adj, 'fill'), [b.num(0)])));
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
        const el = b.index(arr, env.value(s.args[0]));
        // A read that may be past the end of a plain array (tested for undefined, or not proved inside:
        // in-bounds.ts): the gradient has no element there (undefined + 0 would be NaN, and a sum over
        // the gradient would take it), so the adjoint starts from 0.
        const pastEnd = mayBePlain(env.fn.vars[s.var].type as ArrayType) && env.mayReadPastEnd(s);
        const add = (a: JsExpr): JsStmt[] => (pastEnd ? [b.assign(el, b.add(b.bin('??', el, b.num(0)), a))] : b.accumulate(el, a));
        // The arm of a select (`i > 0 ? x[i - 1] : -1`, read eagerly, maybe past an end): its adjoint
        // `c ? ȳ : 0` is added only when c holds, so no element that is not there is written.
        const arm = this.arms.has(s.id) && this.uses.get(s.id) === 1 && adj.k === 'cond';
        if (arm && isNum(adj.b, 0)) this.out.push(b.if(adj.c, add(adj.a)));
        else if (arm && isNum(adj.a, 0)) this.out.push(b.if(adj.c, [], add(adj.b)));
        else this.out.push(...add(adj));
        return;
      }
      case 'prim': {
        const r = rule(s.fn);
        if (!r.partials) return;
        // ā += ∂y/∂a · ȳ; a partial that may be non-finite contributes exactly 0 when ȳ is 0 (then ȳ is read twice).
        const guarded = env.guarded(s);
        const reads = s.args.reduce((n, a, i) => n + (this.active(a) ? (guarded[i] ? 2 : 1) : 0), 0);
        const y = this.named(s.id, adj, reads);
        const partials = partialsOf(
          r,
          s.args.map((a) => this.active(a)),
          (i) => env.value(i < 0 ? s.id : s.args[i]),
          (fn) => computedBeside(this.defs, s, fn, env.available),
        );
        s.args.forEach((a, i) => {
          if (this.active(a)) this.add(a, b.times(partials[i], y, guarded[i]));
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
      case 'get':
        return; // data is never differentiated
      case 'newArray':
      case 'slice':
        return; // their adjoint is emitted with the assignment that names the array (arrayAssign)
      default:
        return assertNever(s, 'op');
    }
  }

  /** `t = g(a, b)` ⇒ `g_pullback(a, b, t_bar)`; scalar adjoints come back as the result or in `ret`. */
  private call(s: Extract<Op, { op: 'call' }>, adj: JsExpr): void {
    const env = this.env;
    const pattern = s.args.map((a) => this.active(a));
    if (!pattern.some((p) => p)) return;
    const callee = env.ctx.getIR(s.callee);
    if (callee.rule) {
      // A user rule: `a_bar += f_vjp(a, b, t_bar).grads[0]`; with several active arguments, the grads are named once.
      const grads = b.member(b.call(env.ctx.importName(ruleOf(callee.rule, 'vjp', callee, s)), [...s.args.map((a) => env.value(a)), adj]), 'grads');
      const active = s.args.flatMap((_, i) => (pattern[i] ? [i] : []));
      const named = active.length > 1 ? env.names.fresh(`${callee.name}_grads`) : undefined;
      if (named !== undefined) this.out.push(b.const(named, grads));
      for (const i of active) {
        const g = b.index(named === undefined ? grads : b.id(named), b.num(i));
        if (!isArrayType(env.fn.temps[s.args[i]])) {
          this.add(s.args[i], g);
          continue;
        }
        // (an array's gradient adds into the caller's, element by element)
        const bar = this.arrayAdjointOfArg(s.args[i]);
        this.flush((bar as { name: string }).name);
        const [gi, k] = [env.names.fresh(`${callee.name}_grad`), env.names.fresh('k')];
        this.out.push(b.const(gi, g), b.countUp(k, b.member(b.id(gi), 'length'), b.accumulate(b.index(bar, b.id(k)), b.index(b.id(gi), b.id(k)))));
      }
      return;
    }
    const helper = env.ctx.helper(s.callee, 'reverse', pattern);
    const arrays = s.args.filter((_, i) => pattern[i] && isArrayType(callee.vars[callee.params[i]].type));
    const scalars = s.args.filter((_, i) => pattern[i] && !isArrayType(callee.vars[callee.params[i]].type));
    const args = [...s.args.map((a) => env.value(a)), adj, ...arrays.map((a) => this.arrayAdjointOfArg(a))];
    arrays.forEach((a) => this.flush((this.arrayAdjointOfArg(a) as { name: string }).name));
    const call = b.call(helper, args);
    if (scalars.length === 0) {
      this.out.push(b.expr(call));
    } else if (scalars.length === 1) {
      const name = env.names.fresh(env.names.tempAdjointBase(scalars[0]));
      this.out.push(b.const(name, call));
      this.add(scalars[0], b.id(name));
    } else {
      this.out.push(b.expr(call));
      const ret = env.ctx.use('ret');
      scalars.forEach((a, k) => {
        const name = env.names.fresh(env.names.tempAdjointBase(a));
        this.out.push(b.const(name, b.index(b.path(ret), b.num(k))));
        this.add(a, b.id(name));
      });
    }
  }

  /** The adjoint array passed for an active array argument: the argument is a read of an array variable. */
  private arrayAdjointOfArg(t: TempId): JsExpr {
    const d = this.defs.get(t);
    if (!d || d.op !== 'read') throw new Error(`array argument %${t} is not a read of an array variable in its block`);
    return this.env.arrayAdjoint(d.var);
  }
}
