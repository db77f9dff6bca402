/**
 * The object part of the random scalar programs (programs.ts), as fast-check
 * arbitraries: object parameters of `f`, helpers taking objects, and the
 * object statements put into f's body (printed by object-program-text.ts).
 *
 * A program with objects takes one or two object parameters among its numbers:
 * `p: { x: number; y: number; k: number }` or `p: { pos: { x: number; y:
 * number }; w: number }`, written inline or as an interface declared in the file
 * (`State`, `Body` with `pos: Vec2`), sometimes with a data property (`on:
 * boolean`, `tag: string`, never differentiated). Every number of an object in
 * scope (`p.x`, `p.pos.y`, `o3.y`) is a variable the numeric statements read and
 * assign (`p.x += …`, `o3.y++`), and the object statements below make locals
 * (`{ x: a, y: b }` literals, `{ ...p, k: e }` spreads, destructuring, a second
 * name `const r = p` written through, `let s` replaced as a whole in loops, `s =
 * { ...s, y: e }`), branch on data (`if (p.on)`, `if (p.tag === "up")`) and call
 * helpers that take an object of numbers `{ x; y }` (any object in scope that has
 * them: `p`, `p.pos`, a local): `ovH(a, c)` returns a fresh object, `onH(a, c)` a
 * number, and the writer `owH(a, c): void` writes into the object it was passed
 * (which the caller keeps using), possibly first calling an earlier writer; the
 * bodies of all three may assign the numbers of `a` (a helper writing into its
 * argument is a writer too). Object parameters are always differentiated (a
 * `wrt` without them would make them read-only data, which these programs write).
 *
 * An object parameter may hold a matrix `W: number[][]` (2 or 3 rows of 1 to 3
 * numbers, ragged allowed; also inside a nested object: `p.lin.W`, `p.pos.W`),
 * differentiated element by element. Matrix statements (`MatrixRead`,
 * `MatrixWrite`, `MatrixAlias`, printed by matrix-programs.ts) come on top of the
 * object statements, in f's body and in loops and branches mixed with numeric and
 * object ones: index loops over `W.length` and `W[i].length`, rows as values (`for
 * (const row of W)`, `W.map`, `W.reduce`, `W.forEach`, `rowDot(W[i], e)`), element
 * writes, `const m = p.W`, and helpers taking the matrix; numeric statements read
 * some of its elements (`p.W[0][0]`) as they read the objects' numbers.
 *
 * An object parameter may also hold a list, an array of objects (`pts`, `bodies`,
 * `layers`: list-programs.ts), whose first and last elements are objects in scope like
 * the others, and list statements (the 'oNum', 'oWrite' and 'oAlias' statements with a
 * `list`, printed by list-program-text.ts) come on top of the matrix ones.
 */
import fc from 'fast-check';
import type { Cond, Expr, Stmt } from './programs';
import { listKey, listOf, listParamArb, listStatementArb, type ListAlias, type ListKind, type ListParam, type ListRead, type ListWrite } from './list-programs';

/**
 * A property of an object type: a number, data (a string or a boolean), a matrix, a nested object,
 * a numeric array (`v: number[]`, in the elements of lists) or a list (an array of objects).
 */
export interface Field {
  readonly key: string;
  readonly t: 'number' | 'string' | 'boolean' | Matrix | ObjectShape | Vector | List;
}
export type ObjectShape = readonly Field[];

/** A `number[][]` property: the lengths of its rows (the arguments have them; ragged allowed). */
export interface Matrix {
  readonly rows: readonly number[];
}

/** A `number[]` property of this many elements. */
export interface Vector {
  readonly elements: number;
}

/**
 * A list: an array of objects (`pts: Point[]`), each element of its own shape (the same keys and
 * types; the lengths of their arrays and matrices may differ), typed `${name}[]` with the
 * interface list-programs.ts declares, or inline.
 */
export interface List {
  readonly list: readonly ObjectShape[];
  readonly kind: ListKind;
  /** The interface its elements are typed with (list-programs.ts `elementTypes`), or inline where null. */
  readonly name: string | null;
}

