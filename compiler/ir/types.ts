/**
 * The IR on one page.
 *
 * One function = parameters + a body region. A region is a list of statements;
 * control flow stays structured (`if`, `loop`, `break`, `continue`, `return`) so
 * that emitters can print code shaped like the input.
 *
 * Values:
 * - a *temp* (`TempId`) is an SSA value: defined once by an `op` statement,
 *   readable only later in the same region or in regions nested inside it;
 * - a *var* (`VarId`) is a mutable slot (parameter, `let`/`const` local, or a
 *   hidden variable the lowering introduced); it is read by a `read` op and
 *   written by an `assign` statement (or, for arrays, a `store`).
 *
 * Every op and statement carries the `Origin` of the source statement it came
 * from, which the emitters print as a `// source` comment.
 */

/** Scalar and array types. `int` is not a type: integer-ness is an analysis fact. */
export type ArrayType = 'number[]' | 'readonly number[]' | 'Float64Array' | 'Float32Array' | UnionArrayType;
/**
 * A numeric array whose kind is known only at run time (`number[] | Float32Array`, gl-matrix's
 * `[number, number, number] | Float32Array`, `ArrayLike<number>`), with the TypeScript text of its
 * members after `array:`, joined by ` | ` in a fixed order (2-lower/types.ts): `number[]`, tuples
 * `[number, number]`, `readonly number[]`, `readonly [number, number]`, `Float64Array`,
 * `Float32Array`, `ArrayLike<number>`. At run time it may be a plain array (a write past the end
 * extends it) or a typed array (a write past the end is ignored, a Float32Array rounds), so code
 * for it must be right for every member.
 */
export type UnionArrayType = `array:${string}`;
/**
 * Data the function only reads and never differentiates (`X: number[][]`,
 * `pts: { x: number; y: number }[]`, `opts: { scale: number }`), with the
 * TypeScript text of its type after `opaque:`. Reads of it (`X[i]`, `p.x`,
 * `.length`) are `get` ops; numbers read from it are constants.
 */
export type OpaqueType = `opaque:${string}`;
export type Type = 'number' | 'boolean' | ArrayType | OpaqueType;

export function isArrayType(t: Type): t is ArrayType {
  return t === 'number[]' || t === 'readonly number[]' || t === 'Float64Array' || t === 'Float32Array' || isUnionArray(t);
}

export function isUnionArray(t: Type): t is UnionArrayType {
  return t.startsWith('array:');
}

/** The members of a union array type, as written in generated code: `['[number, number]', 'Float32Array']`. */
export function unionMembers(t: UnionArrayType): string[] {
  return t.slice('array:'.length).split(' | ');
}

/** The kinds an array of type `t` may have at run time (`ArrayLike<number>`: any of them). */
export function runtimeKinds(t: ArrayType): ('plain' | 'Float64Array' | 'Float32Array')[] {
  if (!isUnionArray(t)) return [t === 'Float64Array' || t === 'Float32Array' ? t : 'plain'];
  const kinds = new Set<'plain' | 'Float64Array' | 'Float32Array'>();
  for (const m of unionMembers(t)) {
    if (m === 'Float64Array' || m === 'Float32Array') kinds.add(m);
    else if (m === 'ArrayLike<number>') ['plain', 'Float64Array', 'Float32Array'].forEach((k) => kinds.add(k as 'plain'));
    else kinds.add('plain');
  }
  return (['plain', 'Float64Array', 'Float32Array'] as const).filter((k) => kinds.has(k));
}

/** May be a typed array at run time: a write past its end is ignored, a read there is undefined. */
export function mayBeTyped(t: ArrayType): boolean {
  return runtimeKinds(t).some((k) => k !== 'plain');
}

/** May be a plain array at run time: a write past its end makes it longer. */
export function mayBePlain(t: ArrayType): boolean {
  return runtimeKinds(t).includes('plain');
}

/** Whether TypeScript lets code write its elements (not `readonly number[]`, not a union with a read-only member). */
export function isWritableArray(t: ArrayType): boolean {
  if (t === 'readonly number[]') return false;
  return !isUnionArray(t) || unionMembers(t).every((m) => !m.startsWith('readonly ') && m !== 'ArrayLike<number>');
}

