/**
 * How the compiler sees files on disk: by any legal POSIX name, and with text
 * decoded as TypeScript decodes it.
 *
 * Names: TypeScript reads every backslash of a path as a folder separator, so
 * `src/a\b.ts` (a legal file name on Linux) would become `src/a/b.ts`, another
 * file. Inside the program a backslash of a real path is therefore written as
 * U+0000, the one character no path can hold: `programPath` and `diskPath`
 * translate (both are identities on paths without these characters), and
 * `DiskFileSystem`, the file system ts-morph is given, translates back before
 * every call to `fs`. Everything the compiler returns holds disk paths.
 *
 * Text: as `ts.sys.readFile` decodes it: a UTF-8 byte-order mark is dropped,
 * UTF-16 with a byte-order mark is decoded, anything else is UTF-8. A file that
 * is not valid UTF-8 is read with replacement characters (as TypeScript does)
 * and remembered, so that compiling it is an error rather than a build from
 * altered text.
 *
 * A file that cannot be read (permissions) reads as empty, and why is kept in
 * `unreadable`, so that it fails alone rather than stopping the program.
 *
 * Files too deep for TypeScript: a file that makes TypeScript's parser or
 * binder run out of stack takes the whole program down with it. After such a
 * failure the loader asks `blockTooDeep` to find it among the files read; from
 * then on it reads as empty, and its diagnostic is kept in `tooDeep`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as morph from 'ts-morph';
import type { FileSystemHost, RuntimeDirEntry } from 'ts-morph';
import type { Diagnostic, Position } from '../diagnostics/catalog';
import { tooDeepToLoad } from './nesting';

// ts-morph tells a missing file by these classes (exported at run time, but not in its typings).
const { FileNotFoundError, DirectoryNotFoundError } = morph as unknown as Record<'FileNotFoundError' | 'DirectoryNotFoundError', new (path: string) => Error>;

/** A path on disk ⇒ the same file's name in the program. */
export function programPath(diskPath: string): string {
  return diskPath.replace(/\\/g, '\0');
}

/** A name in the program (or any text holding some) ⇒ the path on disk. */
export function diskPath(programPath: string): string {
  return programPath.replace(/\0/g, '\\');
}

/** The text of a source file as TypeScript reads it, and where its first byte that is not UTF-8 is. */
export function readSourceText(file: string): { text: string; invalidAt?: number } {
  return decode(fs.readFileSync(file));
}

function decode(bytes: Buffer): { text: string; invalidAt?: number } {
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff)
    return {
      text: Buffer.from(bytes.subarray(0, bytes.length & ~1))
        .swap16()
        .toString('utf16le', 2),
    };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { text: bytes.toString('utf16le', 2) };
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const text = bytes.toString('utf8', start);
  // Replacement characters may also be in the file itself: only a sequence the decoder replaced counts.
  if (!text.includes('\ufffd') || isUtf8(bytes.subarray(start))) return { text };
  let at = start;
  for (let len = sequenceLength(bytes, at); len > 0; len = sequenceLength(bytes, at)) at += len;
  return { text, invalidAt: bytes.toString('utf8', start, at).length };
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Bytes of the valid UTF-8 sequence at `at`, 0 when there is none (or at the end). */
function sequenceLength(bytes: Buffer, at: number): number {
  if (at >= bytes.length) return 0;
  const b = bytes[at];
  const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
  return len > 0 && at + len <= bytes.length && isUtf8(bytes.subarray(at, at + len)) ? len : 0;
}

/** The real file system, seen through program paths. */
export class DiskFileSystem implements FileSystemHost {
  /** Files read that are not valid UTF-8 (program path ⇒ offset of the first replaced character). */
  readonly undecodable = new Map<string, number>();
  /** Files that could not be read, and read as empty (program path ⇒ why, in a few words). */
  readonly unreadable = new Map<string, string>();
  /** Files that read as empty, as they nest too deeply for TypeScript (program path ⇒ ADC119). */
  readonly tooDeep = new Map<string, Diagnostic>();
  private readonly read = new Set<string>();

  isCaseSensitive(): boolean {
    return process.platform !== 'win32' && process.platform !== 'darwin';
  }

  readFileSync(filePath: string): string {
    this.read.add(filePath);
    if (this.tooDeep.has(filePath)) return '';
    let read: { text: string; invalidAt?: number };
    this.unreadable.delete(filePath);
    try {
      read = readSourceText(diskPath(filePath));
    } catch (e) {
      const missing = notFound(e, () => new FileNotFoundError(filePath));
      if (missing !== e) throw missing;
      // Unreadable (permissions, a folder, an I/O error): empty to the program, an error for the file.
      this.unreadable.set(filePath, readFailure(e));
      return '';
    }
    if (read.invalidAt === undefined) this.undecodable.delete(filePath);
    else this.undecodable.set(filePath, read.invalidAt);
    return read.text;
  }

