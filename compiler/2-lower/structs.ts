/**
 * Objects as differentiated values (`p: { x: number; y: number }`, `params: { W: number[]; b:
 * number[] }`, nested ones), by scalar replacement: an object variable is one IR variable per
 * property (`p.x` ⇒ `p_x`), an object value one temp per number and one array variable per array
 * property. Parameters become one IR parameter per property (the IR function's `structure` says
 * how to put them back together); an object result is returned as the array of its numbers; a
 * function of the project taking or returning objects is inlined where it is called (results.ts
 * says how an object result is returned).
 *
 * Guarantees: JavaScript's reference semantics hold: `const q = p` and a call's parameter name
 * the same variables (a write through one is seen through the other); `{ ...p }` copies the
 * numbers and shares the arrays, as a shallow copy does; an assignment that would make two
 * object variables one object, where either is then written, is an error rather than a copy.
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import { isArrayType, type Shape, type Type, type VarId } from '../ir/types';
import { forEachNode } from '../1-frontend/walk';
import { resolveCallee } from '../1-frontend/functions';
import { writtenParameters } from '../1-frontend/writes';
import { fail, pos, type LowerContext } from './context';
import type { Position } from '../diagnostics/catalog';
import type { StructLeaf, StructValue, StructVar } from './builder';
import { isStructType, structType, type StructType } from './types';
import { isOpaqueExpr, mayRunAfter, namedArray, skipOuter, structPath } from './helpers';
import { reassigned, rebound } from './reassignments';
import { elementValue, placeKind, placeOf, type Place } from './lists';
import { lowerChoice } from './branches';

/** The object type of an expression or declaration, when its values are differentiated. */
export function structTypeOf(cx: LowerContext, node: ts.Node): StructType | undefined {
  return structType(cx.checker.getTypeAtLocation(node), cx.checker);
}

/** Whether `e` is an object value adc holds as one (a path to an object variable, a literal, a call or `?:` giving one). */
export function isStructExpr(cx: LowerContext, node: ts.Expression): boolean {
  const e = skipOuter(node);
  const path = structPath(cx, e);
  if (path !== undefined) return typeof path === 'object';
  if (ts.isObjectLiteralExpression(e) || ts.isCallExpression(e) || ts.isNewExpression(e) || isGetter(cx, e)) return structTypeOf(cx, e) !== undefined;
  if (ts.isConditionalExpression(e)) return isStructExpr(cx, e.whenTrue) || isStructExpr(cx, e.whenFalse);
  return false;
}

/** Whether `e` reads a getter of a class of the project (`box.center`). */
function isGetter(cx: LowerContext, e: ts.Expression): e is ts.PropertyAccessExpression {
  if (!ts.isPropertyAccessExpression(e)) return false;
  const resolved = resolveCallee(e, cx.checker);
  return 'source' in resolved && ts.isGetAccessorDeclaration(resolved.source.node);
}

