/**
 * Both sweeps of a loop under `// @adc checkpoint N` (a statement of the function's body:
 * 2-lower/loops.ts rejects the others), called by loop.ts with the loop's iteration as the
 * unchecked forward sweep records it and as its reverse sweep undoes it:
 *
 *   forward:  const checkpoints = new adc.Checkpoints(N);
 *             let trips = 0;
 *             while (true) {
 *               if (checkpoints.due(trips)) checkpoints.save([s, i], [x, v]);
 *               test; if (!c) break;
 *               body, without its tape records;  trips++;
 *             }
 *   reverse:  for (let j = checkpoints.count - 1; j >= 0; j--) {       (segments, last first)
 *               from = j · every;  to = min(from + every, trips);
 *               s, i, x, v as iteration `from` found them (checkpoints.restore)
 *               for (t = from; t < to; t++) { test; body, recorded }     (the unchecked forward sweep)
 *               if (to === trips) { test; reverse test }                 (the test that ended the loop)
 *               for (k = to − from; k > 0; k--) { reverse body; reverse test }
 *             }
 *
 * The snapshots hold every variable the loop reads or writes that can change during the call
 * (numbers, booleans and other values as they are, arrays copied and restored in place), so each
 * segment recomputes exactly what the forward sweep computed; the tape never holds more than one
 * segment (`every` ≤ 2 · trips / N iterations). After the reverse of the first segment, the
 * variables hold what the loop found, as after an unchecked loop's reverse sweep.
 */
import { isArrayType, type Loop, type VarId } from '../../ir/types';
import { forEachStmt } from '../../ir/walk';
import { isElementWrite, readVar, writtenVar } from '../../ir/facts';
import { b, type JsExpr, type JsStmt } from '../../5-print/js';
import { jsType } from '../arrays';
import type { LoopNode, Sweep } from './sweep';

/** One iteration of the loop, as the unchecked forward sweep records it and as the reverse sweep undoes it. */
export interface Iteration {
  readonly test: JsStmt[];
  readonly body: JsStmt[];
}

interface Names {
  readonly checkpoints: string;
  readonly trips: string;
  readonly recorded: Iteration;
}

const namesKey = {};
const namesOf = (sw: Sweep) => sw.stateOf(namesKey, () => new Map<number, Names>());

export function checkpointedForward(sw: Sweep, n: LoopNode, recorded: Iteration, cond: JsExpr, out: JsStmt[]): void {
  const l = n.stmt;
  const { values, arrays } = carried(sw, l);
  const checkpoints = sw.names.fresh('checkpoints');
  const trips = sw.names.fresh('trips');
  namesOf(sw).set(l.id, { checkpoints, trips, recorded });
  const tape = sw.tapeName;
  const plain = (stmts: JsStmt[]) => (tape === undefined ? stmts : withoutRecords(stmts, tape));
  const save = b.call(b.member(b.id(checkpoints), 'save'), [b.arr(values.map((v) => b.id(sw.names.variable(v)))), b.arr(arrays.map((v) => b.id(sw.names.variable(v))))]);
  out.push(b.comment(`${l.origin.text} (checkpointed: at most ${l.checkpoint!.snapshots} snapshots of the loop's state, no tape)`));
  out.push(b.const(checkpoints, b.newObj(sw.ctx.useHelper('Checkpoints'), [b.num(l.checkpoint!.snapshots)])));
  out.push(b.let(trips, b.num(0)));
  const body: JsStmt[] = [
    b.if(b.call(b.member(b.id(checkpoints), 'due'), [b.id(trips)]), [b.expr(save)]),
    ...plain(recorded.test),
    b.if(b.not(cond), [b.break()]),
    ...plain(recorded.body),
    { k: 'expr', e: { k: 'postfix', op: '++', target: b.id(trips) } },
  ];
  out.push({ k: 'while', test: b.bool(true), body });
}

