/**
 * Both sweeps of a fused loop (fusion.ts): a loop that only accumulates into one
 * scalar (`s += f(x[i], …)`) whose iterations are independent otherwise. Each
 * iteration runs forward, then its own adjoint right away with the accumulator's
 * adjoint fixed at 1, adding into per-input sums (or straight into a parameter's
 * gradient array when nothing after the loop touches it); the reverse sweep only
 * scales the sums by the accumulator's adjoint. Nothing is recorded on the tape.
 *
 *   forward:  while (c) { body; reverse body (s_bar = 1) into x_bar_sum }
 *   reverse:  x_bar[k] += s_bar * x_bar_sum[k]
 *
 * When the result is the accumulator times a factor known before the loop
 * (`return s / n`), that factor is the accumulator's adjoint from the start and
 * the sums are final.
 */
import { isArrayType, mayBePlain, type Op, type Stmt, type TempId, type VarId } from '../../ir/types';
import type { FusedLoop } from '../../3-analyze/tbr';
import { guarded } from '../../3-analyze/finiteness';
import { forEachStmt } from '../../ir/walk';
import { b, type JsExpr, type JsStmt } from '../../5-print/js';
import { growingParams, jsType, zeroArrayExpr, zerosLikeExpr } from '../arrays';
import { finalizeAdjointDeclarations } from './peephole';
import { partialReads, partialsOf, rule } from '../../rules/table';
import { restoredIn, type Construct, type Sweep } from './sweep';
import { writtenVar } from '../../ir/facts';

interface FusedState {
  /** Gradient arrays that fused loops have already added into during the forward sweep. */
  readonly accumulatedForward: Set<VarId>;
  /** The per-input sums of each fused loop. */
  readonly sums: Map<FusedLoop, { v: VarId; sum: string; inPlace: boolean; direct: boolean }[]>;
  /** Fused loops whose accumulator adjoint was known before the loop. */
  readonly known: Map<FusedLoop, boolean>;
}

const stateKey = {};
const state = (sw: Sweep): FusedState => sw.stateOf(stateKey, () => ({ accumulatedForward: new Set(), sums: new Map(), known: new Map() }));

export const fusedLoop: Construct<FusedLoop> = {
  forward: fwdFused,
  reverse: revFused,
  hasReverse: () => true,
};

/** Whether loop `l` passes the array `v` to a call. */
function passedToCall(l: Stmt, v: VarId): boolean {
  const reads = new Set<TempId>();
  let found = false;
  forEachStmt([l], (s) => {
    if (s.kind === 'op' && s.op === 'read' && s.var === v) reads.add(s.id);
    if (s.kind === 'op' && s.op === 'call' && s.args.some((a) => reads.has(a))) found = true;
  });
  return found;
}