export const isMatrix = (t: Field['t']): t is Matrix => typeof t === 'object' && 'rows' in t;
export const isVector = (t: Field['t']): t is Vector => typeof t === 'object' && 'elements' in t;
export const isList = (t: Field['t']): t is List => typeof t === 'object' && 'list' in t;
export const isShape = (t: Field['t']): t is ObjectShape => Array.isArray(t);

/** `{ x: number; y: number }`: what object helpers take and return. */
export const VEC2: ObjectShape = [
  { key: 'x', t: 'number' },
  { key: 'y', t: 'number' },
];

/** An object parameter of `f`. */
export interface ObjectParam {
  /** 'flat': `{ x; y; k }`; 'nested': `{ pos: { x; y }; w }`. */
  readonly form: 'flat' | 'nested';
  /** Typed with an interface declared in main.ts (`State`, `Body` with `pos: Vec2`) rather than inline. */
  readonly named: boolean;
  /** A data property (`on: boolean` last, `tag: string` before the last number), or none. */
  readonly data: 'none' | 'boolean' | 'string';
  /** Its position among f's parameters (modulo their count + 1). */
  readonly at: number;
  /**
   * A matrix property `W: number[][]` with rows of these lengths, or none: `{ x; y; W; k }`, `{ pos;
   * w; W }`, or `inside` a nested object: `{ x; y; k; lin: { W; b } }`, `{ pos: { x; y; W }; w }`.
   */
  readonly matrix: { readonly rows: readonly number[]; readonly inside: boolean } | null;
  /** A list property (last among the numbers: `pts`, `bodies` or `layers`), or none. */
  readonly list: ListParam | null;
}

/** The type of an object parameter, properties in declaration order. */
export function paramShape(p: ObjectParam): ObjectShape {
  const W: Field | undefined = p.matrix ? { key: 'W', t: { rows: p.matrix.rows } } : undefined;
  const inside = W && p.matrix?.inside;
  const flat: Field[] = [...VEC2, ...(W && !inside ? [W] : []), { key: 'k', t: 'number' }];
  const list: Field[] = p.list ? [{ key: listKey(p.list.kind), t: listOf(p.list) }] : [];
  const own: Field[] =
    p.form === 'flat'
      ? inside
        ? [...flat, { key: 'lin', t: [W, { key: 'b', t: 'number' }] }]
        : flat
      : [{ key: 'pos', t: inside ? [...VEC2, W] : VEC2 }, { key: 'w', t: 'number' }, ...(W && !inside ? [W] : [])];
  const numbers = [...own, ...list];
  if (p.data === 'boolean') return [...numbers, { key: 'on', t: 'boolean' }];
  if (p.data === 'string') return [...numbers.slice(0, -1), { key: 'tag', t: 'string' }, numbers[numbers.length - 1]];
  return numbers;
}

/**
 * Statements on objects (part of programs.ts's `Stmt`; only the object part generates them). Objects are
 * chosen by index, modulo those in scope that fit; a statement with nothing to act on is left out.
 */
