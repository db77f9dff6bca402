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
import { assertNever, isArrayType, isOpaqueType, isReferenceType, type IRFunction, type Op, type Stmt, type TempId, type VarId } from '../../ir/types';
import { analyzeActivity, type Activity } from '../../3-analyze/activity';
import { analyzeFiniteness, guarded, type Finiteness } from '../../3-analyze/finiteness';
import { integerVars } from '../../3-analyze/integers';
import { planReverse, derivativeRefs, type BlockInfo, type FusedLoop, type RNode } from '../../3-analyze/tbr';
import { findFusions } from '../../3-analyze/fusion';
import { b, depthOf, isAtom, maxInlineDepth, type JsExpr, type JsFunction, type JsParam, type JsStmt } from '../../5-print/js';
import { FunctionNames } from '../names';
import type { FileContext } from '../context';
import { checkStmt, constDecl, hoistedDecl, paramDecl, jsType, primalExpression, writtenParams, zeroArrayExpr } from '../arrays';
import { forwardStoredElements, normalizeControl } from './normalize';
import { cse } from '../../ir/cse';
import { forEachStmt, usesOf } from '../../ir/walk';
import { BlockAdjoint } from './block-adjoint';
import { namedVariable } from '../uses';
import { dropDeadAdjointStores, finalizeAdjointDeclarations } from './peephole';
import { removeDeadCode } from '../dead-code';

export interface ReverseConvention {
  readonly kind: 'public' | 'internal';
  readonly name: string;
  readonly exported: boolean;
  readonly doc?: string;
}

export function emitReverse(fn: IRFunction, activeParams: ReadonlySet<VarId>, conv: ReverseConvention, ctx: FileContext): JsFunction {
  const normalized = forwardStoredElements(cse(normalizeControl(fn)));
  const act = analyzeActivity(normalized, activeParams);
  const ints = integerVars(normalized);
  const fusions = findFusions(normalized, act);
  const plan = planReverse(normalized, act, ints, fusions);
  return new ReverseEmitter(normalized, act, analyzeFiniteness(normalized, ctx.getIR), plan.tree, conv, ctx).emit();
}

/** `f_grad(x, y, out?) = f_vjp(x, y, 1, out)`. */
export function emitGradWrapper(fn: IRFunction, activeParams: ReadonlySet<VarId>, name: string, vjpName: string, ctx: FileContext): JsFunction {
  const names = new FunctionNames(fn, ctx, true);
  const params: JsParam[] = fn.params.map((p) => paramDecl(fn, p, names.variable(p), true));
  const outName = names.fresh('out');
  const type = resultType(fn, activeParams);
  const wrt = fn.params.filter((p) => activeParams.has(p)).map((p) => fn.vars[p].name);
  return {
    name,
    exported: true,
    doc: `Gradient of \`${fn.name}\` with respect to (${wrt.join(', ')}): reverse mode with cotangent 1.`,
    params: [...params, { name: outName, type, optional: true }],
    returnType: type,
    body: [b.return(b.call(vjpName, [...params.map((p) => b.id(p.name)), b.num(1), b.id(outName)]))],
  };
}

function resultType(fn: IRFunction, activeParams: ReadonlySet<VarId>): string {
  const grads = fn.params.filter((p) => activeParams.has(p)).map((p) => jsType(fn.vars[p].type, 'adjoint'));
  return `{ value: ${jsType(fn.returnType, 'result')}; grads: [${grads.join(', ')}] }`;
}

class ReverseEmitter {
  private readonly names: FunctionNames;
  /** Temps referenced by the adjoint of a top-level block: they must keep a name from the forward sweep. */
  private readonly keep = new Set<TempId>();
  /** Temps whose value the reverse sweep reads through a name: conditions of top-level ifs. */
  private readonly conds = new Set<TempId>();
  private readonly useCount: number[];
  private readonly fwd = new Map<TempId, JsExpr>();
  private readonly stable: boolean[];
  /** Variables declared in the body of a fused loop: their adjoints live in one iteration. */
  private readonly iterationLocal = new Set<VarId>();
  /** Inside a fused loop: adjoints summed under another name, and the accumulator's fixed adjoint (1). */
  private readonly renamed = new Map<VarId, string>();
  private readonly fixed = new Map<VarId, JsExpr>();
  /** Variables some op reads (others need not be assigned at all). */
  private readonly readVars: Set<VarId>;
  /** Variables declared directly in the function body: declared in place; the others are hoisted. */
  private readonly atTop = new Set<VarId>();
  private readonly localSaves = new Map<string, string>();
  private readonly counters = new Map<number, string>();
  private readonly hoisted: VarId[] = [];
  private readonly outName: string;
  private readonly seedName: string;
  private usesTape = false;
  private valueName = '';

  constructor(
    private readonly fn: IRFunction,
    private readonly act: Activity,
    private readonly fin: Finiteness,
    private readonly tree: RNode[],
    private readonly conv: ReverseConvention,
    private readonly ctx: FileContext,
  ) {
    this.names = new FunctionNames(fn, ctx, false, ['out', conv.kind === 'public' ? 'cotangent' : 'result_bar']);
    this.outName = this.names.apiNames[0];
    this.seedName = this.names.apiNames[1];
    this.useCount = new Array<number>(fn.temps.length).fill(0);
    const assigns = new Array<number>(fn.vars.length).fill(0);
    const count = (nodes: RNode[], top: boolean) => {
      for (const n of nodes) {
        if (n.kind === 'block') {
          for (const s of n.stmts) {
            if (s.kind === 'op') s.args.forEach((a) => this.useCount[a]++);
            else if (s.kind === 'assign') {
              this.useCount[s.value]++;
              assigns[s.var]++;
            } else if (s.kind === 'store') {
              this.useCount[s.index]++;
              this.useCount[s.value]++;
            } else if (s.kind === 'return') this.useCount[s.value]++;
          }
          if (top) n.needed.forEach((t) => this.keep.add(t));
        } else if (n.kind === 'if') {
          this.useCount[n.stmt.cond]++;
          if (!n.nested) this.conds.add(n.stmt.cond);
          count(n.then, false);
          count(n.else, false);
        } else if (n.kind === 'fused') {
          if (n.stmt.cond !== undefined) this.useCount[n.stmt.cond]++;
          count(n.test, true);
          count(n.body, true);
          for (const v of n.fusion.locals) this.iterationLocal.add(v);
        } else {
          if (n.stmt.cond !== undefined) this.useCount[n.stmt.cond]++;
          count(n.test, false);
          count(n.body, false);
        }
      }
    };
    count(tree, true);
    for (const st of fn.body) if ((st.kind === 'assign' && st.declare) || st.kind === 'declare') this.atTop.add(st.var);
    this.readVars = referencedVars(tree, true);
    this.stable = fn.vars.map((v, i) => (v.role === 'param' ? assigns[i] === 0 : assigns[i] === 1 && this.atTop.has(i)));
  }

