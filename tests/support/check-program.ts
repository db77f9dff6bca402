/**
 * Checks one generated program end to end: it compiles without diagnostics;
 * `f_jvp`, `f_vjp` and `f_grad` return the value the plain function computes,
 * bit for bit; `f_grad` equals `f_vjp` with cotangent 1; `out` is honoured;
 * forward agrees with reverse (dot-product test, tight); both agree with
 * central differences (relative 1e-5). A point where the finite differences at
 * two step sizes disagree with each other (a branch boundary, a kink) cannot
 * judge the derivative: it is counted as skipped, never silently passed, and
 * the caller bounds the fraction of such points.
 */
import * as ts from 'typescript';
import { compileSources, formatDiagnostic } from '../../compiler';
import { loadModule, type Module } from './load';
import { centralDifference, dot, rng, scaledDirection, type Value } from './numeric';
import { listing, printProgram, type ProgramText } from './program-text';
import type { Program } from './programs';

export interface Stats {
  programs: number;
  /** Points tried. */
  points: number;
  /** Points whose value is not finite or beyond ±1e8, or whose derivative overflows where finite differences cannot judge it. */
  outOfRange: number;
  /** Points where finite differences at two step sizes disagree (a branch boundary or a kink), or see a flat function. */
  unreliable: number;
  /** Points checked against finite differences. */
  checked: number;
  /** Programs with no checked point. */
  unchecked: number;
  worstDotProduct: number;
}

export const newStats = (): Stats => ({ programs: 0, points: 0, outOfRange: 0, unreliable: 0, checked: 0, unchecked: 0, worstDotProduct: 0 });

export const FD_TOLERANCE = 1e-5;
export const DOT_TOLERANCE = 1e-10;
const POINTS = 2;
const ATTEMPTS = 5;

const relErr = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b)));
const same = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

export class ProgramFailure extends Error {}

/** Loads the program's own sources (lib, re-export, main), to run `f` as written. */
/** The program itself; with `watch`, every intermediate arithmetic value is passed to it as well. */
export function loadOriginal(text: ProgramText, watch?: (value: number) => void): Module {
  const siblings: Record<string, Module> = {};
  if (text.files['/src/lib.ts']) siblings.lib = loadModule(text.files['/src/lib.ts'], {}, 'lib.ts', watch);
  if (text.files['/src/reexport.ts']) siblings.reexport = loadModule(text.files['/src/reexport.ts'], siblings, 'reexport.ts', watch);
  return loadModule(text.files['/src/main.ts'], siblings, 'main.ts', watch);
}

export function compileProgram(text: ProgramText): { generated: string; original: Module; module: Module } {
  const fail = (what: string) => new ProgramFailure(`${what}\n--- program ---\n${listing(text)}`);
  for (const [file, src] of Object.entries(text.files)) {
    const syntax = ts.transpileModule(src, { fileName: file, reportDiagnostics: true }).diagnostics ?? [];
    if (syntax.length > 0) throw fail(`the test's generator printed invalid TypeScript in ${file}: ${ts.flattenDiagnosticMessageText(syntax[0].messageText, ' ')}`);
  }
  const { files, diagnostics } = compileSources(text.files);
  if (diagnostics.length > 0) throw fail(`the compiler rejected a program of the supported subset:\n${diagnostics.map((d) => formatDiagnostic(d)).join('\n')}`);
  const generated = files.find((f) => f.source === '/src/main.ts');
  if (!generated) throw fail('no generated file for /src/main.ts');
  let module: Module;
  try {
    module = loadModule(generated.text, {}, 'main.grad.ts');
  } catch (e) {
    throw fail(`the generated file does not load on its own: ${(e as Error).message}\n--- generated ---\n${generated.text}`);
  }
  return { generated: generated.text, original: loadOriginal(text), module };
}

export function checkProgram(p: Program, stats: Stats): void {
  checkText(printProgram(p), p.seed, stats);
}

/** Checks a program given as text (`f` in /src/main.ts), at random points from `seed` or at the `points` given. */
export function checkText(text: ProgramText, seed: number, stats: Stats, points?: readonly (readonly number[])[]): void {
  const compiled = compileProgram(text);
  stats.programs++;
  const rand = rng(seed);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * rand();
  let checked = 0;
  const attempts = points ? points.length : ATTEMPTS;
  for (let attempt = 0; attempt < attempts && (points || checked < POINTS); attempt++) {
    stats.points++;
    const x = points ? [...points[attempt]] : Array.from({ length: text.params }, () => uniform(-2, 2));
    const v = text.wrt.map(() => uniform(-1, 1));
    const w = uniform(0.5, 2) * (rand() < 0.5 ? -1 : 1);
    const verdict = checkPoint(text, compiled, { x, v, w }, stats, attempt === 0);
    if (verdict === 'checked') checked++;
    stats[verdict]++;
  }
  if (checked === 0) stats.unchecked++;
}

interface Point {
  readonly x: readonly number[];
  /** Direction over the differentiated parameters (finite-difference steps scale it by max(1, |x|)). */
  readonly v: readonly number[];
  /** Cotangent. */
  readonly w: number;
}

