/**
 * Sources of the user projects the plugin tests compile (see plugin-project.ts).
 *
 * `working`: a local function and functions imported through a re-export and a
 * namespace import, differentiated with grad/jvp/vjp (with `wrt` by name and by
 * position); the program prints, for each case, the derivative (`ad`) and its
 * central finite-difference estimate (`fd`) as one JSON line. It also holds
 * type-level checks (`@ts-expect-error`), so a wrong marker type fails tspc,
 * and user names that the generated code uses too (`ret`, `f_grad`, …), and
 * helpers named like generated locals (`value`, `tape`).
 * `failing`: unsupported code under a marker and a misspelt `wrt`.
 */

const model = `/** Mean squared residual of a polynomial model plus an L2 penalty: loops over a Float64Array. */
export function loss(w: Float64Array, xs: readonly number[], ys: readonly number[], lambda: number): number {
  let s = 0;
  for (let i = 0; i < ys.length; i++) {
    let p = 0;
    for (let j = 0; j < w.length; j++) p += w[j] * Math.pow(xs[i], j);
    const r = p - ys[i];
    s += r * r;
  }
  for (let j = 0; j < w.length; j++) s += lambda * w[j] * w[j];
  return s / ys.length;
}

/** A fit over data rows: the rows (number[][]) and the flag are read-only data, never differentiated. */
export function fitRows(w: number[], rows: number[][], robust: boolean): number {
  let s = 0;
  for (const row of rows) {
    let p = 0;
    for (let j = 0; j < w.length; j++) p += w[j] * row[j];
    s += robust ? Math.log(1 + p * p) : p * p;
  }
  return s;
}

/** softplus(scale · w[i]) for every i: an array-valued function. */
export function softplusAll(w: Float64Array, scale: number): Float64Array {
  const out = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = Math.log(1 + Math.exp(scale * w[i]));
  return out;
}
`;

const reexport = `export { loss as dataLoss, softplusAll, fitRows } from './model.js';
`;

const fd = `/** Central finite differences: the reference the plugin's derivatives are compared with. */
export type Arg = number | number[] | Float64Array;
const H = 1e-6;

function shifted(args: readonly Arg[], dirs: readonly (Arg | null)[], t: number): Arg[] {
  return args.map((a, k) => {
    const d = dirs[k];
    if (d === null) return a;
    if (typeof a === 'number') return a + t * (d as number);
    const out = a instanceof Float64Array ? new Float64Array(a) : [...a];
    for (let i = 0; i < out.length; i++) out[i] += t * (d as ArrayLike<number>)[i];
    return out;
  });
}

/** d/dt f(args + t·dirs) at t = 0, per output component (null: that argument stays fixed). */
export function directional(f: (...a: any[]) => number | ArrayLike<number>, args: Arg[], dirs: (Arg | null)[]): number[] {
  const hi = f(...shifted(args, dirs, H));
  const lo = f(...shifted(args, dirs, -H));
  const a = typeof hi === 'number' ? [hi] : Array.from(hi);
  const b = typeof lo === 'number' ? [lo] : Array.from(lo);
  return a.map((v, i) => (v - b[i]) / (2 * H));
}

/** ∂g/∂args[k], one entry per element of args[k]. */
export function partials(g: (...a: any[]) => number, args: Arg[], k: number): number[] {
  const a = args[k];
  const n = typeof a === 'number' ? 1 : a.length;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const dirs: (Arg | null)[] = args.map(() => null);
    if (typeof a === 'number') dirs[k] = 1;
    else {
      const e = new Float64Array(a.length);
      e[i] = 1;
      dirs[k] = e;
    }
    out.push(directional(g, args, dirs)[0]);
  }
  return out;
}

export function flat(...xs: (number | ArrayLike<number>)[]): number[] {
  return xs.flatMap((x) => (typeof x === 'number' ? [x] : Array.from(x)));
}
`;

