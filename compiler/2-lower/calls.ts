/**
 * Calls of functions: of the project (an IR `call`), of local functions and inline
 * callbacks (their body inlined where called, captures checked), of members of classes
 * (methods and getters inlined with `this` the object, `new C(…)` with its constructor),
 * and the binding of arguments to the parameters of an inlined body (returns.ts lowers it).
 *
 * Guarantees: arguments are evaluated left to right, after the object a method is called
 * on; a recursive local function is an error.
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import { isArrayType, isOpaqueType, type TempId, type Type, type VarId } from '../ir/types';
import { isNondiff, namedWrt, resolveCallee } from '../1-frontend/functions';
import { forEachNode } from '../1-frontend/walk';
import { atStatement, fail, inFunction, pos, type FunctionArgument, type LocalFunction, type LowerContext } from './context';
import { functionArgument, functionArgumentOf, inClosure, isFunctionParameter, withFunctionArguments } from './function-arguments';
import { containerType, irType, isStateless, isStructType, optionsType, structType, type StructType } from './types';
import { bindPlace, bindsPlace, destructurePlace, listArgument, placeKind, placeOf, type Place } from './lists';
import type { StructValue, StructVar } from './builder';
import type { FunctionNode, FunctionSource } from '../1-frontend/functions';
import { baseClass, buildInstance, constructed, constructorOf, instanceMember, receiverOf, setterOf } from './classes';
import { countReturns, inOneIteration, lowerFunctionBody, lowerLoopBody } from './returns';
import { bindOptions, optionValues } from './option-objects';
import { reassigned, rebound, writesBeforeReplaced } from './reassignments';
import { arrayLeaf, declareLeaves, assignStruct, declareStructVar, isStructExpr, lowerStruct, readCopy, readStruct, structTypeOf } from './structs';
import { changesObjects, isOpaqueExpr, structPath, varOf } from './helpers';
import { writtenParameters } from '../1-frontend/writes';
import { declareHoisted } from './var-scoping';
import { parameterType } from './parameters';
import { lowerRuleCall } from './rule-calls';
import { namedArray, checkCaptures, constantDefault, unknownName, localFunctionOf, skipOuter } from './helpers';

/**
 * `f(a, b)` of a function of the project: arguments evaluated left to right (arrays named), left-out
 * ones take the parameter's constant default; the callee is recorded for the driver to lower.
 */
