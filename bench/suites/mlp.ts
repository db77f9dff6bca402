/**
 * A 16-32-1 tanh perceptron's mean squared error over a batch of 128: the
 * reference is the hand-written gradient (checked against central differences).
 * Gradients are flattened in parameter order: w1, b1, w2, b2.
 *
 * The same network with its parameters in one object (`mlpLossObject(params:
 * MlpParams, …)`, objectives/mlp-object.ts) is timed in the same case, over the
 * same arrays, so that its variants are paired with the flat ones round by
 * round (issue 12: an object parameter ≤ 1.2× the flat function). So is the same
 * network over matrices (`mlpLossMatrix(params: MlpMatrixParams, xs: number[][],
 * ys: number[])`, objectives/mlp-matrix.ts: rows `W1[j][k]`, `W2[0][j]`), over
 * copies of the same numbers as `number[]` rows. And so is the network as ML code
 * writes it (`mlpLossLayers(model: { layers: Layer[] }, xs: number[][], ys:
 * number[])`, objectives/mlp-layers.ts: a list of dense layers `{ weights:
 * number[][]; bias: number[] }`, each applied by a helper building a new array),
 * over copies of the same numbers.
 */
import { mlpLoss } from '../objectives/mlp';
import { mlpLossObject, type MlpParams } from '../objectives/mlp-object';
import { mlpLossMatrix, type MlpMatrixParams } from '../objectives/mlp-matrix';
import { mlpLossLayers, type Layer } from '../objectives/mlp-layers';
import { mlpGradient, newMlpGradient } from '../hand/mlp';
import { Random } from '../harness/random';
import { loadGenerated, missing, type GradOf, type JvpOf, type Loaded } from '../harness/generated';
import { flatten } from '../harness/compare';
import { fdCheck, fdGradient, gradientReference, skipped, type Suite, type SuiteOptions } from '../harness/suite';
import { variant, type Case, type Variant } from '../harness/types';
import { loadTfjs, tfMlp } from '../peers/tfjs';
import { jaxMlp, loadJaxjs } from '../peers/jaxjs';

type Grads = [Float64Array, Float64Array, Float64Array, number];
interface Generated {
  mlpLoss_grad: GradOf<typeof mlpLoss, Grads>;
  mlpLoss_jvp: JvpOf<typeof mlpLoss, [dw1: Float64Array, db1: Float64Array, dw2: Float64Array, db2: number]>;
}
/** The generated mlp-object.grad.ts: gradients and tangents have the parameter's skeleton. */
interface GeneratedObject {
  mlpLossObject_grad: GradOf<typeof mlpLossObject, [MlpParams]>;
  mlpLossObject_jvp: JvpOf<typeof mlpLossObject, [dparams: MlpParams]>;
}
/** The generated mlp-matrix.grad.ts: gradients and tangents are `{ W1, b1, W2, b2 }` with `number[][]` W1 and W2. */
interface GeneratedMatrix {
  mlpLossMatrix_grad: GradOf<typeof mlpLossMatrix, [MlpMatrixParams]>;
  mlpLossMatrix_jvp: JvpOf<typeof mlpLossMatrix, [dparams: MlpMatrixParams]>;
}
/** The model of mlp-layers.ts: a list of dense layers. */
interface LayersModel {
  layers: Layer[];
}
/** The generated mlp-layers.grad.ts: gradients and tangents are `{ layers: { weights: number[][]; bias: number[] }[] }`. */
interface GeneratedLayers {
  mlpLossLayers_grad: GradOf<typeof mlpLossLayers, [LayersModel]>;
  mlpLossLayers_jvp: JvpOf<typeof mlpLossLayers, [dmodel: LayersModel]>;
}

