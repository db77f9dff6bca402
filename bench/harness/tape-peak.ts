/**
 * The peak size of ts-adc's tape during one call: the tape's own `peakBytes`
 * (each stack's high-water mark since the `reset()` the public function starts
 * with). The runtime is required by name, as generated code does
 * (`ts-adc/runtime`, the package's own export, i.e. dist/runtime), so that
 * this is the very instance the generated functions use.
 */
interface TapeLike {
  reset(): void;
  readonly peakBytes: number;
}

/** Peak bytes (float64 values × 8 + int32 counts × 4 + decisions ÷ 8 + array references × 8) of one call of `run`. */
export function peakTapeBytes(run: () => unknown): number {
  const tape = (require('ts-adc/runtime') as { tape: TapeLike }).tape;
  tape.reset(); // (a gradient that records nothing does not reset it itself)
  run();
  return tape.peakBytes;
}
