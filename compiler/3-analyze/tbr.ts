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
 * Integer counters updated by `v ± c` are restored by `v ∓ c` instead of a tape.
 */
import type { If, IRFunction, Loop, Region, Stmt, TempId, VarId } from '../ir/types';
import { isArrayType, assertNever } from '../ir/types';
import { partialReads, rule } from '../rules/table';
import { op } from '../ir/ops';
import type { Activity } from './activity';
import { forEachStmt } from '../ir/walk';
import type { Fusion } from './fusion';
import { isElementWrite, writtenVar } from '../ir/facts';

export interface Save {
  readonly var: VarId;
  /** `tape`: pushed/popped; `local`: copied to a local const (top-level blocks); `invert`: undone by `v -= delta`. */
  readonly how: 'tape' | 'local' | 'invert';
  readonly delta?: number;
}

export interface BlockInfo {
  readonly kind: 'block';
  readonly stmts: readonly Stmt[];
  readonly mode: 'reuse' | 'recompute';
  /** Temps the adjoint of this block refers to (recompute: computed again; reuse: must stay named). */
  readonly needed: Set<TempId>;
  /** Variables (and arrays) whose values at block entry a recompute reads. */
  readonly neededReads: Set<VarId>;
  /** Scalar variables saved at block entry, in order. */
  readonly saves: Save[];
  /** Stores (and pushes) whose old element is recorded. */
  readonly elementSaves: Set<Stmt>;
  /** A load follows a store to the same array in this block: the recompute replays the stores. */
  readonly replay: boolean;
  /** The arrays whose stores the recompute replays. */
  readonly replayed: ReadonlySet<VarId>;
  /** Needed values the forward sweep records (pushed at the end of the block) instead of the reverse sweep recomputing them. */
  readonly taped: ReadonlySet<TempId>;
}

export type RNode =
  | BlockInfo
  /**
   * `nested`: inside another branch or loop, so the decision (trip count) must be
   * kept for the reverse sweep; `inLoop`: possibly run many times per call, so it
   * goes on the tape (else one hoisted local is enough).
   */
  | { readonly kind: 'if'; readonly stmt: If; readonly then: RNode[]; readonly else: RNode[]; readonly nested: boolean; readonly inLoop: boolean }
  | {
      readonly kind: 'loop';
      readonly stmt: Loop;
      readonly test: RNode[];
      readonly body: RNode[];
      readonly nested: boolean;
      readonly inLoop: boolean;
      /** Arrays recorded whole at the start of each iteration instead of element by element (see `snapshots`). */
      readonly snapshots: VarId[];
      /**
       * A counter the reverse sweep sets from the trip count instead of restoring it:
       * `v = start` right before the loop, `v += step` its only write inside (in a block of the
       * body itself, so it runs in every iteration), and read nowhere else. Its value at the
       * loop's end is `start + trips · step`, so nothing of it is recorded across iterations
       * of an enclosing loop.
       */
      counter?: Counter;
    }
  | FusedLoop;

/** A loop whose adjoint runs inside its forward iterations (see fusion.ts); its body is planned like a function body. */
export interface FusedLoop {
  readonly kind: 'fused';
  readonly stmt: Loop;
  readonly fusion: Fusion;
  readonly test: RNode[];
  readonly body: RNode[];
  /** Variables the loop overwrites whose entry values a later-reversed recompute needs: copied once before the loop. */
  readonly entrySaves: VarId[];
}

export interface Counter {
  readonly var: VarId;
  /** `v = start` or `v = base + start` before the loop (`j = i + 1`), base an integer variable the loop does not write. */
  readonly start: number;
  readonly base?: VarId;
  readonly step: number;
}

