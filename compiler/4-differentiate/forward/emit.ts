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
import { assertNever, isArrayType, type ArrayType, type IRFunction, type Loop, type Op, type Region, type Stmt, type TempId, type VarId } from '../../ir/types';
import type { Activity } from '../../3-analyze/activity';
import type { ForwardAnalysis } from '../../3-analyze';
import { forEachStmt, programOrder, type ProgramOrder } from '../../ir/walk';
import { tangentOf } from './tangents';
import { toLanes } from './lanes';
import { guarded, type Finiteness } from '../../3-analyze/finiteness';
import { b, declaredType, declaredValue, isAtom, type JsExpr, type JsFunction, type JsParam, type JsStmt } from '../../5-print/js';
import { depthOf, maxInlineDepth, namesIn, sameExpr } from '../../5-print/js-walk';
import { FunctionNames } from '../names';
import { withComments, type Emitted } from '../comments';
import { derivativeReferences } from './references';
import { containsContinue, loopStatement } from '../loop-shape';
import { removeDeadCode } from '../dead-code';
import { ruleOf, type FileContext } from '../context';
import { namedVariable, useFacts, type UseFacts } from '../uses';
import { checkStmt, constDecl, copyOfParam, jsType, paramDecl, plainZerosLike, primalExpression, writtenParams } from '../arrays';
import { isElementWrite } from '../../ir/facts';

export interface ForwardConvention {
  /** public `f_jvp` ({ value, tangent } and `out`), internal pushforward (value returned, tangent in ret[0]), or a primal copy. */
  readonly kind: 'public' | 'internal' | 'primal';
  readonly name: string;
  readonly doc?: string;
  readonly exported: boolean;
  /** An internal pushforward along several directions at once (lanes.ts). */
  readonly lanes?: boolean;
}

export function emitForward(analysis: ForwardAnalysis, conv: ForwardConvention, ctx: FileContext): JsFunction {
  return new ForwardEmitter(analysis, conv, ctx).emit();
}

class ForwardEmitter {
  private readonly names: FunctionNames;
  private readonly act: Activity;
  private readonly fin: Finiteness;
  private readonly uses: UseFacts;
  /** Extra references to a temp's value made by derivative code. */
  private readonly derivRefs: number[];
  private readonly tangentRefs: number[];
  private readonly pe = new Map<TempId, JsExpr>();
  private readonly te = new Map<TempId, JsExpr>();
  private readonly ops = new Map<TempId, Op>();
  /** Loops targeted by a break/continue from a nested loop: they need a label. */
  private readonly labels = new Map<number, string>();
  private readonly loopStack: number[] = [];
  private readonly resultName: string;
  /** Temps printed as the const variable they initialise, and those variables. */
  private readonly nameAfter = new Map<TempId, VarId>();
  private readonly declaredByOp = new Set<VarId>();
  /** Array variables written anywhere in the function. */
  private readonly written = new Set<VarId>();
  /** Variables assigned after their declaration (parameters: at all); the others read the same everywhere. */
  private readonly reassigned = new Set<VarId>();

  private readonly fn: IRFunction;

  constructor(
    analysis: ForwardAnalysis,
    private readonly conv: ForwardConvention,
    private readonly ctx: FileContext,
  ) {
    const fn = (this.fn = analysis.fn);
    this.names = new FunctionNames(fn, ctx, false, ['out']);
    this.act = analysis.act;
    this.uses = useFacts(fn);
    this.fin = analysis.fin;
    const refs = derivativeReferences(fn, this.act, this.fin);
    this.derivRefs = refs.value;
    this.tangentRefs = refs.tangent;
    this.resultName = this.names.apiNames[0];
    forEachStmt(fn.body, (s) => {
      if (isElementWrite(s) || (s.kind === 'assign' && isArrayType(fn.vars[s.var].type))) this.written.add(s.var);
      if (s.kind === 'assign' && !s.declare) this.reassigned.add(s.var);
    });
  }

