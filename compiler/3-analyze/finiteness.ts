/**
 * Finiteness analysis: which temps may hold a non-finite value (±Infinity, NaN).
 *
 * It decides where derivative code must honour the zero-(co)tangent rule: a
 * partial multiplied by a tangent or adjoint that is exactly zero contributes
 * exactly zero. `Infinity · 0` is NaN in IEEE arithmetic, so a term
 * `∂y/∂x · ȳ` whose partial may be non-finite is printed `ȳ === 0 ? 0 : ∂y/∂x · ȳ`;
 * every other term stays a plain product, so the common case costs nothing.
 *
 * Where non-finite values come from (everything else is taken as finite):
 * - operations that produce them from finite operands (`overflows` in the rule
 *   table: exp, pow, division, log, sqrt of a negative, …);
 * - calls of user functions whose returned value may be non-finite (analysed the
 *   same way, once per function; a recursive cycle counts as non-finite);
 * - literals (`Infinity`, `NaN`, `-Infinity` starting a running maximum);
 * - anything computed from, assigned from or stored from such a value
 *   (variables and array contents are tracked flow-insensitively).
 * Parameters, data and elements of parameter arrays are assumed finite, and so
 * are sums and products of finite values (an overflow of `x * x` at 1e200 is
 * not guarded).
 *
 * Guarantees: `unbounded[t]` is true for every temp that can be non-finite
 * under these assumptions (a superset; booleans and data are never unbounded).
 */
import { assertNever, isOpaqueType, type IRFunction, type Stmt, type TempId, type VarId } from '../ir/types';
import { forEachStmt } from '../ir/walk';
import { rule } from '../rules/table';

export interface Finiteness {
  /** Temps that may hold ±Infinity or NaN. */
  readonly unbounded: readonly boolean[];
  /** Whether the function may return a non-finite value (for an array: hold one). */
  readonly returnsUnbounded: boolean;
}

/** Results per function: a callee is analysed once however many callers it has. */
const memo = new WeakMap<IRFunction, Finiteness | 'running'>();

/** `callee(key)`: the IR of a called function. */
export function analyzeFiniteness(fn: IRFunction, callee: (key: string) => IRFunction): Finiteness {
  const known = memo.get(fn);
  if (known === 'running') return { unbounded: fn.temps.map(() => true), returnsUnbounded: true };
  if (known) return known;
  memo.set(fn, 'running');
  const calls = (key: string) => analyzeFiniteness(callee(key), callee).returnsUnbounded;
  const unboundedT = new Array<boolean>(fn.temps.length).fill(false);
  const unboundedV = new Array<boolean>(fn.vars.length).fill(false);
  const flat: Stmt[] = [];
  forEachStmt(fn.body, (s) => flat.push(s));
  for (let changed = true; changed; ) {
    changed = false;
    const markT = (t: TempId) => {
      if (!unboundedT[t] && fn.temps[t] !== 'boolean' && !isOpaqueType(fn.temps[t])) changed = unboundedT[t] = true;
    };
    const markV = (v: VarId) => {
      if (!unboundedV[v]) changed = unboundedV[v] = true;
    };
    for (const s of flat) {
      switch (s.kind) {
        case 'op':
          if (opUnbounded(s, unboundedT, unboundedV, calls)) markT(s.id);
          break;
        case 'assign':
        case 'store':
        case 'push':
        case 'fill':
          if (unboundedT[s.value]) markV(s.var);
          break;
        case 'declare':
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
  let returnsUnbounded = false;
  for (const s of flat) if (s.kind === 'return' && unboundedT[s.value]) returnsUnbounded = true;
  const result = { unbounded: unboundedT, returnsUnbounded };
  memo.set(fn, result);
  return result;
}

function opUnbounded(s: Extract<Stmt, { kind: 'op' }>, t: readonly boolean[], v: readonly boolean[], calls: (key: string) => boolean): boolean {
  switch (s.op) {
    case 'const':
      return typeof s.value === 'number' && !Number.isFinite(s.value);
    case 'read':
    case 'load':
    case 'slice':
      return v[s.var];
    case 'length':
    case 'get':
      return false;
    case 'prim': {
      const r = rule(s.fn);
      return r.result === 'number' && (r.overflows === true || s.args.some((a) => t[a]));
    }
    case 'select':
      return t[s.args[1]] || t[s.args[2]];
    case 'call':
      return calls(s.callee);
    case 'newArray':
      return s.args.some((a) => t[a]);
    default:
      return assertNever(s, 'op');
  }
}
