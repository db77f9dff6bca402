/**
 * Property-based tests: random programs from the supported scalar subset
 * (tests/support/programs.ts), each compiled and checked numerically (finite
 * differences against f_jvp and f_grad) and forward against reverse
 * (tests/support/check-program.ts), each comparison allowing on top of its
 * fixed tolerance the rounding noise it measures (tests/support/rounding.ts),
 * so that a failure means a wrong derivative, not an ill-conditioned program.
 * On failure, fast-check's counterexample is the shrunk program's source.
 * Points that cannot judge a derivative (branch boundaries, kinks, overflow)
 * are counted, and their share is bounded, so skipping cannot hide a broken
 * compiler; so is the share of points checked only within their noise. A sample of programs, with what the
 * compiler generates for them, is type-checked under `strict`, and compiling
 * them twice gives the same bytes.
 *
 * ADC_PROPERTY_RUNS (default 200) and ADC_PROPERTY_SEED reproduce or widen a run
 * (tests/support/seed.ts: a fixed seed under CI, a new one every local run).
 * Programs these tests once found miscompiled are kept below, shrunk, as regressions.
 */
import fc from 'fast-check';
import { propertySeed } from './support/seed';
import { compileSources } from '../compiler';
import { checkProgram, checkText, newStats } from './support/check-program';
import { listing, printProgram } from './support/program-text';
import { programArb, type Program } from './support/programs';
import { expectStrictAndDeterministic } from './support/typecheck';

const RUNS = Number(process.env.ADC_PROPERTY_RUNS ?? 200);
const SEED = propertySeed();

/** A program that prints as its source in fast-check's reports. */
const shown = programArb.map((p) => {
  const text = listing(printProgram(p));
  return Object.assign(Object.create({ [fc.toStringMethod]: () => `\n${text}` }), p) as Program;
});

describe('random programs of the supported subset', () => {
  it(`agree with finite differences, and forward agrees with reverse (${RUNS} programs)`, () => {
    const stats = newStats();
    fc.assert(
      fc.property(shown, (p) => checkProgram(p, stats)),
      // Stop (and report the smallest program so far) before jest's timeout would hide it.
      { numRuns: RUNS, seed: SEED, interruptAfterTimeLimit: 100_000 },
    );
    if (stats.programs < RUNS) throw new Error(`only ${stats.programs} of ${RUNS} programs checked in 100 s (seed ${SEED})`);
    // Skipped points are bounded, so a generator drifting into overflow or kinks cannot make the test vacuous.
    const skipped = stats.unreliable + stats.outOfRange;
    if (skipped > 0.05 * stats.points || stats.noisy > 0.05 * stats.points || stats.unchecked > 0.03 * stats.programs) {
      throw new Error(`too many points could not judge a derivative (seed ${SEED}): ${JSON.stringify(stats)}`);
    }
  });

  it('are valid strict TypeScript, and so is what the compiler generates for them, byte for byte the same twice', () => {
    expectStrictAndDeterministic(fc.sample(programArb, { numRuns: 25, seed: SEED }).map(printProgram), SEED);
  });
});

/** Shrunk counterexamples of earlier runs: `f(params)` with `body`, checked at `at`. */
const regressions: readonly { readonly name: string; readonly params: string[]; readonly body: string; readonly at: number[][] }[] = [
  { name: 'a let declared in an if block, counted by a do-while (forward lost the declaration)', params: ['x'], body: 'if (x > 0) {\n    let k = 0;\n    do {\n      k++;\n    } while (k < 1);\n  }\n  return x;', at: [[0.5], [-0.5]] },
  { name: 'x **= 2 (forward read the updated x)', params: ['x'], body: 'x **= 2;\n  return x;', at: [[1.5]] },
  { name: 's *= x in a loop (forward read the updated s)', params: ['x'], body: 'let s = 1;\n  for (let i = 0; i < 3; i++) s *= x;\n  return s;', at: [[0.7]] },
  { name: '0.1 * (x * y) keeps its grouping (the value changed in the last bit)', params: ['x', 'y'], body: 'return 0.1 * (x * y);', at: [[1.5, 0.7]] },
  { name: 'a do-while condition with && and a call (forward declared its temporary inside the body)', params: ['x'], body: 'let k = 0;\n  do {\n    k++;\n  } while (k < 2 && Math.trunc(k) <= x);\n  return x;', at: [[0.5], [1.5]] },
  { name: 'an overwritten variable whose adjoint is zero (reverse read x_bar before declaring it)', params: ['x'], body: 'x = x + x * x;\n  return 0 * x;', at: [[0.5]] },
  { name: 'a folded constant -0 keeps its sign (atan2 flipped from -π to π)', params: ['x'], body: 'const r = Math.round(-0.4);\n  return x + Math.atan2(r, -1);', at: [[0.7]] },
  { name: 'a local constant -0 keeps its sign', params: ['x'], body: 'const z = -0;\n  return Math.atan2(z, -1) * x;', at: [[0.7]] },
];

describe('programs the property tests once found miscompiled', () => {
  it.each(regressions.map((r) => [r.name, r] as const))('%s', (_, r) => {
    const source = `/** @differentiable */\nexport function f(${r.params.map((p) => `${p}: number`).join(', ')}): number {\n  ${r.body}\n}\n`;
    const stats = newStats();
    checkText({ files: { '/src/main.ts': source }, wrt: r.params.map((_, i) => i), params: r.params.length }, 1, stats, r.at);
    expect(stats.checked).toBe(r.at.length);
  });
});
