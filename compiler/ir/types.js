"use strict";
/**
 * The IR on one page.
 *
 * One function = parameters + a body region. A region is a list of statements;
 * control flow stays structured (`if`, `loop`, `break`, `continue`, `return`) so
 * that emitters can print code shaped like the input.
 *
 * Values:
 * - a *temp* (`TempId`) is an SSA value: defined once by an `op` statement,
 *   readable only later in the same region or in regions nested inside it;
 * - a *var* (`VarId`) is a mutable slot (parameter, `let`/`const` local, or a
 *   hidden variable the lowering introduced); it is read by a `read` op and
 *   written by an `assign` statement (or, for arrays, a `store`).
 *
 * Every op and statement carries the `Origin` of the source statement it came
 * from, which the emitters print as a `// source` comment.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.isArrayType = isArrayType;
exports.assertNever = assertNever;
function isArrayType(t) {
    return t !== 'number' && t !== 'boolean';
}
function assertNever(x, what = 'value') {
    throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