const main = `import { grad, jvp as forward, vjp, hvp, hessian, jacobian } from 'ts-adc';
import * as models from './reexport.js';
import { dataLoss, softplusAll } from './reexport.js';
import { directional, flat, partials } from './fd.js';
import { methodCases } from './methods.js';

/** A local function of two scalars. */
function f(x: number, y: number): number {
  return x * Math.sin(y) + Math.exp(x * y) / (1 + y * y);
}

// Names the generated code uses too: the plugin must rename its own, not these.
const ret = "the user's ret";
const adc_runtime = "the user's adc_runtime";
function f_grad(): string {
  return "the user's f_grad";
}

// Helpers named like the locals generated code declares (value, tape, out): their copies must not be shadowed.
function value(t: number): number {
  return t * 2;
}
function tape(t: number): number {
  return t + 1;
}
function g(x: number): number {
  let s = 0;
  for (let i = 0; i < 3; i++) s = s * x + value(x) * tape(x);
  const out = s * x;
  return out;
}

/** Functions as arguments: a quadrature taking the integrand, given an arrow capturing k and a Math function. */
function integrate(h: (t: number) => number, a: number, b: number, n = 32): number {
  const step = (b - a) / n;
  let s = 0;
  for (let i = 0; i < n; i++) s += h(a + (i + 0.5) * step);
  return s * step;
}
function areaUnder(k: number, c: number): number {
  return integrate((t) => Math.exp(-k * t * t), 0, c) + integrate(Math.sin, 0, k * c);
}

const cases: Record<string, { ad: number[]; fd: number[] }> = {};
const x = 0.7;
const y = -1.3;
const df = grad(f);
const r = df(x, y);
cases['grad(f) value'] = { ad: [r.value], fd: [f(x, y)] };
cases['grad(f)'] = { ad: r.grads, fd: [...partials(f, [x, y], 0), ...partials(f, [x, y], 1)] };
cases['jvp(f)'] = { ad: [forward(f)(x, y, 0.3, -0.8).tangent], fd: directional(f, [x, y], [0.3, -0.8]) };
cases['vjp(f)'] = { ad: vjp(f)(x, y, 2.5).grads, fd: [...partials(f, [x, y], 0), ...partials(f, [x, y], 1)].map((g) => 2.5 * g) };

cases['grad(g), helpers named value and tape'] = { ad: grad(g)(0.4).grads, fd: partials(g, [0.4], 0) };
cases['grad(areaUnder), functions as arguments'] = { ad: grad(areaUnder)(0.8, 1.2).grads, fd: [...partials(areaUnder, [0.8, 1.2], 0), ...partials(areaUnder, [0.8, 1.2], 1)] };

// Second order: H·v and the Hessian of f against central differences of its gradient.
const gradF = (a: number, b: number) => Float64Array.from(grad(f)(a, b).grads);
const hv: { value: number; grads: [x: number, y: number]; hvp: [x: number, y: number] } = hvp(f)(x, y, 0.3, -0.8);
cases['hvp(f)'] = { ad: [hv.value, ...hv.grads, ...hv.hvp], fd: [f(x, y), ...gradF(x, y), ...directional(gradF, [x, y], [0.3, -0.8])] };
const hf: Float64Array[] = hessian(f)(x, y);
cases['hessian(f)'] = { ad: [...hf[0], ...hf[1]], fd: [...directional(gradF, [x, y], [1, 0]), ...directional(gradF, [x, y], [0, 1])] };
// (helpers named tape and value: the second pass's functions are renamed apart from them)
const gradG = (a: number) => Float64Array.from(grad(g)(a).grads);
cases['hessian(g), helpers named value and tape'] = { ad: [...hessian(g)(0.4)[0]], fd: directional(gradG, [0.4], [1]) };

const w = new Float64Array([0.5, -1, 2]);
const xs = [0.3, 1.1, -0.7, 2];
const ys = [1, -2, 0.5, 3];
const lambda = 0.1;
const data: [Float64Array, number[], number[], number] = [w, xs, ys, lambda];
// Through a namespace import of a re-export alias; wrt by name.
const lw = grad(models.dataLoss, { wrt: ['w'] })(w, xs, ys, lambda);
cases['grad(dataLoss, wrt w)'] = { ad: flat(lw.grads[0] as Float64Array), fd: partials(dataLoss, data, 0) };
// wrt by position: exact types, entries in signature order.
export const dLossWL = grad(dataLoss, { wrt: [3, 0] });
const lwl = dLossWL(w, xs, ys, lambda);
const gw: Float64Array = lwl.grads[0];
const glambda: number = lwl.grads[1];
cases['grad(dataLoss, wrt [3, 0])'] = { ad: flat(gw, glambda), fd: [...partials(dataLoss, data, 0), ...partials(dataLoss, data, 3)] };
const dw = new Float64Array([0.2, -0.4, 1]);
cases['jvp(dataLoss, wrt w)'] = {
  ad: [forward(dataLoss, { wrt: ['w'] })(w, xs, ys, lambda, dw).tangent],
  fd: directional(dataLoss, data, [dw, null, null, null]),
};

const ct = new Float64Array([1, -2, 0.5]);
const weighted = (v: Float64Array, s: number): number => {
  const o = softplusAll(v, s);
  let acc = 0;
  for (let i = 0; i < o.length; i++) acc += ct[i] * o[i];
  return acc;
};
cases['vjp(softplusAll, wrt w)'] = { ad: flat(vjp(softplusAll, { wrt: ['w'] })(w, 1.5, ct).grads[0] as Float64Array), fd: partials(weighted, [w, 1.5], 0) };
const jw: Float64Array[] = jacobian(softplusAll, { wrt: ['w'] })(w, 1.5);
cases['jacobian(softplusAll, wrt w)'] = {
  ad: [0, 1, 2].flatMap((k) => jw.map((row) => row[k])),
  fd: [0, 1, 2].flatMap((k) => directional(softplusAll, [w, 1.5], [Float64Array.from([0, 1, 2], (i) => (i === k ? 1 : 0)), null])),
};
const hvw = hvp(dataLoss, { wrt: ['w'] })(w, xs, ys, lambda, dw);
const gradW = (v: Float64Array) => grad(dataLoss, { wrt: ['w'] })(v, xs, ys, lambda).grads[0] as Float64Array;
cases['hvp(dataLoss, wrt w)'] = { ad: flat(hvw.hvp[0] as Float64Array), fd: directional(gradW, [w], [dw]) };
cases['jvp(softplusAll)'] = { ad: flat(forward(softplusAll)(w, 1.5, dw, 0.3).tangent), fd: directional(softplusAll, [w, 1.5], [dw, 0.3]) };

// Read-only data parameters are left out of grad(f): one gradient, for w.
const rows = [[0.5, -1], [1.5, 2], [-0.25, 0.75]];
const wr = [0.3, -0.7];
const fr = grad(models.fitRows)(wr, rows, true);
const onlyW: { value: number; grads: [w: number[]] } = fr;
cases['grad(fitRows) over data rows'] = { ad: flat(onlyW.grads[0]), fd: partials((v: number[]) => models.fitRows(v, rows, true), [wr], 0) };
// @ts-expect-error rows and robust have no gradient
fr.grads[1];

// Objects: the gradient of each object parameter is its numeric skeleton.
interface Vec2 {
  x: number;
  y: number;
  label: string;
}
function springEnergy(a: Vec2, b: Vec2, k: number): number {
  const dx = a.x - b.x;
  const dy = a.y - b.y;
  return 0.5 * k * (Math.hypot(dx, dy) - 1) ** 2;
}
const pa: Vec2 = { x: 0.3, y: 1.2, label: 'a' };
const pb: Vec2 = { x: -0.4, y: 0.1, label: 'b' };
const gs = grad(springEnergy)(pa, pb, 2);
const skeleton: { value: number; grads: [a: { x: number; y: number }, b: { x: number; y: number }, k: number] } = gs;
const scalars = (ax: number, ay: number, bx: number, by: number, k: number) => springEnergy({ x: ax, y: ay, label: '' }, { x: bx, y: by, label: '' }, k);
const at = [0.3, 1.2, -0.4, 0.1, 2];
cases['grad(springEnergy) over objects'] = { ad: [gs.grads[0].x, gs.grads[0].y, gs.grads[1].x, gs.grads[1].y, skeleton.grads[2]], fd: at.flatMap((_, i) => partials(scalars, at, i)) };
// @ts-expect-error a string property has no gradient
gs.grads[0].label;

// An array of objects held by an object: its gradient is an array of the objects' numeric skeletons.
interface Body {
  p: { x: number; y: number };
  m: number;
  name: string;
}
function potential(w: { bodies: Body[]; g: number }): number {
  let e = 0;
  for (const b of w.bodies) e += b.m * w.g * b.p.y + 0.5 * b.p.x * b.p.x;
  return e;
}
const world = { bodies: [{ p: { x: 0.5, y: 1 }, m: 2, name: 'a' }, { p: { x: -1, y: 0.25 }, m: 0.5, name: 'b' }], g: 9.81 };
const gb = grad(potential)(world);
const bodiesSkeleton: { value: number; grads: [w: { bodies: { p: { x: number; y: number }; m: number }[]; g: number }] } = gb;
const bodyScalars = (x0: number, y0: number, m0: number, x1: number, y1: number, m1: number, g: number) =>
  potential({ bodies: [{ p: { x: x0, y: y0 }, m: m0, name: '' }, { p: { x: x1, y: y1 }, m: m1, name: '' }], g });
const bodyAt = [0.5, 1, 2, -1, 0.25, 0.5, 9.81];
cases['grad(potential) over an array of objects'] = {
  ad: [...bodiesSkeleton.grads[0].bodies.flatMap((b) => [b.p.x, b.p.y, b.m]), gb.grads[0].g],
  fd: bodyAt.flatMap((_, i) => partials(bodyScalars, bodyAt, i)),
};
// @ts-expect-error a body's name has no gradient
gb.grads[0].bodies[0].name;

// A parameter that is itself an array of tuples, named in wrt: differentiated (by default it would be data).
function polygonArea(ring: [number, number][], scale: number): number {
  let a = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x0, y0] = ring[i];
    const [x1, y1] = ring[(i + 1) % ring.length];
    a += x0 * y1 - x1 * y0;
  }
  return (scale * a) / 2;
}
const ring: [number, number][] = [[0, 0], [2, 0.5], [1.5, 2], [-0.5, 1]];
const ga = grad(polygonArea, { wrt: [0] })(ring, 1.5);
const ringSkeleton: { value: number; grads: [ring: number[][]] } = ga;
const ringScalars = (...v: number[]) => polygonArea([[v[0], v[1]], [v[2], v[3]], [v[4], v[5]], [v[6], v[7]]], 1.5);
const ringAt = ring.flat();
cases['grad(polygonArea, wrt [0]) over [number, number][]'] = { ad: ringSkeleton.grads[0].flat(), fd: ringAt.flatMap((_, i) => partials(ringScalars, ringAt, i)) };
// (naming every parameter, the ring among them, differentiates the ring too)
const gall = grad(polygonArea, { wrt: [0, 1] })(ring, 1.5);
const allSkeleton: { value: number; grads: [ring: number[][], scale: number] } = gall;
cases['grad(polygonArea, wrt [0, 1])'] = { ad: [...allSkeleton.grads[0].flat(), allSkeleton.grads[1]], fd: [...ringAt.flatMap((_, i) => partials(ringScalars, ringAt, i)), polygonArea(ring, 1) * 1] };

// A result that is an array of objects made inside: its tangent is an array of their skeletons.
function sampled(xs: number[], a: number): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (const x of xs) out.push({ x, y: a * x * x });
  return out;
}
const st = forward(sampled)([0.5, 1, 2], 3, [0, 0, 0], 1).tangent;
cases['jvp(sampled) of an array of objects'] = { ad: st.map((p) => p.y), fd: [0.25, 1, 4] };

// A static method of a class, and a function of a const object literal: by the compiler's names (Pt_dist, colour_srgb_gamma).
class Pt {
  constructor(
    public x: number,
    public y: number,
  ) {}
  static dist(a: Pt, b: Pt): number {
    return Math.hypot(a.x - b.x, a.y - b.y);
  }
  // (a method: the instances' gradients are still the skeleton of their fields)
  norm(): number {
    return Math.hypot(this.x, this.y);
  }

}
const gv = grad(Pt.dist)(new Pt(1, 2), new Pt(4, 6));
const vecSkeleton: { value: number; grads: [a: { x: number; y: number }, b: { x: number; y: number }] } = gv;
const distOf = (ax: number, ay: number, bx: number, by: number) => Pt.dist(new Pt(ax, ay), new Pt(bx, by));
cases['grad(Pt.dist), a static method'] = {
  ad: [vecSkeleton.grads[0].x, vecSkeleton.grads[0].y, gv.grads[1].x, gv.grads[1].y],
  fd: [0, 1, 2, 3].flatMap((k) => partials(distOf, [1, 2, 4, 6], k)),
};
const colour = {
  srgb: {
    gamma(c: number): number {
      return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    },
  },
};
cases['grad(colour.srgb.gamma), a method of an object literal'] = { ad: [grad(colour.srgb.gamma)(0.5).grads[0]], fd: partials((c) => colour.srgb.gamma(c), [0.5], 0) };

// out: the same object comes back, its arrays overwritten in place.
const again = dLossWL(new Float64Array([1, 1, 1]), xs, ys, lambda, lwl);
const outReused = again === lwl && again.grads[0] === gw;

// Type-level checks: tspc fails on any type error, expected ones included.
// @ts-expect-error with wrt [3, 0], grads has two entries
lwl.grads[2];
// @ts-expect-error f takes numbers
df('1', 2);
const typed: { value: number; grads: [x: number, y: number] } = df(1, 2);

Object.assign(cases, methodCases());
console.log(JSON.stringify({ cases, outReused, typed: typed.grads.length, user: [ret, adc_runtime, f_grad()] }));
`;

