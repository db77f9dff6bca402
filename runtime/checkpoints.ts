/**
 * Snapshots of a loop's state for `// @adc checkpoint N` (reverse mode,
 * reverse/checkpointed-loop.ts), at most N at a time, with a binomial (revolve) schedule that needs
 * no trip count in advance.
 *
 * Forward sweep (online): the loop runs without its tape; snapshots are kept every `every`
 * iterations starting with 0, in at most half of the N slots; when those are all in use, every
 * other one is dropped and `every` doubles. After T iterations, N/4 < T / every ≤ N/2.
 *
 * Reverse sweep (offline, T known now): `next()` picks the last range not yet reversed, from the
 * snapshot nearest below its end; the loop runs plainly from there, taking new snapshots in the
 * free slots where revolve puts them, up to the range it then records and reverses. Between two
 * forward snapshots this is revolve (Griewank and Walther, ACM TOMS 26, 2000) over units of `unit`
 * iterations, `unit` the smallest power of two for which the segment is at most β(c, R) units,
 * where β(c, r) = C(c + r, c) and c counts the free slots and the segment's own snapshot, and
 * whose iterations move at least `Checkpoints.spread` numbers of state (planning a range and
 * restoring its snapshot cost about as much as copying a few hundred numbers: a unit of one
 * iteration of a loop over 20 numbers would double the reverse sweep's time). With
 * R = `Checkpoints.repetitions`, no iteration of the segment runs plainly more than R times in the
 * reverse sweep (l units, β(c, r − 1) < l ≤ β(c, r): r · l − β(c + 1, r − 1) plain units, the
 * fewest possible), and the tape holds one unit at a time: fewer than
 * max(2 · spread / S, 8 · T / (N · β(N/2, R))) iterations, S the numbers in a snapshot.
 *
 * Those units are the shortest the bound allows; memory rarely needs them that short. Once a range
 * has been recorded (`recorded(tape.bytes)` after it, `next(tape.bytes)` before), the schedule
 * knows the bytes of tape an iteration takes (the most per iteration of the ranges so far) and
 * doubles the unit while two of them take at most `Checkpoints.tapeBytes` (8 MB), up to the whole
 * segment: fewer units, fewer plain runs (a segment of one unit is recorded straight from its
 * snapshot and runs plainly only in the forward sweep). The spring chain of 10 masses (80 bytes per
 * step, 64 snapshots) runs each of its 1e6 steps plainly 0.017 times on average in the reverse
 * sweep instead of 1.94 (units of 32,768 steps instead of 64: 2.6 MB of tape); at 1e7, 0.875 times
 * instead of 1.95 (5.2 MB).
 */
type Writable = number[] | Float64Array | Float32Array;

/** β(c, r) = C(c + r, c): the most units c snapshots reverse with r plain runs of each (β(c, −1) = 0). */
export function beta(c: number, r: number): number {
  if (r < 0) return 0;
  let b = 1;
  for (let i = 1; i <= Math.min(c, r); i++) b = (b * (Math.max(c, r) + i)) / i;
  return Math.round(b);
}

/** Revolve's repetition number: the least r with l ≤ β(c, r) (c ≥ 1 snapshots, l ≥ 1 units). */
export function repetitions(l: number, c: number): number {
  let r = 0;
  while (beta(c, r) < l) r++;
  return r;
}

/**
 * Where revolve takes the first snapshot reversing l ≥ 2 units with c ≥ 1 snapshots (the range's
 * first included): m units on. The optimal m form the interval
 * [max(β(c, r−2), l − β(c−1, r)), min(β(c, r−1), l − β(c−1, r−1))] (r the repetition number);
 * any m there gives the fewest plain units, r · l − β(c + 1, r − 1); this takes its upper end.
 */
export function revolveSplit(l: number, c: number): number {
  const r = repetitions(l, c);
  return Math.max(1, Math.min(l - 1, beta(c, r - 1), l - beta(c - 1, r - 1)));
}

export class Checkpoints {
  /** The most plain runs of an iteration in the reverse sweep (R above): fewer means longer units, a larger tape. */
  static repetitions = 2;
  /** The least numbers of state (values and array elements) a unit's iterations carry: a unit of a small state is several iterations. */
  static spread = 256;
  /**
   * The bytes of tape a unit may take once the reverse sweep has measured what an iteration records: units are lengthened (by
   * powers of two) within this, so that fewer iterations run plainly more than once (a segment that fits is recorded whole from
   * its snapshot, run plainly by the forward sweep only); 0 keeps the shortest units `repetitions` and `spread` allow.
   */
  static tapeBytes = 8 << 20;
  /** Forward sweep: iterations between two snapshots. */
  every = 1;
  /** Reverse sweep, after `next()`: the iteration the restored snapshot holds, and the range [from, to) to record and reverse. */
  at = 0;
  from = 0;
  to = 0;
  /** Plain iterations run by the reverse sweep so far (for tests and measurements). */
  rerun = 0;
  /** Snapshots held, last on top; positions increase. */
  private count = 0;
  private readonly positions: number[] = [];
  private readonly units: number[] = [];
  private readonly values: unknown[][] = [];
  private readonly arrays: Float64Array[][] = [];
  /** The trip count (forward sweep: the last `due`), and the end of what the reverse sweep has not reversed yet. */
  private trips = 0;
  private end = -1;
  /** Reverse sweep: the snapshots the current plain run takes, and the next of them. */
  private readonly plan: number[] = [];
  private planned = 0;
  private pending = 0;
  private pendingUnit = 0;
  /** Numbers in the last snapshot saved: its values and its arrays' elements. */
  private size = 1;
  /** Reverse sweep: the tape's bytes when the current range began to be recorded, and the most bytes an iteration of a recorded range took (0 until one was). */
  private base = 0;
  private perIteration = 0;
  /** The slots the forward sweep uses. */
  private readonly forward: number;

