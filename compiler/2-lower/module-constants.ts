/**
 * Values fixed before the function runs, folded to numbers: module-level constants (`const N =
 * 10`, `var b1 = 4 / 11` that nothing assigns), constants of a `namespace` or reached through a
 * namespace import (`glMatrix.EPSILON`), `static readonly` class constants (`Consts.G`),
 * properties of constant objects (`UNITS.meters`), numeric enum members; expressions of them
 * with `Math` and `Number` (`2 * Math.PI`), followed through imports.
 *
 * Guarantees: a value is only folded when nothing in its file can change it (a `const`, a
 * `readonly` member, or a variable or property no statement of its file assigns).
 */
import { ts } from 'ts-morph';
import type { DataObject } from '../ir/types';
import { mathConstants, mathFunctions, rule } from '../rules/table';
import { arithmetic } from './operators';
import { accessOf, identifiersIn } from './var-scoping';

export const numberConstants = new Map<string, number>([
  ['EPSILON', Number.EPSILON],
  ['MAX_VALUE', Number.MAX_VALUE],
  ['MIN_VALUE', Number.MIN_VALUE],
  ['MAX_SAFE_INTEGER', Number.MAX_SAFE_INTEGER],
  ['MIN_SAFE_INTEGER', Number.MIN_SAFE_INTEGER],
  ['POSITIVE_INFINITY', Infinity],
  ['NEGATIVE_INFINITY', -Infinity],
  ['NaN', NaN],
]);

function skip(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
  return e;
}

const unassigned = new WeakMap<ts.Node, boolean>();

/** Whether no statement of its file writes the variable or property `name` declares (`x = …`, `o.k = …`, `x++`). */
export function neverAssigned(name: ts.Identifier, checker: ts.TypeChecker): boolean {
  let known = unassigned.get(name);
  if (known !== undefined) return known;
  const sym = checker.getSymbolAtLocation(name);
  known = !(identifiersIn(name.getSourceFile()).get(name.text) ?? []).some((n) => {
    if (n === name) return false;
    // `o.k = v` writes the property k: its access is the write target.
    const target = ts.isPropertyAccessExpression(n.parent) && n.parent.name === n ? n.parent : n;
    return accessOf(target) !== 'read' && checker.getSymbolAtLocation(n) === sym;
  });
  unassigned.set(name, known);
  return known;
}

/** A variable of a module or namespace whose value never changes: a `const`, or a `var`/`let` nothing in its file assigns. */
export function isModuleConstant(decl: ts.VariableDeclaration, checker: ts.TypeChecker): boolean {
  if (!decl.initializer || !ts.isIdentifier(decl.name) || !ts.isVariableStatement(decl.parent.parent)) return false;
  const holder = decl.parent.parent.parent;
  if (!ts.isSourceFile(holder) && !ts.isModuleBlock(holder)) return false;
  return (decl.parent.flags & ts.NodeFlags.Const) !== 0 || neverAssigned(decl.name, checker);
}

/** The declaration a name or property access stands for, through imports. */
export function declarationOf(e: ts.Node, checker: ts.TypeChecker): ts.Declaration | undefined {
  let sym = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(e) ? e.name : e);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
  return sym?.valueDeclaration;
}

/**
 * The number a declaration fixes, if it does: a constant variable, a `static readonly` class
 * member, a property of a constant object literal nothing assigns, a numeric enum member.
 * `files` collects the files the value was read from.
 */
export function constantOf(decl: ts.Declaration, checker: ts.TypeChecker, files: Set<string>, depth = 0): number | undefined {
  let init: ts.Expression | undefined;
  if (ts.isVariableDeclaration(decl) && isModuleConstant(decl, checker)) init = decl.initializer;
  else if (ts.isPropertyDeclaration(decl) && decl.initializer && ts.isIdentifier(decl.name)) {
    const mods = ts.getModifiers(decl) ?? [];
    const is = (k: ts.SyntaxKind) => mods.some((m) => m.kind === k);
    if (is(ts.SyntaxKind.StaticKeyword) && (is(ts.SyntaxKind.ReadonlyKeyword) || neverAssigned(decl.name, checker))) init = decl.initializer;
  } else if (ts.isPropertyAssignment(decl) && ts.isIdentifier(decl.name) && constantObjectOf(decl.parent, checker)) init = decl.initializer;
  else if (ts.isShorthandPropertyAssignment(decl) && constantObjectOf(decl.parent, checker)) {
    // `{ DEG2RAD, … }`: the variable of that name.
    const value = checker.getShorthandAssignmentValueSymbol(decl)?.valueDeclaration;
    return value ? constantOf(value, checker, files, depth + 1) : undefined;
  } else if (ts.isEnumMember(decl)) {
    const v = checker.getConstantValue(decl);
    return typeof v === 'number' ? v : undefined;
  }
  if (init === undefined) return undefined;
  const value = evaluateConstant(init, checker, files, depth + 1);
  if (value !== undefined) files.add(decl.getSourceFile().fileName);
  return value;
}

