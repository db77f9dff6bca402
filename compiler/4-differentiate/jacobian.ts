/**
 * `f_jacobian` for a vector-valued `f`: the dense Jacobian, one Float64Array
 * per output (rows), columns in parameter order (all elements of the first
 * differentiated parameter, then the next, a number being one column).
 *
 * `f_jacobian` computes the value first (the primal copy), for the number of
 * outputs m (unless every return is an array literal of m elements), then takes the cheaper way: `f_jacfwd`, whose vector pushforward
 * (forward/lanes.ts) gives LANES columns per sweep (its directions the unit vectors
 * of LANES inputs), or m reverse sweeps (`f_vjp`, one `out` reused), one per row.
 * Where the vector pushforward is not available (a callee with user rules), the
 * public `f_jvp` gives one column per sweep, as it does for a Jacobian with no more
 * inputs than outputs.
 */
import { isArrayType, isUnionArray, type ArrayType, type IRFunction, type VarId } from '../ir/types';
import { b, type JsExpr, type JsFunction, type JsParam, type JsStmt } from '../5-print/js';
import { FunctionNames } from './names';
import type { FileContext } from './context';
import { jsType, paramDecl, zeroArrayExpr, zerosLikeExpr } from './arrays';
import { LANES } from './forward/lanes';
import { literalResultLength, ruledCallee } from '../ir/walk';

/** What the two ways of building the Jacobian share. */
interface Jac {
  readonly fn: IRFunction;
  readonly ctx: FileContext;
  readonly names: FunctionNames;
  readonly params: readonly JsParam[];
  readonly active: readonly VarId[];
  readonly prefix: string;
  readonly v: (p: VarId) => JsExpr;
  /** A parameter's number of columns. */
  readonly len: (p: VarId) => JsExpr;
  /** The result's kind (a readonly number[] result gives number[] derivatives; a union type's, the value's kind). */
  readonly resultKind: ArrayType;
  /** The optional last parameter: rows to overwrite (not for the flat Jacobian behind one of objects). */
  readonly out: string | undefined;
}

/** `const rows = adc.jacobianRows(out, m, n)`: `out`'s rows, checked, or new ones. */
function rowsDecl(j: Jac, rows: string, m: JsExpr, n: JsExpr, kind: 'const' | 'assign'): JsStmt {
  const e = b.call(b.path(j.ctx.useHelper('jacobianRows')), [j.out === undefined ? b.id('undefined') : b.id(j.out), m, n]);
  return kind === 'const' ? b.const(rows, e) : b.assign(rows, e);
}

/**
 * `f_jacobian`, and `f_jacfwd` where the vector pushforward exists. (`withValue`: `f_jacobian`
 * returns `{ value, rows }`, the value too, for the public Jacobian of an object result to read
 * its lengths out of; it takes no `out` then.)
 */
export function emitJacobian(fn: IRFunction, activeParams: ReadonlySet<VarId>, name: string, ctx: FileContext, prefix = fn.name, withValue = false): JsFunction[] {
  const jac = (jacName: string): Jac => {
    const names = new FunctionNames(fn, ctx, true, withValue && jacName === name ? [] : ['out']);
    const params = fn.params.map((p) => paramDecl(fn, p, names.variable(p), true));
    const v = (p: VarId) => b.id(names.variable(p));
    const len = (p: VarId): JsExpr => (isArrayType(fn.vars[p].type) ? b.member(v(p), 'length') : b.num(1));
    const resultKind: ArrayType = fn.returnType === 'readonly number[]' ? 'number[]' : (fn.returnType as ArrayType);
    const active = fn.params.filter((p) => activeParams.has(p));
    return { fn, ctx, names, params, active, prefix, v, len, resultKind, out: names.apiNames[0] };
  };
  const wrt = fn.params
    .filter((p) => activeParams.has(p))
    .map((p) => fn.vars[p].name)
    .join(', ');
  const make = (j: Jac, fnName: string, body: JsStmt[], doc: string, returnType = 'Float64Array[]'): JsFunction => ({
    name: fnName,
    exported: true,
    doc,
    params: j.out === undefined ? j.params : [...j.params, { name: j.out, type: 'Float64Array[]', optional: true }],
    returnType,
    body,
  });
  const what = `Jacobian of \`${fn.name}\` with respect to (${wrt}): one Float64Array per output, columns in parameter order`;
  const outDoc = withValue ? '' : ' (`out`: rows to overwrite and return)';
  const returnType = withValue ? `{ value: ${jsType(fn.returnType, 'result')}; rows: Float64Array[] }` : 'Float64Array[]';
  const fwdName = `${prefix}_jacfwd`;
  // (a rule's `f_jvp` takes one direction: no vector pushforward through a function with user rules)
  if (ruledCallee(fn, ctx.getIR) !== undefined) {
    const j = jac(name);
    const fwd = jac(fwdName);
    return [
      make(j, name, bySweeps(j, withValue, false), `${what}${outDoc}.`, returnType),
      make(
        fwd,
        fwdName,
        bySweeps(fwd, false, true),
        `${what}, one forward sweep per column (a function it calls has user rules, whose f_jvp takes one direction; \`out\`: rows to overwrite and return).`,
      ),
    ];
  }
  const fwd = jac(fwdName);
  const j = jac(name);
  return [
    make(j, name, byChoice(j, fwdName, withValue), `${what}${outDoc}: ${fwdName}'s forward sweeps or one reverse sweep per output, whichever costs less.`, returnType),
    make(fwd, fwdName, byLanes(fwd), `${what}, by forward sweeps of ${LANES} columns each (\`out\`: rows to overwrite and return).`),
  ];
}

