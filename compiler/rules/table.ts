/**
 * The one table of elementary derivative rules, used by both modes, and the
 * only place in the compiler that knows a derivative. What an operation is
 * (arity, result type, value, source form, range) is in ir/ops.ts; a rule adds
 * its partial derivatives ∂y/∂xᵢ, as expressions of the operands xᵢ and of the
 * result y (so `exp`, `sqrt`, `tanh` reuse the value instead of recomputing
 * it), its math in one line, and its convention at non-differentiable points.
 * Forward mode emits `dy = Σ ∂y/∂xᵢ · dxᵢ`; reverse mode emits
 * `x̄ᵢ += ∂y/∂xᵢ · ȳ`; only the terms of active operands are emitted.
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
import { mathConstants, mathFunctions, ops, type OpSignature } from '../ir/ops';
import * as R from '../ir/ranges';
import type { Range } from '../ir/ranges';
import { b, sourceExpr, type JsExpr } from '../5-print/js';
import { mapChildren, namesIn, resimplify, sameExpr, substitute } from '../5-print/js-walk';

export { mathConstants, mathFunctions };

/** The derivative of one operation. */
interface Derivative {
  readonly name: PrimName;
  /** The math, one line. */
  readonly math: string;
  /**
   * ∂y/∂argsᵢ for every operand, as expressions of the operands and of y.
   * Absent: the operation is piecewise constant (or boolean) and has derivative zero.
   */
  partials?(args: readonly JsExpr[], y: JsExpr): readonly JsExpr[];
  /** Where the derivative is a convention rather than a limit, what it is. */
  readonly convention?: string;
}

/** An operation with its derivative: what the emitters look up. */
export interface Rule extends OpSignature, Derivative {
  /** The value, printed exactly as the user wrote it (no simplification). */
  primal(args: readonly JsExpr[]): JsExpr;
}

const { num, add, sub, mul, div, pow, neg, math, bin } = b;
const one = num(1);

/** 1 / sqrt(e) */
const rsqrt = (e: JsExpr) => div(one, math('sqrt', e));
/** x * x, kept as a product (cheaper and more accurate than x ** 2). */
const sq = (e: JsExpr) => bin('*', e, e);
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

