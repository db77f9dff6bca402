/**
 * Turning the generated module's text into statements of the user's file.
 *
 *   import * as adc from "ts-adc/runtime";          import * as adc from "ts-adc/runtime";   (renamed if taken)
 *   export function f_grad(…) { … adc.ret[0] … } ⇒  function f_grad(…) { … adc.ret[0] … }
 *
 * (A named runtime import is also accepted: it becomes a namespace import plus
 * `const { ret, tape } = adc_runtime;`.)
 *
 * Guarantees: the text is parsed with the user's `ts`, and every node returned
 * is freshly built by that instance's factory: no position, parent or
 * `original` pointer into the parsed text survives (so the user's emitter, its
 * checker-backed transforms and its source maps never look at foreign text).
 * The runtime stays an import (a namespace import, which the CommonJS
 * transform turns into `require` and ESM keeps, with no help from the checker),
 * `export` modifiers are dropped, and every top-level name that occurs in the
 * user's file is renamed, consistently, to a name that occurs in neither text
 * (a rename of all non-property occurrences to a fresh name changes nothing
 * else). Leading comments of statements are kept. Functions imported from other
 * modules (user rules, and the functions they are rules of) are reached as the
 * caller's `outer` says: by the name the user's file has for them (never
 * renamed, and used only where no generated identifier is that name), else
 * through a namespace import of their module under a fresh name.
 */
import type * as ts from 'typescript';

export interface Inlined {
  readonly statements: ts.Statement[];
  /** Name in the user's file of each top-level name of the generated module. */
  readonly names: ReadonlyMap<string, string>;
}

const wordPattern = /[A-Za-z_$][\w$]*/g;

/** Identifier-like words of a text (comments and strings included: over-approximating is harmless). */
export function wordsOf(text: string): Set<string> {
  return new Set(text.match(wordPattern) ?? []);
}

/**
 * How the user's file reaches a function the generated module imports from a module other than the
 * runtime (user rules, and the functions they are rules of): `module`, the specifier the file would
 * import it by; `name`, the name it already has in the file, if any, and `original`, an identifier of
 * the file referring to it there (TypeScript's module transforms resolve the generated references
 * through it: `exports.erf_vjp`, `(0, special_1.erf)`).
 */
export interface Outer {
  readonly module: string;
  readonly name?: string;
  readonly original?: ts.Identifier;
}

/**
 * `outer(module, name)`: for each named import of the generated module from `module` (other than the
 * runtime: undefined), how the user's file reaches it. A name the file already has is used by that
 * name, unless the generated text uses the word itself (a local would shadow it); otherwise the
 * module is imported as a namespace under a fresh name and the function is reached through it.
 */
