/**
 * Loading TypeScript text as a module, in-process: transpile to CommonJS and
 * evaluate it with a `require` that knows `ts-adc/runtime` and the sibling
 * modules given. Used to run generated code without writing files.
 */
import { ts } from 'ts-morph';
import * as runtime from '../../runtime';
import * as markers from '../../runtime/markers';

export type Module = Record<string, any>;

/**
 * How a watched number was made: by an operation that rounds (binary64 arithmetic, a `Math` function
 * that rounds), by an exact one (`%`, `Math.max`, `abs`, `floor`, …: the result is representable and
 * exact), or it is about to be rounded to float32 (stored into a `Float32Array`, passed to
 * `Math.fround`): then the watcher sees the value before that rounding.
 */
export type Made = 'round' | 'exact' | 'float32';

/**
 * Sees every intermediate number (see `watchArithmetic`); a number it returns replaces the value
 * (tests/support/rounding.ts perturbs roundings that way), `undefined` keeps it.
 */
export type Watch = (value: number, made: Made) => number | void;

const MADE: readonly Made[] = ['round', 'exact', 'float32', 'float32'];

export function loadModule(text: string, siblings: Record<string, Module> = {}, fileName = 'module.ts', watch?: Watch): Module {
  const js = ts.transpileModule(text, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName,
    transformers: watch ? { before: [watchArithmetic] } : undefined,
  }).outputText;
  const exports: Module = {};
  const module = { exports };
  const req = (spec: string): Module => {
    if (spec === 'ts-adc/runtime') return runtime;
    if (spec === 'ts-adc') return markers;
    const key = spec.replace(/^\.\//, '').replace(/\.(js|ts)$/, '');
    if (key in siblings) return siblings[key];
    throw new Error(`loadModule: cannot resolve '${spec}' from ${fileName}`);
  };
  const watcher = watch ?? (() => undefined);
  // `__watch(x, made, array)`: made 2 is a store into `array`, which rounds only into a Float32Array.
  const seen = (x: unknown, made = 0, array?: unknown): unknown => {
    if (typeof x !== 'number' || (made === 2 && !(array instanceof Float32Array))) return x;
    const replaced = watcher(x, MADE[made]);
    return typeof replaced === 'number' ? replaced : x;
  };
  new Function('require', 'exports', 'module', WATCH, js)(req, exports, module, seen);
  return module.exports;
}

const WATCH = '__watch';
const K = ts.SyntaxKind;
/** Binary arithmetic, and each compound assignment with its operator. */
const ARITHMETIC = new Set([K.PlusToken, K.MinusToken, K.AsteriskToken, K.SlashToken, K.PercentToken, K.AsteriskAsteriskToken]);
const COMPOUND = new Map<ts.SyntaxKind, ts.BinaryOperator>([
  [K.PlusEqualsToken, K.PlusToken],
  [K.MinusEqualsToken, K.MinusToken],
  [K.AsteriskEqualsToken, K.AsteriskToken],
  [K.SlashEqualsToken, K.SlashToken],
  [K.PercentEqualsToken, K.PercentToken],
  [K.AsteriskAsteriskEqualsToken, K.AsteriskAsteriskToken],
]);
/** `Math` functions whose result is exact: it is one of the arguments, or an integer, or representable. */
const EXACT_MATH = new Set(['max', 'min', 'abs', 'sign', 'floor', 'ceil', 'round', 'trunc', 'clz32', 'imul']);

/** An expression that reads without side effects (names, literals, member and element reads, arithmetic of those): safe to evaluate twice. */
function pure(e: ts.Expression): boolean {
  if (ts.isIdentifier(e) || ts.isNumericLiteral(e) || e.kind === K.ThisKeyword) return true;
  if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e)) return pure(e.expression);
  if (ts.isPropertyAccessExpression(e)) return pure(e.expression);
  if (ts.isElementAccessExpression(e)) return pure(e.expression) && pure(e.argumentExpression);
  if (ts.isBinaryExpression(e)) return ARITHMETIC.has(e.operatorToken.kind) && pure(e.left) && pure(e.right);
  if (ts.isPrefixUnaryExpression(e)) return (e.operator === K.MinusToken || e.operator === K.PlusToken) && pure(e.operand);
  return false;
}

