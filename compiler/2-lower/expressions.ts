/**
 * Expressions ⇒ ops. Every subexpression becomes one op with a fresh temp;
 * evaluation order is JavaScript's (left to right, assignments in place).
 *
 * Short-circuit operators and `?:` keep their laziness: when the part that may
 * not run contains anything but reads and constants, they become an `if` that
 * assigns a hidden variable, so an untaken `Math.log(x)` is never evaluated,
 * in the primal nor in any derivative.
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import { isArrayType, isOpaqueType, type PrimName, type Stmt, type TempId, type Type } from '../ir/types';
import { mathConstants, mathFunctions, rule } from '../rules/table';
import { resolveCallee } from '../1-frontend/functions';
import { forEachNode } from '../1-frontend/walk';
import { fail, pos, type LocalFunction, type LowerContext } from './context';
import { dataType, irType } from './types';
import { lowerLoopBody, namedArray } from './statements';
import { destructuredValues, isFreshArray, lowerArrayFrom, lowerArrayCall, lowerArrayCreation, lowerElementAssignment, lowerLoad, lowerSpreadExtremum, isArrayMethodCall } from './arrays';

const arithmetic: Partial<Record<ts.SyntaxKind, PrimName>> = {
  [ts.SyntaxKind.PlusToken]: 'add',
  [ts.SyntaxKind.MinusToken]: 'sub',
  [ts.SyntaxKind.AsteriskToken]: 'mul',
  [ts.SyntaxKind.SlashToken]: 'div',
  [ts.SyntaxKind.PercentToken]: 'mod',
  [ts.SyntaxKind.AsteriskAsteriskToken]: 'pow',
};

/** Integer (bitwise) operators: piecewise constant, never differentiated. */
const bitwise: Partial<Record<ts.SyntaxKind, PrimName>> = {
  [ts.SyntaxKind.AmpersandToken]: 'bitand',
  [ts.SyntaxKind.BarToken]: 'bitor',
  [ts.SyntaxKind.CaretToken]: 'bitxor',
  [ts.SyntaxKind.LessThanLessThanToken]: 'shl',
  [ts.SyntaxKind.GreaterThanGreaterThanToken]: 'shr',
  [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken]: 'ushr',
};

const comparison: Partial<Record<ts.SyntaxKind, PrimName>> = {
  [ts.SyntaxKind.LessThanToken]: 'lt',
  [ts.SyntaxKind.LessThanEqualsToken]: 'le',
  [ts.SyntaxKind.GreaterThanToken]: 'gt',
  [ts.SyntaxKind.GreaterThanEqualsToken]: 'ge',
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: 'eq',
  [ts.SyntaxKind.EqualsEqualsToken]: 'eq',
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: 'ne',
  [ts.SyntaxKind.ExclamationEqualsToken]: 'ne',
};

/** `x ||= b`, `x &&= b`, `x ??= b`: assignments of a choice (see `lowerChoice`). */
const lazyAssignment: Partial<Record<ts.SyntaxKind, '||' | '&&' | '??'>> = {
  [ts.SyntaxKind.BarBarEqualsToken]: '||',
  [ts.SyntaxKind.AmpersandAmpersandEqualsToken]: '&&',
  [ts.SyntaxKind.QuestionQuestionEqualsToken]: '??',
};

const compound: Partial<Record<ts.SyntaxKind, PrimName>> = {
  [ts.SyntaxKind.PlusEqualsToken]: 'add',
  [ts.SyntaxKind.MinusEqualsToken]: 'sub',
  [ts.SyntaxKind.AsteriskEqualsToken]: 'mul',
  [ts.SyntaxKind.SlashEqualsToken]: 'div',
  [ts.SyntaxKind.PercentEqualsToken]: 'mod',
  [ts.SyntaxKind.AsteriskAsteriskEqualsToken]: 'pow',
};

export function skipOuter(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e))
    e = e.expression;
  return e;
}

export function prim(cx: LowerContext, fn: PrimName, args: readonly TempId[]): TempId {
  const r = rule(fn);
  // Fold operations on constants (Math.PI / 2, -1, 2 ** 10): exact, and keeps literals recognisable.
  const values = args.map((a) => cx.fn.constants.get(a));
  const named = args.some((a) => cx.fn.named.has(a));
  if (!named && values.every((v) => typeof v === 'number') && fn !== 'and' && fn !== 'or' && r.result === 'number') {
    return cx.fn.constant(r.evaluate(values as number[]) as number);
  }
  return cx.fn.op({ op: 'prim', fn }, args, r.result);
}

export function lowerExpr(cx: LowerContext, node: ts.Expression): TempId {
  const e = skipOuter(node);
  switch (e.kind) {
    case ts.SyntaxKind.NumericLiteral:
      return cx.fn.constant(Number((e as ts.NumericLiteral).text));
    case ts.SyntaxKind.TrueKeyword:
      return cx.fn.constant(true);
    case ts.SyntaxKind.FalseKeyword:
      return cx.fn.constant(false);
    case ts.SyntaxKind.Identifier:
      return lowerIdentifier(cx, e as ts.Identifier);
    case ts.SyntaxKind.PropertyAccessExpression:
      if (isOpaqueExpr(cx, (e as ts.PropertyAccessExpression).expression)) return lowerGet(cx, e as ts.PropertyAccessExpression);
      return lowerPropertyAccess(cx, e as ts.PropertyAccessExpression);
    case ts.SyntaxKind.ElementAccessExpression:
      if (isOpaqueExpr(cx, (e as ts.ElementAccessExpression).expression)) return lowerGet(cx, e as ts.ElementAccessExpression);
      return lowerLoad(cx, e as ts.ElementAccessExpression);
    case ts.SyntaxKind.PrefixUnaryExpression:
      return lowerPrefix(cx, e as ts.PrefixUnaryExpression);
    case ts.SyntaxKind.PostfixUnaryExpression:
      return lowerIncrement(cx, e as ts.PostfixUnaryExpression, (e as ts.PostfixUnaryExpression).operator === ts.SyntaxKind.PlusPlusToken ? 'add' : 'sub', 'old');
    case ts.SyntaxKind.BinaryExpression:
      return lowerBinary(cx, e as ts.BinaryExpression);
    case ts.SyntaxKind.ConditionalExpression:
      return lowerConditional(cx, e as ts.ConditionalExpression);
    case ts.SyntaxKind.CallExpression:
      return lowerCall(cx, e as ts.CallExpression);
    case ts.SyntaxKind.NewExpression:
    case ts.SyntaxKind.ArrayLiteralExpression:
      return lowerArrayCreation(cx, e);
    case ts.SyntaxKind.ArrowFunction:
    case ts.SyntaxKind.FunctionExpression:
      return fail(errors.closure(pos(cx, e)));
    default:
      return fail(errors.unsupportedExpression(pos(cx, e), describe(e)));
  }
}

