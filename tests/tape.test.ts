/**
 * The runtime's tape (issue 15): `peakBytes` is the high-water mark of the last call, read after
 * it returns; decisions take a bit each; a call that grew the tape far beyond its usual size gives
 * the memory back at the next `reset()`, a size needed call after call is kept.
 */
import * as runtime from '../runtime';
import { tape } from '../runtime';
import { Tape, keepBytes } from '../runtime/tape';
import { compileSources, formatDiagnostic } from '../compiler';
import { loadModule } from './support/load';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One call of generated code's shape: reset, pushes, the same pops in reverse order. */
function call(t: Tape, values: number, ints = 0, bits = 0): void {
  t.reset();
  for (let i = 0; i < values; i++) t.push(i);
  for (let i = 0; i < ints; i++) t.pushInt(i);
  for (let i = 0; i < bits; i++) t.pushBit(i % 3 === 0);
  for (let i = bits - 1; i >= 0; i--) expect(t.popBit()).toBe(i % 3 === 0);
  for (let i = ints - 1; i >= 0; i--) expect(t.popInt()).toBe(i);
  for (let i = values - 1; i >= 0; i--) if (t.pop() !== i) throw new Error(`pop ${i}`);
}

describe('runtime module', () => {
  it('exports data properties only: a getter (a compiled re-export) would make the exports object a slow dictionary, read on every pushforward call', () => {
    const accessors = Object.entries(Object.getOwnPropertyDescriptors(runtime))
      .filter(([, d]) => d.get !== undefined || d.set !== undefined)
      .map(([k]) => k);
    expect(accessors).toEqual([]);
    expect(Object.keys(runtime)).toEqual(expect.arrayContaining(['Tape', 'Checkpoints', 'tape', 'ret']));
  });
});

