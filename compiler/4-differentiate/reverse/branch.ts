/**
 * Both sweeps of a branch.
 *
 *   forward:  if (c) { A } else { B }           (+ the decision, when the reverse sweep cannot read c)
 *   reverse:  if (c) { reverse A } else { reverse B }
 *
 * A branch at the top of the function reads its condition's temp again. A
 * nested one records its decision: in a local declared at the top when it runs
 * at most once (`took`), else on the tape (`tape.pushBit(c)` after the branch,
 * so that the decisions of its arms come first and the reverse sweep pops this
 * one first), unless it compares integer variables the reverse sweep still
 * holds (`j !== i`: compared again, 3-analyze/conditions.ts). Only the arm that ran is ever reversed, so an untaken
 * `Math.log(x)` at x <= 0 cannot leak a NaN.
 */
import type { Stmt } from '../../ir/types';
import { b, sourceExpr, type JsExpr, type JsStmt } from '../../5-print/js';
import { op } from '../../ir/ops';
import type { RecomputedCondition } from '../../3-analyze/conditions';
import type { Construct, IfNode, Sweep } from './sweep';

/** Decisions kept in a hoisted local, by branch. */
const decisionsKey = {};
const decisionsOf = (sw: Sweep) => sw.stateOf(decisionsKey, () => new Map<Stmt, string>());

export const branch: Construct<IfNode> = {
  forward(sw: Sweep, n: IfNode, out: JsStmt[]): void {
    let cond = sw.fwd.get(n.stmt.cond)!;
    const record = n.nested && sw.hasReverse(n);
    if (record && !n.inLoop) {
      // Runs at most once: the decision waits in a local declared at the top of the function.
      const name = sw.names.fresh('took');
      sw.hoistedDecisions.push(b.let(name, b.bool(false)));
      decisionsOf(sw).set(n.stmt, name);
      out.push(b.assign(name, cond));
      cond = b.id(name);
    } else if (record && !n.recompute && !(cond.k === 'id' && sw.boundTemps.has(cond.name))) {
      // The decision is recorded after the branch (whose own decisions come first on the tape,
      // so the reverse sweep pops this one first); the branch may change what the condition reads.
      const name = sw.names.temp(n.stmt.cond);
      out.push(b.const(name, cond));
      cond = b.id(name);
    }
    const then: JsStmt[] = [];
    const els: JsStmt[] = [];
    sw.forward(n.then, then);
    sw.forward(n.else, els);
    out.push(b.if(cond, then, els));
    if (record && n.inLoop && !n.recompute) out.push(b.expr(sw.tape('pushBit', [cond])));
  },

  reverse(sw: Sweep, n: IfNode, out: JsStmt[]): void {
    const then: JsStmt[] = [];
    const els: JsStmt[] = [];
    // Blocks inside an arm don't repeat the comment of the statement the branch came from.
    const saved = sw.enclosingOrigin;
    sw.enclosingOrigin = n.stmt.origin.text;
    sw.reverse(n.then, then);
    sw.reverse(n.else, els);
    sw.enclosingOrigin = saved;
    const cond = !n.nested ? sw.fwd.get(n.stmt.cond)! : n.recompute ? recomputed(sw, n.recompute) : n.inLoop ? sw.tape('popBit') : b.id(decisionsOf(sw).get(n.stmt)!);
    // Nothing to reverse in either arm: only a recorded decision must still leave the tape.
    if (then.length === 0 && els.length === 0) {
      if (n.nested && n.inLoop && !n.recompute) out.push(b.expr(cond));
    } else if (then.length === 0) out.push(b.if(b.not(cond), els));
    else out.push(b.if(cond, then, els));
  },

  hasReverse(sw: Sweep, n: IfNode): boolean {
    return n.then.some((c) => sw.hasReverse(c)) || n.else.some((c) => sw.hasReverse(c));
  },
};

/** The decision compared again (`j !== i`): its variables hold the values they had at the branch. */
function recomputed(sw: Sweep, c: RecomputedCondition): JsExpr {
  return sourceExpr(
    op(c.fn).source,
    c.operands.map((o) => ('var' in o ? b.id(sw.names.variable(o.var)) : b.num(o.value))),
  );
}
