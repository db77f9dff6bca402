/**
 * Loads a generated `<objective>.grad.js` compiled by bench/main.ts, or says
 * why it cannot: adc's diagnostics (from the status file the driver writes),
 * a missing file, or an exception at load time. Suites turn the reason into a
 * note and skip their ts-adc variants, so that a failing compile shows in the
 * table instead of stopping the benchmark.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ObjectiveStatus {
  /** adc produced a file for it. */
  readonly generated: boolean;
  /** adc's diagnostics, one line each. */
  readonly diagnostics: readonly string[];
  /** Type errors of the generated file under `strict` (it is compiled anyway). */
  readonly typeErrors: readonly string[];
}

export const objectivesOut = path.join(__dirname, '..', 'objectives');

export function readStatus(objective: string): ObjectiveStatus | undefined {
  const file = path.join(objectivesOut, 'adc-status.json');
  if (!fs.existsSync(file)) return undefined;
  const all = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, ObjectiveStatus>;
  return all[objective];
}

export type Loaded<T> = { readonly module: T; readonly notes: string[] } | { readonly module?: undefined; readonly notes: string[] };

export function loadGenerated<T>(objective: string): Loaded<T> {
  const status = readStatus(objective);
  const notes: string[] = [];
  if (status && status.typeErrors.length > 0) notes.push(`generated ${objective}.grad.ts has ${status.typeErrors.length} type error(s): ${status.typeErrors[0]}`);
  const file = path.join(objectivesOut, `${objective}.grad.js`);
  if (!fs.existsSync(file) || (status && !status.generated)) {
    const why = status && status.diagnostics.length > 0 ? status.diagnostics.join(' | ') : 'no generated file';
    return { notes: [`adc failed on ${objective}.ts: ${why}`, ...notes] };
  }
  try {
    return { module: require(file) as T, notes };
  } catch (e) {
    return { notes: [`loading ${objective}.grad.js failed: ${(e as Error).message}`, ...notes] };
  }
}

/** The skip note of a ts-adc variant when its module did not load. */
export function missing(loaded: Loaded<unknown>): string | undefined {
  return loaded.module ? undefined : 'not compiled (see notes)';
}

/** `f_grad` of a marked function `F` with a number result (DESIGN.md): F's parameters, then `out?`. */
export type GradOf<F extends (...args: never[]) => number, G extends unknown[]> = (...args: [...Parameters<F>, out?: { value: number; grads: G }]) => { value: number; grads: G };

/** `f_jvp` of a marked function `F` with a number result: F's parameters, the tangents `T` of its differentiated ones, then `out?`. */
export type JvpOf<F extends (...args: never[]) => number, T extends unknown[]> = (...args: [...Parameters<F>, ...T, out?: { value: number; tangent: number }]) => {
  value: number;
  tangent: number;
};

/** `f_hvp` of a marked function `F` with `@differentiable hessian`: F's parameters, one direction per differentiated one (shaped as its gradient `G`), then `out?`. */
export type HvpOf<F extends (...args: never[]) => number, G extends unknown[]> = (...args: [...Parameters<F>, ...G, out?: { value: number; grads: G; hvp: G }]) => {
  value: number;
  grads: G;
  hvp: G;
};