  emit(): JsFunction {
    const fn = this.fn;
    const params: JsParam[] = fn.params.map((p) => paramDecl(fn, p, this.names.variable(p), this.conv.kind === 'public'));
    const active = fn.params.filter((p) => this.act.activeParams.has(p));

    // Forward sweep.
    const forward: JsStmt[] = [];
    const referenced = this.readVars;
    for (const v of fn.vars) {
      if (v.role === 'param' || this.atTop.has(v.id) || !referenced.has(v.id)) continue;
      this.hoisted.push(v.id);
    }
    this.fwdNodes(this.tree, forward);

    // Reverse sweep.
    const reverse: JsStmt[] = [];
    this.revNodes(this.tree, reverse);

    // Adjoint declarations: every active scalar starts at zero, every active array gets a zero array
    // (a public gradient reuses the caller's `out` array; an internal pullback adds into the arrays passed).
    const adjointDecls: JsStmt[] = [];
    const paramArrays: JsStmt[] = [];
    const scalarAdjoints = new Set<string>();
    for (const v of fn.vars) {
      // A parameter in `wrt` has its gradient; one outside `wrt` that receives an active value has an
      // adjoint of its own, like a local.
      const differentiated = fn.params.includes(v.id) && this.act.activeParams.has(v.id);
      const wanted = this.act.activeVar[v.id] || differentiated;
      if (!wanted || this.iterationLocal.has(v.id)) continue;
      const name = this.names.adjoint(v.id);
      if (!isArrayType(v.type)) {
        adjointDecls.push(b.let(name, b.num(0)));
        scalarAdjoints.add(name);
        continue;
      }
      if (differentiated && this.conv.kind === 'internal') continue;
      const n = b.member(b.id(this.names.variable(v.id)), 'length');
      const fresh = zeroArrayExpr(v.type, n);
      const k = active.indexOf(v.id);
      const init =
        differentiated && this.conv.kind === 'public'
          ? b.cond(b.bin('===', b.id(this.outName), b.id('undefined')), fresh, b.call(b.path(this.ctx.useHelper('zeroed')), [b.index(b.member(b.id(this.outName), 'grads'), b.num(k)), n, str(`out.grads[${k}]`)]))
          : fresh;
      const decl: JsStmt = { k: 'decl', kind: differentiated || this.stable[v.id] ? 'const' : 'let', name, init, type: differentiated ? undefined : jsType(v.type, 'adjoint') };
      // Parameter gradients exist from the start: a fused loop accumulates into them during the forward sweep.
      if (differentiated) paramArrays.push(decl);
      else adjointDecls.push(decl);
    }

    const hoistDecls = this.hoisted.map((v) => hoistedDecl(this.names.variable(v), fn.vars[v].type));
    const prologue: JsStmt[] = [];
    if (this.usesTape) {
      prologue.push(b.const(this.tapeLocal!, b.path(this.ctx.use('tape'))));
      if (this.conv.kind === 'public') prologue.push(b.expr(b.call(b.member(b.id(this.tapeLocal!), 'reset'), [])));
    }
    for (const p of writtenParams(fn)) prologue.push(b.assign(this.names.variable(p), b.call(b.member(b.id(this.names.variable(p)), 'slice'), [])));

    const body = dropDeadAdjointStores(removeDeadCode(finalizeAdjointDeclarations([...prologue, ...paramArrays, ...hoistDecls, ...this.hoistedDecisions, ...forward, ...adjointDecls, ...reverse, ...this.epilogue(active)], scalarAdjoints), (name) => this.ctx.isPrimalCopy(name), params.map((p) => p.name)));

    if (this.conv.kind === 'public') {
      const type = resultType(fn, this.act.activeParams);
      return {
        name: this.conv.name,
        exported: this.conv.exported,
        doc: this.conv.doc,
        params: [...params, { name: this.seedName, type: jsType(fn.returnType, 'tangent') }, { name: this.outName, type, optional: true }],
        returnType: type,
        body,
      };
    }
    const scalars = active.filter((p) => !isArrayType(fn.vars[p].type));
    const arrays = active.filter((p) => isArrayType(fn.vars[p].type));
    return {
      name: this.conv.name,
      exported: false,
      doc: this.conv.doc,
      params: [...params, { name: this.seedName, type: jsType(fn.returnType, 'tangent') }, ...arrays.map((p) => ({ name: this.names.adjoint(p), type: jsType(fn.vars[p].type, 'adjoint') }))],
      returnType: scalars.length === 1 ? 'number' : 'void',
      body,
    };
  }

  private epilogue(active: VarId[]): JsStmt[] {
    const fn = this.fn;
    const grads = active.map((p) => b.id(this.names.adjoint(p)));
    if (this.conv.kind === 'public') {
      // An out-of-range read of a number[] added past the end of its gradient: the primal's
      // `undefined` has no elements to differentiate, so the gradient keeps the parameter's length.
      const trims: JsStmt[] = [];
      for (const p of active) {
        const t = fn.vars[p].type;
        if (t !== 'number[]' && t !== 'readonly number[]') continue;
        const g = b.id(this.names.adjoint(p));
        const n = b.member(b.id(this.names.variable(p)), 'length');
        trims.push(b.if(b.bin('!==', b.member(g, 'length'), n), [b.assign(b.member(g, 'length'), n)]));
      }
      const o = b.id(this.outName);
      const value = b.id(this.valueName);
      const fill: JsStmt[] = [
        isArrayType(fn.returnType)
          ? b.expr(b.call(b.path(this.ctx.useHelper('copyInto')), [b.member(o, 'value'), value, str('out.value')]))
          : b.assign(b.member(o, 'value'), value),
      ];
      // Array gradients were accumulated in out.grads[k] itself; numbers are stored.
      active.forEach((p, k) => {
        if (!isArrayType(fn.vars[p].type)) fill.push(b.assign(b.index(b.member(o, 'grads'), b.num(k)), grads[k]));
      });
      fill.push(b.return(o));
      const tuple = `[${active.map((p) => jsType(fn.vars[p].type, 'adjoint')).join(', ')}]`;
      return [...trims, b.if(b.bin('!==', o, b.id('undefined')), fill), b.return(b.obj([['value', value], ['grads', b.as(b.arr(grads), tuple)]]))];
    }
    const scalars = active.filter((p) => !isArrayType(fn.vars[p].type));
    if (scalars.length === 1) return [b.return(b.id(this.names.adjoint(scalars[0])))];
    const ret = scalars.length > 0 ? this.ctx.use('ret') : '';
    return scalars.map((p, k) => b.assign(b.index(b.path(ret), b.num(k)), b.id(this.names.adjoint(p))));
  }

