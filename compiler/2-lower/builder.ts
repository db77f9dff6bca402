/**
 * The mutable state of lowering one function: variables and their scopes,
 * temps, the stack of regions being filled, and the loops that `break` and
 * `continue` may target.
 */
import type { ts } from 'ts-morph';
import type { ArrayType, DataObject, Op, OpData, Origin, ParamDefault, Region, Stmt, TempId, Type, Var, VarId } from '../ir/types';
import type { StructType } from './types';
import type { Position } from '../diagnostics/catalog';

/**
 * An object variable (a parameter or local of a `StructType`): one IR variable per property, an
 * object again for a nested one. Two names may share one (`const q = p`), as two JavaScript
 * variables hold one object.
 */
export interface StructVar {
  readonly struct: StructType;
  readonly fields: ReadonlyMap<string, VarId | StructVar>;
}

/**
 * The value of an object expression: per property a temp (a number, data), an array variable (an
 * array property names the array, as JavaScript's objects hold references), or an object again.
 */
export interface StructValue {
  readonly struct: StructType;
  readonly fields: ReadonlyMap<string, StructLeaf>;
  /**
   * The object variable whose current value this is (a read of a path), when it is one: the value
   * is that object (a nested object of a spread `{ ...p }` is `p.pos` itself), not a copy of it.
   */
  readonly source?: StructVar;
  /** A hidden copy of one of several objects (`c ? p : q`): JavaScript would not copy it. */
  readonly copy?: true;
}

export type StructLeaf = { readonly temp: TempId } | { readonly array: VarId } | StructValue;

/**
 * A name that stands for a part of a matrix or of a list of objects (`const p = points[i]`, `for
 * (const layer of model.layers)`, a helper's parameter given `W[i]`): what it is, at the index that
 * `at` holds (see lists.ts).
 */
export interface Cursor {
  readonly cursor: 'element' | 'matrix' | 'row';
  /** The list (of an element), or the matrix (of a row, or of a grouped matrix's element's rows). */
  readonly of: StructVar;
  readonly at: VarId;
}

/** What a name stands for in a scope: a variable, an object variable, or a part of a list or matrix. */
type Binding = VarId | StructVar | Cursor;

interface LoopContext {
  readonly id: number;
  readonly label: string | undefined;
  /** A `switch` lowered as a one-iteration loop: `break` may target it, `continue` may not. */
  readonly kind: 'loop' | 'switch';
  /** How many scopes were open where it starts (what is made in its body is deeper). */
  readonly depth: number;
}

/** The scopes visible at a point of lowering, innermost last (see `captureScopes`). */
export interface CapturedScopes {
  readonly maps: readonly Map<string, Binding>[];
  readonly depths: readonly number[];
}

export interface Mark {
  readonly regions: number;
  readonly emitted: number;
  readonly scopes: number;
  readonly loops: number;
}

export class FunctionBuilder {
  readonly vars: Var[] = [];
  readonly temps: Type[] = [];
  private readonly regions: Stmt[][] = [[]];
  private readonly scopes: Map<string, Binding>[] = [new Map()];
  /** Each scope's depth in the source (1 = the outermost): its index + 1, except in a function passed as an argument (`withCapturedScopes`). */
  private readonly depths: number[] = [1];
  private readonly declaredIn = new Map<VarId, Map<string, Binding>>();
  /** Scopes a lookup does not search past: the body of a function of the project inlined here. */
  private readonly barriers = new Set<number>();
  private readonly loops: LoopContext[] = [];
  private loopCount = 0;
  /** Origin of the statement being lowered: every op and statement gets it. */
  origin: Origin;
  /**
   * Object variables a second name holds (`o.pos` of `const o = { ...p }` is `p.pos`), with where,
   * while that name is in scope: generated code may not replace one as a whole (structs.ts `shareObject`).
   */
  readonly sharedObjects = new Map<StructVar, { readonly at: Position; readonly depth: number }>();
  /**
   * Objects put into an array of objects (`const bodies = [ball]`, `ps.push(p)`), with where and
   * into what: the array holds a copy of their numbers, so they may not be used by their own names
   * afterwards where the function changes objects (helpers.ts `structPath` checks each use).
   */
  readonly movedObjects = new Map<StructVar, { readonly at: Position; readonly node: ts.Node; readonly root: ts.Node; readonly into: string }>();
  /** The scope depth each object variable was made at: one made deeper than where lowering is now is gone (a callee's local). */
  readonly madeAt = new WeakMap<StructVar, number>();
  /** Temps known to hold a constant value (for folding `Math.PI * 2` and recognising literals). */
  readonly constants = new Map<TempId, number | boolean>();

