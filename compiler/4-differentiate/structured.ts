/**
 * The public API of a function with objects among its parameters or as its result
 * (`loss(params: { W: number[]; b: number[] }, x: number[])`): the derivatives are generated
 * for its IR, which takes every property as a parameter of its own (`f_flat_jvp(params_W,
 * params_b, x, …)`), and the public functions take and give objects: each passes the
 * properties of its arguments on and puts the results back into the objects' shape.
 *
 * Guarantees: tangents and gradients have the parameters' numeric skeleton (the same keys,
 * only the differentiated ones, nested the same way); with `out`, its arrays are written in
 * place (the flat functions write into them) and its numbers assigned, and `out` is returned;
 * an object result is the value, its tangent and cotangent objects of its numbers.
 */
import { isArrayType, type IRFunction, type Shape, type Structure, type VarId } from '../ir/types';
import type { FileContext } from './context';
import { nameRepeatedColumns } from './repeated-columns';
import { reserved } from './names';
import { namesIn } from '../5-print/js-walk';
import { b, type JsExpr, type JsFunction, type JsParam, type JsStmt } from '../5-print/js';
import { jsType, paramDecl } from './arrays';
import {
  at,
  str,
  fillResult,
  reordersRows,
  resultArrays,
  packedCotangent,
  resultDerivative,
  resultLayout,
  resultObject,
  resultRows,
  resultText,
  runtime,
} from './structured-result';

/** The names of the flat functions of `prefix`: not exported, called by the public ones. */
export const flatPrefix = (prefix: string): string => `${prefix}_flat`;

/** How the public `out` names each differentiated leaf (`out.grads[0].W`), in the flat function's order. */
export function gradPaths(fn: IRFunction, active: ReadonlySet<VarId>): string[] {
  const paths = new Map<VarId, string>();
  let k = 0;
  for (const p of fn.structure!.params) {
    const part = activePart(p.shape, active);
    if (!part) continue;
    const walk = (s: Shape<VarId>, path: string) => ('leaf' in s ? paths.set(s.leaf, path) : s.object.forEach(([key, f]) => walk(f, s.matrix || s.list ? path : `${path}.${key}`)));
    walk(part, `out.grads[${k++}]`);
  }
  return fn.params.filter((p) => active.has(p)).map((p) => paths.get(p)!);
}

export interface Api {
  readonly fn: IRFunction;
  readonly structure: Structure;
  readonly active: ReadonlySet<VarId>;
  readonly prefix: string;
  readonly ctx: FileContext;
  /** Where each leaf of the source's parameters is (`p.drag`). */
  readonly paths: ReadonlyMap<VarId, JsExpr>;
}

/** The public `f_jvp`, `f_vjp` and `f_grad` (or `f_jacobian`) of a function with objects, over its flat functions. */
export function structuredApi(fn: IRFunction, active: ReadonlySet<VarId>, prefix: string, ctx: FileContext): JsFunction[] {
  const paths = new Map<VarId, JsExpr>();
  const api: Api = { fn, structure: fn.structure!, active, prefix, ctx, paths };
  fn.structure!.params.forEach((p) => leafArgs(api, p.shape, b.id(p.name), (v, at) => (paths.set(v, at), at)));
  return [jvp(api), vjp(api), fn.returnType === 'number' ? grad(api) : jacobian(api)].map(nameRepeatedColumns);
}

/** The parameters of the source, as the public functions take them. */
function sourceParams(api: Api): JsParam[] {
  return api.structure.params.map((p) => ('leaf' in p.shape ? paramDecl(api.fn, p.shape.leaf, p.name, true) : { name: p.name, type: p.text }));
}