  // ---------------------------------------------------------------------------
  // Forward sweep
  // ---------------------------------------------------------------------------

  /** `tape.push(…)`, through a local bound once per call (`const tape = adc.tape`): no namespace lookups in loops. */
  private tape(method: string, args: JsExpr[] = []): JsExpr {
    this.usesTape = true;
    this.tapeLocal ??= this.names.fresh('tape');
    return b.call(b.member(b.id(this.tapeLocal), method), args);
  }

  private tapeLocal: string | undefined;

  /** `for (let k = 0; k < n; k++) …`, or from n − 1 down to 0. */
  private forEachIndex(n: JsExpr, body: (k: JsExpr) => JsStmt[], down = false): JsStmt {
    const k = this.names.fresh('k');
    if (!down) return { k: 'for', init: b.let(k, b.num(0)), test: b.bin('<', b.id(k), n), update: { k: 'postfix', op: '++', target: b.id(k) }, body: body(b.id(k)) };
    return { k: 'for', init: b.let(k, b.sub(n, b.num(1))), test: b.bin('>=', b.id(k), b.num(0)), update: { k: 'postfix', op: '--', target: b.id(k) }, body: body(b.id(k)) };
  }

  private fwdNodes(nodes: RNode[], out: JsStmt[]): void {
    for (const n of nodes) {
      if (n.kind === 'fused') this.fwdFused(n, out);
      else if (n.kind === 'block') this.fwdBlock(n, out);
      else if (n.kind === 'if') {
        let cond = this.fwd.get(n.stmt.cond)!;
        const record = n.nested && this.hasReverse(n);
        if (record && !n.inLoop) {
          // Runs at most once: the decision waits in a local declared at the top of the function.
          const name = this.names.fresh('took');
          this.hoistedDecisions.push(b.let(name, b.bool(false)));
          this.decisions.set(n.stmt, name);
          out.push(b.assign(name, cond));
          cond = b.id(name);
        } else if (record && !(cond.k === 'id' && this.boundTemps.has(cond.name))) {
          // The decision is recorded after the branch (whose own decisions come first on the tape,
          // so the reverse sweep pops this one first); the branch may change what the condition reads.
          const name = this.names.temp(n.stmt.cond);
          out.push(b.const(name, cond));
          cond = b.id(name);
        }
        const then: JsStmt[] = [];
        const els: JsStmt[] = [];
        this.fwdNodes(n.then, then);
        this.fwdNodes(n.else, els);
        out.push(b.if(cond, then, els));
        if (record && n.inLoop) out.push(b.expr(this.tape('pushBit', [cond])));
      } else {
        const l = n.stmt;
        const record = this.hasReverse(n);
        const counter = record ? this.names.fresh('trips') : '';
        if (record) {
          this.counters.set(l.id, counter);
          if (n.nested && !n.inLoop) {
            // Runs at most once: its trip count waits in a local declared at the top of the function.
            this.hoistedDecisions.push(b.let(counter, b.num(0)));
            out.push(b.assign(counter, b.num(0)));
          } else out.push(b.let(counter, b.num(0)));
        }
        const test: JsStmt[] = [];
        this.fwdNodes(n.test, test);
        const body: JsStmt[] = [];
        // Scratch arrays the iteration fills then reads are recorded whole as it starts.
        for (const v of n.snapshots) {
          const arr = b.id(this.names.variable(v));
          body.push(b.comment(`${this.names.variable(v)} as this iteration finds it`));
          body.push(this.forEachIndex(b.member(arr, 'length'), (k) => [b.expr(this.tape('push', [b.index(arr, k)]))]));
        }
        this.fwdNodes(n.body, body);
        if (record) body.push({ k: 'expr', e: { k: 'postfix', op: '++', target: b.id(counter) } });
        const cond = this.fwd.get(l.cond!)!;
        out.push(b.comment(l.origin.text));
        if (test.length === 0) out.push(cond.k === 'bool' && cond.v ? { k: 'while', test: cond, body } : { k: 'while', test: cond, body });
        else out.push({ k: 'while', test: b.bool(true), body: [...test, b.if(b.not(cond), [b.break()]), ...body] });
        if (record && n.nested && n.inLoop) out.push(b.expr(this.tape('pushInt', [b.id(counter)])));
      }
    }
  }

  /** Gradient arrays that fused loops have already added into during the forward sweep. */
  private readonly accumulatedForward = new Set<VarId>();
  private readonly fusedSums = new Map<FusedLoop, { v: VarId; sum: string; inPlace: boolean; direct: boolean }[]>();

  /**
   * A fused loop: each iteration runs forward, then its own adjoint with the
   * accumulator's adjoint fixed at 1, adding into per-input sums (or straight
   * into a parameter's gradient array when nothing after the loop touches it).
   */
  /** Whether loop `l` passes the array `v` to a call. */
  private passedToCall(l: Stmt, v: VarId): boolean {
    const reads = new Set<TempId>();
    let found = false;
    forEachStmt([l], (s) => {
      if (s.kind === 'op' && s.op === 'read' && s.var === v) reads.add(s.id);
      if (s.kind === 'op' && s.op === 'call' && s.args.some((a) => reads.has(a))) found = true;
    });
    return found;
  }