  constructor(origin: Origin) {
    this.origin = origin;
  }

  get loopTotal(): number {
    return this.loopCount;
  }

  /** The region currently being filled. */
  get current(): Stmt[] {
    return this.regions[this.regions.length - 1];
  }

  emit(s: Stmt): void {
    this.current.push(s);
  }

  op(data: OpData, args: readonly TempId[], type: Type): TempId {
    const id = this.temps.length;
    this.temps.push(type);
    this.emit({ ...data, kind: 'op', id, args, type, origin: this.origin } as Op);
    if (data.op === 'const' && (typeof data.value === 'number' || typeof data.value === 'boolean')) this.constants.set(id, data.value);
    return id;
  }

  constant(value: number | boolean, name?: string): TempId {
    const id = this.op(name === undefined ? { op: 'const', value } : { op: 'const', value, name }, [], typeof value === 'boolean' ? 'boolean' : 'number');
    if (name !== undefined) this.named.add(id);
    return id;
  }

  /** Constants that have a name (`Math.PI`): kept as they are, not folded into literals. */
  readonly named = new Set<TempId>();

  read(v: VarId): TempId {
    return this.op({ op: 'read', var: v }, [], this.vars[v].type);
  }

  assign(v: VarId, value: TempId, declare = false): void {
    this.emit({ kind: 'assign', var: v, value, declare, origin: this.origin });
  }

  /** Where lowering stands: `rewind` goes back to it after a statement failed, dropping what that statement emitted. */
  mark(): Mark {
    return { regions: this.regions.length, emitted: this.current.length, scopes: this.scopes.length, loops: this.loops.length };
  }

  rewind(m: Mark): void {
    this.regions.length = m.regions;
    this.current.length = m.emitted;
    this.scopes.length = m.scopes;
    this.depths.length = m.scopes;
    this.loops.length = m.loops;
  }

  /** Runs `fill` with a fresh region on top and returns what it emitted. */
  region(fill: () => void): Stmt[] {
    this.regions.push([]);
    try {
      fill();
    } finally {
      // popped below
    }
    return this.regions.pop()!;
  }

  /** Appends statements lowered into a detached region (see `region`). */
  splice(stmts: readonly Stmt[]): void {
    this.current.push(...stmts);
  }

  withScope<T>(fill: () => T): T {
    this.scopes.push(new Map());
    this.depths.push(this.depths[this.depths.length - 1] + 1);
    try {
      return fill();
    } finally {
      this.scopes.pop();
      this.depths.pop();
      for (const [v, s] of this.sharedObjects) if (s.depth > this.scopes.length) this.sharedObjects.delete(v);
    }
  }

  /** A scope from which no name of the scopes around it is visible (a function of the project, inlined). */
  withIsolatedScope<T>(fill: () => T): T {
    const at = this.scopes.length;
    this.barriers.add(at);
    try {
      return this.withScope(fill);
    } finally {
      this.barriers.delete(at);
    }
  }

  /** The names visible here, for a function passed as an argument (its body, inlined in the callee, sees them: `withCapturedScopes`). */
  captureScopes(): CapturedScopes {
    let lowest = 0;
    for (let i = this.scopes.length - 1; i >= 0; i--)
      if (this.barriers.has(i)) {
        lowest = i;
        break;
      }
    return { maps: this.scopes.slice(lowest), depths: this.depths.slice(lowest) };
  }

  /** A scope seeing only the names `captured` (those of the place a function was passed from), not those around it. */
  withCapturedScopes<T>(captured: CapturedScopes, fill: () => T): T {
    const at = this.scopes.length;
    this.scopes.push(...captured.maps);
    this.depths.push(...captured.depths);
    this.barriers.add(at);
    try {
      return this.withScope(fill);
    } finally {
      this.barriers.delete(at);
      this.scopes.length = at;
      this.depths.length = at;
    }
  }