/** The value of an object expression of type `struct`. */
export function lowerStruct(cx: LowerContext, node: ts.Expression, struct: StructType): StructValue {
  const e = skipOuter(node);
  if (struct.list) return readStruct(cx, cx.list(e, struct));
  if (struct.matrix && !struct.grouped) return readStruct(cx, cx.matrix(e, struct));
  if (placeKind(cx, e) === 'element') return elementValue(cx, placeOf(cx, e) as Extract<Place, { kind: 'element' }>, e);
  const path = structPath(cx, e);
  if (path !== undefined && typeof path === 'object') return readStruct(cx, path);
  if (ts.isObjectLiteralExpression(e)) return lowerObjectLiteral(cx, e, struct);
  if (ts.isNewExpression(e)) return cx.construct(e, struct);
  if (isGetter(cx, e)) {
    const value = cx.getter(e, struct);
    if (typeof value === 'object') return value;
  }
  if (ts.isConditionalExpression(e)) {
    if (struct.fields.some((f) => !isStructType(f.type) && isArrayType(f.type)))
      return fail(errors.unsupportedExpression(pos(cx, e), 'choosing between objects that hold arrays: choose between their arrays'));
    const v = declareStructVar(cx, 'choice', struct, 'hidden', undefined, e);
    declareLeaves(cx, v);
    const cond = cx.condition(e.condition);
    const then = cx.fn.region(() => assignStruct(cx, v, lowerStruct(cx, e.whenTrue, struct), e.whenTrue));
    const other = cx.fn.region(() => assignStruct(cx, v, lowerStruct(cx, e.whenFalse, struct), e.whenFalse));
    cx.fn.emit({ kind: 'if', cond, then, else: other, origin: cx.fn.origin });
    return readCopy(cx, v);
  }
  if (isOpaqueExpr(cx, e)) {
    // Read-only data of this shape (`{ ...opts.origin }`): its numbers are constants.
    const obj = cx.expr(e);
    const fields = new Map<string, StructLeaf>();
    for (const f of struct.fields) {
      if (isStructType(f.type) || isArrayType(f.type))
        return fail(errors.unsupportedExpression(pos(cx, e), `'${e.getText(cx.sf).slice(0, 40)}', data holding objects or arrays, as an object of numbers: copy its numbers`));
      fields.set(f.key, { temp: cx.fn.op({ op: 'get', key: f.key }, [obj], f.type) });
    }
    return { struct, fields };
  }
  if (ts.isCallExpression(e) && isObjectAssign(e)) {
    // `Object.assign({}, p, { x })` is a new object; onto a variable, that variable after the assignments.
    const target = e.arguments[0] && structPath(cx, e.arguments[0]);
    if (target !== undefined && typeof target === 'object') {
      lowerObjectAssign(cx, e);
      return readStruct(cx, target);
    }
    if (e.arguments[0] && ts.isObjectLiteralExpression(skipOuter(e.arguments[0])) && (skipOuter(e.arguments[0]) as ts.ObjectLiteralExpression).properties.length === 0) {
      const fields = new Map<string, StructLeaf>();
      for (const src of e.arguments.slice(1)) {
        const inner = structTypeOf(cx, src);
        if (!inner) return fail(errors.unsupportedExpression(pos(cx, src), `'${src.getText(cx.sf).slice(0, 40)}' as an object of numbers`));
        for (const [k, leaf] of lowerStruct(cx, src, inner).fields) fields.set(k, leaf);
      }
      if (struct.fields.every((f) => fields.has(f.key))) return { struct, fields: new Map(struct.fields.map((f) => [f.key, fields.get(f.key)!])) };
    }
  }
  if (ts.isCallExpression(e)) return cx.structCall(e, struct);
  return fail(
    errors.unsupportedExpression(
      pos(cx, e),
      `'${e.getText(cx.sf).slice(0, 40)}' as an object of numbers: use an object literal, a parameter or local holding one, or a call of a function that returns one`,
    ),
  );
}

function isObjectAssign(e: ts.CallExpression): boolean {
  const c = skipOuter(e.expression);
  return ts.isPropertyAccessExpression(c) && ts.isIdentifier(c.expression) && c.expression.text === 'Object' && c.name.text === 'assign';
}

/** The current value of an object variable: a read of each number, its array variables; the object itself (`source`). */
export function readStruct(cx: LowerContext, v: StructVar): StructValue {
  const fields = new Map<string, StructLeaf>();
  for (const [key, f] of v.fields) {
    if (typeof f === 'object') fields.set(key, readStruct(cx, f));
    else if (isArrayType(cx.fn.vars[f].type)) fields.set(key, { array: f });
    else fields.set(key, { temp: cx.fn.read(f) });
  }
  return { struct: v.struct, fields, source: v };
}

/**
 * The value of a hidden object that holds a copy of one of several objects (`c ? p : q`, a helper
 * returning from two places): in JavaScript it is one of them, so a copy of it must be guarded.
 */
export function readCopy(cx: LowerContext, v: StructVar): StructValue {
  const { fields, struct } = readStruct(cx, v);
  return { struct, fields, copy: true };
}

/**
 * `{ x: a, y, ...p }`: each property evaluated in source order, a spread giving every property of
 * its object that is not set again after it; the object has the properties of `struct`, in its order.
 */
