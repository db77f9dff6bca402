/**
 * The long simulation (issue 15): a chain of 10 masses joined by springs, semi-implicit Euler,
 * 1e4 … 1e6 steps (1e7 with --steps-1e7: gigabytes of tape), gradient with respect to the
 * stiffness and the initial positions. Per size: time ÷ primal, the tape's bytes per step, and
 * the peak memory of one call of each variant in a process of its own. Reference: the
 * hand-written gradient, which keeps the positions of every step (80 bytes per step), itself
 * checked against central differences at 1e4 steps (longer, the differences lose digits).
 * Beside it, the same loop under `// @adc checkpoint 64` (springChainLossCheckpointed): its time,
 * and its tape's peak and peak memory from its own process.
 */
import { springChainLoss, springChainLossCheckpointed } from '../objectives/spring-chain';
import { newSpringChainGradient, springChainGradient, type SpringChainGradient } from '../hand/spring-chain';
import { loadGenerated, missing, type GradOf } from '../harness/generated';
import { peakRss, type MemoryRun } from '../harness/rss';
import { fdCheck, gradientReference, type Suite, type SuiteOptions } from '../harness/suite';
import { variant, type Case } from '../harness/types';

type Grads = [number, Float64Array];
interface Generated {
  springChainLoss_grad: GradOf<typeof springChainLoss, Grads>;
  springChainLossCheckpointed_grad: GradOf<typeof springChainLossCheckpointed, Grads>;
}

const n = 10;

/** The problem at a size: k, x0 (displaced from rest by a fixed pattern), masses; `params` = [k, x0…] for the FD check. */
function problem() {
  const k = 40;
  const x0 = new Float64Array(n);
  const masses = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x0[i] = i + 0.1 * Math.sin(1.7 * i + 0.3);
    masses[i] = 1 + 0.05 * i;
  }
  return { k, x0, masses };
}

/** The calls whose memory is measured: the same as the timed ones. */
function calls(steps: number) {
  const { k, x0, masses } = problem();
  const gen = loadGenerated<Generated>('spring-chain');
  const out = { value: 0, grads: [0, new Float64Array(n)] as Grads };
  let hand: SpringChainGradient | undefined;
  return {
    gen,
    k,
    x0,
    masses,
    primal: () => springChainLoss(k, x0, masses, steps),
    grad: () => gen.module!.springChainLoss_grad(k, x0, masses, steps, out),
    checkpointed: () => gen.module!.springChainLossCheckpointed_grad(k, x0, masses, steps, out),
    hand: () => springChainGradient(k, x0, masses, steps, (hand ??= newSpringChainGradient(n, steps))),
  };
}

const names = { primal: 'primal', grad: 'ts-adc grad (out)', checkpointed: 'ts-adc grad, checkpoint 64 (out)', hand: 'hand grad' } as const;

export const memoryRun: MemoryRun = (name, steps) => {
  const c = calls(steps);
  if (name === names.primal) return c.primal;
  if (name === names.grad) return c.grad;
  if (name === names.checkpointed) return c.checkpointed;
  if (name === names.hand) return c.hand;
  throw new Error(`springs: no variant ${name}`);
};

export const suite: Suite = {
  name: 'springs',
  async cases(options: SuiteOptions): Promise<Case[]> {
    const sizes = options.quick ? [1e4, 1e5] : options.steps1e7 ? [1e4, 1e5, 1e6, 1e7] : [1e4, 1e5, 1e6];
    return sizes.map((steps): Case => {
      const c = calls(steps);
      const f = () => springChainLoss(params[0], params.subarray(1), c.masses, steps);
      const params = Float64Array.from([c.k, ...c.x0]);
      const flat = (g: Grads | [number, Float64Array]) => Float64Array.from([g[0], ...g[1]]);
      return {
        objective: `spring chain (${n} masses)`,
        size: `${steps.toExponential(0).replace('+', '')} steps`,
        steps,
        variants: [
          variant({ name: names.primal, mode: 'primal', origin: 'primal', run: c.primal }),
          variant({ name: names.grad, mode: 'reverse', origin: 'ts-adc', skip: missing(c.gen), run: c.grad, derivative: (r) => flat(r.grads), tape: true }),
          variant({ name: names.checkpointed, mode: 'reverse', origin: 'ts-adc', skip: missing(c.gen), run: c.checkpointed, derivative: (r) => flat(r.grads), tape: true }),
          variant({ name: names.hand, mode: 'reverse', origin: 'hand', run: c.hand, derivative: (r) => flat(r.grads) }),
        ],
        reference: () => gradientReference('hand', flat(c.hand().grads)),
        referenceCheck: steps <= 1e4 ? () => fdCheck(f, params, flat(c.hand().grads), n + 1) : undefined,
        notes: c.gen.notes,
        memory: () =>
          Object.values(names).map((v) => (v.startsWith('ts-adc') && c.gen.module === undefined ? { variant: v, failed: 'not compiled' } : peakRss('springs', v, steps))),
      };
    });
  },
};