export const suite: Suite = {
  name: 'mlp',
  async cases(options: SuiteOptions): Promise<Case[]> {
    const gen = loadGenerated<Generated>('mlp');
    const genObject = loadGenerated<GeneratedObject>('mlp-object');
    const genMatrix = loadGenerated<GeneratedMatrix>('mlp-matrix');
    const genLayers = loadGenerated<GeneratedLayers>('mlp-layers');
    const tf = options.peers ? await loadTfjs() : 'peers disabled (--no-peers)';
    const jax = options.peers ? await loadJaxjs() : 'peers disabled (--no-peers)';
    const nIn = 16;
    const nHidden = 32;
    const batch = 128;
    const rng = new Random(7);
    // one flat parameter vector, viewed as the four parameters (so that FD can perturb it)
    const params = rng.normalArray(nHidden * nIn + nHidden + nHidden + 1, 0.3);
    const w1 = params.subarray(0, nHidden * nIn);
    const b1 = params.subarray(nHidden * nIn, nHidden * nIn + nHidden);
    const w2 = params.subarray(nHidden * nIn + nHidden, nHidden * nIn + 2 * nHidden);
    const b2Index = params.length - 1;
    const xs = rng.normalArray(batch * nIn);
    const ys = rng.normalArray(batch);
    const v = rng.normalArray(params.length);
    const dw1 = v.subarray(0, nHidden * nIn);
    const db1 = v.subarray(nHidden * nIn, nHidden * nIn + nHidden);
    const dw2 = v.subarray(nHidden * nIn + nHidden, nHidden * nIn + 2 * nHidden);
    const db2 = v[b2Index];
    const m = gen.module;
    const out = { value: 0, grads: [new Float64Array(w1.length), new Float64Array(b1.length), new Float64Array(w2.length), 0] as Grads };
    const jvpOut = { value: 0, tangent: 0 };
    const hand = newMlpGradient(nIn, nHidden);
    const f = () => mlpLoss(w1, b1, w2, params[b2Index], xs, ys);
    const fd = new Float64Array(params.length);
    const handFlat = () => {
      mlpGradient(w1, b1, w2, params[b2Index], xs, ys, hand);
      return flatten([hand.w1, hand.b1, hand.w2, hand.b2]);
    };
    const variants: Variant[] = [
      variant({ name: 'primal', mode: 'primal', origin: 'primal', run: f }),
      variant({
        name: 'ts-adc grad',
        mode: 'reverse',
        origin: 'ts-adc',
        skip: missing(gen),
        run: () => m!.mlpLoss_grad(w1, b1, w2, params[b2Index], xs, ys),
        derivative: (r) => flatten(r.grads),
      }),
      variant({
        name: 'ts-adc grad (out)',
        mode: 'reverse',
        origin: 'ts-adc',
        skip: missing(gen),
        run: () => m!.mlpLoss_grad(w1, b1, w2, params[b2Index], xs, ys, out),
        derivative: (r) => flatten(r.grads),
        tape: true,
      }),
      variant({
        name: 'ts-adc jvp (out)',
        mode: 'forward',
        origin: 'ts-adc',
        skip: missing(gen),
        run: () => m!.mlpLoss_jvp(w1, b1, w2, params[b2Index], xs, ys, dw1, db1, dw2, db2, jvpOut),
        derivative: (r) => [r.tangent],
      }),
      ...objectVariants(genObject, { W1: w1, b1, W2: w2, b2: params[b2Index] }, xs, ys, { W1: dw1, b1: db1, W2: dw2, b2: db2 }),
      ...matrixVariants(genMatrix, nIn, { W1: w1, b1, W2: w2, b2: params[b2Index] }, xs, ys, { W1: dw1, b1: db1, W2: dw2, b2: db2 }),
      ...layersVariants(genLayers, nIn, { W1: w1, b1, W2: w2, b2: params[b2Index] }, xs, ys, { W1: dw1, b1: db1, W2: dw2, b2: db2 }),
      variant({
        name: 'hand grad',
        mode: 'reverse',
        origin: 'hand',
        run: () => mlpGradient(w1, b1, w2, params[b2Index], xs, ys, hand),
        derivative: (r) => flatten([r.w1, r.b1, r.w2, r.b2]),
      }),
    ];
    if (typeof tf === 'string') variants.push(skipped('tfjs valueAndGrads', 'reverse', 'tfjs', tf));
    else {
      const g = tfMlp(tf, xs, ys, nIn);
      const p = { w1, b1, w2, b2: params[b2Index] };
      variants.push(variant({ name: 'tfjs valueAndGrads', mode: 'reverse', origin: 'tfjs', run: () => g.run(p), derivative: (r) => flatten(r.grads) }));
    }
    if (typeof jax === 'string') variants.push(skipped('jax-js jit(valueAndGrad)', 'reverse', 'jax-js', jax));
    else {
      let g: ReturnType<typeof jaxMlp> | undefined;
      variants.push(
        variant({
          name: 'jax-js jit(valueAndGrad)',
          mode: 'reverse',
          origin: 'jax-js',
          setup: () => void (g = jaxMlp(jax, xs, ys, nIn, nHidden)),
          run: () => g!(w1, b1, w2, params[b2Index]),
          derivative: (r) => flatten(r.grads),
        }),
      );
    }
    variants.push(variant({ name: 'central FD', mode: 'reverse', origin: 'fd', run: () => fdGradient(f, params, fd), derivative: (r) => r }));
    return [
      {
        objective: 'mlp',
        size: `${nIn}-${nHidden}-1, batch ${batch}`,
        variants,
        reference: () => gradientReference('hand', handFlat(), v),
        referenceCheck: () => fdCheck(f, params, handFlat(), 24),
        notes: [...gen.notes, ...genObject.notes, ...genMatrix.notes, ...genLayers.notes],
      },
    ];
  },
};

