/**
 * Reverse mode: IR ⇒ a function with a forward sweep (the primal, recording
 * what the reverse sweep will need) followed by a reverse sweep (adjoints, in
 * reverse order), after Tapenade's and Clad's recipe for structured code:
 *
 * - straight-line code at the top of the function keeps its temps in scope, so
 *   its adjoint needs no tape;
 * - a write that destroys a value a later recompute needs is recorded first
 *   (`tape.push(v)`, or a local copy at the top level), and undone in reverse;
 * - a branch records which arm ran (`tape.pushBit(c)`), a loop its trip count
 *   (`tape.pushInt(n)`); the reverse sweep replays exactly those arms and
 *   iterations, recomputing the block temps its adjoints need.
 *
 * Input is control-normalized first (see normalize.ts), so only blocks, `if`
 * and one loop shape remain; the plan (3-analyze/tbr.ts) says what each node
 * records. This file puts the function together: signature, adjoint
 * declarations, the two sweeps (one file per construct: block.ts, branch.ts,
 * loop.ts, fused-loop.ts, dispatched by sweep.ts), and the result.
 */
import { isArrayType, isUnionArray, mayBePlain, type ArrayType, type IRFunction, type VarId } from '../../ir/types';
import { forEachStmt } from '../../ir/walk';
import type { ReverseAnalysis } from '../../3-analyze';
import { b, type JsExpr, type JsFunction, type JsParam, type JsStmt } from '../../5-print/js';
import { FunctionNames } from '../names';
import type { FileContext } from '../context';
import { copyOfParam, growingParams, hoistedDecl, paramDecl, jsType, writtenParams, zerosLikeExpr } from '../arrays';
import { dropDeadAdjointStores, finalizeAdjointDeclarations } from './peephole';
import { forLoops } from './loop-headers';
import { tidyNames } from './renumber';
import { keepInvariantElements } from './invariant-elements';
import { removeDeadCode } from '../dead-code';
import { Sweep, str, type Constructs, type ReverseConvention } from './sweep';
import { block } from './block';
import { branch } from './branch';
import { loop } from './loop';
import { fusedLoop } from './fused-loop';

export type { ReverseConvention };

/** The construct of each plan node kind. */
const constructs: Constructs = { block, if: branch, loop, fused: fusedLoop };

export function emitReverse(analysis: ReverseAnalysis, conv: ReverseConvention, ctx: FileContext): JsFunction {
  const names = new FunctionNames(analysis.fn, ctx, false, ['out', conv.kind === 'public' ? 'cotangent' : 'result_bar']);
  const sw = new Sweep(analysis.fn, analysis.act, analysis.fin, analysis.plan.tree, conv, ctx, names, constructs);
  return emitFunction(sw);
}

/** `f_grad(x, y, out?) = f_vjp(x, y, 1, out)`. */
export function emitGradWrapper(fn: IRFunction, activeParams: ReadonlySet<VarId>, name: string, vjpName: string, ctx: FileContext): JsFunction {
  const names = new FunctionNames(fn, ctx, true);
  const params: JsParam[] = fn.params.map((p) => paramDecl(fn, p, names.variable(p), true));
  const outName = names.fresh('out');
  const type = resultType(fn, activeParams);
  const wrt = fn.params.filter((p) => activeParams.has(p)).map((p) => fn.vars[p].name);
  return {
    name,
    exported: true,
    doc: `Gradient of \`${fn.name}\` with respect to (${wrt.join(', ')}): reverse mode with cotangent 1.`,
    params: [...params, { name: outName, type, optional: true }],
    returnType: type,
    body: [b.return(b.call(vjpName, [...params.map((p) => b.id(p.name)), b.num(1), b.id(outName)]))],
  };
}

function resultType(fn: IRFunction, activeParams: ReadonlySet<VarId>): string {
  const grads = fn.params.filter((p) => activeParams.has(p)).map((p) => jsType(fn.vars[p].type, 'adjoint'));
  return `{ value: ${jsType(fn.returnType, 'result')}; grads: [${grads.join(', ')}] }`;
}

