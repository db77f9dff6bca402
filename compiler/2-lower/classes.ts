/**
 * Classes of the project: an instance is an object of its fields (types.ts `isBehaviour`), `this`
 * in a member is the object it is called on, and members are inlined where they are used, as
 * functions taking objects are (calls.ts): `v.distanceTo(w)`, `this.norm()`, `a.clone().sub(b)`,
 * `Vec3.dot(a, b)`, a getter `v.lengthSq`, `new Vector3(x, y, z)`.
 *
 * Guarantees: a member is resolved by the static type of the object it is used on; `new C(…)`
 * runs as JavaScript runs it: field initializers in declaration order, then the parameter
 * properties, then the constructor's body.
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import { resolveCallee, type FunctionSource } from '../1-frontend/functions';
import { forEachNode } from '../1-frontend/walk';
import { atStatement, fail, pos, type LowerContext } from './context';
import type { StructLeaf, StructValue, StructVar } from './builder';
import { skipOuter, structPath } from './helpers';
import { assignStruct, declareStructVar, leafValue, lowerStruct, readStruct, structTypeOf } from './structs';
import { isStateless, type StructType } from './types';

/** The instance member of a class of the project that `callee` names (`v.distanceTo`), if it names one. */
export function instanceMember(cx: LowerContext, callee: ts.Expression): FunctionSource | undefined {
  const e = skipOuter(callee);
  if (!ts.isPropertyAccessExpression(e)) return undefined;
  const resolved = resolveCallee(e, cx.checker);
  return 'source' in resolved && resolved.source.receiver ? resolved.source : undefined;
}

/** Whether `callee` is a method of an instance of a class of the project (`v.distanceTo` of `v.distanceTo(w)`). */
export function isMethodCall(cx: LowerContext, callee: ts.Expression): boolean {
  const member = instanceMember(cx, callee);
  return member !== undefined && !ts.isGetAccessorDeclaration(member.node);
}

/** A getter of a class of the project that `e` reads (`v.lengthSq`), if it reads one. */
export function getterOf(cx: LowerContext, e: ts.Expression): FunctionSource | undefined {
  const member = instanceMember(cx, e);
  return member !== undefined && ts.isGetAccessorDeclaration(member.node) ? member : undefined;
}

/**
 * The object a member is used on (`v` of `v.length()`, `this`, `a.clone()` of
 * `a.clone().sub(b)`): the caller's object variable itself (the member's writes into `this` are
 * the caller's), or a new one holding the value of any other object expression.
 */
export function receiverOf(cx: LowerContext, member: ts.Expression, src: FunctionSource): StructVar | undefined {
  const target = skipOuter(member);
  const object = ts.isPropertyAccessExpression(target) ? target.expression : undefined;
  // (an instance without state, `mse` of `mse.calculate(…)`: its method is all there is)
  if (object && isStateless(cx.checker.getTypeAtLocation(object), cx.checker)) return undefined;
  const struct = object && structTypeOf(cx, object);
  if (!object || !struct)
    return fail(
      errors.unsupportedExpression(
        pos(cx, member),
        `'${src.name.replace('_', '.')}' on '${object?.getText(cx.sf) ?? member.getText(cx.sf)}': use members of objects whose class has numeric fields`,
      ),
    );
  const path = structPath(cx, object);
  if (path !== undefined && typeof path === 'object') return path;
  const value = lowerStruct(cx, object, struct);
  if (value.source) return value.source;
  const v = declareStructVar(cx, 'receiver', struct, 'hidden', value, object, true);
  assignStruct(cx, v, value, object, true);
  return v;
}

/** The class of the project `new C(…)` makes, if it is one. */
export function constructed(cx: LowerContext, e: ts.NewExpression): ts.ClassDeclaration | undefined {
  let sym = cx.checker.getSymbolAtLocation(e.expression);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = cx.checker.getAliasedSymbol(sym);
  const decl = sym?.declarations?.find(ts.isClassDeclaration);
  return decl && decl.name && ts.isSourceFile(decl.parent) ? decl : undefined;
}

