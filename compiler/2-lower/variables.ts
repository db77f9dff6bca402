/**
 * Variables: `let`/`const`/`var` declarations (numbers, booleans, arrays, read-only data, local
 * functions, destructuring of arrays; `let t;` typed as its reads are), assignments (`=`, `+=`,
 * …, `[a, b] = [b, a]`). Which `var`s are hoisted, and the types TypeScript infers, are
 * var-scoping.ts's.
 *
 * Guarantees: an array variable is initialised with a fresh array (never another
 * variable's); `const`s are never assigned.
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import { isArrayType, isOpaqueType, type TempId } from '../ir/types';
import { copyType, isStateless, opaqueType } from './types';
import { fail, pos, type LowerContext } from './context';
import { compound } from './operators';
import { skipOuter, prim, localTypeOf, isOpaqueExpr, requireNumber, assignable, arrayOperand, isNullishLiteral, structPath, isFreshArray, dataGet } from './helpers';
import { functionArgument, isFunctionParameter } from './function-arguments';
import { destructurePlace, inPlace, itemOf, placeKind, placeOf } from './lists';
import { declareStruct, destructureStruct, isStructExpr, lowerStructAssignment, structTypeOf } from './structs';
import { assignedValues, reassigned, usedAfter, writtenInto } from './reassignments';
import { declareList, localListType, replaceElementObject } from './local-lists';
import { lowerChoice } from './branches';
import { chainedPlace } from './classes';
import { assignThroughSetter } from './calls';
import { declareMatrix, localMatrixType } from './local-matrices';
import { accessOf, inferredType, isHoisted, isVarList } from './var-scoping';

export function lowerDeclarations(cx: LowerContext, list: ts.VariableDeclarationList): void {
  const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
  const isVar = isVarList(list);
  for (const d of list.declarations) {
    if (isVar && isHoisted(d, cx.checker)) {
      lowerHoistedDeclaration(cx, d);
      continue;
    }
    if (ts.isArrayBindingPattern(d.name) && d.initializer) {
      lowerArrayDestructuring(cx, d.name, d.initializer, isConst);
      continue;
    }
    // `const mse = new MeanSquaredError()`: an instance without state holds nothing (its methods are called on it).
    if (d.initializer && ts.isNewExpression(skipOuter(d.initializer)) && isStateless(cx.checker.getTypeAtLocation(d.name), cx.checker)) {
      if (!isConst && ts.isIdentifier(d.name) && reassigned(cx, d.name))
        return fail(
          errors.unsupportedStatement(
            pos(cx, d),
            `'${d.name.text}' holds an instance without state and is given another later, so which class's members run is known only at run time: call each where it is made (\`new MeanSquared().total(…)\`), or give each its own const`,
          ),
        );
      continue;
    }
    // `const W = model.hidden.W`, `const p = points[i]`, `const { x, y } = points[i]`: the matrix, row or object itself.
    const place = d.initializer && placeKind(cx, d.initializer);
    if (d.initializer && place !== undefined && place !== 'number' && place !== 'datum') {
      if (!isConst && ts.isIdentifier(d.name) && reassigned(cx, d.name))
        return fail(
          errors.unsupportedStatement(pos(cx, d), `'${d.name.getText()}' names a part of a matrix or of an array of objects and is assigned again: index it where you use it`),
        );
      destructurePlace(cx, d.name, placeOf(cx, d.initializer)!, isConst);
      continue;
    }
    // `const b = bodies[i].step(dt)` of a method returning this: the object of the array.
    const chained = d.initializer && ts.isIdentifier(d.name) && (isConst || !reassigned(cx, d.name)) ? chainedPlace(cx, d.initializer) : undefined;
    if (chained) {
      destructurePlace(cx, d.name, chained, isConst);
      continue;
    }
    // `const pts: Point[] = []`, `xs.map((x) => ({ x, y: f(x) }))`: an array of objects made here.
    const list = ts.isIdentifier(d.name) && (!d.initializer || !isOpaqueExpr(cx, d.initializer)) ? localListType(cx, d.name) : undefined;
    if (list) {
      declareList(cx, d as ts.VariableDeclaration & { name: ts.Identifier }, list, isConst);
      continue;
    }
    // `const C: number[][] = []`, `A.map((row) => row.map(…))`: a matrix made here.
    const matrix = ts.isIdentifier(d.name) && (!d.initializer || !isOpaqueExpr(cx, d.initializer)) ? localMatrixType(cx, d.name, d.initializer) : undefined;
    if (matrix) {
      declareMatrix(cx, d as ts.VariableDeclaration & { name: ts.Identifier }, matrix, isConst);
      continue;
    }
    if (ts.isObjectBindingPattern(d.name) && d.initializer && isStructExpr(cx, d.initializer)) {
      destructureStruct(cx, d.name, d.initializer, isConst);
      continue;
    }
    if (ts.isIdentifier(d.name) && structTypeOf(cx, d.name) && (!d.initializer || !isOpaqueExpr(cx, d.initializer))) {
      declareStruct(cx, d as ts.VariableDeclaration & { name: ts.Identifier }, structTypeOf(cx, d.name)!, isConst);
      continue;
    }
    if (ts.isObjectBindingPattern(d.name) && d.initializer && isOpaqueExpr(cx, d.initializer)) {
      cx.destructureData(d.name, cx.expr(d.initializer), isConst);
      continue;
    }
    if (!ts.isIdentifier(d.name)) return fail(errors.unsupportedStatement(pos(cx, d.name), 'object destructuring (only of read-only data)'));
    const name = d.name.text;
    const init = d.initializer && skipOuter(d.initializer);
    if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) {
      // `const sq = (t: number) => t * t`: inlined where it is called.
      if (!isConst) return fail(errors.closure(pos(cx, init)));
      cx.localFunctions.set(d, { name, fn: init, depth: cx.fn.depth });
      continue;
    }
    if (init && isConst && isFunctionParameter(cx, d)) {
      // `const force = drag ? withDrag : free`, `const f = Math.sin`: a function known here, called or passed where used.
      cx.functionArguments.set(d, functionArgument(cx, init, name));
      continue;
    }
    if (init && isOpaqueExpr(cx, init)) {
      // `const row = X[i]`: read-only data, held as it is (never copied, never written).
      const value = cx.expr(init);
      // (assigned again with data only, `nearest = anchors[i]`, it stays data)
      const computed = !isConst && assignedValues(cx, d.name).some((v) => !isOpaqueExpr(cx, v));
      const array = computed ? localTypeOf(cx, d.name) : undefined;
      if (array !== undefined && isArrayType(array)) {
        // `let h = X[i]` assigned a computed array later (`h = layer(w, h)`): a copy of the data, so that what it holds then is differentiated.
        const held = cx.fn.declare(`${name}_data`, cx.fn.temps[value], 'hidden', true);
        cx.fn.assign(held, value, true);
        const type = copyType(array);
        cx.fn.assign(cx.fn.declare(name, type, 'local', false), cx.fn.op({ op: 'slice', var: held, type, hasStart: false, hasEnd: false }, [], type), true);
        continue;
      }
      const v = cx.fn.declare(name, cx.fn.temps[value], 'local', isConst);
      cx.fn.assign(v, value, true);
      continue;
    }
    // `const unit = options.units || "km"`: a string, data held as it is.
    const declared = cx.checker.getTypeAtLocation(d.name);
    const local = localTypeOf(cx, d.name);
    const data = init && local === undefined && isStringType(declared) ? opaqueType(declared, cx.checker) : undefined;
    if (data !== undefined) {
      const value = cx.expr(init!);
      if (!isOpaqueType(cx.fn.temps[value])) return fail(errors.localType(pos(cx, d.name), name, cx.checker.typeToString(declared)));
      cx.fn.assign(cx.fn.declare(name, data, 'local', isConst), value, true);
      continue;
    }
    // `new Array(n).fill(0)` is typed any[] by TypeScript: it holds numbers.
    let type = local ?? (init && isFilledArray(init) ? 'number[]' : undefined);
    // `let t;`, `let p = null` (TypeScript's declared type is any): the type its reads narrow it to.
    const inferred = type === undefined || (init && isNullishLiteral(cx, init)) ? inferredType(d.name, cx.checker) : undefined;
    type = inferred?.type ?? type;
    if (type === undefined) return fail(errors.localType(pos(cx, d.name), name, cx.checker.typeToString(declared)));
    if (isArrayType(type)) {
      if (!d.initializer) return fail(errors.unsupportedStatement(pos(cx, d), `array variable '${name}' without an initial array`));
      // `const v = st.v`: a second name for the object's array (the same array, as in JavaScript).
      const held = structPath(cx, d.initializer);
      if (typeof held === 'number' && isArrayType(cx.fn.vars[held].type)) {
        if (!isConst && reassigned(cx, d.name))
          return fail(errors.arrayAlias(pos(cx, d.initializer), `'${name}' names the array '${d.initializer.getText(cx.sf)}' and is assigned again; copy it with .slice()`));
        cx.fn.lookupOverride(name, held);
        continue;
      }
      // `let h = x` given other arrays later (`h = dense(w, h)`), neither array ever written into: a second name for x until then.
      const source = skipOuter(d.initializer);
      const from = ts.isIdentifier(source) && !isConst ? cx.fn.lookup(source.text) : undefined;
      if (
        from !== undefined &&
        ts.isIdentifier(source) &&
        cx.fn.vars[from].type === type &&
        assignedValues(cx, d.name).length > 0 &&
        !writtenInto(cx, d.name) &&
        !writtenInto(cx, source)
      ) {
        cx.fn.assign(cx.fn.declare(name, type, 'local', false), cx.fn.read(from), true);
        continue;
      }
      const init = cx.arrayInit(d.initializer, type);
      const v = cx.fn.declare(name, type, 'local', isConst);
      cx.fn.assign(v, init, true);
      continue;
    }
    if (!d.initializer || inferred) {
      // `let p = null` whose reads never see null: nothing to hold until it is assigned.
      if (d.initializer && inferred?.mayBeUndefined)
        return fail(errors.unsupportedStatement(pos(cx, d), `'${name}' may be read while it is still ${skipOuter(d.initializer).getText(cx.sf)}: give it a number to start from`));
      const v = cx.fn.declare(name, type, 'local', false);
      if (d.exclamationToken || inferred?.mayBeUndefined) cx.fn.emit({ kind: 'declare', var: v, definite: true, asserted: true, origin: cx.fn.origin });
      else cx.fn.emit(inferred || isDefinite(cx, d) ? { kind: 'declare', var: v, definite: true, origin: cx.fn.origin } : { kind: 'declare', var: v, origin: cx.fn.origin });
      // In a loop, where a read may see no value (`t ?? x`): undefined again each time it is declared, an
      // assignment like any other (reverse mode declares it once, at the top, and restores what it needs).
      if (inferred?.mayBeUndefined && cx.fn.targetLoop(undefined, 'continue') !== undefined) cx.fn.assign(v, cx.fn.datum(undefined, type));
      continue;
    }
    const value = cx.expr(d.initializer);
    if (cx.fn.temps[value] !== type) return fail(errors.localType(pos(cx, d.name), name, cx.fn.temps[value]));
    const v = cx.fn.declare(name, type, 'local', isConst);
    cx.fn.assign(v, value, true);
  }
}

/**
 * Whether `let v: T` (no initialiser) is printed `let v!: T`: the source says so (`let h!: number`), or
 * a `switch` without `default` assigns it. TypeScript accepts reading it after a switch that covers
 * every value its discriminant's type allows (`k: 0 | 1`); the `if` chain the switch becomes, on a
 * `number`, shows no such thing.
 */
