/**
 * `reduce`, `map` and `forEach` over read-only data (`X.reduce((s, row, i) => …, 0)`,
 * `pts.map((p) => p.y - a * p.x)`, `pairs.forEach(([x, y]) => …)`): an index loop over the data,
 * its element read with `get` and bound to the callback's parameter (a name, `{ x, y }` or
 * `[x, y]`), the callback's body inlined as for a numeric array's. The same over a differentiated
 * matrix's rows or list's objects (lists.ts), whose parameter stands for the row or object.
 *
 * Guarantees: the data is only read; the accumulator of `reduce` and what `map` returns are
 * numbers (a `map` gives a fresh `number[]`); a `reduce` without a start value is an error (its
 * first element is data, not a number).
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import type { TempId, VarId } from '../ir/types';
import { fail, pos, type LowerContext } from './context';
import { dataGet, indexLoop, localFunctionOf, checkCaptures, skipOuter } from './helpers';
import { destructureParameter } from './data';
import { destructurePlace, itemOf, pinPlace, placeLength, type Place } from './lists';

export function lowerDataCallback(cx: LowerContext, call: ts.CallExpression, method: 'reduce' | 'map' | 'forEach', data: ts.Expression): TempId {
  const fn = cx.fn;
  // The data, read once as the call does: its own variable when it names one that is never
  // assigned (`row.reduce(…)` of an outer callback's row).
  const named = ts.isIdentifier(skipOuter(data)) ? fn.lookup((skipOuter(data) as ts.Identifier).text) : undefined;
  let items: VarId;
  if (named !== undefined && fn.vars[named].constant) items = named;
  else {
    const value = cx.expr(data);
    items = fn.declare('items', fn.temps[value], 'hidden', true);
    fn.assign(items, value, true);
  }
  return lowerElementCallback(
    cx,
    call,
    method,
    () => fn.op({ op: 'get', key: 'length' }, [fn.read(items)], 'number'),
    (index, p) => {
      const type = cx.checker.getTypeAtLocation(p);
      const element = dataGet(cx, fn.read(items), { index: fn.read(index) }, type);
      if (element === undefined) return fail(errors.localType(pos(cx, p), p.name.getText(), cx.checker.typeToString(type)));
      const v = fn.declare(ts.isIdentifier(p.name) ? p.name.text : 'item', fn.temps[element], ts.isIdentifier(p.name) ? 'local' : 'hidden', true);
      fn.assign(v, element, true);
      if (!ts.isIdentifier(p.name)) destructureParameter(cx, v, p.name);
    },
  );
}

/**
 * `reduce`/`map`/`forEach` with a callback written in place or local, over elements that
 * `bind(index, parameter)` declares under the callback's element parameter (data, a matrix's row):
 * an index loop to `length()`, the callback's body inlined.
 */
export function lowerElementCallback(
  cx: LowerContext,
  call: ts.CallExpression,
  method: 'reduce' | 'map' | 'forEach',
  length: () => TempId,
  bind: (index: VarId, parameter: ts.ParameterDeclaration) => void,
): TempId {
  const fn = cx.fn;
  const isReduce = method === 'reduce';
  const cbNode = call.arguments[0] === undefined ? undefined : skipOuter(call.arguments[0]);
  const local = cbNode && ts.isIdentifier(cbNode) ? localFunctionOf(cx, cbNode) : undefined;
  if (local) checkCaptures(cx, local, cbNode!);
  const cb = cbNode && (ts.isArrowFunction(cbNode) || ts.isFunctionExpression(cbNode)) ? cbNode : local?.fn;
  if (!cb) return fail(errors.callback(pos(cx, call.arguments[0] ?? call), `this ${method} takes a function written in place (an arrow function) or a local one`));
  if (isReduce && call.arguments.length !== 2)
    return fail(errors.callback(pos(cx, call), 'this reduce without a start value: its first element is not a number; give one (`, 0`)'));
  const elementAt = isReduce ? 1 : 0;
  const params = cb.parameters;
  if (params.length > elementAt + 2) return fail(errors.callback(pos(cx, params[elementAt + 2]), `the array argument of the ${method} callback`));
  const nameOf = (p: ts.ParameterDeclaration | undefined): string | undefined => (p && ts.isIdentifier(p.name) ? p.name.text : undefined);
  if (isReduce && params[0] && !ts.isIdentifier(params[0].name)) return fail(errors.callback(pos(cx, params[0]), 'a destructured accumulator'));
  if (params[elementAt + 1] && !ts.isIdentifier(params[elementAt + 1].name)) return fail(errors.callback(pos(cx, params[elementAt + 1]), 'a destructured index'));

  let acc: VarId | undefined;
  if (isReduce) {
    const start = cx.expr(call.arguments[1]);
    if (fn.temps[start] !== 'number') return fail(errors.callback(pos(cx, call.arguments[1]), 'a reduce whose accumulator is not a number'));
    acc = fn.declare(nameOf(params[0]) ?? 'acc', 'number', 'hidden', false);
    fn.assign(acc, start, true);
  }
  let result: VarId | undefined;
  if (method === 'map') {
    result = fn.declare('mapped', 'number[]', 'hidden', true);
    fn.assign(result, fn.op({ op: 'newArray', type: 'number[]', form: 'sized' }, [length(), fn.constant(0)], 'number[]'), true);
  }
  indexLoop(
    cx,
    length,
    (index) => {
      if (params[elementAt]) bind(index, params[elementAt]);
      if (acc !== undefined) fn.lookupOverride(nameOf(params[0]), acc);
      fn.lookupOverride(nameOf(params[elementAt + 1]), index);
      const value = cx.loopBody(cb, method === 'forEach');
      if (method !== 'forEach' && (value === undefined || fn.temps[value] !== 'number'))
        return fail(errors.callback(pos(cx, cb), `a ${method} callback that does not return a number here`));
      if (acc !== undefined) fn.assign(acc, value!);
      if (result !== undefined) fn.emit({ kind: 'store', var: result, index: fn.read(index), value: value!, origin: fn.origin });
    },
    { scoped: true },
  );
  if (acc !== undefined) return fn.read(acc);
  if (result !== undefined) return fn.read(result);
  return fn.constant(0);
}

/** `W.map((row) => …)`, `points.reduce((s, p, i) => …, 0)`, `layers.forEach(…)` over a matrix's rows or a list's objects. */
export function lowerPlaceCallback(cx: LowerContext, call: ts.CallExpression, method: 'reduce' | 'map' | 'forEach', place: Place): TempId {
  const p = pinPlace(cx, place);
  return lowerElementCallback(
    cx,
    call,
    method,
    () => placeLength(cx, p())!,
    (i, param) => destructurePlace(cx, param.name, itemOf(cx, p(), cx.fn.read(i)), false),
  );
}