export interface ReversePlan {
  readonly tree: RNode[];
}

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
  const build = (region: Region, topLevel: boolean, nested: boolean, inLoop = false): RNode[] => {
    const nodes: RNode[] = [];
    let current: Stmt[] = [];
    const flush = () => {
      if (current.length > 0) nodes.push(blockInfo(current, topLevel));
      current = [];
    };
    for (const s of region) {
      if (s.kind === 'if') {
        flush();
        nodes.push({ kind: 'if', stmt: s, then: build(s.then, false, true, inLoop), else: build(s.else, false, true, inLoop), nested, inLoop });
      } else if (s.kind === 'loop' && fusions.has(s)) {
        flush();
        // A fused body is reversed inside its own iteration: planned like the top of a function.
        nodes.push({ kind: 'fused', stmt: s, fusion: fusions.get(s)!, test: build(s.test, true, false), body: build(s.body, true, false), entrySaves: [] });
      } else if (s.kind === 'loop') {
        flush();
        nodes.push({ kind: 'loop', stmt: s, test: build(s.test, false, true, true), body: build(s.body, false, true, true), nested, inLoop, snapshots: [] });
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
    // A load after a `fill` or `push` of its array, or after the array variable is assigned, in the same
    // block: the recompute replays element stores only, and restores the array the block started with,
    // so the loaded value is recorded instead.
    const afterWhole = new Set<TempId>();
    const whole = new Set<VarId>();
    for (const s of stmts) {
      if (s.kind === 'op' && (s.op === 'load' || s.op === 'length' || (s.op === 'read' && isArrayType(fn.vars[s.var].type))) && whole.has(s.var)) afterWhole.add(s.id);
      if (s.kind === 'fill' || s.kind === 'push' || (s.kind === 'assign' && isArrayType(fn.vars[s.var].type))) whole.add(s.var);
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
    for (const s of blk.stmts) {
      if (s.kind === 'op' && s.op === 'read' && isArrayType(fn.vars[s.var].type)) arrayReads.set(s.id, s.var);
      // A pullback runs the callee again on the arrays it was passed: they must be as they were at the call.
      if (s.kind === 'op' && s.op === 'call' && act.activeTemp[s.id]) s.args.forEach((a) => arrayReads.has(a) && !blk.taped.has(a) && e.add(arrayReads.get(a)!));
      if (s.kind === 'assign') {
        if (e.has(s.var) && !saved.has(s.var)) {
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
      else if (n.kind === 'if') e = union(flow(n.then, e), flow(n.else, e));
      else if (n.kind === 'fused') {
        // Each iteration is reversed right away: its saves start from nothing exposed.
        flow(n.test, new Set());
        flow(n.body, new Set());
        const written = writtenIn(n.stmt);
        e = new Set(e);
        for (const v of [...written].sort((a, b2) => a - b2)) {
          if (e.has(v) && !n.entrySaves.includes(v)) n.entrySaves.push(v);
          e.delete(v);
        }
      }
      else {
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

/** Marks the loops whose counter the reverse sweep can set from the trip count (see `counter` on loop nodes). */
function findCounters(fn: IRFunction, tree: RNode[], ints: readonly boolean[]): void {
  // Where each variable is read.
  const readsIn = new Map<VarId, Stmt[]>();
  forEachStmt(fn.body, (s) => {
    if (s.kind === 'op' && s.op === 'read') {
      let l = readsIn.get(s.var);
      if (!l) readsIn.set(s.var, (l = []));
      l.push(s);
    }
  });
  const visit = (nodes: RNode[]): void => {
    nodes.forEach((n, i) => {
      if (n.kind === 'if') {
        visit(n.then);
        visit(n.else);
        return;
      }
      if (n.kind === 'fused') {
        visit(n.body);
        return;
      }
      if (n.kind !== 'loop') return;
      visit(n.test);
      visit(n.body);
      // (only inside another loop is the counter recorded across iterations; elsewhere a local keeps it)
      if (!n.inLoop) return;
      const before = nodes[i - 1];
      if (!before || before.kind !== 'block') return;
      // One walk of the loop: its statements, and how often it writes each variable.
      const inside = new Set<Stmt>();
      const writes = new Map<VarId, number>();
      forEachStmt([n.stmt], (s) => {
        inside.add(s);
        if (s.kind === 'assign' || s.kind === 'declare') writes.set(s.var, (writes.get(s.var) ?? 0) + 1);
      });
      for (const blk of n.body) {
        if (blk.kind !== 'block') continue;
        for (const s of blk.stmts) {
          if (s.kind !== 'assign' || !ints[s.var]) continue;
          const v = s.var;
          const step = invertibleDelta(blk.stmts, v);
          if (step === undefined) continue;
          // The only write to v in the loop, and every read of v inside it.
          if (writes.get(v) !== 1 || !(readsIn.get(v) ?? []).every((r) => inside.has(r))) continue;
          // `v = c` as the last write to v right before the loop.
          const init = [...before.stmts].reverse().find((t) => (t.kind === 'assign' || t.kind === 'declare') && t.var === v);
          if (!init || init.kind !== 'assign') continue;
          const start = counterStart(before.stmts, before.stmts.indexOf(init), ints);
          if (!start || start.base === v) continue;
          // The base keeps its value through the loop (which does not write it).
          if (start.base !== undefined && writes.has(start.base)) continue;
          n.counter = { var: v, step, ...start };
          return;
        }
      }
    });
  };
  visit(tree);
}

/**
 * The value assigned by `stmts[at]` when it is an integer constant `c`, or `w + c` / `w - c` / `w`
 * with `w` an integer variable read in this block and not written between that read and `at`.
 */
function counterStart(stmts: readonly Stmt[], at: number, ints: readonly boolean[]): { start: number; base?: VarId } | undefined {
  const defs = new Map<TempId, Extract<Stmt, { kind: 'op' }>>();
  stmts.forEach((s) => s.kind === 'op' && defs.set(s.id, s));
  const int = (t: TempId) => {
    const d = defs.get(t);
    return d && d.op === 'const' && typeof d.value === 'number' && Number.isInteger(d.value) ? d.value : undefined;
  };
  const read = (t: TempId) => {
    const d = defs.get(t);
    if (!d || d.op !== 'read' || !ints[d.var]) return undefined;
    const from = stmts.indexOf(d);
    const rewritten = stmts.slice(from + 1, at).some((s) => (s.kind === 'assign' || s.kind === 'declare') && s.var === d.var);
    return rewritten ? undefined : d.var;
  };
  const assign = stmts[at] as Extract<Stmt, { kind: 'assign' }>;
  const c = int(assign.value);
  if (c !== undefined) return { start: c };
  const w = read(assign.value);
  if (w !== undefined) return { start: 0, base: w };
  const d = defs.get(assign.value);
  if (!d || d.op !== 'prim' || (d.fn !== 'add' && d.fn !== 'sub')) return undefined;
  const [l, r] = d.args;
  const base = read(l);
  const k = int(r);
  if (base === undefined || k === undefined) return undefined;
  return { start: d.fn === 'add' ? k : -k, base };
}

function union<T>(a: Set<T>, b2: Set<T>): Set<T> {
  const u = new Set(a);
  b2.forEach((x) => u.add(x));
  return u;
}

/** `v := v + c` / `v := v - c` as the block's only write to v, with c an integer literal: the block adds `delta` to v. */
function invertibleDelta(stmts: readonly Stmt[], v: VarId): number | undefined {
  const writes = stmts.filter((s) => s.kind === 'assign' && s.var === v) as Extract<Stmt, { kind: 'assign' }>[];
  if (writes.length !== 1) return undefined;
  const defs = new Map<TempId, Extract<Stmt, { kind: 'op' }>>();
  for (const s of stmts) if (s.kind === 'op') defs.set(s.id, s);
  const d = defs.get(writes[0].value);
  if (!d || d.op !== 'prim' || (d.fn !== 'add' && d.fn !== 'sub')) return undefined;
  const [l, r] = d.args.map((a) => defs.get(a));
  if (!l || !r || l.op !== 'read' || l.var !== v || r.op !== 'const' || typeof r.value !== 'number' || !Number.isInteger(r.value)) return undefined;
  return d.fn === 'add' ? r.value : -r.value;
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

/**
 * Scratch arrays filled, then read, in every iteration of a loop:
 *
 *   for (…) { for (j…) q[j] = …; for (i…) for (j…) q[j] += …; s += norm(q) }
 *
 * Recording each overwritten element costs a value and an index per write —
 * d²/2 of them per iteration above. When, in the loop's body, every write to the
 * array comes before every read a recompute needs, the array can instead be
 * recorded whole when an iteration starts (its length in values) and restored
 * when the reverse sweep finishes that iteration: the recomputes inside the
 * iteration only ever see the array as the iteration left it. Chosen only for
 * writes inside a nested loop (where they are numerous), outermost valid loop
 * first; a nested loop that both writes and reads the array disqualifies the
 * loops around it (it interleaves writes and reads across its iterations).
 */
function snapshots(nodes: RNode[]): void {
  for (const n of nodes) {
    if (n.kind === 'if') {
      snapshots(n.then);
      snapshots(n.else);
      continue;
    }
    if (n.kind === 'fused') {
      snapshots(n.body);
      continue;
    }
    if (n.kind !== 'loop') continue;
    // Program order of the body: writes and needed reads of each array, and whether any write is nested in a loop.
    type Use = { write: boolean; saved: boolean; deep: boolean; blk?: BlockInfo; stmt?: Stmt };
    const uses = new Map<VarId, Use[]>();
    const note = (v: VarId, u: Use) => {
      let list = uses.get(v);
      if (!list) uses.set(v, (list = []));
      list.push(u);
    };
    const unsafe = new Set<VarId>();
    const walk = (list: RNode[], deep: boolean): void => {
      for (const c of list) {
        if (c.kind === 'block') {
          for (const st of c.stmts) {
            if (st.kind === 'store') note(st.var, { write: true, saved: c.elementSaves.has(st), deep, blk: c, stmt: st });
            else if (st.kind === 'push' || st.kind === 'fill' || st.kind === 'assign' || st.kind === 'declare') unsafe.add(st.var);
            else if (st.kind === 'op' && c.needed.has(st.id) && (st.op === 'load' || st.op === 'length' || st.op === 'slice' || st.op === 'read')) note(st.var, { write: false, saved: false, deep });
          }
        } else if (c.kind === 'if') {
          walk(c.then, deep);
          walk(c.else, deep);
        } else {
          // A nested loop repeats: an array it both writes and reads is written after it is read.
          const before = new Map([...uses].map(([v, l]) => [v, l.length]));
          walk(c.test, true);
          walk(c.body, true);
          for (const [v, l] of uses) {
            const inner = l.slice(before.get(v) ?? 0);
            if (inner.some((u) => u.write) && inner.some((u) => !u.write)) unsafe.add(v);
          }
        }
      }
    };
    walk(n.body, false);
    for (const [v, list] of uses) {
      if (unsafe.has(v)) continue;
      const writes = list.filter((u) => u.write);
      if (!writes.some((u) => u.saved) || !writes.some((u) => u.deep)) continue;
      const lastWrite = list.map((u) => u.write).lastIndexOf(true);
      const firstRead = list.findIndex((u) => !u.write);
      if (firstRead !== -1 && firstRead < lastWrite) continue;
      n.snapshots.push(v);
      for (const u of writes) u.blk!.elementSaves.delete(u.stmt!);
    }
    // Outermost loop first: a snapshot there is taken once per outer iteration, not once per inner one.
    snapshots(n.body);
  }
}
