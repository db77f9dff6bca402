/**
 * `switch` ⇒ an `if` chain, with JavaScript's order of evaluation: the discriminant once, then
 * each `case` label in source order (any expression: `case r:` of an rgb→hsl hue), compared
 * with `===`, each evaluated only while no earlier one matched; `default` runs when none
 * did, wherever it stands.
 *
 *   switch (d) { case a: case b: S1; break; default: S2; break; case c: S3 }
 *   ⇒ if (d === a || d === b) { S1 } else if (d === c) { S3 } else { S2 }
 *
 * A clause may not fall through into one with statements. A trailing `break` is dropped; a
 * `break` elsewhere in a clause (inside an `if`) leaves the switch, which is then a
 * one-iteration loop it can break out of:
 *   do { if (d === a) { …; if (p) break; … } else { … } } while (false)
 *
 * Guarantees: no temp is used outside the region that defines it (each test reads the
 * discriminant again, from its variable or from a hidden `const`).
 */
import { ts } from 'ts-morph';
import { forEachNode } from '../1-frontend/walk';
import { errors } from '../diagnostics/catalog';
import type { TempId } from '../ir/types';
import { fail, pos, type LowerContext } from './context';
import { lazyLogical, prim, skipOuter } from './helpers';

interface Arm {
  readonly tests: readonly ts.Expression[];
  readonly body: readonly ts.Statement[];
  readonly isDefault: boolean;
}

export function lowerSwitch(cx: LowerContext, node: ts.SwitchStatement): void {
  const arms = armsOf(cx, node);
  const discriminant = discriminantReader(cx, node);
  const fallback = arms.find((a) => a.isDefault);
  // The default's own labels only matter when a later clause could match first (or they write something).
  const tested = arms.filter((a, i) => a.tests.length > 0 && (!a.isDefault || arms.slice(i + 1).some((b) => b.tests.length > 0) || !a.tests.every(writesNothing)));
  const lowerBody = (arm: Arm) => cx.fn.withScope(() => cx.stmts(arm.body));
  const chain = (i: number): void => {
    if (i === tested.length) {
      if (fallback) lowerBody(fallback);
      return;
    }
    // d === a || d === b, each label lowered only where JavaScript evaluates it
    const matches = (t: ts.Expression) => prim(cx, 'eq', [discriminant(), cx.expr(t)]);
    const [first, ...rest] = tested[i].tests;
    const cond = rest.reduce<TempId>((c, t) => lazyLogical(cx, 'or', c, () => matches(t)), matches(first));
    const then = cx.fn.region(() => lowerBody(tested[i]));
    const els = cx.fn.region(() => chain(i + 1));
    cx.fn.emit({ kind: 'if', cond, then, else: els, origin: cx.fn.origin });
  };
  if (!arms.some((a) => a.body.some(breaksSwitch))) return chain(0);
  const id = cx.fn.newLoop(undefined, 'switch');
  const body = cx.fn.region(() => chain(0));
  cx.fn.endLoop();
  let cond = -1;
  const test = cx.fn.region(() => {
    cond = cx.fn.constant(false);
  });
  cx.fn.emit({ kind: 'loop', id, form: 'do', test, cond, body, update: [], origin: cx.fn.origin });
}

/** The clauses grouped into arms: labels of empty clauses join the next clause with statements. */
function armsOf(cx: LowerContext, node: ts.SwitchStatement): Arm[] {
  const arms: Arm[] = [];
  let tests: ts.Expression[] = [];
  let isDefault = false;
  const clauses = node.caseBlock.clauses;
  clauses.forEach((clause, index) => {
    if (ts.isDefaultClause(clause)) isDefault = true;
    else tests.push(clause.expression);
    const isLast = index === clauses.length - 1;
    if (clause.statements.length === 0 && !isLast) return;
    let body = [...clause.statements];
    if (body.length === 1 && ts.isBlock(body[0])) body = [...body[0].statements];
    const last = body[body.length - 1];
    if (last && ts.isBreakStatement(last) && !last.label) body = body.slice(0, -1);
    else if (!isLast && !(last && (ts.isReturnStatement(last) || ts.isContinueStatement(last) || (ts.isBreakStatement(last) && last.label))))
      return fail(errors.unsupportedStatement(pos(cx, clause), 'a switch clause that falls through into the next one (end it with break or return)'));
    arms.push({ tests, body, isDefault });
    tests = [];
    isDefault = false;
  });
  return arms;
}

/**
 * Reads the discriminant's value once per test, in the region of that test: its variable again
 * when it is a variable no label writes (`switch (max)`), else a hidden `const` set once.
 */
function discriminantReader(cx: LowerContext, node: ts.SwitchStatement): () => TempId {
  const e = skipOuter(node.expression);
  const named = ts.isIdentifier(e) ? cx.fn.lookup(e.text) : undefined;
  if (named !== undefined && node.caseBlock.clauses.every((c) => ts.isDefaultClause(c) || writesNothing(c.expression))) return () => cx.fn.read(named);
  const d = cx.expr(node.expression);
  const h = cx.fn.declare('discriminant', cx.fn.temps[d], 'hidden', true);
  cx.fn.assign(h, d, true);
  return () => cx.fn.read(h);
}

/** A label that assigns nothing and calls nothing but `Math` (so it cannot change a variable). */
function writesNothing(e: ts.Expression): boolean {
  const visit = (n: ts.Node): boolean => {
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) return false;
    if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken))
      return false;
    if (ts.isCallExpression(n)) {
      const callee = skipOuter(n.expression);
      if (!(ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Math')) return false;
    }
    return ts.forEachChild(n, (c) => (visit(c) ? undefined : true)) !== true;
  };
  return visit(e);
}

/** An unlabeled `break` in this statement that leaves the enclosing switch (not one of a nested loop or switch). */
function breaksSwitch(node: ts.Node): boolean {
  return forEachNode(node, (n) => {
    if (ts.isBreakStatement(n)) return n.label ? undefined : 'stop';
    if (ts.isIterationStatement(n, false) || ts.isSwitchStatement(n) || ts.isFunctionLike(n)) return 'skip';
  });
}
