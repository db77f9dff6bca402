/**
 * Range analysis: what each temp can be (an interval, and whether it may be
 * ±Infinity or NaN; ir/ranges.ts).
 *
 * It decides where derivative code must honour the zero-(co)tangent rule: a
 * partial multiplied by a tangent or adjoint that is exactly zero contributes
 * exactly zero. `Infinity · 0` is NaN in IEEE arithmetic, so a term
 * `∂y/∂x · ȳ` whose partial may be non-finite is printed `ȳ === 0 ? 0 : ∂y/∂x · ȳ`;
 * every other term stays a plain product, so the common case costs nothing.
 * Ranges make "may be non-finite" precise enough for what numeric code writes:
 * `1 / (1 + Math.exp(-x))` divides by at least 1 and is finite, `Math.tanh`
 * stays in [-1, 1], while `Math.exp(x)` of an unknown x may overflow and
 * `1 / x` may divide by zero.
 *
 * A variable declared `let h!: number` may be read as undefined: NaN; so may an
 * element read not proved inside its array (in-bounds.ts).
 *
 * Assumptions (what is taken as finite, of unknown magnitude): parameters, data,
 * elements of parameter arrays; and sums, differences and products of finite
 * values (an overflow of `x * x` at 1e200 is not modelled). Everything else comes
 * from the `range` of each operation (ir/ops.ts), literals (`-Infinity` starting
 * a running maximum), and what a called function may return (analysed the same
 * way, once per function; a recursive cycle counts as anything).
 *
 * Variables and array contents are flow-insensitive (the join of everything
 * assigned or stored); bounds that keep growing around a loop are widened to
 * unknown after a few rounds, keeping the Infinity/NaN flags, which only grow.
 *
 * Guarantees: for every temp t, every value t takes at run time (under the
 * assumptions) lies in `range[t]`.
 */
import { assertNever, type IRFunction, type Stmt, type TempId, type VarId } from '../ir/types';
import { forEachStmt } from '../ir/walk';
import { guardedPartials, rule } from '../rules/table';
import { op } from '../ir/ops';
import * as R from '../ir/ranges';
import { inBoundsLoads } from './in-bounds';
import { undefinedTestedLoads } from './undefined-tests';
import type { Range } from '../ir/ranges';

export interface Finiteness {
  /** What each temp can be (numbers; for an array, its elements). */
  readonly range: readonly Range[];
  /** What the function can return (for an array: its elements). */
  readonly returns: Range;
  /**
   * Reverse mode: element reads that may be past the end of their array, whose adjoint has no
   * gradient element to go to (those not proved inside it, and those the code tests for undefined).
   */
  readonly pastEnd: ReadonlySet<TempId>;
}

/** Results per function and mode: a callee is analysed once however many callers it has. */
const memos = { forward: new WeakMap<IRFunction, Finiteness | 'running'>(), reverse: new WeakMap<IRFunction, Finiteness | 'running'>() };

/** Rounds a variable's bounds may change before they are widened to unknown. */
const WIDEN_AFTER = 4;

/**
 * `callee(key)`: the IR of a called function. `mode`: values that may be undefined (an unassigned
 * `let h!`, a read past the end) count as NaN in reverse mode only. A NaN operand makes its result
 * NaN (`NaN ** 0` aside), so in forward mode a NaN partial times a zero tangent lands in a tangent
 * whose value is NaN too, or unused; in reverse mode it lands in a parameter's gradient through
 * an adjoint that is exactly 0.
 */
