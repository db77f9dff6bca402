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
import { namedWrt, resolveCallee } from '../1-frontend/functions';
import { forEachNode } from '../1-frontend/walk';
import { atStatement, fail, inFunction, pos, type LocalFunction, type LowerContext } from './context';
import { containerType, irType, isStructType, structType, type StructType } from './types';
import { destructurePlace, placeKind, placeOf, type Place } from './lists';
import type { StructValue, StructVar } from './builder';
import type { FunctionNode, FunctionSource } from '../1-frontend/functions';
import { packResult } from './results';
import { reassigned, rebound } from './reassignments';
import { arrayLeaf, declareLeaves, assignStruct, declareStructVar, isStructExpr, lowerStruct, readCopy, readStruct, structTypeOf } from './structs';
import { isOpaqueExpr, structPath, varOf } from './helpers';
import { writtenParameters } from '../1-frontend/writes';
import { declareHoisted } from './var-scoping';
import { parameterType } from './parameters';
import { namedArray, isFreshArray, endsFlow, checkCaptures, constantDefault, unknownName, localFunctionOf, skipOuter } from './helpers';

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
  // Objects in or out: the body is inlined, with the arguments' own variables (the callee's writes are the caller's).
  const result = calleeResult(cx, src);
  // A callee that writes into an array the caller goes on using (`vec3.add(out, out, b)`, `rotate(r, v, out)`) is inlined too.
  const writes = writtenParameters(src.node, cx.checker);
  const writer = [...writes].some((i) => e.arguments[i] !== undefined && isCallerArray(cx, e.arguments[i]));
  // (a helper that returns nothing is called for what it writes: inlined too)
  const sig = cx.checker.getSignatureFromDeclaration(src.node);
  const isVoid = sig !== undefined && (cx.checker.getReturnTypeOfSignature(sig).flags & ts.TypeFlags.Void) !== 0;
  // (so is one passed a matrix, an array of objects or one of its objects, `matSum(p.W, c)`, `dist(points[i], q)`, or a row it writes)
  const places = e.arguments.some((a, i) => bindsPlace(cx, a, writes.has(i)));
  // (and a marked function whose own derivatives take a matrix or an array of objects named in wrt(…): called, it takes them as data)
  const containers = (namedWrt(src) ?? []).some((n) => {
    const p = params.find((q) => ts.isIdentifier(q.name) && q.name.text === n);
    return p !== undefined && containerType(cx.checker.getTypeAtLocation(p.name), cx.checker) !== undefined;
  });
  // (and one passed an array of objects made here or by a helper, `area(ring(c, r, 6))`)
  const lists = params.some((p, i) => listArgument(cx, p, e.arguments[i]) !== undefined);
  if (result || writer || isVoid || places || containers || lists || params.some((p) => structTypeOf(cx, p) !== undefined)) {
    resolved.via.forEach((f) => cx.files.add(f));
    const value = inlineProjectCall(cx, e, src, result);
    return value === undefined || typeof value === 'object' ? cx.fn.constant(0) : value;
  }
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
  const ret = sig ? irType(cx.checker.getReturnTypeOfSignature(sig), cx.checker) : undefined;
  if (ret === undefined || ret === 'boolean') {
    const text = sig ? cx.checker.typeToString(cx.checker.getReturnTypeOfSignature(sig)) : 'unknown';
    return fail(errors.returnType(pos(cx, e), src.name, text));
  }
  cx.callees.set(src.key, src);
  resolved.via.forEach((f) => cx.files.add(f));
  return cx.fn.op({ op: 'call', callee: src.key }, args, ret);
}

/** Whether an argument is an array variable of the caller (not a fresh array made for the call). */
function isCallerArray(cx: LowerContext, a: ts.Expression): boolean {
  // (a name or a property path: `s.slice()` or a literal is a fresh array nobody else sees)
  const v = varOf(cx, a);
  return v !== undefined && isArrayType(cx.fn.vars[v].type);
}

