/**
 * Visiting every statement of a region, nested regions included (`if` arms,
 * loop test, body and update), in program order.
 */
import type { IRFunction, Region, Stmt, TempId, VarId } from './types';

export function forEachStmt(region: Region, visit: (s: Stmt) => void): void {
  forEachStmtNumbered(region, (s) => visit(s));
}

/**
 * `forEachStmt` with program-order positions: `visit(s, at)` numbers statements
 * 0, 1, 2, … in the order `forEachStmt` visits them, and `leave(s, last)` gives
 * the position of the last statement inside `s` (itself when it has no regions).
 */
export function forEachStmtNumbered(region: Region, visit: (s: Stmt, at: number) => void, leave?: (s: Stmt, last: number) => void): void {
  let n = 0;
  const walk = (r: Region): void => {
    for (const s of r) {
      visit(s, n++);
      if (s.kind === 'if') {
        walk(s.then);
        walk(s.else);
      } else if (s.kind === 'loop') {
        walk(s.test);
        walk(s.body);
        walk(s.update);
      }
      leave?.(s, n - 1);
    }
  };
  walk(region);
}

export { usesOf } from './facts';

/** True when a region cannot complete normally (it ends in return/break/continue, or an if whose arms both cannot). */
export function endsFlow(region: Region): boolean {
  const last = region[region.length - 1];
  if (!last) return false;
  if (last.kind === 'return' || last.kind === 'break' || last.kind === 'continue') return true;
  if (last.kind === 'if') return endsFlow(last.then) && endsFlow(last.else);
  if (last.kind === 'loop') return last.cond === undefined && !containsBreakOf(last.body, last.id);
  return false;
}

function containsBreakOf(region: Region, loop: number): boolean {
  return region.some((s) => {
    if (s.kind === 'break') return s.loop === loop;
    if (s.kind === 'if') return containsBreakOf(s.then, loop) || containsBreakOf(s.else, loop);
    if (s.kind === 'loop') return containsBreakOf(s.body, loop) || containsBreakOf(s.test, loop) || containsBreakOf(s.update, loop);
    return false;
  });
}

/** Program-order positions (`forEachStmtNumbered`'s): where each statement's subtree ends, and each variable's last mention. */
export interface ProgramOrder {
  readonly end: ReadonlyMap<Stmt, number>;
  readonly lastMention: readonly number[];
}

/** One walk of a function: a mention of a variable after position `end.get(s)` is after statement `s`. */
export function programOrder(fn: IRFunction): ProgramOrder {
  const end = new Map<Stmt, number>();
  const lastMention = fn.vars.map(() => -1);
  forEachStmtNumbered(
    fn.body,
    (s, at) => {
      if ((s.kind === 'op' && (s.op === 'read' || s.op === 'load' || s.op === 'length')) || s.kind === 'assign' || s.kind === 'store') lastMention[s.var] = at;
    },
    (s, last) => end.set(s, last),
  );
  return { end, lastMention };
}

/** The name of a function with user rules that `fn` reaches through its calls, if any. */
export function ruledCallee(fn: IRFunction, getIR: (key: string) => IRFunction): string | undefined {
  const seen = new Set<string>([fn.key]);
  const queue = [fn];
  for (let i = 0; i < queue.length; i++) {
    if (queue[i].rule) return queue[i].name;
    forEachStmt(queue[i].body, (s) => {
      if (s.kind === 'op' && s.op === 'call' && !seen.has(s.callee)) {
        seen.add(s.callee);
        queue.push(getIR(s.callee));
      }
    });
  }
  return undefined;
}

/**
 * The number of elements `fn` returns when every `return` gives an array literal of that many
 * (`return [x, y]`), directly or through a variable that only ever holds such literals and is
 * read by nothing but returns and element reads (no push, store or call could change its
 * length); undefined otherwise. `f_jacobian` then knows its number of rows without the value.
 */
export function literalResultLength(fn: IRFunction): number | undefined {
  const defs = new Map<TempId, Stmt>();
  const returned = new Set<TempId>();
  forEachStmt(fn.body, (s) => {
    if (s.kind === 'op') defs.set(s.id, s);
    if (s.kind === 'return') returned.add(s.value);
  });
  const literalLength = (t: TempId): number | undefined => {
    const d = defs.get(t);
    return d?.kind === 'op' && d.op === 'newArray' && d.form === 'literal' ? d.args.length : undefined;
  };
  const varLength = (v: VarId): number | undefined => {
    let n: number | undefined;
    let ok = true;
    forEachStmt(fn.body, (s) => {
      if (s.kind === 'assign' && s.var === v) {
        const k = literalLength(s.value);
        if (k === undefined || (n !== undefined && k !== n)) ok = false;
        n = k;
      } else if (s.kind === 'op' && 'var' in s && s.var === v) {
        if (s.op === 'read' ? !returned.has(s.id) : s.op !== 'load' && s.op !== 'length') ok = false;
      } else if (s.kind !== 'declare' && 'var' in s && s.var === v) ok = false;
    });
    return ok ? n : undefined;
  };
  let length: number | undefined;
  for (const t of returned) {
    const d = defs.get(t);
    const k = d?.kind === 'op' && d.op === 'read' ? varLength(d.var) : literalLength(t);
    if (k === undefined || (length !== undefined && k !== length)) return undefined;
    length = k;
  }
  return length;
}