/** A fresh copy of a `pure` expression (a node may appear once in the output tree). */
function copyPure(f: ts.NodeFactory, e: ts.Expression): ts.Expression {
  if (ts.isIdentifier(e)) return f.createIdentifier(e.text);
  if (ts.isNumericLiteral(e)) return f.createNumericLiteral(e.text);
  if (ts.isParenthesizedExpression(e)) return f.createParenthesizedExpression(copyPure(f, e.expression));
  if (ts.isNonNullExpression(e) || ts.isAsExpression(e)) return copyPure(f, e.expression);
  if (ts.isPropertyAccessExpression(e)) return f.createPropertyAccessExpression(copyPure(f, e.expression), e.name.text);
  if (ts.isElementAccessExpression(e)) return f.createElementAccessExpression(copyPure(f, e.expression), copyPure(f, e.argumentExpression));
  if (ts.isBinaryExpression(e)) return f.createBinaryExpression(copyPure(f, e.left), e.operatorToken.kind as ts.BinaryOperator, copyPure(f, e.right));
  if (ts.isPrefixUnaryExpression(e)) return f.createPrefixUnaryExpression(e.operator, copyPure(f, e.operand));
  if (e.kind === K.ThisKeyword) return f.createThis();
  throw new Error(`copyPure: not a pure expression: ${K[e.kind]}`);
}

/**
 * Passes every intermediate number through `__watch(…)`, which sees it and may replace it:
 * `a op b` ⇒ `__watch(a op b, made)`, `Math.f(…)` ⇒ `__watch(Math.f(…), made)`; a compound
 * assignment to a side-effect-free target `t op= e` ⇒ `t = __watch(t op e)` (the target read
 * again as written; so a replaced value
 * is the one stored; other targets keep `__watch(t op= e)`); a store into an element
 * `X[i] = e` ⇒ `X[i] = __watch(e, 2, X)` and `X.fill(e)` ⇒ `X.fill(__watch(e, 2, X))` (a
 * Float32Array rounds what it stores), and `Math.fround(e)` ⇒ `Math.fround(__watch(e, 3))`.
 */
function watchArithmetic(context: ts.TransformationContext): ts.Transformer<ts.SourceFile> {
  const f = context.factory;
  const watched = (e: ts.Expression, made: number, array?: ts.Expression) =>
    f.createCallExpression(f.createIdentifier(WATCH), undefined, [e, f.createNumericLiteral(made), ...(array ? [copyPure(f, array)] : [])]);
  const stored = (target: ts.Expression, value: ts.Expression) => (ts.isElementAccessExpression(target) && pure(target.expression) ? watched(value, 2, target.expression) : value);
  const visit = (node: ts.Node): ts.Node => {
    const inner = ts.visitEachChild(node, visit, context);
    if (ts.isBinaryExpression(node) && ts.isBinaryExpression(inner)) {
      const op = node.operatorToken.kind;
      if (ARITHMETIC.has(op)) return watched(inner, op === K.PercentToken ? 1 : 0);
      const compound = COMPOUND.get(op);
      if (compound !== undefined && pure(node.left)) {
        const value = watched(f.createBinaryExpression(copyPure(f, node.left), compound, inner.right), compound === K.PercentToken ? 1 : 0);
        return f.createAssignment(inner.left, stored(node.left, value));
      }
      if (compound !== undefined) return watched(inner, compound === K.PercentToken ? 1 : 0);
      if (op === K.EqualsToken) return f.createAssignment(inner.left, stored(node.left, inner.right));
      return inner;
    }
    if (ts.isCallExpression(node) && ts.isCallExpression(inner) && ts.isPropertyAccessExpression(node.expression)) {
      const callee = node.expression;
      if (ts.isIdentifier(callee.expression) && callee.expression.text === 'Math') {
        const name = callee.name.text;
        // Math.fround(v) rounds v as a store into a Float32Array does: its argument is watched the same way.
        if (name === 'fround' && inner.arguments.length === 1) return f.updateCallExpression(inner, inner.expression, inner.typeArguments, [watched(inner.arguments[0], 3)]);
        return watched(inner, EXACT_MATH.has(name) ? 1 : 0);
      }
      if (callee.name.text === 'fill' && inner.arguments.length > 0 && pure(callee.expression)) {
        const [value, ...rest] = inner.arguments;
        return f.updateCallExpression(inner, inner.expression, inner.typeArguments, [watched(value, 2, callee.expression), ...rest]);
      }
    }
    return inner;
  };
  return (sf) => ts.visitNode(sf, visit) as ts.SourceFile;
}
