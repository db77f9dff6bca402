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
import { errors } from '../diagnostics/catalog';
import { isArrayType, type TempId } from '../ir/types';
import { atStatement, fail, pos, type FunctionArgument, type LowerContext, type Lowering } from './context';
import { comparison, compound, lazyAssignment, arithmeticOf } from './operators';
import { skipOuter, prim, typeOfNode, isOpaqueExpr, endsFlow, localFunctionOf, mathAlias, dataMisuse, structPath, arrayOperand } from './helpers';
import { lowerDataCallback, lowerPlaceCallback } from './data-callbacks';
import { lowerPlaceRead, placeKind, placeOf, type Place } from './lists';
import { listOf, lowerListPush } from './local-lists';
import { lowerMatrixPush, matrixOf } from './local-matrices';
import { lowerIdentifier, lowerPropertyAccess, lowerString, lowerTableLookup, lowerObjectLiteral } from './constants';
import { lowerPrefix, lowerIncrement, lowerArithmetic, lowerComparison, lowerMathCall, numberTest, lowerIsArray } from './arithmetic';
import { lowerIf, lowerCondition, lowerAndOr, lowerNullish, lowerLazyAssignment, lowerConditional } from './branches';
import { lowerFor, lowerWhile, lowerDo, lowerForOf, lowerJump, checkpointComment } from './loops';
import { lowerDeclarations, lowerAssignment, lowerCompoundAssignment } from './variables';
import { lowerGet, lowerDataDestructuring } from './data';
import { lowerUserCall, inlineLocalCall, inlineLocalStructCall, lowerStructCall, lowerNew, lowerGetter, callFunctionArgument } from './calls';
import { callChoice, functionArgumentOf, isFunctionParameter } from './function-arguments';
import { lowerReturn, lowerLoopBody } from './returns';
import { isStructExpr, lowerObjectAssign, lowerStruct, structTypeOf } from './structs';
import { lowerLoad, lowerElementAssignment, isArrayMethodCall, lowerArrayCreation, lowerArrayFrom, lowerArrayCall, lowerArrayInit, lowerCallback } from './arrays';
import { lowerSwitch } from './switch-statement';
import { getterOf, isMethodCall } from './classes';
import { attempt } from './recovery';

function lowerStatements(cx: LowerContext, list: readonly ts.Statement[]): void {
  // Function declarations are hoisted: callable anywhere in their block.
  for (const s of list) if (ts.isFunctionDeclaration(s) && s.name && s.body) cx.localFunctions.set(s, { name: s.name.text, fn: s, depth: cx.fn.depth });
  for (const s of list) {
    attempt(cx, s, () => {
      const loop = ts.isLabeledStatement(s) ? s.statement : s;
      if (!ts.isForStatement(loop) && !ts.isWhileStatement(loop) && !ts.isDoStatement(loop) && checkpointComment(cx, loop))
        return fail(errors.checkpoint(pos(cx, s), '// @adc checkpoint goes on the line above a for, while or do loop (not a for … of)'));
      lowerStatement(cx, s);
    });
    if (endsFlow(cx.fn.current)) return; // the rest is unreachable
  }
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
        if (!ts.isIterationStatement(l.statement, false))
          return fail(errors.unsupportedStatement(pos(cx, l), 'a label on something other than a loop (break and continue name loops only): remove it'));
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
      default:
        return fail(errors.unsupportedStatement(pos(cx, node), describeStatement(node)));
    }
  });
}

