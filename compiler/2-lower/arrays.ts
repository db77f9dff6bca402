/**
 * Arrays ⇒ ops and statements: element reads (`load`) and writes (`store`),
 * `.length`, creation (`new Float64Array(n)`, `new Array(n).fill(v)`, `[a, b]`,
 * `slice`/`subarray` copies), `push`, `fill`, and the callbacks people write
 * (`reduce`, `map`, `forEach` with an inline arrow function), which become loops.
 *
 * Guarantees: an array variable always names one array object (no aliasing:
 * arrays are created fresh or are parameters), so an element write can only
 * change the array it names.
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import { isArrayType, isUnionArray, isWritableArray, mayBePlain, type ArrayType, type PrimName, type TempId, type Type, type VarId } from '../ir/types';
import { mathFunctions, rule } from '../rules/table';
import { resolveCallee } from '../1-frontend/functions';
import { forEachNode } from '../1-frontend/walk';
import { fail, pos, type FunctionArgument, type LowerContext } from './context';
import { copyType, irType } from './types';
import { lowerPlaceWrite, placeKind } from './lists';
import { skipOuter, prim, typeOfNode, isOpaqueExpr, isFreshArray, localFunctionOf, checkCaptures, arrayVar, arrayOperand, loopOverArray, dataMisuse, varOf } from './helpers';
import { functionArgumentOf, inClosure } from './function-arguments';
import { filledBeforeRead } from './sized-arrays';

export function lowerLoad(cx: LowerContext, e: ts.ElementAccessExpression): TempId {
  // `g(x)[0]`, `xs.map(f)[i]`: an array-valued expression gets a hidden variable first.
  const v = arrayOperand(cx, e.expression);
  rejectNegativeIndex(cx, e, v);
  const index = cx.expr(e.argumentExpression);
  if (cx.fn.temps[index] !== 'number') return fail(errors.unsupportedExpression(pos(cx, e.argumentExpression), 'a non-numeric index'));
  return cx.fn.op({ op: 'load', var: v }, [index], 'number');
}

/** `a[i] = …`, `a[i] += …`, `a[i]++`: index first, then the value, then the write. Returns the value written. */
export function lowerElementAssignment(cx: LowerContext, target: ts.ElementAccessExpression | ts.PropertyAccessExpression, compute: (current: () => TempId) => TempId): TempId {
  // (a number of a matrix or a list of objects: `W[i][j]`, `points[i].x`, `p.x` of `const p = points[i]`)
  const place = lowerPlaceWrite(cx, target, compute);
  if (place !== undefined) return place;
  if (!ts.isElementAccessExpression(target)) return fail(errors.unsupportedExpression(pos(cx, target), `assignment to '${target.getText(cx.sf)}'`));
  if (isOpaqueExpr(cx, target.expression)) return fail(dataMisuse(cx, target, `writing to '${target.getText(cx.sf)}'`, target, 'copy'));
  const v = arrayVar(cx, target.expression);
  const info = cx.fn.vars[v];
  if (!isWritableArray(info.type as ArrayType)) return fail(errors.unsupportedExpression(pos(cx, target), `writing to the readonly array '${info.name}'`));
  rejectNegativeIndex(cx, target, v);
  const index = cx.expr(target.argumentExpression);
  // The old element is loaded only when the value needs it (`+=`, `++`), never for plain `=`.
  let loaded: TempId | undefined;
  const value = compute(() => (loaded ??= cx.fn.op({ op: 'load', var: v }, [index], 'number')));
  cx.fn.emit({ kind: 'store', var: v, index, value, origin: cx.fn.origin });
  return value;
}

/**
 * `a[-1]` on a plain array is not its last element but a property named "-1" (a read gives
 * undefined, a write adds the property): almost always a slip, and a property has no adjoint.
 */
