/**
 * Rosenbrock over a Float64Array, n = 10, 1e3, 1e5: the reference is the
 * hand-written gradient (itself checked against central differences).
 */
import { rosenbrock } from '../objectives/rosenbrock';
import { rosenbrockDirectional, rosenbrockGradient, rosenbrockHvp } from '../hand/rosenbrock';
import { Random } from '../harness/random';
import { loadGenerated, missing, type GradOf, type HvpOf, type JvpOf } from '../harness/generated';
import { fdCheck, fdGradient, gradientReference, skipped, type Suite, type SuiteOptions } from '../harness/suite';
import { variant, type Case, type Variant } from '../harness/types';
import { loadTfjs, tfRosenbrock } from '../peers/tfjs';
import { jaxRosenbrock, loadJaxjs } from '../peers/jaxjs';

interface Generated {
  rosenbrock_grad: GradOf<typeof rosenbrock, [Float64Array]>;
  rosenbrock_jvp: JvpOf<typeof rosenbrock, [dx: Float64Array]>;
  rosenbrock_hvp: HvpOf<typeof rosenbrock, [Float64Array]>;
}

export const suite: Suite = {
  name: 'rosenbrock',
  async cases(options: SuiteOptions): Promise<Case[]> {
    const gen = loadGenerated<Generated>('rosenbrock');
    const tf = options.peers ? await loadTfjs() : 'peers disabled (--no-peers)';
    const jax = options.peers ? await loadJaxjs() : 'peers disabled (--no-peers)';
    const sizes = options.quick ? [10, 1000] : [10, 1000, 100000];
    return sizes.map((n) => {
      const rng = new Random(1000 + n);
      const x = rng.uniformArray(n, -2, 2);
      const v = rng.normalArray(n);
      const m = gen.module;
      const out = { value: 0, grads: [new Float64Array(n)] as [Float64Array] };
      const jvpOut = { value: 0, tangent: 0 };
      const hvpOut = { value: 0, grads: [new Float64Array(n)] as [Float64Array], hvp: [new Float64Array(n)] as [Float64Array] };
      const handG = new Float64Array(n);
      const handHv = new Float64Array(n);
      const hand = new Float64Array(n);
      const value = new Float64Array(1);
      const fd = new Float64Array(n);
      const variants: Variant[] = [
        variant({ name: 'primal', mode: 'primal', origin: 'primal', run: () => rosenbrock(x) }),
        variant({ name: 'ts-adc grad', mode: 'reverse', origin: 'ts-adc', skip: missing(gen), run: () => m!.rosenbrock_grad(x), derivative: (r) => r.grads[0] }),
        variant({
          name: 'ts-adc grad (out)',
          mode: 'reverse',
          origin: 'ts-adc',
          skip: missing(gen),
          run: () => m!.rosenbrock_grad(x, out),
          derivative: (r) => r.grads[0],
          tape: true,
        }),
        variant({ name: 'ts-adc jvp (out)', mode: 'forward', origin: 'ts-adc', skip: missing(gen), run: () => m!.rosenbrock_jvp(x, v, jvpOut), derivative: (r) => [r.tangent] }),
        variant({ name: 'hand grad', mode: 'reverse', origin: 'hand', run: () => rosenbrockGradient(x, hand), derivative: () => hand }),
        variant({ name: 'hand jvp', mode: 'forward', origin: 'hand', run: () => rosenbrockDirectional(x, v, value), derivative: (r) => [r] }),
        variant({ name: 'ts-adc hvp (out)', mode: 'hvp', origin: 'ts-adc', skip: missing(gen), run: () => m!.rosenbrock_hvp(x, v, hvpOut), derivative: (r) => r.hvp[0] }),
        variant({ name: 'hand hvp', mode: 'hvp', origin: 'hand', run: () => rosenbrockHvp(x, v, handG, handHv), derivative: () => handHv }),
      ];
      if (typeof tf === 'string') variants.push(skipped('tfjs valueAndGrad', 'reverse', 'tfjs', tf));
      else {
        const g = tfRosenbrock(tf);
        variants.push(variant({ name: 'tfjs valueAndGrad', mode: 'reverse', origin: 'tfjs', run: () => g(x), derivative: (r) => r.grad }));
      }
      if (typeof jax === 'string') variants.push(skipped('jax-js jit(valueAndGrad)', 'reverse', 'jax-js', jax));
      else {
        let g: ReturnType<typeof jaxRosenbrock> | undefined;
        variants.push(
          variant({
            name: 'jax-js jit(valueAndGrad)',
            mode: 'reverse',
            origin: 'jax-js',
            setup: () => void (g = jaxRosenbrock(jax, n)),
            run: () => g!(x),
            derivative: (r) => r.grad,
          }),
        );
      }
      const f = () => rosenbrock(x);
      if (2 * n <= 20000) variants.push(variant({ name: 'central FD', mode: 'reverse', origin: 'fd', run: () => fdGradient(f, x, fd), derivative: (r) => r }));
      else variants.push(skipped('central FD', 'reverse', 'fd', `${2 * n} primal calls per gradient`));
      return {
        objective: 'rosenbrock',
        size: `n=${n}`,
        variants,
        reference: () => {
          rosenbrockGradient(x, hand);
          rosenbrockHvp(x, v, handG, handHv);
          return { ...gradientReference('hand', Float64Array.from(hand), v), hvp: Float64Array.from(handHv) };
        },
        referenceCheck: () => {
          rosenbrockGradient(x, hand);
          return fdCheck(f, x, Float64Array.from(hand));
        },
        notes: gen.notes,
      };
    });
  },
};
