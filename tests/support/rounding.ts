/**
 * How far rounding alone can move a number a program computes: the noise level below which two
 * computations of the same derivative (forward and reverse mode, either and a finite difference)
 * may disagree without saying anything about the compiler. The checks add it to their fixed
 * tolerances, so that a red property test means a wrong derivative, not an ill-conditioned program.
 *
 * The model (Higham, Accuracy and Stability of Numerical Algorithms, §2.2): every operation that
 * rounds returns (a ∘ b)(1 + δ) with |δ| ≤ u (u = 2⁻⁵³ for binary64, 2⁻²⁴ for a store into a
 * Float32Array). To first order the computed result of a program is
 *
 *     ŷ = y + Σₖ δₖ · rₖ · ∂y/∂rₖ        over every rounded intermediate result rₖ,
 *
 * so |ŷ − y| ≤ u · S with S = Σₖ |rₖ · ∂y/∂rₖ|. S is large exactly where rounding matters:
 * (p + a) − a with |a| ≫ |p| has a term |a| while y ≈ p (cancellation); a value the result does
 * not depend on (an overflow computed on the path not taken, an untaken arm) has ∂y/∂rₖ = 0 and
 * costs nothing. (A bound by the largest intermediate magnitude, max |rₖ| / |y|, cannot tell
 * those apart: an unused Math.exp(800) would make every tolerance infinite.)
 *
 * S is not observable, but δ ↦ Σₖ δₖ rₖ ∂y/∂rₖ is linear: running the program with every rounded
 * result multiplied by (1 + ρ σₖ), σₖ = ±1, moves the result by ρ Σₖ σₖ rₖ ∂y/∂rₖ. That is ρ S
 * when one term dominates (a cancellation), and of the order of ρ √(Σₖ (rₖ ∂y/∂rₖ)²) when many
 * comparable terms add up, which is how real rounding errors accumulate too (Higham and Mary,
 * "A new approach to probabilistic rounding error analysis", 2019). This is Monte Carlo
 * arithmetic (Parker, 1997; CESTAC, Vignes) used as a conditioning estimate:
 *
 *     noise(y) = (u / ρ) · max over SAMPLES runs of |ŷ_σ − ŷ|.
 *
 * The checks allow NOISE_FACTOR · noise on top of their fixed relative tolerances: a factor for
 * the √n-versus-n gap and the sampling of σ, for `Math` functions being correct to about one
 * ulp rather than half, and for the few roundings not perturbed (increments, the runtime's sums).
 * A well-conditioned program has noise ≈ u·|y|, far below the fixed tolerances, so its checks are
 * exactly as tight as before; a wrong derivative (a sign, a missing term) is off by the size of
 * the derivative itself, and is caught unless rounding makes the derivative itself unknowable at
 * that point. Details:
 * - ρ = 2⁻⁴⁴ (float32 stores: ρ·2²⁹ = 2⁻¹⁵): far above the perturbed run's own rounding (so the
 *   estimate is not noise itself), small enough to stay first order and to flip a comparison only
 *   at a near-tie.
 * - σₖ is a hash of the rounded value and the sample, not a fresh random number: the same value
 *   computed twice (a primal recomputed in the reverse sweep, `a[0] === y * 0.1` after storing
 *   `y * 0.1`, `switch (max) { case r: … }`) is perturbed the same way, so every equality the
 *   program relies on still holds, as it does in floating point.
 * - Results with few significant bits are taken as exact and not perturbed: integers below 2³²
 *   (indices, counters, `i + 1`) and whatever float32 represents (`0.25 * i`, `3 * 0.5`): sums and
 *   products of such numbers do not round, and a program may test exactly that (`q[0] === v`
 *   after a store into a Float32Array). Nor are exact operations (`%`, `Math.max`, `floor`, …).
 */
import type { Made, Watch } from './load';

export const UNIT_ROUNDOFF = 2 ** -53;
const RHO = 2 ** -44;
const FLOAT32_RHO = RHO * 2 ** 29;
const SAMPLES = 3;
export const NOISE_FACTOR = 16;

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/** ±1 from the bits of `x` and the sample (a murmur3 finaliser). */
function sign(x: number, salt: number): number {
  bits[0] = x;
  let h = (words[0] ^ Math.imul(words[1], 0x9e3779b1) ^ Math.imul(salt, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) & 1 ? 1 : -1;
}

/** Perturbs the roundings of the modules loaded with its `watch`: sample 0 runs them as written. */
export class Perturbation {
  sample = 0;

  readonly watch: Watch = (x: number, made: Made) => {
    if (this.sample === 0 || made === 'exact' || !Number.isFinite(x) || Math.fround(x) === x) return undefined;
    if (Number.isInteger(x) && Math.abs(x) < 2 ** 32) return undefined;
    return x * (1 + (made === 'float32' ? FLOAT32_RHO : RHO) * sign(x, this.sample));
  };

  /**
   * The rounding noise of each number `run` computes (see the module header): NaN where a
   * perturbed run changes whether a number is finite (the computation is not even continuous
   * in its roundings there).
   */
  noise(run: () => readonly number[]): number[] {
    this.sample = 0;
    const exact = run();
    const spread = exact.map(() => 0);
    try {
      for (let j = 1; j <= SAMPLES; j++) {
        this.sample = j;
        run().forEach((y, i) => {
          const d = y === exact[i] ? 0 : Math.abs(y - exact[i]);
          spread[i] = Number.isNaN(d) || Number.isNaN(spread[i]) ? NaN : Math.max(spread[i], d);
        });
      }
    } finally {
      this.sample = 0;
    }
    return spread.map((d) => (d * UNIT_ROUNDOFF) / RHO);
  }
}

/** Σ |cᵢ| · nᵢ: the noise of ⟨c, y⟩ for exact weights c and a y with elementwise noise n. */
export const weighted = (c: readonly number[], n: readonly number[]): number => c.reduce((s, x, i) => s + Math.abs(x) * n[i], 0);
