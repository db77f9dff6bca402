/**
 * Loop-invariant reads of data hoisted out of loops: where a matrix's row starts, where an element's
 * rows begin in a grouped matrix (`W_starts[j]`, `W_starts[W_groups[l] + i]`), read once before the
 * loop instead of once per element of the row.
 *
 *   loop { %5 = get W_starts[%3]; %7 = load W_data[%5 + k] … }   with %3 fixed in the loop
 *   ⇒ start = W_starts[%3]; loop { %5 = read start; … }
 *
 * Guarantees: only reads of a matrix's row starts and groups (arrays adc makes, never missing and
 * never written; a read of other data could throw where its object is missing) move, with the index arithmetic
 * (`+`, `-` of constants and of number variables the loop does not assign) they read; the value
 * each use sees is unchanged (a read of data past its end is `undefined`, not an error, so reading
 * it before a loop that runs no iteration changes nothing). Ops inside branches of the loop body
 * stay; nested loops are hoisted from first, so a row start rises as far as it is fixed.
 */
import { writtenVar } from './facts';
import { Rewriter } from './rewriter';
import { isOpaqueType, type IRFunction, type Op, type Region, type Stmt, type TempId, type VarId } from './types';

/** The type of a matrix's `starts` and `groups` (2-lower/types.ts `matrixType`). */
const INDEX_ARRAY = 'opaque:readonly number[]';

export function hoistInvariants(fn: IRFunction): IRFunction {
  /** Where the rows of a matrix start (`W_starts`, `W_groups`: arrays of numbers adc makes, never missing, never written). */
  const isIndexArray = (op: Op | undefined): boolean => op?.op === 'read' && fn.vars[op.var].role === 'param' && fn.vars[op.var].type === INDEX_ARRAY;
  const rw = new Rewriter(fn);
  let changed = false;

  const region = (stmts: Region): Stmt[] => {
    const out: Stmt[] = [];
    for (const s of stmts) {
      if (s.kind === 'if') out.push({ ...s, then: region(s.then), else: region(s.else) });
      else if (s.kind === 'loop') {
        const inner = { ...s, test: region(s.test), body: region(s.body), update: region(s.update) };
        const [loop, before] = hoistFrom(inner);
        // (before the loop counter's start, `i = 0`, which stays next to its loop)
        const last = out[out.length - 1];
        const counter = last?.kind === 'assign' && assignedIn(inner).has(last.var) ? out.pop() : undefined;
        out.push(...before, ...(counter ? [counter] : []), loop);
      } else out.push(s);
    }
    return out;
  };

  /** The loop with its invariant data reads replaced by reads of variables, and the statements assigning them. */
  const hoistFrom = (loop: Extract<Stmt, { kind: 'loop' }>): [Stmt, Stmt[]] => {
    const assigned = assignedIn(loop);
    // Ops of the body's own block whose value is the same in every iteration.
    const invariant = new Map<TempId, Op>();
    for (const st of loop.body) {
      if (st.kind !== 'op') continue;
      const fixed =
        st.op === 'const'
          ? typeof st.value === 'number'
          : st.op === 'read'
            ? !assigned.has(st.var) && (fn.vars[st.var].type === 'number' || isOpaqueType(fn.vars[st.var].type))
            : st.op === 'get'
              ? st.key === undefined && isIndexArray(invariant.get(st.args[0])) && st.args.every((a) => invariant.has(a))
              : st.op === 'prim' && (st.fn === 'add' || st.fn === 'sub') && st.args.every((a) => invariant.has(a));
      if (fixed) invariant.set(st.id, st);
    }
    const moved = [...invariant.values()].filter((st) => st.op === 'get' && st.type === 'number');
    if (moved.length === 0) return [loop, []];
    changed = true;
    const before: Stmt[] = [];
    const copies = new Map<TempId, TempId>();
    const copy = (t: TempId): TempId => {
      const known = copies.get(t);
      if (known !== undefined) return known;
      const st = invariant.get(t)!;
      const { id: _, args, type, origin, kind: __, ...data } = st;
      const made = rw.op(before, data as never, args.map(copy), type, origin);
      copies.set(t, made);
      return made;
    };
    const held = new Map<TempId, VarId>();
    for (const st of moved) {
      const v = rw.newVar(nameOf(fn, st, invariant), 'number');
      rw.assign(before, v, copy(st.id), st.origin, true);
      held.set(st.id, v);
    }
    const body = loop.body.map((st): Stmt =>
      st.kind === 'op' && held.has(st.id) ? { kind: 'op', op: 'read', var: held.get(st.id)!, id: st.id, args: [], type: st.type, origin: st.origin } : st,
    );
    return [{ ...loop, body }, before];
  };

  const body = region(fn.body);
  return changed ? rw.finish(body) : fn;
}

/** The variables a loop assigns or writes into, anywhere inside it. */
function assignedIn(loop: Extract<Stmt, { kind: 'loop' }>): Set<VarId> {
  const assigned = new Set<VarId>();
  const visit = (r: Region): void =>
    r.forEach((st) => {
      const w = writtenVar(st);
      if (w !== undefined) assigned.add(w);
      if (st.kind === 'if') [st.then, st.else].forEach(visit);
      if (st.kind === 'loop') [st.test, st.body, st.update].forEach(visit);
    });
  [loop.test, loop.body, loop.update].forEach(visit);
  return assigned;
}

/** A name for a hoisted read: `row_start` of a matrix's row starts, `first_row` of its groups. */
function nameOf(fn: IRFunction, st: Op, invariant: ReadonlyMap<TempId, Op>): string {
  const source = invariant.get(st.args[0]);
  return source?.op === 'read' && fn.vars[source.var].name.endsWith('groups') ? 'first_row' : 'row_start';
}
