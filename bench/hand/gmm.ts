/**
 * Hand-written gradient of `gmmObjective` (objectives/gmm.ts), after ADBench's
 * manual derivative: per point, the forward pass keeps x − μ_k and Q_k(x − μ_k)
 * for every component, then the backward pass weighs them by the posterior
 * p_k = softmax_k(main_k).
 *
 *   main_k = α_k + Σ q_k − ½‖v_k‖²,  v_k = Q_k c_k,  c_k = x − μ_k
 *   ∂/∂α_k += p_k;  ∂/∂q_kj += p_k − p_k v_kj e^{q_kj} c_kj;  ∂/∂L_k,ji += −p_k v_kj c_ki
 *   ∂/∂μ_k = −Qᵀ(−p_k v_k) = p_k Q_kᵀ v_k
 * then −n logsumexp(α): ∂/∂α −= n softmax(α), and the Wishart prior:
 *   ∂/∂q_kj += γ² e^{2 q_kj} − m,  ∂/∂L_k += γ² L_k.
 */
import { logWishartPrior } from '../objectives/gmm';

export interface GmmGradient {
  value: number;
  alphas: Float64Array;
  means: Float64Array;
  icf: Float64Array;
}

export function newGmmGradient(d: number, k: number): GmmGradient {
  return { value: 0, alphas: new Float64Array(k), means: new Float64Array(k * d), icf: new Float64Array((k * d * (d + 1)) / 2) };
}

export function gmmGradient(
  d: number,
  k: number,
  n: number,
  alphas: Float64Array,
  means: Float64Array,
  icf: Float64Array,
  x: Float64Array,
  wishartGamma: number,
  wishartM: number,
  g: GmmGradient,
): GmmGradient {
  const icfSize = (d * (d + 1)) / 2;
  const gA = g.alphas;
  const gM = g.means;
  const gI = g.icf;
  gA.fill(0);
  gM.fill(0);
  gI.fill(0);
  const qDiags = new Float64Array(k * d);
  const sumQs = new Float64Array(k);
  for (let ik = 0; ik < k; ik++) {
    let s = 0;
    for (let id = 0; id < d; id++) {
      const q = icf[ik * icfSize + id];
      s += q;
      qDiags[ik * d + id] = Math.exp(q);
    }
    sumQs[ik] = s;
  }
  const xc = new Float64Array(k * d);
  const qxc = new Float64Array(k * d);
  const mainTerm = new Float64Array(k);
  const dxc = new Float64Array(d);
  let slse = 0;
  for (let ix = 0; ix < n; ix++) {
    let mx = -Infinity;
    for (let ik = 0; ik < k; ik++) {
      const o = ik * d;
      for (let id = 0; id < d; id++) {
        const c = x[ix * d + id] - means[o + id];
        xc[o + id] = c;
        qxc[o + id] = qDiags[o + id] * c;
      }
      let li = ik * icfSize + d;
      for (let i = 0; i < d; i++) {
        const ci = xc[o + i];
        for (let j = i + 1; j < d; j++) qxc[o + j] += icf[li++] * ci;
      }
      let sq = 0;
      for (let id = 0; id < d; id++) sq += qxc[o + id] * qxc[o + id];
      const m = alphas[ik] + sumQs[ik] - 0.5 * sq;
      mainTerm[ik] = m;
      if (m > mx) mx = m;
    }
    let se = 0;
    for (let ik = 0; ik < k; ik++) se += Math.exp(mainTerm[ik] - mx);
    const lse = Math.log(se) + mx;
    slse += lse;
    for (let ik = 0; ik < k; ik++) {
      const p = Math.exp(mainTerm[ik] - lse);
      const o = ik * d;
      const io = ik * icfSize;
      gA[ik] += p;
      // v̄ = −p v; the diagonal part of v = Q c
      for (let j = 0; j < d; j++) {
        const vbar = -p * qxc[o + j];
        gI[io + j] += p + vbar * qDiags[o + j] * xc[o + j];
        dxc[j] = qDiags[o + j] * vbar;
      }
      let li = io + d;
      for (let i = 0; i < d; i++) {
        const ci = xc[o + i];
        let acc = 0;
        for (let j = i + 1; j < d; j++) {
          const vbar = -p * qxc[o + j];
          gI[li] += vbar * ci;
          acc += icf[li] * vbar;
          li++;
        }
        dxc[i] += acc;
      }
      for (let j = 0; j < d; j++) gM[o + j] -= dxc[j];
    }
  }
  // − n logsumexp(α)
  let amx = -Infinity;
  for (let ik = 0; ik < k; ik++) if (alphas[ik] > amx) amx = alphas[ik];
  let ase = 0;
  for (let ik = 0; ik < k; ik++) ase += Math.exp(alphas[ik] - amx);
  const lseAlphas = Math.log(ase) + amx;
  for (let ik = 0; ik < k; ik++) gA[ik] -= n * Math.exp(alphas[ik] - lseAlphas);
  // Wishart prior
  const gamma2 = wishartGamma * wishartGamma;
  for (let ik = 0; ik < k; ik++) {
    const io = ik * icfSize;
    for (let j = 0; j < d; j++) {
      const q = qDiags[ik * d + j];
      gI[io + j] += gamma2 * q * q - wishartM;
    }
    for (let j = d; j < icfSize; j++) gI[io + j] += gamma2 * icf[io + j];
  }
  const constant = -n * d * 0.5 * Math.log(2 * Math.PI);
  g.value = constant + slse - n * lseAlphas + logWishartPrior(d, k, wishartGamma, wishartM, sumQs, qDiags, icf);
  return g;
}
