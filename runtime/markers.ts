/**
 * `ts-adc`: the markers `grad`, `jvp`, `vjp`, `jacobian`, `hvp` and `hessian`, for code compiled with the
 * ts-adc compiler plugin (`ts-adc/plugin`), which replaces every call by the
 * generated derivative. Without the plugin a call throws and says what to do.
 *
 * Guarantees (types): `grad(f)` has the type of the generated `f_grad`, `jvp(f)`
 * of `f_jvp`, `vjp(f)` of `f_vjp`, `jacobian(f)` of `f_jacobian`, `hvp(f)` of `f_hvp`,
 * `hessian(f)` of `f_hessian` (DESIGN.md, "The generated API"; `grad`, `jvp`, `vjp`, `hvp` and
 * `hessian` also take an instance method, `C.prototype.m`, its receiver first; `jacobian` takes
 * plain functions): each
 * gradient or tangent has the shape of its parameter, a `readonly number[]`
 * getting a `number[]`, an object its numeric skeleton; parameter names are kept
 * in editor hints.
 *
 * `wrt` (which parameters to differentiate) takes positions or names:
 * - `grad(loss, { wrt: [0, 2] })`: exact types (`grads: [w: Float64Array, c: number]`);
 * - `grad(loss, { wrt: ["w", "c"] })`: reads like `@differentiable wrt(w, c)`,
 *   but TypeScript cannot map a name to a position, so `grads` is typed as an
 *   array of the union of the gradient types (and `jvp`'s tangents likewise).
 * Either way, entries follow the order of the parameters in the signature, and
 * the plugin checks each position or name (a typo is a compile error).
 */

/** A type the compiler differentiates: parameters and results (and plain objects of them: `IsDifferentiable`). */
export type Differentiable = number | number[] | readonly number[] | Float64Array | Float32Array;

/**
 * Whether the compiler differentiates a `T`: a number, a numeric array, or an object (a plain one,
 * or an instance of a class: its methods are behaviour, not state) with at least one of them among
 * its required properties, at any depth (an optional number is differentiated too: its gradient is
 * there, 0 where it was left out).
 */
export type IsDifferentiable<T> = [T] extends [Differentiable]
  ? true
  : [T] extends [readonly unknown[]]
    ? false
    : [T] extends [Function]
      ? false
      : [T] extends [object]
        ? IsNumericObject<T>
        : false;

/** The properties of `T` that are state: not its methods (nor fields holding functions). */
type StateKey<T> = { [K in keyof T]-?: [T[K]] extends [Function] ? never : K }[keyof T];

type IsNumericObject<T> = true extends { [K in StateKey<T>]-?: {} extends Pick<T, K> ? false : IsDifferentiableProperty<T[K]> }[StateKey<T>] ? true : false;

/** A matrix (`number[][]`, `readonly number[][]`): differentiated as a property of an object (a parameter of that type is data). */
type IsMatrix<T> = [T] extends [readonly (readonly number[])[]] ? ([T] extends [readonly number[]] ? false : true) : false;

/**
 * An array of objects (`Body[]`) whose objects are differentiable and hold no optional number, no
 * typed array and no array of objects again: differentiated as a property of an object (a
 * parameter of that type is data).
 */
type IsList<T> = [T] extends [readonly (infer E)[]]
  ? [E] extends [number] | [readonly unknown[]]
    ? false
    : [E] extends [object]
      ? IsDifferentiable<E> extends true
        ? true extends { [K in keyof E]-?: {} extends Pick<E, K> ? ([Exclude<E[K], undefined>] extends [number] ? true : false) : IsListLike<E[K]> }[keyof E]
          ? false
          : true
        : false
      : false
  : false;

/** Whether an element property keeps an array of objects from being a list: a typed array, or an array of objects again. */
type IsListLike<T> = [T] extends [Float64Array | Float32Array] ? true : IsList<T>;

/** Whether a property of type `T` of a plain object is differentiated: as `IsDifferentiable`, and a matrix or an array of objects too. */
type IsDifferentiableProperty<T> = IsMatrix<T> extends true ? true : IsList<T> extends true ? true : IsDifferentiable<T>;

/**
 * The shape of a derivative of a `T`: a `readonly number[]` gets a `number[]`, a matrix a `number[][]`, an array of
 * objects an array of their skeletons; an object its
 * numeric skeleton (only the differentiable properties, each a derivative); the rest is unchanged.
 */
export type Tangent<T> = T extends readonly number[]
  ? number[]
  : IsMatrix<T> extends true
    ? number[][]
    : IsList<T> extends true
      ? T extends readonly (infer E)[]
        ? Tangent<E>[]
        : never
      : T extends number | Float64Array | Float32Array
        ? T
        : IsDifferentiable<T> extends true
          ? { -readonly [K in keyof T as DifferentiableKey<T, K>]: Tangent<Exclude<T[K], undefined>> }
          : T;