function lowerExpr(cx: LowerContext, node: ts.Expression): TempId {
  const e = skipOuter(node);
  switch (e.kind) {
    case ts.SyntaxKind.NumericLiteral:
      return cx.fn.constant(Number((e as ts.NumericLiteral).text));
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
      return lowerString(cx, e as ts.StringLiteral);
    case ts.SyntaxKind.TrueKeyword:
      return cx.fn.constant(true);
    case ts.SyntaxKind.FalseKeyword:
      return cx.fn.constant(false);
    case ts.SyntaxKind.Identifier:
      return lowerPlaceRead(cx, e) ?? lowerIdentifier(cx, e as ts.Identifier);
    case ts.SyntaxKind.PropertyAccessExpression: {
      const place = lowerPlaceRead(cx, e);
      if (place !== undefined) return place;
      if (getterOf(cx, e)) {
        const value = lowerGetter(cx, e as ts.PropertyAccessExpression, structTypeOf(cx, e));
        return typeof value === 'object' ? fail(errors.unsupportedExpression(pos(cx, e), `the object '${e.getText(cx.sf)}' as a number`)) : value;
      }
      if (structPath(cx, e) !== undefined || isStructExpr(cx, (e as ts.PropertyAccessExpression).expression)) return lowerStructProperty(cx, e as ts.PropertyAccessExpression);
      if (skipOuter((e as ts.PropertyAccessExpression).expression).kind === ts.SyntaxKind.ThisKeyword)
        return fail(errors.unsupportedExpression(pos(cx, e), describe((e as ts.PropertyAccessExpression).expression)));
      if (isOpaqueExpr(cx, (e as ts.PropertyAccessExpression).expression)) return lowerGet(cx, e as ts.PropertyAccessExpression);
      return lowerPropertyAccess(cx, e as ts.PropertyAccessExpression);
    }
    case ts.SyntaxKind.ElementAccessExpression:
      if (isOpaqueExpr(cx, (e as ts.ElementAccessExpression).expression)) return lowerGet(cx, e as ts.ElementAccessExpression);
      return lowerPlaceRead(cx, e) ?? lowerTableLookup(cx, e as ts.ElementAccessExpression) ?? lowerLoad(cx, e as ts.ElementAccessExpression);
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
    case ts.SyntaxKind.ObjectLiteralExpression:
      return lowerObjectLiteral(cx, e as ts.ObjectLiteralExpression) ?? fail(errors.unsupportedExpression(pos(cx, e), describe(e)));
    case ts.SyntaxKind.ArrowFunction:
    case ts.SyntaxKind.FunctionExpression:
      return fail(errors.closure(pos(cx, e)));
    default:
      return fail(errors.unsupportedExpression(pos(cx, e), describe(e)));
  }
}

/**
 * `p.x`, `s.body.pos`, `f(p).y` of an object value: the property's value (an array property, a
 * read of its variable); an object there is not a value an operation takes.
 */
function lowerStructProperty(cx: LowerContext, e: ts.PropertyAccessExpression): TempId {
  const path = structPath(cx, e);
  if (typeof path === 'number') return cx.fn.read(path);
  if (path !== undefined || structTypeOf(cx, e))
    return fail(errors.unsupportedExpression(pos(cx, e), `the object '${e.getText(cx.sf).slice(0, 40)}' where a number or an array is expected`));
  const value = lowerStruct(cx, e.expression, structTypeOf(cx, e.expression)!).fields.get(e.name.text);
  if (value === undefined || 'fields' in value) return fail(errors.unsupportedExpression(pos(cx, e), `'${e.getText(cx.sf).slice(0, 40)}'`));
  return 'temp' in value ? value.temp : cx.fn.read(value.array);
}

/** An unsupported expression, and its usual way out. */
function describe(e: ts.Node): string {
  const strings = 'strings: keep strings (labels, messages) out of differentiated code';
  const kinds: Partial<Record<ts.SyntaxKind, string>> = {
    [ts.SyntaxKind.StringLiteral]: strings,
    [ts.SyntaxKind.TemplateExpression]: strings,
    [ts.SyntaxKind.NoSubstitutionTemplateLiteral]: strings,
    [ts.SyntaxKind.TaggedTemplateExpression]: strings,
    [ts.SyntaxKind.ObjectLiteralExpression]:
      'this object literal: an object is differentiated when its type is a plain object of numbers, numeric arrays and such objects (give it one: `const p: Point = { … }`)',
    [ts.SyntaxKind.AwaitExpression]: 'await: make the function synchronous, and await its inputs before calling it',
    [ts.SyntaxKind.YieldExpression]: 'yield: return an array of the values instead',
    [ts.SyntaxKind.TypeOfExpression]: 'typeof: the types are known when adc compiles; leave the test out',
    [ts.SyntaxKind.DeleteExpression]: 'delete: set the element or property to a value instead',
    [ts.SyntaxKind.ThisKeyword]: 'this outside a member of a class (a function of an object literal: take the object as a parameter)',
    [ts.SyntaxKind.NullKeyword]: 'null: use NaN, or a separate boolean, for a missing number',
    [ts.SyntaxKind.SpreadElement]: 'spread: pass the array itself, or copy it with .slice()',
    [ts.SyntaxKind.ClassExpression]: 'classes: class instances are not differentiable yet; pass the numbers they hold as parameters, or a plain object of them',
    [ts.SyntaxKind.RegularExpressionLiteral]: strings,
    [ts.SyntaxKind.BigIntLiteral]: 'bigint: use numbers',
  };
  return kinds[e.kind] ?? `'${e.getText().slice(0, 40)}' (${ts.SyntaxKind[e.kind]})`;
}

