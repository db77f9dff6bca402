/**
 * Random programs that read and write arrays, as fast-check arbitraries (the
 * array counterpart of programs.ts; printed by array-program-text.ts).
 *
 * A program is a marked `f` with array parameters (`Float64Array`, `number[]`,
 * `readonly number[]`, and unions whose kind is the argument's: `number[] |
 * Float64Array`, `ArrayLike<number>`, read only, without methods) of lengths fixed per program (n, n·D or K elements) and
 * scalar parameters, whose body declares scalars and local arrays, writes
 * elements (`=`, `+=`, `-=`, `*=`), fills, loops over arrays (index loops in
 * four forms, `for … of`, `forEach`, fixed inner loops and repeated passes),
 * and returns a number or an array. A third of the programs also have one or
 * two module-level helpers `gH(z, c)` (neither exported nor marked) declared
 * before `f`, which read their array parameter (never write it), may make and
 * write local arrays, and return a number or a fresh array; `f` calls them in
 * expressions (number helpers) and as `const dN = gH(X, e);` followed by
 * stores that read dN (`X[0] += h * dN[0]`, the step of an integrator), also
 * inside loops.
 *
 * Read-only data: most programs also take some of `M` (n rows of D numbers,
 * `number[][]` or `readonly (readonly number[])[]`), `pts: { x: number; w:
 * number }[]` (n points) and `opts: { scale: number; on: boolean }`, never
 * differentiated, anywhere in the parameter list. `f` reads them (`M[i][j]`,
 * `M[i].length`, `M.length`, `const row = M[i]` then `row[j]`, `for (const row
 * of M)`, `for (const e of row)`, index loops up to `M.length` or
 * `row.length`, `pts[i].x`, `const p = pts[i]` then `p.w`, `opts.scale`),
 * branches on them (`opts.on ? a : b`, `if (M[i][j] > 0)`: the derivative
 * never sees a kink there), and passes rows to helpers whose parameter is
 * `number[]` or `readonly number[]` of D elements. It never writes them.
 *
 * Local functions: `const lf = (t: number) => e`, `function lf(t: number):
 * number { …; return e; }` (with a body that may loop, make local arrays,
 * return early and update captured `let`s, but only reads captured arrays),
 * `const lf = (t: number) => { s += e; }` updating a captured `let` (also
 * returning it), and reducers `(a: number, t: number) => a + e`, declared
 * anywhere in a body (also inside other local functions and helpers) and used
 * after their declaration; and function declarations after f's `return`,
 * hoisted, capturing only f's parameters (which f may have changed by the
 * time it calls them). They are called in expressions (`lf(e)`), as
 * statements (`lf(e);`) and passed as callbacks (`X.map(lf)`,
 * `X.reduce(lf, init)`, `X.forEach(lf)`). A local function never calls itself
 * (only those declared before it are in its scope), and every name is fresh (a
 * loop index is named by its depth), so nothing it captures is redeclared
 * between its declaration and a call.
 *
 * Classes of programs the compiler once got wrong: a value that overflows
 * (`Math.exp(1000 * u)`, `w / (Math.round(u) - 1)`, `Math.log(0 * u)`)
 * computed and not used on the path taken (guards.ts), in loops, helpers and
 * local functions; reads past the end of an array in a loop, `X[i] ?? e`, the
 * read kept in a `let` overwritten each iteration (reverse mode records it,
 * `undefined` included); a Float32Array local stored into, read back and
 * compared (`q[i] === e`, `Number.isFinite(q[i])` after `q[i] = e * 2e38`);
 * writes past the end (`X[X.length] = e`, `X[-1] = e`) of a local typed array
 * (nothing happens) or of a plain copy (it grows), then read back with `??`.
 * These never enter the index reasoning below: the Float32Array and the copies
 * are the statement's own, and the loop index that runs past the end is never
 * an index form.
 *
 * Writers (drawn last, so that a seed's programs without them are those it made
 * before they existed): two programs in five also have writer helpers
 * `wH(dst, alpha, src): void`, which write into the array `dst` they are passed
 * (element by element or once, reading both arrays at any index in range, and
 * first calling an earlier writer, possibly on `dst` twice), called by f on its
 * writable arrays, parameters included, with `src` another array or `dst` itself
 * (`add(out, out, b)`), sometimes repeated in a loop; and a state helper
 * `advanceH(st: { v: K; t: number }, dt): void` writing into a local object
 * holding an array, which f then reads and keeps using (`st.v`, `st.t`).
 *
 * Every variable, array and index is
 * referred to by a number that the printer resolves modulo what is in scope,
 * and index expressions are chosen among those whose range the printer can
 * prove in bounds for the concrete lengths: so every value, and every shrink of
 * it, prints as valid strict TypeScript that never reads or writes out of
 * range, terminates, and stays bounded (`*=` multiplies by a cosine, Math
 * functions are squashed or see arguments inside their domain).
 */
