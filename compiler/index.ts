/**
 * The pipeline, top to bottom:
 *
 *   load project ─▶ find @differentiable functions ─▶ lower each, and every function it reaches,
 *     to IR (2-lower/program.ts, shared with the plugin's requests) ─▶ check calls (argument writes)
 *     ─▶ differentiate: per function and mode, analyze (3-analyze) then emit (4-differentiate):
 *        f_jvp; f_vjp, f_grad or f_jacobian; helpers per call pattern
 *     ─▶ print `<file>.grad.ts` (5-print), its second line a fingerprint of its text (5-print/header.ts)
 *
 * A file with any error produces no output and its diagnostics: every error of each
 * function and of the functions it reaches, once each, by position; warnings do not
 * stop a file. Other files are unaffected. Output is a pure function of the sources.
 */
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { ConfigError, loadDiagnostics, loadProject, sourceFileOf, syntaxDiagnostics, type LoadedProject } from './1-frontend/project';
import { diskPath } from './1-frontend/file-system';
import { findMarked, moduleFunctions as moduleFunctionsOf, receiverName, type FunctionSource } from './1-frontend/functions';
import { LoweredProgram, internalDiagnostic } from './2-lower/program';
import { findRules } from './1-frontend/rules';
import { differentiateFile, type FileOptions, type MarkedIR } from './4-differentiate';
import type { JsFile } from './5-print/js';
import { RUNTIME_NAMESPACE } from './4-differentiate/context';
import { hessianText } from './hessian';
import { printFile } from './5-print/printer';
import { withFingerprint } from './5-print/header';
import { printIR } from './ir/print';
import { checkArgumentWrites, type ModifiedParams } from './3-analyze/argument-writes';
import { CompileError, errors, formatDiagnostic, hasErrors, inOrder, type Diagnostic, type Position } from './diagnostics/catalog';
import { isArrayType, leavesOf, type IRFunction } from './ir/types';
import { positionOf } from './1-frontend/position';
import { containerType } from './2-lower/types';

export { errors, formatDiagnostic, type Diagnostic };
export { ConfigError, containsFile, findTsconfig, refreshProject, tsconfigDiagnostics } from './1-frontend/project';
export { readSourceText } from './1-frontend/file-system';
export { mentionsTag } from './1-frontend/tags';
export { fingerprintOf, isFingerprintLine, isGeneratedText, sourceNamedIn, type Fingerprint } from './5-print/header';

export interface CompileOptions {
  /** tsconfig.json to use; default: the nearest one above the first input. */
  readonly tsconfig?: string;
  /** Suffix of generated files (default `.grad.ts`). */
  readonly suffix?: string;
  /** Folder for generated files instead of next to each source (mirrors the source tree below `rootDir`). */
  readonly outDir?: string;
  readonly rootDir?: string;
  /** Module specifier of the runtime in generated imports (default `ts-adc/runtime`). */
  readonly runtimeModule?: string;
  /** Also return the IR of every marked function, as text. */
  readonly dumpIR?: boolean;
  /** Marked functions whose reverse mode's value no caller reads (internal: the second pass of `hessian`, which reads only gradients): not computed. */
  readonly valueUnused?: readonly string[];
}

export interface GeneratedFile {
  /** Absolute path of the source file. */
  readonly source: string;
  /** Absolute path of the generated file. */
  readonly path: string;
  /** What `adc build` writes: the header naming the source, the fingerprint line, the code. */
  readonly text: string;
  /** Names of the marked functions it differentiates. */
  readonly functions: readonly string[];
  /** Every source file the generated code depends on (the source and the files of its callees). */
  readonly dependencies: readonly string[];
}

export interface CompileResult {
  readonly files: readonly GeneratedFile[];
  readonly diagnostics: readonly Diagnostic[];
  /** Sources that had errors (nothing generated for them). */
  readonly failed: readonly string[];
  /** Sources scanned. */
  readonly sources: readonly string[];
  readonly ir?: string;
}

