/**
 * The reverse sweep's forward loops back in the user's shape. Control
 * normalization (ir/normalize.ts) gives the reverse emitter loops of one shape,
 * `while (c) { …; i += 1 }`, the update at the end of the body; printed, such a
 * loop becomes a `for` again when that is exact:
 *
 *   let i = 0;                           for (let i = 0; i < n; i++) {
 *   while (i < n) {                        const x = xs[i];
 *     const t1 = i;               ⇒        s += Math.sin(x) * x;
 *     const x = xs[t1];                    xs_bar[i] += …;
 *     s += Math.sin(x) * x;              }
 *     i = t1 + 1;
 *     xs_bar[t1] += …;
 *   }
 *
 * Exact when the update `i += 1` (or `i = t + 1` after `const t = i` opens the
 * body) is the body's only write of i, nothing after it in the body mentions i
 * and nothing `continue`s the loop: moved to the header, it runs at the same
 * point of every iteration, and until then i equals t. The declaration before
 * the loop goes into the header when nothing after the loop mentions i; an
 * assignment `i = 0` there goes into it always (either may be separated from
 * the loop by statements that do not mention i when it sets a literal).
 */
import { b, type JsExpr, type JsStmt } from '../../5-print/js';
import { renameStmts } from '../../5-print/js-walk';
import { namesInStmt, writesName } from '../dead-code';

/** `body` with every `while` loop that can be printed as a `for` printed so, at every depth. */
export function forLoops(body: readonly JsStmt[]): JsStmt[] {
  const out = body.map(inner);
  for (let k = 0; k < out.length; k++) {
    const s = out[k];
    if (s.k !== 'while' || s.label !== undefined) continue;
    const loop = asFor(s);
    if (!loop) continue;
    const counter = loop.counter;
    // The declaration or reset before the loop goes into the header: just before it, or before
    // statements that do not mention the counter when it starts at a literal.
    const mentions = (x: JsStmt) => namesInStmt(x).has(counter);
    let j = k - 1;
    while (j >= 0 && (out[j].k === 'comment' || (!mentions(out[j]) && startsAtLiteral(out, j, counter)))) j--;
    const before = out[j];
    const after = out.slice(k + 1);
    const declares = before?.k === 'decl' && before.kind === 'let' && before.name === counter && before.init !== undefined && !after.some(mentions);
    const resets = before?.k === 'assign' && before.op === '=' && before.target.k === 'id' && before.target.name === counter;
    const init = declares || resets ? before : undefined;
    if (init) out.splice(j, 1);
    out.splice(init ? k - 1 : k, 1, { k: 'for', init, test: loop.test, update: { k: 'postfix', op: '++', target: b.id(counter) }, body: loop.body });
    if (init) k--;
  }
  return out;
}

/** Whether some statement before `j` sets `counter` to a literal, with nothing between that mentions it. */
function startsAtLiteral(out: readonly JsStmt[], j: number, counter: string): boolean {
  for (let i = j - 1; i >= 0; i--) {
    const s = out[i];
    if (s.k === 'decl' && s.name === counter) return s.init?.k === 'num';
    if (s.k === 'assign' && s.op === '=' && s.target.k === 'id' && s.target.name === counter) return s.value.k === 'num';
    if (namesInStmt(s).has(counter)) return false;
  }
  return false;
}

/** The statement with its nested bodies rewritten. */
function inner(s: JsStmt): JsStmt {
  switch (s.k) {
    case 'if':
      return { ...s, then: forLoops(s.then), else: s.else && forLoops(s.else) };
    case 'for':
    case 'while':
    case 'do':
    case 'block':
      return { ...s, body: forLoops(s.body) };
    default:
      return s;
  }
}

/** The loop as `for (; test; counter++) body` when that is exact (see the module header). */
function asFor(s: Extract<JsStmt, { k: 'while' }>): { counter: string; test: JsExpr; body: JsStmt[] } | undefined {
  if (s.test.k === 'bool') return undefined;
  const body = s.body;
  const first = body[0];
  // `const t = i` opening the body, read where i would be.
  const copy = first?.k === 'decl' && first.kind === 'const' && first.init?.k === 'id' ? { name: first.name, of: first.init.name } : undefined;
  const at = body.findIndex((x) => isUpdate(x, copy));
  if (at < 0) return undefined;
  const counter = ((body[at] as Extract<JsStmt, { k: 'assign' }>).target as { name: string }).name;
  if (copy && copy.of !== counter) return undefined;
  const rest = body.filter((_, i) => i !== at);
  if (rest.some((x) => writesName(x, counter) || continues(x))) return undefined;
  if (body.slice(at + 1).some((x) => namesInStmt(x).has(counter))) return undefined;
  if (!copy) return { counter, test: s.test, body: rest };
  const renamed = renameStmts(rest.slice(1), (n) => (n === copy.name ? counter : undefined));
  return { counter, test: s.test, body: renamed };
}

/** `i += 1`, or `i = t + 1` where `const t = i` opens the body. */
function isUpdate(s: JsStmt, copy: { name: string; of: string } | undefined): boolean {
  if (s.k !== 'assign' || s.target.k !== 'id') return false;
  if (s.op === '+=') return s.value.k === 'num' && s.value.v === 1;
  const v = s.value;
  return (
    s.op === '=' && copy !== undefined && s.target.name === copy.of && v.k === 'bin' && v.op === '+' && v.l.k === 'id' && v.l.name === copy.name && v.r.k === 'num' && v.r.v === 1
  );
}

/** Whether the statement `continue`s the loop it is in (not one nested in it). */
function continues(s: JsStmt): boolean {
  switch (s.k) {
    case 'continue':
      return true;
    case 'if':
      return s.then.some(continues) || (s.else ?? []).some(continues);
    case 'block':
      return s.body.some(continues);
    default:
      return false;
  }
}
