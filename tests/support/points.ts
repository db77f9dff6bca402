/**
 * The inputs the checks feed to generated code, and the shapes of values.
 *
 * Guarantees: `samplePoints` draws the same argument lists for the same fixture
 * on every run (seeded by fixture.json's `seed` and the function's name);
 * `randomVector` is deterministic in the point it is given; every value built
 * here has the kind the contract gives it (`kindOf`): a `number[]` or
 * `readonly number[]` parameter becomes a plain array, a `Float64Array` or
 * `Float32Array` one a typed array of that kind. `copyValue` copies keep the kind.
 */
import { rng, type Value } from './numeric';
import { domainOf, jsonNumber, type FixtureConfig, type MarkedFunction, type ParamType } from './fixtures';

export interface PointSource {
  readonly fn: MarkedFunction;
  readonly config: FixtureConfig;
}

/** The runtime kind of a value of a declared type (a `readonly number[]` is a plain array at run time). */
export type Kind = 'number' | 'Array' | 'Float64Array' | 'Float32Array';

export function kindOfType(t: ParamType): Kind {
  if (t === 'data') throw new Error('read-only data has no numeric kind');
  if (t.startsWith('union:')) throw new Error(`a value of type ${t} has the kind of the argument: use kindsOfType or derivativeKind`);
  if (t === 'number') return 'number';
  if (t === 'Float64Array' || t === 'Float32Array') return t;
  return 'Array';
}

/** The kinds a value of a declared type may have at run time: one, or each of a union's. */
export function kindsOfType(t: ParamType): Kind[] {
  return t.startsWith('union:') ? (t.slice('union:'.length).split('|') as Kind[]) : [kindOfType(t)];
}

/**
 * The kind of the derivative (gradient, tangent, result) of value `v` of declared type `t`: the
 * type's, or for a union the kind of `v` itself (a typed array keeps its kind, anything else is a plain array).
 */
export function derivativeKind(t: ParamType, v: unknown): Kind {
  if (!t.startsWith('union:')) return kindOfType(t);
  const k = kindOf(v);
  return k === 'Float64Array' || k === 'Float32Array' ? k : 'Array';
}

/** The kind of a value at run time, or a description of what it is instead. */
export function kindOf(v: unknown): Kind | string {
  if (typeof v === 'number') return 'number';
  if (v instanceof Float64Array) return 'Float64Array';
  if (v instanceof Float32Array) return 'Float32Array';
  if (Array.isArray(v)) return 'Array';
  if (ArrayBuffer.isView(v)) return (v as object).constructor.name;
  return v === null ? 'null' : typeof v;
}

function makeArray(kind: Kind, values: readonly number[]): Value {
  if (kind === 'Float64Array') return Float64Array.from(values);
  if (kind === 'Float32Array') return Float32Array.from(values);
  return [...values];
}

const typedArrays: Record<string, new (values: number[]) => ArrayLike<number>> = {
  Float64Array,
  Float32Array,
  Int8Array,
  Int16Array,
  Int32Array,
  Uint8Array,
  Uint16Array,
  Uint32Array,
};

/** A data argument from fixture.json: `{ "Int32Array": [1, 2] }` becomes that typed array, anything else stays JSON. */
function revive(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(revive);
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 1 && typedArrays[keys[0]]) return new typedArrays[keys[0]]((v as Record<string, number[]>)[keys[0]]);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
  }
  return v;
}

/** A numeric argument (a number, or an array or typed array of numbers), not read-only data. */
export function isNumericValue(v: unknown): v is Value {
  return typeof v === 'number' || v instanceof Float64Array || v instanceof Float32Array || (Array.isArray(v) && v.every((x) => typeof x === 'number'));
}

/** A copy of `v` of the same kind (numbers are returned as they are; data is copied deeply). */
export function copyValue<T extends Value>(v: T): T {
  if (typeof v === 'number') return v;
  if (!isNumericValue(v)) return structuredClone(v);
  return (v instanceof Float64Array ? Float64Array.from(v) : v instanceof Float32Array ? Float32Array.from(v) : Array.from(v)) as T;
}

/** A value of `fixture.json` (`1`, `"NaN"`, `[1, "Infinity"]`) as an argument of type `t`. */
export function valueFromJson(t: ParamType, v: number | string | readonly (number | string)[], where: string): Value {
  if (t === 'data') return revive(v) as Value;
  if (t === 'number') {
    if (v === null) return undefined as unknown as Value; // an optional parameter left out
    if (Array.isArray(v)) throw new Error(`${where}: expected a number, got an array`);
    return jsonNumber(v as number | string);
  }
  if (!Array.isArray(v)) throw new Error(`${where}: expected an array for a parameter of type ${t}`);
  // (a union type's value is a plain array)
  return makeArray(kindsOfType(t)[0], v.map(jsonNumber));
}

function randomIn(r: () => number, [lo, hi]: readonly [number, number]): number {
  return lo + (hi - lo) * r();
}

/** `points` argument lists drawn from the fixture's domains and `args`. */
export function samplePoints(s: PointSource): Value[][] {
  const index = s.fn.name.split('').reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 0);
  const r = rng(((s.config.seed ?? 1) * 7919 + index) >>> 0);
  const points: Value[][] = [];
  for (let k = 0; k < (s.config.points ?? 5); k++) {
    points.push(
      s.fn.params.map((p, i) => {
        const spec = s.config.args?.[p.name];
        const domain = domainOf(s.config, s.fn.name, p.name);
        if (typeof spec === 'number') return spec;
        if (spec && 'data' in spec) return revive(spec.data) as Value;
        if (spec && 'int' in spec) return spec.int[0] + Math.floor(r() * (spec.int[1] - spec.int[0] + 1));
        if (p.type === 'number') return randomIn(r, domain);
        const length = spec && 'length' in spec ? spec.length : 5;
        // A union type takes each of its kinds in turn, so every kind is exercised (parameters in different orders).
        const kinds = kindsOfType(p.type);
        return makeArray(
          kinds[(k + i) % kinds.length],
          Array.from({ length }, () => randomIn(r, domain)),
        );
      }),
    );
  }
  return points;
}

/** A random vector in [-1, 1]ⁿ; `seedFrom` makes it depend on the point. */
export function randomVector(n: number, seedFrom: readonly number[], salt: number): number[] {
  const r = rng((seedFrom.reduce((h, x) => (h * 31 + Math.floor(Math.abs(x) * 1e6)) >>> 0, salt) >>> 0) + 1);
  return Array.from({ length: n }, () => 2 * r() - 1);
}

export function unit(n: number, k: number): number[] {
  const e = new Array<number>(n).fill(0);
  e[k] = 1;
  return e;
}

/** The differentiated arguments, in signature order. */
export const wrtArgs = (fn: MarkedFunction, args: readonly Value[]): Value[] => fn.wrt.map((i) => args[i]);

/** The shape of a tangent, gradient or cotangent of `v`: a plain array for any array that is not typed, a number for a parameter left out. */
export const tangentLike = (v: Value): Value => (v === undefined ? 0 : typeof v === 'number' || v instanceof Float64Array || v instanceof Float32Array ? v : Array.from(v));

/** Names of the flattened differentiated inputs, for messages: `x`, `a[3]`. */
export function inputNames(fn: MarkedFunction, args: readonly Value[]): string[] {
  return fn.wrt.flatMap((i) => {
    const a = args[i];
    const name = fn.params[i].name;
    return typeof a === 'number' || a === undefined ? [name] : Array.from({ length: a.length }, (_, k) => `${name}[${k}]`);
  });
}
