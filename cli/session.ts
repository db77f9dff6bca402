/**
 * A loaded project the CLI compiles from, one source at a time.
 *
 * `compileFiles` loads the project and compiles everything in one call; the
 * CLI needs two things it cannot give: progress between files during a long
 * build, and cheap rebuilds in `watch` (reloading the project costs ~0.5 s,
 * refreshing one edited file ~10 ms because the program reuses every unchanged
 * file). So this module keeps the compiler's `LoadedProject` and calls
 * `compileLoaded` on it per source.
 *
 * Guarantees: `compile(source)` returns exactly what `compileFiles([… source …])`
 * would for that source (the compiler's output is a function of the sources);
 * after `refresh(changed)`, the project sees the files' current text.
 */
import * as path from 'node:path';
import { compileLoaded, containsFile, findTsconfig, loadProject, refreshProject, type CompileOptions, type CompileResult, type LoadedProject } from '../compiler';
import { checkTsconfig } from './settings';

export class CompileSession {
  private constructor(
    private loaded: LoadedProject,
    private readonly options: CompileOptions,
  ) {}

  /**
   * Loads the project the sources belong to: `options.tsconfig`, else the
   * nearest tsconfig.json above the first source (checked to be valid JSON).
   */
  static open(sources: readonly string[], options: CompileOptions): CompileSession {
    let tsconfig = options.tsconfig;
    if (tsconfig === undefined && sources.length > 0) {
      tsconfig = findTsconfig(path.dirname(path.resolve(sources[0])));
      if (tsconfig !== undefined) checkTsconfig(tsconfig, tsconfig);
    }
    const opts = { ...options, tsconfig };
    return new CompileSession(loadProject(sources, { tsconfig }), opts);
  }

  /** The tsconfig.json in use, if any. */
  get tsconfig(): string | undefined {
    return this.loaded.tsconfig;
  }

  /** Number of source files in the program (the inputs, what they import, and the libs). */
  get fileCount(): number {
    return this.loaded.program.getSourceFiles().length;
  }

  /** Whether the program contains this file (as an input or imported by one). */
  contains(file: string): boolean {
    return containsFile(this.loaded, file);
  }

  /** Compiles one source of the project (added to it first when it is new). */
  compile(source: string): CompileResult {
    if (!this.contains(source)) this.refresh([source], [source]);
    return compileLoaded({ ...this.loaded, files: [source] }, this.options);
  }

  /**
   * Makes the project see the current text of `changed` files: edited files are
   * re-read, deleted ones dropped, and the `added` sources (new inputs) loaded
   * along with any file they or the edited ones now import.
   */
  refresh(changed: readonly string[], added: readonly string[] = []): void {
    this.loaded = refreshProject(this.loaded, changed, added);
  }
}
