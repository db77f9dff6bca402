/**
 * `// @adc checkpoint N` (reverse/checkpointed-loop.ts, runtime/checkpoints.ts): the schedule
 * reverses every range once, last first, from the state its iterations found, in the number of
 * plain iterations the binomial bound β(c, r) gives; the same function compiled with and without
 * the comment gives the same gradient to the last bit (the reverse sweep runs the same operations
 * in the same order, only recomputed from snapshots), for trip counts around the schedule's
 * halvings, with `break` and a data-dependent trip count, with arrays as carried state, with inner
 * loops, and agrees with central differences; on a long loop the tape holds one short range, or
 * one lengthened within `Checkpoints.tapeBytes` once the schedule knows what an iteration records
 * (fewer plain iterations, never more).
 */
import { compileSources, formatDiagnostic } from '../compiler';
import { Checkpoints, tape } from '../runtime';
import { compile } from './support/modes';

const springChain = (comment: string) => `
/** @differentiable wrt(k, x0) */
export function springChainLoss(k: number, x0: Float64Array, masses: Float64Array, steps: number): number {
  const n = x0.length;
  const dt = 0.01;
  const x = x0.slice();
  const v = new Float64Array(n);
  ${comment}
  for (let s = 0; s < steps; s++) {
    for (let i = 0; i < n; i++) {
      const left = i > 0 ? x[i - 1] : -1;
      const right = i < n - 1 ? x[i + 1] : n;
      const f = k * (right - x[i] - 1) - k * (x[i] - left - 1);
      v[i] += (dt * f) / masses[i];
    }
    for (let i = 0; i < n; i++) {
      x[i] += dt * v[i];
    }
  }
  let loss = 0;
  for (let i = 0; i < n; i++) loss += x[i] * x[i];
  return loss;
}`;

const untilOver = (comment: string) => `
/** @differentiable wrt(x, y) */
export function untilOver(x: number, y: number, limit: number, h0: number[]): number {
  let s = 0;
  let i = 0;
  const h = h0.slice();
  ${comment}
  while (true) {
    s = s * Math.cos(x * 0.01) + Math.exp(x * Math.sin(i)) * y;
    h[i % h.length] += s * h[(i + 1) % h.length] * 1e-3;
    if (s > limit) break;
    i++;
  }
  return s + h[0] * h[1];
}`;

function same(a: unknown, b: unknown): void {
  expect(JSON.stringify(a, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v))).toBe(JSON.stringify(b, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v)));
}

/** C(n, k), by Pascal's rule (independent of the runtime's product formula). */
const pascal: number[][] = [];
function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  for (let i = pascal.length; i <= n; i++) pascal.push(Array.from({ length: i + 1 }, (_, j) => (j === 0 || j === i ? 1 : pascal[i - 1][j - 1] + pascal[i - 1][j])));
  return pascal[n][k];
}
/** β(c, r) = C(c + r, c): the most steps c snapshots reverse with r plain runs of each. */
const β = (c: number, r: number) => (r < 0 ? 0 : choose(c + r, c));
/** Griewank's bound: reversing l steps with c snapshots (the first step's included) needs r · l − β(c + 1, r − 1) plain steps, β(c, r − 1) < l ≤ β(c, r). */
function plainSteps(l: number, c: number): number {
  let r = 0;
  while (β(c, r) < l) r++;
  return r * l - β(c + 1, r - 1);
}

/** Runs `body` with the schedule's knobs set, then puts them back. */
function withSchedule(knobs: { repetitions?: number; spread?: number; tapeBytes?: number }, body: () => void): void {
  const saved = { repetitions: Checkpoints.repetitions, spread: Checkpoints.spread, tapeBytes: Checkpoints.tapeBytes };
  Object.assign(Checkpoints, knobs);
  try {
    body();
  } finally {
    Object.assign(Checkpoints, saved);
  }
}

