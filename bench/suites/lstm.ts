/**
 * ADBench's diagonal LSTM, l = 2 layers, c = 1024 characters, b = 14:
 * gradient with respect to the main and extra parameters (266 numbers).
 * Reference: the full central-difference gradient (532 objective calls).
 */
import { lstmObjective } from '../objectives/lstm';
import { Random } from '../harness/random';
import { loadGenerated, missing, type GradOf, type JvpOf } from '../harness/generated';
import { flatten } from '../harness/compare';
import { fdGradient, gradientReference, skipped, type Suite, type SuiteOptions } from '../harness/suite';
import { variant, type Case, type Variant } from '../harness/types';

type Grads = [Float64Array, Float64Array];
interface Generated {
  lstmObjective_grad: GradOf<typeof lstmObjective, Grads>;
  lstmObjective_jvp: JvpOf<typeof lstmObjective, [dmain: Float64Array, dextra: Float64Array]>;
}

export const suite: Suite = {
  name: 'lstm',
  async cases(options: SuiteOptions): Promise<Case[]> {
    const gen = loadGenerated<Generated>('lstm');
    const l = 2;
    const c = options.quick ? 256 : 1024;
    const b = 14;
    const rng = new Random(1414);
    const params = new Float64Array(8 * l * b + 3 * b);
    for (let i = 0; i < params.length; i++) params[i] = rng.uniform(-0.5, 0.5);
    const mainParams = params.subarray(0, 8 * l * b);
    const extraParams = params.subarray(8 * l * b);
    const state = rng.uniformArray(2 * l * b, -0.5, 0.5);
    // one-hot characters, as in ADBench's text data
    const sequence = new Float64Array(c * b);
    for (let t = 0; t < c; t++) sequence[t * b + rng.int(b)] = 1;
    const v = rng.normalArray(params.length);
    const dMain = v.subarray(0, 8 * l * b);
    const dExtra = v.subarray(8 * l * b);
    const m = gen.module;
    const f = () => lstmObjective(l, c, b, mainParams, extraParams, state, sequence);
    const out = { value: 0, grads: [new Float64Array(mainParams.length), new Float64Array(extraParams.length)] as Grads };
    const jvpOut = { value: 0, tangent: 0 };
    const fd = new Float64Array(params.length);
    const variants: Variant[] = [
      variant({ name: 'primal', mode: 'primal', origin: 'primal', run: f }),
      variant({
        name: 'ts-adc grad',
        mode: 'reverse',
        origin: 'ts-adc',
        skip: missing(gen),
        run: () => m!.lstmObjective_grad(l, c, b, mainParams, extraParams, state, sequence),
        derivative: (r) => flatten(r.grads),
      }),
      variant({
        name: 'ts-adc grad (out)',
        mode: 'reverse',
        origin: 'ts-adc',
        skip: missing(gen),
        run: () => m!.lstmObjective_grad(l, c, b, mainParams, extraParams, state, sequence, out),
        derivative: (r) => flatten(r.grads),
        tape: true,
      }),
      variant({
        name: 'ts-adc jvp (out)',
        mode: 'forward',
        origin: 'ts-adc',
        skip: missing(gen),
        run: () => m!.lstmObjective_jvp(l, c, b, mainParams, extraParams, state, sequence, dMain, dExtra, jvpOut),
        derivative: (r) => [r.tangent],
      }),
      skipped('hand grad', 'reverse', 'hand', 'not written (reference: central differences)'),
      skipped('tfjs valueAndGrad', 'reverse', 'tfjs', 'not written for LSTM'),
      variant({ name: 'central FD', mode: 'reverse', origin: 'fd', run: () => fdGradient(f, params, fd), derivative: (r) => r }),
    ];
    return [
      {
        objective: 'lstm',
        size: `l=${l} c=${c} b=${b}`,
        variants,
        reference: () => gradientReference('FD', Float64Array.from(fdGradient(f, params, fd)), v),
        notes: gen.notes,
      },
    ];
  },
};