function describe(e: ts.Node): string {
  const kinds: Partial<Record<ts.SyntaxKind, string>> = {
    [ts.SyntaxKind.StringLiteral]: 'strings',
    [ts.SyntaxKind.TemplateExpression]: 'template strings',
    [ts.SyntaxKind.NoSubstitutionTemplateLiteral]: 'template strings',
    [ts.SyntaxKind.ObjectLiteralExpression]: 'object literals',
    [ts.SyntaxKind.AwaitExpression]: 'await',
    [ts.SyntaxKind.YieldExpression]: 'yield',
    [ts.SyntaxKind.TypeOfExpression]: 'typeof',
    [ts.SyntaxKind.DeleteExpression]: 'delete',
    [ts.SyntaxKind.ThisKeyword]: 'this',
    [ts.SyntaxKind.NullKeyword]: 'null',
    [ts.SyntaxKind.SpreadElement]: 'spread',
    [ts.SyntaxKind.TaggedTemplateExpression]: 'tagged templates',
    [ts.SyntaxKind.ClassExpression]: 'classes',
  };
  return kinds[e.kind] ?? `'${e.getText().slice(0, 40)}' (${ts.SyntaxKind[e.kind]})`;
}

function lowerIdentifier(cx: LowerContext, id: ts.Identifier): TempId {
  const v = cx.fn.lookup(id.text);
  if (v !== undefined) return cx.fn.read(v);
  if (id.text === 'Infinity') return cx.fn.constant(Infinity);
  if (id.text === 'NaN') return cx.fn.constant(NaN);
  if (id.text === 'undefined') return fail(errors.unsupportedExpression(pos(cx, id), 'undefined'));
  const alias = mathAlias(cx, id);
  if (alias !== undefined) {
    const c = mathConstants.get(alias);
    if (c === undefined) return fail(errors.unsupportedMath(pos(cx, id), alias));
    return cx.fn.constant(c, `Math.${alias}`);
  }
  const value = moduleConstant(cx, id);
  if (value !== undefined) return cx.fn.constant(value);
  const sym = cx.checker.getSymbolAtLocation(id);
  const decl = sym?.valueDeclaration;
  if (decl && (ts.isFunctionDeclaration(decl) || ts.isVariableDeclaration(decl)) && isInside(decl, cx)) {
    return fail(errors.closure(pos(cx, id)));
  }
  return fail(errors.moduleVariable(pos(cx, id), id.text));
}

/**
 * The member of `Math` a name stands for when it comes from a module-level
 * `const { sqrt, PI: pi } = Math` (in this file or imported): `sqrt`, `PI`.
 */
function mathAlias(cx: LowerContext, id: ts.Identifier): string | undefined {
  let sym = cx.checker.getSymbolAtLocation(id);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = cx.checker.getAliasedSymbol(sym);
  const decl = sym?.valueDeclaration;
  if (!decl || !ts.isBindingElement(decl) || !ts.isObjectBindingPattern(decl.parent)) return undefined;
  const vd = decl.parent.parent;
  if (!ts.isVariableDeclaration(vd) || !vd.initializer || !(vd.parent.flags & ts.NodeFlags.Const) || !ts.isSourceFile(vd.parent.parent.parent)) return undefined;
  const init = skipOuter(vd.initializer);
  if (!ts.isIdentifier(init) || init.text !== 'Math' || decl.dotDotDotToken) return undefined;
  const key = decl.propertyName ?? decl.name;
  return ts.isIdentifier(key) ? key.text : undefined;
}

/** A declaration inside the function being lowered that is not one of its locals: a nested function. */
function isInside(decl: ts.Node, cx: LowerContext): boolean {
  for (let n: ts.Node | undefined = decl.parent; n; n = n.parent) if (ts.isFunctionLike(n)) return n.getSourceFile() === cx.sf && n.pos <= decl.pos;
  return false;
}

/**
 * The value of a module-level `const` bound to a numeric constant expression
 * (`const N = 10`, `const TAU = 2 * Math.PI`), followed through imports.
 */
function moduleConstant(cx: LowerContext, id: ts.Identifier): number | undefined {
  let sym = cx.checker.getSymbolAtLocation(id);
  if (!sym) return undefined;
  if (sym.flags & ts.SymbolFlags.Alias) sym = cx.checker.getAliasedSymbol(sym);
  const decl = sym.valueDeclaration;
  if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer) return undefined;
  if (!(decl.parent.flags & ts.NodeFlags.Const) || !ts.isVariableStatement(decl.parent.parent) || !ts.isSourceFile(decl.parent.parent.parent)) return undefined;
  const value = evaluateConstant(decl.initializer, cx, 0);
  if (value !== undefined) cx.files.add(decl.getSourceFile().fileName);
  return value;
}