function isDefinite(cx: LowerContext, d: ts.VariableDeclaration): boolean {
  if (d.exclamationToken) return true;
  const sym = cx.checker.getSymbolAtLocation(d.name);
  const assigns = (n: ts.Node): boolean => (ts.isIdentifier(n) && accessOf(n) !== 'read' && cx.checker.getSymbolAtLocation(n) === sym) || ts.forEachChild(n, assigns) === true;
  const visit = (n: ts.Node): boolean => (ts.isSwitchStatement(n) && !n.caseBlock.clauses.some(ts.isDefaultClause) && assigns(n.caseBlock)) || ts.forEachChild(n, visit) === true;
  return sym !== undefined && visit(d.parent.parent.parent);
}

/** `string`, a string literal, or a union of them (with `undefined`). */
function isStringType(t: ts.Type): boolean {
  return (t.isUnion() ? t.types : [t]).every((p) => (p.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.Undefined)) !== 0);
}

/**
 * A declaration of a hoisted `var` (var-scoping.ts): the variable exists from the top of the
 * function, so `var x = e` assigns it and `var x;` does nothing.
 */
function lowerHoistedDeclaration(cx: LowerContext, d: ts.VariableDeclaration): void {
  if (!ts.isIdentifier(d.name)) return fail(errors.unsupportedStatement(pos(cx, d.name), 'destructuring in a `var` used outside its block or declared twice (use let or const)'));
  if (!d.initializer) return;
  if (isNullishLiteral(cx, d.initializer)) {
    if (inferredType(d.name, cx.checker)?.mayBeUndefined)
      return fail(
        errors.unsupportedStatement(pos(cx, d), `'${d.name.text}' may be read while it is still ${skipOuter(d.initializer).getText(cx.sf)}: give it a number to start from`),
      );
    return;
  }
  const v = assignable(cx, d.name);
  const value = cx.expr(d.initializer);
  if (cx.fn.temps[value] !== cx.fn.vars[v].type) return fail(errors.localType(pos(cx, d.name), d.name.text, cx.fn.temps[value]));
  cx.fn.assign(v, value);
}