export function isOpaqueType(t: Type): t is OpaqueType {
  return t.startsWith('opaque:');
}

/** Arrays and opaque data: values held by reference (recorded on the tape's object stack). */
export function isReferenceType(t: Type): t is ArrayType | OpaqueType {
  return isArrayType(t) || isOpaqueType(t);
}

/** The TypeScript text of an opaque type. */
export function opaqueText(t: OpaqueType): string {
  return t.slice('opaque:'.length);
}

/** A default value generated signatures print: a literal, or an object literal of literals (options). */
export type ParamDefault = { readonly literal: number | boolean | string } | DataObject;
/** An object literal of literals, data (`{ units: "miles" }`): its properties in source order. */
export interface DataObject {
  readonly object: readonly (readonly [string, number | boolean | string])[];
}

export type TempId = number;
export type VarId = number;

export interface Origin {
  readonly file: string;
  readonly line: number; // 1-based
  readonly col: number; // 1-based
  /** The source statement, on one line, for comments in generated code. */
  readonly text: string;
}

export interface Var {
  readonly id: VarId;
  /** Name in the source (unique within the function after lowering renames shadowed names). */
  readonly name: string;
  readonly type: Type;
  readonly role: 'param' | 'local' | 'hidden';
  /** True when declared directly in the function body (not inside a block, loop or branch). */
  readonly topLevel: boolean;
  /** Declared with `const` (or a parameter never assigned). */
  readonly constant: boolean;
  /**
   * A parameter's default value (`m = 10`, `biased = false`, `type = "call"`, `options = {}`):
   * generated functions keep it (a number only in the public ones: calls fill it in).
   */
  readonly init?: ParamDefault;
  /** A parameter that may be left out (`beta?: number`, or `n = x.length`, computed in the body). */
  readonly optional?: boolean;
}

/** Names of elementary operations; each has exactly one entry in the rule table. */
export type PrimName =
  // arithmetic
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'mod'
  | 'pow'
  | 'neg'
  // Math
  | 'sin'
  | 'cos'
  | 'tan'
  | 'asin'
  | 'acos'
  | 'atan'
  | 'atan2'
  | 'sinh'
  | 'cosh'
  | 'tanh'
  | 'asinh'
  | 'acosh'
  | 'atanh'
  | 'exp'
  | 'expm1'
  | 'log'
  | 'log1p'
  | 'log2'
  | 'log10'
  | 'sqrt'
  | 'cbrt'
  | 'hypot'
  | 'abs'
  | 'max'
  | 'min'
  | 'sign'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'trunc'
  | 'fround'
  // integer operations (piecewise constant: never differentiated)
  | 'bitand'
  | 'bitor'
  | 'bitxor'
  | 'bitnot'
  | 'shl'
  | 'shr'
  | 'ushr'
  | 'imul'
  | 'clz32'
  // comparisons, tests and logic (boolean results, never differentiated)
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'eq'
  | 'ne'
  | 'not'
  | 'and'
  | 'or'
  | 'truthy'
  | 'isnan'
  | 'isfinite'
  | 'isinteger'
  | 'nullish'
  | 'isundefined';

