/**
 * Small helpers the construct files share: skipping parentheses and casts, folding constant
 * primitives, the IR type of a node, recognising read-only data, naming array values, reads of
 * data, assignable variables, index loops. It imports no construct file: what a helper lowers
 * it lowers through the context (`cx.expr`).
 */
import { ts } from 'ts-morph';
import { errors, type Diagnostic } from '../diagnostics/catalog';
import { isArrayType, isOpaqueType, opaqueText, type PrimName, type Stmt, type TempId, type Type, type VarId } from '../ir/types';
import { rule } from '../rules/table';
import { assignedTarget, forEachNode } from '../1-frontend/walk';
import { resolveCallee } from '../1-frontend/functions';
import { writtenParameters } from '../1-frontend/writes';
import { fail, pos, type LocalFunction, type LowerContext } from './context';
import type { StructVar } from './builder';
import { dataType, irType, opaqueType } from './types';
import { isModuleConstant, neverAssigned } from './module-constants';
import { closest } from '../diagnostics/spelling';

export function skipOuter(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
  return e;
}

/** `null`, `undefined` (not a local of that name), `void 0`: no value. */
export function isNullishLiteral(cx: LowerContext, node: ts.Expression): boolean {
  const e = skipOuter(node);
  return e.kind === ts.SyntaxKind.NullKeyword || ts.isVoidExpression(e) || (ts.isIdentifier(e) && e.text === 'undefined' && cx.fn.lookup('undefined') === undefined);
}

/**
 * What a path into an object variable names (`p`, `p.x`, `s.body.pos`): a property's variable, or an
 * object variable; undefined when `node` is no such path.
 */
export function structPath(cx: LowerContext, node: ts.Expression): VarId | StructVar | undefined {
  const e = skipOuter(node);
  if (ts.isIdentifier(e)) return notMoved(cx, e, cx.fn.lookupStruct(e.text));
  // (`this` in a method: the receiver, bound as an object variable named `this`)
  if (e.kind === ts.SyntaxKind.ThisKeyword) return cx.fn.lookupStruct('this');
  if (ts.isPropertyAccessExpression(e) && !e.questionDotToken && (ts.isIdentifier(e.name) || ts.isPrivateIdentifier(e.name))) {
    const base = structPath(cx, e.expression);
    // (a matrix's or list's variables are not its properties: lists.ts reads them)
    return base === undefined || typeof base === 'number' || base.struct.matrix || base.struct.list ? undefined : notMoved(cx, e, base.fields.get(e.name.text));
  }
  return undefined;
}

/**
 * An object used by a name after it was put into an array of objects (`const bodies = [ball]`, then
 * `ball.x`): the array holds a copy of its numbers, right only while nothing changes objects; an
 * error where the function (where it was put in, from there on, or here) changes objects.
 */
function notMoved<T extends VarId | StructVar | undefined>(cx: LowerContext, e: ts.Expression, found: T): T {
  const m = typeof found === 'object' ? cx.fn.movedObjects.get(found) : undefined;
  if (!m) return found;
  const holds = (t: ts.Type) => mayHold(cx, t, (found as StructVar).struct);
  if (!(changesObjects(cx, m.root, m.node, holds) || changesObjects(cx, cx.root, undefined, holds))) return found;
  return fail(
    errors.unsupportedExpression(
      pos(cx, e),
      `'${e.getText(cx.sf)}' is used after it was put into the array '${m.into}' (at ${m.at.file === cx.sf.fileName ? '' : `${m.at.file.split('/').pop()}:`}${m.at.line}:${m.at.col}), and the function changes objects that may hold it: generated code keeps the array's objects apart from the names they had. Use it through the array from there on (\`${m.into}[i]\`, a for-of over it), or put a copy in (\`{ ...${e.getText(cx.sf)} }\`)`,
    ),
  );
}

