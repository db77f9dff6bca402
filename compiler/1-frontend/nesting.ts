/**
 * How deep code nests, and the limit beyond which it is rejected (ADC119).
 *
 * Every phase recurses once per level of nesting: TypeScript's parser, binder
 * and checker on the source, our lowering, and TypeScript's printer on the
 * generated code, all on a stack of fixed size (about 1 MB on Node 20).
 * Measured with that stack, the first to run out were: the printer at about 350
 * nested `if` blocks (700 levels) or 470 nested `?:`, the parser at about 630
 * nested calls and 700 parentheses, the binder at about 820 `&&` in a chain.
 * The limit leaves a third of that for whatever stack the caller already uses
 * (the compiler plugin runs inside `tsc`).
 *
 * A level is a statement or an expression inside another; a `?:` counts two
 * (it becomes an `if` and its block). The left operand of an arithmetic or
 * bitwise operator is not a level deeper: `a + b + c + …` is a chain that
 * every phase follows in a loop (lowering in `lowerArithmetic`; TypeScript too;
 * the emitters name a value before an expression grows deeper than
 * `maxInlineDepth`), so a sum of many thousands of terms is accepted.
 *
 * Guarantees: `checkNesting` throws ADC119 at the outermost expression (or
 * statement) holding code deeper than `nestingLimit`, and walks without
 * recursion; `tooDeepToLoad` tells, for a file TypeScript itself could not
 * parse or bind, where.
 */
import { ts } from 'ts-morph';
import { CompileError, errors, type Diagnostic } from '../diagnostics/catalog';
import { positionOf } from './position';
import { forEachNode } from './walk';
import type { FunctionSource } from './functions';

export const nestingLimit = 400;

/** Operators whose left-nested chains cost no stack (the ones lowering turns into ops in a loop). */
const flat = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.PlusToken,
  ts.SyntaxKind.MinusToken,
  ts.SyntaxKind.AsteriskToken,
  ts.SyntaxKind.SlashToken,
  ts.SyntaxKind.PercentToken,
  ts.SyntaxKind.AsteriskAsteriskToken,
  ts.SyntaxKind.AmpersandToken,
  ts.SyntaxKind.BarToken,
  ts.SyntaxKind.CaretToken,
  ts.SyntaxKind.LessThanLessThanToken,
  ts.SyntaxKind.GreaterThanGreaterThanToken,
  ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken,
]);

/** Levels added by `node` below its parent. */
function weight(node: ts.Node): number {
  const parent = node.parent as ts.Node | undefined;
  if (parent && ts.isBinaryExpression(parent) && parent.left === node && flat.has(parent.operatorToken.kind)) return 0;
  if (ts.isConditionalExpression(node)) return 2;
  return ts.isExpression(node) || ts.isStatement(node) ? 1 : 0;
}

interface Deepest {
  readonly node: ts.Node;
  readonly levels: number;
}

/** The first node (in source order) below `root` deeper than `limit`, and the deepest one (type annotations are not walked). */
function measure(root: ts.Node, limit: number): { first?: Deepest; deepest?: Deepest } {
  const levels = new Map<ts.Node, number>([[root, 0]]);
  let first: Deepest | undefined;
  let deepest: Deepest | undefined;
  forEachNode(root, (node) => {
    if (ts.isTypeNode(node)) return 'skip';
    const here = node === root ? 0 : levels.get(node.parent)! + weight(node);
    levels.set(node, here);
    if (here > limit && first === undefined) first = { node, levels: here };
    if (deepest === undefined || here > deepest.levels) deepest = { node, levels: here };
  });
  return { first, deepest };
}

/**
 * Where to point for code too deep at `node`: the outermost expression on the
 * way down from `root` to it, unless the statements around that expression
 * nest deeper than the expression itself (`if` blocks in `if` blocks); then
 * the outermost statement.
 */
function anchor(node: ts.Node, root: ts.Node): { node: ts.Node; kind: 'expression' | 'statements' } {
  const path: ts.Node[] = [];
  for (let n: ts.Node = node; n !== root && n.parent !== undefined; n = n.parent) path.push(n);
  path.reverse();
  const expression = path.find((n) => ts.isExpression(n));
  if (expression && levelOf(expression.parent, root) < deepestWithin(expression, root) - levelOf(expression.parent, root)) return { node: expression, kind: 'expression' };
  return { node: path.find((n) => ts.isStatement(n)) ?? node, kind: 'statements' };
}

