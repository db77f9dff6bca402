/**
 * Long left-nested chains (`a + b + c + …`, as in unrolled code) are no
 * nesting: every phase follows them in a loop, or names a value before an
 * expression grows too deep, so tens of thousands of terms compile, type-check
 * and compute the right value and gradient.
 */
import { compileSources } from '../compiler';
import { loadModule } from './support/load';
import { typeErrors } from './support/typecheck';

const source = (body: string) => `function g(t: number): number {\n  return t;\n}\n\n/** @differentiable */\nexport function f(x: number): number {\n${body}\n}\n`;

describe('long chains are not nesting', () => {
  const terms = 10_000;
  const coefficients = Array.from({ length: terms }, (_, i) => (i % 3) + 1);
  const c = coefficients.reduce((a, b) => a + b, 0);
  it.each([
    ['x + x + … + x', Array(terms).fill('x').join(' + '), (x: number) => [terms * x, terms]],
    ['1 * x + 2 * x + 3 * x + …', coefficients.map((k) => `${k} * x`).join(' + '), (x: number) => [c * x, c]],
    // A product names each partial product (each is used twice): 2000 factors already make 8000 lines.
    ['x * x * … * x', Array(2000).fill('x').join(' * '), (x: number) => [x ** 2000, 2000 * x ** 1999]],
  ] as const)(`%s (up to ${terms} terms) compiles, type-checks and computes value and gradient`, (_, expr, expected) => {
    const r = compileSources({ '/src/f.ts': source(`return ${expr};`) });
    expect(r.diagnostics).toEqual([]);
    const text = r.files[0].text;
    expect(typeErrors({ '/gen/f.ts': text })).toEqual([]);
    const m = loadModule(text, {}, 'f.grad.ts');
    const x = 1;
    const g = (m.f_grad as (x: number) => { value: number; grads: number[] })(x);
    const [value, grad] = expected(x);
    expect(g.value).toBeCloseTo(value, 6);
    expect(g.grads[0]).toBeCloseTo(grad, 6);
    const j = (m.f_jvp as (x: number, dx: number) => { value: number; tangent: number })(x, 1);
    expect(j.tangent).toBeCloseTo(grad, 6);
  });
});