function evaluateConstant(node: ts.Expression, cx: LowerContext, depth: number): number | undefined {
  if (depth > 20) return undefined;
  const e = skipOuter(node);
  if (ts.isNumericLiteral(e)) return Number(e.text);
  if (ts.isPrefixUnaryExpression(e)) {
    const v = evaluateConstant(e.operand, cx, depth + 1);
    if (v === undefined) return undefined;
    if (e.operator === ts.SyntaxKind.MinusToken) return -v;
    if (e.operator === ts.SyntaxKind.PlusToken) return v;
    return undefined;
  }
  if (ts.isBinaryExpression(e)) {
    const fn = arithmetic[e.operatorToken.kind];
    const l = evaluateConstant(e.left, cx, depth + 1);
    const r = evaluateConstant(e.right, cx, depth + 1);
    if (!fn || l === undefined || r === undefined) return undefined;
    return rule(fn).evaluate([l, r]) as number;
  }
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Math') return mathConstants.get(e.name.text);
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Number') return numberConstants.get(e.name.text);
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && ts.isIdentifier(e.expression.expression) && e.expression.expression.text === 'Math') {
    const fn = mathFunctions.get(e.expression.name.text);
    const args = e.arguments.map((a) => evaluateConstant(a, cx, depth + 1));
    if (!fn || args.some((a) => a === undefined)) return undefined;
    return rule(fn).evaluate(args as number[]) as number;
  }
  if (ts.isIdentifier(e)) {
    if (e.text === 'Infinity') return Infinity;
    if (e.text === 'NaN') return NaN;
    let sym = cx.checker.getSymbolAtLocation(e);
    if (sym && sym.flags & ts.SymbolFlags.Alias) sym = cx.checker.getAliasedSymbol(sym);
    const decl = sym?.valueDeclaration;
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer && decl.parent.flags & ts.NodeFlags.Const && ts.isVariableStatement(decl.parent.parent) && ts.isSourceFile(decl.parent.parent.parent))
      return evaluateConstant(decl.initializer, cx, depth + 1);
  }
  return undefined;
}

const numberConstants = new Map<string, number>([
  ['EPSILON', Number.EPSILON],
  ['MAX_VALUE', Number.MAX_VALUE],
  ['MIN_VALUE', Number.MIN_VALUE],
  ['MAX_SAFE_INTEGER', Number.MAX_SAFE_INTEGER],
  ['MIN_SAFE_INTEGER', Number.MIN_SAFE_INTEGER],
  ['POSITIVE_INFINITY', Infinity],
  ['NEGATIVE_INFINITY', -Infinity],
  ['NaN', NaN],
]);

/** Whether `node` reads data the function never differentiates: an opaque variable, or a property or element of one. */
export function isOpaqueExpr(cx: LowerContext, node: ts.Expression): boolean {
  const e = skipOuter(node);
  if (ts.isIdentifier(e)) {
    const v = cx.fn.lookup(e.text);
    return v !== undefined && isOpaqueType(cx.fn.vars[v].type);
  }
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) return isOpaqueExpr(cx, e.expression);
  return false;
}

/** The variable at the root of an opaque read (`X` of `X[i].y`). */
export function opaqueRoot(node: ts.Expression): string {
  const e = skipOuter(node);
  return ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) ? opaqueRoot(e.expression) : e.getText();
}

/**
 * The type a read of data has by its declaration, not as TypeScript narrowed it at this point
 * (`opts.on` is `never` in a branch that cannot run, `true` in one that tested it).
 */
function declaredTypeOf(cx: LowerContext, e: ts.PropertyAccessExpression | ts.ElementAccessExpression): ts.Type {
  const narrowed = cx.checker.getTypeAtLocation(e);
  if (ts.isPropertyAccessExpression(e)) {
    const sym = cx.checker.getSymbolAtLocation(e.name);
    if (sym && sym.flags & ts.SymbolFlags.Property) return cx.checker.getTypeOfSymbol(sym);
    return narrowed;
  }
  if (!(narrowed.flags & ts.TypeFlags.Never)) return narrowed;
  return cx.checker.getIndexTypeOfType(cx.checker.getTypeAtLocation(e.expression), ts.IndexKind.Number) ?? narrowed;
}

/**
 * `X[i]`, `p.x`, `rows.length` on opaque data: a number or boolean (a
 * constant for differentiation), or opaque again (`X[i]` of a `number[][]`).
 */
function lowerGet(cx: LowerContext, e: ts.PropertyAccessExpression | ts.ElementAccessExpression): TempId {
  if (e.questionDotToken) return fail(errors.unsupportedExpression(pos(cx, e), 'optional chaining (?.)'));
  if (ts.isPropertyAccessExpression(e) && ts.isPrivateIdentifier(e.name)) return fail(errors.unsupportedExpression(pos(cx, e.name), 'private fields'));
  const obj = lowerExpr(cx, e.expression);
  const t = declaredTypeOf(cx, e);
  let at: { key: string } | { index: TempId };
  if (ts.isPropertyAccessExpression(e)) at = { key: e.name.text };
  else {
    at = { index: lowerExpr(cx, e.argumentExpression) };
    if (cx.fn.temps[at.index] !== 'number') return fail(errors.unsupportedExpression(pos(cx, e.argumentExpression), 'a non-numeric index'));
  }
  const value = dataGet(cx, obj, at, t);
  if (value === undefined) return fail(errors.unsupportedExpression(pos(cx, e), `reading '${e.getText(cx.sf).slice(0, 40)}' of type '${cx.checker.typeToString(t)}' (opaque data may hold numbers, strings, booleans, arrays, tuples and plain objects of them)`));
  return value;
}

/**
 * A read of data, `obj.key` or `obj[index]`, of declared type `t`; undefined when `t` is not a
 * type data may have. An optional number or boolean property may be undefined, as in the primal
 * (read with `!`); an element read gets `!` where the project checks indexed access.
 */
