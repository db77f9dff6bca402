/**
 * fixture.json: its schema, its validation and the lookups the checks make in it.
 *
 * Guarantees: `readConfig` rejects an unknown key, and any `domains` or `args` key that names
 * neither a parameter of a marked function nor a property path below one (`s.vel.x`,
 * `params.W`), so that a typo cannot silently weaken a check (`args`, like `domains`, may hold
 * a marked function's own keys under its name); it rejects a spec that does not fit
 * what it names (a fixed number for a differentiated leaf, a length for something that is not an
 * array, row lengths for something that is not a matrix, `absent` for a property that is not
 * optional, `objects` for something that is not a list, a spec of another form, a domain for data,
 * a key given together with one of its ancestors other than a list's `objects`), and a data value
 * the harness cannot make when fixture.json does not give it (a data parameter always; a data
 * property unless it is optional, left out, a boolean, a union of literals or a string, which takes
 * `false`, its first member or `"a"`); a key below a list (`world.bodies.mass`) names that property
 * of every element, and `{ "objects": [ { "bias": { "length": 3 } }, … ] }` gives each element's
 * own specs, checked like the others; `writes` must name, for each void function and no other, the
 * parameter whose final content is its value (an array or an object of numbers and arrays;
 * `withWrites` records it). `domainOf` looks a path up from the most specific key to the
 * parameter's; `argSpec` looks a key up, the function's own args before the shared ones.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultData, differentiable, isData, isList, isMatrix, isNumeric, isObject, typeAt, typeText, type ParamType } from './shapes';
import { isValueType, type MarkedFunction } from './signatures';

/**
 * How to produce one argument: a fixed value, a random integer, an array of random elements, a
 * matrix (a `number[][]` property) of random elements with these row lengths, a list (an array of
 * objects an object holds) of this many elements, or of one element per entry, each entry the specs
 * of that element's properties by their paths inside it (`{ "bias": { "length": 3 } }`), (for data) a JSON
 * value where `{ "Float64Array": [...] }` (or any typed array name) is that typed array, or (for an
 * optional property) none: left out at every point, or at every other point (`"alternate"`: the
 * second, the fourth, …; present, sampled as usual, at the others).
 */
export type ArgSpec =
  | number
  | { readonly int: readonly [number, number] }
  | { readonly length: number }
  | { readonly rows: readonly number[] }
  | { readonly objects: number | readonly Readonly<Record<string, ArgSpec>>[] }
  | { readonly data: unknown }
  | { readonly absent: true | 'alternate' };

/** The forms of an object spec, by its one key. */
const specForms = ['int', 'length', 'rows', 'objects', 'data', 'absent'];

/** An object spec (`{ "length": 8 }`): exactly one of the forms' keys. */
const isSpec = (v: object) => Object.keys(v).length === 1 && specForms.includes(Object.keys(v)[0]);

/** A list's spec (`{ "objects": 2 }`): its shape, not its value (keys below it are still given). */
export const isObjectsSpec = (v: ArgSpec | undefined): v is Extract<ArgSpec, { objects: unknown }> => typeof v === 'object' && v !== null && 'objects' in v;

/** A value of fixture.json: numbers (`"NaN"`, `"Infinity"`, `"-Infinity"` allowed), arrays of them, objects of those (and data). */
export type JsonValue = number | string | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** An exact expectation at a point: conventions and classic examples, written by hand from the math. */
export interface ExactCase {
  readonly function: string;
  /** One per parameter; an array parameter takes an array (given the parameter's kind), an object parameter an object. */
  readonly args: readonly JsonValue[];
  readonly value: number | string;
  /** Gradient of a scalar function, one entry per differentiated parameter (an array for an array, a skeleton for an object). */
  readonly grad: readonly JsonValue[];
  /** `f_jvp` tangent along each unit direction of the flattened differentiated inputs; defaults to `grad` flattened. */
  readonly jvp?: readonly (number | string)[];
  /** Relative tolerance (default 0: bit-exact), of max(1, |expected|), or of |expected| with `relative`. */
  readonly tolerance?: number;
  /** Compare relative to |expected| itself: for values far below 1 (a partial of 3e-201 is not 0). */
  readonly relative?: boolean;
}

type Domain = readonly [number, number];

