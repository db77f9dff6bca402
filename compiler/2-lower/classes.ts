/**
 * Classes of the project: an instance is an object of its fields (types.ts `isBehaviour`), `this`
 * in a member is the object it is called on, and members are inlined where they are used, as
 * functions taking objects are (calls.ts): `v.distanceTo(w)`, `this.norm()`, `a.clone().sub(b)`,
 * `Vec3.dot(a, b)`, a getter `v.lengthSq`, `new Vector3(x, y, z)`.
 *
 * Guarantees: a member is looked up in the class of the object it is used on (exactly known for
 * an object made by `new C(…)` here, else its declared type, where no subclass may override it);
 * `new C(…)` runs as JavaScript runs it: the base class's field values, field initializers in
 * declaration order, the parameter properties, then the constructor's body.
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import { isArrayType, type TempId } from '../ir/types';
import { classMemberOf, resolveCallee, type FunctionSource } from '../1-frontend/functions';
import { assignedTarget, forEachNode } from '../1-frontend/walk';
import { atStatement, fail, inFunction, pos, type LowerContext } from './context';
import type { StructLeaf, StructValue, StructVar } from './builder';
import { extendsClass, namedArray, skipOuter, structPath } from './helpers';
import { assignStruct, declareStructVar, leafValue, lowerStruct, readStruct, structTypeOf } from './structs';
import { reassigned } from './reassignments';
import { placeKind, placeOf, thisPlace, type Place } from './lists';
import { writtenParameters } from '../1-frontend/writes';
import { isStateless, type StructType } from './types';

/** The instance member of a class of the project that `callee` names (`v.distanceTo`), if it names one. */
export function instanceMember(cx: LowerContext, callee: ts.Expression): FunctionSource | undefined {
  const e = skipOuter(callee);
  if (!ts.isPropertyAccessExpression(e)) return undefined;
  const resolved = resolveCallee(e, cx.checker);
  if (!('source' in resolved)) return abstractMember(cx, e);
  if (!resolved.source.receiver) return undefined;
  if (e.expression.kind === ts.SyntaxKind.SuperKeyword) return resolved.source; // (`super.m()`: the base's)
  const { cls, overriding } = lookupClass(cx, e, resolved.source.receiver);
  if (overriding) return fail(overridden(cx, e, overriding, cls!, false));
  return classMemberOf(cls!, e.name.text, cx.checker) ?? resolved.source;
}

/**
 * The class whose member `e` (`obj.m`, `this.force`) runs: looked up in the class of the object it
 * is used on (`this.force(t)` in a method of `Body`, called on a `Spring`: Spring's `force`),
 * exactly known for an object made by `new C(…)` here (and `this` in its members), else its declared
 * class (`fallback` without one); `overriding`, where it is not known exactly, a subclass declaring
 * `m` too (which body runs depends on the object then).
 */
function lookupClass(
  cx: LowerContext,
  e: ts.PropertyAccessExpression,
  fallback?: ts.ClassDeclaration,
): { readonly cls?: ts.ClassDeclaration; readonly overriding?: ts.ClassDeclaration } {
  const sup = e.expression.kind === ts.SyntaxKind.SuperKeyword;
  const path = sup ? undefined : structPath(cx, e.expression);
  const exact = typeof path === 'object' ? exactClassOf(cx, e.expression, path) : undefined;
  const cls = exact ?? (typeof path === 'object' ? path.struct.cls : undefined) ?? fallback;
  return { cls, overriding: cls && !exact && !sup ? overriddenBy(cx, cls, e.name.text) : undefined };
}

/** The error for a member (or a setter) a subclass overrides, used on an object whose class is not known exactly. */
function overridden(cx: LowerContext, e: ts.PropertyAccessExpression, overriding: ts.ClassDeclaration, cls: ts.ClassDeclaration, setter: boolean) {
  const m = e.name.text;
  return errors.unsupportedExpression(
    pos(cx, e),
    `'${e.getText(cx.sf)}${setter ? ' = …' : ''}': '${overriding.name!.text}' overrides '${m}' of '${cls.name!.text}', so which ${setter ? 'setter' : 'one'} runs depends on the object's class at run time; give '${e.expression.getText(cx.sf)}' the type of the class whose ${setter ? 'setter' : `'${m}'`} you mean`,
  );
}

