/**
 * Finding `@differentiable` functions and resolving the functions they call.
 *
 * Guarantees: a `FunctionSource` always has a body we can lower (a function
 * declaration, or a `const` bound to an arrow function or function expression at
 * module level); its key `<file>#<name>` is unique in the project. A tag we
 * cannot honour (on a method, with an unknown `wrt` name) is an ADC110 error.
 */
import { ts } from 'ts-morph';
import { errors, type Diagnostic, type Position } from '../diagnostics/catalog';
import { positionOf } from './position';
import { forEachNode } from './walk';
import type { UserRule } from '../ir/types';
import { mentionsTag, misspelledTags, parseTag, tagName, type TagProblem } from './tags';

export type FunctionNode = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration | ts.GetAccessorDeclaration | ts.SetAccessorDeclaration;

export interface FunctionSource {
  readonly key: string;
  readonly name: string;
  readonly file: string;
  readonly node: FunctionNode;
  /** Node to point at in diagnostics about the function as a whole. */
  readonly nameNode: ts.Node;
  readonly sourceFile: ts.SourceFile;
  readonly exported: boolean;
  /** The parameters a request names (the plugin's `grad(f, { wrt })`), standing for the tag's `wrt(…)`. */
  readonly wrt?: readonly string[];
  /** Of an instance member (method, getter, field arrow): its class, whose instance `this` is. */
  readonly receiver?: ts.ClassDeclaration;
  /** A function with user rules (`@jvp`/`@vjp`): never lowered, its calls use the rules (1-frontend/rules.ts). */
  readonly rule?: UserRule;
}

export interface MarkedFunction {
  readonly source: FunctionSource;
  /** Parameters to differentiate, in signature order; all of them when the tag names none. */
  readonly wrt: readonly string[];
  /** The tag names them (`wrt(...)`): naming one that cannot be differentiated is then an error. */
  readonly explicit: boolean;
  /** `@differentiable hessian`: also `f_hvp` and `f_hessian`. */
  readonly hessian?: boolean;
  /** The tag, for diagnostics about its options. */
  readonly tag?: ts.Node;
}

/** The name of a parameter; a destructured one (`[x, y]`) is named after its parts, `x_y`. */
export function parameterName(p: ts.ParameterDeclaration): string {
  if (ts.isIdentifier(p.name)) return p.name.text;
  return p.name.elements.map((el) => (ts.isBindingElement(el) ? el.name.getText() : '')).join('_');
}

function hasExport(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function differentiableTags(node: ts.Node): ts.JSDocTag[] {
  return ts.getJSDocTags(node).filter((t) => t.tagName.text === tagName);
}

/** The parameters the `@differentiable` tag of `fn` names in `wrt(…)`; undefined without such a tag. */
export function namedWrt(fn: FunctionSource): readonly string[] | undefined {
  if (fn.wrt) return fn.wrt;
  const tagged = taggedNode(fn);
  const [tag] = differentiableTags(tagged);
  const items = tag ? parseTag(ts.getTextOfJSDocComment(tag.comment) ?? '') : undefined;
  return items && !('problem' in items) ? items.wrt : undefined;
}

/** The module-level functions of a file, by name. */
export function moduleFunctions(sf: ts.SourceFile): FunctionSource[] {
  const out: FunctionSource[] = [];
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name && st.body) {
      out.push({ key: `${sf.fileName}#${st.name.text}`, name: st.name.text, file: sf.fileName, node: st, nameNode: st.name, sourceFile: sf, exported: hasExport(st) });
    } else if (ts.isVariableStatement(st) && st.declarationList.flags & ts.NodeFlags.Const) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer && skipParens(d.initializer);
        if (ts.isIdentifier(d.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) {
          out.push({ key: `${sf.fileName}#${d.name.text}`, name: d.name.text, file: sf.fileName, node: init, nameNode: d.name, sourceFile: sf, exported: hasExport(st) });
        }
        // (and the functions an object literal holds, `const Vector = { add(a, b) { … } }`: `Vector_add`)
        if (ts.isIdentifier(d.name) && init && ts.isObjectLiteralExpression(init)) out.push(...objectMembers(init));
      }
    } else if (ts.isExpressionStatement(st)) {
      // (and a function assigned to a property of a module-level object: `convert.rgb.lab = function (rgb) { … }`)
      const member = assignedMember(st);
      if (member) out.push(member);
    } else if (ts.isClassDeclaration(st) && st.name) {
      // (and the members of a class with a body: `Vector3_distanceTo`, `Vector3_dot`)
      for (const m of st.members) {
        const member = classMember(m);
        if (member) out.push(member);
      }
    }
  }
  return out;
}

