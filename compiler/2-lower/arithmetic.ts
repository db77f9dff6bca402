/**
 * Operators and `Math` ⇒ primitives: unary and binary arithmetic (constants folded),
 * bitwise operators, comparisons, `++`/`--`, `Math.*` calls (and `Math.max(...xs)` as a loop),
 * `isNaN`/`Number.isFinite`-style tests. Evaluation order is JavaScript's (left to right).
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import type { PrimName, TempId } from '../ir/types';
import { mathFunctions, rule } from '../rules/table';
import { fail, pos, type LowerContext } from './context';
import { comparison, arithmeticOf } from './operators';
import { skipOuter, prim, requireNumber, assignable, arrayOperand, loopOverArray, isNullishLiteral } from './helpers';
import { staticCondition } from './function-arguments';
import { inPlace } from './lists';
import { assignThroughSetter } from './calls';

export function lowerPrefix(cx: LowerContext, e: ts.PrefixUnaryExpression): TempId {
  switch (e.operator) {
    case ts.SyntaxKind.MinusToken: {
      const v = cx.expr(e.operand);
      return prim(cx, 'neg', [v]);
    }
    case ts.SyntaxKind.PlusToken:
      return cx.expr(e.operand);
    case ts.SyntaxKind.ExclamationToken:
      return prim(cx, 'not', [cx.condition(e.operand)]);
    case ts.SyntaxKind.TildeToken:
      return prim(cx, 'bitnot', [cx.expr(e.operand)]);
    case ts.SyntaxKind.PlusPlusToken:
      return lowerIncrement(cx, e, 'add', 'new');
    case ts.SyntaxKind.MinusMinusToken:
      return lowerIncrement(cx, e, 'sub', 'new');
    default:
      return fail(errors.unsupportedExpression(pos(cx, e), `operator '${ts.tokenToString(e.operator)}'`));
  }
}

/** `x++`, `++x`, `a[i]--`: the value is the old or the new one. */
export function lowerIncrement(cx: LowerContext, e: ts.PrefixUnaryExpression | ts.PostfixUnaryExpression, fn: 'add' | 'sub', result: 'old' | 'new'): TempId {
  const target = skipOuter(e.operand);
  let old = -1;
  const step = (current: () => TempId) => {
    old = current();
    return prim(cx, fn, [old, cx.fn.constant(1)]);
  };
  // (`v.count++` of a property with a setter: its getter, then its setter)
  const set = assignThroughSetter(cx, target, step);
  if (set !== undefined) return result === 'old' ? old : set;
  if (ts.isElementAccessExpression(target) || inPlace(cx, target)) {
    const updated = cx.assignElement(target, step);
    return result === 'old' ? old : updated;
  }
  const v = assignable(cx, target);
  const updated = step(() => cx.fn.read(v));
  cx.fn.assign(v, updated);
  return result === 'old' ? old : updated;
}

/**
 * `a + b - c * d + …` ⇒ one op per operator, left to right. The left operands
 * of the chain are followed in a loop, not by recursion: a sum of thousands of
 * terms (unrolled code) lowers like a short one.
 */
export function lowerArithmetic(cx: LowerContext, e: ts.BinaryExpression): TempId {
  const chain: ts.BinaryExpression[] = [e];
  for (let left = skipOuter(e.left); arithmeticOf(left); left = skipOuter((left as ts.BinaryExpression).left)) chain.push(left as ts.BinaryExpression);
  let value = cx.expr(chain[chain.length - 1].left);
  for (let i = chain.length - 1; i >= 0; i--) {
    const link = chain[i];
    const r = cx.expr(link.right);
    requireNumber(cx, link.left, value);
    requireNumber(cx, link.right, r);
    value = prim(cx, arithmeticOf(link)!, [value, r]);
  }
  return value;
}

