/**
 * Orphaned generated files: files adc wrote, found under the paths of a run,
 * that no source of the run generates any more. `check` names them, `build
 * --prune` deletes them.
 *
 * Guarantees: a file is an orphan only when it starts with adc's header (a
 * file merely named like a generated file never is one, and is returned among
 * `foreign` instead), and no source of the run generates it because the source
 * its header names is gone, is excluded, marks no function any more, or now
 * generates another file (the suffix or outDir changed). A file whose source
 * still exists outside the paths given is left out: a run over other paths may
 * generate it. Both lists are sorted; `prune` deletes nothing but orphans, and
 * nothing at all when a source of the run had errors.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isGeneratedText, sourceNamedIn } from '../compiler';
import { isFailure, ownsOutput, type SourceOutcome } from './compile';
import { isOutside, isSelected, type Discovery } from './discover';
import { fsReason } from './errors';
import { plural, type Reporter } from './report';
import type { Settings } from './settings';

export interface Orphan {
  readonly file: string;
  /** Why no source generates it: `its source src/a.ts is gone`. */
  readonly why: string;
}

export interface Orphans {
  readonly orphans: readonly Orphan[];
  /** Files named like generated files that no source generates, without adc's header. */
  readonly foreign: readonly string[];
}

export function findOrphans(found: Discovery, outcomes: readonly SourceOutcome[], settings: Settings, reporter: Reporter): Orphans {
  const expected = new Set(outcomes.filter(ownsOutput).map((o) => o.output));
  const bySource = new Map(outcomes.map((o) => [o.source, o]));
  const orphans: Orphan[] = [];
  const foreign: string[] = [];
  for (const file of found.generated) {
    if (expected.has(file)) continue;
    const head = readHead(file);
    if (head === undefined) continue; // unreadable: not ours to judge
    if (!isGeneratedText(head)) {
      foreign.push(file);
      continue;
    }
    const label = sourceNamedIn(head);
    if (label === undefined) {
      orphans.push({ file, why: 'its header names no source, and no checked source generates it' });
      continue;
    }
    const source = path.resolve(path.dirname(file), label);
    const why = whyOrphaned(source, bySource.get(source), settings, (f) => reporter.display(f));
    if (why !== undefined) orphans.push({ file, why });
  }
  return { orphans, foreign };
}

/** Why the source named in an orphan's header generates it no more; undefined when it is outside the paths (not judged). */
function whyOrphaned(source: string, outcome: SourceOutcome | undefined, settings: Settings, display: (file: string) => string): string | undefined {
  const its = `its source ${display(source)}`;
  if (!fs.existsSync(source)) return `${its} is gone`;
  if (settings.roots.every((root) => isOutside(source, root))) return undefined;
  if (!isSelected(source, settings))
    return settings.selects(source)
      ? `${its} is not compiled (adc skips node_modules and hidden folders)`
      : `${its} is excluded by ${settings.config ? display(settings.config.file) : 'include/exclude'}`;
  if (outcome && ownsOutput(outcome)) return `${its} now generates ${display(outcome.output)}`;
  return `${its} has no @differentiable functions any more`;
}

/**
 * `build --prune`: deletes every orphan (or with `dryRun` names it), says which
 * files named like generated files it kept; returns whether every deletion worked.
 */
export function prune(found: Discovery, outcomes: readonly SourceOutcome[], settings: Settings, reporter: Reporter, dryRun: boolean): boolean {
  const failed = outcomes.filter(isFailure).length;
  if (failed > 0) {
    reporter.line(`prune: nothing deleted, as ${plural(failed, 'source')} had errors (fix them and build again to delete orphaned files)`);
    return true;
  }
  const { orphans, foreign } = findOrphans(found, outcomes, settings, reporter);
  let ok = true;
  for (const { file, why } of orphans) {
    const shown = reporter.display(file);
    if (dryRun) {
      reporter.line(`would remove orphaned ${shown} (${why})`);
      continue;
    }
    try {
      fs.rmSync(file);
      reporter.line(`removed orphaned ${shown} (${why})`);
    } catch (e) {
      reporter.line(`${shown}: cannot remove it: ${fsReason(e)}`);
      ok = false;
    }
  }
  for (const file of foreign) reporter.line(`kept ${reporter.display(file)}: no source generates it, but it lacks adc's header, so adc did not write it`);
  return ok;
}

/** The first 4 KB of a file (enough for its header), or undefined when it cannot be read. */
function readHead(file: string): string | undefined {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(4096);
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      return buf.subarray(0, n).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
