/**
 * The plan of reverse mode (what to-be-recorded analysis, tbr.ts, decides and
 * the reverse emitter carries out): one node per straight-line block, branch,
 * loop and fused loop, with what each records.
 */
import type { If, Loop, Stmt, TempId, VarId } from '../ir/types';
import type { Fusion } from './fusion';
import type { RecomputedCondition } from './conditions';

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
  | {
      readonly kind: 'if';
      readonly stmt: If;
      readonly then: RNode[];
      readonly else: RNode[];
      readonly nested: boolean;
      readonly inLoop: boolean;
      /** In a loop, a decision the reverse sweep compares again instead of recording (conditions.ts). */
      readonly recompute?: RecomputedCondition;
    }
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
      /** The trip count from the loop's bound, which the reverse sweep still has: not recorded (see loop-counters.ts). */
      tripBound?: TripBound;
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

/**
 * `v < bound` (or `v <= bound`) as a loop's whole test, v its counter stepped by 1 and the
 * bound computed from variables the loop does not write: the loop runs
 * max(0, ⌈bound⌉ − v₀) times (⌊bound⌋ − v₀ + 1 inclusive), v₀ the counter's start.
 */
export interface TripBound {
  readonly inclusive: boolean;
  readonly bound: BoundExpr;
  /** Every leaf an integer (variables the integer analysis proves, integer literals): no ⌈·⌉ needed. */
  readonly integer: boolean;
}

export type BoundExpr =
  | { readonly k: 'var'; readonly var: VarId }
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'bin'; readonly op: 'add' | 'sub' | 'mul'; readonly l: BoundExpr; readonly r: BoundExpr };

/** The variables a bound reads. */
export function boundVars(e: BoundExpr, out: VarId[] = []): VarId[] {
  if (e.k === 'var') out.push(e.var);
  else if (e.k === 'bin') (boundVars(e.l, out), boundVars(e.r, out));
  return out;
}

export interface ReversePlan {
  readonly tree: RNode[];
}