/**
 * An abstract member (`this.calculate(…)` in a base class declaring `abstract calculate`): the one
 * of the object's class (see `lookupClass`); an error where no subclass's is known to run.
 * Undefined for a member of no class of the project.
 */
function abstractMember(cx: LowerContext, e: ts.PropertyAccessExpression): FunctionSource | undefined {
  const decl = cx.checker.getSymbolAtLocation(e.name)?.declarations?.find((d) => ts.isMethodDeclaration(d) || ts.isPropertyDeclaration(d));
  if (!decl || !ts.isClassDeclaration(decl.parent) || !(ts.getModifiers(decl) ?? []).some((m) => m.kind === ts.SyntaxKind.AbstractKeyword)) return undefined;
  // (or of the class it is typed as, `l: Huber`, where no subclass overrides it)
  const { cls, overriding } = lookupClass(cx, e);
  const member = cls && classMemberOf(cls, e.name.text, cx.checker);
  if (member?.receiver && !overriding) return member;
  return fail(
    errors.unsupportedExpression(
      pos(cx, e),
      `'${e.getText(cx.sf)}' is abstract in '${decl.parent.name?.text}', so which class's runs depends on the object: make the object with \`new C(…)\` in the differentiated function, or give it the type of a class that defines '${e.name.text}'`,
    ),
  );
}

/**
 * The receiver of a member of an instance without state: an object of no fields, of the class the
 * object is exactly where that is known (`new MeanSquared().total(…)`, `const mse = new
 * MeanSquared()`), so that `this.calculate(…)` in a base class's method is the subclass's.
 */
function statelessReceiver(cx: LowerContext, object: ts.Expression): StructVar | undefined {
  const e = skipOuter(object);
  if (e.kind === ts.SyntaxKind.ThisKeyword) return cx.fn.lookupStruct('this');
  const made = ts.isNewExpression(e) ? constructed(cx, e) : newOf(cx, e);
  const declared = cx.checker.getTypeAtLocation(e).getSymbol()?.declarations?.find(ts.isClassDeclaration);
  const cls = made ?? declared;
  if (!cls) return undefined;
  const v: StructVar = { struct: { text: cls.name?.text ?? 'object', fields: [], cls }, fields: new Map() };
  if (made) exactClasses.set(v, made);
  return v;
}

/** The objects whose class is known exactly: made by `new C(…)` (`this` in C's members is the same object). */
const exactClasses = new WeakMap<StructVar, ts.ClassDeclaration>();

/**
 * The class an object is exactly, when it is known: one `buildInstance` made, or a name given
 * `new C(…)` where it is declared and never assigned again (`const q = new Body(a, b)`).
 */
function exactClassOf(cx: LowerContext, e: ts.Expression, path: StructVar): ts.ClassDeclaration | undefined {
  const known = exactClasses.get(path);
  if (known) return known;
  const cls = newOf(cx, e);
  if (cls) exactClasses.set(path, cls);
  return cls;
}

/** The class of `new C(…)` a name is given where it is declared in the function and never assigned again (`const q = new Body(a, b)`). */
function newOf(cx: LowerContext, e: ts.Expression): ts.ClassDeclaration | undefined {
  const name = skipOuter(e);
  const decl = ts.isIdentifier(name) ? cx.checker.getSymbolAtLocation(name)?.valueDeclaration : undefined;
  if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer || !ts.isNewExpression(skipOuter(decl.initializer))) return undefined;
  // (its assignments are looked for in the function being lowered: one declared elsewhere is not known)
  if (decl.getSourceFile() !== cx.root.getSourceFile() || decl.pos < cx.root.pos || decl.end > cx.root.end) return undefined;
  if (!(decl.parent.flags & ts.NodeFlags.Const) && ts.isIdentifier(decl.name) && reassigned(cx, decl.name)) return undefined;
  return constructed(cx, skipOuter(decl.initializer) as ts.NewExpression);
}

/** A class of the project (in the file of `cls`) that extends `cls`, at any depth, and declares a member `name` of its own. */
function overriddenBy(cx: LowerContext, cls: ts.ClassDeclaration, name: string): ts.ClassDeclaration | undefined {
  return cls
    .getSourceFile()
    .statements.find(
      (st): st is ts.ClassDeclaration =>
        ts.isClassDeclaration(st) &&
        st !== cls &&
        extendsClass(cx, st, cls) &&
        st.members.some((m) => m.name !== undefined && (ts.isIdentifier(m.name) || ts.isPrivateIdentifier(m.name)) && m.name.text === name),
    );
}