export type ObjectStmt =
  /** `const|let oN = { x: a, y: b };` (typed `: Vec2` when `typed`). */
  | { readonly k: 'oLiteral'; readonly konst: boolean; readonly typed: boolean; readonly a: Expr; readonly b: Expr }
  /** `const oN = { ...src, key: e };`: a shallow copy (a nested object stays shared) with one number replaced. */
  | { readonly k: 'oSpread'; readonly src: number; readonly key: number; readonly e: Expr }
  /** `const { x: vN, pos: oM } = src;` (or `let`, or shorthand `{ x, y }` where the names are free): every non-data property. */
  | { readonly k: 'oDestructure'; readonly src: number; readonly konst: boolean; readonly shorthand: boolean }
  /**
   * `const oN = src; oN.key += e;`: a second name for an object never replaced, written through; with
   * `matrix`, where a matrix is in scope, one for a matrix (`const mN = p.W; mN[r][c] += e;`).
   */
  | { readonly k: 'oAlias'; readonly src: number; readonly key: number; readonly e: Expr; readonly matrix: MatrixAlias | null; readonly list?: ListAlias }
  /** A `let` object replaced as a whole: `s = { x: a, y: b }`, `s = { ...s, y: b }` or `s = ovH(s, a)` (bounded in loops). */
  | { readonly k: 'oReplace'; readonly t: number; readonly form: 'literal' | 'spread' | 'call'; readonly h: number; readonly a: Expr; readonly b: Expr }
  /** `owH(target, e);`: a writer helper on an object in scope; with `matrix`, where a matrix is in scope, writes into it. */
  | { readonly k: 'oWrite'; readonly h: number; readonly target: number; readonly e: Expr; readonly matrix: MatrixWrite | null; readonly list?: ListWrite }
  /** `const|let oN = ovH(src, e);` */
  | { readonly k: 'oMake'; readonly h: number; readonly src: number; readonly e: Expr; readonly konst: boolean }
  /** `const vN = onH(src, e);`; with `matrix`, where a matrix is in scope, a number read from it. */
  | { readonly k: 'oNum'; readonly h: number; readonly src: number; readonly e: Expr; readonly matrix: MatrixRead | null; readonly list?: ListRead }
  /** `if (p.on) { … } else { … }`, `if (p.tag === "up") …` on a data property in scope (else a numeric condition). */
  | { readonly k: 'oData'; readonly c: number; readonly cond: Cond; readonly then: readonly Stmt[]; readonly else: readonly Stmt[] }
  /**
   * `for (let i = 0; i < n; i++) { … }` mixing object and numeric statements; with `state`, the state of
   * an integrator: `let s = { x: a, y: b };` before the loop, replaced at the end of each iteration
   * (`s = { x: s.x + Math.sin(…), y: … }`, `s = ovH(s, …)`, as 'oReplace' prints in a loop).
   */
  | {
      readonly k: 'oLoop';
      readonly n: number;
      readonly state: { readonly a: Expr; readonly b: Expr; readonly next: Extract<ObjectStmt, { k: 'oReplace' }> } | null;
      readonly body: readonly Stmt[];
    };

/**
 * The matrix statements (printed by matrix-programs.ts), on a matrix in scope chosen by `m` (modulo):
 * `p.W` of an object parameter or a copy sharing it (`{ ...p }.W`), `p.lin.W`, `p.pos.W`, or a name
 * bound to one (`const m2 = p.W`, `const { W } = p`). Each element term is bounded (`Math.sin(u *
 * e)`, `u * Math.cos(e)`, …: `term`, modulo), and loops run over `M.length` and `M[i].length`.
 */
export interface MatrixRead {
  readonly m: number;
  /**
   * A number made of the matrix, bound to a new local `vN`: 'loops' sums a term of each `M[i][j]`;
   * 'forOf' sums over `for (const row of M)`; 'map' reduces `M.map((row) => …)` (or reads the array
   * it made); 'reduce' is `M.reduce((s, row, i) => s + …, 0)`; 'forEach' sums in `M.forEach((row, i)
   * => { … })`; 'dot' is `rowDot(M[r], e)`; 'helper' is `matSum(M, e)` (a helper taking the matrix).
   */
  readonly form: 'loops' | 'forOf' | 'map' | 'reduce' | 'forEach' | 'dot' | 'helper';
  /** How a row gives a number (`row[0]`, `row[row.length - 1]`, `row.reduce(…)`, `rowDot(row, e)`, a loop over it), or which row: modulo. */
  readonly row: number;
  readonly term: number;
  readonly e: Expr;
}

export interface MatrixWrite {
  readonly m: number;
  /**
   * 'loops' writes every `M[i][j]`, 'column' each `M[i][0]`, 'element' one `M[r][c]` (from `at`),
   * with `op`; 'helper' calls a helper writing into the matrix (`matStep(M, e)`, `matRows(M, e)`) or
   * one reading it and writing into an object in scope (`matInto(M, o, e)`), by `at`.
   */
  readonly form: 'loops' | 'column' | 'element' | 'helper';
  /** `u = Math.sin(u + e)`, `u += e` (`Math.sin(e)` in loops), `u *= Math.cos(e)`, `u++`. */
  readonly op: '=' | '+=' | '*=' | '++';
  readonly at: number;
  readonly e: Expr;
}

