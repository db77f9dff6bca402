"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.lowerFunction = lowerFunction;
/**
 * Lowering: a typed TypeScript function ⇒ an `IRFunction`.
 *
 * Guarantees: parameters and locals have IR types (number, boolean, numeric
 * arrays); every path of the body ends in `return`; each user function called is
 * recorded in `callees` (the driver lowers them on demand). Anything outside the
 * supported subset is a `CompileError` with a position.
 */
const ts_morph_1 = require("ts-morph");
const catalog_1 = require("../diagnostics/catalog");
const position_1 = require("../1-frontend/position");
const builder_1 = require("./builder");
const context_1 = require("./context");
const expressions_1 = require("./expressions");
const statements_1 = require("./statements");
const types_1 = require("./types");
function lowerFunction(src, checker) {
    const node = src.node;
    const sf = src.sourceFile;
    const where = (n) => (0, position_1.positionOf)(n, sf);
    if (node.asteriskToken)
        (0, context_1.fail)(catalog_1.errors.asyncOrGenerator(where(src.nameNode), 'generator'));
    if ((ts_morph_1.ts.getModifiers(node) ?? []).some((m) => m.kind === ts_morph_1.ts.SyntaxKind.AsyncKeyword))
        (0, context_1.fail)(catalog_1.errors.asyncOrGenerator(where(src.nameNode), 'async'));
    const fn = new builder_1.FunctionBuilder((0, position_1.originOf)(src.nameNode, sf));
    const cx = { checker, sf, fn, name: src.name, callees: new Map(), files: new Set() };
    const params = node.parameters.map((p) => {
        if (!ts_morph_1.ts.isIdentifier(p.name))
            return (0, context_1.fail)(catalog_1.errors.unsupportedStatement(where(p.name), 'destructuring parameters'));
        const t = checker.getTypeAtLocation(p.name);
        const type = (0, types_1.irType)(t, checker);
        if (p.dotDotDotToken || p.questionToken || p.initializer)
            return (0, context_1.fail)(catalog_1.errors.parameterType(where(p), p.name.text, `${checker.typeToString(t)} (optional, default and rest parameters are not supported)`));
        if (type === undefined || type === 'boolean')
            return (0, context_1.fail)(catalog_1.errors.parameterType(where(p.name), p.name.text, p.type ? p.type.getText(sf) : checker.typeToString(t)));
        return fn.declare(p.name.text, type, 'param', true);
    });
    const sig = checker.getSignatureFromDeclaration(node);
    const retTs = sig ? checker.getReturnTypeOfSignature(sig) : undefined;
    const returnType = retTs ? (0, types_1.irType)(retTs, checker) : undefined;
    if (returnType === undefined || returnType === 'boolean') {
        return (0, context_1.fail)(catalog_1.errors.returnType(where(node.type ?? src.nameNode), src.name, retTs ? checker.typeToString(retTs) : 'unknown'));
    }
    fn.withScope(() => {
        const body = node.body;
        if (ts_morph_1.ts.isBlock(body)) {
            (0, statements_1.lowerStatements)(cx, body.statements);
        }
        else {
            fn.origin = (0, position_1.originOf)(body, sf);
            const value = (0, expressions_1.lowerExpr)(cx, body);
            fn.emit({ kind: 'return', value, origin: fn.origin });
        }
    });
    if (!(0, statements_1.endsFlow)(fn.body))
        (0, context_1.fail)(catalog_1.errors.missingReturn(where(src.nameNode), src.name));
    const ir = {
        key: src.key,
        name: src.name,
        file: src.file,
        exported: src.exported,
        params,
        returnType,
        vars: fn.vars,
        temps: fn.temps,
        body: fn.body,
        origin: (0, position_1.originOf)(src.nameNode, sf),
        loopCount: fn.loopTotal,
    };
    return { ir, callees: cx.callees, files: cx.files };
}
