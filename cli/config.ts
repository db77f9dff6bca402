/**
 * Finding and reading the project configuration.
 *
 * Where: `adc.config.json`, or the `"adc"` key of `package.json`, in the
 * current folder; when the current folder has neither, the nearest folder
 * above the first path given that has one. When one folder has both,
 * `adc.config.json` wins.
 *
 * Guarantees: the returned configuration has only known keys with values of
 * the right type; paths in it are still relative to `dir` (the folder of the
 * file they were read from). Anything malformed is a `UsageError` naming the
 * file and the key.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './errors';

export interface AdcConfig {
  /** Globs (relative to the config's folder) a source found in a folder must match to be compiled. */
  readonly include?: readonly string[];
  /** Globs (relative to the config's folder) of sources never compiled when found in a folder. */
  readonly exclude?: readonly string[];
  /** Folder for generated files, mirroring the source tree below the config's folder. */
  readonly outDir?: string;
  /** Suffix of generated files, default `.grad.ts`. */
  readonly suffix?: string;
  /** tsconfig.json to compile with. */
  readonly tsconfig?: string;
}

export interface FoundConfig {
  /** The file it was read from (adc.config.json or package.json), absolute. */
  readonly file: string;
  /** Its folder: relative paths and globs in the configuration are relative to it. */
  readonly dir: string;
  readonly config: AdcConfig;
}

export const configFileName = 'adc.config.json';
const knownKeys: readonly (keyof AdcConfig)[] = ['include', 'exclude', 'outDir', 'suffix', 'tsconfig'];

/** The configuration that applies to a run in `cwd` over `paths` (absolute), if any. */
export function findConfig(cwd: string, paths: readonly string[]): FoundConfig | undefined {
  const here = configIn(cwd);
  if (here || paths.length === 0) return here;
  let dir = isDirectory(paths[0]) ? paths[0] : path.dirname(paths[0]);
  for (;;) {
    const found = configIn(dir);
    if (found) return found;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function configIn(dir: string): FoundConfig | undefined {
  const own = path.join(dir, configFileName);
  if (fs.existsSync(own)) return { file: own, dir, config: validate(readJson(own), configFileName) };
  const pkg = path.join(dir, 'package.json');
  if (!fs.existsSync(pkg)) return undefined;
  const json = readJson(pkg);
  if (!isRecord(json) || json.adc === undefined) return undefined;
  return { file: pkg, dir, config: validate(json.adc, 'package.json "adc"') };
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Checks every key and type; `where` names the place in messages (`adc.config.json`, `package.json "adc"`). */
export function validate(value: unknown, where: string): AdcConfig {
  if (!isRecord(value)) throw new UsageError(`${where} must be an object with keys ${knownKeys.join(', ')}`);
  for (const key of Object.keys(value)) {
    if (!(knownKeys as readonly string[]).includes(key)) throw new UsageError(`${where}: unknown key "${key}" (known keys: ${knownKeys.join(', ')})`);
  }
  const globs = (key: 'include' | 'exclude'): readonly string[] | undefined => {
    const v = value[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((g) => typeof g !== 'string' || g === '')) throw new UsageError(`${where}: "${key}" must be an array of glob strings, e.g. ["src/**/*.ts"]`);
    return v as string[];
  };
  const text = (key: 'outDir' | 'suffix' | 'tsconfig'): string | undefined => {
    const v = value[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') throw new UsageError(`${where}: "${key}" must be a non-empty string`);
    return v;
  };
  return { include: globs('include'), exclude: globs('exclude'), outDir: text('outDir'), suffix: text('suffix'), tsconfig: text('tsconfig') };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
