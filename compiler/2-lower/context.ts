/**
 * What lowering one function needs from outside: the type checker, the source
 * file, the builder, and a place to record the user functions it calls; and the
 * recursion (`cx.expr`, `cx.stmt`, …) through which construct files lower the
 * parts of a construct, installed by dispatch.ts when the context is created.
 */
import { ts } from 'ts-morph';
import { CompileError, type Diagnostic, type Position } from '../diagnostics/catalog';
import type { ArrayType, TempId, Type, VarId } from '../ir/types';
import { originOf, positionOf } from '../1-frontend/position';
import type { FunctionNode, FunctionSource } from '../1-frontend/functions';
import type { RuleEntry, RuleTable } from '../1-frontend/rules';
import type { CapturedScopes, FunctionBuilder, StructValue, StructVar } from './builder';
import type { StructType } from './types';

/**
 * Lowering of the parts of a construct, by the dispatcher (dispatch.ts): construct files call
 * these instead of each other.
 */
export interface Lowering {
  /** An expression ⇒ the temp holding its value. */
  expr(e: ts.Expression): TempId;
  /** A boolean-valued expression (conditions of `if`, loops, `?:`, `&&`); numbers count by their truthiness. */
  condition(e: ts.Expression): TempId;
  /** A statement (`label`: the label on a loop). */
  stmt(s: ts.Statement, label?: string): void;
  /** Statements of a block, hoisting its function declarations and dropping what follows a jump. */
  stmts(list: readonly ts.Statement[]): void;
  /** A block or a single statement, in a scope of its own. */
  block(s: ts.Statement): void;
  /** The body of an inlined function (an array callback, a local function): its value, if it has one. */
  loopBody(fn: FunctionNode, isForEach: boolean, resultType?: Type): TempId | undefined;
  /** `let`/`const` declarations. */
  declarations(list: ts.VariableDeclarationList): void;
  /** `a[i] = …`, `a[i] += …`, `a[i]++`: `compute` gives the value from the current element; returns the value written. */
  assignElement(target: ts.ElementAccessExpression | ts.PropertyAccessExpression, compute: (current: () => TempId) => TempId): TempId;
  /** The initial value of an array variable: always a fresh array. */
  arrayInit(e: ts.Expression, type: ArrayType): TempId;
  /** `{ x, y: py }` of read-only data `obj`: one property read per name. */
  destructureData(pattern: ts.ObjectBindingPattern, obj: TempId, isConst: boolean): void;
  /** Lowers a statement (or an expression body) so that its error is recorded in `recovery` and lowering goes on after it. */
  attempt(node: ts.Node, lower: () => void): void;
  /** A call of a function of the project that returns an object `struct` (its body inlined here): the object. */
  structCall(e: ts.CallExpression, struct: StructType): StructValue;
  /** The list (an array of objects, type `struct`) an expression gives: local-lists.ts `listOf`. */
  list(e: ts.Expression, struct: StructType): StructVar;
  /** The matrix (`number[][]`, type `struct`) an expression gives: local-matrices.ts `matrixOf`. */
  matrix(e: ts.Expression, struct: StructType): StructVar;
  /** `source.map(cb)` or `source.forEach(cb)` lowered as a forEach over `source` (an array, data, a matrix's rows, a list's objects). */
  forEach(call: ts.CallExpression, source: ts.Expression): void;
  /** `new C(…)` of a class of the project (its constructor inlined here): the new object. */
  construct(e: ts.NewExpression, struct: StructType): StructValue;
  /** `v.lengthSq`, a getter of a class of the project (its body inlined here): its value, a number or an object `struct`. */
  getter(e: ts.PropertyAccessExpression, struct: StructType | undefined): TempId | StructValue;
}

/**
 * The errors of one function, all of them: a statement that fails is recorded here and lowering
 * goes on with the next one (dispatch.ts `attempt`), without the cascade its failure would cause.
 */
export interface Recovery {
  readonly diagnostics: Diagnostic[];
  /** Names declared by statements that failed: a statement using one fails quietly (its error is a consequence). */
  readonly poisoned: Set<ts.Symbol>;
  /** A statement holding a `return` failed: whether the end of the function can be reached is not known. */
  flowUnknown: boolean;
}

