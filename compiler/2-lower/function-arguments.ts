/**
 * Functions passed as arguments: `rk4((t, y) => -k * y, y0, t, h)`, `newton(g, x0)`,
 * `integrate(Math.sin, 0, Math.PI)`. A callee taking a function is inlined at each call (calls.ts),
 * so it is specialised for the function passed there: its function parameter stands for that
 * function, and a call of the parameter is a call of it, differentiated with the caller's code.
 *
 * What can be passed: an arrow or function written in place, a local function, a function of the
 * project (one with user rules too), a `Math` function, a function parameter of the callee passing
 * it on, a local constant holding one of these, a choice of them by `?:`, or a function made by a
 * call of a function returning an arrow. An arrow sees the variables of the place where it was
 * written (`k` above is the caller's own, differentiated as usual), whatever names the callee
 * declares. Anything else (a function from an array, returned by a call that does not make it, a
 * method without its object) is an error at the argument. An optional function parameter left out
 * is `absent`: tests of whether it was given are decided at build time (`staticCondition`).
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import { resolveCallee } from '../1-frontend/functions';
import { forEachNode } from '../1-frontend/walk';
import { fail, inFunction, pos, type ClosureScope, type FunctionArgument, type LowerContext } from './context';
import { checkCaptures, isFreshArray, isNullishLiteral, localFunctionOf, mathAlias, skipOuter } from './helpers';
import { isArrayType, type Stmt, type TempId } from '../ir/types';

/** Whether parameter (or variable) `p` holds a function (`f: (t: number, y: number) => number`, `g?: Fn`). */
export function isFunctionParameter(cx: LowerContext, p: ts.ParameterDeclaration | ts.VariableDeclaration): boolean {
  const t = cx.checker.getNonNullableType(cx.checker.getTypeAtLocation(p));
  return t.getCallSignatures().length > 0 && t.getConstructSignatures().length === 0;
}

/** The function a name stands for inside a callee it was passed to (`f` in `rk4`'s body). */
export function functionArgumentOf(cx: LowerContext, node: ts.Expression): FunctionArgument | undefined {
  const e = skipOuter(node);
  if (!ts.isIdentifier(e)) return undefined;
  const decl = cx.checker.getSymbolAtLocation(e)?.valueDeclaration;
  return decl ? cx.functionArguments.get(decl) : undefined;
}

/**
 * The function `a` gives, resolved where it is (in the caller): passed for parameter `param` of
 * `callee`, or (`callee` undefined) the value of a local constant `param` (`const f = c ? g : h`).
 */
