/**
 * Compiling small sources in memory and reading their derivatives in both
 * modes: the Jacobian row of a scalar function by forward mode (one `f_jvp`
 * per unit direction) and by reverse mode (`f_vjp` with cotangent 1, and
 * `f_grad`). Compile diagnostics fail loudly with the source.
 */
import { compileSources, formatDiagnostic } from '../../compiler';
import { loadModule, type Module } from './load';

/** Compiles one file (`/src/input.ts`) and loads the generated module; throws with the diagnostics. */
export function compile(source: string): Module {
  const { files, diagnostics } = compileSources({ '/src/input.ts': source });
  if (diagnostics.length > 0 || files.length !== 1) {
    throw new Error(`compiling failed:\n${diagnostics.map((d) => formatDiagnostic(d)).join('\n')}\n--- source ---\n${source}`);
  }
  return loadModule(files[0].text);
}

export interface BothModes {
  readonly value: number;
  /** ∂f/∂wrtᵢ by forward mode, one unit direction each. */
  readonly forward: number[];
  /** The gradient by `f_vjp(…, 1)`. */
  readonly reverse: number[];
  /** The gradient by `f_grad`. */
  readonly grad: number[];
}

/**
 * Derivatives of `m[name]` at `args` in both modes; `nWrt` is the number of
 * differentiated parameters (tangent arguments of `_jvp`, default all).
 */
export function bothModes(m: Module, name: string, args: readonly number[], nWrt = args.length): BothModes {
  const jvp = m[`${name}_jvp`];
  const vjp = m[`${name}_vjp`];
  const grad = m[`${name}_grad`];
  if (typeof jvp !== 'function' || typeof vjp !== 'function' || typeof grad !== 'function') throw new Error(`${name}: missing generated exports`);
  const forward: number[] = [];
  let value = NaN;
  for (let i = 0; i < nWrt; i++) {
    const dir = Array.from({ length: nWrt }, (_, j) => (i === j ? 1 : 0));
    const r = jvp(...args, ...dir);
    forward.push(r.tangent);
    value = r.value;
  }
  const r = vjp(...args, 1);
  const g = grad(...args);
  return { value: nWrt > 0 ? value : r.value, forward, reverse: [...r.grads], grad: [...g.grads] };
}

/** Replaces -0 by 0 so that `toEqual` compares values, not the sign of zero. */
export const unsigned = (xs: readonly number[]) => xs.map((x) => (x === 0 ? 0 : x));
