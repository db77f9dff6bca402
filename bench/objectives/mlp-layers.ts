/**
 * The perceptron of mlp.ts written the way ML code in TypeScript writes a
 * network: a model holding a list of dense layers, each with its weights as
 * rows (`weights[i][k]`, outputs × inputs) and its bias, applied one after the
 * other by a `dense` helper that builds each layer's output array. Layer 0 is
 * W1 (32 × 16) and b1, layer 1 is W2 (1 × 32) and b2 as a one-element bias;
 * tanh on the hidden layer only. The same arithmetic in the same order as
 * `mlpLoss`, so that its derivatives can be timed against it over the same
 * numbers.
 *
 *   loss = (1/B) Σ_s (b2 + Σ_j W2[0][j] tanh(b1[j] + Σ_k W1[j][k] xs[s][k]) − ys[s])²
 */

export interface Layer {
  /** One row of inputs per output unit (nOut × nIn). */
  weights: number[][];
  bias: number[];
}

/** `activate ? tanh(W x + b) : W x + b`, as a new array. */
function dense(layer: Layer, x: readonly number[], activate: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < layer.bias.length; i++) {
    let s = layer.bias[i];
    for (let k = 0; k < x.length; k++) s += layer.weights[i][k] * x[k];
    out.push(activate ? Math.tanh(s) : s);
  }
  return out;
}

/** @differentiable wrt(model) */
export function mlpLossLayers(model: { layers: Layer[] }, xs: number[][], ys: number[]): number {
  let loss = 0;
  for (let s = 0; s < ys.length; s++) {
    let h = xs[s];
    for (let l = 0; l < model.layers.length; l++) h = dense(model.layers[l], h, l < model.layers.length - 1);
    const r = h[0] - ys[s];
    loss += r * r;
  }
  return loss / ys.length;
}