/** The variable `node` names: a local or parameter (`xs`), or a property of an object variable (`p.W`). */
export function varOf(cx: LowerContext, node: ts.Expression): VarId | undefined {
  const e = skipOuter(node);
  if (ts.isIdentifier(e)) return cx.fn.lookup(e.text);
  const leaf = structPath(cx, e);
  return typeof leaf === 'number' ? leaf : undefined;
}

export function prim(cx: LowerContext, fn: PrimName, args: readonly TempId[]): TempId {
  const r = rule(fn);
  // Fold operations on constants (Math.PI / 2, -1, 2 ** 10): exact, and keeps literals recognisable.
  const values = args.map((a) => cx.fn.constants.get(a));
  const named = args.some((a) => cx.fn.named.has(a));
  if (!named && values.every((v) => typeof v === 'number') && fn !== 'and' && fn !== 'or' && r.result === 'number') {
    return cx.fn.constant(r.evaluate(values as number[]) as number);
  }
  return cx.fn.op({ op: 'prim', fn }, args, r.result);
}

export function typeOfNode(cx: LowerContext, node: ts.Node): Type | undefined {
  return irType(cx.checker.getTypeAtLocation(node), cx.checker);
}

/**
 * The type of a local: as `typeOfNode`, but `number | undefined` counts as a number (an element
 * read under `noUncheckedIndexedAccess`, `const [a, b] = xs`): generated code holds the same
 * value, and computes with it exactly as the primal does.
 */
export function localTypeOf(cx: LowerContext, node: ts.Node): Type | undefined {
  const t = cx.checker.getTypeAtLocation(node);
  return irType(t, cx.checker) ?? irType(cx.checker.getNonNullableType(t), cx.checker);
}

/** Whether `node` reads data the function never differentiates: an opaque variable, or a property or element of one. */
export function isOpaqueExpr(cx: LowerContext, node: ts.Expression): boolean {
  const e = skipOuter(node);
  const path = structPath(cx, e);
  if (path !== undefined) return typeof path === 'number' && isOpaqueType(cx.fn.vars[path].type);
  if (ts.isIdentifier(e)) {
    const v = cx.fn.lookup(e.text);
    return v !== undefined && isOpaqueType(cx.fn.vars[v].type);
  }
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) return isOpaqueExpr(cx, e.expression);
  return false;
}

/** The expression at the root of an opaque read (`X` of `X[i].y`; `params.W` of `params.W[i]`, a property of an object variable). */
function opaqueRoot(cx: LowerContext, node: ts.Expression): ts.Expression {
  const e = skipOuter(node);
  if (!ts.isIdentifier(e) && typeof structPath(cx, e) === 'number') return e;
  return ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) ? opaqueRoot(cx, e.expression) : e;
}

/**
 * The error for doing more than reading data (`what`: writing to it, calling its methods) at
 * `node`. When the data is a parameter of the function whose type holds numbers (an object,
 * `number[][]`), or part of one, the parameter is the cause: the error is there, naming the use.
 */
export function dataMisuse(cx: LowerContext, node: ts.Node, what: string, data: ts.Expression, alternative: 'index' | 'copy'): Diagnostic {
  const root = opaqueRoot(cx, data);
  const param = dataParameter(cx, root, 0);
  const at = pos(cx, node);
  if (!param)
    return errors.readOnlyData(at, what, root.getText(cx.sf), alternative === 'index' ? 'loop over it with an index, or pass it to a function that takes number[]' : undefined);
  const text = opaqueType(cx.checker.getTypeAtLocation(param), cx.checker)?.slice('opaque:'.length) ?? '';
  const instead = alternative === 'index' ? 'loop over it with an index' : 'copy what you need into a local array';
  const kind = /\}\)?(\[\])+$/.test(text)
    ? 'an array of objects'
    : /^(readonly )?\{/.test(text)
      ? 'an object'
      : /^(readonly )?number(\[\])+$/.test(text)
        ? `a ${text}`
        : `of type '${param.type?.getText(cx.sf) ?? text}'`;
  return errors.dataParameter(pos(cx, param.name), param.name.getText(cx.sf), kind, `${what} (at ${at.line}:${at.col})`, instead);
}