/** An unsupported statement, and its usual way out. */
function describeStatement(s: ts.Statement): string {
  const kinds: Partial<Record<ts.SyntaxKind, string>> = {
    [ts.SyntaxKind.ThrowStatement]: 'throw other than `if (condition) throw new Error("message")`',
    [ts.SyntaxKind.TryStatement]: 'try/catch: catch around the call of the generated function instead (`if (condition) throw new Error("message")` is supported here)',
    [ts.SyntaxKind.ForInStatement]: 'for … in (use for … of or an index loop)',
    [ts.SyntaxKind.ClassDeclaration]:
      'class declarations: class instances are not differentiable yet; declare the class outside and pass the numbers it holds as parameters, or a plain object of them',
    [ts.SyntaxKind.InterfaceDeclaration]: 'type declarations inside the function: move them to module level',
    [ts.SyntaxKind.TypeAliasDeclaration]: 'type declarations inside the function: move them to module level',
    [ts.SyntaxKind.EnumDeclaration]: 'enums inside the function: move them to module level',
    [ts.SyntaxKind.DebuggerStatement]: 'debugger: remove it',
  };
  return kinds[s.kind] ?? ts.SyntaxKind[s.kind];
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

/** `source.forEach(call's callback)`, whatever `source` is (the loop of a callback whose values callback-values.ts takes). */
function lowerForEach(cx: LowerContext, call: ts.CallExpression, source: ts.Expression): void {
  const kind = placeKind(cx, source);
  if (kind === 'list' || kind === 'matrix') lowerPlaceCallback(cx, call, 'forEach', placeOf(cx, source)!);
  else if (isOpaqueExpr(cx, source)) lowerDataCallback(cx, call, 'forEach', source);
  else lowerCallback(cx, call, 'forEach', arrayOperand(cx, source));
}

/** Calls, by what they call: `Math`, an array method, a number test, a local function, `Array.from`, a function of the project. */
function lowerCall(cx: LowerContext, e: ts.CallExpression): TempId {
  const callee = skipOuter(e.expression);
  if (ts.isPropertyAccessExpression(callee)) {
    const obj = skipOuter(callee.expression);
    if (ts.isIdentifier(obj) && obj.text === 'Math' && cx.fn.lookup('Math') === undefined) return lowerMathCall(cx, e, callee.name.text);
    // (a method of a class of the project, `v.distanceTo(w)`, `this.norm()`: inlined with `this` the object)
    if (isMethodCall(cx, callee)) return lowerUserCall(cx, e, callee);
    const kind = placeKind(cx, obj);
    const method = callee.name.text;
    if ((kind === 'matrix' || kind === 'list') && (method === 'reduce' || method === 'map' || method === 'forEach')) return lowerPlaceCallback(cx, e, method, placeOf(cx, obj)!);
    if (kind === 'matrix' && method === 'push' && (placeOf(cx, obj) as Extract<Place, { kind: 'matrix' }>).group === undefined)
      return lowerMatrixPush(cx, e, (placeOf(cx, obj) as Extract<Place, { kind: 'matrix' }>).m);
    if (kind === 'list' && method === 'push') return lowerListPush(cx, e, (placeOf(cx, obj) as Extract<Place, { kind: 'list' }>).list);
    if (kind === 'matrix' || kind === 'list' || kind === 'element')
      return fail(
        errors.unsupportedExpression(
          pos(cx, callee),
          kind === 'element'
            ? `the method '${method}' of the object '${obj.getText(cx.sf)}' of an array of objects (read and write its properties)`
            : `the method '${method}' of the ${kind === 'matrix' ? 'matrix' : 'array of objects'} '${obj.getText(cx.sf)}' (its ${kind === 'matrix' ? 'rows' : 'objects'} can be read with reduce, map, forEach and for … of; its size is fixed)`,
        ),
      );
    if (isOpaqueExpr(cx, obj)) {
      // (not of a differentiated object's property, `params.W.map(…)`: its author means W to be differentiated)
      if (
        (method === 'reduce' || method === 'map' || method === 'forEach') &&
        cx.checker.isArrayType(cx.checker.getNonNullableType(cx.checker.getTypeAtLocation(obj))) &&
        !inObjectOfNumbers(cx, obj)
      )
        return lowerDataCallback(cx, e, method, obj);
      return fail(dataMisuse(cx, callee, `calling '${callee.getText(cx.sf)}'`, obj, 'index'));
    }
    if (isArrayMethodCall(cx, callee)) return lowerArrayCall(cx, e, callee);
    const objType = typeOfNode(cx, obj);
    if (objType !== undefined && isArrayType(objType))
      return fail(errors.unsupportedExpression(pos(cx, callee.name), `the array method '${callee.name.text}': write it as a loop`));
    if (skipOuter(callee.expression).kind === ts.SyntaxKind.ThisKeyword) return fail(errors.unsupportedExpression(pos(cx, callee), describe(skipOuter(callee.expression))));
  }
  const test = numberTest(cx, callee);
  if (test) {
    if (e.arguments.length !== 1) return fail(errors.arity(pos(cx, e), callee.getText(cx.sf), 1, e.arguments.length));
    return prim(cx, test, [lowerExpr(cx, e.arguments[0])]);
  }
  const passed = functionArgumentOf(cx, callee);
  if (passed) return callPassed(cx, e, passed);
  const local = localFunctionOf(cx, callee);
  // (a local function taking objects, or a function: `const solve = (g: (x: number) => number) => …`)
  if (local && (e.arguments.some((a) => isStructExpr(cx, a)) || structTypeOf(cx, e) || local.fn.parameters.some((p) => isFunctionParameter(cx, p)))) {
    // (an object result where a value is expected: only its properties are values)
    const value = inlineLocalStructCall(cx, e, local, structTypeOf(cx, e));
    return value === undefined || typeof value === 'object' ? cx.fn.constant(0) : value;
  }
  if (local) return inlineLocalCall(cx, e, local);
  const alias = ts.isIdentifier(callee) || ts.isPropertyAccessExpression(callee) ? mathAlias(cx, callee) : undefined;
  if (alias !== undefined) return lowerMathCall(cx, e, alias);
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Object' && callee.name.text === 'assign') {
    lowerObjectAssign(cx, e);
    return cx.fn.constant(0);
  }
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Array' && cx.fn.lookup('Array') === undefined) {
    if (callee.name.text === 'from') return lowerArrayFrom(cx, e);
    if (callee.name.text === 'isArray') return lowerIsArray(cx, e);
  }
  return lowerUserCall(cx, e, callee);
}