/**
 * The variants of `mlpLossObject`, each naming its flat counterpart as baseline. `p` holds the
 * very arrays of the flat variants (b2 is copied: FD perturbs and restores the flat vector, and
 * only the flat variants read it); `out` objects are allocated once, with the shape the
 * functions return.
 */
function objectVariants(gen: Loaded<GeneratedObject>, p: MlpParams, xs: Float64Array, ys: Float64Array, dp: MlpParams): Variant[] {
  const m = gen.module;
  const skip = missing(gen);
  const grads = (g: MlpParams) => flatten([g.W1, g.b1, g.W2, g.b2]);
  const out = { value: 0, grads: [{ W1: new Float64Array(p.W1.length), b1: new Float64Array(p.b1.length), W2: new Float64Array(p.W2.length), b2: 0 }] as [MlpParams] };
  const jvpOut = { value: 0, tangent: 0 };
  return pairedVariants('object', skip, (r) => grads(r.grads[0]), {
    primal: () => mlpLossObject(p, xs, ys),
    grad: () => m!.mlpLossObject_grad(p, xs, ys),
    gradOut: () => m!.mlpLossObject_grad(p, xs, ys, out),
    jvpOut: () => m!.mlpLossObject_jvp(p, xs, ys, dp, jvpOut),
  });
}

/**
 * The four timed calls of a variant of the perceptron written over other parameter types
 * (`kind`: 'object', 'matrix', 'layers'), each named after its kind and paired with its flat counterpart
 * as baseline; `gradient` flattens a gradient in the flat variant's order.
 */
function pairedVariants<G extends { grads: readonly unknown[] }>(
  kind: string,
  skip: string | undefined,
  gradient: (r: G) => ArrayLike<number>,
  run: { primal: () => number; grad: () => G; gradOut: () => G; jvpOut: () => { tangent: number } },
): Variant[] {
  const primal = `primal (${kind})`;
  return [
    variant({ name: primal, mode: 'primal', origin: 'primal', baseline: 'primal', run: run.primal }),
    variant({ name: `ts-adc grad (${kind})`, mode: 'reverse', origin: 'ts-adc', primal, baseline: 'ts-adc grad', skip, run: run.grad, derivative: gradient }),
    variant({ name: `ts-adc grad (${kind}, out)`, mode: 'reverse', origin: 'ts-adc', primal, baseline: 'ts-adc grad (out)', skip, run: run.gradOut, derivative: gradient }),
    variant({ name: `ts-adc jvp (${kind}, out)`, mode: 'forward', origin: 'ts-adc', primal, baseline: 'ts-adc jvp (out)', skip, run: run.jvpOut, derivative: (r) => [r.tangent] }),
  ];
}

/** Rows of `n` numbers of `a` (a copy: `number[]` rows, as matrix code keeps them). */
function rows(a: Float64Array, n: number): number[][] {
  return Array.from({ length: a.length / n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)));
}

