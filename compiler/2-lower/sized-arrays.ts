/**
 * `new Array(n)` without `.fill`: its elements are holes, which JavaScript's `forEach`, `map` and
 * `reduce` skip and arithmetic reads as `undefined`. It is accepted where no hole can ever be read
 * (`filledBeforeRead`), and is then the same as `new Array(n).fill(0)`.
 */
import { ts } from 'ts-morph';
import { forEachNode } from '../1-frontend/walk';
import { skipOuter } from './helpers';

/**
 * Whether `new Array(n)` initialises a variable that the statement right after it fills before
 * anything reads it: `for (let i = 0; i < n; i++) { out[i] = …; … }` (or `i < out.length`), the
 * write first in the body, its value not reading `out`, and `out` used nowhere else in the loop,
 * `i` changed only by `i++`. Then every element is written, in order, before any is read.
 */
export function filledBeforeRead(e: ts.NewExpression): boolean {
  const decl = e.parent;
  if (!ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name) || skipOuter(decl.initializer!) !== e) return false;
  const out = decl.name.text;
  const stmt = decl.parent.parent;
  const block = stmt.parent;
  if (!ts.isVariableStatement(stmt) || !(ts.isBlock(block) || ts.isSourceFile(block))) return false;
  const loop = block.statements[block.statements.indexOf(stmt) + 1];
  if (!loop || !ts.isForStatement(loop) || !loop.initializer || !ts.isVariableDeclarationList(loop.initializer)) return false;
  const [index] = loop.initializer.declarations;
  if (loop.initializer.declarations.length !== 1 || !ts.isIdentifier(index.name) || index.initializer?.getText() !== '0') return false;
  const i = index.name.text;
  const n = e.arguments![0].getText();
  const cond = loop.condition && skipOuter(loop.condition);
  if (!cond || !ts.isBinaryExpression(cond) || cond.operatorToken.kind !== ts.SyntaxKind.LessThanToken || cond.left.getText() !== i) return false;
  if (cond.right.getText() !== n && cond.right.getText() !== `${out}.length`) return false;
  const update = loop.incrementor?.getText();
  if (update !== `${i}++` && update !== `++${i}` && update !== `${i} += 1`) return false;
  const body = ts.isBlock(loop.statement) ? loop.statement.statements : [loop.statement];
  const first = body[0];
  const write = first && ts.isExpressionStatement(first) ? skipOuter(first.expression) : undefined;
  if (!write || !ts.isBinaryExpression(write) || write.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return false;
  const target = skipOuter(write.left);
  if (!ts.isElementAccessExpression(target) || target.expression.getText() !== out || target.argumentExpression.getText() !== i) return false;
  // (n's names unchanged by the loop, `out` and `i` not otherwise used or changed in it)
  const names = new Set<string>();
  let clean = true;
  forEachNode(e.arguments![0], (x) => {
    if (ts.isIdentifier(x)) names.add(x.text);
    if (ts.isCallExpression(x)) clean = false;
  });
  forEachNode(loop.statement, (x) => {
    if (ts.isIdentifier(x) && x.text === out && x !== target.expression) clean = false;
    // (a `break` would leave the rest unwritten; one of a nested loop or switch is its own)
    if (ts.isBreakStatement(x) && (x.label !== undefined || breaksLoop(x, loop))) clean = false;
    const changed =
      ts.isBinaryExpression(x) && x.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && x.operatorToken.kind <= ts.SyntaxKind.LastAssignment
        ? x.left
        : ts.isPrefixUnaryExpression(x) || ts.isPostfixUnaryExpression(x)
          ? x.operand
          : ts.isCallExpression(x) && ts.isPropertyAccessExpression(x.expression)
            ? x.expression.expression
            : undefined;
    const root = changed && rootName(changed);
    if (root !== undefined && (root === i || names.has(root))) clean = false;
  });
  return clean;
}

function rootName(e: ts.Expression): string | undefined {
  const s = skipOuter(e);
  if (ts.isIdentifier(s)) return s.text;
  return ts.isPropertyAccessExpression(s) || ts.isElementAccessExpression(s) ? rootName(s.expression) : undefined;
}

/** Whether an unlabelled `break` leaves `loop` (no loop or switch between them). */
function breaksLoop(x: ts.BreakStatement, loop: ts.ForStatement): boolean {
  for (let p: ts.Node = x.parent; p !== loop; p = p.parent) if (ts.isIterationStatement(p, false) || ts.isSwitchStatement(p)) return false;
  return true;
}
