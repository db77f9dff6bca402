/**
 * Loops ⇒ `loop` statements: `for`, `while`, `do … while`, `for … of` (over arrays, their
 * `entries()`, and read-only data), `break`/`continue` (labels name the loop they leave).
 *
 * Guarantees: loops keep their form (`for`, `while`, `do`) with the condition in
 * a `test` region; `for … of` becomes an index loop.
 */
import { ts } from 'ts-morph';
import { destructurePlace, itemOf, pinPlace, placeKind, placeLength, placeOf } from './lists';
import { reassigned } from './reassignments';
import { errors } from '../diagnostics/catalog';
import { isArrayType, type Loop, type Region, type Stmt, type TempId, type Var, type VarId } from '../ir/types';
import { forEachStmt } from '../ir/walk';
import type { Diagnostic } from '../diagnostics/catalog';
import { fail, pos, type LowerContext } from './context';
import { skipOuter, isOpaqueExpr, dataGet, arrayVar, arrayOperand, indexLoop } from './helpers';
import { isHoisted, isVarList } from './var-scoping';

/** The test region and condition; `undefined` condition for an always-true test. */
function lowerTest(cx: LowerContext, expr: ts.Expression | undefined): { test: Stmt[]; cond: TempId | undefined } {
  if (!expr) return { test: [], cond: undefined };
  let cond: TempId | undefined;
  const test = cx.fn.region(() => {
    cond = cx.condition(expr);
  });
  if (cx.fn.constants.get(cond!) === true && test.length === 1) return { test: [], cond: undefined };
  return { test, cond };
}

export function lowerFor(cx: LowerContext, node: ts.ForStatement, label: string | undefined): void {
  cx.fn.withScope(() => {
    if (node.initializer) {
      if (ts.isVariableDeclarationList(node.initializer)) cx.declarations(node.initializer);
      else cx.expr(node.initializer);
    }
    const id = cx.fn.newLoop(label);
    const { test, cond } = lowerTest(cx, node.condition);
    const body = cx.fn.region(() => cx.block(node.statement));
    const update = cx.fn.region(() => {
      if (node.incrementor) cx.expr(node.incrementor);
    });
    cx.fn.endLoop();
    cx.fn.emit({ kind: 'loop', id, form: 'for', test, cond, body, update, origin: cx.fn.origin, ...checkpointOf(cx, node) });
  });
}

export function lowerWhile(cx: LowerContext, node: ts.WhileStatement, label: string | undefined): void {
  const id = cx.fn.newLoop(label);
  const { test, cond } = lowerTest(cx, node.expression);
  const body = cx.fn.region(() => cx.block(node.statement));
  cx.fn.endLoop();
  cx.fn.emit({ kind: 'loop', id, form: 'while', test, cond, body, update: [], origin: cx.fn.origin, ...checkpointOf(cx, node) });
}

export function lowerDo(cx: LowerContext, node: ts.DoStatement, label: string | undefined): void {
  const id = cx.fn.newLoop(label);
  const body = cx.fn.region(() => cx.block(node.statement));
  const { test, cond } = lowerTest(cx, node.expression);
  cx.fn.endLoop();
  cx.fn.emit({ kind: 'loop', id, form: 'do', test, cond, body, update: [], origin: cx.fn.origin, ...checkpointOf(cx, node) });
}

/** Snapshots kept when `// @adc checkpoint` names no number. */
export const defaultSnapshots = 64;

/**
 * `// @adc checkpoint` or `// @adc checkpoint N` among the comments right above a statement (above
 * its label, if it has one) ⇒ `{ snapshots: N }` (N rounded up to even: the schedule halves them).
 */
export function checkpointComment(cx: LowerContext, node: ts.Statement): { snapshots: number } | undefined {
  // (asked of every statement: a file without the directive anywhere answers at once)
  let mentions = filesWithCheckpoints.get(cx.sf);
  if (mentions === undefined) filesWithCheckpoints.set(cx.sf, (mentions = cx.sf.text.includes('@adc')));
  if (!mentions) return undefined;
  const at = ts.isLabeledStatement(node.parent) ? node.parent : node;
  const text = cx.sf.text;
  for (const c of ts.getLeadingCommentRanges(text, at.getFullStart()) ?? []) {
    const comment = text.slice(c.pos, c.end);
    const m = /^\/\/\s*@adc\s+checkpoint\b\s*(.*)$/.exec(comment);
    if (!m) continue;
    const arg = m[1].trim();
    const n = arg === '' ? defaultSnapshots : /^\d+$/.test(arg) ? Number(arg) : NaN;
    if (!(n >= 2 && n <= 1e6))
      return fail(
        errors.checkpoint(pos(cx, at), `// @adc checkpoint ${arg}: '${arg}' is not a number of snapshots; write // @adc checkpoint or // @adc checkpoint N, N from 2 to 1000000`),
      );
    return { snapshots: n + (n % 2) };
  }
  return undefined;
}

