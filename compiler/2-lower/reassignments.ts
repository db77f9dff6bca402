/**
 * Where a function's names are assigned again, read from its source: whether a variable is
 * assigned after its declaration, whether the object a path names may be replaced as a whole, and
 * whether one node may run after another (what decides if two names may share one object).
 *
 * Guarantees: each question looks only at the identifiers of one name (the cached index of
 * var-scoping.ts `identifiersIn`), not at the whole function.
 */
import { ts } from 'ts-morph';
import type { LowerContext } from './context';
import { mayRunAfter, skipOuter } from './helpers';
import { identifiersIn } from './var-scoping';
import { forEachNode } from '../1-frontend/walk';
import { resolveCallee, type FunctionNode } from '../1-frontend/functions';
import { mutators, writtenParameters } from '../1-frontend/writes';

/**
 * Whether the object a path names (`s.pos`) may be replaced as a whole in the function (`s = …`,
 * `s.pos = …`): a second name for it must then be a copy (it keeps the object it was given).
 */
export function rebound(cx: LowerContext, source: ts.Expression, from: ts.Node = source): boolean {
  const chain: string[] = [];
  let e = skipOuter(source);
  while (ts.isPropertyAccessExpression(e)) {
    chain.unshift(e.name.text);
    e = skipOuter(e.expression);
  }
  const self = e.kind === ts.SyntaxKind.ThisKeyword;
  if (!ts.isIdentifier(e) && !self) return true;
  const sym = self ? undefined : cx.checker.getSymbolAtLocation(e);
  // Each use of the name that starts the left side of an `=`: `s = …` or `s.pos = …` replaces
  // what `s.pos` names; `s.pos.x = …` only writes into it. (`this` itself is never assigned, only its fields.)
  const uses = ts.isIdentifier(e) ? (identifiersIn(cx.root).get(e.text) ?? []) : thisIn(cx.root);
  return uses.some((id) => {
    const keys: string[] = [];
    let n: ts.Node = id;
    for (;;) {
      n = outermost(n);
      if (!ts.isPropertyAccessExpression(n.parent) || n.parent.expression !== n) break;
      n = n.parent;
      keys.push((n as ts.PropertyAccessExpression).name.text);
    }
    const a = n.parent;
    if (!ts.isBinaryExpression(a) || a.left !== n || a.operatorToken.kind !== ts.SyntaxKind.EqualsToken || !mayRunAfter(from, a)) return false;
    return keys.length <= chain.length && keys.every((k, i) => k === chain[i]) && (self || cx.checker.getSymbolAtLocation(id) === sym);
  });
}

/** The uses of `this` in a function (its own and its arrow functions'). */
function thisIn(root: ts.Node): ts.Node[] {
  const found: ts.Node[] = [];
  forEachNode(root, (n) => {
    if (n.kind === ts.SyntaxKind.ThisKeyword) found.push(n);
    // (another function's `this` is another object; an arrow function's is this one)
    else if (n !== root && (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isClassLike(n) || ts.isMethodDeclaration(n))) return 'skip';
    return undefined;
  });
  return found;
}

/** `n` with the parentheses and type assertions around it (what `skipOuter` looks through). */
function outermost(n: ts.Node): ts.Node {
  const p = n.parent;
  if (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isNonNullExpression(p) || ts.isSatisfiesExpression(p) || ts.isTypeAssertionExpression(p)) return outermost(p);
  return n;
}

/** Whether `name` (declared here) is assigned after its declaration. */
export function reassigned(cx: LowerContext, name: ts.Identifier): boolean {
  return assignedValues(cx, name).length > 0;
}

/** The values `name` (declared here) is assigned after its declaration (`name = value`). */
export function assignedValues(cx: LowerContext, name: ts.Identifier): ts.Expression[] {
  const sym = cx.checker.getSymbolAtLocation(name);
  return (identifiersIn(cx.root).get(name.text) ?? []).flatMap((id) => {
    const n = outermost(id);
    const a = n.parent;
    return ts.isBinaryExpression(a) && a.left === n && a.operatorToken.kind === ts.SyntaxKind.EqualsToken && cx.checker.getSymbolAtLocation(id) === sym ? [a.right] : [];
  });
}

