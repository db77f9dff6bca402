/**
 * The functions of one project, lowered once each, on demand: the marked (or
 * requested) functions and every function they reach. The CLI's and the
 * plugin's pipelines share it, with the same error handling.
 *
 * Guarantees: `problems(root)` lowers everything `root` calls, transitively
 * (callees of functions with errors too), and returns the errors of all of
 * them, so that every callee's error is reported before anything is emitted;
 * after it, `get` only looks up (later phases never lower). An unexpected
 * exception while lowering a function is an ADC199 at that function, never a
 * crash of the others.
 */
import type { ts } from 'ts-morph';
import { CompileError, errors, inOrder, type Diagnostic, type Position } from '../diagnostics/catalog';
import type { FunctionSource } from '../1-frontend/functions';
import type { RuleTable } from '../1-frontend/rules';
import { diskPath } from '../1-frontend/file-system';
import { positionOf } from '../1-frontend/position';
import type { IRFunction } from '../ir/types';
import { forEachStmt } from '../ir/walk';
import { lowerFunction } from './index';

interface Entry {
  /** Undefined when the function has errors. */
  readonly ir: IRFunction | undefined;
  /** Keys of the functions it calls (also when it has errors: theirs are reported too). */
  readonly callees: readonly string[];
  /** Files besides its own that its meaning depends on. */
  readonly files: ReadonlySet<string>;
  readonly diagnostics: readonly Diagnostic[];
}

export class LoweredProgram {
  private readonly entries = new Map<string, Entry>();
  private readonly sources = new Map<string, FunctionSource>();

  constructor(
    private readonly checker: ts.TypeChecker,
    /** The project's user rules: a call of a function with rules is lowered as a call of the rules. */
    private readonly rules?: RuleTable,
  ) {}

  /** The IR of a function (lowered now if it was not yet); a CompileError with its errors when it has any. */
  lower(src: FunctionSource): IRFunction {
    const entry = this.entry(src);
    if (!entry.ir) throw new CompileError(entry.diagnostics);
    return entry.ir;
  }

  /** The errors of `root` and of every function it reaches (also through functions with errors), once each, by position. */
  problems(root: FunctionSource): Diagnostic[] {
    const found: Diagnostic[] = [];
    const seen = new Set<string>();
    const visit = (src: FunctionSource) => {
      if (seen.has(src.key)) return;
      seen.add(src.key);
      const entry = this.entry(src);
      found.push(...entry.diagnostics);
      for (const key of entry.callees) visit(this.sources.get(key)!);
    };
    visit(root);
    return inOrder(found);
  }

  private entry(src: FunctionSource): Entry {
    this.sources.set(src.key, src);
    let entry = this.entries.get(src.key);
    if (!entry) {
      try {
        // Tests make one function fail as a bug in adc would.
        if (process.env.ADC_TEST_INTERNAL_ERROR_IN === src.name) throw new Error('injected by ADC_TEST_INTERNAL_ERROR_IN');
        const lowered = lowerFunction(src, this.checker, this.rules);
        for (const [k, s] of lowered.callees) this.sources.set(k, s);
        const ok = lowered.diagnostics.length === 0;
        entry = { ir: ok ? lowered.ir : undefined, callees: [...lowered.callees.keys()], files: lowered.files, diagnostics: lowered.diagnostics };
      } catch (e) {
        // An unexpected exception names the function it happened in, not only the marked one that called it.
        const diagnostics = e instanceof CompileError ? e.diagnostics : [internalDiagnostic(e, src.name, positionOf(src.nameNode, src.sourceFile))];
        entry = { ir: undefined, callees: [], files: new Set(), diagnostics };
      }
      this.entries.set(src.key, entry);
    }
    return entry;
  }

  /** Every function `root` reaches (itself included), lowered, callees before their callers. */
  reach(root: IRFunction): IRFunction[] {
    const order: IRFunction[] = [];
    const seen = new Set<string>();
    const visit = (ir: IRFunction) => {
      if (seen.has(ir.key)) return;
      seen.add(ir.key);
      forEachStmt(ir.body, (s) => {
        if (s.kind === 'op' && s.op === 'call') visit(this.lowerKey(s.callee));
      });
      order.push(ir);
    };
    visit(root);
    return order;
  }

  /** The IR of a function already reached: a lookup, for the phases after lowering. */
  readonly get = (key: string): IRFunction => {
    const entry = this.entries.get(key);
    if (!entry) throw new Error(`function ${key} was not lowered before it was needed`);
    if (!entry.ir) throw new CompileError(entry.diagnostics);
    return entry.ir;
  };

  /** The source of a function lowered or reached. */
  source(key: string): FunctionSource | undefined {
    return this.sources.get(key);
  }

  /** The files on disk the generated code of `roots` is made from: theirs, their callees', and what calls resolve through. */
  dependencies(roots: readonly IRFunction[]): string[] {
    const deps = new Set<string>();
    const seen = new Set<string>();
    const visit = (key: string) => {
      const src = this.sources.get(key);
      if (!src || seen.has(key)) return;
      seen.add(key);
      deps.add(diskPath(src.file));
      const entry = this.entries.get(key);
      if (entry?.ir) {
        entry.files.forEach((f) => deps.add(diskPath(f)));
        entry.callees.forEach(visit);
      }
    };
    roots.forEach((r) => visit(r.key));
    return [...deps].sort();
  }

  private lowerKey(key: string): IRFunction {
    const src = this.sources.get(key);
    if (!src) throw new Error(`unknown function ${key}`);
    return this.lower(src);
  }
}

/** ADC199 for an exception that is not a compile error, at the function it happened in. */
export function internalDiagnostic(e: unknown, fn: string | undefined, at: Position): Diagnostic {
  const detail = diskPath(e instanceof Error ? e.message : String(e));
  const d = errors.internal(at, fn, detail);
  return process.env.ADC_DEBUG && e instanceof Error ? { ...d, frame: e.stack } : d;
}
