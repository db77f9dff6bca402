/**
 * Branches: `if` (and `if (c) throw new Error("…")` validation), conditions, `?:`, `&&`/`||`/`??`
 * and their assignments `||=`/`&&=`/`??=`. (`switch` is switch-statement.ts.)
 *
 * Short-circuit operators and `?:` keep their laziness: when the part that may
 * not run contains anything but reads and constants, they become an `if` that
 * assigns a hidden variable, so an untaken `Math.log(x)` is never evaluated,
 * in the primal nor in any derivative.
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import { isArrayType, isOpaqueType, type OpaqueType, type Stmt, type TempId, type VarId } from '../ir/types';
import { opaqueType } from './types';
import { fail, pos, type LowerContext } from './context';
import { lazyAssignment } from './operators';
import { skipOuter, prim, localTypeOf, requireNumber, lazyLogical, isFreshArray, assignable } from './helpers';
import { staticCondition } from './function-arguments';
import { inPlace } from './lists';

export function lowerIf(cx: LowerContext, node: ts.IfStatement): void {
  const thrown = validation(cx, node);
  if (thrown) {
    cx.fn.emit({ kind: 'check', cond: lowerCondition(cx, node.expression), ...thrown, origin: cx.fn.origin });
    // `if (c) { throw … } else rest` is `if (c) throw …; rest` (simple-statistics' else-if chains of checks and returns).
    if (node.elseStatement) cx.block(node.elseStatement);
    return;
  }
  // (`if (valueof === undefined)` on a function parameter: only the branch taken is there)
  const known = staticCondition(cx, node.expression);
  if (known !== undefined) {
    const taken = known ? node.thenStatement : node.elseStatement;
    if (taken) cx.block(taken);
    return;
  }
  const cond = lowerCondition(cx, node.expression);
  const then = cx.fn.region(() => cx.block(node.thenStatement));
  const els = node.elseStatement ? cx.fn.region(() => cx.block(node.elseStatement!)) : [];
  cx.fn.emit({ kind: 'if', cond, then, else: els, origin: cx.fn.origin });
}

/**
 * `if (c) throw new Error("message")` (or `RangeError`, `TypeError`; braces optional, an `else`
 * after it runs when the check passes): input validation, kept as it is in generated code. Other
 * throws are errors.
 */
function validation(cx: LowerContext, node: ts.IfStatement): { error: 'Error' | 'RangeError' | 'TypeError'; message: string } | undefined {
  const then = node.thenStatement;
  const stmt = ts.isBlock(then) && then.statements.length === 1 ? then.statements[0] : then;
  if (!ts.isThrowStatement(stmt) || !stmt.expression) return undefined;
  const e = skipOuter(stmt.expression);
  if (!ts.isNewExpression(e) || !ts.isIdentifier(e.expression) || !['Error', 'RangeError', 'TypeError'].includes(e.expression.text)) return undefined;
  const args = e.arguments ?? [];
  if (args.length > 1) return undefined;
  const text = args[0] && skipOuter(args[0]);
  if (text && !ts.isStringLiteral(text) && !ts.isNoSubstitutionTemplateLiteral(text))
    return fail(errors.unsupportedStatement(pos(cx, text), 'throw with a computed message (use a string literal)'));
  return { error: e.expression.text as 'Error' | 'RangeError' | 'TypeError', message: text ? text.text : '' };
}

/** A boolean-valued expression (conditions of `if`, loops, `?:`, `&&`). */
export function lowerCondition(cx: LowerContext, node: ts.Expression): TempId {
  // `if (a || b)` on numbers: only truthiness counts, whichever operand is chosen.
  const e = skipOuter(node);
  if (ts.isBinaryExpression(e) && (e.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken || e.operatorToken.kind === ts.SyntaxKind.BarBarToken))
    return lowerLogical(cx, e);
  // (`if (valueof)`: whether a function was given is known here)
  const given = staticCondition(cx, e);
  if (given !== undefined) return cx.fn.constant(given);
  const t = cx.expr(node);
  // A number as a condition is JavaScript's truthiness: false for 0, -0 and NaN.
  if (cx.fn.temps[t] === 'number') return prim(cx, 'truthy', [t]);
  if (cx.fn.temps[t] !== 'boolean') {
    return fail(errors.unsupportedExpression(pos(cx, node), `a condition of type ${cx.fn.temps[t]}`));
  }
  return t;
}

/** `a && b`, `a || b` as booleans: in a condition, or on booleans (numbers count by their truthiness). */
function lowerLogical(cx: LowerContext, e: ts.BinaryExpression): TempId {
  const isAnd = e.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken;
  return lazyLogical(cx, isAnd ? 'and' : 'or', lowerCondition(cx, e.left), () => lowerCondition(cx, e.right));
}

