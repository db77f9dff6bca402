/**
 * `return`, and the bodies of functions and callbacks inlined where they are used: a `return` in
 * the middle of one leaves a one-iteration loop, its value assigned to what the caller reads.
 *
 * Guarantees: a returned array from the middle of a body is a fresh one (the result holds it).
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import { isArrayType, type Stmt, type TempId, type Type, type VarId } from '../ir/types';
import { forEachNode } from '../1-frontend/walk';
import { atStatement, fail, pos, type LowerContext } from './context';
import type { StructVar } from './builder';
import type { FunctionNode } from '../1-frontend/functions';
import { assignStruct, lowerStruct } from './structs';
import { declareHoisted } from './var-scoping';
import { isFreshArray, endsFlow, namedArray } from './helpers';
import { packResult } from './results';
import type { StructType } from './types';

/** How a `return` inside an inlined callback behaves: assign the value, break out of the one-iteration loop. */
export interface CallbackReturn {
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

export function lowerFunctionBody(cx: LowerContext, cb: FunctionNode, isForEach: boolean, resultType: Type): TempId | undefined {
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
export function inOneIteration(cx: LowerContext, statements: readonly ts.Statement[], value: CallbackReturn['value'], check?: (inner: readonly Stmt[]) => void): void {
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
export function countReturns(node: ts.Node): number {
  let n = 0;
  forEachNode(node, (c) => {
    if (c === node) return;
    if (ts.isReturnStatement(c)) n++;
    if (ts.isFunctionLike(c)) return 'skip';
  });
  return n;
}

/** `return { … }` of a function whose result is an object: the array of its numbers (see `packResult`). */
export function returnObject(cx: LowerContext, e: ts.Expression, struct: StructType): void {
  cx.fn.emit({ kind: 'return', value: packResult(cx, lowerStruct(cx, e, struct), e), origin: cx.fn.origin });
}
