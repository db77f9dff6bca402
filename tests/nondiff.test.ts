/**
 * `/** @nondiff *\/` (issue 14): a function whose result is a constant for differentiation, as
 * JAX's `stop_gradient`. Checked against the derivatives worked out by hand with the tagged
 * call held constant (finite differences would see through it): first order in both modes,
 * second order (its primal copy in the second pass keeps the tag), `adc graph`'s numbers,
 * and the error where the call would be inlined.
 */
import { compileSources, formatDiagnostic, graphFunction } from '../compiler';
import { loadModule, type Module } from './support/load';

const source = `
/** The value itself, as a constant for derivatives. @nondiff */
function stopGradient(v: number): number {
  return v;
}

/** @nondiff */
function norm(xs: number[]): number {
  let s = 0;
  for (const v of xs) s += v * v;
  return Math.sqrt(s);
}

/** x · sg(x²): its derivative is sg(x²) = x², its second derivative 0. @differentiable hessian */
export function scaled(x: number): number {
  return x * stopGradient(x * x);
}

/** Σ xᵢ / sg(|x|): each partial is 1 / |x|. @differentiable */
export function normalisedSum(xs: number[]): number {
  const n = norm(xs);
  let s = 0;
  for (const v of xs) s += v / n;
  return s;
}
`;

function compile(text: string): Module {
  const { files, diagnostics } = compileSources({ '/src/main.ts': text });
  if (diagnostics.length > 0) throw new Error(diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
  return loadModule(files[0].text, {}, 'main.grad.ts');
}

describe('@nondiff', () => {
  const m = compile(source);

  it('holds the tagged call constant in reverse and forward mode', () => {
    for (const x of [3, -0.5, 1.7]) {
      expect(m.scaled_grad(x)).toEqual({ value: x ** 3, grads: [x * x] });
      expect(m.scaled_jvp(x, 2).tangent).toBe(2 * x * x);
    }
    const xs = [3, 4];
    expect(m.normalisedSum_grad(xs).grads[0]).toEqual([0.2, 0.2]);
    expect(m.normalisedSum_jvp(xs, [1, -2]).tangent).toBeCloseTo(-0.2, 15);
  });

  it('holds it constant in second order too: H = 0 for x · sg(x²)', () => {
    const r = m.scaled_hvp(3, 1);
    expect(r).toEqual({ value: 27, grads: [9], hvp: [0] });
    expect(Array.from(m.scaled_hessian(3)[0])).toEqual([0]);
  });

  it('keeps the tag on its primal copy, where the generated file is read', () => {
    const { files } = compileSources({ '/src/main.ts': source });
    expect(files[0].text).toContain('/** `stopGradient` as in main.ts, called by the derivatives above. @nondiff */');
  });

  it('adc graph draws no derivative through it', () => {
    const r = graphFunction({ file: '/src/main.ts', name: 'scaled', at: 'x=3', sources: { '/src/main.ts': source } });
    if ('diagnostics' in r) throw new Error('no graph');
    expect(r.run?.nodes.get(r.inputs[0].node)?.adjoint).toBe(9);
  });

  it('is an error on a function whose call is inlined (objects, writes into arguments)', () => {
    const { diagnostics } = compileSources({
      '/src/main.ts': `
/** @nondiff */
function lengthOf(p: { x: number; y: number }): number {
  return Math.hypot(p.x, p.y);
}
/** @differentiable */
export function f(x: number): number {
  return x / lengthOf({ x, y: 1 });
}`,
    });
    expect(diagnostics.map((d) => formatDiagnostic(d).split('\n')[0])).toEqual([
      "/src/main.ts:8:14: error ADC102: unsupported expression: calling 'lengthOf', tagged @nondiff, which takes or returns objects or functions or writes into its arguments: @nondiff works on functions of numbers and arrays returning a number or an array",
    ]);
  });
});