  private fwdFused(n: FusedLoop, out: JsStmt[]): void {
    const l = n.stmt;
    const fu = n.fusion;
    for (const v of n.entrySaves) {
      const name = this.names.fresh(`${this.names.variable(v)}_old`);
      this.localSaves.set(`${v}`, name);
      out.push(b.const(name, b.id(this.names.variable(v))));
    }
    // When the result is the accumulator up to a factor known before the loop (`return s`,
    // `return s / n`), its adjoint is known too: each iteration adds its final share directly.
    const known = this.knownAccumulatorAdjoint(l, fu.accumulator);
    const sums: { v: VarId; sum: string; inPlace: boolean; direct: boolean }[] = [];
    for (const v of fu.inputs) {
      const info = this.fn.vars[v];
      // Gradient arrays of differentiated parameters exist before the forward sweep (public: allocated
      // first; pullback: passed in). A parameter outside `wrt` has a local adjoint declared later.
      const param = this.fn.params.includes(v) && this.act.activeParams.has(v) && isArrayType(info.type);
      const direct = known !== undefined && param;
      // In place, the reverse sweep scales the whole gradient array by the accumulator's adjoint:
      // only right when nothing else has added into it yet (an earlier fused loop, or anything after).
      const inPlace = !direct && param && this.conv.kind === 'public' && !this.readAfter(l, v) && !this.accumulatedForward.has(v);
      if (direct || inPlace) this.accumulatedForward.add(v);
      const sum = direct || inPlace ? this.names.adjoint(v) : this.names.fresh(`${this.names.adjoint(v)}_sum`);
      // Sums are kept in double precision whatever the array kind; one passed to a pullback has the
      // kind the pullback takes (a plain array holds doubles too).
      const plain = info.type === 'number[]' || info.type === 'readonly number[]';
      const sumKind = plain && this.passedToCall(l, v) ? 'number[]' : 'Float64Array';
      if (!inPlace && !direct) out.push(isArrayType(info.type) ? b.const(sum, zeroArrayExpr(sumKind, b.member(b.id(this.names.variable(v)), 'length'))) : b.let(sum, b.num(0)));
      sums.push({ v, sum, inPlace, direct });
      if (isArrayType(info.type)) this.renamedArrays.set(v, sum);
      else this.renamed.set(v, sum);
    }
    this.fusedSums.set(n, sums);
    let factor: JsExpr = b.num(1);
    if (known !== undefined) {
      factor = b.id(this.names.fresh(`${this.names.adjoint(fu.accumulator)}`));
      out.push(b.const((factor as { name: string }).name, known));
    }
    this.fusedFactor.set(n, known !== undefined);
    this.fixed.set(fu.accumulator, factor);

    const test: JsStmt[] = [];
    this.fwdNodes(n.test, test);
    const body: JsStmt[] = [];
    this.fwdNodes(n.body, body);
    // The adjoint of this iteration, with the loop's own variables starting at zero.
    const reverse: JsStmt[] = [];
    this.revNodes(n.body, reverse);
    const locals: JsStmt[] = [];
    for (const v of [...fu.locals].sort((a, c) => a - c)) {
      const info = this.fn.vars[v];
      if (!this.act.activeVar[v]) continue;
      const name = this.names.adjoint(v);
      if (isArrayType(info.type)) locals.push(b.let(name, zeroArrayExpr(info.type, b.member(b.id(this.names.variable(v)), 'length')), jsType(info.type, 'adjoint')));
      else locals.push(b.let(name, b.num(0)));
    }
    const adjoint = finalizeAdjointDeclarations([...locals, ...reverse], new Set(locals.filter((d) => d.k === 'decl' && d.init?.k === 'num').map((d) => (d as { name: string }).name)));
    this.fixed.delete(fu.accumulator);
    for (const { v } of sums) {
      this.renamed.delete(v);
      this.renamedArrays.delete(v);
    }
    // The iteration's adjoint restores what it overwrote; variables that outlive the iteration
    // (the loop counter) are put back to where the forward part left them.
    const carry: JsStmt[] = [];
    const reset: JsStmt[] = [];
    for (const v of restoredIn(n.body)) {
      if (fu.locals.has(v)) continue;
      const name = this.names.fresh(`${this.names.variable(v)}_next`);
      carry.push(b.const(name, b.id(this.names.variable(v))));
      reset.push(b.assign(this.names.variable(v), b.id(name)));
    }
    const cond = this.fwd.get(l.cond!)!;
    out.push(b.comment(`${l.origin.text.replace(/;$/, '')}: each iteration adds its share of the gradient of ${this.names.variable(fu.accumulator)}`));
    const iteration = [...body, ...carry, ...adjoint, ...reset];
    if (test.length === 0) out.push({ k: 'while', test: cond, body: iteration });
    else out.push({ k: 'while', test: b.bool(true), body: [...test, b.if(b.not(cond), [b.break()]), ...iteration] });
  }

  /**
   * Whether any statement after loop `l` (at the top of the function) reads `v` actively, or writes it
   * (the reverse of a write reads and clears the element adjoints the loop's shares went into).
   */
  private readAfter(l: Stmt, v: VarId): boolean {
    const at = this.fn.body.indexOf(l);
    let found = false;
    forEachStmt(this.fn.body.slice(at + 1), (s) => {
      if (s.kind === 'op' && (s.op === 'read' || s.op === 'load' || s.op === 'slice') && s.var === v && this.act.activeTemp[s.id]) found = true;
      if ((s.kind === 'store' || s.kind === 'fill' || s.kind === 'push' || s.kind === 'assign') && s.var === v) found = true;
      if (s.kind === 'op' && s.op === 'read' && s.var === v && isArrayType(this.fn.vars[v].type)) found = true;
    });
    return found;
  }

  /** In the reverse sweep, a fused loop only scales its sums by the accumulator's adjoint. */
  private revFused(n: FusedLoop, out: JsStmt[]): void {
    const known = this.fusedFactor.get(n) === true;
    // With a known adjoint the sums are final; otherwise they are scaled by the accumulator's adjoint now.
    const accBar = known ? b.num(1) : b.id(this.names.adjoint(n.fusion.accumulator));
    const moves = (this.fusedSums.get(n) ?? []).filter((x) => !x.direct);
    // Sums of partials that may be non-finite follow the zero-adjoint rule: scaled by 0, they are 0.
    const guard = !known && this.sumsMayBeNonFinite(n);
    if (moves.length > 0 || n.entrySaves.length > 0) out.push(b.comment(`${n.stmt.origin.text.replace(/;$/, '')}: its gradient was summed during the forward sweep`));
    for (const { v, sum, inPlace } of moves) {
      const info = this.fn.vars[v];
      const target = b.id(this.names.adjoint(v));
      if (!isArrayType(info.type)) {
        out.push(...b.accumulate(target, b.times(b.id(sum), accBar, guard, true)));
        continue;
      }
      if (known && inPlace) continue;
      const k = this.names.fresh('k');
      const loop = (body: JsStmt[]): JsStmt => ({ k: 'for', init: b.let(k, b.num(0)), test: b.bin('<', b.id(k), b.member(target, 'length')), update: { k: 'postfix', op: '++', target: b.id(k) }, body });
      const scale = b.if(b.bin('!==', accBar, b.num(1)), [loop([b.assign(b.index(target, b.id(k)), accBar, '*=')])]);
      const add = loop(b.accumulate(b.index(target, b.id(k)), b.mul(accBar, b.index(b.id(sum), b.id(k)))));
      if (inPlace) out.push(guard ? b.if(b.bin('===', accBar, b.num(0)), [b.expr(b.call(b.member(target, 'fill'), [b.num(0)]))], [scale]) : scale);
      else out.push(guard ? b.if(b.bin('!==', accBar, b.num(0)), [add]) : add);
    }
    for (const v of n.entrySaves) out.push(b.assign(this.names.variable(v), b.id(this.localSaves.get(`${v}`)!)));
  }

