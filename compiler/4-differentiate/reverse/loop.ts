/**
 * Both sweeps of a loop (control-normalized: `while (true) { test; if (!cond) break; body }`).
 *
 *   forward:  let trips = 0;                  reverse:  for (let k = trips; k > 0; k--) {
 *             while (c) { body; trips++ }                 reverse body; reverse test
 *             (tape.pushInt(trips) if nested                }
 *              in another loop)
 *
 * The trip count is the loop's only decision: `break`, `continue` and early
 * `return` became flags and guards in the body (normalize.ts). A counter the
 * plan marks (`v = c` before the loop, `v += step` its only write) is set from
 * the trip count before reversing, instead of being recorded; when the test is
 * `v < bound` with a bound the loop does not change (`j < d`), the trip count
 * itself is computed again in the reverse sweep, not recorded. Arrays the plan
 * snapshots are recorded whole as each iteration starts and put back as the
 * reverse sweep finishes it.
 */
import { b, type JsExpr, type JsStmt } from '../../5-print/js';
import type { BoundExpr, Counter, TripBound } from '../../3-analyze/plan';
import type { VarId } from '../../ir/types';
import type { Construct, LoopNode, Sweep } from './sweep';
import { checkpointedForward, checkpointedReverse } from './checkpointed-loop';

/** The trip counter of each loop that records one, by loop id. */
const countersKey = {};
const countersOf = (sw: Sweep) => sw.stateOf(countersKey, () => new Map<number, string>());

export const loop: Construct<LoopNode> = {
  forward(sw: Sweep, n: LoopNode, out: JsStmt[]): void {
    const l = n.stmt;
    const record = sw.hasReverse(n);
    const counter = record && !checkpointed(n) && !fromBound(n) ? sw.names.fresh('trips') : '';
    if (counter !== '') {
      countersOf(sw).set(l.id, counter);
      if (n.nested && !n.inLoop) {
        // Runs at most once: its trip count waits in a local declared at the top of the function.
        sw.hoistedDecisions.push(b.let(counter, b.num(0)));
        out.push(b.assign(counter, b.num(0)));
      } else out.push(b.let(counter, b.num(0)));
    }
    const test: JsStmt[] = [];
    sw.forward(n.test, test);
    const body = recordedBody(sw, n);
    const cond = sw.fwd.get(l.cond!)!;
    if (record && checkpointed(n)) return checkpointedForward(sw, n, { test, body }, cond, out);
    if (counter !== '') body.push({ k: 'expr', e: { k: 'postfix', op: '++', target: b.id(counter) } });
    out.push(b.comment(l.origin.text));
    if (test.length === 0) out.push({ k: 'while', test: cond, body });
    else out.push({ k: 'while', test: b.bool(true), body: [...test, b.if(b.not(cond), [b.break()]), ...body] });
    if (counter !== '' && n.nested && n.inLoop) out.push(b.expr(sw.tape('pushInt', [b.id(counter)])));
  },

  reverse(sw: Sweep, n: LoopNode, out: JsStmt[]): void {
    const l = n.stmt;
    if (checkpointed(n)) {
      const test: JsStmt[] = [];
      sw.reverse(n.test, test);
      return checkpointedReverse(sw, n, { test, body: reversedBody(sw, n) }, out);
    }
    out.push(b.comment(`reverse of ${l.origin.text.replace(/;$/, '')}`));
    const popped = n.nested && n.inLoop;
    const count = popped ? sw.names.fresh('trips') : countersOf(sw).get(l.id)!;
    if (fromBound(n)) out.push(b.const(count, tripCount(sw, n)));
    else if (popped) out.push(b.const(count, sw.tape('popInt')));
    if (n.counter) {
      // The counter's value at the end of the loop, from the trip count (nothing was recorded).
      const { start, step, base } = n.counter;
      const steps = step === 1 ? b.id(count) : b.mul(b.num(step), b.id(count));
      const from = base === undefined ? b.num(start) : b.add(b.id(sw.names.variable(base)), b.num(start));
      out.push(b.assign(sw.names.variable(n.counter.var), b.add(from, steps)));
    }
    const test: JsStmt[] = [];
    sw.reverse(n.test, test);
    const body = reversedBody(sw, n);
    body.push(...test);
    out.push(...test);
    const k = sw.names.fresh('k');
    out.push({ k: 'for', init: b.let(k, b.id(count)), test: b.bin('>', b.id(k), b.num(0)), update: { k: 'postfix', op: '--', target: b.id(k) }, body });
  },

  hasReverse(sw: Sweep, n: LoopNode): boolean {
    return n.snapshots.length > 0 || n.test.some((c) => sw.hasReverse(c)) || n.body.some((c) => sw.hasReverse(c));
  },
};