export function outputPath(source: string, options: CompileOptions = {}): string {
  const suffix = options.suffix ?? '.grad.ts';
  const base = source.replace(/\.(m|c)?tsx?$/, '');
  if (!options.outDir) return base + suffix;
  const rel = path.relative(options.rootDir ?? path.dirname(source), base);
  return path.join(options.outDir, rel) + suffix;
}

export function compileFiles(files: readonly string[], options: CompileOptions = {}): CompileResult {
  let loaded: LoadedProject;
  try {
    loaded = loadProject(files, { tsconfig: options.tsconfig });
  } catch (e) {
    if (e instanceof ConfigError) return { files: [], diagnostics: e.diagnostics, failed: [...files], sources: [...files] };
    throw e;
  }
  return compileLoaded(loaded, options);
}

/** Compiles sources held in memory (tests, the plugin, second order): `{ '/src/a.ts': '…' }`. */
export function compileSources(sources: Record<string, string>, options: CompileOptions & { noUncheckedIndexedAccess?: boolean } = {}): CompileResult {
  const loaded = loadProject(Object.keys(sources), { inMemory: sources, noUncheckedIndexedAccess: options.noUncheckedIndexedAccess });
  return compileLoaded(loaded, options);
}

export function compileLoaded(loaded: LoadedProject, options: CompileOptions): CompileResult {
  const rules = findRules(loaded.program.getSourceFiles(), loaded.checker);
  const program = new LoweredProgram(loaded.checker, rules);
  const files: GeneratedFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const failed: string[] = [];
  const dumps: string[] = [];
  const compilerOptions = loaded.program.getCompilerOptions();

  /** One source ⇒ its generated file, or its diagnostics. */
  const compileFile = (file: string, sf: ts.SourceFile): Diagnostic[] => {
    const fileDiags: Diagnostic[] = [...loadDiagnostics(loaded, sf), ...syntaxDiagnostics(loaded, sf)];
    if (fileDiags.length > 0) return fileDiags;
    const { marked, diagnostics: tagDiags } = findMarked(sf);
    fileDiags.push(...tagDiags, ...rules.problemsIn(sf.fileName));
    const irs: MarkedIR[] = [];
    const second: { marked: MarkedIR; at: Position }[] = [];
    for (const m of marked) {
      // Every error of the function and of the functions it reaches, not only the first.
      const problems = program.problems(m.source);
      if (problems.length > 0) {
        fileDiags.push(...problems);
        continue;
      }
      try {
        const ir = program.lower(m.source);
        checkCallees(ir, program, loaded);
        irs.push({ ir, wrt: differentiableWrt(ir, m.wrt, m.explicit, m.source) });
        if (m.hessian) second.push({ marked: irs[irs.length - 1], at: positionOf(m.tag ?? m.source.nameNode, sf) });
        if (options.dumpIR) dumps.push(printIR(ir));
      } catch (e) {
        fileDiags.push(...toDiagnostics(e, m.source.name, positionOf(m.source.nameNode, sf)));
      }
    }
    if (hasErrors(fileDiags) || irs.length === 0) return inOrder(fileDiags);
    try {
      const out = outputPath(file, options);
      const fileOptions = {
        sourceLabel: path.relative(path.dirname(out), file).split(path.sep).join('/'),
        runtimeModule: options.runtimeModule ?? 'ts-adc/runtime',
        uncheckedIndex: compilerOptions.noUncheckedIndexedAccess === true,
        importPath: (imported: string) => importPath(out, imported, compilerOptions),
        valueUnused: options.valueUnused,
      };
      const js = differentiateFile(irs, program.get, fileOptions);
      const text = withSecondOrder(js, second, program, fileOptions, fileDiags);
      if (hasErrors(fileDiags)) return inOrder(fileDiags);
      const dependencies = [...new Set([file, ...program.dependencies(irs.map((m) => m.ir))])].sort();
      files.push({ source: file, path: out, text: withFingerprint(text), functions: irs.map((m) => m.ir.name), dependencies });
    } catch (e) {
      fileDiags.push(...toDiagnostics(e, irs.map((m) => m.ir.name).join(', '), positionOf(marked[0].source.nameNode, sf)));
    }
    return inOrder(fileDiags);
  };

  for (const file of loaded.files) {
    const sf = sourceFileOf(loaded, file);
    let fileDiags: Diagnostic[];
    try {
      fileDiags = sf ? compileFile(file, sf) : [errors.unreadable({ file, line: 1, col: 1 }, 'it does not exist (any more)')];
    } catch (e) {
      // Whatever went wrong with this file, the others are still compiled.
      fileDiags = toDiagnostics(e, undefined, { file, line: 1, col: 1 });
    }
    // Warnings are reported, and do not stop the file.
    if (hasErrors(fileDiags)) failed.push(file);
    diagnostics.push(...fileDiags.map(onDisk));
  }
  return { files, diagnostics, failed, sources: loaded.files, ir: options.dumpIR ? dumps.join('\n') : undefined };
}

