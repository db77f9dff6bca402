/**
 * Statements ⇒ regions. One `switch` over the supported statement kinds; the
 * default reports the construct with its position.
 *
 * Guarantees: unreachable statements after `return`/`break`/`continue` are
 * dropped; loops keep their form (`for`, `while`, `do`) with the condition in
 * a `test` region; `for … of` and array callbacks become index loops; `switch`
 * becomes an `if` chain (switch-statement.ts).
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import { isArrayType, isOpaqueType, type ArrayType, type Region, type Stmt, type TempId, type Type, type VarId } from '../ir/types';
import { forEachNode } from '../1-frontend/walk';
import { atStatement, fail, pos, type LowerContext } from './context';
import { dataGet, isOpaqueExpr, localTypeOf, lowerCondition, lowerExpr, skipOuter } from './expressions';
import { arrayVar, indexLoop, isFreshArray, lowerArrayCreation, lowerArrayDestructuring, lowerFillCall } from './arrays';
import { lowerSwitch } from './switch-statement';

/** How a `return` inside an inlined callback behaves: assign the value, break out of the one-iteration loop. */
interface CallbackReturn {
  readonly loop: number;
  /** Where a returned value goes (map/reduce with a block body); undefined for forEach. */
  readonly value: VarId | undefined;
}

const callbackReturns = new WeakMap<LowerContext, CallbackReturn[]>();

export function lowerStatements(cx: LowerContext, list: readonly ts.Statement[]): void {
  // Function declarations are hoisted: callable anywhere in their block.
  for (const s of list) if (ts.isFunctionDeclaration(s) && s.name && s.body) cx.localFunctions.set(s, { name: s.name.text, fn: s, depth: cx.fn.depth });
  for (const s of list) {
    lowerStatement(cx, s);
    if (endsFlow(cx.fn.current)) return; // the rest is unreachable
  }
}

/** True when a region cannot complete normally (it ends in return/break/continue, or an if whose arms both cannot). */
export function endsFlow(region: Region): boolean {
  const last = region[region.length - 1];
  if (!last) return false;
  if (last.kind === 'return' || last.kind === 'break' || last.kind === 'continue') return true;
  if (last.kind === 'if') return endsFlow(last.then) && endsFlow(last.else);
  if (last.kind === 'loop') return last.cond === undefined && !containsBreakOf(last.body, last.id);
  return false;
}

function containsBreakOf(region: Region, loop: number): boolean {
  return region.some((s) => {
    if (s.kind === 'break') return s.loop === loop;
    if (s.kind === 'if') return containsBreakOf(s.then, loop) || containsBreakOf(s.else, loop);
    if (s.kind === 'loop') return containsBreakOf(s.body, loop) || containsBreakOf(s.test, loop) || containsBreakOf(s.update, loop);
    return false;
  });
}

export function lowerBlockOrStatement(cx: LowerContext, node: ts.Statement): void {
  cx.fn.withScope(() => {
    if (ts.isBlock(node)) lowerStatements(cx, node.statements);
    else lowerStatement(cx, node);
  });
}