export function dataGet(cx: LowerContext, obj: TempId, at: { key: string } | { index: TempId }, t: ts.Type): TempId | undefined {
  const present = cx.checker.getNonNullableType(t);
  const type = dataType('index' in at ? present : t, cx.checker);
  if (type === undefined) return undefined;
  if ('index' in at) return cx.fn.op({ op: 'get', key: undefined }, [obj, at.index], type);
  const optional = (type === 'number' || type === 'boolean') && t !== present;
  return cx.fn.op(optional ? { op: 'get', key: at.key, optional } : { op: 'get', key: at.key }, [obj], type);
}

function lowerPropertyAccess(cx: LowerContext, e: ts.PropertyAccessExpression): TempId {
  const obj = skipOuter(e.expression);
  if (ts.isIdentifier(obj) && obj.text === 'Math' && cx.fn.lookup('Math') === undefined) {
    const c = mathConstants.get(e.name.text);
    if (c === undefined) return fail(errors.unsupportedMath(pos(cx, e), e.name.text));
    return cx.fn.constant(c, `Math.${e.name.text}`);
  }
  if (ts.isIdentifier(obj) && obj.text === 'Number' && cx.fn.lookup('Number') === undefined) {
    const c = numberConstants.get(e.name.text);
    if (c !== undefined) return cx.fn.constant(c, `Number.${e.name.text}`);
  }
  if (e.name.text === 'length' && ts.isIdentifier(obj)) {
    const v = cx.fn.lookup(obj.text);
    if (v !== undefined && isArrayType(cx.fn.vars[v].type)) return cx.fn.op({ op: 'length', var: v }, [], 'number');
  }
  // A member of a numeric enum (`Mode.Fast`): its constant value.
  const decl = cx.checker.getSymbolAtLocation(e)?.valueDeclaration;
  const member = decl && ts.isEnumMember(decl) ? cx.checker.getConstantValue(decl) : undefined;
  if (typeof member === 'number') return cx.fn.constant(member);
  return fail(errors.unsupportedExpression(pos(cx, e), `property access '${e.getText(cx.sf)}'`));
}

function lowerPrefix(cx: LowerContext, e: ts.PrefixUnaryExpression): TempId {
  switch (e.operator) {
    case ts.SyntaxKind.MinusToken: {
      const v = lowerExpr(cx, e.operand);
      return prim(cx, 'neg', [v]);
    }
    case ts.SyntaxKind.PlusToken:
      return lowerExpr(cx, e.operand);
    case ts.SyntaxKind.ExclamationToken:
      return prim(cx, 'not', [lowerCondition(cx, e.operand)]);
    case ts.SyntaxKind.TildeToken:
      return prim(cx, 'bitnot', [lowerExpr(cx, e.operand)]);
    case ts.SyntaxKind.PlusPlusToken:
      return lowerIncrement(cx, e, 'add', 'new');
    case ts.SyntaxKind.MinusMinusToken:
      return lowerIncrement(cx, e, 'sub', 'new');
    default:
      return fail(errors.unsupportedExpression(pos(cx, e), `operator '${ts.tokenToString(e.operator)}'`));
  }
}

/** `x++`, `++x`, `a[i]--`: the value is the old or the new one. */
function lowerIncrement(cx: LowerContext, e: ts.PrefixUnaryExpression | ts.PostfixUnaryExpression, fn: 'add' | 'sub', result: 'old' | 'new'): TempId {
  const target = skipOuter(e.operand);
  if (ts.isElementAccessExpression(target)) {
    let old = -1;
    const updated = lowerElementAssignment(cx, target, (current) => {
      old = current();
      return prim(cx, fn, [old, cx.fn.constant(1)]);
    });
    return result === 'old' ? old : updated;
  }
  const v = assignable(cx, target);
  const old = cx.fn.read(v);
  const updated = prim(cx, fn, [old, cx.fn.constant(1)]);
  cx.fn.assign(v, updated);
  return result === 'old' ? old : updated;
}

/** The variable an assignment writes to; parameters and `let`s only. */
export function assignable(cx: LowerContext, target: ts.Expression): number {
  if (!ts.isIdentifier(target) && isOpaqueExpr(cx, target)) return fail(errors.readOnlyData(pos(cx, target), `assignment to '${target.getText(cx.sf)}'`, opaqueRoot(target)));
  if (!ts.isIdentifier(target)) return fail(errors.unsupportedExpression(pos(cx, target), `assignment to '${target.getText(cx.sf)}'`));
  const v = cx.fn.lookup(target.text);
  if (v === undefined) return fail(errors.moduleVariable(pos(cx, target), target.text));
  const info = cx.fn.vars[v];
  if (info.constant && info.role !== 'param') return fail(errors.assignmentToConst(pos(cx, target), target.text));
  if (isArrayType(info.type)) return fail(errors.arrayAlias(pos(cx, target), `assigning a new array to '${target.text}'`));
  return v;
}

