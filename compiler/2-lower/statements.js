"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.lowerStatements = lowerStatements;
exports.endsFlow = endsFlow;
exports.lowerBlockOrStatement = lowerBlockOrStatement;
exports.lowerStatement = lowerStatement;
exports.lowerLoopBody = lowerLoopBody;
exports.namedArray = namedArray;
/**
 * Statements ⇒ regions. One `switch` over the supported statement kinds; the
 * default reports the construct with its position.
 *
 * Guarantees: unreachable statements after `return`/`break`/`continue` are
 * dropped; loops keep their form (`for`, `while`, `do`) with the condition in
 * a `test` region; `for … of` and array callbacks become index loops; `switch`
 * without fall-through becomes an `if` chain.
 */
const ts_morph_1 = require("ts-morph");
const catalog_1 = require("../diagnostics/catalog");
const types_1 = require("../ir/types");
const context_1 = require("./context");
const expressions_1 = require("./expressions");
const arrays_1 = require("./arrays");
const callbackReturns = new WeakMap();
function lowerStatements(cx, list) {
    for (const s of list) {
        lowerStatement(cx, s);
        if (endsFlow(cx.fn.current))
            return; // the rest is unreachable
    }
}
/** True when a region cannot complete normally (it ends in return/break/continue, or an if whose arms both cannot). */
function endsFlow(region) {
    const last = region[region.length - 1];
    if (!last)
        return false;
    if (last.kind === 'return' || last.kind === 'break' || last.kind === 'continue')
        return true;
    if (last.kind === 'if')
        return endsFlow(last.then) && endsFlow(last.else);
    if (last.kind === 'loop')
        return last.cond === undefined && !containsBreakOf(last.body, last.id);
    return false;
}
function containsBreakOf(region, loop) {
    return region.some((s) => {
        if (s.kind === 'break')
            return s.loop === loop;
        if (s.kind === 'if')
            return containsBreakOf(s.then, loop) || containsBreakOf(s.else, loop);
        if (s.kind === 'loop')
            return containsBreakOf(s.body, loop) || containsBreakOf(s.test, loop) || containsBreakOf(s.update, loop);
        return false;
    });
}
function lowerBlockOrStatement(cx, node) {
    cx.fn.withScope(() => {
        if (ts_morph_1.ts.isBlock(node))
            lowerStatements(cx, node.statements);
        else
            lowerStatement(cx, node);
    });
}
function lowerStatement(cx, node, label) {
    (0, context_1.atStatement)(cx, node, () => {
        switch (node.kind) {
            case ts_morph_1.ts.SyntaxKind.VariableStatement:
                return lowerDeclarations(cx, node.declarationList);
            case ts_morph_1.ts.SyntaxKind.ExpressionStatement:
                (0, expressions_1.lowerExpr)(cx, node.expression);
                return;
            case ts_morph_1.ts.SyntaxKind.IfStatement:
                return lowerIf(cx, node);
            case ts_morph_1.ts.SyntaxKind.Block:
                return lowerBlockOrStatement(cx, node);
            case ts_morph_1.ts.SyntaxKind.ForStatement:
                return lowerFor(cx, node, label);
            case ts_morph_1.ts.SyntaxKind.WhileStatement:
                return lowerWhile(cx, node, label);
            case ts_morph_1.ts.SyntaxKind.DoStatement:
                return lowerDo(cx, node, label);
            case ts_morph_1.ts.SyntaxKind.ForOfStatement:
                return lowerForOf(cx, node, label);
            case ts_morph_1.ts.SyntaxKind.LabeledStatement: {
                const l = node;
                if (!ts_morph_1.ts.isIterationStatement(l.statement, false))
                    return (0, context_1.fail)(catalog_1.errors.unsupportedStatement((0, context_1.pos)(cx, l), 'a label on something other than a loop'));
                return lowerStatement(cx, l.statement, l.label.text);
            }
            case ts_morph_1.ts.SyntaxKind.BreakStatement:
            case ts_morph_1.ts.SyntaxKind.ContinueStatement:
                return lowerJump(cx, node);
            case ts_morph_1.ts.SyntaxKind.ReturnStatement:
                return lowerReturn(cx, node);
            case ts_morph_1.ts.SyntaxKind.SwitchStatement:
                return lowerSwitch(cx, node);
            case ts_morph_1.ts.SyntaxKind.EmptyStatement:
                return;
            case ts_morph_1.ts.SyntaxKind.FunctionDeclaration:
                return (0, context_1.fail)(catalog_1.errors.closure((0, context_1.pos)(cx, node)));
            case ts_morph_1.ts.SyntaxKind.ThrowStatement:
                return (0, context_1.fail)(catalog_1.errors.unsupportedStatement((0, context_1.pos)(cx, node), 'throw (validate inputs before calling the differentiated function)'));
            case ts_morph_1.ts.SyntaxKind.TryStatement:
                return (0, context_1.fail)(catalog_1.errors.unsupportedStatement((0, context_1.pos)(cx, node), 'try/catch'));
            case ts_morph_1.ts.SyntaxKind.ForInStatement:
                return (0, context_1.fail)(catalog_1.errors.unsupportedStatement((0, context_1.pos)(cx, node), 'for … in (use for … of or an index loop)'));
            case ts_morph_1.ts.SyntaxKind.ClassDeclaration:
                return (0, context_1.fail)(catalog_1.errors.unsupportedStatement((0, context_1.pos)(cx, node), 'class declarations'));
            default:
                return (0, context_1.fail)(catalog_1.errors.unsupportedStatement((0, context_1.pos)(cx, node), ts_morph_1.ts.SyntaxKind[node.kind]));
        }
    });
}
function lowerDeclarations(cx, list) {
    const isConst = (list.flags & ts_morph_1.ts.NodeFlags.Const) !== 0;
    if (!isConst && !(list.flags & ts_morph_1.ts.NodeFlags.Let))
        return (0, context_1.fail)(catalog_1.errors.unsupportedStatement((0, context_1.pos)(cx, list), "'var' declarations (use let or const)"));
    for (const d of list.declarations) {
        if (!ts_morph_1.ts.isIdentifier(d.name))
            return (0, context_1.fail)(catalog_1.errors.unsupportedStatement((0, context_1.pos)(cx, d.name), 'destructuring'));
        const name = d.name.text;
        const type = (0, expressions_1.typeOfNode)(cx, d.name);
        if (type === undefined)
            return (0, context_1.fail)(catalog_1.errors.localType((0, context_1.pos)(cx, d.name), name, cx.checker.typeToString(cx.checker.getTypeAtLocation(d.name))));
        if ((0, types_1.isArrayType)(type)) {
            if (!d.initializer)
                return (0, context_1.fail)(catalog_1.errors.unsupportedStatement((0, context_1.pos)(cx, d), `array variable '${name}' without an initial array`));
            const init = lowerArrayInit(cx, d.initializer, type);
            const v = cx.fn.declare(name, type, 'local', isConst);
            cx.fn.assign(v, init, true);
            continue;
        }
        if (!d.initializer) {
            const v = cx.fn.declare(name, type, 'local', false);
            cx.fn.emit({ kind: 'declare', var: v, origin: cx.fn.origin });
            continue;
        }
        const value = (0, expressions_1.lowerExpr)(cx, d.initializer);
        if (cx.fn.temps[value] !== type)
            return (0, context_1.fail)(catalog_1.errors.localType((0, context_1.pos)(cx, d.name), name, cx.fn.temps[value]));
        const v = cx.fn.declare(name, type, 'local', isConst);
        cx.fn.assign(v, value, true);
    }
}
/** The initial value of an array variable: always a fresh array, never another variable's array. */
function lowerArrayInit(cx, node, type) {
    const e = (0, expressions_1.skipOuter)(node);
    if (ts_morph_1.ts.isIdentifier(e))
        return (0, context_1.fail)(catalog_1.errors.arrayAlias((0, context_1.pos)(cx, e), `'${e.text}' already names an array; copy it with .slice()`));
    if (ts_morph_1.ts.isArrayLiteralExpression(e) || ts_morph_1.ts.isNewExpression(e))
        return (0, arrays_1.lowerArrayCreation)(cx, e, type);
    if (ts_morph_1.ts.isCallExpression(e)) {
        const filled = (0, arrays_1.lowerFillCall)(cx, e);
        if (filled !== undefined)
            return filled;
    }
    const t = (0, expressions_1.lowerExpr)(cx, e);
    const made = cx.fn.current[cx.fn.current.length - 1];
    if (!(made && made.kind === 'op' && (made.op === 'slice' || made.op === 'newArray' || made.op === 'call' || made.op === 'read'))) {
        return (0, context_1.fail)(catalog_1.errors.unsupportedExpression((0, context_1.pos)(cx, e), `'${e.getText(cx.sf).slice(0, 40)}' as an array`));
    }
    if (made.op === 'read')
        return (0, context_1.fail)(catalog_1.errors.arrayAlias((0, context_1.pos)(cx, e), 'an array variable initialised from another one'));
    return t;
}
function lowerIf(cx, node) {
    const cond = (0, expressions_1.lowerCondition)(cx, node.expression);
    const then = cx.fn.region(() => lowerBlockOrStatement(cx, node.thenStatement));
    const els = node.elseStatement ? cx.fn.region(() => lowerBlockOrStatement(cx, node.elseStatement)) : [];
    cx.fn.emit({ kind: 'if', cond, then, else: els, origin: cx.fn.origin });
}
/** The test region and condition; `undefined` condition for an always-true test. */
function lowerTest(cx, expr) {
    if (!expr)
        return { test: [], cond: undefined };
    let cond;
    const test = cx.fn.region(() => {
        cond = (0, expressions_1.lowerCondition)(cx, expr);
    });
    if (cx.fn.constants.get(cond) === true && test.length === 1)
        return { test: [], cond: undefined };
    return { test, cond };
}
function lowerFor(cx, node, label) {
    cx.fn.withScope(() => {
        if (node.initializer) {
            if (ts_morph_1.ts.isVariableDeclarationList(node.initializer))
                lowerDeclarations(cx, node.initializer);
            else
                (0, expressions_1.lowerExpr)(cx, node.initializer);
        }
        const id = cx.fn.newLoop(label);
        const { test, cond } = lowerTest(cx, node.condition);
        const body = cx.fn.region(() => lowerBlockOrStatement(cx, node.statement));
        const update = cx.fn.region(() => {
            if (node.incrementor)
                (0, expressions_1.lowerExpr)(cx, node.incrementor);
        });
        cx.fn.endLoop();
        cx.fn.emit({ kind: 'loop', id, form: 'for', test, cond, body, update, origin: cx.fn.origin });
    });
}
function lowerWhile(cx, node, label) {
    const id = cx.fn.newLoop(label);
    const { test, cond } = lowerTest(cx, node.expression);
    const body = cx.fn.region(() => lowerBlockOrStatement(cx, node.statement));
    cx.fn.endLoop();
    cx.fn.emit({ kind: 'loop', id, form: 'while', test, cond, body, update: [], origin: cx.fn.origin });
}
function lowerDo(cx, node, label) {
    const id = cx.fn.newLoop(label);
    const body = cx.fn.region(() => lowerBlockOrStatement(cx, node.statement));
    const { test, cond } = lowerTest(cx, node.expression);
    cx.fn.endLoop();
    cx.fn.emit({ kind: 'loop', id, form: 'do', test, cond, body, update: [], origin: cx.fn.origin });
}
/** `for (const x of xs) body` ⇒ `for (i = 0; i < xs.length; i++) { const x = xs[i]; body }` */
function lowerForOf(cx, node, label) {
    const init = node.initializer;
    if (!ts_morph_1.ts.isVariableDeclarationList(init) || init.declarations.length !== 1 || !ts_morph_1.ts.isIdentifier(init.declarations[0].name))
        return (0, context_1.fail)(catalog_1.errors.unsupportedStatement((0, context_1.pos)(cx, init), 'for … of without a single `const x` binding'));
    const name = init.declarations[0].name.text;
    const arr = (0, arrays_1.arrayVar)(cx, node.expression);
    cx.fn.withScope(() => {
        const index = cx.fn.declare('i', 'number', 'hidden', false);
        cx.fn.assign(index, cx.fn.constant(0), true);
        const id = cx.fn.newLoop(label);
        let cond = -1;
        const test = cx.fn.region(() => {
            cond = (0, expressions_1.prim)(cx, 'lt', [cx.fn.read(index), cx.fn.op({ op: 'length', var: arr }, [], 'number')]);
        });
        const body = cx.fn.withScope(() => cx.fn.region(() => {
            const x = cx.fn.declare(name, 'number', 'local', (init.flags & ts_morph_1.ts.NodeFlags.Const) !== 0);
            cx.fn.assign(x, cx.fn.op({ op: 'load', var: arr }, [cx.fn.read(index)], 'number'), true);
            if (ts_morph_1.ts.isBlock(node.statement))
                lowerStatements(cx, node.statement.statements);
            else
                lowerStatement(cx, node.statement);
        }));
        const update = cx.fn.region(() => cx.fn.assign(index, (0, expressions_1.prim)(cx, 'add', [cx.fn.read(index), cx.fn.constant(1)])));
        cx.fn.endLoop();
        cx.fn.emit({ kind: 'loop', id, form: 'for', test, cond, body, update, origin: cx.fn.origin });
    });
}
function lowerJump(cx, node) {
    const label = node.label?.text;
    const loop = cx.fn.targetLoop(label);
    if (loop === undefined)
        return (0, context_1.fail)(catalog_1.errors.unsupportedStatement((0, context_1.pos)(cx, node), label ? `a jump to the label '${label}', which is not on an enclosing loop` : `${ts_morph_1.ts.isBreakStatement(node) ? 'break' : 'continue'} outside a loop`));
    cx.fn.emit({ kind: ts_morph_1.ts.isBreakStatement(node) ? 'break' : 'continue', loop, origin: cx.fn.origin });
}
function lowerReturn(cx, node) {
    const stack = callbackReturns.get(cx);
    const cb = stack?.[stack.length - 1];
    if (cb) {
        if (cb.value !== undefined) {
            if (!node.expression)
                return (0, context_1.fail)(catalog_1.errors.callback((0, context_1.pos)(cx, node), 'a return without a value in a map or reduce callback'));
            cx.fn.assign(cb.value, (0, expressions_1.lowerExpr)(cx, node.expression));
        }
        cx.fn.emit({ kind: 'break', loop: cb.loop, origin: cx.fn.origin });
        return;
    }
    if (!node.expression)
        return (0, context_1.fail)(catalog_1.errors.missingReturn((0, context_1.pos)(cx, node), cx.name));
    const value = namedArray(cx, (0, expressions_1.lowerExpr)(cx, node.expression), 'result');
    cx.fn.emit({ kind: 'return', value, origin: cx.fn.origin });
}
/**
 * `switch (d) { case a: case b: S1; break; default: S2 }` ⇒ `if (d === a || d === b) { S1 } else { S2 }`.
 * Clauses must not fall through into a clause with statements; `break` may only end a clause.
 */
