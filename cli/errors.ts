/**
 * Exit codes and the errors that end a command early.
 *
 * Guarantees: every way `adc` can stop maps to one of three exit codes
 * (0 ok, 1 diagnostics, 2 usage), and every error the user can cause is a
 * `UsageError` or a `Diagnostic` printed on one line, never a stack trace.
 * Anything else is an internal error, printed by `internalErrorText`.
 */
import type { Diagnostic } from '../compiler';

export const ExitCode = {
  /** Everything built, checked or watched without a problem. */
  ok: 0,
  /** Compile diagnostics, unwritable output or undeletable orphans, stale, edited or orphaned generated files (check), internal errors, an install without the compiler (install.ts). */
  diagnostics: 1,
  /** Unknown command or option, no paths, a path that does not exist (or is neither a file nor a folder), a bad configuration. */
  usage: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A problem with how `adc` was invoked or configured: printed as one line
 * `adc: error[ ADCnnn]: message`, exit code 2.
 */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The catalog code when there is one (ADC190 for a missing path). */
    readonly code?: string,
  ) {
    super(message);
  }

  static fromDiagnostic(d: Diagnostic): UsageError {
    return new UsageError(d.message, d.code);
  }
}

/** `adc: error ADC190: no such file or directory: src` or `adc: error: unknown key "foo" in adc.config.json`. */
export function errorLine(message: string, code?: string): string {
  return `adc: error${code ? ` ${code}` : ''}: ${message}`;
}

export const reportUrl = 'https://github.com/ts-adc/ts-adc/issues';

/** What an unexpected exception prints: what happened and how to report it (the stack only under ADC_DEBUG). */
export function internalErrorText(e: unknown, debug: boolean): string {
  const message = e instanceof Error ? e.message : String(e);
  const lines = [
    `adc: internal error: ${message}`,
    `This is a bug in adc, not in your code. Please report it at ${reportUrl} with the command you ran,`,
    `the adc version (adc --version) and, if you can, the files involved.`,
  ];
  if (debug && e instanceof Error && e.stack) lines.push(e.stack);
  else lines.push('Run again with ADC_DEBUG=1 to include the stack trace in the report.');
  return lines.join('\n');
}

/** A one-line reason for a failed file-system call: "permission denied" rather than "EACCES: permission denied, open '…'". */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOTDIR':
      return 'a parent of it is a file, not a folder';
    case 'EISDIR':
      return 'it is a folder';
    case 'ENOSPC':
      return 'no space left on device';
    case 'ENOENT':
      return 'its folder does not exist';
    case 'EEXIST':
      return 'a parent of it is a file, not a folder';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}
