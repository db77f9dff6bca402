/**
 * Loop-invariant reads of data hoisted out of loops: where a matrix's row starts, where an element's
 * rows begin in a grouped matrix (`W_starts[j]`, `W_starts[W_groups[l] + i]`), read once before the
 * loop instead of once per element of the row.
 *
 *   loop { %5 = get W_starts[%3]; %7 = load W_data[%5 + k] … }   with %3 fixed in the loop
 *   ⇒ start = W_starts[%3]; loop { %5 = read start; … }
 *
 * With `loads` (forward mode), an element of a numeric array the loop never writes, at an index
 * fixed in the loop, moves too: its value and its tangent are read once, not once per iteration
 * (an inner loop's `q[j] += L[li] * c[i]` reads c[i] and dc[i] before the loop over j).
 *
 *   loop j { %4 = read i; %5 = load c[%4]; %6 = mul %3 %5 … }   with i and c fixed in the loop
 *   ⇒ c_i = c[i]; loop j { %5 = read c_i; … }
 *
 * Guarantees: only reads of a matrix's row starts and groups (arrays adc makes, never missing and
 * never written; a read of other data could throw where its object is missing) and, with `loads`,
 * elements of array variables that are never missing (not optional) and that the loop neither
 * assigns nor writes into (stores, pushes, fills; calls cannot write a caller's array, and two
 * names of one array are never both written: 2-lower rejects it) move, with the index arithmetic
 * (`+`, `-`, `*` of constants and of number variables the loop does not assign) they read; the
 * value each use sees is unchanged (a read of data past its end is `undefined`, not an error, so
 * reading it before a loop that runs no iteration changes nothing). An element is moved only when
 * its index reads a variable (`p[0]` is as cheap where it is) and every use of it is arithmetic
 * (never a test of `undefined` or of truth, which must see the read where it was). Ops inside
 * branches of the loop body stay; nested loops are hoisted from first, so a value rises as far
 * as it is fixed.
 */
import { usesOf, writtenVar } from './facts';
import { forEachStmt } from './walk';
import { Rewriter } from './rewriter';
import { isArrayType, isOpaqueType, type IRFunction, type Op, type PrimName, type Region, type Stmt, type TempId, type VarId } from './types';

/** The type of a matrix's `starts` and `groups` (2-lower/types.ts `matrixType`). */
const INDEX_ARRAY = 'opaque:readonly number[]';

/** Uses of a value that must see it where it was read: tests of `undefined`, of truth, comparisons. */
const TESTS: ReadonlySet<PrimName> = new Set<PrimName>([
  'lt',
  'le',
  'gt',
  'ge',
  'eq',
  'ne',
  'not',
  'and',
  'or',
  'truthy',
  'isnan',
  'isfinite',
  'isinteger',
  'nullish',
  'isundefined',
]);

export function hoistInvariants(fn: IRFunction, options: { loads?: boolean } = {}): IRFunction {
  /** Where the rows of a matrix start (`W_starts`, `W_groups`: arrays of numbers adc makes, never missing, never written). */
  const isIndexArray = (op: Op | undefined): boolean => op?.op === 'read' && fn.vars[op.var].role === 'param' && fn.vars[op.var].type === INDEX_ARRAY;
  const rw = new Rewriter(fn);
  let changed = false;
  /** An element of an array that is never missing, which the loop does not write. */
  const isElement = (st: Extract<Op, { op: 'load' }>, assigned: ReadonlySet<VarId>): boolean =>
    isArrayType(fn.vars[st.var].type) && fn.vars[st.var].optional !== true && !assigned.has(st.var);
  /** Every use of the temp is arithmetic (see TESTS). */
  const users = options.loads ? usersOf(fn.body) : new Map<TempId, Stmt[]>();
  const arithmeticOnly = (t: TempId): boolean => (users.get(t) ?? []).every((u) => u.kind === 'op' && u.op === 'prim' && !TESTS.has(u.fn));

  const region = (stmts: Region): Stmt[] => {
    const out: Stmt[] = [];
    for (const s of stmts) {
      if (s.kind === 'if') out.push({ ...s, then: region(s.then), else: region(s.else) });
      else if (s.kind === 'loop') {
        const inner = { ...s, test: region(s.test), body: region(s.body), update: region(s.update) };
        const [loop, before] = hoistFrom(inner);
        // (before the loop counter's start, `i = 0` or `j = i + 1` with the ops computing it, which stays next to its loop)
        const last = out[out.length - 1];
        let start = out.length;
        if (before.length > 0 && last?.kind === 'assign' && assignedIn(inner).has(last.var)) {
          start--;
          for (let prev = out[start - 1]; prev?.kind === 'op' && prev.op !== 'call'; prev = out[start - 1]) start--;
        }
        const counter = out.splice(start);
        out.push(...before, ...counter, loop);
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
              : st.op === 'load'
                ? options.loads === true && isElement(st, assigned) && invariant.has(st.args[0])
                : st.op === 'prim' && (st.fn === 'add' || st.fn === 'sub' || st.fn === 'mul') && st.args.every((a) => invariant.has(a));
      if (fixed) invariant.set(st.id, st);
    }
    // (an element at a constant index, `p[0]`, stays where it is read: it is as cheap there)
    const readsVariable = (t: TempId): boolean => {
      const st = invariant.get(t);
      return st !== undefined && (st.op === 'read' || st.args.some(readsVariable));
    };
    const moved = [...invariant.values()].filter((st) => (st.op === 'get' || (st.op === 'load' && arithmeticOnly(st.id) && readsVariable(st.args[0]))) && st.type === 'number');
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
      const v = rw.newVar(nameOf(fn, st, invariant), 'number', false, st.op === 'load');
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

/** The statements that use each temp (as an operand, a value stored or assigned, a condition). */
function usersOf(body: Region): Map<TempId, Stmt[]> {
  const out = new Map<TempId, Stmt[]>();
  forEachStmt(body, (s) => {
    const temps = s.kind === 'if' ? [s.cond] : s.kind === 'loop' ? (s.cond === undefined ? [] : [s.cond]) : usesOf(s);
    for (const t of temps) {
      const list = out.get(t);
      if (list) list.push(s);
      else out.set(t, [s]);
    }
  });
  return out;
}

/** A name for a hoisted read: `row_start` of a matrix's row starts, `first_row` of its groups, `c_i` of `c[i]`. */
function nameOf(fn: IRFunction, st: Op, invariant: ReadonlyMap<TempId, Op>): string {
  if (st.op === 'load') {
    const index = invariant.get(st.args[0]);
    return `${fn.vars[st.var].name}_${index?.op === 'read' ? fn.vars[index.var].name : 'at'}`;
  }
  const source = invariant.get(st.args[0]);
  return source?.op === 'read' && fn.vars[source.var].name.endsWith('groups') ? 'first_row' : 'row_start';
}
