"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.useFacts = useFacts;
function isWrite(s) {
    return s.kind === 'assign' || s.kind === 'store' || s.kind === 'push' || s.kind === 'fill';
}
function useFacts(fn) {
    const count = new Array(fn.temps.length).fill(0);
    const movable = new Array(fn.temps.length).fill(true);
    const region = (stmts, tailUses = []) => {
        const defAt = new Map();
        const lastWriteBefore = []; // index of the last write at or before i
        let lastWrite = -1;
        stmts.forEach((s, i) => {
            if (isWrite(s))
                lastWrite = i;
            lastWriteBefore[i] = lastWrite;
        });
        const use = (t, at) => {
            count[t]++;
            const d = defAt.get(t);
            if (d === undefined) {
                movable[t] = false; // defined in another region
                return;
            }
            // A write strictly between the definition and this use.
            const w = lastWriteBefore[at - 1] ?? -1;
            if (at > 0 && w > d)
                movable[t] = false;
        };
        stmts.forEach((s, i) => {
            switch (s.kind) {
                case 'op':
                    for (const a of s.args)
                        use(a, i);
                    defAt.set(s.id, i);
                    break;
                case 'assign':
                case 'push':
                case 'fill':
                    use(s.value, i);
                    break;
                case 'store':
                    use(s.index, i);
                    use(s.value, i);
                    break;
                case 'return':
                    use(s.value, i);
                    break;
                case 'if':
                    use(s.cond, i);
                    region(s.then);
                    region(s.else);
                    break;
                case 'loop':
                    region(s.test, s.cond === undefined ? [] : [s.cond]);
                    region(s.body);
                    region(s.update);
                    break;
                default:
                    break;
            }
        });
        // Uses by the statement that owns this region (a loop's condition), after its last statement.
        for (const t of tailUses)
            use(t, stmts.length);
    };
    region(fn.body);
    return { count, movable };
}