/** `a.b.c` of a chain of property names from an identifier; undefined for any other expression. */
function propertyPath(e: ts.Expression): string[] | undefined {
  if (ts.isIdentifier(e)) return [e.text];
  if (!ts.isPropertyAccessExpression(e) || !ts.isIdentifier(e.name)) return undefined;
  const base = propertyPath(e.expression);
  return base && [...base, e.name.text];
}

/** `convert.rgb.lab = function (rgb) { … };` at module level: a function named after its path (`convert_rgb_lab`). */
function assignedMember(st: ts.ExpressionStatement): FunctionSource | undefined {
  const e = st.expression;
  if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.EqualsToken || !ts.isPropertyAccessExpression(e.left)) return undefined;
  const fn = skipParens(e.right);
  const path = propertyPath(e.left);
  if (!path || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) return undefined;
  const sf = st.getSourceFile();
  return { key: `${sf.fileName}#${path.join('.')}`, name: path.join('_'), file: sf.fileName, node: fn, nameNode: e.left.name as ts.Identifier, sourceFile: sf, exported: false };
}

/** `/** @nondiff *\/` on a function: its result is a constant for differentiation (JAX's `stop_gradient`). */
export function isNondiff(fn: FunctionSource): boolean {
  return ts.getJSDocTags(taggedNode(fn)).some((t) => t.tagName.text === 'nondiff');
}

/** The node a function's tags are on: the function, its method, its `const`, or the statement assigning it. */
export function taggedNode(fn: FunctionSource): ts.Node {
  if (ts.isFunctionDeclaration(fn.node) || ts.isMethodDeclaration(fn.node)) return fn.node;
  const assignment = fn.node.parent;
  if (ts.isBinaryExpression(assignment) && ts.isExpressionStatement(assignment.parent)) return assignment.parent;
  return fn.nameNode.parent;
}

/**
 * The function assigned to the property a call names (`convert.xyz.lab(…)` of `convert.xyz.lab =
 * function …` in the module that declares `convert`), if there is one.
 */
function assignedCallee(callee: ts.Expression, checker: ts.TypeChecker): FunctionSource | undefined {
  const path = propertyPath(callee);
  if (!path || path.length < 2) return undefined;
  let root = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(callee) ? leftmost(callee) : callee);
  if (root && root.flags & ts.SymbolFlags.Alias) root = checker.getAliasedSymbol(root);
  const decl = root?.valueDeclaration;
  if (!decl || !ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name) || decl.getSourceFile().isDeclarationFile) return undefined;
  const sf = decl.getSourceFile();
  const key = `${sf.fileName}#${[decl.name.text, ...path.slice(1)].join('.')}`;
  for (const st of sf.statements) {
    const member = ts.isExpressionStatement(st) ? assignedMember(st) : undefined;
    if (member?.key === key) return member;
  }
  return undefined;
}

function leftmost(e: ts.Expression): ts.Expression {
  while (ts.isPropertyAccessExpression(e)) e = e.expression;
  return e;
}

/**
 * The name an instance member's receiver has in generated code (`self`, unless a parameter has
 * that name): the first parameter of its generated functions.
 */
export function receiverName(fn: FunctionSource): string {
  const taken = new Set(fn.node.parameters.map(parameterName));
  let name = 'self';
  while (taken.has(name)) name += '_';
  return name;
}

/** The names `wrt(…)` may give: `this` first for an instance member, then the parameters. */
export function wrtNames(fn: FunctionSource): string[] {
  return [...(fn.receiver ? ['this'] : []), ...fn.node.parameters.map(parameterName)];
}

function skipParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

