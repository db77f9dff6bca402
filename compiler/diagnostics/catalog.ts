/**
 * The catalog of user-facing errors. Every error has a stable code (ADCnnn), a
 * message template, and is built from a position, so it always points somewhere.
 * The README's error table is this file, in prose.
 */

export interface Position {
  readonly file: string;
  readonly line: number; // 1-based
  readonly col: number; // 1-based
  /** Length of the highlighted span on the line (for the code frame), at least 1. */
  readonly length?: number;
  /** The full text of the source file, for the code frame. */
  readonly sourceText?: string;
}

export interface Diagnostic {
  readonly code: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
  /** A few lines of source around the position with a caret marker. */
  readonly frame?: string;
}

/** Thrown inside a phase to abort compiling the current function (or statement, see 2-lower/dispatch.ts) with its diagnostics. */
export class CompileError extends Error {
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: Diagnostic | readonly Diagnostic[]) {
    const list = 'code' in diagnostics ? [diagnostics] : diagnostics;
    super(list.map((d) => d.message).join('\n'));
    this.diagnostics = list;
  }
}

/** Codes of errors TypeScript reports too (a host that shows TypeScript's errors, as the plugin does, leaves them out). */
export const reportedByTypeScript: ReadonlySet<string> = new Set(['ADC120']);

/** Whether any of them is an error (warnings alone do not stop a build). */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/**
 * Diagnostics in the order a user reads them: by file, line and column (those without a
 * position first), each reported once: a second one with the same code at the same place (a
 * callee reached twice, a local function inlined at two calls) says nothing new.
 */
export function inOrder(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const once = diagnostics.filter((d) => {
    const key = `${d.severity} ${d.code} ${d.file ?? ''}:${d.line ?? 0}:${d.col ?? 0}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const where = (d: Diagnostic): [string, number, number] => [d.file ?? '', d.line ?? 0, d.col ?? 0];
  return once.sort((a, b) => {
    const [fa, la, ca] = where(a);
    const [fb, lb, cb] = where(b);
    return fa !== fb ? (fa < fb ? -1 : 1) : la !== lb ? la - lb : ca - cb;
  });
}

function at(pos: Position | undefined, code: string, message: string, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  if (!pos) return { code, message, severity };
  return {
    code,
    message,
    severity,
    file: pos.file,
    line: pos.line,
    col: pos.col,
    frame: pos.sourceText === undefined ? undefined : codeFrame(pos.sourceText, pos.line, pos.col, pos.length ?? 1),
  };
}

/** The usual way out for a value of a type differentiated code does not hold (after `; `), if there is one. */
function typeFix(type: string): string {
  if (/=>/.test(type)) return ': a function is not a value here; call a local function directly';
  if (/\}\[\]$/.test(type))
    return ': an array of objects is differentiated where its objects hold numbers (or objects of them), not as a result: return one number[] per property of its objects';
  if (/[{}]/.test(type)) return ': an object is differentiated when its type is a plain object (no methods or index signatures) of numbers, numeric arrays and such objects';
  if (/^(string|"|'|`)/.test(type)) return ': keep strings (labels, messages) outside it';
  if (type === 'null' || type === 'undefined') return ': use NaN, or a separate boolean, for a missing number';
  if (/\bundefined\b/.test(type)) return ': end every path with a return of a value';
  if (type === 'any') return ': give it a type';
  if (type === 'void') return ': return the value it computes';
  if (/\[\]\[\]$/.test(type)) return ': a matrix holds numbers (number[][]), made with [], push, map or Array.from, or passed in';
  return '';
}

/** The types a differentiated value may have, for messages. */
const differentiable = 'a number, a numeric array (number[], Float64Array, Float32Array, a tuple of numbers, readonly or a union of them) or a plain object of them';

