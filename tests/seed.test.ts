import { compileSources } from '../compiler';
import { loadModule } from './support/load';

describe('the classic examples', () => {
  it('(x + y) * (x - y) has gradient (2x, -2y)', () => {
    const { files, diagnostics } = compileSources({
      '/src/seed.ts': '/** @differentiable */\nexport function f(x: number, y: number): number {\n  return (x + y) * (x - y);\n}\n',
    });
    expect(diagnostics).toEqual([]);
    const m = loadModule(files[0].text);
    for (const [x, y] of [
      [3, 2],
      [-1.5, 0.25],
      [0, 7],
    ]) {
      const g = m.f_grad(x, y);
      expect(g.value).toBe((x + y) * (x - y));
      expect(g.grads[0]).toBe(2 * x);
      expect(g.grads[1]).toBe(-2 * y);
      expect(m.f_jvp(x, y, 1, 0).tangent).toBe(2 * x);
      expect(m.f_jvp(x, y, 0, 1).tangent).toBe(-2 * y);
    }
  });

  it('x**3 + 2*x has derivative 29 at 3', () => {
    const { files } = compileSources({ '/src/cubic.ts': '/** @differentiable */\nexport function g(x: number): number {\n  return x ** 3 + 2 * x;\n}\n' });
    const m = loadModule(files[0].text);
    expect(m.g_grad(3).grads[0]).toBe(29);
    expect(m.g_jvp(3, 1).tangent).toBe(29);
    expect(m.g_vjp(3, 2).grads[0]).toBe(58);
  });
});
