/**
 * Random programs from the supported scalar subset, as fast-check arbitraries.
 *
 * A program is a small structure (expressions, statements, helpers, a marked
 * `f`) in which every variable or callee is referred to by an index that the
 * printer (program-text.ts) resolves modulo what is in scope. So every value,
 * and every shrink of it, prints as valid strict TypeScript that is
 * deterministic and terminates: loops are bounded by a literal trip count
 * (data-dependent exits come on top), recursion by a depth argument that
 * decreases, Math functions only see arguments inside their domain
 * (`Math.log(1 + u ** 2)`), and divisors are at least 1 — except in the forms
 * that choose a stable expression where an unstable one overflows, divides by
 * zero or takes the log of 0, computed anyway and not used (guards.ts).
 *
 * Besides arithmetic, Math calls, ternaries, `if`, loops, `break`/`continue`,
 * early returns and calls of (recursive, imported, marked) helpers, programs
 * use numeric `||` and `&&` (`Math.round(u) || v`, `n && w / n`, `t ||= e`,
 * `t &&= e`), `switch` on a number with variable labels (`switch
 * (Math.max(a, b)) { case a: … case b: … }`) or literal ones (`switch
 * (Math.round(u)) { case 0: … case Math.round(v): … }`, a loop counter),
 * labels sharing an arm, `default` anywhere, declarations without initialiser
 * assigned in every arm (`let h: number;`, `let h!: number;`), helpers with up
 * to six parameters, and helpers named like the locals generated code uses
 * (`value`, `tape`, `x_bar`, …).
 *
 * Two programs in five also have an object part (object-programs.ts): object
 * parameters among the numbers, object locals, helpers taking objects and
 * writers into them. It is drawn last, so that a seed's programs without one
 * are those it made before objects existed.
 */
import fc from 'fast-check';
import { guardForms, guardStyles, type GuardForm, type GuardStyle } from './guards';
import { objectPartArb, type ObjectPart, type ObjectStmt } from './object-programs';

export type CmpOp = '<' | '<=' | '>' | '>=';
export type Cond =
  | { readonly k: 'cmp'; readonly op: CmpOp; readonly l: Expr; readonly r: Expr }
  | { readonly k: 'and' | 'or'; readonly l: Cond; readonly r: Cond }
  | { readonly k: 'not'; readonly c: Cond };

export type Expr =
  | { readonly k: 'lit'; readonly v: number }
  | { readonly k: 'var'; readonly i: number }
  | { readonly k: 'unary'; readonly op: '-' | '+'; readonly e: Expr }
  | { readonly k: 'bin'; readonly op: '+' | '-' | '*'; readonly l: Expr; readonly r: Expr }
  /** `l / (1 + r ** 2)` or `l / (2 + Math.sin(r))`: the divisor is at least 1. */
  | { readonly k: 'div'; readonly l: Expr; readonly r: Expr; readonly sine: boolean }
  | { readonly k: 'pow'; readonly e: Expr; readonly n: 2 | 3 }
  /** A Math form from `mathForms`, applied to the first `arity` of `args`. */
  | { readonly k: 'math'; readonly form: number; readonly args: readonly Expr[] }
  | { readonly k: 'ternary'; readonly c: Cond; readonly a: Expr; readonly b: Expr }
  /** A helper call; `depth` bounds the recursion of a recursive helper (a literal, or data-dependent). */
  | { readonly k: 'call'; readonly h: number; readonly args: readonly Expr[]; readonly depth: number | Expr }
  /**
   * `L || r` or `L && r` on numbers, L being `l` itself (`zero` 0), or a form that is often 0:
   * `Math.max(0, l)` (1), `Math.round(l)` (2), `Math.trunc(l)` (3); with 2 and 3, `L && r / L`.
   */
  | { readonly k: 'logic'; readonly op: '||' | '&&'; readonly zero: number; readonly l: Expr; readonly r: Expr };

export type AssignOp = '=' | '+=' | '-=' | '*=' | '/=' | '**=' | '||=' | '&&=';