/**
 * The value first (the primal), for the number of outputs m (not when the returns' literals say
 * it); then `f_jacfwd` when its sweeps,
 * ⌈n / LANES⌉ of them, each costing about two reverse sweeps, cost less than m reverse sweeps.
 */
function byChoice(j: Jac, fwdName: string, withValue: boolean): JsStmt[] {
  const { fn, ctx, names } = j;
  const body: JsStmt[] = [];
  const value = names.fresh('value');
  const m = names.fresh('m');
  const n = names.fresh('n');
  const args = j.params.map((q) => b.id(q.name));
  // (every return an array literal of k elements: k outputs, and the value is not needed)
  const known = withValue || isUnionArray(j.resultKind) ? undefined : literalResultLength(fn);
  if (known === undefined) {
    body.push(b.comment('the value, for the number of outputs'));
    body.push(b.const(value, b.call(ctx.primal(fn.key), args)));
  }
  body.push(b.const(m, known === undefined ? b.member(b.id(value), 'length') : b.num(known)));
  body.push(b.const(n, columnCount(j)));
  const fwd = b.call(fwdName, [...args, ...(j.out === undefined ? [] : [b.id(j.out)])]);
  body.push(b.comment(`a forward sweep carries ${LANES} columns and costs about two reverse sweeps`));
  body.push(b.if(b.bin('<=', b.mul(b.num(2), b.math('ceil', b.div(b.id(n), b.num(LANES)))), b.id(m)), [b.return(result(withValue, b.id(value), fwd))]));
  const rows = names.fresh('rows');
  body.push(rowsDecl(j, rows, b.id(m), b.id(n), 'const'));
  body.push(...reverseRows(j, b.id(m), rows, b.id(value)));
  body.push(b.return(result(withValue, b.id(value), b.id(rows))));
  return body;
}

/** Where each differentiated parameter's columns start: 0, then the sum of the lengths before it. */
function offsets(j: Jac): JsExpr[] {
  const at: JsExpr[] = [];
  let offset: JsExpr = b.num(0);
  for (const p of j.active) {
    at.push(offset);
    offset = b.add(offset, j.len(p));
  }
  return at;
}

/** `T[]` of an array type's text (`(number[] | Float64Array)[]` for a union). */
function arrayOf(kind: string): string {
  return kind.includes(' ') ? `(${kind})[]` : `${kind}[]`;
}

function columnCount(j: Jac): JsExpr {
  return j.active.map(j.len).reduce((acc, e) => b.add(acc, e));
}

/**
 * One vector sweep per LANES columns; its direction k the unit vector of input c + k:
 *
 *   for (let c = 0; c === 0 || c < n; c += 8) {
 *     adc.unitColumns(dx, c, 1);                           // dx[k][c + k] = 1
 *     const value = f_pushforwards(x, y, dx[0], c === x.length ? 1 : 0, dx[1], …);
 *     if (c === 0) rows = adc.jacobianRows(out, value.length, n);
 *     adc.lanesToColumns(rows, c, 8);                      // rows[r][c + k] = retArrays[k][r]
 *     adc.unitColumns(dx, c, 0);
 *   }
 */