function lowerBinary(cx: LowerContext, e: ts.BinaryExpression): TempId {
  const k = e.operatorToken.kind;
  if (arithmeticOf(e)) return lowerArithmetic(cx, e);
  const cmp = comparison[k];
  // `x === undefined`, `row != null`: whether a value (an element past the end, a missing part of read-only data) is there.
  const absent = (n: ts.Expression) => (ts.isIdentifier(skipOuter(n)) && (skipOuter(n) as ts.Identifier).text === 'undefined' && cx.fn.lookup('undefined') === undefined) || skipOuter(n).kind === ts.SyntaxKind.NullKeyword;
  if ((cmp === 'eq' || cmp === 'ne') && (absent(e.left) || absent(e.right))) {
    const other = absent(e.right) ? e.left : e.right;
    const strict = k === ts.SyntaxKind.EqualsEqualsEqualsToken || k === ts.SyntaxKind.ExclamationEqualsEqualsToken;
    const isNull = skipOuter(absent(e.right) ? e.right : e.left).kind === ts.SyntaxKind.NullKeyword;
    if (strict && isNull) return fail(errors.unsupportedExpression(pos(cx, e), 'a comparison with null (use == null, or === undefined)'));
    const test = prim(cx, strict ? 'isundefined' : 'nullish', [lowerExpr(cx, other)]);
    return cmp === 'eq' ? test : prim(cx, 'not', [test]);
  }
  if (cmp) {
    const l = lowerExpr(cx, e.left);
    const r = lowerExpr(cx, e.right);
    return prim(cx, cmp, [l, r]);
  }
  if (k === ts.SyntaxKind.AmpersandAmpersandToken || k === ts.SyntaxKind.BarBarToken) {
    // (`xs[i] || 0` under noUncheckedIndexedAccess: `number | undefined` operands count as numbers)
    if (localTypeOf(cx, e) !== 'number') return lowerLogical(cx, e);
    const a = lowerExpr(cx, e.left);
    requireNumber(cx, e.left, a);
    return lowerChoice(cx, k === ts.SyntaxKind.BarBarToken ? '||' : '&&', a, e.right);
  }
  if (k === ts.SyntaxKind.QuestionQuestionToken) {
    const a = lowerExpr(cx, e.left);
    requireNumber(cx, e.left, a);
    return lowerChoice(cx, '??', a, e.right);
  }
  const lazy = lazyAssignment[k];
  if (lazy) {
    // `x ||= b` ⇒ `x = x || b`: the same value (x keeps its own where b is not chosen).
    const target = skipOuter(e.left);
    if (ts.isElementAccessExpression(target)) {
      // (`xs[i] &&= b` past the end of xs leaves xs as it is; storing the old element back would grow it)
      if (lazy === '&&') return fail(errors.unsupportedExpression(pos(cx, e.operatorToken), `'&&=' on an array element (write \`if (${target.getText(cx.sf)}) ${target.getText(cx.sf)} = …\`)`));
      return lowerElementAssignment(cx, target, (current) => lowerChoice(cx, lazy, current(), e.right));
    }
    const v = assignable(cx, target);
    const old = cx.fn.read(v);
    requireNumber(cx, e.left, old);
    const value = lowerChoice(cx, lazy, old, e.right);
    cx.fn.assign(v, value);
    return value;
  }
  if (k === ts.SyntaxKind.EqualsToken) {
    const target = skipOuter(e.left);
    if (ts.isArrayLiteralExpression(target)) return lowerDestructuringAssignment(cx, target, e.right);
    if (ts.isElementAccessExpression(target)) return lowerElementAssignment(cx, target, () => lowerExpr(cx, e.right));
    const v = assignable(cx, target);
    const value = lowerExpr(cx, e.right);
    cx.fn.assign(v, value);
    return value;
  }
  const op = compound[k];
  if (op) {
    const target = skipOuter(e.left);
    if (ts.isElementAccessExpression(target)) return lowerElementAssignment(cx, target, (current) => prim(cx, op, [current(), lowerExpr(cx, e.right)]));
    const v = assignable(cx, target);
    const old = cx.fn.read(v);
    const value = prim(cx, op, [old, lowerExpr(cx, e.right)]);
    cx.fn.assign(v, value);
    return value;
  }
  if (k === ts.SyntaxKind.CommaToken) {
    lowerExpr(cx, e.left);
    return lowerExpr(cx, e.right);
  }
  return fail(errors.unsupportedExpression(pos(cx, e.operatorToken), `operator '${e.operatorToken.getText(cx.sf)}'`));
}

function arithmeticOf(e: ts.Expression): PrimName | undefined {
  return ts.isBinaryExpression(e) ? (arithmetic[e.operatorToken.kind] ?? bitwise[e.operatorToken.kind]) : undefined;
}

/**
 * `a + b - c * d + …` ⇒ one op per operator, left to right. The left operands
 * of the chain are followed in a loop, not by recursion: a sum of thousands of
 * terms (unrolled code) lowers like a short one.
 */
function lowerArithmetic(cx: LowerContext, e: ts.BinaryExpression): TempId {
  const chain: ts.BinaryExpression[] = [e];
  for (let left = skipOuter(e.left); arithmeticOf(left); left = skipOuter((left as ts.BinaryExpression).left)) chain.push(left as ts.BinaryExpression);
  let value = lowerExpr(cx, chain[chain.length - 1].left);
  for (let i = chain.length - 1; i >= 0; i--) {
    const link = chain[i];
    const r = lowerExpr(cx, link.right);
    requireNumber(cx, link.left, value);
    requireNumber(cx, link.right, r);
    value = prim(cx, arithmeticOf(link)!, [value, r]);
  }
  return value;
}

/**
 * `a || b`, `a && b`, `a ?? b` on numbers (`a` already evaluated): the operand JavaScript chooses,
 * so the value and its derivative are that operand's, and `b` is evaluated only when chosen:
 *   a || b  ≡  truthy(a) ? a : b        (`w = w || 1`: w where w ≠ 0, else 1)
 *   a && b  ≡  truthy(a) ? b : a        (`mag && 1 / mag`: 1 / mag where mag ≠ 0, else mag)
 *   a ?? b  ≡  nullish(a) ? b : a       (`xs[i] ?? 0` under noUncheckedIndexedAccess)
 * A `select` when `b` is a read or a constant; otherwise `h = a; if (b is chosen) { …; h = b }`,
 * so that no arm uses a temp of the enclosing block and an untaken `1 / mag` never runs.
 */
function lowerChoice(cx: LowerContext, op: '||' | '&&' | '??', a: TempId, right: ts.Expression): TempId {
  const test = prim(cx, op === '??' ? 'nullish' : 'truthy', [a]);
  let bb = -1;
  const whenB = cx.fn.region(() => {
    bb = lowerExpr(cx, right);
  });
  requireNumber(cx, right, bb);
  if (isTrivial(whenB)) {
    cx.fn.splice(whenB);
    return cx.fn.op({ op: 'select' }, op === '||' ? [test, a, bb] : [test, bb, a], 'number');
  }
  const takesB = op === '||' ? prim(cx, 'not', [test]) : test;
  const h = cx.fn.declare(op === '??' ? 'value' : 'chosen', 'number', 'hidden', false);
  const origin = cx.fn.origin;
  cx.fn.assign(h, a, true);
  cx.fn.emit({ kind: 'if', cond: takesB, then: [...whenB, { kind: 'assign', var: h, value: bb, declare: false, origin }], else: [], origin });
  return cx.fn.read(h);
}

