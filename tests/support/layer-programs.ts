/**
 * Random programs of models made of layers, with array variables given new arrays,
 * as fast-check arbitraries (printed by layer-program-text.ts, checked by
 * check-layer-program.ts).
 *
 * `f` takes a model `m: { layers: Layer[]; k: number; pts?: Point[] }` (always
 * differentiated: a list of layers `{ W: number[][]; b: number[]; label?: string }`,
 * layer l mapping `widths[l]` numbers to `widths[l + 1]`, and sometimes a list of
 * points `{ x; y; label }`), an input `x: number[]` of `widths[0]` numbers and a number
 * `t` (each differentiated or not), and read-only data: rows `X: number[][]` (ragged)
 * and integer `sizes: readonly number[]` (left out of `wrt`). Its body keeps array
 * variables (`let h = x`, `let h = x.slice()`, `let h = X[1]`, a literal, `dense(m.layers[0],
 * x)`, a map) and gives them new arrays: `h = dense(m.layers[l], h)` in straight-line
 * code where the widths match, `for (const layer of m.layers) h = dense(layer, h)`, `h =
 * grow(h, n, e)` to any width, `for (let l = 0; l < sizes.length; l++) h = grow(h,
 * sizes[l], e)` (the length changes from one iteration to the next), `h = h.map(…)`, `h =
 * h.slice(1)`, a literal, `h = smooth(h, e)`, `h = next` of a `const next: number[] = []`
 * filled in place, repeated in passes; for each row of `X`, `let h = X[k]` then layers. It
 * reads them (`h[0]`, `h[h.length - 1]`, `h.reduce`, `for (const v of h)`) and writes
 * the ones it made (`h[0] += e`). It reads and writes the model's lists (`m.layers[l].W[r][c]`,
 * `layer.b[i]`, `layer.W.length`, loops over `m.layers` with index loops over their
 * matrices, `decay(m.layers[l], e)`, the points' numbers through `for (const q of
 * m.pts)`, `dist(m.pts[i], m.pts[j])`, conditions on labels), and returns a number or
 * an array: an array variable, a map of one, a literal, or one number per layer, per
 * point or per object of a local list (`m.layers.map(…)`, `pts.map((o) => …)`), whose
 * f_jacobian takes its columns element by element.
 *
 * It also makes arrays of objects of numbers (local lists, printed by
 * local-list-text.ts: points `{ x; y }`, or bodies `{ pos: { x; y }; vel: { x; y };
 * mass }` of nested objects), from the differentiated parameters and what was computed
 * from them: `const pts: Pt[] = []` filled by pushes in a loop over an array variable,
 * `h.map((v, i) => ({ … }))`, `X.map((row) => ({ … }))` of data rows (also with a body
 * and one `return`), `sizes.map(…)`, `m.pts.map(…)` or `m.layers.map(…)` of the model's
 * lists and `pts.map(…)` of another local list, literals `[{ x: e, y: 0 }, …]`, and
 * helpers returning one (`ring(cx, r, n)`, `translate(pts, dx, dy)`). It reads them
 * (centroids, `area(pts)`, `area(ring(…))`, `spread(pts)`, `energy(bodies)`, edges through
 * `const a = pts[i]` and `pts[(i + 1) % pts.length]`, `reduce`, destructuring `for (const
 * { x, y } of pts)`), writes them (stepping bodies' velocities and positions, `forEach`,
 * `pts[i].x = 0.5 * (pts[i].x + pts[i - 1].x)`, `const o = pts[0]; o.y += e`, a bounce `if
 * (o.y < 0) o.y = -0.5 * o.y`, `step(bodies, dt)`), pushes onto them (also under a
 * condition, and in loops), maps them to array variables (`let h = pts.map((o) => o.x *
 * o.y)`), and the first and last objects' numbers are numbers in scope for every later
 * expression: what the parameters put into the objects comes back into the result.
 * Statements come in loops (passes) and in branches `if (e > 0) { … } else { … }`, local
 * lists made and used in them like any statement.
 *
 * Every index the printer writes is in range for the lengths it knows (`h[0]` and the
 * last element always: every array and every local list has at least one element), a
 * value enters through bounded terms (`Math.tanh`, `Math.sin`, `u / (1 + u * u)`), and
 * writes in loops through bounded functions, so that programs stay well conditioned.
 */
import fc from 'fast-check';

