"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Rewriter = void 0;
const table_1 = require("../rules/table");
class Rewriter {
    fn;
    vars;
    temps;
    constructor(fn) {
        this.fn = fn;
        this.vars = [...fn.vars];
        this.temps = [...fn.temps];
    }
    newVar(name, type, topLevel = false) {
        const id = this.vars.length;
        this.vars.push({ id, name, type, role: 'hidden', topLevel, constant: false });
        return id;
    }
    op(out, data, args, type, origin) {
        const id = this.temps.length;
        this.temps.push(type);
        out.push({ ...data, kind: 'op', id, args, type, origin });
        return id;
    }
    constant(out, value, origin) {
        return this.op(out, { op: 'const', value }, [], typeof value === 'boolean' ? 'boolean' : 'number', origin);
    }
    read(out, v, origin) {
        return this.op(out, { op: 'read', var: v }, [], this.vars[v].type, origin);
    }
    prim(out, fn, args, origin) {
        return this.op(out, { op: 'prim', fn }, args, (0, table_1.rule)(fn).result, origin);
    }
    assign(out, v, value, origin, declare = false) {
        out.push({ kind: 'assign', var: v, value, declare, origin });
    }
    finish(body, loopCount = this.fn.loopCount) {
        return { ...this.fn, vars: this.vars, temps: this.temps, body, loopCount };
    }
}
exports.Rewriter = Rewriter;
