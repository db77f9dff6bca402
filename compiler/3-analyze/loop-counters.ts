/**
 * Loop counters the reverse sweep sets from the trip count instead of restoring
 * them (`for (let j = 0; j < n; j++)` nested in another loop: nothing of j is
 * recorded), trip counts it computes from the loop's bound (n there, unchanged
 * by the loop: nothing of the loop is recorded), and integer updates undone by
 * inverting them (`v += c` ⇒ `v -= c`).
 */
import type { IRFunction, Loop, Stmt, TempId, VarId } from '../ir/types';
import { forEachStmt } from '../ir/walk';
import type { BoundExpr, RNode, TripBound } from './plan';

/** Marks the loops whose counter the reverse sweep can set from the trip count (see `counter` on loop nodes). */
export function findCounters(fn: IRFunction, tree: RNode[], ints: readonly boolean[]): void {
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
          if (step === 1) n.tripBound = tripBound(n.stmt, v, writes, ints);
          return;
        }
      }
    });
  };
  visit(tree);
}

/**
 * The loop's test as `v < bound` / `v <= bound` (or `bound > v`, `bound >= v`), the bound made of
 * literals, `+ − ×` and number variables the loop does not write (`j < d`, `t < c - 1`): then the
 * trip count follows from the bound and the counter's start, both still known when the reverse
 * sweep reaches the loop (tbr.ts keeps the bound's variables exposed after it).
 */
function tripBound(l: Loop, v: VarId, writes: ReadonlyMap<VarId, number>, ints: readonly boolean[]): TripBound | undefined {
  if (l.cond === undefined || !l.test.every((s) => s.kind === 'op')) return undefined;
  const defs = new Map<TempId, Extract<Stmt, { kind: 'op' }>>();
  l.test.forEach((s) => s.kind === 'op' && defs.set(s.id, s));
  const cond = defs.get(l.cond);
  if (!cond || cond.op !== 'prim') return undefined;
  const reads = (t: TempId) => {
    const d = defs.get(t);
    return d !== undefined && d.op === 'read' && d.var === v;
  };
  let integer = true;
  const expr = (t: TempId): BoundExpr | undefined => {
    const d = defs.get(t);
    if (!d) return undefined;
    if (d.op === 'const') {
      if (typeof d.value !== 'number') return undefined;
      if (!Number.isInteger(d.value)) integer = false;
      return { k: 'num', v: d.value };
    }
    if (d.op === 'read') {
      if (d.var === v || writes.has(d.var) || d.type !== 'number') return undefined;
      if (!ints[d.var]) integer = false;
      return { k: 'var', var: d.var };
    }
    if (d.op !== 'prim' || (d.fn !== 'add' && d.fn !== 'sub' && d.fn !== 'mul')) return undefined;
    const [a, c] = d.args.map(expr);
    return a && c ? { k: 'bin', op: d.fn, l: a, r: c } : undefined;
  };
  const [x, y] = cond.args;
  const counterLeft = (cond.fn === 'lt' || cond.fn === 'le') && reads(x);
  const counterRight = (cond.fn === 'gt' || cond.fn === 'ge') && reads(y);
  if (!counterLeft && !counterRight) return undefined;
  const bound = expr(counterLeft ? y : x);
  return bound && { inclusive: cond.fn === 'le' || cond.fn === 'ge', bound, integer };
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

/** `v := v + c` / `v := v - c` as the block's only write to v, with c an integer literal: the block adds `delta` to v. */
export function invertibleDelta(stmts: readonly Stmt[], v: VarId): number | undefined {
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
