/**
 * Input validation (`if (c) throw new Error("…")`) stays in generated code: for
 * inputs the primal rejects, f_jvp, f_vjp and f_grad throw the same error (class
 * and message), also from inside a loop; for valid inputs they return as usual.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileSources } from '../compiler';
import { FIXTURES_ROOT } from './support/fixtures';
import { loadModule } from './support/load';

// The source of fixtures/control/validation (its golden and numeric checks run in fixtures.test.ts).
const source = fs.readFileSync(path.join(FIXTURES_ROOT, 'control/validation/input.ts'), 'utf8');

const compiled = compileSources({ '/src/v.ts': source });
const primal = loadModule(source.replace(/\/\*\*[^]*?\*\//g, ''));
const generated = loadModule(compiled.files[0]?.text ?? '', {}, 'v.grad.ts');

function thrown(f: () => unknown): { type: string; message: string } | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return { type: (e as Error).constructor.name, message: (e as Error).message };
  }
}

const bad: [string, number[], number[], number[]][] = [
  ['lengths differ', [1, 2], [1, 2, 3], [1, 2]],
  ['w too long', [1, 2, 3], [1, 2], [1, 2]],
  ['a non-finite x in the loop', [1, 2], [1, NaN], [1, 2]],
];

it('compiles', () => {
  expect(compiled.diagnostics).toEqual([]);
});

describe.each(bad)('%s', (_, w, xs, ys) => {
  const expected = thrown(() => primal.mse(w, xs, ys));
  it('the primal throws', () => expect(expected).toBeDefined());
  it('mse_grad throws the same', () => expect(thrown(() => generated.mse_grad(w, xs, ys))).toEqual(expected));
  it('mse_vjp throws the same', () => expect(thrown(() => generated.mse_vjp(w, xs, ys, 1))).toEqual(expected));
  it('mse_jvp throws the same', () => expect(thrown(() => generated.mse_jvp(w, xs, ys, [1, 0]))).toEqual(expected));
});

it('valid inputs pass the checks', () => {
  const r = generated.mse_grad([0.5, 2], [1, 2, 3], [2, 4, 7]);
  expect(r.value).toBe(primal.mse([0.5, 2], [1, 2, 3], [2, 4, 7]));
  // d/dw0 = 2/3 Σ r_i, d/dw1 = 2/3 Σ r_i x_i with r = w0 + w1 x - y = (0.5, 0.5, -0.5)
  expect(r.grads[0][0]).toBeCloseTo((2 / 3) * 0.5, 14);
  expect(r.grads[0][1]).toBeCloseTo((2 / 3) * (0.5 + 1 - 1.5), 14);
});
