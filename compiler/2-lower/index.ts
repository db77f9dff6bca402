/**
 * Lowering: a typed TypeScript function ⇒ an `IRFunction`.
 *
 * Guarantees: parameters and locals have IR types (number, boolean, numeric
 * arrays); every path of the body ends in `return`; each user function called is
 * recorded in `callees` (the driver lowers them on demand). Anything outside the
 * supported subset is a `CompileError` with a position.
 */
import { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import type { IRFunction } from '../ir/types';
import type { FunctionSource } from '../1-frontend/functions';
import { originOf, positionOf } from '../1-frontend/position';
import { FunctionBuilder } from './builder';
import { fail, type LowerContext } from './context';
import { lowerExpr } from './expressions';
import { endsFlow, lowerStatements } from './statements';
import { irType } from './types';

export interface Lowered {
  readonly ir: IRFunction;
  readonly callees: ReadonlyMap<string, FunctionSource>;
  /** Files besides the function's own that its meaning depends on (imports and re-exports it calls through, constants). */
  readonly files: ReadonlySet<string>;
}

export function lowerFunction(src: FunctionSource, checker: ts.TypeChecker): Lowered {
  const node = src.node;
  const sf = src.sourceFile;
  const where = (n: ts.Node) => positionOf(n, sf);
  if (node.asteriskToken) fail(errors.asyncOrGenerator(where(src.nameNode), 'generator'));
  if ((ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) fail(errors.asyncOrGenerator(where(src.nameNode), 'async'));

  const fn = new FunctionBuilder(originOf(src.nameNode, sf));
  const cx: LowerContext = { checker, sf, fn, name: src.name, callees: new Map(), files: new Set() };
  const params = node.parameters.map((p) => {
    if (!ts.isIdentifier(p.name)) return fail(errors.unsupportedStatement(where(p.name), 'destructuring parameters'));
    const t = checker.getTypeAtLocation(p.name);
    const type = irType(t, checker);
    if (p.dotDotDotToken || p.questionToken || p.initializer) return fail(errors.parameterType(where(p), p.name.text, `${checker.typeToString(t)} (optional, default and rest parameters are not supported)`));
    if (type === undefined || type === 'boolean') return fail(errors.parameterType(where(p.name), p.name.text, p.type ? p.type.getText(sf) : checker.typeToString(t)));
    return fn.declare(p.name.text, type, 'param', true);
  });

  const sig = checker.getSignatureFromDeclaration(node);
  const retTs = sig ? checker.getReturnTypeOfSignature(sig) : undefined;
  const returnType = retTs ? irType(retTs, checker) : undefined;
  if (returnType === undefined || returnType === 'boolean') {
    return fail(errors.returnType(where(node.type ?? src.nameNode), src.name, retTs ? checker.typeToString(retTs) : 'unknown'));
  }

  fn.withScope(() => {
    const body = node.body!;
    if (ts.isBlock(body)) {
      lowerStatements(cx, body.statements);
    } else {
      fn.origin = originOf(body, sf);
      const value = lowerExpr(cx, body);
      fn.emit({ kind: 'return', value, origin: fn.origin });
    }
  });
  if (!endsFlow(fn.body)) fail(errors.missingReturn(where(src.nameNode), src.name));

  const ir: IRFunction = {
    key: src.key,
    name: src.name,
    file: src.file,
    exported: src.exported,
    params,
    returnType,
    vars: fn.vars,
    temps: fn.temps,
    body: fn.body,
    origin: originOf(src.nameNode, sf),
    loopCount: fn.loopTotal,
  };
  return { ir, callees: cx.callees, files: cx.files };
}
