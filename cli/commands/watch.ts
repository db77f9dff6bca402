/**
 * `adc watch <paths…>`: build once, then rebuild what a change affects.
 *
 * Guarantees: after a change (debounced), exactly the generated files whose
 * dependencies include a changed file are rebuilt (editing a callee in another
 * file rebuilds its caller's generated file), plus changed or new sources with
 * marked functions and sources that failed last time; each rebuild prints one
 * line with its time. A source with errors prints its diagnostics and keeps its
 * old generated file; watching goes on and the next good edit recovers. A
 * generated file is never deleted, also when its source is. A change to the
 * tsconfig reloads the project and rebuilds everything; a change to the adc
 * configuration is reported (it takes a restart). SIGINT and SIGTERM stop
 * watching and exit 0.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { outputPath } from '../../compiler';
import { buildAll, buildSource, isFailure, sameOutputs, summary, type SourceOutcome } from '../compile';
import { discover, hasMarker, isGenerated, isSelected, isSourceName } from '../discover';
import { ExitCode } from '../errors';
import { plural, type Reporter } from '../report';
import { CompileSession } from '../session';
import { compileOptions, resolveSettings, type CommonFlags, type Settings } from '../settings';
import { FolderWatcher } from '../watcher';

export async function watch(paths: readonly string[], flags: CommonFlags, reporter: Reporter): Promise<ExitCode> {
  const settings = resolveSettings(paths, flags, reporter.cwd);
  const found = discover(settings);
  const initial = buildAll(found.sources, settings, { write: true }, reporter);
  reporter.line(summary(initial.outcomes, reporter.elapsed()));

  const state = new WatchState(settings, reporter, initial.session, found.sources);
  for (const o of initial.outcomes) state.record(o);
  const watcher = new FolderWatcher((files) => {
    state.changed(files);
    state.watchDependencies(watcher);
  });
  for (const root of settings.roots) {
    if (fs.statSync(root).isDirectory()) watcher.watchTree(root);
    else watcher.watchFolder(path.dirname(root));
  }
  state.watchDependencies(watcher);
  for (const file of [state.tsconfig, settings.config?.file]) if (file) watcher.watchFolder(path.dirname(file));
  // The handlers go in before the line that says we are watching: whoever
  // waits for that line may signal at once.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      watcher.close();
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  reporter.line(`watching ${plural(watcher.folderCount, 'folder')} for changes (press Ctrl-C to stop)`);
  await stopped;
  reporter.line('stopped watching');
  return ExitCode.ok;
}

class WatchState {
  /** Sources with marked functions, as `discover` would find them now. */
  private readonly sources: Set<string>;
  /** For each source built successfully: the files its generated code depends on. */
  private readonly dependencies = new Map<string, readonly string[]>();
  private readonly failed = new Set<string>();

  constructor(
    private readonly settings: Settings,
    private readonly reporter: Reporter,
    private session: CompileSession,
    sources: readonly string[],
  ) {
    this.sources = new Set(sources);
  }

  record(o: SourceOutcome): void {
    if (isFailure(o)) this.failed.add(o.source);
    else this.failed.delete(o.source);
    if (o.generated) this.dependencies.set(o.source, o.generated.dependencies);
  }

  /** Folders of dependencies outside the watched trees (a callee in `lib/` of a source in `src/`). */
  watchDependencies(watcher: FolderWatcher): void {
    for (const deps of this.dependencies.values()) for (const d of deps) watcher.watchFolder(path.dirname(d));
  }

  get tsconfig(): string | undefined {
    return this.session.tsconfig;
  }

  changed(files: readonly string[]): void {
    const started = Date.now();
    const config = this.settings.config?.file;
    if (config && files.includes(config)) this.reporter.line(`${this.reporter.display(config)} changed: restart adc watch to apply it`);
    const relevant = files.filter((f) => isSourceName(f) && !isGenerated(f, this.settings.suffix));
    const tsconfigChanged = this.session.tsconfig !== undefined && files.includes(this.session.tsconfig);
    if (relevant.length === 0 && !tsconfigChanged) return;

    for (const f of relevant) this.updateSource(f);
    const appeared = relevant.some((f) => fs.existsSync(f) && !this.session.contains(f));
    const vanished = relevant.some((f) => !fs.existsSync(f) && this.session.contains(f));
    if (tsconfigChanged || appeared || vanished) {
      // New or deleted files change how imports resolve: load the project anew (~0.5 s).
      this.session = CompileSession.open([...this.sources].sort(), compileOptions(this.settings));
    } else {
      this.session.refresh(relevant.filter((f) => this.session.contains(f)));
    }

    const touched = new Set(relevant);
    const affected = [...this.sources]
      .filter((s) => tsconfigChanged || touched.has(s) || this.failed.has(s) || (this.dependencies.get(s) ?? []).some((d) => touched.has(d)))
      .sort();
    for (const source of affected) this.rebuild(source, started);
  }

  /** Adds or drops `file` from the sources, as its presence, place and text now say. */
  private updateSource(file: string): void {
    const wanted = fs.existsSync(file) && isSelected(file, this.settings) && hasMarker(file);
    if (wanted || !this.sources.has(file)) {
      if (wanted) this.sources.add(file);
      return;
    }
    this.sources.delete(file);
    this.failed.delete(file);
    this.dependencies.delete(file);
    const why = fs.existsSync(file) ? 'has no @differentiable function any more' : 'was deleted';
    const output = outputPath(file, compileOptions(this.settings));
    this.reporter.line(`${this.reporter.display(file)} ${why}; ${this.reporter.display(output)} was left as it is`);
  }

  private rebuild(source: string, started: number): void {
    const o = buildSource(this.session, source, this.settings, { write: true, sameOutput: sameOutputs([...this.sources].sort(), this.settings) }, this.reporter);
    this.record(o);
    const ms = Date.now() - started;
    const shown = this.reporter.display(o.output);
    if (isFailure(o)) {
      const errors = o.diagnostics.filter((d) => d.severity === 'error').length;
      this.reporter.line(`failed ${shown}: ${plural(errors, 'error')}, the file was left as it was (${ms} ms)`);
    } else if (o.change === 'written') this.reporter.line(`rebuilt ${shown} in ${ms} ms`);
    else if (o.change === 'unchanged') this.reporter.line(`rebuilt ${shown} in ${ms} ms (unchanged)`);
  }
}