/** `const mN = M; mN[r][c] += e;` (r, c from `at`): a second name of the matrix, written through. */
export interface MatrixAlias {
  readonly m: number;
  readonly at: number;
  readonly e: Expr;
}

/** A helper taking an object `a` with numbers x and y, and a number `c`. */
export interface ObjectHelper {
  /** 'vec' returns a fresh `{ x; y }`, 'num' a number, 'writer' nothing (it writes `a.y += e` last). */
  readonly form: 'vec' | 'num' | 'writer';
  readonly body: readonly Stmt[];
  readonly a: Expr;
  readonly b: Expr;
  /** How 'vec' returns: `{ x: a, y: b }`, `{ ...a, y: b }`, or a local `r` made, written, returned. */
  readonly ret: 'literal' | 'spread' | 'local';
  /** A writer first calls an earlier writer on the same object (modulo), when there is one. */
  readonly calls: number | null;
  /** Its parameter typed `Vec2` (declared in main.ts) rather than `{ x: number; y: number }`. */
  readonly named: boolean;
}

export interface ObjectPart {
  readonly params: readonly ObjectParam[];
  /** Printed after the numeric helpers of main.ts, in order; a writer may call the earlier writers. */
  readonly helpers: readonly ObjectHelper[];
  /** Statements put into f's top-level body, each before its statement `at` (modulo the body's length + 1). */
  readonly steps: readonly { readonly at: number; readonly st: Stmt }[];
}

/**
 * Forms the generator leaves out while the compiler mishandles them (each reported with a minimal
 * program when it was found). Set one to false once its bug is fixed: the property tests then cover
 * the form again.
 */
