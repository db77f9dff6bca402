"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.moduleFunctions = moduleFunctions;
exports.findMarked = findMarked;
exports.resolveCallee = resolveCallee;
/**
 * Finding `@differentiable` functions and resolving the functions they call.
 *
 * Guarantees: a `FunctionSource` always has a body we can lower (a function
 * declaration, or a `const` bound to an arrow function or function expression at
 * module level); its key `<file>#<name>` is unique in the project. A tag we
 * cannot honour (on a method, with an unknown `wrt` name) is an ADC110 error.
 */
const ts_morph_1 = require("ts-morph");
const catalog_1 = require("../diagnostics/catalog");
const position_1 = require("./position");
function hasExport(node) {
    return ts_morph_1.ts.canHaveModifiers(node) && (ts_morph_1.ts.getModifiers(node) ?? []).some((m) => m.kind === ts_morph_1.ts.SyntaxKind.ExportKeyword);
}
function differentiableTag(node) {
    return ts_morph_1.ts.getJSDocTags(node).find((t) => t.tagName.text === 'differentiable');
}
/** The module-level functions of a file, by name. */
function moduleFunctions(sf) {
    const out = [];
    for (const st of sf.statements) {
        if (ts_morph_1.ts.isFunctionDeclaration(st) && st.name && st.body) {
            out.push({ key: `${sf.fileName}#${st.name.text}`, name: st.name.text, file: sf.fileName, node: st, nameNode: st.name, sourceFile: sf, exported: hasExport(st) });
        }
        else if (ts_morph_1.ts.isVariableStatement(st) && st.declarationList.flags & ts_morph_1.ts.NodeFlags.Const) {
            for (const d of st.declarationList.declarations) {
                const init = d.initializer && skipParens(d.initializer);
                if (ts_morph_1.ts.isIdentifier(d.name) && init && (ts_morph_1.ts.isArrowFunction(init) || ts_morph_1.ts.isFunctionExpression(init))) {
                    out.push({ key: `${sf.fileName}#${d.name.text}`, name: d.name.text, file: sf.fileName, node: init, nameNode: d.name, sourceFile: sf, exported: hasExport(st) });
                }
            }
        }
    }
    return out;
}
function skipParens(e) {
    while (ts_morph_1.ts.isParenthesizedExpression(e) || ts_morph_1.ts.isAsExpression(e) || ts_morph_1.ts.isSatisfiesExpression(e))
        e = e.expression;
    return e;
}
/** The `@differentiable` functions of a file, with their `wrt` lists, and tag errors. */
function findMarked(sf) {
    const marked = [];
    const diagnostics = [];
    if (!sf.text.includes('@differentiable'))
        return { marked, diagnostics };
    const topLevel = new Set();
    for (const fn of moduleFunctions(sf)) {
        const tagged = ts_morph_1.ts.isFunctionDeclaration(fn.node) ? fn.node : fn.nameNode.parent;
        topLevel.add(fn.node);
        const tag = differentiableTag(tagged);
        if (!tag)
            continue;
        const params = fn.node.parameters.map((p) => (ts_morph_1.ts.isIdentifier(p.name) ? p.name.text : p.name.getText(sf)));
        const text = (ts_morph_1.ts.getTextOfJSDocComment(tag.comment) ?? '').trim();
        if (text === '') {
            marked.push({ source: fn, wrt: params });
            continue;
        }
        const m = /^wrt\s*\(([^)]*)\)/.exec(text);
        if (!m) {
            diagnostics.push(catalog_1.errors.badTag((0, position_1.positionOf)(tag, sf), `expected '@differentiable' or '@differentiable wrt(p1, p2, …)', found '${text}'`));
            continue;
        }
        const names = m[1].split(',').map((s) => s.trim()).filter((s) => s !== '');
        const unknown = names.filter((n) => !params.includes(n));
        if (unknown.length > 0) {
            diagnostics.push(catalog_1.errors.badTag((0, position_1.positionOf)(tag, sf), `'${unknown[0]}' is not a parameter of '${fn.name}' (parameters: ${params.join(', ') || 'none'})`));
            continue;
        }
        if (names.length === 0) {
            diagnostics.push(catalog_1.errors.badTag((0, position_1.positionOf)(tag, sf), 'wrt() names no parameter'));
            continue;
        }
        marked.push({ source: fn, wrt: params.filter((p) => names.includes(p)) });
    }
    // A tag anywhere else (methods, nested functions, default exports) cannot be honoured.
    const visit = (node) => {
        if ((ts_morph_1.ts.isFunctionLike(node) || ts_morph_1.ts.isVariableStatement(node)) && !topLevel.has(node)) {
            const tag = differentiableTag(node);
            const isTopVar = ts_morph_1.ts.isVariableStatement(node) && node.parent === sf;
            if (tag && !isTopVar)
                diagnostics.push(catalog_1.errors.badTag((0, position_1.positionOf)(tag, sf), 'only module-level functions (function declarations or const arrow functions) can be marked'));
        }
        ts_morph_1.ts.forEachChild(node, visit);
    };
    visit(sf);
    return { marked, diagnostics };
}
/**
 * The function a call expression calls: through imports, re-exports and
 * `export { a as b }` aliases. Undefined when the callee is not a function of
 * the project with a body (the caller reports why).
 */
function resolveCallee(callee, checker) {
    const name = callee.getText();
    let sym = checker.getSymbolAtLocation(callee);
    if (!sym)
        return { problem: 'unresolved', name };
    // Files the call resolves through (imports, re-exports): the generated code depends on them too.
    const via = [];
    for (let guard = 0; sym.flags & ts_morph_1.ts.SymbolFlags.Alias && guard < 100; guard++) {
        for (const d of sym.declarations ?? [])
            via.push(d.getSourceFile().fileName);
        const next = checker.getImmediateAliasedSymbol(sym) ?? checker.getAliasedSymbol(sym);
        if (next === sym)
            break;
        sym = next;
    }
    const decls = sym.declarations ?? [];
    for (const d of decls) {
        const sf = d.getSourceFile();
        if (ts_morph_1.ts.isFunctionDeclaration(d) && d.body && d.name) {
            if (d.parent !== sf)
                return { problem: 'notModuleLevel', name };
            return { source: { key: `${sf.fileName}#${d.name.text}`, name: d.name.text, file: sf.fileName, node: d, nameNode: d.name, sourceFile: sf, exported: hasExport(d) }, via };
        }
        if (ts_morph_1.ts.isVariableDeclaration(d) && ts_morph_1.ts.isIdentifier(d.name) && d.initializer) {
            const init = skipParens(d.initializer);
            if (ts_morph_1.ts.isArrowFunction(init) || ts_morph_1.ts.isFunctionExpression(init)) {
                const stmt = d.parent.parent;
                if (!ts_morph_1.ts.isVariableStatement(stmt) || stmt.parent !== sf || !(d.parent.flags & ts_morph_1.ts.NodeFlags.Const))
                    return { problem: 'notModuleLevel', name };
                return { source: { key: `${sf.fileName}#${d.name.text}`, name: d.name.text, file: sf.fileName, node: init, nameNode: d.name, sourceFile: sf, exported: hasExport(stmt) }, via };
            }
        }
    }
    const isFunctionLike = decls.some((d) => ts_morph_1.ts.isFunctionDeclaration(d) || ts_morph_1.ts.isMethodSignature(d) || ts_morph_1.ts.isFunctionTypeNode(d) || ts_morph_1.ts.isVariableDeclaration(d));
    return { problem: isFunctionLike ? 'noBody' : 'unresolved', name };
}