/** `a < b`, `a === b`, …: a boolean. */
export function lowerComparison(cx: LowerContext, e: ts.BinaryExpression): TempId {
  // (`valueof === undefined`, `typeof f === "function"` of a function parameter: known here)
  const known = staticCondition(cx, e);
  if (known !== undefined) return cx.fn.constant(known);
  const k = e.operatorToken.kind;
  const cmp = comparison[k]!;
  const typeOf = [e.left, e.right].map(skipOuter).find(ts.isTypeOfExpression);
  const named = [e.left, e.right].map(skipOuter).find(ts.isStringLiteralLike);
  if ((cmp === 'eq' || cmp === 'ne') && typeOf && named) {
    const test = typeTest(cx, typeOf, named.text);
    return cmp === 'eq' ? test : prim(cx, 'not', [test]);
  }
  // `x === undefined`, `row != null`: whether a value (an element past the end, a missing part of read-only data) is there.
  const absent = (n: ts.Expression) => isNullishLiteral(cx, n);
  if ((cmp === 'eq' || cmp === 'ne') && (absent(e.left) || absent(e.right))) {
    const other = absent(e.right) ? e.left : e.right;
    const strict = k === ts.SyntaxKind.EqualsEqualsEqualsToken || k === ts.SyntaxKind.ExclamationEqualsEqualsToken;
    const isNull = skipOuter(absent(e.right) ? e.right : e.left).kind === ts.SyntaxKind.NullKeyword;
    if (strict && isNull) return fail(errors.unsupportedExpression(pos(cx, e), 'a comparison with null (use == null, or === undefined)'));
    const test = prim(cx, strict ? 'isundefined' : 'nullish', [cx.expr(other)]);
    return cmp === 'eq' ? test : prim(cx, 'not', [test]);
  }
  const l = cx.expr(e.left);
  const r = cx.expr(e.right);
  return prim(cx, cmp, [l, r]);
}

/**
 * `typeof x === "number"`, `typeof x[i] !== "number"`: a guard on data, never differentiated. A
 * number is one unless it is absent (an element past the end, an optional parameter left out);
 * of other values TypeScript's type decides.
 */
function typeTest(cx: LowerContext, e: ts.TypeOfExpression, name: string): TempId {
  const value = cx.expr(e.expression);
  const type = cx.fn.temps[value];
  if (type === 'number') {
    if (name === 'number') return prim(cx, 'not', [prim(cx, 'isundefined', [value])]);
    if (name === 'undefined') return prim(cx, 'isundefined', [value]);
    return cx.fn.constant(false);
  }
  const kinds = typeofKinds(cx.checker.getTypeAtLocation(e.expression));
  if (kinds === undefined) return fail(errors.unsupportedExpression(pos(cx, e), `typeof of '${e.expression.getText(cx.sf).slice(0, 40)}', whose type does not decide it`));
  if (!kinds.has(name)) return cx.fn.constant(false);
  if (kinds.size === 1) return cx.fn.constant(true);
  if (kinds.size === 2 && kinds.has('undefined')) return name === 'undefined' ? prim(cx, 'isundefined', [value]) : prim(cx, 'not', [prim(cx, 'isundefined', [value])]);
  return fail(errors.unsupportedExpression(pos(cx, e), `typeof of '${e.expression.getText(cx.sf).slice(0, 40)}', which may be a ${[...kinds].join(' or a ')}`));
}

/** What `typeof` may give for a value of type `t`; undefined when the type does not say. */
function typeofKinds(t: ts.Type): Set<string> | undefined {
  const out = new Set<string>();
  for (const part of t.isUnion() ? t.types : [t]) {
    const f = part.flags;
    if (f & ts.TypeFlags.NumberLike) out.add('number');
    else if (f & ts.TypeFlags.StringLike) out.add('string');
    else if (f & ts.TypeFlags.BooleanLike) out.add('boolean');
    else if (f & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) out.add('undefined');
    else if (f & ts.TypeFlags.Null) out.add('object');
    else if (f & ts.TypeFlags.Object) out.add(part.getCallSignatures().length > 0 ? 'function' : 'object');
    else return undefined;
  }
  return out;
}

