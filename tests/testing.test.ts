/**
 * `ts-adc/testing` (runtime/testing.ts), as a user's test suite uses it: on code the compiler
 * generates (a loss over a `number[]` and an object, a matrix, a method with its receiver, a
 * Float32Array), correct derivatives pass; a gradient off by a relative 1e-3 in any one coordinate
 * is caught and the error names the parameter, the coordinate, both values and the tolerance;
 * wrong jvps and vjps are caught against the gradient and by the dot-product test; derivatives
 * that modify their arguments, return another value or another shape are caught. Properties:
 * over random well-conditioned polynomials and sums of squares with exact gradients, the exact
 * gradient always passes and one perturbed by a relative 1e-3 or more in a coordinate that
 * matters is always caught.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import fc from 'fast-check';
import { checkDerivatives, checkGrads, GradientCheckError } from 'ts-adc/testing';
import { compileSources } from '../compiler';
import { loadModule, type Module } from './support/load';
import { propertySeed } from './support/seed';

const SOURCE = `
export interface Model { scale: number; offset: number; label: string }

/** @differentiable wrt(w, model) */
export function loss(w: number[], model: Model, xs: number[], ys: number[]): number {
  let s = 0;
  for (let i = 0; i < ys.length; i++) {
    const r = model.scale * Math.tanh(w[0] * xs[i] + w[1]) + model.offset - ys[i];
    s += r * r;
  }
  return s / ys.length + 0.01 * (w[0] * w[0] + w[1] * w[1]);
}

/** @differentiable wrt(W) */
export function layer(W: number[][], x: number[]): number {
  let s = 0;
  for (let i = 0; i < W.length; i++) {
    let a = 0;
    for (let j = 0; j < x.length; j++) a += W[i][j] * x[j];
    s += Math.log(1 + Math.exp(a));
  }
  return s;
}

/** @differentiable */
export function energy(w: Float32Array, k: number): number {
  let e = 0;
  for (let i = 0; i < w.length; i++) e += k * Math.cos(w[i]) + w[i] * w[i];
  return e;
}

/** @differentiable */
export function squares(x: number[]): number[] {
  return x.map((v, i) => v * v * (i + 1) + Math.sin(v));
}

export class Vec {
  x: number;
  y: number;
  constructor(x: number, y: number) {
    this.x = x;
    this.y = y;
  }
  /** @differentiable */
  distanceTo(v: Vec): number {
    return Math.hypot(this.x - v.x, this.y - v.y);
  }
}
`;

/** The source's functions, and what `adc build` generates for them (compiled once, as the test file loads: the cases below are listed from them). */
const primal: Module = loadModule(SOURCE);
const gen: Module = generated();
function generated(): Module {
  const { files, diagnostics } = compileSources({ '/src/models.ts': SOURCE });
  if (diagnostics.length > 0 || files.length !== 1) throw new Error(`the test's source does not compile: ${JSON.stringify(diagnostics)}`);
  return loadModule(files[0].text);
}

/** A case: f, its generated derivatives and a point, with each gradient coordinate's expected label. */
interface Case {
  name: string;
  f: (...a: any[]) => any;
  prefix: string;
  args: () => unknown[];
  labels: string[];
  /** How close central differences come to the gradient (a Float32Array's gradient is rounded to float32). */
  agreement: number;
}

const cases = (): Case[] => [
  {
    name: 'a loss over number[] and an object',
    f: primal.loss,
    prefix: 'loss',
    args: () => [[0.7, -0.2], { scale: 1.5, offset: 0.25, label: 'fit' }, [0.1, 0.5, 0.9], [0.3, 0.8, 1.1]],
    labels: ['w[0]', 'w[1]', 'model.scale', 'model.offset'],
    agreement: 1e-8,
  },
  {
    name: 'a matrix',
    f: primal.layer,
    prefix: 'layer',
    args: () => [
      [
        [0.5, -1],
        [2, 0.25],
        [-0.75, 1.5],
      ],
      [1.2, -0.4],
    ],
    labels: ['W[0][0]', 'W[0][1]', 'W[1][0]', 'W[1][1]', 'W[2][0]', 'W[2][1]'],
    agreement: 1e-8,
  },
  {
    name: 'a Float32Array',
    f: primal.energy,
    prefix: 'energy',
    args: () => [Float32Array.from([0.5, -1.25, 2]), 0.75],
    labels: ['w[0]', 'w[1]', 'w[2]', 'k'],
    agreement: 2 ** -22,
  },
  {
    name: 'a method, its receiver first',
    f: primal.Vec.prototype.distanceTo,
    prefix: 'Vec_distanceTo',
    args: () => [new primal.Vec(1, 2), new primal.Vec(4, -2)],
    labels: ['this.x', 'this.y', 'v.x', 'v.y'],
    agreement: 1e-8,
  },
];