/**
 * The parameter of the function being lowered whose value `e` is, directly or through locals
 * (`const row = X[i]`, `for (const row of X)`), when its type holds numbers.
 */
function dataParameter(cx: LowerContext, e: ts.Expression, depth: number): ts.ParameterDeclaration | undefined {
  const root = opaqueRoot(cx, e);
  const decl = ts.isIdentifier(root) && depth < 10 ? cx.checker.getSymbolAtLocation(root)?.valueDeclaration : undefined;
  if (!decl) return undefined;
  if (ts.isParameter(decl)) {
    const text = decl.parent === cx.root ? opaqueType(cx.checker.getTypeAtLocation(decl), cx.checker) : undefined;
    return text !== undefined && /\bnumber\b/.test(text) ? decl : undefined;
  }
  if (!ts.isVariableDeclaration(decl)) return undefined;
  if (decl.initializer) return dataParameter(cx, decl.initializer, depth + 1);
  const loop = decl.parent.parent;
  return ts.isForOfStatement(loop) ? dataParameter(cx, loop.expression, depth + 1) : undefined;
}

export function requireNumber(cx: LowerContext, node: ts.Node, t: TempId): void {
  const type = cx.fn.temps[t];
  if (type === 'number') return;
  if (isOpaqueType(type) && cx.checker.getTypeAtLocation(node).flags & ts.TypeFlags.StringLike)
    return fail(
      errors.unsupportedExpression(
        pos(cx, node),
        'arithmetic with a string: strings are data, never differentiated; compute with numbers, and make strings outside differentiated code',
      ),
    );
  fail(errors.unsupportedExpression(pos(cx, node), `arithmetic on a value of type ${isOpaqueType(type) ? opaqueText(type) : type}`));
}

/** True when a detached region only reads and computes (no calls, writes or control flow): safe to run eagerly. */
function isEager(stmts: readonly Stmt[]): boolean {
  return stmts.every(
    (s) =>
      s.kind === 'op' &&
      (s.op === 'const' ||
        s.op === 'read' ||
        s.op === 'length' ||
        s.op === 'load' ||
        (s.op === 'prim' && rule(s.fn).result === 'boolean') ||
        (s.op === 'prim' && s.args.length <= 2 && ['add', 'sub', 'neg', 'mul'].includes(s.fn))),
  );
}

/**
 * `l && right()`, `l || right()` on booleans, `right` lowered only where JavaScript evaluates it:
 * one `and`/`or` when it only reads and computes, else `h = l; if (l) { …; h = r }` (for ||: if (!l)).
 */
export function lazyLogical(cx: LowerContext, fn: 'and' | 'or', l: TempId, right: () => TempId): TempId {
  let r = -1;
  const rhs = cx.fn.region(() => {
    r = right();
  });
  if (isEager(rhs)) {
    cx.fn.splice(rhs);
    return prim(cx, fn, [l, r]);
  }
  const h = cx.fn.declare('cond', 'boolean', 'hidden', false);
  cx.fn.assign(h, l, true);
  const test = fn === 'and' ? l : prim(cx, 'not', [l]);
  const then = [...rhs, { kind: 'assign' as const, var: h, value: r, declare: false, origin: cx.fn.origin }];
  cx.fn.emit({ kind: 'if', cond: test, then, else: [], origin: cx.fn.origin });
  return cx.fn.read(h);
}

/**
 * An array value that is not a variable (`[a, b]`, `x.slice(1)`, `g(x)`) gets a
 * hidden variable, so that every array the derivatives handle has a name:
 *   return [a, b]   ⇒   const result = [a, b]; return result
 */
export function namedArray(cx: LowerContext, t: TempId, hint: string): TempId {
  if (!isArrayType(cx.fn.temps[t])) return t;
  const last = cx.fn.current[cx.fn.current.length - 1];
  if (last && last.kind === 'op' && last.id === t && last.op === 'read') return t;
  const v = cx.fn.declare(hint, cx.fn.temps[t], 'hidden', true);
  cx.fn.assign(v, t, true);
  return cx.fn.read(v);
}