export function analyzeFiniteness(fn: IRFunction, callee: (key: string) => IRFunction, mode: 'forward' | 'reverse'): Finiteness {
  const memo = memos[mode];
  const known = memo.get(fn);
  if (known === 'running') return { range: fn.temps.map(() => R.ANY), returns: R.ANY, pastEnd: new Set() };
  if (known) return known;
  memo.set(fn, 'running');
  const returnsOf = (key: string) => analyzeFiniteness(callee(key), callee, mode).returns;

  const temps: (Range | undefined)[] = fn.temps.map(() => undefined);
  const vars: (Range | undefined)[] = fn.vars.map((v) => (v.role === 'param' ? R.FINITE : undefined));
  const changes = new Array<number>(fn.vars.length).fill(0);
  const flat: Stmt[] = [];
  forEachStmt(fn.body, (s) => flat.push(s));
  const get = (t: TempId): Range => temps[t] ?? R.FINITE;
  const inBounds = mode === 'reverse' ? inBoundsLoads(fn) : undefined;

  for (let changed = true; changed;) {
    changed = false;
    const assignVar = (v: VarId, r: Range) => {
      const old = vars[v];
      let next = old === undefined ? r : R.join(old, r);
      if (old !== undefined && R.sameRange(old, next)) return;
      if (++changes[v] > WIDEN_AFTER) next = { ...next, lo: -Infinity, hi: Infinity };
      vars[v] = next;
      changed = true;
    };
    for (const s of flat) {
      switch (s.kind) {
        case 'op': {
          const r = opRange(s, get, (v) => vars[v] ?? R.FINITE, returnsOf, inBounds);
          const old = temps[s.id];
          if (!old || !R.sameRange(old, r)) {
            temps[s.id] = r;
            changed = true;
          }
          break;
        }
        case 'assign':
        case 'store':
        case 'push':
        case 'fill':
          if (fn.temps[s.value] !== 'boolean') assignVar(s.var, get(s.value));
          break;
        case 'declare':
          // `let h!: number` read before it is assigned is undefined: NaN in arithmetic. (Without
          // the `!`, TypeScript checked that every read comes after an assignment.)
          if (mode === 'reverse' && s.asserted && fn.vars[s.var].type === 'number') assignVar(s.var, R.UNDEFINED);
          break;
        case 'check':
        case 'if':
        case 'loop':
        case 'break':
        case 'continue':
        case 'return':
          break;
        default:
          assertNever(s, 'statement');
      }
    }
  }
  let returns: Range | undefined;
  for (const s of flat) if (s.kind === 'return') returns = returns ? R.join(returns, get(s.value)) : get(s.value);
  const pastEnd = new Set<TempId>();
  if (inBounds) {
    const tested = undefinedTestedLoads(fn);
    for (const s of flat) if (s.kind === 'op' && s.op === 'load' && (tested.has(s.id) || !inBounds.has(s.id))) pastEnd.add(s.id);
  }
  const result = { range: temps.map((r) => r ?? R.FINITE), returns: returns ?? R.FINITE, pastEnd };
  memo.set(fn, result);
  return result;
}

function opRange(
  s: Extract<Stmt, { kind: 'op' }>,
  t: (t: TempId) => Range,
  v: (v: VarId) => Range,
  returnsOf: (key: string) => Range,
  inBounds: ReadonlySet<TempId> | undefined,
): Range {
  switch (s.op) {
    case 'const':
      // (`undefined`, an argument left out, is NaN in arithmetic)
      return typeof s.value === 'number' ? R.point(s.value) : s.value === undefined ? R.UNDEFINED : R.FINITE;
    case 'read':
    case 'slice':
      return v(s.var);
    case 'load':
      // A read that may be past the end is undefined there: NaN in arithmetic (in-bounds.ts).
      return !inBounds || inBounds.has(s.id) ? v(s.var) : R.join(v(s.var), R.UNDEFINED);
    case 'length':
      return R.between(0, Infinity);
    case 'get':
      return R.FINITE;
    case 'prim': {
      const sig = op(s.fn);
      if (sig.result !== 'number') return R.FINITE;
      if (s.fn === 'mul' && s.args[0] === s.args[1]) return R.square(t(s.args[0]));
      return sig.range ? sig.range(s.args.map(t)) : R.ANY;
    }
    case 'select':
      return R.join(t(s.args[1]), t(s.args[2]));
    case 'call':
      // The callee was analysed for finite parameters of unknown size.
      return s.args.some((a) => R.mayBeNonFinite(t(a))) ? R.ANY : returnsOf(s.callee);
    case 'newArray':
      // `new Float64Array(n)` holds zeros, `new Array(n).fill(v)` v, a literal its elements.
      if (s.form === 'sized') return s.args.length > 1 ? t(s.args[1]) : R.point(0);
      return s.args.length === 0 ? R.point(0) : s.args.map(t).reduce(R.join);
    default:
      return assertNever(s, 'op');
  }
}

/** Which partials of a prim op follow the zero-(co)tangent rule, given the ranges of its operands and result. */
export function guarded(fin: Finiteness, s: Extract<Stmt, { kind: 'op'; op: 'prim' }>): boolean[] {
  const args = s.fn === 'mul' && s.args[0] === s.args[1] ? [fin.range[s.args[0]], fin.range[s.args[0]]] : s.args.map((a) => fin.range[a]);
  return guardedPartials(rule(s.fn), args, fin.range[s.id]);
}