  /** Whether the per-iteration shares a fused loop sums can be non-finite (a partial that may be, or a pullback's result). */
  private sumsMayBeNonFinite(n: FusedLoop): boolean {
    let found = false;
    forEachStmt([n.stmt], (s) => {
      if (s.kind !== 'op' || !this.act.activeTemp[s.id]) return;
      if (s.op === 'call') found = true;
      else if (s.op === 'prim') {
        const g = guarded(this.fin, s);
        if (s.args.some((a, i) => g[i] && this.act.activeTemp[a])) found = true;
      }
    });
    return found;
  }

  private readonly renamedArrays = new Map<VarId, string>();
  /** Fused loops whose accumulator adjoint was known before the loop. */
  private readonly fusedFactor = new Map<FusedLoop, boolean>();

  /**
   * The adjoint of `acc` as an expression available before loop `l`, when the
   * rest of the function is one block returning acc times a factor made of
   * constants and variables the loop does not write:
   *   … ; return s          ⇒ cotangent
   *   … ; return s / n      ⇒ cotangent / n
   */
  private knownAccumulatorAdjoint(l: Stmt, acc: VarId): JsExpr | undefined {
    const at = this.fn.body.indexOf(l);
    const rest = this.fn.body.slice(at + 1);
    if (rest.some((s) => s.kind !== 'op' && s.kind !== 'return')) return undefined;
    const ret = rest[rest.length - 1];
    if (!ret || ret.kind !== 'return' || isArrayType(this.fn.returnType)) return undefined;
    const defs = new Map<TempId, Op>();
    for (const s of rest) if (s.kind === 'op') defs.set(s.id, s);
    const written = new Set<VarId>();
    forEachStmt([l], (s) => {
      if (s.kind === 'assign' || s.kind === 'store' || s.kind === 'push' || s.kind === 'fill') written.add(s.var);
    });
    // An expression of the temp usable before the loop, or undefined.
    const before = (t: TempId): JsExpr | undefined => {
      const d = defs.get(t);
      if (!d) return undefined;
      if (d.op === 'const' && typeof d.value === 'number') return d.name !== undefined ? b.path(d.name) : b.num(d.value);
      if (d.op === 'read' && !written.has(d.var) && !isArrayType(this.fn.vars[d.var].type) && (this.stable[d.var] || this.fn.params.includes(d.var))) return b.id(this.names.variable(d.var));
      if (d.op === 'length' && !written.has(d.var)) return b.member(b.id(this.names.variable(d.var)), 'length');
      return undefined;
    };
    const dependsOnAcc = (t: TempId): boolean => {
      const d = defs.get(t);
      if (!d) return false;
      if (d.op === 'read') return d.var === acc;
      return d.args.some(dependsOnAcc);
    };
    // ∂t/∂acc as an expression usable before the loop.
    const coef = (t: TempId): JsExpr | undefined => {
      const d = defs.get(t);
      if (!d) return undefined;
      if (d.op === 'read') return d.var === acc ? b.num(1) : undefined;
      if (d.op !== 'prim') return undefined;
      const [x, y] = d.args;
      const dx = x !== undefined && dependsOnAcc(x);
      const dy = y !== undefined && dependsOnAcc(y);
      switch (d.fn) {
        case 'add':
          return dx && !dy ? coef(x) : dy && !dx ? coef(y) : undefined;
        case 'sub': {
          if (dx && !dy) return coef(x);
          const c = dy && !dx ? coef(y) : undefined;
          return c && b.neg(c);
        }
        case 'neg': {
          const c = dx ? coef(x) : undefined;
          return c && b.neg(c);
        }
        case 'mul': {
          const c = dx && !dy ? coef(x) : dy && !dx ? coef(y) : undefined;
          const other = dx ? before(y) : before(x);
          return c && other && b.mul(c, other);
        }
        case 'div': {
          const c = dx && !dy ? coef(x) : undefined;
          const other = before(y);
          return c && other && b.div(c, other);
        }
        default:
          return undefined;
      }
    };
    // The accumulator must reach the result only through that chain.
    const reads = rest.filter((s) => s.kind === 'op' && s.op === 'read' && s.var === acc).length;
    if (reads !== 1 || !dependsOnAcc(ret.value)) return undefined;
    const c = coef(ret.value);
    return c && b.mul(b.id(this.seedName), c);
  }

  /** Names of array variables the function writes (pushes, stores, fills). */
  private get mutatedArrays(): Set<string> {
    const out = new Set<string>();
    const visit = (nodes: RNode[]) => {
      for (const n of nodes) {
        if (n.kind === 'block') n.stmts.forEach((st) => (st.kind === 'store' || st.kind === 'push' || st.kind === 'fill') && out.add(this.names.variable(st.var)));
        else if (n.kind === 'if') {
          visit(n.then);
          visit(n.else);
        } else {
          visit(n.test);
          visit(n.body);
        }
      }
    };
    visit(this.tree);
    return out;
  }

  /** The source statement of the branch being reversed (its arms don't repeat its comment). */
  private enclosingOrigin: string | undefined;
  /** Decisions of branches that run at most once, kept in hoisted locals. */
  private readonly decisions = new Map<Stmt, string>();
  private readonly hoistedDecisions: JsStmt[] = [];
  /** Names of temps bound to a const in the forward sweep. */
  private readonly boundTemps = new Set<string>();

  private fwdBlock(blk: BlockInfo, out: JsStmt[]): void {
    const top = blk.mode === 'reuse';
    for (const s of blk.saves) {
      const v = this.names.variable(s.var);
      if (s.how === 'tape' && isReferenceType(this.fn.vars[s.var].type)) out.push(b.expr(this.tape('pushArray', [b.id(v)])));
      else if (s.how === 'tape') out.push(b.expr(this.tape('push', [b.id(v)])));
      else if (s.how === 'local') {
        const name = this.names.fresh(`${v}_old`);
        this.localSaves.set(`${s.var}`, name);
        out.push(b.const(name, b.id(v)));
      }
    }
    const stmts = blk.stmts;
    this.fwdStatements(blk, stmts, out, top);
    // Values the reverse sweep would otherwise recompute (exp, tanh, calls…), last on the tape.
    for (const st of stmts) {
      if (st.kind !== 'op' || !blk.taped.has(st.id)) continue;
      const copy = this.tapedCopies.get(st.id);
      const value = this.fwd.get(st.id)!;
      out.push(b.expr(copy !== undefined ? this.tape('pushArray', [b.id(copy)]) : isOpaqueType(this.fn.temps[st.id]) ? this.tape('pushArray', [value]) : this.tape('push', [value])));
    }
  }

  /** Copies of arrays recorded by the forward sweep (see `fwdStatements`). */
  private readonly tapedCopies = new Map<TempId, string>();