function lowerObjectLiteral(cx: LowerContext, e: ts.ObjectLiteralExpression, struct: StructType): StructValue {
  const values = new Map<string, StructLeaf>();
  for (const prop of e.properties) {
    if (ts.isSpreadAssignment(prop)) {
      const inner = structTypeOf(cx, prop.expression);
      if (!inner) return fail(errors.unsupportedExpression(pos(cx, prop), `spreading '${prop.expression.getText(cx.sf)}', which is not an object of numbers`));
      const src = lowerStruct(cx, prop.expression, inner);
      for (const [key, leaf] of src.fields) {
        values.delete(key); // a later property is set after the earlier ones
        values.set(key, leaf);
      }
      continue;
    }
    const key = propertyKey(prop);
    if (key === undefined) return fail(errors.unsupportedExpression(pos(cx, prop), 'this kind of property in an object of numbers (write `key: value`)'));
    const field = struct.fields.find((f) => f.key === key);
    if (!field) return fail(errors.unsupportedExpression(pos(cx, prop), `the property '${key}', which the object's type does not have`));
    const valueNode = ts.isShorthandPropertyAssignment(prop) ? prop.name : (prop as ts.PropertyAssignment).initializer;
    values.delete(key);
    values.set(key, leafValue(cx, valueNode, field.type));
  }
  const fields = new Map<string, StructLeaf>();
  for (const f of struct.fields) {
    const v = values.get(f.key) ?? (f.optional ? { temp: cx.fn.datum(undefined, 'number') } : undefined);
    if (v === undefined) return fail(errors.unsupportedExpression(pos(cx, e), `an object without its property '${f.key}'`));
    fields.set(f.key, v);
  }
  return { struct, fields };
}

function propertyKey(prop: ts.ObjectLiteralElementLike): string | undefined {
  if (ts.isShorthandPropertyAssignment(prop)) return prop.name.text;
  if (!ts.isPropertyAssignment(prop)) return undefined;
  const n = prop.name;
  return ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n) ? n.text : undefined;
}

/** The value of one property: a number or data (a temp), an array (its variable), an object. */
export function leafValue(cx: LowerContext, e: ts.Expression, type: Type | StructType): StructLeaf {
  if (isStructType(type)) return lowerStruct(cx, e, type);
  if (isArrayType(type)) return { array: arrayLeaf(cx, e, type) };
  const t = cx.expr(e);
  if (type === 'number' && cx.fn.temps[t] !== 'number') return fail(errors.unsupportedExpression(pos(cx, e), `'${e.getText(cx.sf).slice(0, 40)}' as a number`));
  return { temp: t };
}

/**
 * The array variable an array-valued expression names (a fresh array gets a hidden one; given the
 * property's `type`, also one only a declaration makes: `[]`, `new Array(n).fill(0)`).
 */
export function arrayLeaf(cx: LowerContext, e: ts.Expression, type?: Type): VarId {
  const inner = skipOuter(e);
  const filled = ts.isCallExpression(inner) && ts.isPropertyAccessExpression(inner.expression) && inner.expression.name.text === 'fill';
  const made = type !== undefined && isArrayType(type) && (ts.isArrayLiteralExpression(inner) || ts.isNewExpression(inner) || filled);
  const t = namedArray(cx, made ? cx.arrayInit(e, type) : cx.expr(e), 'array');
  if (!isArrayType(cx.fn.temps[t])) return fail(errors.unsupportedExpression(pos(cx, e), `'${e.getText(cx.sf).slice(0, 40)}' as an array`));
  const last = cx.fn.current[cx.fn.current.length - 1];
  if (last?.kind !== 'op' || last.op !== 'read') return fail(errors.unsupportedExpression(pos(cx, e), `'${e.getText(cx.sf).slice(0, 40)}' as an array`));
  return last.var;
}

/**
 * A new object variable named `name` (`p_x`, `p_W`, … for its properties), every property a
 * variable of its own except arrays, which the value names (`share`) or, with no value, none yet,
 * and, where `nested` allows it, objects the value holds (`pos` of `{ ...p }` is `p.pos`).
 */
