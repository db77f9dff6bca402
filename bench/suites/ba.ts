/**
 * ADBench BA on a synthetic problem (20 cameras, 1000 points, 4000
 * observations): the sparse Jacobian as one 2×15 block per observation
 * (∂ reprojection error / ∂(camera, point, weight)) plus ∂(1 − w²)/∂w,
 * stored flat (30 + 1 numbers per observation). The primal computes every
 * residual. Reference: central differences of each block (30 residual calls
 * per observation).
 *
 * The source is ba.ts as written (its Rodrigues rotation has two returns).
 */
import * as natural from '../objectives/ba';
import { Random } from '../harness/random';
import { loadGenerated, missing, type Loaded } from '../harness/generated';
import { skipped, type Suite, type SuiteOptions } from '../harness/suite';
import { variant, type Case, type Variant } from '../harness/types';

type Grads = [Float64Array, Float64Array, number];
interface Generated {
  reprojectionError_jacobian(cam: Float64Array, point: Float64Array, w: number, fx: number, fy: number, out?: Float64Array[]): Float64Array[];
  reprojectionError_jacfwd(cam: Float64Array, point: Float64Array, w: number, fx: number, fy: number, out?: Float64Array[]): Float64Array[];
  reprojectionError_vjp(
    cam: Float64Array,
    point: Float64Array,
    w: number,
    fx: number,
    fy: number,
    ct: number[],
    out?: { value: number[]; grads: Grads },
  ): { value: number[]; grads: Grads };
  reprojectionError_jvp(
    cam: Float64Array,
    point: Float64Array,
    w: number,
    fx: number,
    fy: number,
    dcam: Float64Array,
    dpoint: Float64Array,
    dw: number,
    out?: { value: number[]; tangent: number[] },
  ): { value: number[]; tangent: number[] };
  weightError_grad(w: number, out?: { value: number; grads: [number] }): { value: number; grads: [number] };
}

interface Problem {
  cams: Float64Array;
  points: Float64Array;
  weights: Float64Array;
  obsCam: Int32Array;
  obsPoint: Int32Array;
  feats: Float64Array;
}

function makeProblem(nCams: number, nPoints: number, nObs: number): Problem {
  const rng = new Random(4242);
  const cams = new Float64Array(11 * nCams);
  for (let c = 0; c < nCams; c++) {
    const o = 11 * c;
    for (let j = 0; j < 3; j++) cams[o + j] = 0.2 * rng.normal();
    cams[o + 3] = rng.uniform(-1, 1);
    cams[o + 4] = rng.uniform(-1, 1);
    cams[o + 5] = rng.uniform(-6, -4);
    cams[o + 6] = rng.uniform(400, 600);
    cams[o + 7] = rng.uniform(-5, 5);
    cams[o + 8] = rng.uniform(-5, 5);
    cams[o + 9] = 0.05 * rng.normal();
    cams[o + 10] = 0.01 * rng.normal();
  }
  const points = rng.uniformArray(3 * nPoints, -1, 1);
  const weights = rng.uniformArray(nObs, 0.5, 1.5);
  const obsCam = new Int32Array(nObs);
  const obsPoint = new Int32Array(nObs);
  for (let i = 0; i < nObs; i++) {
    obsCam[i] = i % nCams;
    obsPoint[i] = (i * 7919) % nPoints;
  }
  // features: the exact projections plus noise, so that residuals are O(pixels)
  const feats = new Float64Array(2 * nObs);
  const reproj = new Float64Array(2 * nObs);
  const wErr = new Float64Array(nObs);
  const ones = new Float64Array(nObs).fill(1);
  natural.bundleAdjustmentResiduals(cams, points, ones, obsCam, obsPoint, feats, reproj, wErr);
  for (let i = 0; i < 2 * nObs; i++) feats[i] = reproj[i] + 3 * rng.normal();
  return { cams, points, weights, obsCam, obsPoint, feats };
}

