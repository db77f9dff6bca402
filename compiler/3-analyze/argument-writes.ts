/**
 * Writes through calls: which array parameters a function modifies in the
 * caller's memory, and the calls whose modification the caller would see.
 *
 * Generated code copies an array parameter before writing it (generated
 * functions never modify their arguments), so a callee that fills a buffer
 * the caller passed, or advances a state array in place, would silently
 * compute something else than the primal. Such calls are rejected, with the
 * way out in the message; a call that passes a fresh array (`s.slice()`, a
 * literal, another call's result) is fine, since nobody else can see it.
 *
 * A parameter is modified when it is stored to, filled or pushed to, or passed
 * on to a callee that modifies it. Recursion assumes "not modified" for a function
 * still being analysed (a cycle adds nothing a non-recursive path misses).
 */
import type { IRFunction, Op, TempId, VarId } from '../ir/types';
import { isArrayType } from '../ir/types';
import { forEachStmt } from '../ir/walk';
import { CompileError, errors, type Position } from '../diagnostics/catalog';
import { isElementWrite } from '../ir/facts';

export type ModifiedParams = Map<string, ReadonlySet<number>>;

/** Indices of the array parameters `fn` modifies in place (visible to its caller). */
export function modifiedParams(fn: IRFunction, getIR: (key: string) => IRFunction, memo: ModifiedParams = new Map()): ReadonlySet<number> {
  const known = memo.get(fn.key);
  if (known) return known;
  const out = new Set<number>();
  memo.set(fn.key, out); // in progress: recursive calls see what is found so far
  const arrayParams = new Map<VarId, number>();
  fn.params.forEach((p, i) => isArrayType(fn.vars[p].type) && arrayParams.set(p, i));
  if (arrayParams.size === 0) return out;
  const defs = new Map<TempId, Op>();
  // Array parameters are never rebound (lowering rejects it), so every write reaches the caller.
  forEachStmt(fn.body, (s) => {
    if (s.kind === 'op') {
      defs.set(s.id, s);
      if (s.op !== 'call') return;
      for (const i of modifiedParams(getIR(s.callee), getIR, memo)) {
        const p = readOf(defs, s.args[i]);
        if (p !== undefined && arrayParams.has(p)) out.add(arrayParams.get(p)!);
      }
    } else if (isElementWrite(s) && arrayParams.has(s.var)) {
      out.add(arrayParams.get(s.var)!);
    }
  });
  return out;
}

/**
 * Rejects a call in `fn` that passes one of its array variables to a parameter
 * the callee modifies. `sourceText(file)` gives the text for the code frame.
 */
export function checkArgumentWrites(fn: IRFunction, getIR: (key: string) => IRFunction, memo: ModifiedParams, sourceText: (file: string) => string | undefined): void {
  const defs = new Map<TempId, Op>();
  forEachStmt(fn.body, (s) => {
    if (s.kind !== 'op') return;
    defs.set(s.id, s);
    if (s.op !== 'call') return;
    const callee = getIR(s.callee);
    for (const i of [...modifiedParams(callee, getIR, memo)].sort((a, b) => a - b)) {
      const v = readOf(defs, s.args[i]);
      // A hidden variable holds a fresh array made for this call (`f(s.slice())`): nobody else sees it.
      if (v === undefined || fn.vars[v].role === 'hidden') continue;
      const param = callee.vars[callee.params[i]].name;
      const passed = fn.vars[v].name;
      const at: Position = { file: s.origin.file, line: s.origin.line, col: s.origin.col, length: s.origin.text.length, sourceText: sourceText(s.origin.file) };
      throw new CompileError(
        errors.arrayAlias(
          at,
          `'${callee.name}' modifies its parameter '${param}', so this call changes '${passed}', and generated code does not follow writes through calls; ` +
            `let '${callee.name}' work on a copy ('const next = ${param}.slice()') and return what the caller needs, or pass '${passed}.slice()' if the caller does not need the change`,
        ),
      );
    }
  });
}

/** The variable an argument temp reads directly (`f(s)`), if it is one. */
function readOf(defs: ReadonlyMap<TempId, Op>, t: TempId): VarId | undefined {
  const d = defs.get(t);
  return d && d.op === 'read' ? d.var : undefined;
}
