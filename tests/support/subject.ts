/**
 * One marked function under test: its primal and its generated API, as the
 * checks call them.
 *
 * Guarantees: `api(s)` returns exactly the exports DESIGN.md promises for the
 * function (`f_jvp`, `f_vjp`, and `f_grad` for a number result or
 * `f_jacobian` for an array or object result), each wrapped by `guardArguments`, so any
 * call in any check fails when the generated code modifies an argument;
 * `s.primal` runs the original function on deep copies of its arguments (a
 * primal that writes to a parameter cannot disturb the next call) and returns
 * its value: its result, or for a void function the copy of the parameter it
 * writes (fixture.json `writes`) after the call;
 * `withTimeout` turns an infinite loop into a failed test.
 */
import * as vm from 'node:vm';
import { guardArguments } from './arguments';
import { copyValue } from './points';
import { valueType, type FixtureConfig, type MarkedFunction } from './fixtures';
import { isData, isMatrix, isNumeric, type ParamType } from './shapes';
import type { Module } from './load';

export type Fn = (...args: any[]) => any;

export interface Subject {
  readonly fn: MarkedFunction;
  readonly config: FixtureConfig;
  /** The original function, from input.ts, called on (deep) copies of its arguments: its value (a void function's: the written parameter's copy). */
  readonly primal: (...args: unknown[]) => unknown;
  /** The generated module (the golden, loaded). */
  readonly generated: Module;
}

export function makeSubject(fn: MarkedFunction, config: FixtureConfig, primal: Fn, generated: Module): Subject {
  const { writes } = fn;
  if (writes === undefined) return { fn, config, primal: (...args: unknown[]) => primal(...args.map(copyValue)), generated };
  // A void function's value is the final content of the parameter it writes: that parameter's copy after the call.
  const written = (...args: unknown[]) => {
    const copies = args.map(copyValue);
    primal(...copies);
    return copies[writes];
  };
  return { fn, config, primal: written, generated };
}

/** Any value in a message: NaN and ±Infinity spelled out, typed arrays as arrays. */
export const fmt = (v: unknown): string =>
  JSON.stringify(v, (_, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : ArrayBuffer.isView(x) ? Array.from(x as Float64Array) : x));

/** A number value has `f_grad`; any other (an array, an object, the parameter a void function writes) `f_jacobian`. */
export const returnsNumber = (fn: MarkedFunction): boolean => valueType(fn) === 'number';

export interface Api {
  readonly jvp: Fn;
  readonly vjp: Fn;
  /** Only for a number result. */
  readonly grad: Fn | undefined;
  /** Only for an array or object result. */
  readonly jacobian: Fn | undefined;
  /** Only beside a flat `f_jacobian` (`flatJacobian`). */
  readonly jacfwd: Fn | undefined;
}

/** The generated functions of `s`, guarded against modifying their arguments. */
export function api(s: Subject): Api {
  const { fn } = s;
  const params = fn.params.map((p) => p.name);
  const tangents = fn.wrt.map((i) => `d${params[i]} (tangent)`);
  const get = (suffix: string, argNames: string[], hasOut: boolean): Fn => {
    const f = s.generated[`${fn.name}${suffix}`];
    if (typeof f !== 'function') throw new Error(`the generated module has no function ${fn.name}${suffix}`);
    return guardArguments(`${fn.name}${suffix}`, f, argNames, hasOut);
  };
  return {
    jvp: get('_jvp', [...params, ...tangents], true),
    vjp: get('_vjp', [...params, 'cotangent'], true),
    grad: returnsNumber(fn) ? get('_grad', params, true) : undefined,
    jacobian: returnsNumber(fn) ? undefined : get('_jacobian', params, flatJacobian(fn)),
    jacfwd: !returnsNumber(fn) && flatJacobian(fn) ? get('_jacfwd', params, true) : undefined,
  };
}

/** Whether `f_jacobian` is the flat one, with `out` and beside `f_jacfwd`: parameters and value (the result, or the array a void function writes) numbers and arrays (or data), no objects or matrices. */
export function flatJacobian(f: MarkedFunction): boolean {
  const flat = (t: ParamType): boolean => isData(t) || (isNumeric(t) && !isMatrix(t));
  const value = f.returnType === 'void' ? (f.writes === undefined ? undefined : f.params[f.writes].type) : f.returnType;
  return value !== undefined && flat(value) && f.method === undefined && f.params.every((p) => flat(p.type));
}

/** The exports DESIGN.md promises for the marked functions, and nothing else. */
export function expectedExports(functions: readonly MarkedFunction[]): string[] {
  return functions
    .flatMap((f) => [
      `${f.name}_jvp`,
      `${f.name}_vjp`,
      ...(returnsNumber(f) ? [`${f.name}_grad`] : [`${f.name}_jacobian`, ...(flatJacobian(f) ? [`${f.name}_jacfwd`] : [])]),
      ...(f.hessian ? [`${f.name}_hvp`, `${f.name}_hessian`] : []),
    ])
    .sort();
}

/** Declared arity of each export: parameters, tangents or cotangent, and the optional `out` (for `f_jacobian`, only the flat one's, which comes with `f_jacfwd`). */
export function checkArity(s: Subject): void {
  const { jvp, vjp, grad, jacobian, jacfwd } = api(s);
  // (JavaScript counts a function's parameters up to the first one with a default value)
  const firstDefault = s.fn.params.findIndex((p) => p.hasDefault);
  if (firstDefault >= 0) {
    for (const [suffix, f] of [
      ['_jvp', jvp],
      ['_vjp', vjp],
      ['_grad', grad],
      ['_jacobian', jacobian],
      ['_jacfwd', jacfwd],
    ] as const)
      if (f && f.length !== firstDefault) throw new Error(`${s.fn.name}${suffix} declares ${f.length} parameters before its first default, expected ${firstDefault}`);
    return;
  }
  const n = s.fn.params.length;
  const expect: [string, Fn | undefined, number][] = [
    ['_jvp', jvp, n + s.fn.wrt.length + 1],
    ['_vjp', vjp, n + 2],
    ['_grad', grad, n + 1],
    ['_jacobian', jacobian, jacfwd ? n + 1 : n],
    ['_jacfwd', jacfwd, n + 1],
  ];
  for (const [suffix, f, arity] of expect) {
    if (f && f.length !== arity) throw new Error(`${s.fn.name}${suffix} declares ${f.length} parameters, expected ${arity} (DESIGN.md signature)`);
  }
}

const guard = vm.createContext({ run: undefined as unknown });
const callRun = new vm.Script('run()');

/**
 * Runs `check` but stops it after `ms` milliseconds: generated code that loops
 * forever fails its own test instead of hanging the whole run.
 */
export function withTimeout(what: string, check: () => void, ms = 20000): void {
  guard.run = check;
  try {
    callRun.runInContext(guard, { timeout: ms });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new Error(`${what} did not finish within ${ms / 1000} s (an infinite loop in the generated code?)`);
    throw e;
  } finally {
    guard.run = undefined;
  }
}
