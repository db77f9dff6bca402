/**
 * Reduction-loop fusion: which top-level loops can run their adjoint inside
 * the forward sweep, iteration by iteration.
 *
 * A loop whose only active result is an accumulator `s += e(…)` (e not reading
 * s) has an adjoint that is linear in s̄ and the same in every iteration:
 *
 *   for (…) { s += e(x, w) }   ⇒   x̄ += s̄ · Σᵢ ∂eᵢ/∂x,  w̄ += s̄ · Σᵢ ∂eᵢ/∂w
 *
 * so each iteration can compute its share of Σ ∂e/∂(inputs) right after its
 * forward part (with s̄ = 1, while its temps are still in hand), and the reverse
 * sweep only scales the sums by the real s̄. That removes the second pass over
 * the data and its recomputation: the gradient of a sum costs about what a
 * hand-written one does.
 *
 * Guarantees: a loop is fused only when (1) it is at the top of the function,
 * (2) every active variable it writes is either the single accumulator or
 * declared in its body, (3) the accumulator is only read by its own `+=`/`-=`
 * chains (no other active use in the loop), (4) it writes no array declared
 * outside it, (5) its condition is inactive.
 */
import type { IRFunction, Loop, Op, TempId, VarId } from '../ir/types';
import { isArrayType } from '../ir/types';
import type { Activity } from './activity';
import { forEachStmt } from '../ir/walk';
import { isElementWrite } from '../ir/facts';

export interface Fusion {
  readonly loop: Loop;
  readonly accumulator: VarId;
  /** Active variables the loop reads (other than the accumulator and its own locals): their adjoint sums. */
  readonly inputs: readonly VarId[];
  /** Variables the loop writes: declared in its body (scoped per iteration). */
  readonly locals: ReadonlySet<VarId>;
}

export function findFusions(fn: IRFunction, act: Activity): Map<Loop, Fusion> {
  const out = new Map<Loop, Fusion>();
  for (const s of fn.body) {
    if (s.kind !== 'loop') continue;
    const f = fusion(fn, act, s);
    if (f) out.set(s, f);
  }
  return out;
}

function fusion(fn: IRFunction, act: Activity, l: Loop): Fusion | undefined {
  // Test: no active op.
  let ok = true;
  forEachStmt(l.test, (s) => {
    if (s.kind === 'op' && act.activeTemp[s.id]) ok = false;
    if (s.kind !== 'op') ok = false;
  });
  if (!ok) return undefined;

  const locals = new Set<VarId>();
  const written = new Set<VarId>();
  const defs = new Map<TempId, Op>();
  const uses = new Map<TempId, number>();
  const stores = new Map<TempId, number>(); // assignments of each temp to a variable
  forEachStmt(l.body, (s) => {
    if (s.kind === 'assign') stores.set(s.value, (stores.get(s.value) ?? 0) + 1);
    if ((s.kind === 'assign' && s.declare) || s.kind === 'declare') locals.add(s.var);
    if (s.kind === 'assign') written.add(s.var);
    if (isElementWrite(s) && !isArrayType(fn.vars[s.var].type)) ok = false;
    if (isElementWrite(s)) written.add(s.var);
    if (s.kind === 'op') {
      defs.set(s.id, s);
      s.args.forEach((a) => uses.set(a, (uses.get(a) ?? 0) + 1));
    }
    if (s.kind === 'assign' || s.kind === 'push' || s.kind === 'fill') uses.set(s.value, (uses.get(s.value) ?? 0) + 1);
    if (s.kind === 'store') {
      uses.set(s.index, (uses.get(s.index) ?? 0) + 1);
      uses.set(s.value, (uses.get(s.value) ?? 0) + 1);
    }
    if (s.kind === 'if') uses.set(s.cond, (uses.get(s.cond) ?? 0) + 1);
    if (s.kind === 'return') ok = false;
  });
  if (!ok) return undefined;
  // Arrays written in the loop must be its own.
  for (const v of written) if (isArrayType(fn.vars[v].type) && !locals.has(v)) return undefined;

  const outside = [...written].filter((v) => !locals.has(v) && act.activeVar[v]);
  if (outside.length !== 1) return undefined;
  const acc = outside[0];
  if (isArrayType(fn.vars[acc].type)) return undefined;

  // Every write of the accumulator is a chain of + / − starting at a read of it; chain links are used once.
  const chainStarts = new Set<TempId>();
  const isChain = (t: TempId): boolean => {
    const d = defs.get(t);
    if (!d || (uses.get(t) ?? 0) !== 1) return false;
    if (d.op === 'read' && d.var === acc) {
      chainStarts.add(t);
      return true;
    }
    return d.op === 'prim' && (d.fn === 'add' || d.fn === 'sub') && isChain(d.args[0]);
  };
  const activeUses = new Set<TempId>();
  forEachStmt(l.body, (s) => {
    if (s.kind === 'op' && act.activeTemp[s.id]) s.args.forEach((a) => activeUses.add(a));
  });
  forEachStmt(l.body, (s) => {
    if (s.kind === 'assign' && s.var === acc) {
      const d = defs.get(s.value);
      // The new value has no other active use: `a0++; t = 50 * a0` reads the accumulator through it
      // (a comparison, `if (s > 5) break`, is no active use), and this is its only write: after
      // `a = a + x; a = a;` both assignments store one temp, whose adjoint is a's once, not twice.
      const once = stores.get(s.value) === 1;
      if (!d || d.op !== 'prim' || (d.fn !== 'add' && d.fn !== 'sub') || !once || activeUses.has(s.value) || !isChain(d.args[0])) ok = false;
    }
  });
  if (!ok) return undefined;
  // No other active read of the accumulator.
  forEachStmt(l.body, (s) => {
    if (s.kind === 'op' && s.op === 'read' && s.var === acc && act.activeTemp[s.id] && !chainStarts.has(s.id)) ok = false;
  });
  if (!ok) return undefined;

  const inputs = new Set<VarId>();
  forEachStmt(l.body, (s) => {
    if (s.kind === 'op' && (s.op === 'read' || s.op === 'load' || s.op === 'slice') && act.activeVar[s.var] && s.var !== acc && !locals.has(s.var)) {
      // An inactive element read (`v` of `reduce((acc, v, k) => …)` left unused) contributes nothing.
      if (act.activeTemp[s.id] || s.op === 'slice' || (s.op === 'read' && isArrayType(fn.vars[s.var].type))) inputs.add(s.var);
    }
  });
  return { loop: l, accumulator: acc, inputs: [...inputs].sort((a, b) => a - b), locals };
}
