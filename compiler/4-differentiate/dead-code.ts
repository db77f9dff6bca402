/**
 * Dead code of generated functions, removed after emitting, so that generated
 * code type-checks under `noUnusedLocals` and `noUnusedParameters` and computes
 * nothing it does not need.
 *
 *   const t1 = norm2(a, b);  (t1 never read)              ⇒  (dropped)
 *   let sel = 0; if (c) { sel = x } else { sel = y }      ⇒  (dropped: sel is only written)
 *   function g_pullback(x, result_bar) { … no x … }       ⇒  function g_pullback(_x, result_bar)
 *
 * Guarantees: only variables that are never read are removed, with the
 * assignments to them whose values are pure (`Math.*`, primal copies,
 * arithmetic); an impure value (`tape.pop()`, a pullback's call) stays as an
 * expression statement. An `if` left with two empty arms and a pure condition
 * goes too. Parameters are never removed: an unused one is renamed `_name`,
 * which those flags ignore.
 */
import { type JsExpr, type JsFunction, type JsStmt } from '../5-print/js';
import { mapChildren, namesIn } from '../5-print/js-walk';

/** Whether evaluating `e` can only produce a value: no calls but `Math.*`, pure functions and copies (`a.slice(…)`). */
export function isPure(e: JsExpr, pureCall: (name: string) => boolean): boolean {
  switch (e.k) {
    case 'call':
      return (e.fn.k === 'member' && e.fn.obj.k === 'id' && e.fn.obj.name === 'Math') ||
        (e.fn.k === 'id' && pureCall(e.fn.name)) ||
        (e.fn.k === 'member' && e.fn.name === 'slice' && isPure(e.fn.obj, pureCall))
        ? e.args.every((a) => isPure(a, pureCall))
        : false;
    case 'assignExpr':
    case 'postfix':
    case 'new':
      return false;
    case 'bin':
      return isPure(e.l, pureCall) && isPure(e.r, pureCall);
    case 'un':
    case 'as':
    case 'nonNull':
      return isPure(e.e, pureCall);
    case 'member':
      return isPure(e.obj, pureCall);
    case 'index':
      return isPure(e.obj, pureCall) && isPure(e.index, pureCall);
    case 'cond':
      return isPure(e.c, pureCall) && isPure(e.a, pureCall) && isPure(e.b, pureCall);
    case 'obj':
      return e.props.every(([, v]) => isPure(v, pureCall));
    case 'arr':
      return e.elems.every((x) => isPure(x, pureCall));
    default:
      return true;
  }
}

/**
 * How often each name is read. Writing a variable (`v = e`, `v += e`) is not a
 * read of it, nor is reading it in a value assigned to itself (`s = s * 0.5 + e`):
 * a variable only ever updated from itself is still dead.
 */
function countReads(list: readonly JsStmt[], into: Map<string, number>): void {
  const bump = (e: JsExpr | undefined, self?: string) => {
    if (!e) return;
    for (const n of namesIn(e)) if (n !== self) into.set(n, (into.get(n) ?? 0) + 1);
  };
  for (const s of list) {
    switch (s.k) {
      case 'decl':
        bump(s.init, s.name);
        break;
      case 'assign':
        if (s.target.k === 'id') bump(s.value, s.target.name);
        else {
          bump(s.target);
          bump(s.value);
        }
        break;
      case 'expr':
        bump(s.e);
        break;
      case 'if':
        bump(s.c);
        countReads(s.then, into);
        countReads(s.else ?? [], into);
        break;
      case 'for':
        if (s.init) countReads([s.init], into);
        bump(s.test);
        bump(s.update);
        countReads(s.body, into);
        break;
      case 'while':
      case 'do':
        bump(s.test);
        countReads(s.body, into);
        break;
      case 'block':
        countReads(s.body, into);
        break;
      case 'return':
      case 'throw':
        bump(s.e);
        break;
      case 'break':
      case 'continue':
      case 'comment':
        break;
    }
  }
}

