/**
 * `ts-adc/plugin/program`: the ts-patch program transformer that gives `grad(C.prototype.m)`,
 * `jvp(…)` and `vjp(…)` of an instance method their precise types.
 *
 *   grad(Body.prototype.energy)   ⇒   grad(Body.prototype.energy as unknown as
 *                                       import("ts-adc").Method<typeof Body.prototype, typeof Body.prototype.energy>)
 *
 * TypeScript's type of a method does not say whose it is, so the markers alone cannot type the
 * receiver its generated functions take first (`Body_energy_grad(self, …)`). This transformer runs
 * while tspc creates the program, before type checking: it names the class in a type assertion (the
 * emitted JavaScript is unchanged; only text after the argument on its line moves), and the source
 * transformer `ts-adc/plugin` then compiles the call as it compiles the others.
 *
 * tsconfig.json, both entries:
 *   "plugins": [
 *     { "transform": "ts-adc/plugin/program", "transformProgram": true },
 *     { "transform": "ts-adc/plugin" }
 *   ]
 *
 * Guarantees: a program without such calls is returned as it is; otherwise a new program whose
 * files differ only by those assertions. Only the user's `ts` instance is used; it never throws
 * into tspc (a file it cannot read is left as it is).
 */
import type * as ts from 'typescript';
import { markerKind } from './scan';

/** What ts-patch passes to a program transformer (the subset used here). */
export interface ProgramTransformerExtras {
  readonly ts: typeof ts;
}

/** The text the assertion adds after `C.prototype.m`, marking it for the source transformer (scan.ts `isMethodAssertion`). */
const methodAssertion = (cls: string, member: string): string => ` as unknown as import("ts-adc").Method<typeof ${cls}.prototype, typeof ${cls}.prototype.${member}>`;

export default function adcProgramTransformer(program: ts.Program, host: ts.CompilerHost | undefined, _config: unknown, extras: ProgramTransformerExtras): ts.Program {
  const t = extras.ts;
  const edited = new Map<string, string>();
  try {
    const checker = program.getTypeChecker();
    for (const sf of program.getSourceFiles()) {
      if (sf.isDeclarationFile || program.isSourceFileFromExternalLibrary(sf) || !sf.text.includes('.prototype.')) continue;
      const text = withMethodAssertions(t, checker, sf);
      if (text !== undefined) edited.set(sf.fileName, text);
    }
  } catch {
    return program; // (the source transformer reports what it cannot compile)
  }
  if (edited.size === 0) return program;
  const base = host ?? t.createCompilerHost(program.getCompilerOptions());
  const next: ts.CompilerHost = Object.create(base);
  next.getSourceFile = (fileName, language, onError, shouldCreate) => {
    const text = edited.get(fileName) ?? edited.get(t.sys.resolvePath(fileName));
    return text !== undefined ? t.createSourceFile(fileName, text, language, true) : base.getSourceFile(fileName, language, onError, shouldCreate);
  };
  return t.createProgram(program.getRootFileNames(), program.getCompilerOptions(), next, program);
}

/** The file's text with an assertion after each `C.prototype.m` given to a marker; undefined when it has none. */
function withMethodAssertions(t: typeof ts, checker: ts.TypeChecker, sf: ts.SourceFile): string | undefined {
  const inserts: { at: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (t.isCallExpression(node) && node.arguments.length > 0 && markerKind(t, checker, node.expression)) {
      const arg = node.arguments[0];
      if (t.isPropertyAccessExpression(arg) && t.isIdentifier(arg.name) && t.isPropertyAccessExpression(arg.expression)) {
        const owner = arg.expression;
        if (owner.name.text === 'prototype' && isInstanceMember(t, checker, arg)) inserts.push({ at: arg.end, text: methodAssertion(owner.expression.getText(sf), arg.name.text) });
      }
    }
    t.forEachChild(node, visit);
  };
  visit(sf);
  if (inserts.length === 0) return undefined;
  let text = sf.text;
  for (const i of inserts.sort((a, b) => b.at - a.at)) text = text.slice(0, i.at) + i.text + text.slice(i.at);
  return text;
}

/** Whether `C.prototype.m` names a method (or a field holding a function) of a class's instances. */
function isInstanceMember(t: typeof ts, checker: ts.TypeChecker, e: ts.PropertyAccessExpression): boolean {
  const decl = checker.getSymbolAtLocation(e)?.declarations?.[0];
  if (!decl || !(t.isMethodDeclaration(decl) || t.isPropertyDeclaration(decl)) || !t.isClassLike(decl.parent)) return false;
  return !(t.getModifiers(decl) ?? []).some((m) => m.kind === t.SyntaxKind.StaticKeyword);
}