/** The catalog. Keys are what the compiler calls; codes never change meaning. */
export const errors = {
  syntax: (p: Position, msg: string) => at(p, 'ADC100', `syntax error: ${msg}`),
  unsupportedStatement: (p: Position, what: string) => at(p, 'ADC101', `unsupported statement: ${what}`),
  unsupportedExpression: (p: Position, what: string) => at(p, 'ADC102', `unsupported expression: ${what}`),
  parameterType: (p: Position, name: string, type: string) =>
    at(
      p,
      'ADC103',
      `parameter '${name}' has type '${type}'; parameters must be ${differentiable}, differentiated (a number may be optional), or data the function only reads: booleans, strings, and arrays, tuples and plain objects of numbers, strings and booleans`,
    ),
  functionParameter: (p: Position, name: string, type: string, fn: string) =>
    at(
      p,
      'ADC103',
      `parameter '${name}' has type '${type}', a function: a differentiated function takes numbers and data, not functions; mark a function that passes one instead (\`/** @differentiable */ function loss(k: number) { return ${fn}((x) => k * x, …); }\`)`,
    ),
  hiddenState: (p: Position, name: string, cls: string, fields: readonly string[]) =>
    at(
      p,
      'ADC103',
      `${name} is a '${cls}', whose field${fields.length > 1 ? 's' : ''} ${fields.map((f) => `'${f}'`).join(', ')} code outside the class cannot read: generated functions take and give its fields as an object; make ${fields.length > 1 ? 'them' : 'it'} public, or make the '${cls}' inside the differentiated function`,
    ),
  nothingToDifferentiate: (p: Position, fn: string, containers: readonly string[] = []) =>
    at(
      p,
      'ADC103',
      `'${fn}' has no parameter that can be differentiated: ${differentiable}${
        containers.length > 0 ? `; a matrix or an array of objects is differentiated where the tag names it: /** @differentiable wrt(${containers.join(', ')}) */` : ''
      }`,
    ),
  notDifferentiable: (p: Position, name: string, type: string) =>
    at(p, 'ADC103', `parameter '${name}' has type '${type}', which is not differentiable: only ${differentiable}, a number[][] or an array of such objects can be in wrt(...)`),
  closure: (p: Position, why?: string) =>
    at(
      p,
      'ADC104',
      why === undefined
        ? 'closures are not supported here: call a local function directly (or pass it to map, reduce or forEach), or move it to module level and pass what it captures as parameters'
        : `local function not supported: ${why}`,
    ),
  /** A function passed as an argument that is not known at build time. */
  functionValue: (p: Position, why: string) => at(p, 'ADC104', why),
  asyncOrGenerator: (p: Position, what: 'async' | 'generator') =>
    at(
      p,
      'ADC105',
      `${what} functions cannot be differentiated: ${what === 'async' ? 'make it synchronous, and await its inputs before calling it' : 'return an array of the values instead'}`,
    ),
  noBody: (p: Position, name: string) =>
    at(
      p,
      'ADC106',
      `'${name}' has no body here: only functions whose source is in this project can be differentiated (write it in TypeScript, give it derivative rules tagged /** @jvp ${name} */ and /** @vjp ${name} */, or pass its value in as a parameter)`,
    ),
  nonDifferentiable: (p: Position, what: string, fix: string) => at(p, 'ADC107', `${what} is not differentiable and its result flows into a differentiated value: ${fix}`),
  returnType: (p: Position, name: string, type: string) =>
    at(
      p,
      'ADC108',
      `'${name}' returns '${type}'; a differentiated function must return ${differentiable}${type.startsWith('ArrayLike') ? ', not ArrayLike<number>, whose kind is not known' : ''}${typeFix(type)}`,
    ),
  unresolvedCall: (p: Position, what: string) => at(p, 'ADC109', `cannot resolve the function called here: ${what}`),
  badTag: (p: Position, msg: string) => at(p, 'ADC110', `invalid @differentiable tag: ${msg}`),
  unsupportedMath: (p: Position, name: string) => at(p, 'ADC111', `Math.${name} is not supported: compute it outside and pass the result in as a parameter`),
  localType: (p: Position, name: string, type: string) =>
    at(p, 'ADC112', `variable '${name}' has type '${type}'; only numbers, booleans and numeric arrays are supported in differentiated code${typeFix(type)}`),
  moduleVariable: (p: Position, name: string) => at(p, 'ADC113', `'${name}' is a module-level variable that is not a numeric constant; pass it as a parameter`),
  dataParameter: (p: Position, name: string, kind: string, use: string, alternative: string) =>
    at(
      p,
      'ADC103',
      `parameter '${name}' is ${kind}: ${kind.includes('number[][]') ? 'a number[][] parameter is read-only data unless wrt(…) names it (one that an object parameter holds, `{ W: number[][] }`, is differentiated)' : 'a parameter that is an array of objects is read-only data unless wrt(…) names it (one that an object parameter holds, `{ points: Point[] }`, is differentiated)'}, and ${use} does more than read it; pass its parts as number[] parameters or flatten it into a Float64Array, or ${alternative}`,
    ),
  readOnlyData: (p: Position, what: string, root: string, fix = 'copy what you need into a local number[] or Float64Array') =>
    at(p, 'ADC102', `unsupported expression: ${what}: '${root}' is data the function only reads (it is not a number or numeric array); ${fix}`),
  arrayAlias: (p: Position, what: string) => at(p, 'ADC114', `array aliasing is not supported: ${what}`),
  missingReturn: (p: Position, name: string) => at(p, 'ADC115', `'${name}' can reach its end without returning a value: end every path with a return (or a throw)`),
  callback: (p: Position, what: string) => at(p, 'ADC116', `unsupported callback: ${what}`),
  arity: (p: Position, name: string, expected: number, got: number) => at(p, 'ADC117', `'${name}' takes ${expected} argument(s) but is called with ${got}`),
  assignmentToConst: (p: Position, name: string) => at(p, 'ADC118', `cannot assign to '${name}': it is a constant (declare it with let)`),
  tooDeep: (p: Position, what: 'expression' | 'statements', levels: string, limit: number) =>
    at(
      p,
      'ADC119',
      `${what} nested too deeply (${levels} levels; the limit is ${limit}): ${what === 'expression' ? 'split it into intermediate variables' : 'move inner blocks into functions'}`,
    ),
  unknownName: (p: Position, name: string, suggestion: string | undefined) =>
    at(p, 'ADC120', `cannot find name '${name}': ${suggestion === undefined ? 'declare it, import it, or pass it in as a parameter' : `did you mean '${suggestion}'?`}`),
  misspelledTag: (p: Position, name: string) => at(p, 'ADC121', `unknown tag '@${name}': did you mean @differentiable?`, 'warning'),
  secondOrder: (p: Position, fn: string, why: string) => at(p, 'ADC122', `no second derivatives ('hessian') for ${fn}: ${why}`),
  badRule: (p: Position, mode: 'jvp' | 'vjp', rule: string, why: string) => at(p, 'ADC123', `invalid @${mode} rule '${rule}': ${why}`),
  rulesNotImportable: (name: string, host: string) =>
    at(
      undefined,
      'ADC123',
      `cannot use the rules of '${name}' in ${host}: generated code imports user rules (@jvp, @vjp) from their files, and this caller of compileRequests gives no importPath (adc build and the compiler plugin do)`,
    ),
  missingRule: (p: Position, name: string, has: 'jvp' | 'vjp', needs: 'jvp' | 'vjp') =>
    at(
      p,
      'ADC124',
      `'${name}' has a @${has} rule but no @${needs} rule, and ${needs === 'jvp' ? 'forward mode (f_jvp)' : 'reverse mode (f_vjp, f_grad)'} differentiates this call: write a module-level function tagged /** @${needs} ${name} */ (see "Your own derivative rules" in the README)`,
    ),
  checkpoint: (p: Position, why: string) => at(p, 'ADC125', why),
  notFound: (path: string) => at(undefined, 'ADC190', `no such file or directory: ${path}`),
  unwritable: (path: string, reason: string) => at(undefined, 'ADC191', `cannot write ${path}: ${reason}`),
  tsconfig: (file: string, detail: string) => at(undefined, 'ADC192', `invalid ${file}: ${detail}`),
  unreadable: (p: Position, why: string) => at(p, 'ADC193', `cannot read the file: ${why}`),
  unsupportedTypeScript: (version: string) =>
    at(
      undefined,
      'ADC194',
      `the ts-adc plugin needs TypeScript 6.0 and ts-patch 4, but tspc runs TypeScript ${version}, so grad(), jvp() and vjp() calls were not compiled: install them with \`npm install --save-dev typescript@~6.0 ts-patch@4\` (ts-patch 4 needs Node 22.15 or later), or keep TypeScript ${version} and generate .grad.ts files with \`npx adc build\` instead (they type-check with TypeScript 5.0 and later)`,
    ),
  notUtf8: (p: Position) =>
    at(p, 'ADC193', 'the file is not valid UTF-8 (here is its first byte that is not): save it as UTF-8, so that the text copied into generated code is the text you wrote'),
  internal: (p: Position | undefined, fn: string | undefined, detail: string) =>
    at(
      p,
      'ADC199',
      `internal error while compiling ${fn === undefined ? 'this file' : `'${fn}'`}: ${detail}. Please report it at https://github.com/ts-adc/ts-adc/issues with the ${fn === undefined ? "file's" : "function's"} source.`,
    ),
} as const;