import fc from 'fast-check';
import { guardForms, guardStyles, type GuardForm, type GuardStyle } from './guards';

/**
 * An array's type. The unions (`number[] | Float64Array`, writable, and `ArrayLike<number>`, read
 * only) are parameter types whose kind is the argument's: the checks pass either kind.
 */
export type ArrayKind = 'Float64Array' | 'number[]' | 'readonly number[]' | 'number[] | Float64Array' | 'ArrayLike<number>';

/** An array parameter's length: n, n·D (a row-major n × D matrix) or K elements. */
export type Shape = 'n' | 'nd' | 'k';

export interface ArrayParam {
  readonly kind: ArrayKind;
  readonly shape: Shape;
}

export type Expr =
  | { readonly k: 'lit'; readonly v: number }
  /** A number in scope: a scalar parameter or local, a `for … of` element, a callback's element. */
  | { readonly k: 'num'; readonly i: number }
  /** A loop index used as a value (`0.25 * i`), or `0.25` outside loops. */
  | { readonly k: 'counter'; readonly i: number }
  /** `X.length` of an array in scope, scaled (`0.1 * X.length`). */
  | { readonly k: 'len'; readonly a: number }
  /** `X[index]`, the index chosen (modulo) among the in-range forms the printer finds. */
  | { readonly k: 'read'; readonly a: number; readonly at: number }
  | { readonly k: 'bin'; readonly op: '+' | '-' | '*'; readonly l: Expr; readonly r: Expr }
  | { readonly k: 'neg'; readonly e: Expr }
  /** `l / (1 + r * r)`: a divisor of at least 1. */
  | { readonly k: 'div'; readonly l: Expr; readonly r: Expr }
  /** One of `mathForms` applied to (l, r). */
  | { readonly k: 'math'; readonly f: number; readonly l: Expr; readonly r: Expr }
  /**
   * `X.reduce((acc, v, k) => acc + body, init)` (`form` 'sum'), `acc * Math.cos(body)` ('prod'),
   * `Math.max(acc, body)` ('max'); with `mapped`, `X.map((v, k) => body).reduce((acc, w) => acc + w, init)`.
   */
  | { readonly k: 'reduce'; readonly a: number; readonly form: 'sum' | 'prod' | 'max'; readonly mapped: boolean; readonly init: Expr; readonly body: Expr }
  /**
   * `gH(X, e)`, H chosen (modulo) among the helpers returning a number (the compiler indexes only
   * variables: an array helper's result is read through a 'call' statement), X among the arrays in
   * scope its parameter accepts (kind and length); without such a helper or array, prints as `e`.
   */
  | { readonly k: 'call'; readonly h: number; readonly arg: number; readonly e: Expr }
  /**
   * A read of read-only data in scope, chosen (modulo) among the forms the printer finds: `M[i][j]`,
   * `0.1 * M[i].length`, `0.1 * M.length`, `row[j]`, `pts[i].x`, `pts[i].w`, `p.x`, `opts.scale`, …
   * (`at`, `at2`: the index choices); without data in scope, prints as a 'read' of `f`, `at`.
   */
  | { readonly k: 'data'; readonly f: number; readonly at: number; readonly at2: number }
  /** `c ? l : r` with a condition on data (`opts.on`, `!opts.on`, `M[i][j] > 0`, `p.x > 0`); without data, prints as `l`. */
  | { readonly k: 'cond'; readonly c: number; readonly at: number; readonly l: Expr; readonly r: Expr }
  /** `lfN(e)`, a local function returning a number chosen (modulo) among those in scope; without one, prints as `e`. */
  | { readonly k: 'local'; readonly f: number; readonly e: Expr }
  /**
   * `X.reduce(lfR, init)` with a local reducer, or `X.map(fn).reduce((acc, w) => acc + w, init)` with a
   * local function or `Math.tanh`/`Math.atan`: `f` chooses (modulo) among them.
   */
  | { readonly k: 'fnReduce'; readonly a: number; readonly f: number; readonly init: Expr };

