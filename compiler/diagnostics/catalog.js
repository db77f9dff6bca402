"use strict";
/**
 * The catalog of user-facing errors. Every error has a stable code (ADCnnn), a
 * message template, and is built from a position, so it always points somewhere.
 * The README's error table is this file, in prose.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.errors = exports.CompileError = void 0;
exports.formatDiagnostic = formatDiagnostic;
exports.codeFrame = codeFrame;
/** Thrown inside a phase to abort compiling the current function with a diagnostic. */
class CompileError extends Error {
    diagnostic;
    constructor(diagnostic) {
        super(diagnostic.message);
        this.diagnostic = diagnostic;
    }
}
exports.CompileError = CompileError;
function at(pos, code, message) {
    if (!pos)
        return { code, message, severity: 'error' };
    return {
        code,
        message,
        severity: 'error',
        file: pos.file,
        line: pos.line,
        col: pos.col,
        frame: pos.sourceText === undefined ? undefined : codeFrame(pos.sourceText, pos.line, pos.col, pos.length ?? 1),
    };
}
/** The catalog. Keys are what the compiler calls; codes never change meaning. */
exports.errors = {
    syntax: (p, msg) => at(p, 'ADC100', `syntax error: ${msg}`),
    unsupportedStatement: (p, what) => at(p, 'ADC101', `unsupported statement: ${what}`),
    unsupportedExpression: (p, what) => at(p, 'ADC102', `unsupported expression: ${what}`),
    parameterType: (p, name, type) => at(p, 'ADC103', `parameter '${name}' has type '${type}'; differentiable parameters must be number, number[], readonly number[], Float64Array or Float32Array`),
    closure: (p) => at(p, 'ADC104', 'closures are not supported: move the function to module level and pass what it captures as parameters'),
    asyncOrGenerator: (p, what) => at(p, 'ADC105', `${what} functions cannot be differentiated`),
    noBody: (p, name) => at(p, 'ADC106', `'${name}' has no body and no derivative rule: give it a body in this project or declare a custom derivative`),
    nonDifferentiable: (p, what) => at(p, 'ADC107', `${what} is not differentiable and its result flows into a differentiated value`),
    returnType: (p, name, type) => at(p, 'ADC108', `'${name}' returns '${type}'; a differentiated function must return number, number[], readonly number[], Float64Array or Float32Array`),
    unresolvedCall: (p, what) => at(p, 'ADC109', `cannot resolve the function called here: ${what}`),
    badTag: (p, msg) => at(p, 'ADC110', `invalid @differentiable tag: ${msg}`),
    unsupportedMath: (p, name) => at(p, 'ADC111', `Math.${name} is not supported`),
    localType: (p, name, type) => at(p, 'ADC112', `variable '${name}' has type '${type}'; only numbers, booleans and numeric arrays are supported in differentiated code`),
    moduleVariable: (p, name) => at(p, 'ADC113', `'${name}' is a module-level variable that is not a numeric constant; pass it as a parameter`),
    arrayAlias: (p, what) => at(p, 'ADC114', `array aliasing is not supported: ${what}`),
    missingReturn: (p, name) => at(p, 'ADC115', `'${name}' can reach its end without returning a value`),
    callback: (p, what) => at(p, 'ADC116', `unsupported callback: ${what}`),
    arity: (p, name, expected, got) => at(p, 'ADC117', `'${name}' takes ${expected} argument(s) but is called with ${got}`),
    assignmentToConst: (p, name) => at(p, 'ADC118', `cannot assign to '${name}'`),
    notFound: (path) => at(undefined, 'ADC190', `no such file or directory: ${path}`),
    unwritable: (path, reason) => at(undefined, 'ADC191', `cannot write ${path}: ${reason}`),
    tsconfig: (file, detail) => at(undefined, 'ADC192', `invalid ${file}: ${detail}`),
    internal: (fn, detail) => at(undefined, 'ADC199', `internal error while compiling '${fn}': ${detail}. Please report it at https://github.com/ts-adc/ts-adc/issues with the function's source.`),
};
/** `path:line:col: error ADCnnn: message` and, when known, the code frame below it. */
function formatDiagnostic(d, relativeTo) {
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
function codeFrame(text, line, col, length) {
    const lines = text.split(/\r?\n/);
    const first = Math.max(1, line - 2);
    const width = String(line).length;
    const out = [];
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