/** The arguments of a flat function for values of `shape` at `at` (`p.x`, `adc.flat(p.W)`, …), each through `of` when given. */
function leafArgs(api: Api, shape: Shape<VarId>, at: JsExpr, of?: (v: VarId, at: JsExpr) => JsExpr, slot?: string): JsExpr[] {
  if ('leaf' in shape) return [of ? of(shape.leaf, at) : at];
  // (`slot`: where the arrays an argument is taken apart into are reused from call to call, see the runtime's `flat`)
  const reuse = (suffix: string): JsExpr[] => (slot === undefined ? [] : [str(`${slot}${suffix}`)]);
  if (shape.matrix) {
    // (a matrix: its numbers row after row, where its rows start, and for the matrices of a list's objects, where each one's rows start)
    const rows = shape.grouped ? runtime(api, 'rows', at, ...reuse(':rows')) : at;
    return shape.object.flatMap(([k, s]) =>
      leafArgs(
        api,
        s,
        k === 'data'
          ? runtime(api, 'flat', rows, ...reuse(':data'))
          : k === 'starts'
            ? runtime(api, 'starts', rows, ...reuse(':starts'))
            : runtime(api, 'starts', at, ...reuse(':groups')),
        of,
      ),
    );
  }
  // (an array of objects: each property of its objects, across them)
  if (shape.list) return shape.object.flatMap(([k, s]) => leafArgs(api, s, runtime(api, 'column', at, str(k), ...reuse(`.${k}`)), of, slot && `${slot}.${k}`));
  return shape.object.flatMap(([k, s]) => leafArgs(api, s, b.member(at, k), of, slot && `${slot}.${k}`));
}

/** Where the public function reuses the arrays it takes the argument `name` apart into (`'loss:model'`). */
function slotOf(api: Api, name: string): string {
  return `${api.prefix}:${name}`;
}

/** An optional number property of an object parameter (`drag?: number`): left out, its derivatives are 0. */
function isOptionalLeaf(api: Api, v: VarId): boolean {
  return api.fn.vars[v].optional === true && api.fn.vars[v].type === 'number' && !api.structure.params.some((p) => 'leaf' in p.shape && p.shape.leaf === v);
}

/** `p.drag === undefined ? 0 : e`: the derivative `e` of an optional number, 0 where the argument left it out. */
function unlessAbsent(api: Api, v: VarId, e: JsExpr): JsExpr {
  return isOptionalLeaf(api, v) ? b.cond(b.bin('===', api.paths.get(v)!, b.id('undefined')), b.num(0), e) : e;
}

/** The differentiated part of a shape (undefined when nothing in it is). */
function activePart(shape: Shape<VarId>, active: ReadonlySet<VarId>): Shape<VarId> | undefined {
  if ('leaf' in shape) return active.has(shape.leaf) ? shape : undefined;
  const fields = shape.object.flatMap(([k, s]) => {
    const a = activePart(s, active);
    return a ? [[k, a] as const] : [];
  });
  const { object: _, ...markers } = shape;
  return fields.length > 0 ? { object: fields, ...markers } : undefined;
}

/** The TypeScript type of a derivative of `shape` (`role`: tangents taken, gradients given). */
function skeletonType(fn: IRFunction, shape: Shape<VarId>, role: 'tangent' | 'adjoint'): string {
  if ('leaf' in shape) return jsType(fn.vars[shape.leaf].type, role);
  if (shape.matrix) return 'number[][]';
  if (shape.list) return `${elementSkeleton(shape)}[]`;
  // (a tangent may leave an optional number out; a gradient always has it, 0 where the value was left out)
  const key = (k: string, s: Shape<VarId>) => (role === 'tangent' && 'leaf' in s && fn.vars[s.leaf].optional ? `${k}?` : k);
  return `{ ${shape.object.map(([k, s]) => `${key(k, s)}: ${skeletonType(fn, s, role)}`).join('; ')} }`;
}

/** The type of an object of a list's derivative, from the list's columns (a number per number, a row per matrix, …). */
function elementSkeleton(shape: Shape<VarId>): string {
  const item = (s: Shape<VarId>): string => ('leaf' in s ? 'number' : s.list ? elementSkeleton(s) : s.grouped ? 'number[][]' : 'number[]');
  return 'leaf' in shape ? 'number' : `{ ${shape.object.map(([k, s]) => `${k}: ${item(s)}`).join('; ')} }`;
}

/** Assignments of the number leaves of `shape` at `target` (arrays are skipped: written in place). */
function assignLeaves<L>(shape: Shape<L>, target: JsExpr, leaf: (l: L) => JsExpr, isArray: (l: L) => boolean): JsStmt[] {
  if ('leaf' in shape) return isArray(shape.leaf) ? [] : [b.assign(target, leaf(shape.leaf))];
  return shape.object.flatMap(([k, s]) => assignLeaves(s, b.member(target, k), leaf, isArray));
}

