/**
 * Calls of functions: of the project (an IR `call`), of local functions and inline
 * callbacks (their body inlined where called, captures checked), and `return`.
 *
 * Guarantees: an inlined body whose `return` is not its last statement becomes a
 * one-iteration loop that each `return` assigns and breaks out of; a recursive local
 * function is an error.
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import { isArrayType, isOpaqueType, type Stmt, type TempId, type Type, type VarId } from '../ir/types';
import { resolveCallee } from '../1-frontend/functions';
import { forEachNode } from '../1-frontend/walk';
import { atStatement, fail, pos, type LocalFunction, type LowerContext } from './context';
import { irType } from './types';
import { declareHoisted } from './var-scoping';
import { parameterType } from './parameters';
import { namedArray, isFreshArray, endsFlow, checkCaptures, constantDefault, unknownName } from './helpers';

/**
 * `f(a, b)` of a function of the project: arguments evaluated left to right (arrays named), left-out
 * ones take the parameter's constant default; the callee is recorded for the driver to lower.
 */
export function lowerUserCall(cx: LowerContext, e: ts.CallExpression, callee: ts.Expression): TempId {
  const resolved = resolveCallee(callee, cx.checker);
  if ('problem' in resolved) {
    if (resolved.problem === 'noBody') return fail(errors.noBody(pos(cx, callee), resolved.name));
    if (resolved.problem === 'notModuleLevel') return fail(errors.closure(pos(cx, callee)));
    if (ts.isIdentifier(callee) && cx.checker.getSymbolAtLocation(callee) === undefined) return fail(unknownName(cx, callee));
    return fail(
      errors.unresolvedCall(pos(cx, callee), `'${resolved.name}' is not a function of this project: call one declared in the project, or pass its result in as a parameter`),
    );
  }
  const src = resolved.source;
  const params = src.node.parameters;
  if (params.some((p) => p.dotDotDotToken)) return fail(errors.unsupportedExpression(pos(cx, e), `calling '${src.name}', which has a rest parameter`));
  // Arguments left out: a number default is filled in, any other is `undefined` (the callee's own default applies).
  const least = params.reduce((n, p, i) => (p.initializer || p.questionToken ? n : i + 1), 0);
  if (e.arguments.length < least || e.arguments.length > params.length) return fail(errors.arity(pos(cx, e), src.name, params.length, e.arguments.length));
  const args = e.arguments.map((a) => namedArray(cx, cx.expr(a), 'arg'));
  for (const p of params.slice(e.arguments.length)) {
    const type = parameterType(cx.checker.getTypeAtLocation(p.name), true, cx.checker);
    const init = p.initializer && type === 'number' ? constantDefault(cx, p) : undefined;
    if (type === undefined) return fail(errors.unsupportedExpression(pos(cx, e), `calling '${src.name}' without '${p.name.getText()}'`));
    args.push(init !== undefined ? cx.fn.constant(init) : cx.fn.datum(undefined, type));
  }
  const sig = cx.checker.getSignatureFromDeclaration(src.node);
  const ret = sig ? irType(cx.checker.getReturnTypeOfSignature(sig), cx.checker) : undefined;
  if (ret === undefined || ret === 'boolean') {
    const text = sig ? cx.checker.typeToString(cx.checker.getReturnTypeOfSignature(sig)) : 'unknown';
    return fail(errors.returnType(pos(cx, e), src.name, text));
  }
  cx.callees.set(src.key, src);
  resolved.via.forEach((f) => cx.files.add(f));
  return cx.fn.op({ op: 'call', callee: src.key }, args, ret);
}

/**
 * `sq(x)` of a local function: its body inlined at the call, parameters bound to the arguments
 * (evaluated first, left to right), its variables in a scope of their own; a `return` in the middle
 * of the body leaves a one-iteration loop. An array argument is passed as JavaScript does (the
 * same array, not a copy).
 */
