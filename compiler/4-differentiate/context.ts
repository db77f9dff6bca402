/**
 * What the emitters of one generated file share: module-level names, the queue
 * of internal helpers (pushforwards and pullbacks of called functions, for the
 * activity pattern of each call), primal copies of called functions, and the
 * runtime imports used.
 */
import type { IRFunction } from '../ir/types';
import { Namer, helperName } from './names';

export interface HelperSpec {
  readonly key: string;
  readonly mode: 'forward' | 'reverse';
  /** Which parameters carry derivatives. */
  readonly pattern: readonly boolean[];
  readonly name: string;
}

/** The local name of `import * as adc from "ts-adc/runtime"` in generated files (reserved in every function). */
export const RUNTIME_NAMESPACE = 'adc';

export type RuntimeName = 'tape' | 'ret' | 'retArrays' | 'zeroed' | 'copyInto' | 'sum' | 'zeroedLike';

export class FileContext {
  readonly namer = new Namer();
  private readonly helpers = new Map<string, HelperSpec>();
  readonly helperQueue: HelperSpec[] = [];
  private readonly primals = new Map<string, string>();
  readonly primalQueue: string[] = [];
  readonly runtime = new Set<RuntimeName>();

  constructor(
    readonly getIR: (key: string) => IRFunction,
    publicNames: readonly string[],
    /** `noUncheckedIndexedAccess` is on: element reads of number[] need a `!`. */
    readonly uncheckedIndex = false,
  ) {
    for (const n of publicNames) this.namer.claim(n);
  }

  /** The name of the pushforward/pullback of `key` for `pattern`, queued for generation on first request. */
  helper(key: string, mode: HelperSpec['mode'], pattern: readonly boolean[]): string {
    const id = `${key}|${mode}|${pattern.map((p) => (p ? 1 : 0)).join('')}`;
    const known = this.helpers.get(id);
    if (known) return known.name;
    const ir = this.getIR(key);
    const paramNames = ir.params.map((p) => ir.vars[p].name);
    const name = this.namer.claim(helperName(ir.name, mode === 'forward' ? 'pushforward' : 'pullback', paramNames, pattern));
    const spec: HelperSpec = { key, mode, pattern, name };
    this.helpers.set(id, spec);
    this.helperQueue.push(spec);
    return name;
  }

  /** Whether `name` is a primal copy emitted in this file (calling it has no effect but its value). */
  isPrimalCopy(name: string): boolean {
    for (const n of this.primals.values()) if (n === name) return true;
    return false;
  }

  /** The name of the primal copy of `key` in this file. */
  primal(key: string): string {
    const known = this.primals.get(key);
    if (known) return known;
    const name = this.namer.claim(this.getIR(key).name);
    this.primals.set(key, name);
    this.primalQueue.push(key);
    return name;
  }

  /** `adc.<name>`: generated code reaches the runtime through one namespace import, so no local name can shadow it. */
  use(name: RuntimeName): string {
    this.runtime.add(name);
    return `${RUNTIME_NAMESPACE}.${name}`;
  }

  /** A runtime helper function by name (same as `use`, for readability at call sites). */
  useHelper(name: 'zeroed' | 'copyInto' | 'sum' | 'zeroedLike'): string {
    return this.use(name);
  }
}
