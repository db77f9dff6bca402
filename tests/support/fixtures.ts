/**
 * The fixture corpus, as the tests see it.
 *
 * Guarantees: `discoverFixtures()` finds every `fixtures/<group>/<case>/input.ts`
 * (no lists; `errors/` is returned only by `discoverErrorFixtures()`), in a
 * stable order; each fixture's `fixture.json` is validated (config.ts: an
 * unknown key or a domain for a parameter that does not exist is an error, so
 * typos cannot silently weaken a check); the marked functions are read from the
 * source independently of the compiler (signatures.ts), a void one with the
 * parameter fixture.json's `writes` names as its value; `checkGolden` implements the
 * golden policy of STYLE.md (UPDATE_GOLDEN=1 rewrites, CI never writes, a
 * missing golden fails, a mismatch leaves `input.grad.actual.ts` beside the
 * golden); `loadFromDisk`
 * executes a file and the project files it imports.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { readConfig, withWrites, type FixtureConfig } from './config';
import { loadModule, type Module } from './load';
import { markedFunctions, type MarkedFunction } from './signatures';

export const FIXTURES_ROOT = path.resolve(__dirname, '../../fixtures');

export type { DataType, NumericType, ObjectType, ParamType, Property, UnionType } from './shapes';
export type { MarkedFunction, Param } from './signatures';
export type { ArgSpec, ExactCase, FixtureConfig, JsonValue } from './config';
export { domainOf, jsonNumber } from './config';
export { markedFunctions, valueType } from './signatures';

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
    const declared = markedFunctions(fs.readFileSync(input, 'utf8'), input);
    const config = readConfig(dir, name, declared);
    const functions = withWrites(declared, config);
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
  for (const candidate of [base, `${base}.ts`, `${base}.js`, path.join(base, 'index.ts')]) if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  throw new Error(`cannot resolve '${spec}' from ${dir}`);
}