function rejectNegativeIndex(cx: LowerContext, e: ts.ElementAccessExpression, v: VarId): void {
  const t = cx.fn.vars[v].type;
  if (!isArrayType(t) || !mayBePlain(t)) return;
  const i = e.argumentExpression;
  if (ts.isPrefixUnaryExpression(i) && i.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(i.operand) && Number(i.operand.text) !== 0) {
    const name = e.expression.getText(cx.sf);
    fail(
      errors.unsupportedExpression(
        pos(cx, i),
        `the negative index in '${e.getText(cx.sf)}' (a property named "${i.getText(cx.sf)}" of the array, not an element): write ${name}[${name}.length ${i.getText(cx.sf).replace('-', '- ')}] for an element from the end`,
      ),
    );
  }
}

const arrayMethods = new Set(['push', 'fill', 'slice', 'subarray', 'reduce', 'map', 'forEach', 'set']);

export function isArrayMethodCall(cx: LowerContext, callee: ts.PropertyAccessExpression): boolean {
  const obj = skipOuter(callee.expression);
  const v = varOf(cx, obj);
  if (v !== undefined) return isArrayType(cx.fn.vars[v].type);
  // (a name standing for a matrix's row is an array: `row.reduce(…)`)
  if (ts.isIdentifier(obj) && placeKind(cx, obj) !== 'row') return false;
  // `xs.map(f).reduce(g)`: a method on an array-valued expression (a row of a matrix, `W[0].map(f)`, too).
  const t = typeOfNode(cx, obj);
  return arrayMethods.has(callee.name.text) && ((t !== undefined && isArrayType(t)) || placeKind(cx, obj) === 'row');
}

/** `new Float64Array(n)`, `new Array(n).fill(v)`, `[a, b, c]`, `new Float64Array([a, b])`, `new Float64Array(xs)`. */
export function lowerArrayCreation(cx: LowerContext, e: ts.Expression, declared?: ArrayType): TempId {
  const declaredType = declared ?? (typeOfNode(cx, e) as ArrayType | undefined);
  if (declaredType === undefined || !isArrayType(declaredType)) return fail(errors.unsupportedExpression(pos(cx, e), `'${e.getText(cx.sf).slice(0, 40)}'`));
  // A literal is a plain array, whatever union type the variable it initialises has (`const v: vec3 = [0, 0, 0]`).
  const type = isUnionArray(declaredType) ? 'number[]' : declaredType;
  if (ts.isArrayLiteralExpression(e)) {
    if (e.elements.length === 1 && ts.isSpreadElement(e.elements[0])) {
      const src = arrayVar(cx, e.elements[0].expression);
      return cx.fn.op({ op: 'slice', var: src, type: 'number[]', hasStart: false, hasEnd: false }, [], type);
    }
    if (e.elements.some(ts.isSpreadElement)) return lowerConcatenation(cx, e, type);
    const elems = e.elements.map((el) => cx.expr(el));
    return cx.fn.op({ op: 'newArray', type, form: 'literal' }, elems, type);
  }
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression)) {
    const ctor = e.expression.text;
    const args = e.arguments ?? [];
    if ((ctor === 'Float64Array' || ctor === 'Float32Array') && args.length === 1) {
      const arg = skipOuter(args[0]);
      if (ts.isArrayLiteralExpression(arg))
        return cx.fn.op(
          { op: 'newArray', type: ctor, form: 'literal' },
          arg.elements.map((el) => cx.expr(el)),
          ctor,
        );
      const argType = typeOfNode(cx, arg);
      if (argType && isArrayType(argType)) return cx.fn.op({ op: 'slice', var: arrayVar(cx, arg), type: ctor, hasStart: false, hasEnd: false }, [], ctor);
      const n = cx.expr(arg);
      return cx.fn.op({ op: 'newArray', type: ctor, form: 'sized' }, [n], ctor);
    }
    if (ctor === 'Array' && args.length === 1) {
      // (`const out = new Array(n); for (let i = 0; i < n; i++) out[i] = …;`: no hole is ever read, as zeros none would be)
      if (filledBeforeRead(e)) return cx.fn.op({ op: 'newArray', type: 'number[]', form: 'sized' }, [cx.expr(args[0]), cx.fn.constant(0)], type);
      return fail(
        errors.unsupportedExpression(
          pos(cx, e),
          'new Array(n) without .fill(value): its elements are holes (write .fill(0), or fill it by the loop right after it, `for (let i = 0; i < n; i++) out[i] = …` first in its body)',
        ),
      );
    }
  }
  return fail(errors.unsupportedExpression(pos(cx, e), `array creation '${e.getText(cx.sf).slice(0, 40)}'`));
}