export function inlineLocalCall(cx: LowerContext, e: ts.CallExpression, local: LocalFunction): TempId {
  const params = local.fn.parameters;
  if (params.some((p) => p.dotDotDotToken || p.initializer || p.questionToken || !ts.isIdentifier(p.name)))
    return fail(errors.unsupportedExpression(pos(cx, e), `calling '${local.name}', which has optional, default, rest or destructured parameters`));
  if (e.arguments.length !== params.length) return fail(errors.arity(pos(cx, e), local.name, params.length, e.arguments.length));
  checkCaptures(cx, local, e.expression);
  const args = e.arguments.map((a) => cx.expr(a));
  const sig = cx.checker.getSignatureFromDeclaration(local.fn);
  const ret = sig ? cx.checker.getReturnTypeOfSignature(sig) : undefined;
  const isVoid = ret !== undefined && (ret.flags & ts.TypeFlags.Void) !== 0;
  return cx.fn.withScope(() => {
    params.forEach((p, i) => {
      const name = (p.name as ts.Identifier).text;
      const type = cx.fn.temps[args[i]];
      if (isArrayType(type)) {
        namedArray(cx, args[i], name);
        const read = cx.fn.current[cx.fn.current.length - 1];
        if (read?.kind !== 'op' || read.op !== 'read') return fail(errors.unsupportedExpression(pos(cx, e.arguments[i]), 'this array argument'));
        cx.fn.lookupOverride(name, read.var);
      } else if (isOpaqueType(type) && irType(cx.checker.getTypeAtLocation(p), cx.checker) === 'readonly number[]') {
        // A data row bound to a `readonly number[]` parameter: a read-only numeric array (so `z.reduce(…)` works).
        const v = cx.fn.declare(name, 'readonly number[]', 'local', true);
        cx.fn.assign(v, args[i], true);
      } else {
        const v = cx.fn.declare(name, type, 'local', false);
        cx.fn.assign(v, args[i], true);
      }
    });
    const returns = ret && !isVoid ? irType(ret, cx.checker) : 'number';
    if (returns === undefined || returns === 'boolean') return fail(errors.returnType(pos(cx, e), local.name, ret ? cx.checker.typeToString(ret) : 'unknown'));
    return lowerLoopBody(cx, local.fn, isVoid, returns) ?? cx.fn.constant(0);
  });
}

/** How a `return` inside an inlined callback behaves: assign the value, break out of the one-iteration loop. */
interface CallbackReturn {
  readonly loop: number;
  /** Where a returned value goes (map/reduce with a block body); undefined for forEach. */
  readonly value: VarId | undefined;
}

const callbackReturns = new WeakMap<LowerContext, CallbackReturn[]>();

export function lowerReturn(cx: LowerContext, node: ts.ReturnStatement): void {
  const stack = callbackReturns.get(cx);
  const cb = stack?.[stack.length - 1];
  if (cb) {
    if (cb.value !== undefined) {
      if (!node.expression) return fail(errors.callback(pos(cx, node), 'a return without a value in a map or reduce callback'));
      const value = cx.expr(node.expression);
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
  const value = namedArray(cx, cx.expr(node.expression), 'result');
  cx.fn.emit({ kind: 'return', value, origin: cx.fn.origin });
}

/**
 * The body of an inlined function (an array callback, a local function), in the current region.
 * Expression bodies give their value. A block body whose only `return` is its
 * last statement is inlined as it is; otherwise it runs inside a one-iteration
 * `do { … } while (false)` where each `return v` assigns v and breaks out. While it
 * is lowered, `cx.inlining` holds it (a call of it inside is recursion).
 */
export function lowerLoopBody(
  cx: LowerContext,
  cb: ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration,
  isForEach: boolean,
  resultType: Type = 'number',
): TempId | undefined {
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
    const v = cx.expr(cb.body);
    return isForEach ? undefined : v;
  }
  declareHoisted(cx, cb);
  const statements = cb.body.statements;
  const last = statements[statements.length - 1];
  const returns = countReturns(cb.body);
  if (returns === 0 && isForEach) {
    cx.stmts(statements);
    return undefined;
  }
  if (returns === 1 && last && ts.isReturnStatement(last) && (isForEach || last.expression)) {
    cx.stmts(statements.slice(0, -1));
    if (isForEach) return undefined;
    return atStatement(cx, last, () => cx.expr(last.expression!));
  }
  const valueVar = isForEach ? undefined : cx.fn.declare('ret', resultType, 'hidden', false);
  if (valueVar !== undefined) cx.fn.emit({ kind: 'declare', var: valueVar, origin: cx.fn.origin });
  const once = cx.fn.newLoop(undefined);
  const stack = callbackReturns.get(cx) ?? [];
  callbackReturns.set(cx, stack);
  stack.push({ loop: once, value: valueVar });
  let inner: Stmt[];
  try {
    inner = cx.fn.region(() => cx.stmts(statements));
  } finally {
    stack.pop();
    cx.fn.endLoop();
  }
  if (valueVar !== undefined && !endsFlow(inner) && !cx.recovery.flowUnknown) return fail(errors.callback(pos(cx, cb), 'the callback can reach its end without returning a value'));
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
