/**
 * Branch decisions the reverse sweep computes again instead of recording.
 *
 * A branch inside a loop records its decision on the tape (`tape.pushBit(c)`) because
 * the reverse sweep reaches it after everything the condition read may have changed.
 * When the condition compares integer variables (or constants) — `if (j !== i)` in
 * a pairwise loop — and the branch's arms write none of them, the reverse sweep can
 * compare them again: the to-be-recorded flow (tbr.ts) keeps them exposed from the
 * branch on, so every later write to them is undone (a counter's `j += 1` by
 * `j -= 1`) before the reverse sweep reaches the branch.
 */
import type { If, PrimName, Stmt, VarId } from '../ir/types';
import { writtenVar } from '../ir/facts';
import { forEachStmt } from '../ir/walk';

/** An operand of a recomputed condition: an integer variable's value, or a constant. */
export type ConditionOperand = { readonly var: VarId } | { readonly value: number };

export interface RecomputedCondition {
  readonly fn: PrimName;
  readonly operands: readonly ConditionOperand[];
}

const comparisons = new Set<PrimName>(['lt', 'le', 'gt', 'ge', 'eq', 'ne']);

/**
 * The condition of `s` as a comparison the reverse sweep can evaluate again, when it is
 * computed in `before` (the statements right before the branch) from reads of integer
 * variables that nothing writes between the read and the branch nor in its arms.
 */
export function recomputedCondition(s: If, before: readonly Stmt[], ints: readonly boolean[]): RecomputedCondition | undefined {
  const at = new Map<number, number>();
  before.forEach((st, k) => st.kind === 'op' && at.set(st.id, k));
  const def = (t: number) => (at.has(t) ? (before[at.get(t)!] as Extract<Stmt, { kind: 'op' }>) : undefined);
  const cond = def(s.cond);
  if (!cond || cond.op !== 'prim' || !comparisons.has(cond.fn)) return undefined;
  const inArms = new Set<VarId>();
  forEachStmt([...s.then, ...s.else], (st) => {
    const w = st.kind === 'declare' ? st.var : writtenVar(st);
    if (w !== undefined) inArms.add(w);
  });
  const operands: ConditionOperand[] = [];
  for (const a of cond.args) {
    const d = def(a);
    if (d?.op === 'const' && typeof d.value === 'number') operands.push({ value: d.value });
    else if (d?.op === 'read' && ints[d.var] && !inArms.has(d.var) && !before.slice(at.get(a)! + 1).some((st) => writtenVar(st) === d.var)) operands.push({ var: d.var });
    else return undefined;
  }
  return { fn: cond.fn, operands };
}