export function declareStructVar(
  cx: LowerContext,
  name: string,
  struct: StructType,
  role: 'local' | 'hidden' | 'param',
  share: StructValue | undefined,
  at: ts.Node,
  nested = false,
): StructVar {
  const fields = new Map<string, VarId | StructVar>();
  for (const f of struct.fields) {
    const leafName = `${name}_${f.key.replace('#', '')}`;
    const given = share?.fields.get(f.key);
    if (isStructType(f.type)) {
      const value = given && 'fields' in given ? given : undefined;
      if (nested && value?.source) fields.set(f.key, shareObject(cx, value.source, at));
      else fields.set(f.key, declareStructVar(cx, leafName, f.type, role, value, at, nested));
    } else if (isArrayType(f.type) && role !== 'param') {
      if (!given || !('array' in given))
        return fail(errors.unsupportedStatement(pos(cx, at), `an object whose array '${f.key}' has no value here: give the object its value where it is declared`));
      fields.set(f.key, given.array);
    } else {
      const v = cx.fn.declare(leafName, f.type, role === 'hidden' ? 'hidden' : role, role === 'param', false);
      if (f.optional && role === 'param') cx.fn.setDefault(v, undefined, true);
      fields.set(f.key, v);
    }
  }
  const made = { struct, fields };
  cx.fn.madeAt.set(made, cx.fn.scopeDepth);
  return made;
}

/** `let` declarations of an object variable's properties, assigned later (in the arms of a branch). */
export function declareLeaves(cx: LowerContext, v: StructVar): void {
  for (const f of v.fields.values()) {
    if (typeof f === 'object') declareLeaves(cx, f);
    else if (!isArrayType(cx.fn.vars[f].type)) cx.fn.emit({ kind: 'declare', var: f, origin: cx.fn.origin });
  }
}

/** Assigns an object value to an object variable, property by property (`declare`: its declaration). */
export function assignStruct(cx: LowerContext, target: StructVar, value: StructValue, at: ts.Node, declare = false): void {
  if (value.source === target) return; // (the object itself: nothing changes)
  if (!declare) replaceObject(cx, target, at);
  for (const [key, f] of target.fields) {
    const v = value.fields.get(key)!;
    if (typeof f === 'object') {
      if (!('fields' in v)) return fail(errors.unsupportedExpression(pos(cx, at), `the property '${key}'`));
      assignStruct(cx, f, v, at, declare);
    } else if ('array' in v) {
      if (v.array !== f)
        return fail(
          errors.arrayAlias(
            pos(cx, at),
            `this assignment would make the array '${key}' of the object another array; write its elements (or declare a new object with const) instead`,
          ),
        );
    } else if ('temp' in v) cx.fn.assign(f, v.temp, declare);
  }
}

/** `const q = <object>` / `let q = <object>`: a new object variable, or the same one for a path that is never written through. */
export function declareStruct(cx: LowerContext, d: ts.VariableDeclaration & { name: ts.Identifier }, struct: StructType, isConst: boolean): void {
  const name = d.name.text;
  if (!d.initializer) return fail(errors.unsupportedStatement(pos(cx, d), `the object variable '${name}' without a value: give it one where it is declared`));
  const path = structPath(cx, d.initializer);
  if (path !== undefined && typeof path === 'object') {
    // `const q = p`: one object with two names.
    if ((isConst || !reassigned(cx, d.name)) && !rebound(cx, d.initializer)) return cx.fn.bindStruct(name, path);
    rejectCopyOfWritten(cx, d, [d.initializer], name);
  }
  const value = lowerStruct(cx, d.initializer, struct);
  // A name that keeps its object may hold the one the value is (`const w = scale(v, 2)` of a
  // helper returning its argument) and the objects inside it (`pos` of `{ ...p }`), as JavaScript does.
  const keep = isConst || !reassigned(cx, d.name);
  if (keep && value.source && path === undefined) return cx.fn.bindStruct(name, shareObject(cx, value.source, d));
  // Otherwise a copy, right only while no write through one name is read through another.
  if (copies(cx, value, keep)) rejectCopyOfWritten(cx, d, structSources(cx, d.initializer), name, d.initializer, sharedInside(value));
  const v = declareStructVar(cx, name, struct, 'local', value, d, keep);
  assignStruct(cx, v, value, d, true);
  cx.fn.bindStruct(name, v);
}