function fwdFused(sw: Sweep, n: FusedLoop, out: JsStmt[]): void {
  const l = n.stmt;
  const fu = n.fusion;
  for (const v of n.entrySaves) {
    const name = sw.names.fresh(`${sw.names.variable(v)}_old`);
    sw.saveLocal(n, `${v}`, name);
    out.push(b.const(name, b.id(sw.names.variable(v))));
  }
  // When the result is the accumulator up to a factor known before the loop (`return s`,
  // `return s / n`), its adjoint is known too: each iteration adds its final share directly.
  const known = knownAccumulatorAdjoint(sw, l, fu.accumulator);
  const sums: { v: VarId; sum: string; inPlace: boolean; direct: boolean }[] = [];
  for (const v of fu.inputs) {
    const info = sw.fn.vars[v];
    // Gradient arrays of differentiated parameters exist before the forward sweep (public: allocated
    // first; pullback: passed in). A parameter outside `wrt` has a local adjoint declared later.
    // (not one that may grow: its gradient grows only after the forward sweep, and would miss the elements past its end)
    const param = sw.fn.params.includes(v) && sw.act.activeParams.has(v) && isArrayType(info.type) && !growingParams(sw.fn).has(v);
    const direct = known !== undefined && param;
    // In place, the reverse sweep scales the whole gradient array by the accumulator's adjoint:
    // only right when nothing else has added into it yet (an earlier fused loop, or anything after).
    const inPlace = !direct && param && sw.conv.kind === 'public' && !readAfter(sw, l, v) && !state(sw).accumulatedForward.has(v);
    if (direct || inPlace) state(sw).accumulatedForward.add(v);
    const sum = direct || inPlace ? sw.names.adjoint(v) : sw.names.fresh(`${sw.names.adjoint(v)}_sum`);
    // Sums are kept in double precision whatever the array kind; one passed to a pullback has the
    // kind the pullback takes (a plain array holds doubles too; a union type's takes one of its kinds).
    const plain = isArrayType(info.type) && mayBePlain(info.type);
    const sumKind = plain && passedToCall(l, v) ? 'number[]' : 'Float64Array';
    if (!inPlace && !direct) out.push(isArrayType(info.type) ? b.const(sum, zeroArrayExpr(sumKind, b.member(b.id(sw.names.variable(v)), 'length'), sw.ctx)) : b.let(sum, b.num(0)));
    sums.push({ v, sum, inPlace, direct });
    if (isArrayType(info.type)) sw.renamedArrays.set(v, sum);
    else sw.renamed.set(v, sum);
  }
  state(sw).sums.set(n, sums);
  let factor: JsExpr = b.num(1);
  if (known !== undefined) {
    factor = b.id(sw.names.fresh(`${sw.names.adjoint(fu.accumulator)}`));
    out.push(b.const((factor as { name: string }).name, known));
  }
  state(sw).known.set(n, known !== undefined);
  sw.fixed.set(fu.accumulator, factor);

  const test: JsStmt[] = [];
  sw.forward(n.test, test);
  const body: JsStmt[] = [];
  sw.forward(n.body, body);
  // The adjoint of this iteration, with the loop's own variables starting at zero.
  const reverse: JsStmt[] = [];
  sw.reverse(n.body, reverse);
  const locals: JsStmt[] = [];
  for (const v of [...fu.locals].sort((a, c) => a - c)) {
    const info = sw.fn.vars[v];
    if (!sw.act.activeVar[v]) continue;
    const name = sw.names.adjoint(v);
    if (isArrayType(info.type)) locals.push(b.let(name, zerosLikeExpr(info.type, b.id(sw.names.variable(v)), sw.ctx), jsType(info.type, 'adjoint')));
    else locals.push(b.let(name, b.num(0)));
  }
  const adjoint = finalizeAdjointDeclarations(
    [...locals, ...reverse],
    new Set(locals.filter((d) => d.k === 'decl' && d.init?.k === 'num').map((d) => (d as { name: string }).name)),
  );
  sw.fixed.delete(fu.accumulator);
  for (const { v } of sums) {
    sw.renamed.delete(v);
    sw.renamedArrays.delete(v);
  }
  // The iteration's adjoint restores what it overwrote; variables that outlive the iteration
  // (the loop counter) are put back to where the forward part left them.
  const carry: JsStmt[] = [];
  const reset: JsStmt[] = [];
  for (const v of restoredIn(n.body)) {
    if (fu.locals.has(v)) continue;
    const name = sw.names.fresh(`${sw.names.variable(v)}_next`);
    carry.push(b.const(name, b.id(sw.names.variable(v))));
    reset.push(b.assign(sw.names.variable(v), b.id(name)));
  }
  const cond = sw.fwd.get(l.cond!)!;
  out.push(b.comment(`${l.origin.text.replace(/;$/, '')}: each iteration adds its share of the gradient of ${sw.names.variable(fu.accumulator)}`));
  const iteration = [...body, ...carry, ...adjoint, ...reset];
  if (test.length === 0) out.push({ k: 'while', test: cond, body: iteration });
  else out.push({ k: 'while', test: b.bool(true), body: [...test, b.if(b.not(cond), [b.break()]), ...iteration] });
}