describe('tape', () => {
  it('peakBytes is the high-water mark of the call, read after it returns', () => {
    const t = new Tape();
    call(t, 100, 10, 70);
    expect(t.bytes).toBe(0);
    // 100 float64, 10 int32, 70 bits in 3 words
    expect(t.peakBytes).toBe(800 + 40 + 12);
    call(t, 5);
    expect(t.peakBytes).toBe(40);
    t.reset();
    expect(t.peakBytes).toBe(0);
  });

  it('counts what a call that threw left on the tape, and what is on it now', () => {
    const t = new Tape();
    t.push(1);
    t.push(2);
    t.pushArray([1]);
    expect(t.peakBytes).toBe(24);
    t.pop();
    expect(t.peakBytes).toBe(24);
    t.resetPeak();
    expect(t.peakBytes).toBe(16);
  });

  it('decisions round-trip in one bit each, across word boundaries and growth', () => {
    const t = new Tape();
    const n = 32 * 1024 * 3 + 17;
    const bit = (i: number) => ((i * 2654435761) >>> 0) % 5 < 2;
    t.reset();
    for (let i = 0; i < n; i++) t.pushBit(bit(i));
    for (let i = n - 1; i >= n - 100; i--) expect(t.popBit()).toBe(bit(i));
    for (let i = n - 100; i < n; i++) t.pushBit(!bit(i)); // overwrite set and cleared bits
    let ok = true;
    for (let i = n - 1; i >= 0; i--) ok &&= t.popBit() === (i >= n - 100 ? !bit(i) : bit(i));
    expect(ok).toBe(true);
    expect(t.peakBytes).toBe(Math.ceil(n / 32) * 4);
  });

  it('pushElements and popElements record a typed array as push and pop of each element would, across growth', () => {
    const t = new Tape();
    t.reset();
    t.push(-1);
    const arrays = [Float64Array.from({ length: 700 }, (_, i) => Math.sin(i) * 1e300), Float32Array.from({ length: 900 }, (_, i) => Math.cos(i) / 3), new Float64Array(0)];
    const copies = arrays.map((a) => a.slice());
    for (const a of arrays) t.pushElements(a);
    // interleaved with single values, on one stack: the element pushes are a push of each element
    t.push(7);
    expect(t.bytes).toBe(8 * (1 + 700 + 900 + 1));
    expect(t.pop()).toBe(7);
    for (let i = copies[2].length - 1; i >= 0; i--) expect(t.pop()).toBe(copies[2][i]);
    arrays[2].fill(5);
    t.popElements(arrays[2]);
    arrays[1].fill(NaN);
    t.popElements(arrays[1]);
    expect(Array.from(arrays[1])).toEqual(Array.from(copies[1]));
    // the first array's elements come back one by one as pop() would give them
    for (let i = copies[0].length - 1; i >= 0; i--) if (t.pop() !== copies[0][i]) throw new Error(`pop ${i}`);
    expect(t.pop()).toBe(-1);
    expect(t.bytes).toBe(0);
    expect(t.peakBytes).toBe(8 * (1 + 700 + 900 + 1));
  });

  it('gives memory back after a call far beyond the usual size, and keeps a size needed again', () => {
    const t = new Tape();
    const small = 1000;
    const big = (4 * keepBytes) / 8; // 4 MB of values
    call(t, small);
    call(t, small);
    const usual = t.capacityBytes;
    call(t, big);
    expect(t.capacityBytes).toBeGreaterThan(4 * keepBytes);
    t.reset(); // the next call begins: the big one was far beyond the usual size
    expect(t.capacityBytes).toBe(usual);
    // needed again: now usual, kept
    call(t, big);
    t.reset();
    const kept = t.capacityBytes;
    expect(kept).toBeGreaterThan(4 * keepBytes);
    call(t, big);
    call(t, big);
    expect(t.capacityBytes).toBe(kept);
    // no longer needed: given back after a few small calls (the usual mark halves per call)
    const calls: number[] = [];
    for (let i = 0; i < 8; i++) {
      call(t, small);
      calls.push(t.capacityBytes);
    }
    expect(calls.slice(0, 4)).toEqual([kept, kept, kept, kept]);
    // (to the size the halving usual mark has reached, under keepBytes: no further)
    expect(calls[7]).toBeLessThanOrEqual(keepBytes + usual);
  });

  it('never shrinks a stack under keepBytes, and release() gives everything back', () => {
    const t = new Tape();
    call(t, 1);
    const initial = t.capacityBytes;
    call(t, keepBytes / 8 / 2);
    const grown = t.capacityBytes;
    call(t, 1);
    call(t, 1);
    expect(t.capacityBytes).toBe(grown);
    call(t, 4 * keepBytes);
    t.release();
    expect(t.capacityBytes).toBe(initial);
    expect(t.bytes).toBe(0);
  });

  it('a generated gradient leaves its peak in the shared tape', () => {
    const { files, diagnostics } = compileSources({
      '/src/spring.ts': `
/** @differentiable wrt(x0, k) */
export function spring(x0: number, k: number, steps: number): number {
  let x = x0;
  let v = 0;
  for (let i = 0; i < steps; i++) {
    const a = x > 0 ? -k * x * x : -k * x;
    v += 0.01 * a;
    x += 0.01 * v;
  }
  return x;
}`,
    });
    if (diagnostics.length > 0) throw new Error(diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
    const m = loadModule(files[0].text, {}, 'spring.grad.ts');
    m.spring_grad(1, 2, 1000);
    const thousand = tape.peakBytes;
    expect(thousand).toBeGreaterThan(0);
    m.spring_grad(1, 2, 2000);
    const twoThousand = tape.peakBytes;
    // per step: the same bytes (up to the rounding of the decisions to words)
    expect(Math.abs(twoThousand - 2 * thousand)).toBeLessThanOrEqual(8);
    expect(tape.bytes).toBe(0);
  });

  it('array-state simulations record their state once per step, as a hand-written adjoint does', () => {
    // (fixtures/loops/array-state: boundary neighbours chosen by conditionals, counted inner loops,
    // pairwise forces under `if (j !== i)`: no decisions, trip counts or neighbour values recorded)
    const source = readFileSync(join(__dirname, '../fixtures/loops/array-state/input.ts'), 'utf8');
    const { files, diagnostics } = compileSources({ '/src/array-state.ts': source });
    if (diagnostics.length > 0) throw new Error(diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
    const m = loadModule(files[0].text, {}, 'array-state.grad.ts');
    const n = 6;
    const steps = 50;
    const x0 = Float64Array.from({ length: n }, (_, i) => 0.3 * i - 0.7);
    m.particlesLoss_grad(x0, new Float64Array(n), 0.5, steps);
    expect(tape.peakBytes).toBe(steps * n * 8);
    m.heatLoss_grad(Array.from(x0), 0.1, steps);
    expect(tape.peakBytes).toBe(steps * n * 8);
    expect(tape.bytes).toBe(0);
  });
});
