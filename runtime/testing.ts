/**
 * `ts-adc/testing`: checks of derivatives for your own test suites (Jest, Vitest, node:test, a
 * browser). `checkGrads(f, f_grad, args)` compares a gradient, generated or hand-written, with
 * central differences of f in every coordinate of every differentiated argument, and checks the
 * rest of the contract of the generated API (README, "The generated API"): the value is f's, the
 * arguments are left as they were, each gradient has the shape of its parameter; given `f_jvp`
 * and `f_vjp` too, it checks them against the gradient and against each other (the dot-product
 * test). `checkDerivatives(f, { jvp, vjp }, args)` does the same for a function of any result.
 * A failed check throws a `GradientCheckError` naming the parameter, the coordinate, both values
 * and the tolerance; a passed one returns a small report.
 *
 * No dependencies, no Node built-ins: runs in a browser too.
 */
import { fmt, hint, small, tolerance } from './testing-differences';
import { type CheckOptions, subject, type Subject } from './testing-subject';
import { describe, entry, getAt, holdsFloat32, type Key, leafPaths, mapLeaves, printPath, random, setAt, shapeMismatch, skeleton } from './testing-trees';

export { type CheckKind, type CheckOptions, GradientCheckError } from './testing-subject';

export type JvpFunction = (...args: any[]) => { value: unknown; tangent: unknown };
export type VjpFunction = (...args: any[]) => { value: unknown; grads: readonly unknown[] };

export interface CheckGradsOptions extends CheckOptions {
  /** f's forward mode, `(p1, …, pn, dp1, …, dpk) => { value, tangent }`: checked against the gradient. */
  jvp?: JvpFunction;
  /** f's reverse mode, `(p1, …, pn, cotangent) => { value, grads }`: checked against the gradient. */
  vjp?: VjpFunction;
}

export interface CheckReport {
  /** f's value at the arguments. */
  value: unknown;
  /** Comparisons with central differences: coordinates (checkGrads); numbers of the result along each direction, or dot products without a jvp (checkDerivatives). */
  compared: number;
  /** The largest |ad − fd| / max(|ad|, |fd|) among them, over derivatives above the absolute tolerance. */
  maxRelativeError: number;
  /** Where it occurred (`params.W[1][0]`). */
  worst: string;
  /** The largest ratio of a difference to its tolerance (below 1 on success: how close a check came to failing). */
  closest: number;
  /** Random directions of the jvp, vjp and dot-product tests (0 without them). */
  directions: number;
}

type Fn = (...args: any[]) => unknown;

/**
 * Checks `fGrad` (`(p1, …, pn) => { value: number; grads: [G1, …, Gk] }`) against f at `args`:
 * the value is f's; the arguments are not modified; each Gi has the numeric shape of its parameter;
 * each number of each Gi agrees with central differences of f, |ad − fd| ≤ atol + rtol·max(|ad|, |fd|);
 * given `options.jvp` or `options.vjp`, they agree with the gradient (and each other) along seeded
 * random directions. f may be a method (`Vector3.prototype.length`), its receiver the first argument.
 */
export function checkGrads(f: Fn, fGrad: (...args: any[]) => { value: number; grads: readonly unknown[] }, args: readonly unknown[], options: CheckGradsOptions = {}): CheckReport {
  const s = subject('checkGrads', f, args, options, fGrad);
  const gradName = fGrad.name || 'the gradient function';
  const result = s.callChecked(fGrad, gradName, [...args]);
  if (typeof result !== 'object' || result === null || !Array.isArray((result as { grads?: unknown }).grads))
    throw s.fail('shape', `${gradName} returned ${describe(result)}, not { value, grads: [...] }`);
  const { value, grads } = result;
  const fValue = s.value();
  if (typeof fValue !== 'number') throw new TypeError(`checkGrads: ${s.fName} returned ${describe(fValue)}; checkGrads is for functions returning a number (use checkDerivatives)`);
  s.sameValue(gradName, value, fValue);
  const wrt = s.resolveWrt(grads, gradName);
  const stats = new Stats();
  const scales: number[] = [];
  // Every coordinate of every differentiated argument (an optional number left out has none).
  const coordinates = wrt.flatMap((i, j) => leafPaths(grads[j], [i]).map((path) => ({ path, ad: getAt(grads, [j, ...path.slice(1)]) as number })));
  const checked = coordinates.filter(({ path }) => typeof getAt(args, path) === 'number');
  s.coordinates(checked.map((c) => c.path)).forEach((d, k) => {
    const { path, ad } = checked[k];
    const fd = d.estimate[0];
    const where = s.label(path);
    const h = s.step * Math.max(1, Math.abs(getAt(args, path) as number));
    const tol = tolerance(s.tolerances, ad, fd, d.scale[0], h);
    scales.push(d.scale[0] / Math.max(1, Math.abs(getAt(args, path) as number)));
    if (!stats.pass(ad, fd, tol, where))
      throw s.fail(
        'gradient',
        `${gradName}'s gradient with respect to ${where} is ${fmt(ad)}, central differences give ${fmt(fd)} (${explain(ad, fd, tol, s.tolerances.rtol)})${hint(d, 0, Math.abs(ad - fd), where)}`,
        path,
        fd,
        ad,
        tol.total,
      );
  });
  // Derivatives exact to rounding agree to exactRtol, or to a few float32 roundings where a gradient is a Float32Array.
  const exact = checked.map(({ path }) =>
    getAt(grads, [wrt.indexOf(path[0] as number), ...path.slice(1, -1)]) instanceof Float32Array ? Math.max(s.exactRtol, FLOAT32) : s.exactRtol,
  );
  const g: GradCoordinates = { grads, wrt, checked, scales, exact };
  if (options.vjp) checkVjpAgainstGrad(s, options.vjp, g, fValue);
  if (options.jvp) checkJvpAgainstGrad(s, options.jvp, g, gradName);
  return stats.report(fValue, options.jvp ? s.directions : options.vjp ? 1 : 0);
}

