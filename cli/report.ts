/**
 * Everything the CLI prints goes through here.
 *
 * Streams: stdout carries only what was asked for as data (`--dump ir`);
 * diagnostics, status lines, progress and summaries go to stderr, so that
 * `adc build --dump ir src > ir.txt` captures the IR alone.
 *
 * Guarantees: paths are shown relative to the current folder (absolute when
 * outside it); a diagnostic is `path:line:col: error ADCnnn: message` plus its
 * code frame, or `adc: error ADCnnn: message` when it has no position;
 * progress appears only once a command has run longer than one second
 * (ADC_PROGRESS_MS overrides the delay, for tests) and never mixes with other
 * lines.
 */
import * as path from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../compiler';

interface Stream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export class Reporter {
  private readonly progress: Progress;

  constructor(
    readonly cwd: string,
    private readonly err: Stream = process.stderr,
    private readonly out: Stream = process.stdout,
    startedAt: number = Date.now(),
  ) {
    this.progress = new Progress(err, startedAt);
  }

  /** A path as the user should see it. */
  display(file: string): string {
    const rel = path.relative(this.cwd, file);
    return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
  }

  diagnostic(d: Diagnostic): void {
    const text = formatDiagnostic(d, (f) => this.display(f));
    this.line(d.file === undefined ? `adc: ${text}` : text);
  }

  /** A status line on stderr. */
  line(text: string): void {
    this.progress.clear();
    this.err.write(text + '\n');
  }

  /** Requested output on stdout. */
  data(text: string): void {
    this.progress.clear();
    this.out.write(text.endsWith('\n') ? text : text + '\n');
  }

  /** Shows what is being done, if the command has already taken longer than the delay. */
  step(text: string): void {
    this.progress.show(text);
  }

  /** Milliseconds since the command started. */
  elapsed(): number {
    return this.progress.elapsed();
  }
}

/** On a terminal, one line rewritten in place; elsewhere, at most one line per delay. */
class Progress {
  private readonly delay: number;
  private lastShown = -Infinity;
  private onScreen = false;

  constructor(
    private readonly stream: Stream,
    private readonly startedAt: number,
  ) {
    const env = process.env.ADC_PROGRESS_MS;
    this.delay = env !== undefined && /^\d+$/.test(env) ? Number(env) : 1000;
  }

  elapsed(): number {
    return Date.now() - this.startedAt;
  }

  show(text: string): void {
    const now = Date.now();
    if (now - this.startedAt < this.delay) return;
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[K${text}`);
      this.onScreen = true;
    } else if (now - this.lastShown >= this.delay) {
      this.stream.write(`${text}\n`);
      this.lastShown = now;
    }
  }

  clear(): void {
    if (!this.onScreen) return;
    this.stream.write('\r\x1b[K');
    this.onScreen = false;
  }
}

/** `1 file`, `3 files`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `0.4 s`, `12.3 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
