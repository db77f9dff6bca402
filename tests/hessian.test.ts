/**
 * Second order (`@differentiable hessian`): `f_hvp` and `f_hessian`.
 *
 * Checked against what must hold whatever the function: the Hessian of Rosenbrock's function
 * against its formula; on functions with loops, branches, calls, arrays, typed arrays, data
 * parameters and `wrt`, H·v against central differences of `f_grad` along v, the gradient and
 * value of `f_hvp` against `f_grad`, `f_hessian` symmetric and its columns the products with unit
 * vectors; `out` filled in place; the errors. Random programs of the supported subset (the
 * generators of property.test.ts) check the same on many more shapes of code.
 */
import fc from 'fast-check';
import { compileSources, formatDiagnostic } from '../compiler';
import { loadModule, type Module } from './support/load';
import { printProgram } from './support/program-text';
import { programArb } from './support/programs';
import { propertySeed } from './support/seed';

function compile(source: string): Module {
  const { files, diagnostics } = compileSources({ '/src/main.ts': source });
  if (diagnostics.length > 0) throw new Error(diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
  return loadModule(files[0].text, {}, 'main.grad.ts');
}

function errorsOf(source: string): string[] {
  return compileSources({ '/src/main.ts': source }).diagnostics.map((d) => formatDiagnostic(d).split('\n')[0]);
}

type Args = (number | number[] | Float64Array)[];
type Grads = (number | ArrayLike<number>)[];

/** Every differentiated coordinate of `args` (positions `wrt`) as a flat list, and back. */
function flat(xs: Grads): number[] {
  return xs.flatMap((x) => (typeof x === 'number' ? [x] : Array.from(x)));
}

/** args + h·v, v given per differentiated parameter. */
function along(args: Args, wrt: readonly number[], v: Grads, h: number): Args {
  return args.map((a, i) => {
    const k = wrt.indexOf(i);
    if (k < 0) return a;
    const d = v[k];
    if (typeof a === 'number') return a + h * (d as number);
    const moved = Array.from(a, (x, j) => x + h * (d as ArrayLike<number>)[j]);
    return a instanceof Float64Array ? Float64Array.from(moved) : moved;
  });
}

/** Central difference of f_grad along v, with Richardson extrapolation (error O(h⁴)). */
function gradDifference(m: Module, name: string, args: Args, wrt: readonly number[], v: Grads): number[] {
  const g = (h: number) => flat(m[`${name}_grad`](...along(args, wrt, v, h)).grads);
  const d = (h: number) => g(h).map((x, i) => (x - g(-h)[i]) / (2 * h));
  const h = 1e-3;
  const [a, b] = [d(h), d(h / 2)];
  return b.map((x, i) => (4 * x - a[i]) / 3);
}

function expectClose(actual: readonly number[], expected: readonly number[], rtol: number): void {
  const scale = Math.max(1, ...expected.map(Math.abs));
  expect(actual).toHaveLength(expected.length);
  actual.forEach((x, i) => expect(Math.abs(x - expected[i])).toBeLessThanOrEqual(rtol * scale));
}

/** The checks that hold for any f: see the file's comment. */
function checkSecondOrder(m: Module, name: string, args: Args, wrt: readonly number[], v: Grads): void {
  const r = m[`${name}_hvp`](...args, ...v);
  const g = m[`${name}_grad`](...args);
  expect(r.value).toBe(g.value);
  expectClose(flat(r.grads), flat(g.grads), 1e-12);
  expectClose(flat(r.hvp), gradDifference(m, name, args, wrt, v), 1e-6);
  const H: Float64Array[] = m[`${name}_hessian`](...args);
  const n = flat(g.grads).length;
  expect(H).toHaveLength(n);
  const scale = Math.max(1, ...H.flatMap((row) => Array.from(row, Math.abs)));
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(Math.abs(H[i][j] - H[j][i])).toBeLessThanOrEqual(1e-12 * scale);
  // H·v from the dense Hessian
  const vs = flat(v);
  expectClose(
    H.map((row) => row.reduce((s, h, j) => s + h * vs[j], 0)),
    flat(r.hvp),
    1e-12,
  );
}

describe('f_hvp and f_hessian', () => {
  it('give Rosenbrock’s Hessian, a tridiagonal matrix known in closed form', () => {
    const m = compile(`
/** @differentiable hessian */
export function rosenbrock(x: number[]): number {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    s += 100 * a * a + b * b;
  }
  return s;
}`);
    const x = [1.2, -0.7, 0.4, 2.0, -1.1];
    const H: Float64Array[] = m.rosenbrock_hessian(x);
    const n = x.length;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let e = 0;
        if (i === j) e = (i < n - 1 ? 1200 * x[i] ** 2 - 400 * x[i + 1] + 2 : 0) + (i > 0 ? 200 : 0);
        else if (Math.abs(i - j) === 1) e = -400 * x[Math.min(i, j)];
        expect(H[i][j]).toBeCloseTo(e, 9);
      }
    checkSecondOrder(m, 'rosenbrock', [x], [0], [[0.3, -1, 0.5, 0.25, 2]]);
  });

  it('hold on loops, branches, calls, a data parameter and wrt', () => {
    const m = compile(`
function bump(u: number, w: number): number {
  return w * Math.exp(-u * u) + Math.log1p(u * u);
}
/** @differentiable wrt(x, c) hessian */
export function energy(x: number[], c: number, steps: number): number {
  let e = 0;
  for (let k = 0; k < steps; k++) {
    for (let i = 0; i < x.length; i++) {
      const u = x[i] * c - k;
      if (u > 0) e += bump(u, c) * Math.sin(x[i]);
      else e += Math.cosh(u) / (1 + c * c);
    }
  }
  return e * Math.sqrt(1 + c * c);
}`);
    for (const [x, c] of [
      [[0.3, -0.8, 1.4], 0.7],
      [[2.1, 0.05, -1.3], -1.2],
    ] as [number[], number][])
      checkSecondOrder(m, 'energy', [x, c, 3], [0, 1], [[1, -0.5, 0.25], 0.5]);
    // the tangent of the data parameter is not an argument
    expect(m.energy_hvp.length).toBe(6);
  });

  it('hold with typed arrays and several parameters, and a zero direction for one of them', () => {
    const m = compile(`
/** @differentiable hessian */
export function fit(p: Float64Array, s: number, ts: Float64Array): number {
  let r2 = 0;
  for (let i = 0; i < ts.length; i++) {
    const r = p[0] * Math.exp(-p[1] * ts[i]) * Math.cos(p[2] * ts[i]) - s * ts[i];
    r2 += r * r;
  }
  return r2 / ts.length + 0.01 * s ** 4;
}`);
    const p = Float64Array.of(2, 0.3, 3);
    const ts = Float64Array.from({ length: 7 }, (_, i) => i * 0.4);
    checkSecondOrder(m, 'fit', [p, 0.4, ts], [0, 1, 2], [Float64Array.of(0.2, -0.1, 0.3), 0, Float64Array.of(1, 0, 0, 0, 0, 0, -1)]);
    checkSecondOrder(m, 'fit', [p, 0.4, ts], [0, 1, 2], [new Float64Array(3), 1, new Float64Array(7)]);
  });

  it('hold where a helper has the name of a runtime member (tape, ret)', () => {
    // (found by the random programs: renaming the second pass's functions renamed adc.tape too)
    const m = compile(`
function tape(a: number, b: number): number {
  return a * Math.sin(b);
}
/** @differentiable hessian */
export function f(x: number, y: number): number {
  let s = 0;
  for (let i = 0; i < 3; i++) s += tape(x, y * i);
  return s * x;
}`);
    checkSecondOrder(m, 'f', [0.7, -0.4], [0, 1], [1, 0.5]);
  });

  it('fill out in place and return it', () => {
    const m = compile(`
/** @differentiable hessian */
export function q(x: number[], y: number): number {
  return x[0] * x[1] * y + y * y * x[0];
}`);
    const out = { value: 0, grads: [[0, 0], 0] as [number[], number], hvp: [[0, 0], 0] as [number[], number] };
    const [gx, hx] = [out.grads[0], out.hvp[0]];
    const r = m.q_hvp([1, 2], 3, [1, 0], 0, out);
    expect(r).toBe(out);
    expect(out.grads[0]).toBe(gx);
    expect(out.hvp[0]).toBe(hx);
    // q = x0 x1 y + y² x0: ∇ = (x1 y + y², x0 y, x0 x1 + 2 x0 y); H e_x0 = (0, y, x1 + 2y)
    expect(out).toEqual({ value: 15, grads: [[15, 3], 8], hvp: [[0, 3], 8] });
    // (a direction has its parameter's length: a shorter one is an error, not a silent NaN)
    expect(() => m.q_hvp([1, 2], 3, [1], 0)).toThrow(new RangeError('the direction for x must have its length'));
    expect(() => m.q_hvp([1, 2], 3, [1, 0, 0], 0, out)).toThrow(RangeError);
  });

  it('are errors with a reason where they cannot be made', () => {
    expect(
      errorsOf(`/** @differentiable hessian */
export function v(x: number): number[] { return [x * x, x]; }`),
    ).toEqual([
      "/src/main.ts:1:5: error ADC122: no second derivatives ('hessian') for v: a Hessian needs a number result (for an array result, v_jacobian has the first derivatives)",
    ]);
    expect(
      errorsOf(`/** @differentiable hessian */
export function o(p: { W: number[][]; b: number }): number { return p.W[0][0] * p.b; }`)[0],
    ).toContain(
      "error ADC122: no second derivatives ('hessian') for o: not supported yet: the parameter 'p' holds a matrix, an array of objects, an optional number or data (second order takes objects of numbers and numeric arrays)",
    );
  });

  it('hold through recursive helpers: power(x·y, n) = (x·y)ⁿ, and a mutual recursion', () => {
    const m = compile(`function power(x: number, n: number): number { return n <= 0 ? 1 : x * power(x, n - 1); }
function even(x: number, n: number): number { return n <= 0 ? x * x : odd(2 * x, n - 1); }
function odd(x: number, n: number): number { return n <= 0 ? x : even(x + 1, n - 1); }
/** @differentiable wrt(x, y) hessian */
export function p(x: number, y: number, n: number): number { return power(x * y, n) + even(y, 3); }`);
    // even(y, 3) = odd(2y, 2) = even(2y + 1, 1) = odd(4y + 2, 0) = 4y + 2: no second derivative.
    const [x, y, n] = [0.7, 1.3, 4];
    const u = x * y;
    const d2 = n * (n - 1) * u ** (n - 2);
    const expected = [
      [d2 * y * y, d2 * x * y + n * u ** (n - 1)],
      [d2 * x * y + n * u ** (n - 1), d2 * x * x],
    ];
    const H: Float64Array[] = m.p_hessian(x, y, n);
    H.forEach((row, i) => row.forEach((h, j) => expect(h).toBeCloseTo(expected[i][j], 12)));
    expect(m.p_hvp(x, y, n, 1, -1).grads).toEqual(m.p_grad(x, y, n).grads);
  });

  it('hold through helpers returning arrays: Σ (xᵢ²)² has H = diag(12 xᵢ²)', () => {
    const m = compile(`function squares(x: number[]): number[] { return x.map((v) => v * v); }
/** @differentiable hessian */
export function q(x: number[]): number { const sq = squares(x); let s = 0; for (const v of sq) s += v * v; return s; }`);
    const x = [0.5, -1.5, 2];
    const H: Float64Array[] = m.q_hessian(x);
    H.forEach((row, i) => row.forEach((h, j) => expect(h).toBeCloseTo(i === j ? 12 * x[i] ** 2 : 0, 12)));
    expect(m.q_hvp(x, [1, 2, 3]).hvp[0]).toEqual([3, 54, 144]);
  });
});