/** Whether the statement that just produced an array value made a fresh one (not another variable's array). */
export function isFreshArray(cx: LowerContext, made: Stmt | undefined): boolean {
  if (!made || made.kind !== 'op') return false;
  // `xs.map(…)` yields a fresh array held by a hidden variable, `dense(layer, x)` inlined one its local
  // held (gone with the helper's scope): naming it is not aliasing.
  return made.op === 'slice' || made.op === 'newArray' || made.op === 'call' || (made.op === 'read' && (cx.fn.vars[made.var].role === 'hidden' || cx.fn.isGone(made.var)));
}

export { endsFlow } from '../ir/walk';

/**
 * A read of data, `obj.key` or `obj[index]`, of declared type `t`; undefined when `t` is not a
 * type data may have. An optional number or boolean property may be undefined, as in the primal
 * (read with `!`); an element read gets `!` where the project checks indexed access.
 */
export function dataGet(cx: LowerContext, obj: TempId, at: { key: string } | { index: TempId }, t: ts.Type): TempId | undefined {
  const present = cx.checker.getNonNullableType(t);
  const type = dataType('index' in at ? present : t, cx.checker);
  if (type === undefined) return undefined;
  if ('index' in at) return cx.fn.op({ op: 'get', key: undefined }, [obj, at.index], type);
  const optional = (type === 'number' || type === 'boolean') && t !== present;
  return cx.fn.op(optional ? { op: 'get', key: at.key, optional } : { op: 'get', key: at.key }, [obj], type);
}

/** The local function `node` names (`sq` of `const sq = (t) => t * t` declared in this function), if any. */
export function localFunctionOf(cx: LowerContext, node: ts.Expression): LocalFunction | undefined {
  if (!ts.isIdentifier(node)) return undefined;
  const decl = cx.checker.getSymbolAtLocation(node)?.valueDeclaration;
  return decl ? cx.localFunctions.get(decl) : undefined;
}

/**
 * Checks that every variable `local` captures from the enclosing function is the one the same
 * name finds where `local` is used (no declaration in between shadows it), so that inlining its
 * body there reads what the closure would.
 */
export function checkCaptures(cx: LowerContext, local: LocalFunction, at: ts.Node): void {
  if (cx.inlining.has(local.fn)) return fail(errors.closure(pos(cx, at), `'${local.name}' calls itself: move it to module level`));
  const inside = (d: ts.Node, n: ts.Node) => d.getSourceFile() === n.getSourceFile() && d.pos >= n.pos && d.end <= n.end;
  if (!local.fn.body) return;
  forEachNode(local.fn.body, (n) => {
    if (ts.isIdentifier(n) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) {
      const decl = cx.checker.getSymbolAtLocation(n)?.valueDeclaration;
      if (decl && inside(decl, cx.root) && !inside(decl, local.fn) && !cx.localFunctions.has(decl) && !cx.functionArguments.has(decl)) {
        const depth = cx.fn.lookupDepth(n.text);
        if (depth === undefined || depth > local.depth)
          return fail(errors.closure(pos(cx, at), `'${local.name}' uses '${n.text}', which is not the same variable where it is called: rename one of them`));
      }
    }
  });
}

