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
  /**
   * `v < bound` is the loop's whole condition (nothing else leaves it), `step` 1 and `bound` an
   * integer variable no loop writes: the trip count is max(0, bound − start), computed by the
   * reverse sweep instead of recorded (bound must then hold its value there: exposed).
   */
  readonly bound?: VarId;
}

export interface ReversePlan {
  readonly tree: RNode[];
}