/** The differentiated parameters of the source, with their differentiated parts. */
function differentiated(api: Api): { readonly name: string; readonly shape: Shape<VarId> }[] {
  return api.structure.params.flatMap((p) => {
    const a = activePart(p.shape, api.active);
    return a ? [{ name: p.name, shape: a }] : [];
  });
}

/** Fresh names for the public functions' own variables (not a parameter's, not a reserved word: `do` of a parameter `o`'s tangent is `do_`). */
function names(api: Api, wanted: string[]): string[] {
  const taken = new Set([...reserved, ...api.structure.params.map((p) => p.name)]);
  return wanted.map((w) => {
    let n = w;
    while (taken.has(n)) n = `${n}_`;
    taken.add(n);
    return n;
  });
}

function jvp(api: Api): JsFunction {
  const params = sourceParams(api);
  const diff = differentiated(api);
  const [outName, r] = names(api, ['out', 'r']);
  const tangentNames = names(
    api,
    diff.map((d) => `d${d.name}`),
  );
  const type = `{ value: ${resultText(api)}; tangent: ${resultDerivative(api)} }`;
  // (the tangent of an optional number may be left out; that of one the argument left out does not count)
  const tangentOf = (v: VarId, at: JsExpr): JsExpr => (isOptionalLeaf(api, v) ? unlessAbsent(api, v, b.bin('??', at, b.num(0))) : at);
  const args = [
    ...api.structure.params.flatMap((p) => leafArgs(api, p.shape, b.id(p.name), undefined, slotOf(api, p.name))),
    ...diff.flatMap((d, i) => leafArgs(api, d.shape, b.id(tangentNames[i]), tangentOf, slotOf(api, tangentNames[i]))),
  ];
  const flat = `${flatPrefix(api.prefix)}_jvp`;
  const tangents: JsParam[] = diff.map((d, i) => ({ name: tangentNames[i], type: skeletonType(api.fn, d.shape, 'tangent') }));
  let body: JsStmt[];
  if (!api.structure.result) body = [b.return(b.call(flat, [...args, b.id(outName)]))];
  else {
    const value = b.member(b.id(r), 'value');
    const tangent = b.member(b.id(r), 'tangent');
    const layout = resultLayout(api, value, (n) => names(api, [n])[0]);
    const o = b.id(outName);
    const fill = [
      ...fillResult(api, value, b.member(o, 'value'), 'out.value', layout.places),
      ...fillResult(api, tangent, b.member(o, 'tangent'), 'out.tangent', layout.places, value),
      b.return(o),
    ];
    body = [
      b.const(r, b.call(flat, args)),
      ...layout.decls,
      b.if(b.bin('!==', o, b.id('undefined')), fill),
      b.return(
        b.obj([
          ['value', resultObject(api, value, layout.places, resultText(api))],
          ['tangent', resultObject(api, tangent, layout.places, resultDerivative(api), value)],
        ]),
      ),
    ];
  }
  return {
    name: `${api.prefix}_jvp`,
    exported: true,
    doc: `Forward mode of \`${api.fn.name}\`: value and directional derivative along (${tangentNames.join(', ')}).`,
    params: [...params, ...tangents, { name: outName, type, optional: true }],
    returnType: type,
    body,
  };
}

function vjpType(api: Api): string {
  const grads = differentiated(api).map((d) => skeletonType(api.fn, d.shape, 'adjoint'));
  return `{ value: ${resultText(api)}; grads: [${grads.join(', ')}] }`;
}

