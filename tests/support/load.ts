/**
 * Loading TypeScript text as a module, in-process: transpile to CommonJS and
 * evaluate it with a `require` that knows `ts-adc/runtime` and the sibling
 * modules given. Used to run generated code without writing files.
 */
import { ts } from 'ts-morph';
import * as runtime from '../../runtime';
import * as markers from '../../runtime/markers';

export type Module = Record<string, any>;

export function loadModule(text: string, siblings: Record<string, Module> = {}, fileName = 'module.ts', watch?: (value: number) => void): Module {
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
  new Function('require', 'exports', 'module', WATCH, js)(req, exports, module, (x: unknown) => (typeof x === 'number' && watcher(x), x));
  return module.exports;
}

const WATCH = '__watch';
const ARITHMETIC = new Set([
  ts.SyntaxKind.PlusToken, ts.SyntaxKind.MinusToken, ts.SyntaxKind.AsteriskToken, ts.SyntaxKind.SlashToken, ts.SyntaxKind.PercentToken, ts.SyntaxKind.AsteriskAsteriskToken,
  ts.SyntaxKind.PlusEqualsToken, ts.SyntaxKind.MinusEqualsToken, ts.SyntaxKind.AsteriskEqualsToken, ts.SyntaxKind.SlashEqualsToken, ts.SyntaxKind.AsteriskAsteriskEqualsToken,
]);

/** Wraps every arithmetic result and `Math.*` call in `__watch(…)`, which sees each intermediate value. */
function watchArithmetic(context: ts.TransformationContext): ts.Transformer<ts.SourceFile> {
  const f = context.factory;
  const visit = (node: ts.Node): ts.Node => {
    const inner = ts.visitEachChild(node, visit, context);
    const arithmetic = ts.isBinaryExpression(node) && ARITHMETIC.has(node.operatorToken.kind);
    const mathCall = ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression) && node.expression.expression.text === 'Math';
    return arithmetic || mathCall ? f.createCallExpression(f.createIdentifier(WATCH), undefined, [inner as ts.Expression]) : inner;
  };
  return (sf) => ts.visitNode(sf, visit) as ts.SourceFile;
}