/**
 * Whether a value declared in a new variable copies an object JavaScript would share (with
 * `nested`, the objects inside it are shared): one still in scope (not a local of a helper that
 * returned it).
 */
function copies(cx: LowerContext, value: StructValue, nested: boolean): boolean {
  const held = (v: StructValue) => v.copy === true || (v.source !== undefined && (cx.fn.madeAt.get(v.source) ?? 0) <= cx.fn.scopeDepth);
  const inside = (v: StructValue): boolean => [...v.fields.values()].some((f) => 'fields' in f && (held(f) || inside(f)));
  return held(value) || (!nested && inside(value));
}

/** The properties of a new object (not a copy of one) that hold objects JavaScript would share (`pos` of `{ ...p }`). */
function sharedInside(value: StructValue): string[] {
  if (value.source !== undefined || value.copy) return [];
  return [...value.fields].filter(([, f]) => 'fields' in f && (f.source !== undefined || f.copy === true || sharedInside(f).length > 0)).map(([k]) => k);
}

/** Whether assigning `value` to `target` copies an object JavaScript would make `target` (or an object inside it), one still in scope. */
function copiesInto(cx: LowerContext, target: StructVar, value: StructValue): boolean {
  if (value.copy || (value.source !== undefined && value.source !== target && (cx.fn.madeAt.get(value.source) ?? 0) <= cx.fn.scopeDepth)) return true;
  return [...target.fields].some(([k, f]) => {
    const v = value.fields.get(k);
    return typeof f === 'object' && v !== undefined && 'fields' in v && copiesInto(cx, f, v);
  });
}

/** The objects an expression's value may hold (`p` of `{ ...p }` and of `scale(p, 2)`): paths used as objects. */
function structSources(cx: LowerContext, e: ts.Expression): ts.Expression[] {
  const found: ts.Expression[] = [];
  forEachNode(e, (n) => {
    if (ts.isFunctionLike(n)) return 'skip';
    if (!ts.isIdentifier(n) && !ts.isPropertyAccessExpression(n)) return;
    const path = structPath(cx, n);
    if (path === undefined || typeof path !== 'object') return;
    // (the object a method is called on is one too: `b.pick(c)` may return a part of it)
    const member = ts.isPropertyAccessExpression(n.parent) && n.parent.expression === n;
    if (!member || (ts.isCallExpression(n.parent.parent) && n.parent.parent.expression === n.parent)) found.push(n);
    return 'skip';
  });
  return found;
}

/**
 * The object variable `v` (and every object inside it) held by a second name, declared here: while
 * that name is in scope, replacing one as a whole (which generated code does by assigning its
 * numbers) would change it for both names. (A replacement before the sharing is of an object the
 * name never holds: in a loop, the name declared in the body is gone by the next iteration.)
 */
function shareObject(cx: LowerContext, v: StructVar, at: ts.Node): StructVar {
  const mark = (o: StructVar): void => {
    if (!cx.fn.sharedObjects.has(o)) cx.fn.sharedObjects.set(o, { at: pos(cx, at), depth: cx.fn.scopeDepth });
    for (const f of o.fields.values()) if (typeof f === 'object') mark(f);
  };
  mark(v);
  return v;
}

/** An object variable replaced as a whole (`p.pos = { … }`): one that a second name holds may not be. */
function replaceObject(cx: LowerContext, v: StructVar, at: ts.Node): void {
  const shared = cx.fn.sharedObjects.get(v);
  if (shared) return fail(sharedAndReplaced(shared.at, pos(cx, at)));
}

function sharedAndReplaced(shared: Position, replaced: Position) {
  return errors.unsupportedExpression(
    replaced,
    `an object held by two names (from ${shared.line}:${shared.col}) replaced as a whole here: generated code would change it for both; copy it where the second name gets it ('{ ...obj }'), or assign its properties here`,
  );
}

