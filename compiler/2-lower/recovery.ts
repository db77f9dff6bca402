/**
 * Recovery from errors while lowering a function, so that one run reports every problem it has,
 * each once, at its cause:
 *
 *   const o = { x, v };        ⇒ ADC112 at `o` (an object); `o` is poisoned
 *   const k = 0.5 * o.v * o.v; ⇒ (a consequence: nothing; `k` is poisoned too)
 *   const n = totl * 2;        ⇒ ADC120 'cannot find name' at `totl` (not ADC112: `n` is any)
 *   try { … } catch { … }      ⇒ ADC101 at `try`
 *
 * Guarantees: a statement that fails leaves nothing in the IR being built (its builder state is
 * rewound) and its errors in `cx.recovery` (none when they are consequences of an earlier
 * failure); a failed statement holding a `return` makes the end's reachability unknown.
 */
import { ts } from 'ts-morph';
import { CompileError, type Diagnostic } from '../diagnostics/catalog';
import { forEachNode } from '../1-frontend/walk';
import type { LowerContext } from './context';
import { unknownName } from './helpers';

/**
 * Lowers one statement; when it fails, records its error, drops what it emitted and lets lowering
 * go on with the next statement, so that one run reports every problem of a function. The names
 * it declares are poisoned: an error later found at a use of one is a consequence of this one,
 * not reported (`const o = {…}; … o.x … o.y` is one error, at the object).
 */
export function attempt(cx: LowerContext, node: ts.Node, lower: () => void): void {
  const mark = cx.fn.mark();
  try {
    lower();
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    cx.fn.rewind(mark);
    const recovery = cx.recovery;
    // A name TypeScript cannot find is the cause of whatever failed around it (its type is `any`).
    const unknown = unresolvedNames(cx, node);
    const found = unknown.length > 0 ? unknown.map((id) => unknownName(cx, id)) : e.diagnostics.filter((d) => !isConsequence(cx, node, d));
    recovery.diagnostics.push(...found.flatMap((d) => causeInInitializer(cx, node, d) ?? [d]));
    forEachNode(node, (n) => {
      if (isDeclaredName(n)) {
        const sym = cx.checker.getSymbolAtLocation(n);
        if (sym) recovery.poisoned.add(sym);
      }
      if (ts.isReturnStatement(n) && ownReturn(n, node)) recovery.flowUnknown = true;
    });
    // An expression body is its function's return.
    if (!ts.isStatement(node)) recovery.flowUnknown = true;
  }
}

/**
 * Whether diagnostic `d` is a consequence of an earlier failure: it points at a use, inside `node`,
 * of a name whose declaration failed, or at a name whose type is `any` in a statement that uses one
 * (`const total = state.x + 1` of a failed `state`).
 */
function isConsequence(cx: LowerContext, node: ts.Node, d: Diagnostic): boolean {
  const poisoned = cx.recovery.poisoned;
  if (poisoned.size === 0 || d.line === undefined) return false;
  // (in the body of a function inlined at `node`: the use of a name whose declaration there failed, `return next`)
  if (d.file !== cx.sf.fileName || !(node.pos <= cx.sf.getPositionOfLineAndCharacter(d.line - 1, 0) && cx.sf.getPositionOfLineAndCharacter(d.line - 1, 0) < node.end))
    return pointsAtPoisoned(cx, d);
  const at = cx.sf.getPositionOfLineAndCharacter(d.line - 1, (d.col ?? 1) - 1);
  let target: ts.Identifier | undefined;
  let usesPoisoned = false;
  forEachNode(node, (n) => {
    if (!ts.isIdentifier(n)) return;
    const sym = cx.checker.getSymbolAtLocation(n);
    if (sym && poisoned.has(sym) && !isDeclaredName(n)) usesPoisoned = true;
    if (n.getStart(cx.sf) === at) target = n;
  });
  if (!target || !usesPoisoned) return false;
  const sym = cx.checker.getSymbolAtLocation(target);
  return (sym !== undefined && poisoned.has(sym)) || (cx.checker.getTypeAtLocation(target).flags & ts.TypeFlags.Any) !== 0;
}

