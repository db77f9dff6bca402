/**
 * Arrays of objects made inside a function (`const pts: Point[] = []` filled with `pts.push({ x, y
 * })`, `xs.map((x, i) => ({ x, y: x * i }))`, `[{ x: a, y: b }, …]`): held as lists are (lists.ts),
 * one local `number[]` per property of the objects, across them, so that every read, write, loop
 * and callback over a list works on them. `pts.push({ x, y })` pushes `x` onto `pts_x` and `y` onto
 * `pts_y`; a `map` giving objects is a loop pushing what its callback returns.
 *
 * Guarantees: the objects hold numbers (or objects of numbers, recursively); an array of objects
 * holding arrays, strings or optional numbers made inside a function is an error saying so. The
 * variable keeps its array (it is not given another).
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import type { TempId, VarId } from '../ir/types';
import { fail, pos, type LowerContext } from './context';
import type { StructValue, StructVar } from './builder';
import { containerType, isStructType, listHolds, type StructType } from './types';
import { changesObjects, skipOuter } from './helpers';
import { lowerStruct } from './structs';
import { placeKind, placeOf, type Place } from './lists';
import { arrayFromLength, eachReturned, isArrayFromLength } from './callback-values';
import { reassigned } from './reassignments';
import { forEachNode } from '../1-frontend/walk';

/** The list type of a local variable declared as an array of objects of numbers, if it is one. */
export function localListType(cx: LowerContext, name: ts.Identifier): StructType | undefined {
  const t = containerType(cx.checker.getTypeAtLocation(name), cx.checker);
  return t?.list ? t : undefined;
}

/** `const pts: Point[] = […]` (or `let`, never assigned again): a new list, or the one a helper returns. */
export function declareList(cx: LowerContext, d: ts.VariableDeclaration & { name: ts.Identifier }, struct: StructType, isConst: boolean): void {
  const name = d.name.text;
  const what = (why: string) => fail(errors.unsupportedStatement(pos(cx, d.name), `the array of objects '${name}' ${why}`));
  if (!d.initializer) return what('without a value: give it one where it is declared (`= []`)');
  if (!isConst && reassigned(cx, d.name)) return what("assigned again: declare it with const, and push onto it or write its objects' properties");
  cx.fn.bindStruct(name, listOf(cx, d.initializer, struct, name));
}

/**
 * The list an expression of type `struct` (an array of objects) gives: a list variable (`points`,
 * `model.layers`), a new one (`[]`, `[{ x, y }, …]`, `xs.map((x) => ({ … }))`, named `name`), or
 * the one a helper returns (`ring(c, r, 6)`, its body inlined).
 */
export function listOf(cx: LowerContext, node: ts.Expression, struct: StructType, name = 'list'): StructVar {
  const e = skipOuter(node);
  if (placeKind(cx, e) === 'list') return (placeOf(cx, e) as Extract<Place, { kind: 'list' }>).list;
  const callee = ts.isCallExpression(e) ? skipOuter(e.expression) : undefined;
  const isMap = callee !== undefined && ts.isPropertyAccessExpression(callee) && callee.name.text === 'map';
  const isFrom = callee !== undefined && isArrayFromLength(e as ts.CallExpression);
  const holds = listHolds(struct);
  if (holds !== undefined && (isMap || isFrom || ts.isArrayLiteralExpression(e)))
    return fail(errors.unsupportedExpression(pos(cx, e), `an array of objects holding ${holds} made inside the function: build one number[] per property instead`));
  const made = (items: readonly StructValue[] = []) => declareColumns(cx, name, struct, items);
  if (ts.isArrayLiteralExpression(e)) {
    // (each object evaluated in turn, then one array literal per property: `tri_x = [0, a, b]`)
    const items = e.elements.map((item) =>
      ts.isSpreadElement(item)
        ? fail(errors.unsupportedExpression(pos(cx, item), 'a spread in an array of objects: push its objects in a loop'))
        : moved(cx, lowerStruct(cx, item, struct.list!), item, name),
    );
    return made(items);
  }
  if (isMap || isFrom) {
    const list = made();
    (isMap ? eachReturned : arrayFromLength)(cx, e as ts.CallExpression, (item) => pushObject(cx, list, moved(cx, lowerStruct(cx, item, struct.list!), item, name)));
    return list;
  }
  if (ts.isCallExpression(e) && !(callee && ts.isPropertyAccessExpression(callee))) {
    const value = cx.structCall(e, struct);
    if (value.source?.struct.list) return value.source;
  }
  return fail(
    errors.unsupportedExpression(
      pos(cx, e),
      `'${e.getText(cx.sf).slice(0, 40)}' as an array of objects: start from [] and push objects, map an array to objects, or return such an array from a helper`,
    ),
  );
}

