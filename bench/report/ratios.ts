/**
 * Ratios between variants of a case. Samples were taken round-robin, so
 * sample i of two variants ran at about the same moment: the ratio is the
 * median of the per-round ratios (robust to a change of machine load during
 * the case), or the ratio of the medians when either side has fewer than 3
 * samples.
 */
import type { CaseResult, VariantResult } from '../harness/types';

export function ratio(a: VariantResult | undefined, b: VariantResult | undefined): number | undefined {
  if (!a?.stats || !b?.stats) return undefined;
  const n = Math.min(a.stats.series.length, b.stats.series.length);
  if (n < 3) return a.stats.median / b.stats.median;
  const r: number[] = [];
  for (let i = 0; i < n; i++) r.push(a.stats.series[i] / b.stats.series[i]);
  r.sort((x, y) => x - y);
  return n % 2 ? r[(n - 1) / 2] : (r[n / 2 - 1] + r[n / 2]) / 2;
}

/** The primal that `v` is compared with: the one it names, else the case's first. */
export function primalOf(c: CaseResult, v?: VariantResult): VariantResult | undefined {
  if (v?.primal !== undefined) return find(c, v.primal);
  return c.variants.find((p) => p.mode === 'primal' && p.stats);
}

/** The same computation over flat parameters that `v` names as its baseline (issue 12). */
export function baselineOf(c: CaseResult, v: VariantResult): VariantResult | undefined {
  return v.baseline === undefined ? undefined : find(c, v.baseline);
}

/** The hand-written variant a variant is compared with: same mode (a hand-written gradient for reverse mode and Jacobians). */
export function handOf(c: CaseResult, v: VariantResult): VariantResult | undefined {
  if (v.mode === 'primal') return undefined;
  return c.variants.find((h) => h.origin === 'hand' && h.mode === v.mode && h.stats);
}

export function tfjsOf(c: CaseResult): VariantResult | undefined {
  return c.variants.find((v) => v.origin === 'tfjs' && v.stats);
}

export function find(c: CaseResult, name: string): VariantResult | undefined {
  return c.variants.find((v) => v.name === name && v.stats);
}
