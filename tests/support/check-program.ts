/**
 * Checks one generated program end to end: it compiles without diagnostics;
 * `f_jvp`, `f_vjp` and `f_grad` return the value the plain function computes,
 * bit for bit; `f_grad` equals `f_vjp` with cotangent 1; `out` is honoured;
 * forward agrees with reverse (dot-product test, relative 1e-10); both agree
 * with central differences (relative 1e-5). Object parameters (object-arguments.ts)
 * are passed fresh objects, take tangents of their numeric skeleton, and must
 * get gradients of exactly that skeleton (an `out` keeps its gradient objects);
 * finite differences move each of their numbers; the generated functions must
 * leave them as they were. On top of these fixed tolerances,
 * each comparison allows the rounding noise of the numbers it compares
 * (tests/support/rounding.ts): a program that cancels large terms ((p + a) − a
 * with |a| ≈ 1e7) cannot give its derivative to 1e-10, nor a finite difference
 * to 1e-5, and a red test must mean a wrong derivative. The noise is measured
 * only when a fixed tolerance fails; for a well-conditioned program it is far
 * below the tolerances. A point where the finite differences at two step sizes
 * disagree with each other (a branch boundary, a kink) cannot judge the
 * derivative: it is counted as skipped, never silently passed, and the caller
 * bounds the fraction of such points; so are points that passed only thanks to
 * the noise allowance (`noisy`).
 */
import * as ts from 'typescript';
import { compileSources, formatDiagnostic } from '../../compiler';
import { loadModule, type Module, type Watch } from './load';
import { centralDifference, curved, dot, isolated, neighbours, rng, scaledDirection, type Value } from './numeric';
import { Layout, type Data } from './object-arguments';
import { needsTreeLayout, TreeLayout } from './list-program-layout';
import { listing, printProgram, type ProgramText } from './program-text';
import type { Program } from './programs';
import { NOISE_FACTOR, Perturbation } from './rounding';

/** What a property run counts, per program and per point (the scalar and the array suites). */
export interface PointStats {
  programs: number;
  /** Points tried. */
  points: number;
  /** Points whose value is not finite or beyond ±1e8, or whose derivatives overflow where finite differences cannot judge them. */
  outOfRange: number;
  /**
   * Points finite differences cannot judge: two step sizes disagree (a branch boundary, a kink), the
   * function is flat in floating point, or the derivative changes across the step (numeric.ts `curved`).
   */
  unreliable: number;
  /** Points checked against finite differences. */
  checked: number;
  /** Programs with no checked point. */
  unchecked: number;
  /** Checked points that needed the rounding-noise allowance (an ill-conditioned program at that point). */
  noisy: number;
  /** Checked points where an intermediate overflowed (±Infinity, NaN) and the result did not: the zero-(co)tangent rule at work. */
  overflowed: number;
  /** Programs that fail at such a point when the generated code goes without the zero-(co)tangent rule (`withoutZeroRule`). */
  needZeroRule: number;
  worstDotProduct: number;
}

export const newPointStats = (): PointStats => ({
  programs: 0,
  points: 0,
  outOfRange: 0,
  unreliable: 0,
  checked: 0,
  unchecked: 0,
  noisy: 0,
  overflowed: 0,
  needZeroRule: 0,
  worstDotProduct: 0,
});

export interface Stats extends PointStats {
  /** Programs with each construct (see `features`). */
  features: Record<Feature, number>;
}

