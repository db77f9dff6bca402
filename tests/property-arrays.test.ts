/**
 * Property-based tests of programs that read and write arrays: random marked
 * functions with `Float64Array`, `number[]` and `readonly number[]` parameters,
 * union-typed ones (`number[] | Float64Array`, `ArrayLike<number>`: passed a
 * plain array and a Float64Array at alternate points, the gradient of the
 * argument's kind), and numbers, local arrays made every supported way, element writes and
 * compound writes that overwrite elements inside loops, `fill`, copies and
 * views, `reduce`/`map`/`forEach` callbacks, number and array results, `wrt`
 * subsets, read-only data parameters (`M: number[][]`, `pts: { x: number; w:
 * number }[]`, `opts: { scale: number; on: boolean }`) and local functions
 * (arrows, declarations, hoisted ones, closures updating a captured `let`,
 * passed as callbacks), overflows computed and not used (in loops, helpers
 * and local functions), reads past the end with `??` fallbacks kept in a
 * variable overwritten each iteration, Float32Array locals stored, read back
 * and compared, writes past the end of typed arrays and of plain ones, helpers
 * named like generated locals, and in two programs in five writer helpers:
 * `wH(dst, alpha, src): void` writing into the array it is passed, which f
 * keeps using (`w0(a, p, b)`, also aliased `w0(a, p, a)`, repeated in a loop,
 * one writer calling another), and local objects holding an array advanced
 * by a helper writing into them (`const st = { v: a.slice(), t: p };
 * advance0(st, h);`) (tests/support/array-programs.ts, printed by
 * array-program-text.ts).
 *
 * What passing guarantees, for every generated program (check-array-program.ts):
 * the compiler accepts it; the generated value equals the plain function's
 * bit for bit (and is of the declared kind); tangents and grads have the
 * contract's kinds and lengths; `f_grad` equals `f_vjp(…, 1)` bit for bit;
 * forward agrees with reverse (⟨J·v, w⟩ = ⟨v, Jᵀ·w⟩ to 1e-10 for random v, w);
 * both agree with central differences of the primal (1e-5), each comparison
 * allowing on top the rounding noise it measures (tests/support/rounding.ts:
 * an ill-conditioned program is no failure, a wrong derivative is); for array results
 * `f_jacobian` is outputs × inputs, consistent with `f_jvp` and `f_vjp`, and
 * matches finite differences column by column; no generated function modifies
 * its arguments (data arguments compared deeply); `out` is returned, overwritten
 * in place, never accumulated into. Data parameters are fixed inputs drawn from
 * the program's seed: left out of the default `wrt`, they take no tangent and
 * have no gradient, and finite differences never move them. A good share of
 * the programs must read data and call local functions (counted from their
 * source), so the new features cannot silently drop out of the run. Points and columns that finite differences cannot judge (two step sizes
 * disagree: a kink, a branch switch; the derivative changes across the step: numeric.ts
 * `curved`) or that overflow are counted, and their
 * share is bounded, so skipping cannot hide a broken compiler. A sample of
 * programs, with what the compiler generates for them, type-checks under
 * `strict`, and compiling twice gives the same bytes. On failure, fast-check's
 * counterexample prints as the shrunk program's source.
 *
 * ADC_PROPERTY_RUNS (default 200) and ADC_PROPERTY_SEED reproduce or widen a run
 * (tests/support/seed.ts: a fixed seed under CI, a new one every local run).
 * Programs these tests found miscompiled are kept below, shrunk, as regressions.
 */
import fc from 'fast-check';
import { propertySeed, recordStats } from './support/seed';
import { compileSources } from '../compiler';
import { arrayListing, printArrayProgram, type ArrayProgramText } from './support/array-program-text';
import { arrayProgramArb, type ArrayProgram } from './support/array-programs';
import { checkArrayProgram, checkArrayText, newArrayStats, type Feature } from './support/check-array-program';
import type { Value } from './support/numeric';
import { compileProgram } from './support/check-program';
import { expectStrictAndDeterministic, typeErrors } from './support/typecheck';

