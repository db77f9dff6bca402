/**
 * Control normalization for reverse mode: `break`, `continue` and early `return`
 * ⇒ flags and guards, so that the reverse sweep only ever sees straight-line
 * blocks, `if`s, and loops of one shape.
 *
 * Guarantees afterwards:
 * - no `break`/`continue`; exactly one `return`, the last statement of the body;
 * - every loop is `{ form: 'while', update: [] }`, meaning
 *   `while (true) { test; if (!cond) break; body }`;
 * - a temp is only used in the straight-line block that defines it (temps that
 *   crossed an `if` or a loop are spilled to hidden variables).
 *
 * The recipe, for a jump inside a loop body:
 *   for (…; c; u) { A; if (p) break; B }
 *   ⇒ brk = false; while (!brk && c) { A; if (p) { brk = true } else { B }; if (!brk) { u } }
 * An `if` whose one arm always jumps and the other never does takes the rest of
 * the region into the other arm (as above), so most code needs no guard at all.
 */
import { assertNever, isArrayType, type IRFunction, type Loop, type Region, type Stmt, type TempId, type VarId } from './types';
import { Rewriter } from './rewriter';
import { endsFlow, usesOf } from './walk';

interface Result {
  readonly out: Stmt[];
  /** Flags that may be set when control leaves the region early. */
  readonly flags: Set<VarId>;
}

