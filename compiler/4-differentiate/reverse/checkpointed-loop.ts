/**
 * Both sweeps of a loop under `// @adc checkpoint N` (a statement of the function's body:
 * 2-lower/loops.ts rejects the others), called by loop.ts with the loop's iteration as the
 * unchecked forward sweep records it and as its reverse sweep undoes it. The schedule (which
 * iterations begin with a snapshot, which range is reversed next) is runtime/checkpoints.ts's:
 *
 *   forward:  const checkpoints = new adc.Checkpoints(N);
 *             let trips = 0;
 *             while (true) {
 *               if (checkpoints.due(trips)) checkpoints.save([s, i], [x, v]);
 *               test; if (!c) break;
 *               body, without its tape records;  trips++;
 *             }
 *   reverse:  while (checkpoints.next(tape.bytes)) {                     (ranges, last first)
 *               s, i, x, v as iteration `at` found them (checkpoints.restore)
 *               for (t = at; t < from; t++) {                            (plain, up to the range)
 *                 if (checkpoints.due(t)) checkpoints.save([s, i], [x, v]);
 *                 test; if (!c) break;  body, without its tape records
 *               }
 *               for (t = from; t < to; t++) { test; body, recorded }    (the unchecked forward sweep)
 *               checkpoints.recorded(tape.bytes);                        (next(tape.bytes) took the bytes before)
 *               if (to === trips) { test; reverse test }                 (the test that ended the loop)
 *               for (k = to − from; k > 0; k--) { reverse body; reverse test }
 *             }
 *
 * The snapshots hold every variable the loop reads or writes that can change during the call
 * (numbers, booleans and other values as they are, arrays copied and restored in place), so each
 * range recomputes exactly what the forward sweep computed; the tape never holds more than one
 * range. After the reverse of the first range, the variables hold what the loop found, as after
 * an unchecked loop's reverse sweep.
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
  /** One iteration without its tape records, as the forward sweep runs it, snapshot first. */
  readonly plain: (trip: string) => JsStmt[];
}

const namesKey = {};
const namesOf = (sw: Sweep) => sw.stateOf(namesKey, () => new Map<number, Names>());

export function checkpointedForward(sw: Sweep, n: LoopNode, recorded: Iteration, cond: JsExpr, out: JsStmt[]): void {
  const l = n.stmt;
  const { values, arrays } = carried(sw, l);
  const checkpoints = sw.names.fresh('checkpoints');
  const trips = sw.names.fresh('trips');
  const tape = sw.tapeName;
  const withoutTape = (stmts: JsStmt[]) => (tape === undefined ? stmts : withoutRecords(stmts, tape));
  const save = b.call(b.member(b.id(checkpoints), 'save'), [b.arr(values.map((v) => b.id(sw.names.variable(v)))), b.arr(arrays.map((v) => b.id(sw.names.variable(v))))]);
  const plainIteration = (t: string): JsStmt[] => [
    b.if(b.call(b.member(b.id(checkpoints), 'due'), [b.id(t)]), [b.expr(save)]),
    ...withoutTape(recorded.test),
    b.if(b.not(cond), [b.break()]),
    ...withoutTape(recorded.body),
  ];
  namesOf(sw).set(l.id, { checkpoints, trips, recorded, plain: plainIteration });
  out.push(b.comment(`${l.origin.text} (checkpointed: at most ${l.checkpoint!.snapshots} snapshots of the loop's state, no tape)`));
  out.push(b.const(checkpoints, b.newObj(sw.ctx.useHelper('Checkpoints'), [b.num(l.checkpoint!.snapshots)])));
  out.push(b.let(trips, b.num(0)));
  out.push({ k: 'while', test: b.bool(true), body: [...plainIteration(trips), { k: 'expr', e: { k: 'postfix', op: '++', target: b.id(trips) } }] });
}

export function checkpointedReverse(sw: Sweep, n: LoopNode, reversed: Iteration, out: JsStmt[]): void {
  const l = n.stmt;
  const { checkpoints, trips, recorded, plain } = namesOf(sw).get(l.id)!;
  const { values, arrays } = carried(sw, l);
  const ck = b.id(checkpoints);
  const [snapshot, t, from, to, k] = ['snapshot', 't', 'from', 'to', 'k'].map((x) => sw.names.fresh(x));
  const range: JsStmt[] = [b.comment("the loop's state as iteration checkpoints.at found it")];
  const restore = b.call(b.member(ck, 'restore'), [b.arr(arrays.map((v) => b.id(sw.names.variable(v))))]);
  if (values.length === 0) range.push(b.expr(restore));
  else {
    range.push(b.const(snapshot, restore));
    values.forEach((v, i) => range.push(b.assign(sw.names.variable(v), b.as(b.index(b.id(snapshot), b.num(i)), jsType(sw.fn.vars[v].type, 'local')))));
  }
  range.push(b.const(from, b.member(ck, 'from')), b.const(to, b.member(ck, 'to')));
  range.push(b.comment('plain iterations up to the range, taking the snapshots the schedule asks for'));
  range.push(b.countUp(t, b.id(from), plain(t), b.member(ck, 'at')));
  range.push(b.comment("the range's iterations again, recorded, then reversed"));
  range.push(b.countUp(t, b.id(to), [...recorded.test, ...recorded.body], b.id(from)));
  // (what the range recorded, per iteration, lets the schedule lengthen its units within `Checkpoints.tapeBytes`)
  const tapeBytes = sw.tapeName === undefined ? [] : [b.member(b.id(sw.tapeName), 'bytes')];
  range.push(b.expr(b.call(b.member(ck, 'recorded'), tapeBytes)));
  const last = b.bin('===', b.id(to), b.id(trips));
  if (recorded.test.length > 0 || reversed.test.length > 0) range.push(b.if(last, [...recorded.test, ...reversed.test]));
  range.push({
    k: 'for',
    init: b.let(k, b.sub(b.id(to), b.id(from))),
    test: b.bin('>', b.id(k), b.num(0)),
    update: { k: 'postfix', op: '--', target: b.id(k) },
    body: [...reversed.body, ...reversed.test],
  });
  out.push(b.comment(`reverse of ${l.origin.text.replace(/;$/, '')}: range by range, last first, each from the snapshot nearest below it`));
  out.push({ k: 'while', test: b.call(b.member(ck, 'next'), tapeBytes), body: range });
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
