/**
 * Elements a reverse loop reads or accumulates at an index fixed in it, kept in locals around
 * the loop, as a hand-written adjoint keeps them:
 *
 *   for (k…) { j -= 1; li -= 1; const t6 = c[i]; c_bar[i] += e(L[li]); L_bar[li] += t6 * … }
 *   ⇒ const t6 = c[i]; let c_bar_i = c_bar[i];
 *     for (k…) { j -= 1; li -= 1; c_bar_i += e(L[li]); L_bar[li] += t6 * … }
 *     c_bar[i] = c_bar_i;
 *
 * The reverse of `q[j] += L[li] * c[i]` over j adds into one element of c's adjoint per
 * iteration: in memory, each addition waits for the one before it; in a local, it is a register.
 * The sums are the same, added in the same order.
 *
 * Guarantees: the index reads only names the loop does not assign and has no call; a value moved
 * out is a `const` of the loop body's own statements, at an index that reads a name (`m[3]` is as
 * cheap where it is), an element of a primal array (`arrays`:
 * never missing, so reading it before a loop of no iteration changes nothing) that the loop
 * mentions only to read elements of (no write, no call it is passed to), and whose name nothing
 * outside the loop mentions; an accumulated element is of a `Float64Array` adjoint the function
 * allocates itself (so no other name holds it, and writing an element back past its end does
 * nothing), mentioned in the loop only as the target of those `+=`/`-=` statements in its body's
 * own statements. Loops with `break`, `continue` or `return` are left as they are.
 */
import { b, type JsExpr, type JsStmt } from '../../5-print/js';
import { mapChildren, mapStmtChildren, namesIn, sameExpr } from '../../5-print/js-walk';

export interface InvariantContext {
  /** Names of primal arrays that are never missing (not optional parameters). */
  readonly arrays: ReadonlySet<string>;
  readonly fresh: (base: string) => string;
}

export function keepInvariantElements(body: readonly JsStmt[], cx: InvariantContext): JsStmt[] {
  const everywhere = mentionCounts(body);
  // (a name declared twice may be a different variable in the loop than the one looked at)
  const declarations = new Map<string, number>();
  forEachExpr(
    body,
    () => undefined,
    (name) => declarations.set(name, (declarations.get(name) ?? 0) + 1),
  );
  const once = (name: string) => (declarations.get(name) ?? 0) <= 1;
  // `const x_bar = new Float64Array(…)` at the top of the function.
  const typed = new Set<string>();
  for (const s of body) if (s.k === 'decl' && s.kind === 'const' && s.init?.k === 'new' && s.init.ctor === 'Float64Array' && once(s.name)) typed.add(s.name);

  const list = (stmts: readonly JsStmt[]): JsStmt[] => {
    const out: JsStmt[] = [];
    for (const s of stmts) {
      if (s.k === 'if') out.push({ ...s, then: list(s.then), else: s.else && list(s.else) });
      else if (s.k === 'block') out.push({ ...s, body: list(s.body) });
      else if (s.k === 'for' || s.k === 'while' || s.k === 'do') {
        const [before, kept, after] = loop({ ...s, body: list(s.body) });
        // (the loop's comment stays right above it)
        const comment = before.length > 0 && out[out.length - 1]?.k === 'comment' ? out.pop() : undefined;
        out.push(...before, ...(comment ? [comment] : []), kept, ...after);
      } else out.push(s);
    }
    return out;
  };

  /** The statements before the loop, the loop, the statements after it. */
  const loop = (l: Extract<JsStmt, { k: 'for' | 'while' | 'do' }>): [JsStmt[], JsStmt, JsStmt[]] => {
    if (l.body.some(jumps)) return [[], l, []];
    const assigned = new Set<string>();
    written([l], assigned);
    const inLoop = mentionCounts([l]);
    const fixed = (e: JsExpr): boolean => pure(e) && [...namesIn(e)].every((n) => !assigned.has(n));
    const before: JsStmt[] = [];
    const after: JsStmt[] = [];
    let body = [...l.body];
    // Reads: `const t = a[i]`.
    body = body.filter((s) => {
      if (!(s.k === 'decl' && s.kind === 'const' && s.init?.k === 'index' && s.init.obj.k === 'id')) return true;
      const arr = s.init.obj.name;
      const ok =
        cx.arrays.has(arr) &&
        once(arr) &&
        !assigned.has(arr) &&
        fixed(s.init.index) &&
        namesIn(s.init.index).size > 0 &&
        inLoop.get(arr)?.all === inLoop.get(arr)?.reads &&
        (everywhere.get(s.name)?.all ?? 0) === (inLoop.get(s.name)?.all ?? 0);
      if (ok) before.push(s);
      return !ok;
    });
    // Accumulations: `a_bar[i] += e`.
    const targets = new Map<string, JsExpr[]>();
    for (const s of body) {
      if (s.k === 'assign' && (s.op === '+=' || s.op === '-=') && s.target.k === 'index' && s.target.obj.k === 'id') {
        const list = targets.get(s.target.obj.name) ?? [];
        list.push(s.target.index);
        targets.set(s.target.obj.name, list);
      }
    }
    const locals = new Map<string, string>();
    for (const [arr, indices] of targets) {
      const index = indices[0];
      const ok =
        typed.has(arr) &&
        !assigned.has(arr) &&
        fixed(index) &&
        indices.every((i) => sameExpr(i, index)) &&
        inLoop.get(arr)?.all === indices.length &&
        (inLoop.get(arr)?.reads ?? 0) === 0;
      if (!ok) continue;
      const local = cx.fresh(`${arr}_${index.k === 'id' ? index.name : index.k === 'num' && Number.isInteger(index.v) && index.v >= 0 ? index.v : 'at'}`);
      locals.set(arr, local);
      before.push(b.let(local, b.index(b.id(arr), index)));
      after.push(b.assign(b.index(b.id(arr), index), b.id(local)));
    }
    if (before.length === 0) return [[], l, []];
    body = body.map((s) =>
      s.k === 'assign' && s.target.k === 'index' && s.target.obj.k === 'id' && locals.has(s.target.obj.name) ? { ...s, target: b.id(locals.get(s.target.obj.name)!) } : s,
    );
    return [before, { ...l, body }, after];
  };

  return list(body);
}