/** `path:line:col: error ADCnnn: message` and, when known, the code frame below it. */
export function formatDiagnostic(d: Diagnostic, relativeTo?: (file: string) => string): string {
  const where = d.file ? `${relativeTo ? relativeTo(d.file) : d.file}:${d.line}:${d.col}: ` : '';
  const head = `${where}${d.severity} ${d.code}: ${d.message}`;
  return d.frame ? `${head}\n${d.frame}` : head;
}

/**
 * Two lines of context above the position, the line itself and a caret line:
 *
 *    4 |   let e = 0;
 *  > 5 |   const f = () => e;
 *      |             ^^^^^^^
 */
export function codeFrame(text: string, line: number, col: number, length: number): string {
  // Lines as TypeScript counts them: \r and the Unicode line and paragraph separators end a line too.
  const lines = text.split(/\r\n|[\n\r\u2028\u2029]/);
  const first = Math.max(1, line - 2);
  const width = String(line).length;
  const out: string[] = [];
  for (let l = first; l <= line && l <= lines.length; l++) {
    const marker = l === line ? '>' : ' ';
    out.push(`  ${marker} ${String(l).padStart(width)} | ${lines[l - 1]}`);
  }
  const lineText = lines[line - 1] ?? '';
  const span = Math.max(1, Math.min(length, lineText.length - (col - 1)));
  const pad = lineText.slice(0, col - 1).replace(/[^\t]/g, ' ');
  out.push(`    ${' '.repeat(width)} | ${pad}${'^'.repeat(span)}`);
  return out.join('\n');
}
