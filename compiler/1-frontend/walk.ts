/**
 * Walking a TypeScript subtree without recursion. A function body may nest
 * deeper than the call stack lets a recursive walk go: `a + b + c + …`, a
 * chain of thousands of terms in unrolled numeric code, is a tree thousands
 * of levels deep on its left.
 */
import { ts } from 'ts-morph';

/**
 * Calls `visit` on `root` and every node below it, parents before children,
 * in source order. `visit` returns `'skip'` to leave a node's children out,
 * `'stop'` to end the walk; the result says whether it was stopped.
 */
export function forEachNode(root: ts.Node, visit: (node: ts.Node) => 'skip' | 'stop' | void): boolean {
  const pending: ts.Node[] = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    const what = visit(node);
    if (what === 'stop') return true;
    if (what === 'skip') continue;
    const children: ts.Node[] = [];
    ts.forEachChild(node, (c) => {
      children.push(c);
    });
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]);
  }
  return false;
}

/** What an assignment (`=`, `+=`, …) or an increment (`++`, `--`) writes: its left side or operand; undefined for any other node. */
export function assignedTarget(n: ts.Node): ts.Expression | undefined {
  if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) return n.left;
  const step = (ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken);
  return step ? n.operand : undefined;
}
