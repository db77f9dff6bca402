/**
 * User derivative rules (issue 14): `/** @jvp NAME *\/` and `/** @vjp NAME *\/` on module-level
 * functions give NAME's derivatives wherever differentiated code calls it. Checked: a function
 * of a JavaScript library known only by its `.d.ts` (erf) in both modes against central
 * differences and forward against reverse; a rule overriding a body (its derivative is the
 * rule's, not the body's, in both modes); a rule written in another file than the calls; a
 * probit regression trained by gradient descent through erf; the errors (a mode without its
 * rule, shapes, exports, unknown names, second order) and `adc graph`.
 */
import { compileSources, formatDiagnostic, graphFunction, GraphInputError } from '../compiler';
import { loadModule, type Module } from './support/load';

/** erf to about 1e-15 (Taylor series; |x| ≤ 3 here), as a library written in JavaScript would give it. */
const special: Module = {
  erf(x: number): number {
    let term = x;
    let sum = x;
    for (let n = 1; n < 80; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  },
};

const specialTypes = `export declare function erf(x: number): number;\n`;

const erfRules = `
/** @jvp erf */
export function erf_jvp(x: number, dx: number) {
  return { value: erf(x), tangent: (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * dx };
}

/** @vjp erf */
export function erf_vjp(x: number, cotangent: number) {
  return { value: erf(x), grads: [(2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * cotangent] as [number] };
}
`;

/** Compiles the sources (`/src/<name>.ts`), loads `main.grad.ts` with the sources and `special` as its siblings. */
function compile(sources: Record<string, string>): { m: Module; text: string } {
  const files = Object.fromEntries(Object.entries(sources).map(([k, v]) => [`/src/${k}`, v]));
  const { files: out, diagnostics } = compileSources(files);
  if (diagnostics.length > 0) throw new Error(diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
  const main = out.find((f) => f.path === '/src/main.grad.ts')!;
  const siblings: Record<string, Module> = { special };
  for (const name of Object.keys(sources).filter((n) => !n.endsWith('.d.ts'))) siblings[name.replace(/\.ts$/, '')] = loadModule(sources[name], siblings, name);
  return { m: loadModule(main.text, siblings, 'main.grad.ts'), text: main.text };
}

function errorsOf(sources: Record<string, string>): string[] {
  const files = Object.fromEntries(Object.entries(sources).map(([k, v]) => [`/src/${k}`, v]));
  return compileSources(files).diagnostics.map((d) => formatDiagnostic(d).split('\n')[0]);
}

function central(f: (x: number) => number, x: number, h = 1e-5): number {
  return (f(x + h) - f(x - h)) / (2 * h);
}

describe('user rules', () => {
  const model = `
import { erf } from './special';
${erfRules}
/** @differentiable */
export function probitMix(a: number, b: number): number {
  const p = 0.5 * (1 + erf(a / Math.SQRT2));
  return p * b + erf(a * b) * erf(b);
}
`;

  it('differentiate a function of a JavaScript library known by its .d.ts, in both modes', () => {
    const { m, text } = compile({ 'special.d.ts': specialTypes, 'main.ts': model });
    expect(text).toContain('import { erf } from "./special";\nimport { erf_jvp, erf_vjp } from "./main";');
    const primal = loadModule(model, { special }, 'main.ts').probitMix as (a: number, b: number) => number;
    for (const [a, b] of [
      [0.3, -0.7],
      [-1.2, 0.4],
      [0.9, 1.1],
    ]) {
      const da = central((t) => primal(t, b), a);
      const db = central((t) => primal(a, t), b);
      const g = m.probitMix_grad(a, b);
      expect(g.value).toBe(primal(a, b));
      expect(g.grads[0]).toBeCloseTo(da, 8);
      expect(g.grads[1]).toBeCloseTo(db, 8);
      // forward against reverse: ⟨J·v, w⟩ = ⟨v, Jᵀ·w⟩
      const v = [0.6, -1.3];
      const w = 0.7;
      const jv = m.probitMix_jvp(a, b, v[0], v[1]).tangent;
      const jtw = m.probitMix_vjp(a, b, w).grads;
      expect(jv * w).toBeCloseTo(v[0] * jtw[0] + v[1] * jtw[1], 12);
    }
  });

  it('override the derivative of a function with a body, in both modes (the body still gives the value)', () => {
    // A straight-through estimator: round's derivative taken to be 1 instead of 0.
    const source = `
export function roundTo(x: number): number {
  return Math.round(x);
}
/** @jvp roundTo */
export function roundTo_jvp(x: number, dx: number) {
  return { value: roundTo(x), tangent: dx };
}
/** @vjp roundTo */
export function roundTo_vjp(x: number, cotangent: number) {
  return { value: roundTo(x), grads: [cotangent] as [number] };
}
/** @differentiable */
export function quantised(x: number): number {
  return roundTo(x * 4) * x;
}
`;
    const { m, text } = compile({ 'main.ts': source });
    expect(text).not.toContain('Math.round');
    const x = 0.8;
    // d/dx [round(4x) · x] with round' = 1: 4x + round(4x)
    expect(m.quantised_grad(x)).toEqual({ value: 3 * x, grads: [4 * x + 3] });
    expect(m.quantised_jvp(x, 1).tangent).toBe(4 * x + 3);
  });

  it('apply a rule written in another file of the project to every call of the function', () => {
    const rules = `import { erf } from './special';\n${erfRules}`;
    const main = `
import { erf as gaussError } from './special';
/** @differentiable */
export function f(x: number): number {
  return gaussError(x * x);
}
`;
    const { m, text } = compile({ 'special.d.ts': specialTypes, 'rules.ts': rules, 'main.ts': main });
    expect(text).toContain('import { erf_jvp, erf_vjp } from "./rules";');
    const x = 0.7;
    const expected = (2 / Math.sqrt(Math.PI)) * Math.exp(-(x ** 4)) * 2 * x;
    expect(m.f_grad(x).grads[0]).toBeCloseTo(expected, 14);
    expect(m.f_jvp(x, 1).tangent).toBeCloseTo(expected, 14);
  });

  it('apply to a function with rules passed as an argument (integrate(erf, 0, s))', () => {
    const main = `
import { erf } from './special';
${erfRules}
function midpoint(f: (x: number) => number, a: number, b: number, n = 64): number {
  const h = (b - a) / n;
  let s = 0;
  for (let i = 0; i < n; i++) s += f(a + (i + 0.5) * h);
  return s * h;
}
/** ∫₀ˢ erf by the midpoint rule. @differentiable */
export function area(s: number): number {
  return midpoint(erf, 0, s);
}
`;
    const { m } = compile({ 'special.d.ts': specialTypes, 'main.ts': main });
    const primal = (s: number) => {
      let total = 0;
      for (let i = 0; i < 64; i++) total += special.erf(((i + 0.5) * s) / 64);
      return (total * s) / 64;
    };
    for (const s of [0.4, 1.3]) {
      expect(Math.abs(m.area_grad(s).grads[0] - central(primal, s))).toBeLessThan(1e-9);
      expect(m.area_jvp(s, 1).tangent).toBeCloseTo(m.area_grad(s).grads[0], 14);
    }
  });

  it('train a probit regression through erf by gradient descent', () => {
    const source = `
import { erf } from './special';
${erfRules}
/** Negative log-likelihood of labels ys ∈ {0, 1} under P(y = 1 | x) = Φ(w·x + b). @differentiable wrt(w, b) */
export function probitNll(w: number, b: number, xs: readonly number[], ys: readonly number[]): number {
  let nll = 0;
  for (let i = 0; i < xs.length; i++) {
    const p = 0.5 * (1 + erf((w * xs[i] + b) / Math.SQRT2));
    nll -= ys[i] * Math.log(p) + (1 - ys[i]) * Math.log(1 - p);
  }
  return nll / xs.length;
}
`;
    const { m } = compile({ 'special.d.ts': specialTypes, 'main.ts': source });
    // Labels drawn from the model with w = 2, b = -0.5 (a fixed pseudo-random sequence).
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < 400; i++) {
      const x = rand() * 4 - 2;
      xs.push(x);
      ys.push(rand() < 0.5 * (1 + special.erf((2 * x - 0.5) / Math.SQRT2)) ? 1 : 0);
    }
    let w = 0;
    let b = 0;
    const first = m.probitNll_grad(w, b, xs, ys).value;
    let last = first;
    for (let step = 0; step < 300; step++) {
      const g = m.probitNll_grad(w, b, xs, ys);
      last = g.value;
      w -= 0.5 * g.grads[0];
      b -= 0.5 * g.grads[1];
    }
    expect(last).toBeLessThan(first);
    expect(w).toBeGreaterThan(1.4);
    expect(w).toBeLessThan(2.8);
    expect(Math.abs(b + 0.5)).toBeLessThan(0.35);
    // at the optimum the gradient vanishes
    const g = m.probitNll_grad(w, b, xs, ys).grads;
    expect(Math.hypot(g[0], g[1])).toBeLessThan(1e-3);
  });

  it('need only the rules of the modes a call is differentiated in: an inactive call needs none', () => {
    const source = `
import { erf } from './special';
/** @jvp erf */
export function erf_jvp(x: number, dx: number) {
  return { value: erf(x), tangent: (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * dx };
}
/** @differentiable wrt(x) */
export function f(x: number, c: number): number {
  return x * erf(c);
}
`;
    const { m } = compile({ 'special.d.ts': specialTypes, 'main.ts': source });
    expect(m.f_grad(2, 0.5).grads[0]).toBe(special.erf(0.5));
  });

  describe('errors', () => {
    const use = `
/** @differentiable */
export function f(x: number): number {
  return erf(x) * 2;
}
`;
    it('a rule for one mode only, at a use in the other, naming the missing tag', () => {
      const source = `import { erf } from './special';\n${erfRules.slice(0, erfRules.indexOf('/** @vjp'))}${use}`;
      expect(errorsOf({ 'special.d.ts': specialTypes, 'main.ts': source })).toEqual([
        `/src/main.ts:11:3: error ADC124: 'erf' has a @jvp rule but no @vjp rule, and reverse mode (f_vjp, f_grad) differentiates this call: write a module-level function tagged /** @vjp erf */ (see "Your own derivative rules" in the README)`,
      ]);
    });

    it('rules of the wrong shape, not exported, or naming no function', () => {
      const source = `import { erf } from './special';
/** @jvp erf */
export function erf_jvp(x: number) {
  return { value: erf(x), tangent: 1 };
}
/** @vjp erf */
function erf_vjp(x: number, cotangent: number) {
  return { value: erf(x), grads: [cotangent] };
}
/** @vjp erff */
export function other(x: number, c: number) {
  return { value: x, grads: [c] };
}
${use}`;
      expect(errorsOf({ 'special.d.ts': specialTypes, 'main.ts': source })).toEqual([
        `/src/main.ts:2:5: error ADC123: invalid @jvp rule 'erf_jvp': it takes 1 parameter(s) where it needs 2: erf's 1 parameter(s), then one tangent for each`,
        `/src/main.ts:6:5: error ADC123: invalid @vjp rule 'erf_vjp': export it: generated code imports it`,
        `/src/main.ts:10:5: error ADC123: invalid @vjp rule 'other': no function 'erff' is in scope here: import it, or declare it`,
      ]);
      const noTangent = `import { erf } from './special';\n/** @jvp erf */\nexport function j(x: number, dx: number) {\n  return { value: erf(x), dx };\n}\n`;
      expect(errorsOf({ 'special.d.ts': specialTypes, 'main.ts': noTangent })).toEqual([
        `/src/main.ts:2:5: error ADC123: invalid @jvp rule 'j': it must return { value; tangent } (the value and the tangent), and its result has no 'tangent'`,
      ]);
    });

    it('a function with a body that is not exported', () => {
      const source = `function sq(x: number): number {\n  return x * x;\n}\n/** @jvp sq */\nexport function sq_jvp(x: number, dx: number) {\n  return { value: sq(x), tangent: 2 * x * dx };\n}\n/** @differentiable */\nexport function f(x: number): number {\n  return sq(x);\n}\n`;
      expect(errorsOf({ 'main.ts': source })).toEqual([`/src/main.ts:4:5: error ADC123: invalid @jvp rule 'sq_jvp': export 'sq': generated code imports it`]);
    });

    it('second order through a rule', () => {
      const source = `import { erf } from './special';\n${erfRules}\n/** @differentiable hessian */\nexport function f(x: number): number {\n  return erf(x) * x;\n}\n`;
      const errors = errorsOf({ 'special.d.ts': specialTypes, 'main.ts': source });
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        /error ADC122: no second derivatives \('hessian'\) for f: it calls 'erf', whose derivatives are user rules \(@jvp, @vjp\): second order through a user rule is not supported/,
      );
    });
  });

  it('adc graph draws the call as a box, and cannot run it at a point', () => {
    const sources = { '/src/special.d.ts': specialTypes, '/src/main.ts': model };
    const r = graphFunction({ file: '/src/main.ts', name: 'probitMix', sources });
    expect('dot' in r && r.dot).toContain('erf(…)');
    expect(() => graphFunction({ file: '/src/main.ts', name: 'probitMix', sources, at: 'a=1,b=2' })).toThrow(GraphInputError);
  });
});
