/**
 * Small facts and forms the adjoint of a block uses: a sum written as a compound assignment, whether
 * an array may grow past the length it was made with, whether an op reads an array variable, the
 * value of `cos(t)` computed beside `sin(t)`, a counting loop over an adjoint array.
 *
 * Guarantees: pure functions of the IR and of printed expressions.
 */
import { isArrayType, isWritableArray, mayBePlain, type IRFunction, type Op, type PrimName, type TempId, type VarId } from '../../ir/types';
import { forEachStmt } from '../../ir/walk';
import { b, type JsExpr, type JsStmt } from '../../5-print/js';

/** `v = v + a - b` ⇒ `v += a - b`; `v = v - a` ⇒ `v -= a`; otherwise `v = e`. */
export function compoundAssign(name: string, e: JsExpr): JsStmt {
  if (e.k === 'bin' && e.op === '-' && e.l.k === 'id' && e.l.name === name) return { k: 'assign', target: b.id(name), op: '-=', value: e.r };
  const rest = withoutLeading(e, name);
  if (rest !== undefined) return { k: 'assign', target: b.id(name), op: '+=', value: rest };
  return b.assign(name, e);
}

/** For a sum whose leftmost term is `name`, the rest of it (`(v + a) - b` ⇒ `a - b`). */
function withoutLeading(e: JsExpr, name: string): JsExpr | undefined {
  if (e.k !== 'bin' || (e.op !== '+' && e.op !== '-')) return undefined;
  if (e.l.k === 'id' && e.l.name === name) return e.op === '+' ? e.r : b.neg(e.r);
  const left = withoutLeading(e.l, name);
  if (left === undefined) return undefined;
  return e.op === '+' ? b.add(left, e.r) : b.sub(left, e.r);
}

/** Whether a plain array variable may grow past the length it was made with (an element store or a push). */
export function mayGrow(fn: IRFunction, v: VarId): boolean {
  const t = fn.vars[v].type;
  if (!isArrayType(t) || !isWritableArray(t) || !mayBePlain(t)) return false;
  let grows = false;
  forEachStmt(fn.body, (s) => {
    if ((s.kind === 'store' || s.kind === 'push') && s.var === v) grows = true;
  });
  return grows;
}

/** Whether op `d` reads the array variable `v` (as its source, or through a read among its arguments; `defs`: the block's ops). */
export function readsVar(defs: ReadonlyMap<TempId, Op>, d: Op, v: VarId): boolean {
  if ('var' in d && d.var === v) return true;
  return d.args.some((a) => {
    const ad = defs.get(a);
    return ad !== undefined && ad.op === 'read' && ad.var === v;
  });
}

/**
 * The value of `fn` of the same operand as the one-operand op `s`, where the block (its ops by
 * temp, `defs`) computes it and the reverse sweep has its value (`available`): `cos(t)` beside
 * `sin(t)`, so that sin's partial reads it instead of calling Math.cos again.
 */
export function computedBeside(defs: ReadonlyMap<TempId, Op>, s: Extract<Op, { op: 'prim' }>, fn: PrimName, available: (t: TempId) => JsExpr | undefined): JsExpr | undefined {
  for (const d of defs.values()) {
    if (d.op === 'prim' && d.fn === fn && d.args.length === 1 && d.args[0] === s.args[0]) return available(d.id);
  }
  return undefined;
}

/** `for (let k = 0; k < n && also(k); k++) body(k)` (`also` may add no condition). */
export function countUpWhile(k: string, n: JsExpr, body: (k: JsExpr) => JsStmt[], also?: (k: JsExpr) => JsExpr | undefined): JsStmt {
  const more = also?.(b.id(k));
  const loop = b.countUp(k, n, body(b.id(k)));
  return more && loop.k === 'for' && loop.test ? { ...loop, test: b.bin('&&', loop.test, more) } : loop;
}
