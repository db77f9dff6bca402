/**
 * The seed of a property-based run. ADC_PROPERTY_SEED reproduces a run; under CI
 * (`CI` set, as `.ci/run` does) the seed is fixed, so that a commit's verdict does not
 * depend on the day; elsewhere every run explores a new seed, printed in the test's name.
 */
import { appendFileSync } from 'node:fs';
export const CI_SEED = 20261123;

export function propertySeed(): number {
  const given = process.env.ADC_PROPERTY_SEED;
  if (given !== undefined && given !== '') return Number(given);
  if (process.env.CI) return CI_SEED;
  return Date.now() % 2 ** 31;
}

/**
 * ADC_PROPERTY_STATS=<file> appends a run's statistics (one JSON line with its seed), to see
 * over many seeds how often each construct and each kind of skipped point occurs.
 */
export function recordStats(suite: string, seed: number, stats: object): void {
  const file = process.env.ADC_PROPERTY_STATS;
  if (file) appendFileSync(file, `${JSON.stringify({ suite, seed, ...stats })}\n`);
}
