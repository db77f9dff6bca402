/**
 * The fixture corpus, as the tests see it.
 *
 * Guarantees: `discoverFixtures()` finds every `fixtures/<group>/<case>/input.ts`
 * (no lists; `errors/` is returned only by `discoverErrorFixtures()`), in a
 * stable order; each fixture's `fixture.json` is validated (an unknown key or a
 * domain for a parameter that does not exist is an error, so typos cannot
 * silently weaken a check); the marked functions are read from the source by
 * this module, independently of the compiler; `checkGolden` implements the
 * golden policy of STYLE.md (UPDATE_GOLDEN=1 rewrites, CI never writes, a
 * missing golden fails, a mismatch leaves `input.grad.actual.ts` beside the
 * golden); `loadFromDisk`
 * executes a file and the project files it imports.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { loadModule, type Module } from './load';

export const FIXTURES_ROOT = path.resolve(__dirname, '../../fixtures');

/**
 * The parameter and return types the generated API supports (DESIGN.md). A union of array types
 * whose kind is known only at run time (`number[] | Float32Array`, `ArrayLike<number>`) is
 * `union:` and the run-time kinds it allows (`union:Array|Float32Array`).
 */
export type NumericType = 'number' | 'number[]' | 'readonly number[]' | 'Float64Array' | 'Float32Array' | UnionType;
export type UnionType = `union:${string}`;

/** `data`: any other parameter type, read-only data the function never differentiates (`number[][]`, an object). */
export type ParamType = NumericType | 'data';

export interface Param {
  readonly name: string;
  readonly type: ParamType;
  /** Declared with a default value (`m = 10`). */
  readonly hasDefault?: boolean;
}

export interface MarkedFunction {
  readonly name: string;
  readonly params: readonly Param[];
  readonly returnType: NumericType;
  /** Indices (into `params`) of the differentiated parameters, in signature order. */
  readonly wrt: readonly number[];
}

/**
 * How to produce one argument: a fixed value, a random integer, an array of random elements, or
 * (for data parameters) a JSON value where `{ "Float64Array": [...] }` (or any typed array name) is that typed array.
 */
export type ArgSpec = number | { readonly int: readonly [number, number] } | { readonly length: number } | { readonly data: unknown };

/** A number of fixture.json (`"NaN"`, `"Infinity"`, `"-Infinity"` allowed), or an array of them. */
export type JsonValue = number | string | readonly (number | string)[];

/** An exact expectation at a point: conventions and classic examples, written by hand from the math. */
export interface ExactCase {
  readonly function: string;
  /** One per parameter; an array parameter takes an array (given the parameter's kind). */
  readonly args: readonly JsonValue[];
  readonly value: number | string;
  /** Gradient of a scalar function, one entry per differentiated parameter (an array for an array). */
  readonly grad: readonly JsonValue[];
  /** `f_jvp` tangent along each unit direction of the flattened differentiated inputs; defaults to `grad` flattened. */
  readonly jvp?: readonly (number | string)[];
  /** Relative tolerance (default 0: bit-exact), of max(1, |expected|), or of |expected| with `relative`. */
  readonly tolerance?: number;
  /** Compare relative to |expected| itself: for values far below 1 (a partial of 3e-201 is not 0). */
  readonly relative?: boolean;
}

export interface FixtureConfig {
  readonly why?: string;
  /** `{ param: [lo, hi] }` for every function, or `{ fn: { param: [lo, hi] } }` per function. Default [-2, 2]. */
  readonly domains?: Record<string, readonly [number, number] | Record<string, readonly [number, number]>>;
  /** Finite-difference relative tolerance (default 1e-6). */
  readonly tolerance?: number;
  /** Dot-product relative tolerance (default 1e-10). */
  readonly dotTolerance?: number;
  /** Random points per function (default 5). */
  readonly points?: number;
  readonly seed?: number;
  /** Finite-difference step (default 1e-6, scaled by max(1, |x|)). */
  readonly step?: number;
  /** Constant and array parameters: `{ n: 40 }`, `{ n: { int: [1, 6] } }`, `{ xs: { length: 8 } }`. */
  readonly args?: Record<string, ArgSpec>;
  readonly exact?: readonly ExactCase[];
}

