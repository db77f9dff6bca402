/**
 * The tape of reverse mode: four growable stacks, reused across calls.
 *
 * - values (float64): primal values a later write destroys (`push`/`pop`; an
 *   `undefined`, read past the end of an array, comes back as `undefined`; a
 *   typed array's elements at once by `pushElements`/`popElements`);
 * - ints (int32): trip counts and element indices (`pushInt`/`popInt`);
 * - bits (32 to an int32): branch decisions (`pushBit`/`popBit`);
 * - objects: arrays replaced inside loops (`pushArray`/`popArray`).
 *
 * Generated code pushes in the forward sweep and pops in the reverse sweep, so
 * a completed call leaves the tape as it found it. A public gradient function
 * starts with `reset()`, so a call that threw half-way cannot affect the next.
 *
 * Memory: each stack doubles when full and is kept from call to call. `reset()`
 * gives a stack's memory back when it holds more than `keepBytes` and the call
 * just ended (or the calls before it) needed far less than it holds: a call
 * that grew the tape far beyond its usual size leaves it that large only
 * until the next call begins (`release()` gives it back at once).
 */
export class Tape {
  private values = new Float64Array(initialLength);
  private valueTop = 0;
  private ints = new Int32Array(initialLength);
  private intTop = 0;
  private bits = new Int32Array(initialLength);
  private bitTop = 0;
  private objects: unknown[] = [];
  /** Positions on the value stack that hold `undefined` (a read past the end of an array), ascending. */
  private undefinedAt: number[] = [];
  /**
   * Each stack's high-water mark since the last `reset()` (or `resetPeak()`). The peak is always
   * reached just before a pop (stacks grow by pushes only), so the pops raise these: one compare per
   * pop, nothing per push. `reset()` adds the tops it finds (a call that threw and never popped).
   */
  private valueHigh = 0;
  private intHigh = 0;
  private bitHigh = 0;
  private objectHigh = 0;
  /** The usual high-water mark of each stack over recent calls (halves every call that needs less): what `reset()` shrinks towards. */
  private usual = { values: 0, ints: 0, bits: 0 };

  /** Records a number, or the `undefined` of an element read past the end: `pop()` gives back exactly what was pushed. */
  push(v: number | undefined): void {
    if (this.valueTop === this.values.length) this.values = grow(this.values, new Float64Array(this.values.length * 2));
    // A Float64Array would turn undefined into NaN, and a later `v ?? fallback` would take the wrong arm.
    if (v === undefined) this.undefinedAt.push(this.valueTop);
    this.values[this.valueTop++] = v as number;
  }

  pop(): number {
    const top = --this.valueTop;
    if (top >= this.valueHigh) this.valueHigh = top + 1;
    const holes = this.undefinedAt;
    if (holes.length !== 0 && holes[holes.length - 1] === top) {
      holes.pop();
      return undefined as unknown as number; // generated code types such values `number`, as the primal's `xs[i]` is
    }
    return this.values[top];
  }

  /** Records every element of a typed array, first to last: what `push` of each would record, in one call. */
  pushElements(a: Float64Array | Float32Array): void {
    const n = a.length;
    while (this.valueTop + n > this.values.length) this.values = grow(this.values, new Float64Array(this.values.length * 2));
    const values = this.values;
    let top = this.valueTop;
    for (let i = 0; i < n; i++) values[top++] = a[i];
    this.valueTop = top;
  }

  /** Puts back into `a` the elements `pushElements(a)` recorded (the last `a.length` values): what `pop` into each, last to first, would. */
  popElements(a: Float64Array | Float32Array): void {
    const n = a.length;
    const from = this.valueTop - n;
    if (this.valueTop > this.valueHigh) this.valueHigh = this.valueTop;
    const values = this.values;
    for (let i = 0; i < n; i++) a[i] = values[from + i];
    this.valueTop = from;
  }

  pushInt(n: number): void {
    if (this.intTop === this.ints.length) this.ints = grow(this.ints, new Int32Array(this.ints.length * 2));
    this.ints[this.intTop++] = n;
  }

  popInt(): number {
    const top = --this.intTop;
    if (top >= this.intHigh) this.intHigh = top + 1;
    return this.ints[top];
  }

  /** Records a decision in one bit (bit `top % 32` of word `top / 32`). */
  pushBit(b: boolean): void {
    const top = this.bitTop++;
    const word = top >> 5;
    if (word === this.bits.length) this.bits = grow(this.bits, new Int32Array(this.bits.length * 2));
    const mask = 1 << (top & 31);
    if (b) this.bits[word] |= mask;
    else this.bits[word] &= ~mask;
  }