/** `new Array(n).fill(v)` / `Array(n).fill(v)`. */
function isFilledArray(e: ts.Expression): boolean {
  if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression) || e.expression.name.text !== 'fill') return false;
  const inner = skipOuter(e.expression.expression);
  return (ts.isNewExpression(inner) || ts.isCallExpression(inner)) && ts.isIdentifier(inner.expression) && inner.expression.text === 'Array';
}

/** `x = v`, `xs[i] = v`, `[a, b] = …`: the value assigned. */
export function lowerAssignment(cx: LowerContext, e: ts.BinaryExpression): TempId {
  const target = skipOuter(e.left);
  if (ts.isArrayLiteralExpression(target)) return lowerDestructuringAssignment(cx, target, e.right);
  const replaced = replaceElementObject(cx, target, e.right);
  if (replaced !== undefined) return replaced;
  // (`a.degrees = d` of a class with a setter: the setter runs; the assignment's value is the right side)
  const set = assignThroughSetter(cx, target, () => cx.expr(e.right));
  if (set !== undefined) return set;
  if (ts.isElementAccessExpression(target) || inPlace(cx, target)) return cx.assignElement(target, () => cx.expr(e.right));
  const object = structPath(cx, target);
  if (object !== undefined && typeof object === 'object') {
    lowerStructAssignment(cx, object, e);
    return cx.fn.constant(0);
  }
  const rebound = ts.isIdentifier(target) ? reboundArray(cx, target, e.right) : undefined;
  if (rebound !== undefined) return rebound;
  const v = assignable(cx, target);
  const value = cx.expr(e.right);
  cx.fn.assign(v, value);
  return value;
}