/**
 * `[...a, x, ...b]`: the parts evaluated left to right, then a fresh array of their total length
 * filled in order (a loop per spread array).
 */
function lowerConcatenation(cx: LowerContext, e: ts.ArrayLiteralExpression, type: ArrayType): TempId {
  const fn = cx.fn;
  if (type !== 'number[]' && type !== 'readonly number[]') return fail(errors.unsupportedExpression(pos(cx, e), 'spread into a typed array'));
  const parts: ({ arr: VarId } | { value: TempId })[] = e.elements.map((el) => (ts.isSpreadElement(el) ? { arr: arrayOperand(cx, el.expression) } : { value: cx.expr(el) }));
  let n = fn.constant(parts.filter((p) => 'value' in p).length);
  for (const p of parts) if ('arr' in p) n = prim(cx, 'add', [n, fn.op({ op: 'length', var: p.arr }, [], 'number')]);
  const result = fn.declare('joined', 'number[]', 'hidden', true);
  fn.assign(result, fn.op({ op: 'newArray', type: 'number[]', form: 'sized' }, [n, fn.constant(0)], 'number[]'), true);
  const at = fn.declare('at', 'number', 'hidden', false);
  fn.assign(at, fn.constant(0), true);
  const put = (value: TempId) => {
    fn.emit({ kind: 'store', var: result, index: fn.read(at), value, origin: fn.origin });
    fn.assign(at, prim(cx, 'add', [fn.read(at), fn.constant(1)]));
  };
  for (const p of parts) {
    if ('value' in p) put(p.value);
    else loopOverArray(cx, p.arr, (i) => put(fn.op({ op: 'load', var: p.arr }, [fn.read(i)], 'number')));
  }
  return fn.read(result);
}

/**
 * Whether `fn`'s body may assign to `name` (`name = …`, `name += …`, `name++`), also from a
 * callback nested in it (inlined, it assigns the same variable); a nested function's own
 * variable of that name only makes this answer true where false would do.
 */
function assigns(fn: ts.FunctionLikeDeclaration, name: string): boolean {
  const isName = (e: ts.Expression) => ts.isIdentifier(skipOuter(e)) && (skipOuter(e) as ts.Identifier).text === name;
  const assigned = (n: ts.Node) =>
    (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment && isName(n.left)) ||
    ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) &&
      (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken) &&
      isName(n.operand));
  return fn.body !== undefined && forEachNode(fn.body, (n) => (assigned(n) ? 'stop' : undefined));
}

/**
 * `Array.from(xs)` (a copy), `Array.from(xs, (v, i) => …)` (a map), `Array.from({ length: n }, (_, i) => …)`
 * (generated by index): always a fresh number[].
 */
