/**
 * To-be-recorded analysis for reverse mode, on control-normalized IR.
 *
 * The reverse sweep processes straight-line blocks in reverse. A block at the
 * top of the function ("reuse" mode) keeps its forward temps in scope, so its
 * adjoint reads them directly. Any other block ("recompute" mode: inside a loop
 * or a branch) recomputes the temps its adjoint needs from the variables'
 * values at block entry. Hence the invariant: when the reverse sweep reaches a
 * block, every variable a recompute will read holds the value it had when that
 * block ran forward.
 *
 * Guarantees: a write is recorded (before it happens, in the forward sweep)
 * exactly when the value it destroys is still needed by a recompute later in the
 * reverse sweep, computed by a forward "exposed" dataflow: a variable is exposed
 * from the moment a recompute-mode block reads it until it is overwritten.
 * Integer counters updated by `v ± c` are restored by `v ∓ c` instead of a tape; a
 * branch comparing integer variables is decided again instead of recorded (conditions.ts).
 */
import type { IRFunction, Loop, Region, Stmt, TempId, VarId } from '../ir/types';
import { assertNever, isArrayType } from '../ir/types';
import { partialReads, rule } from '../rules/table';
import { op } from '../ir/ops';
import type { Activity } from './activity';
import { forEachStmt } from '../ir/walk';
import type { Fusion } from './fusion';
import { isElementWrite, writtenVar } from '../ir/facts';
import { boundVars, type BlockInfo, type ReversePlan, type RNode, type Save } from './plan';
import { findCounters, invertibleDelta } from './loop-counters';
import { snapshots } from './snapshots';
import { recomputedCondition } from './conditions';

export type { BlockInfo, Counter, FusedLoop, ReversePlan, RNode, Save } from './plan';

/** Operations worth recording rather than recomputing: transcendental functions (ir/ops.ts) and calls. */
export function isExpensive(d: Extract<Stmt, { kind: 'op' }>): boolean {
  return d.type === 'number' && ((d.op === 'prim' && op(d.fn).expensive === true) || d.op === 'call');
}

