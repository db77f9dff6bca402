/**
 * Mean squared error of a one-hidden-layer perceptron (tanh hidden layer,
 * linear output) over a batch: inputs `xs` row-major (batch × nIn), targets
 * `ys` (batch), hidden weights `w1` row-major (nHidden × nIn).
 *
 *   loss = (1/B) Σ_s (b2 + Σ_j w2[j] tanh(b1[j] + Σ_k w1[j,k] xs[s,k]) − ys[s])²
 *
 * @differentiable wrt(w1, b1, w2, b2) hessian
 */
export function mlpLoss(w1: Float64Array, b1: Float64Array, w2: Float64Array, b2: number, xs: Float64Array, ys: Float64Array): number {
  const batch = ys.length;
  const nHidden = b1.length;
  const nIn = xs.length / batch;
  let loss = 0;
  for (let s = 0; s < batch; s++) {
    let out = b2;
    for (let j = 0; j < nHidden; j++) {
      let z = b1[j];
      for (let k = 0; k < nIn; k++) z += w1[j * nIn + k] * xs[s * nIn + k];
      out += w2[j] * Math.tanh(z);
    }
    const r = out - ys[s];
    loss += r * r;
  }
  return loss / batch;
}
