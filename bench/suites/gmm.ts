/**
 * ADBench GMM, n = 1000 points, d ∈ {2, 10, 20, 64}, K ∈ {5, 25, 50}: the
 * gradient with respect to alphas, means and icf (flattened in that order).
 * Reference: the hand-written gradient, itself checked against central
 * differences on 16 coordinates.
 */
import { gmmObjective } from '../objectives/gmm';
import { gmmGradient, newGmmGradient } from '../hand/gmm';
import { Random } from '../harness/random';
import { loadGenerated, missing, type GradOf, type JvpOf } from '../harness/generated';
import { flatten } from '../harness/compare';
import { fdCheck, fdGradient, gradientReference, skipped, type Suite, type SuiteOptions } from '../harness/suite';
import { variant, type Case, type Variant } from '../harness/types';

type Grads = [Float64Array, Float64Array, Float64Array];
interface Generated {
  gmmObjective_grad: GradOf<typeof gmmObjective, Grads>;
  gmmObjective_jvp: JvpOf<typeof gmmObjective, [dalphas: Float64Array, dmeans: Float64Array, dicf: Float64Array]>;
}

export const suite: Suite = {
  name: 'gmm',
  async cases(options: SuiteOptions): Promise<Case[]> {
    const gen = loadGenerated<Generated>('gmm');
    const n = 1000;
    const sizes: Array<[number, number]> = [];
    for (const d of options.quick ? [2, 10] : [2, 10, 20, 64]) for (const k of options.quick ? [5] : [5, 25, 50]) sizes.push([d, k]);
    const gamma = 1;
    const wishartM = 0;
    return sizes.map(([d, k]) => {
      const rng = new Random(d * 100 + k);
      const icfSize = (d * (d + 1)) / 2;
      const nA = k;
      const nM = k * d;
      const nI = k * icfSize;
      // alphas, means and icf as views of one flat vector (so that FD can perturb any coordinate)
      const params = new Float64Array(nA + nM + nI);
      const alphas = params.subarray(0, nA);
      const means = params.subarray(nA, nA + nM);
      const icf = params.subarray(nA + nM);
      for (let i = 0; i < nA; i++) alphas[i] = rng.normal();
      for (let i = 0; i < nM; i++) means[i] = rng.next();
      for (let c = 0; c < k; c++) {
        for (let j = 0; j < d; j++) icf[c * icfSize + j] = rng.uniform(-0.5, 0.5);
        for (let j = d; j < icfSize; j++) icf[c * icfSize + j] = 0.3 * rng.normal();
      }
      const x = rng.uniformArray(n * d, 0, 1);
      const v = rng.normalArray(params.length);
      const dA = v.subarray(0, nA);
      const dM = v.subarray(nA, nA + nM);
      const dI = v.subarray(nA + nM);
      const m = gen.module;
      const f = () => gmmObjective(d, k, n, alphas, means, icf, x, gamma, wishartM);
      const hand = newGmmGradient(d, k);
      const handFlat = () => {
        gmmGradient(d, k, n, alphas, means, icf, x, gamma, wishartM, hand);
        return flatten([hand.alphas, hand.means, hand.icf]);
      };
      const out = { value: 0, grads: [new Float64Array(nA), new Float64Array(nM), new Float64Array(nI)] as Grads };
      const jvpOut = { value: 0, tangent: 0 };
      const grad = (o?: { value: number; grads: Grads }) => m!.gmmObjective_grad(d, k, n, alphas, means, icf, x, gamma, wishartM, o);
      const fd = new Float64Array(params.length);
      const variants: Variant[] = [
        variant({ name: 'primal', mode: 'primal', origin: 'primal', run: f }),
        variant({ name: 'ts-adc grad (out)', mode: 'reverse', origin: 'ts-adc', skip: missing(gen), run: () => grad(out), derivative: (r) => flatten(r.grads), tape: true }),
        variant({
          name: 'ts-adc grad',
          mode: 'reverse',
          origin: 'ts-adc',
          skip: missing(gen),
          skipIfSlow: 'ts-adc grad (out)',
          run: () => grad(),
          derivative: (r) => flatten(r.grads),
        }),
        variant({
          name: 'ts-adc jvp (out)',
          mode: 'forward',
          origin: 'ts-adc',
          skip: missing(gen),
          run: () => m!.gmmObjective_jvp(d, k, n, alphas, means, icf, x, gamma, wishartM, dA, dM, dI, jvpOut),
          derivative: (r) => [r.tangent],
        }),
        variant({
          name: 'hand grad',
          mode: 'reverse',
          origin: 'hand',
          run: () => gmmGradient(d, k, n, alphas, means, icf, x, gamma, wishartM, hand),
          derivative: (r) => flatten([r.alphas, r.means, r.icf]),
        }),
        skipped('tfjs valueAndGrad', 'reverse', 'tfjs', 'not written for GMM'),
      ];
      if (params.length <= 200) variants.push(variant({ name: 'central FD', mode: 'reverse', origin: 'fd', run: () => fdGradient(f, params, fd), derivative: (r) => r }));
      else variants.push(skipped('central FD', 'reverse', 'fd', `${2 * params.length} primal calls per gradient`));
      return {
        objective: 'gmm',
        size: `d=${d} K=${k} n=${n}`,
        variants,
        reference: () => gradientReference('hand', handFlat(), v),
        referenceCheck: () => fdCheck(f, params, handFlat(), 16),
        notes: gen.notes,
      };
    });
  },
};
