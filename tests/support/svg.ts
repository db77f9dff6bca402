/**
 * Reading the demo's SVG pictures back the way a reader does: from the tick
 * labels and where they sit, so a test checks what the picture says (a curve
 * drawn at the wrong height, or an axis labelled wrong, fails).
 *
 * Guarantees: `xmlProblems` lists unbalanced tags, malformed attributes and
 * unescaped text; `axis` fails unless the ticks are evenly spaced (in value,
 * or in log10 of the value for 10ⁿ labels); the readers only see elements
 * written the way examples/plot.ts writes them.
 */

/** What keeps `svg` from being well-formed XML with an <svg> root (empty when it is). */
export function xmlProblems(svg: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  let roots = 0;
  let last = 0;
  for (const m of svg.matchAll(/<[^>]*>/g)) {
    const text = svg.slice(last, m.index);
    if (/[<>]|&(?!amp;|lt;|gt;|quot;)/.test(text)) problems.push(`unescaped text: ${JSON.stringify(text)}`);
    last = m.index + m[0].length;
    const tag = m[0];
    if (tag.startsWith('</')) {
      const name = tag.slice(2, -1).trim();
      const top = open.pop();
      if (top !== name) problems.push(`</${name}> closes <${top ?? 'nothing'}>`);
      continue;
    }
    if (!/^<[a-zA-Z][\w:-]*(\s+[\w:-]+="[^"<&]*(&(amp|lt|gt|quot);[^"<&]*)*")*\s*\/?>$/.test(tag)) {
      problems.push(`malformed tag: ${tag.slice(0, 80)}`);
      continue;
    }
    const name = /^<([\w:-]+)/.exec(tag)![1];
    if (open.length === 0) {
      roots++;
      if (name !== 'svg') problems.push(`root element <${name}>`);
    }
    if (!tag.endsWith('/>')) open.push(name);
  }
  if (svg.slice(last).trim() !== '') problems.push('text after the root element');
  if (open.length > 0) problems.push(`unclosed: ${open.join(', ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

const superscripts = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const powerLabel = /^10(⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/;

/** A tick label's value: "−1.5" is -1.5, "10⁻³" is 0.001. */
export function tickValue(label: string): number {
  const power = powerLabel.exec(label);
  if (power) return 10 ** Number([...power[1]].map((c) => (c === '⁻' ? '-' : superscripts.indexOf(c))).join(''));
  return Number(label.replace('−', '-'));
}

export interface AxisReading {
  log: boolean;
  ticks: { at: number; value: number }[];
  /** The value at a pixel coordinate along this axis. */
  value(at: number): number;
}

/** The x or y axis as its tick labels show it. */
export function axis(svg: string, which: 'x' | 'y'): AxisReading {
  const found = [...svg.matchAll(new RegExp(`<text class="tick-${which}"[^>]* ${which}="([^"]+)"[^>]*>([^<]+)</text>`, 'g'))];
  if (found.length < 2) throw new Error(`fewer than two ${which} ticks`);
  const log = found.every((m) => powerLabel.test(m[2]));
  const ticks = found.map((m) => ({ at: Number(m[1]), value: tickValue(m[2]) }));
  const f = (v: number) => (log ? Math.log10(v) : v);
  const [a, b] = [ticks[0], ticks[ticks.length - 1]];
  const perPixel = (f(b.value) - f(a.value)) / (b.at - a.at);
  for (const t of ticks) {
    // Coordinates are written to 0.01 px.
    const expectedAt = a.at + (f(t.value) - f(a.value)) / perPixel;
    if (Math.abs(expectedAt - t.at) > 0.011) throw new Error(`${which} tick ${t.value} at ${t.at} is out of line with the others`);
  }
  return {
    log,
    ticks,
    value: (at) => {
      const v = f(a.value) + (at - a.at) * perPixel;
      return log ? 10 ** v : v;
    },
  };
}

/** The points of the polyline whose label starts with `label`, in data coordinates. */
export function line(svg: string, label: string): { x: number; y: number }[] {
  const m = [...svg.matchAll(/<polyline class="series line" data-label="([^"]*)" points="([^"]*)"/g)].find((p) => p[1].startsWith(label));
  if (!m) throw new Error(`no line labelled "${label}…"`);
  const [xAxis, yAxis] = [axis(svg, 'x'), axis(svg, 'y')];
  return m[2].split(' ').map((pair) => {
    const [x, y] = pair.split(',').map(Number);
    return { x: xAxis.value(x), y: yAxis.value(y) };
  });
}

/** The labels of all lines, in drawing order. */
export function lineLabels(svg: string): string[] {
  return [...svg.matchAll(/<polyline class="series line" data-label="([^"]*)"/g)].map((m) => m[1]);
}

/** The dots of the point series whose label starts with `label`, in data coordinates. */
export function dots(svg: string, label: string): { x: number; y: number }[] {
  const group = [...svg.matchAll(/<g class="series points" data-label="([^"]*)"[^>]*>([^]*?)<\/g>/g)].find((g) => g[1].startsWith(label));
  if (!group) throw new Error(`no points labelled "${label}…"`);
  const [xAxis, yAxis] = [axis(svg, 'x'), axis(svg, 'y')];
  return [...group[2].matchAll(/<circle cx="([^"]+)" cy="([^"]+)"/g)].map((c) => ({ x: xAxis.value(Number(c[1])), y: yAxis.value(Number(c[2])) }));
}

/** The text of the element with this class (title, subtitle, label-x, label-y). */
export function textOf(svg: string, cls: string): string | undefined {
  return new RegExp(`<text class="${cls}"[^>]*>([^<]*)</text>`).exec(svg)?.[1];
}
