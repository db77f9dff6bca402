/**
 * The elementary operations of the IR (`prim` ops): what each one is, apart
 * from its derivative. One line each: arity, result type, how a user writes it
 * (`source`), its value (`evaluate`: reference semantics for constant folding
 * and tests), what it can produce from what its operands can be (`range`, see
 * ranges.ts), and whether reverse mode should record it rather than compute it
 * again (`expensive`). Derivatives are the rule table's (rules/table.ts), and
 * only the rule table's.
 *
 * Adding `Math.foo` is one line here (and, when it has a derivative, one in the
 * rule table).
 */
import type { PrimName } from './types';
import * as R from './ranges';
import type { Range } from './ranges';

/** How an operation appears in source (and in generated code). */
export type SourceForm =
  /** `a + b` */
  | { readonly infix: '+' | '-' | '*' | '/' | '%' | '**' | '&' | '|' | '^' | '<<' | '>>' | '>>>' | '<' | '<=' | '>' | '>=' | '===' | '!==' | '&&' | '||' }
  /** `-a`, `!a`, `~a`; `!!a` for a number used as a condition */
  | { readonly prefix: '-' | '!' | '~' | '!!' }
  /** `Math.sin(a)`, `Number.isNaN(a)` */
  | { readonly call: string }
  /** `a == null`, `a === undefined` */
  | { readonly compare: '== null' | '=== undefined' };

export interface OpSignature {
  readonly name: PrimName;
  /** Number of operands, or 'variadic' (at least one). */
  readonly arity: number | 'variadic';
  readonly result: 'number' | 'boolean';
  readonly source: SourceForm;
  evaluate(args: readonly number[]): number | boolean;
  /** Numeric operations only: the range of the value given the operands' ranges. */
  readonly range?: (args: readonly Range[]) => Range;
  /** Transcendental functions: worth recording on the tape rather than recomputing in the reverse sweep. */
  readonly expensive?: true;
}

/** A unary range function as a signature's `range` (which takes the operands' ranges as a list). */
const u = (f: (a: Range) => Range) => (args: readonly Range[]) => f(args[0]);
const m = (name: string): SourceForm => ({ call: `Math.${name}` });
const int32 = () => R.INT32;

type Row = Omit<OpSignature, 'name'>;