export function lowerStatement(cx: LowerContext, node: ts.Statement, label?: string): void {
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

function lowerDeclarations(cx: LowerContext, list: ts.VariableDeclarationList): void {
  const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
  if (!isConst && !(list.flags & ts.NodeFlags.Let)) return fail(errors.unsupportedStatement(pos(cx, list), "'var' declarations (use let or const)"));
  for (const d of list.declarations) {
    if (ts.isArrayBindingPattern(d.name) && d.initializer) {
      lowerArrayDestructuring(cx, d.name, d.initializer, isConst);
      continue;
    }
    if (ts.isObjectBindingPattern(d.name) && d.initializer && isOpaqueExpr(cx, d.initializer)) {
      lowerDataDestructuring(cx, d.name, lowerExpr(cx, d.initializer), isConst);
      continue;
    }
    if (!ts.isIdentifier(d.name)) return fail(errors.unsupportedStatement(pos(cx, d.name), 'object destructuring (only of read-only data)'));
    const name = d.name.text;
    const init = d.initializer && skipOuter(d.initializer);
    if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) {
      // `const sq = (t: number) => t * t`: inlined where it is called.
      if (!isConst) return fail(errors.closure(pos(cx, init)));
      cx.localFunctions.set(d, { name, fn: init, depth: cx.fn.depth });
      continue;
    }
    if (init && isOpaqueExpr(cx, init)) {
      // `const row = X[i]`: read-only data, held as it is (never copied, never written).
      const value = lowerExpr(cx, init);
      const v = cx.fn.declare(name, cx.fn.temps[value], 'local', isConst);
      cx.fn.assign(v, value, true);
      continue;
    }
    // `new Array(n).fill(0)` is typed any[] by TypeScript: it holds numbers.
    const type = localTypeOf(cx, d.name) ?? (init && isFilledArray(init) ? 'number[]' : undefined);
    if (type === undefined) return fail(errors.localType(pos(cx, d.name), name, cx.checker.typeToString(cx.checker.getTypeAtLocation(d.name))));
    if (isArrayType(type)) {
      if (!d.initializer) return fail(errors.unsupportedStatement(pos(cx, d), `array variable '${name}' without an initial array`));
      const init = lowerArrayInit(cx, d.initializer, type);
      const v = cx.fn.declare(name, type, 'local', isConst);
      cx.fn.assign(v, init, true);
      continue;
    }
    if (!d.initializer) {
      const v = cx.fn.declare(name, type, 'local', false);
      cx.fn.emit(isDefinite(cx, d) ? { kind: 'declare', var: v, definite: true, origin: cx.fn.origin } : { kind: 'declare', var: v, origin: cx.fn.origin });
      continue;
    }
    const value = lowerExpr(cx, d.initializer);
    if (cx.fn.temps[value] !== type) return fail(errors.localType(pos(cx, d.name), name, cx.fn.temps[value]));
    const v = cx.fn.declare(name, type, 'local', isConst);
    cx.fn.assign(v, value, true);
  }
}

/**
 * Whether `let v: T` (no initialiser) is printed `let v!: T`: the source says so (`let h!: number`), or
 * a `switch` without `default` assigns it. TypeScript accepts reading it after a switch that covers
 * every value its discriminant's type allows (`k: 0 | 1`); the `if` chain the switch becomes, on a
 * `number`, shows no such thing.
 */
function isDefinite(cx: LowerContext, d: ts.VariableDeclaration): boolean {
  if (d.exclamationToken) return true;
  const sym = cx.checker.getSymbolAtLocation(d.name);
  const isTarget = (id: ts.Identifier): boolean => {
    let n: ts.Node = id;
    while (ts.isParenthesizedExpression(n.parent) || ts.isArrayLiteralExpression(n.parent)) n = n.parent;
    const p = n.parent;
    if (ts.isBinaryExpression(p)) return p.left === n && p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && p.operatorToken.kind <= ts.SyntaxKind.LastAssignment;
    return (ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) && (p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken);
  };
  const assigns = (n: ts.Node): boolean => (ts.isIdentifier(n) && isTarget(n) && cx.checker.getSymbolAtLocation(n) === sym) || ts.forEachChild(n, assigns) === true;
  const visit = (n: ts.Node): boolean => (ts.isSwitchStatement(n) && !n.caseBlock.clauses.some(ts.isDefaultClause) && assigns(n.caseBlock)) || ts.forEachChild(n, visit) === true;
  return sym !== undefined && visit(d.parent.parent.parent);
}

/** A destructured parameter: `[x, y]` of a numeric array (loads) or of data (element reads), `{ x, y }` of data. */
export function destructureParameter(cx: LowerContext, param: VarId, pattern: ts.BindingPattern): void {
  const type = cx.fn.vars[param].type;
  if (ts.isObjectBindingPattern(pattern)) {
    if (!isOpaqueType(type)) return fail(errors.unsupportedStatement(pos(cx, pattern), 'object destructuring (only of read-only data)'));
    return lowerDataDestructuring(cx, pattern, cx.fn.read(param), true);
  }
  pattern.elements.forEach((el, i) => {
    if (!ts.isBindingElement(el) || !ts.isIdentifier(el.name)) return;
    const t = localTypeOf(cx, el.name);
    if (t !== 'number') return fail(errors.localType(pos(cx, el.name), el.name.text, cx.checker.typeToString(cx.checker.getTypeAtLocation(el.name))));
    const value = isArrayType(type) ? cx.fn.op({ op: 'load', var: param }, [cx.fn.constant(i)], 'number') : cx.fn.op({ op: 'get', key: undefined }, [cx.fn.read(param), cx.fn.constant(i)], 'number');
    cx.fn.assign(cx.fn.declare(el.name.text, 'number', 'local', true), value, true);
  });
}

