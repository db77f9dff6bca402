/**
 * What the emitters of one generated file share: module-level names, the queue
 * of internal helpers (pushforwards and pullbacks of called functions, for the
 * activity pattern of each call), primal copies of called functions, and the
 * runtime imports used.
 */
import type { IRFunction, Op, RuleImport, UserRule } from '../ir/types';
import type { JsExpr } from '../5-print/js';
import { CompileError, errors } from '../diagnostics/catalog';
import { forEachStmt } from '../ir/walk';
import { Namer, helperName, type HelperKind, type ModuleNames } from './names';

export interface HelperSpec {
  readonly key: string;
  /** `lanes`: forward mode along several directions at once (forward/lanes.ts). */
  readonly mode: 'forward' | 'lanes' | 'reverse';
  /** Which parameters carry derivatives. */
  readonly pattern: readonly boolean[];
  readonly name: string;
}

/** The local name of `import * as adc from "ts-adc/runtime"` in generated files (reserved in every function). */
export const RUNTIME_NAMESPACE = 'adc';

export type RuntimeName = 'tape' | 'ret' | 'retArrays' | RuntimeHelper;

/** The runtime's functions generated code calls. */
export type RuntimeHelper =
  | 'zeroed'
  | 'copyInto'
  | 'sum'
  | 'zeroedLike'
  | 'zerosLike'
  | 'zeros'
  | 'flat'
  | 'starts'
  | 'rowsLike'
  | 'copyRows'
  | 'rows'
  | 'column'
  | 'groupsLike'
  | 'zip'
  | 'copyTree'
  | 'numbered'
  | 'reorderColumns'
  | 'objectMajor'
  | 'split'
  | 'scratch'
  | 'copyColumns'
  | 'reusedZeros'
  | 'unitColumns'
  | 'lanesToColumns'
  | 'jacobianRows'
  | 'copyAt'
  | 'Checkpoints';

export class FileContext implements ModuleNames {
  readonly namer = new Namer();
  /** Every function the file may call, by source name, with its parameter names: their helper names derive from these. */
  private readonly callees = new Map<string, readonly string[]>();
  private readonly marked = new Map<string, readonly string[]>();
  private readonly helpers = new Map<string, HelperSpec>();
  readonly helperQueue: HelperSpec[] = [];
  private readonly primals = new Map<string, string>();
  readonly primalQueue: string[] = [];
  readonly runtime = new Set<RuntimeName>();
  /** Functions generated code imports (user rules, and the functions they are rules of), by `<file or package>#<name>`: their local names. */
  readonly imported = new Map<string, { readonly from: RuleImport; readonly local: string }>();

  /**
   * Terms follow the zero-(co)tangent rule (`da === 0 ? 0 : p * da`). Off for code that is
   * differentiated again (second order): there the rule's branch would cut the derivative with
   * respect to the tangent itself where the tangent is 0.
   */
  zeroRule = true;

  /** Marked functions whose vjp's value no caller reads (the second pass of `hessian`): it is not computed. */
  valueUnused: ReadonlySet<string> = new Set();

  constructor(
    readonly getIR: (key: string) => IRFunction,
    publicNames: readonly string[],
    /** `noUncheckedIndexedAccess` is on: element reads of number[] need a `!`. */
    readonly uncheckedIndex = false,
    /** The differentiated functions: every function they reach gets its primal copy's name now, before any local is named. */
    roots: readonly IRFunction[] = [],
  ) {
    for (const n of publicNames) this.namer.claim(n);
    // (a marked function's own `pushforwards` serves its f_jacobian)
    for (const r of roots)
      this.marked.set(
        r.name,
        r.params.map((p) => r.vars[p].name),
      );
    const seen = new Set<string>();
    const queue = roots.map((r) => r.key);
    for (let i = 0; i < queue.length; i++) {
      forEachStmt(this.getIR(queue[i]).body, (s) => {
        if (s.kind !== 'op' || s.op !== 'call' || seen.has(s.callee)) return;
        seen.add(s.callee);
        queue.push(s.callee);
        const ir = this.getIR(s.callee);
        if (ir.rule) {
          // (a function with user rules is imported, not copied; so are its rules)
          for (const r of [ir.rule.primal, ir.rule.jvp, ir.rule.vjp]) if (r) this.importName(r);
          return;
        }
        this.callees.set(
          ir.name,
          ir.params.map((p) => ir.vars[p].name),
        );
        this.primals.set(s.callee, this.namer.claim(ir.name));
      });
    }
  }

  /** Whether `name` is, or may become, a module-level name of this file (a local must not take it). */
  has(name: string): boolean {
    if (this.namer.has(name)) return true;
    for (const [c, params] of this.callees) {
      for (const kind of ['pushforward', 'pushforwards', 'pullback'] as const) if (isHelperName(name, c, kind, params)) return true;
    }
    for (const [c, params] of this.marked) if (isHelperName(name, c, 'pushforwards', params)) return true;
    return false;
  }

