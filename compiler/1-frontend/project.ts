/**
 * Loading the user's project.
 *
 * Guarantees: every requested file is in the returned project together with the
 * files it imports (so callees resolve across files and re-exports); compiler
 * options come from the nearest `tsconfig.json` above the inputs when there is
 * one (or the one given); syntax errors are returned as ADC100 diagnostics.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Project, ts } from 'ts-morph';
import { errors, type Diagnostic } from '../diagnostics/catalog';

export interface LoadedProject {
  readonly project: Project;
  readonly checker: ts.TypeChecker;
  readonly program: ts.Program;
  /** The requested source files, absolute paths, in a stable order. */
  readonly files: readonly string[];
  readonly tsconfig: string | undefined;
}

/** The nearest tsconfig.json in `dir` or above it. */
export function findTsconfig(dir: string): string | undefined {
  let d = path.resolve(dir);
  for (;;) {
    const candidate = path.join(d, 'tsconfig.json');
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(d);
    if (parent === d) return undefined;
    d = parent;
  }
}

const defaultOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  lib: ['lib.es2022.d.ts'],
  types: [],
};

/** Problems with a tsconfig.json (unreadable JSON, a missing `extends`, unknown options), as ADC192 diagnostics. */
export function tsconfigDiagnostics(tsconfig: string): Diagnostic[] {
  const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
  const text = (d: ts.Diagnostic) => ts.flattenDiagnosticMessageText(d.messageText, ' ');
  if (read.error) return [errors.tsconfig(tsconfig, text(read.error))];
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(tsconfig), undefined, tsconfig);
  // "No inputs were found" does not matter: the files to compile are given explicitly.
  return parsed.errors.filter((d) => d.code !== 18003).map((d) => errors.tsconfig(tsconfig, text(d)));
}

export class ConfigError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('; '));
  }
}

/** Throws ConfigError when the tsconfig.json in use is broken. */
export function loadProject(files: readonly string[], options: { tsconfig?: string; inMemory?: Record<string, string> } = {}): LoadedProject {
  const absFiles = [...new Set(files.map((f) => path.resolve(f)))].sort();
  let project: Project;
  let tsconfig: string | undefined;
  if (options.inMemory) {
    project = new Project({ useInMemoryFileSystem: true, compilerOptions: defaultOptions });
    for (const [name, text] of Object.entries(options.inMemory)) project.createSourceFile(name, text, { overwrite: true });
  } else {
    tsconfig = options.tsconfig ?? (absFiles.length > 0 ? findTsconfig(path.dirname(absFiles[0])) : undefined);
    if (tsconfig) {
      const problems = tsconfigDiagnostics(tsconfig);
      if (problems.length > 0) throw new ConfigError(problems);
    }
    project = tsconfig
      ? new Project({ tsConfigFilePath: tsconfig, skipAddingFilesFromTsConfig: true, compilerOptions: { noEmit: true, skipLibCheck: true } })
      : new Project({ compilerOptions: defaultOptions });
    for (const f of absFiles) project.addSourceFileAtPath(f);
    project.resolveSourceFileDependencies();
  }
  const program = project.getProgram().compilerObject;
  return { project, checker: program.getTypeChecker(), program, files: options.inMemory ? Object.keys(options.inMemory).map((f) => project.getSourceFileOrThrow(f).getFilePath()).sort() : absFiles, tsconfig };
}

/** ADC100 for every syntax error of a file. */
export function syntaxDiagnostics(loaded: LoadedProject, file: string): Diagnostic[] {
  const sf = loaded.program.getSourceFile(file);
  if (!sf) return [];
  return loaded.program.getSyntacticDiagnostics(sf).map((d) => {
    const start = d.start ?? 0;
    const { line, character } = sf.getLineAndCharacterOfPosition(start);
    return errors.syntax(
      { file: sf.fileName, line: line + 1, col: character + 1, length: d.length ?? 1, sourceText: sf.text },
      ts.flattenDiagnosticMessageText(d.messageText, ' '),
    );
  });
}