export function normalizeControl(fn: IRFunction): IRFunction {
  const rw = new Rewriter(fn);
  const brk = new Map<number, VarId>();
  const cont = new Map<number, VarId>();
  let retVal: VarId | undefined;
  let retFlag: VarId | undefined;

  const body = fn.body;
  const last = body[body.length - 1];
  const needsRetVar = countReturns(body) > 1 || !(last && last.kind === 'return');
  if (needsRetVar) {
    retVal = rw.newVar('result', fn.returnType, true);
    retFlag = rw.newVar('returned', 'boolean', true);
  }

  const guard = (out: Stmt[], flags: Set<VarId>, origin: Stmt['origin']): TempId => {
    let any: TempId | undefined;
    for (const f of [...flags].sort((a, b) => a - b)) {
      const r = rw.read(out, f, origin);
      any = any === undefined ? r : rw.prim(out, 'or', [any, r], origin);
    }
    return rw.prim(out, 'not', [any!], origin);
  };

  const region = (stmts: Region, topLevel: boolean): Result => {
    const out: Stmt[] = [];
    const flags = new Set<VarId>();
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i];
      const restSize = stmts.length - i - 1;
      const rest = () => stmts.slice(i + 1);
      switch (s.kind) {
        case 'break':
        case 'continue': {
          const map = s.kind === 'break' ? brk : cont;
          const flag = map.get(s.loop)!;
          rw.assign(out, flag, rw.constant(out, true, s.origin), s.origin);
          flags.add(flag);
          return { out, flags };
        }
        case 'return': {
          if (retVal === undefined) {
            out.push(s);
            return { out, flags };
          }
          rw.assign(out, retVal, s.value, s.origin);
          rw.assign(out, retFlag!, rw.constant(out, true, s.origin), s.origin);
          flags.add(retFlag!);
          return { out, flags };
        }
        case 'if': {
          const then = region(s.then, false);
          const els = region(s.else, false);
          const stmtFlags = new Set([...then.flags, ...els.flags]);
          if (stmtFlags.size === 0 || restSize === 0) {
            out.push({ ...s, then: then.out, else: els.out });
            stmtFlags.forEach((f) => flags.add(f));
            continue;
          }
          // One arm always leaves, the other never jumps: the rest belongs to the other arm.
          const thenLeaves = endsFlow(s.then) && els.flags.size === 0;
          const elseLeaves = endsFlow(s.else) && then.flags.size === 0;
          if (thenLeaves || elseLeaves) {
            const tail = region(rest(), topLevel);
            const stay = thenLeaves ? els : then;
            const arms = { then: thenLeaves ? then.out : [...then.out, ...tail.out], else: thenLeaves ? [...els.out, ...tail.out] : els.out };
            out.push({ ...s, ...arms });
            [...stmtFlags, ...tail.flags].forEach((f) => flags.add(f));
            void stay;
            return { out, flags };
          }
          out.push({ ...s, then: then.out, else: els.out });
          stmtFlags.forEach((f) => flags.add(f));
          const tail = region(rest(), topLevel);
          const g = guard(out, stmtFlags, s.origin);
          out.push({ kind: 'if', cond: g, then: tail.out, else: [], origin: s.origin });
          tail.flags.forEach((f) => flags.add(f));
          return { out, flags };
        }
        case 'loop': {
          const loopFlags = loop(s, out);
          loopFlags.forEach((f) => flags.add(f));
          if (loopFlags.size > 0 && restSize > 0) {
            const tail = region(rest(), topLevel);
            const g = guard(out, loopFlags, s.origin);
            out.push({ kind: 'if', cond: g, then: tail.out, else: [], origin: s.origin });
            tail.flags.forEach((f) => flags.add(f));
            return { out, flags };
          }
          continue;
        }
        case 'op':
        case 'assign':
        case 'declare':
        case 'store':
        case 'push':
        case 'fill':
        case 'check':
          out.push(s);
          break;
        default:
          assertNever(s, 'statement');
      }
    }
    return { out, flags };
  };

  /** Emits the normalized loop into `out`; returns the flags that may be set when it exits (jumps to outside). */
  const loop = (l: Loop, out: Stmt[]): Set<VarId> => {
    const o = l.origin;
    const jumps = jumpsTo(l.body, l.id);
    if (jumps.breaks) {
      const f = rw.newVar('broke', 'boolean');
      brk.set(l.id, f);
      rw.assign(out, f, rw.constant(out, false, o), o, true);
    }
    if (jumps.continues) cont.set(l.id, rw.newVar('skip', 'boolean'));
    const bodyRes = region(l.body, false);
    const own = new Set([brk.get(l.id), cont.get(l.id)].filter((x): x is VarId => x !== undefined));
    const outer = new Set([...bodyRes.flags].filter((f) => !own.has(f)));
    const exitFlags = new Set(outer);
    if (brk.has(l.id)) exitFlags.add(brk.get(l.id)!);

    const newBody: Stmt[] = [];
    if (cont.has(l.id)) rw.assign(newBody, cont.get(l.id)!, rw.constant(newBody, false, o), o, true);
    newBody.push(...bodyRes.out);

    if (l.form === 'do') {
      // go = true; while (go) { body; if (!exit) { test; go = cond } else { go = false } }
      const go = rw.newVar('again', 'boolean');
      rw.assign(out, go, rw.constant(out, true, o), o, true);
      const runTest: Stmt[] = [...l.test];
      rw.assign(runTest, go, l.cond ?? rw.constant(runTest, true, o), o);
      if (exitFlags.size === 0) newBody.push(...runTest);
      else {
        const g = guard(newBody, exitFlags, o);
        const stop: Stmt[] = [];
        rw.assign(stop, go, rw.constant(stop, false, o), o);
        newBody.push({ kind: 'if', cond: g, then: runTest, else: stop, origin: o });
      }
      const test: Stmt[] = [];
      const c = rw.read(test, go, o);
      out.push({ kind: 'loop', id: l.id, form: 'while', test, cond: c, body: newBody, update: [], origin: o, ...checkpointOf(l) });
      return outer;
    }

    if (l.update.length > 0) {
      if (exitFlags.size === 0) newBody.push(...l.update);
      else {
        const g = guard(newBody, exitFlags, o);
        newBody.push({ kind: 'if', cond: g, then: [...l.update], else: [], origin: o });
      }
    }
    let test: Stmt[] = [...l.test];
    let cond = l.cond;
    if (exitFlags.size > 0) {
      if (isPure(l.test)) {
        const g = guard(test, exitFlags, o);
        cond = cond === undefined ? g : rw.prim(test, 'and', [g, cond], o);
      } else {
        const cc = rw.newVar('go', 'boolean');
        const run: Stmt[] = [...l.test];
        rw.assign(run, cc, cond ?? rw.constant(run, true, o), o);
        const stop: Stmt[] = [];
        rw.assign(stop, cc, rw.constant(stop, false, o), o);
        test = [];
        const g = guard(test, exitFlags, o);
        test.push({ kind: 'if', cond: g, then: run, else: stop, origin: o });
        cond = rw.read(test, cc, o);
      }
    }
    if (cond === undefined) {
      cond = rw.constant(test, true, o);
    }
    out.push({ kind: 'loop', id: l.id, form: 'while', test, cond, body: newBody, update: [], origin: o, ...checkpointOf(l) });
    return outer;
  };

  const top = region(body, true);
  let out = top.out;
  if (retVal !== undefined) {
    const o = fn.origin;
    const prologue: Stmt[] = [];
    prologue.push({ kind: 'declare', var: retVal, origin: o });
    rw.assign(prologue, retFlag!, rw.constant(prologue, false, o), o, true);
    const epilogue: Stmt[] = [];
    const r = rw.read(epilogue, retVal, last?.origin ?? o);
    epilogue.push({ kind: 'return', value: r, origin: last?.origin ?? o });
    out = [...prologue, ...out, ...epilogue];
  }
  const normalized = rw.finish(removeDeadFlags(out, rw));
  return forwardBlockReads(spillCrossBlockTemps(normalized));
}