describe('on random programs of the supported subset', () => {
  it('f_hvp and f_hessian agree with f_grad, with central differences of f_grad and with each other', () => {
    let checked = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        programArb.filter((p) => p.objects === null && p.params <= 4),
        fc.array(fc.double({ min: -1.5, max: 1.5, noNaN: true }), { minLength: 8, maxLength: 8 }),
        (p, point) => {
          const text = printProgram(p);
          const files = {
            ...text.files,
            '/src/main.ts': text.files['/src/main.ts'].replace(/@differentiable( wrt\([^)]*\))?\s*\*\/\s*export function f\(/, (m) =>
              m.replace('@differentiable', '@differentiable hessian'),
            ),
          };
          const { files: out, diagnostics } = compileSources(files);
          const refusal = diagnostics.find((d) => d.code === 'ADC122');
          if (refusal) {
            expect(refusal.message).toMatch(/adc cannot yet differentiate its forward mode a second time|not supported yet/);
            refused++;
            return;
          }
          expect(diagnostics.map((d) => formatDiagnostic(d))).toEqual([]);
          const siblings: Record<string, Module> = {};
          const m = loadModule(out.find((f) => f.source === '/src/main.ts')!.text, siblings, 'main.grad.ts');
          const x = point.slice(0, text.params);
          const v = text.wrt.map((_, k) => point[7 - k]);
          const g = m.f_grad(...x);
          if (!flat(g.grads).every(Number.isFinite) || !Number.isFinite(g.value)) return;
          const r = m.f_hvp(...x, ...v);
          // (equal, but a zero's sign is not kept: f_hvp's value is an adjoint, summed from +0)
          expect(r.value === g.value).toBe(true);
          expectClose(flat(r.grads), flat(g.grads), 1e-9);
          const H: Float64Array[] = m.f_hessian(...x);
          const hv = H.map((row) => row.reduce((s, h, j) => s + h * v[j], 0));
          if (flat(r.hvp).every(Number.isFinite) && hv.every(Number.isFinite)) expectClose(hv, flat(r.hvp), 1e-9);
          checked++;
        },
      ),
      { numRuns: 40, seed: propertySeed() },
    );
    expect(checked).toBeGreaterThan(15);
    expect(refused).toBeLessThan(checked);
  });
});
