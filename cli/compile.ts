/**
 * One source ⇒ its generated file on disk: the step `build` runs for every
 * source and `watch` for every affected one.
 *
 * Guarantees: the source's compile diagnostics and any write failure are
 * printed (through the reporter) before this returns; nothing is written for a
 * source with errors, so its previous generated file stays as it was (warnings
 * are printed and stop nothing); a source without marked functions yields no
 * output and no error; with an
 * outDir, nothing is ever written outside it; two sources whose generated
 * files would be the same file (`a.ts` and `a.mts`) both get an error, and
 * neither is written.
 */
import { outputPath, type Diagnostic, type GeneratedFile } from '../compiler';
import { errors } from '../compiler';
import { isOutside } from './discover';
import { holds, readIfExists, writeIfChanged } from './output';
import { plural, seconds, type Reporter } from './report';
import { CompileSession } from './session';
import { compileOptions, type Settings } from './settings';

export interface SourceOutcome {
  readonly source: string;
  /** Where its generated file goes (also when it failed). */
  readonly output: string;
  readonly generated?: GeneratedFile;
  /** Compile diagnostics, then the write failure if any. */
  readonly diagnostics: readonly Diagnostic[];
  /**
   * What became of its generated file: `written`, `unchanged` (already held
   * this text), or `stale` (not written because the step does not write, and
   * different from or missing on disk). Absent when there was nothing to write
   * (errors, no marked function) or writing failed.
   */
  readonly change?: 'written' | 'unchanged' | 'stale';
  /** The IR of its marked functions, when the session was opened with `dumpIR`. */
  readonly ir?: string;
}

export interface BuildStep {
  /** Write the generated file (false: compile only, as `--dry-run` and `check` do). */
  readonly write: boolean;
  /** For each source, the other sources of the run with the same generated file (see `sameOutputs`). */
  readonly sameOutput?: ReadonlyMap<string, readonly string[]>;
}

/** Sources ⇒ the other sources whose generated file is the same path (`a.ts` and `a.mts` both make `a.grad.ts`). */
export function sameOutputs(sources: readonly string[], settings: Settings): Map<string, string[]> {
  const bySource = new Map<string, string[]>();
  const byOutput = new Map<string, string[]>();
  for (const s of sources) {
    const out = outputPath(s, compileOptions(settings));
    byOutput.set(out, [...(byOutput.get(out) ?? []), s]);
  }
  for (const group of byOutput.values())
    if (group.length > 1)
      for (const s of group)
        bySource.set(
          s,
          group.filter((o) => o !== s),
        );
  return bySource;
}

export function buildSource(session: CompileSession, source: string, settings: Settings, step: BuildStep, reporter: Reporter): SourceOutcome {
  const result = session.compile(source);
  const diagnostics = [...result.diagnostics];
  const generated = result.files.find((f) => f.source === source);
  const output = generated?.path ?? outputPath(source, compileOptions(settings));
  let change: SourceOutcome['change'];
  const escapes = settings.outDir !== undefined && isOutside(output, settings.outDir);
  const others = step.sameOutput?.get(source) ?? [];
  if (others.length > 0) {
    diagnostics.push(errors.unwritable(reporter.display(output), `it is also the generated file of ${others.map((o) => reporter.display(o)).join(' and ')}: rename one of them`));
  } else if (generated && escapes) {
    const base = settings.config ? `${reporter.display(settings.baseDir)} (the folder of ${reporter.display(settings.config.file)})` : 'the current folder';
    const why = `it would land outside the output folder ${reporter.display(settings.outDir ?? '')}, as its source is not below ${base}; run adc from a folder above all sources, or put adc.config.json there`;
    diagnostics.push(errors.unwritable(reporter.display(output), why));
  } else if (generated && step.write) {
    const write = writeIfChanged(generated.path, generated.text, reporter.display(generated.path));
    if (write.kind === 'failed') diagnostics.push(write.diagnostic);
    else change = write.kind;
  } else if (generated) {
    change = sameOnDisk(generated) ? 'unchanged' : 'stale';
  }
  for (const d of diagnostics) reporter.diagnostic(d);
  return { source, output, generated, diagnostics, change, ir: result.ir };
}

/** Opens the project and builds every source in order, showing progress on long runs. */
export function buildAll(
  sources: readonly string[],
  settings: Settings,
  step: BuildStep & { readonly dumpIR?: boolean },
  reporter: Reporter,
): { session: CompileSession; outcomes: SourceOutcome[] } {
  const session = CompileSession.open(sources, { ...compileOptions(settings), dumpIR: step.dumpIR });
  const sameOutput = sameOutputs(sources, settings);
  reporter.step(`adc: loaded ${plural(session.fileCount, 'file')}${session.tsconfig ? ` with ${reporter.display(session.tsconfig)}` : ''}`);
  const outcomes: SourceOutcome[] = [];
  sources.forEach((source, i) => {
    reporter.step(`adc: compiling ${i + 1}/${sources.length} ${reporter.display(source)}`);
    const o = buildSource(session, source, settings, { ...step, sameOutput }, reporter);
    if (step.dumpIR && o.ir) reporter.data(o.ir);
    outcomes.push(o);
  });
  return { session, outcomes };
}

/** `built 3 files, 7 functions in 0.4 s (1 unchanged, 1 failed, 2 warnings)`. */
export function summary(outcomes: readonly SourceOutcome[], ms: number, dryRun = false): string {
  const built = outcomes.filter((o) => o.change !== undefined && !isFailure(o));
  const functions = built.reduce((n, o) => n + (o.generated?.functions.length ?? 0), 0);
  const unchanged = built.filter((o) => o.change === 'unchanged').length;
  const failed = outcomes.filter(isFailure).length;
  const warnings = outcomes.reduce((n, o) => n + o.diagnostics.filter((d) => d.severity === 'warning').length, 0);
  const notes = [unchanged > 0 ? `${unchanged} unchanged` : '', failed > 0 ? `${failed} failed` : '', warnings > 0 ? plural(warnings, 'warning') : ''].filter((n) => n !== '');
  // (a file may mention the tag, or a misspelling of it, and mark nothing)
  if (outcomes.every((o) => o.generated === undefined && !isFailure(o))) notes.push('no @differentiable functions found');
  const head = dryRun ? 'dry run: would build' : 'built';
  const tail = dryRun ? '; nothing written' : '';
  return `${head} ${plural(built.length, 'file')}, ${plural(functions, 'function')} in ${seconds(ms)}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}${tail}`;
}

/** The source claims its output path: it generates the file, or would but for its errors (which keep the file as it is). */
export function ownsOutput(o: SourceOutcome): boolean {
  return o.generated !== undefined || isFailure(o);
}

/** A source is a failure when it has an error diagnostic or its output could not be written. */
export function isFailure(o: SourceOutcome): boolean {
  return o.diagnostics.some((d) => d.severity === 'error');
}

function sameOnDisk(g: GeneratedFile): boolean {
  try {
    const onDisk = readIfExists(g.path);
    return onDisk !== undefined && holds(onDisk, g.text);
  } catch {
    return false;
  }
}
