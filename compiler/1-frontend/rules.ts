/**
 * User-supplied derivative rules: module-level functions tagged `/** @jvp NAME *\/` or
 * `/** @vjp NAME *\/` (JAX's `custom_jvp`/`custom_vjp`, Clad's custom derivatives).
 *
 *   @jvp erf:  (x, dx) => { value: erf(x); tangent: erf'(x)·dx }
 *   @vjp erf:  (x, cotangent) => { value: erf(x); grads: [erf'(x)·cotangent] }
 *
 * `NAME` is resolved through the checker in the rule's file, past imports and aliases, to the
 * declaration of the function it names; a rule applies to every call in the project that
 * resolves to that declaration, wherever the rule lives (one rule per mode and declaration).
 *
 * Guarantees: a `RuleEntry` names a function of numbers returning a number, and each of its
 * rules has the shape adc would generate for it (n + n parameters and `{ value; tangent }` for
 * `@jvp`, n + 1 and `{ value; grads }` for `@vjp`) and is exported; anything else is an ADC123
 * in the entry's `problems`, at the tag, saying how to fix it. How generated code reaches
 * `NAME` and its rules is `RuleImport` (an import of the file or package, or a global).
 */
import { ts } from 'ts-morph';
import { errors, type Diagnostic } from '../diagnostics/catalog';
import type { RuleImport, Type, UserRule } from '../ir/types';
import { positionOf } from './position';
import { moduleFunctions, taggedNode, type FunctionSource } from './functions';

export type RuleMode = 'jvp' | 'vjp';

export interface RuleEntry {
  /** The key a call of `NAME` resolves to (`<file>#NAME`, as `resolveCallee` gives it). */
  readonly key: string;
  readonly name: string;
  /** `NAME`'s declaration (a signature: its body, if any, is only the primal). */
  readonly decl: ts.FunctionDeclaration;
  readonly rule: UserRule;
  /** What is wrong with the rules (ADC123 at their tags): reported at every use. */
  readonly problems: Diagnostic[];
}

export class RuleTable {
  constructor(
    readonly entries: ReadonlyMap<string, RuleEntry>,
    /** Problems of tags naming no function: reported with the rule's file. */
    readonly orphans: readonly Diagnostic[] = [],
  ) {}

  /** Every problem of the rules written in `file`. */
  problemsIn(file: string): Diagnostic[] {
    return [...this.orphans, ...[...this.entries.values()].flatMap((e) => e.problems)].filter((d) => d.file === file);
  }

  /** The rules of the function a call names (`erf(x)`, `special.erf(x)`, an alias), if it has any. */
  ruleOf(callee: ts.Expression, checker: ts.TypeChecker): RuleEntry | undefined {
    if (this.entries.size === 0) return undefined;
    const decl = functionDeclaration(checker.getSymbolAtLocation(callee), checker);
    return decl && this.entries.get(keyOf(decl));
  }
}

/** Whether a file may hold rules (by text alone: most files are skipped unparsed). */
function mentionsRule(text: string): boolean {
  return /@(jvp|vjp)\b/.test(text);
}

/** Every rule of the project's own files (not declaration files, not packages'). */
export function findRules(files: readonly ts.SourceFile[], checker: ts.TypeChecker): RuleTable {
  const orphans: Diagnostic[] = [];
  const entries = new Map<string, { key: string; name: string; decl: ts.FunctionDeclaration; primal: RuleImport; rules: Map<RuleMode, RuleImport>; problems: Diagnostic[] }>();
  for (const sf of files) {
    if (sf.isDeclarationFile || /[\\/]node_modules[\\/]/.test(sf.fileName) || !mentionsRule(sf.text)) continue;
    for (const fn of moduleFunctions(sf)) {
      if (!ts.isFunctionDeclaration(fn.node) && !ts.isArrowFunction(fn.node) && !ts.isFunctionExpression(fn.node)) continue;
      for (const tag of ts.getJSDocTags(taggedNode(fn))) {
        const mode = tag.tagName.text;
        if (mode !== 'jvp' && mode !== 'vjp') continue;
        const at = positionOf(tag, sf);
        const named = /^\s*([A-Za-z_$][\w$]*)\s*$/.exec(ts.getTextOfJSDocComment(tag.comment) ?? '')?.[1];
        const bad = (why: string) => errors.badRule(at, mode, fn.name, why);
        if (named === undefined) {
          orphans.push(bad(`name the one function it is the rule of: '@${mode} erf'`));
          continue;
        }
        const symbol = checker.getSymbolsInScope(fn.node, ts.SymbolFlags.Value | ts.SymbolFlags.Alias).find((s) => s.name === named);
        const decl = functionDeclaration(symbol, checker);
        if (!decl) {
          orphans.push(bad(symbol ? `'${named}' is not a function declared with \`function\`` : `no function '${named}' is in scope here: import it, or declare it`));
          continue;
        }
        const key = keyOf(decl);
        let entry = entries.get(key);
        if (!entry) {
          entry = { key, name: decl.name!.text, decl, primal: primalImport(decl, symbol!), rules: new Map(), problems: [] };
          entries.set(key, entry);
          // (a function of the project is imported by generated code: one with a body must be exported, or it would be taken for a global)
          if (decl.body && entry.primal.file === undefined && entry.primal.module === undefined) entry.problems.push(bad(`export '${entry.name}': generated code imports it`));
        }
        if (entry.rules.has(mode)) {
          entry.problems.push(bad(`'${entry.name}' already has a @${mode} rule: keep one`));
          continue;
        }
        entry.rules.set(mode, { name: fn.name, file: sf.fileName });
        const why = shapeProblem(fn, mode, decl, checker) ?? (fn.exported ? undefined : `export it: generated code imports it`);
        if (why) entry.problems.push(bad(why));
      }
    }
  }
  const table = new Map<string, RuleEntry>();
  for (const e of entries.values()) {
    const paramTypes = e.decl.parameters.map((p) => ruleParamType(checker.getTypeAtLocation(p), checker) ?? 'number');
    const rule: UserRule = {
      primal: e.primal,
      params: paramTypes,
      ...(e.rules.has('jvp') ? { jvp: e.rules.get('jvp') } : {}),
      ...(e.rules.has('vjp') ? { vjp: e.rules.get('vjp') } : {}),
    };
    table.set(e.key, { key: e.key, name: e.name, decl: e.decl, rule, problems: e.problems });
  }
  return new RuleTable(table, orphans);
}