/** A `case` of a 'switch': its label (modulo the labels the form has), and an arm, or none (it falls through into the next). */
export interface Clause {
  readonly label: number;
  readonly body: readonly Stmt[] | null;
  readonly value: Expr;
  /** The arm ends with `return value;` rather than assigning it and `break`. */
  readonly returns: boolean;
}
export type Stmt =
  /** `shadow`: reuse the name of a variable of an enclosing block (where that is legal). */
  | { readonly k: 'decl'; readonly konst: boolean; readonly e: Expr; readonly shadow: boolean }
  | { readonly k: 'assign'; readonly t: number; readonly op: AssignOp; readonly e: Expr }
  | { readonly k: 'step'; readonly t: number; readonly op: '++' | '--'; readonly prefix: boolean }
  | { readonly k: 'if'; readonly c: Cond; readonly then: readonly Stmt[]; readonly else: readonly Stmt[] | null }
  /**
   * `for (let i = 0; i < n [&& c]; i++)`, from an active start `i = Math.sin(start)`, or
   * counting down `for (let i = n; i > 0 [&& c]; i--)`; or a counted `while`/`do … while`.
   */
  | {
      readonly k: 'loop';
      readonly form: 'for' | 'down' | 'while' | 'do';
      readonly n: number;
      readonly start: Expr | null;
      readonly c: Cond | null;
      readonly body: readonly Stmt[];
    }
  | { readonly k: 'jump'; readonly what: 'break' | 'continue'; readonly c: Cond }
  | { readonly k: 'return'; readonly c: Cond; readonly e: Expr }
  /**
   * A value chosen between a stable form and one that may overflow, computed anyway (guards.ts), of
   * a parameter (`param`, modulo) and `w`; with `into`, added to an assignable variable (`s += v`, as
   * a loop sums softplus terms).
   */
  | { readonly k: 'guard'; readonly form: GuardForm; readonly sharp: number; readonly param: number; readonly w: Expr; readonly style: GuardStyle; readonly into: number | null }
  /**
   * `switch (Math.max(a, b[, c]))` (or min) with the arguments as labels, or `switch (Math.round(a))`
   * (a loop counter when there is one) with labels 0, 1, -1, 2, `Math.round(b)`. Each arm assigns a
   * variable declared before the switch (`let h = a;`, `let h: number;` when every path assigns,
   * `let h!: number;` when only the values do) or returns; `default` at `defaultAt` (none when null).
   */
  | {
      readonly k: 'switch';
      readonly form: 'max' | 'min' | 'int';
      readonly args: readonly Expr[];
      readonly clauses: readonly Clause[];
      readonly defaultAt: number | null;
      readonly decl: 'init' | 'let' | 'bang';
    }
  /** `let h: number;` (or `let h!: number;`) assigned at the end of both arms of an if/else. */
  | { readonly k: 'choose'; readonly c: Cond; readonly bang: boolean; readonly then: readonly Stmt[]; readonly else: readonly Stmt[]; readonly a: Expr; readonly b: Expr }
  /** Statements on objects (object-programs.ts), made only by a program's object part. */
  | ObjectStmt;

export interface Helper {
  /** Number of number parameters, 1 to 6 (a recursive helper has one: its argument, and its depth `n`). */
  readonly arity: number;
  readonly body: readonly Stmt[];
  readonly ret: Expr;
  /**
   * Recursive: `if (!(n >= 1)) return base; const r = g(arg, n - 1); return ret` (ret may read r;
   * a NaN depth stops), where g is this helper or, by `peer`, another recursive one (mutual recursion).
   */
  readonly rec: { readonly base: Expr; readonly arg: Expr; readonly peer: number } | null;
  /** In `/src/lib.ts` (exported, imported by main) rather than in `/src/main.ts`. */
  readonly inLib: boolean;
  readonly marked: boolean;
}

export interface Program {
  /** Module-level numeric constants `C0 …` of main.ts, readable in its functions. */
  readonly constants: readonly number[];
  readonly helpers: readonly Helper[];
  /** Parameters x0 … x(n-1) of `f`. */
  readonly params: number;
  /** Bit i set: x_i is differentiated; 0 or all bits: plain `@differentiable`. */
  readonly wrtMask: number;
  readonly body: readonly Stmt[];
  readonly ret: Expr;
  /** Main imports the lib helpers through a re-exporting `/src/reexport.ts`. */
  readonly reexport: boolean;
  /** Seed of the evaluation points. */
  readonly seed: number;
  /** Names that generated code likes to use too (`dx`, `x_bar`, `value`, `tape`, `t1`…) instead of x0, v1… */
  readonly colliding: boolean;
  /** Helpers named like generated locals (`value`, `tape`, `out`, …) instead of h0, h1… */
  readonly helperNames: boolean;
  /** Object parameters, helpers and statements (object-programs.ts), or none. */
  readonly objects: ObjectPart | null;
}

/** Printed code and whether it can be an operand without parentheses. */
export interface Code {
  readonly t: string;
  readonly atom: boolean;
}

