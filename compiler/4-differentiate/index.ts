/**
 * Differentiating one source file: the public API of each marked function
 * (`f_jvp`, `f_vjp`, `f_grad`), then every helper those need (pushforwards and
 * pullbacks of called functions, per activity pattern, and primal copies),
 * until no new helper is requested.
 *
 * Guarantees: functions appear in a deterministic order (public functions in
 * source order, then helpers in order of first request); the file imports only
 * the runtime names it uses.
 */
import { isArrayType, type IRFunction, type VarId } from '../ir/types';
import type { JsFile, JsFunction, JsImport } from '../5-print/js';
import { CompileError, errors } from '../diagnostics/catalog';
import { FileContext, RUNTIME_NAMESPACE } from './context';
import { analyzeForward, analyzeReverse } from '../3-analyze';
import { emitForward } from './forward/emit';
import { LANES } from './forward/lanes';
import { emitReverse, emitGradWrapper } from './reverse/emit';
import { checkedIndexing } from '../5-print/checked-index';
import { generatedBy } from '../5-print/header';
import { emitJacobian } from './jacobian';
import { markUnusedParameters, mentionsName, usedFunctions } from './dead-code';
import { flatPrefix, gradPaths, structuredApi } from './structured';
import { reordersRows } from './structured-result';

export interface MarkedIR {
  readonly ir: IRFunction;
  /** The differentiated parameters, by name, in signature order. */
  readonly wrt: readonly string[];
  /** Prefix of the public names (default: the function's name): `<prefix>_jvp`, `<prefix>_vjp`, … */
  readonly prefix?: string;
}

export interface FileOptions {
  readonly sourceLabel: string;
  readonly runtimeModule: string;
  readonly uncheckedIndex: boolean;
  /** The module specifier generated code imports a file of the project by (user rules); without it, such an import is an error. */
  readonly importPath?: (file: string) => string;
  /** Marked functions whose reverse mode's value no caller reads: their vjp returns 0 for it and computes only what the gradient needs. */
  readonly valueUnused?: readonly string[];
}

export function publicNames(fnName: string, returnType: IRFunction['returnType'], structured = false): string[] {
  const names = [`${fnName}_jvp`, `${fnName}_vjp`];
  names.push(...(returnType === 'number' ? [`${fnName}_grad`] : [`${fnName}_jacobian`, `${fnName}_jacfwd`]));
  return structured ? [...names, ...publicNames(flatPrefix(fnName), returnType)] : names;
}

export function differentiateFile(marked: readonly MarkedIR[], getIR: (key: string) => IRFunction, options: FileOptions): JsFile {
  const ctx = new FileContext(
    getIR,
    marked.flatMap((m) => publicNames(m.prefix ?? m.ir.name, m.ir.returnType, m.ir.structure !== undefined)),
    options.uncheckedIndex,
    marked.map((m) => m.ir),
  );
  ctx.valueUnused = new Set(options.valueUnused);
  const functions: JsFunction[] = [];
  for (const m of marked) {
    const ir = m.ir;
    const api = m.prefix ?? ir.name;
    // With objects, the derivatives are flat functions (one parameter per property) behind the public ones.
    const pre = ir.structure ? flatPrefix(api) : api;
    const exported = !ir.structure;
    const active = new Set<VarId>(ir.params.filter((p) => m.wrt.includes(ir.vars[p].name)));
    const wrtList = ir.params.filter((p) => active.has(p)).map((p) => ir.vars[p].name);
    const tangents = wrtList.map((n) => `d${n}`).join(', ');
    functions.push(
      emitForward(
        analyzeForward(ir, active, getIR),
        { kind: 'public', name: `${pre}_jvp`, exported, doc: `Forward mode of \`${ir.name}\`: value and directional derivative along (${tangents}).` },
        ctx,
      ),
    );
    functions.push(
      emitReverse(
        analyzeReverse(ir, active, getIR),
        {
          kind: 'public',
          name: `${pre}_vjp`,
          exported,
          ...(ir.structure ? { outPaths: gradPaths(ir, active) } : {}),
          doc: ctx.valueUnused.has(ir.name)
            ? `Reverse mode of \`${ir.name}\`: cotangentᵀ·J with respect to (${wrtList.join(', ')}); its value is not computed (0): only its gradient is read.`
            : `Reverse mode of \`${ir.name}\`: value and cotangentᵀ·J with respect to (${wrtList.join(', ')}).`,
        },
        ctx,
      ),
    );
    if (ir.structure) {
      if (ir.returnType !== 'number') functions.push(...emitJacobian(ir, active, `${pre}_jacobian`, ctx, pre, reordersRows(ir.structure)).map((f) => ({ ...f, exported: false })));
      functions.push(...structuredApi(ir, active, api, ctx));
    } else if (ir.returnType === 'number') functions.push(emitGradWrapper(ir, active, `${pre}_grad`, `${pre}_vjp`, ctx));
    else functions.push(...emitJacobian(ir, active, `${pre}_jacobian`, ctx, pre));
  }
  const { helpers, primals } = emitRequested(ctx, getIR);
  // Dead code removal inside functions may leave a helper or primal copy uncalled, and the runtime unused.
  const kept = usedFunctions([...functions, ...helpers, ...primals]);
  return {
    header: [generatedBy(options.sourceLabel)],
    imports: [...(mentionsName(kept, RUNTIME_NAMESPACE) ? [{ names: [], namespace: RUNTIME_NAMESPACE, from: options.runtimeModule }] : []), ...importsOf(ctx, kept, options)],
    prelude: [],
    functions: kept.map((f) => markUnusedParameters(options.uncheckedIndex ? checkedIndexing(f) : f)),
  };
}

