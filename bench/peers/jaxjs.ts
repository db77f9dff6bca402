/**
 * jax-js peers (`@jax-js/jax`): `jit(valueAndGrad(f))` in float64 on its
 * WebAssembly CPU backend. Node 20 lacks two browser globals it touches:
 * `navigator` (only for WebGPU, so only the wasm device is initialised) and
 * `Float16Array` (only for float16 arrays: a stub class is installed when
 * missing, so its `instanceof` checks fail as they should).
 *
 * jax-js arrays are reference-counted: a function consumes its arguments,
 * `.ref` keeps one alive (see its README). Parameters become arrays inside
 * the timed call; the jit compilation happens at the first call and is
 * reported as setup time.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
type Jax = any;

let loaded: Promise<Jax | string> | undefined;

export function loadJaxjs(): Promise<Jax | string> {
  loaded ??= (async () => {
    try {
      const g = globalThis as any;
      g.Float16Array ??= class Float16Array {};
      const jax = require('@jax-js/jax');
      const devices: string[] = await jax.init('wasm');
      if (!devices.includes('wasm')) return `jax-js: no wasm device (${devices.join(', ')})`;
      jax.defaultDevice('wasm');
      return jax;
    } catch (e) {
      return `jax-js not available: ${(e as Error).message}`;
    }
  })();
  return loaded;
}

export interface JaxGradient {
  value: number;
  grad: Float64Array;
}

export function jaxRosenbrock(jax: Jax, n: number): (x: Float64Array) => JaxGradient {
  const np = jax.numpy;
  const f = (x: any) => {
    const next = x.ref.slice([1, n]);
    const cur = x.slice([0, n - 1]);
    const a = next.sub(cur.ref.mul(cur.ref));
    const b = np.ones([n - 1], { dtype: np.float64 }).sub(cur);
    return a.ref.mul(a).mul(100).add(b.ref.mul(b)).sum();
  };
  const vg = jax.jit(jax.valueAndGrad(f));
  return (x) => {
    const [value, grad] = vg(np.array(x, { dtype: np.float64 }));
    return { value: value.dataSync()[0], grad: grad.dataSync() as Float64Array };
  };
}

export function jaxMlp(jax: Jax, xs: Float64Array, ys: Float64Array, nIn: number, nHidden: number) {
  const np = jax.numpy;
  const batch = ys.length;
  const xsA = np.array(xs, { dtype: np.float64 }).reshape([batch, nIn]);
  const ysA = np.array(ys, { dtype: np.float64 });
  const f = (p: any, x: any, y: any) => {
    const z = np.matmul(x, np.matrixTranspose(p.w1)).add(p.b1);
    const h = np.tanh(z);
    const out = np
      .matmul(h, p.w2.reshape([nHidden, 1]))
      .reshape([batch])
      .add(p.b2);
    const r = out.sub(y);
    return r.ref.mul(r).mean();
  };
  const vg = jax.jit(jax.valueAndGrad(f));
  return (w1: Float64Array, b1: Float64Array, w2: Float64Array, b2: number) => {
    const params = {
      w1: np.array(w1, { dtype: np.float64 }).reshape([nHidden, nIn]),
      b1: np.array(b1, { dtype: np.float64 }),
      w2: np.array(w2, { dtype: np.float64 }),
      b2: np.array(new Float64Array([b2]), { dtype: np.float64 }).reshape([]),
    };
    const [value, grads] = vg(params, xsA.ref, ysA.ref);
    return {
      value: value.dataSync()[0] as number,
      grads: [grads.w1.dataSync(), grads.b1.dataSync(), grads.w2.dataSync(), grads.b2.dataSync()] as Float64Array[],
    };
  };
}
