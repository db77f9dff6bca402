/**
 * The one naming policy of generated code.
 *
 * - user variables keep their source names;
 * - tangents (forward mode) are `d<name>`: `dx`, `de`, `dt3`;
 * - adjoints (reverse mode) are `<name>_bar`: `x_bar`, `t3_bar`;
 * - temporaries are `t1`, `t2`, … numbered per generated function in order of appearance,
 *   except a temp that initialises a user's `const` inside a loop or branch, which takes its
 *   name (`nameTempAfter`); the adjoint of a temp never printed is named after what it is
 *   (`y_i_bar` for `y[i]`, `diff_bar`, `sin_bar`: `describeTemp`), so every adjoint names a
 *   value the code shows;
 * - helpers are `<f>_pushforward` / `<f>_pullback`, suffixed with the active
 *   parameters when not all of them are active: `dist_pullback_a`.
 * A name that is taken gets `_2`, `_3`, … so nothing the user wrote is shadowed.
 *
 * Two scopes: module-level names (public functions, helpers, primal copies of
 * called functions, the runtime namespace) and each function's locals. A local
 * never takes a module-level name, present or future: the names of every
 * function the file may copy, and every helper name derived from one, are known
 * before the first local is named (`ModuleNames`).
 */
import type { IRFunction, TempId, VarId } from '../ir/types';
import type { JsExpr } from '../5-print/js';

export const reserved: ReadonlySet<string> = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof ' +
    'new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public ' +
    'await async of as any number boolean undefined NaN Infinity Math Number Array Float64Array Float32Array Object Error adc'
  ).split(' '),
);

export class Namer {
  private readonly used = new Set<string>(reserved);

  /** `taken`: names claimed elsewhere (the module-level names of the file, for a function's locals). */
  constructor(private readonly taken: (name: string) => boolean = () => false) {}

  private free(name: string): boolean {
    return !this.used.has(name) && !this.taken(name);
  }

  /** Claims `base` exactly if free, else `base_2`, `base_3`, … */
  claim(base: string): string {
    if (this.free(base)) {
      this.used.add(base);
      return base;
    }
    for (let i = 2; ; i++) {
      const c = `${base}_${i}`;
      if (this.free(c)) {
        this.used.add(c);
        return c;
      }
    }
  }

  has(name: string): boolean {
    return this.used.has(name);
  }
}

/** Names of one generated function: variables, their tangents/adjoints, temps, API parameters. */
export class FunctionNames {
  readonly namer: Namer;
  private readonly varNames: string[] = [];
  private readonly tangentNames = new Map<VarId, string>();
  private readonly tangentOwners = new Map<string, VarId>();
  private readonly adjointNames = new Map<VarId, string>();
  private readonly tempNames = new Map<TempId, string>();
  private readonly tempTangents = new Map<TempId, string>();
  private readonly tempAdjoints = new Map<TempId, string>();
  /** Every tangent name given (`tangent`, `tempTangent`): what a vector sweep gives one copy per direction (forward/lanes.ts). */
  readonly tangentNameSet = new Set<string>();
  private tempCount = 0;
  /** The `tN` names temps were given (`temp`). */
  private readonly numbered = new Set<string>();
  /** Variable names given to temps (`nameTempAfter`). */
  private readonly aliased = new Set<string>();
  /** What unnamed temps are (`describeTemp`). */
  private readonly descriptions = new Map<TempId, string>();
  private readonly moduleNames: ModuleNames;
  /** The claimed names of the `api` parameters, in order. */
  readonly apiNames: readonly string[];

  /**
   * `paramsOnly`: for wrappers that never see the function's locals. `api`: the
   * generated parameters (`out`, `cotangent`), claimed right after the function's
   * own parameters so that a local of the same name yields, not the signature.
   */
  constructor(
    readonly fn: IRFunction,
    moduleNames: ModuleNames,
    paramsOnly = false,
    api: readonly string[] = [],
  ) {
    this.namer = new Namer((name) => moduleNames.has(name));
    this.moduleNames = moduleNames;
    for (const id of fn.params) this.varNames[id] = this.namer.claim(fn.vars[id].name);
    this.apiNames = api.map((n) => this.namer.claim(n));
    const order = paramsOnly ? [] : fn.vars.map((v) => v.id).filter((id) => !fn.params.includes(id));
    for (const id of order) {
      const v = fn.vars[id];
      this.varNames[id] = v.role === 'hidden' ? '' : this.namer.claim(v.name);
    }
    for (const id of order) {
      const v = fn.vars[id];
      if (v.role === 'hidden') this.varNames[id] = this.namer.claim(v.name);
    }
  }