export interface Derivatives {
  /** `(p1, …, pn, dp1, …, dpk) => { value, tangent }`: checked against central differences along random directions. */
  jvp?: JvpFunction;
  /** `(p1, …, pn, cotangent) => { value, grads }`: checked against jvp (the dot-product test), or against central differences without one. */
  vjp?: VjpFunction;
}

/**
 * Checks forward and reverse mode of an f of any result (a number, an array, a typed array, an
 * object of numbers) at `args`, along `options.directions` seeded random directions u (each entry
 * scaled by max(1, |x|)) and cotangents w: jvp's tangent against central differences of f along u,
 * number by number; ⟨w, J·u⟩ from jvp against ⟨u, Jᵀ·w⟩ from vjp (from central differences without
 * jvp); values against f's; arguments not modified; shapes. The differentiated parameters are
 * those of vjp's grads, or `options.wrt`, or every argument holding numbers.
 */
export function checkDerivatives(f: Fn, derivatives: Derivatives, args: readonly unknown[], options: CheckOptions = {}): CheckReport {
  const s = subject('checkDerivatives', f, args, options, derivatives.jvp ?? derivatives.vjp);
  const { jvp, vjp } = derivatives;
  if (!jvp && !vjp) throw new TypeError('checkDerivatives: pass { jvp } or { vjp } or both');
  const jvpName = jvp?.name || 'jvp';
  const vjpName = vjp?.name || 'vjp';
  const fValue = s.value();
  const template = skeleton(fValue);
  if (template === undefined) throw new TypeError(`checkDerivatives: ${s.fName} returned ${describe(fValue)}, which holds no numbers`);
  const outputs = leafPaths(template);
  const next = random(s.seed);
  const stats = new Stats();
  let wrt: number[] | undefined;
  let tangentLike: unknown[] | undefined;
  for (let d = 0; d < s.directions; d++) {
    const w = mapLeaves(template, () => entry(next));
    const pulled = vjp ? s.callChecked(vjp, vjpName, [...args, w]) : undefined;
    if (pulled) s.sameValue(vjpName, pulled.value, fValue);
    wrt ??= pulled ? s.resolveWrt(pulled.grads, vjpName) : s.defaultWrt();
    // Tangents of the gradients' shapes (of the arguments' without vjp); an optional number left out gets 0.
    tangentLike ??= wrt.map((i, j) => (pulled ? pulled.grads[j] : skeleton(args[i])));
    const u = wrt.map((i, j) =>
      mapLeaves(tangentLike![j], (path) => {
        const x = getAt(args, [i, ...path]);
        return typeof x === 'number' ? entry(next) * Math.max(1, Math.abs(x)) : 0;
      }),
    );
    const fd = s.directional(wrt, u);
    const label = `along random direction ${d + 1} (seed ${s.seed})`;
    let forward = fd.estimate;
    if (jvp) {
      const r = s.callChecked(jvp, jvpName, [...args, ...u]);
      s.sameValue(jvpName, r.value, fValue);
      const bad = shapeMismatch(r.tangent, template, []);
      if (bad) throw s.fail('shape', `${jvpName}'s tangent${printPath('', bad.path)} ${bad.problem} (a tangent has the shape of f's result)`);
      forward = outputs.map((p) => getAt(r.tangent, p) as number);
      forward.forEach((ad, o) => {
        const where = printPath('result', outputs[o]);
        const tol = tolerance(s.tolerances, ad, fd.estimate[o], fd.scale[o], s.step);
        if (!stats.pass(ad, fd.estimate[o], tol, where))
          throw s.fail(
            'jvp',
            `${jvpName}'s tangent at ${where} ${label} is ${fmt(ad)}, central differences give ${fmt(fd.estimate[o])} (${explain(ad, fd.estimate[o], tol, s.tolerances.rtol)})${hint(fd, o, Math.abs(ad - fd.estimate[o]), where)}`,
            undefined,
            fd.estimate[o],
            ad,
            tol.total,
          );
      });
    }
    if (pulled) {
      // ⟨w, J·u⟩ = ⟨Jᵀ·w, u⟩: both sides exact to rounding with a jvp, the left one a central difference without.
      const wFlat = outputs.map((p) => getAt(w, p) as number);
      const [lhs, lhsScale] = dot(wFlat, forward);
      const [rhs, rhsScale] = dot(
        wrt.flatMap((_, j) => leafPaths(u[j]).map((p) => getAt(pulled.grads[j], p) as number)),
        wrt.flatMap((_, j) => leafPaths(u[j]).map((p) => getAt(u[j], p) as number)),
      );
      const fdTol = jvp ? 0 : outputs.reduce((t, _, o) => t + Math.abs(wFlat[o]) * tolerance(s.tolerances, forward[o], forward[o], fd.scale[o], s.step).total, 0);
      const exact = holdsFloat32([fValue, u, pulled.grads]) ? Math.max(s.exactRtol, FLOAT32) : s.exactRtol;
      const tol = exact * (lhsScale + rhsScale) + fdTol;
      const passed = jvp ? Math.abs(lhs - rhs) <= tol : stats.pass(rhs, lhs, { atol: tol - s.tolerances.rtol * lhsScale, total: tol }, `⟨cotangent, J·tangent⟩ ${label}`);
      if (!passed) {
        const left = jvp ? `${jvpName}'s tangent` : 'central differences';
        throw s.fail(
          'dot-product',
          `dot-product test ${label}: ⟨cotangent, ${left}⟩ = ${fmt(lhs)} but ⟨${vjpName}'s grads, tangent⟩ = ${fmt(rhs)} (difference ${small(Math.abs(lhs - rhs))} > tolerance ${small(tol)})`,
          undefined,
          lhs,
          rhs,
          tol,
        );
      }
    }
  }
  return stats.report(fValue, s.directions);
}