/**
 * `h = dense(layer, h)`, `x = x.map(f)`, `v = [a, b]`: a local array variable given a new array,
 * as loop-declared arrays are at each iteration. Only a fresh array (one no other name holds), of the
 * variable's kind; undefined when `target` is no local array variable.
 */
function reboundArray(cx: LowerContext, target: ts.Identifier, right: ts.Expression): TempId | undefined {
  const v = cx.fn.lookup(target.text);
  if (v === undefined || !isArrayType(cx.fn.vars[v].type) || cx.fn.vars[v].role !== 'local' || cx.fn.vars[v].constant) return undefined;
  // `y = next` of an array nothing reads after (a loop's next step), or where neither array is ever
  // written into: one array under two names, as in JavaScript.
  const src = skipOuter(right);
  const held = ts.isIdentifier(src) ? cx.fn.lookup(src.text) : undefined;
  if (
    ts.isIdentifier(src) &&
    held !== undefined &&
    cx.fn.vars[held].type === cx.fn.vars[v].type &&
    (!usedAfter(cx, src, right) || (!writtenInto(cx, target) && !writtenInto(cx, src)))
  ) {
    const value = cx.fn.read(held);
    cx.fn.assign(v, value);
    return value;
  }
  const value = cx.expr(right);
  const made = cx.fn.current[cx.fn.current.length - 1];
  if (!isFreshArray(cx, made) || cx.fn.temps[value] !== cx.fn.vars[v].type)
    return fail(
      errors.arrayAlias(
        pos(cx, target),
        `assigning '${target.text}' an array ${isFreshArray(cx, made) ? `of another kind (${cx.fn.temps[value]})` : 'another name holds'}: give it a new array (a copy with .slice(), the result of a call, a literal)`,
      ),
    );
  cx.fn.assign(v, value);
  return value;
}

