/**
 * Common subexpression elimination within straight-line blocks.
 *
 *   %4 = load x[%2]; …; %7 = load x[%2]   ⇒   %7's uses read %4
 *
 * Guarantees: only pure ops are merged (constants, reads, loads, lengths,
 * elementary operations, selects, reads of opaque data); a read of v is not merged across a write to
 * v, a load of a across a write to a or a call that receives a. Calls are never
 * merged. Afterwards each block computes each distinct value once, so its
 * adjoint sums all contributions to it in one place.
 */
import { assertNever, type IRFunction, type Op, type Region, type Stmt, type TempId } from './types';
import { isElementWrite } from './facts';

function keyOf(s: Op, find: (t: TempId) => TempId): string | undefined {
  const args = s.args.map(find).join(',');
  switch (s.op) {
    case 'const':
      if (typeof s.value === 'object') return `c:object:${JSON.stringify(s.value.object)}`;
      return `c:${typeof s.value}:${Object.is(s.value, -0) ? '-0' : String(s.value)}`; // 0 and -0 are different constants
    case 'read':
      return `r:${s.var}`;
    case 'load':
      return `l:${s.var}:${args}`;
    case 'length':
      return `n:${s.var}`;
    case 'prim':
      return `p:${s.fn}:${args}`;
    case 'select':
      return `s:${args}`;
    case 'get':
      return `g:${s.key ?? ''}:${args}`; // opaque data is never written
    case 'call':
    case 'newArray':
    case 'slice':
      return undefined;
    default:
      return assertNever(s, 'op');
  }
}

export function cse(fn: IRFunction): IRFunction {
  const replace = new Map<TempId, TempId>();
  const find = (t: TempId): TempId => replace.get(t) ?? t;
  let changed = false;

  const mapUses = (s: Stmt): Stmt => {
    switch (s.kind) {
      case 'op':
        return s.args.some((a) => replace.has(a)) ? { ...s, args: s.args.map(find) } : s;
      case 'assign':
      case 'push':
      case 'fill':
        return replace.has(s.value) ? { ...s, value: find(s.value) } : s;
      case 'store':
        return replace.has(s.index) || replace.has(s.value) ? { ...s, index: find(s.index), value: find(s.value) } : s;
      case 'return':
        return replace.has(s.value) ? { ...s, value: find(s.value) } : s;
      case 'check':
        return replace.has(s.cond) ? { ...s, cond: find(s.cond) } : s;
      case 'if':
        return { ...s, cond: find(s.cond), then: region(s.then), else: region(s.else) };
      case 'loop':
        return { ...s, test: region(s.test), body: region(s.body), update: region(s.update), cond: s.cond === undefined ? undefined : find(s.cond) };
      case 'declare':
      case 'break':
      case 'continue':
        return s;
      default:
        return assertNever(s, 'statement');
    }
  };

  const region = (stmts: Region): Stmt[] => {
    const out: Stmt[] = [];
    let known = new Map<string, TempId>();
    // Keys of loads by array, so a write forgets them without scanning everything known.
    let loads = new Map<number, Set<string>>();
    const forgetLoads = (v?: number) => {
      for (const [a, keys] of loads) {
        if (v !== undefined && a !== v) continue;
        keys.forEach((k) => known.delete(k));
        known.delete(`n:${a}`);
        loads.delete(a);
      }
    };
    for (const s0 of stmts) {
      if (s0.kind === 'if' || s0.kind === 'loop') {
        out.push(mapUses(s0));
        known = new Map(); // a new block starts after control flow
        loads = new Map();
        continue;
      }
      const s = mapUses(s0);
      if (s.kind === 'op') {
        const key = keyOf(s, find);
        if (key !== undefined) {
          const prev = known.get(key);
          if (prev !== undefined) {
            replace.set(s.id, prev);
            changed = true;
            continue;
          }
          known.set(key, s.id);
          if (s.op === 'load' || s.op === 'length') {
            let set = loads.get(s.var);
            if (!set) loads.set(s.var, (set = new Set()));
            set.add(key);
          }
        }
        if (s.op === 'call') forgetLoads(); // a called function may write to the arrays it receives
      } else if (s.kind === 'assign') {
        known.delete(`r:${s.var}`);
        forgetLoads(s.var);
      } else if (isElementWrite(s)) {
        forgetLoads(s.var);
        // A later read of the array (an argument of a call) sees other contents: keep it apart, so
        // the analyses know which contents each use needs.
        known.delete(`r:${s.var}`);
      }
      out.push(s);
    }
    return out;
  };

  const body = region(fn.body);
  return changed ? { ...fn, body } : fn;
}
