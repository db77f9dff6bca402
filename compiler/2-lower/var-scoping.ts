/**
 * `var` and declarations TypeScript types by inference: which `var`s are hoisted, and the IR
 * type of a variable declared without a type or a value (`let t;`, `var p = null`).
 *
 * A `var` belongs to its whole function and exists (undefined) from its start. One that
 * behaves exactly as a `let` in the same place would (declared once, every use after the
 * declaration and inside the block that holds it, and not re-run without a value in a loop,
 * where a `let` would start undefined again) is lowered as that `let`: the usual case,
 * `var dLat = …` at the top of a body, or `for (var i = 0; …)` with `i` not used after the
 * loop. Any other is *hoisted*: declared at the top of the function, and its declarations
 * are assignments.
 *
 * Guarantees: a declaration is hoisted or not by its symbol alone (every declaration of a
 * hoisted name is); the types come from TypeScript's own flow analysis at each read.
 */
import { ts } from 'ts-morph';
import { forEachNode } from '../1-frontend/walk';
import { errors } from '../diagnostics/catalog';
import type { Type } from '../ir/types';
import { atStatement, fail, pos, type LowerContext } from './context';
import { irType } from './types';

/** `var` declarations of a function that are hoisted, in source order of their first declaration. */
export interface Hoisting {
  readonly hoisted: ReadonlySet<ts.Symbol>;
  /** The first declaration of each hoisted name, in source order. */
  readonly order: readonly ts.VariableDeclaration[];
}

const cache = new WeakMap<ts.Node, Hoisting>();

/** The function-like node a declaration belongs to (a `var` is scoped to it). */
function ownerOf(n: ts.Node): ts.Node | undefined {
  for (let p = n.parent; p; p = p.parent) if (ts.isFunctionLike(p) || ts.isSourceFile(p)) return p;
  return undefined;
}

export function isVarList(list: ts.VariableDeclarationList): boolean {
  return (list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const | ts.NodeFlags.Using)) === 0;
}

/** How `e` (a name, or `o.k`) is used: written (`x = …`, `[x, y] = …`), read and written (`x += …`, `x++`), or read. */
export function accessOf(e: ts.Expression): 'write' | 'update' | 'read' {
  let n: ts.Node = e;
  while (ts.isParenthesizedExpression(n.parent) || ts.isArrayLiteralExpression(n.parent)) n = n.parent;
  const p = n.parent;
  if (ts.isBinaryExpression(p) && p.left === n && p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && p.operatorToken.kind <= ts.SyntaxKind.LastAssignment)
    return p.operatorToken.kind === ts.SyntaxKind.EqualsToken ? 'write' : 'update';
  if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) && (p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken))
    return 'update';
  return 'read';
}

const identifiers = new WeakMap<ts.Node, Map<string, ts.Identifier[]>>();

/**
 * The identifiers below `root` by their text, from one walk of it, kept: the questions asked of a
 * function's variables (and of a file's constants) each look only at the identifiers of one name.
 */
export function identifiersIn(root: ts.Node): ReadonlyMap<string, readonly ts.Identifier[]> {
  let index = identifiers.get(root);
  if (index) return index;
  const built = new Map<string, ts.Identifier[]>();
  forEachNode(root, (n) => {
    if (!ts.isIdentifier(n)) return;
    const list = built.get(n.text);
    if (list) list.push(n);
    else built.set(n.text, [n]);
  });
  identifiers.set(root, built);
  return built;
}

/** Identifiers below `root` that name `sym`, other than the declarations' own names. */
function referencesOf(root: ts.Node, sym: ts.Symbol, checker: ts.TypeChecker): ts.Identifier[] {
  const names = new Set((sym.declarations ?? []).map((d) => (d as ts.NamedDeclaration).name));
  return (identifiersIn(root).get(sym.name) ?? []).filter((n) => !names.has(n) && checker.getSymbolAtLocation(n) === sym);
}

/** The node a `let` in the place of `d` would be scoped to: its block, or its `for` statement. */
function letScope(d: ts.VariableDeclaration): ts.Node | undefined {
  const list = d.parent;
  const p = list.parent;
  if (ts.isForStatement(p) || ts.isForOfStatement(p) || ts.isForInStatement(p)) return p;
  if (!ts.isVariableStatement(p)) return undefined;
  const holder = p.parent;
  if (ts.isBlock(holder) || ts.isSourceFile(holder) || ts.isModuleBlock(holder)) return holder;
  if (ts.isCaseClause(holder) || ts.isDefaultClause(holder)) return holder.parent;
  return undefined; // `if (c) var x = 1;`: a let cannot stand there
}

function inLoop(n: ts.Node, owner: ts.Node): boolean {
  for (let p = n.parent; p && p !== owner; p = p.parent) if (ts.isIterationStatement(p, false)) return true;
  return false;
}

function behavesAsLet(decls: readonly ts.VariableDeclaration[], refs: readonly ts.Identifier[], owner: ts.Node): boolean {
  if (decls.length !== 1) return false;
  const d = decls[0];
  const scope = letScope(d);
  if (!scope || !ts.isIdentifier(d.name)) return false;
  if (!d.initializer && inLoop(d, owner)) return false;
  return refs.every((r) => r.pos >= d.end && r.end <= scope.end);
}