  private fwdStatements(blk: BlockInfo, stmts: readonly Stmt[], out: JsStmt[], top: boolean): void {
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i];
      switch (s.kind) {
        case 'op': {
          const e = this.primal(s, this.fwd);
          if (blk.taped.has(s.id) && isArrayType(this.fn.temps[s.id])) {
            // An array the block re-made before reading it: recorded as it is now (a copy, since
            // the block may still write to it), as the restored variable would be the old one.
            const copy = this.names.fresh(`${this.names.temp(s.id)}_seen`);
            out.push(b.const(copy, b.call(b.member(e, 'slice'), [])));
            this.tapedCopies.set(s.id, copy);
            this.fwd.set(s.id, e);
            break;
          }
          const mustName = (top && this.keep.has(s.id) && !(s.op === 'read' && this.stable[s.var])) || this.conds.has(s.id) || blk.taped.has(s.id);
          const movable = this.movable(stmts, i);
          const single = this.useCount[s.id] <= 1 && movable && depthOf(e) <= maxInlineDepth;
          // A name or literal is repeated freely, a read (also negated, `-p`) only while its variable keeps its value.
          const named = namedVariable(s, (t) => this.opsOf(stmts).get(t));
          const atom = isAtom(e) && (named === undefined || movable || this.stable[named]);
          if (s.op !== 'call' && !mustName && (atom || single)) this.fwd.set(s.id, e);
          else if (atom && !(s.op === 'read' && mustName && !this.stable[s.var])) this.fwd.set(s.id, e);
          else {
            // `const c = <op>` at the top: the value takes the variable's name.
            const next = stmts[i + 1];
            const asVar = top && next?.kind === 'assign' && next.declare && next.value === s.id && this.stable[next.var] && this.atTop.has(next.var) && !isArrayType(this.fn.vars[next.var].type);
            const name = asVar ? this.names.variable((next as { var: VarId }).var) : this.names.temp(s.id);
            out.push(constDecl(name, e, this.fn.temps[s.id]));
            this.fwd.set(s.id, b.id(name));
            this.boundTemps.add(name);
            if (asVar) i++; // the declaration is this line
          }
          break;
        }
        case 'assign': {
          const v = this.fn.vars[s.var];
          if (!this.readVars.has(s.var)) break; // nothing reads it (reads were forwarded within blocks)
          const name = this.names.variable(s.var);
          const value = this.fwd.get(s.value)!;
          if (s.declare && this.atTop.has(s.var)) out.push({ k: 'decl', kind: this.stable[s.var] && v.constant ? 'const' : 'let', name, init: value });
          else out.push(assignment(name, value));
          break;
        }
        case 'declare': {
          const v = this.fn.vars[s.var];
          if (!this.atTop.has(s.var)) break;
          out.push(hoistedDecl(this.names.variable(s.var), v.type));
          break;
        }
        case 'store': {
          const arr = b.id(this.names.variable(s.var));
          const idx = this.fwd.get(s.index)!;
          if (blk.elementSaves.has(s)) {
            if (top) {
              const name = this.names.fresh(`${this.names.variable(s.var)}_old`);
              this.localSaves.set(`store${this.storeId(s)}`, name);
              out.push(b.const(name, b.index(arr, idx)));
            } else {
              out.push(b.expr(this.tape('push', [b.index(arr, idx)])));
              out.push(b.expr(this.tape('pushInt', [idx])));
            }
          }
          out.push(b.assign(b.index(arr, idx), this.fwd.get(s.value)!));
          break;
        }
        case 'return': {
          this.valueName = this.names.fresh('value');
          let value = this.fwd.get(s.value)!;
          // The reverse sweep may undo pushes and restore elements of a local array: return a copy.
          if (isArrayType(this.fn.returnType) && value.k === 'id' && this.mutatedArrays.has(value.name)) value = b.call(b.member(value, 'slice'), []);
          // A pullback returns adjoints only: its value is not needed.
          if (this.conv.kind === 'public') out.push(b.const(this.valueName, value));
          break;
        }
        case 'push': {
          out.push(b.expr(b.call(b.member(b.id(this.names.variable(s.var)), 'push'), [this.fwd.get(s.value)!])));
          break;
        }
        case 'fill': {
          const arr = b.id(this.names.variable(s.var));
          if (blk.elementSaves.has(s)) {
            // The whole array is about to change: keep a copy for the reverse sweep.
            if (top) {
              const name = this.names.fresh(`${this.names.variable(s.var)}_old`);
              this.localSaves.set(`store${this.storeId(s)}`, name);
              out.push(b.const(name, b.call(b.member(arr, 'slice'), [])));
            } else out.push(b.expr(this.tape('pushArray', [b.call(b.member(arr, 'slice'), [])])));
          }
          out.push(b.expr(b.call(b.member(arr, 'fill'), [this.fwd.get(s.value)!])));
          break;
        }
        case 'check':
          out.push(checkStmt(this.fwd.get(s.cond)!, s));
          break;
        case 'if':
        case 'loop':
        case 'break':
        case 'continue':
          throw new Error(`${s.kind} inside a block`);
        default:
          assertNever(s, 'statement');
      }
    }
  }

  private readonly storeIds = new Map<Stmt, number>();
  private storeId(s: Stmt): number {
    let id = this.storeIds.get(s);
    if (id === undefined) this.storeIds.set(s, (id = this.storeIds.size));
    return id;
  }

  /** For each op of a block: whether all its uses come before the next write in the block (computed once per block). */
  private readonly movableIn = new Map<readonly Stmt[], Set<TempId>>();

  /** An op at position i whose uses all come before any write that follows it in the block. */
  /** The ops of a block by temp (built once per block). */
  private opsOf(stmts: readonly Stmt[]): Map<TempId, Op> {
    let ops = this.opsIn.get(stmts);
    if (!ops) {
      ops = new Map();
      for (const s of stmts) if (s.kind === 'op') ops.set(s.id, s);
      this.opsIn.set(stmts, ops);
    }
    return ops;
  }

  private readonly opsIn = new WeakMap<readonly Stmt[], Map<TempId, Op>>();

  private movable(stmts: readonly Stmt[], i: number): boolean {
    let set = this.movableIn.get(stmts);
    if (!set) {
      set = new Set();
      const writeEpoch = new Map<TempId, number>(); // number of writes seen when the temp was defined
      const spoiled = new Set<TempId>();
      let writes = 0;
      for (const s of stmts) {
        for (const u of usesOf(s)) if (writeEpoch.has(u) && writeEpoch.get(u) !== writes) spoiled.add(u);
        if (s.kind === 'assign' || s.kind === 'store' || s.kind === 'push' || s.kind === 'fill') writes++;
        if (s.kind === 'op') writeEpoch.set(s.id, writes);
      }
      for (const t of writeEpoch.keys()) if (!spoiled.has(t)) set.add(t);
      this.movableIn.set(stmts, set);
    }
    return set.has((stmts[i] as Op).id);
  }

  private primal(s: Op, env: Map<TempId, JsExpr>): JsExpr {
    const v = (t: TempId) => env.get(t)!;
    return primalExpression(s, v, (x) => this.names.variable(x), this.fn, this.ctx, (c) => b.call(this.ctx.primal(c.callee), c.args.map(v)));
  }

  // ---------------------------------------------------------------------------
  // Reverse sweep
  // ---------------------------------------------------------------------------

  private readonly reverseMemo = new Map<RNode, boolean>();

  /** Whether a node has anything to do in the reverse sweep (if not, nothing is recorded for it either). */
  private hasReverse(n: RNode): boolean {
    let r = this.reverseMemo.get(n);
    if (r !== undefined) return r;
    if (n.kind === 'block') {
      r =
        n.saves.length > 0 ||
        n.elementSaves.size > 0 ||
        n.stmts.some(
          (s) =>
            (s.kind === 'op' && this.act.activeTemp[s.id]) ||
            ((s.kind === 'assign' || s.kind === 'store' || s.kind === 'fill' || s.kind === 'push') && this.act.activeVar[s.var]) ||
            s.kind === 'return',
        );
    } else if (n.kind === 'if') r = n.then.some((c) => this.hasReverse(c)) || n.else.some((c) => this.hasReverse(c));
    else if (n.kind === 'fused') r = true;
    else if (n.kind === 'loop' && n.snapshots.length > 0) r = true;
    else r = n.test.some((c) => this.hasReverse(c)) || n.body.some((c) => this.hasReverse(c));
    this.reverseMemo.set(n, r);
    return r;
  }

  private revNodes(nodes: RNode[], out: JsStmt[]): void {
    for (let i = nodes.length - 1; i >= 0; i--) {
      const n = nodes[i];
      if (!this.hasReverse(n)) continue;
      if (n.kind === 'fused') this.revFused(n, out);
      else if (n.kind === 'block') this.revBlock(n, out);
      else if (n.kind === 'if') {
        const then: JsStmt[] = [];
        const els: JsStmt[] = [];
        // Blocks inside an arm don't repeat the comment of the statement the branch came from.
        const saved = this.enclosingOrigin;
        this.enclosingOrigin = n.stmt.origin.text;
        this.revNodes(n.then, then);
        this.revNodes(n.else, els);
        this.enclosingOrigin = saved;
        const cond = !n.nested ? this.fwd.get(n.stmt.cond)! : n.inLoop ? this.tape('popBit') : b.id(this.decisions.get(n.stmt)!);
        if (then.length === 0 && els.length === 0) out.push(b.expr(cond));
        else if (then.length === 0) out.push(b.if(b.not(cond), els));
        else out.push(b.if(cond, then, els));
      } else {
        const l = n.stmt;
        const counter = this.counters.get(l.id)!;
        out.push(b.comment(`reverse of ${l.origin.text.replace(/;$/, '')}`));
        const popped = n.nested && n.inLoop;
        const count = popped ? this.names.fresh('trips') : counter;
        if (popped) out.push(b.const(count, this.tape('popInt')));
        if (n.counter) {
          // The counter's value at the end of the loop, from the trip count (nothing was recorded).
          const { start, step, base } = n.counter;
          const steps = step === 1 ? b.id(count) : b.mul(b.num(step), b.id(count));
          const from = base === undefined ? b.num(start) : b.add(b.id(this.names.variable(base)), b.num(start));
          out.push(b.assign(this.names.variable(n.counter.var), b.add(from, steps)));
        }
        const test: JsStmt[] = [];
        this.revNodes(n.test, test);
        const body: JsStmt[] = [];
        this.revNodes(n.body, body);
        for (const v of [...n.snapshots].reverse()) {
          const arr = b.id(this.names.variable(v));
          body.push(b.comment(`${this.names.variable(v)} back as this iteration found it`));
          body.push(this.forEachIndex(b.member(arr, 'length'), (k) => [b.assign(b.index(arr, k), this.tape('pop'))], true));
        }
        body.push(...test);
        out.push(...test);
        const k = this.names.fresh('k');
        out.push({ k: 'for', init: b.let(k, b.id(count)), test: b.bin('>', b.id(k), b.num(0)), update: { k: 'postfix', op: '--', target: b.id(k) }, body });
      }
    }
  }

  private revBlock(blk: BlockInfo, out: JsStmt[]): void {
    const top = blk.mode === 'reuse';
    // 0. Recorded values come back first (they were pushed last).
    const recorded = new Map<TempId, JsExpr>();
    const tapedOps = blk.stmts.filter((st): st is Op => st.kind === 'op' && blk.taped.has(st.id));
    for (const st of [...tapedOps].reverse()) {
      const name = this.names.temp(st.id);
      const type = this.fn.temps[st.id];
      out.push(b.const(name, isReferenceType(type) ? b.as(this.tape('popArray'), jsType(type, 'local')) : this.tape('pop')));
      recorded.set(st.id, b.id(name));
    }
    // 1. Restore the state the block started from. At the top level the adjoint reads forward
    // temps, so arrays are put back only as the adjoint passes the write that changed them: a
    // pullback of a call after the write runs the callee on the array as the call saw it.
    const afterStore = new Map<Stmt, JsStmt[]>();
    const restore = (at: Stmt, st: JsStmt) => (top ? afterStore.set(at, [...(afterStore.get(at) ?? []), st]) : out.push(st));
    const stores = blk.stmts.filter((s): s is Extract<Stmt, { kind: 'store' | 'fill' | 'push' }> => blk.elementSaves.has(s));
    for (const s of [...stores].reverse()) {
      const arr = b.id(this.names.variable(s.var));
      const saved = (): JsExpr => (top ? b.id(this.localSaves.get(`store${this.storeId(s)}`)!) : this.tape('popArray'));
      if (s.kind === 'store') {
        if (top) restore(s, b.assign(b.index(arr, this.fwd.get(s.index)!), saved()));
        else out.push(b.assign(b.index(arr, this.tape('popInt')), this.tape('pop')));
      } else if (s.kind === 'fill') {
        restore(s, b.expr(b.call(b.path(this.ctx.useHelper('copyInto')), [arr, b.as(saved(), 'ArrayLike<number>'), { k: 'str', v: this.names.variable(s.var) }])));
      }
    }
    for (const s of [...blk.saves].reverse()) {
      const v = this.names.variable(s.var);
      const type = this.fn.vars[s.var].type;
      if (s.how === 'tape' && isReferenceType(type)) out.push(b.assign(v, b.as(this.tape('popArray'), jsType(type, 'local'))));
      else if (s.how === 'tape') out.push(b.assign(v, this.tape('pop')));
      else if (s.how === 'local') {
        const back = b.assign(v, b.id(this.localSaves.get(`${s.var}`)!));
        const firstWrite = isArrayType(type) ? blk.stmts.find((st) => st.kind === 'assign' && st.var === s.var) : undefined;
        if (top && firstWrite) restore(firstWrite, back);
        else out.push(back);
      } else out.push(...b.accumulate(v, b.num(-(s.delta ?? 0))));
    }
    // 2. Recompute what the adjoint needs (recompute mode), else use the forward temps.
    const values = top ? this.fwd : this.recompute(blk, out, afterStore, recorded);
    // 3. The adjoint itself.
    const adj = new BlockAdjoint({
      fn: this.fn,
      act: this.act,
      names: this.names,
      ctx: this.ctx,
      value: (t) => {
        const e = values.get(t);
        if (e === undefined) throw new Error(`value of %${t} not available in the reverse sweep of ${this.fn.name}`);
        return e;
      },
      guarded: (s) => guarded(this.fin, s),
      seed: b.id(this.seedName),
      topLevelDeclaration: (v) => this.atTop.has(v),
      arrayAdjoint: (v) => b.id(this.renamedArrays.get(v) ?? this.names.adjoint(v)),
      undoPush: (st) => blk.elementSaves.has(st) || this.act.activeVar[(st as { var: VarId }).var],
      adjointName: (v) => this.renamed.get(v) ?? this.names.adjoint(v),
      fixedAdjoint: (v) => this.fixed.get(v),
    });
    out.push(...adj.run(blk.stmts, (st) => afterStore.get(st) ?? [], this.enclosingOrigin));
  }

  /** Recomputes the needed temps of a block from the restored variables: `const t3 = i * x;`. */
  /**
   * Recomputes the needed temps of a block from the restored variables: `const t3 = i * x;`.
   * When a load reads an element an earlier store of the block wrote, that array's stores
   * are replayed, each keeping the element it overwrites (`const old = a[i]; a[i] = v`), and
   * `afterStore` puts it back once the adjoint has passed that store, so the block still ends
   * with the array as it found it.
   */
  private recompute(blk: BlockInfo, out: JsStmt[], afterStore: Map<Stmt, JsStmt[]>, recorded: ReadonlyMap<TempId, JsExpr>): Map<TempId, JsExpr> {
    const env = new Map<TempId, JsExpr>(recorded);
    const refs = new Map<TempId, number>();
    for (const s of blk.stmts) {
      if (s.kind === 'op' && blk.needed.has(s.id)) s.args.forEach((a) => refs.set(a, (refs.get(a) ?? 0) + 1));
      if (s.kind === 'op' && this.act.activeTemp[s.id]) derivativeRefs(s, this.act.activeTemp).forEach((a) => refs.set(a, (refs.get(a) ?? 0) + 2));
      if (s.kind === 'store' && this.act.activeVar[s.var]) refs.set(s.index, (refs.get(s.index) ?? 0) + 2);
      if (s.kind === 'store' && blk.replayed.has(s.var)) {
        refs.set(s.index, (refs.get(s.index) ?? 0) + 2);
        refs.set(s.value, (refs.get(s.value) ?? 0) + 2);
      }
    }
    for (const s of blk.stmts) {
      if (s.kind === 'store' && blk.replayed.has(s.var)) {
        const arr = b.id(this.names.variable(s.var));
        const el = b.index(arr, env.get(s.index)!);
        const old = this.names.fresh(`${this.names.variable(s.var)}_old`);
        out.push(b.const(old, el));
        out.push(b.assign(el, env.get(s.value)!));
        afterStore.set(s, [b.assign(el, b.id(old))]);
        continue;
      }
      if (s.kind !== 'op' || !blk.needed.has(s.id) || recorded.has(s.id)) continue;
      const e = this.primal(s, env);
      if (isAtom(e) || ((refs.get(s.id) ?? 0) <= 1 && s.op !== 'call' && !(blk.replay && s.op === 'load') && depthOf(e) <= maxInlineDepth)) env.set(s.id, e);
      else {
        const name = this.names.temp(s.id);
        out.push(constDecl(name, e, this.fn.temps[s.id]));
        env.set(s.id, b.id(name));
      }
    }
    return env;
  }
}

