/**
 * Read-only data (`opaque` values: `X: number[][]`, `pts: Point[]`, options objects) ⇒ `get` ops:
 * property and element reads, destructuring of data and of destructured parameters.
 *
 * Guarantees: data is only read (never written, never differentiated); a read has the
 * type its declaration gives, not a narrowed one.
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import { isArrayType, isOpaqueType, type TempId, type VarId } from '../ir/types';
import { fail, pos, type LowerContext } from './context';
import { localTypeOf, dataGet } from './helpers';
import { lowerChoice } from './branches';

/**
 * The type a read of data has by its declaration, not as TypeScript narrowed it at this point
 * (`opts.on` is `never` in a branch that cannot run, `true` in one that tested it).
 */
function declaredTypeOf(cx: LowerContext, e: ts.PropertyAccessExpression | ts.ElementAccessExpression): ts.Type {
  const narrowed = cx.checker.getTypeAtLocation(e);
  if (ts.isPropertyAccessExpression(e)) {
    const sym = cx.checker.getSymbolAtLocation(e.name);
    if (sym && sym.flags & ts.SymbolFlags.Property) return cx.checker.getTypeOfSymbol(sym);
    return narrowed;
  }
  if (!(narrowed.flags & ts.TypeFlags.Never)) return narrowed;
  return cx.checker.getIndexTypeOfType(cx.checker.getTypeAtLocation(e.expression), ts.IndexKind.Number) ?? narrowed;
}

/**
 * `X[i]`, `p.x`, `rows.length` on opaque data: a number or boolean (a
 * constant for differentiation), or opaque again (`X[i]` of a `number[][]`).
 */
export function lowerGet(cx: LowerContext, e: ts.PropertyAccessExpression | ts.ElementAccessExpression): TempId {
  if (e.questionDotToken)
    return fail(errors.unsupportedExpression(pos(cx, e), 'optional chaining (?.): test for undefined first (`if (o.p !== undefined)`), then read it with `.`'));
  if (ts.isPropertyAccessExpression(e) && ts.isPrivateIdentifier(e.name)) return fail(errors.unsupportedExpression(pos(cx, e.name), 'private fields'));
  const obj = cx.expr(e.expression);
  const t = declaredTypeOf(cx, e);
  let at: { key: string } | { index: TempId };
  if (ts.isPropertyAccessExpression(e)) at = { key: e.name.text };
  else {
    at = { index: cx.expr(e.argumentExpression) };
    if (cx.fn.temps[at.index] !== 'number') return fail(errors.unsupportedExpression(pos(cx, e.argumentExpression), 'a non-numeric index'));
  }
  const value = dataGet(cx, obj, at, t);
  if (value === undefined)
    return fail(
      errors.unsupportedExpression(
        pos(cx, e),
        `reading '${e.getText(cx.sf).slice(0, 40)}' of type '${cx.checker.typeToString(t)}' (opaque data may hold numbers, strings, booleans, arrays, tuples and plain objects of them)`,
      ),
    );
  return value;
}

/** A destructured parameter: `[x, y]` of a numeric array (loads) or of data (element reads), `{ x, y }` of data. */
export function destructureParameter(cx: LowerContext, param: VarId, pattern: ts.BindingPattern): void {
  const type = cx.fn.vars[param].type;
  if (ts.isObjectBindingPattern(pattern)) {
    if (!isOpaqueType(type)) return fail(errors.unsupportedStatement(pos(cx, pattern), 'object destructuring (only of read-only data)'));
    return lowerDataDestructuring(cx, pattern, cx.fn.read(param), true);
  }
  pattern.elements.forEach((el, i) => {
    if (!ts.isBindingElement(el) || !ts.isIdentifier(el.name)) return;
    const t = localTypeOf(cx, el.name);
    if (t !== 'number') return fail(errors.localType(pos(cx, el.name), el.name.text, cx.checker.typeToString(cx.checker.getTypeAtLocation(el.name))));
    const value = isArrayType(type)
      ? cx.fn.op({ op: 'load', var: param }, [cx.fn.constant(i)], 'number')
      : cx.fn.op({ op: 'get', key: undefined }, [cx.fn.read(param), cx.fn.constant(i)], 'number');
    cx.fn.assign(cx.fn.declare(el.name.text, 'number', 'local', true), value, true);
  });
}

/** `const { x, y: py } = pts[i]` of read-only data: one property read per name. */
export function lowerDataDestructuring(cx: LowerContext, pattern: ts.ObjectBindingPattern, obj: TempId, isConst: boolean): void {
  const whole = cx.checker.getTypeAtLocation(pattern);
  for (const el of pattern.elements) {
    if (!ts.isIdentifier(el.name) || el.dotDotDotToken || (el.propertyName && !ts.isIdentifier(el.propertyName)))
      return fail(errors.unsupportedStatement(pos(cx, el), 'destructuring with rest elements, computed or nested patterns'));
    const key = (el.propertyName as ts.Identifier | undefined)?.text ?? el.name.text;
    // (with a default, `{ scale = 2 } = opts`, the property as it is, undefined where it is left out; then the default there)
    const property = el.initializer ? whole.getProperty(key) : undefined;
    const t = property ? cx.checker.getTypeOfSymbol(property) : cx.checker.getTypeAtLocation(el.name);
    let value = dataGet(cx, obj, { key }, t);
    if (value === undefined) return fail(errors.localType(pos(cx, el.name), el.name.text, cx.checker.typeToString(t)));
    if (el.initializer) {
      if (cx.fn.temps[value] !== 'number') return fail(errors.unsupportedStatement(pos(cx, el), `the default of '${el.name.text}', which is not a number`));
      value = lowerChoice(cx, '??', value, el.initializer);
    }
    cx.fn.assign(cx.fn.declare(el.name.text, cx.fn.temps[value], 'local', isConst), value, true);
  }
}
