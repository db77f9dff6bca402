/**
 * Positions of TypeScript nodes, for diagnostics (`Position`) and for the
 * `// source` comments of generated code (`Origin`).
 */
import { ts } from 'ts-morph';
import type { Position } from '../diagnostics/catalog';
import type { Origin } from '../ir/types';

export function positionOf(node: ts.Node, sf: ts.SourceFile = node.getSourceFile()): Position {
  const start = node.getStart(sf);
  const { line, character } = sf.getLineAndCharacterOfPosition(start);
  const end = Math.min(node.getEnd(), sf.getLineEndOfPosition(start));
  return { file: sf.fileName, line: line + 1, col: character + 1, length: Math.max(1, end - start), sourceText: sf.text };
}

/** The first line of a statement, without its block body: `for (let i = 0; i < n; i++)`, `if (e > 3)`, `e += x;`. */
export function originOf(node: ts.Node, sf: ts.SourceFile = node.getSourceFile()): Origin {
  const start = node.getStart(sf);
  const { line, character } = sf.getLineAndCharacterOfPosition(start);
  return { file: sf.fileName, line: line + 1, col: character + 1, text: headline(node, sf) };
}

function headline(node: ts.Node, sf: ts.SourceFile): string {
  let text: string;
  if (ts.isIfStatement(node)) text = `if (${node.expression.getText(sf)})`;
  else if (ts.isWhileStatement(node)) text = `while (${node.expression.getText(sf)})`;
  else if (ts.isDoStatement(node)) text = `do … while (${node.expression.getText(sf)})`;
  else if (ts.isForStatement(node)) text = `for (${node.initializer?.getText(sf) ?? ''}; ${node.condition?.getText(sf) ?? ''}; ${node.incrementor?.getText(sf) ?? ''})`;
  else if (ts.isForOfStatement(node)) text = `for (${node.initializer.getText(sf)} of ${node.expression.getText(sf)})`;
  else text = node.getText(sf);
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}
