/**
 * How arrays are written in generated code, shared by both modes: type
 * annotations, element reads, creation and copies.
 */
import {
  isArrayType,
  isOpaqueType,
  isUnionArray,
  mayBePlain,
  opaqueText,
  runtimeKinds,
  unionMembers,
  type Check,
  type ArrayType,
  type IRFunction,
  type Op,
  type ParamDefault,
  type Type,
  type UnionArrayType,
  assertNever,
} from '../ir/types';
import { forEachStmt } from '../ir/walk';
import { b, type JsExpr, type JsParam, type JsStmt } from '../5-print/js';
import { rule } from '../rules/table';
import type { FileContext } from './context';
import { isElementWrite } from '../ir/facts';

/**
 * The TypeScript type of a value in generated code. A `readonly number[]`
 * parameter keeps its type; derivatives of it (tangent arguments accepted as
 * given, gradients returned) are `number[]`.
 */
export function jsType(t: Type, role: 'param' | 'tangent' | 'adjoint' | 'result' | 'local'): string {
  if (isOpaqueType(t)) return opaqueText(t);
  if (isUnionArray(t)) return role === 'adjoint' || role === 'result' ? derivativeText(t) : relaxedText(t);
  // Tangents and locals of a read-only array stay read-only; gradients and results are new arrays.
  if (t === 'readonly number[]') return role === 'param' || role === 'tangent' || role === 'local' ? 'readonly number[]' : 'number[]';
  return t;
}

/**
 * The type of derivatives (gradients, tangent results) and results of a union array type: each
 * kind it may have at run time, a plain array as `number[]` (`[number, number, number] |
 * Float32Array` ⇒ `number[] | Float32Array`, `ArrayLike<number>` ⇒ `number[] | Float64Array | Float32Array`).
 */
export function derivativeText(t: UnionArrayType): string {
  return runtimeKinds(t)
    .map((k) => (k === 'plain' ? 'number[]' : k))
    .join(' | ');
}

/**
 * A union array type as internal functions, locals and tangent arguments take it: tuples as arrays
 * (`[number, number, number] | Float32Array` ⇒ `number[] | Float32Array`), since generated code
 * does not keep the tuple types of the arrays it makes; read-only members stay read-only.
 */
function relaxedText(t: UnionArrayType): string {
  return [...new Set(unionMembers(t).map((m) => (m.startsWith('[') ? 'number[]' : m.startsWith('readonly [') ? 'readonly number[]' : m)))].join(' | ');
}

/**
 * `const name = e`, annotated `: number` when TypeScript would infer literal types from it
 * (`c ? 1 : 0.25` is `1 | 0.25`, and a later `t === 0` would not type-check).
 */
export function constDecl(name: string, e: JsExpr, type: Type): JsStmt {
  const literal = (x: JsExpr): boolean => x.k === 'num' || (x.k === 'un' && x.op === '-' && x.e.k === 'num') || (x.k === 'cond' && literal(x.a) && literal(x.b));
  const undefinedNumber = type === 'number' && e.k === 'nonNull' && e.e.k === 'id' && e.e.name === 'undefined';
  return type === 'number' && ((e.k === 'cond' && literal(e)) || undefinedNumber) ? { k: 'decl', kind: 'const', name, init: e, type: 'number' } : b.const(name, e);
}

/**
 * A parameter of a generated function: its type, whether it may be left out, and its default value
 * (a number's only in public functions: calls of the others pass it).
 */
export function paramDecl(fn: IRFunction, p: number, name: string, isPublic: boolean): JsParam {
  const v = fn.vars[p];
  // A public function keeps the user's union type as written (tuples too); internal ones take any array of its kinds.
  const type = isPublic && isUnionArray(v.type) ? unionMembers(v.type).join(' | ') : jsType(v.type, 'param');
  // A number that may be left out (`beta?: number`, `n = xs.length`) is read in the body where the source had
  // narrowed it, which generated code does not show: typed `number`, with `undefined` as its default value.
  if (v.optional && (v.type === 'number' || v.type === 'boolean')) return { name, type, init: { k: 'nonNull', e: b.id('undefined') } };
  const init = v.init && (isPublic || !('literal' in v.init) || typeof v.init.literal !== 'number') ? defaultExpr(v.init) : undefined;
  return { name, type, ...(v.optional ? { optional: true } : {}), ...(init ? { init } : {}) };
}

function defaultExpr(d: ParamDefault): JsExpr {
  if ('object' in d) return b.obj(d.object.map(([k, v]) => [k, literalExpr(v)] as const));
  return literalExpr(d.literal);
}

/** A literal as written: a number, a boolean, a string; `undefined` (an argument left out). */
export function literalExpr(v: number | boolean | string | undefined): JsExpr {
  if (v === undefined) return b.id('undefined');
  if (typeof v === 'boolean') return b.bool(v);
  if (typeof v === 'string') return { k: 'str', v };
  return { k: 'num', v };
}