export const avoid = {
  /**
   * Destructuring a property that is an object, `const { pos: o1 } = p` (or `const { pos } = p`): o1
   * is p.pos, one object with two names, but the generated code copies its numbers where it is
   * declared (`let o1_x = p_pos_x`), so a later write through either name (`p.pos.x += 1`) is not
   * seen through the other. `const o1 = p.pos` is right. Found by this generator (seed 7):
   *   function f(p: { pos: { x: number; y: number }; w: number }, t: number): number {
   *     const { pos: o1 } = p; p.pos.x += 1; return o1.x * t; }
   * at p = { pos: { x: 2, y: 3 }, w: 1 }, t = 5: f = 15, f_grad's value 10 and ∂f/∂t 2 (not 3).
   * (Fixed: such a name is the object itself; fixture objects/shared-objects.)
   */
  destructuredObjects: false,
  /**
   * A variable copied onto itself in a loop after an update (`a = a + Math.sin(t); a = a;`, or through a
   * copy `const b = a; a = b;`) gets twice its adjoint in reverse mode; an object replaced with a spread
   * of itself (`s = { ...s, y: 3 }`, `s.x` copied onto itself) or with a helper's `{ ...a, y: b }` is
   * one. So in loops, a `let` object is replaced by a literal of new numbers only. Found by this
   * generator (seed 2), with numbers alone:
   *   function f(t: number): number {
   *     let a = t; for (let i = 0; i < 1; i++) { a = a + Math.sin(t); a = a; } return a; }
   * at t = 0.5: f_grad 2.7551651237807455 = 1 + 2·cos(0.5), f_jvp and finite differences
   * 1.8775825618903728 = 1 + cos(0.5); without the loop both are right.
   * (Fixed: a loop whose accumulator is stored twice is not fused; fixture basics/order-of-updates.)
   */
  selfCopiesInLoops: false,
  /**
   * A spread copies shallowly: `const o = { ...p, w: 1 }` shares p.pos (`o.pos === p.pos`), but the
   * generated code copies its numbers, so a write through one (`o.pos.x = t * t`) is not seen through
   * the other. So spreads copy only objects without nested ones. Found by this generator (seed 3):
   *   function f(p: { pos: { x: number; y: number }; w: number }, t: number): number {
   *     const o = { ...p, w: 1 }; o.pos.x = t * t; return p.pos.x + o.w; }
   * at p = { pos: { x: 2, y: 3 }, w: 5 }, t = 3: f = 10, f_grad's value 3, ∂f/∂t 0 (not 6), ∂f/∂p.pos.x 1 (not 0).
   * (Fixed: the nested objects are shared; fixture objects/shared-objects.)
   */
  sharedNestedObjects: false,
  /**
   * A helper that returns a local object it made (`const r = { x: c, y: a.y }; return r;`) is taken to
   * return one of its arguments: `const o = ov0(p, t)` followed by a write into o or p is rejected,
   * ADC102 "'o = ov0(p, t)' makes one object of two, and the function writes into it; copy it
   * instead" (returning the literal itself is accepted). So helpers return literals. Found by this
   * generator (seed 6):
   *   function ov0(a: { x: number; y: number }, c: number): { x: number; y: number } { const r = { x: c, y: a.y }; return r; }
   *   function f(p: { x: number; y: number }, t: number): number { const o = ov0(p, t); p.x = t; return o.x + p.x; }
   * (Fixed: a helper's result is the object it returns, its argument or a local of its own.)
   */
  returnedLocals: false,
  /**
   * A helper that returns a local object it made (`return r`) and, on another path, another fresh
   * object (`return { x: c, y: 1 }`, `return { ...a, x: c }`) is taken to return its argument:
   * `let o = ov1(p, t)` followed by a write into p is rejected, ADC102 "'o1 = ov1(p, t)' makes one
   * object of two, and the function writes into it … copy it instead" (either return alone is
   * accepted). So a helper whose body returns early returns a literal last. Found by this generator
   * (seed 15 of a run of programs with matrices only), though matrices play no part (the compiler
   * before matrices rejects it too):
   *   function ov1(a: { x: number; y: number }, c: number): { x: number; y: number } {
   *     if (c > 5) return { x: c, y: 1 }; const r = { x: c, y: a.y }; return r; }
   *   function f(p: { x: number; y: number; k: number }, t: number): number { let o1 = ov1(p, t); p.y += t; return o1.x + p.y; }
   */
  localAndOtherReturns: true,
  /**
   * A helper taking a matrix that returns a number (`matSum(W: readonly (readonly number[])[], c:
   * number): number`) is rejected where it is called with a matrix: ADC102 "the object 'p.W' where
   * a number or an array is expected" (a helper returning nothing, `matStep(W: number[][], c):
   * void`, is inlined and right); so is one that also writes `W[i][j]`. So matrices go to helpers
   * returning nothing (`matSum(M, e)` is printed as the same loops inline). Found by this generator (seed 1):
   *   function matSum(W: number[][], c: number): number { let s = 0; for (let i = 0; i < W.length; i++) s += W[i][0] * c; return s; }
   *   function f(p: { x: number; W: number[][] }, t: number): number { return matSum(p.W, t) * p.x; }
   * (Fixed: a helper passed a matrix is inlined, as one taking an object is; also `matDecay`, which
   * writes `W[i][j]` and returns a number.)
   */
  matrixHelpersReturning: false,
  /**
   * A row of a ragged matrix taken as a value in a loop (`for (const row of W)`, `W.forEach((row) =>
   * …)`, `W.map`, `W.reduce`, `dot(W[i], x)` with i a loop index), where the loop is not fused into
   * one sweep, gets in reverse mode an adjoint array of the length of the last row (`let row_bar =
   * new Array(row.length)`, `adc.zeroedLike(row_bar, row.length)` with `row` as the last iteration
   * left it): where an earlier row is longer, the elements of its adjoint past that length are NaN
   * (`row_bar[j] += …`), or skipped. Read at a loop index `j`, through `row.reduce(…)`, a helper
   * looping over it, or at `row[row.length - 1]`: NaN in the gradient. Found by this generator (seed 13
   * of a run of programs with matrices only, `programArb.filter(…)`):
   *   function f(p: { W: number[][] }): number {
   *     let s = 0; for (const row of p.W) { for (let j = 0; j < row.length; j++) s += row[j]; s *= 2; } return s; }
   * at p.W = [[0.2, 0.4], [0.6]]: f = 3.6, f_grad's W [[4, NaN], [2]] (not [[4, 4], [2]]); with the rows
   * the other way round it is right. The same with `s = Math.sin(s + row.reduce((d, u) => d + u, 0))`
   * as the loop's body: [[0.326…, NaN], [0.395…]]; with `s = Math.sin(s + row[row.length - 1])` at
   * [[0.2, 0.4, 0.1], [0.6]]: [[0, NaN, 0.761…], [0.764…]].
   * (Now refused at run time: generated code throws a RangeError where rows of different lengths are
   * taken as values in a loop (README); the reverse sweep's adjoint of such a row variable is still to
   * fix. So rows of a ragged matrix are not taken as values in loops at all: there it is read by
   * index loops (`W[i][j]`), `rowDot(W[r], e)` outside loops, and helpers that index it; rectangular
   * matrices, two in three, keep every form.)
   * (Fixed by 3467e0c: the reverse sweep keeps the length of the array each assignment replaces, so
   * the RangeError is gone and rows of any lengths are taken as values in loops again.)
   */
  raggedRowLoops: false,
  /**
   * `&&=` on a number of a list element (`p.pts[0].x &&= e`, `q.x &&= e` through `const q = p.pts[0]`,
   * or in a helper passed an element, `function ow0(a: Vec2, c: number): void { a.y &&= c; }` called
   * as `ow0(p.pts[0], t)`) is rejected: ADC102 "'&&=' on an array element (write `if (p.pts[0].x)
   * p.pts[0].x = …`)", while `||=` there, and `&&=` on an object parameter's number, are accepted. So
   * the numbers of list elements are no targets of the numeric statements (which may use `&&=`;
   * they read them, and the list statements write them with `=`, `+=`, `-=`, `*=`, `/=`, `||=`, `++`,
   * `--`), and object helpers (whose bodies may use `&&=`) are not passed list elements (the list
   * statements' own helpers, `nudge(p.pts[0], e)`, are). Found by this generator (seed 1):
   *   function f(p: { bodies: { p: { x: number; y: number }; v: number[]; m: number }[] }, t: number): number {
   *     p.bodies[0].m &&= t; return p.bodies[0].m; }
   * (Fixed: `&&=` on a property of a list's object is accepted; on an element of an array it stays an error.)
   */
  andAssignOnListElements: false,
  /**
   * Rows of a list element's matrix taken as values (`for (const row of q.W)`, `q.W.reduce((d, row)
   * => …)`, `q.W.map(…)`), where the element is named by a loop (`for (const q of p.layers)`,
   * `p.layers[i]`), a second name (`const q = p.layers[1]`) or a helper's parameter, or inside any
   * loop: ADC199, "internal error while compiling 'f': Cannot read properties of undefined (reading
   * 'k')" (at the top level, `for (const row of p.layers[0].W)` is accepted). So rows of list elements'
   * matrices are read by index loops (`q.W[i][j]`), and matrix statements on them take no rows as
   * values. Found by this generator (seed 1):
   *   function f(q: { layers: { W: number[][]; b: number[] }[] }, t: number): number {
   *     let v = 0; for (const l of q.layers) for (const row of l.W) v += row[0] * t; return v; }
   * (Fixed by 3467e0c, "rows and objects a name stands for are the matrix's own": the forms are
   * back; seeds 1 to 4 of programs with lists only, 50 each, pass.)
   */
  rowsOfElementMatrices: false,
  /**
   * A spread of a list element that holds an array (`const o = { ...p.bodies[1], m: t }`: o.v is
   * p.bodies[1].v, one array) is rejected once that array is written anywhere after it (`p.bodies[1].v[0]
   * *= t`, `drift(p.bodies[1], t)`): ADC114 "array aliasing is not supported: a row of the matrix
   * 'p.bodies[1]' is a copy of its numbers here, and 'p_bodies_v_data' is written while it is in use;
   * write the matrix's elements (`W[i][j] = …`), or copy the row with slice()" (no matrix is involved;
   * a spread of the object holding the list, `{ ...p, k: t }`, is right). So list elements holding
   * arrays are not spread. Found by this generator (seed 8 of a run of programs with lists only):
   *   function f(p: { bodies: { v: number[]; m: number }[] }, t: number): number {
   *     const o = { ...p.bodies[1], m: t }; p.bodies[1].v[0] *= t; return o.v[0] + o.m; }
   */
  spreadsOfElementArrays: true,
};