  private active(t: TempId): boolean {
    return this.act.activeTemp[t];
  }

  /** Which partials of a prim op follow the zero-tangent rule (may be non-finite). */
  private guarded(s: Extract<Op, { op: 'prim' }>): boolean[] {
    return this.ctx.zeroRule ? guarded(this.fin, s) : s.args.map(() => false);
  }

  private activeVar(v: VarId): boolean {
    return this.act.activeVar[v];
  }

  emit(): JsFunction {
    const fn = this.fn;
    const params: JsParam[] = fn.params.map((p) => paramDecl(fn, p, this.names.variable(p), this.conv.kind === 'public'));
    const tangentParams: JsParam[] = [];
    const prologue: JsStmt[] = [];
    if (this.conv.kind !== 'primal') {
      for (const p of fn.params) {
        if (!this.act.activeParams.has(p)) continue;
        tangentParams.push({ name: this.names.tangent(p), type: jsType(fn.vars[p].type, 'tangent') });
      }
      // A parameter outside `wrt` that receives an active value needs a tangent that starts at zero.
      for (const p of fn.params) {
        if (!this.activeVar(p) || this.act.activeParams.has(p)) continue;
        const t = fn.vars[p].type;
        prologue.push(
          isArrayType(t) ? b.const(this.names.tangent(p), plainZerosLike(t, b.id(this.names.variable(p)), this.ctx), jsType(t, 'local')) : b.let(this.names.tangent(p), b.num(0)),
        );
      }
    }
    // The caller's arrays are never modified: a parameter the function writes to is copied first.
    for (const p of writtenParams(fn)) {
      prologue.push(b.assign(this.names.variable(p), copyOfParam(params[fn.params.indexOf(p)], fn.vars[p].type)));
      if (this.activeVar(p) && this.act.activeParams.has(p)) prologue.push(b.assign(this.names.tangent(p), b.call(b.member(b.id(this.names.tangent(p)), 'slice'), [])));
    }
    this.scanLabels(fn.body);
    const body = removeDeadCode(
      [...prologue, ...this.region(fn.body)],
      (name) => this.ctx.isPrimalCopy(name),
      [...params, ...tangentParams].map((p) => p.name),
    );
    const retType = jsType(fn.returnType, 'result');
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
    const f = { name: this.conv.name, exported: this.conv.exported, doc: this.conv.doc, params: [...params, ...tangentParams], returnType: retType, body };
    return this.conv.lanes ? toLanes(f, params.length, this.names, (name) => this.ctx.lanesArity(name)) : f;
  }

  private scanLabels(region: Region, enclosing: number[] = []): void {
    for (const s of region) {
      if ((s.kind === 'break' || s.kind === 'continue') && enclosing[enclosing.length - 1] !== s.loop) {
        if (!this.labels.has(s.loop)) this.labels.set(s.loop, this.names.fresh(`loop${this.labels.size + 1}`));
      } else if (s.kind === 'if') {
        this.scanLabels(s.then, enclosing);
        this.scanLabels(s.else, enclosing);
      } else if (s.kind === 'loop') {
        this.scanLabels(s.body, [...enclosing, s.id]);
      }
    }
  }

