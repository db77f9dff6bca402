/**
 * What a suite hands the harness, and what the harness hands the report.
 *
 * A suite builds cases (one objective at one size); a case lists variants
 * (primal, ts-adc, hand-written, peers, finite differences), each a callable
 * timed as is, and how to read the derivative out of one more, untimed, call
 * so that it can be compared with the case's reference.
 */

/** Which column a variant is compared against and what its derivative means. */
export type Mode = 'primal' | 'reverse' | 'forward' | 'jacobian' | 'hvp';

/** Who wrote the code being timed. */
export type Origin = 'primal' | 'ts-adc' | 'hand' | 'tfjs' | 'jax-js' | 'fd';

export interface Variant {
  /** Shown in the table: `ts-adc grad (out)`, `hand grad`, `tfjs valueAndGrad`, … */
  readonly name: string;
  readonly mode: Mode;
  readonly origin: Origin;
  /** One timed call. Its result is kept so that the call cannot be optimised away. */
  readonly run: () => unknown;
  /**
   * The derivative in the result of a call of `run` (read right after the
   * first call), flattened: the gradient (reverse), the directional derivative
   * ⟨∇f, v⟩ along the case's direction (forward), the Jacobian's entries
   * (jacobian), or the Hessian-vector product H·v along the case's direction (hvp).
   * Absent for the primal.
   */
  readonly derivative?: (result: never) => ArrayLike<number>;
  /**
   * Measure the peak tape bytes of one call of this variant (one ts-adc
   * reverse variant per case; the number is shown on every ts-adc reverse row).
   */
  readonly tape?: boolean;
  /** Not run when the named variant of the case needed a single-call measurement (too slow to repeat): same code, nothing more to learn. */
  readonly skipIfSlow?: string;
  /** Skipped (never run) with this note: a peer that cannot express the objective, a size too large for FD… */
  readonly skip?: string;
  /** Runs once before timing (e.g. tracing/jit of a peer); its time is reported as setup. */
  readonly setup?: () => void | Promise<void>;
  /** The primal variant this one is divided by in ×primal, when the case has several (default: the case's first primal). */
  readonly primal?: string;
  /**
   * The variant of the same case that computes the same thing over flat parameters
   * (`ts-adc grad` for `ts-adc grad (object)`): the report gives this one's time ÷ that one's,
   * paired round by round (issue 12: a structured parameter ≤ 1.2× the flat function).
   */
  readonly baseline?: string;
  /**
   * Other variants of the case this one is also divided by, each with what it is (`ts-adc grad`,
   * `mlp.ts: hand-specialised, not the same computation` for `ts-adc grad (layers)`, whose baseline
   * is the same layered code over one flat vector): shown in the notes under that label and, for a
   * variant with a baseline, checked in the targets against issue 12's bound too, so that changing
   * the baseline hides no comparison.
   */
  readonly otherBaselines?: readonly OtherBaseline[];
}

/** A variant another one is divided by besides its baseline, and what it is. */
export interface OtherBaseline {
  readonly name: string;
  readonly what: string;
}

export interface Reference {
  /** `hand`, `FD` or `FD (k coords)`. */
  readonly name: string;
  /** The reference derivative in the layout of the variants of the same mode. */
  readonly gradient?: ArrayLike<number>;
  readonly tangent?: number;
  readonly jacobian?: ArrayLike<number>;
  /** H·v along the case's direction (hvp variants). */
  readonly hvp?: ArrayLike<number>;
  /** When the reference checks a subset of coordinates only: the indices compared. */
  readonly indices?: readonly number[];
}

export interface Case {
  readonly objective: string;
  readonly size: string;
  readonly variants: readonly Variant[];
  /** Built after the variants (so that a failing compile still shows the primal). */
  readonly reference: () => Reference;
  /** Check of the reference itself (hand-written against central differences), as a max relative error. */
  readonly referenceCheck?: () => { name: string; error: number };
  /** Why a ts-adc variant is missing (compile error, type error), shown in the table. */
  readonly notes?: readonly string[];
  /** Time budget of the case in milliseconds (default: the worker's). */
  readonly budgetMs?: number;
  /** A simulation's step count: the report gives tape bytes per step and plots memory against steps. */
  readonly steps?: number;
  /** Peak memory of one call of some variants, each measured in a process of its own (see harness/rss.ts). */
  readonly memory?: () => MemoryResult[];
}

/** Peak resident set size of a fresh Node process that made one call of a variant (Node itself included). */
export interface MemoryResult {
  readonly variant: string;
  readonly rssBytes?: number;
  /** The tape's `peakBytes` in that process (ts-adc variants). */
  readonly tapeBytes?: number;
  readonly failed?: string;
}

/** Declares a variant with a typed result (the derivative reads what `run` returns). */
export function variant<R>(v: Omit<Variant, 'run' | 'derivative'> & { run: () => R; derivative?: (result: R) => ArrayLike<number> }): Variant {
  return v as Variant;
}

export interface Stats {
  readonly median: number;
  readonly p10: number;
  readonly p90: number;
  readonly samples: number;
  readonly callsPerSample: number;
  /** Time per call of each sample, in the order taken (round r of every variant ran at about the same time). */
  readonly series: number[];
  /** Time of the very first call (JIT warm-up, tracing, compilation of a peer). */
  readonly firstCall: number;
}

export interface VariantResult {
  readonly name: string;
  readonly mode: Mode;
  readonly origin: Origin;
  /** As in Variant. */
  readonly primal?: string;
  readonly baseline?: string;
  readonly otherBaselines?: readonly OtherBaseline[];
  /** Milliseconds per call, absent when skipped or failed. */
  readonly stats?: Stats;
  readonly setupMs?: number;
  /** Max relative error of the derivative against the case's reference (∞-norm, see README). */
  readonly error?: number;
  readonly errorAgainst?: string;
  readonly tapeBytes?: number;
  /** Timed from one cold call only (the call took longer than the one-shot threshold). */
  readonly oneShot?: boolean;
  readonly skipped?: string;
  readonly failed?: string;
}

export interface CaseResult {
  readonly objective: string;
  readonly size: string;
  readonly variants: VariantResult[];
  readonly reference: string;
  readonly notes: string[];
  readonly steps?: number;
  readonly memory?: MemoryResult[];
}