export function lowerUserCall(cx: LowerContext, e: ts.CallExpression, callee: ts.Expression, passed?: { source: FunctionSource; via: string[] }): TempId {
  const method = passed ? undefined : instanceMember(cx, callee);
  // (a function with user rules, `@jvp erf`/`@vjp erf`: called as it is, its rules give the derivatives)
  const rule = method || passed ? undefined : cx.rules?.ruleOf(callee, cx.checker);
  if (rule) return lowerRuleCall(cx, e, rule);
  const resolved = passed ?? (method ? { source: method, via: [] } : resolveCallee(callee, cx.checker));
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
  const nondiff = isNondiff(src);
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
  // (and a method of an instance: `this` is the caller's object)
  // (and one taking an instance without state, `use(new Sq(), x)`: its members are looked up in the parameter's class)
  const objects = params.some((p) => structTypeOf(cx, p) !== undefined || isStateless(cx.checker.getTypeAtLocation(p), cx.checker));
  // (and one taking a function, `rk4((t, y) => -k * y, y, t, h)`: specialised for the function passed here)
  const functions = params.some((p) => isFunctionParameter(cx, p));
  if (src.receiver !== undefined || result || writer || isVoid || places || containers || lists || objects || functions) {
    if (nondiff)
      return fail(
        errors.unsupportedExpression(
          pos(cx, e),
          `calling '${src.name}', tagged @nondiff, which takes or returns objects or functions or writes into its arguments: @nondiff works on functions of numbers and arrays returning a number or an array`,
        ),
      );
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
  return cx.fn.op(nondiff ? { op: 'call', callee: src.key, nondiff: true } : { op: 'call', callee: src.key }, args, ret);
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
  const passed = functionArgumentOf(cx, e.expression);
  const local = passed ? undefined : localFunctionOf(cx, skipOuter(e.expression));
  if (passed) {
    const value = callFunctionArgument(cx, e, passed, struct);
    if (value === undefined || typeof value !== 'object') return fail(errors.returnType(pos(cx, e), passed.name, struct.text));
    return value;
  }
  if (local) {
    const value = inlineLocalStructCall(cx, e, local, struct);
    if (value === undefined || typeof value !== 'object') return fail(errors.returnType(pos(cx, e), local.name, struct.text));
    return value;
  }
  const method = instanceMember(cx, e.expression);
  const resolved = method ? { source: method, via: [] } : resolveCallee(e.expression, cx.checker);
  if ('problem' in resolved) {
    cx.expr(e); // its error
    return fail(errors.unsupportedExpression(pos(cx, e), 'this call'));
  }
  resolved.via.forEach((f) => cx.files.add(f));
  const value = inlineProjectCall(cx, e, resolved.source, struct);
  if (value === undefined || typeof value !== 'object') return fail(errors.returnType(pos(cx, e), resolved.source.name, struct.text));
  return value;
}

/**
 * `new C(…)` of a class of the project: the constructor inlined as a function is, making the
 * instance (classes.ts `buildInstance`); a class without a constructor takes no arguments.
 */
export function lowerNew(cx: LowerContext, e: ts.NewExpression, struct: StructType): StructValue {
  const cls = constructed(cx, e);
  if (!cls) return fail(errors.unsupportedExpression(pos(cx, e), `'new ${e.expression.getText(cx.sf)}': only classes of the project can be made in differentiated code`));
  const sf = cls.getSourceFile();
  cx.files.add(sf.fileName);
  const name = `${cls.name!.text}.constructor`;
  const ctor = constructorOf(cls);
  if (ctor)
    return inlineCall(cx, e, { node: ctor, name, construct: { cls, struct }, scope: { sf, root: ctor, name, result: undefined, finalValue: undefined } }, undefined) as StructValue;
  // (without a constructor of its own, the arguments go to the one it inherits)
  const args = (e.arguments ?? []).map((a) => namedArray(cx, cx.expr(a), 'arg'));
  if (args.length > 0 && !baseClass(cx, cls)) return fail(errors.arity(pos(cx, e), name, 0, args.length));
  return inFunction(cx, { sf, root: cls, name, result: undefined, finalValue: undefined }, () => cx.fn.withIsolatedScope(() => buildInstance(cx, cls, struct, undefined, args)));
}

/** `v.lengthSq`: a getter of a class of the project, inlined with `this` the object it is read on. */
export function lowerGetter(cx: LowerContext, e: ts.PropertyAccessExpression, struct: StructType | undefined): TempId | StructValue {
  const member = instanceMember(cx, e);
  const resolved = member ? { source: member, via: [] } : resolveCallee(e, cx.checker);
  if ('problem' in resolved) return fail(errors.unsupportedExpression(pos(cx, e), `the getter '${e.getText(cx.sf)}'`));
  resolved.via.forEach((f) => cx.files.add(f));
  return inlineProjectCall(cx, e, resolved.source, struct) ?? cx.fn.constant(0);
}

/**
 * An assignment to a property of a class with a setter (`e.x = v`, `t.fahrenheit += 10`, `e.y++`):
 * `value` gives the value to set (from the getter's, `current`, where it reads it), then the setter
 * is inlined with `this` the object and its parameter that value; undefined (nothing lowered) where
 * `target` has no setter.
 */
export function assignThroughSetter(cx: LowerContext, target: ts.Expression, value: (current: () => TempId) => TempId): TempId | undefined {
  const setter = ts.isPropertyAccessExpression(target) ? setterOf(cx, target) : undefined;
  if (!setter) return undefined;
  const v = value(() => cx.expr(target));
  cx.files.add(setter.file);
  const receiver = receiverOf(cx, target, setter);
  const scope = { sf: setter.sourceFile, root: setter.node, name: setter.name, result: undefined, finalValue: undefined };
  inlineCall(cx, target as ts.PropertyAccessExpression, { node: setter.node, name: setter.name.replace('_set_', '.'), receiver, scope, given: [v] }, undefined);
  return v;
}

/** `undefined` written as an argument. */
function isUndefined(a: ts.Expression): boolean {
  const e = skipOuter(a);
  return ts.isIdentifier(e) && e.text === 'undefined';
}

/** How an argument is bound to the parameter of an inlined function. */
type Bound =
  | { readonly struct: StructVar }
  | { readonly place: Place }
  | { readonly value: StructValue }
  | { readonly array: VarId }
  | { readonly data: TempId }
  | { readonly temp: TempId }
  | { readonly init: ts.Expression }
  | { readonly options: ReadonlyMap<string, TempId> }
  /** An instance without state: nothing to hold (its members are looked up in the parameter's class). */
  | { readonly stateless: true }
  /** A function (function-arguments.ts): calls of the parameter call it. */
  | { readonly fn: FunctionArgument }
  /** A function parameter's default, resolved in the callee's scope. */
  | { readonly fnDefault: ts.Expression };

/**
 * The body of a function of the project inlined at a call, as JavaScript runs it: arguments
 * evaluated left to right; an object or array argument is the caller's own (writes into it are the
 * caller's); a default is computed in the callee's scope; the callee sees only its own names and
 * its module's. Recursion is an error.
 */
function inlineProjectCall(
  cx: LowerContext,
  e: ts.CallExpression | ts.PropertyAccessExpression,
  src: FunctionSource,
  result: StructType | undefined,
): TempId | StructValue | undefined {
  cx.files.add(src.file);
  const receiver = src.receiver ? receiverOf(cx, ts.isCallExpression(e) ? e.expression : e, src) : undefined;
  return inlineCall(cx, e, { node: src.node, name: src.name, receiver, scope: { sf: src.sourceFile, root: src.node, name: src.name, result, finalValue: undefined } }, result);
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
  readonly node: FunctionNode | ts.ConstructorDeclaration;
  readonly name: string;
  /** Of a method: the object it is called on, `this` in its body. */
  readonly receiver?: StructVar | Place;
  /** Of a constructor: the class whose instance it makes, and the instance's type. */
  readonly construct?: { readonly cls: ts.ClassDeclaration; readonly struct: StructType };
  readonly scope?: Parameters<typeof inFunction>[1];
  /** Values for its parameters, already lowered (a setter's: the value assigned). */
  readonly given?: readonly TempId[];
  /** Of a function passed as an argument: the names it sees, those of where it was passed. */
  readonly closure?: Extract<FunctionArgument, { kind: 'closure' }>;
}

function inlineCall(
  cx: LowerContext,
  e: ts.CallExpression | ts.NewExpression | ts.PropertyAccessExpression,
  target: Inlined,
  result: StructType | undefined,
): TempId | StructValue | undefined {
  const { node, scope } = target;
  const args = (!ts.isPropertyAccessExpression(e) && e.arguments) || ts.factory.createNodeArray<ts.Expression>();
  if (cx.inlining.has(node))
    return fail(errors.closure(pos(cx, e), `'${target.name}' calls itself, and takes or returns objects or functions: recursion through these is not supported`));
  const params = node.parameters;
  if (params.some((p) => ts.isArrayBindingPattern(p.name))) return fail(errors.unsupportedExpression(pos(cx, e), `calling '${target.name}', which has destructured parameters`));
  const least = params.reduce((n, p, i) => (p.initializer || p.questionToken ? n : i + 1), 0);
  // (a function passed as an argument may be called with more arguments than it takes, as JavaScript allows)
  const most = target.closure ? Infinity : params.length;
  if (!target.given && (args.length < least || args.length > most)) return fail(errors.arity(pos(cx, e), target.name, params.length, args.length));
  const writes = writtenParameters(node, cx.checker);
  const bound: Bound[] = params.map((p, i): Bound => {
    if (target.given) return { temp: target.given[i] ?? cx.fn.datum(undefined, 'number') };
    if (isFunctionParameter(cx, p)) {
      const given = args[i] !== undefined && !isUndefined(args[i]);
      // (a default, `valueof = (d) => d`, is resolved in the callee, where its names are)
      if (!given && p.initializer) return { fnDefault: p.initializer };
      if (!given && !p.questionToken) return fail(errors.unsupportedExpression(pos(cx, e), `calling '${target.name}' without its function '${p.name.getText()}'`));
      return { fn: given ? functionArgument(cx, args[i], p.name.getText(), target.name) : { kind: 'absent', name: p.name.getText() } };
    }
    // (`undefined` given for a parameter with a default: the default, as JavaScript does)
    const a = args[i] && p.initializer && isUndefined(args[i]) ? undefined : args[i];
    if (ts.isObjectBindingPattern(p.name)) return { options: optionValues(cx, p, a) };
    if (a !== undefined && isStateless(cx.checker.getTypeAtLocation(p), cx.checker)) return { stateless: true };
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
      if (ts.isConstructorDeclaration(node) && keeps(node, p) && placeKind(cx, a) === 'element' && changesObjects(cx, cx.root, e)) return fail(keptCopy(cx, a, e));
      return { place: placeOf(cx, a)! };
    }
    const made = listArgument(cx, p, a);
    if (made) return { struct: made.list ? cx.list(a, made) : cx.matrix(a, made) };
    const struct = structTypeOf(cx, p);
    // (an options object of optional numbers, `new Body({ mass })`)
    const options = !struct && ts.isObjectLiteralExpression(skipOuter(a)) ? optionsType(cx.checker.getTypeAtLocation(p), cx.checker) : undefined;
    if (options) return { value: lowerStruct(cx, a, options) };
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
      if (caller && !own) return { struct: path };
      const value = lowerStruct(cx, a, struct);
      // (`new Link(bodies[0])` keeping the object: a copy of it here, right while nothing changes objects)
      if (value.copy && ts.isConstructorDeclaration(node) && keeps(node, p) && changesObjects(cx, cx.root, e)) return fail(keptCopy(cx, a, e));
      return { value };
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
  const returns = result ?? target.construct?.struct ?? (ret && !isVoid ? irType(ret, cx.checker) : 'number');
  if (returns === undefined || returns === 'boolean') return fail(errors.returnType(pos(cx, e), target.name, ret ? cx.checker.typeToString(ret) : 'unknown'));
  const body = () => {
    if (target.receiver && 'kind' in target.receiver) bindPlace(cx, 'this', target.receiver);
    else if (target.receiver) cx.fn.bindStruct('this', target.receiver);
    params.forEach((p, i) => {
      const name = (p.name as ts.Identifier).text;
      const b = bound[i];
      if ('stateless' in b) return;
      if ('fn' in b) return;
      if ('fnDefault' in b)
        return void cx.functionArguments.set(
          p,
          atStatement(cx, p, () => functionArgument(cx, b.fnDefault, name)),
        );
      if ('options' in b) bindOptions(cx, p.name as ts.ObjectBindingPattern, b.options);
      else if ('struct' in b) cx.fn.bindStruct(name, b.struct);
      else if ('place' in b) destructurePlace(cx, p.name, b.place, false);
      else if ('value' in b) {
        const v = declareStructVar(cx, name, b.value.struct, 'local', b.value, p, true);
        assignStruct(cx, v, b.value, p, true);
        cx.fn.bindStruct(name, v);
      } else if ('array' in b) cx.fn.lookupOverride(name, b.array);
      else if ('data' in b) cx.fn.assign(cx.fn.declare(name, 'readonly number[]', 'local', true), b.data, true);
      else if ('init' in b) {
        // (an object or array default, `target = new Vec3()` as cannon-es writes it, `out: number[] = []`: a new one)
        const options = ts.isObjectLiteralExpression(skipOuter(b.init)) ? optionsType(cx.checker.getTypeAtLocation(p), cx.checker) : undefined;
        const struct = structTypeOf(cx, p) ?? options;
        const array = struct ? undefined : irType(cx.checker.getTypeAtLocation(p), cx.checker);
        if (struct) {
          const value = atStatement(cx, p, () => lowerStruct(cx, b.init, struct));
          const v = declareStructVar(cx, name, struct, 'local', value, p, true);
          assignStruct(cx, v, value, p, true);
          cx.fn.bindStruct(name, v);
        } else {
          const value = atStatement(cx, p, () => (array !== undefined && isArrayType(array) ? cx.arrayInit(b.init, array) : cx.expr(b.init)));
          cx.fn.assign(cx.fn.declare(name, cx.fn.temps[value], 'local', false), value, true);
        }
      } else {
        // (data takes the parameter's type: `'linear'` given to `activation: Activation`)
        const declared = isOpaqueType(cx.fn.temps[b.temp])
          ? parameterType(cx.checker.getTypeAtLocation(p), p.initializer !== undefined || p.questionToken !== undefined, cx.checker)
          : undefined;
        cx.fn.assign(cx.fn.declare(name, declared !== undefined && isOpaqueType(declared) ? declared : cx.fn.temps[b.temp], 'local', false), b.temp, true);
      }
    });
    cx.inlining.add(node);
    try {
      if (target.construct) return buildInstance(cx, target.construct.cls, target.construct.struct, node as ts.ConstructorDeclaration);
      if (ts.isConstructorDeclaration(node)) return undefined;
      return isStructType(returns) ? lowerStructBody(cx, node, returns) : lowerFunctionBody(cx, node, isVoid, returns);
    } finally {
      cx.inlining.delete(node);
      params.forEach((p, i) => 'fnDefault' in bound[i] && cx.functionArguments.delete(p));
    }
  };
  // (the arguments a function passed as one does not take: evaluated, as JavaScript does, for what they do)
  args.slice(params.length).forEach((a) => cx.expr(a));
  const functions = new Map(params.flatMap((p, i) => ('fn' in bound[i] ? [[p, (bound[i] as { fn: FunctionArgument }).fn] as const] : [])));
  const closure = target.closure;
  const enter = () => withFunctionArguments(cx, functions, body);
  if (closure) return inClosure(cx, closure, enter);
  return scope ? inFunction(cx, scope, () => cx.fn.withIsolatedScope(enter)) : cx.fn.withScope(enter);
}

/**
 * `f(t, y)` of a function parameter `f` of a callee being inlined: a call of the function passed for
 * it (function-arguments.ts), its value (`undefined` for one returning nothing).
 */
export function callFunctionArgument(cx: LowerContext, e: ts.CallExpression, f: FunctionArgument, struct: StructType | undefined): TempId | StructValue | undefined {
  if (f.kind === 'absent')
    return fail(errors.functionValue(pos(cx, e), `'${f.name}' is called, but no function was given for it here: give one, or test \`${f.name} !== undefined\` first`));
  if (f.kind === 'math' || f.kind === 'choice') return fail(errors.returnType(pos(cx, e), f.name, struct?.text ?? 'number'));
  if (f.kind === 'rule') return struct ? fail(errors.returnType(pos(cx, e), f.name, struct.text)) : lowerRuleCall(cx, e, f.rule);
  if (f.kind === 'project') return struct ? inlineProjectCall(cx, e, f.callee.source, struct) : lowerUserCall(cx, e, e.expression, f.callee);
  if (cx.inlining.has(f.fn)) return fail(errors.closure(pos(cx, e), `'${f.name}' calls itself: move it to module level`));
  return inlineCall(cx, e, { node: f.fn, name: f.name, closure: f }, struct);
}

function keptCopy(cx: LowerContext, a: ts.Expression, e: ts.Node) {
  return errors.unsupportedExpression(
    pos(cx, a),
    `'${a.getText(cx.sf)}' is kept by the object '${e.getText(cx.sf)}' makes while an array or another name holds it, and the function changes objects: generated code would keep a copy; make the object with its own name first (\`const b = new C(…)\`) and give that name to both, or give it a copy (\`{ ...obj }\`)`,
  );
}

/** Whether a constructor keeps its parameter `p` in a field (`public a: Body`, `this.a = a`). */
function keeps(ctor: ts.ConstructorDeclaration, p: ts.ParameterDeclaration): boolean {
  if (ts.isParameterPropertyDeclaration(p, ctor)) return true;
  const name = ts.isIdentifier(p.name) ? p.name.text : undefined;
  return (ctor.body?.statements ?? []).some((st) => {
    const e = ts.isExpressionStatement(st) ? skipOuter(st.expression) : undefined;
    const right = e && ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken ? skipOuter(e.right) : undefined;
    return right !== undefined && ts.isIdentifier(right) && right.text === name;
  });
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