/** The object type a function of the project returns, if it returns one. */
function calleeResult(cx: LowerContext, src: FunctionSource): StructType | undefined {
  const sig = cx.checker.getSignatureFromDeclaration(src.node);
  return sig ? structType(cx.checker.getReturnTypeOfSignature(sig), cx.checker) : undefined;
}

/** `f(p, q)` of a function of the project taking or returning objects: its value (`undefined` for a void one). */
export function lowerStructCall(cx: LowerContext, e: ts.CallExpression, struct: StructType): StructValue {
  const local = localFunctionOf(cx, skipOuter(e.expression));
  if (local) {
    const value = inlineLocalStructCall(cx, e, local, struct);
    if (value === undefined || typeof value !== 'object') return fail(errors.returnType(pos(cx, e), local.name, struct.text));
    return value;
  }
  const resolved = resolveCallee(e.expression, cx.checker);
  if ('problem' in resolved) {
    cx.expr(e); // its error
    return fail(errors.unsupportedExpression(pos(cx, e), 'this call'));
  }
  resolved.via.forEach((f) => cx.files.add(f));
  const value = inlineProjectCall(cx, e, resolved.source, struct);
  if (value === undefined || typeof value !== 'object') return fail(errors.returnType(pos(cx, e), resolved.source.name, struct.text));
  return value;
}

/** How an argument is bound to the parameter of an inlined function. */
type Bound =
  | { readonly struct: StructVar }
  | { readonly place: Place }
  | { readonly value: StructValue }
  | { readonly array: VarId }
  | { readonly data: TempId }
  | { readonly temp: TempId }
  | { readonly init: ts.Expression };

/**
 * The body of a function of the project inlined at a call, as JavaScript runs it: arguments
 * evaluated left to right; an object or array argument is the caller's own (writes into it are the
 * caller's); a default is computed in the callee's scope; the callee sees only its own names and
 * its module's. Recursion is an error.
 */
function inlineProjectCall(cx: LowerContext, e: ts.CallExpression, src: FunctionSource, result: StructType | undefined): TempId | StructValue | undefined {
  cx.files.add(src.file);
  return inlineCall(cx, e, { node: src.node, name: src.name, scope: { sf: src.sourceFile, root: src.node, name: src.name, result, finalValue: undefined } }, result);
}

/**
 * A call of a local function taking or returning objects (`const sq = (v: Vec2) => v.x * v.x + v.y * v.y`):
 * its body inlined as `inlineLocalCall` does, the arguments bound as `inlineCall` does.
 */
export function inlineLocalStructCall(cx: LowerContext, e: ts.CallExpression, local: LocalFunction, result: StructType | undefined): TempId | StructValue | undefined {
  checkCaptures(cx, local, e.expression);
  return inlineCall(cx, e, { node: local.fn, name: local.name }, result);
}

/** What is inlined: a function's node and name, and for a function of the project, the file and names it is lowered in (isolated from the caller's). */
interface Inlined {
  readonly node: FunctionNode;
  readonly name: string;
  readonly scope?: Parameters<typeof inFunction>[1];
}