// One line per operation: the table a reader scans (not reflowed by the formatter).
// prettier-ignore
const rows: Record<PrimName, Row> = {
  // arithmetic
  add: { arity: 2, result: 'number', source: { infix: '+' }, evaluate: ([x, y]) => x + y, range: ([a, c]) => R.add(a, c) },
  sub: { arity: 2, result: 'number', source: { infix: '-' }, evaluate: ([x, y]) => x - y, range: ([a, c]) => R.sub(a, c) },
  mul: { arity: 2, result: 'number', source: { infix: '*' }, evaluate: ([x, y]) => x * y, range: ([a, c]) => R.mul(a, c) },
  div: { arity: 2, result: 'number', source: { infix: '/' }, evaluate: ([x, y]) => x / y, range: ([a, c]) => R.div(a, c) },
  mod: { arity: 2, result: 'number', source: { infix: '%' }, evaluate: ([x, y]) => x % y, range: ([a, c]) => R.mod(a, c) },
  pow: { arity: 2, result: 'number', source: { infix: '**' }, evaluate: ([x, y]) => x ** y, range: ([a, c]) => R.pow(a, c), expensive: true },
  neg: { arity: 1, result: 'number', source: { prefix: '-' }, evaluate: ([x]) => -x, range: ([a]) => R.neg(a) },
  // Math: trigonometric
  sin: { arity: 1, result: 'number', source: m('sin'), evaluate: ([x]) => Math.sin(x), range: u(R.bounded(-1, 1, true)), expensive: true },
  cos: { arity: 1, result: 'number', source: m('cos'), evaluate: ([x]) => Math.cos(x), range: u(R.bounded(-1, 1, true)), expensive: true },
  tan: { arity: 1, result: 'number', source: m('tan'), evaluate: ([x]) => Math.tan(x), range: ([a]) => ({ ...R.FINITE, nan: a.nan || a.inf }), expensive: true },
  asin: { arity: 1, result: 'number', source: m('asin'), evaluate: ([x]) => Math.asin(x), range: u(R.increasing(Math.asin, -1, 1)), expensive: true },
  acos: { arity: 1, result: 'number', source: m('acos'), evaluate: ([x]) => Math.acos(x), range: ([a]) => R.neg(R.increasing((x) => -Math.acos(x), -1, 1)(a)), expensive: true },
  atan: { arity: 1, result: 'number', source: m('atan'), evaluate: ([x]) => Math.atan(x), range: u(R.increasing(Math.atan)), expensive: true },
  atan2: { arity: 2, result: 'number', source: m('atan2'), evaluate: ([x, y]) => Math.atan2(x, y), range: (args) => R.between(-Math.PI, Math.PI, { nan: args.some((a) => a.nan) }), expensive: true },
  // Math: hyperbolic
  sinh: { arity: 1, result: 'number', source: m('sinh'), evaluate: ([x]) => Math.sinh(x), range: u(R.increasing(Math.sinh, -Infinity, Infinity, true)), expensive: true },
  cosh: { arity: 1, result: 'number', source: m('cosh'), evaluate: ([x]) => Math.cosh(x), range: u(R.evenIncreasing(Math.cosh, true)), expensive: true },
  tanh: { arity: 1, result: 'number', source: m('tanh'), evaluate: ([x]) => Math.tanh(x), range: u(R.increasing(Math.tanh)), expensive: true },
  asinh: { arity: 1, result: 'number', source: m('asinh'), evaluate: ([x]) => Math.asinh(x), range: u(R.increasing(Math.asinh)), expensive: true },
  acosh: { arity: 1, result: 'number', source: m('acosh'), evaluate: ([x]) => Math.acosh(x), range: u(R.increasing(Math.acosh, 1)), expensive: true },
  atanh: { arity: 1, result: 'number', source: m('atanh'), evaluate: ([x]) => Math.atanh(x), range: u(R.increasing(Math.atanh, -1, 1)), expensive: true },
  // Math: exponential and logarithmic
  exp: { arity: 1, result: 'number', source: m('exp'), evaluate: ([x]) => Math.exp(x), range: u(R.increasing(Math.exp, -Infinity, Infinity, true)), expensive: true },
  expm1: { arity: 1, result: 'number', source: m('expm1'), evaluate: ([x]) => Math.expm1(x), range: u(R.increasing(Math.expm1, -Infinity, Infinity, true)), expensive: true },
  log: { arity: 1, result: 'number', source: m('log'), evaluate: ([x]) => Math.log(x), range: u(R.increasing(Math.log, 0)), expensive: true },
  log1p: { arity: 1, result: 'number', source: m('log1p'), evaluate: ([x]) => Math.log1p(x), range: u(R.increasing(Math.log1p, -1)), expensive: true },
  log2: { arity: 1, result: 'number', source: m('log2'), evaluate: ([x]) => Math.log2(x), range: u(R.increasing(Math.log2, 0)), expensive: true },
  log10: { arity: 1, result: 'number', source: m('log10'), evaluate: ([x]) => Math.log10(x), range: u(R.increasing(Math.log10, 0)), expensive: true },
  sqrt: { arity: 1, result: 'number', source: m('sqrt'), evaluate: ([x]) => Math.sqrt(x), range: u(R.increasing(Math.sqrt, 0)) },
  cbrt: { arity: 1, result: 'number', source: m('cbrt'), evaluate: ([x]) => Math.cbrt(x), range: u(R.increasing(Math.cbrt)), expensive: true },
  // Math: norms and extrema
  hypot: { arity: 'variadic', result: 'number', source: m('hypot'), evaluate: (xs) => Math.hypot(...xs), range: R.hypot, expensive: true },
  abs: { arity: 1, result: 'number', source: m('abs'), evaluate: ([x]) => Math.abs(x), range: ([a]) => R.abs(a) },
  max: { arity: 'variadic', result: 'number', source: m('max'), evaluate: (xs) => Math.max(...xs), range: (args) => R.extremum(Math.max, args) },
  min: { arity: 'variadic', result: 'number', source: m('min'), evaluate: (xs) => Math.min(...xs), range: (args) => R.extremum(Math.min, args) },
  fround: { arity: 1, result: 'number', source: m('fround'), evaluate: ([x]) => Math.fround(x), range: u(R.increasing(Math.fround, -Infinity, Infinity, true)) },
  // piecewise constant
  sign: { arity: 1, result: 'number', source: m('sign'), evaluate: ([x]) => Math.sign(x), range: u(R.bounded(-1, 1)) },
  floor: { arity: 1, result: 'number', source: m('floor'), evaluate: ([x]) => Math.floor(x), range: u(R.increasing(Math.floor)) },
  ceil: { arity: 1, result: 'number', source: m('ceil'), evaluate: ([x]) => Math.ceil(x), range: u(R.increasing(Math.ceil)) },
  round: { arity: 1, result: 'number', source: m('round'), evaluate: ([x]) => Math.round(x), range: u(R.increasing(Math.round)) },
  trunc: { arity: 1, result: 'number', source: m('trunc'), evaluate: ([x]) => Math.trunc(x), range: u(R.increasing(Math.trunc)) },
  // integer operations (int32 results)
  bitand: { arity: 2, result: 'number', source: { infix: '&' }, evaluate: ([x, y]) => x & y, range: int32 },
  bitor: { arity: 2, result: 'number', source: { infix: '|' }, evaluate: ([x, y]) => x | y, range: int32 },
  bitxor: { arity: 2, result: 'number', source: { infix: '^' }, evaluate: ([x, y]) => x ^ y, range: int32 },
  bitnot: { arity: 1, result: 'number', source: { prefix: '~' }, evaluate: ([x]) => ~x, range: int32 },
  shl: { arity: 2, result: 'number', source: { infix: '<<' }, evaluate: ([x, y]) => x << y, range: int32 },
  shr: { arity: 2, result: 'number', source: { infix: '>>' }, evaluate: ([x, y]) => x >> y, range: int32 },
  ushr: { arity: 2, result: 'number', source: { infix: '>>>' }, evaluate: ([x, y]) => x >>> y, range: int32 },
  imul: { arity: 2, result: 'number', source: m('imul'), evaluate: ([x, y]) => Math.imul(x, y), range: int32 },
  clz32: { arity: 1, result: 'number', source: m('clz32'), evaluate: ([x]) => Math.clz32(x), range: int32 },
  // comparisons, tests and logic (booleans)
  lt: { arity: 2, result: 'boolean', source: { infix: '<' }, evaluate: ([x, y]) => x < y },
  le: { arity: 2, result: 'boolean', source: { infix: '<=' }, evaluate: ([x, y]) => x <= y },
  gt: { arity: 2, result: 'boolean', source: { infix: '>' }, evaluate: ([x, y]) => x > y },
  ge: { arity: 2, result: 'boolean', source: { infix: '>=' }, evaluate: ([x, y]) => x >= y },
  eq: { arity: 2, result: 'boolean', source: { infix: '===' }, evaluate: ([x, y]) => x === y },
  ne: { arity: 2, result: 'boolean', source: { infix: '!==' }, evaluate: ([x, y]) => x !== y },
  not: { arity: 1, result: 'boolean', source: { prefix: '!' }, evaluate: ([x]) => !x },
  and: { arity: 2, result: 'boolean', source: { infix: '&&' }, evaluate: ([x, y]) => Boolean(x && y) },
  or: { arity: 2, result: 'boolean', source: { infix: '||' }, evaluate: ([x, y]) => Boolean(x || y) },
  truthy: { arity: 1, result: 'boolean', source: { prefix: '!!' }, evaluate: ([x]) => Boolean(x) },
  isnan: { arity: 1, result: 'boolean', source: { call: 'Number.isNaN' }, evaluate: ([x]) => Number.isNaN(x) },
  isfinite: { arity: 1, result: 'boolean', source: { call: 'Number.isFinite' }, evaluate: ([x]) => Number.isFinite(x) },
  isinteger: { arity: 1, result: 'boolean', source: { call: 'Number.isInteger' }, evaluate: ([x]) => Number.isInteger(x) },
  nullish: { arity: 1, result: 'boolean', source: { compare: '== null' }, evaluate: ([x]) => x == null },
  isundefined: { arity: 1, result: 'boolean', source: { compare: '=== undefined' }, evaluate: ([x]) => x === undefined },
};

export const ops: ReadonlyMap<PrimName, OpSignature> = new Map((Object.entries(rows) as [PrimName, Row][]).map(([name, row]) => [name, { name, ...row }]));

export function op(name: PrimName): OpSignature {
  const s = ops.get(name);
  if (!s) throw new Error(`no operation ${name}`);
  return s;
}

/** The `Math` functions the frontend accepts, mapped to their operation (`Math.pow(a, b)` is `a ** b`). */
export const mathFunctions: ReadonlyMap<string, PrimName> = new Map<string, PrimName>([
  ...[...ops.values()].flatMap((s): [string, PrimName][] => ('call' in s.source && s.source.call === `Math.${s.name}` ? [[s.name, s.name]] : [])),
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