// One line per operation: the table a reader scans (not reflowed by the formatter).
// prettier-ignore
const derivatives: Derivative[] = [
  // ---- arithmetic ---------------------------------------------------------
  { name: 'add', math: 'y = a + b: ∂a = 1, ∂b = 1', partials: () => [one, one] },
  { name: 'sub', math: 'y = a - b: ∂a = 1, ∂b = -1', partials: () => [one, num(-1)] },
  { name: 'mul', math: 'y = a b: ∂a = b, ∂b = a', partials: ([x, y]) => [y, x] },
  { name: 'div', math: 'y = a / b: ∂a = 1 / b, ∂b = -a / b² = -y / b', partials: ([, d], y) => [div(one, d), neg(div(y, d))] },
  {
    name: 'mod',
    math: 'y = a % b = a - b·trunc(a / b): ∂a = 1, ∂b = -trunc(a / b)',
    partials: ([x, y]) => [one, neg(math('trunc', bin('/', x, y)))],
    convention: 'piecewise: the jumps of trunc(a / b) contribute nothing',
  },
  {
    name: 'pow',
    math: 'y = a ** b: ∂a = b · a ** (b - 1), ∂b = y · ln a',
    partials: ([x, e], y) => [
      mul(e, pow(x, sub(e, one))),
      b.cond(bin('===', y, num(0)), num(0), mul(y, math('log', x))),
    ],
    convention: '∂b = 0 where a ** b = 0',
  },
  { name: 'neg', math: 'y = -a: ∂a = -1', partials: () => [num(-1)] },

  // ---- Math: trigonometric -------------------------------------------------
  { name: 'sin', math: "sin' = cos", partials: ([x]) => [math('cos', x)] },
  { name: 'cos', math: "cos' = -sin", partials: ([x]) => [neg(math('sin', x))] },
  { name: 'tan', math: "tan' = 1 + tan²", partials: (_, y) => [add(one, sq(y))] },
  { name: 'asin', math: "asin'(x) = 1 / √((1 - x)(1 + x))", partials: ([x]) => [rsqrt(oneMinusSq(x))] },
  { name: 'acos', math: "acos'(x) = -1 / √((1 - x)(1 + x))", partials: ([x]) => [neg(rsqrt(oneMinusSq(x)))] },
  { name: 'atan', math: "atan'(x) = 1 / (1 + x²)", partials: ([x]) => [div(one, add(one, sq(x)))] },
  {
    name: 'atan2',
    math: 'y = atan2(a, b): ∂a = b / (a² + b²), ∂b = -a / (a² + b²), with r = hypot(a, b): ∂a = (b / r) / r',
    partials: ([p, q]) => {
      const r = math('hypot', p, q);
      const origin = bin('&&', bin('===', p, num(0)), bin('===', q, num(0)));
      return [b.cond(origin, num(0), div(div(q, r), r)), b.cond(origin, num(0), div(div(neg(p), r), r))];
    },
    convention: 'partials 0 at the origin',
  },

  // ---- Math: hyperbolic ----------------------------------------------------
  { name: 'sinh', math: "sinh' = cosh", partials: ([x]) => [math('cosh', x)] },
  { name: 'cosh', math: "cosh' = sinh", partials: ([x]) => [math('sinh', x)] },
  // 1 - y², as JAX and PyTorch: where |x| > 19, y rounds to ±1 and this gives 0 for a partial below 1e-16.
  { name: 'tanh', math: "tanh' = 1 - tanh²", partials: (_, y) => [sub(one, sq(y))] },
  { name: 'asinh', math: "asinh'(x) = 1 / √(x² + 1) = 1 / hypot(x, 1)", partials: ([x]) => [div(one, math('hypot', x, one))] },
  { name: 'acosh', math: "acosh'(x) = 1 / √(x² - 1) = 1 / (√(x - 1) √(x + 1))", partials: ([x]) => [div(one, mul(math('sqrt', sub(x, one)), math('sqrt', add(x, one))))] },
  { name: 'atanh', math: "atanh'(x) = 1 / ((1 - x)(1 + x))", partials: ([x]) => [div(one, oneMinusSq(x))] },

  // ---- Math: exponential and logarithmic -----------------------------------
  { name: 'exp', math: "exp' = exp", partials: (_, y) => [y] },
  { name: 'expm1', math: "expm1'(x) = exp(x) (not expm1(x) + 1, which is 0 below x ≈ -37)", partials: ([x]) => [math('exp', x)] },
  { name: 'log', math: "log'(x) = 1 / x", partials: ([x]) => [div(one, x)] },
  { name: 'log1p', math: "log1p'(x) = 1 / (1 + x)", partials: ([x]) => [div(one, add(one, x))] },
  { name: 'log2', math: "log2'(x) = 1 / (x ln 2)", partials: ([x]) => [div(one, mul(x, b.path('Math.LN2')))] },
  { name: 'log10', math: "log10'(x) = 1 / (x ln 10)", partials: ([x]) => [div(one, mul(x, b.path('Math.LN10')))] },
  { name: 'sqrt', math: "sqrt'(x) = 1 / (2 √x)", partials: (_, y) => [div(num(0.5), y)] },
  { name: 'cbrt', math: "cbrt'(x) = 1 / (3 ∛x²)", partials: (_, y) => [div(one, mul(num(3), sq(y)))] },

  // ---- Math: norms and extrema ---------------------------------------------
  { name: 'hypot', math: 'y = √(Σ aᵢ²): ∂aᵢ = aᵢ / y', partials: (args, y) => args.map((a) => b.cond(bin('===', y, num(0)), num(0), div(a, y))), convention: 'partials 0 at the origin' },
  { name: 'abs', math: "abs'(x) = sign(x)", partials: ([x]) => [math('sign', x)], convention: "abs'(0) = 0" },
  { name: 'max', math: 'y = max(aᵢ): ∂aᵢ = 1 for the first aᵢ = y, 0 for the others', partials: extremumPartials('>='), convention: 'ties: the first argument gets the derivative' },
  { name: 'min', math: 'y = min(aᵢ): ∂aᵢ = 1 for the first aᵢ = y, 0 for the others', partials: extremumPartials('<='), convention: 'ties: the first argument gets the derivative' },
  { name: 'fround', math: "fround'(x) = 1 (rounding to float32 is the identity to first order)", partials: () => [one] },

  // ---- piecewise constant --------------------------------------------------
  { name: 'sign', math: "sign' = 0", convention: 'derivative 0 everywhere' },
  { name: 'floor', math: "floor' = 0", convention: 'derivative 0 everywhere' },
  { name: 'ceil', math: "ceil' = 0", convention: 'derivative 0 everywhere' },
  { name: 'round', math: "round' = 0", convention: 'derivative 0 everywhere' },
  { name: 'trunc', math: "trunc' = 0", convention: 'derivative 0 everywhere' },

  // ---- integer operations (piecewise constant) ------------------------------
  { name: 'bitand', math: 'a & b (int32)', convention: 'derivative 0 everywhere' },
  { name: 'bitor', math: 'a | b (int32)', convention: 'derivative 0 everywhere' },
  { name: 'bitxor', math: 'a ^ b (int32)', convention: 'derivative 0 everywhere' },
  { name: 'bitnot', math: '~a (int32)', convention: 'derivative 0 everywhere' },
  { name: 'shl', math: 'a << b (int32)', convention: 'derivative 0 everywhere' },
  { name: 'shr', math: 'a >> b (int32)', convention: 'derivative 0 everywhere' },
  { name: 'ushr', math: 'a >>> b (uint32)', convention: 'derivative 0 everywhere' },
  { name: 'imul', math: 'Math.imul(a, b) (int32)', convention: 'derivative 0 everywhere' },
  { name: 'clz32', math: 'Math.clz32(a)', convention: 'derivative 0 everywhere' },

  // ---- comparisons and logic (booleans: never differentiated) ---------------
  { name: 'lt', math: 'a < b' },
  { name: 'le', math: 'a <= b' },
  { name: 'gt', math: 'a > b' },
  { name: 'ge', math: 'a >= b' },
  { name: 'eq', math: 'a === b' },
  { name: 'ne', math: 'a !== b' },
  { name: 'not', math: '!a' },
  { name: 'and', math: 'a && b (both operands already evaluated)' },
  { name: 'or', math: 'a || b (both operands already evaluated)' },
  { name: 'truthy', math: 'a number used as a condition: false for 0, -0 and NaN' },
  { name: 'isnan', math: 'Number.isNaN(a)' },
  { name: 'isfinite', math: 'Number.isFinite(a)' },
  { name: 'nullish', math: 'a == null (for a ?? b, and a == null / a != null)' },
  { name: 'isundefined', math: 'a === undefined (an element read past the end)' },
  { name: 'isinteger', math: 'Number.isInteger(a)' },
];