function inlineCall(cx: LowerContext, e: ts.CallExpression, target: Inlined, result: StructType | undefined): TempId | StructValue | undefined {
  const { node, scope } = target;
  if (cx.inlining.has(node)) return fail(errors.closure(pos(cx, e), `'${target.name}' calls itself, and takes or returns objects: recursion through objects is not supported`));
  const params = node.parameters;
  if (params.some((p) => !ts.isIdentifier(p.name))) return fail(errors.unsupportedExpression(pos(cx, e), `calling '${target.name}', which has destructured parameters`));
  const least = params.reduce((n, p, i) => (p.initializer || p.questionToken ? n : i + 1), 0);
  if (e.arguments.length < least || e.arguments.length > params.length) return fail(errors.arity(pos(cx, e), target.name, params.length, e.arguments.length));
  const writes = writtenParameters(node, cx.checker);
  const bound: Bound[] = params.map((p, i): Bound => {
    const a = e.arguments[i];
    if (a === undefined)
      return p.initializer ? { init: p.initializer } : { temp: cx.fn.datum(undefined, parameterType(cx.checker.getTypeAtLocation(p), true, cx.checker) ?? 'number') };
    // A matrix, an array of objects or one of its objects, or a row the callee writes: the caller's own.
    if (bindsPlace(cx, a, writes.has(i))) {
      if (ts.isIdentifier(p.name) && (scope ? inFunction(cx, scope, () => reassigned(cx, p.name as ts.Identifier)) : reassigned(cx, p.name as ts.Identifier)))
        return fail(
          errors.unsupportedExpression(
            pos(cx, a),
            `'${target.name}' assigns its parameter '${p.name.getText()}', given a part of a matrix or of an array of objects: write into its elements, or use a local of its own`,
          ),
        );
      return { place: placeOf(cx, a)! };
    }
    const made = listArgument(cx, p, a);
    if (made) return { struct: made.list ? cx.list(a, made) : cx.matrix(a, made) };
    const struct = structTypeOf(cx, p);
    if (struct && isStructExpr(cx, a)) {
      // The caller's object itself (writes into it are the caller's), unless the callee gives the parameter another object.
      const path = structPath(cx, a);
      const own = ts.isIdentifier(p.name) && (scope ? inFunction(cx, scope, () => rebound(cx, p.name as ts.Identifier)) : rebound(cx, p.name as ts.Identifier));
      const caller = path !== undefined && typeof path === 'object';
      // (a parameter the callee replaces is a copy here: right only where the callee never writes into it, which would be the caller's object until replaced)
      if (caller && own && writes.has(i) && writesBeforeReplaced(node, p.name as ts.Identifier, cx.checker))
        return fail(
          errors.unsupportedExpression(
            pos(cx, a),
            `'${target.name}' writes into its parameter '${p.name.getText()}' where it may still be the caller's object, and also replaces it (\`${p.name.getText()} = …\`): generated code would give it a copy; replace it first thing, or give the new object a name of its own`,
          ),
        );
      return caller && !own ? { struct: path } : { value: lowerStruct(cx, a, struct) };
    }
    const type = irType(cx.checker.getTypeAtLocation(p), cx.checker);
    // (a row of read-only data, `X[i]`, is a read-only array there: it is only read)
    if (type !== undefined && isArrayType(type) && !isOpaqueExpr(cx, a)) return { array: arrayLeaf(cx, a) };
    if (type !== undefined && isArrayType(type)) return { data: cx.expr(a) };
    return { temp: cx.expr(a) };
  });
  const sig = cx.checker.getSignatureFromDeclaration(node);
  const ret = sig ? cx.checker.getReturnTypeOfSignature(sig) : undefined;
  const isVoid = ret !== undefined && (ret.flags & ts.TypeFlags.Void) !== 0;
  const returns = result ?? (ret && !isVoid ? irType(ret, cx.checker) : 'number');
  if (returns === undefined || returns === 'boolean') return fail(errors.returnType(pos(cx, e), target.name, ret ? cx.checker.typeToString(ret) : 'unknown'));
  const body = () => {
    params.forEach((p, i) => {
      const name = (p.name as ts.Identifier).text;
      const b = bound[i];
      if ('struct' in b) cx.fn.bindStruct(name, b.struct);
      else if ('place' in b) destructurePlace(cx, p.name, b.place, false);
      else if ('value' in b) {
        const v = declareStructVar(cx, name, b.value.struct, 'local', b.value, p, true);
        assignStruct(cx, v, b.value, p, true);
        cx.fn.bindStruct(name, v);
      } else if ('array' in b) cx.fn.lookupOverride(name, b.array);
      else if ('data' in b) cx.fn.assign(cx.fn.declare(name, 'readonly number[]', 'local', true), b.data, true);
      else if ('init' in b) {
        const value = atStatement(cx, p, () => cx.expr(b.init));
        cx.fn.assign(cx.fn.declare(name, cx.fn.temps[value], 'local', false), value, true);
      } else cx.fn.assign(cx.fn.declare(name, cx.fn.temps[b.temp], 'local', false), b.temp, true);
    });
    cx.inlining.add(node);
    try {
      return isStructType(returns) ? lowerStructBody(cx, node, returns) : lowerFunctionBody(cx, node, isVoid, returns);
    } finally {
      cx.inlining.delete(node);
    }
  };
  return scope ? inFunction(cx, scope, () => cx.fn.withIsolatedScope(body)) : cx.fn.withScope(body);
}