/**
 * `[a, b] = [b, a - q * b]`, `[x[i], x[j]] = [x[j], x[i]]`, `[m, v] = g(xs)`: every value on the
 * right first, then the targets left to right, as JavaScript does. Its value (an array) is not used.
 */
function lowerDestructuringAssignment(cx: LowerContext, target: ts.ArrayLiteralExpression, right: ts.Expression): TempId {
  const values = destructuredValues(cx, right, target.elements.map((el) => !ts.isOmittedExpression(el)));
  target.elements.forEach((el, i) => {
    if (ts.isOmittedExpression(el)) return;
    const t = skipOuter(el);
    const value = values[i];
    if (value === undefined) return fail(errors.unsupportedExpression(pos(cx, el), 'a destructuring target without a value'));
    requireNumber(cx, el, value);
    if (ts.isElementAccessExpression(t)) lowerElementAssignment(cx, t, () => value);
    else if (ts.isIdentifier(t)) cx.fn.assign(assignable(cx, t), value);
    else fail(errors.unsupportedExpression(pos(cx, el), 'destructuring into anything but names and elements'));
  });
  return cx.fn.constant(0);
}

function requireNumber(cx: LowerContext, node: ts.Node, t: TempId): void {
  if (cx.fn.temps[t] !== 'number') fail(errors.unsupportedExpression(pos(cx, node), `arithmetic on a value of type ${cx.fn.temps[t]}`));
}

/** True when a detached region only reads and computes (no calls, writes or control flow): safe to run eagerly. */
function isEager(stmts: readonly Stmt[]): boolean {
  return stmts.every((s) => s.kind === 'op' && (s.op === 'const' || s.op === 'read' || s.op === 'length' || s.op === 'load' || (s.op === 'prim' && rule(s.fn).result === 'boolean') || (s.op === 'prim' && s.args.length <= 2 && ['add', 'sub', 'neg', 'mul'].includes(s.fn))));
}

/** `a && b`, `a || b` as booleans: in a condition, or on booleans (numbers count by their truthiness). */
function lowerLogical(cx: LowerContext, e: ts.BinaryExpression): TempId {
  const isAnd = e.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken;
  return lazyLogical(cx, isAnd ? 'and' : 'or', lowerCondition(cx, e.left), () => lowerCondition(cx, e.right));
}

/**
 * `l && right()`, `l || right()` on booleans, `right` lowered only where JavaScript evaluates it:
 * one `and`/`or` when it only reads and computes, else `h = l; if (l) { …; h = r }` (for ||: if (!l)).
 */
export function lazyLogical(cx: LowerContext, fn: 'and' | 'or', l: TempId, right: () => TempId): TempId {
  let r = -1;
  const rhs = cx.fn.region(() => {
    r = right();
  });
  if (isEager(rhs)) {
    cx.fn.splice(rhs);
    return prim(cx, fn, [l, r]);
  }
  const h = cx.fn.declare('cond', 'boolean', 'hidden', false);
  cx.fn.assign(h, l, true);
  const test = fn === 'and' ? l : prim(cx, 'not', [l]);
  const then = [...rhs, { kind: 'assign' as const, var: h, value: r, declare: false, origin: cx.fn.origin }];
  cx.fn.emit({ kind: 'if', cond: test, then, else: [], origin: cx.fn.origin });
  return cx.fn.read(h);
}

/** A boolean-valued expression (conditions of `if`, loops, `?:`, `&&`). */
export function lowerCondition(cx: LowerContext, node: ts.Expression): TempId {
  // `if (a || b)` on numbers: only truthiness counts, whichever operand is chosen.
  const e = skipOuter(node);
  if (ts.isBinaryExpression(e) && (e.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken || e.operatorToken.kind === ts.SyntaxKind.BarBarToken)) return lowerLogical(cx, e);
  const t = lowerExpr(cx, node);
  // A number as a condition is JavaScript's truthiness: false for 0, -0 and NaN.
  if (cx.fn.temps[t] === 'number') return prim(cx, 'truthy', [t]);
  if (cx.fn.temps[t] !== 'boolean') {
    return fail(errors.unsupportedExpression(pos(cx, node), `a condition of type ${cx.fn.temps[t]}`));
  }
  return t;
}

/** `c ? a : b`: a `select` when both arms are reads or constants, an `if` otherwise. */
/** Only constants and reads: cheap and unable to fail, so evaluated eagerly in a `select`. */
function isTrivial(stmts: readonly Stmt[]): boolean {
  return stmts.every((s) => s.kind === 'op' && (s.op === 'const' || s.op === 'read'));
}

