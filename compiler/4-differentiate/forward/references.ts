/**
 * Reference counts for forward mode (see `derivativeReferences`).
 */
import { assertNever, type IRFunction, type Region, type TempId, type VarId } from '../../ir/types';
import type { Activity } from '../../3-analyze/activity';
import { guarded, type Finiteness } from '../../3-analyze/finiteness';
import { partialReads, rule } from '../../rules/table';

/**
 * How often the forward mode's derivative code refers to each temp's value
 * (`value`: a partial reads it) and to its tangent (`tangent`: a term reads it;
 * twice when the term is guarded, `da === 0 ? 0 : p * da`). Decides which temps
 * and tangents get a name and which are inlined.
 */
export function derivativeReferences(fn: IRFunction, act: Activity, fin: Finiteness): { value: number[]; tangent: number[] } {
  const derivRefs = new Array<number>(fn.temps.length).fill(0);
  const tangentRefs = new Array<number>(fn.temps.length).fill(0);
  const active = (t: TempId) => act.activeTemp[t];
  const activeVar = (v: VarId) => act.activeVar[v];
  const visit = (region: Region): void => {
    for (const s of region) {
      switch (s.kind) {
        case 'op':
          if (!active(s.id)) break;
          if (s.op === 'prim') {
            const reads = partialReads(rule(s.fn), s.args.length);
            if (!reads) break;
            const g = guarded(fin, s);
            reads.forEach((p, i) => {
              if (!active(s.args[i])) return;
              // A guarded term (`da === 0 ? 0 : p * da`) reads the tangent twice.
              tangentRefs[s.args[i]] += g[i] ? 2 : 1;
              p.operands.forEach((j) => derivRefs[s.args[j]]++);
              if (p.result) derivRefs[s.id]++;
            });
          } else if (s.op === 'select') {
            derivRefs[s.args[0]]++;
            if (active(s.args[1])) tangentRefs[s.args[1]]++;
            if (active(s.args[2])) tangentRefs[s.args[2]]++;
          } else if (s.op === 'call') {
            s.args.forEach((a) => {
              derivRefs[a]++;
              if (active(a)) tangentRefs[a]++;
            });
          } else if (s.op === 'load') {
            derivRefs[s.args[0]]++;
          } else if (s.op === 'newArray') {
            s.args.forEach((a) => active(a) && tangentRefs[a]++);
            if (s.form === 'sized') derivRefs[s.args[0]]++;
          } else if (s.op === 'slice') {
            s.args.forEach((a) => derivRefs[a]++);
          }
          break;
        case 'assign':
        case 'push':
        case 'fill':
          if (activeVar(s.var) && active(s.value)) tangentRefs[s.value]++;
          break;
        case 'store':
          if (activeVar(s.var)) {
            derivRefs[s.index]++;
            if (active(s.value)) tangentRefs[s.value]++;
          }
          break;
        case 'return':
          if (active(s.value)) tangentRefs[s.value]++;
          break;
        case 'if':
          visit(s.then);
          visit(s.else);
          break;
        case 'loop':
          visit(s.test);
          visit(s.body);
          visit(s.update);
          break;
        case 'declare':
        case 'check':
        case 'break':
        case 'continue':
          break;
        default:
          assertNever(s, 'statement');
      }
    }
  };
  visit(fn.body);
  return { value: derivRefs, tangent: tangentRefs };
}