export interface FixtureConfig {
  readonly why?: string;
  /** `{ key: [lo, hi] }` for every function, or `{ fn: { key: [lo, hi] } }` per function; a key is a parameter or a path below one. Default [-2, 2]. */
  readonly domains?: Record<string, Domain | Record<string, Domain>>;
  /** Finite-difference relative tolerance (default 1e-6). */
  readonly tolerance?: number;
  /** Dot-product relative tolerance (default 1e-10). */
  readonly dotTolerance?: number;
  /** Random points per function (default 5). */
  readonly points?: number;
  readonly seed?: number;
  /** Finite-difference step (default 1e-6, scaled by max(1, |x|)). */
  readonly step?: number;
  /**
   * Constants, arrays and data, by parameter or path: `{ n: 40 }`, `{ n: { int: [1, 6] } }`, `{ "params.b": { length: 8 } }`,
   * `{ "params.W": { rows: [3, 3, 2] } }`, `{ "world.bodies": { objects: 2 } }`, `{ "body.drag": { absent: true } }`; for every function, or per function:
   * `{ step: { "body.drag": { absent: true } } }`.
   */
  readonly args?: Record<string, ArgSpec | Record<string, ArgSpec>>;
  readonly exact?: readonly ExactCase[];
  /** Per void function, the parameter whose final content is its value: `{ "step": "body" }`. */
  readonly writes?: Record<string, string>;
}

const configKeys = new Set(['why', 'domains', 'tolerance', 'dotTolerance', 'points', 'seed', 'step', 'args', 'exact', 'writes']);

/** What a key (`s`, `s.vel.x`) names in `fn`: the parameter's index, the type there and whether it is an optional property; undefined when nothing. */
export function nodeAt(fn: MarkedFunction, key: string): { param: number; type: ParamType; optional: boolean } | undefined {
  const [head, ...rest] = key.split('.');
  const param = fn.params.findIndex((p) => p.name === head);
  const type = param < 0 ? undefined : typeAt(fn.params[param].type, rest);
  const parent = rest.length > 0 && param >= 0 ? typeAt(fn.params[param].type, rest.slice(0, -1)) : undefined;
  const optional = parent !== undefined && isObject(parent) && parent.object.some((p) => p.name === rest[rest.length - 1] && p.optional);
  return type && { param, type, optional };
}

/**
 * The keys of `args` that hold a marked function's own args (`{ "step": { "body.drag": … } }`): a
 * key naming a marked function and no parameter of one. A key naming both is an error.
 */
function perFunctionArgs(config: FixtureConfig, functions: readonly MarkedFunction[], bad: Bad): Map<string, Record<string, ArgSpec>> {
  const own = new Map<string, Record<string, ArgSpec>>();
  for (const [k, v] of Object.entries(config.args ?? {})) {
    if (!functions.some((f) => f.name === k)) continue;
    if (functions.some((f) => f.params.some((p) => p.name === k))) throw bad(`args.${k} names both a marked function and a parameter: rename one`);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(`args.${k} names the marked function ${k}: give its own args as an object, { "${k}": { "x": … } }`);
    own.set(k, v as Record<string, ArgSpec>);
  }
  return own;
}

/** The args of function `fn`: its own (per function) over the shared ones (other functions' own args stay under their names, which name no parameter). */
function argsOf(config: FixtureConfig, fn: string): Record<string, ArgSpec> {
  const { [fn]: own, ...shared } = config.args ?? {};
  return { ...shared, ...(own as Record<string, ArgSpec> | undefined) } as Record<string, ArgSpec>;
}

/** `s.vel.x`, `s.vel`, `s`: the key itself, then its ancestors. */
const ancestry = (key: string): string[] => key.split('.').map((_, i, parts) => parts.slice(0, parts.length - i).join('.'));

const isArrayType = (t: ParamType) => isNumeric(t) && t !== 'number' && !isMatrix(t);

/** How messages name an args or domains key: `args.n`, `args["s.vel.x"]`. */
const named = (section: string, key: string) => (key.includes('.') ? `${section}["${key}"]` : `${section}.${key}`);

