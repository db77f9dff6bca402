"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.FunctionBuilder = void 0;
class FunctionBuilder {
    vars = [];
    temps = [];
    regions = [[]];
    scopes = [new Map()];
    loops = [];
    loopCount = 0;
    /** Origin of the statement being lowered: every op and statement gets it. */
    origin;
    /** Temps known to hold a constant value (for folding `Math.PI * 2` and recognising literals). */
    constants = new Map();
    constructor(origin) {
        this.origin = origin;
    }
    get loopTotal() {
        return this.loopCount;
    }
    /** The region currently being filled. */
    get current() {
        return this.regions[this.regions.length - 1];
    }
    emit(s) {
        this.current.push(s);
    }
    op(data, args, type) {
        const id = this.temps.length;
        this.temps.push(type);
        this.emit({ ...data, kind: 'op', id, args, type, origin: this.origin });
        if (data.op === 'const')
            this.constants.set(id, data.value);
        return id;
    }
    constant(value) {
        return this.op({ op: 'const', value }, [], typeof value === 'boolean' ? 'boolean' : 'number');
    }
    read(v) {
        return this.op({ op: 'read', var: v }, [], this.vars[v].type);
    }
    assign(v, value, declare = false) {
        this.emit({ kind: 'assign', var: v, value, declare, origin: this.origin });
    }
    /** Runs `fill` with a fresh region on top and returns what it emitted. */
    region(fill) {
        this.regions.push([]);
        try {
            fill();
        }
        finally {
            // popped below
        }
        return this.regions.pop();
    }
    /** Appends statements lowered into a detached region (see `region`). */
    splice(stmts) {
        this.current.push(...stmts);
    }
    withScope(fill) {
        this.scopes.push(new Map());
        try {
            return fill();
        }
        finally {
            this.scopes.pop();
        }
    }
    declare(name, type, role, constant) {
        const id = this.vars.length;
        this.vars.push({ id, name, type, role, constant, topLevel: this.scopes.length <= 2 && this.regions.length === 1 });
        if (role !== 'hidden')
            this.scopes[this.scopes.length - 1].set(name, id);
        return id;
    }
    /** Makes `name` refer to an existing variable in the innermost scope (callback parameters bound to hidden loop variables). */
    lookupOverride(name, v) {
        if (name !== undefined)
            this.scopes[this.scopes.length - 1].set(name, v);
    }
    lookup(name) {
        for (let i = this.scopes.length - 1; i >= 0; i--) {
            const v = this.scopes[i].get(name);
            if (v !== undefined)
                return v;
        }
        return undefined;
    }
    newLoop(label) {
        const id = this.loopCount++;
        this.loops.push({ id, label });
        return id;
    }
    endLoop() {
        this.loops.pop();
    }
    /** The loop a `break`/`continue` targets: the innermost, or the one with the label. */
    targetLoop(label) {
        for (let i = this.loops.length - 1; i >= 0; i--) {
            if (label === undefined || this.loops[i].label === label)
                return this.loops[i].id;
        }
        return undefined;
    }
    get body() {
        return this.regions[0];
    }
}
exports.FunctionBuilder = FunctionBuilder;