/** Names declared (`let`/`const`) anywhere in the list, loop headers included. */
export function declared(list: readonly JsStmt[], into = new Set<string>()): Set<string> {
  for (const s of list) {
    if (s.k === 'decl') into.add(s.name);
    else if (s.k === 'if') {
      declared(s.then, into);
      declared(s.else ?? [], into);
    } else if (s.k === 'for') {
      if (s.init) declared([s.init], into);
      declared(s.body, into);
    } else if (s.k === 'while' || s.k === 'do' || s.k === 'block') declared(s.body, into);
  }
  return into;
}

/**
 * Removes variables nothing reads (their declarations, and assignments to them),
 * repeatedly: `const t1 = norm2(a, b);` goes once its only reader is gone.
 * Declarations are block scoped: one is dead when no statement after it in its
 * block reads its name (a read in a nested block that declares the name again
 * keeps it too: conservative).
 */
export function removeDeadCode(body: readonly JsStmt[], pureCall: (name: string) => boolean, params: readonly string[] = []): JsStmt[] {
  let current = [...body];
  for (let round = 0; round < 50; round++) {
    // A parameter nothing reads is dead from the start: updates of it (`dx += 2 * x * dx`) go.
    const reads = new Map<string, number>();
    countReads(current, reads);
    const swept = sweep(current, new Set(params.filter((p) => !reads.has(p))), pureCall);
    current = swept.list;
    if (!swept.removed) break;
  }
  return current;
}

function sweep(list: readonly JsStmt[], deadOuter: ReadonlySet<string>, pureCall: (name: string) => boolean): { list: JsStmt[]; removed: boolean } {
  // The last statement of this block that reads each name.
  const lastRead = new Map<string, number>();
  list.forEach((s, i) => {
    const reads = new Map<string, number>();
    countReads([s], reads);
    for (const n of reads.keys()) lastRead.set(n, i);
  });
  const dead = new Set(deadOuter);
  let removed = false;
  const out: JsStmt[] = [];
  const nested = (l: readonly JsStmt[]) => {
    const r = sweep(l, dead, pureCall);
    if (r.removed) removed = true;
    return r.list;
  };
  list.forEach((s, i) => {
    if (s.k === 'decl') {
      if ((lastRead.get(s.name) ?? -1) <= i) {
        removed = true;
        dead.add(s.name);
        if (s.init && !isPure(s.init, pureCall)) out.push({ k: 'expr', e: s.init });
        return;
      }
      dead.delete(s.name); // a live variable of the same name from here on
      out.push(s);
      return;
    }
    if (s.k === 'assign' && s.target.k === 'id' && dead.has(s.target.name)) {
      removed = true;
      if (!isPure(s.value, pureCall)) out.push({ k: 'expr', e: s.value });
      return;
    }
    switch (s.k) {
      case 'if': {
        const then = nested(s.then);
        const els = s.else && nested(s.else);
        if (then.every((x) => x.k === 'comment') && (els ?? []).every((x) => x.k === 'comment') && isPure(s.c, pureCall)) {
          removed = true;
          return;
        }
        out.push({ ...s, then, else: els && els.length > 0 ? els : undefined });
        return;
      }
      case 'for':
      case 'while':
      case 'do':
      case 'block':
        out.push({ ...s, body: nested(s.body) } as JsStmt);
        return;
      default:
        out.push(s);
    }
  });
  return { list: removed ? dropOrphanComments(out) : out, removed };
}

/** A `// source` comment whose statements were all removed: followed by another comment, or by nothing. */
function dropOrphanComments(list: JsStmt[]): JsStmt[] {
  return list.filter((s, i) => s.k !== 'comment' || (i + 1 < list.length && list[i + 1].k !== 'comment'));
}

/** Parameters the body never mentions become `_name` (noUnusedParameters ignores those); the signature keeps its shape. */
export function markUnusedParameters(f: JsFunction): JsFunction {
  const mentioned = new Set<string>();
  for (const s of f.body) for (const n of namesInStmt(s)) mentioned.add(n);
  const taken = new Set([...f.params.map((p) => p.name), ...declared(f.body), ...mentioned]);
  let changed = false;
  const params = f.params.map((p) => {
    if (mentioned.has(p.name) || p.name.startsWith('_')) return p;
    let name = `_${p.name}`;
    for (let i = 2; taken.has(name); i++) name = `_${p.name}_${i}`;
    taken.add(name);
    changed = true;
    return { ...p, name };
  });
  return changed ? { ...f, params } : f;
}

