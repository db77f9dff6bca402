/**
 * `@differentiable hessian`: a marked function ⇒ `f_hvp` and `f_hessian`, by running the
 * pipeline twice (4-differentiate/second-order.ts says why that is reverse over forward):
 *
 *   f's IR ─▶ forward mode, as a source (pushforwards returning { value, tangent }) plus the
 *     marked wrapper T(p, v, s) ─▶ compiled again, in memory ─▶ T's gradient, its functions
 *     renamed apart from the first pass's and made private ─▶ f_hvp, f_hessian over it
 *
 * Guarantees: either the text of every function f_hvp and f_hessian need, or a diagnostic at
 * the function saying what stopped it (never half of them); deterministic; the names it adds
 * cannot clash with the first pass's (`taken`).
 */
import { ts } from 'ts-morph';
import { differentiateForward, type FileOptions, type MarkedIR } from './4-differentiate';
import { hvpFunctions, tangentSource } from './4-differentiate/second-order';
import { objectHvpFunctions, plainObjects } from './4-differentiate/second-order-objects';
import { flatPrefix } from './4-differentiate/structured';
import { RUNTIME_NAMESPACE } from './4-differentiate/context';
import { printFile } from './5-print/printer';
import type { JsFile, JsFunction } from './5-print/js';
import { errors, formatDiagnostic, hasErrors, type Diagnostic, type Position } from './diagnostics/catalog';
import type { IRFunction } from './ir/types';
import { ruledCallee } from './ir/walk';

export interface HessianRequest {
  readonly marked: MarkedIR;
  /** The first pass's file: f's public functions (their signatures) and every name it declares. */
  readonly first: JsFile;
  readonly at: Position;
  readonly options: FileOptions;
  /** Names the second order of earlier functions of the file declared (each pass writes its own private helpers). */
  readonly declared: ReadonlySet<string>;
}

/**
 * The functions `f_hvp` and `f_hessian` need, as text, or why not. `compileAgain` compiles a
 * source held in memory (index.ts's compileSources, passed in so that this module does not
 * import the pipeline it is part of).
 */
export function hessianText(
  r: HessianRequest,
  getIR: (key: string) => IRFunction,
  /** Compiles the second pass's source; only the gradient of its function `wrapper` is read. */
  compileAgain: (text: string, wrapper: string) => { text?: string; diagnostics: readonly Diagnostic[] },
): { text: string; names: readonly string[] } | { diagnostic: Diagnostic } {
  const { ir } = r.marked;
  const api = r.marked.prefix ?? ir.name;
  const fail = (why: string) => ({ diagnostic: errors.secondOrder(r.at, ir.name, why) });
  if (ir.returnType !== 'number') return fail(`a Hessian needs a number result (for an array result, ${api}_jacobian has the first derivatives)`);
  // (objects: the second order of the flat function, one parameter per property, behind public functions taking the objects)
  const objects = ir.structure && plainObjects(ir, ir.structure);
  if (objects) return fail(`not supported yet: ${objects} (second order takes objects of numbers and numeric arrays)`);
  const flat = ir.structure ? flatPrefix(api) : api;
  const vjp = r.first.functions.find((f) => f.name === `${flat}_vjp`);
  // (`out` is the last parameter of each public function, whatever its name; a vjp's cotangent comes before it)
  const gradsOf = (f: JsFunction | undefined) => /grads: (\[.*\]) \}$/.exec(f?.params[f.params.length - 1]?.type ?? '')?.[1];
  const gradsType = gradsOf(vjp);
  if (!vjp || !gradsType) throw new Error(`hessian: no ${flat}_vjp in the first pass`);
  const params = vjp.params.slice(0, -2);

  const ruled = ruledCallee(ir, getIR);
  if (ruled)
    return fail(
      `it calls '${ruled}', whose derivatives are user rules (@jvp, @vjp): second order through a user rule is not supported (it would differentiate the rules themselves); drop hessian, or write '${ruled}' in TypeScript without rules`,
    );
  const forward = differentiateForward(r.marked, getIR, r.options);
  // (by position: the generated functions may rename a parameter, `_y` for an unused `y`)
  const wrt = ir.params.flatMap((v, at) => (r.marked.wrt.includes(ir.vars[v].name) ? [at] : []));
  const wrapper = `${api}_tangent`;
  const source = tangentSource(forward.file, forward.pushforwards, `${api}_jvp`, wrapper, wrt, RUNTIME_NAMESPACE);
  if (source.problem) return fail(`not supported yet: ${source.problem}`);
  const again = compileAgain(printFile(source.text), wrapper);
  if (again.text === undefined || hasErrors(again.diagnostics)) {
    const first = again.diagnostics.find((d) => d.severity === 'error');
    // (the second pass inlines the pushforwards it is given: a recursive helper cannot be)
    const recursive = first && /'(\w+?)_pushforward\w*' calls itself/.exec(first.message);
    if (recursive) return fail(`not supported yet: it calls the recursive function '${recursive[1]}' (second order needs its helpers inlined; write the recursion as a loop)`);
    const detail = first
      ? formatDiagnostic({ ...first, file: undefined })
          .split('\n')[0]
          .replace(/^error /, '')
      : undefined;
    return fail(`adc cannot yet differentiate its forward mode a second time${detail ? ` (${detail})` : ''}`);
  }
  const taken = new Set([...r.first.functions.map((f) => f.name), ...r.declared]);
  const { text, names } = privateFunctions(again.text, `${wrapper}_grad`, (n) => {
    let name = `hvp_${n}`;
    while (taken.has(name)) name = `${name}_`;
    return name;
  });
  const flatHvp = hvpFunctions({ api: flat, name: ir.name, params, wrt, gradsType, inner: names.get(`${wrapper}_grad`)! }, RUNTIME_NAMESPACE);
  const publicJvp = r.first.functions.find((f) => f.name === `${api}_jvp`)!;
  const hvp = !ir.structure
    ? flatHvp
    : flatHvp.replace(/^export function /gm, 'function ') +
      '\n' +
      objectHvpFunctions({
        api,
        name: ir.name,
        flat,
        fn: ir,
        structure: ir.structure,
        wrt,
        jvpParams: publicJvp.params.slice(0, -1),
        gradsType: gradsOf(r.first.functions.find((f) => f.name === `${api}_vjp`))!,
        runtime: RUNTIME_NAMESPACE,
      }) +
      '\n';
  // (for a reader of the generated file: where the functions below come from, and what their comments quote)
  const jvpArgs = forward.file.functions
    .find((f) => f.name === `${api}_jvp`)!
    .params.slice(0, -1)
    .map((p) => p.name)
    .join(', ');
  const comment = [
    `// Second order of \`${ir.name}\`: the functions from here to ${api}_hvp are the reverse mode of its forward mode,`,
    `// ${wrapper}(${jvpArgs}, s) = ${api}_jvp(${jvpArgs}).tangent + s · stop_gradient(${api}_jvp(${jvpArgs}).value), whose gradient`,
    `// with respect to (${r.marked.wrt.join(', ')}), their tangents and s is [H·v…, ∇${ir.name}…, ${ir.name}] (stop_gradient, @nondiff, keeps the value`,
    `// out of the differentiation: s only carries it out). Their \`//\` comments quote that forward mode.`,
  ].join('\n');
  return { text: `${comment}\n${text}\n${hvp}`, names: [...names.values()] };
}