export function functionArgument(cx: LowerContext, a: ts.Expression, param: string, callee?: string): FunctionArgument {
  const e = skipOuter(a);
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) {
    if (e.asteriskToken || e.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword))
      return fail(errors.asyncOrGenerator(pos(cx, e), e.asteriskToken ? 'generator' : 'async'));
    return closureHere(cx, param, e, currentScope(cx));
  }
  const passed = functionArgumentOf(cx, e);
  if (passed) return passed;
  if (ts.isConditionalExpression(e)) {
    // (`drag ? withDrag : free`: the test is taken once, here; each call runs the one chosen)
    const test = cx.fn.declare(`${param}_choice`, 'boolean', 'hidden', true);
    cx.fn.assign(test, cx.condition(e.condition), true);
    return { kind: 'choice', name: param, test, then: functionArgument(cx, e.whenTrue, param, callee), else: functionArgument(cx, e.whenFalse, param, callee) };
  }
  const local = localFunctionOf(cx, e);
  if (local) {
    checkCaptures(cx, local, e);
    return closureHere(cx, local.name, local.fn, currentScope(cx));
  }
  const isMath = ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Math' && cx.fn.lookup('Math') === undefined;
  const alias = isMath ? e.name.text : ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) ? mathAlias(cx, e) : undefined;
  if (alias !== undefined) return { kind: 'math', name: `Math.${alias}`, alias };
  if (ts.isCallExpression(e)) {
    const made = madeByFactory(cx, e, param);
    if (made) return made;
  }
  if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) {
    const rule = cx.rules?.ruleOf(e, cx.checker);
    if (rule) return { kind: 'rule', name: e.getText(cx.sf), rule };
    const resolved = resolveCallee(e, cx.checker);
    // (`m.energy` without its object: JavaScript would call it with `this` undefined)
    const method = !('problem' in resolved) ? resolved.source.receiver !== undefined : ts.isPropertyAccessExpression(e) && instanceMethod(cx, e);
    if (method)
      return fail(errors.functionValue(pos(cx, a), `'${e.getText(cx.sf)}' is a method, passed without its object: pass an arrow that calls it, \`(x) => ${e.getText(cx.sf)}(x)\``));
    if (!('problem' in resolved)) return { kind: 'project', name: resolved.source.name, callee: resolved };
    if (resolved.problem === 'noBody') return fail(errors.noBody(pos(cx, e), resolved.name));
  }
  const how = ts.isCallExpression(e) ? 'write the function it returns as an arrow here' : 'pass the function itself';
  return fail(
    errors.functionValue(
      pos(cx, a),
      `'${a.getText(cx.sf).slice(0, 60)}' ${callee === undefined ? `given to the constant '${param}'` : `passed to '${callee}' as '${param}'`} is not a function known where it is written (an arrow, a local or module-level function, a Math function, or a choice of them by ?:): ${how}`,
    ),
  );
}

/**
 * Runs `fill` (the body of a function passed as an argument, being inlined) as if where it was
 * passed: that function's file and names, and the functions being inlined there (so that
 * `integrate((u) => integrate((v) => u * v, 0, 1), 0, 1)` is no recursion: the inner call is the
 * caller's, not `integrate`'s).
 */
export function inClosure<T>(cx: LowerContext, closure: Extract<FunctionArgument, { kind: 'closure' }>, fill: () => T): T {
  const inlining = [...cx.inlining];
  cx.inlining.clear();
  closure.inlining.forEach((n) => cx.inlining.add(n));
  try {
    return inFunction(cx, closure.scope, () => cx.fn.withCapturedScopes(closure.scopes, fill));
  } finally {
    cx.inlining.clear();
    inlining.forEach((n) => cx.inlining.add(n));
  }
}

/** Makes parameter `p` stand for function `f` while `fill` runs (the one it stood for before, after). */
export function withFunctionArguments<T>(cx: LowerContext, bound: ReadonlyMap<ts.ParameterDeclaration, FunctionArgument>, fill: () => T): T {
  const before = [...bound.keys()].map((p) => [p, cx.functionArguments.get(p)] as const);
  bound.forEach((f, p) => cx.functionArguments.set(p, f));
  try {
    return fill();
  } finally {
    for (const [p, f] of before) f ? cx.functionArguments.set(p, f) : cx.functionArguments.delete(p);
  }
}

/**
 * A call of a function chosen where it was passed (`c ? f : g`): `call` of the one the test chose,
 * in a branch of its own (only that one runs, as in JavaScript). Its value, a number or a new array.
 */
export function callChoice(cx: LowerContext, e: ts.CallExpression, f: Extract<FunctionArgument, { kind: 'choice' }>, call: (g: FunctionArgument) => TempId): TempId {
  let a = -1;
  let b = -1;
  const whenTrue = cx.fn.region(() => {
    a = call(f.then);
  });
  const whenFalse = cx.fn.region(() => {
    b = call(f.else);
  });
  const type = cx.fn.temps[a];
  const fresh = (arm: Stmt[]) => !isArrayType(type) || isFreshArray(cx, arm[arm.length - 1]);
  if (type !== cx.fn.temps[b] || !fresh(whenTrue) || !fresh(whenFalse))
    return fail(errors.functionValue(pos(cx, e), `calling '${f.name}', one of two functions whose results differ in type or share an array: choose inside one arrow`));
  const h = cx.fn.declare('chosen', type, 'hidden', false);
  const origin = cx.fn.origin;
  cx.fn.emit({ kind: 'declare', var: h, origin });
  cx.fn.emit({
    kind: 'if',
    cond: cx.fn.read(f.test),
    then: [...whenTrue, { kind: 'assign', var: h, value: a, declare: false, origin }],
    else: [...whenFalse, { kind: 'assign', var: h, value: b, declare: false, origin }],
    origin,
  });
  return cx.fn.read(h);
}