/** `q = <object>` for an object variable `q`. */
export function lowerStructAssignment(cx: LowerContext, target: StructVar, e: ts.BinaryExpression): void {
  if (target.struct.matrix)
    return fail(errors.unsupportedExpression(pos(cx, e), `replacing the matrix '${skipOuter(e.left).getText(cx.sf)}' as a whole: write its elements (\`W[i][j] = …\`)`));
  const path = structPath(cx, e.right);
  const name = skipOuter(e.left).getText(cx.sf);
  if (path !== undefined && typeof path === 'object' && path !== target) rejectCopyOfWritten(cx, e, [e.right], name);
  const value = lowerStruct(cx, e.right, target.struct);
  if (copiesInto(cx, target, value)) rejectCopyOfWritten(cx, e, structSources(cx, e.right), name, e.right);
  assignStruct(cx, target, value, e);
}

/**
 * `let q = p` (or `q = p`) where q is assigned again makes q a copy in generated code, and the same
 * object in JavaScript: only right when neither is written through afterwards (a property
 * assignment, or a call that may write into it).
 */
function rejectCopyOfWritten(
  cx: LowerContext,
  at: ts.Node,
  sources: readonly ts.Expression[],
  target: string,
  shown: ts.Expression = sources[0],
  inside: readonly string[] = [],
): void {
  const root = (e: ts.Expression): string | undefined => {
    const s = skipOuter(e);
    if (ts.isIdentifier(s)) return s.text;
    return ts.isPropertyAccessExpression(s) || ts.isElementAccessExpression(s) ? root(s.expression) : undefined;
  };
  const names = new Set([...sources.map(root), target]);
  // Writes through one of the names after the copy, each with the name written through.
  const writes: { node: ts.Node; name: string }[] = [];
  const reads: ts.Identifier[] = [];
  forEachNode(cx.root, (n) => {
    if (!mayRunAfter(at, n)) return;
    if (ts.isIdentifier(n) && names.has(n.text)) reads.push(n);
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
      const l = skipOuter(n.left);
      if (!ts.isIdentifier(l) && names.has(root(l)!)) writes.push({ node: n, name: root(l)! });
    } else if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && !ts.isIdentifier(skipOuter(n.operand)) && names.has(root(n.operand)!))
      writes.push({ node: n, name: root(n.operand)! });
    else if (ts.isCallExpression(n)) {
      n.arguments.forEach((a, i) => ts.isIdentifier(skipOuter(a)) && names.has(root(a)!) && mayWrite(cx, n, i) && writes.push({ node: n, name: root(a)! }));
      // (a method writing `this`, called on one of them: `q.add(w)`)
      const callee = skipOuter(n.expression);
      if (ts.isPropertyAccessExpression(callee) && names.has(root(callee.expression)!) && mayWrite(cx, n, -1)) writes.push({ node: n, name: root(callee.expression)! });
    }
  });
  // A copy differs from one object only where a write through one name is read through another.
  const written = writes.find((w) => reads.some((r) => r.text !== w.name && mayRunAfter(w.node, r)))?.node;
  if (written)
    fail(
      errors.unsupportedExpression(
        pos(cx, at),
        inside.length > 0
          ? `'${target} = ${shown.getText(cx.sf)}' shares the object${inside.length > 1 ? 's' : ''} '${inside.join("', '")}' with another name, and the function writes into ${inside.length > 1 ? 'them' : 'it'} (at ${pos(cx, written).line}:${pos(cx, written).col}); copy ${inside.length > 1 ? 'them' : 'it'} into '${target}': \`${inside.map((k) => `${k}: { ...… }`).join(', ')}\``
          : `'${target} = ${shown.getText(cx.sf)}' makes one object of two, and the function writes into it (at ${pos(cx, written).line}:${pos(cx, written).col}); copy it instead: '{ ...${shown.getText(cx.sf)} }'`,
      ),
    );
}

/** Whether a call may write into its argument `i`: a function of the project that writes that parameter. */
function mayWrite(cx: LowerContext, call: ts.CallExpression, i: number): boolean {
  const resolved = resolveCallee(call.expression, cx.checker);
  return 'source' in resolved && writtenParameters(resolved.source.node, cx.checker).has(i);
}

