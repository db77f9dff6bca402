/**
 * Use facts the emitters need to decide, per temp, whether to give it a name
 * (`const t3 = …`) or to write its expression where it is used.
 *
 * A temp may be written in place ("moved") when its only use follows it in the
 * same straight-line block with no variable or element write in between, so
 * moving the expression cannot change what it reads.
 */
import { assertNever, type IRFunction, type Op, type Region, type Stmt, type TempId, type VarId } from '../ir/types';
import { forEachStmt } from '../ir/walk';
import { writtenVar } from '../ir/facts';

export interface UseFacts {
  /** Number of times the primal value is referenced by ops and statements. */
  readonly count: readonly number[];
  /** The temp's uses all follow it in its block with no write in between. */
  readonly movable: readonly boolean[];
  /**
   * For a read of a variable (also negated, `-p`): no assignment to that variable comes between
   * the read and any of its uses in the block, so the variable's name (and its tangent's) can
   * stand for the value. False for other temps.
   */
  readonly readStable: readonly boolean[];
  /**
   * Whether variable `v` may be assigned between the definition of `t` and one of its uses (other
   * than by `v = t` itself, when `except` says so): then an expression naming v (a tangent `dv` of
   * `t = 0.5 - v`) does not stand for t's value there.
   */
  assignedBetween(t: TempId, v: VarId, except?: TempId): boolean;
}

/**
 * The variable an op's value names when it is printed as a name: a read (`p`) or a negated
 * read (`-p`); `def` gives the op defining a temp. Such a value may be repeated only while the
 * variable keeps its value.
 */
export function namedVariable(s: Op, def: (t: TempId) => Stmt | undefined): VarId | undefined {
  if (s.op === 'read') return s.var;
  // -p, and a number used as a boolean (`!!p`): as cheap as the name, and stale once p is written.
  if (s.op === 'prim' && (s.fn === 'neg' || s.fn === 'truthy')) {
    const d = def(s.args[0]);
    if (d?.kind === 'op' && d.op === 'read') return d.var;
  }
  return undefined;
}

/** A statement that writes a variable or elements of an array, itself or anywhere inside it (an `if`, a loop). */
function isWrite(s: Stmt): boolean {
  if (s.kind !== 'if' && s.kind !== 'loop') return writtenVar(s) !== undefined;
  let writes = false;
  forEachStmt([s], (t) => {
    if (t !== s && writtenVar(t) !== undefined) writes = true;
  });
  return writes;
}

export function useFacts(fn: IRFunction): UseFacts {
  const count = new Array<number>(fn.temps.length).fill(0);
  const movable = new Array<boolean>(fn.temps.length).fill(true);
  const readStable = new Array<boolean>(fn.temps.length).fill(false);
  // Where each temp is defined and used in its block, and the assignments of that block.
  type Assigns = Map<VarId, { readonly at: number; readonly value: TempId | undefined }[]>;
  const defined = new Map<TempId, { readonly at: number; readonly assigns: Assigns; readonly uses: number[] }>();
  const elsewhere = new Set<TempId>(); // used in another block
  const assignedAnywhere = new Map<VarId, (TempId | undefined)[]>();
  forEachStmt(fn.body, (t) => {
    if (t.kind !== 'assign' || t.declare) return;
    const list = assignedAnywhere.get(t.var);
    if (list) list.push(t.value);
    else assignedAnywhere.set(t.var, [t.value]);
  });

  const region = (stmts: Region, tailUses: readonly TempId[] = []): void => {
    const defAt = new Map<TempId, number>();
    const lastWriteBefore: number[] = []; // index of the last write at or before i
    let lastWrite = -1;
    stmts.forEach((s, i) => {
      if (isWrite(s)) lastWrite = i;
      lastWriteBefore[i] = lastWrite;
    });
    // Assignments to each variable, by position in the block (an `if` or a loop counts at its
    // position for every variable assigned anywhere inside it).
    const assignsAt = new Map<number, number[]>();
    const note = (v: number, i: number) => {
      let l = assignsAt.get(v);
      if (!l) assignsAt.set(v, (l = []));
      if (l[l.length - 1] !== i) l.push(i);
    };
    stmts.forEach((s, i) => {
      if (s.kind === 'assign' || s.kind === 'declare') note(s.var, i);
      else if (s.kind === 'if' || s.kind === 'loop') forEachStmt([s], (t) => (t.kind === 'assign' || t.kind === 'declare') && note(t.var, i));
    });
    const assigns: Assigns = new Map();
    stmts.forEach((s, i) => {
      const add = (v: VarId, value: TempId | undefined) => {
        const list = assigns.get(v);
        if (list) list.push({ at: i, value });
        else assigns.set(v, [{ at: i, value }]);
      };
      if (s.kind === 'assign' && !s.declare) add(s.var, s.value);
      else if (s.kind === 'if' || s.kind === 'loop') forEachStmt([s], (t) => t.kind === 'assign' && !t.declare && add(t.var, undefined));
    });
    const readsVar = new Map<TempId, number>();
    const ops = new Map<TempId, Op>();
    const use = (t: TempId, at: number) => {
      count[t]++;
      const d = defAt.get(t);
      if (d === undefined) {
        movable[t] = false; // defined in another region
        readStable[t] = false;
        elsewhere.add(t);
        return;
      }
      defined.get(t)?.uses.push(at);
      // A write strictly between the definition and this use.
      const w = lastWriteBefore[at - 1] ?? -1;
      if (at > 0 && w > d) movable[t] = false;
      const v = readsVar.get(t);
      if (v !== undefined && (assignsAt.get(v) ?? []).some((k) => k > d && k < at)) readStable[t] = false;
    };
    stmts.forEach((s, i) => {
      switch (s.kind) {
        case 'op':
          for (const a of s.args) use(a, i);
          defAt.set(s.id, i);
          defined.set(s.id, { at: i, assigns, uses: [] });
          ops.set(s.id, s);
          {
            const v = namedVariable(s, (t) => ops.get(t));
            if (v !== undefined) {
              readsVar.set(s.id, v);
              readStable[s.id] = true;
            }
          }
          break;
        case 'check':
          use(s.cond, i);
          break;
        case 'assign':
        case 'push':
        case 'fill':
          use(s.value, i);
          break;
        case 'store':
          use(s.index, i);
          use(s.value, i);
          break;
        case 'return':
          use(s.value, i);
          break;
        case 'if':
          use(s.cond, i);
          region(s.then);
          region(s.else);
          break;
        case 'loop':
          region(s.test, s.cond === undefined ? [] : [s.cond]);
          region(s.body);
          region(s.update);
          break;
        case 'declare':
        case 'break':
        case 'continue':
          break;
        default:
          assertNever(s, 'statement');
      }
    });
    // Uses by the statement that owns this region (a loop's condition), after its last statement.
    for (const t of tailUses) use(t, stmts.length);
  };
  region(fn.body);
  const assignedBetween = (t: TempId, v: VarId, except?: TempId): boolean => {
    if (elsewhere.has(t)) return (assignedAnywhere.get(v) ?? []).some((value) => value === undefined || value !== except);
    const def = defined.get(t);
    if (def === undefined) return true;
    const between = (def.assigns.get(v) ?? []).filter((a) => a.at > def.at && (a.value === undefined || a.value !== except));
    return def.uses.some((u) => between.some((a) => a.at < u));
  };
  return { count, movable, readStable, assignedBetween };
}