/**
 * Whether a function parameter or constant was given a function, known at build time: for
 * `valueof === undefined`, `valueof != null`, `if (valueof)`, `!valueof`, `typeof f === "function"`
 * (undefined where `node` is no such name, or the choice is not known).
 */
function functionPresent(cx: LowerContext, node: ts.Expression): boolean | undefined {
  const f = functionArgumentOf(cx, node);
  return f === undefined ? undefined : present(f);
}

function present(f: FunctionArgument): boolean | undefined {
  if (f.kind !== 'choice') return f.kind !== 'absent';
  const [a, b] = [present(f.then), present(f.else)];
  return a === b ? a : undefined;
}

/**
 * A condition whose value is known at build time because it only asks whether functions were
 * given (`valueof === undefined`, `!f`, `typeof f === "function" && g != null`): lowering takes
 * only the branch it selects, so the other may call a function that is not there.
 */
export function staticCondition(cx: LowerContext, node: ts.Expression): boolean | undefined {
  const e = skipOuter(node);
  if (ts.isIdentifier(e)) return functionPresent(cx, e);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) {
    const v = staticCondition(cx, e.operand);
    return v === undefined ? undefined : !v;
  }
  if (!ts.isBinaryExpression(e)) return undefined;
  const k = e.operatorToken.kind;
  if (k === ts.SyntaxKind.AmpersandAmpersandToken || k === ts.SyntaxKind.BarBarToken) {
    const [l, r] = [staticCondition(cx, e.left), staticCondition(cx, e.right)];
    const and = k === ts.SyntaxKind.AmpersandAmpersandToken;
    if (l !== undefined && l !== and) return l;
    return l !== undefined && r !== undefined ? r : undefined;
  }
  const eq = k === ts.SyntaxKind.EqualsEqualsEqualsToken || k === ts.SyntaxKind.EqualsEqualsToken;
  if (!eq && k !== ts.SyntaxKind.ExclamationEqualsEqualsToken && k !== ts.SyntaxKind.ExclamationEqualsToken) return undefined;
  const [l, r] = [skipOuter(e.left), skipOuter(e.right)];
  const typeOf = ts.isTypeOfExpression(l) ? l : ts.isTypeOfExpression(r) ? r : undefined;
  const named = ts.isStringLiteralLike(l) ? l : ts.isStringLiteralLike(r) ? r : undefined;
  // (`typeof f === "function"` is true where f was given; `f === undefined` where it was not)
  const nullish = isNullishLiteral(cx, r) ? l : isNullishLiteral(cx, l) ? r : undefined;
  const given = typeOf && named?.text === 'function' ? functionPresent(cx, typeOf.expression) : nullish && functionPresent(cx, nullish);
  if (given === undefined) return undefined;
  return typeOf ? given === eq : given !== eq;
}

/**
 * `scaledBy(k)` of a function whose body ends by returning an arrow (`return (x) => k * x`), called
 * for the function it makes: its parameters bound (and its statements before the `return` run)
 * here, once, in a scope the arrow keeps seeing wherever it is called. Undefined for another call.
 */
