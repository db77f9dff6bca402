"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.forEachStmt = forEachStmt;
exports.differentiableArgs = differentiableArgs;
exports.analyzeActivity = analyzeActivity;
exports.callPattern = callPattern;
exports.isArrayVar = isArrayVar;
/**
 * Activity analysis: which temps and variables carry derivatives.
 *
 * A value is *varied* when it depends (through differentiable operations) on a
 * differentiated parameter, and *useful* when the returned value depends on it.
 * Active = varied ∧ useful. Inactive values get no tangent, no adjoint and no
 * tape. Variables are treated flow-insensitively (a variable is varied if any
 * assignment to it is), which is conservative and cheap.
 *
 * Piecewise-constant operations (floor, sign, comparisons, `length`, indices)
 * cut variedness: a loop index stays inactive unless it is computed from an
 * active value through differentiable operations (`i = x; i += 1`).
 */
const types_1 = require("../ir/types");
const table_1 = require("../rules/table");
function forEachStmt(region, visit) {
    for (const s of region) {
        visit(s);
        if (s.kind === 'if') {
            forEachStmt(s.then, visit);
            forEachStmt(s.else, visit);
        }
        else if (s.kind === 'loop') {
            forEachStmt(s.test, visit);
            forEachStmt(s.body, visit);
            forEachStmt(s.update, visit);
        }
    }
}
/** Operands through which a derivative flows (the index of a load, the condition of a select do not). */
function differentiableArgs(s) {
    switch (s.op) {
        case 'const':
        case 'read':
        case 'length':
        case 'load':
            return [];
        case 'prim':
            return (0, table_1.rule)(s.fn).partials ? s.args : [];
        case 'select':
            return [s.args[1], s.args[2]];
        case 'call':
            return s.args;
        case 'newArray':
            return s.form === 'literal' ? s.args : s.args.slice(1);
        case 'slice':
            return [];
        default:
            return (0, types_1.assertNever)(s, 'op');
    }
}
function analyzeActivity(fn, activeParams) {
    const nT = fn.temps.length;
    const nV = fn.vars.length;
    const variedT = new Array(nT).fill(false);
    const variedV = new Array(nV).fill(false);
    for (const p of activeParams)
        variedV[p] = true;
    // Forward: varied.
    for (let changed = true; changed;) {
        changed = false;
        const markT = (t) => {
            if (!variedT[t] && fn.temps[t] !== 'boolean') {
                variedT[t] = true;
                changed = true;
            }
        };
        const markV = (v) => {
            if (!variedV[v]) {
                variedV[v] = true;
                changed = true;
            }
        };
        forEachStmt(fn.body, (s) => {
            switch (s.kind) {
                case 'op':
                    if (s.op === 'read' && variedV[s.var])
                        markT(s.id);
                    else if ((s.op === 'load' || s.op === 'slice') && variedV[s.var])
                        markT(s.id);
                    else if (differentiableArgs(s).some((a) => variedT[a]))
                        markT(s.id);
                    break;
                case 'assign':
                case 'store':
                case 'push':
                case 'fill':
                    if (variedT[s.value])
                        markV(s.var);
                    break;
                default:
                    break;
            }
        });
    }
    // Backward: useful.
    const usefulT = new Array(nT).fill(false);
    const usefulV = new Array(nV).fill(false);
    forEachStmt(fn.body, (s) => {
        if (s.kind === 'return')
            usefulT[s.value] = true;
    });
    for (let changed = true; changed;) {
        changed = false;
        const markT = (t) => {
            if (!usefulT[t]) {
                usefulT[t] = true;
                changed = true;
            }
        };
        const markV = (v) => {
            if (!usefulV[v]) {
                usefulV[v] = true;
                changed = true;
            }
        };
        forEachStmt(fn.body, (s) => {
            switch (s.kind) {
                case 'op':
                    if (!usefulT[s.id])
                        break;
                    if (s.op === 'read' || s.op === 'load' || s.op === 'slice')
                        markV(s.var);
                    for (const a of differentiableArgs(s))
                        markT(a);
                    break;
                case 'assign':
                case 'store':
                case 'push':
                case 'fill':
                    if (usefulV[s.var])
                        markT(s.value);
                    break;
                default:
                    break;
            }
        });
    }
    const activeTemp = variedT.map((v, i) => v && usefulT[i] && fn.temps[i] !== 'boolean');
    const activeVar = variedV.map((v, i) => v && usefulV[i] && fn.vars[i].type !== 'boolean');
    // An active parameter always has a derivative slot, useful or not.
    for (const p of activeParams)
        activeVar[p] = activeVar[p] || false;
    return { activeTemp, activeVar, variedVar: variedV, activeParams };
}
/** Which arguments of an active call are active: the activity pattern its pushforward/pullback is generated for. */
function callPattern(s, act) {
    return s.args.map((a) => act.activeTemp[a]);
}
function isArrayVar(fn, v) {
    return (0, types_1.isArrayType)(fn.vars[v].type);
}
