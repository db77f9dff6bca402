/**
 * The layered perceptron of mlp-layers.ts with its parameters in one flat
 * vector: the same algorithm (a loop over the layers, each applied by a
 * `dense` helper that builds a new array of its outputs, one variable `h` for
 * the input and every layer's activations), but layer l's weights (row-major,
 * `sizes[l + 1]` rows of `sizes[l]`) then its bias are read from `theta` at
 * offsets computed from `sizes` (e.g. [16, 32, 1]: W1 (32 × 16), b1, W2
 * (1 × 32), b2: mlp.ts's w1, b1, w2, b2 one after the other). tanh on every
 * layer but the last. The same arithmetic in the same order as
 * `mlpLossLayers` (and `mlpLoss`), so that `mlpLossLayers` can be timed
 * against the same computation over flat parameters.
 *
 *   loss = (1/B) Σ_s (b2 + Σ_j W2[0][j] tanh(b1[j] + Σ_k W1[j][k] xs[s][k]) − ys[s])²
 */

/**
 * `activate ? tanh(W x + b) : W x + b` for the layer whose weights (`nOut` rows
 * of `x.length`) start at `at` in `theta`, its bias right after them, as a new array.
 */
function dense(theta: Float64Array, at: number, nOut: number, x: readonly number[], activate: boolean): number[] {
  const nIn = x.length;
  const bias = at + nOut * nIn;
  const out: number[] = [];
  for (let i = 0; i < nOut; i++) {
    let s = theta[bias + i];
    for (let k = 0; k < nIn; k++) s += theta[at + i * nIn + k] * x[k];
    out.push(activate ? Math.tanh(s) : s);
  }
  return out;
}

/** @differentiable wrt(theta) */
export function mlpLossLayersFlat(theta: Float64Array, sizes: number[], xs: number[][], ys: number[]): number {
  let loss = 0;
  for (let s = 0; s < ys.length; s++) {
    let h = xs[s];
    let at = 0;
    for (let l = 0; l < sizes.length - 1; l++) {
      h = dense(theta, at, sizes[l + 1], h, l < sizes.length - 2);
      at += sizes[l + 1] * (sizes[l] + 1);
    }
    const r = h[0] - ys[s];
    loss += r * r;
  }
  return loss / ys.length;
}
