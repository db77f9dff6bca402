/**
 * Both sweeps of a straight-line block (no control flow inside).
 *
 *   forward:  save what a later write destroys and a recompute needs (a local
 *             copy at the top of the function, else `tape.push`); the primal
 *             statements; values worth recording (exp, calls) pushed last
 *   reverse:  pop recorded values; restore the saved state; recompute the temps
 *             the adjoint needs (inside loops and branches; at the top the
 *             forward temps are still in scope); then the adjoint statements
 *             (block-adjoint.ts)
 */
import { assertNever, isArrayType, isOpaqueType, isReferenceType, type Op, type Stmt, type TempId, type VarId } from '../../ir/types';
import { derivativeRefs, type BlockInfo } from '../../3-analyze/tbr';
import { guarded } from '../../3-analyze/finiteness';
import { usesOf } from '../../ir/walk';
import { b, declaredType, declaredValue, isAtom, type JsExpr, type JsStmt } from '../../5-print/js';
import { depthOf, maxInlineDepth, namesIn } from '../../5-print/js-walk';
import { checkStmt, constDecl, hoistedDecl, jsType } from '../arrays';
import { namedVariable } from '../uses';
import { BlockAdjoint } from './block-adjoint';
import type { Construct, Sweep } from './sweep';
import { writtenVar } from '../../ir/facts';

interface BlockState {
  /** Copies of arrays recorded by the forward sweep (see `fwdStatements`). */
  readonly tapedCopies: Map<TempId, string>;
  readonly storeIds: Map<Stmt, number>;
  /** For each block: the ops whose uses all come before the next write. */
  readonly movableIn: Map<readonly Stmt[], Set<TempId>>;
  readonly opsIn: WeakMap<readonly Stmt[], Map<TempId, Op>>;
  /** For each block: the array assignments whose old array's length the forward sweep keeps (`keepsOldLength`). */
  readonly lengthsKept: WeakMap<BlockInfo, Set<Stmt>>;
}

const stateKey = {};
const state = (sw: Sweep): BlockState =>
  sw.stateOf(stateKey, () => ({ tapedCopies: new Map(), storeIds: new Map(), movableIn: new Map(), opsIn: new WeakMap(), lengthsKept: new WeakMap() }));

export const block: Construct<BlockInfo> = {
  forward: fwdBlock,
  reverse: revBlock,
  hasReverse(sw: Sweep, n: BlockInfo): boolean {
    return (
      n.saves.length > 0 ||
      n.elementSaves.size > 0 ||
      n.stmts.some((s) => (s.kind === 'op' && sw.act.activeTemp[s.id]) || (writtenVar(s) !== undefined && sw.act.activeVar[writtenVar(s)!]) || s.kind === 'return')
    );
  },
};

function fwdBlock(sw: Sweep, blk: BlockInfo, out: JsStmt[]): void {
  const top = blk.mode === 'reuse';
  for (const s of blk.saves) {
    const v = sw.names.variable(s.var);
    if (s.how === 'tape' && isReferenceType(sw.fn.vars[s.var].type)) out.push(b.expr(sw.tape('pushArray', [b.id(v)])));
    else if (s.how === 'tape') out.push(b.expr(sw.tape('push', [b.id(v)])));
    else if (s.how === 'local') {
      const name = sw.names.fresh(`${v}_old`);
      sw.saveLocal(blk, `${s.var}`, name);
      out.push(b.const(name, b.id(v)));
    }
  }
  const stmts = blk.stmts;
  fwdStatements(sw, blk, stmts, out, top);
  // Values the reverse sweep would otherwise recompute (exp, tanh, calls…), last on the tape.
  for (const st of stmts) {
    if (st.kind !== 'op' || !blk.taped.has(st.id)) continue;
    const copy = state(sw).tapedCopies.get(st.id);
    const value = sw.fwd.get(st.id)!;
    out.push(b.expr(copy !== undefined ? sw.tape('pushArray', [b.id(copy)]) : isOpaqueType(sw.fn.temps[st.id]) ? sw.tape('pushArray', [value]) : sw.tape('push', [value])));
  }
}