/**
 * `p.slice()`: the copy of a parameter the function writes, assigned to the parameter. A union
 * with a tuple member (`[number, number, number] | Float32Array`) as written in a public signature
 * says so (`slice` types the copy `number[] | Float32Array`).
 */
export function copyOfParam(p: JsParam, t: Type): JsExpr {
  const copy = b.call(b.member(b.id(p.name), 'slice'), []);
  return isUnionArray(t) && p.type !== relaxedText(t) ? b.as(copy, p.type) : copy;
}

/** `a[i]`, with `!` for plain arrays when the project checks indexed access. */
export function loadExpr(arr: JsExpr, index: JsExpr, type: Type, ctx: FileContext): JsExpr {
  const e = b.index(arr, index);
  return ctx.uncheckedIndex && (type === 'number[]' || type === 'readonly number[]' || isUnionArray(type)) ? { k: 'nonNull', e } : e;
}

/** A read of opaque data: `obj.key`, or `obj[i]` (with `!` when the project checks indexed access). */
export function getExpr(op: Extract<Op, { op: 'get' }>, args: readonly JsExpr[], ctx: FileContext): JsExpr {
  if (op.key !== undefined) return op.optional ? { k: 'nonNull', e: b.member(args[0], op.key) } : b.member(args[0], op.key);
  const e = b.index(args[0], args[1]);
  return ctx.uncheckedIndex ? { k: 'nonNull', e } : e;
}

/** `new Float64Array(n)`, `new Array<number>(n).fill(v)`, `[a, b]`, `new Float64Array([a, b])`. */
export function newArrayExpr(op: Extract<Op, { op: 'newArray' }>, args: readonly JsExpr[]): JsExpr {
  if (op.form === 'literal') {
    if (op.type === 'Float64Array' || op.type === 'Float32Array') return b.newObj(op.type, [b.arr(args)]);
    // `[]` alone would be an evolving `any[]` under strict: say what it holds.
    return args.length === 0 ? b.as(b.arr([]), 'number[]') : b.arr(args);
  }
  if (op.type === 'Float64Array' || op.type === 'Float32Array') return b.newObj(op.type, [args[0]]);
  return b.call(b.member(b.newObj('Array<number>', [args[0]]), 'fill'), [args[1] ?? b.num(0)]);
}

/** A copy: `src.slice(start, end)`, or `Float64Array.from(src)` when the kind changes. */
export function sliceExpr(src: JsExpr, op: Extract<Op, { op: 'slice' }>, args: readonly JsExpr[], srcType: Type): JsExpr {
  // A union array's copy as a union keeps its kind (`u.slice()`); as one kind it is converted, whatever u is.
  if (isUnionArray(srcType) && !isUnionArray(op.type)) return op.type === 'number[]' ? b.call(b.path('Array.from'), [src]) : b.newObj(op.type, [src]);
  const from = isArrayType(srcType) && isTyped(srcType) ? srcType : 'number[]';
  const to = isTyped(op.type) ? op.type : 'number[]';
  if (from === to || args.length > 0) return b.call(b.member(src, 'slice'), args);
  // A copy that changes kind (`new Float64Array(xs)` of a number[], `[...f64]`): converted as the source does,
  // so a Float32Array copy rounds to float32.
  return to === 'number[]' ? b.call(b.path('Array.from'), [src]) : b.newObj(to, [src]);
}

export function isTyped(t: ArrayType): boolean {
  return t === 'Float64Array' || t === 'Float32Array';
}

/**
 * A zero array of the adjoint kind of `t` and length `n`: `new Float64Array(n)`, `adc.zeros(n)`
 * (cheaper than `new Array(n).fill(0)` for short ones); without `ctx`, `new Array<number>(n).fill(0)`
 * (forward mode, whose code second order differentiates again: plain TypeScript, no runtime).
 */
export function zeroArrayExpr(t: ArrayType, n: JsExpr, ctx?: FileContext): JsExpr {
  if (isUnionArray(t)) throw new Error(`a zero array of ${t} needs an array of its kind (zerosLikeExpr)`);
  if (isTyped(t)) return b.newObj(t, [n]);
  if (ctx === undefined) return b.call(b.member(b.newObj('Array<number>', [n]), 'fill'), [b.num(0)]);
  return b.call(b.path(ctx.useHelper('zeros')), [n]);
}

/**
 * A zero array of the adjoint kind of `t` and the length of `like`, an array of type `t`; for a
 * union type, of the kind `like` has at run time: `adc.zerosLike(a) as number[] | Float32Array`.
 */
export function zerosLikeExpr(t: ArrayType, like: JsExpr, ctx: FileContext): JsExpr {
  if (!isUnionArray(t)) return zeroArrayExpr(t, b.member(like, 'length'), ctx);
  const e = b.call(b.path(ctx.useHelper('zerosLike')), [like]);
  const type = derivativeText(t);
  return type === 'number[] | Float64Array | Float32Array' ? e : b.as(e, type);
}