export type Expr =
  | { readonly k: 'lit'; readonly v: number }
  /** A number in scope (`t`, `m.k`, a local, `h[0]`, `m.layers[0].b[0]`, `X[0][0]`), modulo. */
  | { readonly k: 'num'; readonly i: number }
  | { readonly k: 'bin'; readonly op: '+' | '-' | '*'; readonly l: Expr; readonly r: Expr }
  /** One of `mathForms` of `a`. */
  | { readonly k: 'math'; readonly f: number; readonly a: Expr };

/** A bounded form of a number `u` (Math forms that squash, or keep the domain). */
export const mathForms: readonly string[] = ['Math.sin(u)', 'Math.cos(u)', 'Math.tanh(u)', 'Math.atan(u)', 'u / (1 + u * u)', 'Math.sqrt(1 + u * u)'];

/**
 * The array a `let` starts with: the input itself ('alias', or a data row `X[k]` when `at` picks
 * one: never written through), 'slice' of an array in scope (`src`), 'literal' of `elems`, 'dense'
 * `dense(m.layers[0], x)`, 'map' of an array in scope.
 */
export type InitForm = 'alias' | 'row' | 'slice' | 'literal' | 'dense' | 'map';

/**
 * A new array for an array variable: 'dense' `h = dense(m.layers[l], h)` (l by `at`, where h has
 * the width; else 'grow'), 'layers' `for (const layer of m.layers) h = dense(layer, h)` (or an
 * index loop, where h has the input's width; else 'sizes'), 'grow' `h = grow(h, n, e)`, 'sizes' `for
 * (let l = 0; l < sizes.length; l++) h = grow(h, sizes[l], e)` (without sizes, 'grow'), 'map' `h =
 * h.map((v, i) => …)`, 'slice' `h = h.slice(1)` (or `h.slice()` where h may have one element),
 * 'literal' `h = [e, h[0]]`, 'smooth' `h = smooth(h, e)`, 'next' `const next: number[] = []; …
 * next.push(…); h = next;`.
 */
export type RebindForm = 'dense' | 'layers' | 'grow' | 'sizes' | 'map' | 'slice' | 'literal' | 'smooth' | 'next';

/** What a statement on the model's lists does (`at` chooses a layer, a row, a point). */
export type ListForm = 'readW' | 'forLayers' | 'reduceLayers' | 'labels' | 'writeB' | 'writeW' | 'decay' | 'forPoints' | 'dist' | 'destructure' | 'nudgeAll';

/**
 * How `f` makes an array of objects of numbers (a local list, of points `{ x; y }` or of bodies `{
 * pos: { x; y }; vel: { x; y }; mass }`): 'push' `const pts: Pt[] = []` then a loop over an array in
 * scope (`src`) pushing one object per element; 'map' `h.map((v, i) => ({ … }))` of an array in
 * scope; 'rows' `X.map((row) => ({ … }))` of the data rows (or `sizes.map(…)`; without data, 'map');
 * 'points' `m.pts.map((q) => ({ … }))` of the model's points (without points, `m.layers.map((layer,
 * i) => ({ … }))`); 'literal' `[{ x: e, y: 0 }, …]`; 'ring' `ring(cx, r, n)`, a helper pushing n
 * points on a circle and returning them (of bodies, 'push').
 */
export type MakeForm = 'push' | 'map' | 'rows' | 'points' | 'literal' | 'ring';

/**
 * What a statement on a local list `L` does. Reads, added to a number local: 'centroid' (a loop
 * summing coordinates, then `/ L.length`), 'area' (`area(L)`, the shoelace formula in a helper; of
 * bodies, `area(L.map((b) => ({ x: b.pos.x, y: b.pos.y })))`), 'spread' (`spread(L)`, the mean
 * squared distance to the centroid; of bodies, `energy(L)`, their kinetic energy by `reduce`),
 * 'edges' (an index loop over `const a = L[i]`, `const b = L[(i + 1) % L.length]`), 'reduce',
 * 'destructure' (`for (const { x, y } of L)`). Writes: 'step' (`for (const o of L) { o.x += … }`;
 * of bodies, velocities then positions, or `step(L, dt)` of a helper), 'forEach', 'smooth' (`L[i].x
 * = 0.5 * (L[i].x + L[i - 1].x)` in an index loop), 'element' (`const o = L[L.length - 1]; o.y +=
 * …`, then read), 'clamp' (`for (const o of L) if (o.y < 0) … else …`: a bounce), 'push' (one more
 * object, also under a condition). 'numbers': `let h = L.map((o) => …)`, a new array variable.
 */