/** `const { x, y: py } = pts[i]` of read-only data: one property read per name. */
function lowerDataDestructuring(cx: LowerContext, pattern: ts.ObjectBindingPattern, obj: TempId, isConst: boolean): void {
  for (const el of pattern.elements) {
    if (!ts.isIdentifier(el.name) || el.dotDotDotToken || el.initializer || (el.propertyName && !ts.isIdentifier(el.propertyName)))
      return fail(errors.unsupportedStatement(pos(cx, el), 'destructuring with defaults, rest elements, computed or nested patterns'));
    const key = (el.propertyName as ts.Identifier | undefined)?.text ?? el.name.text;
    const t = cx.checker.getTypeAtLocation(el.name);
    const value = dataGet(cx, obj, { key }, t);
    if (value === undefined) return fail(errors.localType(pos(cx, el.name), el.name.text, cx.checker.typeToString(t)));
    cx.fn.assign(cx.fn.declare(el.name.text, cx.fn.temps[value], 'local', isConst), value, true);
  }
}

/** The initial value of an array variable: always a fresh array, never another variable's array. */
function lowerArrayInit(cx: LowerContext, node: ts.Expression, type: ArrayType): TempId {
  const e = skipOuter(node);
  if (ts.isIdentifier(e)) return fail(errors.arrayAlias(pos(cx, e), `'${e.text}' already names an array; copy it with .slice()`));
  if (ts.isArrayLiteralExpression(e) || ts.isNewExpression(e)) return lowerArrayCreation(cx, e, type);
  if (ts.isCallExpression(e)) {
    const filled = lowerFillCall(cx, e);
    if (filled !== undefined) return filled;
  }
  const t = lowerExpr(cx, e);
  const made = cx.fn.current[cx.fn.current.length - 1];
  if (isFreshArray(cx, made)) return t;
  if (made?.kind === 'op' && made.op === 'read') return fail(errors.arrayAlias(pos(cx, e), 'an array variable initialised from another one'));
  return fail(errors.unsupportedExpression(pos(cx, e), `'${e.getText(cx.sf).slice(0, 40)}' as an array`));
}

function lowerIf(cx: LowerContext, node: ts.IfStatement): void {
  const thrown = validation(cx, node);
  if (thrown) {
    cx.fn.emit({ kind: 'check', cond: lowerCondition(cx, node.expression), ...thrown, origin: cx.fn.origin });
    return;
  }
  const cond = lowerCondition(cx, node.expression);
  const then = cx.fn.region(() => lowerBlockOrStatement(cx, node.thenStatement));
  const els = node.elseStatement ? cx.fn.region(() => lowerBlockOrStatement(cx, node.elseStatement!)) : [];
  cx.fn.emit({ kind: 'if', cond, then, else: els, origin: cx.fn.origin });
}

/**
 * `if (c) throw new Error("message")` (or `RangeError`, `TypeError`; braces optional, no `else`):
 * input validation, kept as it is in generated code. Other throws are errors.
 */
function validation(cx: LowerContext, node: ts.IfStatement): { error: 'Error' | 'RangeError' | 'TypeError'; message: string } | undefined {
  if (node.elseStatement) return undefined;
  const then = node.thenStatement;
  const stmt = ts.isBlock(then) && then.statements.length === 1 ? then.statements[0] : then;
  if (!ts.isThrowStatement(stmt) || !stmt.expression) return undefined;
  const e = skipOuter(stmt.expression);
  if (!ts.isNewExpression(e) || !ts.isIdentifier(e.expression) || !['Error', 'RangeError', 'TypeError'].includes(e.expression.text)) return undefined;
  const args = e.arguments ?? [];
  if (args.length > 1) return undefined;
  const text = args[0] && skipOuter(args[0]);
  if (text && !ts.isStringLiteral(text) && !ts.isNoSubstitutionTemplateLiteral(text))
    return fail(errors.unsupportedStatement(pos(cx, text), 'throw with a computed message (use a string literal)'));
  return { error: e.expression.text as 'Error' | 'RangeError' | 'TypeError', message: text ? text.text : '' };
}

/** The test region and condition; `undefined` condition for an always-true test. */
function lowerTest(cx: LowerContext, expr: ts.Expression | undefined): { test: Stmt[]; cond: TempId | undefined } {
  if (!expr) return { test: [], cond: undefined };
  let cond: TempId | undefined;
  const test = cx.fn.region(() => {
    cond = lowerCondition(cx, expr);
  });
  if (cx.fn.constants.get(cond!) === true && test.length === 1) return { test: [], cond: undefined };
  return { test, cond };
}

