/**
 * The plot of the ratios, by hand: one horizontal bar per timed variant
 * (time ÷ the case's primal, log scale), grouped by case, coloured by who
 * wrote the code. Dashed lines mark the 2×, 4× and 7× targets.
 */
import type { CaseResult, Origin } from '../harness/types';
import { primalOf, ratio } from './ratios';
import { times } from './format';

const colours: Record<Origin, string> = { primal: '#444444', 'ts-adc': '#1f77b4', hand: '#2ca02c', tfjs: '#ff7f0e', 'jax-js': '#9467bd', fd: '#8c8c8c' };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function ratioPlot(cases: readonly CaseResult[], title: string): string {
  interface Bar {
    label: string;
    x: number;
    origin: Origin;
  }
  const groups: Array<{ name: string; bars: Bar[] }> = [];
  for (const c of cases) {
    if (!primalOf(c)) continue;
    const bars: Bar[] = [];
    for (const v of c.variants) {
      if (!v.stats || v.mode === 'primal') continue;
      const x = ratio(v, primalOf(c, v));
      if (x !== undefined && Number.isFinite(x) && x > 0) bars.push({ label: v.name, x, origin: v.origin });
    }
    if (bars.length > 0) groups.push({ name: `${c.objective} ${c.size}`, bars });
  }
  const all = groups.flatMap((g) => g.bars.map((b) => b.x));
  const lo = 0.5;
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(10, ...all))));
  const left = 300;
  const width = 560;
  const rowH = 13;
  const top = 60;
  const X = (x: number) => left + (width * (Math.log10(Math.max(x, lo)) - Math.log10(lo))) / (Math.log10(hi) - Math.log10(lo));
  const parts: string[] = [];
  let y = top;
  for (const g of groups) {
    parts.push(`<text x="4" y="${y + 10}" font-weight="bold">${esc(g.name)}</text>`);
    y += rowH + 2;
    for (const b of g.bars) {
      parts.push(`<text x="16" y="${y + 10}">${esc(b.label)}</text>`);
      parts.push(`<rect x="${left}" y="${y + 2}" width="${Math.max(1, X(b.x) - left).toFixed(1)}" height="${rowH - 3}" fill="${colours[b.origin]}"/>`);
      parts.push(`<text x="${(X(b.x) + 4).toFixed(1)}" y="${y + 10}">${esc(times(b.x))}</text>`);
      y += rowH;
    }
    y += 6;
  }
  const height = y + 30;
  const grid: string[] = [];
  for (let d = Math.log10(lo); d <= Math.log10(hi) + 1e-9; d++) {
    for (const m of [1, 2, 5]) {
      const x = m * Math.pow(10, Math.floor(d));
      if (x < lo || x > hi) continue;
      grid.push(`<line x1="${X(x).toFixed(1)}" y1="${top - 6}" x2="${X(x).toFixed(1)}" y2="${y}" stroke="#dddddd"/>`);
      if (m === 1 || x <= 20) grid.push(`<text x="${X(x).toFixed(1)}" y="${top - 10}" text-anchor="middle" fill="#666666">${x}×</text>`);
    }
  }
  for (const t of [2, 4, 7])
    grid.push(`<line x1="${X(t).toFixed(1)}" y1="${top - 6}" x2="${X(t).toFixed(1)}" y2="${y}" stroke="#d62728" stroke-dasharray="3,3" stroke-opacity="0.6"/>`);
  grid.push(`<line x1="${X(1).toFixed(1)}" y1="${top - 6}" x2="${X(1).toFixed(1)}" y2="${y}" stroke="#444444"/>`);
  const legend = (Object.keys(colours) as Origin[])
    .filter((o) => o !== 'primal')
    .map((o, i) => `<rect x="${left + i * 90}" y="${y + 12}" width="10" height="10" fill="${colours[o]}"/><text x="${left + i * 90 + 14}" y="${y + 21}">${o}</text>`)
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 80}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="4" y="16" font-size="14" font-weight="bold">${esc(title)}</text>`,
    `<text x="4" y="30" fill="#666666">time ÷ primal time, log scale (median of paired rounds); dashed: 2×, 4×, 7× targets</text>`,
    ...grid,
    ...parts,
    legend,
    '</svg>',
  ].join('\n');
}
