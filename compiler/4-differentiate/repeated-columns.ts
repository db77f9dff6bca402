/**
 * The public functions over arrays of objects take each argument apart into columns
 * (`adc.column(model.layers, 'weights')`); a column used more than once is computed once.
 *
 * Guarantees: only calls of the runtime's `column`, `rows` and `flat` on the function's parameters move,
 * into `const`s at the top, in the order they are first needed; the values are unchanged (the
 * generated functions never modify their arguments).
 */
import { RUNTIME_NAMESPACE } from './context';
import { b, type JsExpr, type JsFunction, type JsStmt } from '../5-print/js';
import { mapChildren, mapStmtChildren, namesIn } from '../5-print/js-walk';

/**
 * `f` with each column or rows of an array of objects it takes apart more than once
 * (`adc.column(model.layers, 'weights')`, passed on as its numbers, where its rows start, and cut
 * again for the gradient) computed once, in a `const` at its top named after it
 * (`model_layers_weights`): one pass over the argument instead of several, and shorter calls.
 */
export function nameRepeatedColumns(f: JsFunction): JsFunction {
  // (of the function's parameters only: the consts come first)
  const params = new Set([RUNTIME_NAMESPACE, ...f.params.map((p) => p.name)]);
  const takes = (e: JsExpr): e is Extract<JsExpr, { k: 'call' }> =>
    e.k === 'call' &&
    e.fn.k === 'member' &&
    e.fn.obj.k === 'id' &&
    e.fn.obj.name === RUNTIME_NAMESPACE &&
    (e.fn.name === 'column' || e.fn.name === 'rows' || e.fn.name === 'flat') &&
    [...namesIn(e)].every((n) => params.has(n));
  const key = (e: JsExpr) => JSON.stringify(e);
  // Each such call, inner ones first, with how often it is made; the names already in use.
  const counts = new Map<string, { e: JsExpr; n: number }>();
  const taken = new Set(f.params.map((p) => p.name));
  const count = (e: JsExpr): JsExpr => {
    mapChildren(e, count);
    if (e.k === 'id') taken.add(e.name);
    if (takes(e)) {
      const c = counts.get(key(e));
      if (c) c.n++;
      else counts.set(key(e), { e, n: 1 });
    }
    return e;
  };
  const countStmt = (s: JsStmt): JsStmt => mapStmtChildren(s, count, countStmt);
  f.body.forEach(countStmt);
  const named = new Map<string, string>();
  const replace = (e: JsExpr): JsExpr => {
    const name = takes(e) ? named.get(key(e)) : undefined;
    return name !== undefined ? b.id(name) : mapChildren(e, replace);
  };
  const prelude: JsStmt[] = [];
  const nameOf = (e: JsExpr): string =>
    e.k === 'id'
      ? e.name
      : e.k === 'member'
        ? `${nameOf(e.obj)}_${e.name}`
        : takes(e)
          ? e.fn.k === 'member' && e.fn.name === 'column' && e.args[1]?.k === 'str'
            ? `${nameOf(e.args[0])}_${e.args[1].v}`
            : e.fn.k === 'member' && e.fn.name === 'flat'
              ? `${nameOf(e.args[0])}_numbers`
              : `${nameOf(e.args[0])}_rows`
          : 'part';
  for (const [k, { e, n }] of counts) {
    if (n < 2) continue;
    let name = nameOf(e);
    while (taken.has(name)) name = `${name}_`;
    taken.add(name);
    prelude.push(b.const(name, mapChildren(e, replace)));
    named.set(k, name);
  }
  if (prelude.length === 0) return f;
  const replaceStmt = (s: JsStmt): JsStmt => mapStmtChildren(s, replace, replaceStmt);
  return { ...f, body: [...prelude, ...f.body.map(replaceStmt)] };
}