/** Reads and validates `<dir>/fixture.json` ({} when there is none; a void function needs its `writes` even then). */
export function readConfig(dir: string, name: string, functions: readonly MarkedFunction[]): FixtureConfig {
  const file = path.join(dir, 'fixture.json');
  const bad = (msg: string) => new Error(`${name}/fixture.json: ${msg}`);
  if (!fs.existsSync(file)) {
    checkWrites({}, functions, bad);
    return {};
  }
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as FixtureConfig;
  for (const k of Object.keys(config)) if (!configKeys.has(k)) throw bad(`unknown key '${k}' (known: ${[...configKeys].join(', ')})`);
  checkWrites(config, functions, bad);
  const resolve = resolver(bad);
  const checkDomains = (keys: string[], where: string, fns: readonly MarkedFunction[], fn?: MarkedFunction) => {
    for (const key of keys) {
      const nodes = resolve(key, where, fns, fn);
      const inObject = key.includes('.');
      if (inObject && nodes.every((n) => isData(n.type))) throw bad(`${where} names '${key}', which is data (${typeText(nodes[0].type)}): it is not sampled; give it in args`);
    }
  };
  for (const [k, v] of Object.entries(config.domains ?? {})) {
    if (Array.isArray(v)) checkDomains([k], 'domains', functions);
    else {
      const fn = functions.find((f) => f.name === k);
      if (!fn) throw bad(`domains names '${k}', which is neither a parameter nor a marked function`);
      checkDomains(Object.keys(v), `domains.${k}`, [fn], fn);
    }
  }
  checkArgs(config, functions, bad);
  for (const e of config.exact ?? []) if (!functions.some((f) => f.name === e.function)) throw bad(`exact names '${e.function}', which is not a marked function`);
  return config;
}

type Bad = (msg: string) => Error;

/** Every place a key names something in `fns`, whether it is differentiated there; an error when there is none. */
const resolver =
  (bad: Bad) =>
  (key: string, where: string, fns: readonly MarkedFunction[], fn?: MarkedFunction): { type: ParamType; optional: boolean; differentiated: boolean }[] => {
    const nodes = fns.flatMap((f) => {
      const n = nodeAt(f, key);
      return n ? [{ ...n, differentiated: f.wrt.includes(n.param) && differentiable(n.type) }] : [];
    });
    if (nodes.length === 0) throw bad(`${where} names '${key}', which is not a parameter${key.includes('.') ? ' or a property path below one' : ''}${fn ? ` of ${fn.name}` : ''}`);
    return nodes;
  };

