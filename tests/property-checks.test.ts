/**
 * The checks of the property tests themselves (tests/support/check-program.ts,
 * check-array-program.ts, rounding.ts): a red property test must mean a wrong
 * derivative. Ill-conditioned programs, which cancel huge terms, cannot give a
 * derivative to the fixed tolerances (1e-10 between modes, 1e-5 against finite
 * differences): the checks allow the rounding noise they measure, so these
 * programs pass. And derivatives broken on purpose in the generated code (a
 * sign, a missing factor), in those same ill-conditioned programs, still fail.
 */
import { checkArrayText, newArrayStats } from './support/check-array-program';
import { checkText, newStats } from './support/check-program';
import { loadModule } from './support/load';
import { Perturbation, UNIT_ROUNDOFF } from './support/rounding';
import type { ArrayProgramText } from './support/array-program-text';

/** Replaces every `from` by `to` in the generated text, failing if it does not occur (the test would prove nothing). */
const breaking =
  (...edits: [from: string, to: string][]) =>
  (generated: string): string =>
    edits.reduce((text, [from, to]) => {
      if (!text.includes(from)) throw new Error(`the generated code no longer contains '${from}': update this test\n${text}`);
      return text.split(from).join(to);
    }, generated);

describe('rounding noise (rounding.ts)', () => {
  const noiseOf = (body: string, ...args: number[]) => {
    const p = new Perturbation();
    const m = loadModule(`export function f(x: number, a: number): number {\n${body}\n}`, {}, 'f.ts', p.watch);
    return p.noise(() => [m.f(...args)])[0];
  };

  it('of a cancellation (x + a) − a is about u·|a|', () => {
    const n = noiseOf('return (x + a) - a;', 0.7, 7e6);
    expect(n).toBeGreaterThan(0.5 * UNIT_ROUNDOFF * 7e6);
    expect(n).toBeLessThan(4 * UNIT_ROUNDOFF * 7e6);
  });

  it('of an overflow computed and not used is nothing: only what the result depends on counts', () => {
    expect(noiseOf('const e = Math.exp(800 * x);\nreturn x > 0.5 ? x : Math.log1p(e);', 1, 0)).toBe(0);
  });

  it('keeps equalities the program relies on (a value rounded twice the same way, a Float32Array store read back)', () => {
    const body =
      'const q = new Float32Array(1);\nq[0] = x * 0.25;\nconst r = new Float32Array(1);\nr[0] = x * 0.1;\nreturn (q[0] === x * 0.25 ? 1 : 0) + (r[0] === Math.fround(x * 0.1) ? 2 : 0) + (x * 0.1 === x * 0.1 ? 4 : 0);';
    expect(noiseOf(body, 3, 0)).toBe(0);
  });
});

describe('the scalar checks (check-program.ts)', () => {
  // ∂f/∂x = 3 cos(3x) exactly, but forward mode computes dx + 1e7·dy − 1e7·dy, off by u·1e7·|dy| ≈ 1e-9.
  const text = {
    files: { '/src/main.ts': '/** @differentiable */\nexport function f(x: number, y: number): number {\n  const big = y * 1e7;\n  return Math.sin(3 * ((x + big) - big));\n}\n' },
    wrt: [0, 1],
    params: 2,
  };
  const at = [
    [0.3, 1.7],
    [-1.1, 0.4],
    [0.9, -1.3],
  ];

  it('pass a program that cancels huge terms, which the fixed 1e-10 and 1e-5 cannot judge', () => {
    const stats = newStats();
    checkText(text, 1, stats, at);
    expect(stats.checked).toBe(at.length);
    expect(stats.worstDotProduct).toBeGreaterThan(1e-10);
    expect(stats.noisy).toBeGreaterThan(0);
  });

  it.each([
    ['a sign error in forward mode', breaking(['const tangent = ', 'const tangent = -'])],
    ['a sign error in reverse mode', breaking(['const x_bar = ', 'const x_bar = -'])],
    ['the same wrong partial in both modes (cos replaced by sin)', breaking(['Math.cos(', 'Math.sin('])],
    ['the same factor off by 20% in both modes', breaking(['const dt1 = 3 * (', 'const dt1 = 3.6 * ('], ['const t2_bar = 3 * (', 'const t2_bar = 3.6 * ('])],
  ])('fail the same program with %s', (_, edit) => {
    expect(() => checkText(text, 1, newStats(), at, edit)).toThrow(/disagree/);
  });
});

describe('finite differences where the derivative changes across their step', () => {
  // d/dx of 1e-13 · sin(1e9 · x) is 1e-4 · cos(1e9 · x): right, and above the 1e-5 tolerance, but it
  // turns over every 3e-9 in x, while a central difference with step 1e-6 averages it over 1e-6 and
  // sees about 0 at both step sizes (so they "agree"). The point is judged unreliable, not failed.
  const text = {
    files: { '/src/main.ts': '/** @differentiable */\nexport function f(x: number, y: number): number {\n  return 1e-13 * Math.sin(1e9 * x) + y * y;\n}\n' },
    wrt: [0, 1],
    params: 2,
  };
  const at = [[0.5, 0.25]];

  it('judges such a point unreliable (it counts against the bounded share of skipped points)', () => {
    const stats = newStats();
    checkText(text, 1, stats, at);
    expect(stats.unreliable).toBe(1);
    expect(stats.checked).toBe(0);
  });
});