const index = fc.nat({ max: 30 });

/** The numeric arbitraries of programs.ts (passed in: that module imports this one). */
export interface NumericArbitraries {
  readonly exprArb: (depth: number) => fc.Arbitrary<Expr>;
  readonly condArb: (depth: number) => fc.Arbitrary<Cond>;
  readonly blockArb: (depth: number) => fc.Arbitrary<readonly Stmt[]>;
  readonly stmtArb: (depth: number) => fc.Arbitrary<Stmt>;
}

export function objectPartArb({ exprArb, condArb, blockArb, stmtArb }: NumericArbitraries): fc.Arbitrary<ObjectPart> {
  const e = exprArb(2);
  const replace = fc.record({ k: fc.constant('oReplace' as const), t: index, form: fc.constantFrom('literal' as const, 'spread' as const, 'call' as const), h: index, a: e, b: e });
  const matrixRead: fc.Arbitrary<MatrixRead> = fc.record({
    m: index,
    form: fc.constantFrom('loops' as const, 'forOf' as const, 'map' as const, 'reduce' as const, 'forEach' as const, 'dot' as const, 'helper' as const),
    row: index,
    term: index,
    e: exprArb(1),
  });
  const matrixWrite: fc.Arbitrary<MatrixWrite> = fc.record({
    m: index,
    form: fc.constantFrom('loops' as const, 'column' as const, 'element' as const, 'helper' as const),
    op: fc.constantFrom('=' as const, '+=' as const, '*=' as const, '++' as const),
    at: index,
    e: exprArb(1),
  });
  const matrixAlias: fc.Arbitrary<MatrixAlias> = fc.record({ m: index, at: index, e: exprArb(1) });
  const simple = (depth: number): fc.Arbitrary<Stmt> => {
    const kinds: { weight: number; arbitrary: fc.Arbitrary<Stmt> }[] = [
      { weight: 3, arbitrary: fc.record({ k: fc.constant('oLiteral' as const), konst: fc.boolean(), typed: fc.boolean(), a: e, b: e }) },
      { weight: 2, arbitrary: fc.record({ k: fc.constant('oSpread' as const), src: index, key: index, e }) },
      { weight: 2, arbitrary: fc.record({ k: fc.constant('oDestructure' as const), src: index, konst: fc.boolean(), shorthand: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('oAlias' as const), src: index, key: index, e: exprArb(1), matrix: fc.constant(null) }) },
      { weight: 3, arbitrary: replace },
      { weight: 4, arbitrary: fc.record({ k: fc.constant('oWrite' as const), h: index, target: index, e: exprArb(1), matrix: fc.constant(null) }) },
      { weight: 2, arbitrary: fc.record({ k: fc.constant('oMake' as const), h: index, src: index, e: exprArb(1), konst: fc.boolean() }) },
      { weight: 2, arbitrary: fc.record({ k: fc.constant('oNum' as const), h: index, src: index, e: exprArb(1), matrix: fc.constant(null) }) },
    ];
    if (depth <= 0) return fc.oneof(...kinds);
    // Object statements mixed with numeric ones (which read and assign the objects' numbers).
    const inner = fc.array(fc.oneof({ weight: 3, arbitrary: simple(0) }, { weight: 2, arbitrary: stmtArb(0) }), { minLength: 1, maxLength: 4 });
    return fc.oneof(
      ...kinds,
      { weight: 2, arbitrary: fc.record({ k: fc.constant('oData' as const), c: index, cond: condArb(1), then: inner, else: fc.oneof(fc.constant([]), inner) }) },
      {
        weight: 4,
        arbitrary: fc.record({
          k: fc.constant('oLoop' as const),
          n: fc.integer({ min: 1, max: 4 }),
          state: fc.option(fc.record({ a: e, b: e, next: replace }), { nil: null, freq: 3 }),
          body: inner,
        }),
      },
    );
  };
  // Statements on a matrix (the object forms where no matrix is in scope), put into f's body besides
  // the object statements (not instead of them); in loops and branches, mixed with numeric and object ones.
  const matrixKinds: { weight: number; arbitrary: fc.Arbitrary<Stmt> }[] = [
    { weight: 4, arbitrary: fc.record({ k: fc.constant('oNum' as const), h: index, src: index, e: exprArb(1), matrix: matrixRead }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('oWrite' as const), h: index, target: index, e: exprArb(1), matrix: matrixWrite }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('oAlias' as const), src: index, key: index, e: exprArb(1), matrix: matrixAlias }) },
  ];
  const mixed = fc.array(fc.oneof({ weight: 3, arbitrary: fc.oneof(...matrixKinds) }, { weight: 2, arbitrary: stmtArb(0) }, { weight: 1, arbitrary: simple(0) }), {
    minLength: 1,
    maxLength: 4,
  });
  const matrixStmt: fc.Arbitrary<Stmt> = fc.oneof(
    ...matrixKinds,
    { weight: 2, arbitrary: fc.record({ k: fc.constant('oLoop' as const), n: fc.integer({ min: 1, max: 3 }), state: fc.constant(null), body: mixed }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('oData' as const), c: index, cond: condArb(1), then: mixed, else: fc.oneof(fc.constant([]), mixed) }) },
  );
  const listStmt = listStatementArb({ exprArb, condArb, blockArb, stmtArb }, simple);
  const helper: fc.Arbitrary<ObjectHelper> = fc.record({
    form: fc.oneof(
      { weight: 2, arbitrary: fc.constant('vec' as const) },
      { weight: 1, arbitrary: fc.constant('num' as const) },
      { weight: 2, arbitrary: fc.constant('writer' as const) },
    ),
    body: fc.oneof(fc.constant([]), blockArb(1)),
    a: e,
    b: e,
    ret: fc.constantFrom('literal' as const, 'spread' as const, 'local' as const),
    calls: fc.option(index, { nil: null }),
    named: fc.boolean(),
  });
  return fc.record({
    params: fc.array(
      fc.record({
        form: fc.constantFrom('flat' as const, 'nested' as const),
        named: fc.boolean(),
        data: fc.constantFrom('none' as const, 'boolean' as const, 'string' as const),
        at: fc.nat({ max: 3 }),
        // 2 or 3 rows of 1 to 3 numbers: rectangular (two in three) or ragged.
        matrix: fc.option(
          fc.record({
            rows: fc.oneof(
              {
                weight: 2,
                arbitrary: fc.tuple(fc.integer({ min: 2, max: 3 }), fc.integer({ min: 1, max: 3 })).map(([n, m]) => Array.from({ length: n }, () => m)),
              },
              { weight: 1, arbitrary: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 3 }) },
            ),
            inside: fc.boolean(),
          }),
          { nil: null, freq: 3 },
        ),
        // (drawn last: the parameters a seed made before lists existed keep their other properties)
        list: fc.option(listParamArb, { nil: null, freq: 3 }),
      }),
      { minLength: 1, maxLength: 2 },
    ),
    helpers: fc.array(helper, { minLength: 1, maxLength: 3 }),
    steps: fc
      .tuple(
        fc.array(fc.record({ at: index, st: simple(1) }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.record({ at: index, st: matrixStmt }), { maxLength: 4 }),
        fc.array(fc.record({ at: index, st: listStmt }), { minLength: 1, maxLength: 4 }),
      )
      .map(([objects, matrices, lists]) => [...objects, ...matrices, ...lists]),
  });
}