/** Instance methods given to the markers (`grad(Body.prototype.m)`): typed by the program transformer, ts-adc/plugin/program. */
const methods = `import { grad, hessian, hvp, jvp } from 'ts-adc';
import { directional, partials } from './fd.js';

// Written as three.js writes its vectors: methods reading and changing this, returning this.
export class Pt {
  constructor(
    public x: number,
    public y: number,
  ) {}
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
  moveBy(s: number): this {
    this.x += s * this.y;
    this.y -= s * Math.sin(this.x);
    return this;
  }
  getComponent(k: number): number {
    return k === 0 ? this.x : this.y;
  }
  clone(): Pt {
    return new Pt(this.x, this.y);
  }
}

export function methodCases(): Record<string, { ad: number[]; fd: number[] }> {
  const cases: Record<string, { ad: number[]; fd: number[] }> = {};
  const pt = new Pt(3, 4);
  const gn = grad(Pt.prototype.norm)(pt);
  const normSkeleton: { value: number; grads: [self: { x: number; y: number }] } = gn;
  cases['grad(Pt.prototype.norm), an instance method'] = { ad: [normSkeleton.grads[0].x, gn.grads[0].y], fd: [0, 1].flatMap((k) => partials((x, y) => new Pt(x, y).norm(), [3, 4], k)) };
  const moved = jvp(Pt.prototype.moveBy)(pt, 0.5, { x: 1, y: -1 }, 2);
  const movedValue: { x: number; y: number } = moved.value;
  cases['jvp(Pt.prototype.moveBy), a method changing this'] = {
    ad: [moved.tangent.x, moved.tangent.y, movedValue.x, movedValue.y, pt.x, pt.y],
    // (the receiver is not changed)
    fd: [...[0, 1].map((k) => directional((x, y, s) => new Pt(x, y).moveBy(s).getComponent(k), [3, 4, 0.5], [1, -1, 2])[0]), pt.clone().moveBy(0.5).x, pt.clone().moveBy(0.5).y, 3, 4],
  };
  // Second order of a method: the receiver's numbers are the first rows and columns.
  const gradNorm = (x: number, y: number) => {
    const g = grad(Pt.prototype.norm)(new Pt(x, y)).grads[0];
    return Float64Array.from([g.x, g.y]);
  };
  const hn: Float64Array[] = hessian(Pt.prototype.norm)(pt);
  cases['hessian(Pt.prototype.norm), an instance method'] = { ad: [...hn[0], ...hn[1]], fd: [...directional(gradNorm, [3, 4], [1, 0]), ...directional(gradNorm, [3, 4], [0, 1])] };
  const hv: { value: number; grads: [self: { x: number; y: number }]; hvp: [self: { x: number; y: number }] } = hvp(Pt.prototype.norm)(pt, { x: 0.5, y: -1 });
  cases['hvp(Pt.prototype.norm), an instance method'] = { ad: [hv.hvp[0].x, hv.hvp[0].y], fd: directional(gradNorm, [3, 4], [0.5, -1]) };
  return cases;
}

// (a type check only: never called)
export const noReceiver = () =>
  // @ts-expect-error the receiver comes first
  grad(Pt.prototype.norm)();
`;

