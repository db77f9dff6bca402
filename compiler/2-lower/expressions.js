"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.skipOuter = skipOuter;
exports.prim = prim;
exports.lowerExpr = lowerExpr;
exports.assignable = assignable;
exports.lowerCondition = lowerCondition;
exports.typeOfNode = typeOfNode;
/**
 * Expressions ⇒ ops. Every subexpression becomes one op with a fresh temp;
 * evaluation order is JavaScript's (left to right, assignments in place).
 *
 * Short-circuit operators and `?:` keep their laziness: when the part that may
 * not run contains anything but reads and constants, they become an `if` that
 * assigns a hidden variable, so an untaken `Math.log(x)` is never evaluated,
 * in the primal nor in any derivative.
 */
const ts_morph_1 = require("ts-morph");
const catalog_1 = require("../diagnostics/catalog");
const types_1 = require("../ir/types");
const table_1 = require("../rules/table");
const functions_1 = require("../1-frontend/functions");
const context_1 = require("./context");
const types_2 = require("./types");
const statements_1 = require("./statements");
const arrays_1 = require("./arrays");
const arithmetic = {
    [ts_morph_1.ts.SyntaxKind.PlusToken]: 'add',
    [ts_morph_1.ts.SyntaxKind.MinusToken]: 'sub',
    [ts_morph_1.ts.SyntaxKind.AsteriskToken]: 'mul',
    [ts_morph_1.ts.SyntaxKind.SlashToken]: 'div',
    [ts_morph_1.ts.SyntaxKind.PercentToken]: 'mod',
    [ts_morph_1.ts.SyntaxKind.AsteriskAsteriskToken]: 'pow',
};
const comparison = {
    [ts_morph_1.ts.SyntaxKind.LessThanToken]: 'lt',
    [ts_morph_1.ts.SyntaxKind.LessThanEqualsToken]: 'le',
    [ts_morph_1.ts.SyntaxKind.GreaterThanToken]: 'gt',
    [ts_morph_1.ts.SyntaxKind.GreaterThanEqualsToken]: 'ge',
    [ts_morph_1.ts.SyntaxKind.EqualsEqualsEqualsToken]: 'eq',
    [ts_morph_1.ts.SyntaxKind.EqualsEqualsToken]: 'eq',
    [ts_morph_1.ts.SyntaxKind.ExclamationEqualsEqualsToken]: 'ne',
    [ts_morph_1.ts.SyntaxKind.ExclamationEqualsToken]: 'ne',
};
const compound = {
    [ts_morph_1.ts.SyntaxKind.PlusEqualsToken]: 'add',
    [ts_morph_1.ts.SyntaxKind.MinusEqualsToken]: 'sub',
    [ts_morph_1.ts.SyntaxKind.AsteriskEqualsToken]: 'mul',
    [ts_morph_1.ts.SyntaxKind.SlashEqualsToken]: 'div',
    [ts_morph_1.ts.SyntaxKind.PercentEqualsToken]: 'mod',
    [ts_morph_1.ts.SyntaxKind.AsteriskAsteriskEqualsToken]: 'pow',
};
function skipOuter(e) {
    while (ts_morph_1.ts.isParenthesizedExpression(e) || ts_morph_1.ts.isAsExpression(e) || ts_morph_1.ts.isNonNullExpression(e) || ts_morph_1.ts.isSatisfiesExpression(e) || ts_morph_1.ts.isTypeAssertionExpression(e))
        e = e.expression;
    return e;
}
function prim(cx, fn, args) {
    const r = (0, table_1.rule)(fn);
    // Fold operations on constants (Math.PI / 2, -1, 2 ** 10): exact, and keeps literals recognisable.
    const values = args.map((a) => cx.fn.constants.get(a));
    if (values.every((v) => typeof v === 'number') && fn !== 'and' && fn !== 'or' && r.result === 'number') {
        return cx.fn.constant(r.evaluate(values));
    }
    return cx.fn.op({ op: 'prim', fn }, args, r.result);
}
function lowerExpr(cx, node) {
    const e = skipOuter(node);
    switch (e.kind) {
        case ts_morph_1.ts.SyntaxKind.NumericLiteral:
            return cx.fn.constant(Number(e.text));
        case ts_morph_1.ts.SyntaxKind.TrueKeyword:
            return cx.fn.constant(true);
        case ts_morph_1.ts.SyntaxKind.FalseKeyword:
            return cx.fn.constant(false);
        case ts_morph_1.ts.SyntaxKind.Identifier:
            return lowerIdentifier(cx, e);
        case ts_morph_1.ts.SyntaxKind.PropertyAccessExpression:
            return lowerPropertyAccess(cx, e);
        case ts_morph_1.ts.SyntaxKind.ElementAccessExpression:
            return (0, arrays_1.lowerLoad)(cx, e);
        case ts_morph_1.ts.SyntaxKind.PrefixUnaryExpression:
            return lowerPrefix(cx, e);
        case ts_morph_1.ts.SyntaxKind.PostfixUnaryExpression:
            return lowerIncrement(cx, e, e.operator === ts_morph_1.ts.SyntaxKind.PlusPlusToken ? 'add' : 'sub', 'old');
        case ts_morph_1.ts.SyntaxKind.BinaryExpression:
            return lowerBinary(cx, e);
        case ts_morph_1.ts.SyntaxKind.ConditionalExpression:
            return lowerConditional(cx, e);
        case ts_morph_1.ts.SyntaxKind.CallExpression:
            return lowerCall(cx, e);
        case ts_morph_1.ts.SyntaxKind.NewExpression:
        case ts_morph_1.ts.SyntaxKind.ArrayLiteralExpression:
            return (0, arrays_1.lowerArrayCreation)(cx, e);
        case ts_morph_1.ts.SyntaxKind.ArrowFunction:
        case ts_morph_1.ts.SyntaxKind.FunctionExpression:
            return (0, context_1.fail)(catalog_1.errors.closure((0, context_1.pos)(cx, e)));
        default:
            return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, e), describe(e)));
    }
}
function describe(e) {
    const kinds = {
        [ts_morph_1.ts.SyntaxKind.StringLiteral]: 'strings',
        [ts_morph_1.ts.SyntaxKind.TemplateExpression]: 'template strings',
        [ts_morph_1.ts.SyntaxKind.NoSubstitutionTemplateLiteral]: 'template strings',
        [ts_morph_1.ts.SyntaxKind.ObjectLiteralExpression]: 'object literals',
        [ts_morph_1.ts.SyntaxKind.AwaitExpression]: 'await',
        [ts_morph_1.ts.SyntaxKind.YieldExpression]: 'yield',
        [ts_morph_1.ts.SyntaxKind.TypeOfExpression]: 'typeof',
        [ts_morph_1.ts.SyntaxKind.DeleteExpression]: 'delete',
        [ts_morph_1.ts.SyntaxKind.ThisKeyword]: 'this',
        [ts_morph_1.ts.SyntaxKind.NullKeyword]: 'null',
        [ts_morph_1.ts.SyntaxKind.SpreadElement]: 'spread',
        [ts_morph_1.ts.SyntaxKind.TaggedTemplateExpression]: 'tagged templates',
        [ts_morph_1.ts.SyntaxKind.ClassExpression]: 'classes',
    };
    return kinds[e.kind] ?? `'${e.getText().slice(0, 40)}' (${ts_morph_1.ts.SyntaxKind[e.kind]})`;
}
function lowerIdentifier(cx, id) {
    const v = cx.fn.lookup(id.text);
    if (v !== undefined)
        return cx.fn.read(v);
    if (id.text === 'Infinity')
        return cx.fn.constant(Infinity);
    if (id.text === 'NaN')
        return cx.fn.constant(NaN);
    if (id.text === 'undefined')
        return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, id), 'undefined'));
    const value = moduleConstant(cx, id);
    if (value !== undefined)
        return cx.fn.constant(value);
    const sym = cx.checker.getSymbolAtLocation(id);
    const decl = sym?.valueDeclaration;
    if (decl && (ts_morph_1.ts.isFunctionDeclaration(decl) || ts_morph_1.ts.isVariableDeclaration(decl)) && isInside(decl, cx)) {
        return (0, context_1.fail)(catalog_1.errors.closure((0, context_1.pos)(cx, id)));
    }
    return (0, context_1.fail)(catalog_1.errors.moduleVariable((0, context_1.pos)(cx, id), id.text));
}
/** A declaration inside the function being lowered that is not one of its locals: a nested function. */
function isInside(decl, cx) {
    for (let n = decl.parent; n; n = n.parent)
        if (ts_morph_1.ts.isFunctionLike(n))
            return n.getSourceFile() === cx.sf && n.pos <= decl.pos;
    return false;
}
/**
 * The value of a module-level `const` bound to a numeric constant expression
 * (`const N = 10`, `const TAU = 2 * Math.PI`), followed through imports.
 */