/**
 * Within a straight-line block, a read of a scalar variable that the block
 * assigned earlier is replaced by the assigned temp:
 *   e := %3; %4 = read e; %5 = mul %4 %4   ⇒   e := %3; %5 = mul %3 %3
 * Afterwards every read in a block sees the value the variable had when the
 * block started, so a block can be recomputed from its entry state alone.
 */
export function forwardBlockReads(fn: IRFunction): IRFunction {
  const region = (stmts: Region, replace = new Map<TempId, TempId>()): Stmt[] => {
    const out: Stmt[] = [];
    let last = new Map<VarId, TempId>();
    for (const s of stmts) {
      if (s.kind === 'if') {
        last = new Map();
        out.push({ ...s, cond: replace.get(s.cond) ?? s.cond, then: region(s.then), else: region(s.else) });
        continue;
      }
      if (s.kind === 'loop') {
        last = new Map();
        const testReplace = new Map<TempId, TempId>();
        const test = region(s.test, testReplace);
        const cond = s.cond === undefined ? undefined : (testReplace.get(s.cond) ?? s.cond);
        out.push({ ...s, test, cond, body: region(s.body), update: region(s.update) });
        continue;
      }
      const t = substitute(s, replace);
      if (t.kind === 'op' && t.op === 'read' && last.has(t.var)) {
        replace.set(t.id, last.get(t.var)!);
        continue;
      }
      if (t.kind === 'assign' && !isArrayType(fn.vars[t.var].type)) last.set(t.var, t.value);
      out.push(t);
    }
    return out;
  };
  return { ...fn, body: region(fn.body) };
}

function countReturns(region: Region): number {
  let n = 0;
  for (const s of region) {
    if (s.kind === 'return') n++;
    else if (s.kind === 'if') n += countReturns(s.then) + countReturns(s.else);
    else if (s.kind === 'loop') n += countReturns(s.body);
  }
  return n;
}

function jumpsTo(region: Region, loop: number): { breaks: boolean; continues: boolean } {
  let breaks = false;
  let continues = false;
  const visit = (r: Region) => {
    for (const s of r) {
      if (s.kind === 'break' && s.loop === loop) breaks = true;
      else if (s.kind === 'continue' && s.loop === loop) continues = true;
      else if (s.kind === 'if') {
        visit(s.then);
        visit(s.else);
      } else if (s.kind === 'loop') {
        visit(s.body);
      }
    }
  };
  visit(region);
  return { breaks, continues };
}