export function inlineModule(t: typeof ts, text: string, taken: ReadonlySet<string>, header?: string, outer?: (module: string, name: string) => Outer | undefined): Inlined {
  const parsed = t.createSourceFile('ts-adc-generated.ts', text, t.ScriptTarget.Latest, true, t.ScriptKind.TS);
  const f = t.factory;
  const avoid = new Set([...taken, ...wordsOf(text)]);
  const fresh = (base: string): string => {
    let name = base;
    for (let i = 2; avoid.has(name); i++) name = `${base}_${i}`;
    avoid.add(name);
    return name;
  };

  // Top-level names, and the runtime's imported names.
  const topLevel: string[] = [];
  const imports: { module: string; names: { imported: string; local: string }[] }[] = [];
  const namespaces: { module: string; local: string }[] = [];
  const outers = new Map<string, Outer & { imported: string }>();
  for (const st of parsed.statements) {
    if (t.isImportDeclaration(st)) {
      const bindings = st.importClause?.namedBindings;
      if (t.isStringLiteral(st.moduleSpecifier) && bindings && t.isNamespaceImport(bindings) && !st.importClause?.name) {
        namespaces.push({ module: st.moduleSpecifier.text, local: bindings.name.text });
        topLevel.push(bindings.name.text);
        continue;
      }
      if (!t.isStringLiteral(st.moduleSpecifier) || !bindings || !t.isNamedImports(bindings) || st.importClause?.name) {
        throw new Error(`unexpected import in the generated module: ${st.getText(parsed)}`);
      }
      const module = st.moduleSpecifier.text;
      const names = bindings.elements.map((e) => ({ imported: (e.propertyName ?? e.name).text, local: e.name.text }));
      const runtime = names.filter((n) => {
        const o = outer?.(module, n.imported);
        if (o) outers.set(n.local, { imported: n.imported, ...o });
        return o === undefined;
      });
      if (runtime.length > 0) imports.push({ module, names: runtime });
      topLevel.push(...runtime.map((n) => n.local));
    } else if ((t.isFunctionDeclaration(st) || t.isClassDeclaration(st)) && st.name) {
      topLevel.push(st.name.text);
    } else if (t.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) collectBindingNames(t, d.name, topLevel);
    }
  }
  const renames = new Map<string, string>();
  for (const n of topLevel) if (taken.has(n) && !renames.has(n)) renames.set(n, fresh(n));
  const names = new Map(topLevel.map((n) => [n, renames.get(n) ?? n]));

  // The user's functions: by their name in the file, or through a namespace import of their module.
  const generatedNames = outers.size > 0 ? identifiersOf(t, parsed) : new Set<string>();
  const substitutes = new Map<string, () => ts.Expression>();
  const outerNamespaces = new Map<string, string>();
  for (const [local, o] of outers) {
    const name = o.name;
    if (name !== undefined && (name === local || !generatedNames.has(name))) {
      const original = o.original;
      substitutes.set(local, () => {
        const e = f.createIdentifier(name);
        if (original) t.setOriginalNode(e, original);
        return e;
      });
      continue;
    }
    let ns = outerNamespaces.get(o.module);
    if (ns === undefined)
      outerNamespaces.set(
        o.module,
        (ns = fresh(
          `adc_${o.module
            .replace(/^.*\//, '')
            .replace(/\.[cm]?js$/, '')
            .replace(/\W/g, '_')}`,
        )),
      );
    const namespace = ns;
    substitutes.set(local, () => f.createPropertyAccessExpression(f.createIdentifier(namespace), o.imported));
  }

  const clone = cloner(t, parsed, renames, substitutes);
  const out: ts.Statement[] = [];
  for (const [module, ns] of outerNamespaces) {
    out.push(f.createImportDeclaration(undefined, f.createImportClause(undefined, undefined, f.createNamespaceImport(f.createIdentifier(ns))), f.createStringLiteral(module)));
  }
  for (const ns of namespaces) {
    const local = names.get(ns.local)!;
    out.push(
      f.createImportDeclaration(undefined, f.createImportClause(undefined, undefined, f.createNamespaceImport(f.createIdentifier(local))), f.createStringLiteral(ns.module)),
    );
  }
  for (const imp of imports) {
    const ns = fresh(imp.module.replace(/^.*\//, 'adc_').replace(/\W/g, '_'));
    out.push(f.createImportDeclaration(undefined, f.createImportClause(undefined, undefined, f.createNamespaceImport(f.createIdentifier(ns))), f.createStringLiteral(imp.module)));
    const elements = imp.names.map(({ imported, local }) => {
      const name = names.get(local)!;
      return f.createBindingElement(undefined, name === imported ? undefined : imported, name);
    });
    out.push(
      f.createVariableStatement(
        undefined,
        f.createVariableDeclarationList([f.createVariableDeclaration(f.createObjectBindingPattern(elements), undefined, undefined, f.createIdentifier(ns))], t.NodeFlags.Const),
      ),
    );
  }
  for (const st of parsed.statements) if (!t.isImportDeclaration(st)) out.push(clone(st) as ts.Statement);
  if (header && out.length > 0) t.addSyntheticLeadingComment(out[0], t.SyntaxKind.SingleLineCommentTrivia, ` ${header}`, true);
  return { statements: out, names };
}

/** The text of every identifier of the parsed module (its comments left out). */
function identifiersOf(t: typeof ts, parsed: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (t.isIdentifier(node)) names.add(node.text);
    t.forEachChild(node, visit);
  };
  visit(parsed);
  return names;
}

function collectBindingNames(t: typeof ts, name: ts.BindingName, into: string[]): void {
  if (t.isIdentifier(name)) into.push(name.text);
  else for (const e of name.elements) if (!t.isOmittedExpression(e)) collectBindingNames(t, e.name, into);
}

