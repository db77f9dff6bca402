"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.cse = cse;
function keyOf(s, find) {
    const args = s.args.map(find).join(',');
    switch (s.op) {
        case 'const':
            return `c:${typeof s.value}:${String(s.value)}`;
        case 'read':
            return `r:${s.var}`;
        case 'load':
            return `l:${s.var}:${args}`;
        case 'length':
            return `n:${s.var}`;
        case 'prim':
            return `p:${s.fn}:${args}`;
        case 'select':
            return `s:${args}`;
        default:
            return undefined;
    }
}
function cse(fn) {
    const replace = new Map();
    const find = (t) => replace.get(t) ?? t;
    let changed = false;
    const mapUses = (s) => {
        switch (s.kind) {
            case 'op':
                return s.args.some((a) => replace.has(a)) ? { ...s, args: s.args.map(find) } : s;
            case 'assign':
            case 'push':
            case 'fill':
                return replace.has(s.value) ? { ...s, value: find(s.value) } : s;
            case 'store':
                return replace.has(s.index) || replace.has(s.value) ? { ...s, index: find(s.index), value: find(s.value) } : s;
            case 'return':
                return replace.has(s.value) ? { ...s, value: find(s.value) } : s;
            case 'if':
                return { ...s, cond: find(s.cond), then: region(s.then), else: region(s.else) };
            case 'loop':
                return { ...s, test: region(s.test), body: region(s.body), update: region(s.update), cond: s.cond === undefined ? undefined : find(s.cond) };
            default:
                return s;
        }
    };
    const region = (stmts) => {
        const out = [];
        let known = new Map();
        const forget = (prefix) => {
            for (const k of [...known.keys()])
                if (k.startsWith(prefix))
                    known.delete(k);
        };
        for (const s0 of stmts) {
            if (s0.kind === 'if' || s0.kind === 'loop') {
                out.push(mapUses(s0));
                known = new Map(); // a new block starts after control flow
                continue;
            }
            const s = mapUses(s0);
            if (s.kind === 'op') {
                const key = keyOf(s, find);
                if (key !== undefined) {
                    const prev = known.get(key);
                    if (prev !== undefined) {
                        replace.set(s.id, prev);
                        changed = true;
                        continue;
                    }
                    known.set(key, s.id);
                }
                if (s.op === 'call') {
                    // A called function may write to the arrays it receives.
                    forget('l:');
                    forget('n:');
                }
            }
            else if (s.kind === 'assign') {
                known.delete(`r:${s.var}`);
                forget(`l:${s.var}:`);
                known.delete(`n:${s.var}`);
            }
            else if (s.kind === 'store' || s.kind === 'fill' || s.kind === 'push') {
                forget(`l:${s.var}:`);
                known.delete(`n:${s.var}`);
            }
            out.push(s);
        }
        return out;
    };
    const body = region(fn.body);
    return changed ? { ...fn, body } : fn;
}