export type LocalForm = 'centroid' | 'area' | 'spread' | 'edges' | 'reduce' | 'destructure' | 'step' | 'forEach' | 'smooth' | 'element' | 'clamp' | 'push' | 'numbers';

export type Stmt =
  /** `let sN = e;` */
  | { readonly k: 'let'; readonly e: Expr }
  /** `s op= e` on a number local, `m.k` or `t` (bounded in loops). */
  | { readonly k: 'set'; readonly t: number; readonly e: Expr }
  /** `let hN = …;`: a new array variable. */
  | { readonly k: 'init'; readonly form: InitForm; readonly src: number; readonly at: number; readonly elems: readonly Expr[]; readonly e: Expr }
  /** `h = …;` on an array variable chosen by `a` (modulo). */
  | { readonly k: 'rebind'; readonly a: number; readonly form: RebindForm; readonly at: number; readonly e: Expr }
  /** `s += …` (s a number local chosen by `into`, else a new one) reading array `a`: `h.reduce(…)`, `h[0]`, `h[h.length - 1]`, `for (const v of h)`. */
  | { readonly k: 'use'; readonly a: number; readonly form: 'reduce' | 'first' | 'last' | 'forOf'; readonly e: Expr; readonly into: number }
  /** `h[0] += e` or `for (let i = 0; i < h.length; i++) h[i] *= Math.cos(e)` on an array the function made (else skipped). */
  | { readonly k: 'write'; readonly a: number; readonly all: boolean; readonly e: Expr }
  /** `for (let pN = 0; pN < n; pN++) { … }`: statements repeated (array variables change lengths in it). */
  | { readonly k: 'passes'; readonly n: number; readonly body: readonly Stmt[] }
  /** `for (let k = 0; k < X.length; k++) { let h = X[k]; …layers or sizes…; s += h[0] ** 2; }` (without X, x). */
  | { readonly k: 'samples'; readonly layers: boolean; readonly e: Expr; readonly into: number }
  /** A statement on the model's lists, adding what it reads to a number local (`into`). */
  | { readonly k: 'list'; readonly form: ListForm; readonly at: number; readonly e: Expr; readonly into: number }
  /** `const ptsN = …;` (`bodiesN` of bodies): a new local list, made from `e` and the array, rows or list `src`, `at` chooses. */
  | { readonly k: 'make'; readonly form: MakeForm; readonly body: boolean; readonly src: number; readonly at: number; readonly e: Expr }
  /** A statement on the local list `a` (modulo; without one, one made first), adding what it reads to a number local (`into`). */
  | { readonly k: 'local'; readonly a: number; readonly form: LocalForm; readonly at: number; readonly e: Expr; readonly into: number }
  /** `if (c > 0) { … } else { … }`. */
  | { readonly k: 'branch'; readonly c: Expr; readonly then: readonly Stmt[]; readonly else: readonly Stmt[] | null };

export type Ret =
  | { readonly k: 'number'; readonly e: Expr; readonly a: number }
  /**
   * An array variable (`a`), `h.map((v) => …)` of one, `[e, h[0]]`, `m.layers.map((layer) => …)`, a
   * point's numbers pushed per point, `L.map((o) => …)` of a local list (without one, per layer).
   */
  | { readonly k: 'array'; readonly form: 'variable' | 'map' | 'literal' | 'perLayer' | 'perPoint' | 'perObject'; readonly a: number; readonly e: Expr };

export interface LayerProgram {
  /** The widths of the model's layers (1 to 3 layers). */
  readonly widths: readonly number[];
  /** The layers carry a data `label`; the elements' types are interfaces (`Layer`, `Point`) rather than inline. */
  readonly labels: boolean;
  readonly named: boolean;
  /** Points in the model (their count), or none. */
  readonly points: number;
  /** Which of x and t f takes (x always when `init` needs it: it is the input). */
  readonly t: boolean;
  /** Bit 0: x is differentiated; bit 1: t is (the model always is). */
  readonly wrtMask: number;
  /** Data rows `X` (their lengths; values from `seed`), or none; `sizes` (integers 1 to 3), or none. */
  readonly rows: readonly number[] | null;
  readonly sizes: readonly number[] | null;
  /** Rotates the parameter list. */
  readonly rotate: number;
  readonly body: readonly Stmt[];
  readonly ret: Ret;
  readonly seed: number;
}

