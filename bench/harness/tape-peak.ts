/**
 * The peak size of ts-adc's tape during one call, measured without a runtime
 * hook: the stacks only grow by pushes, so the high-water mark is always the
 * size just before some pop (or at the end of the call). Wrapping the pops of
 * the shared tape instance with `track()` therefore gives the exact peak.
 *
 * Wrapping adds own properties to the tape object, which changes its hidden
 * class and would slow later generated code: call this only after every
 * timing of the process is done.
 *
 * The runtime is required by name, as generated code does (`ts-adc/runtime`,
 * the package's own export, i.e. dist/runtime), so that this is the very
 * instance the generated functions use.
 */
interface TapeLike {
  reset(): void;
  resetPeak(): void;
  track(): void;
  readonly peakBytes: number;
}

let instrumented: TapeLike | undefined;

function instrument(): TapeLike {
  if (instrumented) return instrumented;
  const tape = (require('ts-adc/runtime') as { tape: TapeLike }).tape;
  const t = tape as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of ['pop', 'popInt', 'popBit', 'popArray']) {
    const original = t[name];
    if (typeof original !== 'function') continue;
    t[name] = function (this: TapeLike, ...args: unknown[]) {
      this.track();
      return original.apply(this, args);
    };
  }
  instrumented = tape;
  return tape;
}

/** Peak bytes (float64 values × 8 + int32 decisions × 4 + array references × 8) of one call of `run`. */
export function peakTapeBytes(run: () => unknown): number {
  const tape = instrument();
  tape.reset();
  tape.resetPeak();
  run();
  return tape.peakBytes;
}