/**
 * Runs the protocol of a checkpointed loop whose state is its iteration number (and an array
 * holding it) over `trips` iterations, as the generated code does, checking what the schedule
 * promises on the way; returns the plain iterations of the reverse sweep, and the ranges in the order reversed.
 * With `perIteration`, a recorded range tells the schedule it took that many bytes of tape per
 * iteration (above 1000 bytes already on it); without, nothing is measured.
 */
function reverseLoop(capacity: number, trips: number, perIteration?: number) {
  const ck = new Checkpoints(capacity);
  const state = [0];
  let mostHeld = 0;
  let wrongState = 0;
  for (let t = 0; t <= trips; t++) {
    if (ck.due(t)) ck.save([t], [state]);
    mostHeld = Math.max(mostHeld, ck.held);
    state[0] = t + 1;
  }
  expect(mostHeld).toBeLessThanOrEqual(Math.max(1, Math.floor(capacity / 2)));
  const every = ck.every;
  const ranges: [number, number][] = [];
  let end = trips;
  while (perIteration === undefined ? ck.next() : ck.next(1000)) {
    const [at] = ck.restore([state]) as [number];
    if (at !== ck.at || state[0] !== at) wrongState++;
    for (let t = at; t < ck.from; t++) {
      if (ck.due(t)) ck.save([t], [state]);
      if (state[0] !== t) wrongState++;
      mostHeld = Math.max(mostHeld, ck.held);
      state[0] = t + 1;
    }
    // The last range not reversed yet, from the state the plain run left.
    if (state[0] !== ck.from || ck.to !== end || ck.to <= ck.from) wrongState++;
    if (perIteration !== undefined) ck.recorded(1000 + perIteration * (ck.to - ck.from));
    ranges.push([ck.from, ck.to]);
    end = ck.from;
  }
  expect([wrongState, end]).toEqual([0, 0]);
  expect(mostHeld).toBeLessThanOrEqual(capacity);
  return { every, rerun: ck.rerun, ranges };
}

describe('the runtime schedule (Checkpoints)', () => {
  it('matches the binomial bound: β(c, r) is the fewest plain steps of a reversal (dynamic programming)', () => {
    // F(l, c) = min over the first snapshot m of m + F(l − m, c − 1) + F(m, c); F(1, c) = 0; F(l, 1) = l (l − 1) / 2.
    const F: number[][] = [[], []];
    for (let l = 1; l <= 120; l++) F[1][l] = (l * (l - 1)) / 2;
    for (let c = 2; c <= 7; c++) {
      F[c] = [0, 0];
      for (let l = 2; l <= 120; l++) {
        let best = Infinity;
        for (let m = 1; m < l; m++) best = Math.min(best, m + F[c - 1][l - m] + F[c][m]);
        F[c][l] = best;
      }
    }
    for (let c = 1; c <= 7; c++) for (let l = 1; l <= 120; l++) expect([c, l, plainSteps(l, c)]).toEqual([c, l, F[c][l]]);
  });

  it.each([2, 3, 4, 6, 8])('with %i snapshots and steps of one iteration, reverses in the fewest plain iterations (revolve)', (capacity) => {
    // Repetitions unbounded, no spread: every unit is one iteration. Capacity 2 and 3 keep only iteration 0 in the forward sweep: one segment of all the trips.
    withSchedule({ repetitions: 1000, spread: 0 }, () => {
      for (const trips of [0, 1, 2, 3, 5, 10, 21, 56, 57, 100, 300]) {
        const { every, rerun, ranges } = reverseLoop(capacity, trips);
        expect(ranges.every(([from, to]) => to - from === 1)).toBe(true);
        // Forward snapshots at 0, every, 2 · every, …; the segment above the j-th is reversed with capacity − j snapshots.
        let expected = 0;
        for (let j = 0; j * every < trips; j++) expected += plainSteps(Math.min(every, trips - j * every), capacity - j);
        expect([trips, rerun]).toEqual([trips, expected]);
      }
    });
  });

  it.each([
    [4, 1, 0],
    [6, 2, 0],
    [64, 2, 0],
    [64, 3, 0],
    [64, 2, 256],
  ])(
    'with %i snapshots, at most %i plain runs per iteration and a spread of %i, records units of 2^k iterations and reruns each at most that often',
    (capacity, repetitions, spread) => {
      withSchedule({ repetitions, spread }, () => {
        for (const trips of [0, 1, capacity - 1, capacity + 1, 1000, 12345, 100000]) {
          const { every, rerun, ranges } = reverseLoop(capacity, trips);
          // The forward sweep keeps at most half of the snapshots, equidistant.
          if (trips > 0) expect(Math.ceil((trips + 1) / every)).toBeLessThanOrEqual(Math.max(1, Math.floor(capacity / 2)) + 1);
          let expected = 0;
          let longest = 0;
          for (let j = 0; j * every < trips; j++) {
            const length = Math.min(every, trips - j * every);
            const c = capacity - j;
            // (a snapshot of reverseLoop holds 2 numbers: the value and the array's one element)
            let unit = 1;
            while (2 * unit < spread) unit *= 2;
            while (Math.ceil(length / unit) > β(c, repetitions)) unit *= 2;
            const units = Math.ceil(length / unit);
            expected += unit * plainSteps(units, c);
            longest = Math.max(longest, Math.min(unit, length));
            expect(plainSteps(units, c)).toBeLessThanOrEqual(repetitions * units);
          }
          expect([trips, rerun]).toEqual([trips, expected]);
          expect(rerun).toBeLessThanOrEqual(repetitions * trips);
          expect(Math.max(0, ...ranges.map(([from, to]) => to - from))).toBe(longest);
        }
      });
    },
  );
});