/** The temps an active op's derivative code refers to. */
export function derivativeRefs(s: Extract<Stmt, { kind: 'op' }>, activeTemp: readonly boolean[]): TempId[] {
  const refs: TempId[] = [];
  switch (s.op) {
    case 'prim': {
      partialReads(rule(s.fn), s.args.length)?.forEach((p, i) => {
        if (!activeTemp[s.args[i]]) return;
        p.operands.forEach((j) => refs.push(s.args[j]));
        if (p.result) refs.push(s.id);
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
      if (s.form === 'sized') refs.push(s.args[0]);
      break;
    case 'const':
    case 'read':
    case 'length':
    case 'get':
      break;
    default:
      assertNever(s, 'op');
  }
  return refs;
}

export function planReverse(fn: IRFunction, act: Activity, ints: readonly boolean[], fusions: ReadonlyMap<Loop, Fusion> = new Map()): ReversePlan {
  // (`fused`: inside a fused loop, whose iterations are reversed right away: decisions stay recorded)
  const build = (region: Region, topLevel: boolean, nested: boolean, inLoop = false, fused = false): RNode[] => {
    const nodes: RNode[] = [];
    let current: Stmt[] = [];
    const flush = () => {
      if (current.length > 0) nodes.push(blockInfo(current, topLevel));
      current = [];
    };
    for (const s of region) {
      if (s.kind === 'if') {
        const recompute = nested && inLoop && !fused ? recomputedCondition(s, current, ints) : undefined;
        flush();
        nodes.push({ kind: 'if', stmt: s, then: build(s.then, false, true, inLoop, fused), else: build(s.else, false, true, inLoop, fused), nested, inLoop, recompute });
      } else if (s.kind === 'loop' && fusions.has(s)) {
        flush();
        // A fused body is reversed inside its own iteration: planned like the top of a function.
        nodes.push({
          kind: 'fused',
          stmt: s,
          fusion: fusions.get(s)!,
          test: build(s.test, true, false, false, true),
          body: build(s.body, true, false, false, true),
          entrySaves: [],
        });
      } else if (s.kind === 'loop') {
        flush();
        nodes.push({ kind: 'loop', stmt: s, test: build(s.test, false, true, true, fused), body: build(s.body, false, true, true, fused), nested, inLoop, snapshots: [] });
      } else current.push(s);
    }
    flush();
    return nodes;
  };

  const blockInfo = (stmts: Stmt[], topLevel: boolean): BlockInfo => {
    const needed = new Set<TempId>();
    const defs = new Map<TempId, Extract<Stmt, { kind: 'op' }>>();
    for (const s of stmts) {
      if (s.kind === 'op') {
        defs.set(s.id, s);
        if (act.activeTemp[s.id]) derivativeRefs(s, act.activeTemp).forEach((t) => needed.add(t));
      } else if (s.kind === 'store' && act.activeVar[s.var]) needed.add(s.index);
    }
    // Closure: what the needed temps are computed from. An expensive value (exp, tanh, a call…)
    // is recorded by the forward sweep instead of recomputed, so what it is computed from is not
    // needed for it (its own derivative may still need its operands: sin needs x for cos x).
    const taped = new Set<TempId>();
    // A load of an array the block fills, pushes onto or gives another array, before or after that:
    // the recompute replays element stores only, and runs before the reverse sweep undoes the block's
    // pushes (a length read before `ys.push(…)` would see the longer array), so the loaded value is
    // recorded instead.
    const afterWhole = new Set<TempId>();
    const whole = new Set<VarId>();
    for (const s of stmts) if (s.kind === 'fill' || s.kind === 'push' || (s.kind === 'assign' && isArrayType(fn.vars[s.var].type))) whole.add(s.var);
    for (const s of stmts) {
      if (s.kind === 'op' && (s.op === 'load' || s.op === 'length' || (s.op === 'read' && isArrayType(fn.vars[s.var].type))) && whole.has(s.var)) afterWhole.add(s.id);
    }
    const work = [...needed];
    while (work.length > 0) {
      const t = work.pop()!;
      const d = defs.get(t);
      if (!d) continue;
      if (!topLevel && (isExpensive(d) || afterWhole.has(t))) {
        taped.add(t);
        continue;
      }
      for (const a of d.args) {
        if (!needed.has(a)) {
          needed.add(a);
          work.push(a);
        }
      }
    }
    // A needed load after a store to the same array: the recompute must replay that array's stores,
    // so their indices and values are needed too.
    const replayed = new Set<VarId>();
    const stored = new Set<VarId>();
    for (const s of stmts) {
      // (an array passed to a call counts: its pullback runs the callee on the array as the call saw it)
      const readsArray = s.kind === 'op' && (s.op === 'load' || s.op === 'length' || s.op === 'slice' || (s.op === 'read' && isArrayType(fn.vars[s.var].type)));
      if (s.kind === 'op' && readsArray && needed.has(s.id) && !taped.has(s.id) && stored.has(s.var)) replayed.add(s.var);
      if (isElementWrite(s)) stored.add(s.var);
    }
    if (replayed.size > 0 && !topLevel) {
      for (const s of stmts) {
        if (s.kind === 'store' && replayed.has(s.var)) {
          for (const t of [s.index, s.value]) if (!needed.has(t)) (needed.add(t), work.push(t));
        }
      }
      while (work.length > 0) {
        const t = work.pop()!;
        const d = defs.get(t);
        if (!d) continue;
        if (isExpensive(d) || afterWhole.has(t)) {
          taped.add(t);
          continue;
        }
        for (const a of d.args) if (!needed.has(a)) (needed.add(a), work.push(a));
      }
    }
    const neededReads = new Set<VarId>();
    for (const s of stmts) {
      // (a recorded value comes from the tape: what it was read from is not needed)
      if (s.kind === 'op' && needed.has(s.id) && !taped.has(s.id) && (s.op === 'read' || s.op === 'load' || s.op === 'length' || s.op === 'slice')) neededReads.add(s.var);
    }
    // Replaying a store recomputes its value: a recorded value must still be recorded, but its
    // operands are then not needed either.
    return { kind: 'block', stmts, mode: topLevel ? 'reuse' : 'recompute', needed, neededReads, saves: [], elementSaves: new Set(), replay: replayed.size > 0, replayed, taped };
  };

  const tree = build(fn.body, true, false);
  findCounters(fn, tree, ints);

  // The exposed dataflow, recording saves as it goes (saves only grow, so the fixpoint's last pass has them all).
  const savedIn = new Map<BlockInfo, Set<VarId>>();
  const flowBlock = (blk: BlockInfo, exposed: Set<VarId>): Set<VarId> => {
    const e = new Set(exposed);
    if (blk.mode === 'recompute') blk.neededReads.forEach((v) => e.add(v));
    let saved = savedIn.get(blk);
    if (!saved) savedIn.set(blk, (saved = new Set()));
    const arrayReads = new Map<TempId, VarId>();
    const declaredHere = new Set<VarId>();
    for (const s of blk.stmts) {
      if (s.kind === 'op' && s.op === 'read' && isArrayType(fn.vars[s.var].type)) arrayReads.set(s.id, s.var);
      // A pullback runs the callee again on the arrays it was passed: they must be as they were at the call.
      if (s.kind === 'op' && s.op === 'call' && act.activeTemp[s.id]) s.args.forEach((a) => arrayReads.has(a) && !blk.taped.has(a) && e.add(arrayReads.get(a)!));
      if (s.kind === 'assign') {
        // (a variable declared in this top-level block has no value before the block to save; the
        // reverse sweep reads the forward sweep's values, and array lengths it keeps itself)
        if (s.declare && blk.mode === 'reuse') declaredHere.add(s.var);
        if (e.has(s.var) && !saved.has(s.var) && !declaredHere.has(s.var)) {
          saved.add(s.var);
          blk.saves.push({ var: s.var, ...saveHow(blk, s.var) });
        }
        // Undoing `v += c` by `v -= c` reads the new value in the reverse sweep: it stays exposed.
        const inverted = blk.saves.some((x) => x.var === s.var && x.how === 'invert');
        if (!inverted) e.delete(s.var);
      } else if (isElementWrite(s)) {
        if (e.has(s.var)) blk.elementSaves.add(s);
        // Undoing a push of an active array pops it: the reverse sweep reads its length from here on.
        if (s.kind === 'push' && act.activeVar[s.var]) e.add(s.var);
      }
    }
    return e;
  };
  const saveHow = (blk: BlockInfo, v: VarId): Omit<Save, 'var'> => {
    if (blk.mode === 'reuse') return { how: 'local' };
    const delta = ints[v] ? invertibleDelta(blk.stmts, v) : undefined;
    return delta === undefined ? { how: 'tape' } : { how: 'invert', delta };
  };
  const flow = (nodes: RNode[], exposed: Set<VarId>): Set<VarId> => {
    let e = exposed;
    for (const n of nodes) {
      if (n.kind === 'block') e = flowBlock(n, e);
      else if (n.kind === 'if') {
        e = union(flow(n.then, e), flow(n.else, e));
        // A recomputed decision reads its variables again when the reverse sweep reaches the branch.
        n.recompute?.operands.forEach((o) => 'var' in o && e.add(o.var));
      } else if (n.kind === 'fused') {
        // Each iteration is reversed right away: its saves start from nothing exposed.
        flow(n.test, new Set());
        flow(n.body, new Set());
        const written = writtenIn(n.stmt);
        e = new Set(e);
        for (const v of [...written].sort((a, b2) => a - b2)) {
          if (e.has(v) && !n.entrySaves.includes(v)) n.entrySaves.push(v);
          e.delete(v);
        }
      } else {
        let x = e;
        for (;;) {
          const after = flow(n.body, flow(n.test, x));
          const next = union(e, after);
          if (next.size === x.size) break;
          x = next;
        }
        e = flow(n.test, x);
        // The reverse sweep sets the counter itself before reversing the loop, from the trip count
        // (and the base it started from, which must then hold its value there: exposed).
        if (n.counter) {
          e = new Set(e);
          e.delete(n.counter.var);
          if (n.counter.base !== undefined) e.add(n.counter.base);
          // (and the trip count from the bound, when the loop has one: its variables too)
          if (n.tripBound) boundVars(n.tripBound.bound).forEach((v) => e.add(v));
        }
      }
    }
    return e;
  };
  flow(tree, new Set());
  snapshots(tree);
  // Arrays are never restored by inverting; only scalars use `invert`.
  for (const blk of savedIn.keys()) {
    for (const s of blk.saves) if (isArrayType(fn.vars[s.var].type) && s.how === 'invert') throw new Error('array invert');
  }
  return { tree };
}

function union<T>(a: Set<T>, b2: Set<T>): Set<T> {
  const u = new Set(a);
  b2.forEach((x) => u.add(x));
  return u;
}

/** Variables (and arrays) a loop writes. */
export function writtenIn(l: Loop): Set<VarId> {
  const out = new Set<VarId>();
  const note = (s: Stmt) => {
    const w = s.kind === 'declare' ? s.var : writtenVar(s);
    if (w !== undefined) out.add(w);
  };
  forEachStmt(l.test, note);
  forEachStmt(l.body, note);
  return out;
}
