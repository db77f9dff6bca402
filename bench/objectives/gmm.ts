/**
 * ADBench's Gaussian mixture model objective: the log-likelihood of `n` points
 * of dimension `d` under `k` Gaussians, plus a Wishart prior on the inverse
 * covariances (Srajer, Kukelova, Fitzgibbon, "A benchmark of selected
 * algorithmic differentiation tools on some problems in computer vision and
 * machine learning", 2018, section 3.1; the C++ reference `gmm.h`).
 *
 * Each inverse covariance factor Q_k = diag(exp(q_k)) + L_k (L_k strictly lower
 * triangular) is packed in `icf` as d log-diagonal entries q followed by the
 * d(d−1)/2 entries of L column by column. Data: `x` row-major (n × d).
 *
 *   f = −(nd/2) log 2π + Σ_i logsumexp_k(α_k + Σ q_k − ½‖Q_k (x_i − μ_k)‖²)
 *       − n logsumexp(α) + Σ_k (½γ²(‖exp(q_k)‖² + ‖L_k‖²) − m Σ q_k) − k C(γ, m)
 *
 * @differentiable wrt(alphas, means, icf)
 */
export function gmmObjective(
  d: number,
  k: number,
  n: number,
  alphas: Float64Array,
  means: Float64Array,
  icf: Float64Array,
  x: Float64Array,
  wishartGamma: number,
  wishartM: number,
): number {
  const icfSize = (d * (d + 1)) / 2;
  const constant = -n * d * 0.5 * Math.log(2 * Math.PI);
  const qDiags = new Float64Array(d * k);
  const sumQs = new Float64Array(k);
  const xCentered = new Float64Array(d);
  const qxCentered = new Float64Array(d);
  const mainTerm = new Float64Array(k);

  for (let ik = 0; ik < k; ik++) {
    let sum = 0;
    for (let id = 0; id < d; id++) {
      const q = icf[ik * icfSize + id];
      sum += q;
      qDiags[ik * d + id] = Math.exp(q);
    }
    sumQs[ik] = sum;
  }

  let slse = 0;
  for (let ix = 0; ix < n; ix++) {
    for (let ik = 0; ik < k; ik++) {
      for (let id = 0; id < d; id++) xCentered[id] = x[ix * d + id] - means[ik * d + id];
      // Q_k (x_i − μ_k): the diagonal, then the strictly lower part column by column
      for (let id = 0; id < d; id++) qxCentered[id] = qDiags[ik * d + id] * xCentered[id];
      let li = ik * icfSize + d;
      for (let i = 0; i < d; i++) {
        for (let j = i + 1; j < d; j++) {
          qxCentered[j] += icf[li] * xCentered[i];
          li++;
        }
      }
      mainTerm[ik] = alphas[ik] + sumQs[ik] - 0.5 * sqnorm(qxCentered);
    }
    slse += logsumexp(mainTerm);
  }

  const lseAlphas = logsumexp(alphas);
  return constant + slse - n * lseAlphas + logWishartPrior(d, k, wishartGamma, wishartM, sumQs, qDiags, icf);
}

function sqnorm(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return s;
}

/** log Σ exp(a[i]), shifted by the maximum so that it cannot overflow. */
function logsumexp(a: Float64Array): number {
  let mx = a[0];
  for (let i = 1; i < a.length; i++) if (a[i] > mx) mx = a[i];
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.exp(a[i] - mx);
  return Math.log(s) + mx;
}

export function logWishartPrior(p: number, k: number, gamma: number, m: number, sumQs: Float64Array, qDiags: Float64Array, icf: Float64Array): number {
  const n = p + m + 1;
  const icfSize = (p * (p + 1)) / 2;
  const c = n * p * (Math.log(gamma) - 0.5 * Math.log(2)) - logGammaDistrib(0.5 * n, p);
  let out = 0;
  for (let ik = 0; ik < k; ik++) {
    let frobenius = 0;
    for (let i = 0; i < p; i++) {
      const q = qDiags[ik * p + i];
      frobenius += q * q;
    }
    for (let i = p; i < icfSize; i++) {
      const l = icf[ik * icfSize + i];
      frobenius += l * l;
    }
    out += 0.5 * gamma * gamma * frobenius - m * sumQs[ik];
  }
  return out - k * c;
}

/** log Γ_p(a), the multivariate gamma function. */
function logGammaDistrib(a: number, p: number): number {
  let out = 0.25 * p * (p - 1) * Math.log(Math.PI);
  for (let j = 1; j <= p; j++) out += logGamma(a + 0.5 * (1 - j));
  return out;
}

/** log Γ(x) for x ≥ 0.5: Lanczos' approximation (g = 7, 9 terms), about 15 digits. */
function logGamma(x: number): number {
  const coef = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = coef[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += coef[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}
