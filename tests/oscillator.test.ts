/**
 * The oscillator example (examples/oscillator.ts) with the checked-in `residuals_jacobian`: an RK4
 * integrator taking the right-hand side as an arrow that captures the stiffness and damping,
 * differentiated through every step. Levenberg–Marquardt recovers the parameters the data were
 * made with, converging fast at the end (as only an exact Jacobian allows), and the Jacobian
 * agrees with central differences of the residuals.
 */
import { fitOscillator } from '../examples/oscillator';
import { positions, residuals } from '../examples/src/oscillator';
import { residuals_jacobian } from '../examples/src/oscillator.grad';

describe('fitting an oscillator through an RK4 integrator taking a function', () => {
  const h = 0.1;
  const observed = positions(4, 0.5, h, 60);

  it('recovers k and c from a distant start', () => {
    const steps = fitOscillator(observed, h, 1, 2);
    const last = steps[steps.length - 1];
    expect(Math.abs(last.k - 4)).toBeLessThan(1e-9);
    expect(Math.abs(last.c - 0.5)).toBeLessThan(1e-9);
    // (near the solution each step at least squares the relative error of the loss: Gauss–Newton on a zero-residual problem)
    const near = steps.filter((s) => s.loss < 1e-2 && s.loss > 1e-20);
    expect(near.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < near.length; i++) expect(near[i].loss).toBeLessThan(near[i - 1].loss ** 1.5);
  });

  it('has the Jacobian of central differences', () => {
    const [k, c] = [2.5, 0.8];
    const J = residuals_jacobian(k, c, observed, h);
    const e = 1e-6;
    const dk = residuals(k + e, c, observed, h).map((v, i) => (v - residuals(k - e, c, observed, h)[i]) / (2 * e));
    const dc = residuals(k, c + e, observed, h).map((v, i) => (v - residuals(k, c - e, observed, h)[i]) / (2 * e));
    expect(J).toHaveLength(observed.length);
    J.forEach((row, i) => {
      expect(Math.abs(row[0] - dk[i])).toBeLessThan(1e-7 * (1 + Math.abs(dk[i])));
      expect(Math.abs(row[1] - dc[i])).toBeLessThan(1e-7 * (1 + Math.abs(dc[i])));
    });
  });
});