/** The constructs a program uses, from its structure and the source of its main.ts (`checkProgram` counts them). */
const featureTests = {
  /** An overflow (or 1/0, log 0) computed and not used on the path taken (guards.ts). */
  overflowGuards: (p: Program) => some(p, (n) => n.k === 'guard'),
  /** Numeric `||`, `&&`, `||=`, `&&=`. */
  numericLogic: (p: Program) => some(p, (n) => n.k === 'logic' || (n.k === 'assign' && (n.op === '||=' || n.op === '&&='))),
  /** `switch` on a number. */
  switches: (p: Program) => some(p, (n) => n.k === 'switch'),
  /** `let h: number;` or `let h!: number;` assigned in every arm. */
  definiteAssignment: (p: Program) => some(p, (n) => n.k === 'choose' || n.k === 'switch' || (n.k === 'guard' && n.style !== 'ternary')),
  /** Helpers named like generated locals (`value`, `tape`, …). */
  helperNames: (p: Program) => p.helperNames && p.helpers.length > 0,
  /** A helper with more than two parameters. */
  wideHelpers: (p: Program) => p.helpers.some((h) => !h.rec && h.arity > 2),
  /** Object parameters (object-programs.ts). */
  objectParams: (p: Program) => p.objects !== null,
  /** Object locals: literals, spreads. */
  objectLocals: (_: Program, main: string) => /= \{ (x:|\.\.\.)/.test(main),
  /** A `let` object replaced as a whole (`s = { … }`, `s = ovH(s, e)`). */
  objectReplaced: (_: Program, main: string) => /^\s+[\w]+ = (\{ |ov\d+\()/m.test(main),
  /** Destructuring of an object. */
  objectDestructuring: (_: Program, main: string) => /(const|let) \{ /.test(main),
  /** A helper taking an object, called. */
  objectHelpers: (_: Program, main: string) => /(= |^\s+)o[vnw]\d+\(/m.test(main),
  /** A writer helper called (by f or by another writer): it writes into the object it was passed. */
  objectWriters: (_: Program, main: string) => /^\s+ow\d+\(/m.test(main),
  /** A matrix property (`W: number[][]`) read in loops over `.length`, by rows, by helpers, or written (matrix-programs.ts). */
  objectMatrices: (_: Program, main: string) =>
    /number\[\]\[\]/.test(main) && /\.length; \w+\+\+\)|for \(const \w+ of |\.(map|reduce|forEach)\(\(|rowDot\(|mat(Step|Rows|Into)\(|\]\[\w+\] (=|\+=|\*=) |\]\+\+;/.test(main),
  /** Rows of a matrix as values: `for (const row of W)`, `W.map((row) => …)`, `W.reduce`, `W.forEach`, `rowDot(W[i], e)`. */
  matrixRows: (_: Program, main: string) => /number\[\]\[\]/.test(main) && /for \(const \w+ of |\.(map|reduce|forEach)\(\(|rowDot\(|mat(Rows|Into)\(/.test(main),
  /**
   * A list property (an array of objects: `pts: Point[]`, `bodies`, `layers`) read or written by list
   * statements (list-program-text.ts): loops over it, callbacks, `const q = L[i]`, helpers taking elements.
   */
  objectLists: (_: Program, main: string) =>
    /(Point|Pt|Particle|Layer|Dense)\[\]|\}\[\]/.test(main) &&
    /(for \(const (q\d+|\{ [^}]+\}) of |\.forEach\(\(q|\.map\(\(q|, q\d+, i\d+\) =>|= [\w.]+\[\w+\];$|(dist|nudge|kinetic|drift|layerSum|decay)\()/m.test(main),
  /** `L.map((q) => …)`, `L.reduce((s, q, i) => …)`, `L.forEach((q) => …)` over a list. */
  listCallbacks: (_: Program, main: string) => /\.(map|forEach)\(\(q\d+|\.reduce\(\(s\d+, q\d+/.test(main),
  /** Writes into list elements: over the list (`q.x += …`, `L[i].v[j] *= …`), through `const q = L[i]`, by helpers (`nudge(L[i], e)`). */
  listWrites: (_: Program, main: string) => /^\s+(q\d+|[\w.]+\.(pts|bodies|layers)\[\w+\])\.[\w.[\]]+ ([-+*/]|\|\|)?= |^\s*(for .*\) )?(nudge|drift|decay)\(/m.test(main),
} satisfies Record<string, (p: Program, main: string) => boolean>;
export type Feature = keyof typeof featureTests;

/** Whether any node of the program (statements, expressions, conditions) satisfies `test`. */
function some(p: Program, test: (node: { readonly k: string } & Record<string, unknown>) => boolean): boolean {
  const visit = (x: unknown): boolean => {
    if (Array.isArray(x)) return x.some(visit);
    if (x === null || typeof x !== 'object') return false;
    const node = x as { readonly k: string } & Record<string, unknown>;
    return (typeof node.k === 'string' && test(node)) || Object.values(node).some(visit);
  };
  return visit(p.helpers) || visit(p.body) || visit(p.ret);
}

export const newStats = (): Stats => ({
  ...newPointStats(),
  features: Object.fromEntries(Object.keys(featureTests).map((k) => [k, 0])) as Record<Feature, number>,
});

export const FD_TOLERANCE = 1e-5;
export const DOT_TOLERANCE = 1e-10;
/** The finite-difference steps (scaled by max(1, |x|)): the fine one judges, the coarse one tells a kink. */
export const STEP = 1e-6;
export const COARSE_STEP = 1e-5;
const POINTS = 2;
const ATTEMPTS = 5;

const relErr = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b)));
/** a and b equal to `tolerance` relative to max(1, |a|, |b|), plus an absolute `allowance` (NaN equals NaN). */
export const within = (a: number, b: number, tolerance: number, allowance = 0): boolean =>
  a === b || (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b)) + allowance;
/**
 * What rounding alone can do to a central difference of a function whose values carry rounding
 * noise n: (f̂(x + h·v) − f̂(x − h·v)) / 2h is off by at most (n + n) / 2h = n / h.
 */
export const differenceNoise = (n: number, step = STEP): number => n / step;
const same = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

export class ProgramFailure extends Error {}

/** The program's own sources (lib, re-export, main), to run `f` as written; with `watch`, every intermediate number is passed to it as well (and may be replaced). */
export function loadOriginal(text: ProgramText, watch?: Watch): Module {
  const siblings: Record<string, Module> = {};
  if (text.files['/src/lib.ts']) siblings.lib = loadModule(text.files['/src/lib.ts'], {}, 'lib.ts', watch);
  if (text.files['/src/reexport.ts']) siblings.reexport = loadModule(text.files['/src/reexport.ts'], siblings, 'reexport.ts', watch);
  return loadModule(text.files['/src/main.ts'], siblings, 'main.ts', watch);
}

/** A compiled program: the generated text and module, the program itself, and both again with perturbable rounding (loaded on first use). */
export interface Compiled {
  readonly generated: string;
  readonly original: Module;
  readonly module: Module;
  readonly perturbed: () => Perturbed;
  /** The program again, reporting into `overflows` every non-finite intermediate it computes (loaded on first use). */
  readonly watched: () => Module;
  readonly overflows: number[];
}

export interface Perturbed {
  readonly perturbation: Perturbation;
  readonly original: Module;
  readonly module: Module;
}

/**
 * Compiles the program and loads what it generates. `edit` changes the generated text before it is
 * loaded: the tests of these checks break a derivative on purpose with it.
 */
export function compileProgram(text: ProgramText, edit: (generated: string) => string = (g) => g): Compiled {
  const fail = (what: string) => new ProgramFailure(`${what}\n--- program ---\n${listing(text)}`);
  for (const [file, src] of Object.entries(text.files)) {
    const syntax = ts.transpileModule(src, { fileName: file, reportDiagnostics: true }).diagnostics ?? [];
    if (syntax.length > 0) throw fail(`the test's generator printed invalid TypeScript in ${file}: ${ts.flattenDiagnosticMessageText(syntax[0].messageText, ' ')}`);
  }
  const { files, diagnostics } = compileSources(text.files);
  if (diagnostics.length > 0) throw fail(`the compiler rejected a program of the supported subset:\n${diagnostics.map((d) => formatDiagnostic(d)).join('\n')}`);
  const generated = files.find((f) => f.source === '/src/main.ts');
  if (!generated) throw fail('no generated file for /src/main.ts');
  return loadCompiled(text, edit(generated.text));
}

/** The program and the generated text, loaded (the program's own modules are loaded again unless given). */
export function loadCompiled(text: ProgramText, generatedText: string, original = loadOriginal(text)): Compiled {
  let module: Module;
  try {
    module = loadModule(generatedText, {}, 'main.grad.ts');
  } catch (e) {
    throw new ProgramFailure(`the generated file does not load on its own: ${(e as Error).message}\n--- program ---\n${listing(text)}\n--- generated ---\n${generatedText}`);
  }
  let perturbed: Perturbed | undefined;
  const perturbedModules = (): Perturbed => {
    if (perturbed) return perturbed;
    const perturbation = new Perturbation();
    return (perturbed = { perturbation, original: loadOriginal(text, perturbation.watch), module: loadModule(generatedText, {}, 'main.grad.ts', perturbation.watch) });
  };
  const overflows: number[] = [];
  let watched: Module | undefined;
  const watchedModule = () => (watched ??= loadOriginal(text, (x) => void (Number.isFinite(x) || overflows.push(x))));
  return { generated: generatedText, original, module, perturbed: perturbedModules, watched: watchedModule, overflows };
}

/**
 * Generated code without the zero-(co)tangent rule: `t_bar === 0 ? 0 : e * t_bar` (also with a
 * tangent `dt`, or the cotangent) written `e * t_bar`, as IEEE arithmetic alone would compute it.
 */
export const withoutZeroRule = (generated: string): string => generated.replace(/\b(\w+_bar|d\w*|cotangent) === 0 \? 0 : /g, '');

export function checkProgram(p: Program, stats: Stats): void {
  const text = printProgram(p);
  for (const [k, test] of Object.entries(featureTests)) if (test(p, text.files['/src/main.ts'])) stats.features[k as Feature]++;
  checkText(text, p.seed, stats);
}

/** Whether `run` (of `compiled.watched()`) computes a non-finite intermediate. */
export function overflowsInside(compiled: Compiled, run: () => unknown): boolean {
  compiled.overflows.length = 0;
  run();
  return compiled.overflows.length > 0;
}

/**
 * Checks a program given as text (`f` in /src/main.ts), at random points from `seed` or at the `points` given;
 * `edit` changes the generated text first (see compileProgram).
 */
export function checkText(text: ProgramText, seed: number, stats: Stats, points?: readonly (readonly number[])[], edit?: (generated: string) => string): void {
  const compiled = compileProgram(text, edit);
  stats.programs++;
  const rand = rng(seed);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * rand();
  const layout = layoutOf(text);
  let checked = 0;
  const overflowed: Point[] = [];
  const attempts = points ? points.length : ATTEMPTS;
  for (let attempt = 0; attempt < attempts && (points || checked < POINTS); attempt++) {
    stats.points++;
    const x = points ? [...points[attempt]] : Array.from({ length: layout.numbers }, () => uniform(-2, 2));
    const v = layout.wrtFlat.map(() => uniform(-1, 1));
    const w = uniform(0.5, 2) * (rand() < 0.5 ? -1 : 1);
    const data = layout.data(rand);
    const verdict = checkPoint(text, compiled, { x, v, w, data }, stats, attempt === 0);
    if (verdict === 'checked') checked++;
    if (verdict === 'checked' && overflowsInside(compiled, () => compiled.watched().f(...layout.args(x, data)))) overflowed.push({ x, v, w, data });
    stats[verdict]++;
  }
  if (checked === 0) stats.unchecked++;
  stats.overflowed += overflowed.length;
  // Would these points catch a compiler that forgot the zero-(co)tangent rule? (They must, in some programs of a run.)
  if (overflowed.length > 0) {
    const bare = loadCompiled(text, withoutZeroRule(compiled.generated), compiled.original);
    const fails = (point: Point) => {
      try {
        checkPoint(text, bare, point, newStats(), false);
        return false;
      } catch (e) {
        if (e instanceof ProgramFailure) return true;
        throw e;
      }
    };
    if (overflowed.some(fails)) stats.needZeroRule++;
  }
}

/** How a program's parameters are made from a point (object-arguments.ts; list-program-layout.ts where an object holds a list). */
const layoutOf = (text: ProgramText): Layout | TreeLayout => {
  const shapes = text.shapes ?? new Array<undefined>(text.params).fill(undefined);
  return needsTreeLayout(shapes) ? new TreeLayout(shapes, text.wrt) : new Layout(shapes, text.wrt);
};

interface Point {
  /** The numbers of the parameters (an object's, in declaration order). */
  readonly x: readonly number[];
  /** Direction over the numbers of the differentiated parameters (finite-difference steps scale it by max(1, |x|)). */
  readonly v: readonly number[];
  /** Cotangent. */
  readonly w: number;
  /** The values of the objects' data properties. */
  readonly data: readonly Data[];
}

/** Rounding noise (rounding.ts) of what one point compares. */
interface Noise {
  /** f(x) */
  readonly primal: number;
  /** f_jvp's tangent J·v */
  readonly tangent: number;
  /** ⟨v, Jᵀ·w⟩ from f_vjp */
  readonly reverse: number;
  /** ⟨v, ∇f⟩ from f_grad */
  readonly grad: number;
}

function noiseAt(compiled: Compiled, layout: Layout | TreeLayout, { x, w, data }: Point, sd: readonly number[]): Noise {
  const { perturbation: p, original, module: m } = compiled.perturbed();
  const args = () => layout.args(x, data);
  return {
    primal: p.noise(() => [original.f(...args())])[0],
    tangent: p.noise(() => [m.f_jvp(...args(), ...layout.tangents(sd)).tangent])[0],
    reverse: p.noise(() => [dot(layout.flatGrads(m.f_vjp(...args(), w).grads), sd)])[0],
    grad: p.noise(() => [dot(layout.flatGrads(m.f_grad(...args()).grads), sd)])[0],
  };
}

/** One point: throws a ProgramFailure, or says whether the derivative was checked or could not be judged. */
function checkPoint(text: ProgramText, compiled: Compiled, point: Point, stats: Stats, withOut: boolean): 'checked' | 'outOfRange' | 'unreliable' {
  const { x, v, w, data } = point;
  const { generated, original, module: m } = compiled;
  const layout = layoutOf(text);
  const wrt = layout.wrtFlat;
  const args = () => layout.args(x, data);
  const arguments_ = layout.hasObjects ? ` (the arguments ${layout.show(x, data)})` : '';
  const where = `at x = [${x.join(', ')}]${arguments_}, direction [${v.join(', ')}] (steps scaled by max(1, |x|)), cotangent ${w}`;
  const fail = (what: string) => new ProgramFailure(`${what}\n${where}\n--- program ---\n${listing(text)}\n--- generated ---\n${generated}`);
  const f = original.f as (...xs: unknown[]) => number;
  let value: number;
  try {
    value = f(...args());
  } catch (e) {
    throw fail(`the program itself throws (a bug of the test's generator): ${(e as Error).message}`);
  }
  const run = (name: string, ...given: unknown[]) => {
    let r;
    try {
      r = m[name](...given);
    } catch (e) {
      throw fail(`${name} throws: ${(e as Error).message}`);
    }
    // The generated functions never modify their arguments (a parameter written into is copied first).
    const changed = layout.hasObjects ? layout.changed(given.slice(0, layout.shapes.length), x, data) : undefined;
    if (changed) throw fail(`${name} modified its ${changed}`);
    return r;
  };
  // The grads of a result as a flat vector (objects read by their numeric skeletons).
  const flat = (name: string, grads: unknown) => {
    try {
      return layout.flatGrads(grads);
    } catch (e) {
      throw fail(`${name}: ${(e as Error).message}`);
    }
  };
  const sd = scaledDirection(x, wrt, v);
  const tangents = layout.tangents(sd);
  const jvp = run('f_jvp', ...args(), ...tangents);
  const vjp = run('f_vjp', ...args(), w);
  const vjp1 = run('f_vjp', ...args(), 1);
  const grad = run('f_grad', ...args());
  for (const [mode, r] of [
    ['f_jvp', jvp],
    ['f_vjp', vjp],
    ['f_grad', grad],
  ] as const) {
    if (!same(r.value, value)) throw fail(`${mode} returns value ${r.value}, the function computes ${value}`);
  }
  const gradFlat = flat('f_grad', grad.grads);
  const vjpFlat = flat('f_vjp', vjp.grads);
  const vjp1Flat = flat('f_vjp', vjp1.grads);
  if (!gradFlat.every((g, i) => same(g, vjp1Flat[i]))) throw fail(`f_grad gives ${JSON.stringify(grad.grads)}, f_vjp with cotangent 1 gives ${JSON.stringify(vjp1.grads)}`);
  if (withOut) {
    // `out`: filled in place (an object gradient's numbers assigned, the object kept) and returned.
    const out = { value: NaN, grads: layout.garbageGrads() };
    const kept = [...out.grads];
    const r = run('f_vjp', ...args(), w, out);
    const outFlat = flat('f_vjp(…, out)', out.grads);
    if (r !== out || !same(out.value, value) || !outFlat.every((g, i) => same(g, vjpFlat[i])) || out.grads.some((g, i) => typeof g === 'object' && g !== kept[i]))
      throw fail(`f_vjp(…, out) gives ${JSON.stringify(r)}, without out ${JSON.stringify(vjp)}`);
    const tangentOut = { value: NaN, tangent: NaN };
    const t = run('f_jvp', ...args(), ...tangents, tangentOut);
    if (t !== tangentOut || !same(t.value, value) || !same(t.tangent, jvp.tangent)) throw fail(`f_jvp(…, out) gives ${JSON.stringify(t)}, without out ${JSON.stringify(jvp)}`);
  }
  if (!Number.isFinite(value) || Math.abs(value) > 1e8) return 'outOfRange';

  // Forward against reverse: ⟨J·v, w⟩ = ⟨v, Jᵀ·w⟩; and both against finite differences.
  const ad: number = jvp.tangent;
  const rev = dot(gradFlat, sd);
  const fValue = (...a: Value[]): Value => f(...layout.args(a as number[], data));
  const fd = centralDifference(fValue, x, wrt, v, STEP)[0];
  const coarse = centralDifference(fValue, x, wrt, v, COARSE_STEP)[0];
  // An intermediate overflow gives astronomic or non-finite derivatives that finite differences
  // cannot judge either: out of range, counted.
  const huge = (d: number) => !Number.isFinite(d) || Math.abs(d) > 1e10;
  if (!within(fd, coarse, FD_TOLERANCE / 10) && (huge(ad) || huge(rev) || huge(fd))) return 'outOfRange';
  // The rounding noise of each number compared, measured only when a fixed tolerance is not met.
  let measured: Noise | undefined;
  const noise = (): Noise => (measured ??= noiseAt(compiled, layout, point, sd));
  const allowed = (n: number) => `${NOISE_FACTOR} × rounding noise ${n.toPrecision(3)}`;
  let noisy = false;
  const forwardSide = ad * w;
  const reverseSide = dot(vjpFlat, sd);
  const dotErr = relErr(forwardSide, reverseSide);
  if (Number.isFinite(dotErr)) stats.worstDotProduct = Math.max(stats.worstDotProduct, dotErr);
  if (!(dotErr <= DOT_TOLERANCE) && !(Number.isNaN(forwardSide) && Number.isNaN(reverseSide))) {
    const n = noise().tangent * Math.abs(w) + noise().reverse;
    if (!within(forwardSide, reverseSide, DOT_TOLERANCE, NOISE_FACTOR * n)) {
      const judge = relErr(fd, ad) <= FD_TOLERANCE ? 'forward is right' : relErr(fd, rev) <= FD_TOLERANCE ? 'reverse is right' : 'neither agrees';
      throw fail(
        `forward and reverse disagree beyond 1e-10 + ${allowed(n)}: ⟨J·v, w⟩ = ${forwardSide}, ⟨v, Jᵀ·w⟩ = ${reverseSide} (tangent ${ad}, grads ${JSON.stringify(vjp.grads)}); central difference ${fd}: ${judge}`,
      );
    }
    noisy = true;
  }
  const agree = (allowance: (n: Noise) => [forward: number, reverse: number]): boolean => {
    const [a, b] = allowance(noise());
    return within(fd, ad, FD_TOLERANCE, NOISE_FACTOR * a) && within(fd, rev, FD_TOLERANCE, NOISE_FACTOR * b);
  };
  if (!(within(fd, ad, FD_TOLERANCE) && within(fd, rev, FD_TOLERANCE))) {
    // The central difference is off by up to differenceNoise(primal), each derivative by its own noise.
    if (!agree((n) => [differenceNoise(n.primal) + n.tangent, differenceNoise(n.primal) + n.grad])) {
      // Exactly flat in floating point (an input absorbed by rounding, as in 2 + x ** 16 for small x)
      // while the exact derivative is small: finite differences cannot see it.
      const flat = fd === 0 && coarse === 0 && Math.max(Math.abs(ad), Math.abs(rev)) <= 1e-2 * Math.max(1, Math.abs(value));
      const n = noise().primal;
      const reliable = within(fd, coarse, FD_TOLERANCE / 10, NOISE_FACTOR * (differenceNoise(n) + differenceNoise(n, COARSE_STEP)));
      const tangentAt = (xs: Value[]) => {
        try {
          return [m.f_jvp(...layout.args(xs as number[], data), ...tangents).tangent as number];
        } catch (e) {
          throw fail(`f_jvp throws near the point: ${(e as Error).message}`);
        }
      };
      if (
        !reliable ||
        flat ||
        isolated([value], neighbours(fValue, x, wrt, v, STEP), [NOISE_FACTOR * n]) ||
        curved(tangentAt, x, wrt, v, [ad], (a, b) => within(a, b, FD_TOLERANCE), STEP)
      )
        return 'unreliable';
      throw fail(
        `derivative disagrees with finite differences beyond 1e-5 + ${allowed(differenceNoise(n))}: forward ${ad}, reverse ${rev}, central difference ${fd} (step ${STEP}) / ${coarse} (step ${COARSE_STEP})`,
      );
    }
    noisy = true;
  }
  if (noisy) stats.noisy++;
  return 'checked';
}