function moduleConstant(cx, id) {
    let sym = cx.checker.getSymbolAtLocation(id);
    if (!sym)
        return undefined;
    if (sym.flags & ts_morph_1.ts.SymbolFlags.Alias)
        sym = cx.checker.getAliasedSymbol(sym);
    const decl = sym.valueDeclaration;
    if (!decl || !ts_morph_1.ts.isVariableDeclaration(decl) || !decl.initializer)
        return undefined;
    if (!(decl.parent.flags & ts_morph_1.ts.NodeFlags.Const) || !ts_morph_1.ts.isVariableStatement(decl.parent.parent) || !ts_morph_1.ts.isSourceFile(decl.parent.parent.parent))
        return undefined;
    const value = evaluateConstant(decl.initializer, cx, 0);
    if (value !== undefined)
        cx.files.add(decl.getSourceFile().fileName);
    return value;
}
function evaluateConstant(node, cx, depth) {
    if (depth > 20)
        return undefined;
    const e = skipOuter(node);
    if (ts_morph_1.ts.isNumericLiteral(e))
        return Number(e.text);
    if (ts_morph_1.ts.isPrefixUnaryExpression(e)) {
        const v = evaluateConstant(e.operand, cx, depth + 1);
        if (v === undefined)
            return undefined;
        if (e.operator === ts_morph_1.ts.SyntaxKind.MinusToken)
            return -v;
        if (e.operator === ts_morph_1.ts.SyntaxKind.PlusToken)
            return v;
        return undefined;
    }
    if (ts_morph_1.ts.isBinaryExpression(e)) {
        const fn = arithmetic[e.operatorToken.kind];
        const l = evaluateConstant(e.left, cx, depth + 1);
        const r = evaluateConstant(e.right, cx, depth + 1);
        if (!fn || l === undefined || r === undefined)
            return undefined;
        return (0, table_1.rule)(fn).evaluate([l, r]);
    }
    if (ts_morph_1.ts.isPropertyAccessExpression(e) && ts_morph_1.ts.isIdentifier(e.expression) && e.expression.text === 'Math')
        return table_1.mathConstants.get(e.name.text);
    if (ts_morph_1.ts.isPropertyAccessExpression(e) && ts_morph_1.ts.isIdentifier(e.expression) && e.expression.text === 'Number')
        return numberConstants.get(e.name.text);
    if (ts_morph_1.ts.isCallExpression(e) && ts_morph_1.ts.isPropertyAccessExpression(e.expression) && ts_morph_1.ts.isIdentifier(e.expression.expression) && e.expression.expression.text === 'Math') {
        const fn = table_1.mathFunctions.get(e.expression.name.text);
        const args = e.arguments.map((a) => evaluateConstant(a, cx, depth + 1));
        if (!fn || args.some((a) => a === undefined))
            return undefined;
        return (0, table_1.rule)(fn).evaluate(args);
    }
    if (ts_morph_1.ts.isIdentifier(e)) {
        if (e.text === 'Infinity')
            return Infinity;
        if (e.text === 'NaN')
            return NaN;
        let sym = cx.checker.getSymbolAtLocation(e);
        if (sym && sym.flags & ts_morph_1.ts.SymbolFlags.Alias)
            sym = cx.checker.getAliasedSymbol(sym);
        const decl = sym?.valueDeclaration;
        if (decl && ts_morph_1.ts.isVariableDeclaration(decl) && decl.initializer && decl.parent.flags & ts_morph_1.ts.NodeFlags.Const && ts_morph_1.ts.isVariableStatement(decl.parent.parent) && ts_morph_1.ts.isSourceFile(decl.parent.parent.parent))
            return evaluateConstant(decl.initializer, cx, depth + 1);
    }
    return undefined;
}
const numberConstants = new Map([
    ['EPSILON', Number.EPSILON],
    ['MAX_VALUE', Number.MAX_VALUE],
    ['MIN_VALUE', Number.MIN_VALUE],
    ['MAX_SAFE_INTEGER', Number.MAX_SAFE_INTEGER],
    ['MIN_SAFE_INTEGER', Number.MIN_SAFE_INTEGER],
    ['POSITIVE_INFINITY', Infinity],
    ['NEGATIVE_INFINITY', -Infinity],
    ['NaN', NaN],
]);
function lowerPropertyAccess(cx, e) {
    const obj = skipOuter(e.expression);
    if (ts_morph_1.ts.isIdentifier(obj) && obj.text === 'Math' && cx.fn.lookup('Math') === undefined) {
        const c = table_1.mathConstants.get(e.name.text);
        if (c === undefined)
            return (0, context_1.fail)(catalog_1.errors.unsupportedMath((0, context_1.pos)(cx, e), e.name.text));
        return cx.fn.constant(c);
    }
    if (ts_morph_1.ts.isIdentifier(obj) && obj.text === 'Number' && cx.fn.lookup('Number') === undefined) {
        const c = numberConstants.get(e.name.text);
        if (c !== undefined)
            return cx.fn.constant(c);
    }
    if (e.name.text === 'length' && ts_morph_1.ts.isIdentifier(obj)) {
        const v = cx.fn.lookup(obj.text);
        if (v !== undefined && (0, types_1.isArrayType)(cx.fn.vars[v].type))
            return cx.fn.op({ op: 'length', var: v }, [], 'number');
    }
    return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, e), `property access '${e.getText(cx.sf)}'`));
}
function lowerPrefix(cx, e) {
    switch (e.operator) {
        case ts_morph_1.ts.SyntaxKind.MinusToken: {
            const v = lowerExpr(cx, e.operand);
            return prim(cx, 'neg', [v]);
        }
        case ts_morph_1.ts.SyntaxKind.PlusToken:
            return lowerExpr(cx, e.operand);
        case ts_morph_1.ts.SyntaxKind.ExclamationToken:
            return prim(cx, 'not', [lowerCondition(cx, e.operand)]);
        case ts_morph_1.ts.SyntaxKind.PlusPlusToken:
            return lowerIncrement(cx, e, 'add', 'new');
        case ts_morph_1.ts.SyntaxKind.MinusMinusToken:
            return lowerIncrement(cx, e, 'sub', 'new');
        default:
            return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, e), `operator '${ts_morph_1.ts.tokenToString(e.operator)}'`));
    }
}
/** `x++`, `++x`, `a[i]--`: the value is the old or the new one. */
function lowerIncrement(cx, e, fn, result) {
    const target = skipOuter(e.operand);
    if (ts_morph_1.ts.isElementAccessExpression(target)) {
        let old = -1;
        const updated = (0, arrays_1.lowerElementAssignment)(cx, target, (current) => {
            old = current();
            return prim(cx, fn, [old, cx.fn.constant(1)]);
        });
        return result === 'old' ? old : updated;
    }
    const v = assignable(cx, target);
    const old = cx.fn.read(v);
    const updated = prim(cx, fn, [old, cx.fn.constant(1)]);
    cx.fn.assign(v, updated);
    return result === 'old' ? old : updated;
}
/** The variable an assignment writes to; parameters and `let`s only. */
function assignable(cx, target) {
    if (!ts_morph_1.ts.isIdentifier(target))
        return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, target), `assignment to '${target.getText(cx.sf)}'`));
    const v = cx.fn.lookup(target.text);
    if (v === undefined)
        return (0, context_1.fail)(catalog_1.errors.moduleVariable((0, context_1.pos)(cx, target), target.text));
    const info = cx.fn.vars[v];
    if (info.constant && info.role !== 'param')
        return (0, context_1.fail)(catalog_1.errors.assignmentToConst((0, context_1.pos)(cx, target), target.text));
    if ((0, types_1.isArrayType)(info.type))
        return (0, context_1.fail)(catalog_1.errors.arrayAlias((0, context_1.pos)(cx, target), `assigning a new array to '${target.text}'`));
    return v;
}
function lowerBinary(cx, e) {
    const k = e.operatorToken.kind;
    const arith = arithmetic[k];
    if (arith) {
        const l = lowerExpr(cx, e.left);
        const r = lowerExpr(cx, e.right);
        requireNumber(cx, e.left, l);
        requireNumber(cx, e.right, r);
        return prim(cx, arith, [l, r]);
    }
    const cmp = comparison[k];
    if (cmp) {
        const l = lowerExpr(cx, e.left);
        const r = lowerExpr(cx, e.right);
        return prim(cx, cmp, [l, r]);
    }
    if (k === ts_morph_1.ts.SyntaxKind.AmpersandAmpersandToken || k === ts_morph_1.ts.SyntaxKind.BarBarToken)
        return lowerLogical(cx, e);
    if (k === ts_morph_1.ts.SyntaxKind.EqualsToken) {
        const target = skipOuter(e.left);
        if (ts_morph_1.ts.isElementAccessExpression(target))
            return (0, arrays_1.lowerElementAssignment)(cx, target, () => lowerExpr(cx, e.right));
        const v = assignable(cx, target);
        const value = lowerExpr(cx, e.right);
        cx.fn.assign(v, value);
        return value;
    }
    const op = compound[k];
    if (op) {
        const target = skipOuter(e.left);
        if (ts_morph_1.ts.isElementAccessExpression(target))
            return (0, arrays_1.lowerElementAssignment)(cx, target, (current) => prim(cx, op, [current(), lowerExpr(cx, e.right)]));
        const v = assignable(cx, target);
        const old = cx.fn.read(v);
        const value = prim(cx, op, [old, lowerExpr(cx, e.right)]);
        cx.fn.assign(v, value);
        return value;
    }
    if (k === ts_morph_1.ts.SyntaxKind.CommaToken) {
        lowerExpr(cx, e.left);
        return lowerExpr(cx, e.right);
    }
    return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, e.operatorToken), `operator '${e.operatorToken.getText(cx.sf)}'`));
}
function requireNumber(cx, node, t) {
    if (cx.fn.temps[t] !== 'number')
        (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, node), `arithmetic on a value of type ${cx.fn.temps[t]}`));
}
/** True when a detached region only reads and computes (no calls, writes or control flow): safe to run eagerly. */
function isEager(stmts) {
    return stmts.every((s) => s.kind === 'op' && (s.op === 'const' || s.op === 'read' || s.op === 'length' || s.op === 'load' || (s.op === 'prim' && (0, table_1.rule)(s.fn).result === 'boolean') || (s.op === 'prim' && s.args.length <= 2 && ['add', 'sub', 'neg', 'mul'].includes(s.fn))));
}
/** `a && b`, `a || b` on booleans. */
function lowerLogical(cx, e) {
    const isAnd = e.operatorToken.kind === ts_morph_1.ts.SyntaxKind.AmpersandAmpersandToken;
    const l = lowerCondition(cx, e.left);
    let r = -1;
    const rhs = cx.fn.region(() => {
        r = lowerCondition(cx, e.right);
    });
    if (isEager(rhs)) {
        cx.fn.splice(rhs);
        return prim(cx, isAnd ? 'and' : 'or', [l, r]);
    }
    // h = l; if (l) { h = r }   (for ||: if (!l))
    const h = cx.fn.declare('cond', 'boolean', 'hidden', false);
    cx.fn.assign(h, l, true);
    const test = isAnd ? l : prim(cx, 'not', [l]);
    const then = [...rhs, { kind: 'assign', var: h, value: r, declare: false, origin: cx.fn.origin }];
    cx.fn.emit({ kind: 'if', cond: test, then, else: [], origin: cx.fn.origin });
    return cx.fn.read(h);
}
/** A boolean-valued expression (conditions of `if`, loops, `?:`, `&&`). */
function lowerCondition(cx, node) {
    const t = lowerExpr(cx, node);
    if (cx.fn.temps[t] !== 'boolean') {
        return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, node), `a condition of type ${cx.fn.temps[t]}: compare explicitly (x !== 0)`));
    }
    return t;
}
/** `c ? a : b`: a `select` when both arms are reads or constants, an `if` otherwise. */
function lowerConditional(cx, e) {
    const c = lowerCondition(cx, e.condition);
    let a = -1;
    let bb = -1;
    const whenTrue = cx.fn.region(() => {
        a = lowerExpr(cx, e.whenTrue);
    });
    const whenFalse = cx.fn.region(() => {
        bb = lowerExpr(cx, e.whenFalse);
    });
    const ta = cx.fn.temps[a];
    const tb = cx.fn.temps[bb];
    if (ta !== tb || (0, types_1.isArrayType)(ta))
        return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, e), `a conditional whose arms have types ${ta} and ${tb}`));
    const trivial = (stmts) => stmts.every((s) => s.kind === 'op' && (s.op === 'const' || s.op === 'read'));
    if (trivial(whenTrue) && trivial(whenFalse)) {
        cx.fn.splice(whenTrue);
        cx.fn.splice(whenFalse);
        return cx.fn.op({ op: 'select' }, [c, a, bb], ta);
    }
    const h = cx.fn.declare('sel', ta, 'hidden', false);
    cx.fn.emit({ kind: 'declare', var: h, origin: cx.fn.origin });
    const origin = cx.fn.origin;
    cx.fn.emit({
        kind: 'if',
        cond: c,
        then: [...whenTrue, { kind: 'assign', var: h, value: a, declare: false, origin }],
        else: [...whenFalse, { kind: 'assign', var: h, value: bb, declare: false, origin }],
        origin,
    });
    return cx.fn.read(h);
}
function lowerCall(cx, e) {
    const callee = skipOuter(e.expression);
    if (ts_morph_1.ts.isPropertyAccessExpression(callee)) {
        const obj = skipOuter(callee.expression);
        if (ts_morph_1.ts.isIdentifier(obj) && obj.text === 'Math' && cx.fn.lookup('Math') === undefined)
            return lowerMathCall(cx, e, callee.name.text);
        if ((0, arrays_1.isArrayMethodCall)(cx, callee))
            return (0, arrays_1.lowerArrayCall)(cx, e, callee);
    }
    const resolved = (0, functions_1.resolveCallee)(callee, cx.checker);
    if ('problem' in resolved) {
        if (resolved.problem === 'noBody')
            return (0, context_1.fail)(catalog_1.errors.noBody((0, context_1.pos)(cx, callee), resolved.name));
        if (resolved.problem === 'notModuleLevel')
            return (0, context_1.fail)(catalog_1.errors.closure((0, context_1.pos)(cx, callee)));
        return (0, context_1.fail)(catalog_1.errors.unresolvedCall((0, context_1.pos)(cx, callee), `'${resolved.name}' is not a function of this project`));
    }
    const src = resolved.source;
    const params = src.node.parameters;
    if (params.some((p) => p.dotDotDotToken || p.initializer || p.questionToken))
        return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, e), `calling '${src.name}', which has optional, default or rest parameters`));
    if (e.arguments.length !== params.length)
        return (0, context_1.fail)(catalog_1.errors.arity((0, context_1.pos)(cx, e), src.name, params.length, e.arguments.length));
    const args = e.arguments.map((a) => (0, statements_1.namedArray)(cx, lowerExpr(cx, a), 'arg'));
    const sig = cx.checker.getSignatureFromDeclaration(src.node);
    const ret = sig ? (0, types_2.irType)(cx.checker.getReturnTypeOfSignature(sig), cx.checker) : undefined;
    if (ret === undefined || ret === 'boolean') {
        const text = sig ? cx.checker.typeToString(cx.checker.getReturnTypeOfSignature(sig)) : 'unknown';
        return (0, context_1.fail)(catalog_1.errors.returnType((0, context_1.pos)(cx, e), src.name, text));
    }
    cx.callees.set(src.key, src);
    resolved.via.forEach((f) => cx.files.add(f));
    return cx.fn.op({ op: 'call', callee: src.key }, args, ret);
}
function lowerMathCall(cx, e, name) {
    if (name === 'random')
        return (0, context_1.fail)(catalog_1.errors.nonDifferentiable((0, context_1.pos)(cx, e), 'Math.random()'));
    const fn = table_1.mathFunctions.get(name);
    if (!fn)
        return (0, context_1.fail)(catalog_1.errors.unsupportedMath((0, context_1.pos)(cx, e), name));
    const r = (0, table_1.rule)(fn);
    const args = e.arguments.map((a) => lowerExpr(cx, a));
    for (const [i, a] of args.entries())
        requireNumber(cx, e.arguments[i], a);
    if (r.arity === 'variadic') {
        if (args.length === 0)
            return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, e), `Math.${name}() without arguments`));
        if (args.length === 1 && (fn === 'max' || fn === 'min'))
            return args[0];
    }
    else if (args.length !== r.arity) {
        return (0, context_1.fail)(catalog_1.errors.arity((0, context_1.pos)(cx, e), `Math.${name}`, r.arity, args.length));
    }
    return prim(cx, fn, args);
}
function typeOfNode(cx, node) {
    return (0, types_2.irType)(cx.checker.getTypeAtLocation(node), cx.checker);
}
