/**
 * Integer analysis: which number variables only ever hold integers (loop
 * counters, sizes, indices). An integer variable updated by `v ± c` can be
 * restored in the reverse sweep by `v ∓ c` exactly (below 2⁵³), so it needs no
 * tape. Parameters are never assumed integer.
 *
 * Two ways to qualify:
 * - every assignment is integer-valued (integer literals, lengths, sums and
 *   products of integers, floor/round/…);
 * - the variable indexes an array (`icf[li]`) and, after its declaration, is
 *   only ever stepped by integer literals (`li++`): an index that is not an
 *   integer reads `undefined`, so a program whose indices are not integers has
 *   no derivative to get wrong. This covers offsets computed from sizes
 *   (`li = k * (d * (d + 1)) / 2`), which the first rule cannot prove.
 */
import { assertNever, type IRFunction, type Stmt, type TempId, type VarId } from '../ir/types';
import { forEachStmt } from '../ir/walk';

type OpStmt = Extract<Stmt, { kind: 'op' }>;

export function integerVars(fn: IRFunction): boolean[] {
  const def = new Map<TempId, OpStmt>();
  forEachStmt(fn.body, (s) => {
    if (s.kind === 'op') def.set(s.id, s);
  });
  const indexed = indexVariables(fn, def);
  const isInt = fn.vars.map((v) => v.type === 'number' && v.role !== 'param');
  const intTemp = new Array<boolean>(fn.temps.length).fill(false);
  for (let changed = true; changed;) {
    changed = false;
    // Temps: recompute from the current variable facts.
    for (const [id, s] of def) {
      const v = isIntegerOp(s, isInt, intTemp);
      if (intTemp[id] !== v) {
        intTemp[id] = v;
        changed = true;
      }
    }
    forEachStmt(fn.body, (s) => {
      if (s.kind !== 'assign' || !isInt[s.var] || intTemp[s.value]) return;
      // An index variable keeps its status through its declaration and integer steps.
      if (indexed.has(s.var) && (s.declare || isStep(s.var, s.value, def, intTemp))) return;
      isInt[s.var] = false;
      changed = true;
    });
  }
  return isInt;
}

function isIntegerOp(s: OpStmt, isInt: readonly boolean[], intTemp: readonly boolean[]): boolean {
  switch (s.op) {
    case 'const':
      return typeof s.value === 'number' && Number.isInteger(s.value);
    case 'read':
      return isInt[s.var];
    case 'length':
      return true;
    case 'prim':
      if (['floor', 'ceil', 'round', 'trunc', 'sign', 'bitand', 'bitor', 'bitxor', 'bitnot', 'shl', 'shr', 'ushr', 'imul', 'clz32'].includes(s.fn)) return true;
      if (['add', 'sub', 'mul', 'neg', 'mod'].includes(s.fn)) return s.args.every((a) => intTemp[a]);
      return false;
    case 'select':
      return intTemp[s.args[1]] && intTemp[s.args[2]];
    case 'call':
    case 'load':
    case 'get':
    case 'newArray':
    case 'slice':
      return false;
    default:
      return assertNever(s, 'op');
  }
}

/** `v + c` / `v - c` with c an integer literal, read from v itself. */
function isStep(v: VarId, value: TempId, def: ReadonlyMap<TempId, OpStmt>, intTemp: readonly boolean[]): boolean {
  const d = def.get(value);
  if (!d || d.op !== 'prim' || (d.fn !== 'add' && d.fn !== 'sub')) return false;
  const [l, r] = d.args.map((a) => def.get(a));
  return !!l && l.op === 'read' && l.var === v && !!r && r.op === 'const' && intTemp[r.id];
}

/** Variables read directly as the index of an element read or write. */
function indexVariables(fn: IRFunction, def: ReadonlyMap<TempId, OpStmt>): Set<VarId> {
  const out = new Set<VarId>();
  const note = (t: TempId) => {
    const d = def.get(t);
    if (d?.op === 'read') out.add(d.var);
  };
  forEachStmt(fn.body, (s) => {
    if (s.kind === 'op' && s.op === 'load') note(s.args[0]);
    if (s.kind === 'op' && s.op === 'get' && s.key === undefined) note(s.args[1]);
    if (s.kind === 'store') note(s.index);
  });
  return out;
}
