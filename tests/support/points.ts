/**
 * The arguments the checks feed to generated code.
 *
 * Guarantees: `samplePoints` draws the same argument lists for the same fixture
 * on every run (seeded by fixture.json's `seed` and the function's name), every
 * number and numeric array of a parameter, objects included, from the domain of
 * its most specific key (config.ts), an optional number of an object too (present
 * unless `args` says `{ "absent": true }`, or `"alternate"`: left out at every
 * other point), with the values fixture.json's `args` give (by parameter or path,
 * a function's own first) and the data values the harness may choose (an optional
 * data property left out, a boolean `false`, a union of literals its first member);
 * every argument is checked to have its declared type (a fixture.json value of
 * the wrong kind is an error, not a weaker test); every value built here has the
 * kind the contract gives it (a `number[]` or `readonly number[]` becomes a plain
 * array, a `Float64Array` or `Float32Array` a typed array of that kind; a union
 * takes its kinds in turn; a matrix, a `number[][]` property of an object, plain
 * rows of the lengths `args` gives as `{ "rows": [3, 3, 2] }`, by default 2 rows
 * of 3, the same at every point; a list, an array of objects an object holds, a
 * plain array of `{ "objects": n }` plain objects, by default 3, each built like
 * an object, its properties by the keys below the list's (`world.bodies.mass`, the
 * same for every element), over which an element's own specs win when `objects`
 * lists them, `{ "objects": [{ "bias": { "length": 3 } }, …] }`; a string data
 * property without a value is `"a"`). `randomVector` is deterministic in the point it
 * is given; `copyValue` copies keep the kind.
 */
import { rng, type Value } from './numeric';
import { argSpec, domainOf, isObjectsSpec, jsonNumber, type ArgSpec, type FixtureConfig, type JsonValue } from './config';
import { defaultData, differentiable, expectConforms, isData, isList, isMatrix, isObject, isPlainObject, kindsOfType, makeArray, typeText, type ParamType } from './shapes';
import type { MarkedFunction } from './signatures';

export { derivativeKind, kindOf, kindOfType, kindsOfType, type Kind } from './shapes';