function lowerSwitch(cx, node) {
    const d = (0, expressions_1.lowerExpr)(cx, node.expression);
    const arms = [];
    let pending = [];
    let defaultArm;
    let defaultPending = false;
    for (const clause of node.caseBlock.clauses) {
        if (ts_morph_1.ts.isDefaultClause(clause))
            defaultPending = true;
        else
            pending.push(clause.expression);
        if (clause.statements.length === 0)
            continue;
        let body = [...clause.statements];
        if (body.length === 1 && ts_morph_1.ts.isBlock(body[0]))
            body = [...body[0].statements];
        const last = body[body.length - 1];
        if (last && ts_morph_1.ts.isBreakStatement(last) && !last.label)
            body = body.slice(0, -1);
        else if (!(last && (ts_morph_1.ts.isReturnStatement(last) || ts_morph_1.ts.isContinueStatement(last) || (ts_morph_1.ts.isBreakStatement(last) && last.label))))
            return (0, context_1.fail)(catalog_1.errors.unsupportedStatement((0, context_1.pos)(cx, clause), 'a switch clause that falls through (end it with break or return)'));
        const arm = { tests: pending, body };
        if (defaultPending)
            defaultArm = arm;
        else
            arms.push(arm);
        pending = [];
        defaultPending = false;
    }
    const build = (i) => {
        if (i === arms.length) {
            if (defaultArm)
                cx.fn.withScope(() => lowerStatements(cx, defaultArm.body));
            return;
        }
        let cond;
        for (const t of arms[i].tests) {
            const eq = (0, expressions_1.prim)(cx, 'eq', [d, (0, expressions_1.lowerExpr)(cx, t)]);
            cond = cond === undefined ? eq : (0, expressions_1.prim)(cx, 'or', [cond, eq]);
        }
        const then = cx.fn.region(() => cx.fn.withScope(() => lowerStatements(cx, arms[i].body)));
        const els = cx.fn.region(() => build(i + 1));
        cx.fn.emit({ kind: 'if', cond: cond, then, else: els, origin: cx.fn.origin });
    };
    build(0);
}
/**
 * The body of an inlined array callback, in the current (loop body) region.
 * Expression bodies give their value. A block body whose only `return` is its
 * last statement is inlined as it is; otherwise it runs inside a one-iteration
 * `do { … } while (false)` where each `return v` assigns v and breaks out.
 */