function lowerConditional(cx: LowerContext, e: ts.ConditionalExpression): TempId {
  const c = lowerCondition(cx, e.condition);
  let a = -1;
  let bb = -1;
  const whenTrue = cx.fn.region(() => {
    a = lowerExpr(cx, e.whenTrue);
  });
  const whenFalse = cx.fn.region(() => {
    bb = lowerExpr(cx, e.whenFalse);
  });
  const ta = cx.fn.temps[a];
  const tb = cx.fn.temps[bb];
  if (ta !== tb) return fail(errors.unsupportedExpression(pos(cx, e), `a conditional whose arms have types ${ta} and ${tb}`));
  if (isArrayType(ta)) {
    // `c ? xs.slice() : ys.map(f)`: each arm must make a fresh array (choosing between two array
    // variables would make the result share memory with one of them).
    for (const [arm, node] of [[whenTrue, e.whenTrue], [whenFalse, e.whenFalse]] as const) {
      if (!isFreshArray(cx, arm[arm.length - 1])) return fail(errors.arrayAlias(pos(cx, node), `a conditional whose arm is the array '${node.getText(cx.sf).slice(0, 40)}' shares its memory; copy it with .slice()`));
    }
  }
  if (isTrivial(whenTrue) && isTrivial(whenFalse)) {
    cx.fn.splice(whenTrue);
    cx.fn.splice(whenFalse);
    return cx.fn.op({ op: 'select' }, [c, a, bb], ta);
  }
  const h = cx.fn.declare('sel', ta, 'hidden', false);
  cx.fn.emit({ kind: 'declare', var: h, origin: cx.fn.origin });
  const origin = cx.fn.origin;
  cx.fn.emit({
    kind: 'if',
    cond: c,
    then: [...whenTrue, { kind: 'assign', var: h, value: a, declare: false, origin }],
    else: [...whenFalse, { kind: 'assign', var: h, value: bb, declare: false, origin }],
    origin,
  });
  return cx.fn.read(h);
}

function lowerCall(cx: LowerContext, e: ts.CallExpression): TempId {
  const callee = skipOuter(e.expression);
  if (ts.isPropertyAccessExpression(callee)) {
    const obj = skipOuter(callee.expression);
    if (ts.isIdentifier(obj) && obj.text === 'Math' && cx.fn.lookup('Math') === undefined) return lowerMathCall(cx, e, callee.name.text);
    if (isOpaqueExpr(cx, obj)) return fail(errors.readOnlyData(pos(cx, callee), `calling '${callee.getText(cx.sf)}'`, opaqueRoot(obj), 'loop over it with an index, or pass it to a function that takes number[]'));
    if (isArrayMethodCall(cx, callee)) return lowerArrayCall(cx, e, callee);
    const objType = typeOfNode(cx, obj);
    if (objType !== undefined && isArrayType(objType)) return fail(errors.unsupportedExpression(pos(cx, callee.name), `the array method '${callee.name.text}'`));
  }
  const test = numberTest(cx, callee);
  if (test) {
    if (e.arguments.length !== 1) return fail(errors.arity(pos(cx, e), callee.getText(cx.sf), 1, e.arguments.length));
    return prim(cx, test, [lowerExpr(cx, e.arguments[0])]);
  }
  const local = localFunctionOf(cx, callee);
  if (local) return inlineLocalCall(cx, e, local);
  const alias = ts.isIdentifier(callee) ? mathAlias(cx, callee) : undefined;
  if (alias !== undefined) return lowerMathCall(cx, e, alias);
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Array' && callee.name.text === 'from' && cx.fn.lookup('Array') === undefined)
    return lowerArrayFrom(cx, e);
  const resolved = resolveCallee(callee, cx.checker);
  if ('problem' in resolved) {
    if (resolved.problem === 'noBody') return fail(errors.noBody(pos(cx, callee), resolved.name));
    if (resolved.problem === 'notModuleLevel') return fail(errors.closure(pos(cx, callee)));
    return fail(errors.unresolvedCall(pos(cx, callee), `'${resolved.name}' is not a function of this project`));
  }
  const src = resolved.source;
  const params = src.node.parameters;
  if (params.some((p) => p.dotDotDotToken || p.questionToken))
    return fail(errors.unsupportedExpression(pos(cx, e), `calling '${src.name}', which has optional or rest parameters`));
  // Arguments left out take the parameter's default (a constant number).
  const required = params.findIndex((p) => p.initializer !== undefined);
  const least = required === -1 ? params.length : required;
  if (e.arguments.length < least || e.arguments.length > params.length) return fail(errors.arity(pos(cx, e), src.name, params.length, e.arguments.length));
  const args = e.arguments.map((a) => namedArray(cx, lowerExpr(cx, a), 'arg'));
  for (const p of params.slice(e.arguments.length)) {
    const init = p.initializer ? constantDefault(cx, p) : undefined;
    if (init === undefined) return fail(errors.unsupportedExpression(pos(cx, e), `calling '${src.name}' without '${p.name.getText()}', whose default is not a constant number`));
    args.push(cx.fn.constant(init));
  }
  const sig = cx.checker.getSignatureFromDeclaration(src.node);
  const ret = sig ? irType(cx.checker.getReturnTypeOfSignature(sig), cx.checker) : undefined;
  if (ret === undefined || ret === 'boolean') {
    const text = sig ? cx.checker.typeToString(cx.checker.getReturnTypeOfSignature(sig)) : 'unknown';
    return fail(errors.returnType(pos(cx, e), src.name, text));
  }
  cx.callees.set(src.key, src);
  resolved.via.forEach((f) => cx.files.add(f));
  return cx.fn.op({ op: 'call', callee: src.key }, args, ret);
}

/** The local function `node` names (`sq` of `const sq = (t) => t * t` declared in this function), if any. */
export function localFunctionOf(cx: LowerContext, node: ts.Expression): LocalFunction | undefined {
  if (!ts.isIdentifier(node)) return undefined;
  const decl = cx.checker.getSymbolAtLocation(node)?.valueDeclaration;
  return decl ? cx.localFunctions.get(decl) : undefined;
}

/**
 * Checks that every variable `local` captures from the enclosing function is the one the same
 * name finds where `local` is used (no declaration in between shadows it), so that inlining its
 * body there reads what the closure would.
 */
export function checkCaptures(cx: LowerContext, local: LocalFunction, at: ts.Node): void {
  if (cx.inlining.has(local.fn)) return fail(errors.closure(pos(cx, at), `'${local.name}' calls itself: move it to module level`));
  const inside = (d: ts.Node, n: ts.Node) => d.getSourceFile() === n.getSourceFile() && d.pos >= n.pos && d.end <= n.end;
  if (!local.fn.body) return;
  forEachNode(local.fn.body, (n) => {
    if (ts.isIdentifier(n) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) {
      const decl = cx.checker.getSymbolAtLocation(n)?.valueDeclaration;
      if (decl && inside(decl, cx.root) && !inside(decl, local.fn) && !cx.localFunctions.has(decl)) {
        const depth = cx.fn.lookupDepth(n.text);
        if (depth === undefined || depth > local.depth)
          return fail(errors.closure(pos(cx, at), `'${local.name}' uses '${n.text}', which is not the same variable where it is called: rename one of them`));
      }
    }
  });
}

