/**
 * Names and constants ⇒ reads and constants: a variable's read, `Infinity`/`NaN`, members of
 * `Math` and `Number` (also through `const { PI } = Math`), module-level numeric constants
 * (`const`s, and `var`s and `let`s nothing assigns; followed through imports, folded to their value), members of numeric enums, `xs.length`.
 * A name that is none of these (a module variable, a nested function) is an error.
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import { isArrayType, type TempId } from '../ir/types';
import { mathConstants } from '../rules/table';
import { fail, pos, type LowerContext } from './context';
import { skipOuter, mathAlias, prim, unknownName, varOf } from './helpers';
import { opaqueType } from './types';
import { constantOf, constantTable, dataObjectOf, declarationOf, numberConstants } from './module-constants';

export function lowerIdentifier(cx: LowerContext, id: ts.Identifier): TempId {
  const v = cx.fn.lookup(id.text);
  if (v !== undefined) return cx.fn.read(v);
  if (cx.fn.lookupStruct(id.text)) return fail(errors.unsupportedExpression(pos(cx, id), `the object '${id.text}' where a number or an array is expected`));
  if (id.text === 'Infinity') return cx.fn.constant(Infinity);
  if (id.text === 'NaN') return cx.fn.constant(NaN);
  if (id.text === 'undefined') return fail(errors.unsupportedExpression(pos(cx, id), 'undefined'));
  const alias = mathAlias(cx, id);
  if (alias !== undefined) return mathConstant(cx, id, alias);
  const value = moduleConstant(cx, id);
  if (value !== undefined) return cx.fn.constant(value);
  const sym = cx.checker.getSymbolAtLocation(id);
  const decl = sym?.valueDeclaration;
  if (decl && (ts.isFunctionDeclaration(decl) || ts.isVariableDeclaration(decl)) && isInside(decl, cx)) {
    return fail(errors.closure(pos(cx, id)));
  }
  return fail(sym === undefined ? unknownName(cx, id) : errors.moduleVariable(pos(cx, id), id.text));
}

/** A declaration inside the function being lowered that is not one of its locals: a nested function. */
function isInside(decl: ts.Node, cx: LowerContext): boolean {
  for (let n: ts.Node | undefined = decl.parent; n; n = n.parent) if (ts.isFunctionLike(n)) return n.getSourceFile() === cx.sf && n.pos <= decl.pos;
  return false;
}

/** The value of a module-level constant a name stands for (constants of other files too, through imports). */
function moduleConstant(cx: LowerContext, id: ts.Identifier): number | undefined {
  const decl = declarationOf(id, cx.checker);
  return decl ? constantOf(decl, cx.checker, cx.files) : undefined;
}

/** A string literal: data, compared with string data (`type === "call"`, `case "l1":`), never differentiated. */
export function lowerString(cx: LowerContext, e: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral): TempId {
  const type = opaqueType(cx.checker.getTypeAtLocation(e), cx.checker) ?? 'opaque:string';
  return cx.fn.datum(e.text, type);
}

/** `Math.PI` (also through an alias, `const { PI } = Math`): kept by its name; a member that is not a constant is an error at `at`. */
function mathConstant(cx: LowerContext, at: ts.Node, name: string): TempId {
  const c = mathConstants.get(name);
  if (c === undefined) return fail(errors.unsupportedMath(pos(cx, at), name));
  return cx.fn.constant(c, `Math.${name}`);
}

export function lowerPropertyAccess(cx: LowerContext, e: ts.PropertyAccessExpression): TempId {
  const obj = skipOuter(e.expression);
  if (ts.isIdentifier(obj) && obj.text === 'Math' && cx.fn.lookup('Math') === undefined) return mathConstant(cx, e, e.name.text);
  if (ts.isIdentifier(obj) && obj.text === 'Number' && cx.fn.lookup('Number') === undefined) {
    const c = numberConstants.get(e.name.text);
    if (c !== undefined) return cx.fn.constant(c, `Number.${e.name.text}`);
  }
  if (e.name.text === 'length') {
    const v = varOf(cx, obj);
    if (v !== undefined && isArrayType(cx.fn.vars[v].type)) return cx.fn.op({ op: 'length', var: v }, [], 'number');
  }
  const alias = mathAlias(cx, e);
  if (alias !== undefined) return mathConstant(cx, e, alias);
  // A constant reached through a namespace or a class (`glMatrix.EPSILON`, `Consts.G`, `UNITS.meters`, `Mode.Fast`).
  const decl = declarationOf(e, cx.checker);
  const value = decl ? constantOf(decl, cx.checker, cx.files) : undefined;
  if (value !== undefined) return cx.fn.constant(value);
  // A member of a string enum (`Side.Left`): data, compared with data.
  const member = decl && ts.isEnumMember(decl) ? cx.checker.getConstantValue(decl) : undefined;
  if (typeof member === 'string') return cx.fn.datum(member, opaqueType(cx.checker.getTypeAtLocation(e), cx.checker) ?? 'opaque:string');
  return fail(errors.unsupportedExpression(pos(cx, e), `property access '${e.getText(cx.sf)}'`));
}

/**
 * `factors[units]` of a constant object of numbers (turf's `factors: Record<Units, number>`)
 * with a key known only at run time: `units === "meters" ? 6371008.8 : units === … : undefined`
 * (the last test left out when the key's type allows only keys of the table),
 * the table written out so the generated file imports nothing. Undefined when `e` is not one.
 */
export function lowerTableLookup(cx: LowerContext, e: ts.ElementAccessExpression): TempId | undefined {
  const decl = ts.isIdentifier(skipOuter(e.expression)) ? declarationOf(skipOuter(e.expression), cx.checker) : undefined;
  const table = decl ? constantTable(decl, cx.checker, cx.files) : undefined;
  if (!table) return undefined;
  const key = cx.expr(e.argumentExpression);
  // A key whose type names only keys of the table always finds one: the last needs no test.
  const kt = cx.checker.getTypeAtLocation(e.argumentExpression);
  const keys = (kt.isUnion() ? kt.types : [kt]).map((t) => (t.isStringLiteral() ? t.value : undefined));
  const entries = [...table].reverse();
  const exhaustive = keys.every((k) => k !== undefined && table.has(k));
  let value = exhaustive ? cx.fn.constant(entries.shift()![1]) : cx.fn.datum(undefined, 'number');
  for (const [k, v] of entries) {
    const hit = prim(cx, 'eq', [key, cx.fn.datum(k, 'opaque:string')]);
    value = cx.fn.op({ op: 'select' }, [hit, cx.fn.constant(v), value], 'number');
  }
  return value;
}

/**
 * `{ units: "miles" }`, `{ tolerance: 1e-6, verbose: false }`: an object of literals and numeric
 * constants, data passed to a helper (turf's options). Undefined when it is anything else (an
 * object holding a value the function computes is an object value: structs.ts).
 */
export function lowerObjectLiteral(cx: LowerContext, e: ts.ObjectLiteralExpression): TempId | undefined {
  const type = opaqueType(cx.checker.getTypeAtLocation(e), cx.checker);
  const data = type && dataObjectOf(e, cx.checker, cx.files);
  return data ? cx.fn.datum(data, type) : undefined;
}