/** `x += v`, `xs[i] *= v`, …: the old value read, then the right side. */
export function lowerCompoundAssignment(cx: LowerContext, e: ts.BinaryExpression): TempId {
  const op = compound[e.operatorToken.kind]!;
  const target = skipOuter(e.left);
  // (`a.degrees += d`: its getter, then its setter)
  const set = assignThroughSetter(cx, target, (current) => prim(cx, op, [current(), cx.expr(e.right)]));
  if (set !== undefined) return set;
  if (ts.isElementAccessExpression(target) || inPlace(cx, target)) return cx.assignElement(target, (current) => prim(cx, op, [current(), cx.expr(e.right)]));
  const v = assignable(cx, target);
  const old = cx.fn.read(v);
  const value = prim(cx, op, [old, cx.expr(e.right)]);
  cx.fn.assign(v, value);
  return value;
}

/**
 * `[a, b] = [b, a - q * b]`, `[x[i], x[j]] = [x[j], x[i]]`, `[m, v] = g(xs)`: every value on the
 * right first, then the targets left to right, as JavaScript does. Its value (an array) is not used.
 */
function lowerDestructuringAssignment(cx: LowerContext, target: ts.ArrayLiteralExpression, right: ts.Expression): TempId {
  const values = destructuredValues(
    cx,
    right,
    target.elements.map((el) => !ts.isOmittedExpression(el)),
  );
  target.elements.forEach((el, i) => {
    if (ts.isOmittedExpression(el)) return;
    const t = skipOuter(el);
    const value = values[i];
    if (value === undefined) return fail(errors.unsupportedExpression(pos(cx, el), 'a destructuring target without a value'));
    requireNumber(cx, el, value);
    if (ts.isElementAccessExpression(t) || inPlace(cx, t)) cx.assignElement(t, () => value);
    else if (ts.isIdentifier(t)) cx.fn.assign(assignable(cx, t), value);
    else fail(errors.unsupportedExpression(pos(cx, el), 'destructuring into anything but names and elements'));
  });
  return cx.fn.constant(0);
}

/**
 * `const [a, , b] = xs` ⇒ `a = xs[0]; b = xs[2]` (an array-valued expression gets a hidden variable);
 * `const [a, b] = [e1, e2]` ⇒ `a = e1; b = e2` with no array at all. Elements must be plain names
 * of numbers: no defaults, rest elements or nested patterns.
 */
