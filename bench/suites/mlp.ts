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
 * over copies of the same numbers. Its variants are paired with the same layered
 * code over one flat vector (`mlpLossLayersFlat(theta: Float64Array, sizes:
 * number[], xs: number[][], ys: number[])`, objectives/mlp-layers-flat.ts, over
 * a copy of the same numbers): flat mlp.ts, written out by hand, computes no
 * adjoint of the input and builds no array per layer, so it is not the same
 * computation; the layers variants are divided by it too, labelled so.
 */
import { mlpLoss } from '../objectives/mlp';
import { mlpLossObject, type MlpParams } from '../objectives/mlp-object';
import { mlpLossMatrix, type MlpMatrixParams } from '../objectives/mlp-matrix';
import { mlpLossLayers, type Layer } from '../objectives/mlp-layers';
import { mlpLossLayersFlat } from '../objectives/mlp-layers-flat';
import { mlpGradient, newMlpGradient } from '../hand/mlp';
import { Random } from '../harness/random';
import { loadGenerated, missing, type GradOf, type HvpOf, type JvpOf, type Loaded } from '../harness/generated';
import { flatten } from '../harness/compare';
import { fdCheck, fdGradient, gradientReference, skipped, type Suite, type SuiteOptions } from '../harness/suite';
import { variant, type Case, type Variant } from '../harness/types';
import { loadTfjs, tfMlp } from '../peers/tfjs';
import { jaxMlp, loadJaxjs } from '../peers/jaxjs';