export function lowerArrayFrom(cx: LowerContext, call: ts.CallExpression): TempId {
  const fn = cx.fn;
  const args = call.arguments;
  if (args.length < 1 || args.length > 2) return fail(errors.arity(pos(cx, call), 'Array.from', 2, args.length));
  const src = skipOuter(args[0]);
  if (!ts.isObjectLiteralExpression(src)) {
    const arr = arrayOperand(cx, src);
    if (args.length === 1) return fn.op({ op: 'slice', var: arr, type: 'number[]', hasStart: false, hasEnd: false }, [], 'number[]');
    return lowerCallback(cx, call, 'map', arr, { at: 1, plain: true });
  }
  const prop = src.properties.length === 1 ? src.properties[0] : undefined;
  if (!prop || !ts.isPropertyAssignment(prop) || prop.name.getText(cx.sf) !== 'length')
    return fail(errors.unsupportedExpression(pos(cx, src), 'Array.from of an object other than { length: n }'));
  if (args.length === 1) return fail(errors.unsupportedExpression(pos(cx, call), 'Array.from({ length: n }) without a function: its elements are undefined'));
  const callback = callbackOf(cx, call, 'Array.from', 1);
  if (callback.kind !== 'inline')
    return fail(errors.callback(pos(cx, args[1]), 'Array.from({ length: n }, f) needs an arrow function or a local function (its element is undefined)'));
  const cb = callback.fn;
  if (cb.parameters.length > 2) return fail(errors.callback(pos(cx, cb), 'the array argument of the Array.from callback'));
  const indexName = cb.parameters[1] && ts.isIdentifier(cb.parameters[1].name) ? cb.parameters[1].name.text : undefined;
  const n = fn.declare('count', 'number', 'hidden', true);
  fn.assign(n, cx.expr(prop.initializer), true);
  const result = fn.declare('made', 'number[]', 'hidden', true);
  fn.assign(result, fn.op({ op: 'newArray', type: 'number[]', form: 'sized' }, [fn.read(n), fn.constant(0)], 'number[]'), true);
  loopOverArray(
    cx,
    result,
    (i) => {
      // (the first parameter is the undefined element: a use of it is an unknown name)
      fn.lookupOverride(indexName, i);
      const value = cx.loopBody(cb, false)!;
      fn.emit({ kind: 'store', var: result, index: fn.read(i), value, origin: fn.origin });
    },
    { scoped: true, bound: n },
  );
  return fn.read(result);
}

/** `new Array(n).fill(v)` / `Array(n).fill(v)`: a sized number[]. */
function sizedArrayFill(cx: LowerContext, call: ts.CallExpression, callee: ts.PropertyAccessExpression): TempId | undefined {
  if (callee.name.text !== 'fill' || call.arguments.length !== 1) return undefined;
  const inner = skipOuter(callee.expression);
  const isArrayCtor =
    (ts.isNewExpression(inner) || ts.isCallExpression(inner)) && ts.isIdentifier(inner.expression) && inner.expression.text === 'Array' && (inner.arguments?.length ?? 0) === 1;
  if (!isArrayCtor) return undefined;
  const n = cx.expr((inner as ts.NewExpression).arguments![0]);
  const v = cx.expr(call.arguments[0]);
  return cx.fn.op({ op: 'newArray', type: 'number[]', form: 'sized' }, [n, v], 'number[]');
}

/** Calls of array methods: `push`, `fill`, `slice`, `subarray`, `reduce`, `map`, `forEach`. */
export function lowerArrayCall(cx: LowerContext, call: ts.CallExpression, callee: ts.PropertyAccessExpression): TempId {
  const method = callee.name.text;
  const v = arrayOperand(cx, callee.expression);
  const info = cx.fn.vars[v];
  const args = call.arguments;
  switch (method) {
    case 'push': {
      if (info.type !== 'number[]' || info.role === 'param')
        return fail(errors.unsupportedExpression(pos(cx, call), `push on '${info.name}': only local number[] arrays can grow`));
      let last = -1;
      for (const a of args) {
        last = cx.expr(a);
        cx.fn.emit({ kind: 'push', var: v, value: last, origin: cx.fn.origin });
      }
      return cx.fn.op({ op: 'length', var: v }, [], 'number');
    }
    case 'fill': {
      if (args.length !== 1) return fail(errors.unsupportedExpression(pos(cx, call), 'fill with a start or end: write a loop'));
      const value = cx.expr(args[0]);
      cx.fn.emit({ kind: 'fill', var: v, value, origin: cx.fn.origin });
      return value;
    }
    case 'slice':
    case 'subarray': {
      if (args.length > 2) return fail(errors.arity(pos(cx, call), method, 2, args.length));
      const bounds = args.map((a) => cx.expr(a));
      const type = copyType(info.type as ArrayType);
      const temp = cx.fn.op({ op: 'slice', var: v, type, hasStart: bounds.length > 0, hasEnd: bounds.length > 1 }, bounds, type);
      if (method === 'subarray') cx.views.push({ source: v, temp, at: pos(cx, call), text: call.getText(cx.sf).slice(0, 40) });
      return temp;
    }
    case 'reduce':
    case 'map':
    case 'forEach':
      return lowerCallback(cx, call, method, v);
    case 'set':
      // (typed arrays only: a union of them too, `Float64Array | Float32Array`)
      if (!isArrayType(info.type) || mayBePlain(info.type)) break;
      if (args.length < 1 || args.length > 2) return fail(errors.arity(pos(cx, call), 'set', 2, args.length));
      return lowerTypedSet(cx, v, args);
  }
  return fail(errors.unsupportedExpression(pos(cx, call), `the array method '${method}': write it as a loop`));
}