/** Throws unless every spec of `args` (shared and per function) fits what it names, no key comes with an ancestor, and every data value has one. */
function checkArgs(config: FixtureConfig, functions: readonly MarkedFunction[], bad: Bad): void {
  const resolve = resolver(bad);
  const own = perFunctionArgs(config, functions, bad);
  const checkSpec = (key: string, spec: ArgSpec, where: string, fns: readonly MarkedFunction[], fn?: MarkedFunction, at = named(where, key)): void => {
    const nodes = resolve(key, where, fns, fn);
    if (typeof spec !== 'number' && (typeof spec !== 'object' || spec === null || Array.isArray(spec) || !isSpec(spec)))
      throw bad(
        `${at} is ${JSON.stringify(spec)}: give a number or one of { "int": [lo, hi] }, { "length": n }, { "rows": [n, …] }, { "objects": n | [{ … }, …] }, { "data": … }, { "absent": true | "alternate" }`,
      );
    if (isObjectsSpec(spec)) {
      if (!nodes.some((n) => isList(n.type)))
        throw bad(`${at} gives objects for a value of type ${typeText(nodes[0].type)}, which is not a list (an array of objects that an object holds, see fixtures/README.md)`);
      const objects = spec.objects;
      if (typeof objects === 'number') {
        if (!Number.isInteger(objects) || objects < 0) throw bad(`${at}.objects is ${objects}: give the number of elements, an integer >= 0`);
        return;
      }
      if (!Array.isArray(objects) || !objects.every((e) => e !== null && typeof e === 'object' && !Array.isArray(e)))
        throw bad(
          `${at}.objects is ${JSON.stringify(objects)}: give the number of elements, or one object per element of its specs by path inside it ([{ "bias": { "length": 3 } }, …])`,
        );
      (objects as readonly Readonly<Record<string, ArgSpec>>[]).forEach((element, i) => {
        for (const [sub, subSpec] of Object.entries(element)) {
          const above = ancestry(sub)
            .slice(1)
            .find((a) => element[a] !== undefined);
          if (above) throw bad(`${at}.objects[${i}] gives both '${above}' and '${sub}', which is part of it`);
          checkSpec(`${key}.${sub}`, subSpec, where, fns, fn, `${at}.objects[${i}]${sub.includes('.') ? `["${sub}"]` : `.${sub}`}`);
        }
      });
      return;
    }
    const fixed = typeof spec === 'number' || 'int' in spec;
    if (fixed && nodes.some((n) => n.differentiated))
      throw bad(
        key.includes('.')
          ? `${at} fixes a differentiated leaf of '${key.split('.')[0]}'; exclude that parameter with wrt(...)`
          : `${at} fixes a differentiated parameter; exclude it with wrt(...)`,
      );
    if (fixed && !nodes.some((n) => n.type === 'number' || isData(n.type))) throw bad(`${at} gives a number for a value of type ${typeText(nodes[0].type)}`);
    if (typeof spec === 'object' && 'length' in spec && !nodes.some((n) => isArrayType(n.type)))
      throw bad(
        nodes.some((n) => isMatrix(n.type))
          ? `${at} gives a length for a matrix (${typeText(nodes[0].type)}): give the length of each row, { "rows": [3, 3, 2] }`
          : `${at} gives a length for a value of type ${typeText(nodes[0].type)}, which is not a numeric array`,
      );
    if (typeof spec === 'object' && 'rows' in spec) {
      if (!nodes.some((n) => isMatrix(n.type)))
        throw bad(
          `${at} gives rows for a value of type ${typeText(nodes[0].type)}, which is not a matrix (a required number[][] property of an object; a number[][] parameter is read-only data, given as { "data": … })`,
        );
      if (!Array.isArray(spec.rows) || !spec.rows.every((n) => Number.isInteger(n) && n >= 0))
        throw bad(`${at}.rows is ${JSON.stringify(spec.rows)}: give the length of each row, an array of integers >= 0 ([3, 3, 2])`);
    }
    if (typeof spec === 'object' && 'absent' in spec) {
      if (spec.absent !== true && spec.absent !== 'alternate')
        throw bad(`${at}.absent is ${JSON.stringify(spec.absent)}: true (at every point) or "alternate" (at every other point)`);
      if (!nodes.every((n) => n.optional))
        throw bad(`${at} leaves out ${key}, which is not an optional property${key.includes('.') ? '' : ' (absent is for properties: `drag?: number`)'}`);
    }
  };
  for (const [key, spec] of Object.entries(config.args ?? {})) if (!own.has(key)) checkSpec(key, spec as ArgSpec, 'args', functions);
  for (const [name, specs] of own) {
    const fn = functions.find((f) => f.name === name)!;
    for (const [key, spec] of Object.entries(specs)) checkSpec(key, spec, `args.${name}`, [fn], fn);
  }
  for (const f of functions) {
    const args = argsOf(config, f.name);
    for (const key of Object.keys(args)) {
      // (a list's `objects` gives its shape: keys below it give its elements' values)
      const above = ancestry(key)
        .slice(1)
        .find((a) => args[a] !== undefined && !isObjectsSpec(args[a]));
      if (above && nodeAt(f, key))
        throw bad(`args gives both '${above}' and '${key}', which is part of it${own.has(f.name) ? ` (for ${f.name}, its own args and the shared ones together)` : ''}`);
    }
    for (const q of f.params) requireData(q.type, q.name, args, bad);
  }
}

/**
 * Throws unless `writes` names, for every void function and for nothing else, one of its
 * parameters that can be a value: a numeric array or an object whose leaves are all numeric.
 */