/** The `@differentiable` functions of a file, with their `wrt` lists; tag errors, and warnings for misspelled tags. */
export function findMarked(sf: ts.SourceFile): { marked: MarkedFunction[]; diagnostics: Diagnostic[] } {
  const marked: MarkedFunction[] = [];
  const diagnostics: Diagnostic[] = [];
  if (!mentionsTag(sf.text)) return { marked, diagnostics };
  for (const { offset, name } of misspelledTags(sf.text)) {
    const { line, character } = sf.getLineAndCharacterOfPosition(offset);
    diagnostics.push(errors.misspelledTag({ file: sf.fileName, line: line + 1, col: character + 1, length: name.length + 1, sourceText: sf.text }, name));
  }
  const topLevel = new Set<ts.Node>();
  for (const fn of moduleFunctions(sf)) {
    // (the tag of a method or property of an object literal is on it)
    const tagged = taggedNode(fn);
    topLevel.add(fn.node);
    const [tag, second] = differentiableTags(tagged);
    if (!tag) continue;
    if (second) {
      diagnostics.push(errors.badTag(positionOf(second, sf), `'${fn.name}' has two @${tagName} tags: keep one (with every parameter to differentiate in its wrt(…))`));
      continue;
    }
    const params = wrtNames(fn);
    const text = ts.getTextOfJSDocComment(tag.comment) ?? '';
    const items = parseTag(text);
    if ('problem' in items) {
      diagnostics.push(errors.badTag(positionInTag(tag, sf, items), items.problem));
      continue;
    }
    // (`this` is the receiver, the first parameter of the generated functions: `self`)
    const inCode = (names: readonly string[]) => names.map((n) => (n === 'this' ? receiverName(fn) : n));
    if (items.wrt === undefined) {
      marked.push({ source: fn, wrt: inCode(params), explicit: false, hessian: items.options.includes('hessian'), tag });
      continue;
    }
    const unknown = items.wrt.filter((n) => !params.includes(n));
    if (unknown.length > 0) {
      diagnostics.push(errors.badTag(positionOf(tag, sf), `'${unknown[0]}' is not a parameter of '${fn.name}' (parameters: ${params.join(', ') || 'none'})`));
      continue;
    }
    if (items.wrt.length === 0) {
      diagnostics.push(errors.badTag(positionOf(tag, sf), 'wrt() names no parameter'));
      continue;
    }
    marked.push({ source: fn, wrt: inCode(params.filter((p) => items.wrt!.includes(p))), explicit: true, hessian: items.options.includes('hessian'), tag });
  }
  // A tag anywhere else (methods, nested functions, default exports) cannot be honoured.
  forEachNode(sf, (node) => {
    if ((ts.isFunctionLike(node) || ts.isVariableStatement(node)) && !topLevel.has(node)) {
      const [tag] = differentiableTags(node);
      const isTopVar = ts.isVariableStatement(node) && node.parent === sf;
      if (tag && !isTopVar)
        diagnostics.push(
          errors.badTag(
            positionOf(tag, sf),
            'only module-level functions (function declarations, const arrow functions, functions of a const object literal) and members of module-level classes (methods, getters, static methods, fields holding arrow functions) can be marked',
          ),
        );
    }
  });
  return { marked, diagnostics };
}

/** Where in the source a problem `parseTag` found in a tag's text is: at the text found, else at the tag. */
function positionInTag(tag: ts.JSDocTag, sf: ts.SourceFile, p: TagProblem): Position {
  const start = tag.tagName.getEnd();
  // The comment's text is the source without the ` * ` of continued lines: never longer.
  const offset = sf.text.indexOf(p.found, start + p.at);
  if (p.found === '' || offset < 0 || offset >= tag.getEnd()) return positionOf(tag, sf);
  const { line, character } = sf.getLineAndCharacterOfPosition(offset);
  return { file: sf.fileName, line: line + 1, col: character + 1, length: p.found.length, sourceText: sf.text };
}

/**
 * The function a call expression calls: through imports, re-exports and
 * `export { a as b }` aliases. Undefined when the callee is not a function of
 * the project with a body (the caller reports why).
 */
