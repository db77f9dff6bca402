"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.FunctionNames = exports.Namer = void 0;
exports.helperName = helperName;
const reserved = new Set(('break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof ' +
    'new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public ' +
    'await async of as any number boolean undefined NaN Infinity Math Number Array Float64Array Float32Array Object Error tape ret').split(' '));
class Namer {
    used = new Set(reserved);
    /** Claims `base` exactly if free, else `base_2`, `base_3`, … */
    claim(base) {
        if (!this.used.has(base)) {
            this.used.add(base);
            return base;
        }
        for (let i = 2;; i++) {
            const c = `${base}_${i}`;
            if (!this.used.has(c)) {
                this.used.add(c);
                return c;
            }
        }
    }
    has(name) {
        return this.used.has(name);
    }
}
exports.Namer = Namer;
/** Names of one generated function: variables, their tangents/adjoints, temps, API parameters. */
class FunctionNames {
    fn;
    namer = new Namer();
    varNames = [];
    tangentNames = new Map();
    adjointNames = new Map();
    tempNames = new Map();
    tempTangents = new Map();
    tempAdjoints = new Map();
    tempCount = 0;
    /** `paramsOnly`: for wrappers that never see the function's locals. */
    constructor(fn, paramsOnly = false) {
        this.fn = fn;
        // Parameters first (their names are part of the public signature), then the other variables.
        const order = [...fn.params, ...(paramsOnly ? [] : fn.vars.map((v) => v.id).filter((id) => !fn.params.includes(id)))];
        for (const id of order) {
            const v = fn.vars[id];
            this.varNames[id] = v.role === 'hidden' ? '' : this.namer.claim(v.name);
        }
        for (const id of order) {
            const v = fn.vars[id];
            if (v.role === 'hidden')
                this.varNames[id] = this.namer.claim(v.name);
        }
    }
    variable(v) {
        return this.varNames[v];
    }
    tangent(v) {
        let n = this.tangentNames.get(v);
        if (n === undefined) {
            n = this.namer.claim(`d${this.varNames[v]}`);
            this.tangentNames.set(v, n);
        }
        return n;
    }
    adjoint(v) {
        let n = this.adjointNames.get(v);
        if (n === undefined) {
            n = this.namer.claim(`${this.varNames[v]}_bar`);
            this.adjointNames.set(v, n);
        }
        return n;
    }
    temp(t) {
        let n = this.tempNames.get(t);
        if (n === undefined) {
            n = this.namer.claim(`t${++this.tempCount}`);
            this.tempNames.set(t, n);
        }
        return n;
    }
    tempTangent(t) {
        let n = this.tempTangents.get(t);
        if (n === undefined) {
            n = this.namer.claim(`d${this.temp(t)}`);
            this.tempTangents.set(t, n);
        }
        return n;
    }
    tempAdjoint(t) {
        let n = this.tempAdjoints.get(t);
        if (n === undefined) {
            n = this.namer.claim(`${this.temp(t)}_bar`);
            this.tempAdjoints.set(t, n);
        }
        return n;
    }
    /** A fresh name for something the emitter introduces (`value`, `n1`, saved copies). */
    fresh(base) {
        return this.namer.claim(base);
    }
}
exports.FunctionNames = FunctionNames;
/** `dist_pullback` or `dist_pullback_a_c` when only some parameters are active. */
function helperName(fnName, kind, paramNames, active) {
    const all = active.every((a) => a);
    return all ? `${fnName}_${kind}` : `${fnName}_${kind}_${paramNames.filter((_, i) => active[i]).join('_') || 'none'}`;
}
