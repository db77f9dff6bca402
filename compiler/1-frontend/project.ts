/**
 * Loading the user's project.
 *
 * Guarantees: every requested file is in the returned project together with the
 * files it imports (so callees resolve across files and re-exports); compiler
 * options come from the nearest `tsconfig.json` above the inputs when there is
 * one (or the one given); syntax errors are returned as ADC100 diagnostics.
 * Files are named by their paths on disk here, whatever characters these hold
 * (`file-system.ts` says how the program names them). A file that cannot be
 * read, or that TypeScript itself cannot parse or bind for lack of stack,
 * reads as empty and has its diagnostic (`loadDiagnostics`): the others load.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Project, ts } from 'ts-morph';
import { errors, type Diagnostic } from '../diagnostics/catalog';
import { DiskFileSystem, programPath, undecodablePosition } from './file-system';
import { isStackOverflow } from './nesting';

export interface LoadedProject {
  readonly project: Project;
  readonly checker: ts.TypeChecker;
  readonly program: ts.Program;
  /** The requested source files, absolute paths on disk, in a stable order. */
  readonly files: readonly string[];
  readonly tsconfig: string | undefined;
  /** The file system the project reads through (absent for sources held in memory). */
  readonly fileSystem?: DiskFileSystem;
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
export function loadProject(files: readonly string[], options: { tsconfig?: string; inMemory?: Record<string, string>; noUncheckedIndexedAccess?: boolean } = {}): LoadedProject {
  const absFiles = [...new Set(files.map((f) => path.resolve(f)))].sort();
  if (options.inMemory) {
    const project = new Project({ useInMemoryFileSystem: true, compilerOptions: { ...defaultOptions, noUncheckedIndexedAccess: options.noUncheckedIndexedAccess } });
    for (const [name, text] of Object.entries(options.inMemory)) project.createSourceFile(name, text, { overwrite: true });
    const program = project.getProgram().compilerObject;
    const inputs = Object.keys(options.inMemory).map((f) => project.getSourceFileOrThrow(f).getFilePath());
    return { project, checker: program.getTypeChecker(), program, files: inputs.sort(), tsconfig: undefined };
  }
  const tsconfig = options.tsconfig ?? (absFiles.length > 0 ? findTsconfig(path.dirname(absFiles[0])) : undefined);
  if (tsconfig) {
    const problems = tsconfigDiagnostics(tsconfig);
    if (problems.length > 0) throw new ConfigError(problems);
  }
  const fileSystem = new DiskFileSystem();
  return untilLoaded(fileSystem, () => {
    const project = tsconfig
      ? new Project({ fileSystem, tsConfigFilePath: programPath(tsconfig), skipAddingFilesFromTsConfig: true, compilerOptions: { noEmit: true, skipLibCheck: true } })
      : new Project({ fileSystem, compilerOptions: defaultOptions });
    // A file gone since it was named (deleted meanwhile) is reported by the compile, not thrown here.
    for (const f of absFiles) if (fileSystem.fileExistsSync(programPath(f))) project.addSourceFileAtPath(programPath(f));
    project.resolveSourceFileDependencies();
    const program = project.getProgram().compilerObject;
    return { project, checker: program.getTypeChecker(), program, files: absFiles, tsconfig, fileSystem };
  });
}

/**
 * Runs `load` again after TypeScript ran out of stack on a file too deep for
 * it (parsing or binding), with that file read as empty, until it succeeds.
 */
function untilLoaded(fileSystem: DiskFileSystem, load: () => LoadedProject): LoadedProject {
  for (;;) {
    try {
      return load();
    } catch (e) {
      if (!isStackOverflow(e) || !fileSystem.blockTooDeep()) throw e;
    }
  }
}

/** The program's source file of a file on disk. */
export function sourceFileOf(loaded: LoadedProject, file: string): ts.SourceFile | undefined {
  return loaded.program.getSourceFile(loaded.fileSystem ? programPath(file) : file);
}

/** Whether the project holds this file (as an input or imported by one). */
export function containsFile(loaded: LoadedProject, file: string): boolean {
  return loaded.project.getSourceFile(loaded.fileSystem ? programPath(file) : file) !== undefined;
}

/**
 * The project with the current text of `changed` files: edited files are
 * re-read, deleted ones dropped, and the `added` files loaded along with any
 * file they or the edited ones now import. Cheap: the program reuses every
 * unchanged file.
 */
export function refreshProject(loaded: LoadedProject, changed: readonly string[], added: readonly string[] = []): LoadedProject {
  const { project, fileSystem } = loaded;
  const name = (file: string) => (fileSystem ? programPath(file) : file);
  fileSystem?.forget(changed.map(name));
  try {
    for (const file of changed) {
      const sf = project.getSourceFile(name(file));
      if (sf && fs.existsSync(file)) sf.refreshFromFileSystemSync();
      else if (sf) project.removeSourceFile(sf);
    }
    for (const file of added) if (!project.getSourceFile(name(file)) && fs.existsSync(file)) project.addSourceFileAtPath(name(file));
    project.resolveSourceFileDependencies();
    const program = project.getProgram().compilerObject;
    return { ...loaded, program, checker: program.getTypeChecker() };
  } catch (e) {
    // A changed file too deep for TypeScript: load the project anew, without it.
    if (!isStackOverflow(e) || !fileSystem) throw e;
    return loadProject(
      [...loaded.files, ...added].filter((f) => fs.existsSync(f)),
      { tsconfig: loaded.tsconfig },
    );
  }
}

/** Problems with the file as read: unreadable or not UTF-8 (ADC193), too deep for TypeScript (ADC119). */
export function loadDiagnostics(loaded: LoadedProject, sf: ts.SourceFile): Diagnostic[] {
  const why = loaded.fileSystem?.unreadable.get(sf.fileName);
  if (why !== undefined) return [errors.unreadable({ file: sf.fileName, line: 1, col: 1 }, why)];
  const deep = loaded.fileSystem?.tooDeep.get(sf.fileName);
  if (deep) return [deep];
  const at = loaded.fileSystem?.undecodable.get(sf.fileName);
  return at === undefined ? [] : [errors.notUtf8(undecodablePosition(sf.fileName, sf.text, at))];
}

/** ADC100 for every syntax error of a file. */
export function syntaxDiagnostics(loaded: LoadedProject, sf: ts.SourceFile): Diagnostic[] {
  return loaded.program.getSyntacticDiagnostics(sf).map((d) => {
    const start = d.start ?? 0;
    const { line, character } = sf.getLineAndCharacterOfPosition(start);
    return errors.syntax(
      { file: sf.fileName, line: line + 1, col: character + 1, length: d.length ?? 1, sourceText: sf.text },
      ts.flattenDiagnosticMessageText(d.messageText, ' '),
    );
  });
}
