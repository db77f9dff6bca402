"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.irType = irType;
exports.typeText = typeText;
/**
 * TypeScript types ⇒ IR types. Only numbers, booleans and numeric arrays exist
 * in the IR; anything else is `undefined` and the caller reports it.
 */
const ts_morph_1 = require("ts-morph");
function irType(t, checker) {
    if (t.flags & (ts_morph_1.ts.TypeFlags.Any | ts_morph_1.ts.TypeFlags.Unknown))
        return undefined;
    if (t.flags & ts_morph_1.ts.TypeFlags.NumberLike)
        return 'number';
    if (t.flags & ts_morph_1.ts.TypeFlags.BooleanLike)
        return 'boolean';
    if (t.isUnion()) {
        const parts = t.types.map((p) => irType(p, checker));
        if (parts.every((p) => p === 'number'))
            return 'number';
        if (parts.every((p) => p === 'boolean'))
            return 'boolean';
        return undefined;
    }
    const sym = t.getSymbol();
    const name = sym?.getName();
    if (name === 'Float64Array' || name === 'Float32Array')
        return name;
    if (name === 'Array' || name === 'ReadonlyArray') {
        const args = checker.getTypeArguments(t);
        if (args.length === 1 && irType(args[0], checker) === 'number')
            return name === 'Array' ? 'number[]' : 'readonly number[]';
    }
    return undefined;
}
/** Readable name of a type for messages. */
function typeText(t, checker) {
    return checker.typeToString(t);
}
