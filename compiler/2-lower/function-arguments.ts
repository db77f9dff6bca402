/**
 * Functions passed as arguments: `rk4((t, y) => -k * y, y0, t, h)`, `newton(g, x0)`,
 * `integrate(Math.sin, 0, Math.PI)`. A callee taking a function is inlined at each call (calls.ts),
 * so it is specialised for the function passed there: its function parameter stands for that
 * function, and a call of the parameter is a call of it, differentiated with the caller's code.
 *
 * What can be passed: an arrow or function written in place, a local function, a function of the
 * project, a `Math` function, or a function parameter of the callee passing it on. An arrow sees
 * the variables of the place where it was passed (`k` above is the caller's own, differentiated as
 * usual), whatever names the callee declares. Anything else (a function from an array, chosen by
 * `?:`, returned by a call) is an error at the argument.
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import { resolveCallee } from '../1-frontend/functions';
import { fail, inFunction, pos, type ClosureScope, type FunctionArgument, type LowerContext } from './context';
import { checkCaptures, localFunctionOf, mathAlias, skipOuter } from './helpers';

/** Whether parameter `p` takes a function (`f: (t: number, y: number) => number`, `g?: Fn`). */
export function isFunctionParameter(cx: LowerContext, p: ts.ParameterDeclaration): boolean {
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

/** The function argument `a` passes for parameter `param`, resolved where it is passed (in the caller). */
export function functionArgument(cx: LowerContext, a: ts.Expression, param: string, callee: string): FunctionArgument {
  const e = skipOuter(a);
  const scope: ClosureScope = { sf: cx.sf, root: cx.root, name: cx.name, result: cx.result, finalValue: cx.finalValue };
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) {
    if (e.asteriskToken || e.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword))
      return fail(errors.asyncOrGenerator(pos(cx, e), e.asteriskToken ? 'generator' : 'async'));
    return { kind: 'closure', name: param, fn: e, scopes: cx.fn.captureScopes(), scope, inlining: new Set(cx.inlining) };
  }
  const passed = functionArgumentOf(cx, e);
  if (passed) return passed;
  const local = localFunctionOf(cx, e);
  if (local) {
    checkCaptures(cx, local, e);
    return { kind: 'closure', name: local.name, fn: local.fn, scopes: cx.fn.captureScopes(), scope, inlining: new Set(cx.inlining) };
  }
  const isMath = ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Math' && cx.fn.lookup('Math') === undefined;
  const alias = isMath ? e.name.text : ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) ? mathAlias(cx, e) : undefined;
  if (alias !== undefined) return { kind: 'math', name: `Math.${alias}`, alias };
  if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) {
    const rule = cx.rules?.ruleOf(e, cx.checker);
    if (rule) return { kind: 'rule', name: e.getText(cx.sf), rule };
    const resolved = resolveCallee(e, cx.checker);
    if (!('problem' in resolved)) return { kind: 'project', name: resolved.source.name, callee: resolved };
    if (resolved.problem === 'noBody') return fail(errors.noBody(pos(cx, e), resolved.name));
  }
  const how = ts.isConditionalExpression(e)
    ? `choose inside one arrow: \`(x) => (${e.condition.getText(cx.sf)} ? ${e.whenTrue.getText(cx.sf)}(x) : ${e.whenFalse.getText(cx.sf)}(x))\``
    : ts.isCallExpression(e)
      ? 'write the function it returns as an arrow here'
      : 'pass the function itself';
  return fail(
    errors.functionValue(
      pos(cx, a),
      `'${a.getText(cx.sf).slice(0, 60)}' passed to '${callee}' as '${param}' is not a function known where it is passed (an arrow, a local or module-level function, or a Math function): ${how}`,
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