function vjp(api: Api): JsFunction {
  const fn = api.fn;
  const params = sourceParams(api);
  const diff = differentiated(api);
  const [cotangent, outName, r, g] = names(api, ['cotangent', 'out', 'r', 'g']);
  const type = vjpType(api);
  const result = api.structure.result;
  const activeLeaves = fn.params.filter((p) => api.active.has(p));
  const isArray = (v: VarId) => isArrayType(fn.vars[v].type);
  const o = b.id(outName);
  // The arguments taken apart (each leaf's, to size the arrays its gradient is reused in).
  const argOf = new Map<VarId, JsExpr>();
  const args = api.structure.params.flatMap((p) => leafArgs(api, p.shape, b.id(p.name), (v, at) => (argOf.set(v, at), at), slotOf(api, p.name)));
  // The flat function's `out`: the caller's arrays, written in place; numbers are copied after; the
  // numbers of a matrix or the columns of an array of objects, in arrays reused from call to call,
  // copied into out's rows and objects after. (An object result's flat value has a length known
  // only after the call: its gradients are all copied.)
  const gradSlots: JsExpr[] = [];
  diff.forEach((d, k) => {
    const slot = (sh: Shape<VarId>, path: JsExpr, rows: string | undefined) => {
      if (!('leaf' in sh)) return sh.object.forEach(([key, f]) => slot(f, b.member(path, key), rows ?? (sh.matrix || sh.list ? `${api.prefix}:grads[${k}]` : undefined)));
      const v = sh.leaf;
      if (rows !== undefined && isArray(v)) gradSlots.push(runtime(api, 'scratch', str(`${rows}:${fn.vars[v].name}`), b.member(argOf.get(v)!, 'length')));
      else gradSlots.push(isArray(v) ? path : b.num(0));
    };
    slot(d.shape, b.index(b.member(o, 'grads'), b.num(k)), undefined);
  });
  const valueSlot = isArrayType(fn.returnType) ? b.member(o, 'value') : b.num(0);
  const copied = result !== undefined;
  const flatOut = copied
    ? undefined
    : b.cond(
        b.bin('===', o, b.id('undefined')),
        b.id('undefined'),
        b.obj([
          ['value', valueSlot],
          ['grads', b.as(b.arr(gradSlots), `[${activeLeaves.map((p) => jsType(fn.vars[p].type, 'adjoint')).join(', ')}]`)],
        ]),
      );
  const seed = result ? packedCotangent(api, b.id(cotangent)) : b.id(cotangent);
  const call = b.call(`${flatPrefix(api.prefix)}_vjp`, [...args, seed, ...(flatOut ? [flatOut] : [])]);
  // Leaf j of the flat gradients is `g[j]`.
  const position = new Map(activeLeaves.map((p, j) => [p, j]));
  const gradOf = (v: VarId) => unlessAbsent(api, v, b.index(b.id(g), b.num(position.get(v)!)));
  const value = b.member(b.id(r), 'value');
  const layout = result ? resultLayout(api, value, (n) => names(api, [n])[0]) : undefined;
  const copyGrads = (d: { name: string; shape: Shape<VarId> }, k: number): JsStmt[] => {
    const walk = (sh: Shape<VarId>, path: string[]): JsStmt[] => {
      const dst = at(b.index(b.member(o, 'grads'), b.num(k)), path);
      const what = str([`out.grads[${k}]`, ...path].join('.'));
      if ('leaf' in sh) return [b.expr(runtime(api, 'copyInto', dst, gradOf(sh.leaf), what))];
      // (an array of objects of numbers: its columns written into out's objects; one holding matrices: a copy of its gradient)
      if (sh.list && numbersOnly(sh)) return [b.expr(runtime(api, 'copyColumns', dst, columnsOf(sh), what))];
      if (sh.list) return [b.expr(runtime(api, 'copyTree', dst, gradient(sh, at(b.id(d.name), path), [slotOf(api, d.name), ...path].join('.')), what))];
      if (sh.matrix) return [b.expr(runtime(api, 'copyRows', dst, gradOf(matrixData(sh)), at(b.id(d.name), path), what))];
      return sh.object.flatMap(([key, f]) => walk(f, [...path, key]));
    };
    return walk(d.shape, []);
  };
  const numbersOnly = (sh: Shape<VarId>): boolean => 'leaf' in sh || (!sh.matrix && sh.object.every(([, f]) => numbersOnly(f)));
  const columnsOf = (sh: Shape<VarId>): JsExpr => ('leaf' in sh ? gradOf(sh.leaf) : b.obj(sh.object.map(([k, f]) => [k, columnsOf(f)] as const)));
  // The gradient of a parameter as an object of its shape (a matrix's rows cut like the argument's).
  // (`slot`: the argument's, so that its columns, taken apart for the call, are taken apart once)
  function gradient(sh: Shape<VarId>, param: JsExpr, slot: string): JsExpr {
    if ('leaf' in sh) return gradOf(sh.leaf);
    if (sh.matrix) return runtime(api, sh.grouped ? 'groupsLike' : 'rowsLike', gradOf(matrixData(sh)), param);
    // (an array of objects: objects zipped from the gradients of its columns)
    if (sh.list)
      return runtime(api, 'zip', b.obj(sh.object.map(([k, f]) => [k, gradient(f, runtime(api, 'column', param, str(k), str(`${slot}.${k}`)), `${slot}.${k}`)] as const)));
    return b.obj(sh.object.map(([k, f]) => [k, gradient(f, b.member(param, k), `${slot}.${k}`)] as const));
  }
  const fill: JsStmt[] = [
    ...(layout
      ? fillResult(api, value, b.member(o, 'value'), 'out.value', layout.places)
      : !isArrayType(fn.returnType)
        ? [b.assign(b.member(o, 'value'), value)]
        : copied
          ? [b.expr(runtime(api, 'copyInto', b.member(o, 'value'), value, str('out.value')))]
          : []),
    ...diff.flatMap((d, k) => [
      ...assignLeaves(d.shape, b.index(b.member(o, 'grads'), b.num(k)), gradOf, isArray),
      ...copyGrads({ name: d.name, shape: copied ? arraysOnly(d.shape, isArray) : rowsOnly(d.shape) }, k),
    ]),
    b.return(o),
  ];
  return {
    name: `${api.prefix}_vjp`,
    exported: true,
    doc: `Reverse mode of \`${fn.name}\`: value and cotangentᵀ·J with respect to (${diff.map((d) => d.name).join(', ')}).`,
    params: [...params, { name: cotangent, type: resultDerivative(api) }, { name: outName, type, optional: true }],
    returnType: type,
    body: [
      b.const(r, call),
      b.const(g, b.member(b.id(r), 'grads')),
      ...(layout?.decls ?? []),
      b.if(b.bin('!==', o, b.id('undefined')), fill),
      b.return(
        b.obj([
          ['value', layout ? resultObject(api, value, layout.places, resultText(api)) : value],
          ['grads', b.as(b.arr(diff.map((d) => gradient(d.shape, b.id(d.name), slotOf(api, d.name)))), `[${diff.map((d) => skeletonType(fn, d.shape, 'adjoint')).join(', ')}]`)],
        ]),
      ),
    ],
  };
}