/**
 * Whether any statement after loop `l` (at the top of the function) reads `v` actively, or writes it
 * (the reverse of a write reads and clears the element adjoints the loop's shares went into).
 */
function readAfter(sw: Sweep, l: Stmt, v: VarId): boolean {
  const { index, last } = lastUses(sw);
  return (last.get(v) ?? -1) > (index.get(l) ?? -1);
}

/**
 * For `readAfter`, found once per sweep (asked for every input of every fused loop, a walk of the
 * rest of the body each time made a long function's build quadratic): each top-level statement's
 * position, and for each variable the last top-level statement that reads it actively, writes it,
 * or reads it as an array.
 */
const uses = new WeakMap<Sweep, { index: Map<Stmt, number>; last: Map<VarId, number> }>();
function lastUses(sw: Sweep): { index: Map<Stmt, number>; last: Map<VarId, number> } {
  const known = uses.get(sw);
  if (known) return known;
  const index = new Map<Stmt, number>();
  const last = new Map<VarId, number>();
  sw.fn.body.forEach((top, i) => {
    index.set(top, i);
    forEachStmt([top], (s) => {
      if (s.kind === 'op' && (s.op === 'read' || s.op === 'load' || s.op === 'slice') && sw.act.activeTemp[s.id]) last.set(s.var, i);
      if (s.kind === 'op' && s.op === 'read' && isArrayType(sw.fn.vars[s.var].type)) last.set(s.var, i);
      const w = writtenVar(s);
      if (w !== undefined) last.set(w, i);
    });
  });
  const found = { index, last };
  uses.set(sw, found);
  return found;
}

/** In the reverse sweep, a fused loop only scales its sums by the accumulator's adjoint. */
function revFused(sw: Sweep, n: FusedLoop, out: JsStmt[]): void {
  const known = state(sw).known.get(n) === true;
  // With a known adjoint the sums are final; otherwise they are scaled by the accumulator's adjoint now.
  const accBar = known ? b.num(1) : b.id(sw.names.adjoint(n.fusion.accumulator));
  const moves = (state(sw).sums.get(n) ?? []).filter((x) => !x.direct);
  // Sums of partials that may be non-finite follow the zero-adjoint rule: scaled by 0, they are 0.
  const guard = !known && sumsMayBeNonFinite(sw, n);
  if (moves.length > 0 || n.entrySaves.length > 0) out.push(b.comment(`${n.stmt.origin.text.replace(/;$/, '')}: its gradient was summed during the forward sweep`));
  for (const { v, sum, inPlace } of moves) {
    const info = sw.fn.vars[v];
    const target = b.id(sw.names.adjoint(v));
    if (!isArrayType(info.type)) {
      out.push(...b.accumulate(target, b.times(b.id(sum), accBar, guard, true)));
      continue;
    }
    if (known && inPlace) continue;
    const k = sw.names.fresh('k');
    const loop = (body: JsStmt[]): JsStmt => b.countUp(k, b.member(target, 'length'), body);
    const scale = b.if(b.bin('!==', accBar, b.num(1)), [loop([b.assign(b.index(target, b.id(k)), accBar, '*=')])]);
    const add = loop(b.accumulate(b.index(target, b.id(k)), b.mul(accBar, b.index(b.id(sum), b.id(k)))));
    if (inPlace) out.push(guard ? b.if(b.bin('===', accBar, b.num(0)), [b.expr(b.call(b.member(target, 'fill'), [b.num(0)]))], [scale]) : scale);
    else out.push(guard ? b.if(b.bin('!==', accBar, b.num(0)), [add]) : add);
  }
  for (const v of n.entrySaves) out.push(b.assign(sw.names.variable(v), b.id(sw.savedLocal(n, `${v}`))));
}

