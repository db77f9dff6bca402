/**
 * A small SVG plotting module for the demo, with no dependencies: a figure is a
 * title, two axes (linear or logarithmic) with ticks, grid lines and labels,
 * series of points or lines drawn inside the axes, notes, and a legend.
 *
 * Guarantees: the same figure gives the same bytes on every run (coordinates are
 * written with two decimals and no exponent, tick values are computed from
 * integers, nothing depends on time or locale); every text is XML-escaped; a
 * log axis refuses values that are not positive rather than drawing nonsense.
 */

export type Interval = readonly [number, number];

/** A series drawn as a polyline. */
export interface LineSeries {
  kind: 'line';
  /** The legend's text; an empty label keeps the series out of the legend. */
  label: string;
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  color: string;
  width?: number;
  dash?: boolean;
  opacity?: number;
}

/** A series drawn as dots. */
export interface PointSeries {
  kind: 'points';
  label: string;
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  color: string;
  radius?: number;
  opacity?: number;
}

export type Series = LineSeries | PointSeries;

export interface Axis {
  label: string;
  log?: boolean;
  /** A value the domain must include (e.g. 0); the domain is then widened to whole ticks. */
  include?: number;
}

/** A text placed just above and to the right of a point of the data. */
export interface Note {
  x: number;
  y: number;
  text: string;
  color?: string;
}

export interface Figure {
  title: string;
  subtitle?: string;
  x: Axis;
  y: Axis;
  series: readonly Series[];
  notes?: readonly Note[];
  legend?: 'top-right' | 'bottom-right' | 'top-left';
  /** As many pixels per unit on both axes (a trajectory keeps its shape): the height follows from the width. */
  equalAspect?: boolean;
  width?: number;
  height?: number;
}

/** Colours that stay distinguishable for colour-blind readers (Okabe and Ito). */
export const palette = {
  blue: '#0072B2',
  vermillion: '#D55E00',
  green: '#009E73',
  orange: '#E69F00',
  purple: '#CC79A7',
  sky: '#56B4E9',
  grey: '#7A7A7A',
} as const;

// ---------------------------------------------------------------- scales and ticks

/** v ↦ r0 + (v − d0)·(r1 − r0)/(d1 − d0). */
export function linearScale(domain: Interval, range: Interval): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** The linear scale of log10 v: each power of ten takes the same length. */
export function logScale(domain: Interval, range: Interval): (v: number) => number {
  if (!(domain[0] > 0 && domain[1] > 0)) throw new Error(`a log scale needs a positive domain, got [${domain[0]}, ${domain[1]}]`);
  const linear = linearScale([Math.log10(domain[0]), Math.log10(domain[1])], range);
  return (v) => linear(Math.log10(v));
}

/** A round step (1, 2 or 5 times a power of ten) cutting `span` into about `count` parts. */
export function niceStep(span: number, count: number): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * power;
}

export interface Ticks {
  /** The axis' domain, widened to whole ticks. */
  domain: Interval;
  /** Labelled ticks. */
  major: number[];
  /** Unlabelled grid lines between them (log axes: 2·10ᵏ … 9·10ᵏ). */
  minor: number[];
  label(v: number): string;
}

/** Ticks at multiples of a round step, covering [lo, hi]. */
export function linearTicks(lo: number, hi: number, count = 6): Ticks {
  if (lo === hi) [lo, hi] = lo === 0 ? [-1, 1] : [lo - Math.abs(lo) / 2, hi + Math.abs(hi) / 2];
  const step = niceStep(hi - lo, count);
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  // k·step computed from the integer k, then rounded to the step's decimals: no 0.30000000000000004.
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const at = (k: number) => Number((k * step).toFixed(decimals));
  const major: number[] = [];
  for (let k = first; k <= last; k++) major.push(at(k));
  return { domain: [at(first), at(last)], major, minor: [], label: (v) => fixed(v, decimals).replace('-', '−') };
}

/** Ticks at the powers of ten covering [lo, hi] (both positive), at least one decade. */
export function logTicks(lo: number, hi: number): Ticks {
  if (!(lo > 0 && hi > 0)) throw new Error(`a log axis needs positive values, got [${lo}, ${hi}]`);
  const first = Math.floor(Math.log10(lo) + 1e-9);
  const last = Math.max(first + 1, Math.ceil(Math.log10(hi) - 1e-9));
  const major: number[] = [];
  const minor: number[] = [];
  for (let k = first; k <= last; k++) {
    major.push(10 ** k);
    if (k < last) for (let m = 2; m <= 9; m++) minor.push(m * 10 ** k);
  }
  return { domain: [10 ** first, 10 ** last], major, minor, label: (v) => powerOfTen(Math.round(Math.log10(v))) };
}