/** Variables the reverse sweep of these nodes restores (saved before a write). */
function restoredIn(nodes: RNode[], into = new Set<VarId>()): Set<VarId> {
  for (const n of nodes) {
    if (n.kind === 'block') n.saves.forEach((sv) => into.add(sv.var));
    else if (n.kind === 'if') {
      restoredIn(n.then, into);
      restoredIn(n.else, into);
    } else {
      restoredIn(n.test, into);
      restoredIn(n.body, into);
      if (n.kind === 'fused') n.entrySaves.forEach((v) => into.add(v));
    }
  }
  return into;
}

/** Variables read by some op (`readsOnly`), or also written. Arrays count as read when written (their elements are state). */
function referencedVars(nodes: RNode[], readsOnly = false, into = new Set<VarId>()): Set<VarId> {
  for (const n of nodes) {
    if (n.kind === 'block') {
      for (const s of n.stmts) {
        if (s.kind === 'op' && (s.op === 'read' || s.op === 'load' || s.op === 'length' || s.op === 'slice')) into.add(s.var);
        else if (s.kind === 'store' || s.kind === 'push' || s.kind === 'fill') into.add(s.var);
        else if (!readsOnly && (s.kind === 'assign' || s.kind === 'declare')) into.add(s.var);
      }
    } else if (n.kind === 'if') {
      referencedVars(n.then, readsOnly, into);
      referencedVars(n.else, readsOnly, into);
    } else {
      referencedVars(n.test, readsOnly, into);
      referencedVars(n.body, readsOnly, into);
    }
  }
  return into;
}

/** `x = x + e` ⇒ `x += e`. */
function assignment(name: string, value: JsExpr): JsStmt {
  if (value.k === 'bin' && (value.op === '+' || value.op === '-' || value.op === '*' || value.op === '/') && value.l.k === 'id' && value.l.name === name) {
    return { k: 'assign', target: b.id(name), op: `${value.op}=` as '+=', value: value.r };
  }
  return b.assign(name, value);
}

export { derivativeRefs };

/** A string literal (for messages passed to runtime helpers). */
function str(text: string): JsExpr {
  return { k: 'str', v: text };
}