/** `K` when the property `K` of `T` is differentiated (an optional one only when it is a number), else `never`. */
type DifferentiableKey<T, K extends keyof T> = [T[K]] extends [Function]
  ? never
  : {} extends Pick<T, K>
    ? [Exclude<T[K], undefined>] extends [number]
      ? K
      : never
    : IsDifferentiableProperty<T[K]> extends true
      ? K
      : never;

/** The value of a result of type `R` as generated functions return it (a `readonly number[]` as a `number[]`, an object as it is). */
export type ResultValue<R> = R extends readonly number[] ? number[] : R;

/** Tangents of a parameter list, labels kept: `[w: Float64Array, xs: number[]]`. */
export type TangentsOf<P extends readonly unknown[]> = { [K in keyof P]: Tangent<P[K]> };

/** The positions of a parameter list as a union of number literals: `0 | 1 | 2`. */
export type ParameterIndex<P extends readonly unknown[]> = { [K in keyof P]: K extends `${infer N extends number}` ? N : never }[number];

/** The parameters of `P` at the positions `I`, in signature order, labels kept. */
export type SelectParameters<P extends readonly unknown[], I, Seen extends unknown[] = []> = P extends readonly [unknown, ...infer Rest]
  ? P extends readonly [...infer First, ...Rest]
    ? Seen['length'] extends I
      ? [...First, ...SelectParameters<Rest, I, [...Seen, 0]>]
      : SelectParameters<Rest, I, [...Seen, 0]>
    : never
  : [];

/**
 * The parameters of `P` that can be differentiated, labels kept: what `grad(f)` without `wrt`
 * differentiates (a `number[][]`, an object or a boolean is data the function only reads).
 */
export type DifferentiableParameters<P extends readonly unknown[]> = P extends readonly [infer Head, ...infer Rest]
  ? P extends readonly [...infer First, ...Rest]
    ? IsDifferentiable<Head> extends true
      ? [...First, ...DifferentiableParameters<Rest>]
      : DifferentiableParameters<Rest>
    : never
  : [];

/** What `grad(f)` / `vjp(f)` return: the value and one gradient per differentiated parameter. */
export interface ValueAndGrads<R, G> {
  value: R;
  grads: G;
}

/** What `jvp(f)` returns: the value and the directional derivative (of an object result: its skeleton, `T`). */
export interface ValueAndTangent<R, T = R> {
  value: R;
  tangent: T;
}

/** `f_grad`: `(…params, out?) => { value, grads }`; `G` is the tuple of gradient types. */
export type GradFunction<P extends readonly unknown[], G> = (...args: [...P, out?: ValueAndGrads<number, G>]) => ValueAndGrads<number, G>;

/** `f_jvp`: `(…params, …tangents, out?) => { value, tangent }`. */
export type JvpFunction<P extends readonly unknown[], T extends readonly unknown[], R> = (
  ...args: [...P, ...T, out?: ValueAndTangent<ResultValue<R>, Tangent<R>>]
) => ValueAndTangent<ResultValue<R>, Tangent<R>>;

/** `f_vjp`: `(…params, cotangent, out?) => { value, grads }`. */
export type VjpFunction<P extends readonly unknown[], G, R> = (
  ...args: [...P, cotangent: R extends readonly number[] ? readonly number[] : Tangent<R>, out?: ValueAndGrads<ResultValue<R>, G>]
) => ValueAndGrads<ResultValue<R>, G>;

/** `wrt` by positions: `{ wrt: [0, 2] }` (exact types). */
export interface WrtPositions<W> {
  readonly wrt: W;
}

/** `wrt` by names: `{ wrt: ["w", "c"] }` (gradients typed as a union, see the module comment). */
export interface WrtNames {
  readonly wrt: readonly (string | number)[];
}

type Fn<P extends unknown[], R> = (...args: P) => R;
type Loose<P extends readonly unknown[]> = Tangent<P[number]>[];

declare const receiver: unique symbol;

/**
 * An instance method with the class of its receiver: what `grad(C.prototype.m)` passes once the
 * program transformer `ts-adc/plugin/program` has named the class (`C.prototype.m` is typed
 * `Method<C, typeof C.prototype.m>`, since TypeScript's type of a method does not say whose it is).
 * Its generated functions take the receiver first, as `C_m_grad(self, …)` does.
 */
export type Method<S, F> = F & { readonly [receiver]: S };

/** The parameters of a method's generated functions: the receiver first. */
type WithSelf<S, P extends unknown[]> = [self: S, ...P];