  /** `capacity`: the most snapshots held at once (at least 2). */
  constructor(readonly capacity: number) {
    this.forward = Math.max(1, Math.floor(capacity / 2));
  }

  /** Snapshots held. */
  get held(): number {
    return this.count;
  }

  /** Whether iteration `trip` begins with a snapshot: forward sweep, in order 0, 1, 2, … (the last test included); reverse sweep, in a plain run. */
  due(trip: number): boolean {
    if (this.end >= 0) {
      if (this.planned === this.plan.length || this.plan[this.planned] !== trip) return false;
      this.planned++;
      this.pending = trip;
      return true;
    }
    this.trips = trip;
    if (trip % this.every !== 0) return false;
    if (this.count === this.forward) {
      // Keep snapshots 0, 2, 4, …: those at multiples of 2 · every.
      for (let j = 1; 2 * j < this.count; j++) this.move(2 * j, j);
      this.count = Math.ceil(this.count / 2);
      this.every *= 2;
      if (trip % this.every !== 0) return false;
    }
    this.pending = trip;
    this.pendingUnit = 0;
    return true;
  }

  /** Keeps the loop's numbers, booleans and other values as they are, and a copy of each of its arrays, as iteration `due` named found them. */
  save(values: unknown[], arrays: readonly ArrayLike<number>[]): void {
    const j = this.count++;
    this.positions[j] = this.pending;
    this.units[j] = this.pendingUnit;
    this.values[j] = values;
    this.size = values.length;
    const slot = (this.arrays[j] ??= []);
    for (let k = 0; k < arrays.length; k++) {
      const a = arrays[k];
      let copy = slot[k];
      if (copy === undefined || copy.length !== a.length) copy = slot[k] = new Float64Array(a.length);
      for (let i = 0; i < a.length; i++) copy[i] = a[i];
      this.size += a.length;
    }
  }

  /**
   * Reverse sweep: plans the next range to reverse, the last one not reversed yet; false when all
   * are. Then: restore the snapshot at `at`, run plainly from `at` to `from` (asking `due` before
   * each iteration), record [from, to) and reverse it.
   */
  next(tapeBytes = 0): boolean {
    this.base = tapeBytes;
    if (this.end < 0) this.end = this.trips;
    // A snapshot at or after the end (the last test's, or the range just reversed began there) is no longer needed.
    while (this.count > 0 && this.positions[this.count - 1] >= this.end) this.count--;
    if (this.end === 0 || this.count === 0) {
      this.count = 0;
      this.end = -1;
      return false;
    }
    const top = this.count - 1;
    const at = this.positions[top];
    let c = this.capacity - top;
    let unit = this.units[top];
    if (unit === 0) {
      // A forward snapshot: its segment runs to the end; the unit makes it at most β(c, R) units long, each moving `spread` numbers.
      unit = 1;
      while (unit * Math.max(1, this.size) < Checkpoints.spread) unit *= 2;
      while (Math.ceil((this.end - at) / unit) > beta(c, Checkpoints.repetitions)) unit *= 2;
      this.units[top] = unit;
    }
    // Longer units while the tape of one stays within `tapeBytes` (measured per iteration): a segment of one unit reruns nothing.
    while (unit < this.end - at && 2 * unit * this.perIteration <= Checkpoints.tapeBytes && this.perIteration > 0) unit *= 2;
    this.plan.length = 0;
    this.planned = 0;
    let from = at;
    for (let l = Math.ceil((this.end - at) / unit); l > 1; c--) {
      const m = revolveSplit(l, c);
      from += m * unit;
      l -= m;
      // (no snapshot where the recorded range begins: the state is live there, and not needed after)
      if (l > 1) this.plan.push(from);
    }
    this.pendingUnit = unit;
    this.at = at;
    this.from = from;
    this.to = this.end;
    this.rerun += from - at;
    this.end = from;
    return true;
  }

  /** Reverse sweep, after recording the range: the tape's bytes now (what the range recorded, with `next`'s, gives the bytes per iteration that lengthen units). */
  recorded(tapeBytes: number): void {
    const per = (tapeBytes - this.base) / Math.max(1, this.to - this.from);
    if (per > this.perIteration) this.perIteration = per;
  }

  /** Puts the top snapshot's arrays back into `arrays` (in place: the same arrays, with their lengths) and returns its values. */
  restore(arrays: readonly ArrayLike<number>[]): unknown[] {
    const j = this.count - 1;
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

  /** Moves snapshot `from` to slot `to`, swapping their arrays so that no copy is lost. */
  private move(from: number, to: number): void {
    this.positions[to] = this.positions[from];
    this.units[to] = this.units[from];
    this.values[to] = this.values[from];
    const kept = this.arrays[from];
    this.arrays[from] = this.arrays[to];
    this.arrays[to] = kept;
  }
}