/** ⟨a, b⟩ and Σ|aᵢ·bᵢ|, the magnitude its rounding is relative to. */
function dot(a: readonly number[], b: readonly number[]): [number, number] {
  let sum = 0;
  let mag = 0;
  for (let i = 0; i < a.length; i++) {
    sum += a[i] * b[i];
    mag += Math.abs(a[i] * b[i]);
  }
  return [sum, mag];
}

function explain(ad: number, fd: number, tol: { atol: number; total: number }, rtol: number): string {
  const diff = Math.abs(ad - fd);
  const rel = diff / Math.max(Math.abs(ad), Math.abs(fd));
  return `difference ${small(diff)}, relative ${small(rel)}; tolerance ${small(tol.total)} = atol ${small(tol.atol)} + rtol ${rtol.toExponential()} × ${fmt(Math.max(Math.abs(ad), Math.abs(fd)))}`;
}

/** The comparisons made: the worst relative error and how close one came to its tolerance. */
class Stats {
  private maxRelative = 0;
  private worst = '';
  private closest = 0;
  private compared = 0;
  pass(ad: number, fd: number, tol: { atol: number; total: number }, where: string): boolean {
    this.compared++;
    const diff = Math.abs(ad - fd);
    if (!(diff <= tol.total)) return false;
    const size = Math.max(Math.abs(ad), Math.abs(fd));
    if (size > tol.atol && diff / size > this.maxRelative) [this.maxRelative, this.worst] = [diff / size, where];
    if (tol.total > 0) this.closest = Math.max(this.closest, diff / tol.total);
    return true;
  }
  report(value: unknown, directions: number): CheckReport {
    return { value, compared: this.compared, maxRelativeError: this.maxRelative, worst: this.worst, closest: this.closest, directions };
  }
}

/** Four float32 roundings, relative: how far two float32 results of one derivative may differ. */
const FLOAT32 = 2 ** -21;

/** The gradient's coordinates checked, with the scale |f|/max(1, |x|) of each and the relative precision to compare it to. */
interface GradCoordinates {
  grads: readonly unknown[];
  wrt: number[];
  checked: { path: Key[]; ad: number }[];
  scales: number[];
  exact: number[];
}