const RUNS = Number(process.env.ADC_PROPERTY_RUNS ?? 200);
const SEED = propertySeed();
/**
 * The run stops (and reports the smallest failing program so far) after this long. It is a guard
 * against a hang, not a speed check: the 200 programs take about a minute on 2 idle cores, and the
 * limit leaves room for a machine several times slower or busier.
 */
const TIME_LIMIT = 300_000;

/** A program that prints as its source in fast-check's reports. */
const shown = arrayProgramArb.map((p) => {
  const text = arrayListing(printArrayProgram(p));
  return Object.assign(Object.create({ [fc.toStringMethod]: () => `\n${text}` }), p) as ArrayProgram;
});

describe('random programs that read and write arrays', () => {
  it(
    `agree with finite differences, forward agrees with reverse, f_jacobian with both (${RUNS} programs, seed ${SEED})`,
    () => {
      const stats = newArrayStats();
      fc.assert(
        fc.property(shown, (p) => checkArrayProgram(p, stats)),
        // Stop (and report the smallest program so far) before jest's timeout would hide it.
        { numRuns: RUNS, seed: SEED, interruptAfterTimeLimit: TIME_LIMIT },
      );
      recordStats('arrays', SEED, stats);
      if (stats.programs < RUNS) throw new Error(`only ${stats.programs} of ${RUNS} programs checked in ${TIME_LIMIT / 1000} s (seed ${SEED})`);
      // Skips are bounded, so a generator drifting into overflow or kinks cannot make the test vacuous.
      // So are points checked only within their rounding noise, where finite differences judge less precisely.
      const skipped = stats.unreliable + stats.outOfRange;
      if (skipped > 0.05 * stats.points || stats.noisy > 0.05 * stats.points || stats.unchecked > 0.03 * stats.programs || stats.columnsSkipped > 0.05 * stats.columns) {
        throw new Error(`too many points could not judge a derivative (seed ${SEED}): ${JSON.stringify(stats)}`);
      }
      // Array results must be a real part of the run, with their Jacobians checked.
      if (stats.arrayResults < 0.2 * stats.programs || stats.columns === 0) throw new Error(`too few array results (seed ${SEED}): ${JSON.stringify(stats)}`);
      // Read-only data and local functions must be a real part of the run too. Each floor is about
      // 4 standard deviations or more below the mean share over 30 seeds (ADC_PROPERTY_STATS; the writers'
      // ones 4.5, over 30 seeds of 200 generated programs each), so that a generator that stopped producing
      // a construct fails, and a seed that is merely unlucky does not.
      const least: Partial<Record<Feature, number>> = {
        dataParams: 0.4,
        dataReads: 0.35,
        dataConditions: 0.15,
        localCalls: 0.12,
        localCallbacks: 0.02,
        capturedUpdates: 0.02,
        hoisted: 0.08,
        overflowGuards: 0.15,
        raggedReads: 0.03,
        float32Locals: 0.06,
        pastWrites: 0.07,
        helperNames: 0.01,
        unionParams: 0.2,
        writerCalls: 0.075,
        aliasedWriters: 0.07,
        nestedWriters: 0.06,
        objectStates: 0.09,
      };
      const rare = Object.entries(least).filter(([k, share]) => stats.features[k as Feature] < share! * stats.programs);
      if (stats.programs >= 100 && rare.length > 0) throw new Error(`too few programs with ${rare.map(([k]) => k).join(', ')} (seed ${SEED}): ${JSON.stringify(stats)}`);
      // Overflows computed and not used must happen at checked points (in loops, helpers, local functions).
      if (stats.programs >= 100 && stats.overflowed < 0.03 * stats.points) throw new Error(`too few overflows computed and not used (seed ${SEED}): ${JSON.stringify(stats)}`);
    },
    TIME_LIMIT + 60_000,
  );

  it('are valid strict TypeScript, and so is what the compiler generates for them, byte for byte the same twice', () => {
    expectStrictAndDeterministic(fc.sample(arrayProgramArb, { numRuns: 15, seed: SEED }).map(printArrayProgram), SEED);
  });
});

type ParamSpec = readonly [name: string, type: ArrayProgramText['paramTypes'][number], length?: number];