function lowerArrayDestructuring(cx: LowerContext, pattern: ts.ArrayBindingPattern, init: ts.Expression, isConst: boolean): void {
  const fn = cx.fn;
  if (placeKind(cx, init) === 'list') {
    // `const [a, b] = seg` of an array (or tuple) of objects: each name stands for its object.
    const list = placeOf(cx, init)!;
    return pattern.elements.forEach((el, i) => {
      if (ts.isOmittedExpression(el)) return;
      if (el.dotDotDotToken || el.initializer) return fail(errors.unsupportedStatement(pos(cx, el), 'destructuring with defaults or rest elements'));
      destructurePlace(cx, el.name, itemOf(cx, list, fn.constant(i)), isConst);
    });
  }
  if (isOpaqueExpr(cx, init) && pattern.elements.some((el) => !ts.isOmittedExpression(el) && ts.isIdentifier(el.name) && localTypeOf(cx, el.name) !== 'number')) {
    // `const [a, b] = seg` of read-only data holding objects or arrays: each name is data too.
    const data = cx.expr(init);
    return pattern.elements.forEach((el, i) => {
      if (ts.isOmittedExpression(el)) return;
      if (el.dotDotDotToken || el.initializer || !ts.isIdentifier(el.name))
        return fail(errors.unsupportedStatement(pos(cx, el), 'destructuring with defaults, rest elements or nested patterns'));
      const value = dataGet(cx, data, { index: fn.constant(i) }, cx.checker.getTypeAtLocation(el.name));
      if (value === undefined) return fail(errors.localType(pos(cx, el.name), el.name.text, cx.checker.typeToString(cx.checker.getTypeAtLocation(el.name))));
      fn.assign(fn.declare(el.name.text, fn.temps[value], 'local', isConst), value, true);
    });
  }
  const names: ({ name: string; node: ts.Identifier; init?: ts.Expression } | undefined)[] = pattern.elements.map((el) => {
    if (ts.isOmittedExpression(el)) return undefined;
    if (el.dotDotDotToken || !ts.isIdentifier(el.name)) return fail(errors.unsupportedStatement(pos(cx, el), 'destructuring with rest elements or nested patterns'));
    const type = localTypeOf(cx, el.name);
    if (type !== 'number') return fail(errors.localType(pos(cx, el.name), el.name.text, cx.checker.typeToString(cx.checker.getTypeAtLocation(el.name))));
    return { name: el.name.text, node: el.name, init: el.initializer };
  });
  const values = destructuredValues(
    cx,
    init,
    names.map((n) => n !== undefined),
  );
  names.forEach((n, i) => {
    if (n === undefined) return;
    const given = values[i];
    if (given === undefined || fn.temps[given] !== 'number') return fail(errors.localType(pos(cx, n.node), n.name, given === undefined ? 'undefined' : fn.temps[given]));
    // (`const [a = 1] = v`: the default where v has no element there)
    const value = n.init ? lowerChoice(cx, '??', given, n.init) : given;
    const v = fn.declare(n.name, 'number', 'local', isConst);
    fn.assign(v, value, true);
  });
}

/**
 * The values `[…] = right` binds, one per target position (`wanted[i]` false for a hole): the
 * elements of an array literal, all evaluated in order (no array is made), or loads `right[i]`
 * of an array-valued expression. Undefined where there is no value.
 */
function destructuredValues(cx: LowerContext, right: ts.Expression, wanted: readonly boolean[]): (TempId | undefined)[] {
  const e = skipOuter(right);
  if (ts.isArrayLiteralExpression(e) && !e.elements.some(ts.isSpreadElement)) {
    const all = e.elements.map((el) => cx.expr(el));
    return wanted.map((_, i) => all[i]);
  }
  if (isOpaqueExpr(cx, e)) {
    // `const [x, y] = pts[i]` of read-only data: element reads (the names are numbers, checked by the caller).
    const obj = cx.expr(e);
    return wanted.map((w, i) => (w ? cx.fn.op({ op: 'get', key: undefined }, [obj, cx.fn.constant(i)], 'number') : undefined));
  }
  const arr = arrayOperand(cx, e);
  return wanted.map((w, i) => (w ? cx.fn.op({ op: 'load', var: arr }, [cx.fn.constant(i)], 'number') : undefined));
}
