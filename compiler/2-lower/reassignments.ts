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
import { skipOuter } from './helpers';
import { identifiersIn } from './var-scoping';

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
  if (!ts.isIdentifier(e)) return true;
  const sym = cx.checker.getSymbolAtLocation(e);
  // Each use of the name that starts the left side of an `=`: `s = …` or `s.pos = …` replaces
  // what `s.pos` names; `s.pos.x = …` only writes into it.
  return (identifiersIn(cx.root).get(e.text) ?? []).some((id) => {
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
    return keys.length <= chain.length && keys.every((k, i) => k === chain[i]) && cx.checker.getSymbolAtLocation(id) === sym;
  });
}

/** `n` with the parentheses and type assertions around it (what `skipOuter` looks through). */
function outermost(n: ts.Node): ts.Node {
  const p = n.parent;
  if (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isNonNullExpression(p) || ts.isSatisfiesExpression(p) || ts.isTypeAssertionExpression(p)) return outermost(p);
  return n;
}

/** Whether `later` may run after `first` has: it comes after it, or a loop holds both. */
export function mayRunAfter(first: ts.Node, later: ts.Node): boolean {
  if (later.pos >= first.end) return true;
  if (later.pos >= first.pos && later.end <= first.end) return false; // (part of it: before, or the same)
  for (let n: ts.Node | undefined = first.parent; n; n = n.parent) {
    if (ts.isFunctionLike(n)) return false;
    if (ts.isIterationStatement(n, false) && later.pos >= n.pos && later.end <= n.end) return true;
  }
  return false;
}

/** Whether `name` (declared here) is assigned after its declaration. */
export function reassigned(cx: LowerContext, name: ts.Identifier): boolean {
  const sym = cx.checker.getSymbolAtLocation(name);
  return (identifiersIn(cx.root).get(name.text) ?? []).some((id) => {
    const n = outermost(id);
    const a = n.parent;
    return ts.isBinaryExpression(a) && a.left === n && a.operatorToken.kind === ts.SyntaxKind.EqualsToken && cx.checker.getSymbolAtLocation(id) === sym;
  });
}