export type LocalArrayForm =
  /** `new Float64Array(X.length)` */
  | 'zeros'
  /** `new Array<number>(X.length).fill(e)` or `new Array(X.length).fill(e)` */
  | 'fill'
  /** `[e0, e1, …]` */
  | 'literal'
  /** `new Float64Array([e0, e1, …])` */
  | 'f64literal'
  /** `X.slice()` */
  | 'slice'
  /** `X.slice(1)` */
  | 'sliceFrom'
  /** `X.slice(0, X.length - 1)` */
  | 'sliceTo'
  /** `X.subarray(1, X.length - 1)` (Float64Array sources only, read only) */
  | 'subarray'
  /** `[...X]` */
  | 'spread'
  /** `new Float64Array(X)` */
  | 'copy'
  /** `X.map((v, k) => e)` */
  | 'map'
  /** `X.map(fn)`: a local function returning a number, or a one-argument Math function */
  | 'mapFn'
  /** `const u: number[] = []; for (let i = 0; i < X.length; i++) u.push(e);` */
  | 'push'
  /** `const u: number[] = []; for (const v of X) u.push(e);` */
  | 'pushOf';

export type StoreOp = '=' | '+=' | '-=' | '*=';

/** `T[index] op e * dN[from]` after `const dN = gH(X, e)` (T a writable array, X first; else a `let`). */
export interface CallUse {
  readonly a: number;
  readonly at: number;
  readonly op: StoreOp;
  readonly from: number;
  readonly e: Expr;
}

export type Stmt =
  | { readonly k: 'let'; readonly konst: boolean; readonly e: Expr }
  /** Assigns a `let` or a scalar parameter; `*=` multiplies by `Math.cos(e)`. */
  | { readonly k: 'set'; readonly t: number; readonly op: StoreOp; readonly e: Expr }
  /** A local array from source array `src`, with `elems` for literals and `e` for fill/map/push. */
  | { readonly k: 'array'; readonly form: LocalArrayForm; readonly src: number; readonly elems: readonly Expr[]; readonly e: Expr; readonly typed: boolean }
  /** `X[index] op e` on a writable array (`*=` multiplies by `Math.cos(e)`). */
  | { readonly k: 'store'; readonly a: number; readonly at: number; readonly op: StoreOp; readonly e: Expr }
  | { readonly k: 'fill'; readonly a: number; readonly e: Expr }
  /**
   * `for (let i = 0; i < X.length; i++)` ('full'), from 1 ('from1'), `1 … X.length − 2`
   * (`i + 1 < X.length`, 'inner'), or down from `X.length − 1` ('down').
   */
  | { readonly k: 'for'; readonly a: number; readonly form: 'full' | 'from1' | 'inner' | 'down'; readonly body: readonly Stmt[] }
  | { readonly k: 'forOf'; readonly a: number; readonly body: readonly Stmt[] }
  | { readonly k: 'forEach'; readonly a: number; readonly body: readonly Stmt[] }
  /** `for (let j = 0; j < D; j++)`: the column loop of the n × D parameters. */
  | { readonly k: 'cols'; readonly body: readonly Stmt[] }
  /** `for (let p = 0; p < passes; p++)`: the same in-place pass repeated. */
  | { readonly k: 'passes'; readonly n: number; readonly body: readonly Stmt[] }
  | { readonly k: 'if'; readonly l: Expr; readonly r: Expr; readonly then: readonly Stmt[]; readonly else: readonly Stmt[] }
  /**
   * `const dN = gH(X, e);` (X as for the 'call' expression), then `uses` reading dN (its elements
   * for an array helper) into stores; skipped without a helper or an array it accepts.
   */
  | { readonly k: 'call'; readonly h: number; readonly arg: number; readonly e: Expr; readonly uses: readonly CallUse[] }
  /** `const rowN = M[index];` or `const ptN = pts[index];` (`which` modulo the data that has rows); skipped without. */
  | { readonly k: 'bind'; readonly which: number; readonly at: number }
  /**
   * A loop over data (`which` modulo the data with elements): `for (const rowN of M)`, `for (const ptN of pts)`,
   * `for (const eN of row)` ('of'), or `for (let i = 0; i < M.length; i++)`, `… < row.length …` ('index').
   */
  | { readonly k: 'forData'; readonly which: number; readonly form: 'of' | 'index'; readonly body: readonly Stmt[] }
  /** `if (cond) { … } else { … }` with a condition on data (as 'cond'); without data, only `then` is printed. */
  | { readonly k: 'ifData'; readonly c: number; readonly at: number; readonly then: readonly Stmt[]; readonly else: readonly Stmt[] }
  /** A local function, declared here and usable after it in this block (see LocalFn). */
  | { readonly k: 'fn'; readonly fn: LocalFn }
  /** `lfN(e);` of a local function that updates a captured `let`, or `X.forEach(lfN);` (`each`); skipped without one. */
  | { readonly k: 'callFn'; readonly f: number; readonly a: number; readonly each: boolean; readonly e: Expr }
  /**
   * A value chosen between a stable form and one that may overflow, computed anyway (guards.ts), of
   * `u` and `w`; then added to a `let` (`into`, modulo), as a loop sums softplus terms.
   */
  | { readonly k: 'guard'; readonly form: GuardForm; readonly sharp: number; readonly u: Expr; readonly w: Expr; readonly style: GuardStyle; readonly into: number }
  /**
   * Reads past the end, each with a `??` fallback `e`: `for (let i = 0; i < X.length + extra; i++)
   * { const cur = X[i]; s += (cur ?? e) * (prev ?? e); prev = cur; }` (with `carry`: the read is
   * kept in a `let` overwritten each iteration), or `s += (X[i] ?? e) * …`, or (extra 2, no carry)
   * `const ahead = X[i] * e; s += i < X.length ? ahead : e` (NaN made past the end and not used).
   */
  | { readonly k: 'ragged'; readonly a: number; readonly extra: number; readonly carry: boolean; readonly e: Expr; readonly into: number }
  /**
   * A Float32Array local of X's length: `q[i] = e` (`e * 1e38` to overflow float32), read back and
   * compared: `q[i] === e` (the value float32 holds exactly?), `q[i] > 0` (the value used too),
   * `Number.isFinite(q[i])`, `q[i] !== e`; the value chosen between `l` and `r` is added to a `let`.
   */
  | { readonly k: 'float32'; readonly src: number; readonly at: number; readonly e: Expr; readonly test: number; readonly l: Expr; readonly r: Expr; readonly into: number }
  /**
   * A write past the end, `X[X.length] = e` or `X[-1] = e` (`minus`), then the element read back with
   * a `??` fallback: into a local typed array (which ignores it), or a plain array made for it
   * (`const g = [...X]`, or a literal: it grows), added to an element or a `let`.
   */
  | { readonly k: 'pastWrite'; readonly a: number; readonly copy: boolean; readonly minus: boolean; readonly e: Expr; readonly fallback: Expr; readonly into: number }
  /**
   * `wH(T, e, X);` of a writer helper (made only by a program's `writers` part): T a writable array
   * in scope of the kind and length its `dst` takes, X one its `src` accepts, T itself with `alias`
   * (`add(out, out, b)`); with `repeat` above 1, in `for (let pass = 0; pass < repeat; pass++)`.
   * Skipped without such a T.
   */
  | { readonly k: 'write'; readonly h: number; readonly target: number; readonly src: number; readonly alias: boolean; readonly e: Expr; readonly repeat: number }
  /**
   * An object state advanced by a state helper (made only by a program's `writers` part):
   * `const stN = { v: X.slice(), t: e };` (X an array in scope of the helper's length, copied to its
   * kind), `advanceH(stN, step);` (`repeat` times in a loop), then `stN.t * stN.v[index]` added to an
   * element or a `let` (`into`, as 'guard'); `stN.v` and `stN.t` stay in scope as an array and a number.
   */
  | { readonly k: 'state'; readonly h: number; readonly src: number; readonly e: Expr; readonly step: Expr; readonly repeat: number; readonly at: number; readonly into: number };

