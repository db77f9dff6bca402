/**
 * Activity analysis: which temps and variables carry derivatives.
 *
 * A value is *varied* when it depends (through differentiable operations) on a
 * differentiated parameter, and *useful* when the returned value depends on it.
 * Active = varied ∧ useful. Inactive values get no tangent, no adjoint and no
 * tape. Variables are treated flow-insensitively (a variable is varied if any
 * assignment to it is), which is conservative and cheap.
 *
 * Piecewise-constant operations (floor, sign, comparisons, `length`, indices)
 * cut variedness: a loop index stays inactive unless it is computed from an
 * active value through differentiable operations (`i = x; i += 1`).
 */
import { assertNever, isArrayType, isOpaqueType, type IRFunction, type Stmt, type TempId, type VarId } from '../ir/types';
import { forEachStmt } from '../ir/walk';
import { rule } from '../rules/table';

export interface Activity {
  readonly activeTemp: readonly boolean[];
  readonly activeVar: readonly boolean[];
  readonly variedVar: readonly boolean[];
  /** The differentiated parameters. */
  readonly activeParams: ReadonlySet<VarId>;
}

export { forEachStmt };

/** Operands through which a derivative flows (the index of a load, the condition of a select do not). */
export function differentiableArgs(s: Extract<Stmt, { kind: 'op' }>): readonly TempId[] {
  switch (s.op) {
    case 'const':
    case 'read':
    case 'length':
    case 'load':
    case 'get':
      return [];
    case 'prim':
      return rule(s.fn).partials ? s.args : [];
    case 'select':
      return [s.args[1], s.args[2]];
    case 'call':
      // (a `@nondiff` callee: its result is a constant, JAX's stop_gradient)
      return s.nondiff ? [] : s.args;
    case 'newArray':
      return s.form === 'literal' ? s.args : s.args.slice(1);
    case 'slice':
      return [];
    default:
      return assertNever(s, 'op');
  }
}

export function analyzeActivity(fn: IRFunction, activeParams: ReadonlySet<VarId>): Activity {
  const nT = fn.temps.length;
  const nV = fn.vars.length;
  const variedT = new Array<boolean>(nT).fill(false);
  const variedV = new Array<boolean>(nV).fill(false);
  for (const p of activeParams) variedV[p] = true;
  // Both analyses are flow-insensitive per variable; visiting statements in the direction the facts flow
  // (forward for varied, backward for useful) makes straight-line code converge in one pass, loops in a few.
  const flat: Stmt[] = [];
  forEachStmt(fn.body, (s) => flat.push(s));

  // Forward: varied.
  for (let changed = true; changed;) {
    changed = false;
    const markT = (t: TempId) => {
      if (!variedT[t] && fn.temps[t] !== 'boolean' && !isOpaqueType(fn.temps[t])) {
        variedT[t] = true;
        changed = true;
      }
    };
    const markV = (v: VarId) => {
      if (!variedV[v]) {
        variedV[v] = true;
        changed = true;
      }
    };
    for (const s of flat) {
      switch (s.kind) {
        case 'op':
          if (s.op === 'read' && variedV[s.var]) markT(s.id);
          else if ((s.op === 'load' || s.op === 'slice') && variedV[s.var]) markT(s.id);
          else if (differentiableArgs(s).some((a) => variedT[a])) markT(s.id);
          break;
        case 'assign':
        case 'store':
        case 'push':
        case 'fill':
          if (variedT[s.value]) markV(s.var);
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

  // Backward: useful.
  const usefulT = new Array<boolean>(nT).fill(false);
  const usefulV = new Array<boolean>(nV).fill(false);
  for (const s of flat) if (s.kind === 'return') usefulT[s.value] = true;
  for (let changed = true; changed;) {
    changed = false;
    const markT = (t: TempId) => {
      if (!usefulT[t]) {
        usefulT[t] = true;
        changed = true;
      }
    };
    const markV = (v: VarId) => {
      if (!usefulV[v]) {
        usefulV[v] = true;
        changed = true;
      }
    };
    for (let i = flat.length - 1; i >= 0; i--) {
      const s = flat[i];
      switch (s.kind) {
        case 'op':
          if (!usefulT[s.id]) break;
          if (s.op === 'read' || s.op === 'load' || s.op === 'slice') markV(s.var);
          for (const a of differentiableArgs(s)) markT(a);
          break;
        case 'assign':
        case 'store':
        case 'push':
        case 'fill':
          if (usefulV[s.var]) markT(s.value);
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

  const activeTemp = variedT.map((v, i) => v && usefulT[i] && fn.temps[i] !== 'boolean');
  const activeVar = variedV.map((v, i) => v && usefulV[i] && fn.vars[i].type !== 'boolean');
  // An active parameter always has a derivative slot, useful or not.
  for (const p of activeParams) activeVar[p] = activeVar[p] || false;
  return { activeTemp, activeVar, variedVar: variedV, activeParams };
}

/** Which arguments of an active call are active: the activity pattern its pushforward/pullback is generated for. */
export function callPattern(s: Extract<Stmt, { kind: 'op' }>, act: Activity): boolean[] {
  return s.args.map((a) => act.activeTemp[a]);
}

export function isArrayVar(fn: IRFunction, v: VarId): boolean {
  return isArrayType(fn.vars[v].type);
}