const named = <F extends (...a: any[]) => any>(name: string, fn: F): F => Object.defineProperty(fn, 'name', { value: name });

/** The GradientCheckError `run` throws (fails the test when it throws none, or another error). */
function failure(run: () => unknown): GradientCheckError {
  try {
    run();
  } catch (e) {
    if (e instanceof GradientCheckError) return e;
    throw e;
  }
  throw new Error('expected a GradientCheckError, none was thrown');
}

describe('checkGrads on generated code', () => {
  it.each(cases().map((c) => [c.name, c] as const))('passes the generated derivatives of %s, and reports what it compared', (_, c) => {
    const args = c.args();
    const report = checkGrads(c.f, gen[`${c.prefix}_grad`], args, { jvp: gen[`${c.prefix}_jvp`], vjp: gen[`${c.prefix}_vjp`] });
    expect(report.value).toBe(gen[`${c.prefix}_grad`](...c.args()).value);
    expect(report.compared).toBe(c.labels.length);
    expect(report.maxRelativeError).toBeLessThan(c.agreement);
    expect(c.labels).toContain(report.worst);
    expect(report.closest).toBeLessThan(1);
    expect(report.directions).toBe(2);
  });

  it.each(cases().map((c) => [c.name, c] as const))('catches a gradient of %s off by a relative 1e-3 in any one coordinate, and names it', (_, c) => {
    const right = gen[`${c.prefix}_grad`](...c.args());
    const rightFlat = flat(right.grads);
    expect(rightFlat.length).toBe(c.labels.length);
    for (const factor of [1 + 1e-3, 1 - 1e-3]) {
      c.labels.forEach((label, k) => {
        const wrong = named(`${c.prefix}_grad`, (...a: unknown[]) => {
          const r = gen[`${c.prefix}_grad`](...a);
          let seen = 0;
          r.grads = mapNumbers(r.grads, (v) => (seen++ === k ? v * factor : v));
          return r;
        });
        const e = failure(() => checkGrads(c.f, wrong, c.args()));
        expect(e.check).toBe('gradient');
        expect(e.coordinate).toBe(label);
        expect(e.parameter).toBe(label.split(/[.[]/)[0]);
        expect(e.actual).toBe(flat(wrong(...c.args()).grads)[k]);
        expect(Math.abs(e.expected! - rightFlat[k])).toBeLessThan(1e-7 * Math.abs(rightFlat[k]));
        expect(Math.abs(e.actual! - e.expected!)).toBeGreaterThan(e.tolerance!);
        expect(e.message).toContain(`checkGrads: ${c.prefix}_grad's gradient with respect to ${label} is `);
        expect(e.message).toMatch(
          /, central differences give -?[\d.e+-]+ \(difference [\d.e+-]+, relative 1\.0e-3; tolerance [\d.e+-]+ = atol [\d.e+-]+ \+ rtol 1e-5 × [\d.e+-]+\)$/,
        );
      });
    }
  });

  it('names the coordinate, both values and the tolerance in the message', () => {
    const args = cases()[1].args();
    const g = gen.layer_grad(...args).grads[0][1][0] as number;
    const wrong = named('layer_grad', (...a: unknown[]) => {
      const r = gen.layer_grad(...a);
      r.grads[0][1][0] *= 1.001;
      return r;
    });
    const e = failure(() => checkGrads(primal.layer, wrong, args));
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('GradientCheckError');
    expect(e.message).toBe(
      `checkGrads: layer_grad's gradient with respect to W[1][0] is ${Number((g * 1.001).toPrecision(10))}, central differences give ${Number(e.expected!.toPrecision(10))} ` +
        `(difference ${Math.abs(e.actual! - e.expected!).toExponential(1)}, relative 1.0e-3; tolerance ${e.tolerance!.toExponential(1)} = atol ${(e.tolerance! - 1e-5 * Math.abs(e.actual!)).toExponential(1)} + rtol 1e-5 × ${Number(e.actual!.toPrecision(10))})`,
    );
  });

  it('catches a jvp wrong in one coordinate (the random directions find it, a unit tangent names it)', () => {
    const args = cases()[0].args();
    const loss_jvp = (w: number[], model: object, xs: number[], ys: number[], dw: number[], dmodel: { scale: number; offset: number }) =>
      gen.loss_jvp(w, model, xs, ys, dw, { ...dmodel, offset: dmodel.offset * 1.001 });
    const e = failure(() => checkGrads(primal.loss, gen.loss_grad, args, { jvp: loss_jvp }));
    expect(e.check).toBe('jvp');
    expect(e.coordinate).toBe('model.offset');
    expect(e.message).toMatch(
      /^checkGrads: loss_jvp's tangent along model\.offset \(a unit tangent there\) is \S+, loss_grad's gradient there is \S+ \(difference \S+ > tolerance \S+\)$/,
    );
  });

  it('catches a jvp that is not linear in its tangents', () => {
    const args = cases()[0].args();
    const loss_jvp = (...a: any[]) => {
      const r = gen.loss_jvp(...a);
      return { value: r.value, tangent: r.tangent + 1e-3 * a[4][0] * a[4][1] };
    };
    const e = failure(() => checkGrads(primal.loss, gen.loss_grad, args, { jvp: loss_jvp }));
    expect(e.check).toBe('jvp');
    expect(e.coordinate).toBeUndefined();
    expect(e.message).toContain('along random direction 1 (seed 0)');
    expect(e.message).toContain('not linear in its tangents');
  });

  it('catches a vjp that ignores its cotangent, or is wrong in one coordinate', () => {
    const args = cases()[1].args();
    const ignores = named('layer_vjp', (W: number[][], x: number[]) => gen.layer_vjp(W, x, 1));
    let e = failure(() => checkGrads(primal.layer, gen.layer_grad, args, { vjp: ignores }));
    expect(e.check).toBe('vjp');
    expect(e.coordinate).toBe('W[0][0]');
    expect(e.message).toMatch(
      /^checkGrads: layer_vjp's gradient with respect to W\[0\]\[0\] with cotangent \S+ is \S+, \S+ × the gradient is \S+ \(difference \S+ > tolerance \S+\)$/,
    );
    const wrong = named('layer_vjp', (...a: unknown[]) => {
      const r = gen.layer_vjp(...a);
      r.grads[0][2][1] *= 1.001;
      return r;
    });
    e = failure(() => checkGrads(primal.layer, gen.layer_grad, args, { vjp: wrong }));
    expect([e.check, e.coordinate]).toEqual(['vjp', 'W[2][1]']);
  });

  it('catches derivatives that modify their arguments', () => {
    const args = cases()[0].args();
    const sorting = named('loss_grad', (w: number[], model: object, xs: number[], ys: number[]) => {
      const r = gen.loss_grad(w, model, xs, ys);
      ys.reverse();
      return r;
    });
    const e = failure(() => checkGrads(primal.loss, sorting, args));
    expect(e.check).toBe('arguments');
    expect(e.coordinate).toBe('ys[0]');
    expect(e.message).toBe('checkGrads: loss_grad modified its argument ys[0]: it was 0.3, it is now 1.1 (derivatives must leave their arguments as they were)');
    const scaling = named('layer_vjp', (W: number[][], x: number[], c: number) => {
      W[2][1] *= 2;
      return gen.layer_vjp(W, x, c);
    });
    expect(failure(() => checkGrads(primal.layer, gen.layer_grad, cases()[1].args(), { vjp: scaling })).coordinate).toBe('W[2][1]');
  });

  it('gives f copies of the arguments, so an f that writes into them is checked too', () => {
    const doubled = (xs: number[]) => {
      for (let i = 0; i < xs.length; i++) xs[i] *= 2;
      return xs.reduce((s, v) => s + v * v, 0);
    };
    const xs = [1, -2, 3];
    const report = checkGrads(doubled, (a: number[]) => ({ value: 4 * (1 + 4 + 9), grads: [a.map((v) => 8 * v)] }), [xs]);
    expect(report.compared).toBe(3);
    expect(xs).toEqual([1, -2, 3]);
    const e = failure(() => checkGrads(doubled, (a: number[]) => ({ value: 56, grads: [a.map((v) => 8 * v * (v === 3 ? 1.001 : 1))] }), [xs]));
    expect(e.coordinate).toBe('xs[2]');
  });

  it('catches a value that is not f’s and gradients of the wrong shape', () => {
    const args = cases()[0].args();
    const offValue = named('loss_grad', (...a: unknown[]) => ({ ...gen.loss_grad(...a), value: 1 }));
    expect(failure(() => checkGrads(primal.loss, offValue, args)).check).toBe('value');
    const short = named('loss_grad', (...a: unknown[]) => {
      const r = gen.loss_grad(...a);
      return { value: r.value, grads: [r.grads[0].slice(0, 1), r.grads[1]] };
    });
    let e = failure(() => checkGrads(primal.loss, short, args, { wrt: ['w', 'model'] }));
    expect([e.check, e.parameter, e.coordinate]).toEqual(['shape', 'w', 'w']);
    expect(e.message).toBe(
      "checkGrads: loss_grad's gradient for w does not have its shape: at w it has length 1, the argument there has length 2 (a gradient has the shape of its parameter)",
    );
    const missing = named('loss_grad', (...a: unknown[]) => {
      const r = gen.loss_grad(...a);
      return { value: r.value, grads: [r.grads[0], { scale: r.grads[1].scale }] };
    });
    e = failure(() => checkGrads(primal.loss, missing, args, { wrt: [0, 1] }));
    expect(e.coordinate).toBe('model.offset');
    expect(e.message).toContain('it is missing (the argument has a number there)');
    const wrongKind = named('energy_grad', (...a: unknown[]) => {
      const r = gen.energy_grad(...a);
      return { value: r.value, grads: [Array.from(r.grads[0]), r.grads[1]] };
    });
    e = failure(() => checkGrads(primal.energy, wrongKind, cases()[2].args(), { wrt: ['w', 'k'] }));
    expect(e.message).toContain('it is an array of length 3, it should be a Float32Array');
  });

  it('finds the differentiated arguments by their shapes, and asks for wrt when several choices fit', () => {
    const f = (a: number, b: number[], c: number) => a * b[0] + c;
    const fGrad = named('f_grad', (a: number, b: number[]) => ({ value: a * b[0] + 5, grads: [[a, 0]] }));
    expect(checkGrads(f, fGrad, [2, [3, 4], 5]).compared).toBe(2);
    const twoNumbers = named('f_grad', (a: number, b: number[]) => ({ value: a * b[0] + 5, grads: [b[0]] }));
    expect(() => checkGrads(f, twoNumbers, [2, [3, 4], 5])).toThrow(
      "checkGrads: cannot tell which arguments f_grad's 1 gradient is for: [a] and [c] both fit. Pass options.wrt, by position or name: { wrt: [0] } or { wrt: ['a'] } (the parameters `wrt(...)` marks).",
    );
    expect(checkGrads(f, twoNumbers, [2, [3, 4], 5], { wrt: ['a'] }).worst).toBe('a');
    expect(checkGrads(f, twoNumbers, [2, [3, 4], 5], { wrt: [0] }).compared).toBe(1);
    expect(() => checkGrads(f, twoNumbers, [2, [3, 4], 5], { wrt: ['d'] })).toThrow("options.wrt names 'd', which is not one of f's parameters (a, b, c)");
    // Names that cannot be read (destructuring) are positions.
    const g = ({ x }: { x: number }, y: number) => x * y;
    const e = failure(() => checkGrads(g, () => ({ value: 6, grads: [{ x: 3 }, 2.01] }), [{ x: 2 }, 3]));
    expect(e.coordinate).toBe('argument 1');
  });

  it('says when f is not smooth or not finite within the step', () => {
    const kink = failure(() =>
      checkGrads(
        (x: number) => Math.abs(x),
        (x: number) => ({ value: Math.abs(x), grads: [Math.sign(x)] }),
        [1e-4],
      ),
    );
    expect(kink.message).toContain('central differences with steps h and h/2 disagree, 0.1 and 0.2: f may not be smooth within the step around x');
    expect(
      checkGrads(
        (x: number) => Math.abs(x),
        (x: number) => ({ value: Math.abs(x), grads: [Math.sign(x)] }),
        [1e-4],
        { step: 1e-6 },
      ).compared,
    ).toBe(1);
    const log = failure(() => checkGrads(Math.log, (x: number) => ({ value: Math.log(x), grads: [1 / x] }), [1e-4]));
    expect(log.message).toContain('f is not finite within the step around x');
  });
});

describe('checkDerivatives', () => {
  const x = () => [[0.5, -1.5, 2]];

  it('passes the generated jvp and vjp of a function returning an array', () => {
    const r = checkDerivatives(primal.squares, { jvp: gen.squares_jvp, vjp: gen.squares_vjp }, x());
    expect(r.compared).toBe(2 * 3);
    expect(r.maxRelativeError).toBeLessThan(1e-8);
    expect(checkDerivatives(primal.squares, { vjp: gen.squares_vjp }, x()).compared).toBe(2);
    expect(checkDerivatives(primal.squares, { jvp: gen.squares_jvp }, x(), { directions: 5 }).compared).toBe(5 * 3);
  });

  it('catches a vjp that is the jvp’s transpose only almost, by the dot-product test', () => {
    const squares_vjp = (xs: number[], w: number[]) => {
      const r = gen.squares_vjp(xs, w);
      r.grads[0][1] *= 1.001;
      return r;
    };
    for (const derivatives of [{ jvp: gen.squares_jvp, vjp: squares_vjp }, { vjp: squares_vjp }]) {
      const e = failure(() => checkDerivatives(primal.squares, derivatives, x()));
      expect(e.check).toBe('dot-product');
      expect(e.message).toMatch(
        /^checkDerivatives: dot-product test along random direction 1 \(seed 0\): ⟨cotangent, (squares_jvp's tangent|central differences)⟩ = \S+ but ⟨squares_vjp's grads, tangent⟩ = \S+ /,
      );
    }
  });

  it('catches a jvp wrong in one output against central differences', () => {
    const squares_jvp = (xs: number[], dx: number[]) => {
      const r = gen.squares_jvp(xs, dx);
      r.tangent[2] *= 1.001;
      return r;
    };
    const e = failure(() => checkDerivatives(primal.squares, { jvp: squares_jvp }, x()));
    expect([e.check, e.coordinate]).toEqual(['jvp', undefined]);
    expect(e.message).toMatch(/^checkDerivatives: squares_jvp's tangent at result\[2\] along random direction 1 \(seed 0\) is \S+, central differences give \S+ \(difference/);
  });
});

describe('checkGrads, properties', () => {
  const seed = propertySeed();
  const value = fc.integer({ min: -3000, max: 3000 }).map((v) => v / 1000);

  /** Σ_t c_t·Π_j x_j^e_tj: its value, the sum of the magnitudes of its terms, and its exact gradient. */
  const polynomial = (terms: { c: number; e: number[] }[], x: number[]) => {
    const term = (t: { c: number; e: number[] }, skip = -1) => t.e.reduce((p, e, j) => (j === skip ? p : p * x[j] ** e), t.c);
    const f = terms.reduce((s, t) => s + term(t), 0);
    const magnitude = terms.reduce((s, t) => s + Math.abs(term(t)), 0);
    const grad = x.map((xj, j) => terms.reduce((s, t) => s + (t.e[j] === 0 ? 0 : t.e[j] * xj ** (t.e[j] - 1) * term(t, j)), 0));
    return { f, magnitude, grad };
  };
  const polynomials = fc.integer({ min: 1, max: 4 }).chain((n) =>
    fc.record({
      x: fc.array(value, { minLength: n, maxLength: n }),
      terms: fc.array(fc.record({ c: value, e: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }) }), { minLength: 1, maxLength: 5 }),
      pick: fc.nat(),
      delta: fc.double({ min: 1e-3, max: 1, noNaN: true }),
      sign: fc.boolean(),
    }),
  );
  /** Σ_i (B·x − y)_i² with its exact gradient 2·Bᵀ·(B·x − y): a sum of squares. */
  const squares = fc.integer({ min: 1, max: 6 }).chain((n) =>
    fc.record({
      x: fc.array(value, { minLength: n, maxLength: n }),
      B: fc.array(fc.array(value, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 5 }),
      y: fc.array(value, { minLength: 5, maxLength: 5 }),
      pick: fc.nat(),
      delta: fc.double({ min: 1e-3, max: 1, noNaN: true }),
      sign: fc.boolean(),
    }),
  );
  const residuals = (B: number[][], x: number[], y: number[]) => B.map((row, i) => row.reduce((s, b, j) => s + b * x[j], 0) - y[i]);
  const sumOfSquares = (B: number[][], y: number[]) => (x: number[]) => residuals(B, x, y).reduce((s, r) => s + r * r, 0);
  const sumOfSquaresGrad = (B: number[][], x: number[], y: number[]) => {
    const r = residuals(B, x, y);
    return x.map((_, j) => B.reduce((s, row, i) => s + 2 * row[j] * r[i], 0));
  };

  /** The coordinate of `pick` among those that matter: moving x_j by its own size moves f by at least 2e-6 of f (README: below that, finite differences cannot tell an error of 1e-3). */
  const mattering = (grad: number[], x: number[], f: number, pick: number) => {
    const js = grad.flatMap((g, j) => (Math.abs(g) * Math.max(1, Math.abs(x[j])) >= 2e-6 * Math.abs(f) && g !== 0 ? [j] : []));
    return js.length === 0 ? undefined : js[pick % js.length];
  };
  const perturbed = (grad: number[], j: number, factor: number) => grad.map((g, k) => (k === j ? g * factor : g));

  it(`passes exact gradients of well-conditioned polynomials and catches any relative error ≥ 1e-3 (seed ${seed})`, () => {
    fc.assert(
      fc.property(polynomials, ({ x, terms, pick, delta, sign }) => {
        const { f, magnitude, grad } = polynomial(terms, x);
        // Well-conditioned: its terms do not cancel to much less than their size.
        fc.pre(magnitude <= 100 * Math.abs(f));
        const fn = (xs: number[]) => polynomial(terms, xs).f;
        const exact = checkGrads(fn, (xs: number[]) => ({ value: polynomial(terms, xs).f, grads: [polynomial(terms, xs).grad] }), [x]);
        expect(exact.closest).toBeLessThan(1);
        const j = mattering(grad, x, f, pick);
        fc.pre(j !== undefined);
        const wrong = perturbed(grad, j!, 1 + (sign ? delta : -delta));
        const e = failure(() => checkGrads(fn, () => ({ value: f, grads: [wrong] }), [x]));
        expect([e.check, e.coordinate]).toEqual(['gradient', `xs[${j}]`]);
      }),
      { seed, numRuns: 300 },
    );
  });

  it(`passes exact gradients of sums of squares and catches any relative error ≥ 1e-3 (seed ${seed})`, () => {
    fc.assert(
      fc.property(squares, ({ x, B, y, pick, delta, sign }) => {
        const yy = y.slice(0, B.length);
        const f = sumOfSquares(B, yy);
        const grad = sumOfSquaresGrad(B, x, yy);
        const exact = checkGrads(f, (xs: number[]) => ({ value: f(xs), grads: [sumOfSquaresGrad(B, xs, yy)] }), [x]);
        expect(exact.closest).toBeLessThan(1);
        const j = mattering(grad, x, f(x), pick);
        fc.pre(j !== undefined);
        const e = failure(() => checkGrads(f, () => ({ value: f(x), grads: [perturbed(grad, j!, 1 + (sign ? delta : -delta))] }), [x]));
        expect([e.check, e.coordinate]).toEqual(['gradient', `x[${j}]`]);
      }),
      { seed, numRuns: 300 },
    );
  });
});

describe('the package entry point ts-adc/testing', () => {
  const root = path.resolve(__dirname, '..');
  const script = 'const r = checkGrads((x) => x * x, (x) => ({ value: x * x, grads: [2 * x] }), [3]); console.log(r.compared, typeof GradientCheckError);';
  it.each([
    ['CommonJS', ['-e', `const { checkGrads, GradientCheckError } = require('ts-adc/testing'); ${script}`]],
    ['ESM', ['--input-type=module', '-e', `import { checkGrads, GradientCheckError } from 'ts-adc/testing'; ${script}`]],
  ])('loads under %s (dist/, through package.json exports)', (_, argv) => {
    const r = spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('1 function\n');
  });
});

/** The numbers of a tree, depth first (arrays element by element, objects property by property). */
function flat(tree: unknown, out: number[] = []): number[] {
  if (typeof tree === 'number') out.push(tree);
  else if (Array.isArray(tree) || ArrayBuffer.isView(tree)) for (const v of Array.from(tree as ArrayLike<unknown>)) flat(v, out);
  else if (tree && typeof tree === 'object') for (const v of Object.values(tree)) flat(v, out);
  return out;
}

/** A copy of a tree with its numbers mapped, depth first; typed arrays keep their kind. */
function mapNumbers(tree: any, fn: (v: number) => number): any {
  if (typeof tree === 'number') return fn(tree);
  if (ArrayBuffer.isView(tree)) return (tree as Float64Array).map((v) => fn(v));
  if (Array.isArray(tree)) return tree.map((v) => mapNumbers(v, fn));
  return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, mapNumbers(v, fn)]));
}
