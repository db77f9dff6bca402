/**
 * The operators' tables: which primitive each binary operator lowers to. The dispatcher
 * (dispatch.ts) routes a binary expression by them; the construct files read the primitive.
 */
import { ts } from 'ts-morph';
import type { PrimName } from '../ir/types';

export const arithmetic: Partial<Record<ts.SyntaxKind, PrimName>> = {
  [ts.SyntaxKind.PlusToken]: 'add',
  [ts.SyntaxKind.MinusToken]: 'sub',
  [ts.SyntaxKind.AsteriskToken]: 'mul',
  [ts.SyntaxKind.SlashToken]: 'div',
  [ts.SyntaxKind.PercentToken]: 'mod',
  [ts.SyntaxKind.AsteriskAsteriskToken]: 'pow',
};

/** Integer (bitwise) operators: piecewise constant, never differentiated. */
export const bitwise: Partial<Record<ts.SyntaxKind, PrimName>> = {
  [ts.SyntaxKind.AmpersandToken]: 'bitand',
  [ts.SyntaxKind.BarToken]: 'bitor',
  [ts.SyntaxKind.CaretToken]: 'bitxor',
  [ts.SyntaxKind.LessThanLessThanToken]: 'shl',
  [ts.SyntaxKind.GreaterThanGreaterThanToken]: 'shr',
  [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken]: 'ushr',
};

export const comparison: Partial<Record<ts.SyntaxKind, PrimName>> = {
  [ts.SyntaxKind.LessThanToken]: 'lt',
  [ts.SyntaxKind.LessThanEqualsToken]: 'le',
  [ts.SyntaxKind.GreaterThanToken]: 'gt',
  [ts.SyntaxKind.GreaterThanEqualsToken]: 'ge',
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: 'eq',
  [ts.SyntaxKind.EqualsEqualsToken]: 'eq',
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: 'ne',
  [ts.SyntaxKind.ExclamationEqualsToken]: 'ne',
};

/** `x ||= b`, `x &&= b`, `x ??= b`: assignments of a choice (see `lowerChoice`). */
export const lazyAssignment: Partial<Record<ts.SyntaxKind, '||' | '&&' | '??'>> = {
  [ts.SyntaxKind.BarBarEqualsToken]: '||',
  [ts.SyntaxKind.AmpersandAmpersandEqualsToken]: '&&',
  [ts.SyntaxKind.QuestionQuestionEqualsToken]: '??',
};

export const compound: Partial<Record<ts.SyntaxKind, PrimName>> = {
  [ts.SyntaxKind.PlusEqualsToken]: 'add',
  [ts.SyntaxKind.MinusEqualsToken]: 'sub',
  [ts.SyntaxKind.AsteriskEqualsToken]: 'mul',
  [ts.SyntaxKind.SlashEqualsToken]: 'div',
  [ts.SyntaxKind.PercentEqualsToken]: 'mod',
  [ts.SyntaxKind.AsteriskAsteriskEqualsToken]: 'pow',
};

export function arithmeticOf(e: ts.Expression): PrimName | undefined {
  return ts.isBinaryExpression(e) ? (arithmetic[e.operatorToken.kind] ?? bitwise[e.operatorToken.kind]) : undefined;
}