function madeByFactory(cx: LowerContext, e: ts.CallExpression, param: string): FunctionArgument | undefined {
  const local = localFunctionOf(cx, e.expression);
  const resolved = local ? undefined : resolveCallee(e.expression, cx.checker);
  const project = resolved && !('problem' in resolved) ? resolved : undefined;
  const node = local?.fn ?? project?.source.node;
  if (!node || !node.body || !(ts.isFunctionDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node))) return undefined;
  const body = node.body;
  // (`(s) => (x) => s * x`, or a block ending with `return (x) => …`)
  const statements = ts.isBlock(body) ? body.statements : [];
  const last = statements[statements.length - 1];
  const made = ts.isBlock(body) ? (last && ts.isReturnStatement(last) && last.expression ? skipOuter(last.expression) : undefined) : skipOuter(body);
  if (!made || !(ts.isArrowFunction(made) || ts.isFunctionExpression(made))) return undefined;
  let returns = ts.isBlock(body) ? 0 : 1;
  forEachNode(body, (n) => (n !== body && ts.isFunctionLike(n) ? 'skip' : void (ts.isReturnStatement(n) && returns++)));
  const params = node.parameters;
  if (returns !== 1 || params.some((p) => !ts.isIdentifier(p.name) || p.dotDotDotToken || p.initializer || p.questionToken) || e.arguments.length !== params.length)
    return fail(
      errors.functionValue(
        pos(cx, e),
        `'${e.getText(cx.sf).slice(0, 60)}' makes the function passed as '${param}': a function making one takes plain parameters, all given, and returns it once, at its end`,
      ),
    );
  if (cx.inlining.has(node)) return fail(errors.closure(pos(cx, e), `'${e.expression.getText(cx.sf)}' calls itself`));
  if (local) checkCaptures(cx, local, e.expression);
  const args = e.arguments.map((a) => cx.expr(a));
  const scope: ClosureScope = project ? { sf: node.getSourceFile(), root: node, name: project.source.name, result: undefined, finalValue: undefined } : currentScope(cx);
  project?.via.forEach((f) => cx.files.add(f));
  // (its parameters and locals are variables of the function being lowered, assigned here once; the arrow reads them where it is called)
  const enter = (fill: () => FunctionArgument) => (project ? inFunction(cx, scope, () => cx.fn.withIsolatedScope(fill)) : cx.fn.withScope(fill));
  cx.inlining.add(node);
  try {
    return enter(() => {
      params.forEach((p, i) => {
        const type = cx.fn.temps[args[i]];
        if (isArrayType(type))
          return fail(errors.functionValue(pos(cx, e.arguments[i]), `an array given to '${e.expression.getText(cx.sf)}', which makes a function: pass numbers`));
        cx.fn.assign(cx.fn.declare((p.name as ts.Identifier).text, type, 'local', true), args[i], true);
      });
      cx.stmts(statements.slice(0, -1));
      return closureHere(cx, param, made, scope);
    });
  } finally {
    cx.inlining.delete(node);
  }
}

/** The function being lowered now, where a function passed from here sees its names. */
function currentScope(cx: LowerContext): ClosureScope {
  return { sf: cx.sf, root: cx.root, name: cx.name, result: cx.result, finalValue: cx.finalValue };
}

/** Function `fn`, written here: it sees the names visible here, and the functions being inlined here. */
function closureHere(cx: LowerContext, name: string, fn: Extract<FunctionArgument, { kind: 'closure' }>['fn'], scope: ClosureScope): FunctionArgument {
  return { kind: 'closure', name, fn, scopes: cx.fn.captureScopes(), scope, inlining: new Set(cx.inlining) };
}

/** Whether `e` names a method of an instance (`m.energy`), not a function held by a property. */
function instanceMethod(cx: LowerContext, e: ts.PropertyAccessExpression): boolean {
  const decl = cx.checker.getSymbolAtLocation(e.name)?.valueDeclaration;
  return decl !== undefined && ts.isMethodDeclaration(decl) && !(ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Static) && ts.isClassLike(decl.parent);
}
