/**
 * Functions as arguments (issue 14): a callee taking a function is specialised, at each call,
 * for the function passed there. Checked against closed forms (finite differences are the
 * fixtures' job: fixtures/functions/*): a Runge–Kutta integrator of y' = −k·y, whose value and
 * derivative in k are polynomials in k·h; Newton's method, whose converged root has the
 * implicit-function derivative; a double integral whose inner integrand captures the outer
 * variable; an arrow seeing the caller's variable where the callee declares one of the same name;
 * and the errors at arguments that are not functions known at build time.
 */
import { compileSources, formatDiagnostic } from '../compiler';
import { loadModule, type Module } from './support/load';

const source = `
type Rhs = (t: number, y: number) => number;

function rk4(f: Rhs, t: number, y: number, h: number): number {
  const k1 = f(t, y);
  const k2 = f(t + h / 2, y + (h / 2) * k1);
  const k3 = f(t + h / 2, y + (h / 2) * k2);
  const k4 = f(t + h, y + h * k3);
  return y + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
}

/** y' = −k·y over n steps of h. @differentiable */
export function decay(k: number, y0: number, h: number, n: number): number {
  let y = y0;
  for (let i = 0; i < n; i++) y = rk4((_t, u) => -k * u, i * h, y, h);
  return y;
}

function newton(f: (x: number) => number, df: (x: number) => number, x0: number): number {
  let x = x0;
  for (let i = 0; i < 60; i++) {
    const step = f(x) / df(x);
    x -= step;
    if (Math.abs(step) < 1e-15) break;
  }
  return x;
}

/** The root of x³ + p·x − q. @differentiable */
export function root(p: number, q: number): number {
  return newton((x) => x * x * x + p * x - q, (x) => 3 * x * x + p, 1);
}

function midpoint(f: (x: number) => number, a: number, b: number, n = 4): number {
  const h = (b - a) / n;
  let s = 0;
  for (let i = 0; i < n; i++) s += f(a + (i + 0.5) * h);
  return s * h;
}

/** ∫₀ˢ ∫₀ˢ c·u·v dv du = c·s⁴/4 (the midpoint rule is exact on a linear integrand). @differentiable */
export function plane(c: number, s: number): number {
  return midpoint((u) => midpoint((v) => c * u * v, 0, s), 0, s);
}

/** The arrow's h is the caller's, though midpoint declares an h of its own. @differentiable */
export function shadowed(h: number): number {
  return midpoint((x) => h * x, 0, 1, 2);
}
`;

function compile(text: string): Module {
  const { files, diagnostics } = compileSources({ '/src/main.ts': text });
  if (diagnostics.length > 0) throw new Error(diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
  return loadModule(files[0].text, {}, 'main.grad.ts');
}

function errorsOf(text: string): string[] {
  return compileSources({ '/src/main.ts': text }).diagnostics.map((d) => formatDiagnostic(d).split('\n')[0]);
}

describe('functions as arguments', () => {
  const m = compile(source);

  it('differentiates an RK4 integrator with respect to a parameter its right-hand side captures', () => {
    // One step multiplies y by R(z) = 1 + z + z²/2 + z³/6 + z⁴/24, z = −k·h; dR/dk = −h·R′(z).
    const R = (z: number) => 1 + z + z ** 2 / 2 + z ** 3 / 6 + z ** 4 / 24;
    const dR = (z: number) => 1 + z + z ** 2 / 2 + z ** 3 / 6;
    for (const [k, y0, h, n] of [
      [2, 1.5, 0.1, 10],
      [0.7, -2, 0.05, 25],
    ]) {
      const z = -k * h;
      const r = m.decay_grad(k, y0, h, n);
      expect(r.value).toBeCloseTo(y0 * R(z) ** n, 14);
      expect(r.grads[0]).toBeCloseTo(y0 * n * R(z) ** (n - 1) * dR(z) * -h, 13);
      expect(r.grads[1]).toBeCloseTo(R(z) ** n, 14);
      expect(m.decay_jvp(k, y0, h, n, 1, 0, 0, 0).tangent).toBeCloseTo(r.grads[0], 14);
    }
  });

  it("gives Newton's root the implicit-function derivative", () => {
    for (const [p, q] of [
      [1, 2],
      [0.5, 0.3],
    ]) {
      const r = m.root_grad(p, q);
      const x = r.value;
      expect(Math.abs(x ** 3 + p * x - q)).toBeLessThan(1e-14);
      expect(r.grads[0]).toBeCloseTo(-x / (3 * x * x + p), 13);
      expect(r.grads[1]).toBeCloseTo(1 / (3 * x * x + p), 13);
    }
  });

  it('nests a callee inside itself through the function passed (a double integral)', () => {
    for (const [c, s] of [
      [1.5, 2],
      [-0.3, 0.7],
    ]) {
      const r = m.plane_grad(c, s);
      expect(r.value).toBeCloseTo((c * s ** 4) / 4, 13);
      expect(r.grads[0]).toBeCloseTo(s ** 4 / 4, 13);
      expect(r.grads[1]).toBeCloseTo(c * s ** 3, 12);
    }
  });

  it("reads the caller's variables in the function passed, not the callee's of the same name", () => {
    expect(m.shadowed_grad(3)).toEqual({ value: 1.5, grads: [0.5] });
  });

  it('says how to pass a function known at build time', () => {
    const head = `function apply(f: (x: number) => number, x: number): number { return f(x); }
function sq(x: number): number { return x * x; }
`;
    const made = `${head}function either(f: (x: number) => number): (x: number) => number { return f; }
/** @differentiable */ export function g(x: number): number { return apply(either(sq), x); }`;
    expect(errorsOf(made)).toEqual([
      `/src/main.ts:4:76: error ADC104: 'either(sq)' passed to 'apply' as 'f' is not a function known where it is written (an arrow, a local or module-level function, a Math function, or a choice of them by ?:): write the function it returns as an arrow here`,
    ]);
    expect(errorsOf(`${head}/** @differentiable */ export function g(f: (x: number) => number, x: number): number { return apply(f, x); }`)).toEqual([
      "/src/main.ts:3:42: error ADC103: parameter 'f' has type '(x: number) => number', a function: a differentiated function takes numbers and data, not functions; mark a function that passes one instead (`/** @differentiable */ function loss(k: number) { return g((x) => k * x, …); }`)",
    ]);
    // (a function that really calls itself through the function it passes is still recursion)
    expect(
      errorsOf(`function apply(f: (x: number) => number, x: number): number { return f(x); }
/** @differentiable */ export function g(x: number): number {
  function h(t: number): number { return t < 1 ? t : apply(h, t / 2); }
  return h(x);
}`)[0],
    ).toContain('ADC104');
  });
});
