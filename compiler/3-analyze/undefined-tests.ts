/**
 * Which element reads may be tested for `undefined`: a read past the end of a
 * plain array (`xs[i + 1] ?? xs[i]`, `const cur = xs[i]; … cur ?? x`) has a
 * value only through such a test, and its adjoint, exactly 0, is added to an
 * element of the gradient that does not exist (`undefined + 0` is NaN).
 *
 * Guarantees: every `load` whose value can reach the operand of `??`, `== null`,
 * `=== undefined` or a truthiness test, directly or through variables, is in
 * the set; other loads read a number or make the primal NaN already.
 */
import type { IRFunction, Op, TempId, VarId } from '../ir/types';
import { forEachStmt } from '../ir/walk';

const tests = new Set(['nullish', 'isundefined', 'truthy']);
const cache = new WeakMap<IRFunction, ReadonlySet<TempId>>();

export function undefinedTestedLoads(fn: IRFunction): ReadonlySet<TempId> {
  let found = cache.get(fn);
  if (found) return found;
  const defs = new Map<TempId, Op>();
  const assigned = new Map<VarId, TempId[]>();
  const pending: TempId[] = [];
  forEachStmt(fn.body, (s) => {
    if (s.kind === 'op') {
      defs.set(s.id, s);
      if (s.op === 'prim' && tests.has(s.fn)) pending.push(s.args[0]);
    } else if (s.kind === 'assign') {
      let list = assigned.get(s.var);
      if (!list) assigned.set(s.var, (list = []));
      list.push(s.value);
    }
  });
  const loads = new Set<TempId>();
  const seen = new Set<TempId>();
  while (pending.length > 0) {
    const t = pending.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    const d = defs.get(t);
    if (d?.op === 'load') loads.add(t);
    else if (d?.op === 'read') pending.push(...(assigned.get(d.var) ?? []));
    else if (d?.op === 'select') pending.push(d.args[1], d.args[2]);
  }
  cache.set(fn, (found = loads));
  return found;
}