/** Math calls with their arguments kept inside the domain; `u`, `v`, `w` stand for the operands. */
export const mathForms: readonly { readonly arity: number; readonly atom: boolean; readonly print: (a: readonly Code[]) => string }[] = [
  ...['sin', 'cos', 'atan', 'tanh', 'asinh', 'abs', 'sign', 'floor', 'ceil', 'round', 'trunc'].map((fn) => `Math.${fn}(u)`),
  'Math.exp(Math.sin(u))',
  'Math.expm1(Math.cos(u))',
  'Math.sinh(Math.tanh(u))',
  'Math.cosh(Math.sin(u))',
  'Math.log(1 + u ** 2)',
  'Math.sqrt(1 + u ** 2)',
  'Math.log1p(u ** 2)',
  'Math.log2(2 + Math.sin(u))',
  'Math.log10(3 + Math.cos(u))',
  'Math.cbrt(2 + Math.sin(u))',
  'Math.asin(0.9 * Math.sin(u))',
  'Math.acos(0.9 * Math.tanh(u))',
  'Math.atanh(0.9 * Math.sin(u))',
  'Math.acosh(1.5 + u ** 2)',
  'Math.tan(0.5 * Math.sin(u))',
  'Math.hypot(u, 1)',
  '2 ** Math.sin(u)',
  'u % 3',
  'Math.pow(u, 2)',
  'Math.sqrt(Math.abs(u) + 0.5)',
  'u * Math.PI',
  'Math.E ** Math.cos(u)',
  'Math.atan2(u, v)',
  'Math.hypot(u, v)',
  'Math.max(u, v)',
  'Math.min(u, v)',
  'Math.pow(1 + u ** 2, Math.sin(v))',
  'u % (2 + v ** 2)',
  'Math.max(u, v, w)',
  'Math.min(u, v, w)',
  'Math.hypot(u, v, w)',
].map((t) => ({
  arity: /\bw\b/.test(t) ? 3 : /\bv\b/.test(t) ? 2 : 1,
  /** A single call (`Math.f(…)`), which needs no parentheses as an operand. */
  atom: /^Math\.[a-z0-9]+\(.*\)$/.test(t),
  print: (a: readonly Code[]) =>
    t.replace(/\b[uvw]\b/g, (m, at: number) => {
      const c = a['uvw'.indexOf(m)];
      const isArgument = /[(,] ?$/.test(t.slice(0, at)) && /^[),]/.test(t.slice(at + 1));
      return isArgument || c.atom ? c.t : `(${c.t})`;
    }),
}));

/**
 * Forms the generator leaves out while the compiler mishandles them (each reported with a minimal
 * program when it was found). Set one to false once its bug is fixed: the property tests then cover
 * the form again, and the typecheck test is its regression test.
 */
export const avoid = {
  /**
   * `a && b` and `a &&= b` with `b` more than a name or a literal: reverse mode keeps the number `a`
   * as the record of the choice where a boolean is declared (`let took = false; … took = t2;`,
   * `tape.pushBit(t5)`), and the generated code does not type-check (TS2322, TS2345).
   */
  andWithComputedRight: false,
  /**
   * A `||` / `&&` left operand, or an operand of `===` (a `switch` discriminant, a divisor compared
   * with 0), that folds to a constant: generated code writes `2.5 ? 2.5 : x` (TS2872, "always
   * truthy"), and declares `const d = 2;` (`const discriminant = 0.25;`) without `: number`, so that
   * `d === 0` does not type-check (TS2367, "no overlap"). Such operands are made to depend on a parameter.
   */
  constantOperands: false,
};

/** true with probability 1/n; shrinks to false. */
const sometimes = (n: number) => fc.oneof({ weight: n - 1, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
const literal = fc.constantFrom(1, 2, 0.5, 3, 0.25, 1.5, -1, 0);
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
    { weight: 4, arbitrary: index.map((i): Expr => ({ k: 'var', i })) },
    { weight: 1, arbitrary: literal.map((v): Expr => ({ k: 'lit', v })) },
  );
  if (depth <= 0) return leaf;
  const e = exprArb(depth - 1);
  const args = fc.tuple(e, e, e);
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 5, arbitrary: fc.record({ k: fc.constant('bin' as const), op: fc.constantFrom('+' as const, '-' as const, '*' as const), l: e, r: e }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('unary' as const), op: fc.constantFrom('-' as const, '+' as const), e }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('div' as const), l: e, r: e, sine: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('pow' as const), e, n: fc.constantFrom(2 as const, 3 as const) }) },
    { weight: 4, arbitrary: fc.record({ k: fc.constant('math' as const), form: fc.nat({ max: mathForms.length - 1 }), args }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('ternary' as const), c: condArb(depth - 1), a: e, b: e }) },
    {
      weight: 2,
      arbitrary: fc.record({ k: fc.constant('call' as const), h: index, args: fc.tuple(e, e), depth: fc.oneof(fc.nat({ max: 3 }), exprArb(0)) }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('logic' as const), op: fc.constantFrom('||' as const, '&&' as const), zero: fc.nat({ max: 3 }), l: e, r: e }) },
  );
});

