/**
 * Scratch arrays recorded whole per iteration (see `snapshots`).
 */
import type { Stmt, VarId } from '../ir/types';
import type { BlockInfo, RNode } from './plan';

/**
 * Scratch arrays filled, then read, in every iteration of a loop:
 *
 *   for (…) { for (j…) q[j] = …; for (i…) for (j…) q[j] += …; s += norm(q) }
 *
 * Recording each overwritten element costs a value and an index per write —
 * d²/2 of them per iteration above. When, in the loop's body, every write to the
 * array comes before every read a recompute needs, the array can instead be
 * recorded whole when an iteration starts (its length in values) and restored
 * when the reverse sweep finishes that iteration: the recomputes inside the
 * iteration only ever see the array as the iteration left it. Chosen only for
 * writes inside a nested loop (where they are numerous), outermost valid loop
 * first; a nested loop that both writes and reads the array disqualifies the
 * loops around it (it interleaves writes and reads across its iterations).
 */
export function snapshots(nodes: RNode[]): void {
  for (const n of nodes) {
    if (n.kind === 'if') {
      snapshots(n.then);
      snapshots(n.else);
      continue;
    }
    if (n.kind === 'fused') {
      snapshots(n.body);
      continue;
    }
    if (n.kind !== 'loop') continue;
    // Program order of the body: writes and needed reads of each array, and whether any write is nested in a loop.
    type Use = { write: boolean; saved: boolean; deep: boolean; blk?: BlockInfo; stmt?: Stmt };
    const uses = new Map<VarId, Use[]>();
    const note = (v: VarId, u: Use) => {
      let list = uses.get(v);
      if (!list) uses.set(v, (list = []));
      list.push(u);
    };
    const unsafe = new Set<VarId>();
    const walk = (list: RNode[], deep: boolean): void => {
      for (const c of list) {
        if (c.kind === 'block') {
          for (const st of c.stmts) {
            if (st.kind === 'store') note(st.var, { write: true, saved: c.elementSaves.has(st), deep, blk: c, stmt: st });
            else if (st.kind === 'push' || st.kind === 'fill' || st.kind === 'assign' || st.kind === 'declare') unsafe.add(st.var);
            else if (st.kind === 'op' && c.needed.has(st.id) && (st.op === 'load' || st.op === 'length' || st.op === 'slice' || st.op === 'read'))
              note(st.var, { write: false, saved: false, deep });
          }
        } else if (c.kind === 'if') {
          walk(c.then, deep);
          walk(c.else, deep);
        } else {
          // A nested loop repeats: an array it both writes and reads is written after it is read.
          const before = new Map([...uses].map(([v, l]) => [v, l.length]));
          walk(c.test, true);
          walk(c.body, true);
          for (const [v, l] of uses) {
            const inner = l.slice(before.get(v) ?? 0);
            if (inner.some((u) => u.write) && inner.some((u) => !u.write)) unsafe.add(v);
          }
        }
      }
    };
    walk(n.body, false);
    for (const [v, list] of uses) {
      if (unsafe.has(v)) continue;
      const writes = list.filter((u) => u.write);
      if (!writes.some((u) => u.saved) || !writes.some((u) => u.deep)) continue;
      const lastWrite = list.map((u) => u.write).lastIndexOf(true);
      const firstRead = list.findIndex((u) => !u.write);
      if (firstRead !== -1 && firstRead < lastWrite) continue;
      n.snapshots.push(v);
      for (const u of writes) u.blk!.elementSaves.delete(u.stmt!);
    }
    // Outermost loop first: a snapshot there is taken once per outer iteration, not once per inner one.
    snapshots(n.body);
  }
}
