/**
 * The shape of a loop in generated code: the nicest form that is exact, for
 * every emitter that prints loops.
 *
 * - `for (init; cond; update)` when the test is one expression and the update
 *   a list of assignments;
 * - `while (cond)` / `do … while (cond)` when the test is one expression;
 * - otherwise `for (;;) { test; if (!cond) break; … }`, with the body in a
 *   labeled block when it `continue`s (so that the update still runs).
 */
import type { Region } from '../ir/types';
import { b, type JsExpr, type JsStmt } from '../5-print/js';

export interface LoopParts {
  readonly form: 'for' | 'while' | 'do';
  readonly label: string | undefined;
  /** The statements computing the test, when it is not one expression (else empty). */
  readonly test: readonly JsStmt[];
  /** The condition; undefined for an infinite loop. */
  readonly cond: JsExpr | undefined;
  readonly body: readonly JsStmt[];
  /** The update statements (`i += 1`), already printed: candidates for a `for` header. */
  readonly update: readonly JsStmt[];
  /** The same as they read at the end of a body (with their `// source` comments). */
  readonly updateBlock: readonly JsStmt[];
  /** A declaration that can go in a `for` header (`let i = 0`), and the statements that declare it otherwise. */
  readonly init?: { readonly header: JsStmt | undefined; readonly before: readonly JsStmt[] };
  /** Whether the body continues this loop. */
  readonly continues: boolean;
  /** A fresh name for a labeled block. */
  fresh(base: string): string;
}

/** The loop as statements (a declaration that could not go in the header comes first). */
export function loopStatement(p: LoopParts): JsStmt[] {
  const { label } = p;
  const testIsExpr = p.test.length === 0;
  const updateExprs = p.update.map(asExpression);
  const updateIsExpr = updateExprs.every((e) => e !== undefined);
  const body = [...p.body];
  if (p.form === 'do') {
    if (testIsExpr) return [{ k: 'do', body, test: p.cond ?? b.bool(true), label }];
    // The test needs statements: `for (;;) { body; test; if (!cond) break; }`, so that what the
    // test declares is in scope where it is checked (a `continue` still reaches the test).
    const inner = p.fresh('body');
    const bodyBlock: JsStmt[] = p.continues ? [{ k: 'block', body: retargetContinue(body, label, inner), label: inner }] : body;
    const exit: JsStmt[] = p.cond === undefined ? [] : [b.if(b.not(p.cond), [b.break()])];
    return [{ k: 'for', body: [...bodyBlock, ...p.test, ...exit], label }];
  }
  if (testIsExpr && updateIsExpr && (p.form === 'for' || p.init?.header)) {
    const update = updateExprs.length === 0 ? undefined : updateExprs.length === 1 ? updateExprs[0] : commaList(updateExprs as JsExpr[]);
    return [{ k: 'for', init: p.init?.header, test: p.cond, update, body, label }];
  }
  const pre = p.init ? [...p.init.before] : [];
  if (testIsExpr && p.update.length === 0) return [...pre, { k: 'while', test: p.cond ?? b.bool(true), body, label }];
  // General form.
  const inner = p.fresh('body');
  const exit: JsStmt[] = p.cond === undefined ? [] : [b.if(b.not(p.cond), [b.break()])];
  const bodyPart: JsStmt[] = p.continues && p.update.length > 0 ? [{ k: 'block', body: retargetContinue(body, label, inner), label: inner }] : body;
  return [...pre, { k: 'for', body: [...p.test, ...exit, ...bodyPart, ...p.updateBlock], label }];
}

/** A statement that can go in a `for` header: assignments (`i++` for `i += 1`). */
function asExpression(s: JsStmt): JsExpr | undefined {
  if (s.k === 'assign') {
    if ((s.op === '+=' || s.op === '-=') && s.value.k === 'num' && s.value.v === 1) return { k: 'postfix', op: s.op === '+=' ? '++' : '--', target: s.target };
    if (s.op === '=') return { k: 'assignExpr', target: s.target, value: s.value };
    return { k: 'assignExpr', target: s.target, value: { k: 'bin', op: s.op.slice(0, -1) as '+', l: s.target, r: s.value } };
  }
  return undefined;
}

/** `i++, j--` in a `for` header. */
function commaList(exprs: JsExpr[]): JsExpr {
  return exprs.reduce((acc, e) => ({ k: 'bin', op: ',', l: acc, r: e }));
}

/** Whether a region `continue`s the loop `loop` (not an inner one). */
export function containsContinue(region: Region, loop: number): boolean {
  return region.some((s) => {
    if (s.kind === 'continue') return s.loop === loop;
    if (s.kind === 'if') return containsContinue(s.then, loop) || containsContinue(s.else, loop);
    if (s.kind === 'loop') return containsContinue(s.body, loop);
    return false;
  });
}

/** `continue` (to this loop) inside a labeled body block ⇒ `break <block>`, so the code after the block still runs. */
function retargetContinue(body: readonly JsStmt[], loopLabel: string | undefined, block: string, depth = 0): JsStmt[] {
  return body.map((s): JsStmt => {
    switch (s.k) {
      case 'continue':
        return (s.label === undefined && depth === 0) || (s.label !== undefined && s.label === loopLabel) ? { k: 'break', label: block } : s;
      case 'if':
        return { ...s, then: retargetContinue(s.then, loopLabel, block, depth), else: s.else && retargetContinue(s.else, loopLabel, block, depth) };
      case 'for':
      case 'while':
      case 'do':
        return { ...s, body: retargetContinue(s.body, loopLabel, block, depth + 1) };
      case 'block':
        return { ...s, body: retargetContinue(s.body, loopLabel, block, depth) };
      default:
        return s;
    }
  });
}
