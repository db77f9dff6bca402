/**
 * `adc check <paths…>`: are the generated files on disk exactly what `build` would write?
 *
 * Meant for CI next to checked-in generated files. Compiles in memory and
 * writes nothing.
 *
 * Guarantees: every generated file that is missing, stale (it matches the
 * fingerprint adc wrote in it, but adc build would now write it differently),
 * edited by hand (it no longer matches its fingerprint), out of date (it
 * differs and has no fingerprint: an older adc wrote it), or orphaned (see
 * orphans.ts) is named on its own line, with the first line that differs and
 * what to do; so is every compile diagnostic. A file differing only by CRLF
 * line endings is up to date, as build leaves it alone. Exit code 1 when there
 * is any of these, 0 when everything is up to date.
 */
import { fingerprintOf, isFingerprintLine } from '../../compiler';
import { buildAll, isFailure, type SourceOutcome } from '../compile';
import { discover } from '../discover';
import { ExitCode, fsReason } from '../errors';
import { findOrphans } from '../orphans';
import { readIfExists } from '../output';
import { plural, seconds, type Reporter } from '../report';
import { resolveSettings, type CommonFlags } from '../settings';

type Problem = 'missing' | 'stale' | 'edited by hand' | 'out of date' | 'orphaned' | 'unreadable';

export function check(paths: readonly string[], flags: CommonFlags, reporter: Reporter): ExitCode {
  const settings = resolveSettings(paths, flags, reporter.cwd);
  const found = discover(settings);
  const { outcomes } = buildAll(found.sources, settings, { write: false }, reporter);
  const problems = new Map<Problem, number>();
  const note = (kind: Problem, line: string) => {
    problems.set(kind, (problems.get(kind) ?? 0) + 1);
    reporter.line(line);
  };

  let upToDate = 0;
  let functions = 0;
  for (const o of outcomes) {
    if (!o.generated || isFailure(o)) continue; // its errors were reported: nothing on disk to compare
    // (the build compared the file on disk already: read it again only to say how it differs)
    if (o.change === 'unchanged') {
      upToDate++;
      functions += o.generated.functions.length;
      continue;
    }
    const shown = reporter.display(o.generated.path);
    let onDisk: string | undefined;
    try {
      onDisk = readIfExists(o.generated.path);
    } catch (e) {
      note('unreadable', `${shown}: cannot read it: ${fsReason(e)}`);
      continue;
    }
    if (onDisk === undefined) {
      note('missing', `${shown}: missing (generated from ${reporter.display(o.source)})`);
      continue;
    }
    const lf = onDisk.replace(/\r\n/g, '\n');
    const [kind, what] = difference(lf, o, reporter);
    note(kind, `${shown}:${firstDifference(lf, o.generated.text)}: ${kind}: ${what}`);
  }

  const { orphans } = findOrphans(found, outcomes, settings, reporter);
  for (const { file, why } of orphans) note('orphaned', `${reporter.display(file)}: orphaned: ${why} (adc build --prune deletes it)`);

  const failed = outcomes.filter(isFailure).length;
  const total = outcomes.filter((o) => o.generated && !isFailure(o)).length;
  const time = seconds(reporter.elapsed());
  if (problems.size === 0 && failed === 0) {
    reporter.line(`check: ${plural(upToDate, 'generated file')} up to date (${plural(functions, 'function')}) in ${time}`);
    return ExitCode.ok;
  }
  const parts = [...problems].map(([kind, n]) => `${n} ${kind}`);
  if (failed > 0) parts.push(`${plural(failed, 'source')} with errors`);
  const prune = problems.has('orphaned') ? ' (with --prune to delete the orphaned ones)' : '';
  const advice = problems.size > 0 ? `; run adc build on the same paths to update the generated files${prune}` : '';
  reporter.line(`check failed: ${parts.join(', ')} (${plural(total, 'generated file')} checked) in ${time}${advice}`);
  return ExitCode.diagnostics;
}

/** What kind of difference a generated file on disk has from what build writes, told by its fingerprint, and what to do. */
function difference(onDisk: string, o: SourceOutcome, reporter: Reporter): [Problem, string] {
  const source = reporter.display(o.source);
  switch (fingerprintOf(onDisk)) {
    case 'intact':
      return ['stale', `generated from an older version of ${source} or of code it calls (or by another adc version); run adc build`];
    case 'broken':
      return ['edited by hand', `its text does not match the fingerprint adc wrote in it; adc build would undo the edits: make them in ${source} instead`];
    case 'absent':
      return ['out of date', 'differs from what adc build writes (it has no fingerprint, as an older adc wrote it, so stale and edited by hand cannot be told apart)'];
  }
}

/** The 1-based number of the first line where the texts differ, fingerprint lines aside (a stale file's always differs). */
function firstDifference(a: string, b: string): number {
  const la = a.split('\n');
  const lb = b.split('\n');
  const same = (i: number) => la[i] === lb[i] || (isFingerprintLine(la[i]) && isFingerprintLine(lb[i]));
  let i = 0;
  while (i < la.length && i < lb.length && same(i)) i++;
  if (i === la.length && i === lb.length) return lb.findIndex((l, j) => la[j] !== l) + 1; // only the fingerprint line differs
  return i + 1;
}
