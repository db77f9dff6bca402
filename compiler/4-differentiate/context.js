"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.FileContext = void 0;
const names_1 = require("./names");
class FileContext {
    getIR;
    uncheckedIndex;
    namer = new names_1.Namer();
    helpers = new Map();
    helperQueue = [];
    primals = new Map();
    primalQueue = [];
    runtime = new Set();
    constructor(getIR, publicNames, 
    /** `noUncheckedIndexedAccess` is on: element reads of number[] need a `!`. */
    uncheckedIndex = false) {
        this.getIR = getIR;
        this.uncheckedIndex = uncheckedIndex;
        for (const n of publicNames)
            this.namer.claim(n);
    }
    /** The name of the pushforward/pullback of `key` for `pattern`, queued for generation on first request. */
    helper(key, mode, pattern) {
        const id = `${key}|${mode}|${pattern.map((p) => (p ? 1 : 0)).join('')}`;
        const known = this.helpers.get(id);
        if (known)
            return known.name;
        const ir = this.getIR(key);
        const paramNames = ir.params.map((p) => ir.vars[p].name);
        const name = this.namer.claim((0, names_1.helperName)(ir.name, mode === 'forward' ? 'pushforward' : 'pullback', paramNames, pattern));
        const spec = { key, mode, pattern, name };
        this.helpers.set(id, spec);
        this.helperQueue.push(spec);
        return name;
    }
    /** The name of the primal copy of `key` in this file. */
    primal(key) {
        const known = this.primals.get(key);
        if (known)
            return known;
        const name = this.namer.claim(this.getIR(key).name);
        this.primals.set(key, name);
        this.primalQueue.push(key);
        return name;
    }
    use(name) {
        this.runtime.add(name);
        return name;
    }
    /** A runtime helper function by name (same as `use`, for readability at call sites). */
    useHelper(name) {
        return this.use(name);
    }
}
exports.FileContext = FileContext;
