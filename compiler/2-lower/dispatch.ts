/**
 * The table of contents of lowering: statements ⇒ regions and expressions ⇒ ops, one `switch`
 * over the supported kinds of each (binary operators and calls routed the same way), the
 * default reporting the construct with its position. Each case calls the construct file that
 * lowers it; construct files recurse through the context (`cx.expr`, `cx.stmt`, …), which
 * `createContext` wires to these switches, so they never import each other.
 *
 * Every subexpression becomes one op with a fresh temp; evaluation order is JavaScript's
 * (left to right, assignments in place).
 *
 * Guarantees: unreachable statements after `return`/`break`/`continue` are
 * dropped; `switch` becomes an `if` chain (switch-statement.ts); a statement that
 * fails is recorded in `cx.recovery` and lowering goes on after it (`attempt`).
 */
import { ts } from 'ts-morph';
import { CompileError, errors, type Diagnostic } from '../diagnostics/catalog';
import { forEachNode } from '../1-frontend/walk';
import { isArrayType, type TempId } from '../ir/types';
import { atStatement, fail, pos, type LowerContext, type Lowering } from './context';
import { comparison, compound, lazyAssignment, arithmeticOf } from './operators';
import { skipOuter, prim, typeOfNode, isOpaqueExpr, dataMisuse, endsFlow, localFunctionOf, mathAlias, unknownName } from './helpers';
import { lowerIdentifier, lowerPropertyAccess } from './constants';
import { lowerPrefix, lowerIncrement, lowerArithmetic, lowerComparison, lowerMathCall, numberTest } from './arithmetic';
import { lowerIf, lowerCondition, lowerAndOr, lowerNullish, lowerLazyAssignment, lowerConditional } from './branches';
import { lowerFor, lowerWhile, lowerDo, lowerForOf, lowerJump } from './loops';
import { lowerDeclarations, lowerAssignment, lowerCompoundAssignment } from './variables';
import { lowerGet, lowerDataDestructuring } from './data';
import { lowerUserCall, inlineLocalCall, lowerReturn, lowerLoopBody } from './calls';
import { lowerLoad, lowerElementAssignment, isArrayMethodCall, lowerArrayCreation, lowerArrayFrom, lowerArrayCall, lowerArrayInit } from './arrays';
import { lowerSwitch } from './switch-statement';

function lowerStatements(cx: LowerContext, list: readonly ts.Statement[]): void {
  // Function declarations are hoisted: callable anywhere in their block.
  for (const s of list) if (ts.isFunctionDeclaration(s) && s.name && s.body) cx.localFunctions.set(s, { name: s.name.text, fn: s, depth: cx.fn.depth });
  for (const s of list) {
    attempt(cx, s, () => lowerStatement(cx, s));
    if (endsFlow(cx.fn.current)) return; // the rest is unreachable
  }
}

/**
 * Lowers one statement; when it fails, records its error, drops what it emitted and lets lowering
 * go on with the next statement, so that one run reports every problem of a function. The names
 * it declares are poisoned: an error later found at a use of one is a consequence of this one,
 * not reported (`const o = {…}; … o.x … o.y` is one error, at the object).
 */
