/**
 * The perceptron of mlp.ts with its parameters in one object, as a user keeps
 * them (issue 12): the same 16-32-1 tanh network and mean squared error, the
 * same arithmetic in the same order, so that its derivatives can be timed
 * against `mlpLoss`'s over the same numbers.
 *
 *   loss = (1/B) Σ_s (b2 + Σ_j W2[j] tanh(b1[j] + Σ_k W1[j,k] xs[s,k]) − ys[s])²
 */

export interface MlpParams {
  /** Hidden weights, row-major (nHidden × nIn). */
  W1: Float64Array;
  b1: Float64Array;
  W2: Float64Array;
  b2: number;
}

/** @differentiable wrt(params) */
export function mlpLossObject(params: MlpParams, xs: Float64Array, ys: Float64Array): number {
  const batch = ys.length;
  const nHidden = params.b1.length;
  const nIn = xs.length / batch;
  let loss = 0;
  for (let s = 0; s < batch; s++) {
    let out = params.b2;
    for (let j = 0; j < nHidden; j++) {
      let z = params.b1[j];
      for (let k = 0; k < nIn; k++) z += params.W1[j * nIn + k] * xs[s * nIn + k];
      out += params.W2[j] * Math.tanh(z);
    }
    const r = out - ys[s];
    loss += r * r;
  }
  return loss / batch;
}
