"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.fail = fail;
exports.pos = pos;
exports.atStatement = atStatement;
const catalog_1 = require("../diagnostics/catalog");
const position_1 = require("../1-frontend/position");
function fail(d) {
    throw new catalog_1.CompileError(d);
}
function pos(cx, node) {
    return (0, position_1.positionOf)(node, cx.sf);
}
/** Runs `fill` with the origin of a source statement. */
function atStatement(cx, node, fill) {
    const saved = cx.fn.origin;
    cx.fn.origin = (0, position_1.originOf)(node, cx.sf);
    try {
        return fill();
    }
    finally {
        cx.fn.origin = saved;
    }
}
