/**
 * Names and constants ⇒ reads and constants: a variable's read, `Infinity`/`NaN`, members of
 * `Math` and `Number` (also through `const { PI } = Math`), module-level numeric `const`s
 * (followed through imports, folded to their value), members of numeric enums, `xs.length`.
 * A name that is none of these (a module variable, a nested function) is an error.
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import { isArrayType, type TempId } from '../ir/types';
import { mathConstants, mathFunctions, rule } from '../rules/table';
import { fail, pos, type LowerContext } from './context';
import { arithmetic } from './operators';
import { skipOuter, mathAlias, unknownName } from './helpers';

export function lowerIdentifier(cx: LowerContext, id: ts.Identifier): TempId {
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
  return fail(sym === undefined ? unknownName(cx, id) : errors.moduleVariable(pos(cx, id), id.text));
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
    if (
      decl &&
      ts.isVariableDeclaration(decl) &&
      decl.initializer &&
      decl.parent.flags & ts.NodeFlags.Const &&
      ts.isVariableStatement(decl.parent.parent) &&
      ts.isSourceFile(decl.parent.parent.parent)
    )
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

export function lowerPropertyAccess(cx: LowerContext, e: ts.PropertyAccessExpression): TempId {
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
