/**
 * The markdown report: one table per objective (rows: size × variant), its
 * notes (with the object ÷ flat ratios of issue 12), the targets of issue 5 with
 * what was measured, and build times.
 */
import type { CaseResult } from '../harness/types';
import { bytes, error, time, times } from './format';
import { baselineOf, find, handOf, primalOf, ratio, tfjsOf } from './ratios';
import type { TargetRow } from './targets';
import type { BuildScaling } from '../scaling/build-time';

export function caseTables(cases: readonly CaseResult[]): string {
  const out: string[] = [];
  const objectives = [...new Set(cases.map((c) => c.objective))];
  for (const objective of objectives) {
    out.push(`### ${objective}`, '');
    out.push('| size | variant | median | p10–p90 | ×primal | ×hand | tfjs ÷ this | error | vs | tape | first call |');
    out.push('|---|---|--:|--:|--:|--:|--:|--:|---|--:|--:|');
    const notes: string[] = [];
    for (const c of cases.filter((k) => k.objective === objective)) {
      const tf = tfjsOf(c);
      for (const v of c.variants) {
        if (!v.stats) {
          out.push(`| ${c.size} | ${v.name} | ${v.failed ? `**failed**: ${v.failed}` : `skipped: ${v.skipped ?? '?'}`} |  |  |  |  |  |  |  |  |`);
          continue;
        }
        const s = v.stats;
        const spread = v.oneShot ? '1 cold call' : `${time(s.p10)}–${time(s.p90)}`;
        const xPrimal = v.mode === 'primal' ? '1' : times(ratio(v, primalOf(c, v)));
        const hand = handOf(c, v);
        const xHand = hand ? (hand === v ? '1' : times(ratio(v, hand))) : '—';
        const vsTf = tf && v.mode !== 'primal' ? (tf === v ? '1' : times(ratio(tf, v))) : '—';
        out.push(
          `| ${c.size} | ${v.name} | ${time(s.median)} | ${spread} | ${xPrimal} | ${xHand} | ${vsTf} | ${error(v.error)} | ${v.errorAgainst ?? ''} | ${bytes(v.tapeBytes)} | ${time(s.firstCall)} |`,
        );
      }
      for (const n of c.notes) notes.push(`- ${c.size}: ${n}`);
      for (const paired of baselineRatios(c)) notes.push(`- ${c.size}: ${paired}`);
    }
    out.push('');
    if (notes.length > 0) out.push(...notes, '');
  }
  return out.join('\n');
}

/**
 * `ts-adc grad (object) ÷ ts-adc grad 1.02×, …`: each variant with a baseline against it, paired by
 * rounds; then one line per label of other baselines (`against mlp.ts: hand-specialised, …`).
 */
function baselineRatios(c: CaseResult): string[] {
  const lines: string[] = [];
  const parts = c.variants.flatMap((v) => {
    const base = baselineOf(c, v);
    return base ? [`${v.name} ÷ ${base.name} ${times(ratio(v, base))}`] : [];
  });
  if (parts.length > 0) lines.push(`same computation over an object vs over flat parameters (median of paired rounds): ${parts.join(', ')}`);
  const others = c.variants.flatMap((v) => (v.otherBaselines ?? []).map((o) => ({ v, o, base: find(c, o.name) })));
  for (const what of [...new Set(others.map((x) => x.o.what))]) {
    const of = others.filter((x) => x.o.what === what && x.base && x.v.stats).map((x) => `${x.v.name} ÷ ${x.base!.name} ${times(ratio(x.v, x.base))}`);
    if (of.length > 0) lines.push(`against ${what} (median of paired rounds): ${of.join(', ')}`);
  }
  return lines;
}

export function targetTable(rows: readonly TargetRow[]): string {
  const out = ['| target (issue 5 unless noted) | where | measured | met |', '|---|---|---|---|'];
  for (const r of rows) out.push(`| ${r.target} | ${r.where} | ${r.measured} | ${r.met === undefined ? 'n/a' : r.met ? 'yes' : '**no**'} |`);
  return out.join('\n');
}

export function buildTable(b: BuildScaling): string {
  const out = ['| build | functions | source lines | adc build (CLI, wall) | per function | per line | compileFiles in process |', '|---|--:|--:|--:|--:|--:|--:|'];
  for (const r of b.rows) {
    out.push(
      `| ${r.name} | ${r.functions} | ${r.lines} | ${r.ok ? time(r.ms) : `**failed**: ${r.error}`} | ${r.ok ? time(r.ms / r.functions) : ''} | ${r.ok ? time(r.ms / r.lines) : ''} | ${time(r.inProcessMs)} |`,
    );
  }
  out.push('', ...b.notes.map((n) => `- ${n}`));
  return out.join('\n');
}