function byLanes(j: Jac): JsStmt[] {
  const { fn, ctx, names, active } = j;
  const body: JsStmt[] = [];
  const helper = ctx.helper(
    fn.key,
    'lanes',
    fn.params.map((p) => active.includes(p)),
  );
  const n = names.fresh('n');
  body.push(b.const(n, columnCount(j)));
  // Each array parameter's tangents in the LANES directions, zero but for the 1 a column sets.
  const seeds = new Map<VarId, string>();
  for (const p of active) {
    const t = fn.vars[p].type;
    if (!isArrayType(t)) continue;
    const dn = names.tangent(p);
    seeds.set(p, dn);
    const kind = jsType(t, 'adjoint');
    const slot: JsExpr = { k: 'str', v: `${j.prefix}:${fn.vars[p].name}` };
    body.push(b.const(dn, b.as(b.call(b.path(ctx.useHelper('reusedZeros')), [slot, j.v(p), b.num(LANES)]), arrayOf(kind))));
  }
  const rows = names.fresh('rows');
  body.push({ k: 'decl', kind: 'let', name: rows, type: 'Float64Array[]', definite: true });
  const c = names.fresh('c');
  const at = offsets(j);
  const unit = (value: number): JsStmt[] =>
    active.flatMap((p, i) => (seeds.has(p) ? [b.expr(b.call(b.path(ctx.useHelper('unitColumns')), [b.id(seeds.get(p)!), b.sub(b.id(c), at[i]), b.num(value)]))] : []));
  const tangentArgs: JsExpr[] = [];
  for (let k = 0; k < LANES; k++) {
    active.forEach((p, i) => {
      tangentArgs.push(seeds.has(p) ? b.index(b.id(seeds.get(p)!), b.num(k)) : b.cond(b.bin('===', b.add(b.id(c), b.num(k)), at[i]), b.num(1), b.num(0)));
    });
  }
  const value = names.fresh('value');
  const sweep: JsStmt[] = [
    ...unit(1),
    b.const(value, b.call(helper, [...j.params.map((q) => b.id(q.name)), ...tangentArgs])),
    b.if(b.bin('===', b.id(c), b.num(0)), [rowsDecl(j, rows, b.member(b.id(value), 'length'), b.id(n), 'assign')]),
    b.expr(b.call(b.path(ctx.useHelper('lanesToColumns')), [b.id(rows), b.id(c), b.num(LANES)])),
    // (after the columns are read: a tangent may be a seed itself, `return x`)
    ...unit(0),
  ];
  body.push({
    k: 'for',
    init: b.let(c, b.num(0)),
    test: b.bin('||', b.bin('===', b.id(c), b.num(0)), b.bin('<', b.id(c), b.id(n))),
    update: { k: 'assignExpr', target: b.id(c), value: b.add(b.id(c), b.num(LANES)) },
    body: sweep,
  });
  body.push(b.return(b.id(rows)));
  return body;
}

function result(withValue: boolean, value: JsExpr, rows: JsExpr): JsExpr {
  return withValue
    ? b.obj([
        ['value', value],
        ['rows', rows],
      ])
    : rows;
}

/** Row r of J is the gradient of output r: one `f_vjp` per output, its cotangent the unit vector eᵣ. */
function reverseRows(j: Jac, m: JsExpr, rows: string, value: JsExpr): JsStmt[] {
  const { fn, ctx, names, active, v } = j;
  const vjp = `${j.prefix}_vjp`;
  const resultZeros = (): JsExpr => (isUnionArray(j.resultKind) ? zerosLikeExpr(j.resultKind, value, ctx) : zeroArrayExpr(j.resultKind, m, ctx));
  const reverse: JsStmt[] = [];
  const w = names.fresh('w');
  const r = names.fresh('r');
  // The cotangent has the kind of the result.
  reverse.push(b.const(w, resultZeros()));
  const vjpOut = names.fresh('vjpOut');
  const gradTypes = active.map((p) => jsType(fn.vars[p].type, 'adjoint'));
  // (each gradient is copied into its row at once: the arrays are reused from one call to the next)
  const gradZeros = active.map((p) => {
    const t = fn.vars[p].type;
    if (!isArrayType(t)) return b.num(0);
    const slot: JsExpr = { k: 'str', v: `${j.prefix}:${fn.vars[p].name}_bar` };
    const kind = jsType(t, 'adjoint');
    return b.index(b.as(b.call(b.path(ctx.useHelper('reusedZeros')), [slot, v(p), b.num(1)]), arrayOf(kind)), b.num(0));
  });
  reverse.push(
    b.const(vjpOut, {
      k: 'obj',
      props: [
        ['value', resultZeros()],
        ['grads', b.as(b.arr(gradZeros), `[${gradTypes.join(', ')}]`)],
      ],
    }),
  );
  const grads = names.fresh('grads');
  const row: JsStmt[] = [b.assign(b.index(b.id(w), b.id(r)), b.num(1))];
  row.push(b.const(grads, b.member(b.call(vjp, [...j.params.map((q) => b.id(q.name)), b.id(w), b.id(vjpOut)]), 'grads')));
  row.push(b.assign(b.index(b.id(w), b.id(r)), b.num(0)));
  const at = offsets(j);
  active.forEach((p, idx) => {
    const g = b.index(b.id(grads), b.num(idx));
    const target = b.index(b.id(rows), b.id(r));
    if (isArrayType(fn.vars[p].type)) row.push(b.expr(b.call(b.path(ctx.useHelper('copyAt')), [target, g, at[idx]])));
    else row.push(b.assign(b.index(target, at[idx]), g));
  });
  reverse.push(b.countUp(r, m, row));
  return reverse;
}