/**
 * How the generated file `out` imports a file of the project (a user rule's): relative, without
 * extension (`./special` for special.d.ts or special.ts), with `.js` under Node16/NodeNext resolution.
 */
function importPath(out: string, file: string, compilerOptions: ts.CompilerOptions): string {
  const rel = path
    .relative(path.dirname(out), diskPath(file))
    .split(path.sep)
    .join('/')
    .replace(/(\.d)?\.(m|c)?[jt]sx?$/, '');
  const resolution = compilerOptions.moduleResolution;
  const esm = resolution === ts.ModuleResolutionKind.Node16 || resolution === ts.ModuleResolutionKind.NodeNext;
  return `${rel.startsWith('.') ? '' : './'}${rel}${esm ? '.js' : ''}`;
}

/**
 * Lowers every function reachable from `ir`, so that errors in callees are reported before
 * emitting, and rejects calls whose writes to an array argument the caller would see.
 */
function checkCallees(ir: IRFunction, program: LoweredProgram, loaded: LoadedProject): void {
  const memo: ModifiedParams = new Map();
  // Callees first, and the first rejected call only: its callers' calls would be rejected because of it.
  for (const f of program.reach(ir)) checkArgumentWrites(f, program.get, memo, (file) => loaded.program.getSourceFile(file)?.text);
}

/**
 * The printed file, and after it `f_hvp`, `f_hessian` and what they need for each function of
 * `second` (compiler/hessian.ts); a function whose second order cannot be made adds its
 * diagnostic to `diagnostics` instead.
 */
function withSecondOrder(js: JsFile, second: readonly { marked: MarkedIR; at: Position }[], program: LoweredProgram, options: FileOptions, diagnostics: Diagnostic[]): string {
  const made: string[] = [];
  const declared = new Set<string>();
  for (const h of second) {
    const r = hessianText({ ...h, first: js, options, declared }, program.get, (source, wrapper) => {
      const again = compileSources(
        { '/adc/second-order.ts': source },
        { runtimeModule: options.runtimeModule, noUncheckedIndexedAccess: options.uncheckedIndex, valueUnused: [wrapper] },
      );
      return { text: again.files[0]?.text, diagnostics: again.diagnostics };
    });
    if ('diagnostic' in r) diagnostics.push(r.diagnostic);
    else {
      made.push(r.text);
      r.names.forEach((n) => declared.add(n));
    }
  }
  // (second-order code may use the runtime where the first derivatives did not: the file imports it then)
  const needsRuntime = js.imports.length === 0 && made.some((t) => t.includes(`${RUNTIME_NAMESPACE}.`));
  const file = needsRuntime ? { ...js, imports: [{ names: [], namespace: RUNTIME_NAMESPACE, from: options.runtimeModule }] } : js;
  return [printFile(file), ...made].join('\n');
}

function toDiagnostics(e: unknown, fn: string | undefined, at: Position): Diagnostic[] {
  return e instanceof CompileError ? [...e.diagnostics] : [internalDiagnostic(e, fn, at)];
}

/** A diagnostic naming its file by its path on disk. */
function onDisk(d: Diagnostic): Diagnostic {
  return d.file === undefined ? d : { ...d, file: diskPath(d.file) };
}