/**
 * vjp with a random cotangent w: ⟨w, J·v⟩ = ⟨Jᵀ·w, v⟩ for a scalar f says vjp's grads are w times
 * the gradient, compared coordinate by coordinate, to rounding (relative to the coordinate's size
 * and to its scale |f|/max(1, |x|), as a gradient that cancels to 0 carries rounding of the terms
 * that cancelled).
 */
function checkVjpAgainstGrad(s: Subject, vjp: VjpFunction, g: GradCoordinates, fValue: number): void {
  const name = vjp.name || 'vjp';
  const w = entry(random(s.seed));
  const r = s.callChecked(vjp, name, [...s.args, w]);
  s.sameValue(name, r.value, fValue);
  if (!Array.isArray(r.grads) || r.grads.length !== g.grads.length)
    throw s.fail('shape', `${name} returned ${describe(r.grads)} as grads, the gradient function ${g.grads.length} gradients`);
  r.grads.forEach((grad: unknown, j: number) => s.checkShape(name, grad, g.wrt[j]));
  g.checked.forEach(({ path, ad }, k) => {
    const actual = getAt(r.grads, [g.wrt.indexOf(path[0] as number), ...path.slice(1)]) as number;
    const tol = g.exact[k] * (Math.max(Math.abs(actual), Math.abs(w * ad)) + Math.abs(w) * g.scales[k]);
    if (!(Math.abs(actual - w * ad) <= tol))
      throw s.fail(
        'vjp',
        `${name}'s gradient with respect to ${s.label(path)} with cotangent ${fmt(w)} is ${fmt(actual)}, ${fmt(w)} × the gradient is ${fmt(w * ad)} (difference ${small(Math.abs(actual - w * ad))} > tolerance ${small(tol)})`,
        path,
        w * ad,
        actual,
        tol,
      );
  });
}

/**
 * jvp along random tangents v: for a scalar f, J·v is ⟨gradient, v⟩, to rounding. Where it is not,
 * each coordinate's unit tangent finds the one it is wrong for.
 */
function checkJvpAgainstGrad(s: Subject, jvp: JvpFunction, g: GradCoordinates, gradName: string): void {
  const name = jvp.name || 'jvp';
  const next = random(s.seed + 1);
  const places = g.checked.map(({ path }) => [g.wrt.indexOf(path[0] as number), ...path.slice(1)]);
  const tangents = (make: (k: number) => number): unknown[] => {
    const t = g.grads.map((grad) => mapLeaves(grad, () => 0));
    places.forEach((p, k) => setAt(t, p, make(k)));
    return t;
  };
  const tangentOf = (v: unknown[], label: string): number => {
    const r = s.callChecked(jvp, name, [...s.args, ...v]);
    s.sameValue(name, r.value, s.value());
    if (typeof r.tangent !== 'number') throw s.fail('shape', `${name} returned ${describe(r.tangent)} as the tangent ${label}; f returns a number`);
    return r.tangent;
  };
  for (let d = 0; d < s.directions; d++) {
    const v = tangents(() => entry(next));
    const vFlat = places.map((p) => getAt(v, p) as number);
    const label = `along random direction ${d + 1} (seed ${s.seed})`;
    const t = tangentOf(v, label);
    const expected = g.checked.reduce((sum, c, k) => sum + c.ad * vFlat[k], 0);
    const tol = g.checked.reduce((sum, c, k) => sum + g.exact[k] * (Math.abs(c.ad * vFlat[k]) + g.scales[k] * Math.abs(vFlat[k])), 0);
    if (Math.abs(t - expected) <= tol) continue;
    // Find the coordinate: the tangent along a unit direction is that coordinate's derivative.
    g.checked.forEach(({ path, ad }, k) => {
      const tk = tangentOf(
        tangents((i) => (i === k ? 1 : 0)),
        `along ${s.label(path)}`,
      );
      const tolK = g.exact[k] * (Math.max(Math.abs(tk), Math.abs(ad)) + g.scales[k]);
      if (!(Math.abs(tk - ad) <= tolK))
        throw s.fail(
          'jvp',
          `${name}'s tangent along ${s.label(path)} (a unit tangent there) is ${fmt(tk)}, ${gradName}'s gradient there is ${fmt(ad)} (difference ${small(Math.abs(tk - ad))} > tolerance ${small(tolK)})`,
          path,
          ad,
          tk,
          tolK,
        );
    });
    throw s.fail(
      'jvp',
      `${name}'s tangent ${label} is ${fmt(t)}, ⟨${gradName}'s gradient, direction⟩ is ${fmt(expected)} (difference ${small(Math.abs(t - expected))} > tolerance ${small(tol)}); ${name} is not linear in its tangents`,
      undefined,
      expected,
      t,
      tol,
    );
  }
}