  /** Whether the scope `v` was declared in has closed: a local of a helper inlined here, which only the value it returned still reaches. */
  isGone(v: VarId): boolean {
    const scope = this.declaredIn.get(v);
    return scope !== undefined && !this.scopes.includes(scope);
  }

  /** How many scopes are open (names declared now live until it drops below this). */
  get scopeDepth(): number {
    return this.scopes.length;
  }

  /** Makes `name` stand for an object variable in the innermost scope. */
  bindStruct(name: string, s: StructVar): void {
    this.scopes[this.scopes.length - 1].set(name, s);
  }

  /** The object variable `name` stands for, if it is one. */
  lookupStruct(name: string): StructVar | undefined {
    const b = this.binding(name);
    return typeof b === 'object' && 'struct' in b ? b : undefined;
  }

  /** Makes `name` stand for a part of a list or matrix in the innermost scope. */
  bindCursor(name: string, c: Cursor): void {
    this.scopes[this.scopes.length - 1].set(name, c);
  }

  /** The part of a list or matrix `name` stands for, if it is one. */
  lookupCursor(name: string): Cursor | undefined {
    const b = this.binding(name);
    return typeof b === 'object' && 'cursor' in b ? b : undefined;
  }

  private binding(name: string): Binding | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const v = this.scopes[i].get(name);
      if (v !== undefined) return v;
      if (this.barriers.has(i)) return undefined;
    }
    return undefined;
  }

  /** A new variable; `named`: the source refers to it by its name (not a hidden one, not a property of an object variable). */
  declare(name: string, type: Type, role: Var['role'], constant: boolean, named = role !== 'hidden'): VarId {
    const id = this.vars.length;
    this.vars.push({ id, name, type, role, constant, topLevel: this.scopes.length <= 2 && this.regions.length === 1 });
    this.declaredIn.set(id, this.scopes[this.scopes.length - 1]);
    if (named) this.scopes[this.scopes.length - 1].set(name, id);
    return id;
  }

  /** Gives parameter `v` its default value, or makes it one a call may leave out. */
  setDefault(v: VarId, init: ParamDefault | undefined, optional = false): void {
    this.vars[v] = { ...this.vars[v], ...(init ? { init } : {}), ...(optional ? { optional } : {}) };
  }

  /** A string (compared with string data), the `undefined` of an argument left out, or an object of literals, of type `type`. */
  datum(value: string | undefined | DataObject, type: Type): TempId {
    return this.op({ op: 'const', value }, [], type);
  }

  /** Makes `name` refer to an existing variable in the innermost scope (callback parameters bound to hidden loop variables). */
  lookupOverride(name: string | undefined, v: VarId): void {
    if (name !== undefined) this.scopes[this.scopes.length - 1].set(name, v);
  }

  /** How deep in the source the innermost open scope is (a local function remembers where it was declared). */
  get depth(): number {
    return this.depths[this.depths.length - 1];
  }

  /** How deep in the source the scope where `name` is declared is (1 = the outermost). */
  lookupDepth(name: string): number | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      if (this.scopes[i].has(name)) return this.depths[i];
      if (this.barriers.has(i)) return undefined;
    }
    return undefined;
  }

  lookup(name: string): VarId | undefined {
    const b = this.binding(name);
    return typeof b === 'number' ? b : undefined;
  }

  newLoop(label: string | undefined, kind: LoopContext['kind'] = 'loop'): number {
    const id = this.loopCount++;
    this.loops.push({ id, label, kind, depth: this.scopes.length });
    return id;
  }

  /** How many scopes were open where the innermost loop (not a switch) being lowered starts; undefined outside loops. */
  get loopDepth(): number | undefined {
    for (let i = this.loops.length - 1; i >= 0; i--) if (this.loops[i].kind === 'loop') return this.loops[i].depth;
    return undefined;
  }

  endLoop(): void {
    this.loops.pop();
  }

  /** The loop a `break`/`continue` targets: the innermost (a `continue` skips switches), or the one with the label. */
  targetLoop(label: string | undefined, jump: 'break' | 'continue' = 'break'): number | undefined {
    for (let i = this.loops.length - 1; i >= 0; i--) {
      if (jump === 'continue' && this.loops[i].kind === 'switch') continue;
      if (label === undefined || this.loops[i].label === label) return this.loops[i].id;
    }
    return undefined;
  }

  get body(): Region {
    return this.regions[0];
  }
}

export type { ArrayType, ts };
