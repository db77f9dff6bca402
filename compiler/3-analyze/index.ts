/**
 * The analysis stage, between lowering and emitting: everything the emitters
 * need to know about one function, for one mode and one set of differentiated
 * parameters, computed before any code is emitted.
 *
 *   forward:  IR ─hoist (with array elements)─▶ cse ─▶ activity, ranges
 *   reverse:  IR ─normalize control─▶ hoist ─▶ cse ─▶ store forwarding ─▶ activity, integers,
 *             fused loops, the to-be-recorded plan, ranges
 *
 * Guarantees: the emitters read these results and the IR they were computed
 * on (`fn`), never the IR they were given.
 */
import type { IRFunction, VarId } from '../ir/types';
import { cse } from '../ir/cse';
import { hoistInvariants } from '../ir/hoist';
import { forwardStoredElements, normalizeControl } from '../ir/normalize';
import { analyzeActivity, type Activity } from './activity';
import { analyzeFiniteness, type Finiteness } from './finiteness';
import { integerVars } from './integers';
import { findFusions } from './fusion';
import { planReverse, type ReversePlan } from './tbr';

/** The IR of every function a program calls, by key (all lowered before the analyses run). */
export type IRLookup = (key: string) => IRFunction;

export interface ForwardAnalysis {
  /** The IR the emitter prints (common subexpressions merged, except in a primal copy). */
  readonly fn: IRFunction;
  readonly act: Activity;
  readonly fin: Finiteness;
}

export interface ReverseAnalysis {
  /** The control-normalized IR the emitter prints. */
  readonly fn: IRFunction;
  readonly act: Activity;
  readonly fin: Finiteness;
  readonly plan: ReversePlan;
}

/** For forward mode; `primal`: a copy of the function with no derivative (printed as written). */
export function analyzeForward(fn: IRFunction, activeParams: ReadonlySet<VarId>, program: IRLookup, primal = false): ForwardAnalysis {
  const ir = primal ? fn : cse(hoistInvariants(fn, { loads: true }));
  return { fn: ir, act: analyzeActivity(ir, primal ? new Set() : activeParams), fin: analyzeFiniteness(ir, program, 'forward') };
}

export function analyzeReverse(fn: IRFunction, activeParams: ReadonlySet<VarId>, program: IRLookup): ReverseAnalysis {
  const ir = forwardStoredElements(cse(hoistInvariants(normalizeControl(fn))));
  const act = analyzeActivity(ir, activeParams);
  const plan = planReverse(ir, act, integerVars(ir), findFusions(ir, act));
  return { fn: ir, act, fin: analyzeFiniteness(ir, program, 'reverse'), plan };
}
