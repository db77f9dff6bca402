/**
 * `// source` comments above generated code: each group of statements that
 * came from one source statement and carries derivative code is preceded by
 * that statement, so the generated code reads against its source.
 */
import { b, type JsStmt } from '../5-print/js';
import { printStatements } from '../5-print/printer';

/** A generated statement, the source statement it came from, and whether it is derivative code. */
export interface Emitted {
  readonly stmt: JsStmt;
  readonly origin: string;
  readonly deriv: boolean;
}

/**
 * Statements with a `// source` comment above each group that carries
 * derivative code, unless the group's first statement already reads as the
 * source does (`let e = 0;`) or the enclosing statement has the same source.
 */
export function withComments(list: readonly Emitted[], enclosing?: string): JsStmt[] {
  const out: JsStmt[] = [];
  let i = 0;
  while (i < list.length) {
    let j = i;
    while (j < list.length && list[j].origin === list[i].origin) j++;
    const group = list.slice(i, j);
    const first = group[0].stmt;
    const compound = first.k === 'if' || first.k === 'for' || first.k === 'while' || first.k === 'do';
    const origin = list[i].origin;
    if (group.some((e) => e.deriv) && !compound && origin !== enclosing && !sameText(first, origin)) out.push(b.comment(origin));
    for (const e of group) out.push(e.stmt);
    i = j;
  }
  return out;
}

function sameText(s: JsStmt, origin: string): boolean {
  const norm = (t: string) => t.replace(/\s+/g, '').replace(/;$/, '');
  return norm(printStatements([s])) === norm(origin);
}