/**
 * The setter of a class of the project that an assignment to `target` runs (`a.degrees = d` of a
 * class with `set degrees(d)`), looked up in the object's class as members are.
 */
export function setterOf(cx: LowerContext, target: ts.Expression): FunctionSource | undefined {
  const e = skipOuter(target);
  if (!ts.isPropertyAccessExpression(e) || !(ts.isIdentifier(e.name) || ts.isPrivateIdentifier(e.name))) return undefined;
  const decl = cx.checker.getSymbolAtLocation(e.name)?.declarations?.find(ts.isSetAccessorDeclaration);
  if (!decl || !ts.isClassDeclaration(decl.parent)) return undefined;
  const { cls, overriding } = lookupClass(cx, e, decl.parent);
  if (overriding) return fail(overridden(cx, e, overriding, cls!, true));
  return classMemberOf(cls!, e.name.text, cx.checker, true);
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
 * the caller's); for a member that changes its object, an object of an array of objects
 * (`bodies[i].step(dt)`, `b` of `for (const b of bodies)`) is that place of the array; any other
 * object expression is a new variable holding its value.
 */
export function receiverOf(cx: LowerContext, member: ts.Expression, src: FunctionSource): StructVar | Place | undefined {
  const target = skipOuter(member);
  const object = ts.isPropertyAccessExpression(target) ? target.expression : undefined;
  // (`super.area()`: the base class's member, on this object)
  if (object?.kind === ts.SyntaxKind.SuperKeyword) return cx.fn.lookupStruct('this') ?? thisPlace(cx);
  // (an instance without state, `mse` of `mse.calculate(…)`: its methods are all there is)
  if (object && isStateless(cx.checker.getTypeAtLocation(object), cx.checker)) return statelessReceiver(cx, object);
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
  // (an object of an array of objects is read as a copy, unless the member writes anything: into
  // `this`, or into an argument that may be this same object, `ws[0].into(ws[0])`; or its arguments
  // may: `b.potential(bodies[0].step(dt))` reads b's fields after step ran, a copy made before would not)
  if (writtenParameters(src.node, cx.checker).size > 0 || argumentsMayWrite(member)) {
    if (placeKind(cx, object) === 'element') return placeOf(cx, object);
    const chained = chainedPlace(cx, object);
    if (chained) return chained;
  }
  const value = lowerStruct(cx, object, struct);
  if (value.source) return value.source;
  const v = declareStructVar(cx, 'receiver', struct, 'hidden', value, object, true);
  assignStruct(cx, v, value, object, true);
  return v;
}

/**
 * Of a chain of members that return `this` on an object of an array of objects
 * (`bodies[i].step(dt)` of `bodies[i].step(dt).push(f)` or `const b = bodies[i].step(dt)`, a
 * `step` returning this): the chain run, then that place of the array. A chain on such an object
 * through a member that may return another object is an error (its result would be a copy).
 */
export function chainedPlace(cx: LowerContext, e: ts.Expression): Place | undefined {
  const chain = chainOf(cx, e);
  if (!chain || placeKind(cx, chain.root) !== 'element') return undefined;
  if (chain.other)
    return fail(
      errors.unsupportedExpression(
        pos(cx, chain.other),
        `'${chain.other.getText(cx.sf)}' on an object of an array of objects, where it may not return that object (\`return this\`): call its methods one by one`,
      ),
    );
  if (!pure(chain.root))
    return fail(errors.unsupportedExpression(pos(cx, chain.root), `a chain of methods on '${chain.root.getText(cx.sf)}', whose index changes something: name the object first`));
  cx.expr(e);
  return placeOf(cx, chain.root);
}

/**
 * The object a chain of members returning `this` starts from (`b` of `b.step(dt).scale(2)`; the
 * call itself for a member returning another object, `b.clone()`); `other`: a member in it typed
 * to return `this` that may return another object.
 */
function chainOf(cx: LowerContext, object: ts.Expression): { root: ts.Expression; other?: ts.Expression } | undefined {
  const e = skipOuter(object);
  if (!ts.isCallExpression(e)) return undefined;
  const m = instanceMember(cx, e.expression);
  if (!m) return undefined;
  const inner = (skipOuter(e.expression) as ts.PropertyAccessExpression).expression;
  const sig = ts.isGetAccessorDeclaration(m.node) ? undefined : cx.checker.getSignatureFromDeclaration(m.node);
  const typedThis = sig !== undefined && (cx.checker.getReturnTypeOfSignature(sig) as { isThisType?: boolean }).isThisType === true;
  const self = returnsThis(cx, m.node);
  if (!self && !typedThis) return { root: e };
  const deeper = chainOf(cx, inner);
  const other = self ? undefined : e.expression;
  return deeper ? { root: deeper.root, other: deeper.other ?? other } : { root: inner, other };
}

/** Whether each `return` of a member is `return this;` or returns a member of this that does (`return this.scale(s)`). */
function returnsThis(cx: LowerContext, fn: FunctionSource['node'], seen = new Set<ts.Node>()): boolean {
  if (seen.has(fn)) return false;
  seen.add(fn);
  let all = true;
  let any = false;
  forEachNode(fn.body ?? fn, (n) => {
    if (ts.isFunctionLike(n)) return 'skip';
    if (!ts.isReturnStatement(n)) return;
    any = true;
    const r = n.expression && skipOuter(n.expression);
    if (r?.kind === ts.SyntaxKind.ThisKeyword) return;
    const callee = r && ts.isCallExpression(r) ? skipOuter(r.expression) : undefined;
    const m = callee && ts.isPropertyAccessExpression(callee) && skipOuter(callee.expression).kind === ts.SyntaxKind.ThisKeyword ? instanceMember(cx, callee) : undefined;
    if (!m || !returnsThis(cx, m.node, seen)) all = false;
  });
  return any && all;
}

/** Whether evaluating `e` changes nothing (no assignment, `++`, or call): it may be evaluated again. */
function pure(e: ts.Expression): boolean {
  return !forEachNode(e, (n) => (assignedTarget(n) || ts.isCallExpression(n) ? 'stop' : undefined));
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
export function buildInstance(
  cx: LowerContext,
  cls: ts.ClassDeclaration,
  struct: StructType,
  ctor: ts.ConstructorDeclaration | undefined,
  args: readonly TempId[] = [],
): StructValue {
  const values = new Map<string, StructLeaf>();
  const statements = ctor?.body?.statements ?? [];
  const first = ownValues(cx, cls, struct, ctor, superValues(cx, cls, struct, ctor, args, values), values);
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
  exactClasses.set(v, cls);
  cx.fn.bindStruct('this', v);
  forEachNode(ctor ?? cls, (n) => {
    if (ts.isFunctionLike(n) && n !== ctor) return 'skip';
    if (ts.isReturnStatement(n)) fail(errors.unsupportedStatement(pos(cx, n), `a return in the constructor of '${cls.name!.text}'`));
  });
  cx.stmts(statements.slice(first));
  return readStruct(cx, v);
}

/**
 * The values a class's own fields get before the rest of its constructor runs, added to `values`:
 * initializers, parameter properties, then the constructor's first statements from `from` that
 * assign a field (`this.x = x`); the index of the first statement after those.
 */
function ownValues(
  cx: LowerContext,
  cls: ts.ClassDeclaration,
  struct: StructType,
  ctor: ts.ConstructorDeclaration | undefined,
  from: number,
  values: Map<string, StructLeaf>,
): number {
  const field = (key: string) => struct.fields.find((f) => f.key === key);
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
  let first = from;
  for (; first < statements.length; first++) {
    const assigned = thisAssignment(statements[first]);
    const f = assigned && !values.has(assigned.key) ? field(assigned.key) : undefined;
    if (!assigned || !f || mentionsThis(assigned.value)) break;
    values.set(
      f.key,
      atStatement(cx, statements[first], () => leafValue(cx, assigned.value, f.type)),
    );
  }
  return first;
}

/**
 * Of a class that extends another: the values its base class's constructor gives the fields (the
 * base's own scope, its parameters bound to the arguments of `super(…)`, or to `args` when the
 * class declares no constructor); the index of the statement after `super(…)`. A base class's
 * constructor may only give its fields values (the rest would run before the class's own
 * initializers).
 */
function superValues(
  cx: LowerContext,
  cls: ts.ClassDeclaration,
  struct: StructType,
  ctor: ts.ConstructorDeclaration | undefined,
  args: readonly TempId[],
  values: Map<string, StructLeaf>,
): number {
  const base = baseClass(cx, cls);
  if (!base) return 0;
  const statements = ctor?.body?.statements ?? [];
  let superArgs = args;
  let after = 0;
  if (ctor) {
    const at = statements.findIndex((st) => ts.isExpressionStatement(st) && ts.isCallExpression(st.expression) && st.expression.expression.kind === ts.SyntaxKind.SuperKeyword);
    if (at < 0) return fail(errors.unsupportedStatement(pos(cx, ctor), `the constructor of '${cls.name!.text}' calls super(…) only in a nested statement: call it first thing`));
    cx.stmts(statements.slice(0, at));
    superArgs = ((statements[at] as ts.ExpressionStatement).expression as ts.CallExpression).arguments.map((a) => {
      if (structTypeOf(cx, a)) return fail(errors.unsupportedExpression(pos(cx, a), 'an object passed to super(…): pass its numbers'));
      return namedArray(cx, cx.expr(a), 'arg');
    });
    after = at + 1;
  }
  const baseCtor = constructorOf(base);
  const name = `${base.name!.text}.constructor`;
  inFunction(cx, { sf: base.getSourceFile(), root: baseCtor ?? base, name, result: undefined, finalValue: undefined }, () =>
    cx.fn.withIsolatedScope(() => {
      if (baseCtor) bindParameters(cx, baseCtor, superArgs);
      const from = superValues(cx, base, struct, baseCtor, superArgs, values);
      const rest = (baseCtor?.body?.statements ?? []).slice(ownValues(cx, base, struct, baseCtor, from, values));
      if (rest.length > 0)
        fail(
          errors.unsupportedStatement(
            pos(cx, rest[0]),
            `the constructor of '${base.name!.text}', a base class, does more than give its fields their values (\`this.x = …\` first thing): move the rest into a method and call it`,
          ),
        );
    }),
  );
  return after;
}

/** Binds the parameters of a base class's constructor to the values of `super(…)` (a left-out one: its default, or undefined). */
function bindParameters(cx: LowerContext, ctor: ts.ConstructorDeclaration, args: readonly TempId[]): void {
  ctor.parameters.forEach((p, i) => {
    if (!ts.isIdentifier(p.name)) return fail(errors.unsupportedExpression(pos(cx, p), `a destructured parameter of a base class's constructor`));
    const given = args[i];
    const value = given ?? (p.initializer ? atStatement(cx, p, () => cx.expr(p.initializer!)) : cx.fn.datum(undefined, 'number'));
    const type = cx.fn.temps[value];
    if (isArrayType(type)) {
      const read = cx.fn.current[cx.fn.current.length - 1];
      if (read?.kind !== 'op' || read.op !== 'read') return fail(errors.unsupportedExpression(pos(cx, p), `this array argument of super(…)`));
      cx.fn.lookupOverride(p.name.text, read.var);
    } else cx.fn.assign(cx.fn.declare(p.name.text, type, 'local', false), value, true);
  });
}

/** The class of the project a class extends, if it extends one. */
export function baseClass(cx: LowerContext, cls: ts.ClassDeclaration): ts.ClassDeclaration | undefined {
  const clause = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword);
  const e = clause?.types[0]?.expression;
  if (!e) return undefined;
  let sym = cx.checker.getSymbolAtLocation(e);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = cx.checker.getAliasedSymbol(sym);
  const decl = sym?.declarations?.find(ts.isClassDeclaration);
  if (!decl || !decl.name || !ts.isSourceFile(decl.parent))
    return fail(errors.unsupportedExpression(pos(cx, e), `'${cls.name!.text}' extends '${e.getText()}', which is not a class of the project`));
  return decl;
}

const isStatic = (m: ts.ClassElement) => (ts.getModifiers(m as ts.HasModifiers) ?? []).some((k) => k.kind === ts.SyntaxKind.StaticKeyword);

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

/** Whether the arguments of the call of `member` (if it is called) may change something: they call or assign. */
function argumentsMayWrite(member: ts.Expression): boolean {
  const call = member.parent;
  return ts.isCallExpression(call) && call.expression === member && call.arguments.some((a) => !pure(a));
}