/**
 * Forms the generator leaves out while the compiler mishandles them (each reported with a minimal
 * program when it was found). Set one to false once its bug is fixed: the property tests then cover
 * the form again.
 */
export const avoid = {
  /**
   * An array variable given a slice of itself (`h = h.slice(1)`, also in a loop) where its value
   * does not reach the result (nothing reads it, or only what is not used: `let h = x.slice(); h =
   * h.slice(1); return t * x[0];`): the generated code drops its declaration and keeps the slice as
   * a statement, `h.slice(1);`, so f_jvp and f_vjp throw ReferenceError "h is not defined" (and do not
   * type-check). Where its value is used, it is right (other new arrays are right either way). So
   * each slice of a variable's own array is followed by `sN += h[0]`, sN a number of the top level
   * that reaches the result. Found by this generator (seed 1):
   *   function f(x: number[], t: number): number { let h = x.slice(); h = h.slice(1); return t * x[0]; }
   * (Fixed: dead-code removal drops an unused copy, `h.slice(1)`, with the variable it reads.)
   */
  unusedSelfSlices: false,
  /**
   * A variable that starts as the input (`let h = x`) and is given new arrays is rejected where an
   * element of it or of the input is, alone, an argument of a Math function (`Math.cos(h[0])`,
   * `Math.max(x[0], 1)`, before or after the new array): ADC114 "array aliasing is not supported: 'x'
   * already names an array; copy it with .slice()" (`Math.cos(x[0] * 1)`, `h[0] * h[0]`, `const c =
   * h[0]; Math.cos(c)`, a helper `g(x[0])` are accepted, and so is `let h = X[0]`). So in a program
   * with such a variable, the elements of it and of the input are read by the statements' bounded
   * terms only (`Math.sin(h[0] * e)`), not by any expression. Found by this generator (seed 1):
   *   function f(x: number[]): number { const c = Math.cos(x[0]); let h = x; h = h.map((v) => v * 2); return c + h[0]; }
   * (Fixed: an element passed to a function is no write into its array.)
   */
  mathOfInputAliases: false,
  /**
   * A write into a variable that started as the input (`let h = x`) after it was given a new array
   * (`h = h.map(…); h[0] += 1;`) is rejected: ADC114 "array aliasing is not supported: 'x' already
   * names an array; copy it with .slice()", though h no longer names x there (with `let h =
   * x.slice()` it is accepted). So such a variable is never written. Found by this generator (seed 1):
   *   function f(x: number[]): number { let h = x; h = h.map((v) => v * 2); h[0] += 1; return h[0] * h[1]; }
   */
  writesIntoInputAliases: true,
  /**
   * `.slice()` of a row of a read-only `number[][]` parameter (`X[0].slice()`, or `h.slice()` after
   * `let h = X[0]` when nothing gives h a new array) is rejected: ADC103 "parameter 'X' is a
   * number[][]: … calling 'X[0].slice' does more than read it" (`X[0].map(…)` and `X[0].reduce(…)`
   * are accepted, and so is `h.slice()` where h is later given a new array). So a row of data is
   * copied with a map. Found by this generator (seed 1):
   *   function f(X: number[][], t: number): number { const g = X[0].slice(); return g[0] * t; }
   */
  dataRowSlices: true,
  /**
   * An array made in the body of a loop (`const ys: number[] = []`, `const ys = [k]`, a local list
   * `const pts: Pt[] = []`) and pushed onto there, where reverse mode records the loop rather than
   * fusing it (`s = Math.sin(s + …)`): f_vjp restores the array of the iteration before (`ys =
   * tape.popArray()`) before it undoes the pushes (`k_bar_2 = ys_bar[ys.length - 1]; ys.pop()`), so
   * it reads adjoints at the other array's length: the gradient is NaN (f_jvp is right; at k = 1,
   * f_grad gives NaN, the derivative is -0.4118). So inside a
   * loop local lists are made by `map` rather than by pushes, and only lists made outside the loop
   * are pushed onto. Found by this generator (seed 2):
   *   function f(k: number): number { let s = 0; for (let p = 0; p < 2; p++) { const ys: number[] = []; ys.push(k); s = Math.sin(s + ys[0]); } return s; }
   * Fixed (reverse/block.ts: a recorded block gives the array back just before the adjoint of the
   * assignment that replaced it, after the pushes are undone): off.
   */
  pushesInRecordedLoops: false,
  /**
   * In a loop's body or under a condition, a push onto an array after something read the array's
   * length there: the index of a push reading the array's end (`ys.push(ys[ys.length - 1] * k)`, `pts.push({
   * x: k, y: pts[pts.length - 1].x * k })`), or a mean before the push in a loop (`s += Math.cos(ys[0] /
   * ys.length); ys.push(k);`). f_vjp computes those values again at the start of the block's reverse,
   * before it pops what the block pushed (`t3 = ys.length - 1; t4 = ys[t3]; … ys.pop()`), so it
   * reads a longer array: the adjoint goes to the pushed element and the partials are wrong (f_jvp
   * is right; straight-line code, `ys[0]`, and reads after the push are right). So a push reads the
   * list it grows only at 0 (`pts[0].x`), and in a loop's body or a branch's arm a list is pushed onto
   * only where nothing there named it before (else its objects are moved). Found by this generator
   * (seeds 8 and 110):
   *   function f(k: number, c: number): number { const ys = [k]; if (c < 0) ys.push(ys[ys.length - 1] * k); return ys[ys.length - 1]; }
   *   function f(k: number): number { const ys = [Math.sin(k)]; let s = 0; for (let p = 0; p < 1; p++) { s += Math.cos(ys[0] / ys.length); ys.push(k); } return s; }
   * (the first with wrt(k): at k = 1, c = -1, f = k² has derivative 2, f_grad gives 1; the second at k
   * = 1 has derivative -0.4029, f_grad gives -0.1103; also `for (let p = 0; p < 2; p++)
   * ys.push(ys[ys.length - 1] * k)`). Fixed (3-analyze/tbr.ts: a block records its reads of an array
   * it pushes onto, fills or replaces, before or after): off.
   */
  lengthsBeforePushes: false,
  /**
   * In a branch or a loop, a write into an element of an array variable followed by giving the
   * variable the array a helper returns (`if (c > 0) { h[0] += k; h = scale(h, k); }`, with `h =
   * grow(h, n, e)`, `dense(…)`, `smooth(…)` alike): f_vjp restores the element on the helper's new
   * array (`h[tape.popInt()] = tape.pop()` while h still holds it) and only then the old array (`h =
   * tape.popArray()`), whose element keeps the written value, so the helper's pullback runs at the
   * wrong point: wrong gradients (f_jvp is right; straight-line code, a write before the branch, `h =
   * h.map(…)` and an index loop writing every element are right). So in a branch's arm or a loop's
   * body, a variable written there by `h[0] += e` is given its next array by a map. Found by this
   * generator (seeds 103 and 112):
   *   function scale(x: readonly number[], c: number): number[] { return x.map((v) => c * v); }
   *   function f(k: number, c: number): number { let h = [k]; if (c > 0) { h[0] += k; h = scale(h, k); } return h[0]; }
   * (with wrt(k): at k = 1, c = 1, f = 2k² has derivative 4, f_grad gives 5; also in a loop, `for
   * (let p = 0; p < 1; p++) { h[0] += Math.sin(k); h = grow(h, 1, k); }`). Fixed with the one
   * above (the read of h the helper is given is recorded): off.
   */
  helperArraysAfterWrites: false,
};

