/**
 * Adjoint declarations where they are first needed.
 *
 *   let x_bar = 0;  …(x_bar not mentioned)…  x_bar += e;   ⇒   …  let x_bar = e;
 *
 * Applied to the top level of a function body only (a declaration cannot move
 * into a loop or branch). Declarations nothing mentions are dropped.
 */
import { b, type JsStmt } from '../../5-print/js';
import { namesIn } from '../../5-print/js-walk';
import { namesInStmt, writesName } from '../dead-code';

function mentions(s: JsStmt, name: string): boolean {
  return namesInStmt(s).has(name);
}

export function finalizeAdjointDeclarations(body: JsStmt[], adjoints: ReadonlySet<string>): JsStmt[] {
  const out = [...body];
  for (const name of adjoints) {
    const at = out.findIndex((s) => s.k === 'decl' && s.name === name);
    if (at < 0) continue;
    const decl = out[at] as Extract<JsStmt, { k: 'decl' }>;
    if (!(decl.init && decl.init.k === 'num' && decl.init.v === 0)) continue;
    let j = at + 1;
    while (j < out.length && (out[j].k === 'comment' || !mentions(out[j], name))) j++;
    if (j === out.length) {
      out.splice(at, 1);
      continue;
    }
    const first = out[j];
    // `const` when nothing after the declaration mentions it again as a target.
    const kind = out.slice(j + 1).some((s) => writesName(s, name)) ? 'let' : 'const';
    // The first write becomes the declaration unless its value reads the (still zero) adjoint itself.
    if (!(first.k === 'assign' && first.target.k === 'id' && first.target.name === name) || namesIn(first.value).has(name)) continue;
    if (first.op === '+=' || first.op === '=') {
      out[j] = { k: 'decl', kind, name, init: first.value };
      out.splice(at, 1);
    } else if (first.op === '-=') {
      out[j] = { k: 'decl', kind, name, init: b.neg(first.value) };
      out.splice(at, 1);
    }
  }
  return out;
}

/**
 * `v_bar = 0;` that nothing reads afterwards is dropped: after the adjoint of a
 * variable's first assignment, its adjoint is dead unless a loop comes back to it.
 * Only straight-line code and branches outside loops are looked at.
 */
export function dropDeadAdjointStores(body: JsStmt[]): JsStmt[] {
  // Walk each list backwards, knowing which names the statements after the current one mention
  // (in this list: `seen`; after the enclosing statement: `after`, a lookup into the outer lists).
  const visit = (list: readonly JsStmt[], after: (name: string) => boolean): JsStmt[] => {
    const seen = new Set<string>();
    const mentioned = (n: string) => seen.has(n) || after(n);
    const out: JsStmt[] = [];
    for (let i = list.length - 1; i >= 0; i--) {
      const s = list[i];
      if (s.k === 'assign' && s.op === '=' && s.target.k === 'id' && s.target.name.endsWith('_bar') && s.value.k === 'num' && !mentioned(s.target.name)) continue;
      const kept = s.k === 'if' ? { ...s, then: visit(s.then, mentioned), else: s.else && visit(s.else, mentioned) } : s;
      out.push(kept);
      namesInStmt(s).forEach((n) => seen.add(n));
    }
    return out.reverse();
  };
  return visit(body, () => false);
}