  variable(v: VarId): string {
    return this.varNames[v];
  }

  /** The variable whose tangent an atom names (`ds_x`, `-ds_x`), among those named so far. */
  tangentOwner(e: JsExpr): VarId | undefined {
    const id = e.k === 'un' && e.op === '-' ? e.e : e;
    return id.k === 'id' ? this.tangentOwners.get(id.name) : undefined;
  }

  tangent(v: VarId): string {
    let n = this.tangentNames.get(v);
    if (n === undefined) {
      n = this.namer.claim(`d${this.varNames[v]}`);
      this.tangentNames.set(v, n);
      this.tangentOwners.set(n, v);
      this.tangentNameSet.add(n);
    }
    return n;
  }

  adjoint(v: VarId): string {
    let n = this.adjointNames.get(v);
    if (n === undefined) {
      n = this.namer.claim(`${this.varNames[v]}_bar`);
      this.adjointNames.set(v, n);
    }
    return n;
  }

  temp(t: TempId): string {
    let n = this.tempNames.get(t);
    if (n === undefined) {
      n = this.namer.claim(`t${++this.tempCount}`);
      this.tempNames.set(t, n);
      this.numbered.add(n);
    }
    return n;
  }

  /**
   * Names temp `t` after variable `v` (`x` rather than `t2`) when `v` is never printed itself (so its
   * claimed name is free) and no other temp took it; before `t` is first named.
   */
  nameTempAfter(t: TempId, v: VarId): void {
    const name = this.varNames[v];
    if (this.tempNames.has(t) || this.aliased.has(name)) return;
    this.aliased.add(name);
    this.tempNames.set(t, name);
  }

  /** Whether `name` is (or may become) a module-level name of the file: no local may take it. */
  isModuleName(name: string): boolean {
    return this.moduleNames.has(name);
  }

  /** Whether `name` is a temp's `tN` name (not a variable's name a temp took). */
  isTempName(name: string): boolean {
    return this.numbered.has(name);
  }

  tempTangent(t: TempId): string {
    let n = this.tempTangents.get(t);
    if (n === undefined) {
      n = this.namer.claim(`d${this.temp(t)}`);
      this.tempTangents.set(t, n);
      this.tangentNameSet.add(n);
    }
    return n;
  }

  /**
   * What temp `t` is, as a name (`x` for a read of x, `y_i` for y[i], `sin` for Math.sin(…)): when `t`
   * is printed as its expression and never named, its adjoint is named after that, not after `t2`.
   */
  describeTemp(t: TempId, base: string): void {
    this.descriptions.set(t, base);
  }

  /** `t2_bar` for a temp printed as `t2`; for one never named, after what it is (`describeTemp`): `y_i_bar`. */
  tempAdjointBase(t: TempId): string {
    const described = this.tempNames.has(t) ? undefined : this.descriptions.get(t);
    return `${described ?? this.temp(t)}_bar`;
  }

  tempAdjoint(t: TempId): string {
    let n = this.tempAdjoints.get(t);
    if (n === undefined) {
      n = this.namer.claim(this.tempAdjointBase(t));
      this.tempAdjoints.set(t, n);
    }
    return n;
  }

  /** A fresh name for something the emitter introduces (`value`, `n1`, saved copies). */
  fresh(base: string): string {
    return this.namer.claim(base);
  }
}

/** What a function's locals must not be called: the module-level names of its generated file. */
export interface ModuleNames {
  has(name: string): boolean;
}

/** A helper's kind: one tangent (`pushforward`), several at once (`pushforwards`, forward/lanes.ts), or adjoints (`pullback`). */
export type HelperKind = 'pushforward' | 'pushforwards' | 'pullback';

/** `dist_pullback` or `dist_pullback_a_c` when only some parameters are active. */
export function helperName(fnName: string, kind: HelperKind, paramNames: readonly string[], active: readonly boolean[]): string {
  const all = active.every((a) => a);
  return all ? `${fnName}_${kind}` : `${fnName}_${kind}_${paramNames.filter((_, i) => active[i]).join('_') || 'none'}`;
}