/** `const { x, y: py } = p` of an object value: the properties' values, in new variables (an object: itself, where the name keeps it). */
export function destructureStruct(cx: LowerContext, pattern: ts.ObjectBindingPattern, init: ts.Expression, isConst: boolean): void {
  const value = lowerStruct(cx, init, structTypeOf(cx, init)!);
  for (const el of pattern.elements) {
    if (!ts.isIdentifier(el.name) || el.dotDotDotToken || (el.propertyName && !ts.isIdentifier(el.propertyName)))
      return fail(errors.unsupportedStatement(pos(cx, el), 'destructuring with rest elements, computed or nested patterns'));
    const key = (el.propertyName as ts.Identifier | undefined)?.text ?? el.name.text;
    const leaf = value.fields.get(key);
    if (leaf === undefined) return fail(errors.unsupportedStatement(pos(cx, el), `the property '${key}'`));
    // A default (`{ x = 0 }`) applies to a property that is undefined: an optional number may be, a number, an array or an object never is.
    if (el.initializer && 'temp' in leaf && cx.fn.temps[leaf.temp] !== 'number')
      return fail(errors.unsupportedStatement(pos(cx, el), `a default for '${key}', which is data: read it, then test it (\`?? value\`)`));
    if ('fields' in leaf) {
      const keep = isConst || !reassigned(cx, el.name);
      if (keep && leaf.source) {
        cx.fn.bindStruct(el.name.text, shareObject(cx, leaf.source, el));
        continue;
      }
      if (copies(cx, leaf, keep)) rejectCopyOfWritten(cx, el, structSources(cx, init), el.name.text, init, sharedInside(leaf));
      const v = declareStructVar(cx, el.name.text, leaf.struct, 'local', leaf, el, keep);
      assignStruct(cx, v, leaf, el, true);
      cx.fn.bindStruct(el.name.text, v);
    } else if ('array' in leaf) cx.fn.lookupOverride(el.name.text, leaf.array);
    else {
      // (an optional number, `{ drag = 0.1 } = o`: the default where it is left out)
      const optional = el.initializer !== undefined && value.struct.fields.some((f) => f.key === key && f.optional);
      const v = optional ? lowerChoice(cx, '??', leaf.temp, el.initializer!) : leaf.temp;
      cx.fn.assign(cx.fn.declare(el.name.text, cx.fn.temps[v], 'local', isConst), v, true);
    }
  }
}

/** A parameter of an object type: one IR parameter per property, depth first; its shape. */
export function structParameter(cx: LowerContext, name: string, struct: StructType): { readonly leaves: VarId[]; readonly shape: Shape<VarId> } {
  const v = declareStructVar(cx, name, struct, 'param', undefined, cx.root);
  cx.fn.bindStruct(name, v);
  const shape = (s: StructVar): Shape<VarId> => ({
    object: [...s.fields].map(([k, f]) => [k, typeof f === 'object' ? shape(f) : { leaf: f }] as const),
    ...(s.struct.matrix ? { matrix: true as const } : {}),
    ...(s.struct.grouped ? { grouped: true as const } : {}),
    ...(s.struct.list ? { list: true as const } : {}),
  });
  const leaves = (s: StructVar): VarId[] => [...s.fields.values()].flatMap((f) => (typeof f === 'object' ? leaves(f) : [f]));
  return { leaves: leaves(v), shape: shape(v) };
}

/**
 * `Object.assign(target, a, b)` onto an object variable: the properties of each source, in order,
 * assigned to the target's (a source is an object of numbers whose keys the target has).
 */
export function lowerObjectAssign(cx: LowerContext, e: ts.CallExpression): void {
  const [first, ...sources] = e.arguments;
  const target = first && structPath(cx, first);
  if (target === undefined || typeof target !== 'object')
    return fail(errors.unsupportedExpression(pos(cx, e), 'Object.assign onto anything but an object variable of numbers (a parameter or local)'));
  for (const src of sources) {
    const struct = structTypeOf(cx, src);
    if (!struct) return fail(errors.unsupportedExpression(pos(cx, src), `'${src.getText(cx.sf).slice(0, 40)}' as an object of numbers`));
    const value = lowerStruct(cx, src, struct);
    const partial: StructVar = { struct: value.struct, fields: new Map([...target.fields].filter(([k]) => value.fields.has(k))) };
    if (partial.fields.size !== value.fields.size) return fail(errors.unsupportedExpression(pos(cx, src), 'an object with properties its target does not have'));
    assignStruct(cx, partial, value, src);
  }
}
