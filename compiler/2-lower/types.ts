/**
 * TypeScript types ⇒ IR types. Only numbers, booleans and numeric arrays exist
 * in the IR; anything else is `undefined` and the caller reports it.
 */
import { ts } from 'ts-morph';
import type { Type } from '../ir/types';

export function irType(t: ts.Type, checker: ts.TypeChecker): Type | undefined {
  if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
  if (t.flags & ts.TypeFlags.NumberLike) return 'number';
  if (t.flags & ts.TypeFlags.BooleanLike) return 'boolean';
  if (t.isUnion()) {
    const parts = t.types.map((p) => irType(p, checker));
    if (parts.every((p) => p === 'number')) return 'number';
    if (parts.every((p) => p === 'boolean')) return 'boolean';
    return undefined;
  }
  const sym = t.getSymbol();
  const name = sym?.getName();
  if (name === 'Float64Array' || name === 'Float32Array') return name;
  if (name === 'Array' || name === 'ReadonlyArray') {
    const args = checker.getTypeArguments(t as ts.TypeReference);
    if (args.length === 1 && irType(args[0], checker) === 'number') return name === 'Array' ? 'number[]' : 'readonly number[]';
  }
  return undefined;
}

/** Readable name of a type for messages. */
export function typeText(t: ts.Type, checker: ts.TypeChecker): string {
  return checker.typeToString(t);
}
