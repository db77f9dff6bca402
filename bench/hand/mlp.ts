/**
 * Hand-written gradient of `mlpLoss` (objectives/mlp.ts): per sample, the
 * forward pass keeps the hidden activations, the backward pass uses them.
 *
 *   z_j = b1_j + Σ_k w1_jk x_k,  h_j = tanh z_j,  o = b2 + Σ_j w2_j h_j,  r = o − y
 *   ∂L/∂o = 2r/B,  ∂L/∂w2_j = ∂L/∂o h_j,  ∂L/∂z_j = ∂L/∂o w2_j (1 − h_j²),
 *   ∂L/∂b1_j = ∂L/∂z_j,  ∂L/∂w1_jk = ∂L/∂z_j x_k,  ∂L/∂b2 = Σ ∂L/∂o
 */

export interface MlpGradient {
  value: number;
  w1: Float64Array;
  b1: Float64Array;
  w2: Float64Array;
  b2: number;
  /** Scratch: the hidden activations of one sample. */
  h: Float64Array;
}

export function newMlpGradient(nIn: number, nHidden: number): MlpGradient {
  return { value: 0, w1: new Float64Array(nIn * nHidden), b1: new Float64Array(nHidden), w2: new Float64Array(nHidden), b2: 0, h: new Float64Array(nHidden) };
}

/** Overwrites `g` with the loss and its gradient. */
export function mlpGradient(w1: Float64Array, b1: Float64Array, w2: Float64Array, b2: number, xs: Float64Array, ys: Float64Array, g: MlpGradient): MlpGradient {
  const batch = ys.length;
  const nHidden = b1.length;
  const nIn = xs.length / batch;
  const h = g.h;
  g.w1.fill(0);
  g.b1.fill(0);
  g.w2.fill(0);
  let gb2 = 0;
  let loss = 0;
  for (let s = 0; s < batch; s++) {
    const xo = s * nIn;
    let out = b2;
    for (let j = 0; j < nHidden; j++) {
      let z = b1[j];
      const wo = j * nIn;
      for (let k = 0; k < nIn; k++) z += w1[wo + k] * xs[xo + k];
      const hj = Math.tanh(z);
      h[j] = hj;
      out += w2[j] * hj;
    }
    const r = out - ys[s];
    loss += r * r;
    const dout = (2 * r) / batch;
    gb2 += dout;
    for (let j = 0; j < nHidden; j++) {
      const hj = h[j];
      g.w2[j] += dout * hj;
      const dz = dout * w2[j] * (1 - hj * hj);
      g.b1[j] += dz;
      const wo = j * nIn;
      for (let k = 0; k < nIn; k++) g.w1[wo + k] += dz * xs[xo + k];
    }
  }
  g.b2 = gb2;
  g.value = loss / batch;
  return g;
}
