/**
 * `adc build <paths…>`: compile every selected source and write its generated file.
 *
 * Guarantees: each generated file is written atomically, and only when its
 * text changes; a source with errors gets nothing written (its old generated
 * file stays) while every other source is still built; the exit code is 1
 * when any source failed or any file could not be written or deleted, else 0.
 * With `--dry-run` nothing is written; with `--dump ir` the IR of every marked
 * function goes to stdout; with `--prune` the orphaned generated files found
 * under the paths are deleted (see orphans.ts), each named on its own line,
 * and none when any source had errors.
 */
import { discover } from '../discover';
import { buildAll, isFailure, summary } from '../compile';
import { ExitCode } from '../errors';
import { prune } from '../orphans';
import type { Reporter } from '../report';
import { resolveSettings, type CommonFlags } from '../settings';

export interface BuildFlags extends CommonFlags {
  /** What to print as data: `ir`. */
  readonly dump?: string;
  readonly dryRun?: boolean;
  readonly prune?: boolean;
}

export function build(paths: readonly string[], flags: BuildFlags, reporter: Reporter): ExitCode {
  const settings = resolveSettings(paths, flags, reporter.cwd);
  const found = discover(settings);
  const dryRun = flags.dryRun === true;
  const { outcomes } = buildAll(found.sources, settings, { write: !dryRun, dumpIR: flags.dump === 'ir' }, reporter);
  if (dryRun) for (const o of outcomes) if (o.change === 'stale') reporter.line(`would write ${reporter.display(o.output)}`);
  const pruned = flags.prune === true ? prune(found, outcomes, settings, reporter, dryRun) : true;
  reporter.line(summary(outcomes, reporter.elapsed(), dryRun));
  return outcomes.some(isFailure) || !pruned ? ExitCode.diagnostics : ExitCode.ok;
}