/** Whether the per-iteration shares a fused loop sums can be non-finite (a partial that may be, or a pullback's result). */
function sumsMayBeNonFinite(sw: Sweep, n: FusedLoop): boolean {
  let found = false;
  forEachStmt([n.stmt], (s) => {
    if (s.kind !== 'op' || !sw.act.activeTemp[s.id]) return;
    if (s.op === 'call') found = true;
    else if (s.op === 'prim') {
      const g = guarded(sw.fin, s);
      if (s.args.some((a, i) => g[i] && sw.act.activeTemp[a])) found = true;
    }
  });
  return found;
}

/**
 * The adjoint of `acc` as an expression available before loop `l`, when the
 * rest of the function is one block returning acc times a factor made of
 * constants and variables the loop does not write:
 *   … ; return s          ⇒ cotangent
 *   … ; return s / n      ⇒ cotangent / n
 */
function knownAccumulatorAdjoint(sw: Sweep, l: Stmt, acc: VarId): JsExpr | undefined {
  const at = sw.fn.body.indexOf(l);
  const rest = sw.fn.body.slice(at + 1);
  if (rest.some((s) => s.kind !== 'op' && s.kind !== 'return')) return undefined;
  const ret = rest[rest.length - 1];
  if (!ret || ret.kind !== 'return' || isArrayType(sw.fn.returnType)) return undefined;
  const defs = new Map<TempId, Op>();
  for (const s of rest) if (s.kind === 'op') defs.set(s.id, s);
  const written = new Set<VarId>();
  forEachStmt([l], (s) => {
    const w = writtenVar(s);
    if (w !== undefined) written.add(w);
  });
  // An expression of the temp usable before the loop, or undefined.
  const before = (t: TempId): JsExpr | undefined => {
    const d = defs.get(t);
    if (!d) return undefined;
    if (d.op === 'const' && typeof d.value === 'number') return d.name !== undefined ? b.path(d.name) : b.num(d.value);
    if (d.op === 'read' && !written.has(d.var) && !isArrayType(sw.fn.vars[d.var].type) && (sw.stable[d.var] || sw.fn.params.includes(d.var))) return b.id(sw.names.variable(d.var));
    if (d.op === 'length' && !written.has(d.var)) return b.member(b.id(sw.names.variable(d.var)), 'length');
    return undefined;
  };
  const dependsOnAcc = (t: TempId): boolean => {
    const d = defs.get(t);
    if (!d) return false;
    if (d.op === 'read') return d.var === acc;
    return d.args.some(dependsOnAcc);
  };
  // ∂t/∂acc as an expression usable before the loop.
  // ∂t/∂acc as an expression usable before the loop: along the chain from acc to t, the product of
  // each op's partial for the operand that depends on acc, when that partial reads only values known
  // before the loop (the rule table's partials; `s / n` gives 1 / n, `s * s` nothing).
  const coef = (t: TempId): JsExpr | undefined => {
    const d = defs.get(t);
    if (!d) return undefined;
    if (d.op === 'read') return d.var === acc ? b.num(1) : undefined;
    if (d.op !== 'prim') return undefined;
    const depends = d.args.map(dependsOnAcc);
    const k = depends.indexOf(true);
    if (k < 0 || depends.lastIndexOf(true) !== k) return undefined;
    const r = rule(d.fn);
    const reads = partialReads(r, d.args.length)?.[k];
    if (!reads || reads.result || reads.operands.includes(k)) return undefined;
    let known = true;
    const partial = partialsOf(
      r,
      d.args.map((_, i) => i === k),
      (i) => before(d.args[i]) ?? ((known = false), b.num(0)),
    )[k];
    const c = known ? coef(d.args[k]) : undefined;
    return c && b.mul(c, partial);
  };
  // The accumulator must reach the result only through that chain.
  const reads = rest.filter((s) => s.kind === 'op' && s.op === 'read' && s.var === acc).length;
  if (reads !== 1 || !dependsOnAcc(ret.value)) return undefined;
  const c = coef(ret.value);
  return c && b.mul(b.id(sw.seedName), c);
}