/** The columns of a new list of `struct` holding `items` (`pts_x = []`, `tri_x = [0, a, b]`, …). */
function declareColumns(cx: LowerContext, name: string, struct: StructType, items: readonly StructValue[]): StructVar {
  const fields = new Map<string, VarId | StructVar>();
  for (const f of struct.fields) {
    const leaf = `${name}_${f.key.replace('#', '')}`;
    const parts = items.map((item) => item.fields.get(f.key));
    if (isStructType(f.type)) fields.set(f.key, declareColumns(cx, leaf, f.type, parts as StructValue[]));
    else {
      const v = cx.fn.declare(leaf, 'number[]', 'local', true);
      const numbers = parts.map((p) => (p as { temp: TempId }).temp);
      cx.fn.assign(v, cx.fn.op({ op: 'newArray', type: 'number[]', form: 'literal' }, numbers, 'number[]'), true);
      fields.set(f.key, v);
    }
  }
  const made = { struct, fields };
  cx.fn.madeAt.set(made, cx.fn.scopeDepth);
  return made;
}

/**
 * An object put into a list (`[ball]`, `ps.push(p)`), recorded with the objects inside it that other
 * names hold (`{ vel: shared }`): the list holds a copy of their numbers from here on (see builder.ts
 * `movedObjects`).
 */
function moved(cx: LowerContext, value: StructValue, at: ts.Node, into: string): StructValue {
  const loop = cx.fn.loopDepth;
  const record = (v: StructValue): void => {
    // (one made before the loop this is in: the same object in several places of the array)
    if (v.source && loop !== undefined && (cx.fn.madeAt.get(v.source) ?? 0) <= loop)
      return fail(
        errors.unsupportedExpression(
          pos(cx, at),
          `'${at.getText(cx.sf)}' puts an object made before the loop (or one holding it) into '${into}' at each iteration: generated code would hold a copy of it in each place; make a new object in the loop (\`{ ...obj }\`, \`new C(…)\`)`,
        ),
      );
    if (v.source && !cx.fn.movedObjects.has(v.source)) cx.fn.movedObjects.set(v.source, { at: pos(cx, at), node: at, root: cx.root, into });
    // (a copy of an object another array or name holds, `ps.map((p) => p.scale(2))`: right while nothing changes objects)
    if (v.copy && changesObjects(cx, cx.root, at))
      return fail(
        errors.unsupportedExpression(
          pos(cx, at),
          `'${at.getText(cx.sf)}' puts an object that another array or name holds into '${into}', and the function changes objects after it: generated code would hold a copy; make a new object (\`{ ...obj }\`, \`new C(…)\`), or keep using the array it is in`,
        ),
      );
    for (const f of v.fields.values()) if ('fields' in f) record(f);
  };
  record(value);
  return value;
}

/** Appends an object to a list: each of its numbers onto its property's column. */
function pushObject(cx: LowerContext, list: StructVar, value: StructValue): void {
  for (const [key, column] of list.fields) {
    const v = value.fields.get(key);
    if (typeof column === 'object') {
      if (v === undefined || !('fields' in v)) throw new Error(`no object '${key}' to push`);
      pushObject(cx, column, v);
    } else {
      if (v === undefined || !('temp' in v)) throw new Error(`no number '${key}' to push`);
      cx.fn.emit({ kind: 'push', var: column, value: v.temp, origin: cx.fn.origin });
    }
  }
}