export { ts };

/** A function to differentiate on request (the plugin's `grad(f, { wrt })`), not through a tag. */
export interface FunctionRequest {
  /** Absolute path of the file declaring the function. */
  readonly file: string;
  readonly name: string;
  /** Parameters to differentiate; all when absent. */
  readonly wrt?: readonly string[];
  /** Prefix of the generated public names: `<prefix>_jvp`, `<prefix>_vjp`, `<prefix>_grad`/`<prefix>_jacobian`. */
  readonly prefix: string;
  /** Also `<prefix>_hvp` and `<prefix>_hessian` (the plugin's `hvp(f)`, `hessian(f)`). */
  readonly hessian?: boolean;
}

export interface RequestResult {
  /**
   * One module with the public functions of every request: it imports the runtime, and the functions
   * with user rules and their rules (from a package, or from a file by the specifier `importPath` gives).
   */
  readonly text: string | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Differentiates the requested functions of a loaded project into one module
 * (used by the compiler plugin, which inlines it into the file that asked).
 */
export function compileRequests(
  loaded: LoadedProject,
  requests: readonly FunctionRequest[],
  options: CompileOptions & { sourceLabel?: string; importPath?: (file: string) => string } = {},
): RequestResult {
  const program = new LoweredProgram(loaded.checker, findRules(loaded.program.getSourceFiles(), loaded.checker));
  const diagnostics: Diagnostic[] = [];
  const marked: MarkedIR[] = [];
  const second: { marked: MarkedIR; at: Position }[] = [];
  const scanned = new Set<ts.SourceFile>();
  for (const r of requests) {
    const sf = sourceFileOf(loaded, r.file);
    // A misspelled @differentiable in a file it compiles from is worth a warning (adc build would skip the function).
    if (sf && !scanned.has(sf)) diagnostics.push(...findMarked(sf).diagnostics.filter((d) => d.severity === 'warning'));
    if (sf) scanned.add(sf);
    const found = sf ? moduleFunctionsOf(sf).find((f) => f.name === r.name) : undefined;
    // (a request naming a matrix or an array of objects differentiates it, as the tag's wrt(…) does: a lowering of its own)
    // (`this` names an instance member's receiver, `self` in generated code)
    const wrt = found?.receiver && r.wrt ? r.wrt.map((n) => (n === 'this' ? receiverName(found) : n)) : r.wrt;
    const src = found && wrt && namesContainer(found, wrt, loaded.checker) ? { ...found, key: `${found.key}#wrt(${wrt.join(',')})`, wrt } : found;
    if (!src) {
      diagnostics.push(errors.unresolvedCall({ file: r.file, line: 1, col: 1 }, `'${r.name}' is not a module-level function of ${r.file}`));
      continue;
    }
    const problems = program.problems(src);
    if (problems.length > 0) {
      diagnostics.push(...problems);
      continue;
    }
    try {
      const ir = program.lower(src);
      checkCallees(ir, program, loaded);
      const params = ir.structure ? ir.structure.params.map((p) => p.name) : ir.params.map((p) => ir.vars[p].name);
      const unknown = (wrt ?? []).filter((w) => !params.includes(w));
      if (unknown.length > 0) {
        diagnostics.push(errors.badTag({ file: r.file, line: 1, col: 1 }, `'${unknown[0]}' is not a parameter of '${r.name}' (parameters: ${params.join(', ')})`));
        continue;
      }
      marked.push({ ir, wrt: differentiableWrt(ir, wrt ?? params, wrt !== undefined, src), prefix: r.prefix });
      if (r.hessian) second.push({ marked: marked[marked.length - 1], at: positionOf(src.nameNode, src.sourceFile) });
    } catch (e) {
      diagnostics.push(...toDiagnostics(e, r.name, positionOf(src.nameNode, src.sourceFile)));
    }
  }
  if (hasErrors(diagnostics) || marked.length === 0) return { text: undefined, diagnostics: inOrder(diagnostics).map(onDisk) };
  try {
    const fileOptions = {
      sourceLabel: options.sourceLabel ?? 'the compiler plugin',
      runtimeModule: options.runtimeModule ?? 'ts-adc/runtime',
      uncheckedIndex: loaded.program.getCompilerOptions().noUncheckedIndexedAccess === true,
      importPath: options.importPath && ((file: string) => options.importPath!(diskPath(file))),
    };
    const js = differentiateFile(marked, program.get, fileOptions);
    const text = withSecondOrder(js, second, program, fileOptions, diagnostics);
    if (hasErrors(diagnostics)) return { text: undefined, diagnostics: inOrder(diagnostics).map(onDisk) };
    return { text, diagnostics: inOrder(diagnostics).map(onDisk) };
  } catch (e) {
    const failure = toDiagnostics(e, requests.map((r) => r.name).join(', '), { file: requests[0].file, line: 1, col: 1 });
    return { text: undefined, diagnostics: inOrder([...diagnostics, ...failure]).map(onDisk) };
  }
}

export { loadProject, type LoadedProject };

/**
 * The parameters of `wrt` that can be differentiated (numbers and numeric
 * arrays). Read-only data and booleans are left out of a default list; naming
 * one in `wrt(...)` is an error, and so is a function left with nothing to
 * differentiate.
 */
function differentiableWrt(ir: IRFunction, wrt: readonly string[], explicit: boolean, src: FunctionSource): string[] {
  const out: string[] = [];
  // An object parameter is differentiated in its numbers and arrays, at any depth.
  if (ir.structure) {
    ir.structure.params.forEach((p, i) => {
      if (!wrt.includes(p.name)) return;
      const leaves = leavesOf(p.shape).filter((v) => ir.vars[v].type === 'number' || isArrayType(ir.vars[v].type));
      if (leaves.length > 0) out.push(...leaves.map((v) => ir.vars[v].name));
      else if (explicit) {
        const node = src.node.parameters[i];
        throw new CompileError(
          errors.notDifferentiable(positionOf(node.name, src.sourceFile), p.name, node.type ? node.type.getText(src.sourceFile) : ir.vars[leavesOf(p.shape)[0]].type),
        );
      }
    });
    if (out.length === 0) throw new CompileError(errors.nothingToDifferentiate(positionOf(src.nameNode, src.sourceFile), ir.name, explicit ? [] : containerParams(src)));
    return out;
  }
  ir.params.forEach((p, i) => {
    const v = ir.vars[p];
    if (!wrt.includes(v.name)) return;
    if (v.type === 'number' || isArrayType(v.type)) out.push(v.name);
    else if (explicit) {
      const node = src.node.parameters[i];
      throw new CompileError(errors.notDifferentiable(positionOf(node.name, src.sourceFile), v.name, node.type ? node.type.getText(src.sourceFile) : v.type));
    }
  });
  if (out.length === 0) throw new CompileError(errors.nothingToDifferentiate(positionOf(src.nameNode, src.sourceFile), ir.name, explicit ? [] : containerParams(src)));
  return out;
}

/** Whether `wrt` names a parameter of `src` that is a matrix or an array of objects. */
function namesContainer(src: FunctionSource, wrt: readonly string[], checker: ts.TypeChecker): boolean {
  return src.node.parameters.some((p) => ts.isIdentifier(p.name) && wrt.includes(p.name.text) && containerType(checker.getTypeAtLocation(p.name), checker) !== undefined);
}

/** The parameters declared as arrays of arrays or of objects (`poly: [number, number][]`, `pts: Point[]`): differentiated only where `wrt(…)` names them. */
function containerParams(src: FunctionSource): string[] {
  return src.node.parameters.flatMap((p) => {
    const t = p.type && p.type.getText(src.sourceFile).replace(/\s+/g, '');
    const array = t !== undefined && /\[\]$/.test(t) && !/^(readonly)?number\[\]$/.test(t);
    return array && ts.isIdentifier(p.name) ? [p.name.text] : [];
  });
}

export { graphFunction, GraphInputError, type GraphRequest, type GraphResult } from './graph';