/** `tape` in `adc.tape` or `{ tape: … }`: a property's name, not a reference to a function. */
function isPropertyName(n: ts.Identifier): boolean {
  const p = n.parent;
  return (
    (ts.isPropertyAccessExpression(p) && p.name === n) || ((ts.isPropertyAssignment(p) || ts.isPropertySignature(p)) && p.name === n) || (ts.isQualifiedName(p) && p.right === n)
  );
}

/**
 * The functions of a generated file that `root` reaches, renamed by `rename` and not exported,
 * without the file's header and imports.
 */
function privateFunctions(text: string, root: string, rename: (name: string) => string): { text: string; names: Map<string, string> } {
  const sf = ts.createSourceFile('second.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const decls = new Map<string, ts.FunctionDeclaration>();
  for (const st of sf.statements) if (ts.isFunctionDeclaration(st) && st.name) decls.set(st.name.text, st);
  const uses = (fn: ts.Node): Set<string> => {
    const found = new Set<string>();
    const visit = (n: ts.Node): void => {
      if (ts.isIdentifier(n) && decls.has(n.text) && !isPropertyName(n)) found.add(n.text);
      ts.forEachChild(n, visit);
    };
    ts.forEachChild(fn, visit);
    return found;
  };
  const kept = new Set([root]);
  const todo = [root];
  while (todo.length > 0) for (const n of uses(decls.get(todo.pop()!)!)) if (!kept.has(n)) (kept.add(n), todo.push(n));
  const names = new Map([...kept].map((n) => [n, rename(n)]));
  const parts: string[] = [];
  for (const [name, decl] of decls) {
    if (!kept.has(name)) continue;
    const start = decl.getFullStart();
    const edits: { at: number; end: number; text: string }[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isIdentifier(n) && names.has(n.text) && !isPropertyName(n)) edits.push({ at: n.getStart(sf), end: n.getEnd(), text: names.get(n.text)! });
      ts.forEachChild(n, visit);
    };
    visit(decl);
    const exportKeyword = decl.modifiers?.find((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (exportKeyword) edits.push({ at: exportKeyword.getStart(sf), end: exportKeyword.getEnd() + 1, text: '' });
    let body = text.slice(start, decl.getEnd());
    for (const e of edits.sort((a, b) => b.at - a.at)) body = body.slice(0, e.at - start) + e.text + body.slice(e.end - start);
    parts.push(body.replace(/^\s*\n/, ''));
  }
  return { text: parts.join('\n\n') + '\n', names };
}