/**
 * `sq(x)` of a local function: its body inlined at the call, parameters bound to the arguments
 * (evaluated first, left to right), its variables in a scope of their own; a `return` in the middle
 * of the body leaves a one-iteration loop. An array argument is passed as JavaScript does (the
 * same array, not a copy).
 */
function inlineLocalCall(cx: LowerContext, e: ts.CallExpression, local: LocalFunction): TempId {
  const params = local.fn.parameters;
  if (params.some((p) => p.dotDotDotToken || p.initializer || p.questionToken || !ts.isIdentifier(p.name)))
    return fail(errors.unsupportedExpression(pos(cx, e), `calling '${local.name}', which has optional, default, rest or destructured parameters`));
  if (e.arguments.length !== params.length) return fail(errors.arity(pos(cx, e), local.name, params.length, e.arguments.length));
  checkCaptures(cx, local, e.expression);
  const args = e.arguments.map((a) => lowerExpr(cx, a));
  const sig = cx.checker.getSignatureFromDeclaration(local.fn);
  const ret = sig ? cx.checker.getReturnTypeOfSignature(sig) : undefined;
  const isVoid = ret !== undefined && (ret.flags & ts.TypeFlags.Void) !== 0;
  return cx.fn.withScope(() => {
    params.forEach((p, i) => {
      const name = (p.name as ts.Identifier).text;
      const type = cx.fn.temps[args[i]];
      if (isArrayType(type)) {
        namedArray(cx, args[i], name);
        const read = cx.fn.current[cx.fn.current.length - 1];
        if (read?.kind !== 'op' || read.op !== 'read') return fail(errors.unsupportedExpression(pos(cx, e.arguments[i]), 'this array argument'));
        cx.fn.lookupOverride(name, read.var);
      } else if (isOpaqueType(type) && irType(cx.checker.getTypeAtLocation(p), cx.checker) === 'readonly number[]') {
        // A data row bound to a `readonly number[]` parameter: a read-only numeric array (so `z.reduce(…)` works).
        const v = cx.fn.declare(name, 'readonly number[]', 'local', true);
        cx.fn.assign(v, args[i], true);
      } else {
        const v = cx.fn.declare(name, type, 'local', false);
        cx.fn.assign(v, args[i], true);
      }
    });
    const returns = ret && !isVoid ? irType(ret, cx.checker) : 'number';
    if (returns === undefined || returns === 'boolean') return fail(errors.returnType(pos(cx, e), local.name, ret ? cx.checker.typeToString(ret) : 'unknown'));
    return lowerLoopBody(cx, local.fn, isVoid, returns) ?? cx.fn.constant(0);
  });
}

function lowerMathCall(cx: LowerContext, e: ts.CallExpression, name: string): TempId {
  if (name === 'random') return fail(errors.nonDifferentiable(pos(cx, e), 'Math.random()'));
  const fn = mathFunctions.get(name);
  if (!fn) return fail(errors.unsupportedMath(pos(cx, e), name));
  const r = rule(fn);
  if (e.arguments.some(ts.isSpreadElement)) {
    const spread = e.arguments[0];
    if ((fn === 'max' || fn === 'min') && e.arguments.length === 1 && ts.isSpreadElement(spread)) return lowerSpreadExtremum(cx, spread, fn);
    return fail(errors.unsupportedExpression(pos(cx, e), `spread arguments in Math.${name} (only Math.max(...xs) and Math.min(...xs))`));
  }
  const args = e.arguments.map((a) => lowerExpr(cx, a));
  for (const [i, a] of args.entries()) requireNumber(cx, e.arguments[i], a);
  if (r.arity === 'variadic') {
    if (args.length === 0) return fail(errors.unsupportedExpression(pos(cx, e), `Math.${name}() without arguments`));
    if (args.length === 1 && (fn === 'max' || fn === 'min')) return args[0];
  } else if (args.length !== r.arity) {
    return fail(errors.arity(pos(cx, e), `Math.${name}`, r.arity, args.length));
  }
  return prim(cx, fn, args);
}

export function typeOfNode(cx: LowerContext, node: ts.Node): Type | undefined {
  return irType(cx.checker.getTypeAtLocation(node), cx.checker);
}

/**
 * The type of a local: as `typeOfNode`, but `number | undefined` counts as a number (an element
 * read under `noUncheckedIndexedAccess`, `const [a, b] = xs`): generated code holds the same
 * value, and computes with it exactly as the primal does.
 */
export function localTypeOf(cx: LowerContext, node: ts.Node): Type | undefined {
  const t = cx.checker.getTypeAtLocation(node);
  return irType(t, cx.checker) ?? irType(cx.checker.getNonNullableType(t), cx.checker);
}

/** `isNaN(x)`, `isFinite(x)`, `Number.isNaN(x)`, `Number.isFinite(x)`, `Number.isInteger(x)` (on numbers). */
function numberTest(cx: LowerContext, callee: ts.Expression): PrimName | undefined {
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

/** The value of a parameter's default when it is a constant numeric expression (`10`, `2 * Math.PI`, a module constant). */
export function constantDefault(cx: LowerContext, p: ts.ParameterDeclaration): number | undefined {
  let t = -1;
  try {
    cx.fn.region(() => {
      t = lowerExpr(cx, p.initializer!);
    });
  } catch {
    return undefined;
  }
  const v = cx.fn.constants.get(t);
  return typeof v === 'number' ? v : undefined;
}