/** The variable an assignment writes to; parameters and `let`s only. */
export function assignable(cx: LowerContext, target: ts.Expression): number {
  const leaf = ts.isIdentifier(target) ? undefined : structPath(cx, target);
  if (typeof leaf === 'number' && !isOpaqueType(cx.fn.vars[leaf].type)) {
    if (isArrayType(cx.fn.vars[leaf].type)) return fail(errors.arrayAlias(pos(cx, target), `assigning a new array to '${target.getText(cx.sf)}': write its elements instead`));
    return leaf;
  }
  if (!ts.isIdentifier(target) && isOpaqueExpr(cx, target)) return fail(dataMisuse(cx, target, `assigning to '${target.getText(cx.sf)}'`, target, 'copy'));
  if (!ts.isIdentifier(target)) return fail(errors.unsupportedExpression(pos(cx, target), `assignment to '${target.getText(cx.sf)}'`));
  const v = cx.fn.lookup(target.text);
  if (v === undefined) return fail(cx.checker.getSymbolAtLocation(target) === undefined ? unknownName(cx, target) : errors.moduleVariable(pos(cx, target), target.text));
  const info = cx.fn.vars[v];
  if (info.constant && info.role !== 'param') return fail(errors.assignmentToConst(pos(cx, target), target.text));
  if (isArrayType(info.type)) return fail(errors.arrayAlias(pos(cx, target), `assigning a new array to '${target.text}'`));
  return v;
}

/** ADC120 for a name that is declared nowhere, with the name in scope it is most likely a typo of. */
export function unknownName(cx: LowerContext, id: ts.Identifier): Diagnostic {
  const most = id.text.length < 3 ? 0 : id.text.length < 6 ? 1 : 2;
  const names = cx.checker.getSymbolsInScope(id, ts.SymbolFlags.Value).map((s) => s.name);
  return errors.unknownName(pos(cx, id), id.text, most === 0 ? undefined : closest(id.text, names, most));
}

/**
 * The member of `Math` a name stands for when it comes from a module-level
 * `const { sqrt, PI: pi } = Math` (also `let`/`var`, exported or imported, that nothing
 * assigns) or `const math_sqrt = Math.sqrt`, also reached through a namespace import
 * (`glMatrix.abs`): `sqrt`, `PI`.
 */
export function mathAlias(cx: LowerContext, id: ts.Identifier | ts.PropertyAccessExpression): string | undefined {
  let sym = cx.checker.getSymbolAtLocation(ts.isPropertyAccessExpression(id) ? id.name : id);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = cx.checker.getAliasedSymbol(sym);
  const decl = sym?.valueDeclaration;
  const isMath = (e: ts.Expression) => ts.isIdentifier(e) && e.text === 'Math';
  if (decl && ts.isVariableDeclaration(decl) && isModuleConstant(decl, cx.checker)) {
    const init = skipOuter(decl.initializer!);
    return ts.isPropertyAccessExpression(init) && isMath(skipOuter(init.expression)) ? init.name.text : undefined;
  }
  if (!decl || !ts.isBindingElement(decl) || !ts.isObjectBindingPattern(decl.parent) || !ts.isIdentifier(decl.name)) return undefined;
  const vd = decl.parent.parent;
  if (!ts.isVariableDeclaration(vd) || !vd.initializer || !ts.isVariableStatement(vd.parent.parent) || !ts.isSourceFile(vd.parent.parent.parent)) return undefined;
  if (!(vd.parent.flags & ts.NodeFlags.Const) && !neverAssigned(decl.name, cx.checker)) return undefined;
  if (!isMath(skipOuter(vd.initializer)) || decl.dotDotDotToken) return undefined;
  const key = decl.propertyName ?? decl.name;
  return ts.isIdentifier(key) ? key.text : undefined;
}

/** The value of a parameter's default when it is a constant numeric expression (`10`, `2 * Math.PI`, a module constant). */
export function constantDefault(cx: LowerContext, p: ts.ParameterDeclaration): number | undefined {
  let t = -1;
  try {
    cx.fn.region(() => {
      t = cx.expr(p.initializer!);
    });
  } catch {
    return undefined;
  }
  const v = cx.fn.constants.get(t);
  return typeof v === 'number' ? v : undefined;
}