  private region(region: Region, enclosing?: string): JsStmt[] {
    const out: Emitted[] = [];
    // `const v = <op>`: a value that needs a name takes the variable's.
    for (let i = 0; i + 1 < region.length; i++) {
      const s = region[i];
      const next = region[i + 1];
      if (s.kind === 'op' && next.kind === 'assign' && next.declare && next.value === s.id && this.fn.vars[next.var].constant && !isArrayType(this.fn.vars[next.var].type))
        this.nameAfter.set(s.id, next.var);
    }
    for (let i = 0; i < region.length; i++) {
      const s = region[i];
      const next = region[i + 1];
      // `let i = 0; for (; i < n; i++)` ⇒ `for (let i = 0; i < n; i++)` when `i` belongs to the loop.
      if (s.kind === 'assign' && s.declare && next?.kind === 'loop' && next.form === 'for' && this.isLoopVariable(s.var, next)) {
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

  /** A variable declared right before a loop, not a top-level variable, that the loop assigns and nothing uses after it. */
  private isLoopVariable(v: VarId, loop: Stmt): boolean {
    if (this.fn.vars[v].topLevel || isArrayType(this.fn.vars[v].type)) return false;
    let assigned = false;
    forEachStmt([loop], (s) => (assigned ||= s.kind === 'assign' && s.var === v));
    if (!assigned) return false;
    // Variables are block scoped, so a mention after the loop's last statement (in program order) is a use after it.
    const order = (this.order ??= programOrder(this.fn));
    return order.lastMention[v] <= order.end.get(loop)!;
  }

  private order?: ProgramOrder;

  private push(out: Emitted[], s: Stmt, stmt: JsStmt, deriv = false): void {
    out.push({ stmt, origin: s.origin.text, deriv });
  }

  private stmt(s: Stmt, out: Emitted[]): void {
    switch (s.kind) {
      case 'op':
        return this.op(s, out);
      case 'assign':
        return this.assign(s, out);
      case 'declare': {
        const v = s.var;
        const type = jsType(this.fn.vars[v].type, 'local');
        // `let h!: number` keeps its `!`, and its tangent is assigned wherever it is.
        const declare = (name: string): JsStmt => (s.definite ? { k: 'decl', kind: 'let', name, type, definite: true } : b.let(name, undefined, type));
        this.push(out, s, declare(this.names.variable(v)));
        if (this.activeVar(v)) this.push(out, s, declare(this.names.tangent(v)), true);
        return;
      }
      case 'store': {
        const arr = b.id(this.names.variable(s.var));
        const idx = this.value(s.index);
        const primal = b.assign(b.index(arr, idx), this.value(s.value));
        if (!this.activeVar(s.var)) return this.push(out, s, primal);
        const t = this.tangent(s.value);
        const element = b.index(b.id(this.names.tangent(s.var)), idx);
        // (`r[0] += 1`: the element's tangent is what it was; `dr[0] = dr[0]` would say nothing)
        if (sameExpr(t, element)) return this.push(out, s, primal);
        const tangent = b.assign(element, t);
        // A tangent that reads the array (a[i] *= 2) is written before the element changes.
        const first = namesIn(t).has(this.names.variable(s.var));
        this.push(out, s, first ? tangent : primal, first);
        this.push(out, s, first ? primal : tangent, !first);
        return;
      }
      case 'push': {
        this.push(out, s, b.expr(b.call(b.member(b.id(this.names.variable(s.var)), 'push'), [this.value(s.value)])));
        if (this.activeVar(s.var)) this.push(out, s, b.expr(b.call(b.member(b.id(this.names.tangent(s.var)), 'push'), [this.tangent(s.value)])), true);
        return;
      }
      case 'fill': {
        this.push(out, s, b.expr(b.call(b.member(b.id(this.names.variable(s.var)), 'fill'), [this.value(s.value)])));
        if (this.activeVar(s.var)) this.push(out, s, b.expr(b.call(b.member(b.id(this.names.tangent(s.var)), 'fill'), [this.tangent(s.value)])), true);
        return;
      }
      case 'if': {
        const cond = this.value(s.cond);
        this.push(out, s, b.if(cond, this.region(s.then, s.origin.text), this.region(s.else, s.origin.text)));
        return;
      }
      case 'loop': {
        out.push(...this.loop(s)!);
        return;
      }
      case 'break':
      case 'continue': {
        const inner = this.loopStack[this.loopStack.length - 1];
        const label = inner === s.loop ? undefined : this.labels.get(s.loop);
        this.push(out, s, s.kind === 'break' ? b.break(label) : b.continue(label));
        return;
      }
      case 'return':
        return this.ret(s, out);
      case 'check':
        this.push(out, s, checkStmt(this.value(s.cond), s));
        return;
      default:
        return assertNever(s, 'statement');
    }
  }

  private op(s: Op, out: Emitted[]): void {
    this.ops.set(s.id, s);
    const primal = this.primalExpr(s, out);
    const active = this.active(s.id);
    const refs = this.uses.count[s.id] + this.derivRefs[s.id];
    if (s.op === 'call' && this.te.has(s.id)) {
      this.pe.set(s.id, primal); // the pushforward call bound value and tangent already
      return;
    }
    // A call is bound; so is a value that would make its user's expression too deep.
    const mustBind = s.op === 'call' || depthOf(primal) > maxInlineDepth;
    let named = false;
    // A read is as cheap as its name, but only while nothing overwrites the variable before its uses
    // (also a read negated, `-p`: an atom that names a variable).
    const named_ = namedVariable(s, (t) => this.ops.get(t));
    const keeps = named_ === undefined || this.uses.movable[s.id] || !this.reassigned.has(named_) || this.uses.readStable[s.id];
    const atom = isAtom(primal) && keeps;
    if (!mustBind && (atom || this.isCheapLoad(s, primal) || (refs <= 1 && this.uses.movable[s.id]))) {
      this.pe.set(s.id, primal);
    } else {
      const v = this.nameAfter.get(s.id);
      const name = v === undefined ? this.names.temp(s.id) : this.names.variable(v);
      if (v !== undefined) this.declaredByOp.add(v);
      this.push(out, s, constDecl(name, primal, s.type));
      this.pe.set(s.id, b.id(name));
      named = true;
    }
    if (!active || s.op === 'call') return; // a call's tangent was bound by primalExpr
    const tangent = this.tangentExpr(s);
    // A named value gets a named tangent right below it: the code reads line by line.
    // (the tangent of a read names the variable's tangent: the same rule)
    // (an operation whose tangent is a variable's, `0.5 - s.x` ⇒ `-ds_x`, keeps it while that variable keeps its value)
    const tangentVar = named_ === undefined ? this.names.tangentOwner(tangent) : undefined;
    const tangentKeeps = tangentVar === undefined || !this.uses.assignedBetween(s.id, tangentVar, tangent.k === 'id' ? s.id : undefined);
    const inline =
      (isAtom(tangent) && keeps && tangentKeeps) ||
      this.isCheapLoad(s, tangent) ||
      (!named && this.tangentRefs[s.id] <= 1 && this.uses.movable[s.id] && depthOf(tangent) <= maxInlineDepth);
    const alias = this.nameAfter.get(s.id);
    if (inline && !(alias !== undefined && this.declaredByOp.has(alias) && this.activeVar(alias))) {
      this.te.set(s.id, tangent);
    } else {
      const name = alias !== undefined && this.declaredByOp.has(alias) ? this.names.tangent(alias) : this.names.tempTangent(s.id);
      this.push(out, s, b.const(name, tangent), true);
      this.te.set(s.id, b.id(name));
    }
  }

  /** `p[0]`, `xs[i]` from an array this function never writes: as cheap to repeat as a name. */
  private isCheapLoad(s: Op, e: JsExpr): boolean {
    if (s.op !== 'load' || this.written.has(s.var)) return false;
    const inner = e.k === 'nonNull' ? e.e : e;
    return inner.k === 'index' && isAtom(inner.index) && inner.obj.k === 'id';
  }

  private value(t: TempId): JsExpr {
    const e = this.pe.get(t);
    if (e === undefined) throw new Error(`temp %${t} used before its definition in ${this.fn.name}`);
    return e;
  }

  private tangent(t: TempId): JsExpr {
    if (!this.active(t)) return b.num(0);
    const e = this.te.get(t);
    if (e === undefined) throw new Error(`tangent of %${t} used before its definition in ${this.fn.name}`);
    return e;
  }

  private primalExpr(s: Op, out: Emitted[]): JsExpr {
    return primalExpression(
      s,
      (t) => this.value(t),
      (v) => this.names.variable(v),
      this.fn,
      this.ctx,
      (c) => this.call(c, out),
    );
  }

  /** An active call becomes a pushforward; its tangent comes back in ret[0] and is bound at once. */
  private call(s: Extract<Op, { op: 'call' }>, out: Emitted[]): JsExpr {
    const args = s.args.map((a) => this.value(a));
    const pattern = s.args.map((a) => this.active(a));
    if (!this.active(s.id) || !pattern.some((p) => p)) return b.call(this.ctx.primal(s.callee), args);
    const rule = this.ctx.getIR(s.callee).rule;
    if (rule) {
      // A user rule: `const t = f_jvp(a, b, da, 0)`, value `t.value` and tangent `t.tangent` (every parameter gets a tangent, 0 when inactive).
      const name = this.names.temp(s.id);
      // (an inactive array's tangent: zeros of its length)
      const tangents = s.args.map((a, i) =>
        !this.active(a) && isArrayType(this.fn.temps[a]) ? plainZerosLike(this.fn.temps[a] as ArrayType, args[i], this.ctx) : this.tangent(a),
      );
      this.push(out, s, b.const(name, b.call(this.ctx.importName(ruleOf(rule, 'jvp', this.ctx.getIR(s.callee), s)), [...args, ...tangents])));
      this.te.set(s.id, b.member(b.id(name), 'tangent'));
      return b.member(b.id(name), 'value');
    }
    const helper = this.ctx.helper(s.callee, this.conv.lanes ? 'lanes' : 'forward', pattern);
    const tangents = s.args.filter((a) => this.active(a)).map((a) => this.tangent(a));
    const name = this.names.temp(s.id);
    this.push(out, s, b.const(name, b.call(helper, [...args, ...tangents])));
    const callee = this.ctx.getIR(s.callee);
    const tname = this.names.tempTangent(s.id);
    if (isArrayType(callee.returnType)) {
      this.push(out, s, b.const(tname, b.as(b.index(b.path(this.ctx.use('retArrays')), b.num(0)), jsType(callee.returnType, 'result'))), true);
    } else {
      this.push(out, s, b.const(tname, b.index(b.path(this.ctx.use('ret')), b.num(0))), true);
    }
    this.te.set(s.id, b.id(tname));
    return b.id(name);
  }

  private tangentExpr(s: Op): JsExpr {
    return tangentOf(s, {
      fn: this.fn,
      ctx: this.ctx,
      active: (t) => this.active(t),
      activeVar: (v) => this.activeVar(v),
      value: (t) => this.value(t),
      tangent: (t) => this.tangent(t),
      tangentName: (v) => this.names.tangent(v),
      guarded: (p) => this.guarded(p),
      callTangent: (t) => this.te.get(t),
    });
  }

  private assign(s: Extract<Stmt, { kind: 'assign' }>, out: Emitted[]): void {
    const v = s.var;
    const name = this.names.variable(v);
    const info = this.fn.vars[v];
    const value = this.value(s.value);
    // An active array created from inactive values still needs its own tangent array.
    const tangentOf = (): JsExpr => (isArrayType(info.type) && !this.active(s.value) ? plainZerosLike(info.type, b.id(name), this.ctx) : this.tangent(s.value));
    if (s.declare && this.declaredByOp.has(v)) return; // printed by the op that computes it
    if (s.declare) {
      const kind = info.constant ? 'const' : 'let';
      const type = isArrayType(info.type) ? undefined : declaredType(info, kind, value);
      this.push(out, s, { k: 'decl', kind, name, init: declaredValue(info, value), type });
      if (this.activeVar(v)) this.push(out, s, { k: 'decl', kind, name: this.names.tangent(v), init: tangentOf(), type }, true);
      return;
    }
    if (!this.activeVar(v)) {
      this.push(out, s, b.update(name, value));
      return;
    }
    const tname = this.names.tangent(v);
    const t = tangentOf();
    const tangentStmt = t.k === 'id' && t.name === tname ? undefined : b.update(tname, t);
    // `v *= v; dv = dv * v + v * dv` would read the new v: a tangent that reads v goes first.
    if (tangentStmt && namesIn(t).has(name)) {
      this.push(out, s, tangentStmt, true);
      this.push(out, s, b.update(name, value));
    } else {
      this.push(out, s, b.update(name, value));
      if (tangentStmt) this.push(out, s, tangentStmt, true);
    }
  }

  private ret(s: Extract<Stmt, { kind: 'return' }>, out: Emitted[]): void {
    const value = this.value(s.value);
    if (this.conv.kind === 'primal') {
      this.push(out, s, b.return(value));
      return;
    }
    const isArray = isArrayType(this.fn.returnType);
    const tangent = isArray && !this.active(s.value) ? plainZerosLike(this.fn.returnType as ArrayType, value, this.ctx) : this.tangent(s.value);
    // A value or tangent that is more than a name gets a const of its own first.
    const named = (e: JsExpr, base: string, deriv: boolean): JsExpr => {
      if (isAtom(e)) return e;
      const name = this.names.fresh(base);
      this.push(out, s, b.const(name, e), deriv);
      return b.id(name);
    };
    if (this.conv.kind === 'internal') {
      const v = named(value, 'value', false);
      const slot = b.index(b.path(this.ctx.use(isArray ? 'retArrays' : 'ret')), b.num(0));
      this.push(out, s, b.assign(slot, tangent), true);
      this.push(out, s, b.return(v));
      return;
    }
    // public: fill `out` when given (arrays in place), else a fresh object.
    const o = b.id(this.resultName);
    const fields = [['value', named(value, 'value', false)] as const, ['tangent', named(tangent, 'tangent', true)] as const];
    const store = ([field, e]: readonly [string, JsExpr]): JsStmt =>
      isArray ? b.expr(b.call(b.path(this.ctx.useHelper('copyInto')), [b.member(o, field), e, { k: 'str', v: `out.${field}` }])) : b.assign(b.member(o, field), e);
    this.push(out, s, b.if(b.bin('!==', o, b.id('undefined')), [...fields.map(store), b.return(o)]), true);
    this.push(out, s, b.return(b.obj(fields)), true);
  }

  /** A loop in the nicest form that is exact (loop-shape.ts); undefined when `init` was given but cannot go in the header. */
  private loop(l: Loop, init?: Extract<Stmt, { kind: 'assign' }>): Emitted[] | undefined {
    const origin = l.origin.text;
    const label = this.labels.get(l.id);
    // Test: try to print it as a single expression.
    const testOut: Emitted[] = [];
    for (const s of l.test) this.stmt(s, testOut);
    const cond = l.cond === undefined ? undefined : this.value(l.cond);

    this.loopStack.push(l.id);
    const body = this.region(l.body);
    const updateOut: Emitted[] = [];
    for (const s of l.update) this.stmt(s, updateOut);
    this.loopStack.pop();

    let header: JsStmt | undefined;
    const initOut: Emitted[] = [];
    if (init) {
      this.stmt(init, initOut);
      if (initOut.length === 1 && initOut[0].stmt.k === 'decl') header = initOut[0].stmt;
      else if (initOut.length !== 0) return undefined;
    }
    const stmts = loopStatement({
      form: l.form,
      label,
      test: withComments(testOut),
      cond,
      body,
      update: updateOut.map((e) => e.stmt),
      updateBlock: withComments(updateOut),
      init: init ? { header, before: initOut.map((e) => e.stmt) } : undefined,
      continues: containsContinue(l.body, l.id),
      fresh: (base) => this.names.fresh(base),
    });
    // The loop statement itself carries the loop's source; a declaration before it keeps its own.
    return stmts.map((stmt, i): Emitted => (i === stmts.length - 1 ? { stmt, origin, deriv: false } : (initOut[i] ?? { stmt, origin, deriv: false })));
  }
}
