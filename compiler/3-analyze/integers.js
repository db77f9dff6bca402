"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.integerVars = integerVars;
const activity_1 = require("./activity");
function integerVars(fn) {
    const isInt = fn.vars.map((v) => v.type === 'number' && v.role !== 'param');
    const intTemp = new Array(fn.temps.length).fill(false);
    const def = new Map();
    (0, activity_1.forEachStmt)(fn.body, (s) => {
        if (s.kind === 'op')
            def.set(s.id, s);
    });
    for (let changed = true; changed;) {
        changed = false;
        // Temps: recompute from the current variable facts.
        for (const [id, s] of def) {
            let v = false;
            switch (s.op) {
                case 'const':
                    v = typeof s.value === 'number' && Number.isInteger(s.value);
                    break;
                case 'read':
                    v = isInt[s.var];
                    break;
                case 'length':
                    v = true;
                    break;
                case 'prim':
                    if (['floor', 'ceil', 'round', 'trunc', 'sign'].includes(s.fn))
                        v = true;
                    else if (['add', 'sub', 'mul', 'neg', 'mod'].includes(s.fn))
                        v = s.args.every((a) => intTemp[a]);
                    break;
                case 'select':
                    v = intTemp[s.args[1]] && intTemp[s.args[2]];
                    break;
                default:
                    v = false;
            }
            if (intTemp[id] !== v) {
                intTemp[id] = v;
                changed = true;
            }
        }
        (0, activity_1.forEachStmt)(fn.body, (s) => {
            if (s.kind === 'assign' && isInt[s.var] && !intTemp[s.value]) {
                isInt[s.var] = false;
                changed = true;
            }
            if (s.kind === 'declare' && isInt[s.var]) {
                // An uninitialised `let` holds undefined until assigned: still fine if every assignment is an integer.
            }
        });
    }
    return isInt;
}