/** The hoisted `var`s of `owner` (a function, or a local function inlined into one). */
export function hoistingOf(owner: ts.Node, checker: ts.TypeChecker): Hoisting {
  let h = cache.get(owner);
  if (h) return h;
  const decls = new Map<ts.Symbol, ts.VariableDeclaration[]>();
  forEachNode(owner, (n) => {
    if (ts.isVariableDeclaration(n) && isVarList(n.parent as ts.VariableDeclarationList) && ownerOf(n) === owner) {
      const sym = ts.isIdentifier(n.name) ? checker.getSymbolAtLocation(n.name) : undefined;
      if (!sym) return;
      const list = decls.get(sym);
      if (list) list.push(n);
      else decls.set(sym, [n]);
    }
  });
  const hoisted = new Set<ts.Symbol>();
  const order: ts.VariableDeclaration[] = [];
  for (const [sym, list] of decls) {
    if (behavesAsLet(list, referencesOf(owner, sym, checker), owner)) continue;
    hoisted.add(sym);
    order.push(list[0]);
  }
  h = { hoisted, order };
  cache.set(owner, h);
  return h;
}

/** Whether the `var` declaration `d` is hoisted (declared at the top of its function). */
export function isHoisted(d: ts.VariableDeclaration, checker: ts.TypeChecker): boolean {
  const owner = ownerOf(d);
  const sym = ts.isIdentifier(d.name) ? checker.getSymbolAtLocation(d.name) : undefined;
  return owner !== undefined && sym !== undefined && hoistingOf(owner, checker).hoisted.has(sym);
}

/** The declaration of a name that is a parameter as well (`function f(x) { var x = … }` declares nothing new). */
export function isParameterToo(sym: ts.Symbol): boolean {
  return (sym.declarations ?? []).some(ts.isParameter);
}

/**
 * The type of a variable as TypeScript sees it where it is read: its declared type when it has
 * one that is a number or boolean, else (`let t;`, `var p = null`, whose declared type is
 * `any`) the type every read narrows it to. `mayBeUndefined`: some read may see no value (a
 * read TypeScript types `number | undefined`, as in `t ?? 0` or `t === undefined`).
 * Undefined when the reads disagree or are not numbers or booleans.
 */
export function inferredType(name: ts.Identifier, checker: ts.TypeChecker): { type: Type; mayBeUndefined: boolean } | undefined {
  const sym = checker.getSymbolAtLocation(name);
  const owner = ownerOf(name);
  if (!sym || !owner) return undefined;
  const declared = irType(checker.getTypeAtLocation(name), checker);
  const refs = referencesOf(owner, sym, checker);
  // (`t += x`, `t &&= x` read t too, but TypeScript gives the declared type there: `any` for `let t;`)
  const reads = refs.filter((r) => accessOf(r) === 'read');
  let mayBeUndefined = false;
  const kinds = new Set<Type | undefined>();
  for (const r of reads) {
    const t = checker.getTypeAtLocation(r);
    const present = checker.getNonNullableType(t);
    if (present !== t) mayBeUndefined = true;
    if (present.flags & ts.TypeFlags.Never) continue; // a read that cannot run, or one of a value that is only ever null
    kinds.add(irType(present, checker));
  }
  if (declared === 'number' || declared === 'boolean') return { type: declared, mayBeUndefined };
  if (kinds.size === 0) {
    // Never read but by updates: the type of what is assigned, if anything is.
    for (const r of refs) if (accessOf(r) === 'write' && ts.isBinaryExpression(r.parent)) kinds.add(irType(checker.getTypeAtLocation(r.parent.right), checker));
  }
  const [only] = kinds;
  return kinds.size === 1 && (only === 'number' || only === 'boolean') ? { type: only, mayBeUndefined } : undefined;
}

/**
 * The hoisted `var`s of `owner` (the function being lowered, or a local function or callback
 * being inlined), declared where its body starts: undefined until assigned, as in JavaScript
 * (printed `let v!: number`; a read TypeScript sees as possibly undefined makes it `asserted`).
 * A `var` that redeclares a parameter is that parameter.
 */
export function declareHoisted(cx: LowerContext, owner: ts.Node): void {
  for (const d of hoistingOf(owner, cx.checker).order) {
    const name = d.name as ts.Identifier;
    const sym = cx.checker.getSymbolAtLocation(name);
    if (!sym || isParameterToo(sym)) continue;
    atStatement(cx, d, () => {
      const inferred = inferredType(name, cx.checker);
      if (!inferred) {
        const t = cx.checker.getTypeAtLocation(name);
        if (irType(t, cx.checker) !== undefined)
          return fail(
            errors.unsupportedStatement(
              pos(cx, d),
              `the array 'var ${name.text}' is declared twice or used outside the block that declares it: declare it once, with let or const`,
            ),
          );
        return fail(errors.localType(pos(cx, name), name.text, cx.checker.typeToString(t)));
      }
      const v = cx.fn.declare(name.text, inferred.type, 'local', false);
      cx.fn.emit({ kind: 'declare', var: v, definite: true, ...(inferred.mayBeUndefined ? { asserted: true } : {}), origin: cx.fn.origin });
    });
  }
}