/** `f(…)` of a function passed as an argument (function-arguments.ts): its value. */
function callPassed(cx: LowerContext, e: ts.CallExpression, f: FunctionArgument): TempId {
  if (f.kind === 'math') return lowerMathCall(cx, e, f.alias);
  if (f.kind === 'choice') return callChoice(cx, e, f, (g) => callPassed(cx, e, g));
  const value = callFunctionArgument(cx, e, f, structTypeOf(cx, e));
  return value === undefined || typeof value === 'object' ? cx.fn.constant(0) : value;
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
    structCall: (e, struct) => lowerStructCall(cx, e, struct),
    list: (e, struct) => listOf(cx, e, struct),
    matrix: (e, struct) => matrixOf(cx, e, struct),
    forEach: (call, source) => lowerForEach(cx, call, source),
    construct: (e, struct) => lowerNew(cx, e, struct),
    getter: (e, struct) => lowerGetter(cx, e, struct),
    recovery: { diagnostics: [], poisoned: new Set(), flowUnknown: false },
  };
  return cx;
}

/** Whether `e` is (a part of) a property of an object the function differentiates (`params.W`, `params.W[i]`). */
function inObjectOfNumbers(cx: LowerContext, e: ts.Expression): boolean {
  const s = skipOuter(e);
  if (ts.isPropertyAccessExpression(s)) return structPath(cx, s.expression) !== undefined || inObjectOfNumbers(cx, s.expression);
  if (ts.isElementAccessExpression(s)) return inObjectOfNumbers(cx, s.expression);
  return false;
}
