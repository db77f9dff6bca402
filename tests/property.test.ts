/**
 * Property-based tests: random programs from the supported scalar subset
 * (tests/support/programs.ts: among the rest, overflows computed and not used
 * on the path taken, numeric `||` `&&` `||=` `&&=`, `switch` with variable
 * labels, declarations assigned in every arm, helpers with several parameters
 * or named like generated locals; and in two programs in five, objects:
 * parameters `p: { x; y; k }` or `{ pos: { x; y }; w }`, inline or interfaces,
 * with string or boolean data, object locals made by literals, spreads,
 * destructuring and second names, `let` objects replaced in loops, helpers
 * taking and returning objects and writers into them, tests/support/object-programs.ts;
 * matrices `W: number[][]` in objects, matrix-programs.ts; and lists, arrays of objects
 * an object parameter holds, `pts: Point[]`, `bodies`, `layers` of different sizes,
 * read and written in index loops, `for … of`, destructuring loops, map, reduce and
 * forEach callbacks, through `const q = p.pts[i]` and helpers taking elements,
 * tests/support/list-programs.ts),
 * each compiled and checked numerically (finite
 * differences against f_jvp and f_grad, moving each number of an object, whose
 * tangents and gradients are its numeric skeleton) and forward against reverse
 * (tests/support/check-program.ts), each comparison allowing on top of its
 * fixed tolerance the rounding noise it measures (tests/support/rounding.ts),
 * so that a failure means a wrong derivative, not an ill-conditioned program.
 * On failure, fast-check's counterexample is the shrunk program's source.
 * Points that cannot judge a derivative (branch boundaries, kinks, overflow, a
 * derivative that changes across the finite-difference step: numeric.ts `curved`)
 * are counted, and their share is bounded, so skipping cannot hide a broken
 * compiler; so is the share of points checked only within their noise. Each
 * construct must be part of a good share of the programs, and overflows must
 * happen at checked points, in programs that fail without the zero-(co)tangent
 * rule (tests/support/check-program.ts, `needZeroRule`). A sample of programs, with what the
 * compiler generates for them, is type-checked under `strict`, and compiling
 * them twice gives the same bytes.
 *
 * ADC_PROPERTY_RUNS (default 200) and ADC_PROPERTY_SEED reproduce or widen a run
 * (tests/support/seed.ts: a fixed seed under CI, a new one every local run).
 * Programs these tests once found miscompiled are kept below, shrunk, as regressions.
 */
import fc from 'fast-check';
import { propertySeed, recordStats } from './support/seed';
import { compileSources } from '../compiler';
import { checkProgram, checkText, newStats, type Feature } from './support/check-program';
import { listing, printProgram } from './support/program-text';
import { programArb, type Program } from './support/programs';
import { expectStrictAndDeterministic } from './support/typecheck';

const RUNS = Number(process.env.ADC_PROPERTY_RUNS ?? 200);
const SEED = propertySeed();
/** A guard against a hang, not a speed check (about a minute on 2 idle cores; room for a machine several times slower). */
const TIME_LIMIT = 300_000;

/** A program that prints as its source in fast-check's reports. */
const shown = programArb.map((p) => {
  const text = listing(printProgram(p));
  return Object.assign(Object.create({ [fc.toStringMethod]: () => `\n${text}` }), p) as Program;
});

describe('random programs of the supported subset', () => {
  it(
    `agree with finite differences, and forward agrees with reverse (${RUNS} programs)`,
    () => {
      const stats = newStats();
      fc.assert(
        fc.property(shown, (p) => checkProgram(p, stats)),
        // Stop (and report the smallest program so far) before jest's timeout would hide it.
        { numRuns: RUNS, seed: SEED, interruptAfterTimeLimit: TIME_LIMIT },
      );
      recordStats('scalar', SEED, stats);
      if (stats.programs < RUNS) throw new Error(`only ${stats.programs} of ${RUNS} programs checked in ${TIME_LIMIT / 1000} s (seed ${SEED})`);
      // Skipped points are bounded, so a generator drifting into overflow or kinks cannot make the test vacuous.
      const skipped = stats.unreliable + stats.outOfRange;
      if (skipped > 0.05 * stats.points || stats.noisy > 0.05 * stats.points || stats.unchecked > 0.03 * stats.programs) {
        throw new Error(`too many points could not judge a derivative (seed ${SEED}): ${JSON.stringify(stats)}`);
      }
      // Overflows computed and not used must be a real part of the run: points where they happen, and
      // programs that fail there when the generated code goes without the zero-(co)tangent rule.
      if (stats.programs >= 100 && (stats.overflowed < 0.05 * stats.points || stats.needZeroRule < 0.01 * stats.programs)) {
        throw new Error(`too few overflows computed and not used (seed ${SEED}): ${JSON.stringify(stats)}`);
      }
      // Each construct must be a real part of the run: each floor is 4.5 standard deviations or more
      // below the share measured over 30 seeds (ADC_PROPERTY_STATS; the objects' ones over 30 seeds of 200
      // generated programs each), so an unlucky seed does not fail.
      const least: Record<Feature, number> = {
        overflowGuards: 0.3,
        numericLogic: 0.4,
        switches: 0.12,
        definiteAssignment: 0.3,
        helperNames: 0.1,
        wideHelpers: 0.02,
        objectParams: 0.22,
        objectLocals: 0.09,
        objectReplaced: 0.025,
        objectDestructuring: 0.04,
        objectHelpers: 0.09,
        objectWriters: 0.03,
        // (measured over 30 seeds of 200 generated programs each, by sampling: 0.24 ± 0.03, 0.14 ± 0.03)
        objectMatrices: 0.09,
        matrixRows: 0.015,
        // (lists: measured over 30 seeds of 200 generated programs each, by sampling: 0.25 ± 0.03,
        // 0.11 ± 0.02, 0.14 ± 0.02)
        objectLists: 0.1,
        listCallbacks: 0.015,
        listWrites: 0.04,
      };
      const rare = Object.entries(least).filter(([k, share]) => stats.features[k as Feature] < share * stats.programs);
      if (stats.programs >= 100 && rare.length > 0) throw new Error(`too few programs with ${rare.map(([k]) => k).join(', ')} (seed ${SEED}): ${JSON.stringify(stats)}`);
    },
    TIME_LIMIT + 60_000,
  );

  it('are valid strict TypeScript, and so is what the compiler generates for them, byte for byte the same twice', () => {
    expectStrictAndDeterministic(fc.sample(programArb, { numRuns: 25, seed: SEED }).map(printProgram), SEED);
  });
});

