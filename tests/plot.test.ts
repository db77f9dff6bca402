/**
 * The demo's plotting module (examples/plot.ts) on its own: scales map the
 * domain onto the range, ticks are round numbers (log ticks powers of ten)
 * labelled without floating-point noise, and a figure is well-formed SVG that
 * reads back as the data it was given, byte for byte the same every time.
 */
import { escapeXml, fixed, linearScale, linearTicks, logScale, logTicks, niceStep, powerOfTen, render, type Figure } from '../examples/plot';
import { axis, dots, line, textOf, tickValue, xmlProblems } from './support/svg';

describe('scales', () => {
  it('a linear scale maps the domain onto the range, reversed ranges too (a y axis grows upwards)', () => {
    const s = linearScale([-2, 2], [500, 100]);
    expect([s(-2), s(0), s(2), s(1)]).toEqual([500, 300, 100, 200]);
  });

  it('a log scale gives every power of ten the same length', () => {
    const s = logScale([1e-4, 1], [400, 0]);
    expect([1e-4, 1e-3, 1e-2, 1e-1, 1].map((v) => s(v))).toEqual([400, 300, 200, 100, 0].map((v) => expect.closeTo(v, 9)));
    expect(s(Math.sqrt(10) * 1e-3)).toBeCloseTo(250, 9);
  });

  it('a log scale refuses a domain that is not positive', () => {
    expect(() => logScale([0, 1], [0, 1])).toThrow(/positive/);
  });
});

describe('ticks', () => {
  it('steps are 1, 2 or 5 times a power of ten', () => {
    expect([niceStep(6, 8), niceStep(4, 6), niceStep(1000, 8), niceStep(0.3, 3), niceStep(30, 8), niceStep(14, 6)]).toEqual([1, 0.5, 100, 0.1, 5, 2]);
  });

  it('linear ticks cover the values with whole steps and are labelled without floating-point noise', () => {
    const t = linearTicks(0.05, 0.28, 3);
    expect(t.major).toEqual([0, 0.1, 0.2, 0.3]);
    expect(t.domain).toEqual([0, 0.3]);
    expect(t.major.map(t.label)).toEqual(['0', '0.1', '0.2', '0.3']);
    const signed = linearTicks(-1.55, 1.75, 6);
    expect(signed.domain).toEqual([-2, 2]);
    expect(signed.major.map(signed.label)).toEqual(['−2', '−1.5', '−1', '−0.5', '0', '0.5', '1', '1.5', '2']);
  });

  it('log ticks are the powers of ten around the values, with the multiples between them as minor ticks', () => {
    const t = logTicks(2.05e-4, 0.355);
    expect(t.major.map((v) => Math.log10(v))).toEqual([-4, -3, -2, -1, 0].map((k) => expect.closeTo(k, 12)));
    expect(t.major.map(t.label)).toEqual(['10⁻⁴', '10⁻³', '10⁻²', '10⁻¹', '10⁰']);
    expect(t.minor).toHaveLength(4 * 8);
    expect(t.minor.slice(0, 3)).toEqual([2e-4, 3e-4, 4e-4].map((v) => expect.closeTo(v, 15)));
    expect(() => logTicks(0, 1)).toThrow(/positive/);
  });

  it('numbers are written with fixed decimals, no exponent, no trailing zeros, never -0', () => {
    expect([fixed(12.5), fixed(12), fixed(120), fixed(-0.001), fixed(1e-7), fixed(3.14159), fixed(1e6)]).toEqual(['12.5', '12', '120', '0', '0', '3.14', '1000000']);
    expect([powerOfTen(-12), powerOfTen(3)]).toEqual(['10⁻¹²', '10³']);
    expect(tickValue(powerOfTen(-12))).toBeCloseTo(1e-12, 25);
  });
});

describe('a figure', () => {
  const xs = [0, 1, 2, 3, 4];
  const figure = (): Figure => ({
    title: 'Squares & <cubes>',
    subtitle: 'a "small" test',
    x: { label: 'x' },
    y: { label: 'y = x²' },
    series: [
      { kind: 'points', label: 'squares', xs, ys: xs.map((x) => x * x), color: '#0072B2' },
      { kind: 'line', label: 'cubes / 4', xs, ys: xs.map((x) => (x * x * x) / 4), color: '#D55E00', dash: true },
    ],
  });

  it('is well-formed SVG on a white background, its texts escaped', () => {
    const svg = render(figure());
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="900" height="560"/);
    expect(svg).toContain('<rect width="900" height="560" fill="#ffffff"/>');
    expect(textOf(svg, 'title')).toBe('Squares &amp; &lt;cubes&gt;');
    expect(textOf(svg, 'subtitle')).toBe('a &quot;small&quot; test');
    expect([textOf(svg, 'label-x'), textOf(svg, 'label-y')]).toEqual(['x', 'y = x²']);
  });

  it('reads back, through its tick labels, as the data it was given', () => {
    const svg = render(figure());
    expect(dots(svg, 'squares')).toEqual(xs.map((x) => ({ x: expect.closeTo(x, 2), y: expect.closeTo(x * x, 2) })));
    expect(line(svg, 'cubes')).toEqual(xs.map((x) => ({ x: expect.closeTo(x, 2), y: expect.closeTo((x * x * x) / 4, 2) })));
    expect(svg.match(/<circle /g)).toHaveLength(xs.length + 1); // the points and the legend's swatch
  });

  it('on a log axis, reads back in powers of ten; values that are not positive are refused', () => {
    const losses = [1, 0.1, 0.03, 0.001];
    const fig: Figure = { ...figure(), y: { label: 'loss', log: true }, series: [{ kind: 'line', label: 'loss', xs: [1, 2, 3, 4], ys: losses, color: '#000000' }] };
    const svg = render(fig);
    expect(axis(svg, 'y').log).toBe(true);
    expect(line(svg, 'loss').map((p) => Math.log10(p.y))).toEqual(losses.map((v) => expect.closeTo(Math.log10(v), 3)));
    expect(() => render({ ...fig, series: [{ ...fig.series[0], ys: [1, 0, 2, 3] }] })).toThrow(/positive/);
  });

  it('with equal aspect, one unit takes as many pixels across as up', () => {
    const svg = render({ ...figure(), equalAspect: true, series: [{ kind: 'line', label: '', xs: [0, 30], ys: [0, 14], color: '#000000' }] });
    const [x, y] = [axis(svg, 'x').ticks, axis(svg, 'y').ticks];
    const perUnit = (t: { at: number; value: number }[]) => Math.abs((t[t.length - 1].at - t[0].at) / (t[t.length - 1].value - t[0].value));
    expect(perUnit(y)).toBeCloseTo(perUnit(x), 1);
    expect(svg).not.toContain('class="legend"'); // the only series has no label
  });

  it('is the same bytes every time, and escapes what it is given', () => {
    expect(render(figure())).toBe(render(figure()));
    expect(escapeXml('a<b & "c">')).toBe('a&lt;b &amp; &quot;c&quot;&gt;');
  });
});