/** Levels from `root` down to `node`, `node` included. */
function levelOf(node: ts.Node, root: ts.Node): number {
  let levels = 0;
  for (let n: ts.Node = node; n !== root && n.parent !== undefined; n = n.parent) levels += weight(n);
  return levels;
}

/** ADC119 for code too deep at `at` (below `root`), showing `text` in the code frame. */
function tooDeep(sf: ts.SourceFile, root: ts.Node, at: ts.Node, levels: (top: ts.Node) => string, text = sf.text): Diagnostic {
  const a = anchor(at, root);
  return errors.tooDeep({ ...positionOf(a.node, sf), sourceText: text }, a.kind, levels(a.node), nestingLimit);
}

/** The deepest level inside `top`, counted from `root`. */
function deepestWithin(top: ts.Node, root: ts.Node): number {
  return levelOf(top, root) + (measure(top, Infinity).deepest?.levels ?? 0);
}

/** How deep the function's body nests, in levels. */
export function nestingOf(src: FunctionSource): number {
  return src.node.body ? (measure(src.node.body, Infinity).deepest?.levels ?? 0) : 0;
}

/** ADC119 when the function's body nests deeper than `nestingLimit`. */
export function checkNesting(src: FunctionSource): void {
  const body = src.node.body;
  if (!body) return;
  const { first } = measure(body, nestingLimit);
  if (first) throw new CompileError(tooDeep(src.sourceFile, body, first.node, (top) => String(deepestWithin(top, body))));
}

/** Whether an exception is the call stack running out (also as ts-morph wraps it when refreshing a file). */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof Error && e.message.includes('Maximum call stack size exceeded');
}

function parse(fileName: string, text: string): ts.SourceFile | undefined {
  try {
    return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  } catch (e) {
    if (isStackOverflow(e)) return undefined;
    throw e;
  }
}

/** Whether TypeScript's binder runs out of stack on the file (`a && b && …` in a condition, thousands long). */
function bindOverflows(sf: ts.SourceFile): boolean {
  const options: ts.CompilerOptions = { noLib: true, noResolve: true, types: [] };
  const host = ts.createCompilerHost(options);
  host.getSourceFile = (f) => (f === sf.fileName ? sf : undefined);
  host.fileExists = (f) => f === sf.fileName;
  try {
    ts.createProgram([sf.fileName], options, host).getTypeChecker();
    return false;
  } catch (e) {
    if (isStackOverflow(e)) return true;
    throw e;
  }
}

/**
 * Why TypeScript ran out of stack on a file, if it did: ADC119 at the code
 * too deep, else undefined. With `orDeeperThanLimit`, also for a file that
 * TypeScript reads but that nests deeper than the limit somewhere.
 *
 * When even parsing runs out of stack, the place is found by parsing ever
 * longer beginnings of the text (the parser stops where the text ends).
 */
export function tooDeepToLoad(fileName: string, text: string, orDeeperThanLimit = false): Diagnostic | undefined {
  const whole = parse(fileName, text);
  if (whole) return orDeeperThanLimit || bindOverflows(whole) ? deepestFunction(whole) : undefined;
  let fits = 0;
  let overflows = text.length;
  while (overflows - fits > 1) {
    const mid = Math.floor((fits + overflows) / 2);
    if (parse(fileName, text.slice(0, mid))) fits = mid;
    else overflows = mid;
  }
  // How deep the parser gets varies a little from run to run (optimised code takes less stack): back off until it parses.
  let prefix: ts.SourceFile | undefined;
  for (let length = fits; prefix === undefined && length > 0; length = Math.floor(length * 0.9)) prefix = parse(fileName, text.slice(0, length));
  if (prefix === undefined) return undefined;
  // How deep it really is, nothing can tell: only that it is deeper than the parser can go, far beyond the limit.
  const { deepest } = measure(prefix, Infinity);
  return deepest && tooDeep(prefix, prefix, deepest.node, () => `more than ${nestingLimit}`, text);
}

/** ADC119 for the first code deeper than the limit, counted in its module-level function as `checkNesting` counts (in the file, outside functions). */
function deepestFunction(sf: ts.SourceFile): Diagnostic | undefined {
  const { first } = measure(sf, nestingLimit);
  if (!first) return undefined;
  let fn: ts.Node | undefined;
  for (let n: ts.Node | undefined = first.node; n !== undefined && n !== sf; n = n.parent) if (ts.isFunctionLike(n) && 'body' in n && n.body) fn = n.body as ts.Node;
  const inFunction = fn && measure(fn, nestingLimit).first;
  const root = inFunction ? fn! : sf;
  return tooDeep(sf, root, (inFunction ?? first).node, (top) => String(deepestWithin(top, root)));
}
