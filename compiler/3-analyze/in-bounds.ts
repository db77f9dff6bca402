/**
 * Element reads that are inside their array: `xs[i]` in the body of a loop
 * that runs while `i < xs.length` (or `i < n` with `const n = xs.length`). Any
 * other read may be past the end and give `undefined`, NaN in arithmetic: the
 * range analysis (finiteness.ts) then takes its value as possibly NaN, so that
 * a partial made from it follows the zero-(co)tangent rule (a read past the end
 * whose value the result does not use contributes nothing, in both modes).
 *
 * Proved in bounds, conservatively: the index is a read of a counter i, or i plus a
 * non-negative integer d, where
 *  - the loop's condition bounds i (`i < xs.length`, possibly one conjunct of `&&`), with room
 *    for d (`i < xs.length - 1` or `i + 1 < xs.length` for `xs[i + 1]`),
 *  - the function only ever sets to a non-negative integer literal or increases
 *    by one (`i++`, `i += 1`),
 *  - the loop writes only in its update or as the last statements of its body
 *    (control normalization moves the update there), after the read;
 * and an array the loop never replaces (element writes and `push` only grow it).
 *
 * An array the function checks has another's length, at its top level before the loop
 * (`if (ys.length !== xs.length) throw new RangeError(…)`), is inside wherever that other one
 * is, when neither is ever assigned, grown or written in the function.
 *
 * Guarantees: every load in the returned set reads an element that exists.
 */
import type { IRFunction, Op, Region, Stmt, TempId, VarId } from '../ir/types';
import { forEachStmt } from '../ir/walk';
import { writtenVar } from '../ir/facts';

const cache = new WeakMap<IRFunction, ReadonlySet<TempId>>();

export function inBoundsLoads(fn: IRFunction): ReadonlySet<TempId> {
  let found = cache.get(fn);
  if (found) return found;
  found = analyze(fn);
  cache.set(fn, found);
  return found;
}

function analyze(fn: IRFunction): Set<TempId> {
  const defs = new Map<TempId, Op>();
  const assigns = new Map<VarId, TempId[]>();
  forEachStmt(fn.body, (s) => {
    if (s.kind === 'op') defs.set(s.id, s);
    else if (s.kind === 'assign') {
      const list = assigns.get(s.var);
      if (list) list.push(s.value);
      else assigns.set(s.var, [s.value]);
    }
  });
  // Counters: every assignment a non-negative integer literal or the counter plus one.
  const counter = (v: VarId): boolean =>
    !fn.params.includes(v) &&
    (assigns.get(v) ?? []).every((t) => {
      const d = defs.get(t);
      if (d?.op === 'const') return typeof d.value === 'number' && Number.isInteger(d.value) && d.value >= 0;
      if (d?.op !== 'prim' || d.fn !== 'add') return false;
      const [a, c] = d.args.map((x) => defs.get(x));
      return a?.op === 'read' && a.var === v && c?.op === 'const' && c.value === 1;
    });
  // `n` in `i < n`: the length of the array it was set to, when that is all it is ever set to.
  const lengthOf = (t: TempId): VarId | undefined => {
    const d = defs.get(t);
    if (d?.op === 'length') return d.var;
    if (d?.op !== 'read' || fn.params.includes(d.var)) return undefined;
    const sets = (assigns.get(d.var) ?? []).map((x) => defs.get(x));
    const arrays = new Set(sets.map((x) => (x?.op === 'length' ? x.var : undefined)));
    return sets.length > 0 && arrays.size === 1 && !arrays.has(undefined) ? [...arrays][0] : undefined;
  };
  // A non-negative integer literal.
  const natural = (t: TempId): number | undefined => {
    const d = defs.get(t);
    return d?.op === 'const' && typeof d.value === 'number' && Number.isInteger(d.value) && d.value >= 0 ? d.value : undefined;
  };
  // `t` as a read of a variable plus a non-negative integer (`i`, `i + 1`).
  const offset = (t: TempId): { v: VarId; by: number } | undefined => {
    const d = defs.get(t);
    if (d?.op === 'read') return { v: d.var, by: 0 };
    if (d?.op !== 'prim' || d.fn !== 'add') return undefined;
    for (const [a, c] of [d.args, [...d.args].reverse()]) {
      const r = defs.get(a);
      const by = natural(c);
      if (r?.op === 'read' && by !== undefined) return { v: r.var, by };
    }
    return undefined;
  };
  // The array whose length `t` is, less a non-negative integer (`xs.length`, `n`, `xs.length - 1`).
  const shortLength = (t: TempId): { arr: VarId; less: number } | undefined => {
    const d = defs.get(t);
    if (d?.op === 'prim' && d.fn === 'sub') {
      const arr = lengthOf(d.args[0]);
      const less = natural(d.args[1]);
      return arr !== undefined && less !== undefined ? { arr, less } : undefined;
    }
    const arr = lengthOf(t);
    return arr === undefined ? undefined : { arr, less: 0 };
  };
  // The (counter, array, slack) a condition guarantees: `i < xs.length` (slack 0), `i < xs.length - 1`
  // or `i + 1 < xs.length` (slack 1: xs[i + 1] is inside too), in a conjunction too.
  const bounds = (t: TempId | undefined, into: [VarId, VarId, number][] = []): [VarId, VarId, number][] => {
    const d = t === undefined ? undefined : defs.get(t);
    if (d?.op === 'prim' && d.fn === 'and') d.args.forEach((a) => bounds(a, into));
    if (d?.op === 'prim' && d.fn === 'lt') {
      const i = offset(d.args[0]);
      const len = shortLength(d.args[1]);
      if (i !== undefined && len !== undefined && counter(i.v)) into.push([i.v, len.arr, i.by + len.less]);
    }
    return into;
  };
  const proved = new Set<TempId>();
  const same = sameLengths(fn, defs);
  const visit = (region: Region): void => {
    for (const s of region) {
      if (s.kind === 'if') {
        visit(s.then);
        visit(s.else);
      } else if (s.kind === 'loop') {
        for (const [i, arr, slack] of bounds(s.cond)) for (const other of [arr, ...same(s, arr)]) prove(s, i, other, slack);
        visit(s.test);
        visit(s.body);
        visit(s.update);
      }
    }
  };
  const prove = (loop: Extract<Stmt, { kind: 'loop' }>, i: VarId, arr: VarId, slack: number): void => {
    // The array is never replaced inside the loop (its elements may be written, it may grow).
    let replaced = false;
    forEachStmt(loop.body, (s) => {
      if (s.kind === 'assign' && s.var === arr) replaced = true;
    });
    if (replaced) return;
    // Writes of the counter in the body: only as its last top-level statements.
    const body = loop.body;
    const writesAt = (s: Stmt): boolean => {
      let w = false;
      forEachStmt([s], (x) => {
        if (x.kind === 'assign' && x.var === i) w = true;
      });
      return w;
    };
    const first = body.findIndex(writesAt);
    const end = first < 0 ? body.length : first;
    if (body.slice(end).some((s) => s.kind !== 'op' && s.kind !== 'assign')) return;
    if (body.slice(0, end).some((s) => s.kind !== 'op' && writesAt(s))) return;
    forEachStmt(body.slice(0, end), (s) => {
      if (s.kind !== 'op' || s.op !== 'load' || s.var !== arr) return;
      const index = offset(s.args[0]);
      if (index?.v === i && index.by <= slack) proved.add(s.id);
    });
  };
  visit(fn.body);
  return proved;
}