/** `import { erf, erf_jvp } from "./special"`: the imported functions (user rules) the kept functions call, one import per module, in order of first request. */
function importsOf(ctx: FileContext, kept: readonly JsFunction[], options: FileOptions): JsImport[] {
  const byModule = new Map<string, string[]>();
  for (const { from, local } of ctx.imported.values()) {
    if ((from.file === undefined && from.module === undefined) || !mentionsName(kept, local)) continue;
    if (from.file !== undefined && options.importPath === undefined) throw new CompileError(errors.rulesNotImportable(from.name, options.sourceLabel));
    const spec = from.module ?? options.importPath!(from.file!);
    const names = byModule.get(spec) ?? [];
    names.push(local === from.name ? local : `${from.name} as ${local}`);
    byModule.set(spec, names);
  }
  return [...byModule].map(([from, names]) => ({ names, from }));
}

/** Every helper and primal copy requested while emitting, and those they request in turn. */
function emitRequested(ctx: FileContext, getIR: (key: string) => IRFunction): { helpers: JsFunction[]; primals: JsFunction[] } {
  const helpers: JsFunction[] = [];
  const primals: JsFunction[] = [];
  let h = 0;
  let p = 0;
  while (h < ctx.helperQueue.length || p < ctx.primalQueue.length) {
    while (h < ctx.helperQueue.length) {
      const spec = ctx.helperQueue[h++];
      const ir = getIR(spec.key);
      const active = new Set<VarId>(ir.params.filter((_, i) => spec.pattern[i]));
      const names = ir.params
        .filter((q) => active.has(q))
        .map((q) => ir.vars[q].name)
        .join(', ');
      if (spec.mode === 'lanes') {
        const doc = `Pushforwards of \`${ir.name}\` along ${LANES} directions of (${names}) at once: returns the value; direction j's tangent is left in \`${isArrayType(ir.returnType) ? 'retArrays' : 'ret'}[j - 1]\`.`;
        helpers.push(emitForward(analyzeForward(ir, active, getIR), { kind: 'internal', name: spec.name, exported: false, doc, lanes: true }, ctx));
      } else if (spec.mode === 'forward') {
        const doc = isArrayType(ir.returnType)
          ? `Pushforward of \`${ir.name}\` along (${names}): returns the value; the tangent array is left in \`retArrays[0]\`.`
          : `Pushforward of \`${ir.name}\` along (${names}): returns the value; the tangent is left in \`ret[0]\`.`;
        helpers.push(emitForward(analyzeForward(ir, active, getIR), { kind: 'internal', name: spec.name, exported: false, doc }, ctx));
      } else {
        const scalars = ir.params.filter((q) => active.has(q) && !isArrayType(ir.vars[q].type)).length;
        const doc =
          scalars > 1
            ? `Pullback of \`${ir.name}\` for (${names}): adjoints of the scalar parameters are left in \`ret\` in order; array adjoints are added to the arrays passed.`
            : scalars === 1
              ? `Pullback of \`${ir.name}\` for (${names}): returns the adjoint of the scalar parameter; array adjoints are added to the arrays passed.`
              : `Pullback of \`${ir.name}\` for (${names}): adds the adjoints of the array parameters to the arrays passed.`;
        helpers.push(emitReverse(analyzeReverse(ir, active, getIR), { kind: 'internal', name: spec.name, exported: false, doc }, ctx));
      }
    }
    while (p < ctx.primalQueue.length) {
      const key = ctx.primalQueue[p++];
      const ir = getIR(key);
      primals.push(
        emitForward(
          analyzeForward(ir, new Set(), getIR, true),
          {
            kind: 'primal',
            name: ctx.primal(key),
            exported: false,
            doc: `\`${ir.name}\` as in ${ir.file.split('/').pop()}, called by the derivatives above.${ir.nondiff ? ' @nondiff' : ''}`,
          },
          ctx,
        ),
      );
    }
  }
  return { helpers, primals };
}

/**
 * The forward mode of one marked function alone, for a second differentiation (hessian.ts):
 * its public `f_jvp`, the pushforwards and primal copies it calls; nothing else. `pushforwards`
 * names those of helpers returning a number (they leave the tangent in the runtime's `ret[0]`).
 */
export function differentiateForward(m: MarkedIR, getIR: (key: string) => IRFunction, options: FileOptions): { file: JsFile; pushforwards: ReadonlySet<string> } {
  const ir = m.ir;
  const api = m.prefix ?? ir.name;
  const ctx = new FileContext(getIR, [`${api}_jvp`, `${api}_tangent`], options.uncheckedIndex, [ir]);
  ctx.zeroRule = false;
  const active = new Set<VarId>(ir.params.filter((p) => m.wrt.includes(ir.vars[p].name)));
  const jvp = emitForward(analyzeForward(ir, active, getIR), { kind: 'public', name: `${api}_jvp`, exported: true }, ctx);
  const { helpers, primals } = emitRequested(ctx, getIR);
  const kept = usedFunctions([jvp, ...helpers, ...primals]);
  const pushforwards = new Set(ctx.helperQueue.filter((h) => h.mode === 'forward').map((h) => h.name));
  return {
    file: { header: [], imports: [], prelude: [], functions: kept.map((f) => markUnusedParameters(options.uncheckedIndex ? checkedIndexing(f) : f)) },
    pushforwards,
  };
}