function isPure(region: Region): boolean {
  return region.every((s) => s.kind === 'op');
}

/** Drops assignments to hidden boolean flags that nothing reads (e.g. `returned` when no guard needed it). */
function removeDeadFlags(body: Stmt[], rw: Rewriter): Stmt[] {
  const read = new Set<VarId>();
  const visit = (r: Region) => {
    for (const s of r) {
      if (s.kind === 'op' && s.op === 'read') read.add(s.var);
      if (s.kind === 'if') {
        visit(s.then);
        visit(s.else);
      } else if (s.kind === 'loop') {
        visit(s.test);
        visit(s.body);
      }
    }
  };
  visit(body);
  const dead = (v: VarId) => rw.vars[v].role === 'hidden' && rw.vars[v].type === 'boolean' && !read.has(v);
  const used = new Set<TempId>();
  const collect = (rr: Region) => {
    for (const s of rr) {
      if ((s.kind === 'assign' || s.kind === 'declare') && dead(s.var)) continue;
      if (s.kind === 'if') {
        used.add(s.cond);
        collect(s.then);
        collect(s.else);
      } else if (s.kind === 'loop') {
        if (s.cond !== undefined) used.add(s.cond);
        collect(s.test);
        collect(s.body);
      } else usesOf(s).forEach((t) => used.add(t));
    }
  };
  collect(body);
  const strip = (r: Region): Stmt[] => {
    const out: Stmt[] = [];
    for (const s of r) {
      if ((s.kind === 'assign' || s.kind === 'declare') && dead(s.var)) continue;
      // Constants that only fed a dropped flag assignment.
      if (s.kind === 'op' && s.op === 'const' && !used.has(s.id)) continue;
      if (s.kind === 'if') out.push({ ...s, then: strip(s.then), else: strip(s.else) });
      else if (s.kind === 'loop') out.push({ ...s, test: strip(s.test), body: strip(s.body) });
      else out.push(s);
    }
    return out;
  };
  return strip(body);
}

/**
 * A temp defined in one straight-line block and used in a later block of the
 * same region (across an `if` or a loop) is stored in a hidden variable, so that
 * each block can be recomputed on its own in the reverse sweep.
 */
export function spillCrossBlockTemps(fn: IRFunction): IRFunction {
  const rw = new Rewriter(fn);
  const spilled = new Map<TempId, VarId>();
  let changed = false;

  const region = (stmts: Region): Stmt[] => {
    const blockOf = new Map<TempId, number>();
    let block = 0;
    for (const s of stmts) {
      if (s.kind === 'if' || s.kind === 'loop') block++;
      else if (s.kind === 'op') blockOf.set(s.id, block);
    }
    block = 0;
    const cross = new Set<TempId>();
    for (const s of stmts) {
      if (s.kind === 'if' || s.kind === 'loop') {
        block++;
        continue;
      }
      for (const t of usesOf(s)) {
        const b = blockOf.get(t);
        if (b !== undefined && b !== block) cross.add(t);
      }
    }
    const out: Stmt[] = [];
    block = 0;
    const replace = new Map<TempId, TempId>();
    for (const s of stmts) {
      if (s.kind === 'if') {
        block++;
        replace.clear();
        out.push({ ...s, then: region(s.then), else: region(s.else) });
        continue;
      }
      if (s.kind === 'loop') {
        block++;
        replace.clear();
        out.push({ ...s, test: region(s.test), body: region(s.body), update: region(s.update) });
        continue;
      }
      for (const t of usesOf(s)) {
        if (cross.has(t) && blockOf.get(t) !== block && !replace.has(t)) {
          replace.set(t, rw.read(out, spilled.get(t)!, s.origin));
        }
      }
      out.push(substitute(s, replace));
      if (s.kind === 'op' && cross.has(s.id) && s.op === 'read' && isArrayType(fn.vars[s.var].type)) {
        // An array is a reference: read the variable again where it is used (a copy of the reference
        // would be an alias the analyses cannot see, and give the array a second adjoint).
        spilled.set(s.id, s.var);
        changed = true;
      } else if (s.kind === 'op' && cross.has(s.id)) {
        const v = rw.newVar('saved', fn.temps[s.id]);
        spilled.set(s.id, v);
        rw.assign(out, v, s.id, s.origin, true);
        changed = true;
      }
    }
    return out;
  };
  const body = region(fn.body);
  return changed ? rw.finish(body) : fn;
}