/** The constructor of a class (with a body), if it declares one. */
export function constructorOf(cls: ts.ClassDeclaration): ts.ConstructorDeclaration | undefined {
  return cls.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && m.body !== undefined);
}

/**
 * The instance `new C(…)` makes, lowered in the constructor's scope with its parameters bound:
 * each field's value from its initializer, its parameter property, or a first statement of the
 * constructor assigning it (`this.elements = [1, 0, …]`), in that order; a number field given none
 * yet is `undefined`; then the rest of the constructor's body, with `this` the new object.
 */
export function buildInstance(cx: LowerContext, cls: ts.ClassDeclaration, struct: StructType, ctor: ts.ConstructorDeclaration | undefined): StructValue {
  const values = new Map<string, StructLeaf>();
  const field = (key: string) => struct.fields.find((f) => f.key === key);
  const isStatic = (m: ts.ClassElement) => (ts.getModifiers(m as ts.HasModifiers) ?? []).some((k) => k.kind === ts.SyntaxKind.StaticKeyword);
  for (const m of cls.members) {
    const f = ts.isPropertyDeclaration(m) && m.initializer && !isStatic(m) && (ts.isIdentifier(m.name) || ts.isPrivateIdentifier(m.name)) ? field(m.name.text) : undefined;
    if (f)
      values.set(
        f.key,
        atStatement(cx, m, () => leafValue(cx, (m as ts.PropertyDeclaration).initializer!, f.type)),
      );
  }
  for (const p of ctor?.parameters ?? []) {
    const f = ts.isParameterPropertyDeclaration(p, ctor!) && ts.isIdentifier(p.name) ? field(p.name.text) : undefined;
    if (f) values.set(f.key, leafValue(cx, p.name as ts.Identifier, f.type));
  }
  const statements = ctor?.body?.statements ?? [];
  let first = 0;
  for (; first < statements.length; first++) {
    const assigned = thisAssignment(statements[first]);
    const f = assigned && !values.has(assigned.key) ? field(assigned.key) : undefined;
    if (!assigned || !f || mentionsThis(assigned.value)) break;
    values.set(
      f.key,
      atStatement(cx, statements[first], () => leafValue(cx, assigned.value, f.type)),
    );
  }
  for (const f of struct.fields) {
    if (values.has(f.key)) continue;
    if (f.type !== 'number')
      return fail(
        errors.unsupportedStatement(
          pos(cx, ctor ?? cls.name!),
          `the field '${f.key}' of '${cls.name!.text}' has no value when the object is made: give it one where it is declared, or assign it first thing in the constructor`,
        ),
      );
    values.set(f.key, { temp: cx.fn.datum(undefined, 'number') });
  }
  const value: StructValue = { struct, fields: values };
  const name = cls.name!.text.charAt(0).toLowerCase() + cls.name!.text.slice(1);
  const v = declareStructVar(cx, name, struct, 'hidden', value, ctor ?? cls, true);
  assignStruct(cx, v, value, ctor ?? cls, true);
  cx.fn.bindStruct('this', v);
  const rest = statements.slice(first);
  forEachNode(ctor ?? cls, (n) => {
    if (ts.isFunctionLike(n) && n !== ctor) return 'skip';
    if (ts.isReturnStatement(n)) fail(errors.unsupportedStatement(pos(cx, n), `a return in the constructor of '${cls.name!.text}'`));
  });
  cx.stmts(rest);
  return readStruct(cx, v);
}

/** `this.key = value;` */
function thisAssignment(st: ts.Statement): { key: string; value: ts.Expression } | undefined {
  if (!ts.isExpressionStatement(st) || !ts.isBinaryExpression(st.expression) || st.expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  const target = skipOuter(st.expression.left);
  if (!ts.isPropertyAccessExpression(target) || target.expression.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  return { key: target.name.text, value: st.expression.right };
}

function mentionsThis(e: ts.Node): boolean {
  let found = false;
  forEachNode(e, (n) => {
    if (n.kind === ts.SyntaxKind.ThisKeyword) found = true;
  });
  return found;
}