/** `Array.isArray(x)`: decided by x's type (a plain array or tuple, not a typed array or other data). */
export function lowerIsArray(cx: LowerContext, e: ts.CallExpression): TempId {
  if (e.arguments.length !== 1) return fail(errors.arity(pos(cx, e), 'Array.isArray', 1, e.arguments.length));
  const arg = e.arguments[0];
  cx.expr(arg);
  const t = cx.checker.getTypeAtLocation(arg);
  const parts = t.isUnion() ? t.types : [t];
  const isArray = parts.map((p) => cx.checker.isArrayType(p) || cx.checker.isTupleType(p));
  if (isArray.every((a) => a)) return cx.fn.constant(true);
  if (isArray.every((a) => !a)) return cx.fn.constant(false);
  return fail(errors.unsupportedExpression(pos(cx, e), `Array.isArray of '${arg.getText(cx.sf).slice(0, 40)}', which may or may not be an array: give it one type`));
}

export function lowerMathCall(cx: LowerContext, e: ts.CallExpression, name: string): TempId {
  if (name === 'random') return fail(errors.nonDifferentiable(pos(cx, e), 'Math.random()', 'pass the noise in as a parameter'));
  const fn = mathFunctions.get(name);
  if (!fn) return fail(errors.unsupportedMath(pos(cx, e), name));
  const r = rule(fn);
  if (e.arguments.some(ts.isSpreadElement)) {
    const spread = e.arguments[0];
    if ((fn === 'max' || fn === 'min') && e.arguments.length === 1 && ts.isSpreadElement(spread)) return lowerSpreadExtremum(cx, spread, fn);
    return fail(errors.unsupportedExpression(pos(cx, e), `spread arguments in Math.${name} (only Math.max(...xs) and Math.min(...xs))`));
  }
  const args = e.arguments.map((a) => cx.expr(a));
  for (const [i, a] of args.entries()) requireNumber(cx, e.arguments[i], a);
  if (r.arity === 'variadic') {
    if (args.length === 0) return fail(errors.unsupportedExpression(pos(cx, e), `Math.${name}() without arguments`));
    if (args.length === 1 && (fn === 'max' || fn === 'min')) return args[0];
  } else if (args.length !== r.arity) {
    return fail(errors.arity(pos(cx, e), `Math.${name}`, r.arity, args.length));
  }
  return prim(cx, fn, args);
}

/** `isNaN(x)`, `isFinite(x)`, `Number.isNaN(x)`, `Number.isFinite(x)`, `Number.isInteger(x)` (on numbers). */
export function numberTest(cx: LowerContext, callee: ts.Expression): PrimName | undefined {
  const global = (name: string) => cx.fn.lookup(name) === undefined;
  if (ts.isIdentifier(callee) && global(callee.text)) {
    if (callee.text === 'isNaN') return 'isnan';
    if (callee.text === 'isFinite') return 'isfinite';
  }
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Number' && global('Number')) {
    const tests: Record<string, PrimName> = { isNaN: 'isnan', isFinite: 'isfinite', isInteger: 'isinteger' };
    return tests[callee.name.text];
  }
  return undefined;
}

/**
 * `Math.max(...xs)` / `Math.min(...xs)` ⇒ `m = -Infinity; for (i = 0; i < xs.length; i++) m = Math.max(m, xs[i])`:
 * the same value bit for bit (−Infinity / Infinity for an empty array, NaN when any element is NaN),
 * with the derivative conventions of the two-argument form.
 */
function lowerSpreadExtremum(cx: LowerContext, spread: ts.SpreadElement, which: 'max' | 'min'): TempId {
  const arr = arrayOperand(cx, spread.expression);
  const fn = cx.fn;
  const m = fn.declare(which === 'max' ? 'largest' : 'smallest', 'number', 'hidden', false);
  fn.assign(m, fn.constant(which === 'max' ? -Infinity : Infinity), true);
  loopOverArray(cx, arr, (index) => {
    fn.assign(m, prim(cx, which, [fn.read(m), fn.op({ op: 'load', var: arr }, [fn.read(index)], 'number')]));
  });
  return fn.read(m);
}