/** The value of a method's result: of one returning `this` or nothing, the object's state after it (its numeric skeleton). */
export type MethodResult<S, R> = [R] extends [void] ? Tangent<S> : [R] extends [S] ? Tangent<S> : R;

/** `grad(f)`: same contract as the generated `f_grad` (`f` must return a number). */
export function grad<S, P extends unknown[], const W extends readonly ParameterIndex<WithSelf<S, P>>[]>(
  f: Method<S, Fn<P, number>>,
  options: WrtPositions<W>,
): GradFunction<WithSelf<S, P>, TangentsOf<SelectParameters<WithSelf<S, P>, W[number]>>>;
export function grad<S, P extends unknown[]>(f: Method<S, Fn<P, number>>, options: WrtNames): GradFunction<WithSelf<S, P>, Loose<WithSelf<S, P>>>;
export function grad<S, P extends unknown[]>(f: Method<S, Fn<P, number>>): GradFunction<WithSelf<S, P>, TangentsOf<DifferentiableParameters<Required<WithSelf<S, P>>>>>;
export function grad<P extends unknown[], const W extends readonly ParameterIndex<P>[]>(
  f: Fn<P, number>,
  options: WrtPositions<W>,
): GradFunction<P, TangentsOf<SelectParameters<P, W[number]>>>;
export function grad<P extends unknown[]>(f: Fn<P, number>, options: WrtNames): GradFunction<P, Loose<P>>;
export function grad<P extends unknown[]>(f: Fn<P, number>): GradFunction<P, TangentsOf<DifferentiableParameters<Required<P>>>>;
export function grad(f: Function, options?: unknown): never {
  return notCompiled('grad', f, options);
}

/** `jvp(f)`: same contract as the generated `f_jvp` (arguments, then the tangents of the differentiated ones). */
export function jvp<S, P extends unknown[], R, const W extends readonly ParameterIndex<WithSelf<S, P>>[]>(
  f: Method<S, Fn<P, R>>,
  options: WrtPositions<W>,
): JvpFunction<WithSelf<S, P>, TangentsOf<SelectParameters<WithSelf<S, P>, W[number]>>, MethodResult<S, R>>;
export function jvp<S, P extends unknown[], R>(f: Method<S, Fn<P, R>>, options: WrtNames): JvpFunction<WithSelf<S, P>, Loose<WithSelf<S, P>>, MethodResult<S, R>>;
export function jvp<S, P extends unknown[], R>(
  f: Method<S, Fn<P, R>>,
): JvpFunction<WithSelf<S, P>, TangentsOf<DifferentiableParameters<Required<WithSelf<S, P>>>>, MethodResult<S, R>>;
export function jvp<P extends unknown[], R, const W extends readonly ParameterIndex<P>[]>(
  f: Fn<P, R>,
  options: WrtPositions<W>,
): JvpFunction<P, TangentsOf<SelectParameters<P, W[number]>>, R>;
export function jvp<P extends unknown[], R>(f: Fn<P, R>, options: WrtNames): JvpFunction<P, Loose<P>, R>;
export function jvp<P extends unknown[], R>(f: Fn<P, R>): JvpFunction<P, TangentsOf<DifferentiableParameters<Required<P>>>, R>;
export function jvp(f: Function, options?: unknown): never {
  return notCompiled('jvp', f, options);
}

/** `vjp(f)`: same contract as the generated `f_vjp` (arguments, then the cotangent of the result). */
export function vjp<S, P extends unknown[], R, const W extends readonly ParameterIndex<WithSelf<S, P>>[]>(
  f: Method<S, Fn<P, R>>,
  options: WrtPositions<W>,
): VjpFunction<WithSelf<S, P>, TangentsOf<SelectParameters<WithSelf<S, P>, W[number]>>, MethodResult<S, R>>;
export function vjp<S, P extends unknown[], R>(f: Method<S, Fn<P, R>>, options: WrtNames): VjpFunction<WithSelf<S, P>, Loose<WithSelf<S, P>>, MethodResult<S, R>>;
export function vjp<S, P extends unknown[], R>(
  f: Method<S, Fn<P, R>>,
): VjpFunction<WithSelf<S, P>, TangentsOf<DifferentiableParameters<Required<WithSelf<S, P>>>>, MethodResult<S, R>>;
export function vjp<P extends unknown[], R, const W extends readonly ParameterIndex<P>[]>(
  f: Fn<P, R>,
  options: WrtPositions<W>,
): VjpFunction<P, TangentsOf<SelectParameters<P, W[number]>>, R>;
export function vjp<P extends unknown[], R>(f: Fn<P, R>, options: WrtNames): VjpFunction<P, Loose<P>, R>;
export function vjp<P extends unknown[], R>(f: Fn<P, R>): VjpFunction<P, TangentsOf<DifferentiableParameters<Required<P>>>, R>;
export function vjp(f: Function, options?: unknown): never {
  return notCompiled('vjp', f, options);
}