export interface Fixture {
  /** `group/case`, the name every test of the fixture carries. */
  readonly name: string;
  readonly dir: string;
  readonly input: string;
  readonly golden: string;
  readonly actual: string;
  readonly config: FixtureConfig;
  readonly functions: readonly MarkedFunction[];
}

const configKeys = new Set(['why', 'domains', 'tolerance', 'dotTolerance', 'points', 'seed', 'step', 'args', 'exact']);

function caseDirs(root: string, include: (group: string) => boolean): string[] {
  const out: string[] = [];
  for (const group of fs.readdirSync(root).sort()) {
    const g = path.join(root, group);
    if (!include(group) || !fs.statSync(g).isDirectory()) continue;
    for (const c of fs.readdirSync(g).sort()) if (fs.existsSync(path.join(g, c, 'input.ts'))) out.push(path.join(g, c));
  }
  return out;
}

/** Every executable fixture (all groups but `errors`). Throws on an invalid fixture.json. */
export function discoverFixtures(root = FIXTURES_ROOT): Fixture[] {
  return caseDirs(root, (g) => g !== 'errors').map((dir) => {
    const name = path.relative(root, dir).split(path.sep).join('/');
    const input = path.join(dir, 'input.ts');
    const functions = markedFunctions(fs.readFileSync(input, 'utf8'), input);
    const config = readConfig(dir, name, functions);
    return { name, dir, input, golden: path.join(dir, 'input.grad.ts'), actual: path.join(dir, 'input.grad.actual.ts'), config, functions };
  });
}

/** `fixtures/errors/<case>` folders: `input.ts` (plus siblings) and `expected.txt`. */
export function discoverErrorFixtures(root = FIXTURES_ROOT): { name: string; dir: string; input: string; expected: string }[] {
  return caseDirs(root, (g) => g === 'errors').map((dir) => ({
    name: path.relative(root, dir).split(path.sep).join('/'),
    dir,
    input: path.join(dir, 'input.ts'),
    expected: path.join(dir, 'expected.txt'),
  }));
}

function readConfig(dir: string, name: string, functions: readonly MarkedFunction[]): FixtureConfig {
  const file = path.join(dir, 'fixture.json');
  if (!fs.existsSync(file)) return {};
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as FixtureConfig;
  const bad = (msg: string) => new Error(`${name}/fixture.json: ${msg}`);
  for (const k of Object.keys(config)) if (!configKeys.has(k)) throw bad(`unknown key '${k}' (known: ${[...configKeys].join(', ')})`);
  const params = new Set(functions.flatMap((f) => f.params.map((p) => p.name)));
  const checkParams = (names: string[], where: string, fn?: MarkedFunction) => {
    for (const p of names)
      if (fn ? !fn.params.some((q) => q.name === p) : !params.has(p)) throw bad(`${where} names '${p}', which is not a parameter${fn ? ` of ${fn.name}` : ''}`);
  };
  for (const [k, v] of Object.entries(config.domains ?? {})) {
    if (Array.isArray(v)) checkParams([k], 'domains');
    else {
      const fn = functions.find((f) => f.name === k);
      if (!fn) throw bad(`domains names '${k}', which is neither a parameter nor a marked function`);
      checkParams(Object.keys(v), `domains.${k}`, fn);
    }
  }
  checkParams(Object.keys(config.args ?? {}), 'args');
  for (const [p, spec] of Object.entries(config.args ?? {})) {
    const active = functions.some((f) => f.wrt.some((i) => f.params[i].name === p));
    if (active && (typeof spec === 'number' || 'int' in spec)) throw bad(`args.${p} fixes a differentiated parameter; exclude it with wrt(...)`);
  }
  for (const f of functions)
    for (const q of f.params) {
      const spec = config.args?.[q.name];
      if (q.type === 'data' && (typeof spec !== 'object' || !('data' in spec))) throw bad(`args.${q.name} must give its value as { "data": … }`);
    }
  for (const e of config.exact ?? []) if (!functions.some((f) => f.name === e.function)) throw bad(`exact names '${e.function}', which is not a marked function`);
  return config;
}

/** The domain of parameter `p` of `fn`: per-function entry, then shared entry, then [-2, 2]. */
export function domainOf(config: FixtureConfig, fn: string, p: string): readonly [number, number] {
  const perFn = config.domains?.[fn];
  if (perFn && !Array.isArray(perFn) && (perFn as Record<string, readonly [number, number]>)[p]) return (perFn as Record<string, readonly [number, number]>)[p];
  const shared = config.domains?.[p];
  if (shared && Array.isArray(shared)) return shared as readonly [number, number];
  return [-2, 2];
}

