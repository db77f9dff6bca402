/**
 * The perceptron of mlp.ts written the way ML code in TypeScript writes it,
 * with matrices: weights as rows (`W1[j][k]`, hidden × in; `W2[0][j]`, one
 * output row), the batch as rows of `xs`. The same 16-32-1 tanh network and
 * mean squared error, the same arithmetic in the same order, so that its
 * derivatives can be timed against `mlpLoss`'s over the same numbers.
 *
 *   loss = (1/B) Σ_s (b2 + Σ_j W2[0][j] tanh(b1[j] + Σ_k W1[j][k] xs[s][k]) − ys[s])²
 */

export interface MlpMatrixParams {
  /** Hidden weights: one row of nIn per hidden unit (nHidden × nIn). */
  W1: number[][];
  b1: number[];
  /** Output weights: one row of nHidden (1 × nHidden). */
  W2: number[][];
  b2: number;
}

/** @differentiable wrt(params) */
export function mlpLossMatrix(params: MlpMatrixParams, xs: number[][], ys: number[]): number {
  const batch = ys.length;
  const nHidden = params.b1.length;
  let loss = 0;
  for (let s = 0; s < batch; s++) {
    const x = xs[s];
    let out = params.b2;
    for (let j = 0; j < nHidden; j++) {
      let z = params.b1[j];
      for (let k = 0; k < x.length; k++) z += params.W1[j][k] * x[k];
      out += params.W2[0][j] * Math.tanh(z);
    }
    const r = out - ys[s];
    loss += r * r;
  }
  return loss / batch;
}