function attempt(cx: LowerContext, node: ts.Node, lower: () => void): void {
  const mark = cx.fn.mark();
  try {
    lower();
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    cx.fn.rewind(mark);
    const recovery = cx.recovery;
    // A name TypeScript cannot find is the cause of whatever failed around it (its type is `any`).
    const unknown = unresolvedNames(cx, node);
    recovery.diagnostics.push(...(unknown.length > 0 ? unknown.map((id) => unknownName(cx, id)) : e.diagnostics.filter((d) => !isConsequence(cx, node, d))));
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
  if (poisoned.size === 0 || d.file !== cx.sf.fileName || d.line === undefined) return false;
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

function lowerBlockOrStatement(cx: LowerContext, node: ts.Statement): void {
  cx.fn.withScope(() => {
    if (ts.isBlock(node)) lowerStatements(cx, node.statements);
    else lowerStatement(cx, node);
  });
}

function lowerStatement(cx: LowerContext, node: ts.Statement, label?: string): void {
  atStatement(cx, node, () => {
    switch (node.kind) {
      case ts.SyntaxKind.VariableStatement:
        return lowerDeclarations(cx, (node as ts.VariableStatement).declarationList);
      case ts.SyntaxKind.ExpressionStatement:
        lowerExpr(cx, (node as ts.ExpressionStatement).expression);
        return;
      case ts.SyntaxKind.IfStatement:
        return lowerIf(cx, node as ts.IfStatement);
      case ts.SyntaxKind.Block:
        return lowerBlockOrStatement(cx, node);
      case ts.SyntaxKind.ForStatement:
        return lowerFor(cx, node as ts.ForStatement, label);
      case ts.SyntaxKind.WhileStatement:
        return lowerWhile(cx, node as ts.WhileStatement, label);
      case ts.SyntaxKind.DoStatement:
        return lowerDo(cx, node as ts.DoStatement, label);
      case ts.SyntaxKind.ForOfStatement:
        return lowerForOf(cx, node as ts.ForOfStatement, label);
      case ts.SyntaxKind.LabeledStatement: {
        const l = node as ts.LabeledStatement;
        if (!ts.isIterationStatement(l.statement, false)) return fail(errors.unsupportedStatement(pos(cx, l), 'a label on something other than a loop'));
        return lowerStatement(cx, l.statement, l.label.text);
      }
      case ts.SyntaxKind.BreakStatement:
      case ts.SyntaxKind.ContinueStatement:
        return lowerJump(cx, node as ts.BreakOrContinueStatement);
      case ts.SyntaxKind.ReturnStatement:
        return lowerReturn(cx, node as ts.ReturnStatement);
      case ts.SyntaxKind.SwitchStatement:
        return lowerSwitch(cx, node as ts.SwitchStatement);
      case ts.SyntaxKind.EmptyStatement:
        return;
      case ts.SyntaxKind.FunctionDeclaration:
        if (cx.localFunctions.has(node)) return; // registered with its block, inlined where called
        return fail(errors.closure(pos(cx, node)));
      case ts.SyntaxKind.ThrowStatement:
        return fail(errors.unsupportedStatement(pos(cx, node), 'throw other than `if (condition) throw new Error("message")`'));
      case ts.SyntaxKind.TryStatement:
        return fail(errors.unsupportedStatement(pos(cx, node), 'try/catch'));
      case ts.SyntaxKind.ForInStatement:
        return fail(errors.unsupportedStatement(pos(cx, node), 'for … in (use for … of or an index loop)'));
      case ts.SyntaxKind.ClassDeclaration:
        return fail(errors.unsupportedStatement(pos(cx, node), 'class declarations'));
      default:
        return fail(errors.unsupportedStatement(pos(cx, node), ts.SyntaxKind[node.kind]));
    }
  });
}

function lowerExpr(cx: LowerContext, node: ts.Expression): TempId {
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

/** Binary operators, by the table they are in (operators.ts). */
function lowerBinary(cx: LowerContext, e: ts.BinaryExpression): TempId {
  const k = e.operatorToken.kind;
  if (arithmeticOf(e)) return lowerArithmetic(cx, e);
  if (comparison[k]) return lowerComparison(cx, e);
  if (k === ts.SyntaxKind.AmpersandAmpersandToken || k === ts.SyntaxKind.BarBarToken) return lowerAndOr(cx, e);
  if (k === ts.SyntaxKind.QuestionQuestionToken) return lowerNullish(cx, e);
  if (lazyAssignment[k]) return lowerLazyAssignment(cx, e);
  if (k === ts.SyntaxKind.EqualsToken) return lowerAssignment(cx, e);
  if (compound[k]) return lowerCompoundAssignment(cx, e);
  if (k === ts.SyntaxKind.CommaToken) {
    lowerExpr(cx, e.left);
    return lowerExpr(cx, e.right);
  }
  return fail(errors.unsupportedExpression(pos(cx, e.operatorToken), `operator '${e.operatorToken.getText(cx.sf)}'`));
}

/** Calls, by what they call: `Math`, an array method, a number test, a local function, `Array.from`, a function of the project. */
function lowerCall(cx: LowerContext, e: ts.CallExpression): TempId {
  const callee = skipOuter(e.expression);
  if (ts.isPropertyAccessExpression(callee)) {
    const obj = skipOuter(callee.expression);
    if (ts.isIdentifier(obj) && obj.text === 'Math' && cx.fn.lookup('Math') === undefined) return lowerMathCall(cx, e, callee.name.text);
    if (isOpaqueExpr(cx, obj)) return fail(dataMisuse(cx, callee, `calling '${callee.getText(cx.sf)}'`, obj, 'index'));
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
  if (
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === 'Array' &&
    callee.name.text === 'from' &&
    cx.fn.lookup('Array') === undefined
  )
    return lowerArrayFrom(cx, e);
  return lowerUserCall(cx, e, callee);
}

/** The context of one function's lowering, with the recursion the construct files lower through. */
export function createContext(base: Omit<LowerContext, keyof Lowering | 'recovery'>): LowerContext {
  const cx: LowerContext = {
    ...base,
    expr: (e) => lowerExpr(cx, e),
    condition: (e) => lowerCondition(cx, e),
    stmt: (s, label) => lowerStatement(cx, s, label),
    stmts: (list) => lowerStatements(cx, list),
    block: (s) => lowerBlockOrStatement(cx, s),
    loopBody: (fn, isForEach, resultType) => lowerLoopBody(cx, fn, isForEach, resultType),
    declarations: (list) => lowerDeclarations(cx, list),
    assignElement: (target, compute) => lowerElementAssignment(cx, target, compute),
    arrayInit: (e, type) => lowerArrayInit(cx, e, type),
    destructureData: (pattern, obj, isConst) => lowerDataDestructuring(cx, pattern, obj, isConst),
    attempt: (node, lower) => attempt(cx, node, lower),
    recovery: { diagnostics: [], poisoned: new Set(), flowUnknown: false },
  };
  return cx;
}