/**
 * A writer helper `wH(dst, alpha, src): void`, which writes into the array `dst` it is passed (the
 * caller keeps using it): `dst` has the kind and length of f's array parameter `of` (a `number[]` for a
 * read-only one), `src` the same kind (`same`) or a wider read-only one (`readonly number[]`,
 * `ArrayLike<number>`); a writer that calls an earlier one takes that one's kinds and length. Its
 * body, element by element in `for (let i = 0; i < dst.length; i++)` (`loop`)
 * or once, reads both arrays (any element in range: `dst[i + 1]`, `src[i - 1]`), may make local arrays,
 * and ends with `dst[i] op e * src[i]`; it may first call an earlier writer on dst
 * (`wJ(dst, alpha, src)`, or `wJ(dst, alpha, dst)`, aliased).
 */
export interface Writer {
  readonly of: number;
  readonly src: 'same' | 'wide';
  readonly loop: boolean;
  readonly body: readonly Stmt[];
  readonly op: StoreOp;
  readonly e: Expr;
  readonly calls: { readonly h: number; readonly alias: boolean } | null;
}

/**
 * A state helper `advanceH(st: { v: K; t: number }, h: number): void` (K `Float64Array` when f's
 * array parameter `of` is one, else `number[]`, of its length), which writes into the object it is
 * passed: its body (`loop`: element by element, `for (let i = 0; i < st.v.length; i++)`) reads and
 * writes `st.v` and `st.t`, then `st.v[i] op e`, and last `st.t += h * t`.
 */