/** The function declaration a symbol stands for, past imports and re-exports. */
function functionDeclaration(symbol: ts.Symbol | undefined, checker: ts.TypeChecker): ts.FunctionDeclaration | undefined {
  let s = symbol;
  if (s && s.flags & ts.SymbolFlags.Alias) s = checker.getAliasedSymbol(s);
  return s?.declarations?.find((d): d is ts.FunctionDeclaration => ts.isFunctionDeclaration(d) && d.name !== undefined);
}

function keyOf(decl: ts.FunctionDeclaration): string {
  return `${decl.getSourceFile().fileName}#${decl.name!.text}`;
}

/**
 * How generated code calls `NAME` itself: from the file declaring it when that is a module of
 * the project (`special.d.ts` beside `special.js` ⇒ `./special`); from the package the rule's
 * file imports it from; by its global name when it is declared outside any module.
 */
function primalImport(decl: ts.FunctionDeclaration, symbol: ts.Symbol): RuleImport {
  const sf = decl.getSourceFile();
  const name = decl.name!.text;
  const exported = (ts.getModifiers(decl) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  if (!/[\\/]node_modules[\\/]/.test(sf.fileName)) return exported && ts.isExternalModule(sf) ? { name, file: sf.fileName } : { name };
  const spec = symbol.declarations?.find(ts.isImportSpecifier);
  const from = spec?.parent.parent.parent.moduleSpecifier;
  return spec && from && ts.isStringLiteral(from) ? { name: (spec.propertyName ?? spec.name).text, module: from.text } : { name };
}

/** What is wrong with the shape of a rule of `decl`, if anything. */
function shapeProblem(fn: FunctionSource, mode: RuleMode, decl: ts.FunctionDeclaration, checker: ts.TypeChecker): string | undefined {
  const name = decl.name!.text;
  const params = decl.parameters;
  const numeric = (t: ts.Type) => (t.flags & ts.TypeFlags.NumberLike) !== 0;
  const other = params.find((p) => ruleParamType(checker.getTypeAtLocation(p), checker) === undefined || p.dotDotDotToken);
  if (other) return `'${name}' takes '${other.getText()}': rules are for functions of numbers and numeric arrays (write the rule for a helper taking those)`;
  const sig = checker.getSignatureFromDeclaration(decl);
  if (!sig || !numeric(checker.getReturnTypeOfSignature(sig))) return `'${name}' does not return a number: rules are for functions returning a number`;
  const n = params.length;
  const expected = mode === 'jvp' ? 2 * n : n + 1;
  const what = mode === 'jvp' ? `${name}'s ${n} parameter(s), then one tangent for each` : `${name}'s ${n} parameter(s), then the cotangent of its result`;
  if (fn.node.parameters.length !== expected) return `it takes ${fn.node.parameters.length} parameter(s) where it needs ${expected}: ${what}`;
  const ruleSig = checker.getSignatureFromDeclaration(fn.node);
  const result = ruleSig && checker.getReturnTypeOfSignature(ruleSig);
  const fields = mode === 'jvp' ? ['value', 'tangent'] : ['value', 'grads'];
  const missing = fields.filter((f) => !result?.getProperty(f));
  if (missing.length > 0)
    return `it must return { ${fields.join('; ')} } (${mode === 'jvp' ? 'the value and the tangent' : `the value and [∂/∂p · cotangent for each parameter]`}), and its result has no '${missing[0]}'`;
  return undefined;
}

/** A rule's parameter type: a number, or a numeric array (`number[]`, `readonly number[]`, a typed array); undefined for anything else. */
function ruleParamType(t: ts.Type, checker: ts.TypeChecker): Type | undefined {
  if (t.flags & ts.TypeFlags.NumberLike) return 'number';
  const name = t.getSymbol()?.getName();
  if (name === 'Float64Array' || name === 'Float32Array') return name;
  if (!checker.isArrayType(t)) return undefined;
  const element = checker.getTypeArguments(t as ts.TypeReference)[0];
  if (!element || !(element.flags & ts.TypeFlags.NumberLike)) return undefined;
  return t.getSymbol()?.getName() === 'ReadonlyArray' ? 'readonly number[]' : 'number[]';
}
