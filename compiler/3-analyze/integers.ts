/**
 * Integer analysis: which number variables only ever hold integers (loop
 * counters, sizes, indices). An integer variable updated by `v ± c` can be
 * restored in the reverse sweep by `v ∓ c` exactly (below 2⁵³), so it needs no
 * tape. Parameters are never assumed integer.
 */
import type { IRFunction, TempId } from '../ir/types';
import { forEachStmt } from './activity';

export function integerVars(fn: IRFunction): boolean[] {
  const isInt = fn.vars.map((v) => v.type === 'number' && v.role !== 'param');
  const intTemp = new Array<boolean>(fn.temps.length).fill(false);
  const def = new Map<TempId, Extract<import('../ir/types').Stmt, { kind: 'op' }>>();
  forEachStmt(fn.body, (s) => {
    if (s.kind === 'op') def.set(s.id, s);
  });
  for (let changed = true; changed; ) {
    changed = false;
    // Temps: recompute from the current variable facts.
    for (const [id, s] of def) {
      let v = false;
      switch (s.op) {
        case 'const':
          v = typeof s.value === 'number' && Number.isInteger(s.value);
          break;
        case 'read':
          v = isInt[s.var];
          break;
        case 'length':
          v = true;
          break;
        case 'prim':
          if (['floor', 'ceil', 'round', 'trunc', 'sign'].includes(s.fn)) v = true;
          else if (['add', 'sub', 'mul', 'neg', 'mod'].includes(s.fn)) v = s.args.every((a) => intTemp[a]);
          break;
        case 'select':
          v = intTemp[s.args[1]] && intTemp[s.args[2]];
          break;
        default:
          v = false;
      }
      if (intTemp[id] !== v) {
        intTemp[id] = v;
        changed = true;
      }
    }
    forEachStmt(fn.body, (s) => {
      if (s.kind === 'assign' && isInt[s.var] && !intTemp[s.value]) {
        isInt[s.var] = false;
        changed = true;
      }
      if (s.kind === 'declare' && isInt[s.var]) {
        // An uninitialised `let` holds undefined until assigned: still fine if every assignment is an integer.
      }
    });
  }
  return isInt;
}