/** Whether diagnostic `d` points at a use of a poisoned name (in whichever file it is declared). */
function pointsAtPoisoned(cx: LowerContext, d: Diagnostic): boolean {
  for (const sym of cx.recovery.poisoned)
    for (const decl of sym.declarations ?? []) {
      const sf = decl.getSourceFile();
      if (sf.fileName !== d.file || d.line === undefined || d.line > sf.getLineStarts().length) continue;
      const at = sf.getPositionOfLineAndCharacter(d.line - 1, (d.col ?? 1) - 1);
      let n: ts.Node = sf;
      for (let inner = n.getChildren(sf).find((c) => c.getStart(sf) <= at && at < c.end); inner; inner = n.getChildren(sf).find((c) => c.getStart(sf) <= at && at < c.end))
        n = inner;
      if (ts.isIdentifier(n) && !isDeclaredName(n) && cx.checker.getSymbolAtLocation(n) === sym) return true;
    }
  return false;
}

/**
 * TypeScript types `const v = this.k * x` as `any`, and its declaration fails for that (ADC112):
 * the error the initializer has of its own is the cause, when it has one.
 */
function causeInInitializer(cx: LowerContext, node: ts.Node, d: Diagnostic): readonly Diagnostic[] | undefined {
  if (d.code !== 'ADC112' || d.file !== cx.sf.fileName || d.line === undefined) return undefined;
  const at = cx.sf.getPositionOfLineAndCharacter(d.line - 1, (d.col ?? 1) - 1);
  let decl: ts.VariableDeclaration | undefined;
  forEachNode(node, (n) => {
    if (ts.isVariableDeclaration(n) && n.name.getStart(cx.sf) === at) decl = n;
    return decl ? 'stop' : undefined;
  });
  if (!decl?.initializer || !(cx.checker.getTypeAtLocation(decl.name).flags & ts.TypeFlags.Any)) return undefined;
  const mark = cx.fn.mark();
  try {
    cx.expr(decl.initializer);
    return undefined;
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    return e.diagnostics;
  } finally {
    cx.fn.rewind(mark);
  }
}

/** The names used in `node` (as values) that are declared nowhere. */
function unresolvedNames(cx: LowerContext, node: ts.Node): ts.Identifier[] {
  const found: ts.Identifier[] = [];
  forEachNode(node, (n) => {
    if (ts.isTypeNode(n)) return 'skip';
    if (!ts.isIdentifier(n) || !isValueName(n) || cx.checker.getSymbolAtLocation(n) !== undefined) return;
    if (ts.isShorthandPropertyAssignment(n.parent) && cx.checker.getShorthandAssignmentValueSymbol(n.parent) !== undefined) return;
    found.push(n);
  });
  return found;
}

/** Whether an identifier names a value where it is (not a property, a label or a declaration's key). */
function isValueName(n: ts.Identifier): boolean {
  const p = n.parent;
  if ((ts.isPropertyAccessExpression(p) || ts.isQualifiedName(p)) && n !== (ts.isPropertyAccessExpression(p) ? p.expression : p.left)) return false;
  if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p)) && p.name === n) return false;
  if (ts.isBindingElement(p) && p.propertyName === n) return false;
  return !(ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p));
}

/** Whether a `return` inside `node` returns from the function `node` is in (not from one nested in it). */
function ownReturn(r: ts.ReturnStatement, node: ts.Node): boolean {
  for (let n: ts.Node = r; n !== node; n = n.parent) if (ts.isFunctionLike(n)) return false;
  return true;
}

/** The name a declaration of the statement binds (`a`, `b` of `const [a, b] = …`, a class's or function's name). */
function isDeclaredName(n: ts.Node): boolean {
  const p = n.parent;
  if (!ts.isIdentifier(n) || !p) return false;
  return ((ts.isVariableDeclaration(p) || ts.isBindingElement(p)) && p.name === n) || ((ts.isClassDeclaration(p) || ts.isFunctionDeclaration(p)) && p.name === n);
}