describe('the runtime schedule, told what an iteration records', () => {
  it.each([
    [64, 80, 8 << 20],
    [64, 80, 4096],
    [64, 3, 100],
    [6, 16, 1024],
    [4, 1000, 0],
  ])(
    'with %i snapshots and %i bytes of tape per iteration, lengthens its units within %i bytes: fewer plain runs, no range over the budget',
    (capacity, perIteration, tapeBytes) => {
      for (const trips of [0, 1, 5, capacity + 1, 1000, 12345, 100000, 1000000]) {
        let short = { every: 0, rerun: 0, ranges: [] as [number, number][] };
        withSchedule({ tapeBytes: 0 }, () => void (short = reverseLoop(capacity, trips, perIteration)));
        let long = short;
        withSchedule({ tapeBytes }, () => void (long = reverseLoop(capacity, trips, perIteration)));
        const lengths = (ranges: [number, number][]) => ranges.map(([from, to]) => to - from);
        const unlengthened = Math.max(0, ...lengths(short.ranges));
        expect([trips, long.every]).toEqual([trips, short.every]);
        expect([trips, long.rerun]).toEqual([trips, Math.min(long.rerun, short.rerun)]);
        // The first range is planned before anything is measured; the others stay within the budget (or are as short as without it).
        for (const length of lengths(long.ranges).slice(1))
          expect([trips, length]).toEqual([trips, Math.min(length, Math.max(unlengthened, Math.floor(tapeBytes / perIteration)))]);
        // A forward segment whose tape fits is recorded whole from its snapshot: only the first one (before the measurement) runs plainly.
        if (long.every * perIteration <= tapeBytes) expect(long.rerun).toBeLessThanOrEqual(Checkpoints.repetitions * long.every);
      }
    },
  );
});