const superscript: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** 10ᵏ as text: powerOfTen(-3) = "10⁻³". */
export function powerOfTen(k: number): string {
  return `10${[...String(k)].map((c) => superscript[c]).join('')}`;
}

/** A number with at most `decimals` decimals, no exponent, no trailing zeros, never "-0". */
export function fixed(v: number, decimals = 2): string {
  let s = v.toFixed(decimals);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// ---------------------------------------------------------------- the figure

const font = `font-family="'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif"`;
const margin = { top: 72, right: 32, bottom: 66, left: 84 };

type Box = readonly [left: number, right: number, top: number, bottom: number];
type Map1 = (v: number) => number;

/** The smallest and largest value of one coordinate over all series (and `include`). */
function extent(series: readonly Series[], pick: (s: Series) => ArrayLike<number>, include: number | undefined): Interval {
  let lo = include ?? Infinity;
  let hi = include ?? -Infinity;
  for (const s of series)
    for (const v of Array.from(pick(s))) {
      if (!Number.isFinite(v)) throw new Error(`series "${s.label}" has a value that is not finite: ${v}`);
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  if (lo > hi) throw new Error('a figure needs at least one value');
  return [lo, hi];
}

function ticksFor(axis: Axis, [lo, hi]: Interval, count: number): Ticks {
  return axis.log ? logTicks(lo, hi) : linearTicks(lo, hi, count);
}

/** The whole figure as an SVG document (white background, title, grid, series, axes, notes, legend). */
export function render(fig: Figure): string {
  const width = fig.width ?? 900;
  const innerW = width - margin.left - margin.right;
  const xt = ticksFor(
    fig.x,
    extent(fig.series, (s) => s.xs, fig.x.include),
    8,
  );
  const yt = ticksFor(
    fig.y,
    extent(fig.series, (s) => s.ys, fig.y.include),
    6,
  );
  const span = (t: Ticks, log: boolean | undefined) => (log ? Math.log10(t.domain[1] / t.domain[0]) : t.domain[1] - t.domain[0]);
  const innerH = fig.equalAspect ? Math.round((innerW * span(yt, fig.y.log)) / span(xt, fig.x.log)) : (fig.height ?? 560) - margin.top - margin.bottom;
  const height = innerH + margin.top + margin.bottom;
  const box: Box = [margin.left, margin.left + innerW, margin.top, margin.top + innerH];
  const [left, , top] = box;
  const sx = (fig.x.log ? logScale : linearScale)(xt.domain, [box[0], box[1]]);
  const sy = (fig.y.log ? logScale : linearScale)(yt.domain, [box[3], box[2]]);

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${font}>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text class="title" x="${left}" y="30" font-size="20" font-weight="bold" fill="#111111">${escapeXml(fig.title)}</text>`,
  ];
  if (fig.subtitle) out.push(`<text class="subtitle" x="${left}" y="52" font-size="14" fill="#555555">${escapeXml(fig.subtitle)}</text>`);
  out.push(...grid(xt, yt, sx, sy, box));
  out.push(`<clipPath id="plot-area"><rect x="${left}" y="${top}" width="${innerW}" height="${innerH}"/></clipPath>`);
  out.push('<g clip-path="url(#plot-area)">');
  for (const s of fig.series) out.push(...drawSeries(s, sx, sy));
  out.push('</g>');
  out.push(...axes(fig, xt, yt, sx, sy, box));
  for (const n of fig.notes ?? [])
    out.push(`<text class="note" x="${fixed(sx(n.x) + 8)}" y="${fixed(sy(n.y) - 8)}" font-size="13" fill="${n.color ?? '#333333'}">${escapeXml(n.text)}</text>`);
  out.push(...legend(fig, box));
  out.push('</svg>', '');
  return out.join('\n');
}

function grid(xt: Ticks, yt: Ticks, sx: Map1, sy: Map1, [left, right, top, bottom]: Box): string[] {
  const out: string[] = ['<g class="grid" stroke-width="1">'];
  for (const v of xt.minor) out.push(`<line x1="${fixed(sx(v))}" x2="${fixed(sx(v))}" y1="${top}" y2="${bottom}" stroke="#f1f1f1"/>`);
  for (const v of yt.minor) out.push(`<line x1="${left}" x2="${right}" y1="${fixed(sy(v))}" y2="${fixed(sy(v))}" stroke="#f1f1f1"/>`);
  for (const v of xt.major) out.push(`<line x1="${fixed(sx(v))}" x2="${fixed(sx(v))}" y1="${top}" y2="${bottom}" stroke="#e3e3e3"/>`);
  for (const v of yt.major) out.push(`<line x1="${left}" x2="${right}" y1="${fixed(sy(v))}" y2="${fixed(sy(v))}" stroke="#e3e3e3"/>`);
  out.push('</g>');
  return out;
}

/** The left and bottom axis lines, ticks with their labels (class tick-x, tick-y) and the axis labels (label-x, label-y). */
function axes(fig: Figure, xt: Ticks, yt: Ticks, sx: Map1, sy: Map1, [left, right, top, bottom]: Box): string[] {
  const out: string[] = ['<g class="axes" fill="#333333" font-size="13">'];
  out.push(`<path d="M${left},${top} V${bottom} H${right}" fill="none" stroke="#333333" stroke-width="1.2"/>`);
  for (const v of xt.major) {
    const x = fixed(sx(v));
    out.push(`<line x1="${x}" x2="${x}" y1="${bottom}" y2="${bottom + 6}" stroke="#333333"/>`);
    out.push(`<text class="tick-x" x="${x}" y="${bottom + 22}" text-anchor="middle">${escapeXml(xt.label(v))}</text>`);
  }
  for (const v of yt.major) {
    const y = fixed(sy(v));
    out.push(`<line x1="${left - 6}" x2="${left}" y1="${y}" y2="${y}" stroke="#333333"/>`);
    out.push(`<text class="tick-y" x="${left - 10}" y="${y}" dy="0.35em" text-anchor="end">${escapeXml(yt.label(v))}</text>`);
  }
  out.push(`<text class="label-x" x="${fixed((left + right) / 2)}" y="${bottom + 50}" text-anchor="middle" font-size="15">${escapeXml(fig.x.label)}</text>`);
  out.push(`<text class="label-y" transform="translate(24,${fixed((top + bottom) / 2)}) rotate(-90)" text-anchor="middle" font-size="15">${escapeXml(fig.y.label)}</text>`);
  out.push('</g>');
  return out;
}

function lineStyle(s: LineSeries): string {
  const opacity = s.opacity === undefined ? '' : ` stroke-opacity="${s.opacity}"`;
  const dash = s.dash ? ' stroke-dasharray="9 6"' : '';
  return `stroke="${s.color}" stroke-width="${s.width ?? 2}"${opacity}${dash}`;
}

/** A line as one polyline, points as circles in one group; both carry their label in data-label. */
function drawSeries(s: Series, sx: Map1, sy: Map1): string[] {
  const n = Math.min(s.xs.length, s.ys.length);
  const at = (i: number) => [fixed(sx(s.xs[i])), fixed(sy(s.ys[i]))];
  const name = `data-label="${escapeXml(s.label)}"`;
  if (s.kind === 'line') {
    const points = Array.from({ length: n }, (_, i) => at(i).join(',')).join(' ');
    return [`<polyline class="series line" ${name} points="${points}" fill="none" ${lineStyle(s)} stroke-linejoin="round" stroke-linecap="round"/>`];
  }
  const out = [`<g class="series points" ${name} fill="${s.color}" fill-opacity="${s.opacity ?? 0.7}">`];
  for (let i = 0; i < n; i++) {
    const [x, y] = at(i);
    out.push(`<circle cx="${x}" cy="${y}" r="${s.radius ?? 3}"/>`);
  }
  out.push('</g>');
  return out;
}

/** A box listing the labelled series, each with a swatch drawn like the series. */
function legend(fig: Figure, [left, right, top, bottom]: Box): string[] {
  const items = fig.series.filter((s) => s.label !== '');
  if (items.length === 0) return [];
  const rowH = 22;
  // The text's width is estimated (0.56 em a character): deterministic, and wide enough for the fonts above.
  const w = 50 + Math.ceil(Math.max(...items.map((s) => [...s.label].length)) * 13 * 0.56);
  const h = items.length * rowH + 12;
  const where = fig.legend ?? 'top-right';
  const x0 = where === 'top-left' ? left + 12 : right - 12 - w;
  const y0 = where === 'bottom-right' ? bottom - 12 - h : top + 12;
  const out = [
    `<g class="legend" font-size="13" fill="#222222">`,
    `<rect x="${x0}" y="${y0}" width="${w}" height="${h}" rx="4" fill="#ffffff" fill-opacity="0.92" stroke="#cccccc"/>`,
  ];
  items.forEach((s, i) => {
    const cy = y0 + 6 + rowH * i + rowH / 2;
    if (s.kind === 'line') out.push(`<line x1="${x0 + 10}" x2="${x0 + 34}" y1="${cy}" y2="${cy}" ${lineStyle(s)}/>`);
    else out.push(`<circle cx="${x0 + 22}" cy="${cy}" r="${s.radius ?? 3}" fill="${s.color}" fill-opacity="${s.opacity ?? 0.7}"/>`);
    out.push(`<text x="${x0 + 42}" y="${cy}" dy="0.35em">${escapeXml(s.label)}</text>`);
  });
  out.push('</g>');
  return out;
}