/** The body of an inlined function returning an object: its value (a `return` in the middle assigns a hidden object and leaves). */
function lowerStructBody(cx: LowerContext, fnNode: Inlined['node'], struct: StructType): StructValue {
  const body = fnNode.body!;
  if (!ts.isBlock(body)) return lowerStruct(cx, body, struct);
  declareHoisted(cx, fnNode);
  const statements = body.statements;
  const last = statements[statements.length - 1];
  if (countReturns(body) === 1 && last && ts.isReturnStatement(last) && last.expression) {
    cx.stmts(statements.slice(0, -1));
    return atStatement(cx, last, () => lowerStruct(cx, last.expression!, struct));
  }
  if (struct.fields.some((f) => isArrayType(f.type as Type) || isStructType(f.type)))
    return fail(errors.unsupportedStatement(pos(cx, fnNode), `'${cx.name}' returns an object from more than one place: return it once, at the end`));
  const v = declareStructVar(cx, 'ret', struct, 'hidden', undefined, fnNode);
  declareLeaves(cx, v);
  inOneIteration(cx, statements, v);
  // A new object at every `return { … }`; a copy of one (`return a`) where it returns anything else.
  let other = false;
  forEachNode(body, (n) => {
    if (ts.isFunctionLike(n)) return 'skip';
    if (ts.isReturnStatement(n) && !(n.expression && ts.isObjectLiteralExpression(skipOuter(n.expression)))) other = true;
  });
  return other ? readCopy(cx, v) : readStruct(cx, v);
}

/** `return { … }` of a function whose result is an object: the array of its numbers (see `packResult`). */
export function returnObject(cx: LowerContext, e: ts.Expression, struct: StructType): void {
  cx.fn.emit({ kind: 'return', value: packResult(cx, lowerStruct(cx, e, struct), e), origin: cx.fn.origin });
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
  /** Where a returned value goes (map/reduce with a block body, an inlined function); undefined for forEach. */
  readonly value: VarId | StructVar | undefined;
}

const callbackReturns = new WeakMap<LowerContext, CallbackReturn[]>();

