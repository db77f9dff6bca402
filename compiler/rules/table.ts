/**
 * The one table of elementary derivative rules, used by both modes.
 *
 * A rule gives the value of an operation and its partial derivatives ∂y/∂xᵢ as
 * expressions of the operands xᵢ and of the result y (so `exp`, `sqrt`, `tanh`
 * reuse the value instead of recomputing it). Forward mode emits
 * `dy = Σ ∂y/∂xᵢ · dxᵢ`; reverse mode emits `x̄ᵢ += ∂y/∂xᵢ · ȳ`; only the terms
 * of active operands are emitted.
 *
 * Conventions at non-differentiable points (README "Conventions"):
 * - abs'(0) = 0; hypot and atan2 at the origin have partials 0;
 * - max/min: on a tie the whole derivative goes to the first argument;
 * - floor, ceil, round, trunc, sign: derivative 0 (piecewise constant);
 * - a % b: ∂a = 1, ∂b = -trunc(a / b);
 * - sqrt'(0), cbrt'(0), log'(0) = Infinity, as IEEE arithmetic gives;
 * - a ** b: ∂b = 0 where a ** b = 0 (the limit for a → 0⁺), y · ln a elsewhere.
 * A rule whose `partials` is absent is piecewise constant: it has no derivative code.
 */
import type { PrimName } from '../ir/types';
import * as R from './ranges';
import type { Range } from './ranges';
import { b, resimplify, sameExpr, substitute, type JsExpr } from '../5-print/js';

export interface Rule {
  readonly name: PrimName;
  /** Number of operands, or 'variadic' (at least one). */
  readonly arity: number | 'variadic';
  readonly result: 'number' | 'boolean';
  /** The math, one line. */
  readonly math: string;
  /** The value, printed exactly as the user wrote it (no simplification). */
  primal(args: readonly JsExpr[]): JsExpr;
  /** The value as a number: reference semantics for tests and constant folding. */
  evaluate(args: readonly number[]): number | boolean;
  /**
   * ∂y/∂argsᵢ for every operand, as expressions of the operands and of y.
   * Absent: the operation is piecewise constant (or boolean) and has derivative zero.
   */
  partials?(args: readonly JsExpr[], y: JsExpr): readonly JsExpr[];
  /** Where the derivative is a convention rather than a limit, what it is. */
  readonly convention?: string;
  /**
   * What the value can be given what the operands can be (ranges.ts): an interval, and whether it may
   * be ±Infinity or NaN (exp(800), 1 / 0, log(0), sqrt(-1)). Numeric rules only; the finiteness
   * analysis and `guardedPartials` read it.
   */
  readonly range?: (args: readonly Range[]) => Range;
}

const { num, add, sub, mul, div, pow, neg, math, bin } = b;
const call = (fn: string) => (args: readonly JsExpr[]) => math(fn, ...args);
const one = num(1);

/** 1 / sqrt(e) */
const rsqrt = (e: JsExpr) => div(one, math('sqrt', e));
/** x * x, kept as a product (cheaper and more accurate than x ** 2). */
const sq = (e: JsExpr) => bin('*', e, e);
/** A unary range function as a rule's `range` (which takes the operands' ranges as a list). */
const u = (f: (a: Range) => Range) => (args: readonly Range[]) => f(args[0]);
/** 1 - x² as (1 - x)(1 + x): exact where x is near ±1, where 1 - x * x loses its digits. */
const oneMinusSq = (e: JsExpr) => mul(sub(one, e), add(one, e));

/**
 * Partials of max/min: the first operand that attains the result gets 1, the
 * others 0. For two operands: ∂a = a ≥ b (max) / a ≤ b (min), ∂b = its negation.
 */