const index = fc.nat({ max: 30 });
const literal = fc.constantFrom(0.5, 1, 1.5, -1, 0.25, 2);

function memo<T>(f: (d: number) => fc.Arbitrary<T>): (d: number) => fc.Arbitrary<T> {
  const cache = new Map<number, fc.Arbitrary<T>>();
  return (d) => {
    let a = cache.get(d);
    if (!a) cache.set(d, (a = f(d)));
    return a;
  };
}

export const exprArb: (depth: number) => fc.Arbitrary<Expr> = memo((depth) => {
  const leaf: fc.Arbitrary<Expr> = fc.oneof(
    { weight: 4, arbitrary: index.map((i): Expr => ({ k: 'num', i })) },
    { weight: 1, arbitrary: literal.map((v): Expr => ({ k: 'lit', v })) },
  );
  if (depth <= 0) return leaf;
  const e = exprArb(depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('bin' as const), op: fc.constantFrom('+' as const, '-' as const, '*' as const), l: e, r: e }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('math' as const), f: fc.nat({ max: mathForms.length - 1 }), a: e }) },
  );
});

const makeForms: readonly MakeForm[] = ['push', 'map', 'rows', 'points', 'literal', 'ring'];
const localForms: readonly LocalForm[] = ['centroid', 'area', 'spread', 'edges', 'reduce', 'destructure', 'step', 'forEach', 'smooth', 'element', 'clamp', 'push', 'numbers'];
const rebindForms: readonly RebindForm[] = ['dense', 'layers', 'grow', 'sizes', 'map', 'slice', 'literal', 'smooth', 'next'];
const listForms: readonly ListForm[] = ['readW', 'forLayers', 'reduceLayers', 'labels', 'writeB', 'writeW', 'decay', 'forPoints', 'dist', 'destructure', 'nudgeAll'];

