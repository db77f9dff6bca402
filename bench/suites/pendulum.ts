/**
 * The scalar loop: 1000 steps of a damped pendulum (semi-implicit Euler),
 * gradient with respect to (θ0, ω0, c). Reference: the hand-written gradient.
 */
import { pendulumEnergy } from '../objectives/pendulum';
import { newPendulumGradient, pendulumDirectional, pendulumGradient } from '../hand/pendulum';
import { loadGenerated, missing, type GradOf, type JvpOf } from '../harness/generated';
import { fdCheck, fdGradient, gradientReference, skipped, type Suite, type SuiteOptions } from '../harness/suite';
import { variant, type Case, type Variant } from '../harness/types';
import { loadTfjs, tfPendulum } from '../peers/tfjs';

type Grads = [number, number, number];
interface Generated {
  pendulumEnergy_grad: GradOf<typeof pendulumEnergy, Grads>;
  pendulumEnergy_jvp: JvpOf<typeof pendulumEnergy, [dtheta0: number, domega0: number, ddamping: number]>;
}

export const suite: Suite = {
  name: 'pendulum',
  async cases(options: SuiteOptions): Promise<Case[]> {
    const gen = loadGenerated<Generated>('pendulum');
    const tf = options.peers ? await loadTfjs() : 'peers disabled (--no-peers)';
    const steps = 1000;
    const p = new Float64Array([1.1, -0.4, 0.15]);
    const v = new Float64Array([0.3, -0.7, 0.5]);
    const m = gen.module;
    const out = { value: 0, grads: [0, 0, 0] as Grads };
    const jvpOut = { value: 0, tangent: 0 };
    const hand = newPendulumGradient(steps);
    const value = new Float64Array(1);
    const f = () => pendulumEnergy(p[0], p[1], p[2], steps);
    const fd = new Float64Array(3);
    const handGrad = () => Float64Array.from(pendulumGradient(p[0], p[1], p[2], steps, hand).grads);
    const variants: Variant[] = [
      variant({ name: 'primal', mode: 'primal', origin: 'primal', run: f }),
      variant({
        name: 'ts-adc grad',
        mode: 'reverse',
        origin: 'ts-adc',
        skip: missing(gen),
        run: () => m!.pendulumEnergy_grad(p[0], p[1], p[2], steps),
        derivative: (r) => r.grads,
      }),
      variant({
        name: 'ts-adc grad (out)',
        mode: 'reverse',
        origin: 'ts-adc',
        skip: missing(gen),
        run: () => m!.pendulumEnergy_grad(p[0], p[1], p[2], steps, out),
        derivative: (r) => r.grads,
        tape: true,
      }),
      variant({
        name: 'ts-adc jvp (out)',
        mode: 'forward',
        origin: 'ts-adc',
        skip: missing(gen),
        run: () => m!.pendulumEnergy_jvp(p[0], p[1], p[2], steps, v[0], v[1], v[2], jvpOut),
        derivative: (r) => [r.tangent],
      }),
      variant({ name: 'hand grad', mode: 'reverse', origin: 'hand', run: () => pendulumGradient(p[0], p[1], p[2], steps, hand), derivative: (r) => r.grads }),
      variant({ name: 'hand jvp', mode: 'forward', origin: 'hand', run: () => pendulumDirectional(p[0], p[1], p[2], steps, v[0], v[1], v[2], value), derivative: (r) => [r] }),
    ];
    if (typeof tf === 'string') variants.push(skipped('tfjs valueAndGrads', 'reverse', 'tfjs', tf));
    else {
      const g = tfPendulum(tf, steps);
      variants.push(variant({ name: 'tfjs valueAndGrads', mode: 'reverse', origin: 'tfjs', run: () => g(p[0], p[1], p[2]), derivative: (r) => r.grads }));
    }
    variants.push(skipped('jax-js jit(valueAndGrad)', 'reverse', 'jax-js', 'not written: a 1000-step scalar loop traces into a 7000-op graph'));
    variants.push(variant({ name: 'central FD', mode: 'reverse', origin: 'fd', run: () => fdGradient(f, p, fd), derivative: (r) => r }));
    return [
      {
        objective: 'pendulum loop',
        size: `${steps} steps`,
        variants,
        reference: () => gradientReference('hand', handGrad(), v),
        referenceCheck: () => fdCheck(f, p, handGrad(), 3),
        notes: gen.notes,
      },
    ];
  },
};
