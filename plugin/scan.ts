/**
 * Finding the marker calls of one source file, in the user's own program.
 *
 * Guarantees: every call `grad(f)`, `jvp(f)`, `vjp(f)` (also `adc.grad(f)`, a
 * marker imported under another name, or re-exported by another module) whose
 * callee resolves through the user's checker to a marker of the `ts-adc`
 * package is returned, either as a `MarkerCall` (its function resolved,
 * through imports and re-exports, to a module-level declaration with a body;
 * `wrt` resolved to parameter names in signature order) or as a `ScanProblem`
 * that points at the offending node. Only the user's `ts` instance is used.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as ts from 'typescript';
import { errors } from '../compiler/diagnostics/catalog';

export type MarkerKind = 'grad' | 'jvp' | 'vjp' | 'jacobian' | 'hvp' | 'hessian';

export interface MarkerCall {
  readonly kind: MarkerKind;
  readonly call: ts.CallExpression;
  /** File declaring the differentiated function (as the user's program names it) and its declared name. */
  readonly file: string;
  readonly name: string;
  /** Differentiated parameters by name, in signature order; undefined when all are. */
  readonly wrt: readonly string[] | undefined;
}

export interface ScanProblem {
  readonly node: ts.Node;
  readonly code: string;
  readonly message: string;
}

export interface Scan {
  readonly sourceFile: ts.SourceFile;
  readonly calls: readonly MarkerCall[];
  readonly problems: readonly ScanProblem[];
}

const kinds: readonly string[] = ['grad', 'jvp', 'vjp', 'jacobian', 'hvp', 'hessian'];

export function scanFile(t: typeof ts, checker: ts.TypeChecker, sf: ts.SourceFile): Scan {
  const calls: MarkerCall[] = [];
  const problems: ScanProblem[] = [];
  const visit = (node: ts.Node): void => {
    if (t.isCallExpression(node)) {
      const kind = markerKind(t, checker, node.expression);
      if (kind) {
        const r = resolveCall(t, checker, node, kind);
        if ('message' in r) problems.push(r);
        else calls.push(r);
      }
    }
    t.forEachChild(node, visit);
  };
  visit(sf);
  return { sourceFile: sf, calls, problems };
}

