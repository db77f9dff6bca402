/**
 * Element reads proved inside their array (3-analyze/in-bounds.ts), seen in the generated
 * gradient: a read proved inside adds its adjoint straight into the gradient element (`x_bar[t] +=`);
 * one that may be past the end starts from `?? 0` (the gradient has no element there). Neighbour
 * reads (`x[i + 1]`) are inside when the loop leaves room for them (`i < x.length - 1`,
 * `i + 1 < x.length`), and not otherwise. Values and gradients agree with central differences.
 */
import { compileSources, formatDiagnostic } from '../compiler';
import { loadModule } from './support/load';

const source = `
/** @differentiable */
export function room(x: number[]): number {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) s += x[i + 1] * x[i];
  return s;
}
/** @differentiable */
export function roomOnTheLeft(x: number[]): number {
  let s = 0;
  for (let i = 0; i + 2 < x.length; i++) s += x[i + 2] - x[i + 1] * x[i];
  return s;
}
/** @differentiable */
export function noRoom(x: number[]): number {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) s += x[i + 2] === undefined ? x[i] : x[i + 2] * x[i];
  return s;
}
`;

describe('reads proved inside their array', () => {
  const { files, diagnostics } = compileSources({ '/src/main.ts': source });
  if (diagnostics.length > 0) throw new Error(diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
  const text = files[0].text;
  const body = (name: string) => text.slice(text.indexOf(`export function ${name}_vjp(`), text.indexOf(`export function ${name}_grad(`));
  const m = loadModule(text, {}, 'main.grad.ts');
  const primal = loadModule(source, {}, 'main.ts');

  it('neighbour reads the loop leaves room for add into the gradient directly', () => {
    for (const name of ['room', 'roomOnTheLeft']) {
      expect(body(name)).not.toContain('?? 0');
      expect(body(name)).not.toContain('=== 0 ? 0');
    }
  });

  it('a read past the room keeps its guard', () => {
    expect(body('noRoom')).toContain('?? 0');
  });

  it('and the gradients are right', () => {
    const x = [0.5, -1.5, 2, 0.25, 3];
    for (const name of ['room', 'roomOnTheLeft', 'noRoom']) {
      const g: number[] = m[`${name}_grad`](x).grads[0];
      x.forEach((_, j) => {
        const [p, q] = [x.slice(), x.slice()];
        p[j] += 1e-6;
        q[j] -= 1e-6;
        expect(Math.abs(g[j] - (primal[name](p) - primal[name](q)) / 2e-6)).toBeLessThan(1e-8);
      });
    }
  });
});

// A check that two arrays have one length, at the top of the function before the loop, lets a loop
// bounded by one read the other (`if (ws.length !== xs.length) throw …`, as simple-statistics and
// gl-matrix-style code validates its inputs).
const checkedSource = `
/** @differentiable */
export function checked(xs: number[], ws: number[]): number {
  if (ws.length !== xs.length) throw new RangeError('xs and ws differ in length');
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += ws[i] * xs[i] * xs[i];
  return s;
}
/** @differentiable */
export function checkedThrough(xs: number[], ys: number[], ws: number[]): number {
  if (xs.length != ys.length) throw new Error('lengths');
  if (ys.length !== ws.length) throw new Error('lengths');
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += ws[i] * ys[i] * xs[i];
  return s;
}
/** @differentiable */
export function checkedAfter(xs: number[], ws: number[]): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += ws[i] * xs[i] * xs[i];
  if (ws.length !== xs.length) throw new RangeError('xs and ws differ in length');
  return s;
}
/** @differentiable */
export function checkedSometimes(xs: number[], ws: number[], strict: boolean): number {
  if (strict) {
    if (ws.length !== xs.length) throw new RangeError('xs and ws differ in length');
  }
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += ws[i] * xs[i] * xs[i];
  return s;
}
`;

describe('reads of an array checked to have the length of the loop’s', () => {
  const { files, diagnostics } = compileSources({ '/src/checked.ts': checkedSource });
  if (diagnostics.length > 0) throw new Error(diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
  const text = files[0].text;
  const body = (name: string) => text.slice(text.indexOf(`export function ${name}_vjp(`), text.indexOf(`export function ${name}_grad(`));
  const m = loadModule(text, {}, 'checked.grad.ts');
  const primal = loadModule(checkedSource, {}, 'checked.ts');

  it('are inside, also through a chain of checks', () => {
    for (const name of ['checked', 'checkedThrough']) {
      expect(body(name)).not.toContain('?? 0');
      expect(body(name)).not.toContain('=== 0 ? 0');
    }
  });

  it('a check after the loop, or one that may not run, proves nothing', () => {
    for (const name of ['checkedAfter', 'checkedSometimes']) expect(body(name)).toContain('?? 0');
  });

  it('the checks still throw, and the gradients are right', () => {
    expect(() => m.checked_grad([1, 2], [1])).toThrow(RangeError);
    expect(() => m.checkedThrough_grad([1, 2], [1, 2], [1])).toThrow('lengths');
    const [xs, ys, ws] = [
      [0.5, -1.5, 2],
      [1.25, 0.75, -2],
      [2, -0.5, 1.5],
    ];
    const cases: [string, number[][]][] = [
      ['checked', [xs, ws]],
      ['checkedThrough', [xs, ys, ws]],
      ['checkedAfter', [xs, ws]],
      ['checkedSometimes', [xs, ws]],
    ];
    for (const [name, args] of cases) {
      const extra = name === 'checkedSometimes' ? [true] : [];
      const grads: number[][] = m[`${name}_grad`](...args, ...extra).grads;
      args.forEach((arg, a) =>
        arg.forEach((_, j) => {
          const shifted = (h: number) => args.map((x, b) => (b === a ? x.map((v, k) => (k === j ? v + h : v)) : x));
          const fd = (primal[name](...shifted(1e-6), ...extra) - primal[name](...shifted(-1e-6), ...extra)) / 2e-6;
          expect(Math.abs(grads[a][j] - fd)).toBeLessThan(1e-8);
        }),
      );
    }
  });
});