function fwdStatements(sw: Sweep, blk: BlockInfo, stmts: readonly Stmt[], out: JsStmt[], top: boolean): void {
  for (let i = 0; i < stmts.length; i++) {
    const s = stmts[i];
    switch (s.kind) {
      case 'op': {
        const e = sw.primal(s, sw.fwd);
        if (blk.taped.has(s.id) && isArrayType(sw.fn.temps[s.id])) {
          // An array the block re-made before reading it: recorded as it is now (a copy, since
          // the block may still write to it), as the restored variable would be the old one.
          const copy = sw.names.fresh(`${sw.names.temp(s.id)}_seen`);
          out.push(b.const(copy, b.call(b.member(e, 'slice'), [])));
          state(sw).tapedCopies.set(s.id, copy);
          sw.fwd.set(s.id, e);
          break;
        }
        const mustName = (top && sw.keep.has(s.id) && !(s.op === 'read' && sw.stable[s.var])) || sw.conds.has(s.id) || blk.taped.has(s.id);
        const usesBeforeWrites = movable(sw, stmts, i);
        const single = sw.useCount[s.id] <= 1 && usesBeforeWrites && depthOf(e) <= maxInlineDepth;
        // A name or literal is repeated freely, a read (also negated, `-p`) only while its variable keeps its value.
        const named = namedVariable(s, (t) => opsOf(sw, stmts).get(t));
        const atom = isAtom(e) && (named === undefined || usesBeforeWrites || sw.stable[named]);
        if (s.op !== 'call' && !mustName && (atom || single)) sw.fwd.set(s.id, e);
        // A name (`p`, `-p`, `!!p`) that must be kept is kept in a const unless its variable never changes.
        else if (atom && !(named !== undefined && mustName && !sw.stable[named] && namesIn(e).has(sw.names.variable(named)))) sw.fwd.set(s.id, e);
        else {
          // `const c = <op>` at the top: the value takes the variable's name.
          const next = stmts[i + 1];
          const asVar =
            top && next?.kind === 'assign' && next.declare && next.value === s.id && sw.stable[next.var] && sw.atTop.has(next.var) && !isArrayType(sw.fn.vars[next.var].type);
          const name = asVar ? sw.names.variable((next as { var: VarId }).var) : sw.names.temp(s.id);
          out.push(constDecl(name, e, sw.fn.temps[s.id]));
          sw.fwd.set(s.id, b.id(name));
          sw.boundTemps.add(name);
          if (asVar) i++; // the declaration is this line
        }
        break;
      }
      case 'assign': {
        const v = sw.fn.vars[s.var];
        if (!sw.readVars.has(s.var)) break; // nothing reads it (reads were forwarded within blocks)
        const name = sw.names.variable(s.var);
        if (keepsOldLength(sw, blk, s)) {
          // The length of the array it held: its adjoint has that length again below this assignment.
          const length = b.member(b.id(name), 'length');
          if (top) {
            const saved = sw.names.fresh(`${name}_length`);
            sw.saveLocal(blk, `length${storeId(sw, s)}`, saved);
            out.push(b.const(saved, length));
          } else out.push(b.expr(sw.tape('pushInt', [length])));
        }
        const value = sw.fwd.get(s.value)!;
        if (s.declare && sw.atTop.has(s.var)) {
          const kind = sw.stable[s.var] && v.constant ? 'const' : 'let';
          out.push({ k: 'decl', kind, name, init: declaredValue(v, value), type: declaredType(v, kind, value) });
        } else out.push(b.update(name, value));
        break;
      }
      case 'declare': {
        const v = sw.fn.vars[s.var];
        if (sw.atTop.has(s.var)) out.push(hoistedDecl(sw.names.variable(s.var), v.type, v.role !== 'hidden'));
        break;
      }
      case 'store': {
        const arr = b.id(sw.names.variable(s.var));
        const idx = sw.fwd.get(s.index)!;
        if (blk.elementSaves.has(s)) {
          if (top) {
            const name = sw.names.fresh(`${sw.names.variable(s.var)}_old`);
            sw.saveLocal(blk, `store${storeId(sw, s)}`, name);
            out.push(b.const(name, b.index(arr, idx)));
          } else {
            out.push(b.expr(sw.tape('push', [b.index(arr, idx)])));
            if (!counterIndex(sw, blk, s)) out.push(b.expr(sw.tape('pushInt', [idx])));
          }
        }
        out.push(b.assign(b.index(arr, idx), sw.fwd.get(s.value)!));
        break;
      }
      case 'return': {
        sw.valueName = sw.names.fresh('value');
        let value = sw.fwd.get(s.value)!;
        // The reverse sweep may undo pushes and restore elements of a local array: return a copy.
        if (isArrayType(sw.fn.returnType) && value.k === 'id' && sw.mutatedArrays.has(value.name)) value = b.call(b.member(value, 'slice'), []);
        // A pullback returns adjoints only: its value is not needed.
        if (sw.conv.kind === 'public') out.push(b.const(sw.valueName, value));
        break;
      }
      case 'push': {
        out.push(b.expr(b.call(b.member(b.id(sw.names.variable(s.var)), 'push'), [sw.fwd.get(s.value)!])));
        break;
      }
      case 'fill': {
        const arr = b.id(sw.names.variable(s.var));
        if (blk.elementSaves.has(s)) {
          // The whole array is about to change: keep a copy for the reverse sweep.
          if (top) {
            const name = sw.names.fresh(`${sw.names.variable(s.var)}_old`);
            sw.saveLocal(blk, `store${storeId(sw, s)}`, name);
            out.push(b.const(name, b.call(b.member(arr, 'slice'), [])));
          } else out.push(b.expr(sw.tape('pushArray', [b.call(b.member(arr, 'slice'), [])])));
        }
        out.push(b.expr(b.call(b.member(arr, 'fill'), [sw.fwd.get(s.value)!])));
        break;
      }
      case 'check':
        out.push(checkStmt(sw.fwd.get(s.cond)!, s));
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

/**
 * Whether an assignment of an array variable keeps the length of the array the variable held (a
 * loop-declared array, `h = dense(w, h)`): the reverse sweep gives the variable's adjoint that
 * length again. Not needed for a top-level declaration (no array before it), nor for the first
 * assignment in a block that restores the variable before its adjoint (the variable has it then).
 */
function keepsOldLength(sw: Sweep, blk: BlockInfo, s: Stmt): boolean {
  let kept = state(sw).lengthsKept.get(blk);
  if (!kept) {
    kept = new Set();
    const assigned = new Set<VarId>();
    for (const st of blk.stmts) {
      if (st.kind !== 'assign') continue;
      const first = !assigned.has(st.var);
      assigned.add(st.var);
      if (!isArrayType(sw.fn.vars[st.var].type) || !sw.act.activeVar[st.var] || !sw.readVars.has(st.var) || (st.declare && sw.atTop.has(st.var))) continue;
      const restored = blk.mode !== 'reuse' && blk.saves.some((x) => x.var === st.var && x.how === 'tape');
      if (!restored || !first) kept.add(st);
    }
    state(sw).lengthsKept.set(blk, kept);
  }
  return kept.has(s);
}

function storeId(sw: Sweep, s: Stmt): number {
  let id = state(sw).storeIds.get(s);
  if (id === undefined) state(sw).storeIds.set(s, (id = state(sw).storeIds.size));
  return id;
}

/** The ops of a block by temp (built once per block). */
function opsOf(sw: Sweep, stmts: readonly Stmt[]): Map<TempId, Op> {
  let ops = state(sw).opsIn.get(stmts);
  if (!ops) {
    ops = new Map();
    for (const s of stmts) if (s.kind === 'op') ops.set(s.id, s);
    state(sw).opsIn.set(stmts, ops);
  }
  return ops;
}

/**
 * An op at position i whose every use comes before a write of a variable its value depends on (the
 * variables and arrays it reads, directly or through its operands, within the block): printed at its
 * use, it computes the same value (computed once per block). `prev = cur; cur = next` may use `cur`
 * after `next` is assigned, not after `cur` is.
 */
const ANY_ARRAY = -1 as VarId;

function movable(sw: Sweep, stmts: readonly Stmt[], i: number): boolean {
  let set = state(sw).movableIn.get(stmts);
  if (!set) {
    set = new Set();
    const dependsOn = new Map<TempId, Set<VarId>>();
    const changed = new Set<TempId>(); // a variable it depends on was written since its definition
    const spoiled = new Set<TempId>();
    for (const s of stmts) {
      for (const u of usesOf(s)) if (changed.has(u)) spoiled.add(u);
      const w = writtenVar(s);
      // Arrays may share elements (a reference copied): a write to any array changes every element read.
      const wrote = w === undefined ? undefined : isReferenceType(sw.fn.vars[w].type) ? ANY_ARRAY : w;
      if (wrote !== undefined) for (const [t, vars] of dependsOn) if (vars.has(wrote) || (w !== undefined && vars.has(w))) changed.add(t);
      if (s.kind === 'op') {
        const vars = new Set<VarId>();
        if (s.op === 'read') vars.add(s.var);
        if (s.op === 'load' || s.op === 'length' || s.op === 'slice') vars.add(ANY_ARRAY);
        for (const a of s.args) for (const v of dependsOn.get(a) ?? []) vars.add(v);
        dependsOn.set(s.id, vars);
      }
    }
    for (const t of dependsOn.keys()) if (!spoiled.has(t)) set.add(t);
    state(sw).movableIn.set(stmts, set);
  }
  return set.has((stmts[i] as Op).id);
}

function revBlock(sw: Sweep, blk: BlockInfo, out: JsStmt[]): void {
  const top = blk.mode === 'reuse';
  // 0. Recorded values come back first (they were pushed last).
  const recorded = new Map<TempId, JsExpr>();
  const tapedOps = blk.stmts.filter((st): st is Op => st.kind === 'op' && blk.taped.has(st.id));
  for (const st of [...tapedOps].reverse()) {
    const name = sw.names.temp(st.id);
    const type = sw.fn.temps[st.id];
    out.push(b.const(name, isReferenceType(type) ? b.as(sw.tape('popArray'), jsType(type, 'local')) : sw.tape('pop')));
    recorded.set(st.id, b.id(name));
  }
  // 1. Restore the state the block started from. At the top level the adjoint reads forward
  // temps, so arrays are put back only as the adjoint passes the write that changed them: a
  // pullback of a call after the write runs the callee on the array as the call saw it.
  const afterStore = new Map<Stmt, JsStmt[]>();
  const restore = (at: Stmt, st: JsStmt) => (top ? afterStore.set(at, [...(afterStore.get(at) ?? []), st]) : out.push(st));
  const stores = blk.stmts.filter((s): s is Extract<Stmt, { kind: 'store' | 'fill' | 'push' | 'assign' }> => blk.elementSaves.has(s) || keepsOldLength(sw, blk, s));
  const oldLengths = new Map<Stmt, JsExpr>();
  for (const s of [...stores].reverse()) {
    if (s.kind === 'assign') {
      const name = top ? sw.savedLocal(blk, `length${storeId(sw, s)}`) : sw.names.fresh(`${sw.names.variable(s.var)}_length`);
      if (!top) out.push(b.const(name, sw.tape('popInt')));
      oldLengths.set(s, b.id(name));
      continue;
    }
    const arr = b.id(sw.names.variable(s.var));
    const saved = (): JsExpr => (top ? b.id(sw.savedLocal(blk, `store${storeId(sw, s)}`)) : sw.tape('popArray'));
    if (s.kind === 'store') {
      if (top) restore(s, b.assign(b.index(arr, sw.fwd.get(s.index)!), saved()));
      else out.push(b.assign(b.index(arr, counterIndex(sw, blk, s) ?? sw.tape('popInt')), sw.tape('pop')));
    } else if (s.kind === 'fill') {
      restore(s, b.expr(b.call(b.path(sw.ctx.useHelper('copyInto')), [arr, b.as(saved(), 'ArrayLike<number>'), { k: 'str', v: sw.names.variable(s.var) }])));
    }
  }
  // An array the block assigns comes back just before the adjoint of that assignment: the
  // adjoints after it undo pushes onto (and run pullbacks on) the array the block made.
  const beforeStore = new Map<Stmt, JsStmt[]>();
  for (const s of [...blk.saves].reverse()) {
    const v = sw.names.variable(s.var);
    const type = sw.fn.vars[s.var].type;
    const at = isReferenceType(type) ? blk.stmts.findIndex((st) => st.kind === 'assign' && st.var === s.var) : -1;
    const firstAssign = at >= 0 && blk.stmts.slice(at + 1).some((st) => 'var' in st && st.var === s.var) ? blk.stmts[at] : undefined;
    if (s.how === 'tape' && firstAssign) {
      const saved = sw.names.fresh(`${v}_before`);
      out.push(b.const(saved, b.as(sw.tape('popArray'), jsType(type, 'local'))));
      beforeStore.set(firstAssign, [b.assign(v, b.id(saved))]);
    } else if (s.how === 'tape' && isReferenceType(type)) out.push(b.assign(v, b.as(sw.tape('popArray'), jsType(type, 'local'))));
    else if (s.how === 'tape') out.push(b.assign(v, sw.tape('pop')));
    else if (s.how === 'local') {
      const back = b.assign(v, b.id(sw.savedLocal(blk, `${s.var}`)));
      const firstWrite = isArrayType(type) ? blk.stmts.find((st) => st.kind === 'assign' && st.var === s.var) : undefined;
      if (top && firstWrite) restore(firstWrite, back);
      else out.push(back);
    } else out.push(...b.accumulate(v, b.num(-(s.delta ?? 0))));
  }
  // 2. Recompute what the adjoint needs (recompute mode), else use the forward temps.
  const values = top ? sw.fwd : recompute(sw, blk, out, afterStore, recorded);
  // 3. The adjoint itself.
  const adj = new BlockAdjoint({
    fn: sw.fn,
    act: sw.act,
    names: sw.names,
    ctx: sw.ctx,
    value: (t) => {
      const e = values.get(t);
      if (e === undefined) throw new Error(`value of %${t} not available in the reverse sweep of ${sw.fn.name}`);
      return e;
    },
    available: (t) => values.get(t),
    guarded: (s) => guarded(sw.fin, s),
    mayReadPastEnd: (s) => sw.fin.pastEnd.has(s.id),
    seed: b.id(sw.seedName),
    topLevelDeclaration: (v) => sw.atTop.has(v),
    arrayAdjoint: (v) => b.id(sw.renamedArrays.get(v) ?? sw.names.adjoint(v)),
    undoPush: (st) => blk.elementSaves.has(st) || sw.act.activeVar[(st as { var: VarId }).var],
    adjointName: (v) => sw.renamed.get(v) ?? sw.names.adjoint(v),
    fixedAdjoint: (v) => sw.fixed.get(v),
    oldLength: (st) => oldLengths.get(st),
  });
  out.push(
    ...adj.run(
      blk.stmts,
      (st) => afterStore.get(st) ?? [],
      sw.enclosingOrigin,
      (st) => beforeStore.get(st) ?? [],
    ),
  );
}

/**
 * Recomputes the needed temps of a block from the restored variables: `const t3 = i * x;`.
 * When a load reads an element an earlier store of the block wrote, that array's stores
 * are replayed, each keeping the element it overwrites (`const old = a[i]; a[i] = v`), and
 * `afterStore` puts it back once the adjoint has passed that store, so the block still ends
 * with the array as it found it.
 */
function recompute(sw: Sweep, blk: BlockInfo, out: JsStmt[], afterStore: Map<Stmt, JsStmt[]>, recorded: ReadonlyMap<TempId, JsExpr>): Map<TempId, JsExpr> {
  const env = new Map<TempId, JsExpr>(recorded);
  const refs = new Map<TempId, number>();
  for (const s of blk.stmts) {
    if (s.kind === 'op' && blk.needed.has(s.id)) s.args.forEach((a) => refs.set(a, (refs.get(a) ?? 0) + 1));
    if (s.kind === 'op' && sw.act.activeTemp[s.id]) derivativeRefs(s, sw.act.activeTemp).forEach((a) => refs.set(a, (refs.get(a) ?? 0) + 2));
    if (s.kind === 'store' && sw.act.activeVar[s.var]) refs.set(s.index, (refs.get(s.index) ?? 0) + 2);
    if (s.kind === 'store' && blk.replayed.has(s.var)) {
      refs.set(s.index, (refs.get(s.index) ?? 0) + 2);
      refs.set(s.value, (refs.get(s.value) ?? 0) + 2);
    }
  }
  for (const s of blk.stmts) {
    if (s.kind === 'store' && blk.replayed.has(s.var)) {
      const arr = b.id(sw.names.variable(s.var));
      const el = b.index(arr, env.get(s.index)!);
      const old = sw.names.fresh(`${sw.names.variable(s.var)}_old`);
      out.push(b.const(old, el));
      out.push(b.assign(el, env.get(s.value)!));
      afterStore.set(s, [b.assign(el, b.id(old))]);
      continue;
    }
    if (s.kind !== 'op' || !blk.needed.has(s.id) || recorded.has(s.id)) continue;
    const e = sw.primal(s, env);
    if (isAtom(e) || ((refs.get(s.id) ?? 0) <= 1 && s.op !== 'call' && !(blk.replay && s.op === 'load') && depthOf(e) <= maxInlineDepth)) env.set(s.id, e);
    else {
      const name = sw.names.temp(s.id);
      out.push(constDecl(name, e, sw.fn.temps[s.id]));
      env.set(s.id, b.id(name));
    }
  }
  return env;
}

/**
 * The index of an element write inside a loop, in the reverse sweep, when the tape need not keep
 * it: `a[i] = …` where `i` is a counter the block steps by `i += c` and the reverse sweep steps
 * back by `i -= c` (an `invert` save). Elements are restored before the block's counters, so `i`
 * then holds its value at the end of the block: the index is `i - c` when it was read before the
 * step, `i` after it. Undefined when the index must come from the tape.
 */
function counterIndex(sw: Sweep, blk: BlockInfo, s: Extract<Stmt, { kind: 'store' }>): JsExpr | undefined {
  const at = blk.stmts.findIndex((st) => st.kind === 'op' && st.id === s.index);
  const read = blk.stmts[at];
  if (read?.kind !== 'op' || read.op !== 'read') return undefined;
  const save = blk.saves.find((x) => x.var === read.var && x.how === 'invert');
  if (save === undefined) return undefined;
  const step = blk.stmts.findIndex((st) => st.kind === 'assign' && st.var === read.var);
  const name = b.id(sw.names.variable(read.var));
  return step > at ? b.sub(name, b.num(save.delta ?? 0)) : name;
}