function extremumPartials(cmp: '>=' | '<=') {
  return (args: readonly JsExpr[], y: JsExpr): JsExpr[] => {
    if (args.length === 1) return [one];
    if (args.length === 2) {
      const firstWins = bin(cmp, args[0], args[1]);
      return [b.cond(firstWins, one, num(0)), b.cond(firstWins, num(0), one)];
    }
    return args.map((a, i) => {
      let c: JsExpr = bin('===', a, y);
      for (let j = 0; j < i; j++) c = bin('&&', c, bin('!==', args[j], y));
      return b.cond(c, one, num(0));
    });
  };
}

const rules: Rule[] = [
  // ---- arithmetic ---------------------------------------------------------
  { name: 'add', arity: 2, result: 'number', math: 'y = a + b: ∂a = 1, ∂b = 1', primal: ([x, y]) => bin('+', x, y), evaluate: ([x, y]) => x + y, partials: () => [one, one], range: ([a, c]) => R.add(a, c) },
  { name: 'sub', arity: 2, result: 'number', math: 'y = a - b: ∂a = 1, ∂b = -1', primal: ([x, y]) => bin('-', x, y), evaluate: ([x, y]) => x - y, partials: () => [one, num(-1)], range: ([a, c]) => R.sub(a, c) },
  { name: 'mul', arity: 2, result: 'number', math: 'y = a b: ∂a = b, ∂b = a', primal: ([x, y]) => bin('*', x, y), evaluate: ([x, y]) => x * y, partials: ([x, y]) => [y, x], range: ([a, c]) => R.mul(a, c) },
  {
    name: 'div', arity: 2, result: 'number', math: 'y = a / b: ∂a = 1 / b, ∂b = -a / b² = -y / b',
    primal: ([x, y]) => bin('/', x, y), evaluate: ([x, y]) => x / y,
    partials: ([, d], y) => [div(one, d), neg(div(y, d))],
    range: ([a, c]) => R.div(a, c),
  },
  {
    name: 'mod', arity: 2, result: 'number', math: 'y = a % b = a - b·trunc(a / b): ∂a = 1, ∂b = -trunc(a / b)',
    primal: ([x, y]) => bin('%', x, y), evaluate: ([x, y]) => x % y,
    partials: ([x, y]) => [one, neg(math('trunc', bin('/', x, y)))],
    convention: 'piecewise: the jumps of trunc(a / b) contribute nothing',
    range: ([a, c]) => R.mod(a, c),
  },
  {
    name: 'pow', arity: 2, result: 'number', math: 'y = a ** b: ∂a = b · a ** (b - 1), ∂b = y · ln a',
    primal: ([x, y]) => bin('**', x, y), evaluate: ([x, y]) => x ** y,
    partials: ([x, e], y) => [
      mul(e, pow(x, sub(e, one))),
      b.cond(bin('===', y, num(0)), num(0), mul(y, math('log', x))),
    ],
    convention: '∂b = 0 where a ** b = 0',
    range: ([a, c]) => R.pow(a, c),
  },
  { name: 'neg', arity: 1, result: 'number', math: 'y = -a: ∂a = -1', primal: ([x]) => ({ k: 'un', op: '-', e: x }), evaluate: ([x]) => -x, partials: () => [num(-1)], range: ([a]) => R.neg(a) },

  // ---- Math: trigonometric -------------------------------------------------
  { name: 'sin', arity: 1, result: 'number', math: "sin' = cos", primal: call('sin'), evaluate: ([x]) => Math.sin(x), partials: ([x]) => [math('cos', x)], range: u(R.bounded(-1, 1, true)) },
  { name: 'cos', arity: 1, result: 'number', math: "cos' = -sin", primal: call('cos'), evaluate: ([x]) => Math.cos(x), partials: ([x]) => [neg(math('sin', x))], range: u(R.bounded(-1, 1, true)) },
  { name: 'tan', arity: 1, result: 'number', math: "tan' = 1 + tan²", primal: call('tan'), evaluate: ([x]) => Math.tan(x), partials: (_, y) => [add(one, sq(y))], range: ([a]) => ({ ...R.FINITE, nan: a.nan || a.inf }) },
  { name: 'asin', arity: 1, result: 'number', math: "asin'(x) = 1 / √((1 - x)(1 + x))", primal: call('asin'), evaluate: ([x]) => Math.asin(x), partials: ([x]) => [rsqrt(oneMinusSq(x))], range: u(R.increasing(Math.asin, -1, 1)) },
  { name: 'acos', arity: 1, result: 'number', math: "acos'(x) = -1 / √((1 - x)(1 + x))", primal: call('acos'), evaluate: ([x]) => Math.acos(x), partials: ([x]) => [neg(rsqrt(oneMinusSq(x)))], range: ([a]) => R.neg(R.increasing((x) => -Math.acos(x), -1, 1)(a)) },
  { name: 'atan', arity: 1, result: 'number', math: "atan'(x) = 1 / (1 + x²)", primal: call('atan'), evaluate: ([x]) => Math.atan(x), partials: ([x]) => [div(one, add(one, sq(x)))], range: u(R.increasing(Math.atan)) },
  {
    name: 'atan2', arity: 2, result: 'number', math: 'y = atan2(a, b): ∂a = b / (a² + b²), ∂b = -a / (a² + b²), with r = hypot(a, b): ∂a = (b / r) / r',
    primal: call('atan2'), evaluate: ([x, y]) => Math.atan2(x, y),
    // Dividing twice by r (hypot scales, a² + b² does not) keeps the partials right from 1e-300 to 1e300.
    partials: ([p, q]) => {
      const r = math('hypot', p, q);
      const origin = bin('&&', bin('===', p, num(0)), bin('===', q, num(0)));
      return [b.cond(origin, num(0), div(div(q, r), r)), b.cond(origin, num(0), div(div(neg(p), r), r))];
    },
    convention: 'partials 0 at the origin',
    range: (args) => R.between(-Math.PI, Math.PI, { nan: args.some((a) => a.nan) }),
  },

  // ---- Math: hyperbolic ----------------------------------------------------
  { name: 'sinh', arity: 1, result: 'number', math: "sinh' = cosh", primal: call('sinh'), evaluate: ([x]) => Math.sinh(x), partials: ([x]) => [math('cosh', x)], range: u(R.increasing(Math.sinh, -Infinity, Infinity, true)) },
  { name: 'cosh', arity: 1, result: 'number', math: "cosh' = sinh", primal: call('cosh'), evaluate: ([x]) => Math.cosh(x), partials: ([x]) => [math('sinh', x)], range: u(R.evenIncreasing(Math.cosh, true)) },
  // 1 - y², as JAX and PyTorch: where |x| > 19, y rounds to ±1 and this gives 0 for a partial below 1e-16.
  { name: 'tanh', arity: 1, result: 'number', math: "tanh' = 1 - tanh²", primal: call('tanh'), evaluate: ([x]) => Math.tanh(x), partials: (_, y) => [sub(one, sq(y))], range: u(R.increasing(Math.tanh)) },
  { name: 'asinh', arity: 1, result: 'number', math: "asinh'(x) = 1 / √(x² + 1) = 1 / hypot(x, 1)", primal: call('asinh'), evaluate: ([x]) => Math.asinh(x), partials: ([x]) => [div(one, math('hypot', x, one))], range: u(R.increasing(Math.asinh)) },
  { name: 'acosh', arity: 1, result: 'number', math: "acosh'(x) = 1 / √(x² - 1) = 1 / (√(x - 1) √(x + 1))", primal: call('acosh'), evaluate: ([x]) => Math.acosh(x), partials: ([x]) => [div(one, mul(math('sqrt', sub(x, one)), math('sqrt', add(x, one))))], range: u(R.increasing(Math.acosh, 1)) },
  { name: 'atanh', arity: 1, result: 'number', math: "atanh'(x) = 1 / ((1 - x)(1 + x))", primal: call('atanh'), evaluate: ([x]) => Math.atanh(x), partials: ([x]) => [div(one, oneMinusSq(x))], range: u(R.increasing(Math.atanh, -1, 1)) },

  // ---- Math: exponential and logarithmic -----------------------------------
  { name: 'exp', arity: 1, result: 'number', math: "exp' = exp", primal: call('exp'), evaluate: ([x]) => Math.exp(x), partials: (_, y) => [y], range: u(R.increasing(Math.exp, -Infinity, Infinity, true)) },
  { name: 'expm1', arity: 1, result: 'number', math: "expm1'(x) = exp(x) (not expm1(x) + 1, which is 0 below x ≈ -37)", primal: call('expm1'), evaluate: ([x]) => Math.expm1(x), partials: ([x]) => [math('exp', x)], range: u(R.increasing(Math.expm1, -Infinity, Infinity, true)) },
  { name: 'log', arity: 1, result: 'number', math: "log'(x) = 1 / x", primal: call('log'), evaluate: ([x]) => Math.log(x), partials: ([x]) => [div(one, x)], range: u(R.increasing(Math.log, 0)) },
  { name: 'log1p', arity: 1, result: 'number', math: "log1p'(x) = 1 / (1 + x)", primal: call('log1p'), evaluate: ([x]) => Math.log1p(x), partials: ([x]) => [div(one, add(one, x))], range: u(R.increasing(Math.log1p, -1)) },
  { name: 'log2', arity: 1, result: 'number', math: "log2'(x) = 1 / (x ln 2)", primal: call('log2'), evaluate: ([x]) => Math.log2(x), partials: ([x]) => [div(one, mul(x, b.path('Math.LN2')))], range: u(R.increasing(Math.log2, 0)) },
  { name: 'log10', arity: 1, result: 'number', math: "log10'(x) = 1 / (x ln 10)", primal: call('log10'), evaluate: ([x]) => Math.log10(x), partials: ([x]) => [div(one, mul(x, b.path('Math.LN10')))], range: u(R.increasing(Math.log10, 0)) },
  { name: 'sqrt', arity: 1, result: 'number', math: "sqrt'(x) = 1 / (2 √x)", primal: call('sqrt'), evaluate: ([x]) => Math.sqrt(x), partials: (_, y) => [div(num(0.5), y)], range: u(R.increasing(Math.sqrt, 0)) },
  { name: 'cbrt', arity: 1, result: 'number', math: "cbrt'(x) = 1 / (3 ∛x²)", primal: call('cbrt'), evaluate: ([x]) => Math.cbrt(x), partials: (_, y) => [div(one, mul(num(3), sq(y)))], range: u(R.increasing(Math.cbrt)) },

  // ---- Math: norms and extrema ---------------------------------------------
  {
    name: 'hypot', arity: 'variadic', result: 'number', math: 'y = √(Σ aᵢ²): ∂aᵢ = aᵢ / y',
    primal: call('hypot'), evaluate: (xs) => Math.hypot(...xs),
    partials: (args, y) => args.map((a) => b.cond(bin('===', y, num(0)), num(0), div(a, y))),
    convention: 'partials 0 at the origin',
    range: R.hypot,
  },
  {
    name: 'abs', arity: 1, result: 'number', math: "abs'(x) = sign(x)",
    primal: call('abs'), evaluate: ([x]) => Math.abs(x), partials: ([x]) => [math('sign', x)],
    convention: "abs'(0) = 0",
    range: ([a]) => R.abs(a),
  },
  {
    name: 'max', arity: 'variadic', result: 'number', math: 'y = max(aᵢ): ∂aᵢ = 1 for the first aᵢ = y, 0 for the others',
    primal: call('max'), evaluate: (xs) => Math.max(...xs), partials: extremumPartials('>='),
    convention: 'ties: the first argument gets the derivative',
    range: (args) => R.extremum(Math.max, args),
  },
  {
    name: 'min', arity: 'variadic', result: 'number', math: 'y = min(aᵢ): ∂aᵢ = 1 for the first aᵢ = y, 0 for the others',
    primal: call('min'), evaluate: (xs) => Math.min(...xs), partials: extremumPartials('<='),
    convention: 'ties: the first argument gets the derivative',
    range: (args) => R.extremum(Math.min, args),
  },
  { name: 'fround', arity: 1, result: 'number', math: "fround'(x) = 1 (rounding to float32 is the identity to first order)", primal: call('fround'), evaluate: ([x]) => Math.fround(x), partials: () => [one], range: u(R.increasing(Math.fround, -Infinity, Infinity, true)) },

  // ---- piecewise constant --------------------------------------------------
  { name: 'sign', arity: 1, result: 'number', math: "sign' = 0", primal: call('sign'), evaluate: ([x]) => Math.sign(x), convention: 'derivative 0 everywhere', range: u(R.bounded(-1, 1)) },
  { name: 'floor', arity: 1, result: 'number', math: "floor' = 0", primal: call('floor'), evaluate: ([x]) => Math.floor(x), convention: 'derivative 0 everywhere', range: u(R.increasing(Math.floor)) },
  { name: 'ceil', arity: 1, result: 'number', math: "ceil' = 0", primal: call('ceil'), evaluate: ([x]) => Math.ceil(x), convention: 'derivative 0 everywhere', range: u(R.increasing(Math.ceil)) },
  { name: 'round', arity: 1, result: 'number', math: "round' = 0", primal: call('round'), evaluate: ([x]) => Math.round(x), convention: 'derivative 0 everywhere', range: u(R.increasing(Math.round)) },
  { name: 'trunc', arity: 1, result: 'number', math: "trunc' = 0", primal: call('trunc'), evaluate: ([x]) => Math.trunc(x), convention: 'derivative 0 everywhere', range: u(R.increasing(Math.trunc)) },

  // ---- integer operations (piecewise constant) ------------------------------
  { name: 'bitand', arity: 2, result: 'number', math: 'a & b (int32)', primal: ([x, y]) => bin('&', x, y), evaluate: ([x, y]) => x & y, convention: 'derivative 0 everywhere', range: () => R.INT32 },
  { name: 'bitor', arity: 2, result: 'number', math: 'a | b (int32)', primal: ([x, y]) => bin('|', x, y), evaluate: ([x, y]) => x | y, convention: 'derivative 0 everywhere', range: () => R.INT32 },
  { name: 'bitxor', arity: 2, result: 'number', math: 'a ^ b (int32)', primal: ([x, y]) => bin('^', x, y), evaluate: ([x, y]) => x ^ y, convention: 'derivative 0 everywhere', range: () => R.INT32 },
  { name: 'bitnot', arity: 1, result: 'number', math: '~a (int32)', primal: ([x]) => ({ k: 'un', op: '~', e: x }), evaluate: ([x]) => ~x, convention: 'derivative 0 everywhere', range: () => R.INT32 },
  { name: 'shl', arity: 2, result: 'number', math: 'a << b (int32)', primal: ([x, y]) => bin('<<', x, y), evaluate: ([x, y]) => x << y, convention: 'derivative 0 everywhere', range: () => R.INT32 },
  { name: 'shr', arity: 2, result: 'number', math: 'a >> b (int32)', primal: ([x, y]) => bin('>>', x, y), evaluate: ([x, y]) => x >> y, convention: 'derivative 0 everywhere', range: () => R.INT32 },
  { name: 'ushr', arity: 2, result: 'number', math: 'a >>> b (uint32)', primal: ([x, y]) => bin('>>>', x, y), evaluate: ([x, y]) => x >>> y, convention: 'derivative 0 everywhere', range: () => R.INT32 },
  { name: 'imul', arity: 2, result: 'number', math: 'Math.imul(a, b) (int32)', primal: call('imul'), evaluate: ([x, y]) => Math.imul(x, y), convention: 'derivative 0 everywhere', range: () => R.INT32 },
  { name: 'clz32', arity: 1, result: 'number', math: 'Math.clz32(a)', primal: call('clz32'), evaluate: ([x]) => Math.clz32(x), convention: 'derivative 0 everywhere', range: () => R.INT32 },

  // ---- comparisons and logic (booleans: never differentiated) ---------------
  { name: 'lt', arity: 2, result: 'boolean', math: 'a < b', primal: ([x, y]) => bin('<', x, y), evaluate: ([x, y]) => x < y },
  { name: 'le', arity: 2, result: 'boolean', math: 'a <= b', primal: ([x, y]) => bin('<=', x, y), evaluate: ([x, y]) => x <= y },
  { name: 'gt', arity: 2, result: 'boolean', math: 'a > b', primal: ([x, y]) => bin('>', x, y), evaluate: ([x, y]) => x > y },
  { name: 'ge', arity: 2, result: 'boolean', math: 'a >= b', primal: ([x, y]) => bin('>=', x, y), evaluate: ([x, y]) => x >= y },
  { name: 'eq', arity: 2, result: 'boolean', math: 'a === b', primal: ([x, y]) => bin('===', x, y), evaluate: ([x, y]) => x === y },
  { name: 'ne', arity: 2, result: 'boolean', math: 'a !== b', primal: ([x, y]) => bin('!==', x, y), evaluate: ([x, y]) => x !== y },
  { name: 'not', arity: 1, result: 'boolean', math: '!a', primal: ([x]) => b.not(x), evaluate: ([x]) => !x },
  { name: 'and', arity: 2, result: 'boolean', math: 'a && b (both operands already evaluated)', primal: ([x, y]) => bin('&&', x, y), evaluate: ([x, y]) => Boolean(x && y) },
  { name: 'or', arity: 2, result: 'boolean', math: 'a || b (both operands already evaluated)', primal: ([x, y]) => bin('||', x, y), evaluate: ([x, y]) => Boolean(x || y) },
  { name: 'truthy', arity: 1, result: 'boolean', math: 'a number used as a condition: false for 0, -0 and NaN', primal: ([x]) => b.not(b.not(x)), evaluate: ([x]) => Boolean(x) },
  { name: 'isnan', arity: 1, result: 'boolean', math: 'Number.isNaN(a)', primal: ([x]) => b.call('Number.isNaN', [x]), evaluate: ([x]) => Number.isNaN(x) },
  { name: 'isfinite', arity: 1, result: 'boolean', math: 'Number.isFinite(a)', primal: ([x]) => b.call('Number.isFinite', [x]), evaluate: ([x]) => Number.isFinite(x) },
  { name: 'nullish', arity: 1, result: 'boolean', math: 'a == null (for a ?? b, and a == null / a != null)', primal: ([x]) => bin('==', x, b.id('null')), evaluate: ([x]) => x == null },
  { name: 'isundefined', arity: 1, result: 'boolean', math: 'a === undefined (an element read past the end)', primal: ([x]) => bin('===', x, b.id('undefined')), evaluate: ([x]) => x === undefined },
  { name: 'isinteger', arity: 1, result: 'boolean', math: 'Number.isInteger(a)', primal: ([x]) => b.call('Number.isInteger', [x]), evaluate: ([x]) => Number.isInteger(x) },
];

