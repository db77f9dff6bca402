/**
 * The long simulation's report: per step count, each reverse variant's time ÷ the primal, the
 * tape's bytes per step and the peak memory of one call (a process per variant), as a table and
 * as a log–log plot of memory against steps; the checkpointed gradient (`// @adc checkpoint`,
 * a ts-adc reverse variant named `checkpoint`) in a column of its own: time ÷ primal, tape peak and
 * peak memory, the last two from its own process.
 */
import type { CaseResult } from '../harness/types';
import { bytes, times } from './format';
import { find, primalOf, ratio } from './ratios';

export function simulationCases(cases: readonly CaseResult[]): CaseResult[] {
  return cases.filter((c) => c.steps !== undefined);
}

const rss = (c: CaseResult, variant: string): number | undefined => c.memory?.find((m) => m.variant === variant)?.rssBytes;
const checkpointedOf = (c: CaseResult) => c.variants.find((v) => v.origin === 'ts-adc' && v.mode === 'reverse' && v.name.includes('checkpoint'));

/** `3.1× · tape 42 kB · RSS 55 MB`, or why not. */
function checkpointCell(c: CaseResult): string {
  const ck = checkpointedOf(c);
  if (ck === undefined) return '—';
  const m = c.memory?.find((x) => x.variant === ck.name);
  return `${times(ratio(find(c, ck.name), primalOf(c)))} · tape ${bytes(ck.tapeBytes ?? m?.tapeBytes)} · RSS ${bytes(m?.rssBytes)}`;
}

export function memoryTable(cases: readonly CaseResult[]): string {
  const out = [
    '| simulation | steps | ts-adc grad ×primal | hand grad ×primal | tape bytes per step | tape peak | peak RSS: primal | ts-adc grad | hand grad | with checkpointing: ×primal · tape peak · peak RSS |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const c of simulationCases(cases)) {
    const grad = c.variants.find((v) => v.origin === 'ts-adc' && v.mode === 'reverse' && v !== checkpointedOf(c));
    const hand = c.variants.find((v) => v.origin === 'hand' && v.mode === 'reverse');
    const tape = grad?.tapeBytes ?? c.memory?.find((m) => m.tapeBytes !== undefined)?.tapeBytes;
    const perStep = tape === undefined ? '—' : `${(tape / c.steps!).toFixed(1)} B`;
    const failed = (c.memory ?? []).filter((m) => m.failed).map((m) => `${m.variant}: ${m.failed}`);
    out.push(
      `| ${c.objective} | ${c.steps!.toExponential(0).replace('+', '')} | ${times(ratio(find(c, grad?.name ?? ''), primalOf(c)))} | ${times(ratio(find(c, hand?.name ?? ''), primalOf(c)))} | ${perStep} | ${bytes(tape)} | ${bytes(rss(c, 'primal'))} | ${bytes(rss(c, grad?.name ?? ''))} | ${bytes(rss(c, hand?.name ?? ''))} | ${checkpointCell(c)}${failed.length ? ` (memory: ${failed.join('; ')})` : ''} |`,
    );
  }
  return out.join('\n');
}

/** Peak RSS of each variant and the tape's peak against steps, log–log; undefined when there is nothing to plot. */
export function memoryPlot(cases: readonly CaseResult[], title: string): string | undefined {
  const sims = simulationCases(cases);
  const series: Array<{ name: string; colour: string; points: Array<[number, number]> }> = [
    { name: 'peak RSS, primal', colour: '#444444', points: [] },
    { name: 'peak RSS, ts-adc grad', colour: '#1f77b4', points: [] },
    { name: 'peak RSS, hand grad', colour: '#2ca02c', points: [] },
    { name: 'tape peak, ts-adc grad', colour: '#1f77b4', points: [] },
    { name: 'peak RSS, checkpointed', colour: '#d62728', points: [] },
    { name: 'tape peak, checkpointed', colour: '#d62728', points: [] },
  ];
  for (const c of sims) {
    const grad = c.variants.find((v) => v.origin === 'ts-adc' && v.mode === 'reverse' && v !== checkpointedOf(c));
    const hand = c.variants.find((v) => v.origin === 'hand' && v.mode === 'reverse');
    const ck = checkpointedOf(c);
    const add = (i: number, y: number | undefined) => y !== undefined && y > 0 && series[i].points.push([c.steps!, y]);
    add(0, rss(c, 'primal'));
    add(1, rss(c, grad?.name ?? ''));
    add(2, rss(c, hand?.name ?? ''));
    add(3, grad?.tapeBytes);
    add(4, rss(c, ck?.name ?? ''));
    add(5, ck?.tapeBytes ?? c.memory?.find((m) => m.variant === ck?.name)?.tapeBytes);
  }
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return undefined;
  const decade = (v: number, up: boolean) => Math.pow(10, up ? Math.ceil(Math.log10(v)) : Math.floor(Math.log10(v)));
  const [x0, x1] = [decade(Math.min(...all.map((p) => p[0])), false), decade(Math.max(...all.map((p) => p[0])), true)];
  const [y0, y1] = [decade(Math.min(...all.map((p) => p[1])), false), decade(Math.max(...all.map((p) => p[1])), true)];
  const [left, top, w, h] = [70, 50, 420, 280];
  const X = (x: number) => left + (w * Math.log10(x / x0)) / Math.max(1e-9, Math.log10(x1 / x0));
  const Y = (y: number) => top + h - (h * Math.log10(y / y0)) / Math.max(1e-9, Math.log10(y1 / y0));
  const parts: string[] = [];
  for (let x = x0; x <= x1 * 1.0001; x *= 10) {
    parts.push(`<line x1="${X(x).toFixed(1)}" y1="${top}" x2="${X(x).toFixed(1)}" y2="${top + h}" stroke="#dddddd"/>`);
    parts.push(`<text x="${X(x).toFixed(1)}" y="${top + h + 14}" text-anchor="middle" fill="#666666">${x.toExponential(0).replace('+', '')}</text>`);
  }
  for (let y = y0; y <= y1 * 1.0001; y *= 10) {
    parts.push(`<line x1="${left}" y1="${Y(y).toFixed(1)}" x2="${left + w}" y2="${Y(y).toFixed(1)}" stroke="#dddddd"/>`);
    parts.push(`<text x="${left - 4}" y="${(Y(y) + 4).toFixed(1)}" text-anchor="end" fill="#666666">${bytes(y)}</text>`);
  }
  series.forEach((s, i) => {
    if (s.points.length === 0) return;
    const dash = i === 3 || i === 5 ? ' stroke-dasharray="4,3"' : '';
    parts.push(`<polyline fill="none" stroke="${s.colour}"${dash} points="${s.points.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of s.points) parts.push(`<circle cx="${X(x).toFixed(1)}" cy="${Y(y).toFixed(1)}" r="2.5" fill="${s.colour}"/>`);
    parts.push(`<line x1="${left + w + 16}" y1="${top + 8 + i * 16}" x2="${left + w + 36}" y2="${top + 8 + i * 16}" stroke="${s.colour}"${dash}/>`);
    parts.push(`<text x="${left + w + 40}" y="${top + 12 + i * 16}">${s.name}</text>`);
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + w + 200}" height="${top + h + 40}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="4" y="16" font-size="14" font-weight="bold">${title}</text>`,
    `<text x="4" y="32" fill="#666666">memory against simulation steps, log–log (peak RSS: one call in a fresh Node process, Node included)</text>`,
    ...parts,
    `<text x="${left + w / 2}" y="${top + h + 30}" text-anchor="middle">steps</text>`,
    '</svg>',
  ].join('\n');
}