/**
 * Whether the array or object `name` names may be written into anywhere in the function: an
 * element or property of it assigned or incremented, a method that changes it called, or it passed
 * to a function of the project that writes that parameter (errs towards "written").
 */
export function writtenInto(cx: LowerContext, name: ts.Identifier): boolean {
  const sym = cx.checker.getSymbolAtLocation(name);
  return (identifiersIn(cx.root).get(name.text) ?? []).some((id) => {
    if (cx.checker.getSymbolAtLocation(id) !== sym) return false;
    let n: ts.Node = outermost(id);
    let accessed = false;
    while ((ts.isPropertyAccessExpression(n.parent) || ts.isElementAccessExpression(n.parent)) && n.parent.expression === n) {
      if (ts.isPropertyAccessExpression(n.parent) && mutators.has(n.parent.name.text) && ts.isCallExpression(n.parent.parent) && n.parent.parent.expression === n.parent)
        return true;
      n = outermost(n.parent);
      accessed = true;
    }
    const p = n.parent;
    if (accessed && ts.isBinaryExpression(p) && p.left === n && p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && p.operatorToken.kind <= ts.SyntaxKind.LastAssignment)
      return true;
    if (
      accessed &&
      (ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) &&
      (p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken)
    )
      return true;
    // (the array itself passed on, not one of its numbers: `f(xs)`, not `Math.cos(xs[0])`)
    if (!accessed && ts.isCallExpression(p) && p.arguments.includes(n as ts.Expression)) {
      const resolved = resolveCallee(p.expression, cx.checker);
      return !('source' in resolved) || writtenParameters(resolved.source.node, cx.checker).has(p.arguments.indexOf(n as ts.Expression));
    }
    return false;
  });
}

/**
 * Whether the variable `name` may be read after `at`: a later use of it, or one in a loop holding
 * both (unless the loop declares it again: `const next = []` in its body is another variable each time).
 */
export function usedAfter(cx: LowerContext, name: ts.Identifier, at: ts.Node): boolean {
  const sym = cx.checker.getSymbolAtLocation(name);
  const decl = sym?.valueDeclaration;
  const redeclared = (id: ts.Node): boolean => {
    for (let n: ts.Node | undefined = at.parent; n && !ts.isFunctionLike(n); n = n.parent)
      if (ts.isIterationStatement(n, false) && id.pos >= n.pos && id.end <= n.end) return decl !== undefined && decl.pos >= n.pos && decl.end <= n.end;
    return false;
  };
  return (identifiersIn(cx.root).get(name.text) ?? []).some(
    (id) => id !== name && cx.checker.getSymbolAtLocation(id) === sym && mayRunAfter(at, id) && (id.pos >= at.end || !redeclared(id)),
  );
}

/**
 * Whether a function writes into its parameter `name` (`a.x += k`, `a.pos.y = …`) where the
 * parameter may still hold the caller's object: anywhere but after a replacement `a = …` that is
 * a statement of the body itself (one that always runs first).
 */
export function writesBeforeReplaced(fn: FunctionNode | ts.ConstructorDeclaration, name: ts.Identifier, checker: ts.TypeChecker): boolean {
  const body = fn.body;
  if (!body || !ts.isBlock(body)) return true;
  const sym = checker.getSymbolAtLocation(name);
  const isParam = (e: ts.Expression) => ts.isIdentifier(e) && checker.getSymbolAtLocation(e) === sym;
  const replaced = body.statements.find(
    (st) =>
      ts.isExpressionStatement(st) &&
      ts.isBinaryExpression(st.expression) &&
      st.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      isParam(skipOuter(st.expression.left)),
  );
  const rootOf = (e: ts.Expression): ts.Expression => {
    const s = skipOuter(e);
    return ts.isPropertyAccessExpression(s) || ts.isElementAccessExpression(s) ? rootOf(s.expression) : s;
  };
  let early = false;
  forEachNode(body, (n) => {
    if (early || (replaced && n.pos >= replaced.end)) return 'skip';
    const target =
      ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment
        ? n.left
        : ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)
          ? n.operand
          : undefined;
    if (target && !isParam(skipOuter(target)) && isParam(rootOf(target))) early = true;
    if (ts.isCallExpression(n) && n.arguments.some((a) => isParam(skipOuter(a)))) early = true; // (passed on: it may be written)
  });
  return early;
}