/** `a && b`, `a || b`: on numbers the operand JavaScript chooses (see `lowerChoice`), else booleans. */
export function lowerAndOr(cx: LowerContext, e: ts.BinaryExpression): TempId {
  // (`xs[i] || 0` under noUncheckedIndexedAccess: `number | undefined` operands count as numbers)
  const data = dataChoiceType(cx, e);
  if (data !== undefined) return lowerChoice(cx, e.operatorToken.kind === ts.SyntaxKind.BarBarToken ? '||' : '&&', cx.expr(e.left), e.right, data);
  if (localTypeOf(cx, e) !== 'number') return lowerLogical(cx, e);
  const a = cx.expr(e.left);
  requireNumber(cx, e.left, a);
  return lowerChoice(cx, e.operatorToken.kind === ts.SyntaxKind.BarBarToken ? '||' : '&&', a, e.right);
}

/** `a ?? b` on numbers (see `lowerChoice`). */
export function lowerNullish(cx: LowerContext, e: ts.BinaryExpression): TempId {
  const data = dataChoiceType(cx, e);
  if (data !== undefined) return lowerChoice(cx, '??', cx.expr(e.left), e.right, data);
  const a = cx.expr(e.left);
  requireNumber(cx, e.left, a);
  return lowerChoice(cx, '??', a, e.right);
}

/** `x ||= b`, `x &&= b`, `x ??= b` (and `xs[i] ||= b`, `xs[i] ??= b`). */
export function lowerLazyAssignment(cx: LowerContext, e: ts.BinaryExpression): TempId {
  const lazy = lazyAssignment[e.operatorToken.kind]!;
  // `x ||= b` ⇒ `x = x || b`: the same value (x keeps its own where b is not chosen).
  const target = skipOuter(e.left);
  if (ts.isElementAccessExpression(target) || inPlace(cx, target)) {
    // (`xs[i] &&= b` past the end of xs leaves xs as it is; storing the old element back would grow it.
    // A property of an object of an array of objects, `pts[i].x &&= b`, is always there.)
    if (lazy === '&&' && ts.isElementAccessExpression(target))
      return fail(errors.unsupportedExpression(pos(cx, e.operatorToken), `'&&=' on an array element (write \`if (${target.getText(cx.sf)}) ${target.getText(cx.sf)} = …\`)`));
    return cx.assignElement(target, (current) => lowerChoice(cx, lazy, current(), e.right));
  }
  const v = assignable(cx, target);
  const old = cx.fn.read(v);
  requireNumber(cx, e.left, old);
  const value = lowerChoice(cx, lazy, old, e.right);
  cx.fn.assign(v, value);
  return value;
}

/**
 * `a || b`, `a && b`, `a ?? b` on numbers, or on data of `type` (`a` already evaluated): the operand JavaScript chooses,
 * so the value and its derivative are that operand's, and `b` is evaluated only when chosen:
 *   a || b  ≡  truthy(a) ? a : b        (`w = w || 1`: w where w ≠ 0, else 1)
 *   a && b  ≡  truthy(a) ? b : a        (`mag && 1 / mag`: 1 / mag where mag ≠ 0, else mag)
 *   a ?? b  ≡  nullish(a) ? b : a       (`xs[i] ?? 0` under noUncheckedIndexedAccess)
 * A `select` when `b` is a read or a constant; otherwise `h = a; if (b is chosen) { …; h = b }`,
 * so that no arm uses a temp of the enclosing block and an untaken `1 / mag` never runs.
 */
export function lowerChoice(cx: LowerContext, op: '||' | '&&' | '??', a: TempId, right: ts.Expression, type: 'number' | OpaqueType = 'number'): TempId {
  const test = prim(cx, op === '??' ? 'nullish' : 'truthy', [a]);
  let bb = -1;
  const whenB = cx.fn.region(() => {
    bb = cx.expr(right);
  });
  if (type === 'number') requireNumber(cx, right, bb);
  if (isTrivial(whenB)) {
    cx.fn.splice(whenB);
    return cx.fn.op({ op: 'select' }, op === '||' ? [test, a, bb] : [test, bb, a], type);
  }
  // (`options.units || "kilometers"`, `opts.mode ?? "fast"` on data: only between constants and reads)
  if (type !== 'number') return fail(errors.unsupportedExpression(pos(cx, right), `'${op}' on data with a computed right operand (give it a variable first)`));
  const takesB = op === '||' ? prim(cx, 'not', [test]) : test;
  const h = cx.fn.declare(op === '??' ? 'value' : 'chosen', 'number', 'hidden', false);
  const origin = cx.fn.origin;
  cx.fn.assign(h, a, true);
  cx.fn.emit({ kind: 'if', cond: takesB, then: [...whenB, { kind: 'assign', var: h, value: bb, declare: false, origin }], else: [], origin });
  return cx.fn.read(h);
}