/** Numbers in fixture.json may be written "Infinity", "-Infinity" or "NaN" (JSON has no literal for them). */
export function jsonNumber(v: number | string): number {
  if (typeof v === 'number') return v;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (v === 'NaN') return NaN;
  throw new Error(`not a number in fixture.json: ${JSON.stringify(v)}`);
}

// ---------------------------------------------------------------------------
// Marked functions, read from the source with the TypeScript parser.

function numericType(node: ts.TypeNode | undefined, sf: ts.SourceFile, where: string): NumericType {
  const t = paramType(node, sf);
  if (t === 'data') throw new Error(`${where}: the harness cannot produce values of type '${node!.getText(sf)}'`);
  return t;
}

/** A numeric type, or `data` for anything else (a parameter the function only reads). */
function paramType(node: ts.TypeNode | undefined, sf: ts.SourceFile): ParamType {
  return typeOfText(node ? node.getText(sf).replace(/\s+/g, ' ') : 'number', sf);
}

/**
 * The numeric type of a type's text, `data` when it is none. A union of array types is read
 * member by member; a type alias declared in the same file (`type vec3 = [number, number, number]
 * | Float32Array`) stands for its text.
 */
function typeOfText(text: string, sf: ts.SourceFile, depth = 0): ParamType {
  const alias = sf.statements.find((st): st is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(st) && st.name.text === text);
  if (alias && depth < 5) return typeOfText(alias.type.getText(sf).replace(/\s+/g, ' ').replace(/^\| /, ''), sf, depth + 1);
  const parts = text.split(' | ');
  if (parts.length > 1 || text === 'ArrayLike<number>') {
    const kinds = new Set<string>();
    let readonly = false;
    for (const part of parts) {
      const t = part === 'ArrayLike<number>' ? 'ArrayLike' : typeOfText(part, sf, depth + 1);
      if (t === 'ArrayLike') ['Array', 'Float64Array', 'Float32Array'].forEach((k) => kinds.add(k));
      else if (t === 'Float64Array' || t === 'Float32Array') kinds.add(t);
      else if (t === 'number[]' || t === 'readonly number[]') {
        kinds.add('Array');
        readonly ||= t === 'readonly number[]';
      } else if (t.startsWith('union:'))
        t.slice('union:'.length)
          .split('|')
          .forEach((k) => kinds.add(k));
      else return 'data';
    }
    // Plain arrays only (`number[] | [number, number]`) are one kind, as are typed arrays of one kind.
    if (kinds.size === 1 && kinds.has('Array')) return readonly ? 'readonly number[]' : 'number[]';
    if (kinds.size === 1) return [...kinds][0] as NumericType;
    return `union:${['Array', 'Float64Array', 'Float32Array'].filter((k) => kinds.has(k)).join('|')}`;
  }
  const known: NumericType[] = ['number', 'number[]', 'readonly number[]', 'Float64Array', 'Float32Array'];
  // A tuple of numbers is a numeric array of fixed length.
  const tuple = /^(readonly )?\[number(, number)*\]$/.exec(text);
  if (tuple) return tuple[1] ? 'readonly number[]' : 'number[]';
  if (text === 'ReadonlyArray<number>') return 'readonly number[]';
  return known.find((k) => k === text || (k === 'number[]' && text === 'Array<number>')) ?? 'data';
}

/** The type of an unannotated parameter with a default: data for a string, boolean or object literal, else a number. */
function initializerType(e: ts.Expression): ParamType {
  return ts.isStringLiteral(e) || ts.isObjectLiteralExpression(e) || ts.isArrayLiteralExpression(e) || e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword
    ? 'data'
    : 'number';
}