export function lowerReturn(cx: LowerContext, node: ts.ReturnStatement): void {
  const stack = callbackReturns.get(cx);
  const cb = stack?.[stack.length - 1];
  if (cb) {
    if (cb.value !== undefined && typeof cb.value === 'object') {
      if (!node.expression) return fail(errors.missingReturn(pos(cx, node), cx.name));
      assignStruct(cx, cb.value, lowerStruct(cx, node.expression, cb.value.struct), node);
    } else if (cb.value !== undefined) {
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
  if (!node.expression && cx.finalValue) return cx.fn.emit({ kind: 'return', value: cx.finalValue(), origin: cx.fn.origin });
  if (!node.expression) return fail(errors.missingReturn(pos(cx, node), cx.name));
  if (cx.result) return returnObject(cx, node.expression, cx.result);
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
export function lowerLoopBody(cx: LowerContext, cb: FunctionNode, isForEach: boolean, resultType: Type = 'number'): TempId | undefined {
  cx.inlining.add(cb);
  try {
    return lowerFunctionBody(cx, cb, isForEach, resultType);
  } finally {
    cx.inlining.delete(cb);
  }
}

/** Callbacks whose returned value is given to a handler rather than returned (callback-values.ts: a `map` giving objects or rows). */
const objectBodies = new WeakMap<ts.Node, (returned: ts.Expression) => void>();

/** Runs `lower` (the loop of a callback `cb`) with each value `cb` returns given to `each`, from the one `return` at its end. */
export function withReturned(cb: ts.ArrowFunction | ts.FunctionExpression, each: (returned: ts.Expression) => void, lower: () => void): void {
  objectBodies.set(cb, each);
  try {
    lower();
  } finally {
    objectBodies.delete(cb);
  }
}

function lowerFunctionBody(cx: LowerContext, cb: FunctionNode, isForEach: boolean, resultType: Type): TempId | undefined {
  if (!cb.body) return undefined;
  const each = objectBodies.get(cb);
  if (each && !ts.isBlock(cb.body)) return void each(cb.body);
  if (each && ts.isBlock(cb.body)) {
    const statements = cb.body.statements;
    const last = statements[statements.length - 1];
    if (countReturns(cb.body) !== 1 || !last || !ts.isReturnStatement(last) || !last.expression)
      return fail(errors.callback(pos(cx, cb), 'a callback giving objects or arrays returns its value from one `return` at its end'));
    declareHoisted(cx, cb);
    cx.stmts(statements.slice(0, -1));
    return void atStatement(cx, last, () => each(last.expression!));
  }
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
  inOneIteration(cx, statements, valueVar, (inner) => {
    if (valueVar !== undefined && !endsFlow(inner) && !cx.recovery.flowUnknown) fail(errors.callback(pos(cx, cb), 'the callback can reach its end without returning a value'));
  });
  return valueVar === undefined ? undefined : cx.fn.read(valueVar);
}

/**
 * An inlined body whose `return`s are not only its last statement: a one-iteration `do { … } while
 * (false)` where each `return v` assigns `value` (if any) and breaks out; `check` sees the body first.
 */
function inOneIteration(cx: LowerContext, statements: readonly ts.Statement[], value: CallbackReturn['value'], check?: (inner: readonly Stmt[]) => void): void {
  const once = cx.fn.newLoop(undefined);
  const stack = callbackReturns.get(cx) ?? [];
  callbackReturns.set(cx, stack);
  stack.push({ loop: once, value });
  let inner: Stmt[];
  try {
    inner = cx.fn.region(() => cx.stmts(statements));
  } finally {
    stack.pop();
    cx.fn.endLoop();
  }
  check?.(inner);
  let cond = -1;
  const test = cx.fn.region(() => {
    cond = cx.fn.constant(false);
  });
  cx.fn.emit({ kind: 'loop', id: once, form: 'do', test, cond, body: inner, update: [], origin: cx.fn.origin });
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

/**
 * Whether a function writes into its parameter `name` (`a.x += k`, `a.pos.y = …`) where the
 * parameter may still hold the caller's object: anywhere but after a replacement `a = …` that is
 * a statement of the body itself (one that always runs first).
 */
function writesBeforeReplaced(fn: Inlined['node'], name: ts.Identifier, checker: ts.TypeChecker): boolean {
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

/** Whether argument `a` is bound to its parameter as a place: a matrix, an array of objects, one of its objects, or a row the callee writes into. */
/**
 * The list or matrix type of parameter `p`, when argument `a` gives it a list or matrix that is no
 * place yet (`area(ring(c, r, 6))`, `[{ x, y }, …]`, `matAdd(matMul(F, P), Q)`, `[[1, dt], [0, 1]]`).
 */
function listArgument(cx: LowerContext, p: ts.ParameterDeclaration, a: ts.Expression | undefined): StructType | undefined {
  if (a === undefined || placeKind(cx, a) !== undefined || isOpaqueExpr(cx, a)) return undefined;
  const e = skipOuter(a);
  if (!ts.isCallExpression(e) && !ts.isArrayLiteralExpression(e)) return undefined;
  const t = containerType(cx.checker.getTypeAtLocation(p), cx.checker);
  return t?.list || t?.matrix ? t : undefined;
}

function bindsPlace(cx: LowerContext, a: ts.Expression, written: boolean): boolean {
  const kind = placeKind(cx, a);
  return kind === 'matrix' || kind === 'list' || kind === 'element' || (kind === 'row' && written);
}