/** methods.ts for a project compiled without the program transformer: the same export, no instance method given to a marker. */
export const methodsStub = `export function methodCases(): Record<string, { ad: number[]; fd: number[] }> {
  return {};
}
`;

export const working: Record<string, string> = { 'model.ts': model, 'reexport.ts': reexport, 'fd.ts': fd, 'methods.ts': methods, 'main.ts': main };

/** The line of `failing['shapes.ts']` holding the unsupported construct, and its text. */
export const unsupportedLine = { line: 3, text: "  const o = new Map([['r', r]]);" };

export const failing: Record<string, string> = {
  'shapes.ts': `/** A Map is not differentiable code. */
export function area(r: number): number {
${unsupportedLine.text}
  return Math.PI * o.get('r')! * r;
}
`,
  'main.ts': `import { grad } from 'ts-adc';
import { area } from './shapes.js';
export function f(x: number, y: number): number {
  return x * y;
}
export const dArea = grad(area);
export const df = grad(f, { wrt: ['z'] });
`,
};

/**
 * A package written in JavaScript, known by its `.d.ts` (erf, logistic), as CommonJS or ESM like the
 * project (installed under node_modules/special-functions).
 */
export function specialFunctions(esm: boolean): Record<string, string> {
  const erf = `function erf(x) {
  let term = x;
  let sum = x;
  for (let n = 1; n < 80; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
function logistic(x) {
  return 1 / (1 + Math.exp(-x));
}
`;
  const dir = 'node_modules/special-functions';
  return {
    [`${dir}/package.json`]: JSON.stringify({ name: 'special-functions', main: 'index.js', types: 'index.d.ts', ...(esm ? { type: 'module' } : {}) }),
    [`${dir}/index.js`]: esm ? `${erf}export { erf, logistic };\n` : `${erf}exports.erf = erf;\nexports.logistic = logistic;\n`,
    [`${dir}/index.d.ts`]: 'export declare function erf(x: number): number;\nexport declare function logistic(x: number): number;\n',
  };
}