/** `zerosLikeExpr` without the runtime for an array of one kind (`new Array<number>(n).fill(0)`): forward mode's code, which second order differentiates again. */
export function plainZerosLike(t: ArrayType, like: JsExpr, ctx: FileContext): JsExpr {
  return isUnionArray(t) ? zerosLikeExpr(t, like, ctx) : zeroArrayExpr(t, b.member(like, 'length'));
}

/** The value a hoisted array variable holds before its first assignment. */
export function emptyArrayExpr(t: ArrayType): JsExpr {
  const kind = isUnionArray(t) ? runtimeKinds(t)[0] : t;
  return kind === 'Float64Array' || kind === 'Float32Array' ? b.newObj(kind, [b.num(0)]) : b.as(b.arr([]), 'number[]');
}

/** `let v = …` for a variable declared ahead of its first assignment: an empty array, `0`, `false`, or (opaque data) nothing yet. */
export function hoistedDecl(name: string, t: Type, uninitialized = false): JsStmt {
  // `let h: number;` is undefined until assigned, as in the source (a read before that gives NaN, or
  // takes the other arm of `??`): declared `let h!: number`, not given a value the source never had.
  if (uninitialized && (t === 'number' || t === 'boolean')) return { k: 'decl', kind: 'let', name, type: t, definite: true };
  if (isArrayType(t)) return b.let(name, emptyArrayExpr(t), jsType(t, 'local'));
  if (isOpaqueType(t)) return b.let(name, b.as(b.as(b.id('undefined'), 'unknown'), opaqueText(t)));
  return b.let(name, t === 'boolean' ? b.bool(false) : b.num(0));
}

/** `if (cond) throw new Error("…")`: input validation, kept in place in every mode. */
export function checkStmt(cond: JsExpr, s: Check): JsStmt {
  return b.if(cond, [{ k: 'throw', e: b.newObj(s.error, [{ k: 'str', v: s.message }]) }]);
}

/** writtenParams of each function body, found once (every fused loop asks, and a walk is linear in the body). */
const written = new WeakMap<IRFunction['body'], ReadonlySet<number>>();

/** Array parameters the function writes to: generated code copies them first, so callers' arrays stay untouched. */
export function writtenParams(fn: IRFunction): ReadonlySet<number> {
  const known = written.get(fn.body);
  if (known) return known;
  const out = new Set<number>();
  forEachStmt(fn.body, (s) => {
    if (isElementWrite(s) && fn.params.includes(s.var)) out.add(s.var);
  });
  written.set(fn.body, out);
  return out;
}

/**
 * Array parameters the function writes that may be plain arrays at run time: a write past the end
 * makes the (copied) parameter longer, and its gradient grows with it after the forward sweep.
 */
export function growingParams(fn: IRFunction): Set<number> {
  return new Set([...writtenParams(fn)].filter((p) => isArrayType(fn.vars[p].type) && mayBePlain(fn.vars[p].type)));
}

/**
 * The primal expression of an op, shared by both modes: `value(t)` gives an
 * operand's expression, `call` prints a call (a primal copy, or a pushforward).
 */
export function primalExpression(
  s: Op,
  value: (t: number) => JsExpr,
  variable: (v: number) => string,
  fn: IRFunction,
  ctx: FileContext,
  call: (s: Extract<Op, { op: 'call' }>) => JsExpr,
): JsExpr {
  switch (s.op) {
    case 'const':
      // Literals as written: a named constant (Math.PI) by its name, -0 kept.
      // (an absent number computes as the primal's does: `undefined!`, typed as the number it stands for)
      if (s.value === undefined && s.type === 'number') return { k: 'nonNull', e: b.id('undefined') };
      // (`as const`: held by a temp, `{ units: 'miles' }` would widen to `{ units: string }`)
      if (typeof s.value === 'object') return b.as(defaultExpr(s.value), 'const');
      return s.name !== undefined ? b.path(s.name) : literalExpr(s.value);
    case 'read':
      return b.id(variable(s.var));
    case 'prim':
      return rule(s.fn).primal(s.args.map(value));
    case 'select':
      return b.cond(value(s.args[0]), value(s.args[1]), value(s.args[2]));
    case 'call':
      return call(s);
    case 'load':
      return loadExpr(b.id(variable(s.var)), value(s.args[0]), fn.vars[s.var].type, ctx);
    case 'length':
      return b.member(b.id(variable(s.var)), 'length');
    case 'newArray':
      return newArrayExpr(s, s.args.map(value));
    case 'slice':
      return sliceExpr(b.id(variable(s.var)), s, s.args.map(value), fn.vars[s.var].type);
    case 'get':
      return getExpr(s, s.args.map(value), ctx);
    default:
      return assertNever(s, 'op');
  }
}