/** Whether an object literal is the value of a module constant (`const UNITS = { meters: 1, … }`). */
function constantObjectOf(o: ts.ObjectLiteralExpression, checker: ts.TypeChecker): boolean {
  let p: ts.Node = o.parent;
  while (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isSatisfiesExpression(p)) p = p.parent;
  return ts.isVariableDeclaration(p) && isModuleConstant(p, checker);
}

/**
 * The numbers of a constant object (`const factors: Record<Units, number> = { meters: …, … }`)
 * by key, when every property is one: looked up with a key known only at run time.
 */
export function constantTable(decl: ts.Declaration, checker: ts.TypeChecker, files: Set<string>): Map<string, number> | undefined {
  if (!ts.isVariableDeclaration(decl) || !isModuleConstant(decl, checker)) return undefined;
  const o = skip(decl.initializer!);
  if (!ts.isObjectLiteralExpression(o)) return undefined;
  const out = new Map<string, number>();
  for (const p of o.properties) {
    if (!(ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) return undefined;
    const v = constantOf(p, checker, files);
    if (v === undefined) return undefined;
    out.set(p.name.text, v);
  }
  return out;
}

/** A string or boolean literal, or a number a constant expression gives (`"miles"`, `false`, `-1e-6`, `2 * Math.PI`). */
export function literalOf(node: ts.Expression, checker: ts.TypeChecker, files: Set<string>): number | boolean | string | undefined {
  const e = skip(node);
  if (ts.isStringLiteralLike(e)) return e.text;
  if (e.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (e.kind === ts.SyntaxKind.FalseKeyword) return false;
  return evaluateConstant(e, checker, files);
}

/**
 * An object literal of literals and constants (`{ units: "miles" }`, `{ tolerance: 1e-6, verbose:
 * false }`), data: its properties in source order. Undefined when any value is computed.
 */
export function dataObjectOf(node: ts.Expression, checker: ts.TypeChecker, files: Set<string>): DataObject | undefined {
  const e = skip(node);
  if (!ts.isObjectLiteralExpression(e)) return undefined;
  const props: [string, number | boolean | string][] = [];
  for (const p of e.properties) {
    if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || (ts.isStringLiteral(p.name) && /^[A-Za-z_$][\w$]*$/.test(p.name.text)))) return undefined;
    const value = literalOf(p.initializer, checker, files);
    if (value === undefined) return undefined;
    props.push([p.name.text, value]);
  }
  return { object: props };
}

export function evaluateConstant(node: ts.Expression, checker: ts.TypeChecker, files: Set<string>, depth = 0): number | undefined {
  if (depth > 20) return undefined;
  const e = skip(node);
  if (ts.isNumericLiteral(e)) return Number(e.text);
  if (ts.isPrefixUnaryExpression(e)) {
    const v = evaluateConstant(e.operand, checker, files, depth + 1);
    if (v === undefined) return undefined;
    if (e.operator === ts.SyntaxKind.MinusToken) return -v;
    if (e.operator === ts.SyntaxKind.PlusToken) return v;
    return undefined;
  }
  if (ts.isBinaryExpression(e)) {
    const fn = arithmetic[e.operatorToken.kind];
    const l = evaluateConstant(e.left, checker, files, depth + 1);
    const r = evaluateConstant(e.right, checker, files, depth + 1);
    if (!fn || l === undefined || r === undefined) return undefined;
    return rule(fn).evaluate([l, r]) as number;
  }
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Math') return mathConstants.get(e.name.text);
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Number') return numberConstants.get(e.name.text);
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && ts.isIdentifier(e.expression.expression) && e.expression.expression.text === 'Math') {
    const fn = mathFunctions.get(e.expression.name.text);
    const args = e.arguments.map((a) => evaluateConstant(a, checker, files, depth + 1));
    if (!fn || args.some((a) => a === undefined)) return undefined;
    return rule(fn).evaluate(args as number[]) as number;
  }
  if (ts.isIdentifier(e) && e.text === 'Infinity') return Infinity;
  if (ts.isIdentifier(e) && e.text === 'NaN') return NaN;
  if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) {
    const decl = declarationOf(e, checker);
    return decl ? constantOf(decl, checker, files, depth + 1) : undefined;
  }
  return undefined;
}
