/**
 * `// @adc checkpoint N` (reverse/checkpointed-loop.ts): the same function compiled with and
 * without the comment gives the same gradient to the last bit (the reverse sweep runs the same
 * operations in the same order, only recomputed from snapshots), for trip counts around the
 * schedule's halvings, with `break` and a data-dependent trip count, with arrays as carried
 * state; and on a long loop the tape's peak is a small fraction of the unchecked one.
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

describe('the runtime schedule (Checkpoints)', () => {
  it.each([2, 4, 6, 64])('keeps at most %i snapshots, equidistant, every ≤ 2 · trips / N, and gives back what it saved', (capacity) => {
    for (const trips of [0, 1, capacity - 1, capacity, capacity + 1, 3 * capacity + 1, 1000]) {
      const ck = new Checkpoints(capacity);
      const x = [0, 0];
      for (let t = 0; t <= trips; t++) {
        // (the forward sweep asks before each test, the last one included)
        if (ck.due(t)) ck.save([t], [x]);
        expect(ck.count).toBeLessThanOrEqual(capacity);
        x[0] = t + 1;
        x.push(t);
      }
      expect(ck.every).toBeLessThanOrEqual(Math.max(1, (2 * trips) / capacity));
      // Segments cover 0 … trips: snapshot j holds the state as iteration j · every began.
      expect((ck.count - 1) * ck.every).toBeLessThanOrEqual(trips);
      expect(ck.count * ck.every).toBeGreaterThan(trips);
      for (let j = ck.count - 1; j >= 0; j--) {
        const [t] = ck.restore(j, [x]) as [number];
        expect(t).toBe(j * ck.every);
        expect(x).toEqual([t, 0, ...Array.from({ length: t }, (_, i) => i)]);
      }
    }
  });
});

describe('// @adc checkpoint', () => {
  const plainChain = compile(springChain(''));
  const masses = Float64Array.from([1, 1.5, 0.8, 1.2, 2]);
  const x0 = Float64Array.from([0.1, 1.2, 1.9, 3.3, 3.8]);

  it.each([2, 4, 64])('gives the unchecked gradient bit for bit (spring chain, %i snapshots)', (snapshots) => {
    const checked = compile(springChain(`// @adc checkpoint ${snapshots}`));
    for (const steps of [0, 1, 2, 3, 4, 5, 7, 8, 9, 63, 64, 65, 129, 1000]) {
      same(checked.springChainLoss_grad(0.9, x0, masses, steps), plainChain.springChainLoss_grad(0.9, x0, masses, steps));
    }
  });

  it('gives the unchecked gradient bit for bit with break and a data-dependent trip count', () => {
    const plain = compile(untilOver(''));
    const checked = compile(untilOver('// @adc checkpoint 6'));
    for (const limit of [-1, 0.5, 3, 20, 200, 1000]) {
      for (const x of [0.2, 0.7]) {
        same(checked.untilOver_grad(x, 0.8, limit, [1, 0.5, 2]), plain.untilOver_grad(x, 0.8, limit, [1, 0.5, 2]));
        same(checked.untilOver_vjp(x, 0.8, limit, [1, 0.5, 2], -2.5), plain.untilOver_vjp(x, 0.8, limit, [1, 0.5, 2], -2.5));
      }
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

  it('keeps the tape of one segment: at 1e5 steps with 64 snapshots, under 1/10 of the unchecked peak', () => {
    const checked = compile(springChain('// @adc checkpoint 64'));
    const steps = 1e5;
    const a = plainChain.springChainLoss_grad(0.9, x0, masses, steps);
    const unchecked = tape.peakBytes;
    const b = checked.springChainLoss_grad(0.9, x0, masses, steps);
    const peak = tape.peakBytes;
    same(b, a);
    expect(peak).toBeLessThan(unchecked / 10);
    // (a segment is at most 2 · steps / 64 iterations: the tape of about 3% of the loop)
    expect(peak).toBeLessThan((unchecked * 2) / 64 + 4096);
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