function checkWrites(config: FixtureConfig, functions: readonly MarkedFunction[], bad: Bad): void {
  const writes = config.writes ?? {};
  if (typeof writes !== 'object' || Array.isArray(writes) || writes === null)
    throw bad(`writes must be an object naming, per void function, the parameter it writes: { "step": "body" }`);
  for (const [fnName, param] of Object.entries(writes)) {
    const fn = functions.find((f) => f.name === fnName);
    if (!fn) throw bad(`writes names '${fnName}', which is not a marked function`);
    if (fn.returnType !== 'void') throw bad(`writes.${fnName}: ${fnName} returns ${typeText(fn.returnType)}, which is its value; writes is for functions that return void`);
    const p = fn.params.find((q) => q.name === param);
    if (!p) throw bad(`writes.${fnName} names ${JSON.stringify(param)}, which is not a parameter of ${fnName} (${fn.params.map((q) => q.name).join(', ')})`);
    if (p.type === 'number' || !isValueType(p.type))
      throw bad(
        `writes.${fnName} names '${param}' (${typeText(p.type)}): the value of a void function is a parameter it writes, a numeric array or an object of numbers and numeric arrays`,
      );
  }
  for (const fn of functions) {
    if (fn.returnType !== 'void' || writes[fn.name] !== undefined) continue;
    const candidates = fn.params.filter((p) => p.type !== 'number' && isValueType(p.type)).map((p) => p.name);
    throw bad(
      `${fn.name} returns void: give the parameter whose final content is its value as "writes": { "${fn.name}": "…" }${candidates.length ? ` (one of ${candidates.join(', ')})` : ', a numeric array or an object of numbers and numeric arrays (it has none)'}`,
    );
  }
}

/** The marked functions, each void one with the index of the parameter `writes` names (readConfig has checked it). */
export function withWrites(functions: readonly MarkedFunction[], config: FixtureConfig): MarkedFunction[] {
  return functions.map((f) => (f.returnType === 'void' ? { ...f, writes: f.params.findIndex((p) => p.name === config.writes?.[f.name]) } : f));
}

/** The per-element specs of the list at `prefix` (`{ "objects": [ … ] }`), where a key below it may be given instead. */
interface Elements {
  readonly prefix: string;
  readonly specs: readonly Readonly<Record<string, ArgSpec>>[];
}

/**
 * Throws unless every data value below `key` (of type `t`) is given in `args` (a function's), or
 * for every element of a list in its own specs, or has a value the harness may choose.
 */
function requireData(t: ParamType, key: string, args: Record<string, ArgSpec>, bad: Bad, optional = false, elements?: Elements): void {
  const spec = args[key];
  if (spec !== undefined && !isObjectsSpec(spec)) return;
  const inside = elements && key.startsWith(`${elements.prefix}.`) ? ancestry(key.slice(elements.prefix.length + 1)) : undefined;
  if (inside && elements!.specs.every((e) => inside.some((k) => e[k] !== undefined))) return;
  if (isList(t)) {
    requireData(t.list, key, args, bad, false, isObjectsSpec(spec) && Array.isArray(spec.objects) ? { prefix: key, specs: spec.objects } : undefined);
    return;
  }
  if (isObject(t)) for (const p of t.object) requireData(p.type, `${key}.${p.name}`, args, bad, p.optional, elements);
  if (!isData(t) || optional || (key.includes('.') && defaultData(t) !== undefined)) return;
  if (!key.includes('.')) throw bad(`args.${key} must give its value as { "data": … }`);
  throw bad(
    `${named('args', key)} must give the value of ${key} (${t.data}) as { "data": … }: the harness makes numbers and numeric arrays, and chooses a value only for a boolean (false), a union of literals (its first member) or a string ("a")`,
  );
}

/** The spec fixture.json gives function `fn` for `key` (a parameter or a path below one): its own, else the shared one, else undefined. */
export const argSpec = (config: FixtureConfig, fn: string, key: string): ArgSpec | undefined => argsOf(config, fn)[key];

/** The domain of `key` (`s.vel.x`) of function `fn`: the most specific key of fixture.json (per function before shared), else [-2, 2]. */
export function domainOf(config: FixtureConfig, fn: string, key: string): Domain {
  const perFn = config.domains?.[fn];
  for (const k of ancestry(key)) {
    if (perFn && !Array.isArray(perFn) && (perFn as Record<string, Domain>)[k]) return (perFn as Record<string, Domain>)[k];
    const shared = config.domains?.[k];
    if (shared && Array.isArray(shared)) return shared as Domain;
  }
  return [-2, 2];
}

/** Numbers in fixture.json may be written "Infinity", "-Infinity" or "NaN" (JSON has no literal for them). */
export function jsonNumber(v: JsonValue): number {
  if (typeof v === 'number') return v;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (v === 'NaN') return NaN;
  throw new Error(`not a number in fixture.json: ${JSON.stringify(v)}`);
}
