/**
 * Property-based tests: random programs from the supported scalar subset
 * (tests/support/programs.ts), each compiled and checked numerically (finite
 * differences against f_jvp and f_grad) and forward against reverse
 * (tests/support/check-program.ts). On failure, fast-check's counterexample is
 * the shrunk program's source. Points that cannot judge a derivative (branch
 * boundaries, kinks, overflow) are counted, and their share is bounded, so
 * skipping cannot hide a broken compiler. A sample of programs, with what the
 * compiler generates for them, is type-checked under `strict`.
 *
 * ADC_PROPERTY_RUNS (default 200) and ADC_PROPERTY_SEED reproduce or widen a run.
 */
import fc from 'fast-check';
import { compileSources } from '../compiler';
import { checkProgram, newStats } from './support/check-program';
import { listing, printProgram } from './support/program-text';
import { programArb, type Program } from './support/programs';
import { typeErrors } from './support/typecheck';

const RUNS = Number(process.env.ADC_PROPERTY_RUNS ?? 200);
const SEED = process.env.ADC_PROPERTY_SEED ? Number(process.env.ADC_PROPERTY_SEED) : Date.now() % 2 ** 31;

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
      { numRuns: RUNS, seed: SEED },
    );
    // Skipped points are bounded, so a generator drifting into overflow or kinks cannot make the test vacuous.
    expect(stats.programs).toBeGreaterThanOrEqual(RUNS);
    const skipped = stats.unreliable + stats.outOfRange;
    if (skipped > 0.05 * stats.points || stats.unchecked > 0.03 * stats.programs) {
      throw new Error(`too many points could not judge a derivative (seed ${SEED}): ${JSON.stringify(stats)}`);
    }
  });

  it('are valid strict TypeScript, and so is what the compiler generates for them', () => {
    const files: Record<string, string> = {};
    fc.sample(programArb, { numRuns: 25, seed: SEED }).forEach((p, i) => {
      const text = printProgram(p);
      for (const [file, src] of Object.entries(text.files)) files[`/p${i}${file}`] = src;
      for (const g of compileSources(text.files).files) files[`/p${i}${g.path}`] = g.text;
    });
    const errors = typeErrors(files);
    const shownFiles = [...new Set(errors.map((e) => e.split(':')[0]))].slice(0, 3);
    expect({ seed: SEED, errors, files: shownFiles.map((f) => `// ${f}\n${files[f]}`) }).toEqual({ seed: SEED, errors: [], files: [] });
  });
});