/**
 * For a loop and an array, the arrays checked to have its length before the loop: checks
 * `if (a.length !== b.length) throw …` among the function's top-level statements (also `!=`, either
 * order) before the one holding the loop, linking arrays that nothing in the function assigns,
 * pushes to, writes into or passes to a call (so that the lengths stay equal), transitively.
 */
function sameLengths(fn: IRFunction, defs: ReadonlyMap<TempId, Op>): (loop: Stmt, arr: VarId) => VarId[] {
  // (an array passed to a call may be written by the callee: it counts as changed)
  const changed = new Set<VarId>();
  forEachStmt(fn.body, (s) => {
    const w = writtenVar(s);
    if (w !== undefined) changed.add(w);
    if (s.kind === 'op' && s.op === 'call') for (const a of s.args) if (defs.get(a)?.op === 'read') changed.add((defs.get(a) as { var: VarId }).var);
  });
  const lengthVar = (t: TempId): VarId | undefined => {
    const d = defs.get(t);
    return d?.op === 'length' && !changed.has(d.var) ? d.var : undefined;
  };
  // Each top-level statement: the pairs checked before it.
  const pairsBefore: [VarId, VarId][][] = [];
  const pairs: [VarId, VarId][] = [];
  for (const s of fn.body) {
    pairsBefore.push([...pairs]);
    if (s.kind !== 'check') continue;
    const d = defs.get(s.cond);
    if (d?.op !== 'prim' || d.fn !== 'ne') continue;
    const [a, c] = d.args.map(lengthVar);
    if (a !== undefined && c !== undefined && a !== c) pairs.push([a, c]);
  }
  const topOf = new Map<Stmt, number>();
  fn.body.forEach((top, at) => forEachStmt([top], (s) => topOf.set(s, at)));
  return (loop, arr) => {
    const known = pairsBefore[topOf.get(loop) ?? 0] ?? [];
    if (known.length === 0 || changed.has(arr)) return [];
    const found = new Set<VarId>([arr]);
    for (let grew = true; grew;) {
      grew = false;
      for (const [a, c] of known) {
        if (found.has(a) !== found.has(c)) {
          found.add(found.has(a) ? c : a);
          grew = true;
        }
      }
    }
    found.delete(arr);
    return [...found];
  };
}
