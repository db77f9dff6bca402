/**
 * How a user's file reaches the functions its generated code imports: user rules (`@jvp erf`,
 * `@vjp erf`) and the functions they are rules of.
 *
 *   import { erf } from "special-functions";      erf            (the file's own binding)
 *   export const erf_vjp = …                       erf_vjp        (declared in the file)
 *   (rules in ./rules.ts, not imported)            import * as adc_rules from "./rules.js"; adc_rules.logistic_jvp
 *
 * Guarantees: a name is used as the file has it only when the file declares it at the top level,
 * or imports it by a (non-type-only) named import that some expression of the file refers to (so
 * TypeScript neither elides the import nor leaves the reference unrewritten in CommonJS output:
 * that expression is the `original` of the generated references). Anything else gets the module
 * specifier the file would import it by: the package's, or the file's path relative to the user's
 * file, without extension (`.js` under Node16/NodeNext resolution), as `adc build` writes it.
 */
import * as path from 'node:path';
import type * as ts from 'typescript';
import type { Outer } from './inline';
import { fileSpecifier } from './session';

/** The runtime's specifier in the generated module (the compiler's default): inline.ts imports it itself. */
const runtimeModule = 'ts-adc/runtime';

export function outerNames(
  t: typeof ts,
  checker: ts.TypeChecker,
  sf: ts.SourceFile,
  files: readonly string[],
  options: ts.CompilerOptions,
): (module: string, name: string) => Outer | undefined {
  return (module, name) => {
    if (module === runtimeModule) return undefined;
    const file = module.startsWith(fileSpecifier) ? files[Number(module.slice(fileSpecifier.length))] : undefined;
    if (module.startsWith(fileSpecifier) && file === undefined) return undefined;
    const specifier = file === undefined ? module : relativeSpecifier(t, sf.fileName, file, options);
    if (file !== undefined && samePath(file, sf.fileName)) {
      const decl = topLevelDeclaration(t, sf, name);
      if (decl) return { module: specifier, name, original: referenceTo(t, checker, sf, decl) ?? decl };
    }
    for (const st of sf.statements) {
      if (!t.isImportDeclaration(st) || !t.isStringLiteral(st.moduleSpecifier) || st.importClause?.isTypeOnly) continue;
      const bindings = st.importClause?.namedBindings;
      if (!bindings || !t.isNamedImports(bindings)) continue;
      for (const e of bindings.elements) {
        if (e.isTypeOnly) continue;
        const imported = (e.propertyName ?? e.name).text;
        const matches = file === undefined ? st.moduleSpecifier.text === module && imported === name : declaresIn(t, checker, e.name, file, name);
        if (!matches) continue;
        const original = referenceTo(t, checker, sf, e.name);
        if (original) return { module: specifier, name: e.name.text, original };
      }
    }
    return { module: specifier };
  };
}

/** `name`'s identifier in a top-level `function name` or `const name = …` of `sf`. */
function topLevelDeclaration(t: typeof ts, sf: ts.SourceFile, name: string): ts.Identifier | undefined {
  for (const st of sf.statements) {
    if (t.isFunctionDeclaration(st) && st.name?.text === name) return st.name;
    if (t.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) if (t.isIdentifier(d.name) && d.name.text === name) return d.name;
    }
  }
  return undefined;
}

/** Whether the import `local` stands for `name` declared in `file`. */
function declaresIn(t: typeof ts, checker: ts.TypeChecker, local: ts.Identifier, file: string, name: string): boolean {
  const symbol = checker.getSymbolAtLocation(local);
  if (!symbol) return false;
  const target = symbol.flags & t.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  return (target.declarations ?? []).some((d) => samePath(d.getSourceFile().fileName, file) && (d as ts.NamedDeclaration).name?.getText() === name);
}

/** An identifier of `sf` outside its imports and types that refers to what `declared` declares. */
function referenceTo(t: typeof ts, checker: ts.TypeChecker, sf: ts.SourceFile, declared: ts.Identifier): ts.Identifier | undefined {
  const symbol = checker.getSymbolAtLocation(declared);
  if (!symbol) return undefined;
  let found: ts.Identifier | undefined;
  const visit = (node: ts.Node): void => {
    if (found || t.isImportDeclaration(node) || t.isTypeNode(node) || t.isJSDoc(node)) return;
    if (t.isIdentifier(node) && node !== declared && node.text === declared.text && !isDeclarationName(t, node) && checker.getSymbolAtLocation(node) === symbol) {
      found = node;
      return;
    }
    t.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function isDeclarationName(t: typeof ts, node: ts.Identifier): boolean {
  const p = node.parent;
  return (t.isFunctionDeclaration(p) || t.isVariableDeclaration(p) || t.isParameter(p) || t.isBindingElement(p) || t.isClassDeclaration(p)) && p.name === node;
}

function samePath(a: string, b: string): boolean {
  return path.resolve(a) === path.resolve(b);
}

/** `./rules.js` (Node16/NodeNext) or `./rules` (`./rules.mjs` for rules.mts): how `from` imports `file`. */
function relativeSpecifier(t: typeof ts, from: string, file: string, options: ts.CompilerOptions): string {
  const relative = path.relative(path.dirname(from), file).split(path.sep).join('/');
  // (a .mts or .cts file is imported as .mjs or .cjs, under any resolution)
  const kind = /\.(m|c)[jt]s$/.exec(relative)?.[1];
  const rel = relative.replace(/(\.d)?\.(m|c)?[jt]sx?$/, '');
  const R = t.ModuleResolutionKind;
  const M = t.ModuleKind;
  // (without moduleResolution, module node16…nodenext implies it)
  const resolution = options.moduleResolution ?? (options.module !== undefined && options.module >= M.Node16 && options.module <= M.NodeNext ? R.NodeNext : undefined);
  const esm = resolution === R.Node16 || resolution === R.NodeNext;
  return `${rel.startsWith('.') ? '' : './'}${rel}${kind ? `.${kind}js` : esm ? '.js' : ''}`;
}