/** `p` as matrices: W1 as nHidden rows of nIn, W2 as one row of nHidden (copies of the same numbers). */
function asMatrices(p: MlpParams, nIn: number): MlpMatrixParams {
  return { W1: rows(p.W1, nIn), b1: Array.from(p.b1), W2: rows(p.W2, p.W2.length), b2: p.b2 };
}

/**
 * The variants of `mlpLossMatrix`, each naming its flat counterpart as baseline, as the object
 * variants do. Parameters, direction and data are copies of the flat variants' numbers (`xs` as
 * rows of nIn, `ys` as a `number[]`), so values and derivatives agree with the flat ones; the
 * gradient is checked flattened as W1 row after row, b1, W2, b2.
 */
function matrixVariants(gen: Loaded<GeneratedMatrix>, nIn: number, flatParams: MlpParams, flatXs: Float64Array, flatYs: Float64Array, flatDp: MlpParams): Variant[] {
  const m = gen.module;
  const skip = missing(gen);
  const p = asMatrices(flatParams, nIn);
  const dp = asMatrices(flatDp, nIn);
  const xs = rows(flatXs, nIn);
  const ys = Array.from(flatYs);
  const grads = (g: MlpMatrixParams) => flatten([...g.W1, g.b1, ...g.W2, g.b2]);
  const zeros = (like: MlpMatrixParams): MlpMatrixParams => ({
    W1: like.W1.map((r) => r.map(() => 0)),
    b1: like.b1.map(() => 0),
    W2: like.W2.map((r) => r.map(() => 0)),
    b2: 0,
  });
  const out = { value: 0, grads: [zeros(p)] as [MlpMatrixParams] };
  const jvpOut = { value: 0, tangent: 0 };
  return pairedVariants('matrix', skip, (r) => grads(r.grads[0]), {
    primal: () => mlpLossMatrix(p, xs, ys),
    grad: () => m!.mlpLossMatrix_grad(p, xs, ys),
    gradOut: () => m!.mlpLossMatrix_grad(p, xs, ys, out),
    jvpOut: () => m!.mlpLossMatrix_jvp(p, xs, ys, dp, jvpOut),
  });
}

/** `p` as a list of two dense layers: W1 (nHidden rows of nIn) and b1, then W2 (one row of nHidden) and b2 as a one-element bias (copies of the same numbers). */
function asLayers(p: MlpParams, nIn: number): LayersModel {
  return {
    layers: [
      { weights: rows(p.W1, nIn), bias: Array.from(p.b1) },
      { weights: rows(p.W2, p.W2.length), bias: [p.b2] },
    ],
  };
}

/**
 * The variants of `mlpLossLayers`, each naming its flat counterpart as baseline, as the matrix
 * variants do, over copies of the same numbers; the gradient `{ layers: { weights, bias }[] }` is
 * checked flattened layer after layer, weights row after row then bias: w1, b1, w2, b2.
 */
function layersVariants(gen: Loaded<GeneratedLayers>, nIn: number, flatParams: MlpParams, flatXs: Float64Array, flatYs: Float64Array, flatDp: MlpParams): Variant[] {
  const m = gen.module;
  const skip = missing(gen);
  const model = asLayers(flatParams, nIn);
  const dmodel = asLayers(flatDp, nIn);
  const xs = rows(flatXs, nIn);
  const ys = Array.from(flatYs);
  const grads = (g: LayersModel) => flatten(g.layers.flatMap((l) => [...l.weights, l.bias]));
  const zeros = (like: LayersModel): LayersModel => ({ layers: like.layers.map((l) => ({ weights: l.weights.map((r) => r.map(() => 0)), bias: l.bias.map(() => 0) })) });
  const out = { value: 0, grads: [zeros(model)] as [LayersModel] };
  const jvpOut = { value: 0, tangent: 0 };
  return pairedVariants('layers', skip, (r) => grads(r.grads[0]), {
    primal: () => mlpLossLayers(model, xs, ys),
    grad: () => m!.mlpLossLayers_grad(model, xs, ys),
    gradOut: () => m!.mlpLossLayers_grad(model, xs, ys, out),
    jvpOut: () => m!.mlpLossLayers_jvp(model, xs, ys, dmodel, jvpOut),
  });
}