export interface StateHelper {
  readonly of: number;
  /** Its parameter typed with `interface State { v: K; t: number }` declared in main.ts. */
  readonly named: boolean;
  readonly loop: boolean;
  readonly body: readonly Stmt[];
  readonly op: StoreOp;
  readonly e: Expr;
  readonly t: Expr;
}

/** Writer and state helpers (printed after the other helpers) and their calls, each put before f's statement `at` (modulo the body's length + 1). */
export interface Writers {
  readonly helpers: readonly Writer[];
  readonly states: readonly StateHelper[];
  readonly calls: readonly { readonly at: number; readonly st: Stmt }[];
}

/**
 * A local function of `f` (or of a helper), capturing what is in scope where it is declared:
 * - 'arrow': `const lfN = (tN: number) => e;`
 * - 'decl': `function lfN(tN: number): number { body; [if (l > r) return early;] return e; }`, whose body
 *   reads captured arrays (never writes them) and may update captured `let`s;
 * - 'bump': `const lfN = (tN: number) => { s op e; };` updating a captured `let` s (chosen by `t`),
 *   with `returns`, `const lfN = (tN: number): number => { s op e; return s; };`;
 * - 'reducer': `const lfN = (aN: number, tN: number) => aN + e` (`combine` as for 'reduce');
 * - 'array': `const lfN = (zN: readonly number[]) => e` (or `Float64Array`), reading zN, whose length is
 *   that of an array or data row in scope (chosen by `t`): it is called only with arrays of that length
 *   (data rows included).
 * Names are fresh, so no variable a local function captures is ever redeclared where it is called.
 */
export interface LocalFn {
  readonly form: 'arrow' | 'decl' | 'bump' | 'reducer' | 'array';
  readonly e: Expr;
  readonly body: readonly Stmt[];
  readonly early: { readonly l: Expr; readonly r: Expr; readonly e: Expr } | null;
  readonly t: number;
  readonly op: StoreOp;
  readonly returns: boolean;
  readonly combine: 'sum' | 'prod' | 'max';
}

/** What a helper returns after its body. */
export type HelperRet =
  | { readonly k: 'number'; readonly e: Expr }
  /** `const r = new Float64Array(m); r[0] = e0; …; return r;`, or `const r: number[] = [e0, …]; return r;` */
  | { readonly k: 'elems'; readonly f64: boolean; readonly elems: readonly Expr[] }
  /** `return z.map((v, k) => e);` */
  | { readonly k: 'map'; readonly e: Expr }
  /** A fresh local array of the body (length ≥ 1, not a view), else as 'elems'. */
  | { readonly k: 'local'; readonly a: number; readonly f64: boolean; readonly elems: readonly Expr[] };

/**
 * A module-level helper `gH(z, c)` called by `f` (neither exported nor marked): its array parameter
 * `z` has the kind and length of f's array parameter `of` (modulo), declared `readonly number[]` when
 * that is a `number[]` and `readonlyParam`; its body reads `z` (never writes it), may make and write
 * local arrays, assign `c`, call earlier helpers, and returns a number or a fresh array.
 */
export interface Helper {
  readonly of: number;
  readonly readonlyParam: boolean;
  /** When f has a data matrix: `z` is one of its rows instead (`number[]`, or `readonly number[]`; D elements). */
  readonly row: boolean;
  readonly body: readonly Stmt[];
  readonly ret: HelperRet;
}

export type Ret =
  | { readonly k: 'scalar'; readonly e: Expr }
  /** A local array (one of length ≥ 1 declared at the top level), else a literal of `elems`. */
  | { readonly k: 'local'; readonly a: number; readonly elems: readonly Expr[] }
  | { readonly k: 'literal'; readonly elems: readonly Expr[] }
  /** `return X.map((v, k) => e)` */
  | { readonly k: 'map'; readonly a: number; readonly e: Expr };

/** The type of the data matrix `M` (n rows of D numbers), a parameter f only reads. */
export type MatrixType = 'number[][]' | 'readonly (readonly number[])[]';

/**
 * Read-only data parameters of `f` (never differentiated): `M` (n rows of D), `pts: { x: number; w: number }[]`
 * (n points), `opts: { scale: number; on: boolean }`.
 */
export interface DataParams {
  readonly matrix: MatrixType | null;
  readonly points: boolean;
  readonly opts: boolean;
}