/** `pts.push({ x, y }, …)` onto a list made here: its new length. */
export function lowerListPush(cx: LowerContext, call: ts.CallExpression, list: StructVar): TempId {
  const name = (skipOuter(call.expression) as ts.PropertyAccessExpression).expression.getText(cx.sf);
  if (list.struct.fields.some((f) => typeof list.fields.get(f.key) === 'number' && cx.fn.vars[list.fields.get(f.key) as VarId].role === 'param'))
    return fail(errors.unsupportedExpression(pos(cx, call), `push onto '${name}', an argument: only arrays of objects made in the function can grow`));
  for (const a of call.arguments) {
    if (ts.isSpreadElement(a)) return fail(errors.unsupportedExpression(pos(cx, a), 'a spread in push: push its objects in a loop'));
    pushObject(cx, list, moved(cx, lowerStruct(cx, a, list.struct.list!), a, name));
  }
  return cx.fn.op({ op: 'length', var: firstColumn(list) }, [], 'number');
}

function firstColumn(list: StructVar): VarId {
  const [first] = list.fields.values();
  return typeof first === 'number' ? first : firstColumn(first);
}

/**
 * `b.velocity = add(b.velocity, dv)`: an object of an object of an array of objects given a new
 * object, its numbers written into the columns in place (JavaScript replaces the reference: the
 * same while no other name holds the object it replaces, which is checked). Undefined when
 * `target` is no such object.
 */
export function replaceElementObject(cx: LowerContext, target: ts.Expression, right: ts.Expression): TempId | undefined {
  if (!ts.isPropertyAccessExpression(target) || placeKind(cx, target) !== 'element' || placeKind(cx, target.expression) !== 'element') return undefined;
  const key = target.name.text;
  const held = heldElsewhere(cx, key);
  if (held)
    return fail(
      errors.unsupportedExpression(
        pos(cx, target),
        `replacing '${target.getText(cx.sf)}' while '${held}' may hold the object it replaces (objects of an array of objects are held in place): write its properties, or copy it (\`{ ...${target.getText(cx.sf)} }\`) where you keep it`,
      ),
    );
  const place = placeOf(cx, target) as Extract<Place, { kind: 'element' }>;
  const at = cx.fn.declare('at', 'number', 'hidden', true);
  cx.fn.assign(at, place.at, true);
  const value = lowerStruct(cx, right, place.list.struct.list!);
  writeObject(cx, place.list, () => cx.fn.read(at), value);
  return cx.fn.constant(0);
}

/** Writes the numbers of `value` into element `at` of `list` (nested objects too). */
function writeObject(cx: LowerContext, list: StructVar, at: () => TempId, value: StructValue): void {
  for (const [key, column] of list.fields) {
    const v = value.fields.get(key);
    if (typeof column === 'object' && column.struct.list && v !== undefined && 'fields' in v) writeObject(cx, column, at, v);
    else if (typeof column === 'number' && v !== undefined && 'temp' in v) cx.fn.emit({ kind: 'store', var: column, index: at(), value: v.temp, origin: cx.fn.origin });
    else return fail(errors.unsupportedExpression(pos(cx, cx.root), `an object holding '${key}' written into an array of objects`));
  }
}

/** A name the function gives to the property `key` of some object (`const v = b.velocity`, `const { velocity } = b`), if any. */
function heldElsewhere(cx: LowerContext, key: string): string | undefined {
  let found: string | undefined;
  forEachNode(cx.root, (n) => {
    if (found) return 'stop';
    if (ts.isVariableDeclaration(n) && n.initializer) {
      const init = skipOuter(n.initializer);
      if (ts.isPropertyAccessExpression(init) && init.name.text === key) found = n.name.getText(cx.sf);
    }
    if (ts.isBindingElement(n) && (n.propertyName ?? n.name).getText(cx.sf) === key && ts.isObjectBindingPattern(n.parent)) found = n.name.getText(cx.sf);
    return undefined;
  });
  return found;
}