function emitFunction(sw: Sweep): JsFunction {
  const fn = sw.fn;
  const params: JsParam[] = fn.params.map((p) => paramDecl(fn, p, sw.names.variable(p), sw.conv.kind === 'public'));
  const active = fn.params.filter((p) => sw.act.activeParams.has(p));

  // Forward sweep.
  const forward: JsStmt[] = [];
  // Variables declared inside blocks, loops and branches are declared at the top (the reverse sweep reads them).
  const hoisted = fn.vars.filter((v) => v.role !== 'param' && !sw.atTop.has(v.id) && sw.readVars.has(v.id)).map((v) => v.id);
  sw.forward(sw.tree, forward);

  // Reverse sweep.
  const reverse: JsStmt[] = [];
  sw.reverse(sw.tree, reverse);

  // Adjoint declarations: every active scalar starts at zero, every active array gets a zero array
  // (a public gradient reuses the caller's `out` array; an internal pullback adds into the arrays passed).
  const adjointDecls: JsStmt[] = [];
  const paramArrays: JsStmt[] = [];
  const scalarAdjoints = new Set<string>();
  for (const v of fn.vars) {
    // A parameter in `wrt` has its gradient; one outside `wrt` that receives an active value has an
    // adjoint of its own, like a local.
    const differentiated = fn.params.includes(v.id) && sw.act.activeParams.has(v.id);
    const wanted = sw.act.activeVar[v.id] || differentiated;
    if (!wanted || sw.iterationLocal.has(v.id)) continue;
    const name = sw.names.adjoint(v.id);
    if (!isArrayType(v.type)) {
      adjointDecls.push(b.let(name, b.num(0)));
      scalarAdjoints.add(name);
      continue;
    }
    if (differentiated && sw.conv.kind === 'internal') continue;
    const n = b.member(b.id(sw.names.variable(v.id)), 'length');
    const fresh = zerosLikeExpr(v.type, b.id(sw.names.variable(v.id)), sw.ctx);
    const k = active.indexOf(v.id);
    const init =
      differentiated && sw.conv.kind === 'public'
        ? b.cond(
            b.bin('===', b.id(sw.outName), b.id('undefined')),
            fresh,
            b.call(b.path(sw.ctx.useHelper('zeroed')), [b.index(b.member(b.id(sw.outName), 'grads'), b.num(k)), n, str(sw.conv.outPaths?.[k] ?? `out.grads[${k}]`)]),
          )
        : fresh;
    const decl: JsStmt = { k: 'decl', kind: differentiated || sw.stable[v.id] ? 'const' : 'let', name, init, type: differentiated ? undefined : jsType(v.type, 'adjoint') };
    // Parameter gradients exist from the start: a fused loop accumulates into them during the forward sweep.
    if (differentiated) paramArrays.push(decl);
    else adjointDecls.push(decl);
  }

  // A variable the source declares without a value (`let h!: number;`) stays undefined until assigned
  // (the compiler's own, a `?:` or a `return` made a variable, are assigned before every read).
  const uninitialized = new Set<VarId>();
  forEachStmt(fn.body, (s) => {
    if (s.kind === 'declare' && fn.vars[s.var].role !== 'hidden') uninitialized.add(s.var);
  });
  const hoistDecls = hoisted.map((v) => hoistedDecl(sw.names.variable(v), fn.vars[v].type, uninitialized.has(v)));
  const prologue: JsStmt[] = [];
  if (sw.tapeName !== undefined) {
    prologue.push(b.const(sw.tapeName!, b.path(sw.ctx.use('tape'))));
    if (sw.conv.kind === 'public') prologue.push(b.expr(b.call(b.member(b.id(sw.tapeName!), 'reset'), [])));
  }
  // A plain array parameter the function writes may grow (`a[a.length] = v`): its gradient keeps the
  // length it was passed with, and grows with it for the reverse sweep, whose element adjoints
  // then exist (an element past the end of the gradient would read undefined, and make it NaN).
  // A parameter outside `wrt` has its adjoint declared after the forward sweep, at its final length.
  // (a union type's gradient has the kind of the argument: only a plain array grows, `Array.isArray(a_bar)`)
  const grows = [...growingParams(fn)].filter((p) => sw.act.activeParams.has(p));
  const passedLength = new Map<VarId, string>();
  for (const p of grows) {
    const name = sw.names.fresh(`${sw.names.variable(p)}_length`);
    passedLength.set(p, name);
    prologue.push(b.const(name, b.member(b.id(sw.names.variable(p)), 'length')));
  }
  for (const p of writtenParams(fn)) prologue.push(b.assign(sw.names.variable(p), copyOfParam(params[fn.params.indexOf(p)], fn.vars[p].type)));
  const growAdjoints = grows.map((p) => {
    const adj = b.id(sw.names.adjoint(p));
    const grow: JsStmt = {
      k: 'while',
      test: b.bin('<', b.member(adj, 'length'), b.member(b.id(sw.names.variable(p)), 'length')),
      body: [b.expr(b.call(b.member(adj, 'push'), [b.num(0)]))],
    };
    return ifPlain(fn.vars[p].type as ArrayType, adj, grow);
  });

  const emitted = finalizeAdjointDeclarations(
    [...prologue, ...paramArrays, ...hoistDecls, ...sw.hoistedDecisions, ...forward, ...growAdjoints, ...adjointDecls, ...reverse, ...epilogue(sw, active, passedLength)],
    scalarAdjoints,
  );
  const live = dropDeadAdjointStores(
    removeDeadCode(
      emitted,
      (name) => sw.ctx.isPrimalCopy(name),
      params.map((p) => p.name),
    ),
  );
  // Printed the way the user wrote it: loops as `for`, temps numbered in order, plain names where free.
  // Every name of the signature (the api's `cotangent`, `out` and a pullback's adjoint arrays too) is reserved.
  const signature = [...params.map((p) => p.name), sw.seedName, sw.outName, ...active.filter((p) => isArrayType(fn.vars[p].type)).map((p) => sw.names.adjoint(p))];
  // Elements a reverse loop reads or accumulates at an index fixed in it: kept in locals around it.
  const primalArrays = new Set(fn.vars.filter((v) => isArrayType(v.type) && v.optional !== true).map((v) => sw.names.variable(v.id)));
  const kept = keepInvariantElements(live, { arrays: primalArrays, fresh: (base) => sw.names.fresh(base) });
  const body = tidyNames(forLoops(kept), { isTemp: (name) => sw.names.isTempName(name), reserved: signature, moduleLevel: (name) => sw.names.isModuleName(name) });

  if (sw.conv.kind === 'public') {
    const type = resultType(fn, sw.act.activeParams);
    return {
      name: sw.conv.name,
      exported: sw.conv.exported,
      doc: sw.conv.doc,
      params: [...params, { name: sw.seedName, type: jsType(fn.returnType, 'tangent') }, { name: sw.outName, type, optional: true }],
      returnType: type,
      body,
    };
  }
  const scalars = active.filter((p) => !isArrayType(fn.vars[p].type));
  const arrays = active.filter((p) => isArrayType(fn.vars[p].type));
  return {
    name: sw.conv.name,
    exported: false,
    doc: sw.conv.doc,
    params: [
      ...params,
      { name: sw.seedName, type: jsType(fn.returnType, 'tangent') },
      ...arrays.map((p) => ({ name: sw.names.adjoint(p), type: jsType(fn.vars[p].type, 'adjoint') })),
    ],
    returnType: scalars.length === 1 ? 'number' : 'void',
    body,
  };
}

