/**
 * Snapshots of a loop's state for `// @adc checkpoint N` (reverse mode, reverse/loop.ts): the
 * forward sweep runs the loop without recording its tape and keeps at most N snapshots of what the
 * loop carries; the reverse sweep restores one snapshot at a time, records the iterations up to
 * the next one again, and reverses them.
 *
 * Schedule: equidistant, without knowing the trip count in advance. Snapshots are taken every
 * `every` iterations starting with 1; when all N are in use, every other one is dropped and
 * `every` doubles. After T iterations, N/2 < T / every ≤ N (for T ≥ N): memory is at most
 * N snapshots, the reverse sweep records at most `every` ≤ 2T/N iterations at a time, and every
 * iteration runs twice (once plain, once recorded). Not revolve: revolve would need fewer
 * recomputations for the same N, at the price of knowing T first.
 */
type Writable = number[] | Float64Array | Float32Array;

export class Checkpoints {
  /** Iterations between two snapshots: snapshot j holds the state as iteration j · every began. */
  every = 1;
  /** Snapshots held. */
  count = 0;
  private values: unknown[][] = [];
  private arrays: Float64Array[][] = [];

  /** `capacity`: the most snapshots held at once (even, at least 2). */
  constructor(readonly capacity: number) {}

  /** Whether iteration `trip` (0, 1, 2, … in order) begins with a snapshot; when all are in use, keeps every other one first. */
  due(trip: number): boolean {
    if (trip % this.every !== 0) return false;
    if (this.count === this.capacity) {
      // Snapshots 0, 2, 4, … are those at multiples of 2 · every; `trip` is capacity · every, one of them.
      for (let j = 1; 2 * j < this.capacity; j++) {
        this.values[j] = this.values[2 * j];
        const kept = this.arrays[2 * j];
        this.arrays[2 * j] = this.arrays[j];
        this.arrays[j] = kept;
      }
      this.count = this.capacity / 2;
      this.every *= 2;
    }
    return true;
  }

  /** Keeps the loop's numbers, booleans and other values as they are, and a copy of each of its arrays. */
  save(values: unknown[], arrays: readonly ArrayLike<number>[]): void {
    const j = this.count++;
    this.values[j] = values;
    const slot = (this.arrays[j] ??= []);
    for (let k = 0; k < arrays.length; k++) {
      const a = arrays[k];
      let copy = slot[k];
      if (copy === undefined || copy.length !== a.length) copy = slot[k] = new Float64Array(a.length);
      for (let i = 0; i < a.length; i++) copy[i] = a[i];
    }
  }

  /** Puts snapshot j's arrays back into `arrays` (in place: the same arrays, with their lengths) and returns its values. */
  restore(j: number, arrays: readonly ArrayLike<number>[]): unknown[] {
    const slot = this.arrays[j];
    for (let k = 0; k < arrays.length; k++) {
      const a = arrays[k] as Writable;
      const copy = slot[k];
      if (Array.isArray(a)) a.length = copy.length;
      for (let i = 0; i < copy.length; i++) a[i] = copy[i];
    }
    return this.values[j];
  }

  /** Bytes the snapshots' arrays hold (8 per element; the values are a few numbers each). */
  get bytes(): number {
    let n = 0;
    for (const slot of this.arrays) for (const a of slot ?? []) n += a.byteLength;
    return n;
  }
}