/** Shrunk counterexamples of earlier runs: `f(params)` with `body`, checked at `at`. */
const regressions: readonly { readonly name: string; readonly params: string[]; readonly body: string; readonly at: number[][] }[] = [
  {
    name: "a local named cotangent in a branch (a clean-up gave the renamed local back the name of the signature's cotangent)",
    params: ['x'],
    body: 'const ret = 50 * x;\n  const out = Math.exp(ret);\n  let cotangent: number;\n  if (ret > 30) {\n    cotangent = ret / 50;\n  } else {\n    cotangent = Math.log1p(out) / 50;\n  }\n  x += cotangent;\n  return Math.sign(x + Math.sin(1));',
    at: [[0.5], [-0.5]],
  },
  {
    name: 'a let declared in an if block, counted by a do-while (forward lost the declaration)',
    params: ['x'],
    body: 'if (x > 0) {\n    let k = 0;\n    do {\n      k++;\n    } while (k < 1);\n  }\n  return x;',
    at: [[0.5], [-0.5]],
  },
  { name: 'x **= 2 (forward read the updated x)', params: ['x'], body: 'x **= 2;\n  return x;', at: [[1.5]] },
  { name: 's *= x in a loop (forward read the updated s)', params: ['x'], body: 'let s = 1;\n  for (let i = 0; i < 3; i++) s *= x;\n  return s;', at: [[0.7]] },
  { name: '0.1 * (x * y) keeps its grouping (the value changed in the last bit)', params: ['x', 'y'], body: 'return 0.1 * (x * y);', at: [[1.5, 0.7]] },
  {
    name: 'a do-while condition with && and a call (forward declared its temporary inside the body)',
    params: ['x'],
    body: 'let k = 0;\n  do {\n    k++;\n  } while (k < 2 && Math.trunc(k) <= x);\n  return x;',
    at: [[0.5], [1.5]],
  },
  { name: 'an overwritten variable whose adjoint is zero (reverse read x_bar before declaring it)', params: ['x'], body: 'x = x + x * x;\n  return 0 * x;', at: [[0.5]] },
  { name: 'a folded constant -0 keeps its sign (atan2 flipped from -π to π)', params: ['x'], body: 'const r = Math.round(-0.4);\n  return x + Math.atan2(r, -1);', at: [[0.7]] },
  { name: 'a local constant -0 keeps its sign', params: ['x'], body: 'const z = -0;\n  return Math.atan2(z, -1) * x;', at: [[0.7]] },
];

describe('a helper with more active number parameters than any fixed set of registers holds', () => {
  // The generator's helpers have up to six parameters; this one has 260 (the return registers of
  // pullbacks once held 256), each active, read in products and Math calls, its arguments made of
  // both of f's parameters.
  const N = 260;
  const params = Array.from({ length: N }, (_, i) => `c${i}`);
  const terms = params.map((c, i) => [`${c} * c${(i + 1) % N}`, `Math.sin(${c})`, `${c} / (1 + c${(i + 7) % N} ** 2)`][i % 3]);
  const args = params.map((_, i) => [`x * ${(i % 5) + 1}`, `Math.cos(y + ${i})`, `x * y`, `y - ${i % 3}`][i % 4]);
  const source = [
    `function energy(${params.map((c) => `${c}: number`).join(', ')}): number {`,
    `  return ${terms.join(' + ')};`,
    '}',
    '',
    '/** @differentiable */',
    'export function f(x: number, y: number): number {',
    `  return energy(${args.join(', ')});`,
    '}',
    '',
  ].join('\n');

  it(`${N} parameters: f_jvp, f_vjp and f_grad agree with finite differences and with each other`, () => {
    const stats = newStats();
    const at = [
      [0.7, -0.4],
      [1.3, 0.9],
      [-0.6, 1.8],
    ];
    checkText({ files: { '/src/main.ts': source }, wrt: [0, 1], params: 2 }, SEED, stats, at);
    expect(stats.checked).toBe(at.length);
  });
});

describe('programs the property tests once found miscompiled', () => {
  it.each(regressions.map((r) => [r.name, r] as const))('%s', (_, r) => {
    const source = `/** @differentiable */\nexport function f(${r.params.map((p) => `${p}: number`).join(', ')}): number {\n  ${r.body}\n}\n`;
    const stats = newStats();
    checkText({ files: { '/src/main.ts': source }, wrt: r.params.map((_, i) => i), params: r.params.length }, 1, stats, r.at);
    expect(stats.checked).toBe(r.at.length);
  });
});