function epilogue(sw: Sweep, active: VarId[], passedLength: ReadonlyMap<VarId, string>): JsStmt[] {
  const fn = sw.fn;
  const grads = active.map((p) => b.id(sw.names.adjoint(p)));
  if (sw.conv.kind === 'public') {
    // An out-of-range read of a number[] added past the end of its gradient: the primal's
    // `undefined` has no elements to differentiate, so the gradient keeps the parameter's length.
    const trims: JsStmt[] = [];
    for (const p of active) {
      const t = fn.vars[p].type;
      if (!isArrayType(t) || !mayBePlain(t)) continue;
      const g = b.id(sw.names.adjoint(p));
      const length = passedLength.get(p);
      const n = length !== undefined ? b.id(length) : b.member(b.id(sw.names.variable(p)), 'length');
      const differs = b.bin('!==', b.member(g, 'length'), n);
      trims.push(b.if(isUnionArray(t) ? b.bin('&&', isArrayTest(g), differs) : differs, [b.assign(b.member(g, 'length'), n)]));
    }
    const o = b.id(sw.outName);
    // (a value no caller reads is not returned: dead-code removal then drops what only it needed)
    const value = sw.ctx.valueUnused.has(fn.name) ? b.num(0) : b.id(sw.valueName);
    const fill: JsStmt[] = [
      isArrayType(fn.returnType) ? b.expr(b.call(b.path(sw.ctx.useHelper('copyInto')), [b.member(o, 'value'), value, str('out.value')])) : b.assign(b.member(o, 'value'), value),
    ];
    // Array gradients were accumulated in out.grads[k] itself; numbers are stored.
    active.forEach((p, k) => {
      if (!isArrayType(fn.vars[p].type)) fill.push(b.assign(b.index(b.member(o, 'grads'), b.num(k)), grads[k]));
    });
    fill.push(b.return(o));
    const tuple = `[${active.map((p) => jsType(fn.vars[p].type, 'adjoint')).join(', ')}]`;
    return [
      ...trims,
      b.if(b.bin('!==', o, b.id('undefined')), fill),
      b.return(
        b.obj([
          ['value', value],
          ['grads', b.as(b.arr(grads), tuple)],
        ]),
      ),
    ];
  }
  const scalars = active.filter((p) => !isArrayType(fn.vars[p].type));
  if (scalars.length === 1) return [b.return(b.id(sw.names.adjoint(scalars[0])))];
  const ret = scalars.length > 0 ? sw.ctx.use('ret') : '';
  return scalars.map((p, k) => b.assign(b.index(b.path(ret), b.num(k)), b.id(sw.names.adjoint(p))));
}

/** `Array.isArray(a)`: a union type's array is plain at run time. */
function isArrayTest(a: JsExpr): JsExpr {
  return b.call(b.path('Array.isArray'), [a]);
}

/** `s`, guarded by `Array.isArray(a)` when `t` is a union type (it grows a plain array). */
function ifPlain(t: ArrayType, a: JsExpr, s: JsStmt): JsStmt {
  return isUnionArray(t) ? b.if(isArrayTest(a), [s]) : s;
}

// ---------------------------------------------------------------------------
// Forward sweep
// ---------------------------------------------------------------------------