/** A deep copy of parsed nodes built by `t.factory`, with `renames` applied to every non-property identifier. */
function cloner(t: typeof ts, parsed: ts.SourceFile, renames: ReadonlyMap<string, string>, substitutes: ReadonlyMap<string, () => ts.Expression>): (node: ts.Node) => ts.Node {
  const f = t.factory;
  const K = t.SyntaxKind;
  const id = (name: string): ts.Expression => substitutes.get(name)?.() ?? f.createIdentifier(renames.get(name) ?? name);

  const visit = (node: ts.Node): ts.Node | undefined => {
    // `export function f_grad` ⇒ `function f_grad`: the user's module exports only what the user wrote.
    if (node.kind === K.ExportKeyword && node.parent?.parent && t.isSourceFile(node.parent.parent)) return undefined;
    if (t.isIdentifier(node)) return isPropertyName(t, node) ? f.createIdentifier(node.text) : id(node.text);
    if (t.isPrivateIdentifier(node)) return f.createPrivateIdentifier(node.text);
    if (t.isNumericLiteral(node)) return f.createNumericLiteral(node.text);
    if (t.isBigIntLiteral(node)) return f.createBigIntLiteral(node.text);
    if (t.isStringLiteral(node)) return f.createStringLiteral(node.text);
    if (t.isNoSubstitutionTemplateLiteral(node)) return f.createNoSubstitutionTemplateLiteral(node.text);
    if (t.isRegularExpressionLiteral(node)) return f.createRegularExpressionLiteral(node.text);
    if (t.isTemplateHead(node)) return f.createTemplateHead(node.text);
    if (t.isTemplateMiddle(node)) return f.createTemplateMiddle(node.text);
    if (t.isTemplateTail(node)) return f.createTemplateTail(node.text);
    if (node.kind >= K.FirstToken && node.kind <= K.LastToken) return f.createToken(node.kind as ts.KeywordSyntaxKind);
    // `{ value }` ⇒ `{ value: value_2 }` when `value` is renamed (likewise in binding patterns).
    if (t.isShorthandPropertyAssignment(node) && (renames.has(node.name.text) || substitutes.has(node.name.text))) {
      return finish(node, f.createPropertyAssignment(node.name.text, id(node.name.text)));
    }
    if (t.isBindingElement(node) && !node.propertyName && t.isIdentifier(node.name) && renames.has(node.name.text) && t.isObjectBindingPattern(node.parent)) {
      const init = node.initializer && (visit(node.initializer) as ts.Expression);
      return finish(node, f.createBindingElement(node.dotDotDotToken && f.createToken(K.DotDotDotToken), node.name.text, renames.get(node.name.text)!, init));
    }
    let copy: ts.Node = t.visitEachChild(node, visit, undefined, undefined, visit) ?? node;
    if (copy === node) copy = childless(t, node); // nothing below it to copy: build it anew
    return finish(node, copy);
  };

  /** Scrubs positions and `original` from a copy (and from its lists) and carries a statement's leading comments. */
  const finish = (from: ts.Node, copy: ts.Node): ts.Node => {
    t.setTextRange(copy, { pos: -1, end: -1 });
    t.setOriginalNode(copy, undefined);
    t.forEachChild(
      copy,
      () => undefined,
      (list) => void t.setTextRange(list, { pos: -1, end: -1 }),
    );
    if (t.isStatement(from) || t.isFunctionDeclaration(from)) {
      for (const c of t.getLeadingCommentRanges(parsed.text, from.pos) ?? []) {
        const raw = parsed.text.slice(c.pos, c.end);
        const body = c.kind === K.SingleLineCommentTrivia ? raw.slice(2) : raw.slice(2, -2);
        t.addSyntheticLeadingComment(copy, c.kind, body, c.hasTrailingNewLine);
      }
    }
    return copy;
  };

  return (node) => visit(node)!;
}

/** `property` in `a.property`, `{ property: … }`, `{ property: T }`, `A.B`, `{ property: x } = …`. */
function isPropertyName(t: typeof ts, node: ts.Identifier): boolean {
  const p = node.parent;
  if (!p) return false;
  if (t.isPropertyAccessExpression(p) || t.isQualifiedName(p)) return (t.isPropertyAccessExpression(p) ? p.name : p.right) === node;
  if (t.isBindingElement(p) || t.isImportSpecifier(p) || t.isExportSpecifier(p)) return p.propertyName === node;
  if (t.isPropertyAssignment(p) || t.isPropertySignature(p) || t.isPropertyDeclaration(p) || t.isMethodDeclaration(p) || t.isMethodSignature(p)) return p.name === node;
  if (t.isGetAccessorDeclaration(p) || t.isSetAccessorDeclaration(p) || t.isEnumMember(p)) return p.name === node;
  return false;
}

/** A node with no child nodes, built anew (visitEachChild returns such a node unchanged). */
function childless(t: typeof ts, node: ts.Node): ts.Node {
  const f = t.factory;
  const K = t.SyntaxKind;
  switch (node.kind) {
    case K.EmptyStatement:
      return f.createEmptyStatement();
    case K.Block:
      return f.createBlock([], false);
    case K.ReturnStatement:
      return f.createReturnStatement();
    case K.BreakStatement:
      return f.createBreakStatement();
    case K.ContinueStatement:
      return f.createContinueStatement();
    case K.DebuggerStatement:
      return f.createDebuggerStatement();
    case K.OmittedExpression:
      return f.createOmittedExpression();
    case K.ArrayLiteralExpression:
      return f.createArrayLiteralExpression([]);
    case K.ObjectLiteralExpression:
      return f.createObjectLiteralExpression([]);
    case K.TypeLiteral:
      return f.createTypeLiteralNode([]);
    case K.TupleType:
      return f.createTupleTypeNode([]);
    case K.ThisType:
      return f.createThisTypeNode();
    case K.ObjectBindingPattern:
      return f.createObjectBindingPattern([]);
    case K.ArrayBindingPattern:
      return f.createArrayBindingPattern([]);
    case K.CaseBlock:
      return f.createCaseBlock([]);
    case K.DefaultClause:
      return f.createDefaultClause([]);
    default:
      throw new Error(`cannot rebuild a ${t.SyntaxKind[node.kind]} of the generated module`);
  }
}