export const condArb: (depth: number) => fc.Arbitrary<Cond> = memo((depth) => {
  const cmp = fc.record({ k: fc.constant('cmp' as const), op: fc.constantFrom<CmpOp>('<', '<=', '>', '>='), l: exprArb(depth), r: exprArb(depth) });
  if (depth <= 0) return cmp;
  const c = condArb(depth - 1);
  return fc.oneof(
    { weight: 4, arbitrary: cmp },
    { weight: 1, arbitrary: fc.record({ k: fc.constantFrom('and' as const, 'or' as const), l: c, r: c }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('not' as const), c }) },
  );
});

export const blockArb: (depth: number) => fc.Arbitrary<readonly Stmt[]> = memo((depth) => fc.array(stmtArb(depth), { maxLength: depth >= 2 ? 5 : 3 }));

export const stmtArb: (depth: number) => fc.Arbitrary<Stmt> = memo((depth) => {
  const e = exprArb(2);
  const c = condArb(1);
  const simple: fc.Arbitrary<Stmt>[] = [
    fc.record({ k: fc.constant('decl' as const), konst: fc.boolean(), e, shadow: sometimes(4) }),
    fc.record({ k: fc.constant('assign' as const), t: index, op: fc.constantFrom<AssignOp>('=', '+=', '-=', '*=', '/=', '**=', '||=', '&&='), e }),
    fc.record({ k: fc.constant('step' as const), t: index, op: fc.constantFrom('++' as const, '--' as const), prefix: fc.boolean() }),
    fc.record({ k: fc.constant('jump' as const), what: fc.constantFrom('break' as const, 'continue' as const), c }),
    fc.record({ k: fc.constant('return' as const), c, e }),
    fc.record({
      k: fc.constant('guard' as const),
      form: fc.constantFrom(...guardForms),
      sharp: fc.nat({ max: 5 }),
      param: fc.nat({ max: 5 }),
      w: exprArb(1),
      style: fc.constantFrom(...guardStyles),
      into: fc.option(index, { nil: null, freq: 3 }),
    }),
  ];
  if (depth <= 0) return fc.oneof(...simple);
  const inner = blockArb(depth - 1);
  const clause = fc.record({ label: fc.nat({ max: 4 }), body: fc.option(inner, { nil: null, freq: 4 }), value: exprArb(1), returns: sometimes(4) });
  return fc.oneof(
    { weight: 4, arbitrary: simple[0] },
    { weight: 4, arbitrary: simple[1] },
    { weight: 1, arbitrary: simple[2] },
    { weight: 1, arbitrary: simple[3] },
    { weight: 1, arbitrary: simple[4] },
    { weight: 2, arbitrary: simple[5] },
    {
      weight: 1,
      arbitrary: fc.record({
        k: fc.constant('switch' as const),
        form: fc.constantFrom('max' as const, 'min' as const, 'int' as const),
        args: fc.array(exprArb(1), { minLength: 2, maxLength: 3 }),
        clauses: fc.array(clause, { minLength: 1, maxLength: 4 }),
        defaultAt: fc.option(fc.nat({ max: 4 }), { nil: null }),
        decl: fc.constantFrom('init' as const, 'let' as const, 'bang' as const),
      }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('choose' as const), c, bang: fc.boolean(), then: inner, else: inner, a: e, b: e }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('if' as const), c, then: inner, else: fc.option(inner, { nil: null }) }) },
    {
      weight: 3,
      arbitrary: fc.record({
        k: fc.constant('loop' as const),
        form: fc.constantFrom('for' as const, 'down' as const, 'while' as const, 'do' as const),
        n: fc.integer({ min: 1, max: 4 }),
        start: fc.option(exprArb(1), { nil: null }),
        c: fc.option(c, { nil: null }),
        body: inner,
      }),
    },
  );
});

const helperArb: fc.Arbitrary<Helper> = fc.record({
  arity: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(1, 2) }, { weight: 1, arbitrary: fc.integer({ min: 3, max: 6 }) }),
  body: blockArb(1),
  ret: exprArb(2),
  rec: fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.record({ base: exprArb(1), arg: exprArb(1), peer: index }) }),
  inLib: fc.boolean(),
  marked: fc.boolean(),
});

export const programArb: fc.Arbitrary<Program> = fc.record({
  constants: fc.array(literal, { maxLength: 2 }),
  helpers: fc.array(helperArb, { maxLength: 3 }),
  params: fc.integer({ min: 1, max: 3 }),
  wrtMask: fc.nat({ max: 7 }),
  body: blockArb(2).filter((b) => b.length > 0),
  ret: exprArb(3),
  reexport: fc.boolean(),
  seed: fc.nat(),
  colliding: sometimes(3),
  helperNames: sometimes(3),
  // Last, so that the programs without objects are those a seed made before objects existed.
  objects: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: objectPartArb({ exprArb, condArb, blockArb, stmtArb }) }),
});