/** Every name a statement mentions, written or read. */
export function namesInStmt(s: JsStmt, into = new Set<string>()): Set<string> {
  const add = (e: JsExpr | undefined) => e && namesIn(e, into);
  switch (s.k) {
    case 'decl':
      into.add(s.name);
      add(s.init);
      break;
    case 'assign':
      add(s.target);
      add(s.value);
      break;
    case 'expr':
      add(s.e);
      break;
    case 'if':
      add(s.c);
      [...s.then, ...(s.else ?? [])].forEach((x) => namesInStmt(x, into));
      break;
    case 'for':
      if (s.init) namesInStmt(s.init, into);
      add(s.test);
      add(s.update);
      s.body.forEach((x) => namesInStmt(x, into));
      break;
    case 'while':
    case 'do':
      add(s.test);
      s.body.forEach((x) => namesInStmt(x, into));
      break;
    case 'block':
      s.body.forEach((x) => namesInStmt(x, into));
      break;
    case 'return':
    case 'throw':
      add(s.e);
      break;
    case 'break':
    case 'continue':
    case 'comment':
      break;
  }
  return into;
}

/** Whether the statement writes `name` (an assignment, `name++`, a declaration of it), at any depth. */
export function writesName(s: JsStmt, name: string): boolean {
  const inExpr = (e: JsExpr | undefined): boolean => {
    let found = false;
    if (e === undefined) return false;
    const visit = (x: JsExpr): void => {
      if ((x.k === 'assignExpr' || x.k === 'postfix') && x.target.k === 'id' && x.target.name === name) found = true;
      mapChildren(x, (c) => (visit(c), c));
    };
    visit(e);
    return found;
  };
  switch (s.k) {
    case 'decl':
      return s.name === name || inExpr(s.init);
    case 'assign':
      return (s.target.k === 'id' && s.target.name === name) || inExpr(s.target) || inExpr(s.value);
    case 'expr':
    case 'return':
    case 'throw':
      return inExpr(s.e);
    case 'if':
      return inExpr(s.c) || s.then.some((x) => writesName(x, name)) || (s.else ?? []).some((x) => writesName(x, name));
    case 'for':
      return (s.init !== undefined && writesName(s.init, name)) || inExpr(s.test) || inExpr(s.update) || s.body.some((x) => writesName(x, name));
    case 'while':
    case 'do':
      return inExpr(s.test) || s.body.some((x) => writesName(x, name));
    case 'block':
      return s.body.some((x) => writesName(x, name));
    case 'break':
    case 'continue':
    case 'comment':
      return false;
  }
}

/**
 * The functions of a file that something uses: the exported ones, and those their
 * bodies call, transitively (a primal copy whose only call was dead code goes).
 */
export function usedFunctions(functions: readonly JsFunction[]): JsFunction[] {
  const byName = new Map(functions.map((f) => [f.name, f]));
  const used = new Set<string>();
  const queue = functions.filter((f) => f.exported);
  for (let i = 0; i < queue.length; i++) {
    const f = queue[i];
    if (used.has(f.name)) continue;
    used.add(f.name);
    const names = new Set<string>();
    for (const s of f.body) namesInStmt(s, names);
    for (const p of f.params) if (p.init) namesIn(p.init, names);
    // (a parameter shadows a function of its name: a public function's `out` is no call of a helper `out`)
    for (const p of f.params) names.delete(p.name);
    for (const n of names) {
      const g = byName.get(n);
      if (g && !used.has(n)) queue.push(g);
    }
  }
  return functions.filter((f) => used.has(f.name));
}

/** Whether any function mentions `name` (the runtime namespace: import it only then). */
export function mentionsName(functions: readonly JsFunction[], name: string): boolean {
  return functions.some((f) => f.body.some((s) => namesInStmt(s).has(name)));
}