/** What `hvp(f)` returns: the value, the gradient and the Hessian-vector product (shaped as the gradient). */
export interface ValueGradsAndHvp<G> {
  value: number;
  grads: G;
  hvp: G;
}

/** `f_hvp`: `(…params, …directions, out?) => { value, grads, hvp }`, one direction per differentiated parameter. */
export type HvpFunction<P extends readonly unknown[], G extends readonly unknown[]> = (...args: [...P, ...G, out?: ValueGradsAndHvp<G>]) => ValueGradsAndHvp<G>;

/** `f_hessian`, `f_jacobian`: `(…params) => Float64Array[]`, one `Float64Array` per row. */
export type MatrixFunction<P extends readonly unknown[]> = (...args: P) => Float64Array[];

/** `hvp(f)`: same contract as the generated `f_hvp` of `/** @differentiable hessian *\/` (`f` must return a number). */
export function hvp<S, P extends unknown[], const W extends readonly ParameterIndex<WithSelf<S, P>>[]>(
  f: Method<S, Fn<P, number>>,
  options: WrtPositions<W>,
): HvpFunction<WithSelf<S, P>, TangentsOf<SelectParameters<WithSelf<S, P>, W[number]>>>;
export function hvp<S, P extends unknown[]>(f: Method<S, Fn<P, number>>, options: WrtNames): HvpFunction<WithSelf<S, P>, Loose<WithSelf<S, P>>>;
export function hvp<S, P extends unknown[]>(f: Method<S, Fn<P, number>>): HvpFunction<WithSelf<S, P>, TangentsOf<DifferentiableParameters<Required<WithSelf<S, P>>>>>;
export function hvp<P extends unknown[], const W extends readonly ParameterIndex<P>[]>(
  f: Fn<P, number>,
  options: WrtPositions<W>,
): HvpFunction<P, TangentsOf<SelectParameters<P, W[number]>>>;
export function hvp<P extends unknown[]>(f: Fn<P, number>, options: WrtNames): HvpFunction<P, Loose<P>>;
export function hvp<P extends unknown[]>(f: Fn<P, number>): HvpFunction<P, TangentsOf<DifferentiableParameters<Required<P>>>>;
export function hvp(f: Function, options?: unknown): never {
  return notCompiled('hvp', f, options);
}

/** `hessian(f)`: same contract as the generated `f_hessian`: the dense Hessian, rows and columns in `f_jacobian`'s order (`f` must return a number). */
export function hessian<S, P extends unknown[], const W extends readonly ParameterIndex<WithSelf<S, P>>[]>(
  f: Method<S, Fn<P, number>>,
  options: WrtPositions<W>,
): MatrixFunction<WithSelf<S, P>>;
export function hessian<S, P extends unknown[]>(f: Method<S, Fn<P, number>>, options?: WrtNames): MatrixFunction<WithSelf<S, P>>;
export function hessian<P extends unknown[], const W extends readonly ParameterIndex<P>[]>(f: Fn<P, number>, options: WrtPositions<W>): MatrixFunction<P>;
export function hessian<P extends unknown[]>(f: Fn<P, number>, options?: WrtNames): MatrixFunction<P>;
export function hessian(f: Function, options?: unknown): never {
  return notCompiled('hessian', f, options);
}

/** `jacobian(f)`: same contract as the generated `f_jacobian` (`f` returns an array or an object of numbers): one row per output. */
export function jacobian<P extends unknown[], R, const W extends readonly ParameterIndex<P>[]>(f: Fn<P, R>, options: WrtPositions<W>): MatrixFunction<P>;
export function jacobian<P extends unknown[], R>(f: Fn<P, R>, options?: WrtNames): MatrixFunction<P>;
export function jacobian(f: Function, options?: unknown): never {
  return notCompiled('jacobian', f, options);
}

function notCompiled(marker: string, f: Function, _options: unknown): never {
  throw new Error(
    `ts-adc: ${marker}(${f?.name || 'f'}) was called at run time, so this code was not compiled with the ts-adc plugin. ` +
      `Either add { "transform": "ts-adc/plugin" } to compilerOptions.plugins and compile with ts-patch's tspc, ` +
      `or mark the function with /** @differentiable${marker === 'hvp' || marker === 'hessian' ? ' hessian' : ''} */, run \`npx adc build <folder>\` and import ${f?.name || 'f'}_${marker} from the generated .grad.ts file.`,
  );
}