/** A shrunk counterexample: the source of `f` in /src/main.ts, its parameters, checked at `at` (argument lists). */
interface Regression {
  readonly name: string;
  readonly source: string;
  readonly params: readonly ParamSpec[];
  readonly wrt?: readonly number[];
  readonly result: ArrayProgramText['result'];
  readonly at: readonly (readonly Value[])[];
}

const fn = (tag: string, signature: string, body: string) => `/** ${tag} */\nexport function f(${signature} {\n  ${body.split('\n').join('\n  ')}\n}\n`;
const f64 = (...xs: number[]) => Float64Array.from(xs);

const textOf = (r: Omit<Regression, 'name' | 'at'>): ArrayProgramText => ({
  files: { '/src/main.ts': r.source },
  wrt: r.wrt ?? r.params.map((_, i) => i),
  params: r.params.length,
  paramNames: r.params.map((p) => p[0]),
  paramTypes: r.params.map((p) => p[1]),
  lengths: r.params.map((p) => p[2] ?? 0),
  result: r.result,
});

const regressions: readonly Regression[] = [
  {
    name: 'an active value written into a parameter array outside wrt (f_jvp indexes its tangent, a number 0)',
    source: fn('@differentiable wrt(a)', 'a: Float64Array, b: Float64Array): number', 'b[0] = a[0];\nreturn b[0];'),
    params: [
      ['a', 'Float64Array', 1],
      ['b', 'Float64Array', 1],
    ],
    wrt: [0],
    result: 'number',
    at: [[f64(0.5), f64(2)]],
  },
  {
    name: 'a parameter array outside wrt made active in a loop (f_jvp indexes a number tangent; f_vjp with out reads out.grads[-1])',
    source: fn('@differentiable wrt(a)', 'b: Float64Array, a: number[]): number', 'for (let i = 0; i < 1; i++) b[0] = b[0] * a[0];\nreturn b[0];'),
    params: [
      ['b', 'Float64Array', 1],
      ['a', 'number[]', 1],
    ],
    wrt: [1],
    result: 'number',
    at: [[f64(1.5), [0.5]]],
  },
  {
    name: 'new Float64Array(xs) of a number[] is a Float64Array (the generated value was a number[])',
    source: fn('@differentiable', 'b: number[]): Float64Array', 'const u = new Float64Array(b);\nreturn u;'),
    params: [['b', 'number[]', 2]],
    result: 'Float64Array',
    at: [[[0.5, -1.5]]],
  },
  {
    name: 'fill inside a loop (reverse restored the array before reading what the fill wrote)',
    source: fn(
      '@differentiable',
      'p: number): number',
      'const a = new Float64Array(1);\nlet s = 0;\nfor (let i = 0; i < 2; i++) {\n  a.fill(p * i);\n  s += a[0] * a[0];\n}\nreturn s;',
    ),
    params: [['p', 'number']],
    result: 'number',
    at: [[1.5]],
  },
  {
    name: "a local array created in a loop and only read (reverse read the previous iteration's array: NaN)",
    source: fn(
      '@differentiable',
      'a: Float64Array, p: number): number',
      'for (let j = 0; j < a.length; j++) {\n  const u = new Float64Array(a.length);\n  a[j] = u[j] * p;\n}\nreturn a[0];',
    ),
    params: [
      ['a', 'Float64Array', 1],
      ['p', 'number'],
    ],
    result: 'number',
    at: [[f64(1), 2]],
  },
  {
    name: "a slice made in a loop and only read (reverse read the previous iteration's copy: NaN)",
    source: fn('@differentiable', 'a: Float64Array, p: number): number', 'for (let i = 0; i < 2; i++) {\n  const u = a.slice();\n  p = p * u[0];\n}\nreturn p;'),
    params: [
      ['a', 'Float64Array', 1],
      ['p', 'number'],
    ],
    result: 'number',
    at: [[f64(2), 3]],
  },
  {
    name: "a reduce over an array stored into that array (the summed gradient shares landed in the overwritten element's adjoint)",
    source: fn('@differentiable', 'a: Float64Array): number', 'const u = a[1];\na[0] = a.reduce((acc, v) => acc + v, 0);\nreturn u;'),
    params: [['a', 'Float64Array', 2]],
    result: 'number',
    at: [[f64(1, 2)]],
  },
  {
    name: 'a reduce reading a parameter array outside wrt (its adjoint was used before it was declared)',
    source: fn('@differentiable wrt(p)', 'a: Float64Array, p: number): number', 'a[0] = (p + a[0]) + (1 + a[0]);\nreturn a.reduce((acc, v, k) => acc + (p + a[k]), a[0]);'),
    params: [
      ['a', 'Float64Array', 1],
      ['p', 'number'],
    ],
    wrt: [1],
    result: 'number',
    at: [[f64(0.5), 1.5]],
  },
  {
    name: "a fill with an inactive value in a loop (the reverse sweep skipped the loop and kept the filled elements' adjoints)",
    source: fn('@differentiable', 'a: Float64Array): number', 'for (let i = 0; i < 1; i++) {\n  for (let j = 0; j < a.length; j++) a.fill(Math.sin(0.25 * i));\n}\nreturn a[0];'),
    params: [['a', 'Float64Array', 2]],
    result: 'number',
    at: [[f64(0.5, 2)]],
  },
  {
    name: "two reductions into the same gradient (the second scaled the first one's shares by its own adjoint)",
    source: fn(
      '@differentiable',
      'a: Float64Array): number[]',
      'const s = a[0];\nreturn [a.reduce((acc, v, k) => acc + a[k] / (1 + s * s), a[0]), Math.sin(a.reduce((acc, v) => acc + s, s))];',
    ),
    params: [['a', 'Float64Array', 2]],
    result: 'number[]',
    at: [[f64(0.5, -1.25)]],
  },
  {
    name: "an array re-made empty and pushed to in a loop (the reverse sweep popped the previous iteration's array: NaN)",
    source: fn(
      '@differentiable',
      'a: Float64Array): number',
      'for (const e of a) {\n  const u: number[] = [];\n  for (const x of a) u.push(Math.sin(e) * x);\n  a[0] = a[0] + u[0] + u[1];\n}\nreturn a[0];',
    ),
    params: [['a', 'Float64Array', 2]],
    result: 'number',
    at: [[f64(0.5, -1.25)]],
  },
  {
    name: 'a helper called on an array that is written after the call (its pullback saw the written array)',
    source: 'function g0(z: Float64Array, c: number): number {\n  return z[0] * z[0];\n}\n' + fn('@differentiable', 'a: Float64Array): number', 'a[0] = g0(a, 0);\nreturn a[0];'),
    params: [['a', 'Float64Array', 1]],
    result: 'number',
    at: [[f64(0.7)]],
  },
  {
    name: 'a helper called after a loop and a write (an element was put back before the pullback ran)',
    source:
      'function g0(z: Float64Array): number {\n  return z[0] * z[0];\n}\n' +
      fn('@differentiable', 'a: Float64Array): number', 'for (let i = 0; i < 1; i++) {\n  a[i] = Math.sin(a[i]);\n}\na[0] = 2 * a[0];\nreturn g0(a);'),
    params: [['a', 'Float64Array', 1]],
    result: 'number',
    at: [[f64(0.7)]],
  },
  {
    name: "an array made in a loop and passed to a helper (the pullback got the previous iteration's array: NaN)",
    source:
      'function g1(z: number[], c: number): number {\n  return z[0] * c;\n}\n' +
      fn('@differentiable', 'p: number): number', 'let s = p;\nfor (let i = 0; i < 2; i++) {\n  const d = [0.5 + i];\n  s = g1(d, s);\n}\nreturn s;'),
    params: [['p', 'number']],
    result: 'number',
    at: [[1.5]],
  },
  {
    name: "a helper's array result passed to another helper in a reduction (internal error: no array variable)",
    source:
      'function g0(z: Float64Array): Float64Array {\n  const r = new Float64Array(1);\n  r[0] = z[0] * z[0];\n  return r;\n}\nfunction g1(z: Float64Array, c: number): number {\n  return z[0] * c;\n}\n' +
      fn('@differentiable', 'a: Float64Array, p: number): number', 'let s = 0;\nfor (let i = 0; i < 2; i++) {\n  const d = g0(a);\n  s += g1(d, p);\n}\nreturn s;'),
    params: [
      ['a', 'Float64Array', 1],
      ['p', 'number'],
    ],
    result: 'number',
    at: [[f64(0.7), 1.5]],
  },
  {
    name: 'an array argument evaluated before a reduce in the same call (the array was kept in a second variable: an alias with its own adjoint)',
    source:
      'function g0(z: Float64Array, c: number): number[] {\n  const r: number[] = [Math.sin(1 + z[0]) * c];\n  return r;\n}\n' +
      fn(
        '@differentiable',
        'a: Float64Array): number[]',
        'const d0 = g0(a, a.map((v) => v).reduce((acc, w) => acc + w, 1));\na[0] = (a[0] + a[0]) * d0[0];\nreturn [Math.sin(a[0])];',
      ),
    params: [['a', 'Float64Array', 2]],
    result: 'number[]',
    at: [[f64(0.7, -0.4)]],
  },
  {
    name: 'a helper called between two writes in a loop (its pullback saw the array as the iteration started)',
    source:
      'function g0(z: Float64Array, c: number): number {\n  return Math.sin(z[0]) * c;\n}\n' +
      fn(
        '@differentiable',
        'a: Float64Array, p: number): number',
        'let s = 0;\nfor (let j = 0; j < 2; j++) {\n  a[0] = a[0] * p;\n  const d = g0(a, p);\n  a[0] = d * s + 1;\n  s = s + d;\n}\nreturn s + a[0];',
      ),
    params: [
      ['a', 'Float64Array', 1],
      ['p', 'number'],
    ],
    result: 'number',
    at: [[f64(0.7), 1.3]],
  },
  {
    name: 'a helper called on an array before and after a fill in a loop (both calls shared one read, so the second pullback saw the array before the fill)',
    source:
      'function g0(z: Float64Array, c: number): number {\n  return Math.sin(z[0] / (1 + z[0] * z[0]));\n}\n' +
      fn('@differentiable', 'a: Float64Array): number', 'for (let i = 0; i < 2; i++) {\n  a.fill(g0(a, 0));\n  const d0 = g0(a, 0);\n  a[0] = (a[0] + 1) * d0;\n}\nreturn a[0];'),
    params: [['a', 'Float64Array', 1]],
    result: 'number',
    at: [[f64(0.7)]],
  },
  {
    name: 'a read past the end tested with ?? before a fill (its adjoint, 0, made the gradient element past the end NaN, which the fill summed)',
    source: fn(
      '@differentiable',
      'a: number[], p: number): number',
      'a.fill(a[0] * p);\nlet s = 0;\nfor (let i = 0; i < a.length + 1; i++) {\n  const cur = a[i];\n  s += (cur ?? p) * a[0];\n}\nreturn s;',
    ),
    params: [
      ['a', 'number[]', 2],
      ['p', 'number'],
    ],
    result: 'number',
    at: [[[0.5, -1.5], 1.3]],
  },
  {
    name: 'a plain array parameter outside wrt written with an active value (f_vjp grew its adjoint before declaring it)',
    source: fn('@differentiable wrt(p)', 'a: number[], p: number): number[]', 'a[0] = (0.25 + a[0]) + p;\nreturn [-(1.5 + a[0])];'),
    params: [
      ['a', 'number[]', 1],
      ['p', 'number'],
    ],
    wrt: [1],
    result: 'number[]',
    at: [[[-0.93], -2]],
  },
  {
    name: 'a read past the end of a plain array, not used, after a fill (its adjoint 0 made a NaN gradient element that the fill summed)',
    source: fn(
      '@differentiable',
      'a: number[]): number[]',
      'for (let i = 0; i < a.length; i++) {\n  a.fill(a[i] + 0.25 * i);\n  for (let j = 0; j < a.length + 2; j++) {\n    const cur = a[j];\n    const ahead = cur * 1;\n    a[i] += j < a.length ? ahead : 1;\n  }\n}\nreturn [a[0]];',
    ),
    params: [['a', 'number[]', 1]],
    result: 'number[]',
    at: [[[-1.6904340460896492]], [[0.5]]],
  },
];