function substitute(s: Stmt, map: ReadonlyMap<TempId, TempId>): Stmt {
  if (map.size === 0) return s;
  const m = (t: TempId) => map.get(t) ?? t;
  switch (s.kind) {
    case 'op':
      return { ...s, args: s.args.map(m) };
    case 'assign':
    case 'push':
    case 'fill':
      return { ...s, value: m(s.value) };
    case 'store':
      return { ...s, index: m(s.index), value: m(s.value) };
    case 'return':
      return { ...s, value: m(s.value) };
    case 'declare':
    case 'check':
    case 'if':
    case 'loop':
    case 'break':
    case 'continue':
      return s;
    default:
      return assertNever(s, 'statement');
  }
}

/**
 * Within a block, a load of the element a store just wrote (same array, same
 * index temp, no other write to the array in between) reads the stored temp:
 *   a[%3] := %7; …; %9 = load a[%3]   ⇒   uses of %9 read %7
 * so recomputing the block never needs the array in its middle state.
 * Only for plain arrays, which always hold what was stored: a typed array ignores a
 * write past its end and a Float32Array rounds, so their loads read the array (and a
 * recompute replays the stores, see the reverse emitter).
 * Run after CSE, which makes equal indices the same temp.
 */
export function forwardStoredElements(fn: IRFunction): IRFunction {
  let changed = false;
  const region = (stmts: Region): Stmt[] => {
    const out: Stmt[] = [];
    const replace = new Map<TempId, TempId>();
    let last = new Map<VarId, { index: TempId; value: TempId }>();
    for (const s0 of stmts) {
      if (s0.kind === 'if') {
        last = new Map();
        out.push({ ...s0, cond: replace.get(s0.cond) ?? s0.cond, then: region(s0.then), else: region(s0.else) });
        continue;
      }
      if (s0.kind === 'loop') {
        last = new Map();
        out.push({ ...s0, test: region(s0.test), body: region(s0.body), update: region(s0.update) });
        continue;
      }
      const s = substitute(s0, replace);
      if (s.kind === 'op' && s.op === 'load') {
        const st = last.get(s.var);
        if (st && st.index === s.args[0]) {
          replace.set(s.id, st.value);
          changed = true;
          continue;
        }
      }
      if (s.kind === 'op' && s.op === 'call') last = new Map(); // a callee may write the arrays it gets
      // Only a plain array is sure to hold what was stored: a typed array ignores a write past its end
      // (a[a.length] = v), and a Float32Array rounds the value.
      if (s.kind === 'store' && isPlainArray(fn.vars[s.var].type)) last.set(s.var, { index: s.index, value: s.value });
      else if (s.kind === 'store') last.delete(s.var);
      if (s.kind === 'push' || s.kind === 'fill' || s.kind === 'assign') last.delete(s.var);
      out.push(s);
    }
    return out;
  };
  const body = region(fn.body);
  return changed ? { ...fn, body } : fn;
}

function isPlainArray(t: string): boolean {
  return t === 'number[]' || t === 'readonly number[]';
}

/** A loop's `checkpoint` field, kept through normalization (absent when the source has none). */
function checkpointOf(l: Loop): Pick<Loop, 'checkpoint'> {
  return l.checkpoint === undefined ? {} : { checkpoint: l.checkpoint };
}