export interface ArrayProgram {
  /** Rows n, columns D of the matrix-shaped parameters, K for the 'k' shape. */
  readonly n: number;
  readonly d: number;
  readonly kLength: number;
  readonly arrays: readonly ArrayParam[];
  readonly scalars: number;
  readonly data: DataParams;
  /** Rotates the parameter list (arrays first, then scalars, then data) by this much. */
  readonly rotate: number;
  /** Bit i set: numeric parameter i (printed order) is differentiated; 0 or all bits: plain `@differentiable`. */
  readonly wrtMask: number;
  /** Printed before `f`, in order; each may call the earlier ones. */
  readonly helpers: readonly Helper[];
  /**
   * Function declarations printed after f's `return` (hoisted: callable from the start of the body), as
   * 'decl' local functions capturing only f's parameters.
   */
  readonly hoisted: readonly LocalFn[];
  readonly body: readonly Stmt[];
  readonly ret: Ret;
  /** Seed of the evaluation points. */
  readonly seed: number;
  /** Helpers named like generated locals (`value`, `tape`, `out`, …) instead of g0, g1… */
  readonly helperNames: boolean;
  /** Writer helpers and their calls, or none. */
  readonly writers: Writers | null;
}

/**
 * Forms the generator leaves out while the compiler mishandles them (each reported with a minimal
 * program when it was found). Set one to false once its bug is fixed: the property tests then cover
 * the form again.
 */
export const avoid = {
  /**
   * `g[-1]` on a plain array is a property, not an element: the compiler rejects a literal negative
   * index there (ADC102, errors/negative-index), so plain arrays are written at `g.length` instead.
   * (A computed index that turns negative is not rejected, and its property has no adjoint.)
   */
  minusOneOnPlainArrays: true,
  /**
   * A writer helper called on an array held by a local object, `w0(st.v, p)` (the caller keeps using
   * st.v): rejected, with ADC108 "'w0' returns 'void'; a differentiated function must return a
   * number, …", as if it were no writer (on an object parameter's array, `w0(s.v, p)`, it is
   * inlined and right). So writers are called on arrays held by variables only. Found by this
   * generator (seed 1):
   *   function w0(dst: number[], a: number): void { dst[0] += a * dst[0]; }
   *   function f(x: number[], p: number): number { const st = { v: x.slice(), t: 1 }; w0(st.v, p); return st.v[0]; }
   * (Fixed by f21970d: a callee writing into an object's array property is inlined.)
   */
  writersOnObjectArrays: false,
};

/** Math forms on operands u, v, all bounded or with arguments in their domain. */
export const mathForms: readonly string[] = [
  'Math.sin(u)',
  'Math.cos(u)',
  'Math.tanh(u)',
  'Math.atan(u)',
  'Math.exp(Math.sin(u))',
  'Math.log(1 + u * u)',
  'Math.sqrt(1 + u * u)',
  'Math.max(u, v)',
  'Math.min(u, v)',
  'Math.hypot(u, v, 1)',
  'Math.abs(u)',
  'u * Math.cos(v)',
];

/** true with probability 1/n; shrinks to false. */
const sometimes = (n: number) => fc.oneof({ weight: n - 1, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
const literal = fc.constantFrom(1, 0.5, 2, 0.25, 1.5, -1, 0, 3);
const index = fc.nat({ max: 30 });

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
    { weight: 5, arbitrary: fc.record({ k: fc.constant('read' as const), a: index, at: index }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('num' as const), i: index }) },
    { weight: 1, arbitrary: literal.map((v): Expr => ({ k: 'lit', v })) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('counter' as const), i: index }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('len' as const), a: index }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('data' as const), f: index, at: index, at2: index }) },
  );
  if (depth <= 0) return leaf;
  const e = exprArb(depth - 1);
  return fc.oneof(
    { weight: 4, arbitrary: leaf },
    { weight: 5, arbitrary: fc.record({ k: fc.constant('bin' as const), op: fc.constantFrom('+' as const, '-' as const, '*' as const), l: e, r: e }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('neg' as const), e }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('div' as const), l: e, r: e }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('math' as const), f: fc.nat({ max: mathForms.length - 1 }), l: e, r: e }) },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant('reduce' as const),
        a: index,
        form: fc.constantFrom('sum' as const, 'prod' as const, 'max' as const),
        mapped: sometimes(3),
        init: exprArb(0),
        body: e,
      }),
    },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('call' as const), h: index, arg: index, e }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('cond' as const), c: index, at: index, l: e, r: e }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('local' as const), f: index, e }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('fnReduce' as const), a: index, f: index, init: exprArb(0) }) },
  );
});

