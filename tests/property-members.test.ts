/**
 * Property-based tests of small classes (tests/support/member-programs.ts): a marked `f(a, b, c)`
 * making instances with `new`, calling methods that change `this` and return it, a getter,
 * `clone()`, a method taking another instance, a static method, and, in some programs, a subclass
 * overriding the method the base class's `step` calls. The checks are those of the scalar
 * property tests (check-program.ts `checkText`): the value equals the plain function's, forward
 * agrees with reverse (1e-10) and both with central differences (1e-5), allowing the rounding
 * noise each comparison measures. ADC_PROPERTY_RUNS and ADC_PROPERTY_SEED widen or reproduce a run.
 */
import fc from 'fast-check';
import { propertySeed } from './support/seed';
import { checkText, newStats } from './support/check-program';
import { memberProgramArb, printMemberProgram, type MemberProgram } from './support/member-programs';

const RUNS = Number(process.env.ADC_PROPERTY_RUNS ?? 40);
const SEED = propertySeed();

const shown = memberProgramArb.map((p) => {
  const text = printMemberProgram(p);
  return Object.assign(Object.create({ [fc.toStringMethod]: () => `\n${text}` }), p) as MemberProgram;
});

describe('random programs with small classes', () => {
  it(`agree with finite differences, forward agrees with reverse (${RUNS} programs, seed ${SEED})`, () => {
    const stats = newStats();
    fc.assert(
      fc.property(shown, fc.integer({ min: 1, max: 1 << 30 }), (p, seed) => {
        checkText({ files: { '/src/main.ts': printMemberProgram(p) }, wrt: [0, 1, 2], params: 3 }, seed, stats);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // (every program's derivatives were judged at some point: a generator drifting into kinks cannot make the test vacuous)
    expect(stats.unchecked).toBe(0);
    expect(stats.programs).toBeGreaterThanOrEqual(RUNS);
  }, 120_000);
});
