/**
 * Callbacks whose values are arrays or objects (`xs.map((x) => ({ x, y: f(x) }))`, `A.map((row) =>
 * row.map(…))`, `Array.from({ length: n }, (_, i) => …)`): loops in which each value the callback
 * returns, from the one `return` at its end, is given to a handler (local-lists.ts pushes an
 * object onto a list, local-matrices.ts a row onto a matrix) rather than stored.
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import { fail, pos, type LowerContext } from './context';
import { indexLoop, skipOuter } from './helpers';
import { withReturned } from './returns';

/** `source.map(cb)` as a loop giving each value `cb` returns (its `return` at the end) to `each`. */
export function eachReturned(cx: LowerContext, call: ts.CallExpression, each: (returned: ts.Expression) => void): void {
  const cb = call.arguments[0] && skipOuter(call.arguments[0]);
  if (!cb || !(ts.isArrowFunction(cb) || ts.isFunctionExpression(cb)) || call.arguments.length !== 1)
    return fail(errors.callback(pos(cx, call.arguments[0] ?? call), 'a map giving arrays or objects takes a function written in place (an arrow function)'));
  const source = (skipOuter(call.expression) as ts.PropertyAccessExpression).expression;
  withReturned(cb, each, () => cx.forEach(call, source));
}

/** Whether `call` is `Array.from({ length: n }, f)`. */
export function isArrayFromLength(call: ts.CallExpression): boolean {
  const c = skipOuter(call.expression);
  const from = ts.isPropertyAccessExpression(c) && ts.isIdentifier(c.expression) && c.expression.text === 'Array' && c.name.text === 'from';
  const src = call.arguments[0] && skipOuter(call.arguments[0]);
  return (
    from && call.arguments.length === 2 && src !== undefined && ts.isObjectLiteralExpression(src) && src.properties.length === 1 && src.properties[0].name?.getText() === 'length'
  );
}

/** `Array.from({ length: n }, (_, i) => …)`: a loop over `i` giving each value the function returns to `each`. */
export function arrayFromLength(cx: LowerContext, call: ts.CallExpression, each: (returned: ts.Expression) => void): void {
  const cb = skipOuter(call.arguments[1]);
  if (!(ts.isArrowFunction(cb) || ts.isFunctionExpression(cb)) || cb.parameters.length > 2)
    return fail(errors.callback(pos(cx, call.arguments[1]), 'Array.from({ length: n }, f) giving arrays or objects takes a function written in place (an arrow function)'));
  const length = ((skipOuter(call.arguments[0]) as ts.ObjectLiteralExpression).properties[0] as ts.PropertyAssignment).initializer;
  const n = cx.fn.declare('count', 'number', 'hidden', true);
  cx.fn.assign(n, cx.expr(length), true);
  const index = cb.parameters[1] && ts.isIdentifier(cb.parameters[1].name) ? cb.parameters[1].name.text : undefined;
  withReturned(cb, each, () =>
    indexLoop(
      cx,
      () => cx.fn.read(n),
      (i) => {
        // (the first parameter is the undefined element: a use of it is an unknown name)
        cx.fn.lookupOverride(index, i);
        cx.loopBody(cb, true);
      },
      { scoped: true },
    ),
  );
}