const storeOp = fc.constantFrom<StoreOp>('=', '+=', '-=', '*=');
const arrayForms: readonly LocalArrayForm[] = [
  'zeros',
  'fill',
  'literal',
  'f64literal',
  'slice',
  'sliceFrom',
  'sliceTo',
  'subarray',
  'spread',
  'copy',
  'map',
  'mapFn',
  'push',
  'pushOf',
];

/** A local function whose 'decl' body is a block of depth `depth` (none at depth < 0). */
const localFnArb: (depth: number) => fc.Arbitrary<LocalFn> = memo((depth) =>
  fc.record({
    form: fc.constantFrom<LocalFn['form']>('arrow', 'decl', 'bump', 'reducer', 'array'),
    e: exprArb(2),
    body: depth < 0 ? fc.constant([]) : fc.oneof(fc.constant([]), blockArb(depth)),
    early: fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.record({ l: exprArb(1), r: exprArb(1), e: exprArb(1) }) }),
    t: index,
    op: storeOp,
    returns: sometimes(3),
    combine: fc.constantFrom('sum' as const, 'prod' as const, 'max' as const),
  }),
);

const blockArb: (depth: number) => fc.Arbitrary<readonly Stmt[]> = memo((depth) => fc.array(stmtArb(depth), { minLength: 1, maxLength: depth >= 2 ? 6 : 3 }));

const stmtArb: (depth: number) => fc.Arbitrary<Stmt> = memo((depth) => {
  const e = exprArb(2);
  const store = fc.record({ k: fc.constant('store' as const), a: index, at: index, op: storeOp, e });
  const simple: { weight: number; arbitrary: fc.Arbitrary<Stmt> }[] = [
    { weight: 3, arbitrary: fc.record({ k: fc.constant('let' as const), konst: fc.boolean(), e }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('set' as const), t: index, op: storeOp, e }) },
    {
      weight: 3,
      arbitrary: fc.record({
        k: fc.constant('array' as const),
        form: fc.constantFrom(...arrayForms),
        src: index,
        elems: fc.array(exprArb(1), { minLength: 1, maxLength: 4 }),
        e: exprArb(1),
        typed: fc.boolean(),
      }),
    },
    { weight: 6, arbitrary: store },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('fill' as const), a: index, e: exprArb(1) }) },
    {
      weight: 3,
      arbitrary: fc.record({
        k: fc.constant('call' as const),
        h: index,
        arg: index,
        e: exprArb(1),
        uses: fc.array(fc.record({ a: index, at: index, op: storeOp, from: index, e: exprArb(1) }), { minLength: 1, maxLength: 3 }),
      }),
    },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('bind' as const), which: index, at: index }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('fn' as const), fn: localFnArb(depth - 1) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('callFn' as const), f: index, a: index, each: fc.boolean(), e: exprArb(1) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant('guard' as const),
        form: fc.constantFrom(...guardForms),
        sharp: fc.nat({ max: 5 }),
        u: exprArb(1),
        w: exprArb(1),
        style: fc.constantFrom(...guardStyles),
        into: index,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        k: fc.constant('float32' as const),
        src: index,
        at: index,
        e: exprArb(1),
        test: fc.nat({ max: 3 }),
        l: exprArb(1),
        r: exprArb(1),
        into: index,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ k: fc.constant('pastWrite' as const), a: index, copy: fc.boolean(), minus: fc.boolean(), e: exprArb(1), fallback: exprArb(0), into: index }),
    },
  ];
  if (depth <= 0) return fc.oneof(...simple);
  const inner = blockArb(depth - 1);
  return fc.oneof(
    ...simple,
    {
      weight: 6,
      arbitrary: fc.record({ k: fc.constant('for' as const), a: index, form: fc.constantFrom('full' as const, 'from1' as const, 'inner' as const, 'down' as const), body: inner }),
    },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('forOf' as const), a: index, body: inner }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('forEach' as const), a: index, body: inner }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('cols' as const), body: inner }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('passes' as const), n: fc.integer({ min: 1, max: 3 }), body: inner }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('if' as const), l: exprArb(1), r: exprArb(1), then: inner, else: fc.oneof(fc.constant([]), inner) }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('forData' as const), which: index, form: fc.constantFrom('of' as const, 'index' as const), body: inner }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('ifData' as const), c: index, at: index, then: inner, else: fc.oneof(fc.constant([]), inner) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('ragged' as const), a: index, extra: fc.integer({ min: 1, max: 2 }), carry: fc.boolean(), e: exprArb(1), into: index }) },
  );
});

