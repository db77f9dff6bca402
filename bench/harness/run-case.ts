/**
 * Runs a case: the reference first; then per variant its setup and a first
 * call, whose result gives the variant's error against the reference; then
 * round-robin timing. A variant whose first call exceeds `oneShotMs` is not
 * repeated: that cold call is its only sample. Tape sizes are measured later,
 * by the returned `tapes`, once every case of the process is timed (see
 * tape-peak.ts).
 */
import { relativeError, scalarError } from './compare';
import { peakTapeBytes } from './tape-peak';
import { defaultTiming, oneShotMs, timeRoundRobin, type TimingOptions } from './timing';
import type { Case, CaseResult, MemoryResult, Reference, Variant, VariantResult } from './types';

const now = (): number => performance.now();

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Pending {
  readonly variant: Variant;
  readonly result: Mutable<VariantResult>;
  firstCall?: number;
}

export interface CaseRun {
  readonly result: CaseResult;
  /** Deferred tape measurements: run after all timings of the process. */
  readonly tapes: Array<() => void>;
}

export async function runCase(c: Case, budgetMs: number, log: (line: string) => void): Promise<CaseRun> {
  const notes = [...(c.notes ?? [])];
  let reference: Reference | undefined;
  try {
    reference = c.reference();
  } catch (e) {
    notes.push(`reference failed: ${message(e)}`);
  }
  const pending: Pending[] = c.variants.map((variant) => ({
    variant,
    result: { name: variant.name, mode: variant.mode, origin: variant.origin, primal: variant.primal, baseline: variant.baseline, otherBaselines: variant.otherBaselines },
  }));
  const slow = new Set<string>();
  for (const p of pending) {
    const v = p.variant;
    if (v.skip) {
      p.result.skipped = v.skip;
      continue;
    }
    if (v.skipIfSlow && slow.has(v.skipIfSlow)) {
      p.result.skipped = `one call of '${v.skipIfSlow}' took over ${oneShotMs / 1000} s: not repeated`;
      continue;
    }
    try {
      if (v.setup) {
        const t0 = now();
        await v.setup();
        p.result.setupMs = now() - t0;
      }
      const t0 = now();
      const r = v.run();
      p.firstCall = now() - t0;
      if (v.derivative && reference) {
        p.result.error = errorAgainst(v.mode, (v.derivative as (r: unknown) => ArrayLike<number>)(r), reference);
        p.result.errorAgainst = reference.name;
      }
      if (p.firstCall > oneShotMs) {
        slow.add(v.name);
        p.result.oneShot = true;
        p.result.stats = { median: p.firstCall, p10: p.firstCall, p90: p.firstCall, samples: 1, callsPerSample: 1, firstCall: p.firstCall, series: [p.firstCall] };
      }
    } catch (e) {
      p.result.failed = `threw: ${message(e)}`;
    }
  }
  const timed = pending.filter((p) => p.firstCall !== undefined && !p.result.failed && !p.result.oneShot);
  const options: TimingOptions = { ...defaultTiming, budgetMs: c.budgetMs ?? budgetMs };
  log(`  ${c.objective} ${c.size}: timing ${timed.length} variants`);
  const stats = timeRoundRobin(
    timed.map((p) => p.variant),
    options,
  );
  timed.forEach((p, i) => (p.result.stats = { ...stats[i], firstCall: p.firstCall! }));

  if (c.referenceCheck) {
    try {
      const check = c.referenceCheck();
      const refVariant = pending.find((p) => p.variant.origin === 'hand' && p.variant.mode === 'reverse' && p.result.stats);
      if (refVariant && reference?.name === 'hand') {
        refVariant.result.error = check.error;
        refVariant.result.errorAgainst = check.name;
      }
      notes.push(`reference (${reference?.name ?? '?'}) vs ${check.name}: ${check.error.toExponential(1)}`);
    } catch (e) {
      notes.push(`reference check failed: ${message(e)}`);
    }
  }
  const tapes = pending
    .filter((p) => p.variant.tape && p.result.stats)
    .map((p) => () => {
      try {
        const bytes = peakTapeBytes(p.variant.run);
        // (the other ts-adc reverse variants run the same code, unless they measure their own: a checkpointed one)
        for (const q of pending) if (q.variant.origin === 'ts-adc' && q.variant.mode === 'reverse' && q.result.stats && (q === p || !q.variant.tape)) q.result.tapeBytes = bytes;
      } catch (e) {
        notes.push(`tape measurement of ${p.variant.name} threw: ${message(e)}`);
      }
    });
  let memory: MemoryResult[] | undefined;
  if (c.memory) {
    log(`  ${c.objective} ${c.size}: peak memory, one process per variant`);
    memory = c.memory();
  }
  return {
    result: { objective: c.objective, size: c.size, variants: pending.map((p) => p.result), reference: reference?.name ?? 'none', notes, steps: c.steps, memory },
    tapes,
  };
}

function errorAgainst(mode: Variant['mode'], d: ArrayLike<number>, ref: Reference): number {
  switch (mode) {
    case 'forward':
      return ref.tangent === undefined ? NaN : scalarError(d[0], ref.tangent);
    case 'reverse':
      return ref.gradient === undefined ? NaN : relativeError(d, ref.gradient, ref.indices);
    case 'jacobian':
      return ref.jacobian === undefined ? NaN : relativeError(d, ref.jacobian, ref.indices);
    case 'hvp':
      return ref.hvp === undefined ? NaN : relativeError(d, ref.hvp);
    case 'primal':
      return NaN;
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0] : String(e);
}