/** Checkpointed (`// @adc checkpoint`): a loop of the function's body (2-lower/loops.ts `checkpointPlacement` rejects the others). */
function checkpointed(n: LoopNode): boolean {
  if (n.stmt.checkpoint !== undefined && n.nested)
    throw new Error(`internal error: checkpointed loop '${n.stmt.origin.text}' is not at the top level (checkpointPlacement lets only those through)`);
  return n.stmt.checkpoint !== undefined;
}

/** A loop run many times whose trip count the reverse sweep computes from its bound instead of recording it. */
function fromBound(n: LoopNode): n is LoopNode & { counter: Counter; tripBound: TripBound } {
  return n.tripBound !== undefined && n.counter !== undefined && n.nested && n.inLoop && !checkpointed(n);
}

/**
 * `for (let j = i + 1; j < d; j++)` ran max(0, ⌈d⌉ − (i + 1)) times (`j <= d`: ⌊d⌋ − (i + 1) + 1):
 * the integers from the counter's start up to the bound (⌈·⌉ left out when the bound is an integer).
 */
function tripCount(sw: Sweep, n: LoopNode & { counter: Counter; tripBound: TripBound }): JsExpr {
  const { start, base } = n.counter;
  const { bound, inclusive, integer } = n.tripBound;
  const js = (e: BoundExpr): JsExpr => {
    if (e.k === 'num') return b.num(e.v);
    if (e.k === 'var') return b.id(sw.names.variable(e.var));
    const [l, r] = [js(e.l), js(e.r)];
    return e.op === 'add' ? b.add(l, r) : e.op === 'sub' ? b.sub(l, r) : b.mul(l, r);
  };
  const last = integer ? js(bound) : b.call(inclusive ? 'Math.floor' : 'Math.ceil', [js(bound)]);
  const from = base === undefined ? b.num(start) : b.add(b.id(sw.names.variable(base)), b.num(start));
  // (inclusive: `j <= m - 1` from 0 runs m − 1 − 0 + 1 = m times)
  const past = !inclusive ? last : last.k === 'bin' && last.op === '-' && last.r.k === 'num' ? b.sub(last.l, b.num(last.r.v - 1)) : b.add(last, b.num(1));
  const trips = b.sub(past, from);
  return trips.k === 'num' ? b.num(Math.max(0, trips.v)) : b.call('Math.max', [b.num(0), trips]);
}

/** One iteration's forward sweep, recording: the arrays the plan snapshots, then the body. */
function recordedBody(sw: Sweep, n: LoopNode): JsStmt[] {
  const body: JsStmt[] = [];
  // Scratch arrays the iteration fills then reads are recorded whole as it starts.
  for (const v of n.snapshots) {
    const arr = b.id(sw.names.variable(v));
    body.push(b.comment(`${sw.names.variable(v)} as this iteration finds it`));
    if (typed(sw, v)) body.push(b.expr(sw.tape('pushElements', [arr])));
    else body.push(sw.forEachIndex(b.member(arr, 'length'), (k) => [b.expr(sw.tape('push', [b.index(arr, k)]))]));
  }
  sw.forward(n.body, body);
  return body;
}

/** One iteration's reverse sweep: the body's, then the snapshotted arrays put back. */
function reversedBody(sw: Sweep, n: LoopNode): JsStmt[] {
  const body: JsStmt[] = [];
  sw.reverse(n.body, body);
  for (const v of [...n.snapshots].reverse()) {
    const arr = b.id(sw.names.variable(v));
    body.push(b.comment(`${sw.names.variable(v)} back as this iteration found it`));
    if (typed(sw, v)) body.push(b.expr(sw.tape('popElements', [arr])));
    else body.push(sw.forEachIndex(b.member(arr, 'length'), (k) => [b.assign(b.index(arr, k), sw.tape('pop'))], true));
  }
  return body;
}

/** A typed array, recorded and put back in one call each (a plain array may hold `undefined`s: element by element). */
function typed(sw: Sweep, v: VarId): boolean {
  const t = sw.fn.vars[v].type;
  return t === 'Float64Array' || t === 'Float32Array';
}
