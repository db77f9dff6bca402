/**
 * Writing generated files.
 *
 * Guarantees: a generated file is either left exactly as it was (same bytes,
 * same mtime: when its content would not change, or when writing fails) or
 * replaced whole by the new text: the text goes to a temporary file in the
 * same folder, which is then renamed over the target (atomic on one file
 * system), so no reader and no crash ever sees half a file. A failure is an
 * ADC191 diagnostic with a one-line reason, and leaves no temporary file.
 * A file that differs from the new text only by CRLF line endings (as a git
 * checkout on Windows leaves it) already holds it, and is left alone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../compiler';
import { errors } from '../compiler';
import { fsReason } from './errors';

export type WriteOutcome = { readonly kind: 'written' } | { readonly kind: 'unchanged' } | { readonly kind: 'failed'; readonly diagnostic: Diagnostic };

let counter = 0;

/** Writes `text` to `file` unless it already holds it; `display` is the path shown in errors. */
export function writeIfChanged(file: string, text: string, display: string): WriteOutcome {
  const fail = (e: unknown): WriteOutcome => ({ kind: 'failed', diagnostic: errors.unwritable(display, fsReason(e)) });
  let existing: string | undefined;
  try {
    existing = readIfExists(file);
  } catch (e) {
    return fail(e);
  }
  if (existing !== undefined && holds(existing, text)) return { kind: 'unchanged' };
  const dir = path.dirname(file);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    return fail(e);
  }
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${++counter}.tmp`);
  try {
    fs.writeFileSync(tmp, text, { flag: 'wx' });
    fs.renameSync(tmp, file);
    return { kind: 'written' };
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing was created, or nothing more can be done
    }
    return fail(e);
  }
}

/** Whether a file's text on disk is `text` (LF line endings) once CRLF line endings are read as LF. */
export function holds(onDisk: string, text: string): boolean {
  return onDisk === text || onDisk.replace(/\r\n/g, '\n') === text;
}

/** The file's text, or `undefined` when there is no such file. */
export function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
