/**
 * The tape of reverse mode: three growable stacks, reused across calls.
 *
 * - values (float64): primal values a later write destroys (`push`/`pop`; an
 *   `undefined`, read past the end of an array, comes back as `undefined`);
 * - ints (int32): branch decisions, trip counts and element indices (`pushInt`/`popInt`, `pushBit`/`popBit`);
 * - objects: arrays replaced inside loops (`pushArray`/`popArray`).
 *
 * Generated code pushes in the forward sweep and pops in the reverse sweep, so
 * a completed call leaves the tape as it found it. A public gradient function
 * starts with `reset()`, so a call that threw half-way cannot affect the next.
 */
export class Tape {
  private values = new Float64Array(1024);
  private valueTop = 0;
  private ints = new Int32Array(1024);
  private intTop = 0;
  private objects: unknown[] = [];
  /** Positions on the value stack that hold `undefined` (a read past the end of an array), ascending. */
  private undefinedAt: number[] = [];
  private peak = 0;

  /** Records a number, or the `undefined` of an element read past the end: `pop()` gives back exactly what was pushed. */
  push(v: number | undefined): void {
    if (this.valueTop === this.values.length) this.values = grow(this.values, new Float64Array(this.values.length * 2));
    // A Float64Array would turn undefined into NaN, and a later `v ?? fallback` would take the wrong arm.
    if (v === undefined) this.undefinedAt.push(this.valueTop);
    this.values[this.valueTop++] = v as number;
  }

  pop(): number {
    const top = --this.valueTop;
    const holes = this.undefinedAt;
    if (holes.length !== 0 && holes[holes.length - 1] === top) {
      holes.pop();
      return undefined as unknown as number; // generated code types such values `number`, as the primal's `xs[i]` is
    }
    return this.values[top];
  }

  pushInt(n: number): void {
    if (this.intTop === this.ints.length) this.ints = grow(this.ints, new Int32Array(this.ints.length * 2));
    this.ints[this.intTop++] = n;
  }

  popInt(): number {
    return this.ints[--this.intTop];
  }

  pushBit(b: boolean): void {
    this.pushInt(b ? 1 : 0);
  }

  popBit(): boolean {
    return this.ints[--this.intTop] !== 0;
  }

  pushArray(a: unknown): void {
    this.objects.push(a);
  }

  popArray<T>(): T {
    return this.objects.pop() as T;
  }

  /** Empties the stacks (keeps their memory). Records the high-water mark first. */
  reset(): void {
    this.track();
    this.valueTop = 0;
    this.intTop = 0;
    this.objects.length = 0;
    this.undefinedAt.length = 0;
  }

  /** Bytes currently on the tape. */
  get bytes(): number {
    return this.valueTop * 8 + this.intTop * 4 + this.objects.length * 8;
  }

  /** The largest `bytes` seen at a `reset()` or `track()` since `resetPeak()`. */
  get peakBytes(): number {
    this.track();
    return this.peak;
  }

  /** Records the current size for `peakBytes`. */
  track(): void {
    const b = this.bytes;
    if (b > this.peak) this.peak = b;
  }

  resetPeak(): void {
    this.peak = 0;
  }
}

function grow<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