function lowerLoopBody(cx, cb, isForEach) {
    if (!ts_morph_1.ts.isBlock(cb.body)) {
        const v = (0, expressions_1.lowerExpr)(cx, cb.body);
        return isForEach ? undefined : v;
    }
    const statements = cb.body.statements;
    const last = statements[statements.length - 1];
    const returns = countReturns(cb.body);
    if (returns === 0 && isForEach) {
        lowerStatements(cx, statements);
        return undefined;
    }
    if (returns === 1 && last && ts_morph_1.ts.isReturnStatement(last) && (isForEach || last.expression)) {
        lowerStatements(cx, statements.slice(0, -1));
        if (isForEach)
            return undefined;
        return (0, context_1.atStatement)(cx, last, () => (0, expressions_1.lowerExpr)(cx, last.expression));
    }
    const valueVar = isForEach ? undefined : cx.fn.declare('ret', 'number', 'hidden', false);
    if (valueVar !== undefined)
        cx.fn.emit({ kind: 'declare', var: valueVar, origin: cx.fn.origin });
    const once = cx.fn.newLoop(undefined);
    const stack = callbackReturns.get(cx) ?? [];
    callbackReturns.set(cx, stack);
    stack.push({ loop: once, value: valueVar });
    let inner;
    try {
        inner = cx.fn.region(() => lowerStatements(cx, statements));
    }
    finally {
        stack.pop();
        cx.fn.endLoop();
    }
    if (valueVar !== undefined && !endsFlow(inner))
        return (0, context_1.fail)(catalog_1.errors.callback((0, context_1.pos)(cx, cb), 'the callback can reach its end without returning a value'));
    let cond = -1;
    const test = cx.fn.region(() => {
        cond = cx.fn.constant(false);
    });
    cx.fn.emit({ kind: 'loop', id: once, form: 'do', test, cond, body: inner, update: [], origin: cx.fn.origin });
    return valueVar === undefined ? undefined : cx.fn.read(valueVar);
}
/** Returns of this function body (not of functions nested in it). */
function countReturns(node) {
    let n = 0;
    const visit = (c) => {
        if (ts_morph_1.ts.isReturnStatement(c))
            n++;
        if (!ts_morph_1.ts.isFunctionLike(c))
            ts_morph_1.ts.forEachChild(c, visit);
    };
    ts_morph_1.ts.forEachChild(node, visit);
    return n;
}
/**
 * An array value that is not a variable (`[a, b]`, `x.slice(1)`, `g(x)`) gets a
 * hidden variable, so that every array the derivatives handle has a name:
 *   return [a, b]   ⇒   const result = [a, b]; return result
 */
function namedArray(cx, t, hint) {
    if (!(0, types_1.isArrayType)(cx.fn.temps[t]))
        return t;
    const last = cx.fn.current[cx.fn.current.length - 1];
    if (last && last.kind === 'op' && last.id === t && last.op === 'read')
        return t;
    const v = cx.fn.declare(hint, cx.fn.temps[t], 'hidden', true);
    cx.fn.assign(v, t, true);
    return cx.fn.read(v);
}
