/**
 * Which parameters a function of the project writes into (by index; -1 is `this` of a class's
 * member), read from its source: an element or
 * property of the parameter assigned (`out[0] = …`, `s.x += …`, `out[i]++`), a method that changes
 * an array (`push`, `fill`, `set`, …), `Object.assign(p, …)`, or the parameter passed on to a
 * function that writes that parameter (`vec3.add(out, out, b)`), at any depth.
 *
 * Guarantees: a write the caller can see is never missed for parameters named by an identifier
 * (it errs towards "written"); recursion ends (a function still being read counts as writing
 * nothing more than found so far).
 */
import { ts } from 'ts-morph';
import { resolveCallee, type FunctionNode } from './functions';
import { assignedTarget, forEachNode } from './walk';

/** The methods that change the array they are called on. */
export const mutators: ReadonlySet<string> = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'fill', 'set', 'sort', 'reverse', 'copyWithin']);

export function writtenParameters(fn: FunctionNode | ts.ConstructorDeclaration, checker: ts.TypeChecker, memo = new Map<ts.Node, Set<number>>()): ReadonlySet<number> {
  const known = memo.get(fn);
  if (known) return known;
  const out = new Set<number>();
  memo.set(fn, out);
  const index = new Map<ts.Symbol, number>();
  fn.parameters.forEach((p, i) => {
    const sym = ts.isIdentifier(p.name) ? checker.getSymbolAtLocation(p.name) : undefined;
    if (sym) index.set(sym, i);
  });
  // (`this` of a method, a getter or a field's arrow function of a class: the receiver, -1)
  const member = ts.isClassDeclaration(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn) ? fn.parent?.parent : fn.parent);
  if ((index.size === 0 && !member) || !fn.body) return out;
  /** The parameter at the root of `a[i].x`, `p.v`, `(q as T)`, if any. */
  const root = (node: ts.Expression): number | undefined => {
    let e = node;
    for (;;) {
      if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
      else if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) e = e.expression;
      else break;
    }
    if (e.kind === ts.SyntaxKind.ThisKeyword) return member ? -1 : undefined;
    const sym = ts.isIdentifier(e) ? checker.getSymbolAtLocation(e) : undefined;
    return sym ? index.get(sym) : undefined;
  };
  // Names for a part of a parameter that is an object or array (`const row = W[i]`, `const { pos } =
  // body`, `for (const p of pts)`, a callback's element `pts.forEach((p) => …)`): a write through
  // one is a write to the parameter. (Found in source order, so that a name for such a name counts.)
  // (`const scope = this`, as three.js writes, has the type `this`: its constraint is the class)
  const isReference = (name: ts.Node) => {
    const t = checker.getNonNullableType(checker.getTypeAtLocation(name));
    return ((checker.getBaseConstraintOfType(t) ?? t).flags & ts.TypeFlags.Object) !== 0;
  };
  const alias = (name: ts.BindingName, i: number): void => {
    if (ts.isIdentifier(name)) {
      const sym = checker.getSymbolAtLocation(name);
      if (sym && isReference(name)) index.set(sym, i);
    } else name.elements.forEach((el) => !ts.isOmittedExpression(el) && alias(el.name, i));
  };
  forEachNode(fn.body, (n) => {
    if (ts.isVariableDeclaration(n) && n.initializer) {
      const init = skip(n.initializer);
      const named = ts.isIdentifier(init) || ts.isPropertyAccessExpression(init) || ts.isElementAccessExpression(init) || init.kind === ts.SyntaxKind.ThisKeyword;
      const i = named ? root(init) : undefined;
      if (i !== undefined) alias(n.name, i);
    }
    if (ts.isForOfStatement(n) && ts.isVariableDeclarationList(n.initializer)) {
      const i = root(n.expression);
      if (i !== undefined) n.initializer.declarations.forEach((d) => alias(d.name, i));
    }
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(skip(n.expression))) {
      const callee = skip(n.expression) as ts.PropertyAccessExpression;
      const cb = n.arguments[0] && skip(n.arguments[0]);
      const at = callee.name.text === 'reduce' ? 1 : 0;
      const i = root(callee.expression);
      const element = cb && (ts.isArrowFunction(cb) || ts.isFunctionExpression(cb)) ? cb.parameters[at] : undefined;
      if (i !== undefined && element && ['forEach', 'map', 'reduce', 'some', 'every', 'find', 'filter'].includes(callee.name.text)) alias(element.name, i);
    }
  });
  const written = (target: ts.Expression) => {
    const t = skip(target);
    if (ts.isArrayLiteralExpression(t)) return t.elements.forEach((el) => written(el));
    if (ts.isObjectLiteralExpression(t)) return;
    if (!ts.isPropertyAccessExpression(t) && !ts.isElementAccessExpression(t)) return;
    const i = root(t);
    if (i !== undefined) out.add(i);
  };
  forEachNode(fn.body, (n) => {
    const target = assignedTarget(n);
    if (target) written(target);
    else if (ts.isCallExpression(n)) {
      const callee = skip(n.expression);
      if (ts.isPropertyAccessExpression(callee) && mutators.has(callee.name.text)) {
        const i = root(callee.expression);
        if (i !== undefined) out.add(i);
      }
      if (ts.isPropertyAccessExpression(callee) && callee.getText() === 'Object.assign' && n.arguments[0]) {
        const i = root(n.arguments[0]);
        if (i !== undefined) out.add(i);
      }
      const resolved = resolveCallee(callee, checker);
      if ('source' in resolved) {
        for (const k of writtenParameters(resolved.source.node, checker, memo)) {
          // (a method writing `this` writes the object it is called on: `this.add(v)`, `p.normalize()`)
          const a = k === -1 ? (ts.isPropertyAccessExpression(callee) ? callee.expression : undefined) : n.arguments[k];
          const i = a ? root(a) : undefined;
          if (i !== undefined) out.add(i);
        }
      }
    }
  });
  return out;
}

function skip(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}