export function checkpointedReverse(sw: Sweep, n: LoopNode, reversed: Iteration, out: JsStmt[]): void {
  const l = n.stmt;
  const { checkpoints, trips, recorded } = namesOf(sw).get(l.id)!;
  const { values, arrays } = carried(sw, l);
  const ck = b.id(checkpoints);
  const [j, from, to, snapshot, t, k] = ['j', 'from', 'to', 'snapshot', 't', 'k'].map((x) => sw.names.fresh(x));
  const segment: JsStmt[] = [b.const(from, b.mul(b.id(j), b.member(ck, 'every'))), b.const(to, b.math('min', b.add(b.id(from), b.member(ck, 'every')), b.id(trips)))];
  segment.push(b.comment("the loop's state as the segment's first iteration found it"));
  const restore = b.call(b.member(ck, 'restore'), [b.id(j), b.arr(arrays.map((v) => b.id(sw.names.variable(v))))]);
  if (values.length === 0) segment.push(b.expr(restore));
  else {
    segment.push(b.const(snapshot, restore));
    values.forEach((v, i) => segment.push(b.assign(sw.names.variable(v), b.as(b.index(b.id(snapshot), b.num(i)), jsType(sw.fn.vars[v].type, 'local')))));
  }
  segment.push(b.comment("the segment's iterations again, recorded, then reversed"));
  segment.push(b.countUp(t, b.id(to), [...recorded.test, ...recorded.body], b.id(from)));
  const last = b.bin('===', b.id(to), b.id(trips));
  if (recorded.test.length > 0 || reversed.test.length > 0) segment.push(b.if(last, [...recorded.test, ...reversed.test]));
  segment.push({
    k: 'for',
    init: b.let(k, b.sub(b.id(to), b.id(from))),
    test: b.bin('>', b.id(k), b.num(0)),
    update: { k: 'postfix', op: '--', target: b.id(k) },
    body: [...reversed.body, ...reversed.test],
  });
  out.push(b.comment(`reverse of ${l.origin.text.replace(/;$/, '')}: segment by segment, from its snapshot`));
  out.push({
    k: 'for',
    init: b.let(j, b.sub(b.member(ck, 'count'), b.num(1))),
    test: b.bin('>=', b.id(j), b.num(0)),
    update: { k: 'postfix', op: '--', target: b.id(j) },
    body: segment,
  });
}

/**
 * The loop's state: variables declared outside it that it reads or writes and that can hold
 * another value during the call (not a parameter never assigned, not a top-level constant), in
 * order; arrays apart (copied), the rest kept as they are. An array variable assigned elsewhere
 * in the function is both: its reference and its elements.
 */
function carried(sw: Sweep, l: Loop): { values: VarId[]; arrays: VarId[] } {
  const inside = new Set<VarId>();
  const touched = new Set<VarId>();
  forEachStmt([l], (s) => {
    if (s.kind === 'declare' || (s.kind === 'assign' && s.declare)) inside.add(s.var);
    const w = writtenVar(s) ?? readVar(s);
    if (w !== undefined) touched.add(w);
  });
  const elementsWritten = new Set<VarId>();
  forEachStmt(sw.fn.body, (s) => isElementWrite(s) && elementsWritten.add(s.var));
  const values: VarId[] = [];
  const arrays: VarId[] = [];
  for (const v of [...touched].sort((x, y) => x - y)) {
    if (inside.has(v) || !sw.readVars.has(v)) continue;
    const rebound = !sw.stable[v] && !sw.fn.vars[v].constant;
    if (isArrayType(sw.fn.vars[v].type)) {
      if (rebound || elementsWritten.has(v)) arrays.push(v);
      if (rebound) values.push(v);
    } else if (!sw.stable[v]) values.push(v);
  }
  return { values, arrays };
}

/** The statements without their tape records (`tape.push…(…)`): the forward sweep of a checkpointed loop records nothing. */
function withoutRecords(stmts: readonly JsStmt[], tape: string): JsStmt[] {
  const out: JsStmt[] = [];
  for (const s of stmts) {
    switch (s.k) {
      case 'expr':
        if (s.e.k === 'call' && s.e.fn.k === 'member' && s.e.fn.obj.k === 'id' && s.e.fn.obj.name === tape && s.e.fn.name.startsWith('push')) continue;
        out.push(s);
        break;
      case 'if':
        out.push({ ...s, then: withoutRecords(s.then, tape), ...(s.else ? { else: withoutRecords(s.else, tape) } : {}) });
        break;
      case 'for': {
        const body = withoutRecords(s.body, tape);
        // `for (let k = …; …; k++) {}` left from recording an array element by element does nothing.
        const counter = s.init?.k === 'decl' && s.init.kind === 'let' ? s.init.name : undefined;
        if (body.length === 0 && counter !== undefined && s.update?.k === 'postfix' && s.update.target.k === 'id' && s.update.target.name === counter) continue;
        out.push({ ...s, body });
        break;
      }
      case 'while':
      case 'do':
      case 'block':
        out.push({ ...s, body: withoutRecords(s.body, tape) });
        break;
      default:
        out.push(s);
    }
  }
  return out;
}
