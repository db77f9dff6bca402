/**
 * Timing: warm-up, then samples taken round-robin across a case's variants,
 * so that a change of machine load during the case affects all of them alike.
 *
 * A sample times a batch of calls long enough to be measured well (about
 * `sampleMs`); its time per call is one data point. The median and the 10th
 * and 90th percentiles of the data points are reported. A variant stops
 * sampling once it has `minSamples` and has used its share of the budget, or
 * has `maxSamples`.
 */
import type { Stats } from './types';

export interface TimingOptions {
  /** Whole budget of the case, in ms (warm-up excluded). */
  readonly budgetMs: number;
  readonly warmupMs: number;
  readonly sampleMs: number;
  readonly minSamples: number;
  readonly maxSamples: number;
}

export const defaultTiming: TimingOptions = { budgetMs: 2500, warmupMs: 150, sampleMs: 5, minSamples: 5, maxSamples: 60 };

/** A first call longer than this is the only measurement of its variant (reported as one cold call). */
export const oneShotMs = 3000;

/** Keeps results alive so that no timed call is dead code. */
export let sink: unknown;

const now = (): number => performance.now();

export interface Timed {
  readonly run: () => unknown;
}

interface State {
  calls: number;
  samples: number[];
  used: number;
  done: boolean;
  firstCall: number;
  /** Fewer samples for a call that costs a large part of the budget. */
  minSamples: number;
}

export function timeRoundRobin(variants: readonly Timed[], options: TimingOptions): Stats[] {
  const states: State[] = variants.map((v) => warmUp(v, options));
  const share = options.budgetMs / Math.max(1, variants.length);
  const started = now();
  for (;;) {
    let active = 0;
    for (let i = 0; i < variants.length; i++) {
      const s = states[i];
      if (s.done) continue;
      active++;
      const run = variants[i].run;
      const t0 = now();
      for (let c = 0; c < s.calls; c++) sink = run();
      const dt = now() - t0;
      s.samples.push(dt / s.calls);
      s.used += dt;
      const enough = s.samples.length >= s.minSamples && (s.used >= share || now() - started >= options.budgetMs * 2);
      if (enough || s.samples.length >= options.maxSamples) s.done = true;
    }
    if (active === 0) break;
  }
  return states.map((s) => summarize(s));
}

/**
 * Calls `v.run` in doubling batches until a batch lasts `sampleMs` and at
 * least `warmupMs` went by (or one batch exceeds a quarter of the budget),
 * which also lets V8 tier the code up; the last batch gives the cost of a
 * call and so the batch size of the samples.
 */
function warmUp(v: Timed, options: TimingOptions): State {
  const run = v.run;
  let m = 1;
  let spent = 0;
  let perCall = 0;
  let first = -1;
  for (;;) {
    const t0 = now();
    for (let c = 0; c < m; c++) sink = run();
    const dt = now() - t0;
    if (first < 0) first = dt;
    spent += dt;
    if (dt >= options.sampleMs || dt >= options.budgetMs / 4) {
      perCall = dt / m;
      if (spent >= options.warmupMs || dt >= options.budgetMs / 4) break;
    } else m *= 2;
  }
  const batch = Math.max(1, Math.round(options.sampleMs / perCall));
  const minSamples = perCall > options.budgetMs / 4 ? Math.min(3, options.minSamples) : options.minSamples;
  return { calls: batch, samples: [], used: 0, done: false, firstCall: first, minSamples };
}

function summarize(s: State): Stats {
  const sorted = [...s.samples].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    p10: quantile(sorted, 0.1),
    p90: quantile(sorted, 0.9),
    samples: sorted.length,
    callsPerSample: s.calls,
    firstCall: s.firstCall,
    series: s.samples,
  };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