/**
 * User rules under the markers: erf's rules beside the calls (one a function, one a const arrow
 * function) in the file that imports erf; logistic's in rules.ts, which neither the marker's file
 * nor the differentiated function's file imports.
 */
export const withRules: Record<string, string> = {
  'rules.ts': `import { logistic } from 'special-functions';

/** logistic' = s (1 - s). @jvp logistic */
export function logistic_jvp(x: number, dx: number) {
  const s = logistic(x);
  return { value: s, tangent: s * (1 - s) * dx };
}

/** @vjp logistic */
export function logistic_vjp(x: number, cotangent: number) {
  const s = logistic(x);
  return { value: s, grads: [s * (1 - s) * cotangent] as [number] };
}
`,
  'smooth.ts': `import { logistic } from 'special-functions';

export function smooth(a: number, b: number): number {
  return logistic(a * b) + a * logistic(b - a);
}
`,
  'main.ts': `import { grad, jvp } from 'ts-adc';
import { erf } from 'special-functions';
import { smooth } from './smooth.js';

/** erf'(x) = 2/sqrt(pi) e^(-x^2). @jvp erf */
export function erf_jvp(x: number, dx: number) {
  return { value: erf(x), tangent: (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * dx };
}

/** @vjp erf */
export const erf_vjp = (x: number, cotangent: number) => ({ value: erf(x), grads: [(2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * cotangent] as [number] });

/** Negative log-likelihood of a probit model on two points, plus a term in erf(w b). */
export function probitLoss(w: number, b: number): number {
  const p1 = 0.5 * (1 + erf((0.5 * w + b) / Math.SQRT2));
  const p2 = 0.5 * (1 + erf((-1.2 * w + b) / Math.SQRT2));
  return -Math.log(p1) - Math.log(1 - p2) + 0.1 * erf(w * b);
}

function central(f: (a: number, b: number) => number, a: number, b: number, da: number, db: number): number {
  const h = 1e-6;
  return (f(a + h * da, b + h * db) - f(a - h * da, b - h * db)) / (2 * h);
}

const cases: Record<string, { ad: number[]; fd: number[] }> = {};
const [w, b] = [0.8, -0.3];
const g = grad(probitLoss)(w, b);
cases['grad(probitLoss)'] = { ad: [g.value, ...g.grads], fd: [probitLoss(w, b), central(probitLoss, w, b, 1, 0), central(probitLoss, w, b, 0, 1)] };
cases['jvp(probitLoss)'] = { ad: [jvp(probitLoss)(w, b, 0.4, -1.5).tangent], fd: [central(probitLoss, w, b, 0.4, -1.5)] };
const s = grad(smooth)(w, b);
cases['grad(smooth), rules in another file'] = { ad: [s.value, ...s.grads], fd: [smooth(w, b), central(smooth, w, b, 1, 0), central(smooth, w, b, 0, 1)] };
cases['jvp(smooth), rules in another file'] = { ad: [jvp(smooth)(w, b, 0.4, -1.5).tangent], fd: [central(smooth, w, b, 0.4, -1.5)] };
console.log(JSON.stringify({ cases }));
`,
};