/** The type of `a || b`, `a ?? b`, `c ? a : b` on data (`options.units || "kilometers"`), if it is data. */
function dataChoiceType(cx: LowerContext, e: ts.Expression): OpaqueType | undefined {
  return localTypeOf(cx, e) === undefined ? opaqueType(cx.checker.getTypeAtLocation(e), cx.checker) : undefined;
}

/** Only constants and reads: cheap and unable to fail, so evaluated eagerly in a `select`. */
function isTrivial(stmts: readonly Stmt[]): boolean {
  return stmts.every((s) => s.kind === 'op' && (s.op === 'const' || s.op === 'read'));
}

/** Arithmetic cheap enough to evaluate in the arm a `select` does not take. */
const cheapArms = new Set(['add', 'sub', 'mul', 'neg']);

/**
 * An arm of `c ? a : b` evaluated eagerly in a `select`: constants, reads, `+ − ×` and element
 * reads of an array that is there (`x[i - 1]`), all cheap and unable to fail. An element read
 * past an end gives undefined, which the select drops; the load's adjoint is then `c ? ȳ : 0`,
 * added only when c holds (block-adjoint.ts), so no sweep writes an element that is not there.
 * A loop body of such conditionals stays one block, which the reverse sweep recomputes instead
 * of recording the branch taken and the value chosen in every iteration.
 */
function isCheapArm(cx: LowerContext, stmts: readonly Stmt[]): boolean {
  return stmts.every((s) => s.kind === 'op' && (s.op === 'const' || s.op === 'read' || (s.op === 'prim' && cheapArms.has(s.fn)) || (s.op === 'load' && isPresentArray(cx, s.var))));
}

/** An array variable that holds an array whenever it is read: a parameter that is always passed, or a `const` (set where declared). */
function isPresentArray(cx: LowerContext, v: VarId): boolean {
  const info = cx.fn.vars[v];
  return isArrayType(info.type) && info.constant && info.optional !== true;
}

/** `c ? a : b`: a `select` when both arms are cheap (`isCheapArm`), an `if` otherwise. */
export function lowerConditional(cx: LowerContext, e: ts.ConditionalExpression): TempId {
  const known = staticCondition(cx, e.condition);
  if (known !== undefined) return cx.expr(known ? e.whenTrue : e.whenFalse);
  const c = lowerCondition(cx, e.condition);
  let a = -1;
  let bb = -1;
  const whenTrue = cx.fn.region(() => {
    a = cx.expr(e.whenTrue);
  });
  const whenFalse = cx.fn.region(() => {
    bb = cx.expr(e.whenFalse);
  });
  let ta = cx.fn.temps[a];
  const tb = cx.fn.temps[bb];
  // `x > 0 ? "up" : "down"`: data of the conditional's own type (each arm's is a literal).
  const data = isOpaqueType(ta) && isOpaqueType(tb) ? dataChoiceType(cx, e) : undefined;
  if (data !== undefined) ta = data;
  else if (ta !== tb) return fail(errors.unsupportedExpression(pos(cx, e), `a conditional whose arms have types ${ta} and ${tb}`));
  if (isArrayType(ta)) {
    // `c ? xs.slice() : ys.map(f)`: each arm must make a fresh array (choosing between two array
    // variables would make the result share memory with one of them).
    for (const [arm, node] of [
      [whenTrue, e.whenTrue],
      [whenFalse, e.whenFalse],
    ] as const) {
      if (!isFreshArray(cx, arm[arm.length - 1]))
        return fail(errors.arrayAlias(pos(cx, node), `a conditional whose arm is the array '${node.getText(cx.sf).slice(0, 40)}' shares its memory; copy it with .slice()`));
    }
  }
  if (isCheapArm(cx, whenTrue) && isCheapArm(cx, whenFalse)) {
    cx.fn.splice(whenTrue);
    cx.fn.splice(whenFalse);
    return cx.fn.op({ op: 'select' }, [c, a, bb], ta);
  }
  const h = cx.fn.declare('sel', ta, 'hidden', false);
  cx.fn.emit({ kind: 'declare', var: h, origin: cx.fn.origin });
  const origin = cx.fn.origin;
  cx.fn.emit({
    kind: 'if',
    cond: c,
    then: [...whenTrue, { kind: 'assign', var: h, value: a, declare: false, origin }],
    else: [...whenFalse, { kind: 'assign', var: h, value: bb, declare: false, origin }],
    origin,
  });
  return cx.fn.read(h);
}