export interface PointSource {
  readonly fn: MarkedFunction;
  readonly config: FixtureConfig;
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

/** A copy of `v` of the same kind (numbers are returned as they are; data and objects are copied deeply). */
export function copyValue<T>(v: T): T {
  if (typeof v === 'number') return v;
  if (!isNumericValue(v)) return structuredClone(v);
  return (v instanceof Float64Array ? Float64Array.from(v) : v instanceof Float32Array ? Float32Array.from(v) : Array.from(v as number[])) as T;
}

/**
 * A value of `fixture.json` (`1`, `"NaN"`, `[1, "Infinity"]`, `{ "x": 1, "label": "a" }`) as an argument
 * of type `t`; with `skeletonOnly`, a gradient of that type (only its differentiable properties).
 */
export function valueFromJson(t: ParamType, v: JsonValue, where: string, skeletonOnly = false): unknown {
  if (isData(t)) return revive(v);
  if (isList(t)) {
    if (!Array.isArray(v)) throw new Error(`${where}: expected an array of objects (${typeText(t)}), got ${JSON.stringify(v)}`);
    return v.map((e, i) => valueFromJson(t.list, e, `${where}[${i}]`, skeletonOnly));
  }
  if (isObject(t)) {
    if (!isPlainObject(v)) throw new Error(`${where}: expected an object of type ${typeText(t)}, got ${JSON.stringify(v)}`);
    const props = t.object.filter((p) => !skeletonOnly || differentiable(p.type));
    const unknown = Object.keys(v).filter((k) => !props.some((p) => p.name === k));
    if (unknown.length > 0) throw new Error(`${where}: ${unknown.join(', ')} is not a ${skeletonOnly ? 'differentiated ' : ''}property of ${typeText(t)}`);
    const out: Record<string, unknown> = {};
    for (const p of props) {
      if (p.name in v) out[p.name] = valueFromJson(p.type, (v as Record<string, JsonValue>)[p.name], `${where}.${p.name}`, skeletonOnly);
      // (a gradient has every differentiated property, an optional number too: 0 where the argument leaves it out)
      else if (!p.optional || skeletonOnly) throw new Error(`${where}: property ${p.name} is missing`);
    }
    return out;
  }
  if (t === 'number') {
    if (v === null) return undefined; // an optional parameter left out
    if (Array.isArray(v)) throw new Error(`${where}: expected a number, got an array`);
    return jsonNumber(v);
  }
  if (!Array.isArray(v)) throw new Error(`${where}: expected an array for a parameter of type ${t}`);
  if (isMatrix(t)) {
    if (!v.every((row) => Array.isArray(row))) throw new Error(`${where}: expected an array of rows (arrays of numbers) for a value of type ${t}`);
    return (v as JsonValue[][]).map((row) => row.map(jsonNumber));
  }
  // (a union type's value is a plain array)
  return makeArray(kindsOfType(t)[0], (v as JsonValue[]).map(jsonNumber));
}

function randomIn(r: () => number, [lo, hi]: readonly [number, number]): number {
  return lo + (hi - lo) * r();
}

/** The row lengths of a matrix without `rows` in fixture.json's args. */
const defaultRows = [3, 3];

/** The number of elements of a list without `objects` in fixture.json's args. */
const defaultObjects = 3;

/** An element of a list being built: the list's key, and the element's own specs by path inside it (`objects: [{ … }, …]`). */
interface Element {
  readonly prefix: string;
  readonly specs: Readonly<Record<string, ArgSpec>>;
}

/** `points` argument lists drawn from the fixture's domains and `args`. */
export function samplePoints(s: PointSource): unknown[][] {
  const index = s.fn.name.split('').reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 0);
  const r = rng(((s.config.seed ?? 1) * 7919 + index) >>> 0);
  const points: unknown[][] = [];
  for (let k = 0; k < (s.config.points ?? 5); k++) {
    points.push(
      s.fn.params.map((p, i) => {
        let arrays = 0;
        /** The value of `key` (a parameter, or a path below one; inside a list the same for every element) of type `t`. */
        const make = (t: ParamType, key: string, optional: boolean, element?: Element): unknown => {
          const own = element && key.startsWith(`${element.prefix}.`) ? element.specs[key.slice(element.prefix.length + 1)] : undefined;
          const spec = own ?? argSpec(s.config, s.fn.name, key);
          if (isList(t)) {
            if (typeof spec === 'object' && 'data' in spec) return revive(spec.data);
            const objects = isObjectsSpec(spec) ? spec.objects : defaultObjects;
            const specs = typeof objects === 'number' ? new Array<Record<string, ArgSpec>>(objects).fill({}) : objects;
            return specs.map((e) => make(t.list, key, false, { prefix: key, specs: e }));
          }
          if (typeof spec === 'number') return spec;
          if (spec && 'absent' in spec && (spec.absent === true || k % 2 === 1)) return undefined;
          if (spec && 'data' in spec) return revive(spec.data);
          if (spec && 'int' in spec) return spec.int[0] + Math.floor(r() * (spec.int[1] - spec.int[0] + 1));
          // (config.ts made sure that data without a value in args may be left out or chosen)
          if (isData(t)) return optional ? undefined : defaultData(t);
          if (isObject(t)) {
            const o: Record<string, unknown> = {};
            for (const q of t.object) {
              const v = make(q.type, `${key}.${q.name}`, q.optional ?? false, element);
              if (v !== undefined || !q.optional) o[q.name] = v;
            }
            return o;
          }
          const domain = domainOf(s.config, s.fn.name, key);
          if (t === 'number') return randomIn(r, domain);
          if (isMatrix(t)) return (spec && 'rows' in spec ? spec.rows : defaultRows).map((length) => Array.from({ length }, () => randomIn(r, domain)));
          const length = spec && 'length' in spec ? spec.length : 5;
          // A union type takes each of its kinds in turn, so every kind is exercised (parameters and leaves in different orders).
          const kinds = kindsOfType(t);
          return makeArray(
            kinds[(k + i + arrays++) % kinds.length],
            Array.from({ length }, () => randomIn(r, domain)),
          );
        };
        const value = make(p.type, p.name, false);
        try {
          expectConforms(p.type, value, p.name);
        } catch (e) {
          throw new Error(`${s.fn.name}: ${(e as Error).message} (a value of fixture.json's args?)`);
        }
        return value;
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

/** The shape of a tangent, gradient or cotangent of `v`: a plain array for any array that is not typed, a number for a parameter left out. */
export const tangentLike = (v: Value): Value => (v === undefined ? 0 : typeof v === 'number' || v instanceof Float64Array || v instanceof Float32Array ? v : Array.from(v));
