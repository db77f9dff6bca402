/**
 * Walking and rewriting the expression trees of js.ts: depth (to keep every
 * later recursion far from the end of the stack), the names an expression
 * reads, substitution, rebuilding through the simplifying builders, and
 * structural equality.
 *
 * Guarantees: none of these recurse deeper than the tree's depth, which the
 * emitters bound by `maxInlineDepth`; rewrites return new trees and never
 * change the ones they are given.
 */
import { b, type JsExpr, type JsStmt } from './js';

/**
 * How deep an expression may grow by writing single-use values into the
 * expression that uses them; deeper, the emitters give the value a name
 * (`const t3 = …`). Every later walk of the tree (the simplifier, the
 * printers, TypeScript's own printer and checker on the generated file)
 * recurses once per level: this keeps them far from the end of the stack,
 * whatever the source (a sum of thousands of terms in unrolled code).
 */
export const maxInlineDepth = 64;

const depths = new WeakMap<JsExpr, number>();

/** How deep `e` nests (a name or a literal: 1), found without recursion and remembered per node. */
export function depthOf(e: JsExpr): number {
  const pending: JsExpr[] = [e];
  while (pending.length > 0) {
    const top = pending[pending.length - 1];
    if (depths.has(top)) {
      pending.pop();
      continue;
    }
    const children = childrenOf(top);
    const unknown = children.filter((c) => !depths.has(c));
    if (unknown.length > 0) {
      pending.push(...unknown);
      continue;
    }
    depths.set(top, 1 + children.reduce((m, c) => Math.max(m, depths.get(c)!), 0));
    pending.pop();
  }
  return depths.get(e)!;
}

/** The direct subexpressions of `e`. */
function childrenOf(e: JsExpr): readonly JsExpr[] {
  switch (e.k) {
    case 'num':
    case 'bool':
    case 'str':
    case 'id':
      return [];
    case 'bin':
      return [e.l, e.r];
    case 'un':
    case 'as':
    case 'nonNull':
      return [e.e];
    case 'call':
      return [e.fn, ...e.args];
    case 'member':
      return [e.obj];
    case 'index':
      return [e.obj, e.index];
    case 'cond':
      return [e.c, e.a, e.b];
    case 'obj':
      return e.props.map(([, v]) => v);
    case 'arr':
      return e.elems;
    case 'new':
      return e.args;
    case 'assignExpr':
      return [e.target, e.value];
    case 'postfix':
      return [e.target];
  }
}

/** Names referenced by an expression (identifiers at the root of member chains included). */
export function namesIn(e: JsExpr, into: Set<string> = new Set()): Set<string> {
  switch (e.k) {
    case 'num':
    case 'bool':
    case 'str':
      break;
    case 'id':
      into.add(e.name);
      break;
    case 'bin':
      namesIn(e.l, into);
      namesIn(e.r, into);
      break;
    case 'un':
      namesIn(e.e, into);
      break;
    case 'call':
      namesIn(e.fn, into);
      for (const a of e.args) namesIn(a, into);
      break;
    case 'member':
      namesIn(e.obj, into);
      break;
    case 'index':
      namesIn(e.obj, into);
      namesIn(e.index, into);
      break;
    case 'cond':
      namesIn(e.c, into);
      namesIn(e.a, into);
      namesIn(e.b, into);
      break;
    case 'obj':
      for (const [, v] of e.props) namesIn(v, into);
      break;
    case 'arr':
    case 'new':
      for (const a of e.k === 'arr' ? e.elems : e.args) namesIn(a, into);
      break;
    case 'as':
    case 'nonNull':
      namesIn(e.e, into);
      break;
    case 'assignExpr':
      namesIn(e.target, into);
      namesIn(e.value, into);
      break;
    case 'postfix':
      namesIn(e.target, into);
      break;
  }
  return into;
}

/** Replaces identifiers by expressions (`f(name)` returns undefined to keep a name). */
export function substitute(e: JsExpr, f: (name: string) => JsExpr | undefined): JsExpr {
  return e.k === 'id' ? (f(e.name) ?? e) : mapChildren(e, (x) => substitute(x, f));
}

/** The statements with every identifier `f` renames (declarations included) renamed, at every depth. */
export function renameStmts(stmts: readonly JsStmt[], f: (name: string) => string | undefined): JsStmt[] {
  const e = (x: JsExpr): JsExpr =>
    substitute(x, (n) => {
      const to = f(n);
      return to === undefined ? undefined : { k: 'id', name: to };
    });
  const one = (s: JsStmt): JsStmt => {
    switch (s.k) {
      case 'decl':
        return { ...s, name: f(s.name) ?? s.name, init: s.init && e(s.init) };
      case 'assign':
        return { ...s, target: e(s.target), value: e(s.value) };
      default:
        return mapStmtChildren(s, e, one);
    }
  };
  return stmts.map(one);
}