/** Only names, numbers and arithmetic: the same value wherever it is computed, while its names keep theirs. */
function pure(e: JsExpr): boolean {
  if (e.k === 'id' || e.k === 'num') return true;
  if (e.k === 'bin') return pure(e.l) && pure(e.r);
  if (e.k === 'un') return pure(e.e);
  return false;
}

function jumps(s: JsStmt): boolean {
  switch (s.k) {
    case 'break':
    case 'continue':
    case 'return':
    case 'throw':
      return true;
    case 'if':
      return s.then.some(jumps) || (s.else ?? []).some(jumps);
    case 'block':
    case 'for':
    case 'while':
    case 'do':
      return s.body.some(jumps);
    default:
      return false;
  }
}

/** Each name's mentions (declarations included) and, of those, reads of one of its elements (`a[i]` not assigned to). */
function mentionCounts(stmts: readonly JsStmt[]): Map<string, { all: number; reads: number }> {
  const counts = new Map<string, { all: number; reads: number }>();
  const count = (name: string, read: boolean) => {
    const c = counts.get(name) ?? { all: 0, reads: 0 };
    c.all++;
    if (read) c.reads++;
    counts.set(name, c);
  };
  const expr = (e: JsExpr, target: boolean): void => {
    if (e.k === 'id') return count(e.name, false);
    if (e.k === 'index' && e.obj.k === 'id' && !target) {
      count(e.obj.name, true);
      return expr(e.index, false);
    }
    if (e.k === 'assignExpr') return (expr(e.target, true), expr(e.value, false));
    if (e.k === 'postfix') return expr(e.target, true);
    mapChildren(e, (x) => (expr(x, false), x));
  };
  forEachExpr(stmts, expr, (name) => count(name, false));
  return counts;
}

/** Names the statements assign (declare, `=`, `+=`, `++`). */
function written(stmts: readonly JsStmt[], into: Set<string>): void {
  const expr = (e: JsExpr, target: boolean): void => {
    if (target && e.k === 'id') into.add(e.name);
    if (e.k === 'assignExpr') return (expr(e.target, true), expr(e.value, false));
    if (e.k === 'postfix') return expr(e.target, true);
    mapChildren(e, (x) => (expr(x, false), x));
  };
  forEachExpr(stmts, expr, (name) => into.add(name));
}

/** Every expression of the statements, `target` when it is assigned to; `declared` for each declaration. */
function forEachExpr(stmts: readonly JsStmt[], expr: (e: JsExpr, target: boolean) => void, declared: (name: string) => void): void {
  const one = (s: JsStmt): JsStmt => {
    if (s.k === 'decl') declared(s.name);
    if (s.k !== 'assign') return mapStmtChildren(s, (e) => (expr(e, false), e), one);
    expr(s.target, true);
    expr(s.value, false);
    return s;
  };
  stmts.forEach(one);
}