describe('the array checks (check-array-program.ts)', () => {
  // Shrunk from ADC_PROPERTY_SEED=2304055: a[1] grows to about 7e6, and (p + a[1]) − a[1]
  // leaves forward and reverse some 1e-9 apart (the fixed 1e-10 failed at every point).
  const text: ArrayProgramText = {
    files: {
      '/src/main.ts': [
        'function g1(z: Float64Array, c: number): number {',
        '  return z[z.length - 1] * c;',
        '}',
        '',
        '/** @differentiable */',
        'export function f(a: Float64Array, p: number): number {',
        '  for (let i = 0; i < a.length; i++) {',
        '    a[i] = a[i] * 3e7 + g1(a, 3);',
        '  }',
        '  return Math.tanh(-0.25) / (1 + ((p + a[1]) - a[1]) * ((p + a[1]) - a[1]));',
        '}',
        '',
      ].join('\n'),
    },
    wrt: [0, 1],
    params: 2,
    paramNames: ['a', 'p'],
    paramTypes: ['Float64Array', 'number'],
    lengths: [4, 0],
    result: 'number',
  };
  const at = [
    [Float64Array.from([-1.5, 0.99, -1.78, 1.32]), -1.7],
    [Float64Array.from([0.5, -1.2, 1.9, -0.3]), 0.8],
  ];

  it('pass a program that cancels huge terms, which the fixed 1e-10 cannot judge', () => {
    const stats = newArrayStats();
    checkArrayText(text, 2, stats, at);
    expect(stats.checked).toBe(at.length);
    expect(stats.worstDotProduct).toBeGreaterThan(1e-10);
  });

  it.each([
    ['a sign error in forward mode (the tangent of p)', breaking([' = dp + ', ' = -dp + '])],
    ['a sign error in reverse mode (the adjoint of p)', breaking(['const p_bar = ', 'const p_bar = -'])],
    ['the same wrong partial in both modes (of the square)', breaking([' = 2 * ', ' = -2 * '])],
  ])('fail the same program with %s', (_, edit) => {
    expect(() => checkArrayText(text, 2, newArrayStats(), at, edit)).toThrow(/disagree/);
  });

  it('judges unreliable a point of a program whose right derivative has a linear regime far narrower than the step', () => {
    // Shrunk from ADC_PROPERTY_SEED=29: a[0] reaches about -7e8 · (its input) and is then squashed by
    // repeated y / (1 + y²); J·v = [-2.7868e-5, -1.2723e-5] is right (an 80-digit evaluation agrees to
    // 8 digits), but a central difference sees about 1e-9 at steps 1e-6 and 1e-5 alike.
    const seeded: ArrayProgramText = {
      files: {
        '/src/main.ts': [
          '/** @differentiable wrt(a, p) */',
          'export function f(a: Float64Array, p: number, q: number): number[] {',
          '  const t0 = 50 * (a[0] / (1 + 0.25 * 0.25));',
          '  const e1 = Math.exp(t0);',
          '  const v2 = t0 > 30 ? t0 / 50 : Math.log1p(e1) / 50;',
          '  a[0] += v2;',
          '  a.forEach((v3, k4) => {',
          '    let prev5 = a[0];',
          '    for (let j = 0; j < a.length + 2; j++) {',
          '      const cur6 = a[j];',
          '      a[a.length - 1 - k4] += (cur6 ?? (-a[k4])) * (prev5 ?? (-a[k4]));',
          '      prev5 = cur6;',
          '    }',
          '    a[a.length - 1] = (a[k4] + a[k4]) + (p / (1 + p * p));',
          '  });',
          '  for (const e7 of a) {',
          '    a.fill(a[a.length - 1]);',
          '    for (let i = a.length - 1; i >= 0; i--) {',
          '      a[a.length - 1] *= Math.cos(0.25 * i);',
          '      a[1] *= Math.cos(Math.abs(e7));',
          '    }',
          '    for (let i = a.length - 1; i >= 0; i--) {',
          '      a[1] = Math.sin((-1) + e7);',
          '      a.fill(a[a.length - 1 - i] / (1 + a[a.length - 1] * a[a.length - 1]));',
          '    }',
          '  }',
          '  const s8 = a[0] / (1 + (v2 + a[a.length - 1]) * (v2 + a[a.length - 1]));',
          '  for (let pass9 = 0; pass9 < 2; pass9++) {',
          '    a[1] += Math.log(1 + (-a[pass9 + 1]) * (-a[pass9 + 1]));',
          '    const t10 = 50 * a[pass9];',
          '    const e11 = Math.exp(t10);',
          '    const e12 = Math.exp(-t10);',
          '    let v13!: number;',
          '    if (t10 >= 0) {',
          '      v13 = 1 / (1 + e12);',
          '    }',
          '    if (!(t10 >= 0)) {',
          '      v13 = e11 / (1 + e11);',
          '    }',
          '    a[pass9] += v13;',
          '  }',
          '  a[a.length - 1] = a[1] * a[a.length - 1];',
          '  return [Math.sqrt(1 + a[0] * a[0]), a[1] + v2];',
          '}',
          '',
        ].join('\n'),
      },
      wrt: [0, 1],
      params: 3,
      paramNames: ['a', 'p', 'q'],
      paramTypes: ['Float64Array', 'number', 'number'],
      lengths: [6, 0, 0],
      result: 'number[]',
    };
    const point = [
      Float64Array.from([-1.77820626180619, 1.6929760565981269, 1.3721760185435414, 1.0172022422775626, -0.9027617461979389, 0.2902252757921815]),
      -1.603320499882102,
      -0.8612626893445849,
    ];
    const stats = newArrayStats();
    checkArrayText(seeded, 29, stats, [point]);
    expect(stats.unreliable).toBe(1);
  });
});