export interface LowerContext extends Lowering {
  readonly checker: ts.TypeChecker;
  /** The file of the code being lowered (a function of the project inlined from another file: that file). */
  readonly sf: ts.SourceFile;
  readonly fn: FunctionBuilder;
  /** The function being lowered (or inlined), for messages. */
  readonly name: string;
  /** The object type the function returns, when it returns one (its `return`s give an object). */
  readonly result?: StructType;
  /** A marked function that returns nothing: the value its `return;` (and its end) gives, the parameter it writes. */
  readonly finalValue?: () => TempId;
  /** Every user function called, by key (the driver lowers them on demand). */
  readonly callees: Map<string, FunctionSource>;
  /** Files the function's calls resolve through (imports, re-exports, module constants). */
  readonly files: Set<string>;
  /** `x.subarray(…)` views (and a matrix's rows, `row`): generated code copies them, which is only faithful when neither side is written. */
  readonly views: { readonly source: VarId; readonly temp: TempId; readonly at: Position; readonly text: string; readonly row?: true }[];
  /** The function being lowered (its node, to tell captured variables from module-level names). */
  readonly root: ts.Node;
  /**
   * Functions declared inside it (`const sq = (t: number) => t * t`, `function step(…) {…}`), by
   * declaration node; `depth` is the scope they were declared in. Each call is inlined.
   */
  readonly localFunctions: Map<ts.Node, LocalFunction>;
  /** The functions passed to the callees being inlined now, by their parameter's declaration. */
  readonly functionArguments: Map<ts.Node, FunctionArgument>;
  /** Local functions being inlined now (a recursive one is an error). */
  readonly inlining: Set<ts.Node>;
  /** The project's user rules (`@jvp`/`@vjp`): calls of their functions use them. */
  readonly rules?: RuleTable;
  readonly recovery: Recovery;
}

/**
 * A function passed as an argument, in the callee it was passed to (function-arguments.ts): an
 * arrow or local function (its body inlined where called, seeing the names of the place it was
 * passed from), a function of the project, or a `Math` function.
 */
export type FunctionArgument =
  | {
      readonly kind: 'closure';
      readonly name: string;
      readonly fn: ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration;
      readonly scopes: CapturedScopes;
      readonly scope: ClosureScope;
      /** The functions being inlined where it was passed. */
      readonly inlining: ReadonlySet<ts.Node>;
    }
  | { readonly kind: 'project'; readonly name: string; readonly callee: { readonly source: FunctionSource; readonly via: string[] } }
  | { readonly kind: 'math'; readonly name: string; readonly alias: string }
  /** A function with user rules (`@jvp NAME`, `@vjp NAME`). */
  | { readonly kind: 'rule'; readonly name: string; readonly rule: RuleEntry }
  /** None: an optional function parameter left out (`valueof?: (d: number) => number`); calling it is an error, `valueof === undefined` is true. */
  | { readonly kind: 'absent'; readonly name: string }
  /** One of two, chosen where it was passed (`c ? f : g`): `test` holds the choice. */
  | { readonly kind: 'choice'; readonly name: string; readonly test: VarId; readonly then: FunctionArgument; readonly else: FunctionArgument };

/** The function being lowered where a function was passed: its body is inlined as if there. */
export type ClosureScope = Pick<LowerContext, 'sf' | 'root' | 'name' | 'result' | 'finalValue'>;

export interface LocalFunction {
  readonly name: string;
  readonly fn: ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration;
  readonly depth: number;
}

export function fail(d: Diagnostic): never {
  throw new CompileError(d);
}

export function pos(cx: LowerContext, node: ts.Node) {
  return positionOf(node, cx.sf);
}

/**
 * Runs `fill` as if lowering the function `root` (of file `sf`, named `name`, returning `result`):
 * the body of a function of the project inlined here.
 */
export function inFunction<T>(cx: LowerContext, scope: Pick<LowerContext, 'sf' | 'root' | 'name' | 'result' | 'finalValue'>, fill: () => T): T {
  const m = cx as { -readonly [K in keyof LowerContext]: LowerContext[K] };
  const saved = { sf: m.sf, root: m.root, name: m.name, result: m.result, finalValue: m.finalValue };
  Object.assign(m, scope);
  try {
    return fill();
  } finally {
    Object.assign(m, saved);
  }
}

/** Runs `fill` with the origin of a source statement. */
export function atStatement<T>(cx: LowerContext, node: ts.Node, fill: () => T): T {
  const saved = cx.fn.origin;
  cx.fn.origin = originOf(node, cx.sf);
  try {
    return fill();
  } finally {
    cx.fn.origin = saved;
  }
}
