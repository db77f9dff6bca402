/**
 * `ts-adc`: the markers `grad`, `jvp` and `vjp`, for code compiled with the
 * ts-adc compiler plugin. Without the plugin they throw and say what to do.
 */
export type Differentiable = (...args: any[]) => number | number[] | Float64Array | Float32Array | readonly number[];

type Grads<P extends readonly unknown[]> = { [K in keyof P]: P[K] extends readonly number[] ? number[] : P[K] };
type Result<R> = R extends readonly number[] ? number[] : R;

/** `grad(f)`: same contract as the generated `f_grad`. */
export function grad<P extends any[]>(f: (...args: P) => number, options?: { wrt?: readonly string[] }): (...args: [...P, out?: { value: number; grads: Grads<P> }]) => { value: number; grads: Grads<P> } {
  return notCompiled('grad', f, options);
}

/** `jvp(f)`: same contract as the generated `f_jvp` (arguments, then their tangents). */
export function jvp<P extends any[], R>(f: (...args: P) => R, options?: { wrt?: readonly string[] }): (...args: [...P, ...P]) => { value: Result<R>; tangent: Result<R> } {
  return notCompiled('jvp', f, options);
}

/** `vjp(f)`: same contract as the generated `f_vjp` (arguments, then the cotangent). */
export function vjp<P extends any[], R>(f: (...args: P) => R, options?: { wrt?: readonly string[] }): (...args: [...P, cotangent: R]) => { value: Result<R>; grads: Grads<P> } {
  return notCompiled('vjp', f, options);
}

function notCompiled(marker: string, f: Function, _options: unknown): never {
  throw new Error(
    `ts-adc: ${marker}(${f?.name || 'f'}) was called at run time, so this code was not compiled with the ts-adc plugin. ` +
      `Either add { "transform": "ts-adc/plugin" } to compilerOptions.plugins and compile with ts-patch's tspc, ` +
      `or mark the function with /** @differentiable */, run \`npx adc build <folder>\` and import ${f?.name || 'f'}_${marker} from the generated .grad.ts file.`,
  );
}
