/**
 * One build of the user's program: which functions its files ask for, one
 * ts-morph project for all of them, one compile per file.
 *
 * Guarantees: per user program, each file is scanned once, the ts-morph
 * project is loaded at most once (from the files declaring the requested
 * functions and the files mentioning @jvp or @vjp, with the program's own
 * tsconfig) and `compileRequests` runs at most once per file; within a file,
 * equal requests (same function, same `wrt`) share one prefix and different
 * requests get different prefixes.
 * Nothing crosses between the user's `typescript` and ts-morph's but file
 * paths, names and the generated module's text.
 */
import type * as ts from 'typescript';
import { compileRequests, loadProject, type Diagnostic, type FunctionRequest, type LoadedProject } from '../compiler/index';
import { scanFile, type MarkerCall, type Scan } from './scan';

export interface FileCompile {
  /** The generated module (undefined when the compiler reported errors). */
  readonly text: string | undefined;
  readonly diagnostics: readonly Diagnostic[];
  /** The prefix of each call's generated functions: `<prefix>_grad`, … */
  readonly prefixes: ReadonlyMap<MarkerCall, string>;
  /** The files of the project the module imports (user rules), by `fileSpecifier`: `ts-adc-file:<index>`. */
  readonly files: readonly string[];
}

/** How the generated module names a file of the project it imports (inline.ts gives it the user's file's own way). */
export const fileSpecifier = 'ts-adc-file:';

export class Session {
  private readonly scans = new Map<string, Scan>();
  private readonly compiles = new Map<string, FileCompile>();
  private loaded: LoadedProject | undefined;
  /** Keys of the diagnostics already reported for this program (a callee's error is reported once). */
  readonly reported = new Set<string>();

  constructor(
    private readonly t: typeof ts,
    private readonly program: ts.Program,
  ) {}

  checker(): ts.TypeChecker {
    return this.program.getTypeChecker();
  }

  options(): ts.CompilerOptions {
    return this.program.getCompilerOptions();
  }

  scan(sf: ts.SourceFile): Scan {
    let s = this.scans.get(sf.fileName);
    if (!s || s.sourceFile !== sf) {
      s = scanFile(this.t, this.program.getTypeChecker(), sf);
      this.scans.set(sf.fileName, s);
    }
    return s;
  }

  /** Differentiates every function `sf` asks for, into one module (cached). */
  compile(sf: ts.SourceFile): FileCompile {
    const cached = this.compiles.get(sf.fileName);
    if (cached) return cached;
    const calls = this.scan(sf).calls;
    const prefixes = new Map<MarkerCall, string>();
    const requests = new Map<string, FunctionRequest>();
    const used = new Set<string>();
    for (const c of calls) {
      const key = `${c.file}#${c.name}#${c.wrt?.join(',') ?? '*'}`;
      let r = requests.get(key);
      if (!r) {
        r = { file: c.file, name: c.name, wrt: c.wrt, prefix: unique(c.wrt ? `${c.name}_wrt_${c.wrt.join('_')}` : c.name, used) };
        requests.set(key, r);
      }
      // (hvp(f) and hessian(f) need the second-order functions: made for every call of f with that wrt)
      if ((c.kind === 'hvp' || c.kind === 'hessian') && !r.hessian) requests.set(key, (r = { ...r, hessian: true }));
      prefixes.set(c, r.prefix);
    }
    const files: string[] = [];
    const importPath = (file: string): string => {
      if (!files.includes(file)) files.push(file);
      return `${fileSpecifier}${files.indexOf(file)}`;
    };
    const result = compileRequests(this.project(), [...requests.values()], { sourceLabel: sf.fileName, importPath });
    const compiled: FileCompile = { text: result.text, diagnostics: result.diagnostics, prefixes, files };
    this.compiles.set(sf.fileName, compiled);
    return compiled;
  }

  /** The ts-morph project holding every function any file of the program asks for. */
  private project(): LoadedProject {
    if (this.loaded) return this.loaded;
    const files = new Set<string>();
    for (const sf of this.program.getSourceFiles()) {
      if (sf.isDeclarationFile || this.program.isSourceFileFromExternalLibrary(sf)) continue;
      for (const c of this.scan(sf).calls) files.add(c.file);
      // (user rules apply wherever they are written, as adc build finds them in every file it compiles)
      if (/@(jvp|vjp)\b/.test(sf.text)) files.add(sf.fileName);
    }
    const configFilePath = this.program.getCompilerOptions().configFilePath;
    const tsconfig = typeof configFilePath === 'string' ? configFilePath : undefined;
    this.loaded = loadProject([...files].sort(), { tsconfig });
    return this.loaded;
  }
}

const sessions = new WeakMap<ts.Program, Session>();

/** The session of a program (ts-patch creates the transformer once per emit; a program may emit several times). */
export function sessionOf(t: typeof ts, program: ts.Program): Session {
  let s = sessions.get(program);
  if (!s) {
    s = new Session(t, program);
    sessions.set(program, s);
  }
  return s;
}

function unique(base: string, used: Set<string>): string {
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
  used.add(name);
  return name;
}