/** The array variable an expression names (`xs` in `xs[i]`, `xs.length`). */
export function arrayVar(cx: LowerContext, node: ts.Expression): VarId {
  const e = skipOuter(node);
  const leaf = structPath(cx, e);
  if (typeof leaf === 'number' && isArrayType(cx.fn.vars[leaf].type)) return leaf;
  if (ts.isIdentifier(e)) {
    const v = cx.fn.lookup(e.text);
    if (v !== undefined && isArrayType(cx.fn.vars[v].type)) return v;
    if (v !== undefined) return fail(errors.unsupportedExpression(pos(cx, e), `indexing '${e.text}', which is not an array`));
  }
  return fail(errors.unsupportedExpression(pos(cx, e), `'${e.getText(cx.sf)}' as an array: index a parameter or a local array variable`));
}

/** The variable naming an array operand: the variable itself, or a hidden one holding an array-valued expression. */
export function arrayOperand(cx: LowerContext, node: ts.Expression): VarId {
  const e = skipOuter(node);
  // (a name standing for a row of a matrix is a copy of it here)
  if (ts.isIdentifier(e) && cx.fn.lookupCursor(e.text) === undefined) return arrayVar(cx, e);
  const t = cx.expr(e);
  const type = cx.fn.temps[t];
  if (!isArrayType(type)) return fail(errors.unsupportedExpression(pos(cx, e), `'${e.getText(cx.sf).slice(0, 40)}' as an array`));
  const last = cx.fn.current[cx.fn.current.length - 1];
  if (last && last.kind === 'op' && last.id === t && last.op === 'read') return last.var; // already a variable (a map's result)
  const v = cx.fn.declare('array', type, 'hidden', true);
  cx.fn.assign(v, t, true);
  return v;
}

/**
 * Emits `for (; i < arr.length; i++) { body(i) }`, with `index` already set to where it starts,
 * or a new hidden `i` from 0; `scoped` gives the body a scope of its own (callbacks' parameters).
 */
export function loopOverArray(
  cx: LowerContext,
  arr: VarId,
  body: (index: VarId) => void,
  { index, scoped = false, bound }: { index?: VarId; scoped?: boolean; bound?: VarId } = {},
): void {
  const length = () => (bound !== undefined ? cx.fn.read(bound) : cx.fn.op({ op: 'length', var: arr }, [], 'number'));
  indexLoop(cx, length, body, { index, scoped });
}

/**
 * `for (; i < length(); i++) { body(i) }` (the length read again each time, as the primal does),
 * with `index` already set to where it starts or a new hidden `i` from 0; `scoped` gives the body
 * a scope of its own; `label` names the loop for `break`/`continue`.
 */
export function indexLoop(
  cx: LowerContext,
  length: () => TempId,
  body: (index: VarId) => void,
  { index, scoped = false, label }: { index?: VarId; scoped?: boolean; label?: string } = {},
): void {
  const fn = cx.fn;
  if (index === undefined) {
    index = fn.declare('i', 'number', 'hidden', false);
    fn.assign(index, fn.constant(0), true);
  }
  const i = index;
  const loopId = fn.newLoop(label);
  let cond = -1;
  const test = fn.region(() => {
    cond = prim(cx, 'lt', [fn.read(i), length()]);
  });
  const region = scoped ? fn.withScope(() => fn.region(() => body(i))) : fn.region(() => body(i));
  const update = fn.region(() => {
    fn.assign(i, prim(cx, 'add', [fn.read(i), fn.constant(1)]));
  });
  fn.endLoop();
  fn.emit({ kind: 'loop', id: loopId, form: 'for', test, cond, body: region, update, origin: fn.origin });
}

/** Whether `later` may run after `first` has: it comes after it, or a loop holds both. */
export function mayRunAfter(first: ts.Node, later: ts.Node): boolean {
  if (later.pos >= first.end) return true;
  if (later.pos >= first.pos && later.end <= first.end) return false; // (part of it: before, or the same)
  for (let n: ts.Node | undefined = first.parent; n; n = n.parent) {
    if (ts.isFunctionLike(n)) return false;
    if (ts.isIterationStatement(n, false) && later.pos >= n.pos && later.end <= n.end) return true;
  }
  return false;
}