describe('// @adc checkpoint', () => {
  const plainChain = compile(springChain(''));
  const masses = Float64Array.from([1, 1.5, 0.8, 1.2, 2]);
  const x0 = Float64Array.from([0.1, 1.2, 1.9, 3.3, 3.8]);

  it.each([2, 4, 64])('gives the unchecked gradient bit for bit (spring chain, %i snapshots)', (snapshots) => {
    const checked = compile(springChain(`// @adc checkpoint ${snapshots}`));
    // Units lengthened within 8 MB of tape (the default), units of one iteration (revolve proper), the longest units with one plain rerun,
    // the shortest units, and units lengthened within 512 bytes.
    for (const knobs of [{}, { repetitions: 1000, spread: 0, tapeBytes: 0 }, { repetitions: 1 }, { tapeBytes: 0 }, { tapeBytes: 512 }]) {
      withSchedule(knobs, () => {
        for (const steps of [0, 1, 2, 3, 4, 5, 7, 8, 9, 63, 64, 65, 129, 1000]) {
          same(checked.springChainLoss_grad(0.9, x0, masses, steps), plainChain.springChainLoss_grad(0.9, x0, masses, steps));
        }
      });
    }
  });

  it('agrees with central differences (spring chain, 4 snapshots, 300 steps)', () => {
    const checked = compile(springChain('// @adc checkpoint 4'));
    const steps = 300;
    const loss = (k: number, x: Float64Array) => checked.springChainLoss_grad(k, x, masses, steps).value as number;
    const { grads } = checked.springChainLoss_grad(0.9, x0, masses, steps) as { grads: [number, Float64Array] };
    const h = 1e-6;
    const close = (fd: number, g: number) => expect(Math.abs(fd - g)).toBeLessThan(1e-6 * (1 + Math.abs(g)));
    close((loss(0.9 + h, x0) - loss(0.9 - h, x0)) / (2 * h), grads[0]);
    for (let i = 0; i < x0.length; i++) {
      const up = x0.slice();
      const down = x0.slice();
      up[i] += h;
      down[i] -= h;
      close((loss(0.9, up) - loss(0.9, down)) / (2 * h), grads[1][i]);
    }
  });

  it('gives the unchecked gradient bit for bit with break and a data-dependent trip count', () => {
    const plain = compile(untilOver(''));
    const checked = compile(untilOver('// @adc checkpoint 6'));
    for (const knobs of [{}, { repetitions: 1000, spread: 0, tapeBytes: 0 }, { repetitions: 1 }, { tapeBytes: 0 }, { tapeBytes: 512 }]) {
      withSchedule(knobs, () => {
        for (const limit of [-1, 0.5, 3, 20, 200, 1000]) {
          for (const x of [0.2, 0.7]) {
            same(checked.untilOver_grad(x, 0.8, limit, [1, 0.5, 2]), plain.untilOver_grad(x, 0.8, limit, [1, 0.5, 2]));
            same(checked.untilOver_vjp(x, 0.8, limit, [1, 0.5, 2], -2.5), plain.untilOver_vjp(x, 0.8, limit, [1, 0.5, 2], -2.5));
          }
        }
      });
    }
  });

  // Loops of every form the normalization produces: do … while, a test with a side effect,
  // continue, a branch whose adjoint reads a value the loop overwrites, a loop that never runs.
  const shapes: Record<string, string> = {
    'do … while': 'let s = x; let i = 0;\n@@\ndo { s = Math.sin(s) * y + s; i++; } while (i < n);\nreturn s;',
    'a test with a side effect': 'let s = x; let i = 0;\n@@\nwhile (i++ < n) { s = s * y + Math.cos(s); }\nreturn s * i;',
    continue: 'let s = x;\n@@\nfor (let i = 0; i < n; i++) { if (i % 3 === 1) continue; s = s * Math.tanh(y + s); }\nreturn s;',
    'a branch on the state':
      'let s = x; let t = y;\n@@\nfor (let i = 0; i < n; i++) { if (s > t) { s = s - t * 0.5; } else { t = t * s + 1; } s = Math.exp(-s * s) + t; }\nreturn s + t;',
    'an inner while with a data-dependent count':
      'let s = x; const a = [y, x, y];\n@@\nfor (let i = 0; i < n; i++) { let j = 0; while (j < 3 && a[j] < s + 2) { a[j] = a[j] * 0.9 + s * 0.1; j++; } s = Math.sin(s + a[i % 3]); }\nreturn s + a[0];',
  };

  it.each(Object.keys(shapes))('gives the unchecked gradient bit for bit: %s', (name) => {
    const source = (comment: string) => `/** @differentiable wrt(x, y) */\nexport function f(x: number, y: number, n: number): number {\n${shapes[name].replace('@@', comment)}\n}`;
    const plain = compile(source(''));
    const checked = compile(source('// @adc checkpoint 4'));
    expect(compileSources({ '/src/input.ts': source('// @adc checkpoint 4') }).files[0].text).toContain('new adc.Checkpoints(4)');
    for (const n of [0, 1, 2, 4, 5, 9, 17, 40]) {
      for (const [x, y] of [
        [0.3, 0.7],
        [-0.8, 0.4],
      ]) {
        const a = plain.f_grad(x, y, n);
        same(checked.f_grad(x, y, n), a);
        expect(Number.isFinite(a.grads[0]) && Number.isFinite(a.grads[1])).toBe(true);
      }
    }
  });

  it('keeps the tape of one short range: at 1e5 steps with 64 snapshots, under 1/1000 of the unchecked peak; within Checkpoints.tapeBytes when its units lengthen', () => {
    const checked = compile(springChain('// @adc checkpoint 64'));
    const steps = 1e5;
    const a = plainChain.springChainLoss_grad(0.9, x0, masses, steps);
    const unchecked = tape.peakBytes;
    // A range is one unit, fewer than max(2 · spread / S, 8 · steps / (N · β(N/2, R))) iterations (runtime/checkpoints.ts), S = 11 numbers (x, v, s).
    const unit = Math.max((2 * Checkpoints.spread) / 11, (8 * steps) / (64 * β(32, Checkpoints.repetitions)));
    for (const tapeBytes of [0, 64 << 10, Checkpoints.tapeBytes]) {
      withSchedule({ tapeBytes }, () => {
        const b = checked.springChainLoss_grad(0.9, x0, masses, steps);
        const peak = tape.peakBytes;
        same(b, a);
        if (tapeBytes === 0) expect(peak).toBeLessThan(unchecked / 1000);
        // Lengthened units: twice the budget at most (a power of two iterations whose half fits), and never more than the unchecked tape.
        expect(peak).toBeLessThanOrEqual(Math.min(unchecked, Math.max((unchecked / steps) * Math.max(1, unit), 2 * tapeBytes)) + 4096);
      });
    }
    tape.release();
  });

  it('is an error where it is not implemented, never a different derivative', () => {
    const errorsOf = (body: string) =>
      compileSources({ '/src/input.ts': `/** @differentiable */\nexport function f(x: number, n: number): number {\n${body}\n}` }).diagnostics.map((d) => formatDiagnostic(d));
    const nested = errorsOf('let s = x;\nfor (let j = 0; j < 2; j++) {\n  // @adc checkpoint\n  for (let i = 0; i < n; i++) s = Math.sin(s);\n}\nreturn s;');
    expect(nested.join('\n')).toMatch(/ADC125.*top level of the function/);
    const returns = errorsOf('let s = x;\n// @adc checkpoint 8\nfor (let i = 0; i < n; i++) {\n  s = Math.sin(s);\n  if (s > 2) return s;\n}\nreturn s;');
    expect(returns.join('\n')).toMatch(/ADC125.*without return/);
    const afterReturn = errorsOf('if (n < 0) return x;\nlet s = x;\n// @adc checkpoint 8\nfor (let i = 0; i < n; i++) s = Math.sin(s);\nreturn s;');
    expect(afterReturn.join('\n')).toMatch(/ADC125.*top level of the function, without return/);
    const notALoop = errorsOf('// @adc checkpoint\nconst s = x * 2;\nreturn s;');
    expect(notALoop.join('\n')).toMatch(/ADC125.*on the line above a for, while or do loop/);
    const badCount = errorsOf('let s = x;\n// @adc checkpoint many\nfor (let i = 0; i < n; i++) s = Math.sin(s);\nreturn s;');
    expect(badCount.join('\n')).toMatch(/ADC125.*'many' is not a number of snapshots/);
    const rebound = errorsOf('let a = [x, x];\n// @adc checkpoint\nfor (let i = 0; i < n; i++) a = [a[1], Math.sin(a[0])];\nreturn a[0];');
    expect(rebound.join('\n')).toMatch(/ADC125.*gives 'a' a new array/);
  });
});
