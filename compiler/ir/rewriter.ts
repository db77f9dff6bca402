/**
 * Building a new IR function from an old one: same variables and temps, plus
 * fresh ones. Used by IR-to-IR passes (control normalization, spilling).
 */
import type { IRFunction, Op, OpData, Origin, PrimName, Stmt, TempId, Type, Var, VarId } from './types';
import { op } from './ops';

export class Rewriter {
  readonly vars: Var[];
  readonly temps: Type[];

  constructor(readonly fn: IRFunction) {
    this.vars = [...fn.vars];
    this.temps = [...fn.temps];
  }

  newVar(name: string, type: Type, topLevel = false, constant = false): VarId {
    const id = this.vars.length;
    this.vars.push({ id, name, type, role: 'hidden', topLevel, constant });
    return id;
  }

  op(out: Stmt[], data: OpData, args: readonly TempId[], type: Type, origin: Origin): TempId {
    const id = this.temps.length;
    this.temps.push(type);
    out.push({ ...data, kind: 'op', id, args, type, origin } as Op);
    return id;
  }

  constant(out: Stmt[], value: number | boolean, origin: Origin): TempId {
    return this.op(out, { op: 'const', value }, [], typeof value === 'boolean' ? 'boolean' : 'number', origin);
  }

  read(out: Stmt[], v: VarId, origin: Origin): TempId {
    return this.op(out, { op: 'read', var: v }, [], this.vars[v].type, origin);
  }

  prim(out: Stmt[], fn: PrimName, args: readonly TempId[], origin: Origin): TempId {
    return this.op(out, { op: 'prim', fn }, args, op(fn).result, origin);
  }

  assign(out: Stmt[], v: VarId, value: TempId, origin: Origin, declare = false): void {
    out.push({ kind: 'assign', var: v, value, declare, origin });
  }

  finish(body: readonly Stmt[], loopCount = this.fn.loopCount): IRFunction {
    return { ...this.fn, vars: this.vars, temps: this.temps, body, loopCount };
  }
}