export const ruleTable: ReadonlyMap<PrimName, Rule> = new Map(
  derivatives.map((d): [PrimName, Rule] => {
    const sig = ops.get(d.name)!;
    return [d.name, { ...sig, ...d, primal: (args) => sourceExpr(sig.source, args) }];
  }),
);

export function rule(name: PrimName): Rule {
  const r = ruleTable.get(name);
  if (!r) throw new Error(`no rule for ${name}`);
  return r;
}

/** What partial i of a rule reads: the operands (by index) and whether the result y. */
export interface PartialReads {
  readonly operands: readonly number[];
  readonly result: boolean;
}

const readsMemo = new Map<string, readonly PartialReads[] | undefined>();

/**
 * Which values each partial reads, for `arity` operands (undefined for a rule without
 * partials): the derivative code of an op needs exactly these values.
 */
export function partialReads(r: Rule, arity: number): readonly PartialReads[] | undefined {
  const key = `${r.name}/${arity}`;
  if (readsMemo.has(key)) return readsMemo.get(key);
  let reads: PartialReads[] | undefined;
  if (r.partials) {
    const syms = Array.from({ length: arity }, (_, i) => b.id(`\u0000${i}`));
    reads = r.partials(syms, b.id('\u0000y')).map((p) => {
      const names = namesIn(p);
      return { operands: syms.map((_, j) => j).filter((j) => names.has(`\u0000${j}`)), result: names.has('\u0000y') };
    });
  }
  readsMemo.set(key, reads);
  return reads;
}

/**
 * The partials of an op for its active operands (`active[i]`), with operand
 * values fetched only where a partial uses them: `value(i)` for operand i,
 * `value(-1)` for the result. Partials of inactive operands are 0.
 */
export function partialsOf(r: Rule, active: readonly boolean[], value: (i: number) => JsExpr, computed?: (fn: PrimName) => JsExpr | undefined): JsExpr[] {
  if (!r.partials) return active.map(() => b.num(0));
  const syms = active.map((_, i) => b.id(`\u0000${i}`));
  const cache = new Map<string, JsExpr>();
  const lookup = (name: string): JsExpr | undefined => {
    if (!name.startsWith('\u0000')) return undefined;
    let v = cache.get(name);
    if (!v) cache.set(name, (v = value(name === '\u0000y' ? -1 : Number(name.slice(1)))));
    return v;
  };
  const partial = (p: JsExpr): JsExpr => resimplify(substitute(computed && syms.length === 1 ? reuseComputed(p, computed) : p, lookup));
  return r.partials(syms, b.id('\u0000y')).map((p, i) => (active[i] ? partial(p) : b.num(0)));
}

/**
 * A partial of a one-operand op with each `Math.f(x)` of that operand replaced by the value of
 * f(x) where the code computes it beside the op (`computed('cos')` for `sin(t)` when `cos(t)` is
 * computed too, as in a rotation): sin' reads `cosTheta` instead of calling Math.cos again. The
 * same function of the same operand: the same number.
 */
function reuseComputed(p: JsExpr, computed: (fn: PrimName) => JsExpr | undefined): JsExpr {
  if (p.k === 'call' && p.args.length === 1 && p.args[0].k === 'id' && p.args[0].name === '\u00000') {
    const f = p.fn;
    const prim = f.k === 'member' && f.obj.k === 'id' && f.obj.name === 'Math' ? mathFunctions.get(f.name) : undefined;
    const value = prim === undefined ? undefined : computed(prim);
    if (value !== undefined) return value;
  }
  return mapChildren(p, (x) => reuseComputed(x, computed));
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