  popBit(): boolean {
    const top = --this.bitTop;
    if (top >= this.bitHigh) this.bitHigh = top + 1;
    return (this.bits[top >> 5] & (1 << (top & 31))) !== 0;
  }

  pushArray(a: unknown): void {
    this.objects.push(a);
  }

  popArray<T>(): T {
    const top = this.objects.length - 1;
    if (top >= this.objectHigh) this.objectHigh = top + 1;
    return this.objects.pop() as T;
  }

  /**
   * Empties the stacks for the next call. First gives memory back: a stack over `keepBytes` that holds more than 4× what
   * it usually needs is reallocated at the size it usually needs.
   */
  reset(): void {
    this.track();
    this.values = shrunk(this.values, this.valueHigh, this.usual, 'values', 8, (n) => new Float64Array(n));
    this.ints = shrunk(this.ints, this.intHigh, this.usual, 'ints', 4, (n) => new Int32Array(n));
    this.bits = shrunk(this.bits, (this.bitHigh + 31) >> 5, this.usual, 'bits', 4, (n) => new Int32Array(n));
    this.valueTop = 0;
    this.intTop = 0;
    this.bitTop = 0;
    this.objects.length = 0;
    this.undefinedAt.length = 0;
    this.resetPeak();
  }

  /** Gives back all memory beyond the initial size now (the next call grows the tape again as it needs). */
  release(): void {
    this.reset();
    this.values = new Float64Array(initialLength);
    this.ints = new Int32Array(initialLength);
    this.bits = new Int32Array(initialLength);
    this.usual = { values: 0, ints: 0, bits: 0 };
  }

  /** Bytes currently on the tape: float64 values × 8, int32 counts and indices × 4, decisions ÷ 8 (rounded up to a 4-byte word), array references × 8. */
  get bytes(): number {
    return this.valueTop * 8 + this.intTop * 4 + ((this.bitTop + 31) >> 5) * 4 + this.objects.length * 8;
  }

  /**
   * The tape's high-water mark in bytes (counted as `bytes`) since the last `reset()`: after a
   * gradient call returns, what that call needed (each public gradient function starts with
   * `reset()`). Each stack's high-water mark, summed: when the stacks peak at different moments
   * (a pullback's own forward sweep inside a reverse sweep) it can exceed the largest `bytes` seen.
   */
  get peakBytes(): number {
    this.track();
    return this.highBytes();
  }

  /** Bytes the stacks hold, used or not (float64 × 8, int32 × 4; array references not counted). */
  get capacityBytes(): number {
    return this.values.length * 8 + this.ints.length * 4 + this.bits.length * 4;
  }

  /** Raises the high-water marks to the current size. */
  track(): void {
    if (this.valueTop > this.valueHigh) this.valueHigh = this.valueTop;
    if (this.intTop > this.intHigh) this.intHigh = this.intTop;
    if (this.bitTop > this.bitHigh) this.bitHigh = this.bitTop;
    if (this.objects.length > this.objectHigh) this.objectHigh = this.objects.length;
  }

  /** Starts the high-water marks again from the current size. */
  resetPeak(): void {
    this.valueHigh = this.valueTop;
    this.intHigh = this.intTop;
    this.bitHigh = this.bitTop;
    this.objectHigh = this.objects.length;
  }

  private highBytes(): number {
    return this.valueHigh * 8 + this.intHigh * 4 + ((this.bitHigh + 31) >> 5) * 4 + this.objectHigh * 8;
  }
}

/** Elements each stack starts with, and never shrinks below. */
const initialLength = 1024;

/** A stack is never shrunk while it holds at most this many bytes. */
export const keepBytes = 1 << 20;

function grow<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/**
 * `stack`, or a smaller one when it is over `keepBytes` and over 4× the usual high-water mark
 * (`usual[key]`, before this call's `high` is counted: so the first call that needs far more
 * than usual is given back after it, and a size needed again becomes usual). The usual mark is the
 * larger of this call's and half the previous one. The new length is the doubling's length for
 * the usual mark (1024 · 2^k ≥ usual).
 */
function shrunk<T extends Float64Array | Int32Array>(
  stack: T,
  high: number,
  usual: { values: number; ints: number; bits: number },
  key: 'values' | 'ints' | 'bits',
  size: number,
  make: (n: number) => T,
): T {
  const before = usual[key];
  usual[key] = Math.max(high, Math.floor(before / 2));
  if (stack.length * size <= keepBytes || stack.length <= 4 * before) return stack;
  let n = initialLength;
  while (n < before) n *= 2;
  return make(n);
}
