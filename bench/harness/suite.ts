/**
 * What every suite exports, and the small helpers they share to declare the
 * usual variants and references without repeating themselves.
 */
import type { Case, Reference, Variant } from './types';
import { centralDifference, relativeError, spreadIndices } from './compare';

export interface SuiteOptions {
  /** Shorter budgets and fewer sizes (smoke test of the harness). */
  readonly quick: boolean;
  /** Time the tfjs and jax-js peers. */
  readonly peers: boolean;
  /** Budget per case in ms. */
  readonly budgetMs: number;
  /** The long simulation at 1e7 steps too (gigabytes of tape). */
  readonly steps1e7?: boolean;
}

export interface Suite {
  readonly name: string;
  cases(options: SuiteOptions): Promise<Case[]>;
}

/** A variant that is listed but never run, with the reason. */
export function skipped(name: string, mode: Variant['mode'], origin: Variant['origin'], why: string): Variant {
  return { name, mode, origin, run: () => undefined, skip: why };
}

/**
 * Checks a reference gradient against central differences of `f` on up to
 * `count` coordinates spread over the flat parameter vector `params` (which
 * `f` reads; it is perturbed and restored in place).
 */
export function fdCheck(f: () => number, params: Float64Array, gradient: ArrayLike<number>, count = 16): { name: string; error: number } {
  const idx = spreadIndices(params.length, count);
  const fd = new Float64Array(gradient.length);
  const ref = new Float64Array(gradient.length);
  for (const i of idx) {
    fd[i] = centralDifference(f, params, i);
    ref[i] = gradient[i];
  }
  return { name: `FD (${idx.length} coords)`, error: relativeError(ref, fd, idx) };
}

/** The full central-difference gradient (2n calls of f). */
export function fdGradient(f: () => number, params: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < params.length; i++) out[i] = centralDifference(f, params, i);
  return out;
}

export function gradientReference(name: string, gradient: ArrayLike<number>, direction?: ArrayLike<number>): Reference {
  let tangent: number | undefined;
  if (direction) {
    tangent = 0;
    for (let i = 0; i < gradient.length; i++) tangent += gradient[i] * direction[i];
  }
  return { name, gradient, tangent };
}
