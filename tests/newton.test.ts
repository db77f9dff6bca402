/**
 * The Newton example (examples/newton.ts) with the checked-in `rosenbrock_hvp`: Newton–CG on the
 * 100-dimensional Rosenbrock function reaches the minimum, and near it the gradient's norm is
 * (at most a constant times) squared at each step, as only exact Hessian-vector products allow.
 */
import { newtonCG } from '../examples/newton';
import { rosenbrock_hvp } from '../examples/src/rosenbrock.grad';

describe('Newton–CG with the generated Hessian-vector product', () => {
  const x = Array.from({ length: 100 }, (_, i) => 1 + 0.5 * Math.sin(i));
  const steps = newtonCG(rosenbrock_hvp, x);

  it('reaches the minimum (1, …, 1) of the 100-dimensional Rosenbrock function', () => {
    expect(steps[steps.length - 1].gradNorm).toBeLessThan(1e-10);
    expect(steps.length).toBeLessThan(40);
    for (const xi of x) expect(Math.abs(xi - 1)).toBeLessThan(1e-9);
  });

  it('converges quadratically near it: |∇f| at step k+1 ≤ 100·|∇f|² at step k', () => {
    const near = steps.filter((s, k) => k + 1 < steps.length && s.gradNorm < 1e-2 && steps[k + 1].gradNorm > 1e-13);
    expect(near.length).toBeGreaterThanOrEqual(2);
    for (const s of near) expect(steps[s.step + 1].gradNorm).toBeLessThanOrEqual(100 * s.gradNorm ** 2);
  });
});