/** One point: throws a ProgramFailure, or says whether the derivative was checked or could not be judged. */
function checkPoint(text: ProgramText, compiled: ReturnType<typeof compileProgram>, { x, v, w }: Point, stats: Stats, withOut: boolean): 'checked' | 'outOfRange' | 'unreliable' {
  const { generated, original, module: m } = compiled;
  const { wrt } = text;
  const where = `at x = [${x.join(', ')}], direction [${v.join(', ')}] (steps scaled by max(1, |x|)), cotangent ${w}`;
  const fail = (what: string) => new ProgramFailure(`${what}\n${where}\n--- program ---\n${listing(text)}\n--- generated ---\n${generated}`);
  const f = original.f as (...xs: number[]) => number;
  let value: number;
  try {
    value = f(...x);
  } catch (e) {
    throw fail(`the program itself throws (a bug of the test's generator): ${(e as Error).message}`);
  }
  const run = (name: string, ...args: unknown[]) => {
    try {
      return m[name](...args);
    } catch (e) {
      throw fail(`${name} throws: ${(e as Error).message}`);
    }
  };
  const sd = scaledDirection(x, wrt, v);
  const jvp = run('f_jvp', ...x, ...sd);
  const vjp = run('f_vjp', ...x, w);
  const vjp1 = run('f_vjp', ...x, 1);
  const grad = run('f_grad', ...x);
  for (const [mode, r] of [['f_jvp', jvp], ['f_vjp', vjp], ['f_grad', grad]] as const) {
    if (!same(r.value, value)) throw fail(`${mode} returns value ${r.value}, the function computes ${value}`);
  }
  if (grad.grads.length !== wrt.length || vjp.grads.length !== wrt.length) throw fail(`grads has ${grad.grads.length} entries, expected ${wrt.length}`);
  if (!grad.grads.every((g: number, i: number) => same(g, vjp1.grads[i]))) throw fail(`f_grad gives [${grad.grads}], f_vjp with cotangent 1 gives [${vjp1.grads}]`);
  if (withOut) {
    // `out`: filled in place and returned.
    const out = { value: NaN, grads: wrt.map(() => NaN) };
    const r = run('f_vjp', ...x, w, out);
    if (r !== out || !same(out.value, value) || !out.grads.every((g, i) => same(g, vjp.grads[i]))) throw fail(`f_vjp(…, out) gives ${JSON.stringify(r)}, without out ${JSON.stringify(vjp)}`);
    const tangentOut = { value: NaN, tangent: NaN };
    const t = run('f_jvp', ...x, ...sd, tangentOut);
    if (t !== tangentOut || !same(t.value, value) || !same(t.tangent, jvp.tangent)) throw fail(`f_jvp(…, out) gives ${JSON.stringify(t)}, without out ${JSON.stringify(jvp)}`);
  }
  if (!Number.isFinite(value) || Math.abs(value) > 1e8) return 'outOfRange';

  // Forward against reverse: ⟨J·v, w⟩ = ⟨v, Jᵀ·w⟩; and both against finite differences.
  const ad: number = jvp.tangent;
  const rev = dot(grad.grads, sd);
  const fValue = (...a: Value[]): Value => f(...(a as number[]));
  const fd = centralDifference(fValue, x, wrt, v, 1e-6)[0];
  const coarse = centralDifference(fValue, x, wrt, v, 1e-5)[0];
  const reliable = relErr(fd, coarse) <= FD_TOLERANCE / 10;
  // An intermediate overflow gives astronomic or non-finite derivatives that finite differences
  // cannot judge either: out of range, counted.
  const huge = (d: number) => !Number.isFinite(d) || Math.abs(d) > 1e10;
  if (!reliable && (huge(ad) || huge(rev) || huge(fd))) return 'outOfRange';
  const forwardSide = ad * w;
  const reverseSide = dot(vjp.grads, sd);
  const dotErr = relErr(forwardSide, reverseSide);
  if (Number.isFinite(dotErr)) stats.worstDotProduct = Math.max(stats.worstDotProduct, dotErr);
  if (!(dotErr <= DOT_TOLERANCE) && !(Number.isNaN(forwardSide) && Number.isNaN(reverseSide))) {
    const judge = relErr(fd, ad) <= FD_TOLERANCE ? 'forward is right' : relErr(fd, rev) <= FD_TOLERANCE ? 'reverse is right' : 'neither agrees';
    throw fail(`forward and reverse disagree: ⟨J·v, w⟩ = ${forwardSide}, ⟨v, Jᵀ·w⟩ = ${reverseSide} (tangent ${ad}, grads [${vjp.grads}]); central difference ${fd}: ${judge}`);
  }
  if (relErr(fd, ad) <= FD_TOLERANCE && relErr(fd, rev) <= FD_TOLERANCE) return 'checked';
  // Exactly flat in floating point (an input absorbed by rounding, as in 2 + x ** 16 for small x)
  // while the exact derivative is small: finite differences cannot see it.
  const flat = fd === 0 && coarse === 0 && Math.max(Math.abs(ad), Math.abs(rev)) <= 1e-2 * Math.max(1, Math.abs(value));
  if (!reliable || flat) return 'unreliable';
  throw fail(`derivative disagrees with finite differences: forward ${ad}, reverse ${rev}, central difference ${fd} (step 1e-6) / ${coarse} (step 1e-5)`);
}