/** `grad(…)` ⇒ 'grad' when the callee is the ts-adc marker, whatever it is called locally. */
export function markerKind(t: typeof ts, checker: ts.TypeChecker, callee: ts.Expression): MarkerKind | undefined {
  if (!t.isIdentifier(callee) && !t.isPropertyAccessExpression(callee)) return undefined;
  let symbol = checker.getSymbolAtLocation(callee);
  if (symbol && symbol.flags & t.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  if (!symbol || !kinds.includes(symbol.name)) return undefined;
  const decl = symbol.declarations?.[0];
  return decl && isMarkersFile(decl.getSourceFile().fileName) ? (symbol.name as MarkerKind) : undefined;
}

const packageNames = new Map<string, string | undefined>();

/** `…/ts-adc/dist/runtime/markers.d.ts` (or the source `runtime/markers.ts`) of a package named `ts-adc`. */
function isMarkersFile(fileName: string): boolean {
  if (!/[\\/]runtime[\\/]markers\.(d\.)?ts$/.test(fileName)) return false;
  return nearestPackageName(path.dirname(fileName)) === 'ts-adc';
}

function nearestPackageName(dir: string): string | undefined {
  if (packageNames.has(dir)) return packageNames.get(dir);
  let name: string | undefined;
  const file = path.join(dir, 'package.json');
  if (fs.existsSync(file)) {
    try {
      name = JSON.parse(fs.readFileSync(file, 'utf8')).name;
    } catch {
      name = undefined;
    }
  } else if (path.dirname(dir) !== dir) {
    name = nearestPackageName(path.dirname(dir));
  }
  packageNames.set(dir, name);
  return name;
}

function resolveCall(t: typeof ts, checker: ts.TypeChecker, call: ts.CallExpression, kind: MarkerKind): MarkerCall | ScanProblem {
  const args = call.arguments;
  if (args.length < 1 || args.length > 2 || args.some((a) => t.isSpreadElement(a))) {
    return unresolved(call, `${kind}() takes a function and optionally { wrt: [...] }`);
  }
  const target = resolveFunction(t, checker, args[0], kind);
  if ('message' in target) return target;
  let wrt: readonly string[] | undefined;
  if (args.length === 2) {
    const w = parseWrt(t, args[1], target.params);
    if ('message' in w) return w;
    // (naming every parameter is not the same as naming none: a matrix or an array of objects is differentiated only where named)
    wrt = w.names;
  }
  return { kind, call, file: target.file, name: target.name, wrt };
}

interface Target {
  readonly file: string;
  readonly name: string;
  readonly params: readonly string[];
}

/** `loss` ⇒ the module-level function it names (through imports, `export { a as b }` and re-exports). */
function resolveFunction(t: typeof ts, checker: ts.TypeChecker, arg: ts.Expression, kind: MarkerKind): Target | ScanProblem {
  const expr = skipParens(t, arg);
  const what = `the argument of ${kind}() must name a module-level function (a function declaration or a const initialised with a function, a static method of a class, a function of a const object literal)`;
  if (!t.isIdentifier(expr) && !t.isPropertyAccessExpression(expr)) return unresolved(arg, what);
  let symbol = checker.getSymbolAtLocation(expr);
  if (symbol && symbol.flags & t.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  for (const decl of symbol?.declarations ?? []) {
    let fn: ts.SignatureDeclaration | undefined;
    let name: string | undefined;
    let topLevel = false;
    let instance = false;
    if (t.isFunctionDeclaration(decl) && decl.body && decl.name) {
      fn = decl;
      name = decl.name.text;
      topLevel = t.isSourceFile(decl.parent);
    } else if (t.isVariableDeclaration(decl) && t.isIdentifier(decl.name) && decl.initializer) {
      const init = skipParens(t, decl.initializer);
      if (t.isArrowFunction(init) || t.isFunctionExpression(init)) {
        fn = init;
        name = decl.name.text;
        topLevel = t.isVariableDeclarationList(decl.parent) && t.isVariableStatement(decl.parent.parent) && t.isSourceFile(decl.parent.parent.parent);
      }
    }
    if (!fn) {
      // (`grad(C.prototype.m)`, given its receiver's type by the program transformer: program.ts)
      const member = memberFunction(t, decl, isMethodAssertion(t, arg));
      if ('message' in member) return { ...member, node: arg };
      if (member.fn) ({ fn, name, topLevel, instance } = member as Required<typeof member>);
    }
    if (!fn || !name) continue;
    const sf = decl.getSourceFile();
    if (sf.isDeclarationFile) return unresolved(arg, `'${name}' is declared in ${path.basename(sf.fileName)}, whose source is not part of this program`);
    if (!topLevel) return { node: arg, ...pick(errors.closure({ file: '', line: 1, col: 1 })) };
    const params = fn.parameters.map((p) => (t.isIdentifier(p.name) ? p.name.text : `#${fn.parameters.indexOf(p)}`));
    // (an instance method's receiver comes first, named `this` in wrt)
    return { file: sf.fileName, name, params: instance ? ['this', ...params] : params };
  }
  return unresolved(arg, what);
}

/**
 * A function a class or an object literal holds, named as the compiler names it: a method of a
 * module-level class (`Vec3.angle` ⇒ `Vec3_angle`, `Vector3.prototype.length` ⇒ `Vector3_length`),
 * a function of a module-level const object literal (`convert.rgb.lab` ⇒ `convert_rgb_lab`). An
 * instance method is a problem unless the program transformer gave it its receiver's type (`typed`).
 */
function memberFunction(
  t: typeof ts,
  decl: ts.Declaration,
  typed: boolean,
): { fn?: ts.SignatureDeclaration; name?: string; topLevel?: boolean; instance?: boolean } | Omit<ScanProblem, 'node'> {
  const named = (n: ts.Node | undefined) => n !== undefined && (t.isIdentifier(n) || t.isPrivateIdentifier(n));
  const cls = decl.parent;
  if (cls && t.isClassDeclaration(cls) && cls.name && (t.isMethodDeclaration(decl) || t.isPropertyDeclaration(decl)) && named(decl.name)) {
    const member = (decl.name as ts.Identifier).text;
    const isStatic = (t.getModifiers(decl) ?? []).some((m) => m.kind === t.SyntaxKind.StaticKeyword);
    if (!isStatic && !typed)
      return {
        code: 'ADC110',
        message: `'${cls.name.text}.prototype.${member}' is an instance method, whose type does not say whose it is: add { "transform": "ts-adc/plugin/program", "transformProgram": true } before { "transform": "ts-adc/plugin" } in compilerOptions.plugins (it types the receiver, which the generated functions take first; ts-patch runs it in tspc, not in tspc --watch), or mark it with /** @differentiable */ and call ${cls.name.text}_${member}_grad(self, …) from the file adc build generates`,
      };
    const init = t.isPropertyDeclaration(decl) && decl.initializer ? skipParens(t, decl.initializer) : undefined;
    const fn = t.isMethodDeclaration(decl) ? decl : init && (t.isArrowFunction(init) || t.isFunctionExpression(init)) ? init : undefined;
    return fn?.body ? { fn, name: `${cls.name.text}_${member}`, topLevel: t.isSourceFile(cls.parent), instance: !isStatic } : {};
  }
  if (!(t.isMethodDeclaration(decl) || t.isPropertyAssignment(decl)) || !t.isIdentifier(decl.name)) return {};
  const init = t.isPropertyAssignment(decl) ? skipParens(t, decl.initializer) : undefined;
  const fn = t.isMethodDeclaration(decl) ? decl : init && (t.isArrowFunction(init) || t.isFunctionExpression(init)) ? init : undefined;
  if (!fn?.body) return {};
  // (its path: the names of the properties and of the const holding the outermost object literal)
  const path = [decl.name.text];
  for (let object: ts.Node = decl.parent; ;) {
    if (!t.isObjectLiteralExpression(object)) return {};
    let holder: ts.Node = object.parent;
    while (t.isParenthesizedExpression(holder) || t.isAsExpression(holder) || t.isSatisfiesExpression(holder)) holder = holder.parent;
    if (t.isPropertyAssignment(holder) && t.isIdentifier(holder.name)) {
      path.unshift(holder.name.text);
      object = holder.parent;
      continue;
    }
    if (!t.isVariableDeclaration(holder) || !t.isIdentifier(holder.name)) return {};
    path.unshift(holder.name.text);
    const stmt = holder.parent.parent;
    const isConst = t.isVariableDeclarationList(holder.parent) && (holder.parent.flags & t.NodeFlags.Const) !== 0;
    return { fn, name: path.join('_'), topLevel: isConst && t.isVariableStatement(stmt) && t.isSourceFile(stmt.parent), instance: false };
  }
}

/** `{ wrt: ["w", 2] }` ⇒ the parameter names, in signature order. */
function parseWrt(t: typeof ts, arg: ts.Expression, params: readonly string[]): { names: string[] } | ScanProblem {
  const obj = skipParens(t, arg);
  const bad = (node: ts.Node, msg: string): ScanProblem => ({ node, code: 'ADC110', message: `invalid wrt option: ${msg}` });
  if (!t.isObjectLiteralExpression(obj)) return bad(arg, 'the options must be an object literal such as { wrt: ["w"] }');
  let list: ts.ArrayLiteralExpression | undefined;
  for (const p of obj.properties) {
    const key = p.name && (t.isIdentifier(p.name) || t.isStringLiteral(p.name)) ? p.name.text : undefined;
    if (!t.isPropertyAssignment(p) || key !== 'wrt') return bad(p, 'the only option is wrt, e.g. { wrt: ["w"] }');
    const value = skipParens(t, p.initializer);
    if (!t.isArrayLiteralExpression(value)) return bad(p.initializer, 'wrt must be an array literal of parameter names or positions');
    list = value;
  }
  if (!list || list.elements.length === 0) return bad(arg, `wrt must list at least one parameter (parameters: ${params.join(', ')})`);
  const chosen = new Set<number>();
  for (const e of list.elements) {
    let index: number;
    if (t.isStringLiteral(e) || t.isNoSubstitutionTemplateLiteral(e)) {
      index = params.indexOf(e.text);
      if (index < 0) return bad(e, `'${e.text}' is not a parameter (parameters: ${params.join(', ')})`);
    } else if (t.isNumericLiteral(e)) {
      index = Number(e.text);
      if (!Number.isInteger(index) || index >= params.length) return bad(e, `${e.text} is not a parameter position (0 to ${params.length - 1})`);
    } else {
      return bad(e, 'each entry must be a parameter name (a string literal) or position (a number literal)');
    }
    if (chosen.has(index)) return bad(e, `'${params[index]}' is listed twice`);
    chosen.add(index);
  }
  return { names: params.filter((_, i) => chosen.has(i)) };
}

/**
 * Whether a marker's argument is `C.prototype.m` given its receiver's type by the program transformer
 * (program.ts): `… as unknown as import("ts-adc").Method<…>`.
 */
function isMethodAssertion(t: typeof ts, arg: ts.Expression): boolean {
  return t.isAsExpression(arg) && t.isImportTypeNode(arg.type) && arg.type.qualifier !== undefined && t.isIdentifier(arg.type.qualifier) && arg.type.qualifier.text === 'Method';
}

function skipParens(t: typeof ts, e: ts.Expression): ts.Expression {
  while (t.isParenthesizedExpression(e) || t.isAsExpression(e) || t.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

function unresolved(node: ts.Node, what: string): ScanProblem {
  return { node, ...pick(errors.unresolvedCall({ file: '', line: 1, col: 1 }, what)) };
}

function pick(d: { code: string; message: string }): { code: string; message: string } {
  return { code: d.code, message: d.message };
}