describe('array programs the property tests once found miscompiled', () => {
  it.each(regressions.map((r) => [r.name, r] as const))('%s', (_, r) => {
    const stats = newArrayStats();
    checkArrayText(textOf(r), 1, stats, r.at);
    expect(stats.checked).toBe(r.at.length);
  });

  // Float32Array arithmetic (values, tangents, adjoints) is float32, so only the value can be compared exactly.
  it('new Float32Array(xs) of a number[] rounds to float32 in both modes (the generated value did not)', () => {
    const text = textOf({
      source: fn('@differentiable', 'a: number[]): number', 'const u = new Float32Array(a);\nreturn u[0];'),
      params: [['a', 'number[]', 1]],
      result: 'number',
    });
    const { module, original } = compileProgram(text);
    const primal = (original.f as (a: number[]) => number)([0.1]);
    expect(primal).toBe(Math.fround(0.1));
    const jvp = (module.f_jvp as (a: number[], da: number[]) => { value: number; tangent: number })([0.1], [0.3]);
    const grad = (module.f_grad as (a: number[]) => { value: number; grads: [number[]] })([0.1]);
    expect([jvp.value, grad.value]).toEqual([primal, primal]);
    expect(jvp.tangent).toBe(Math.fround(0.3));
    expect(grad.grads[0]).toEqual([1]);
  });

  it('a copy that changes kind inside a loop ([...f64], new Float64Array(numbers)) type-checks (reverse re-made it with .slice())', () => {
    const sources = [
      fn('@differentiable', 'a: Float64Array): number', 'let s = 0;\nfor (let i = 0; i < 2; i++) {\n  const u = [...a];\n  s += u[0] * u[0];\n}\nreturn s;'),
      fn('@differentiable', 'p: number, a: number[]): number', 'let s = 0;\nfor (let i = 0; i < 2; i++) {\n  const u = new Float64Array(a);\n  s += u[0] * p;\n}\nreturn s;'),
      // a readonly array argument kept across a reduce in a loop (it was kept in a mutable number[] variable)
      'function g0(z: readonly number[], c: number): number {\n  return z[0] * c;\n}\n' +
        fn(
          '@differentiable',
          'a: number[], b: readonly number[]): number',
          'let s = 0;\nfor (let j = 0; j < 2; j++) {\n  s += g0(b, a.reduce((acc, v) => acc + v, 0));\n}\nreturn s;',
        ),
    ];
    const files: Record<string, string> = {};
    sources.forEach((source, i) => {
      files[`/r${i}/src/main.ts`] = source;
      for (const g of compileSources({ '/src/main.ts': source }).files) files[`/r${i}${g.path}`] = g.text;
    });
    expect(typeErrors(files)).toEqual([]);
  });

  // `subarray` is a view: a write to the array shows through it, and a write through it shows in the array.
  // The compiler copies it instead; it must reject these programs (aliasing) or compute what they compute.
  it.each([
    ['a write to the array after taking a view', fn('@differentiable', 'x: Float64Array): number', 'const m = x.subarray(1);\nx[1] = 5 * x[0];\nreturn m[0];')],
    ['a write through the view', fn('@differentiable', 'x: Float64Array): number', 'const m = x.subarray(1);\nm[0] = 5 * x[0];\nreturn x[1];')],
  ])('subarray aliasing, %s: rejected, or the value and derivatives are right', (_, source) => {
    const { diagnostics } = compileSources({ '/src/main.ts': source });
    if (diagnostics.length > 0) {
      expect(diagnostics.map((d) => d.code)).toContain('ADC114');
      return;
    }
    const stats = newArrayStats();
    checkArrayText(textOf({ source, params: [['x', 'Float64Array', 3]], result: 'number' }), 1, stats, [[f64(1, 2, 3)]]);
    expect(stats.checked).toBe(1);
  });
});