  /**
   * After TypeScript ran out of stack: blocks the files read on which it does;
   * when none does alone, those nesting deeper than the limit. False when
   * there is none to block.
   */
  blockTooDeep(): boolean {
    for (const orDeeperThanLimit of [false, true]) {
      let found = false;
      for (const file of this.read) {
        if (this.tooDeep.has(file)) continue;
        let text: string;
        try {
          text = readSourceText(diskPath(file)).text;
        } catch {
          continue;
        }
        const d = tooDeepToLoad(file, text, orDeeperThanLimit);
        if (d) this.tooDeep.set(file, d);
        found ||= d !== undefined;
      }
      if (found) return true;
    }
    return false;
  }

  /** Files changed on disk: read them afresh (a file too deep may have been fixed). */
  forget(files: readonly string[]): void {
    for (const f of files) this.tooDeep.delete(f);
  }

  readFile(filePath: string): Promise<string> {
    return attempt(() => this.readFileSync(filePath));
  }

  readDirSync(dirPath: string): RuntimeDirEntry[] {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(diskPath(dirPath), { withFileTypes: true });
    } catch (e) {
      throw notFound(e, () => new DirectoryNotFoundError(dirPath));
    }
    return entries.map((e) => {
      const name = path.join(dirPath, programPath(e.name));
      const st = e.isSymbolicLink() ? stat(diskPath(name)) : undefined;
      return { name, isFile: st ? st.isFile() : e.isFile(), isDirectory: st ? st.isDirectory() : e.isDirectory(), isSymlink: e.isSymbolicLink() };
    });
  }

  fileExistsSync(filePath: string): boolean {
    return stat(diskPath(filePath))?.isFile() ?? false;
  }

  fileExists(filePath: string): Promise<boolean> {
    return attempt(() => this.fileExistsSync(filePath));
  }

  directoryExistsSync(dirPath: string): boolean {
    return stat(diskPath(dirPath))?.isDirectory() ?? false;
  }

  directoryExists(dirPath: string): Promise<boolean> {
    return attempt(() => this.directoryExistsSync(dirPath));
  }

  realpathSync(p: string): string {
    return programPath(fs.realpathSync(diskPath(p)));
  }

  getCurrentDirectory(): string {
    return programPath(process.cwd());
  }

  // The compiler never writes, moves or globs through the project: these only keep the contract.
  writeFileSync(filePath: string, text: string): void {
    fs.writeFileSync(diskPath(filePath), text);
  }

  writeFile(filePath: string, text: string): Promise<void> {
    return attempt(() => this.writeFileSync(filePath, text));
  }

  mkdirSync(dirPath: string): void {
    fs.mkdirSync(diskPath(dirPath), { recursive: true });
  }

  mkdir(dirPath: string): Promise<void> {
    return attempt(() => this.mkdirSync(dirPath));
  }

  deleteSync(p: string): void {
    try {
      fs.rmSync(diskPath(p), { recursive: true });
    } catch (e) {
      throw notFound(e, () => new FileNotFoundError(p));
    }
  }

  delete(p: string): Promise<void> {
    return attempt(() => this.deleteSync(p));
  }

  moveSync(from: string, to: string): void {
    fs.renameSync(diskPath(from), diskPath(to));
  }

  move(from: string, to: string): Promise<void> {
    return attempt(() => this.moveSync(from, to));
  }

  copySync(from: string, to: string): void {
    fs.copyFileSync(diskPath(from), diskPath(to));
  }

  copy(from: string, to: string): Promise<void> {
    return attempt(() => this.copySync(from, to));
  }

  globSync(): string[] {
    throw new Error('adc adds every file by its path: globs are not supported');
  }

  glob(): Promise<string[]> {
    return attempt(() => this.globSync());
  }
}

/** Where in a file its first character that is not UTF-8 is, as a position. */
export function undecodablePosition(file: string, text: string, offset: number): Position {
  const before = text.slice(0, offset).split(/\r\n|[\n\r\u2028\u2029]/);
  return { file, line: before.length, col: before[before.length - 1].length + 1, sourceText: text };
}

function stat(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/** Why a file could not be read, in a few words: "permission denied" rather than "EACCES: permission denied, open '…'". */
function readFailure(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return e instanceof Error ? e.message : String(e);
}

function notFound(e: unknown, make: () => Error): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' ? make() : e;
}

function attempt<T>(run: () => T): Promise<T> {
  try {
    return Promise.resolve(run());
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}