/** The `@differentiable` functions of a source text, with their parameters and `wrt` indices. */
export function markedFunctions(text: string, file = 'input.ts'): MarkedFunction[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: MarkedFunction[] = [];
  const add = (name: string, tagged: ts.Node, fn: ts.SignatureDeclarationBase) => {
    const tag = ts.getJSDocTags(tagged).find((t) => t.tagName.text === 'differentiable');
    if (!tag) return;
    const params = fn.parameters.map((p) => ({
      name: p.name.getText(sf),
      type: p.type || !p.initializer ? paramType(p.type, sf) : initializerType(p.initializer),
      // Generated signatures give every parameter that may be left out a default (`undefined` for an optional
      // number or one computed from earlier parameters, which the body computes).
      ...(p.initializer || p.questionToken ? { hasDefault: true } : {}),
    }));
    const wrtText = /wrt\s*\(([^)]*)\)/.exec(ts.getTextOfJSDocComment(tag.comment) ?? '');
    // By default every parameter that can be differentiated is.
    const wrtNames = wrtText ? wrtText[1].split(',').map((s) => s.trim()) : params.filter((p) => p.type !== 'data').map((p) => p.name);
    const wrt = params.flatMap((p, i) => (wrtNames.includes(p.name) ? [i] : []));
    out.push({ name, params, returnType: numericType(fn.type, sf, `${file}: return type of ${name}`), wrt });
  };
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name) add(st.name.text, st, st);
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer;
        if (ts.isIdentifier(d.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) add(d.name.text, d, init);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Goldens.

export const goldenMode = {
  update: process.env.UPDATE_GOLDEN === '1',
  ci: process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false',
};

/**
 * Compares `actual` with the fixture's golden. Returns undefined when they agree
 * (after writing it under UPDATE_GOLDEN=1), or a message saying what differs.
 * A golden is only ever written by UPDATE_GOLDEN=1 outside CI, so that blessing
 * output is a decision (a missing golden fails like a different one); outside
 * CI a mismatch leaves the output in input.grad.actual.ts for `diff`.
 */
export function checkGolden(fx: Fixture, actual: string): string | undefined {
  const rel = (p: string) => path.relative(process.cwd(), p);
  const exists = fs.existsSync(fx.golden);
  const expected = exists ? fs.readFileSync(fx.golden, 'utf8') : undefined;
  if (expected !== actual && goldenMode.update && !goldenMode.ci) fs.writeFileSync(fx.golden, actual);
  if (expected === actual || (goldenMode.update && !goldenMode.ci)) {
    if (!goldenMode.ci && fs.existsSync(fx.actual)) fs.unlinkSync(fx.actual);
    return undefined;
  }
  if (!goldenMode.ci) fs.writeFileSync(fx.actual, actual);
  const where = goldenMode.ci ? '' : `; the output is in ${rel(fx.actual)}`;
  const how = 'review it, then UPDATE_GOLDEN=1 npm test writes the golden';
  if (!exists) return `missing golden ${rel(fx.golden)}${where}: ${how}`;
  return `generated code differs from ${rel(fx.golden)} at line ${firstDifferentLine(expected!, actual)}${where ? `${where} (diff ${rel(fx.golden)} ${rel(fx.actual)})` : ''}: ${how}`;
}

function firstDifferentLine(a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `${i + 1}:\n  golden: ${la[i] ?? '<end of file>'}\n  actual: ${lb[i] ?? '<end of file>'}`;
  }
  return '?';
}

// ---------------------------------------------------------------------------
// Executing fixture files.

/**
 * Loads `file` (or `text` standing for it) with every project file it imports
 * through relative specifiers, each loaded once. Cycles between files are an error.
 */
export function loadFromDisk(file: string, text?: string, cache = new Map<string, Module | 'loading'>()): Module {
  const cached = cache.get(file);
  if (cached === 'loading') throw new Error(`import cycle through ${file}: the harness loads acyclic imports only`);
  if (cached && text === undefined) return cached;
  cache.set(file, 'loading');
  const source = text ?? fs.readFileSync(file, 'utf8');
  const siblings: Record<string, Module> = {};
  for (const imp of ts.preProcessFile(source, true, true).importedFiles) {
    const spec = imp.fileName;
    if (!spec.startsWith('.')) continue;
    const target = resolveRelative(path.dirname(file), spec);
    siblings[spec.replace(/^\.\//, '').replace(/\.(js|ts)$/, '')] = loadFromDisk(target, undefined, cache);
  }
  const m = loadModule(source, siblings, file);
  if (text === undefined) cache.set(file, m);
  else cache.delete(file);
  return m;
}

function resolveRelative(dir: string, spec: string): string {
  const base = path.resolve(dir, spec.replace(/\.js$/, ''));
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  throw new Error(`cannot resolve '${spec}' from ${dir}`);
}