const stmtArb: (depth: number) => fc.Arbitrary<Stmt> = memo((depth) => {
  const e = exprArb(1);
  const rebind = fc.record({ k: fc.constant('rebind' as const), a: index, form: fc.constantFrom(...rebindForms), at: index, e });
  const simple: { weight: number; arbitrary: fc.Arbitrary<Stmt> }[] = [
    { weight: 1, arbitrary: fc.record({ k: fc.constant('let' as const), e }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('set' as const), t: index, e }) },
    {
      weight: 3,
      arbitrary: fc.record({
        k: fc.constant('init' as const),
        form: fc.constantFrom<InitForm>('alias', 'row', 'slice', 'literal', 'dense', 'map'),
        src: index,
        at: index,
        elems: fc.array(exprArb(0), { minLength: 1, maxLength: 3 }),
        e,
      }),
    },
    { weight: 6, arbitrary: rebind },
    {
      weight: 3,
      arbitrary: fc.record({
        k: fc.constant('use' as const),
        a: index,
        form: fc.constantFrom('reduce' as const, 'first' as const, 'last' as const, 'forOf' as const),
        e,
        into: index,
      }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('write' as const), a: index, all: fc.boolean(), e }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('list' as const), form: fc.constantFrom(...listForms), at: index, e, into: index }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('make' as const), form: fc.constantFrom(...makeForms), body: fc.boolean(), src: index, at: index, e }) },
    { weight: 4, arbitrary: fc.record({ k: fc.constant('local' as const), a: index, form: fc.constantFrom(...localForms), at: index, e, into: index }) },
  ];
  if (depth <= 0) return fc.oneof(...simple);
  return fc.oneof(
    ...simple,
    {
      weight: 2,
      arbitrary: fc.record({ k: fc.constant('passes' as const), n: fc.integer({ min: 1, max: 3 }), body: fc.array(stmtArb(depth - 1), { minLength: 1, maxLength: 4 }) }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('samples' as const), layers: fc.boolean(), e, into: index }) },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant('branch' as const),
        c: e,
        then: fc.array(stmtArb(depth - 1), { minLength: 1, maxLength: 3 }),
        else: fc.option(fc.array(stmtArb(depth - 1), { minLength: 1, maxLength: 3 }), { nil: null }),
      }),
    },
  );
});

export const layerProgramArb: fc.Arbitrary<LayerProgram> = fc.record({
  widths: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 4 }),
  labels: fc.boolean(),
  named: fc.boolean(),
  points: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }),
  t: fc.boolean(),
  wrtMask: fc.nat({ max: 3 }),
  rows: fc.option(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }), { nil: null, freq: 3 }),
  sizes: fc.option(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }), { nil: null, freq: 3 }),
  rotate: fc.nat({ max: 4 }),
  body: fc.array(stmtArb(1), { minLength: 3, maxLength: 10 }),
  ret: fc.oneof(
    { weight: 1, arbitrary: fc.record({ k: fc.constant('number' as const), e: exprArb(2), a: index }) },
    {
      weight: 1,
      arbitrary: fc.record({
        k: fc.constant('array' as const),
        form: fc.constantFrom('variable' as const, 'map' as const, 'literal' as const, 'perLayer' as const, 'perPoint' as const, 'perObject' as const),
        a: index,
        e: exprArb(1),
      }),
    },
  ),
  seed: fc.nat(),
});