export function resolveCallee(
  callee: ts.Expression,
  checker: ts.TypeChecker,
): { source: FunctionSource; via: string[] } | { problem: 'unresolved' | 'noBody' | 'notModuleLevel'; name: string } {
  const name = callee.getText();
  let sym = checker.getSymbolAtLocation(callee);
  const assigned = assignedCallee(callee, checker);
  if (assigned) return { source: assigned, via: [] };
  if (!sym) return { problem: 'unresolved', name };
  // Files the call resolves through (imports, re-exports): the generated code depends on them too.
  const via: string[] = [];
  for (let guard = 0; sym.flags & ts.SymbolFlags.Alias && guard < 100; guard++) {
    for (const d of sym.declarations ?? []) via.push(d.getSourceFile().fileName);
    const next: ts.Symbol = checker.getImmediateAliasedSymbol(sym) ?? checker.getAliasedSymbol(sym);
    if (next === sym) break;
    sym = next;
  }
  const decls = sym.declarations ?? [];
  for (const d of decls) {
    const sf = d.getSourceFile();
    if (ts.isFunctionDeclaration(d) && d.body && d.name) {
      if (d.parent !== sf) return { problem: 'notModuleLevel', name };
      return { source: { key: `${sf.fileName}#${d.name.text}`, name: d.name.text, file: sf.fileName, node: d, nameNode: d.name, sourceFile: sf, exported: hasExport(d) }, via };
    }
    if (ts.isVariableDeclaration(d) && ts.isIdentifier(d.name) && d.initializer) {
      const init = skipParens(d.initializer);
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) {
        const stmt = d.parent.parent;
        if (!ts.isVariableStatement(stmt) || stmt.parent !== sf || !(d.parent.flags & ts.NodeFlags.Const)) return { problem: 'notModuleLevel', name };
        return {
          source: { key: `${sf.fileName}#${d.name.text}`, name: d.name.text, file: sf.fileName, node: init, nameNode: d.name, sourceFile: sf, exported: hasExport(stmt) },
          via,
        };
      }
    }
  }
  for (const d of decls) {
    const member = objectMember(d) ?? classMember(d);
    if (member) return { source: member, via };
  }
  const isFunctionLike = decls.some((d) => ts.isFunctionDeclaration(d) || ts.isMethodSignature(d) || ts.isFunctionTypeNode(d) || ts.isVariableDeclaration(d));
  return { problem: isFunctionLike ? 'noBody' : 'unresolved', name };
}

/**
 * A function that is a property of a module-level `const` object literal (`Vector.add` of `const
 * Vector = { add(a, b) { … } }`, `vec2.scale` of `{ scale: (out, a, s) => … }`, nested ones:
 * `convert.rgb.lab`), named after its path joined by `_` (`Vector_add`); undefined for any other
 * declaration.
 */