function lowerFor(cx: LowerContext, node: ts.ForStatement, label: string | undefined): void {
  cx.fn.withScope(() => {
    if (node.initializer) {
      if (ts.isVariableDeclarationList(node.initializer)) lowerDeclarations(cx, node.initializer);
      else lowerExpr(cx, node.initializer);
    }
    const id = cx.fn.newLoop(label);
    const { test, cond } = lowerTest(cx, node.condition);
    const body = cx.fn.region(() => lowerBlockOrStatement(cx, node.statement));
    const update = cx.fn.region(() => {
      if (node.incrementor) lowerExpr(cx, node.incrementor);
    });
    cx.fn.endLoop();
    cx.fn.emit({ kind: 'loop', id, form: 'for', test, cond, body, update, origin: cx.fn.origin });
  });
}

function lowerWhile(cx: LowerContext, node: ts.WhileStatement, label: string | undefined): void {
  const id = cx.fn.newLoop(label);
  const { test, cond } = lowerTest(cx, node.expression);
  const body = cx.fn.region(() => lowerBlockOrStatement(cx, node.statement));
  cx.fn.endLoop();
  cx.fn.emit({ kind: 'loop', id, form: 'while', test, cond, body, update: [], origin: cx.fn.origin });
}

function lowerDo(cx: LowerContext, node: ts.DoStatement, label: string | undefined): void {
  const id = cx.fn.newLoop(label);
  const body = cx.fn.region(() => lowerBlockOrStatement(cx, node.statement));
  const { test, cond } = lowerTest(cx, node.expression);
  cx.fn.endLoop();
  cx.fn.emit({ kind: 'loop', id, form: 'do', test, cond, body, update: [], origin: cx.fn.origin });
}

/** `for (const x of xs) body` ⇒ `for (i = 0; i < xs.length; i++) { const x = xs[i]; body }` */
function lowerForOf(cx: LowerContext, node: ts.ForOfStatement, label: string | undefined): void {
  const init = node.initializer;
  const entries = entriesLoop(cx, node);
  if (entries) return lowerForOfArray(cx, node, entries.arr, entries.value, label, entries.index);
  if (ts.isVariableDeclarationList(init) && init.declarations.length === 1 && ts.isObjectBindingPattern(init.declarations[0].name) && isOpaqueExpr(cx, node.expression))
    return lowerForOfOpaque(cx, node, undefined, label);
  if (!ts.isVariableDeclarationList(init) || init.declarations.length !== 1 || !ts.isIdentifier(init.declarations[0].name))
    return fail(errors.unsupportedStatement(pos(cx, init), 'for … of without a single `const x` binding'));
  const name = init.declarations[0].name.text;
  if (isOpaqueExpr(cx, node.expression)) return lowerForOfOpaque(cx, node, name, label);
  lowerForOfArray(cx, node, arrayVar(cx, node.expression), name, label);
}

/** `for (const [i, v] of xs.entries())` over an array variable: the index loop with both names bound. */
function entriesLoop(cx: LowerContext, node: ts.ForOfStatement): { arr: VarId; index: string; value: string } | undefined {
  const init = node.initializer;
  const e = skipOuter(node.expression);
  if (!ts.isVariableDeclarationList(init) || init.declarations.length !== 1 || !ts.isArrayBindingPattern(init.declarations[0].name)) return undefined;
  if (!ts.isCallExpression(e) || e.arguments.length !== 0 || !ts.isPropertyAccessExpression(e.expression) || e.expression.name.text !== 'entries') return undefined;
  const names = init.declarations[0].name.elements.map((el) => (ts.isBindingElement(el) && ts.isIdentifier(el.name) && !el.initializer && !el.dotDotDotToken ? el.name.text : undefined));
  if (names.length !== 2 || names.some((n) => n === undefined)) return fail(errors.unsupportedStatement(pos(cx, init), 'for … of over entries() needs `const [i, x]`'));
  return { arr: arrayVar(cx, e.expression.expression), index: names[0]!, value: names[1]! };
}