/** Whether a file mentions `@adc` at all, by file. */
const filesWithCheckpoints = new WeakMap<ts.SourceFile, boolean>();

function checkpointOf(cx: LowerContext, node: ts.Statement): Pick<Loop, 'checkpoint'> {
  const checkpoint = checkpointComment(cx, node);
  return checkpoint === undefined ? {} : { checkpoint };
}

/**
 * Where checkpointing is implemented: a loop that is a statement of the function's body (not
 * inside a branch, another loop or an inlined helper, nor after a `return` in a branch), without `return`, that gives no array
 * declared outside it a new array (snapshots copy arrays in place). Everything else is an error,
 * never a derivative computed some other way.
 */
export function checkpointPlacement(body: Region, vars: readonly Var[], sf: ts.SourceFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  const top = new Set(body);
  // (after a `return` inside a branch, the rest of the function runs under a flag: not at the top level either)
  let returned = false;
  forEachStmt(body, (s) => {
    if (s.kind === 'return') returned = true;
    if (s.kind !== 'loop' || s.checkpoint === undefined) return;
    const { file, line, col, text } = s.origin;
    const at = { file, line, col, length: text.length, ...(file === sf.fileName ? { sourceText: sf.text } : {}) };
    if (!top.has(s) || returned) return void out.push(errors.checkpoint(at, '// @adc checkpoint works on a loop at the top level of the function, without return, for now'));
    const declared = new Set<VarId>();
    let returns = false;
    const rebound: VarId[] = [];
    forEachStmt([s], (t) => {
      if (t.kind === 'declare' || (t.kind === 'assign' && t.declare)) declared.add(t.var);
      if (t.kind === 'return') returns = true;
      if (t.kind === 'assign' && !declared.has(t.var) && isArrayType(vars[t.var].type)) rebound.push(t.var);
    });
    if (returns) out.push(errors.checkpoint(at, '// @adc checkpoint works on a loop at the top level of the function, without return, for now'));
    for (const v of new Set(rebound))
      out.push(
        errors.checkpoint(
          at,
          `// @adc checkpoint: the loop gives '${vars[v].name}' a new array; a checkpointed loop keeps its arrays and writes their elements (copy into it instead)`,
        ),
      );
  });
  return out;
}

/** `for (const x of xs) body` ⇒ `for (i = 0; i < xs.length; i++) { const x = xs[i]; body }` */
export function lowerForOf(cx: LowerContext, node: ts.ForOfStatement, label: string | undefined): void {
  const init = node.initializer;
  const entries = entriesLoop(cx, node);
  if (entries) return lowerForOfArray(cx, node, entries.arr, entries.value, label, entries.index);
  const place = placeKind(cx, node.expression);
  if (ts.isVariableDeclarationList(init) && init.declarations.length === 1 && (place === 'list' || place === 'matrix'))
    return lowerForOfPlace(cx, node, init.declarations[0].name, (init.flags & ts.NodeFlags.Const) !== 0, label);
  if (ts.isVariableDeclarationList(init) && init.declarations.length === 1 && ts.isObjectBindingPattern(init.declarations[0].name) && isOpaqueExpr(cx, node.expression))
    return lowerForOfOpaque(cx, node, undefined, label);
  if (!ts.isVariableDeclarationList(init) || init.declarations.length !== 1 || !ts.isIdentifier(init.declarations[0].name))
    return fail(errors.unsupportedStatement(pos(cx, init), 'for … of without a single `const x` binding'));
  const name = init.declarations[0].name.text;
  if (isVarList(init) && isHoisted(init.declarations[0], cx.checker))
    return fail(
      errors.unsupportedStatement(
        pos(cx, init),
        `'var ${name}' is used after the loop or declared twice: declare the loop variable with const, and copy what you need after the loop into a variable declared before it`,
      ),
    );
  if (isOpaqueExpr(cx, node.expression)) return lowerForOfOpaque(cx, node, name, label);
  // (a row of a matrix: a copy of its numbers, read once as the loop does)
  lowerForOfArray(cx, node, place === 'row' ? arrayOperand(cx, node.expression) : arrayVar(cx, node.expression), name, label);
}

/** `for (const row of W)`, `for (const p of points)`, `for (const { x, y } of points)`: an index loop over the rows or objects, the name standing for each. */
function lowerForOfPlace(cx: LowerContext, node: ts.ForOfStatement, name: ts.BindingName, isConst: boolean, label: string | undefined): void {
  if (ts.isIdentifier(name) && !isConst && reassigned(cx, name))
    return fail(errors.unsupportedStatement(pos(cx, name), `'${name.text}' names a part of a matrix or of an array of objects and is assigned again: declare it with const`));
  const place = placeOf(cx, node.expression)!;
  // (the loop's counter is the item's index: of a whole list or matrix, not of a grouped matrix's element's rows)
  const whole = place.kind === 'list' || (place.kind === 'matrix' && place.group === undefined);
  const p = pinPlace(cx, place);
  forOfLoop(
    cx,
    node,
    label,
    () => placeLength(cx, p())!,
    (i) => destructurePlace(cx, name, itemOf(cx, p(), cx.fn.read(i)), isConst, whole ? i : undefined),
  );
}

