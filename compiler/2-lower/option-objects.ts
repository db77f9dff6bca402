/**
 * Options objects: a parameter destructured with defaults (`constructor({ R = 1, Q = 1 } = {})`,
 * `function ease(t: number, { power = 2 }: Options = {})`) of a function inlined where it is
 * called, given an object literal or nothing. Each part is a local of the callee: the literal's
 * value where it names the part, else the part's default, computed in the callee's scope.
 *
 * Guarantees: the literal's values are computed first, in the caller's scope, in source order.
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import type { TempId } from '../ir/types';
import { atStatement, fail, pos, type LowerContext } from './context';
import { skipOuter } from './helpers';

/** The values an object literal argument gives the parts of a destructured parameter, by property name. */
export function optionValues(cx: LowerContext, p: ts.ParameterDeclaration, a: ts.Expression | undefined): Map<string, TempId> {
  const values = new Map<string, TempId>();
  const given = a ?? p.initializer;
  const literal = given && skipOuter(given);
  if (literal === undefined || (ts.isIdentifier(literal) && literal.text === 'undefined')) return values;
  if (!ts.isObjectLiteralExpression(literal))
    return fail(
      errors.unsupportedExpression(pos(cx, given!), `'${given!.getText()}' for the destructured parameter '${p.name.getText()}': pass an object literal (\`{ key: value }\`)`),
    );
  for (const prop of literal.properties) {
    const name = ts.isShorthandPropertyAssignment(prop) || ts.isPropertyAssignment(prop) ? prop.name : undefined;
    if (!name || !(ts.isIdentifier(name) || ts.isStringLiteral(name)))
      return fail(errors.unsupportedExpression(pos(cx, prop), `this property of an options object (write \`key: value\`)`));
    const value = ts.isShorthandPropertyAssignment(prop) ? prop.name : (prop as ts.PropertyAssignment).initializer;
    // (the literal of the parameter's own default is in the callee's scope: its values are computed there)
    if (a !== undefined) values.set(name.text, cx.expr(value));
  }
  if (a === undefined && literal.properties.length > 0)
    return fail(errors.unsupportedExpression(pos(cx, p), `the default of '${p.name.getText()}' that sets properties: give each its default in the pattern (\`{ R = 1 } = {}\`)`));
  return values;
}

/** Declares the parts of a destructured parameter in the callee's scope: given values, else defaults. */
export function bindOptions(cx: LowerContext, pattern: ts.ObjectBindingPattern, values: ReadonlyMap<string, TempId>): void {
  for (const el of pattern.elements) {
    const key = el.propertyName ?? el.name;
    if (el.dotDotDotToken || !ts.isIdentifier(el.name) || !(ts.isIdentifier(key) || ts.isStringLiteral(key)))
      return fail(errors.unsupportedExpression(pos(cx, el), 'this part of a destructured parameter (write `name` or `name = default`)'));
    const given = values.get(key.text);
    const value = given ?? (el.initializer ? atStatement(cx, el, () => cx.expr(el.initializer!)) : cx.fn.datum(undefined, 'number'));
    cx.fn.assign(cx.fn.declare(el.name.text, cx.fn.temps[value], 'local', false), value, true);
  }
}