/** Per observation: 30 block entries (row-major 2 × 15: camera 11, point 3, weight 1) then ∂(1 − w²)/∂w. */
const perObs = 31;

export const suite: Suite = {
  name: 'ba',
  async cases(options: SuiteOptions): Promise<Case[]> {
    const nObs = options.quick ? 1000 : 4000;
    const problem = makeProblem(20, 1000, nObs);
    const sources: Array<[string, typeof natural, Loaded<Generated>]> = [['ba', natural, loadGenerated<Generated>('ba')]];
    return sources.map(([objective, src, gen]) => baCase(objective, src, gen, problem, nObs));
  },
};

function baCase(objective: string, src: typeof natural, gen: Loaded<Generated>, pb: Problem, nObs: number): Case {
  const { cams, points, weights, obsCam, obsPoint, feats } = pb;
  const reproj = new Float64Array(2 * nObs);
  const wErr = new Float64Array(nObs);
  const cam = new Float64Array(11);
  const point = new Float64Array(3);
  const load = (i: number) => {
    for (let j = 0; j < 11; j++) cam[j] = cams[obsCam[i] * 11 + j];
    for (let j = 0; j < 3; j++) point[j] = points[obsPoint[i] * 3 + j];
  };
  const m = gen.module;
  const jac = new Float64Array(perObs * nObs);

  const wOut = { value: 0, grads: [0] as [number] };
  /** Every observation's Jacobian from its two rows, `rows(i)` after load(i), and the weight's derivative (into `w` when given). */
  const fromRows = (rows: (i: number) => Float64Array[], w?: typeof wOut) => () => {
    for (let i = 0; i < nObs; i++) {
      load(i);
      const [r0, r1] = rows(i);
      jac.set(r0, perObs * i);
      jac.set(r1, perObs * i + 15);
      jac[perObs * i + 30] = m!.weightError_grad(weights[i], w).grads[0];
    }
    return jac;
  };
  // ts-adc f_jacobian: allocates its rows
  const viaJacobian = fromRows((i) => m!.reprojectionError_jacobian(cam, point, weights[i], feats[2 * i], feats[2 * i + 1]));
  // ts-adc f_jacobian with `out`: its rows reused, allocation-free
  const jacOut = [new Float64Array(15), new Float64Array(15)];
  const viaJacobianOut = fromRows((i) => m!.reprojectionError_jacobian(cam, point, weights[i], feats[2 * i], feats[2 * i + 1], jacOut), wOut);
  // ts-adc f_jacfwd with `out`: two vector forward sweeps of 8 columns each
  const viaJacfwdOut = fromRows((i) => m!.reprojectionError_jacfwd(cam, point, weights[i], feats[2 * i], feats[2 * i + 1], jacOut), wOut);
  // two reverse sweeps per observation, allocation-free
  const vjpOut = { value: [0, 0], grads: [new Float64Array(11), new Float64Array(3), 0] as Grads };
  const e0 = [1, 0];
  const e1 = [0, 1];
  const viaVjp = () => {
    for (let i = 0; i < nObs; i++) {
      load(i);
      const w = weights[i];
      for (let r = 0; r < 2; r++) {
        const g = m!.reprojectionError_vjp(cam, point, w, feats[2 * i], feats[2 * i + 1], r === 0 ? e0 : e1, vjpOut).grads;
        const o = perObs * i + 15 * r;
        jac.set(g[0], o);
        jac.set(g[1], o + 11);
        jac[o + 14] = g[2];
      }
      jac[perObs * i + 30] = m!.weightError_grad(w, wOut).grads[0];
    }
    return jac;
  };
  // fifteen forward sweeps per observation, allocation-free
  const dcam = new Float64Array(11);
  const dpoint = new Float64Array(3);
  const jvpOut = { value: [0, 0], tangent: [0, 0] };
  const viaJvp = () => {
    for (let i = 0; i < nObs; i++) {
      load(i);
      const w = weights[i];
      const fx = feats[2 * i];
      const fy = feats[2 * i + 1];
      const o = perObs * i;
      for (let c = 0; c < 15; c++) {
        if (c < 11) dcam[c] = 1;
        else if (c < 14) dpoint[c - 11] = 1;
        const t = m!.reprojectionError_jvp(cam, point, w, fx, fy, dcam, dpoint, c === 14 ? 1 : 0, jvpOut).tangent;
        if (c < 11) dcam[c] = 0;
        else if (c < 14) dpoint[c - 11] = 0;
        jac[o + c] = t[0];
        jac[o + 15 + c] = t[1];
      }
      jac[o + 30] = m!.weightError_grad(w, wOut).grads[0];
    }
    return jac;
  };
  // central differences of each block
  const fdJac = new Float64Array(perObs * nObs);
  const viaFd = () => {
    for (let i = 0; i < nObs; i++) {
      load(i);
      const fx = feats[2 * i];
      const fy = feats[2 * i + 1];
      let w = weights[i];
      const o = perObs * i;
      for (let c = 0; c < 15; c++) {
        const arr = c < 11 ? cam : c < 14 ? point : undefined;
        const j = c < 11 ? c : c - 11;
        const x0 = arr ? arr[j] : w;
        const h = 6.055454452393343e-6 * Math.max(1, Math.abs(x0));
        if (arr) arr[j] = x0 + h;
        else w = x0 + h;
        const p = src.reprojectionError(cam, point, w, fx, fy);
        if (arr) arr[j] = x0 - h;
        else w = x0 - h;
        const q = src.reprojectionError(cam, point, w, fx, fy);
        if (arr) arr[j] = x0;
        else w = x0;
        fdJac[o + c] = (p[0] - q[0]) / (2 * h);
        fdJac[o + 15 + c] = (p[1] - q[1]) / (2 * h);
      }
      const h = 6.055454452393343e-6 * Math.max(1, Math.abs(w));
      fdJac[o + 30] = (src.weightError(w + h) - src.weightError(w - h)) / (2 * h);
    }
    return fdJac;
  };
  const copy = (a: Float64Array) => Float64Array.from(a);
  const variants: Variant[] = [
    variant({
      name: 'primal (all residuals)',
      mode: 'primal',
      origin: 'primal',
      run: () => src.bundleAdjustmentResiduals(cams, points, weights, obsCam, obsPoint, feats, reproj, wErr),
    }),
    variant({ name: 'ts-adc f_jacobian', mode: 'jacobian', origin: 'ts-adc', skip: missing(gen), run: viaJacobian, derivative: copy }),
    variant({ name: 'ts-adc f_jacobian (out)', mode: 'jacobian', origin: 'ts-adc', skip: missing(gen), run: viaJacobianOut, derivative: copy }),
    variant({ name: 'ts-adc f_jacfwd (out)', mode: 'jacobian', origin: 'ts-adc', skip: missing(gen), run: viaJacfwdOut, derivative: copy }),
    variant({ name: 'ts-adc 2× vjp (out)', mode: 'jacobian', origin: 'ts-adc', skip: missing(gen), run: viaVjp, derivative: copy, tape: true }),
    variant({ name: 'ts-adc 15× jvp (out)', mode: 'jacobian', origin: 'ts-adc', skip: missing(gen), run: viaJvp, derivative: copy }),
    skipped('hand Jacobian', 'jacobian', 'hand', 'not written (reference: central differences)'),
    skipped('tfjs', 'jacobian', 'tfjs', 'not written for BA'),
    variant({ name: 'central FD (blocks)', mode: 'jacobian', origin: 'fd', run: viaFd, derivative: copy }),
  ];
  return {
    objective,
    size: `20 cams, 1000 pts, ${nObs} obs`,
    variants,
    reference: () => ({ name: 'FD', jacobian: copy(viaFd()) }),
    notes: gen.notes,
  };
}