/** `for (const [i, v] of xs.entries())` over an array variable: the index loop with both names bound. */
function entriesLoop(cx: LowerContext, node: ts.ForOfStatement): { arr: VarId; index: string; value: string } | undefined {
  const init = node.initializer;
  const e = skipOuter(node.expression);
  if (!ts.isVariableDeclarationList(init) || init.declarations.length !== 1 || !ts.isArrayBindingPattern(init.declarations[0].name)) return undefined;
  if (!ts.isCallExpression(e) || e.arguments.length !== 0 || !ts.isPropertyAccessExpression(e.expression) || e.expression.name.text !== 'entries') return undefined;
  const names = init.declarations[0].name.elements.map((el) =>
    ts.isBindingElement(el) && ts.isIdentifier(el.name) && !el.initializer && !el.dotDotDotToken ? el.name.text : undefined,
  );
  if (names.length !== 2 || names.some((n) => n === undefined)) return fail(errors.unsupportedStatement(pos(cx, init), 'for … of over entries() needs `const [i, x]`'));
  return { arr: arrayVar(cx, e.expression.expression), index: names[0]!, value: names[1]! };
}

function lowerForOfArray(cx: LowerContext, node: ts.ForOfStatement, arr: VarId, name: string, label: string | undefined, indexName?: string): void {
  const isConst = ((node.initializer as ts.VariableDeclarationList).flags & ts.NodeFlags.Const) !== 0;
  forOfLoop(
    cx,
    node,
    label,
    () => cx.fn.op({ op: 'length', var: arr }, [], 'number'),
    (index) => {
      cx.fn.assign(cx.fn.declare(name, 'number', 'local', isConst), cx.fn.op({ op: 'load', var: arr }, [cx.fn.read(index)], 'number'), true);
      if (indexName !== undefined) cx.fn.assign(cx.fn.declare(indexName, 'number', 'local', true), cx.fn.read(index), true);
    },
  );
}

/** `for (const row of X)` over opaque data: the same index loop, reading `X[i]` with `get`. */
function lowerForOfOpaque(cx: LowerContext, node: ts.ForOfStatement, name: string | undefined, label: string | undefined): void {
  const init = node.initializer as ts.VariableDeclarationList;
  const binding = init.declarations[0].name;
  const elementType = cx.checker.getTypeAtLocation(binding);
  const isConst = (init.flags & ts.NodeFlags.Const) !== 0;
  cx.fn.withScope(() => {
    // The data iterated: its own variable when it names one that is never reassigned, else a hidden one.
    const named = ts.isIdentifier(skipOuter(node.expression)) ? cx.fn.lookup((skipOuter(node.expression) as ts.Identifier).text) : undefined;
    let src: VarId;
    if (named !== undefined && cx.fn.vars[named].constant) src = named;
    else {
      const items = cx.expr(node.expression);
      src = cx.fn.declare('items', cx.fn.temps[items], 'hidden', true);
      cx.fn.assign(src, items, true);
    }
    forOfLoop(
      cx,
      node,
      label,
      () => cx.fn.op({ op: 'get', key: 'length' }, [cx.fn.read(src)], 'number'),
      (index) => {
        const element = dataGet(cx, cx.fn.read(src), { index: cx.fn.read(index) }, elementType);
        if (element === undefined) return fail(errors.localType(pos(cx, binding), name ?? binding.getText(cx.sf), cx.checker.typeToString(elementType)));
        if (ts.isObjectBindingPattern(binding)) cx.destructureData(binding, element, isConst);
        else cx.fn.assign(cx.fn.declare(name!, cx.fn.temps[element], 'local', isConst), element, true);
      },
    );
  });
}

/** `for (… of …) body` as an index loop over `length()`: `bind(i)` declares the loop's names, then the body. */
function forOfLoop(cx: LowerContext, node: ts.ForOfStatement, label: string | undefined, length: () => TempId, bind: (index: VarId) => void): void {
  cx.fn.withScope(() =>
    indexLoop(
      cx,
      length,
      (index) => {
        bind(index);
        if (ts.isBlock(node.statement)) cx.stmts(node.statement.statements);
        else cx.stmt(node.statement);
      },
      { scoped: true, label },
    ),
  );
}

export function lowerJump(cx: LowerContext, node: ts.BreakOrContinueStatement): void {
  const label = node.label?.text;
  const loop = cx.fn.targetLoop(label, ts.isBreakStatement(node) ? 'break' : 'continue');
  if (loop === undefined)
    return fail(
      errors.unsupportedStatement(
        pos(cx, node),
        label ? `a jump to the label '${label}', which is not on an enclosing loop` : `${ts.isBreakStatement(node) ? 'break' : 'continue'} outside a loop`,
      ),
    );
  cx.fn.emit({ kind: ts.isBreakStatement(node) ? 'break' : 'continue', loop, origin: cx.fn.origin });
}
