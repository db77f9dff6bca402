/**
 * Which files a run compiles.
 *
 * Folders are walked recursively, in sorted order, skipping `node_modules`,
 * hidden folders, declaration files (`*.d.ts`), generated files (the configured
 * suffix and `.grad.ts`) and, for files found in a folder, whatever the
 * configuration's include/exclude globs leave out. A file named on the
 * command line is taken as it is (include/exclude do not apply to it).
 *
 * Guarantees: `sources` holds, sorted and absolute, exactly the selected files
 * whose text contains `@differentiable` or a misspelling of it (compiled to
 * warn about it; the compiler follows their imports itself); `generated` the generated files seen on the way (for `check`);
 * `folders` every folder walked (for `watch`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mentionsTag, readSourceText } from '../compiler';
import { UsageError } from './errors';
import { defaultSuffix, type Settings } from './settings';

export interface Discovery {
  readonly sources: readonly string[];
  readonly generated: readonly string[];
  readonly folders: readonly string[];
}

export function discover(s: Settings): Discovery {
  const sources = new Set<string>();
  const generated = new Set<string>();
  const folders = new Set<string>();
  const visit = (file: string, explicit: boolean) => {
    if (isGenerated(file, s.suffix)) generated.add(file);
    else if (isSourceName(file) && (explicit || s.selects(file)) && hasMarker(file)) sources.add(file);
  };
  const walk = (dir: string, seen: Set<string>) => {
    const real = fs.realpathSync(dir);
    if (seen.has(real)) return; // a symlink cycle
    seen.add(real);
    folders.add(dir);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(dir, entry.name);
      const kind = entry.isSymbolicLink() ? statKind(full) : entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : undefined;
      if (kind === 'dir' && !isSkippedFolder(entry.name)) walk(full, seen);
      else if (kind === 'file') visit(full, false);
    }
  };
  for (const root of s.roots) {
    const kind = statKind(root);
    if (kind === 'dir') walk(root, new Set());
    else if (kind === 'file') visit(root, true);
    // Reading a named pipe or a device would wait forever, or never end.
    else if (statKind(root, true) !== undefined) {
      const shown = path.relative(s.cwd, root);
      throw new UsageError(`${shown.startsWith('..') ? root : shown} is neither a file nor a folder (a pipe, socket or device): name source files and folders`);
    }
  }
  return { sources: [...sources].sort(), generated: [...generated].sort(), folders: [...folders].sort() };
}

/**
 * Whether `file` (which may have just appeared) would be compiled by a run
 * with these settings: the same rules as `discover`, asked of one file.
 */
/** Whether `file` lies outside the folder `dir` (`dir` itself is not outside). */
export function isOutside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel.startsWith('..') || path.isAbsolute(rel);
}

export function isSelected(file: string, s: Settings): boolean {
  if (!isSourceName(file) || isGenerated(file, s.suffix)) return false;
  for (const root of s.roots) {
    if (file === root) return true;
    if (isOutside(file, root)) continue;
    const folders = path.relative(root, file).split(path.sep).slice(0, -1);
    if (folders.some(isSkippedFolder)) continue;
    if (s.selects(file)) return true;
  }
  return false;
}

export function isSkippedFolder(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.');
}

/** `.ts`, `.tsx`, `.mts`, `.cts`, but not a declaration file. */
export function isSourceName(file: string): boolean {
  return /\.(m|c)?tsx?$/.test(file) && !/\.d\.(m|c)?tsx?$/.test(file) && !/\.d\.[^.]+\.ts$/.test(file);
}

export function isGenerated(file: string, suffix: string): boolean {
  return file.endsWith(suffix) || file.endsWith(defaultSuffix);
}

/**
 * Whether the file's text (decoded as the compiler decodes it) mentions the
 * marker, or a misspelling of it; false for what is not a regular file (reading a named pipe would
 * wait forever); true for an unreadable file (left to the compiler to report).
 */
export function hasMarker(file: string): boolean {
  try {
    return fs.statSync(file).isFile() ? mentionsTag(readSourceText(file).text) : false;
  } catch {
    return true;
  }
}

/** A folder, a regular file, or (with `other`) `'other'` for anything else that exists. */
function statKind(p: string, other = false): 'dir' | 'file' | 'other' | undefined {
  try {
    const st = fs.statSync(p);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : other ? 'other' : undefined;
  } catch {
    return undefined; // a dangling symlink
  }
}