function lowerForOfArray(cx: LowerContext, node: ts.ForOfStatement, arr: VarId, name: string, label: string | undefined, indexName?: string): void {
  const isConst = ((node.initializer as ts.VariableDeclarationList).flags & ts.NodeFlags.Const) !== 0;
  forOfLoop(cx, node, label, () => cx.fn.op({ op: 'length', var: arr }, [], 'number'), (index) => {
    cx.fn.assign(cx.fn.declare(name, 'number', 'local', isConst), cx.fn.op({ op: 'load', var: arr }, [cx.fn.read(index)], 'number'), true);
    if (indexName !== undefined) cx.fn.assign(cx.fn.declare(indexName, 'number', 'local', true), cx.fn.read(index), true);
  });
}

/** `for (const row of X)` over opaque data: the same index loop, reading `X[i]` with `get`. */
function lowerForOfOpaque(cx: LowerContext, node: ts.ForOfStatement, name: string | undefined, label: string | undefined): void {
  const init = node.initializer as ts.VariableDeclarationList;
  const binding = init.declarations[0].name;
  const elementType = cx.checker.getTypeAtLocation(binding);
  const isConst = (init.flags & ts.NodeFlags.Const) !== 0;
  cx.fn.withScope(() => {
    // The data iterated: its own variable when it names one that is never reassigned, else a hidden one.
    const named = ts.isIdentifier(skipOuter(node.expression)) ? cx.fn.lookup((skipOuter(node.expression) as ts.Identifier).text) : undefined;
    let src: VarId;
    if (named !== undefined && cx.fn.vars[named].constant) src = named;
    else {
      const items = lowerExpr(cx, node.expression);
      src = cx.fn.declare('items', cx.fn.temps[items], 'hidden', true);
      cx.fn.assign(src, items, true);
    }
    forOfLoop(cx, node, label, () => cx.fn.op({ op: 'get', key: 'length' }, [cx.fn.read(src)], 'number'), (index) => {
      const element = dataGet(cx, cx.fn.read(src), { index: cx.fn.read(index) }, elementType);
      if (element === undefined) return fail(errors.localType(pos(cx, binding), name ?? binding.getText(cx.sf), cx.checker.typeToString(elementType)));
      if (ts.isObjectBindingPattern(binding)) lowerDataDestructuring(cx, binding, element, isConst);
      else cx.fn.assign(cx.fn.declare(name!, cx.fn.temps[element], 'local', isConst), element, true);
    });
  });
}

/** `for (… of …) body` as an index loop over `length()`: `bind(i)` declares the loop's names, then the body. */
function forOfLoop(cx: LowerContext, node: ts.ForOfStatement, label: string | undefined, length: () => TempId, bind: (index: VarId) => void): void {
  cx.fn.withScope(() =>
    indexLoop(
      cx,
      length,
      (index) => {
        bind(index);
        if (ts.isBlock(node.statement)) lowerStatements(cx, node.statement.statements);
        else lowerStatement(cx, node.statement);
      },
      { scoped: true, label },
    ),
  );
}

function lowerJump(cx: LowerContext, node: ts.BreakOrContinueStatement): void {
  const label = node.label?.text;
  const loop = cx.fn.targetLoop(label, ts.isBreakStatement(node) ? 'break' : 'continue');
  if (loop === undefined) return fail(errors.unsupportedStatement(pos(cx, node), label ? `a jump to the label '${label}', which is not on an enclosing loop` : `${ts.isBreakStatement(node) ? 'break' : 'continue'} outside a loop`));
  cx.fn.emit({ kind: ts.isBreakStatement(node) ? 'break' : 'continue', loop, origin: cx.fn.origin });
}

function lowerReturn(cx: LowerContext, node: ts.ReturnStatement): void {
  const stack = callbackReturns.get(cx);
  const cb = stack?.[stack.length - 1];
  if (cb) {
    if (cb.value !== undefined) {
      if (!node.expression) return fail(errors.callback(pos(cx, node), 'a return without a value in a map or reduce callback'));
      const value = lowerExpr(cx, node.expression);
      const type = cx.fn.vars[cb.value].type;
      if (cx.fn.temps[value] !== type) return fail(errors.unsupportedExpression(pos(cx, node.expression), `returning ${cx.fn.temps[value]} where ${type} is returned elsewhere`));
      // (an array returned from the middle of a local function must be a fresh one: the result holds it)
      if (isArrayType(type) && !isFreshArray(cx, cx.fn.current[cx.fn.current.length - 1]))
        return fail(errors.arrayAlias(pos(cx, node.expression), 'a local function returning an array variable from the middle of its body; return a copy (.slice())'));
      cx.fn.assign(cb.value, value);
    }
    cx.fn.emit({ kind: 'break', loop: cb.loop, origin: cx.fn.origin });
    return;
  }
  if (!node.expression) return fail(errors.missingReturn(pos(cx, node), cx.name));
  const value = namedArray(cx, lowerExpr(cx, node.expression), 'result');
  cx.fn.emit({ kind: 'return', value, origin: cx.fn.origin });
}