type Grads = [Float64Array, Float64Array, Float64Array, number];
interface Generated {
  mlpLoss_grad: GradOf<typeof mlpLoss, Grads>;
  mlpLoss_hvp: HvpOf<typeof mlpLoss, Grads>;
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
/** The generated mlp-layers-flat.grad.ts: the gradient and the tangent are one vector over every layer, as theta. */
interface GeneratedLayersFlat {
  mlpLossLayersFlat_grad: GradOf<typeof mlpLossLayersFlat, [Float64Array]>;
  mlpLossLayersFlat_jvp: JvpOf<typeof mlpLossLayersFlat, [dtheta: Float64Array]>;
}

export const suite: Suite = {
  name: 'mlp',
  async cases(options: SuiteOptions): Promise<Case[]> {
    const gen = loadGenerated<Generated>('mlp');
    const genObject = loadGenerated<GeneratedObject>('mlp-object');
    const genMatrix = loadGenerated<GeneratedMatrix>('mlp-matrix');
    const genLayers = loadGenerated<GeneratedLayers>('mlp-layers');
    const genLayersFlat = loadGenerated<GeneratedLayersFlat>('mlp-layers-flat');
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
    const hvpOut = {
      value: 0,
      grads: [new Float64Array(w1.length), new Float64Array(b1.length), new Float64Array(w2.length), 0] as Grads,
      hvp: [new Float64Array(w1.length), new Float64Array(b1.length), new Float64Array(w2.length), 0] as Grads,
    };
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
      variant({
        name: 'ts-adc hvp (out)',
        mode: 'hvp',
        origin: 'ts-adc',
        skip: missing(gen),
        run: () => m!.mlpLoss_hvp(w1, b1, w2, params[b2Index], xs, ys, dw1, db1, dw2, db2, hvpOut),
        derivative: (r) => flatten(r.hvp),
      }),
      ...objectVariants(genObject, { W1: w1, b1, W2: w2, b2: params[b2Index] }, xs, ys, { W1: dw1, b1: db1, W2: dw2, b2: db2 }),
      ...matrixVariants(genMatrix, nIn, { W1: w1, b1, W2: w2, b2: params[b2Index] }, xs, ys, { W1: dw1, b1: db1, W2: dw2, b2: db2 }),
      ...layersVariants(genLayers, nIn, { W1: w1, b1, W2: w2, b2: params[b2Index] }, xs, ys, { W1: dw1, b1: db1, W2: dw2, b2: db2 }),
      ...layersFlatVariants(genLayersFlat, [nIn, nHidden, 1], params, xs, ys, v),
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
        reference: () => ({ ...gradientReference('hand', handFlat(), v), hvp: hvpByDifferences(params, v, handFlat) }),
        referenceCheck: () => fdCheck(f, params, handFlat(), 24),
        notes: [...gen.notes, ...genObject.notes, ...genMatrix.notes, ...genLayers.notes, ...genLayersFlat.notes],
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

/** The names of the four timed calls of a variant of the perceptron. */
type CallNames = Record<'primal' | 'grad' | 'gradOut' | 'jvpOut', string>;

/** The names of the calls of the perceptron over `kind` parameters ('object', 'layers, flat', …), or of the flat mlp.ts when `kind` is undefined. */
function callNames(kind?: string): CallNames {
  if (kind === undefined) return { primal: 'primal', grad: 'ts-adc grad', gradOut: 'ts-adc grad (out)', jvpOut: 'ts-adc jvp (out)' };
  return { primal: `primal (${kind})`, grad: `ts-adc grad (${kind})`, gradOut: `ts-adc grad (${kind}, out)`, jvpOut: `ts-adc jvp (${kind}, out)` };
}

/** The flat mlp.ts, as an other baseline: the two layers written out by hand, without the input's adjoint or an array per layer. */
const handSpecialised = { names: callNames(), what: 'mlp.ts: hand-specialised, not the same computation' };

/**
 * What the variants of a kind are divided by: `baseline`, the same computation over flat parameters
 * (issue 12; none for a kind over flat parameters itself), and `others`, shown with what they are.
 */
interface Pairing {
  readonly baseline?: CallNames;
  readonly others?: readonly { readonly names: CallNames; readonly what: string }[];
}

/**
 * The four timed calls of a variant of the perceptron written over other parameter types
 * (`kind`: 'object', 'matrix', 'layers', 'layers, flat'), each named after its kind and paired as
 * `pairing` says (by default with the flat mlp.ts as baseline); `gradient` flattens a gradient in
 * the flat variant's order.
 */
function pairedVariants<G extends { grads: readonly unknown[] }>(
  kind: string,
  skip: string | undefined,
  gradient: (r: G) => ArrayLike<number>,
  run: { primal: () => number; grad: () => G; gradOut: () => G; jvpOut: () => { tangent: number } },
  pairing: Pairing = { baseline: callNames() },
): Variant[] {
  const names = callNames(kind);
  const primal = names.primal;
  const paired = (call: keyof CallNames) => ({
    baseline: pairing.baseline?.[call],
    otherBaselines: pairing.others?.map((o) => ({ name: o.names[call], what: o.what })),
  });
  return [
    variant({ name: primal, mode: 'primal', origin: 'primal', ...paired('primal'), run: run.primal }),
    variant({ name: names.grad, mode: 'reverse', origin: 'ts-adc', primal, ...paired('grad'), skip, run: run.grad, derivative: gradient }),
    variant({ name: names.gradOut, mode: 'reverse', origin: 'ts-adc', primal, ...paired('gradOut'), skip, run: run.gradOut, derivative: gradient }),
    variant({ name: names.jvpOut, mode: 'forward', origin: 'ts-adc', primal, ...paired('jvpOut'), skip, run: run.jvpOut, derivative: (r) => [r.tangent] }),
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
 * The variants of `mlpLossLayers`, over copies of the same numbers, each naming as baseline the same
 * layered code over flat parameters (`ts-adc grad (layers, flat)`, …) and, as an other baseline, the
 * flat mlp.ts the other kinds are divided by; the gradient `{ layers: { weights, bias }[] }` is
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
  return pairedVariants(
    'layers',
    skip,
    (r) => grads(r.grads[0]),
    {
      primal: () => mlpLossLayers(model, xs, ys),
      grad: () => m!.mlpLossLayers_grad(model, xs, ys),
      gradOut: () => m!.mlpLossLayers_grad(model, xs, ys, out),
      jvpOut: () => m!.mlpLossLayers_jvp(model, xs, ys, dmodel, jvpOut),
    },
    { baseline: callNames('layers, flat'), others: [handSpecialised] },
  );
}

/**
 * The variants of `mlpLossLayersFlat`: the layered code of mlp-layers.ts over one flat vector `theta`
 * (layer after layer, weights row-major then bias: the case's parameter vector w1, b1, w2, b2, copied,
 * as is the direction), with `xs` as rows of `sizes[0]` and `ys` as a `number[]`, copies as for the
 * layers. No baseline (its parameter is flat); divided by the flat mlp.ts as an other baseline, which
 * shows what the layered algorithm itself costs. The gradient is checked as it comes.
 */
function layersFlatVariants(
  gen: Loaded<GeneratedLayersFlat>,
  sizes: number[],
  flatParams: Float64Array,
  flatXs: Float64Array,
  flatYs: Float64Array,
  flatDp: Float64Array,
): Variant[] {
  const m = gen.module;
  const skip = missing(gen);
  const theta = Float64Array.from(flatParams);
  const dtheta = Float64Array.from(flatDp);
  const xs = rows(flatXs, sizes[0]);
  const ys = Array.from(flatYs);
  const out = { value: 0, grads: [new Float64Array(theta.length)] as [Float64Array] };
  const jvpOut = { value: 0, tangent: 0 };
  return pairedVariants(
    'layers, flat',
    skip,
    (r) => r.grads[0],
    {
      primal: () => mlpLossLayersFlat(theta, sizes, xs, ys),
      grad: () => m!.mlpLossLayersFlat_grad(theta, sizes, xs, ys),
      gradOut: () => m!.mlpLossLayersFlat_grad(theta, sizes, xs, ys, out),
      jvpOut: () => m!.mlpLossLayersFlat_jvp(theta, sizes, xs, ys, dtheta, jvpOut),
    },
    { others: [handSpecialised] },
  );
}

/**
 * H·v as the central difference of the hand-written gradient along v, extrapolated (Richardson,
 * error O(h⁴)): the reference of the hvp variants, which have no hand-written counterpart.
 */
function hvpByDifferences(params: Float64Array, v: Float64Array, gradient: () => Float64Array): Float64Array {
  const at = (t: number): Float64Array => {
    const saved = Float64Array.from(params);
    for (let i = 0; i < params.length; i++) params[i] += t * v[i];
    const g = Float64Array.from(gradient());
    params.set(saved);
    return g;
  };
  const diff = (h: number) => {
    const [plus, minus] = [at(h), at(-h)];
    return plus.map((x, i) => (x - minus[i]) / (2 * h));
  };
  const [coarse, fine] = [diff(2e-4), diff(1e-4)];
  return fine.map((x, i) => (4 * x - coarse[i]) / 3);
}