/** A write into an object: where it is, and the objects it writes into (`a.b` of `a.b.c = v`, the arguments a callee writes). */
interface ObjectWrite {
  readonly node: ts.Node;
  readonly objects: readonly ts.Expression[];
}

const objectWrites = new WeakMap<ts.Node, readonly ObjectWrite[]>();

/**
 * Whether the function `root` may change an object (after `after`, when given): a property or
 * element assigned or incremented, or a call of a function or method of the project that writes a
 * parameter or its object; with `holds`, only a write into an object whose type may hold the one
 * asked about (`acc.add(x)` of an accumulator holding numbers changes no point). Errs towards
 * "changes".
 */
export function changesObjects(cx: LowerContext, root: ts.Node, after?: ts.Node, holds?: (t: ts.Type) => boolean): boolean {
  let writes = objectWrites.get(root);
  if (!writes) {
    const found: ObjectWrite[] = [];
    forEachNode(root, (n) => {
      const written = assignedTarget(n);
      const target = written && skipOuter(written);
      if (target && (ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target))) found.push({ node: n, objects: [target.expression] });
      if (ts.isCallExpression(n)) {
        const resolved = resolveCallee(n.expression, cx.checker);
        const written = 'source' in resolved ? writtenParameters(resolved.source.node, cx.checker) : new Set<number>();
        const callee = skipOuter(n.expression);
        const objects = [...written].flatMap((k) => (k === -1 ? (ts.isPropertyAccessExpression(callee) ? [callee.expression] : []) : n.arguments[k] ? [n.arguments[k]] : []));
        if (written.size > 0) found.push({ node: n, objects });
      }
    });
    writes = found;
    objectWrites.set(root, writes);
  }
  const into = (w: ObjectWrite) => holds === undefined || w.objects.length === 0 || w.objects.some((o) => holds(cx.checker.getTypeAtLocation(o)));
  return writes.some((w) => (after === undefined || mayRunAfter(after, w.node)) && into(w));
}

/**
 * Whether a value of type `t` may be or hold (in a property or element, at any depth) an object of
 * the class or shape `struct`: an unknown type may.
 */
export function mayHold(cx: LowerContext, t: ts.Type, struct: { readonly text: string; readonly cls?: ts.ClassDeclaration }, depth = 0, seen = new Set<ts.Type>()): boolean {
  const u = cx.checker.getNonNullableType(t);
  if (u.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter) || depth > 6) return true;
  // (a type met before is answered there: three.js's objects reach each other many ways)
  if (seen.has(u)) return false;
  seen.add(u);
  const inner = (p: ts.Type) => mayHold(cx, p, struct, depth + 1, seen);
  if (u.isUnion() || u.isIntersection()) return u.types.some(inner);
  if (!(u.flags & ts.TypeFlags.Object)) return false;
  if (cx.checker.isArrayType(u) || cx.checker.isTupleType(u)) return cx.checker.getTypeArguments(u as ts.TypeReference).some(inner);
  const decl = u.getSymbol()?.declarations?.[0];
  if (struct.cls && decl && (decl === struct.cls || (ts.isClassDeclaration(decl) && extendsClass(cx, decl, struct.cls)))) return true;
  if (!struct.cls && opaqueType(u, cx.checker) === `opaque:${struct.text}`) return true;
  return cx.checker.getPropertiesOfType(u).some((p) => {
    const d = p.valueDeclaration ?? p.declarations?.[0];
    return !(d && (ts.isMethodDeclaration(d) || ts.isMethodSignature(d))) && inner(cx.checker.getTypeOfSymbol(p));
  });
}

/** Whether class `c` extends `base`, at any depth. */
export function extendsClass(cx: LowerContext, c: ts.ClassDeclaration, base: ts.ClassDeclaration, depth = 0): boolean {
  const e = c.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
  const d = e && cx.checker.getSymbolAtLocation(e)?.declarations?.find(ts.isClassDeclaration);
  return d !== undefined && depth < 20 && (d === base || extendsClass(cx, d, base, depth + 1));
}
