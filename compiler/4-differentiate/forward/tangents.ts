/**
 * The tangent of one op in forward mode, `dy = Σ ∂y/∂xᵢ · dxᵢ` over its active
 * operands (partials from the rule table; a partial that may be non-finite is
 * multiplied by a tangent that may be exactly 0 under the zero-(co)tangent
 * rule), and the tangents of reads, loads, selects, array creation and copies.
 *
 * Guarantees: an op with no active operand has tangent 0; nothing here emits a
 * statement (a call's tangent is the one its pushforward call produced).
 */
import { assertNever, type IRFunction, type Op, type TempId, type VarId } from '../../ir/types';
import { rule, partialsOf } from '../../rules/table';
import { b, type JsExpr } from '../../5-print/js';
import { loadExpr, newArrayExpr, sliceExpr } from '../arrays';
import type { FileContext } from '../context';

/** What the tangent of an op reads from the emitter. */
export interface TangentEnv {
  readonly fn: IRFunction;
  readonly ctx: FileContext;
  active(t: TempId): boolean;
  activeVar(v: VarId): boolean;
  value(t: TempId): JsExpr;
  tangent(t: TempId): JsExpr;
  tangentName(v: VarId): string;
  guarded(s: Extract<Op, { op: 'prim' }>): boolean[];
  /** The tangent a call's pushforward produced, if it did. */
  callTangent(t: TempId): JsExpr | undefined;
}

export function tangentOf(s: Op, env: TangentEnv): JsExpr {
  switch (s.op) {
    case 'const':
    case 'length':
    case 'get':
      return b.num(0);
    case 'read':
      return env.activeVar(s.var) ? b.id(env.tangentName(s.var)) : b.num(0);
    case 'prim': {
      const r = rule(s.fn);
      if (!r.partials) return b.num(0);
      const partials = partialsOf(
        r,
        s.args.map((a) => env.active(a)),
        (i) => env.value(i < 0 ? s.id : s.args[i]),
      );
      const guarded = env.guarded(s);
      // d(a * b) = da * b + a * db, in the order of the operands.
      if (s.fn === 'mul' && s.args[0] === s.args[1]) return b.times(b.mul(b.num(2), env.value(s.args[0])), env.tangent(s.args[0]), guarded[0]);
      if (s.fn === 'mul')
        return b.add(
          env.active(s.args[0]) ? b.times(partials[0], env.tangent(s.args[0]), guarded[0], true) : b.num(0),
          env.active(s.args[1]) ? b.times(partials[1], env.tangent(s.args[1]), guarded[1]) : b.num(0),
        );
      return b.sum(s.args.map((a, i) => (env.active(a) ? b.times(partials[i], env.tangent(a), guarded[i]) : b.num(0))));
    }
    case 'select':
      return b.cond(env.value(s.args[0]), env.tangent(s.args[1]), env.tangent(s.args[2]));
    case 'load':
      return env.activeVar(s.var) ? loadExpr(b.id(env.tangentName(s.var)), env.value(s.args[0]), env.fn.vars[s.var].type, env.ctx) : b.num(0);
    case 'newArray':
      return newArrayExpr(s, s.form === 'literal' ? s.args.map((a) => env.tangent(a)) : [env.value(s.args[0]), ...(s.args.length > 1 ? [env.tangent(s.args[1])] : [])]);
    case 'slice':
      return env.activeVar(s.var)
        ? sliceExpr(
            b.id(env.tangentName(s.var)),
            s,
            s.args.map((a) => env.value(a)),
            env.fn.vars[s.var].type,
          )
        : b.num(0);
    case 'call':
      return env.callTangent(s.id) ?? b.num(0);
    default:
      return assertNever(s, 'op');
  }
}