/** Whether a shape holds an array of objects (`'list'`), or that or a matrix (`'rows'`: its gradients are copied into `out`). */
function holds(shape: Shape<VarId>, what: 'list' | 'rows'): boolean {
  return !('leaf' in shape) && (shape.list === true || (what === 'rows' && shape.matrix === true) || shape.object.some(([, f]) => holds(f, what)));
}

/** The leaf of a matrix's numbers. */
function matrixData(shape: Shape<VarId>): VarId {
  const data = 'object' in shape ? shape.object.find(([k]) => k === 'data')?.[1] : undefined;
  if (!data || !('leaf' in data)) throw new Error('a matrix without its numbers');
  return data.leaf;
}

/** The matrices and arrays of objects of a shape (the rest dropped; an empty object where none): what is copied into `out` after the flat function wrote the rest in place. */
function rowsOnly(shape: Shape<VarId>): Shape<VarId> {
  if ('leaf' in shape) return { object: [] };
  if (shape.matrix || shape.list) return shape;
  return { object: shape.object.filter(([, f]) => holds(f, 'rows')).map(([k, f]) => [k, rowsOnly(f)] as const) };
}

/** The array leaves of a shape (the rest dropped; an empty object where none). */
function arraysOnly(shape: Shape<VarId>, isArray: (v: VarId) => boolean): Shape<VarId> {
  if ('leaf' in shape) return isArray(shape.leaf) ? shape : { object: [] };
  if (shape.matrix || shape.list) return shape;
  return { object: shape.object.filter(([, f]) => !('leaf' in f) || isArray(f.leaf)).map(([k, f]) => [k, arraysOnly(f, isArray)] as const) };
}