/**
 * The body of an inlined function (an array callback, a local function), in the current region.
 * Expression bodies give their value. A block body whose only `return` is its
 * last statement is inlined as it is; otherwise it runs inside a one-iteration
 * `do { … } while (false)` where each `return v` assigns v and breaks out. While it
 * is lowered, `cx.inlining` holds it (a call of it inside is recursion).
 */
export function lowerLoopBody(cx: LowerContext, cb: ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration, isForEach: boolean, resultType: Type = 'number'): TempId | undefined {
  cx.inlining.add(cb);
  try {
    return lowerFunctionBody(cx, cb, isForEach, resultType);
  } finally {
    cx.inlining.delete(cb);
  }
}

function lowerFunctionBody(cx: LowerContext, cb: ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration, isForEach: boolean, resultType: Type): TempId | undefined {
  if (!cb.body) return undefined;
  if (!ts.isBlock(cb.body)) {
    const v = lowerExpr(cx, cb.body);
    return isForEach ? undefined : v;
  }
  const statements = cb.body.statements;
  const last = statements[statements.length - 1];
  const returns = countReturns(cb.body);
  if (returns === 0 && isForEach) {
    lowerStatements(cx, statements);
    return undefined;
  }
  if (returns === 1 && last && ts.isReturnStatement(last) && (isForEach || last.expression)) {
    lowerStatements(cx, statements.slice(0, -1));
    if (isForEach) return undefined;
    return atStatement(cx, last, () => lowerExpr(cx, last.expression!));
  }
  const valueVar = isForEach ? undefined : cx.fn.declare('ret', resultType, 'hidden', false);
  if (valueVar !== undefined) cx.fn.emit({ kind: 'declare', var: valueVar, origin: cx.fn.origin });
  const once = cx.fn.newLoop(undefined);
  const stack = callbackReturns.get(cx) ?? [];
  callbackReturns.set(cx, stack);
  stack.push({ loop: once, value: valueVar });
  let inner: Stmt[];
  try {
    inner = cx.fn.region(() => lowerStatements(cx, statements));
  } finally {
    stack.pop();
    cx.fn.endLoop();
  }
  if (valueVar !== undefined && !endsFlow(inner)) return fail(errors.callback(pos(cx, cb), 'the callback can reach its end without returning a value'));
  let cond = -1;
  const test = cx.fn.region(() => {
    cond = cx.fn.constant(false);
  });
  cx.fn.emit({ kind: 'loop', id: once, form: 'do', test, cond, body: inner, update: [], origin: cx.fn.origin });
  return valueVar === undefined ? undefined : cx.fn.read(valueVar);
}

/** Returns of this function body (not of functions nested in it). */
function countReturns(node: ts.Node): number {
  let n = 0;
  forEachNode(node, (c) => {
    if (c === node) return;
    if (ts.isReturnStatement(c)) n++;
    if (ts.isFunctionLike(c)) return 'skip';
  });
  return n;
}

export type { Type };

/**
 * An array value that is not a variable (`[a, b]`, `x.slice(1)`, `g(x)`) gets a
 * hidden variable, so that every array the derivatives handle has a name:
 *   return [a, b]   ⇒   const result = [a, b]; return result
 */
export function namedArray(cx: LowerContext, t: TempId, hint: string): TempId {
  if (!isArrayType(cx.fn.temps[t])) return t;
  const last = cx.fn.current[cx.fn.current.length - 1];
  if (last && last.kind === 'op' && last.id === t && last.op === 'read') return t;
  const v = cx.fn.declare(hint, cx.fn.temps[t], 'hidden', true);
  cx.fn.assign(v, t, true);
  return cx.fn.read(v);
}

/** `new Array(n).fill(v)` / `Array(n).fill(v)`. */
function isFilledArray(e: ts.Expression): boolean {
  if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression) || e.expression.name.text !== 'fill') return false;
  const inner = skipOuter(e.expression.expression);
  return (ts.isNewExpression(inner) || ts.isCallExpression(inner)) && ts.isIdentifier(inner.expression) && inner.expression.text === 'Array';
}