export const ruleTable: ReadonlyMap<PrimName, Rule> = new Map(rules.map((r) => [r.name, r]));

export function rule(name: PrimName): Rule {
  const r = ruleTable.get(name);
  if (!r) throw new Error(`no rule for ${name}`);
  return r;
}

/** The `Math` functions the frontend accepts, mapped to their rule (`Math.pow(a, b)` is `a ** b`). */
export const mathFunctions: ReadonlyMap<string, PrimName> = new Map<string, PrimName>([
  ...(
    ['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'exp', 'expm1', 'log', 'log1p', 'log2', 'log10', 'sqrt', 'cbrt', 'hypot', 'abs', 'max', 'min', 'sign', 'floor', 'ceil', 'round', 'trunc', 'fround', 'imul', 'clz32'] as const
  ).map((n): [string, PrimName] => [n, n]),
  ['pow', 'pow'],
]);

/** `Math.PI` and friends. */
export const mathConstants: ReadonlyMap<string, number> = new Map([
  ['PI', Math.PI],
  ['E', Math.E],
  ['LN2', Math.LN2],
  ['LN10', Math.LN10],
  ['LOG2E', Math.LOG2E],
  ['LOG10E', Math.LOG10E],
  ['SQRT2', Math.SQRT2],
  ['SQRT1_2', Math.SQRT1_2],
]);

/**
 * The partials of an op for its active operands (`active[i]`), with operand
 * values fetched only where a partial uses them: `value(i)` for operand i,
 * `value(-1)` for the result. Partials of inactive operands are 0.
 */
export function partialsOf(r: Rule, active: readonly boolean[], value: (i: number) => JsExpr): JsExpr[] {
  if (!r.partials) return active.map(() => b.num(0));
  const syms = active.map((_, i) => b.id(`\u0000${i}`));
  const cache = new Map<string, JsExpr>();
  const lookup = (name: string): JsExpr | undefined => {
    if (!name.startsWith('\u0000')) return undefined;
    let v = cache.get(name);
    if (!v) cache.set(name, (v = value(name === '\u0000y' ? -1 : Number(name.slice(1)))));
    return v;
  };
  return r.partials(syms, b.id('\u0000y')).map((p, i) => (active[i] ? resimplify(substitute(p, lookup)) : b.num(0)));
}

/**
 * Which partials of an op must honour the zero-(co)tangent rule: a partial
 * multiplied by a tangent or adjoint that is exactly zero contributes exactly
 * zero (IEEE gives `Infinity · 0 = NaN`, so a value that did not influence the
 * result, `Math.exp(800)` in an untaken arm, could otherwise make a derivative
 * NaN). Partial i needs it when it may be non-finite: its formula is evaluated
 * over the ranges of the operands (`args`) and of the result (`result`), with
 * each operation's `range` (1 / d with a d that may be 0, exp of a value that
 * may exceed 709, a product with a value that may be Infinity).
 */
export function guardedPartials(r: Rule, args: readonly Range[], result: Range): boolean[] {
  if (!r.partials) return args.map(() => false);
  const syms = args.map((_, i) => b.id(`\u0000${i}`));
  const ranges = new Map<string, Range>(args.map((a, i) => [`\u0000${i}`, a]));
  ranges.set('\u0000y', result);
  return r.partials(syms, b.id('\u0000y')).map((p) => R.mayBeNonFinite(rangeOf(p, (name) => ranges.get(name))));
}

/** What an expression (a partial, over named operands) can evaluate to. */
export function rangeOf(e: JsExpr, named: (name: string) => Range | undefined): Range {
  const go = (x: JsExpr): Range => rangeOf(x, named);
  switch (e.k) {
    case 'num':
      return R.point(e.v);
    case 'id':
      return named(e.name) ?? R.ANY;
    case 'member':
      // Math.LN2 and friends
      return e.obj.k === 'id' && e.obj.name === 'Math' && mathConstants.has(e.name) ? R.point(mathConstants.get(e.name)!) : R.ANY;
    case 'un':
      return e.op === '-' ? R.neg(go(e.e)) : R.ANY;
    case 'cond':
      // whichever arm is taken
      return R.join(go(e.a), go(e.b));
    case 'bin': {
      const op = binaryRules[e.op];
      if (e.op === '*' && sameExpr(e.l, e.r)) return R.square(go(e.l));
      const rl = op && ruleTable.get(op);
      return rl?.range ? rl.range([go(e.l), go(e.r)]) : R.ANY;
    }
    case 'call': {
      const fn = e.fn.k === 'member' && e.fn.obj.k === 'id' && e.fn.obj.name === 'Math' ? mathFunctions.get(e.fn.name) : undefined;
      const rl = fn && ruleTable.get(fn);
      return rl?.range ? rl.range(e.args.map(go)) : R.ANY;
    }
    default:
      return R.ANY;
  }
}

const binaryRules: Partial<Record<string, PrimName>> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'mod', '**': 'pow' };
