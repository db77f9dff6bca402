/**
 * Input validation (`if (c) throw new Error("…")`) stays in generated code: for
 * inputs the primal rejects, f_jvp, f_vjp and f_grad throw the same error (class
 * and message), also from inside a loop; for valid inputs they return as usual.
 */
import { compileSources } from '../compiler';
import { loadModule } from './support/load';

const source = `
/** @differentiable wrt(w) */
export function mse(w: number[], xs: number[], ys: number[]): number {
  if (xs.length !== ys.length) throw new Error('xs and ys differ in length');
  if (w.length !== 2) {
    throw new RangeError(\`w must have two entries\`);
  }
  let s = 0;
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i])) throw new TypeError('non-finite x');
    const r = w[0] + w[1] * xs[i] - ys[i];
    s += r * r;
  }
  return s / xs.length;
}
`;

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