  /** The name of the pushforward/pullback of `key` for `pattern`, queued for generation on first request. */
  helper(key: string, mode: HelperSpec['mode'], pattern: readonly boolean[]): string {
    const id = `${key}|${mode}|${pattern.map((p) => (p ? 1 : 0)).join('')}`;
    const known = this.helpers.get(id);
    if (known) return known.name;
    const ir = this.getIR(key);
    const paramNames = ir.params.map((p) => ir.vars[p].name);
    const kind: HelperKind = mode === 'forward' ? 'pushforward' : mode === 'lanes' ? 'pushforwards' : 'pullback';
    const name = this.namer.claim(helperName(ir.name, kind, paramNames, pattern));
    const spec: HelperSpec = { key, mode, pattern, name };
    this.helpers.set(id, spec);
    this.helperQueue.push(spec);
    return name;
  }

  /** The number of primal parameters of `name` when it is a `pushforwards` helper (its tangents follow). */
  lanesArity(name: string): number | undefined {
    const spec = this.helperQueue.find((h) => h.name === name && h.mode === 'lanes');
    return spec === undefined ? undefined : spec.pattern.length;
  }

  /** Whether `name` is a primal copy emitted in this file (calling it has no effect but its value). */
  isPrimalCopy(name: string): boolean {
    if (this.pureImports.has(name)) return true;
    for (const n of this.primals.values()) if (n === name) return true;
    return false;
  }

  private readonly queued = new Set<string>();
  /** Imported functions with user rules called for their value. */
  private readonly pureImports = new Set<string>();

  /** The name of the primal copy of `key` in this file (queued for generation on first request). */
  primal(key: string): string {
    const rule = this.getIR(key).rule;
    if (rule) {
      // (a function with rules is taken to be a mathematical function, as a primal copy is: a call whose value is unused goes)
      const name = this.importName(rule.primal);
      this.pureImports.add(name);
      return name;
    }
    let name = this.primals.get(key);
    if (name === undefined) this.primals.set(key, (name = this.namer.claim(this.getIR(key).name)));
    if (!this.queued.has(key)) {
      this.queued.add(key);
      this.primalQueue.push(key);
    }
    return name;
  }

  /** The local name of a function generated code imports (or of a global: its own name), claimed on first request. */
  importName(r: RuleImport): string {
    const id = `${r.file ?? r.module ?? ''}#${r.name}`;
    let known = this.imported.get(id);
    if (!known) this.imported.set(id, (known = { from: r, local: this.namer.claim(r.name) }));
    return r.file === undefined && r.module === undefined ? r.name : known.local;
  }

  /** `adc.<name>`: generated code reaches the runtime through one namespace import, so no local name can shadow it. */
  use(name: RuntimeName): string {
    this.runtime.add(name);
    return `${RUNTIME_NAMESPACE}.${name}`;
  }

  /** A runtime helper function by name (same as `use`, for readability at call sites). */
  useHelper(name: RuntimeHelper): string {
    return this.use(name);
  }
}

/** Whether `name` is a name `helperName` gives `fn`'s helpers of this kind: `f_pullback`, `f_pullback_none`, `f_pullback_a_c`. */
function isHelperName(name: string, fn: string, kind: HelperKind, params: readonly string[]): boolean {
  const base = `${fn}_${kind}`;
  if (name === base || name === `${base}_none`) return true;
  if (!name.startsWith(`${base}_`)) return false;
  // The rest must be parameter names in signature order, joined by `_` (names may contain `_` themselves).
  const rest = name.slice(base.length + 1);
  const from = (at: number, next: number): boolean => {
    if (at === rest.length) return true;
    for (let i = next; i < params.length; i++) {
      const p = params[i];
      if (!rest.startsWith(p, at)) continue;
      const end = at + p.length;
      if (end === rest.length || (rest[end] === '_' && end + 1 < rest.length && from(end + 1, i + 1))) return true;
    }
    return false;
  };
  return from(0, 0);
}

/** The user rule of `mode` for a call of `fn` (a function with rules); without one, ADC124 at the call, naming the missing tag. */
export function ruleOf(rule: UserRule, mode: 'jvp' | 'vjp', fn: IRFunction, call: Op): RuleImport {
  const r = rule[mode];
  if (r) return r;
  const { file, line, col } = call.origin;
  throw new CompileError(errors.missingRule({ file, line, col }, fn.name, mode === 'jvp' ? 'vjp' : 'jvp', mode));
}

/** `adc.ret[0]` or `adc.retArrays[0]` itself: where a pushforward leaves its (first) tangent. */
export function isRetSlot(e: JsExpr, runtime = RUNTIME_NAMESPACE): boolean {
  return (
    e.k === 'index' &&
    e.obj.k === 'member' &&
    (e.obj.name === 'ret' || e.obj.name === 'retArrays') &&
    e.obj.obj.k === 'id' &&
    e.obj.obj.name === runtime &&
    e.index.k === 'num' &&
    e.index.v === 0
  );
}
