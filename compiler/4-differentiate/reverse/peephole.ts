/**
 * Adjoint declarations where they are first needed.
 *
 *   let x_bar = 0;  …(x_bar not mentioned)…  x_bar += e;   ⇒   …  let x_bar = e;
 *
 * Applied to the top level of a function body only (a declaration cannot move
 * into a loop or branch). Declarations nothing mentions are dropped.
 */
import { b, namesIn, type JsExpr, type JsStmt } from '../../5-print/js';

function mentions(s: JsStmt, name: string): boolean {
  const inExpr = (e: JsExpr | undefined) => (e ? namesIn(e).has(name) : false);
  switch (s.k) {
    case 'decl':
      return s.name === name || inExpr(s.init);
    case 'assign':
      return inExpr(s.target) || inExpr(s.value);
    case 'expr':
      return inExpr(s.e);
    case 'if':
      return inExpr(s.c) || s.then.some((x) => mentions(x, name)) || (s.else ?? []).some((x) => mentions(x, name));
    case 'for':
      return (s.init ? mentions(s.init, name) : false) || inExpr(s.test) || inExpr(s.update) || s.body.some((x) => mentions(x, name));
    case 'while':
    case 'do':
      return inExpr(s.test) || s.body.some((x) => mentions(x, name));
    case 'block':
      return s.body.some((x) => mentions(x, name));
    case 'return':
    case 'throw':
      return inExpr(s.e);
    default:
      return false;
  }
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
    const kind = out.slice(j + 1).some((s) => assigns(s, name)) ? 'let' : 'const';
    if (first.k === 'assign' && first.target.k === 'id' && first.target.name === name && (first.op === '+=' || (first.op === '=' && !namesIn(first.value).has(name)))) {
      out[j] = { k: 'decl', kind, name, init: first.value };
      out.splice(at, 1);
    } else if (first.k === 'assign' && first.target.k === 'id' && first.target.name === name && first.op === '-=') {
      out[j] = { k: 'decl', kind, name, init: b.neg(first.value) };
      out.splice(at, 1);
    }
  }
  return out;
}

/** Whether a statement (or one nested in it) assigns to `name`. */
function assigns(s: JsStmt, name: string): boolean {
  switch (s.k) {
    case 'assign':
      return s.target.k === 'id' && s.target.name === name;
    case 'if':
      return s.then.some((x) => assigns(x, name)) || (s.else ?? []).some((x) => assigns(x, name));
    case 'for':
    case 'while':
    case 'do':
    case 'block':
      return s.body.some((x) => assigns(x, name));
    default:
      return false;
  }
}