export type OpData =
  /**
   * A literal number or boolean; `name` is how to print it when it has one (`Math.PI`). A string
   * (compared with string data), `undefined` (an argument left out) and an object of literals
   * (`{ units: "miles" }`, options passed to a helper) are constants too.
   */
  | { readonly op: 'const'; readonly value: number | boolean | string | undefined | DataObject; readonly name?: string }
  /** The current value of a variable. */
  | { readonly op: 'read'; readonly var: VarId }
  /** An elementary operation from the rule table: args are its operands. */
  | { readonly op: 'prim'; readonly fn: PrimName }
  /** `c ? a : b` with args [c, a, b]; only for arms that cannot fail (reads and constants). */
  | { readonly op: 'select' }
  /**
   * A call of a user function (resolved key), args are the arguments. `nondiff`: the callee is
   * tagged `@nondiff`, its result a constant for differentiation (no derivative flows through it).
   */
  | { readonly op: 'call'; readonly callee: string; readonly nondiff?: true }
  /** `arr[index]`: args [index]. Out-of-range reads give NaN, as the primal's `undefined` does in arithmetic. */
  | { readonly op: 'load'; readonly var: VarId }
  /** `arr.length`. */
  | { readonly op: 'length'; readonly var: VarId }
  /**
   * A read of opaque data: `obj.key` (args [obj]) or `obj[index]` (args [obj, index], `key` undefined).
   * The result is a number or boolean (never differentiated), an array (read only), or opaque again;
   * `optional`: a property TypeScript types as possibly undefined (`weight?: number`), read with `!`.
   */
  | { readonly op: 'get'; readonly key: string | undefined; readonly optional?: boolean }
  /** A fresh array: `new Float64Array(n)` / `new Array(n).fill(v)` (args [n, v?]) or a literal `[a, b, c]` (args elements). */
  | { readonly op: 'newArray'; readonly type: ArrayType; readonly form: 'sized' | 'literal' }
  /** `src.slice(start?, end?)` / `src.subarray(start?, end?)` as a copy: args [start, end] (missing ones are absent). */
  | { readonly op: 'slice'; readonly var: VarId; readonly type: ArrayType; readonly hasStart: boolean; readonly hasEnd: boolean };

export type Op = OpData & {
  readonly kind: 'op';
  readonly id: TempId;
  readonly args: readonly TempId[];
  readonly type: Type;
  readonly origin: Origin;
};

export interface Assign {
  readonly kind: 'assign';
  readonly var: VarId;
  readonly value: TempId;
  /** This assignment is the variable's declaration (`let v = …`/`const v = …`). */
  readonly declare: boolean;
  readonly origin: Origin;
}

/** A declaration without initialiser: `let v: number;`. */
export interface Declare {
  readonly kind: 'declare';
  readonly var: VarId;
  /**
   * Printed `let v!: number`: TypeScript accepted the source's reads of `v` on grounds the generated
   * code does not show (the source's own `!`, a `switch` covering every value of its discriminant's type).
   */
  readonly definite?: boolean;
  /** The source's own `let v!: number`: nothing checked that v is assigned before it is read, so a read may be undefined. */
  readonly asserted?: boolean;
  readonly origin: Origin;
}

/** `arr[index] = value`. */
export interface Store {
  readonly kind: 'store';
  readonly var: VarId;
  readonly index: TempId;
  readonly value: TempId;
  readonly origin: Origin;
}

/** `arr.push(value)` on a local `number[]`. */
export interface Push {
  readonly kind: 'push';
  readonly var: VarId;
  readonly value: TempId;
  readonly origin: Origin;
}

/** `arr.fill(value)` over the whole array. */
export interface Fill {
  readonly kind: 'fill';
  readonly var: VarId;
  readonly value: TempId;
  readonly origin: Origin;
}

/**
 * `if (cond) throw new Error("message")` (or RangeError, TypeError): input validation. Not control
 * flow for differentiation: when it throws, no derivative is computed; generated code keeps it in
 * place, in every mode.
 */
export interface Check {
  readonly kind: 'check';
  readonly cond: TempId;
  readonly error: 'Error' | 'RangeError' | 'TypeError';
  readonly message: string;
  readonly origin: Origin;
}

export interface If {
  readonly kind: 'if';
  readonly cond: TempId;
  readonly then: Region;
  readonly else: Region;
  readonly origin: Origin;
}

/**
 * A loop. With `test` the region computing the condition `cond`:
 * - `for`/`while`: `while (true) { test; if (!cond) break; body; update }`
 * - `do`:          `while (true) { body; update; test; if (!cond) break }`  (update is empty)
 * `continue` jumps to the end of `body` (so `update`, or the test of a `do`, still runs).
 * `cond` is undefined for an infinite loop (`for (;;)`, `while (true)`).
 */
export interface Loop {
  readonly kind: 'loop';
  readonly id: number;
  readonly form: 'for' | 'while' | 'do';
  readonly test: Region;
  readonly cond: TempId | undefined;
  readonly body: Region;
  readonly update: Region;
  readonly origin: Origin;
  /**
   * `// @adc checkpoint N` on the line above it: reverse mode keeps at most `snapshots` copies of
   * the state the loop carries instead of its tape (reverse/checkpointed-loop.ts).
   */
  readonly checkpoint?: { readonly snapshots: number };
}

