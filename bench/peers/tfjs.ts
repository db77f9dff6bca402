/**
 * TensorFlow.js peers: the `@tensorflow/tfjs` 4.22.0 bundle on its pure-JS CPU
 * backend (`tf.setBackend('cpu')`; tfjs-node cannot be installed here), the
 * library a JavaScript user would pick today. Everything is float32: each
 * timed call converts the float64 parameters (the copy is part of the call),
 * runs `tf.valueAndGrad(s)` inside `tf.tidy`, and reads the results back.
 * Constant data (batches, sequences) becomes tensors once, outside the call.
 */
import type * as TF from '@tensorflow/tfjs';

export type Tf = typeof TF;

let loaded: Promise<Tf | string> | undefined;

/** The library on the CPU backend, or why it is not available. */
export function loadTfjs(): Promise<Tf | string> {
  loaded ??= (async () => {
    try {
      const tf = require('@tensorflow/tfjs') as Tf;
      await tf.setBackend('cpu');
      await tf.ready();
      return tf.getBackend() === 'cpu' ? tf : `tfjs backend is ${tf.getBackend()}, not cpu`;
    } catch (e) {
      return `tfjs not available: ${(e as Error).message}`;
    }
  })();
  return loaded;
}

export interface PeerGradient {
  value: number;
  grad: Float32Array;
}

export function tfRosenbrock(tf: Tf): (x: Float64Array) => PeerGradient {
  const f = (x: TF.Tensor1D): TF.Scalar => {
    const n = x.shape[0];
    const next = x.slice(1, n - 1);
    const cur = x.slice(0, n - 1);
    const a = next.sub(cur.square());
    const b = tf.scalar(1).sub(cur);
    return a.square().mul(100).add(b.square()).sum();
  };
  const vg = tf.valueAndGrad(f);
  return (x) =>
    tf.tidy(() => {
      const { value, grad } = vg(tf.tensor1d(new Float32Array(x)));
      return { value: value.dataSync()[0], grad: grad.dataSync() as Float32Array };
    });
}

export interface MlpParams {
  w1: Float64Array;
  b1: Float64Array;
  w2: Float64Array;
  b2: number;
}

export function tfMlp(tf: Tf, xs: Float64Array, ys: Float64Array, nIn: number): { run: (p: MlpParams) => { value: number; grads: Float32Array[] }; dispose: () => void } {
  const batch = ys.length;
  const xsT = tf.tensor2d(new Float32Array(xs), [batch, nIn]);
  const ysT = tf.tensor1d(new Float32Array(ys));
  const f = (w1: TF.Tensor, b1: TF.Tensor, w2: TF.Tensor, b2: TF.Tensor): TF.Scalar => {
    const h = tf.tanh(tf.matMul(xsT, w1 as TF.Tensor2D, false, true).add(b1));
    const out = tf
      .matMul(h, (w2 as TF.Tensor1D).reshape([-1, 1]) as TF.Tensor2D)
      .reshape([batch])
      .add(b2);
    const r = out.sub(ysT);
    return r.square().mean();
  };
  const vg = tf.valueAndGrads(f);
  return {
    run: (p) =>
      tf.tidy(() => {
        const nHidden = p.b1.length;
        const { value, grads } = vg([
          tf.tensor2d(new Float32Array(p.w1), [nHidden, nIn]),
          tf.tensor1d(new Float32Array(p.b1)),
          tf.tensor1d(new Float32Array(p.w2)),
          tf.scalar(p.b2),
        ]);
        return { value: value.dataSync()[0], grads: grads.map((g) => g.dataSync() as Float32Array) };
      }),
    dispose: () => tf.dispose([xsT, ysT]),
  };
}

/** The pendulum loop on scalar tensors: what a tfjs user writes for a recurrence. */
export function tfPendulum(tf: Tf, steps: number): (theta0: number, omega0: number, damping: number) => { value: number; grads: number[] } {
  const dt = 0.01;
  const g = 9.81;
  const f = (theta0: TF.Tensor, omega0: TF.Tensor, damping: TF.Tensor): TF.Scalar => {
    let theta = theta0;
    let omega = omega0;
    for (let i = 0; i < steps; i++) {
      const alpha = tf.sin(theta).mul(-g).sub(damping.mul(omega));
      omega = omega.add(alpha.mul(dt));
      theta = theta.add(omega.mul(dt));
    }
    return omega
      .square()
      .mul(0.5)
      .add(tf.scalar(1).sub(tf.cos(theta)).mul(g)) as TF.Scalar;
  };
  const vg = tf.valueAndGrads(f);
  return (theta0, omega0, damping) =>
    tf.tidy(() => {
      const { value, grads } = vg([tf.scalar(theta0), tf.scalar(omega0), tf.scalar(damping)]);
      return { value: value.dataSync()[0], grads: grads.map((t) => t.dataSync()[0]) };
    });
}
