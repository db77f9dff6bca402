/**
 * The demo's pictures, as figures for plot.ts: the fit (samples, true curve,
 * initial guess, fitted curve), the loss at each Adam step on a log scale, and
 * the projectile's path at the best angle beside a few others.
 */
import { type Figure, palette, powerOfTen, render } from './plot';
import { loss, model } from './src/fit';
import { range, trajectory } from './src/projectile';

/** What the fit produced: the samples, the parameters before and after, the loss at each step. */
export interface FitRun {
  ts: Float64Array;
  ys: Float64Array;
  truth: Float64Array;
  guess: Float64Array;
  fitted: Float64Array;
  /** losses[k] is the loss at Adam step k + 1 (before that step's update). */
  losses: Float64Array;
}

/** The model sampled densely over [t0, t1], for a smooth curve. */
function curve(p: Float64Array, t0: number, t1: number, n = 301): { xs: number[]; ys: number[] } {
  const xs = Array.from({ length: n }, (_, i) => t0 + ((t1 - t0) * i) / (n - 1));
  return { xs, ys: xs.map((t) => model(p, t)) };
}

const params = (p: Float64Array) => `a=${p[0].toFixed(3)}, b=${p[1].toFixed(3)}, ω=${p[2].toFixed(3)}, φ=${p[3].toFixed(3)}`;

export function fitSvg(run: FitRun): string {
  const [t0, t1] = [run.ts[0], run.ts[run.ts.length - 1]];
  return render({
    title: 'Least-squares fit of y = a·exp(−b t)·cos(ω t + φ)',
    subtitle: 'fitted by Adam from the initial guess, with the gradient loss_grad from fit.grad.ts',
    x: { label: 'time t' },
    y: { label: 'y' },
    series: [
      { kind: 'points', label: `${run.ts.length} noisy samples`, xs: run.ts, ys: run.ys, color: palette.grey, radius: 2.6, opacity: 0.8 },
      { kind: 'line', label: `initial guess: ${params(run.guess)}`, ...curve(run.guess, t0, t1), color: palette.purple, width: 2, dash: true },
      // The fitted curve as a wide translucent band, the true curve thin inside it: where they agree, the red line runs down the band's middle.
      { kind: 'line', label: `fitted curve: ${params(run.fitted)}`, ...curve(run.fitted, t0, t1), color: palette.sky, width: 6, opacity: 0.75 },
      { kind: 'line', label: `true curve: ${params(run.truth)}`, ...curve(run.truth, t0, t1), color: palette.vermillion, width: 1.5 },
    ],
  });
}

/** 2.1e-4 as "2.10 × 10⁻⁴". */
function scientific(v: number): string {
  const [mantissa, exponent] = v.toExponential(2).split('e');
  return `${mantissa} × ${powerOfTen(Number(exponent))}`;
}

export function lossSvg(run: FitRun): string {
  const steps = Array.from(run.losses, (_, k) => k + 1);
  const floor = loss(run.truth, run.ts, run.ys);
  return render({
    title: 'The loss falling during the fit',
    subtitle: `mean squared error at each of ${run.losses.length} Adam steps; it levels off at the noise in the samples`,
    x: { label: 'Adam step' },
    y: { label: 'loss (mean squared error, log scale)', log: true },
    series: [
      { kind: 'line', label: 'loss', xs: steps, ys: run.losses, color: palette.blue, width: 2.2 },
      { kind: 'line', label: `loss at the true parameters (${scientific(floor)})`, xs: [0, steps.length], ys: [floor, floor], color: palette.vermillion, width: 1.5, dash: true },
    ],
  });
}

const degrees = (theta: number) => (theta * 180) / Math.PI;

/** The path at the best angle (solid) and at the `others` (dashed), each labelled with where it lands. */
export function trajectorySvg(best: number, speed: number, others: readonly number[]): string {
  const colors = [palette.sky, palette.green, palette.purple, palette.orange];
  const bestRange = range(best, speed);
  const fig: Figure = {
    title: `Flight at ${speed} m/s with air drag`,
    subtitle: `the best angle, found by gradient ascent with range_grad, beside ${others.map((t) => `${degrees(t).toFixed(0)}°`).join(', ')}`,
    x: { label: 'distance (m)', include: 0 },
    y: { label: 'height (m)', include: 0 },
    equalAspect: true,
    series: [
      ...others.map((theta, i) => ({
        kind: 'line' as const,
        label: `θ = ${degrees(theta).toFixed(1)}°: lands at ${range(theta, speed).toFixed(2)} m`,
        ...trajectory(theta, speed),
        color: colors[i % colors.length],
        width: 1.8,
        dash: true,
      })),
      { kind: 'line', label: `best θ = ${degrees(best).toFixed(2)}°: lands at ${bestRange.toFixed(2)} m`, ...trajectory(best, speed), color: palette.blue, width: 3.2 },
      { kind: 'points', label: '', xs: [bestRange], ys: [0], color: palette.blue, radius: 5, opacity: 1 },
    ],
    notes: [{ x: bestRange, y: 0, text: `${bestRange.toFixed(2)} m`, color: palette.blue }],
  };
  return render(fig);
}
