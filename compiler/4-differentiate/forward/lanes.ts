/**
 * Vector forward mode (Tapenade's multi-directional mode): a pushforward along K directions in one
 * sweep. The primal statements run once; each tangent statement is repeated once per direction,
 * its tangents renamed, so that `f_jacobian` pays one primal per K columns instead of one per column.
 *
 *   const t1 = x * y;               ⇒   const t1 = x * y;
 *   const dt1 = dx * y + x * dy;        const dt1_1 = dx_1 * y + x * dy_1;
 *                                       const dt1_2 = dx_2 * y + x * dy_2;
 *
 * Directions are unrolled into scalars (one local per tangent and direction): V8 keeps them in
 * registers, where a small array per tangent would be allocated on every call. A call of another
 * pushforward becomes a call of its `pushforwards` with every direction's tangents; the slot a
 * pushforward leaves its tangent in, `adc.ret[0]` (`adc.retArrays[0]`), becomes `adc.ret[j - 1]`
 * for direction j.
 *
 * Input: an internal pushforward (forward/emit.ts) whose calls of pushforwards already name the
 * `pushforwards` helpers. Output: parameters are the primal ones, then direction 1's tangents,
 * direction 2's, …; the value is returned; direction j's tangent is left in slot j - 1.
 */
import type { JsExpr, JsFunction, JsParam, JsStmt } from '../../5-print/js';
import { mapChildren, namesIn, renameStmts, substitute } from '../../5-print/js-walk';
import type { FunctionNames } from '../names';
import { isRetSlot } from '../context';

/** How many directions one vector sweep carries (f_jacobian's columns per sweep). */
export const LANES = 8;

export function toLanes(f: JsFunction, primalCount: number, names: FunctionNames, arityOf: (helper: string) => number | undefined): JsFunction {
  const laneNames = new Map<string, string[]>();
  const isTangent = (n: string): boolean => names.tangentNameSet.has(n);
  const lane = (n: string, j: number): string => {
    let all = laneNames.get(n);
    if (all === undefined) laneNames.set(n, (all = []));
    return (all[j] ??= names.fresh(`${n}_${j}`));
  };
  const perLane = (s: JsStmt, j: number): JsStmt => withSlot(renameStmts([s], (n) => (isTangent(n) ? lane(n, j) : undefined))[0], j - 1);
  const replicate = (s: JsStmt): JsStmt[] => Array.from({ length: LANES }, (_, i) => perLane(s, i + 1));
  const mentions = (e: JsExpr | undefined): boolean => e !== undefined && [...namesIn(e)].some(isTangent);
  const primalOnly = (e: JsExpr | undefined, where: string): void => {
    if (mentions(e)) throw new Error(`vector forward mode of ${f.name}: a tangent in ${where}`);
  };

  /** `g_pushforwards(a, b, da, db)` ⇒ `g_pushforwards(a, b, da_1, db_1, da_2, db_2, …)`. */
  const expandCall = (e: JsExpr): JsExpr | undefined => {
    if (e.k !== 'call' || e.fn.k !== 'id') return undefined;
    const arity = arityOf(e.fn.name);
    if (arity === undefined) return undefined;
    const primal = e.args.slice(0, arity);
    primal.forEach((a) => primalOnly(a, `an argument of ${e.fn.k === 'id' ? e.fn.name : ''}`));
    const tangents = e.args.slice(arity);
    const lanes = Array.from({ length: LANES }, (_, i) => tangents.map((a) => substitute(a, (n) => (isTangent(n) ? { k: 'id', name: lane(n, i + 1) } : undefined))));
    return { ...e, args: [...primal, ...lanes.flat()] };
  };

  const stmt = (s: JsStmt): JsStmt[] => {
    switch (s.k) {
      case 'if':
        primalOnly(s.c, 'a condition');
        return [{ ...s, then: block(s.then), else: s.else && block(s.else) }];
      case 'for': {
        primalOnly(s.test, 'a loop test');
        if (s.init && (stmtMentions(s.init) || writesSlot(s.init))) throw new Error(`vector forward mode of ${f.name}: a tangent in a loop header`);
        const update = s.update && mentions(s.update) ? commaList(replicate({ k: 'expr', e: s.update }).map((x) => (x as { e: JsExpr }).e)) : s.update;
        return [{ ...s, update, body: block(s.body) }];
      }
      case 'while':
      case 'do':
        primalOnly(s.test, 'a loop test');
        return [{ ...s, body: block(s.body) }];
      case 'block':
        return [{ ...s, body: block(s.body) }];
      case 'decl': {
        const call = s.init && expandCall(s.init);
        if (call) return [{ ...s, init: call }];
        return isTangent(s.name) || stmtMentions(s) ? replicate(s) : [s];
      }
      case 'expr': {
        const call = expandCall(s.e);
        if (call) return [{ ...s, e: call }];
        return stmtMentions(s) ? replicate(s) : [s];
      }
      case 'assign':
        return stmtMentions(s) || writesSlot(s) ? replicate(s) : [s];
      case 'return':
      case 'throw':
        primalOnly(s.e, 'a return');
        return [s];
      case 'break':
      case 'continue':
      case 'comment':
        return [s];
    }
  };
  const stmtMentions = (s: JsStmt): boolean => {
    if (s.k === 'decl') return isTangent(s.name) || mentions(s.init);
    if (s.k === 'assign') return mentions(s.target) || mentions(s.value);
    if (s.k === 'expr') return mentions(s.e);
    return false;
  };
  const block = (list: readonly JsStmt[]): JsStmt[] => list.flatMap(stmt);

  const primal = f.params.slice(0, primalCount);
  const tangents = f.params.slice(primalCount);
  const body = block(f.body);
  const params: JsParam[] = [...primal];
  for (let j = 1; j <= LANES; j++) for (const p of tangents) params.push({ ...p, name: lane(p.name, j) });
  return { ...f, params, body };
}

/** `a, b, c` as one expression (a `for` header's update). */
function commaList(es: readonly JsExpr[]): JsExpr {
  return es.reduce((acc, e) => ({ k: 'bin', op: ',', l: acc, r: e }));
}

function writesSlot(s: JsStmt): boolean {
  return s.k === 'assign' && isRetSlot(s.target);
}

/** The statement with each tangent slot `adc.ret[0]` made `adc.ret[slot]`. */
function withSlot(s: JsStmt, slot: number): JsStmt {
  const e = (x: JsExpr): JsExpr => (isRetSlot(x) ? { ...(x as Extract<JsExpr, { k: 'index' }>), index: { k: 'num', v: slot } } : mapChildren(x, e));
  const one = (st: JsStmt): JsStmt => {
    switch (st.k) {
      case 'decl':
        return st.init ? { ...st, init: e(st.init) } : st;
      case 'assign':
        return { ...st, target: e(st.target), value: e(st.value) };
      case 'expr':
        return { ...st, e: e(st.e) };
      default:
        return st;
    }
  };
  return one(s);
}
