/**
 * Facts about IR statements that every pass asks: what a statement writes,
 * reads and uses. Exhaustive switches (a new statement kind is a compile error
 * here until its facts are stated), so that no pass keeps its own list of
 * "the kinds that write an array".
 */
import { assertNever, type Fill, type Push, type Stmt, type Store, type TempId, type VarId } from './types';

/** A write to elements of an array variable: `a[i] = v`, `a.push(v)`, `a.fill(v)`. */
export function isElementWrite(s: Stmt): s is Store | Push | Fill {
  switch (s.kind) {
    case 'store':
    case 'push':
    case 'fill':
      return true;
    case 'op':
    case 'assign':
    case 'declare':
    case 'check':
    case 'if':
    case 'loop':
    case 'break':
    case 'continue':
    case 'return':
      return false;
    default:
      return assertNever(s, 'statement');
  }
}

/** The variable a statement writes (the whole of it, or elements of an array), not counting a bare declaration. */
export function writtenVar(s: Stmt): VarId | undefined {
  switch (s.kind) {
    case 'assign':
    case 'store':
    case 'push':
    case 'fill':
      return s.var;
    case 'op':
    case 'declare':
    case 'check':
    case 'if':
    case 'loop':
    case 'break':
    case 'continue':
    case 'return':
      return undefined;
    default:
      return assertNever(s, 'statement');
  }
}

/** The variable an op reads (its value, an element, its length, a slice of it). */
export function readVar(s: Stmt): VarId | undefined {
  if (s.kind !== 'op') return undefined;
  switch (s.op) {
    case 'read':
    case 'load':
    case 'length':
    case 'slice':
      return s.var;
    case 'const':
    case 'prim':
    case 'select':
    case 'call':
    case 'get':
    case 'newArray':
      return undefined;
    default:
      return assertNever(s, 'op');
  }
}

/** The temps a statement uses (not those of the regions nested in it, nor an `if`'s condition). */
export function usesOf(s: Stmt): TempId[] {
  switch (s.kind) {
    case 'op':
      return [...s.args];
    case 'assign':
    case 'push':
    case 'fill':
    case 'return':
      return [s.value];
    case 'store':
      return [s.index, s.value];
    case 'check':
      return [s.cond];
    case 'declare':
    case 'if':
    case 'loop':
    case 'break':
    case 'continue':
      return [];
    default:
      return assertNever(s, 'statement');
  }
}