export interface Break {
  readonly kind: 'break';
  readonly loop: number;
  readonly origin: Origin;
}

export interface Continue {
  readonly kind: 'continue';
  readonly loop: number;
  readonly origin: Origin;
}

export interface Return {
  readonly kind: 'return';
  readonly value: TempId;
  readonly origin: Origin;
}

export type Stmt = Op | Assign | Declare | Store | Push | Fill | Check | If | Loop | Break | Continue | Return;
export type Region = readonly Stmt[];

export interface IRFunction {
  /** Unique key: `<absolute source path>#<name>`. */
  readonly key: string;
  readonly name: string;
  /** The path of its source file on disk. */
  readonly file: string;
  readonly exported: boolean;
  readonly params: readonly VarId[];
  readonly returnType: Type;
  readonly vars: readonly Var[];
  /** Type of every temp, indexed by TempId. */
  readonly temps: readonly Type[];
  readonly body: Region;
  readonly origin: Origin;
  /** Number of loops (loop ids are 0 … loopCount-1). */
  readonly loopCount: number;
  /** Present when a parameter or the result is an object: how the source's values map onto the IR's. */
  readonly structure?: Structure;
  /** Tagged `@nondiff`: calls of it are constants for differentiation (its primal copy keeps the tag). */
  readonly nondiff?: true;
  /**
   * Its derivatives are the user's rules (`@jvp`/`@vjp`): its body is empty, its calls call the
   * function itself for the value and the rules for derivatives (4-differentiate/rule-calls.ts).
   */
  readonly rule?: UserRule;
}

/** How generated code reaches a function it imports: from a file of the project, from a package, or as a global (neither). */
export interface RuleImport {
  /** The name it is exported (or declared) under. */
  readonly name: string;
  /** The absolute path of the file exporting it. */
  readonly file?: string;
  /** The package exporting it (`'special-functions'`). */
  readonly module?: string;
}

/** A function whose derivatives the user wrote: the function itself, and the rule of each mode given. */
export interface UserRule {
  readonly primal: RuleImport;
  /** The function's parameters: numbers, or numeric arrays (whose tangents and gradients are arrays). */
  readonly params: readonly Type[];
  readonly jvp?: RuleImport;
  readonly vjp?: RuleImport;
}

/**
 * A value of the source as IR values: one leaf, or an object whose properties are values
 * (in declaration order). Leaves are IR parameters (`VarId`) in a signature, positions in the
 * result array (`number`) in a result.
 */
export type Shape<Leaf> =
  | { readonly leaf: Leaf }
  /**
   * (`matrix`: a `number[][]` held as its numbers `data` and row `starts`; `grouped`: the matrices
   * of a list's objects, with `groups` too; `list`: an array of objects held as one value per
   * property of its objects, each across all of them; see 2-lower/types.ts `StructType`)
   */
  | { readonly object: readonly (readonly [string, Shape<Leaf>])[]; readonly matrix?: true; readonly grouped?: true; readonly list?: true };

/**
 * The source's signature of a function with objects among its parameters or as its result. Its
 * IR takes every leaf as a parameter of its own (`p: { x: number; W: number[] }` ⇒ `p_x`, `p_W`),
 * and returns an object of numbers as an array of them (in declaration order, depth first).
 */
export interface Structure {
  /** Each parameter of the source: its name, its type as generated code writes it, its leaves. */
  readonly params: readonly { readonly name: string; readonly text: string; readonly shape: Shape<VarId> }[];
  /** An object result: its type as generated code writes it, and where each property is in the IR's result. */
  readonly result?: { readonly text: string; readonly shape: Shape<ResultLeaf> };
}

/**
 * A property of an object result in the IR's result array, which holds the numbers and the
 * arrays' elements in declaration order, then the length of each array property: a number
 * (its position, when no array comes before it), or the `array`-th array property (of kind `type`).
 */
export type ResultLeaf = { readonly number: number } | { readonly array: number; readonly type: ArrayType };

/** The leaves of a shape, depth first. */
export function leavesOf<Leaf>(s: Shape<Leaf>): Leaf[] {
  return 'leaf' in s ? [s.leaf] : s.object.flatMap(([, f]) => leavesOf(f));
}

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
