/**
 * `adc build <paths…>`: compile every selected source and write its generated file.
 *
 * Guarantees: each generated file is written atomically, and only when its
 * text changes; a source with errors gets nothing written (its old generated
 * file stays) while every other source is still built; the exit code is 1
 * when any source failed or any file could not be written, else 0. With
 * `--dry-run` nothing is written; with `--dump ir` the IR of every marked
 * function goes to stdout.
 */
import { discover } from '../discover';
import { buildAll, isFailure, summary } from '../compile';
import { ExitCode } from '../errors';
import type { Reporter } from '../report';
import { resolveSettings, type CommonFlags } from '../settings';

export interface BuildFlags extends CommonFlags {
  /** What to print as data: `ir`. */
  readonly dump?: string;
  readonly dryRun?: boolean;
}

export function build(paths: readonly string[], flags: BuildFlags, reporter: Reporter): ExitCode {
  const settings = resolveSettings(paths, flags, reporter.cwd);
  const { sources } = discover(settings);
  const dryRun = flags.dryRun === true;
  const { outcomes } = buildAll(sources, settings, { write: !dryRun, dumpIR: flags.dump === 'ir' }, reporter);
  if (dryRun) for (const o of outcomes) if (o.change === 'stale') reporter.line(`would write ${reporter.display(o.output)}`);
  reporter.line(summary(outcomes, reporter.elapsed(), dryRun));
  return outcomes.some(isFailure) ? ExitCode.diagnostics : ExitCode.ok;
}