/**
 * Without the vector pushforward: the public `f_jvp` once for the number of outputs, then one
 * `f_jvp` per input when there are no more inputs than outputs (always, `forwardOnly`), else one
 * `f_vjp` per output.
 */
function bySweeps(j: Jac, withValue: boolean, forwardOnly: boolean): JsStmt[] {
  const { fn, ctx, names, active, v, len } = j;
  const body: JsStmt[] = [];
  const jvp = `${j.prefix}_jvp`;
  // Zero tangents, one per differentiated parameter; a column sets one entry to 1 at a time.
  const tangent = new Map<VarId, string>();
  for (const p of active) {
    const t = fn.vars[p].type;
    const dn = names.tangent(p);
    tangent.set(p, dn);
    body.push(isArrayType(t) ? b.const(dn, zerosLikeExpr(t, v(p), ctx)) : b.let(dn, b.num(0)));
  }
  const m = names.fresh('m');
  const n = names.fresh('n');
  const rows = names.fresh('rows');
  const jvpOut = names.fresh('first');
  const callJvp = (withOut = true): JsExpr => b.call(jvp, [...j.params.map((q) => b.id(q.name)), ...active.map((p) => b.id(tangent.get(p)!)), ...(withOut ? [b.id(jvpOut)] : [])]);
  // The first sweep gives the number of outputs; its result is then the `out` of every other one.
  body.push(b.comment('the value, to know the number of outputs'));
  body.push(b.const(jvpOut, callJvp(false)));
  body.push(b.const(m, b.member(b.member(b.id(jvpOut), 'value'), 'length')));
  body.push(b.const(n, columnCount(j)));
  body.push(rowsDecl(j, rows, b.id(m), b.id(n), 'const'));

  // Forward mode: column `col` of J is the tangent along the unit vector of that input.
  const forward: JsStmt[] = [];
  const col = names.fresh('col');
  forward.push(b.let(col, b.num(0)));
  const k = names.fresh('k');
  const columnOf = (setOne: JsStmt, reset: JsStmt): JsStmt[] => {
    const tg = names.fresh('tangent');
    const r = names.fresh('r');
    return [
      setOne,
      b.const(tg, b.member(callJvp(), 'tangent')),
      reset,
      b.countUp(r, b.id(m), [b.assign(b.index(b.index(b.id(rows), b.id(r)), b.id(col)), b.index(b.id(tg), b.id(r)))]),
      b.expr({ k: 'postfix', op: '++', target: b.id(col) }),
    ];
  };
  for (const p of active) {
    const dn = b.id(tangent.get(p)!);
    if (isArrayType(fn.vars[p].type)) {
      forward.push(b.countUp(k, len(p), columnOf(b.assign(b.index(dn, b.id(k)), b.num(1)), b.assign(b.index(dn, b.id(k)), b.num(0)))));
    } else {
      forward.push(...columnOf(b.assign(dn, b.num(1)), b.assign(dn, b.num(0))));
    }
  }
  if (forwardOnly) body.push(...forward);
  else {
    const reverse = reverseRows(j, b.id(m), rows, b.member(b.id(jvpOut), 'value'));
    body.push(b.comment('fewer inputs than outputs: one forward sweep per input; else one reverse sweep per output'));
    body.push(b.if(b.bin('<=', b.id(n), b.id(m)), forward, reverse));
  }
  body.push(b.return(result(withValue, b.member(b.id(jvpOut), 'value'), b.id(rows))));
  return body;
}