function grad(api: Api): JsFunction {
  const params = sourceParams(api);
  const [outName] = names(api, ['out']);
  const type = vjpType(api);
  return {
    name: `${api.prefix}_grad`,
    exported: true,
    doc: `Gradient of \`${api.fn.name}\` with respect to (${differentiated(api)
      .map((d) => d.name)
      .join(', ')}): reverse mode with cotangent 1.`,
    params: [...params, { name: outName, type, optional: true }],
    returnType: type,
    body: [b.return(b.call(`${api.prefix}_vjp`, [...params.map((p) => b.id(p.name)), b.num(1), b.id(outName)]))],
  };
}

function jacobian(api: Api): JsFunction {
  const params = sourceParams(api);
  const call = b.call(
    `${flatPrefix(api.prefix)}_jacobian`,
    api.structure.params.flatMap((p) => leafArgs(api, p.shape, b.id(p.name), undefined, slotOf(api, p.name))),
  );
  const [rows, i, flat] = names(api, ['rows', 'i', 'flat']);
  const body: JsStmt[] = [];
  const arrays = resultArrays(api.structure);
  if (reordersRows(api.structure)) {
    // (the flat Jacobian of such a result comes with the value, whose last entries are its arrays' lengths)
    const layout = resultLayout(api, b.member(b.id(flat), 'value'), (n) => names(api, [n])[0]);
    const ordered = resultRows(api, b.member(b.id(flat), 'rows'), layout.places);
    // (the last array's length is not needed: its rows end where the flat ones do)
    const used = namesIn(ordered);
    body.push(b.const(flat, call), ...layout.decls.filter((d) => d.k !== 'decl' || used.has(d.name)), b.const(rows, ordered));
  } else {
    body.push(b.const(rows, call));
    // (the flat result ends with the lengths of an object result's arrays: not outputs)
    if (arrays > 0) body.push(b.assign(b.member(b.id(rows), 'length'), b.bin('-', b.member(b.id(rows), 'length'), b.num(arrays))));
  }
  // The column of an optional number the argument left out is 0.
  const paths = api.paths;
  let column: JsExpr = b.num(0);
  for (const v of api.fn.params.filter((p) => api.active.has(p))) {
    if (isOptionalLeaf(api, v)) {
      const zero: JsStmt = {
        k: 'for',
        init: b.let(i, b.num(0)),
        test: b.bin('<', b.id(i), b.member(b.id(rows), 'length')),
        update: { k: 'postfix', op: '++', target: b.id(i) },
        body: [b.assign(b.index(b.index(b.id(rows), b.id(i)), column), b.num(0))],
      };
      body.push(b.if(b.bin('===', paths.get(v)!, b.id('undefined')), [zero]));
    }
    column = b.add(column, isArrayType(api.fn.vars[v].type) ? b.member(paths.get(v)!, 'length') : b.num(1));
  }
  const reorder = differentiated(api).some((d) => holds(d.shape, 'list'));
  if (body.length === 1 && !reorder) body.splice(0, 1, b.return(call));
  else body.push(b.return(reorder ? elementOrder(api, b.id(rows), body) : b.id(rows)));
  return {
    name: `${api.prefix}_jacobian`,
    exported: true,
    doc: `Jacobian of \`${api.fn.name}\`: one Float64Array per output, columns in parameter order (an object's properties in declaration order).`,
    params,
    returnType: 'Float64Array[]',
    body,
  };
}

/**
 * The Jacobian `rows` with its columns in the order of the arguments' numbers, depth first (an array
 * of objects object by object), where the flat function has them property by property across the
 * objects: each argument's numbers numbered in that order (`adc.numbered`) and taken apart like the
 * argument give where each column goes. Declarations are added to `body`.
 */
function elementOrder(api: Api, rows: JsExpr, body: JsStmt[]): JsExpr {
  const [counter] = names(api, ['place']);
  body.push(b.const(counter, b.obj([['next', b.num(0)]])));
  const places = new Map<VarId, JsExpr>();
  for (const d of differentiated(api)) {
    const [n] = names(api, [`${d.name}_places`]);
    body.push(b.const(n, runtime(api, 'numbered', b.id(d.name), b.id(counter))));
    leafArgs(api, d.shape, b.id(n), (v, at) => (places.set(v, api.fn.vars[v].type === 'number' ? b.arr([at]) : at), at));
  }
  const order = api.fn.params.filter((p) => api.active.has(p)).map((p) => places.get(p)!);
  return runtime(api, 'reorderColumns', rows, b.arr(order));
}
