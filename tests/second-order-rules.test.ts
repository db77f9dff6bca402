/**
 * The rule table's second derivatives, rule by rule: every `Math` function and arithmetic operator
 * adc differentiates is compiled with `@differentiable hessian`, and its `f_hessian` compared with
 * central differences of its own (first-order, already checked) `f_grad`, at points inside each
 * function's domain and away from its kinks; `f_hvp` with H·v.
 */
import { compileSources, formatDiagnostic } from '../compiler';
import { mathFunctions, op } from '../compiler/ir/ops';
import { loadModule } from './support/load';

/** Each case: a name and an expression of x and y. */
const cases: [string, string][] = [
  ...[...mathFunctions.keys()]
    .filter((name) => name !== 'random')
    .map((name): [string, string] => {
      const arity = op(mathFunctions.get(name)!).arity;
      const x = name === 'acosh' ? '(1 + x)' : 'x';
      return [`math_${name}`, arity === 1 ? `Math.${name}(${x})` : `Math.${name}(${x}, y)`];
    }),
  ['times', 'x * y'],
  ['divide', 'x / y'],
  ['power', 'x ** y'],
  ['cube', 'x ** 3'],
  ['constantBase', '2 ** (x * y)'],
  ['negate', '-x * y'],
  ['remainder', '(3 * x) % y'],
  ['composed', 'Math.exp(Math.sin(x * y)) / (1 + x * x)'],
];

const source = cases.map(([name, e]) => `/** @differentiable hessian */\nexport function ${name}(x: number, y: number): number {\n  return ${e};\n}\n`).join('\n');

describe('second derivatives of every rule', () => {
  const { files, diagnostics } = compileSources({ '/src/rules.ts': source });
  if (diagnostics.length > 0) throw new Error(diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
  const m = loadModule(files[0].text, {}, 'rules.grad.ts');

  it.each(cases)('%s: f_hessian = central differences of f_grad; f_hvp = H·v', (name, expression) => {
    for (const [x, y] of [
      [0.37, 0.61],
      [0.71, 0.29],
    ]) {
      const H: Float64Array[] = m[`${name}_hessian`](x, y);
      const grad = (a: number, b: number): number[] => m[`${name}_grad`](a, b).grads;
      const e = 1e-5;
      const columns = [grad(x + e, y).map((g, i) => (g - grad(x - e, y)[i]) / (2 * e)), grad(x, y + e).map((g, i) => (g - grad(x, y - e)[i]) / (2 * e))];
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 2; j++) {
          const fd = columns[j][i];
          if (Math.abs(H[i][j] - fd) > 1e-6 * (1 + Math.abs(fd))) throw new Error(`${expression} at (${x}, ${y}): H[${i}][${j}] = ${H[i][j]}, central differences ${fd}`);
        }
      expect(Math.abs(H[0][1] - H[1][0])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(H[0][1])));
      const [v0, v1] = [0.3, -1.7];
      const r = m[`${name}_hvp`](x, y, v0, v1);
      expect(r.hvp[0]).toBeCloseTo(H[0][0] * v0 + H[0][1] * v1, 10);
      expect(r.hvp[1]).toBeCloseTo(H[1][0] * v0 + H[1][1] * v1, 10);
      expect(r.grads).toEqual(m[`${name}_grad`](x, y).grads);
    }
  });
});