function objectMember(d: ts.Declaration): FunctionSource | undefined {
  if (!ts.isMethodDeclaration(d) && !ts.isPropertyAssignment(d)) return undefined;
  const fn = ts.isMethodDeclaration(d) ? d : skipParens(d.initializer);
  if (!(ts.isMethodDeclaration(fn) || ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || !fn.body || !ts.isIdentifier(d.name)) return undefined;
  const nameNode = d.name;
  const path = [nameNode.text];
  let object: ts.Node = d.parent;
  for (;;) {
    if (!ts.isObjectLiteralExpression(object)) return undefined;
    const holder: ts.Node = skipOuterParent(object);
    if (ts.isPropertyAssignment(holder) && ts.isIdentifier(holder.name)) {
      path.unshift(holder.name.text);
      object = holder.parent;
      continue;
    }
    if (!ts.isVariableDeclaration(holder) || !ts.isIdentifier(holder.name) || !(holder.parent.flags & ts.NodeFlags.Const)) return undefined;
    const stmt = holder.parent.parent;
    const sf = d.getSourceFile();
    if (!ts.isVariableStatement(stmt) || stmt.parent !== sf) return undefined;
    path.unshift(holder.name.text);
    return { key: `${sf.fileName}#${path.join('.')}`, name: path.join('_'), file: sf.fileName, node: fn, nameNode, sourceFile: sf, exported: hasExport(stmt) };
  }
}

/**
 * A member of a module-level class with a body: an instance or static method, a getter, a field
 * holding an arrow function or function expression (`step = (dt: number) => …`). Named after the
 * class and the member, `Vector3_distanceTo` (a `#private` one without its `#`); an instance
 * member has its class as `receiver`.
 */
function classMember(d: ts.Node): FunctionSource | undefined {
  const cls = d.parent;
  if (!cls || !ts.isClassDeclaration(cls) || !cls.name || !ts.isSourceFile(cls.parent)) return undefined;
  if (!('name' in d) || !d.name || !(ts.isIdentifier(d.name as ts.Node) || ts.isPrivateIdentifier(d.name as ts.Node))) return undefined;
  const nameNode = d.name as ts.Identifier | ts.PrivateIdentifier;
  let fn: FunctionNode | undefined;
  if (ts.isMethodDeclaration(d) || ts.isGetAccessorDeclaration(d)) fn = d;
  else if (ts.isPropertyDeclaration(d) && d.initializer) {
    const init = skipParens(d.initializer);
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) fn = init;
  }
  if (!fn?.body) return undefined;
  const isStatic = (ts.getModifiers(d as ts.HasModifiers) ?? []).some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
  const member = nameNode.text.replace(/^#/, '');
  const sf = d.getSourceFile();
  const kind = ts.isGetAccessorDeclaration(d) ? 'get ' : '';
  return {
    key: `${sf.fileName}#${kind}${cls.name.text}.${isStatic ? '' : 'prototype.'}${nameNode.text}`,
    name: `${cls.name.text}_${member}`,
    file: sf.fileName,
    node: fn,
    nameNode: nameNode as ts.Node as ts.Identifier,
    sourceFile: sf,
    exported: hasExport(cls),
    ...(isStatic ? {} : { receiver: cls }),
  };
}

/** A setter of a module-level class (`set degrees(d) { … }`), inlined where a property is assigned: `Angle_set_degrees`. */
function classSetter(d: ts.SetAccessorDeclaration): FunctionSource | undefined {
  const cls = d.parent;
  if (!ts.isClassDeclaration(cls) || !cls.name || !d.body || !(ts.isIdentifier(d.name) || ts.isPrivateIdentifier(d.name))) return undefined;
  const isStatic = (ts.getModifiers(d) ?? []).some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
  const sf = d.getSourceFile();
  return {
    key: `${sf.fileName}#set ${cls.name.text}.${isStatic ? '' : 'prototype.'}${d.name.text}`,
    name: `${cls.name.text}_set_${d.name.text.replace(/^#/, '')}`,
    file: sf.fileName,
    node: d,
    nameNode: d.name as ts.Node as ts.Identifier,
    sourceFile: sf,
    exported: hasExport(cls),
    ...(isStatic ? {} : { receiver: cls }),
  };
}

/**
 * The member `name` an instance of `cls` has: its own, else the one it inherits (through the
 * classes of the project it extends); undefined when none of them declares one with a body.
 */
export function classMemberOf(cls: ts.ClassDeclaration, name: string, checker: ts.TypeChecker, setter = false): FunctionSource | undefined {
  for (let c: ts.ClassDeclaration | undefined = cls, depth = 0; c && depth < 20; depth++) {
    const own = c.members.find(
      (m) => m.name !== undefined && (ts.isIdentifier(m.name) || ts.isPrivateIdentifier(m.name)) && m.name.text === name && ts.isSetAccessorDeclaration(m) === setter,
    );
    if (own) return setter ? classSetter(own as ts.SetAccessorDeclaration) : classMember(own);
    const e: ts.Expression | undefined = c.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
    let sym: ts.Symbol | undefined = e && checker.getSymbolAtLocation(e);
    if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
    c = sym?.declarations?.find(ts.isClassDeclaration);
  }
  return undefined;
}

/** The functions an object literal of a module-level const holds, at any depth (see `objectMember`). */
function objectMembers(object: ts.ObjectLiteralExpression): FunctionSource[] {
  return object.properties.flatMap((p) => {
    const member = objectMember(p);
    if (member) return [member];
    const inner = ts.isPropertyAssignment(p) ? skipParens(p.initializer) : undefined;
    return inner && ts.isObjectLiteralExpression(inner) ? objectMembers(inner) : [];
  });
}

/** What holds an object literal, past parentheses and `as`/`satisfies` (`const V = { … } as const`). */
function skipOuterParent(node: ts.Node): ts.Node {
  let n = node.parent;
  while (ts.isParenthesizedExpression(n) || ts.isAsExpression(n) || ts.isSatisfiesExpression(n)) n = n.parent;
  return n;
}