/**
 * `ys.set(xs, offset)` ⇒ `for (i = 0; i < xs.length; i++) ys[offset + i] = xs[i]`. (The primal throws a
 * RangeError when xs does not fit; the loop's writes past the end are dropped, as typed arrays drop them.)
 */
function lowerTypedSet(cx: LowerContext, target: VarId, args: readonly ts.Expression[]): TempId {
  const fn = cx.fn;
  const src = arrayOperand(cx, args[0]);
  let offset: VarId | undefined;
  if (args.length > 1) {
    offset = fn.declare('offset', 'number', 'hidden', false);
    fn.assign(offset, cx.expr(args[1]), true);
  }
  loopOverArray(cx, src, (index) => {
    const at = offset === undefined ? fn.read(index) : prim(cx, 'add', [fn.read(offset), fn.read(index)]);
    fn.emit({ kind: 'store', var: target, index: at, value: fn.op({ op: 'load', var: src }, [fn.read(index)], 'number'), origin: fn.origin });
  });
  return fn.constant(0);
}

function lowerFillCall(cx: LowerContext, call: ts.CallExpression): TempId | undefined {
  const callee = skipOuter(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  return sizedArrayFill(cx, call, callee);
}

/**
 * `xs.reduce((acc, x, i) => body, init)` ⇒ `acc = init; for (i = 0; i < xs.length; i++) { x = xs[i]; acc = body }`
 * `xs.map((x, i) => body)`              ⇒ `r = new(xs.length); for (…) { x = xs[i]; r[i] = body }`
 * `xs.forEach((x, i) => { … })`          ⇒ `for (…) { x = xs[i]; … }` (a `return` in the callback is a `continue`)
 */
/**
 * What a callback is: an inline arrow function or a local function (its body is inlined), a
 * one-argument `Math` function (`xs.map(Math.exp)`), or a function of the project
 * (`xs.map(sigmoid)`, called with the element, then the index if it takes one).
 */
type Callback =
  | {
      readonly kind: 'inline';
      readonly fn: ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration;
      /** A function passed to the function being inlined (`xs.map(f)` in `mapAll(f, xs)`): its body sees the names of where it was passed. */
      readonly closure?: Extract<FunctionArgument, { kind: 'closure' }>;
    }
  | { readonly kind: 'math'; readonly prim: PrimName; readonly arity: number }
  | { readonly kind: 'call'; readonly key: string; readonly arity: number; readonly ret: Type };

function callbackOf(cx: LowerContext, call: ts.CallExpression, method: string, at = 0): Callback {
  const cb = call.arguments[at] && skipOuter(call.arguments[at]);
  const bad = () =>
    fail(errors.callback(pos(cx, call), `${method} needs an inline arrow function, a local or module-level function, or a one-argument Math function as its callback`));
  if (!cb) return bad();
  if (ts.isArrowFunction(cb) || ts.isFunctionExpression(cb)) return { kind: 'inline', fn: cb };
  // (a function passed to the function being inlined: `xs.map(f)` in `mapAll(f, xs)`)
  const passed = functionArgumentOf(cx, cb);
  if (passed?.kind === 'closure') return { kind: 'inline', fn: passed.fn, closure: passed };
  if (passed?.kind === 'rule' || passed?.kind === 'choice')
    return fail(
      errors.callback(
        pos(cx, cb),
        `${method}(${cb.getText(cx.sf)}) of a function with user rules, or one chosen by \`?:\`: write it \`${method}((x) => ${cb.getText(cx.sf)}(x))\``,
      ),
    );
  const local = localFunctionOf(cx, cb);
  if (local) {
    checkCaptures(cx, local, cb);
    return { kind: 'inline', fn: local.fn };
  }
  const isMath = ts.isPropertyAccessExpression(cb) && ts.isIdentifier(cb.expression) && cb.expression.text === 'Math' && cx.fn.lookup('Math') === undefined;
  if (isMath || passed?.kind === 'math') {
    const f = mathFunctions.get(passed?.kind === 'math' ? passed.alias : (cb as ts.PropertyAccessExpression).name.text);
    if (f && rule(f).arity === 1 && rule(f).result === 'number') return { kind: 'math', prim: f, arity: 1 };
    return bad();
  }
  if (!ts.isIdentifier(cb)) return bad();
  const resolved = passed?.kind === 'project' ? passed.callee : resolveCallee(cb, cx.checker);
  if ('problem' in resolved) return bad();
  const src = resolved.source;
  const params = src.node.parameters;
  if (params.some((p) => p.dotDotDotToken || p.initializer || p.questionToken)) return bad();
  const sig = cx.checker.getSignatureFromDeclaration(src.node);
  const ret = sig ? irType(cx.checker.getReturnTypeOfSignature(sig), cx.checker) : undefined;
  if (ret !== 'number' || params.some((p) => irType(cx.checker.getTypeAtLocation(p), cx.checker) !== 'number')) return bad();
  cx.callees.set(src.key, src);
  resolved.via.forEach((f) => cx.files.add(f));
  return { kind: 'call', key: src.key, arity: params.length, ret };
}

export function lowerCallback(
  cx: LowerContext,
  call: ts.CallExpression,
  method: 'reduce' | 'map' | 'forEach',
  arr: VarId,
  { at = 0, plain = false }: { at?: number; plain?: boolean } = {},
): TempId {
  const callback = callbackOf(cx, call, method, at);
  const cb = callback.kind === 'inline' ? callback.fn : undefined;
  const arity = callback.kind === 'inline' ? callback.fn.parameters.length : callback.arity;
  const names = cb
    ? cb.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : fail(errors.callback(pos(cx, p), 'destructuring parameters'))))
    : Array.from({ length: arity }, (): string | undefined => undefined);
  const isReduce = method === 'reduce';
  const elementIndex = isReduce ? 1 : 0;
  if (names.length > elementIndex + 2) return fail(errors.callback(pos(cx, cb ?? call), `the array argument of the ${method} callback`));
  const fn = cx.fn;
  const arrType = fn.vars[arr].type as ArrayType;

  let acc: VarId | undefined;
  let result: VarId | undefined;
  const index = fn.declare(names[elementIndex + 1] ?? 'i', 'number', 'hidden', false);
  if (isReduce) {
    if (call.arguments.length === 2) {
      acc = fn.declare(names[0] ?? 'acc', 'number', 'hidden', false);
      fn.assign(acc, cx.expr(call.arguments[1]), true);
      fn.assign(index, fn.constant(0), true);
    } else {
      acc = fn.declare(names[0] ?? 'acc', 'number', 'hidden', false);
      fn.assign(acc, fn.op({ op: 'load', var: arr }, [fn.constant(0)], 'number'), true);
      fn.assign(index, fn.constant(1), true);
    }
  } else {
    fn.assign(index, fn.constant(0), true);
  }
  if (method === 'map' && isUnionArray(arrType) && !plain) {
    // A union type's map has the kind the array has at run time: a copy of it (`xs.slice()`), overwritten.
    const type = copyType(arrType);
    result = fn.declare('mapped', type, 'hidden', true);
    fn.assign(result, fn.op({ op: 'slice', var: arr, type, hasStart: false, hasEnd: false }, [], type), true);
  } else if (method === 'map') {
    const type: ArrayType = !plain && (arrType === 'Float64Array' || arrType === 'Float32Array') ? arrType : 'number[]';
    result = fn.declare('mapped', type, 'hidden', true);
    const n = fn.op({ op: 'length', var: arr }, [], 'number');
    const args = type === 'number[]' ? [n, fn.constant(0)] : [n];
    fn.assign(result, fn.op({ op: 'newArray', type, form: 'sized' }, args, type), true);
  }

  loopOverArray(
    cx,
    arr,
    () => {
      // (a callback may assign its parameter, as any function may)
      const elementName = names[elementIndex];
      const element = fn.declare(elementName ?? 'x', 'number', 'local', !(cb && elementName !== undefined && assigns(cb, elementName)));
      fn.assign(element, fn.op({ op: 'load', var: arr }, [fn.read(index)], 'number'), true);
      const bind = () => {
        if (acc !== undefined) fn.lookupOverride(names[0], acc);
        fn.lookupOverride(names[elementIndex + 1], index);
      };
      let value: TempId | undefined;
      const closure = callback.kind === 'inline' ? callback.closure : undefined;
      // (a function passed as an argument: its parameters bound where it sees the names of where it was passed)
      if (cb && closure)
        value = inClosure(cx, closure, () => {
          bind();
          if (elementName !== undefined) fn.lookupOverride(elementName, element);
          return cx.loopBody(cb, method === 'forEach');
        });
      else if (cb) {
        bind();
        value = cx.loopBody(cb, method === 'forEach');
      } else {
        bind();
        // (acc,) element, index: as many as the function takes
        const operands = [...(acc !== undefined ? [fn.read(acc)] : []), fn.read(element), fn.read(index)].slice(0, arity);
        value = callback.kind === 'math' ? prim(cx, callback.prim, operands) : fn.op({ op: 'call', callee: (callback as { key: string }).key }, operands, 'number');
      }
      if (isReduce) fn.assign(acc!, value!);
      if (method === 'map') fn.emit({ kind: 'store', var: result!, index: fn.read(index), value: value!, origin: fn.origin });
    },
    { index, scoped: true },
  );
  if (isReduce) return fn.read(acc!);
  if (method === 'map') return fn.read(result!);
  return fn.constant(0);
}

/** The initial value of an array variable: always a fresh array, never another variable's array. */
export function lowerArrayInit(cx: LowerContext, node: ts.Expression, type: ArrayType): TempId {
  const e = skipOuter(node);
  if (ts.isIdentifier(e)) return fail(errors.arrayAlias(pos(cx, e), `'${e.text}' already names an array; copy it with .slice()`));
  if (ts.isArrayLiteralExpression(e) || ts.isNewExpression(e)) return lowerArrayCreation(cx, e, type);
  if (ts.isCallExpression(e)) {
    const filled = lowerFillCall(cx, e);
    if (filled !== undefined) return filled;
  }
  const t = cx.expr(e);
  const made = cx.fn.current[cx.fn.current.length - 1];
  if (isFreshArray(cx, made)) return t;
  if (made?.kind === 'op' && made.op === 'read') return fail(errors.arrayAlias(pos(cx, e), 'an array variable initialised from another one'));
  return fail(errors.unsupportedExpression(pos(cx, e), `'${e.getText(cx.sf).slice(0, 40)}' as an array`));
}