/**
 * `s` with each expression it holds mapped by `expr` and each statement nested in it by `stmt`
 * (a declaration's value and an assignment's two sides are expressions too; a walk that treats
 * them otherwise handles those kinds itself).
 */
export function mapStmtChildren(s: JsStmt, expr: (e: JsExpr) => JsExpr, stmt: (s: JsStmt) => JsStmt): JsStmt {
  switch (s.k) {
    case 'decl':
      return s.init ? { ...s, init: expr(s.init) } : s;
    case 'assign':
      return { ...s, target: expr(s.target), value: expr(s.value) };
    case 'expr':
      return { ...s, e: expr(s.e) };
    case 'return':
    case 'throw':
      return s.e ? { ...s, e: expr(s.e) } : s;
    case 'if':
      return { ...s, c: expr(s.c), then: s.then.map(stmt), else: s.else && s.else.map(stmt) };
    case 'for':
      return { ...s, init: s.init && stmt(s.init), test: s.test && expr(s.test), update: s.update && expr(s.update), body: s.body.map(stmt) };
    case 'while':
    case 'do':
      return { ...s, test: expr(s.test), body: s.body.map(stmt) };
    case 'block':
      return { ...s, body: s.body.map(stmt) };
    case 'break':
    case 'continue':
    case 'comment':
      return s;
  }
}

/** `e` with each direct subexpression replaced by `go` of it (leaves are returned as they are). */
export function mapChildren(e: JsExpr, go: (x: JsExpr) => JsExpr): JsExpr {
  switch (e.k) {
    case 'num':
    case 'bool':
    case 'str':
    case 'id':
      return e;
    case 'bin':
      return { ...e, l: go(e.l), r: go(e.r) };
    case 'un':
      return { ...e, e: go(e.e) };
    case 'call':
      return { ...e, fn: go(e.fn), args: e.args.map(go) };
    case 'member':
      return { ...e, obj: go(e.obj) };
    case 'index':
      return { ...e, obj: go(e.obj), index: go(e.index) };
    case 'cond':
      return { ...e, c: go(e.c), a: go(e.a), b: go(e.b) };
    case 'obj':
      return { ...e, props: e.props.map(([k, v]) => [k, go(v)] as const) };
    case 'arr':
      return { ...e, elems: e.elems.map(go) };
    case 'new':
      return { ...e, args: e.args.map(go) };
    case 'as':
    case 'nonNull':
      return { ...e, e: go(e.e) };
    case 'assignExpr':
      return { ...e, target: go(e.target), value: go(e.value) };
    case 'postfix':
      return { ...e, target: go(e.target) };
  }
}

/** Rebuilds arithmetic through the simplifying builders (after substituting constants into a template). */
export function resimplify(e: JsExpr): JsExpr {
  switch (e.k) {
    case 'bin': {
      const l = resimplify(e.l);
      const r = resimplify(e.r);
      switch (e.op) {
        case '+':
          return b.add(l, r);
        case '-':
          return b.sub(l, r);
        case '*':
          return b.mul(l, r);
        case '/':
          return b.div(l, r);
        case '**':
          return b.pow(l, r);
        case '===':
        case '!==':
          if (l.k === 'num' && r.k === 'num') return { k: 'bool', v: (l.v === r.v) === (e.op === '===') };
          return { ...e, l, r };
        case '&&':
          if (l.k === 'bool') return l.v ? r : l;
          if (r.k === 'bool' && !r.v) return r;
          return { ...e, l, r };
        case '||':
          if (l.k === 'bool') return l.v ? l : r;
          return { ...e, l, r };
        default:
          return { ...e, l, r };
      }
    }
    case 'un':
      return e.op === '-' ? b.neg(resimplify(e.e)) : { ...e, e: resimplify(e.e) };
    case 'call':
      return { ...e, args: e.args.map(resimplify) };
    case 'cond': {
      const c = resimplify(e.c);
      if (c.k === 'bool') return resimplify(c.v ? e.a : e.b);
      return { ...e, c, a: resimplify(e.a), b: resimplify(e.b) };
    }
    default:
      return e;
  }
}

/** Structural equality of two expressions. */
export function sameExpr(a: JsExpr, c: JsExpr): boolean {
  return JSON.stringify(a) === JSON.stringify(c);
}