const retArb: fc.Arbitrary<Ret> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ k: fc.constant('scalar' as const), e: exprArb(3) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('local' as const), a: index, elems: fc.array(exprArb(2), { minLength: 1, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('literal' as const), elems: fc.array(exprArb(2), { minLength: 1, maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('map' as const), a: index, e: exprArb(2) }) },
);

const helperRetArb: fc.Arbitrary<HelperRet> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('number' as const), e: exprArb(2) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('elems' as const), f64: fc.boolean(), elems: fc.array(exprArb(2), { minLength: 1, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('map' as const), e: exprArb(2) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('local' as const), a: index, f64: fc.boolean(), elems: fc.array(exprArb(2), { minLength: 1, maxLength: 3 }) }) },
);

const helperArb: fc.Arbitrary<Helper> = fc.record({
  of: index,
  readonlyParam: fc.boolean(),
  row: fc.boolean(),
  body: fc.oneof(fc.constant([]), blockArb(1)),
  ret: helperRetArb,
});

/** A third of the programs have helpers; shrinks to none. */
const helpersArb: fc.Arbitrary<readonly Helper[]> = fc.oneof(
  { weight: 2, arbitrary: fc.constant([]) },
  { weight: 1, arbitrary: fc.array(helperArb, { minLength: 1, maxLength: 2 }) },
);

/** A parameter's type: a quarter of them a union, whose kind is only known at run time. */
const arrayKindArb: fc.Arbitrary<ArrayKind> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<ArrayKind>('Float64Array', 'number[]', 'readonly number[]') },
  { weight: 1, arbitrary: fc.constantFrom<ArrayKind>('number[] | Float64Array', 'ArrayLike<number>') },
);

function writersArb(): fc.Arbitrary<Writers> {
  const call = fc.record({
    k: fc.constant('write' as const),
    h: index,
    target: index,
    src: index,
    alias: sometimes(3),
    e: exprArb(1),
    repeat: fc.oneof({ weight: 3, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 3 }) }),
  });
  const writer = fc.record({
    of: index,
    src: fc.constantFrom('same' as const, 'wide' as const),
    loop: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    body: fc.oneof(fc.constant([]), blockArb(0)),
    op: storeOp,
    e: exprArb(1),
    calls: fc.option(fc.record({ h: index, alias: fc.boolean() }), { nil: null }),
  });
  const state = fc.record({
    k: fc.constant('state' as const),
    h: index,
    src: index,
    e: exprArb(1),
    step: exprArb(1),
    repeat: fc.oneof({ weight: 2, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 3 }) }),
    at: index,
    into: index,
  });
  const stateHelper = fc.record({
    of: index,
    named: fc.boolean(),
    loop: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    body: fc.oneof(fc.constant([]), blockArb(0)),
    op: storeOp,
    e: exprArb(1),
    t: exprArb(1),
  });
  return fc.record({
    helpers: fc.array(writer, { minLength: 2, maxLength: 2 }),
    states: fc.array(stateHelper, { minLength: 1, maxLength: 1 }),
    calls: fc.array(fc.record({ at: index, st: fc.oneof({ weight: 3, arbitrary: call }, { weight: 2, arbitrary: state }) }), { minLength: 1, maxLength: 3 }),
  });
}

export const arrayProgramArb: fc.Arbitrary<ArrayProgram> = fc.record({
  n: fc.integer({ min: 1, max: 5 }),
  d: fc.integer({ min: 1, max: 3 }),
  kLength: fc.integer({ min: 1, max: 4 }),
  arrays: fc.array(fc.record({ kind: arrayKindArb, shape: fc.constantFrom<Shape>('n', 'n', 'nd', 'k') }), {
    minLength: 1,
    maxLength: 3,
  }),
  scalars: fc.nat({ max: 2 }),
  data: fc.record({
    matrix: fc.oneof(
      { weight: 2, arbitrary: fc.constant(null) },
      { weight: 2, arbitrary: fc.constant<MatrixType>('number[][]') },
      { weight: 1, arbitrary: fc.constant<MatrixType>('readonly (readonly number[])[]') },
    ),
    points: sometimes(3),
    opts: sometimes(3),
  }),
  rotate: fc.nat({ max: 7 }),
  wrtMask: fc.nat({ max: 31 }),
  helpers: helpersArb,
  /** A quarter of the programs; shrinks to none. */
  hoisted: fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(localFnArb(0), { minLength: 1, maxLength: 2 }) }),
  body: blockArb(2),
  ret: retArb,
  seed: fc.nat(),
  helperNames: sometimes(4),
  // Last, so that the programs without writers are those a seed made before writers existed.
  writers: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: writersArb() }),
});
