/**
 * Lowering: a typed TypeScript function ⇒ an `IRFunction`.
 *
 * Guarantees: parameters and locals have IR types (number, boolean, numeric
 * arrays); every path of the body ends in `return`; each user function called is
 * recorded in `callees` (the driver lowers them on demand). Anything outside the
 * supported subset is a diagnostic with a position: in the signature, a
 * `CompileError`; in the body, every one of them in `diagnostics` (each
 * statement that fails is recorded and lowering goes on). Code nested deeper
 * than every later phase can follow is a `CompileError` (ADC119, checked first).
 */
import { ts } from 'ts-morph';
import { errors, CompileError, type Diagnostic } from '../diagnostics/catalog';
import { isUnionArray, unionMembers, type IRFunction, type Stmt, type TempId, type VarId } from '../ir/types';
import { forEachStmtNumbered, usesOf } from '../ir/walk';
import { isNondiff, namedWrt, receiverName, type FunctionSource } from '../1-frontend/functions';
import { originOf, positionOf } from '../1-frontend/position';
import { diskPath } from '../1-frontend/file-system';
import { checkNesting } from '../1-frontend/nesting';
import { FunctionBuilder } from './builder';
import { atStatement, fail, type LowerContext } from './context';
import { createContext } from './dispatch';
import { endsFlow, namedArray } from './helpers';
import { destructureParameter } from './data';
import { containerType, irType, isMatrixType, numbersList, structType, type StructType } from './types';
import { resultShape, resultText, writtenResult } from './results';
import { returnObject } from './returns';
import { checkpointPlacement } from './loops';
import { declareHoisted } from './var-scoping';
import { computeDefaults, lowerParameters } from './parameters';
import { ruleFunction } from './rule-calls';
import type { RuleTable } from '../1-frontend/rules';

export interface Lowered {
  readonly ir: IRFunction;
  readonly callees: ReadonlyMap<string, FunctionSource>;
  /** Files besides the function's own that its meaning depends on (imports and re-exports it calls through, constants). */
  readonly files: ReadonlySet<string>;
  /** Every error in the body (the IR is incomplete when there is one); the callees are still those it names. */
  readonly diagnostics: readonly Diagnostic[];
}

export function lowerFunction(src: FunctionSource, checker: ts.TypeChecker, rules?: RuleTable): Lowered {
  if (src.rule) return { ir: ruleFunction(src, src.rule), callees: new Map(), files: new Set(), diagnostics: [] };
  const node = src.node;
  const sf = src.sourceFile;
  const where = (n: ts.Node) => positionOf(n, sf);
  checkNesting(src);
  if (node.asteriskToken) fail(errors.asyncOrGenerator(where(src.nameNode), 'generator'));
  if ((ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) fail(errors.asyncOrGenerator(where(src.nameNode), 'async'));

  const fn = new FunctionBuilder(originOf(src.nameNode, sf));
  const cx = createContext({
    checker,
    sf,
    fn,
    name: src.name,
    callees: new Map(),
    files: new Set(),
    views: [],
    root: node,
    localFunctions: new Map(),
    functionArguments: new Map(),
    inlining: new Set(),
    rules,
  });
  const receiver = src.receiver ? { cls: src.receiver, name: receiverName(src), at: src.nameNode } : undefined;
  const { params, shapes, patterns, computed } = lowerParameters(cx, node, namedWrt(src) ?? [], receiver);

  const sig = checker.getSignatureFromDeclaration(node);
  const retTs = sig ? checker.getReturnTypeOfSignature(sig) : undefined;
  // An object result is returned as the array of its numbers (structs.ts).
  // (so is an array of objects of numbers, `Point[]`: its properties' columns, then their lengths)
  // (and a matrix, `number[][]`: its numbers row after row, then where each row starts)
  const resultStruct = retTs ? (structType(retTs, checker) ?? numbersList(retTs, checker) ?? matrixResult(retTs, checker)) : undefined;
  // A function that returns nothing gives the parameter it writes into.
  const written = retTs && retTs.flags & ts.TypeFlags.Void ? writtenResult(cx, node, shapes) : undefined;
  const result = resultStruct ? { text: resultText(resultStruct), shape: resultShape(cx, resultStruct, node.type ?? src.nameNode) } : written?.result;
  if (resultStruct) (cx as { result?: StructType }).result = resultStruct;
  if (written) (cx as { finalValue?: () => TempId }).finalValue = written.final;
  const returnType = written?.returnType ?? (resultStruct ? 'number[]' : retTs ? irType(retTs, checker) : undefined);
  // (an `ArrayLike<number>` result may be any object with a length: a result is an array of a kind the API can return)
  if (returnType === undefined || returnType === 'boolean' || (isUnionArray(returnType) && unionMembers(returnType).includes('ArrayLike<number>'))) {
    return fail(errors.returnType(where(node.type ?? src.nameNode), src.name, retTs ? checker.typeToString(retTs) : 'unknown'));
  }

  fn.withScope(() => {
    for (const { param, pattern } of patterns) atStatement(cx, pattern, () => destructureParameter(cx, param, pattern));
    computeDefaults(cx, computed);
    declareHoisted(cx, node);
    const body = node.body!;
    if (ts.isBlock(body)) {
      cx.stmts(body.statements);
      if (written && !endsFlow(fn.current)) fn.emit({ kind: 'return', value: written.final(), origin: originOf(body.getLastToken() ?? body, sf) });
    } else {
      cx.attempt(body, () => {
        fn.origin = originOf(body, sf);
        if (resultStruct) return returnObject(cx, body, resultStruct);
        const value = namedArray(cx, cx.expr(body), 'result');
        fn.emit({ kind: 'return', value, origin: fn.origin });
      });
    }
  });
  const { diagnostics } = cx.recovery;
  if (!endsFlow(fn.body) && !cx.recovery.flowUnknown) diagnostics.push(errors.missingReturn(where(src.nameNode), src.name));
  diagnostics.push(...checkpointPlacement(fn.body, fn.vars, sf));
  try {
    rejectWrittenViews(cx);
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    diagnostics.push(...e.diagnostics);
  }

  const ir: IRFunction = {
    key: src.key,
    name: src.name,
    file: diskPath(src.file),
    exported: src.exported,
    params,
    returnType,
    vars: fn.vars,
    temps: fn.temps,
    body: fn.body,
    origin: originOf(src.nameNode, sf),
    loopCount: fn.loopTotal,
    ...(isNondiff(src) ? { nondiff: true as const } : {}),
    ...(result || shapes.some((p) => !('leaf' in p.shape)) ? { structure: { params: shapes, ...(result ? { result } : {}) } } : {}),
  };
  return { ir, callees: cx.callees, files: cx.files, diagnostics };
}

/**
 * A `subarray` shares memory with its source; generated code copies it. That is the same
 * program only while neither the source nor the view is written while the view is in use,
 * so such writes are rejected. The view is in use from its creation to its last use; a loop
 * that holds a use but not the view's declaration (the view survives into the next
 * iteration) is in use as a whole.
 */
function rejectWrittenViews(cx: LowerContext): void {
  if (cx.views.length === 0) return;
  const writes: { v: VarId; at: number }[] = [];
  const holders = new Map<TempId, VarId[]>();
  const declaredAt = new Map<VarId, number>();
  const opAt = new Map<TempId, number>();
  const uses: { at: number; args: readonly TempId[]; v?: VarId }[] = [];
  const loops: { from: number; to: number }[] = [];
  const loopStart = new Map<Stmt, number>();
  forEachStmtNumbered(
    cx.fn.body,
    (s, at) => {
      if (s.kind === 'loop') loopStart.set(s, at);
      if (s.kind === 'store' || s.kind === 'fill' || s.kind === 'push') writes.push({ v: s.var, at });
      if (s.kind === 'assign') holders.set(s.value, [...(holders.get(s.value) ?? []), s.var]);
      if ((s.kind === 'assign' && s.declare) || s.kind === 'declare') declaredAt.set(s.var, at);
      if (s.kind === 'op') opAt.set(s.id, at);
      // An op naming an array (a read, load, length, slice) or a store into it uses that array too.
      uses.push({ at, args: usesOf(s), v: (s.kind === 'op' && 'var' in s) || s.kind === 'store' ? s.var : undefined });
    },
    (s, last) => {
      if (s.kind === 'loop') loops.push({ from: loopStart.get(s)!, to: last });
    },
  );
  const inside = (l: { from: number; to: number }, at: number): boolean => l.from <= at && at <= l.to;
  for (const view of cx.views) {
    const made = opAt.get(view.temp)!;
    const held = holders.get(view.temp) ?? [];
    const points = [made, ...uses.filter((u) => u.args.includes(view.temp) || (u.v !== undefined && held.includes(u.v))).map((u) => u.at)];
    // Where the view's name comes into scope: a holder's declaration, or the view itself.
    const declared = Math.min(made, ...held.map((h) => declaredAt.get(h) ?? -1));
    let from = Math.min(...points);
    let to = Math.max(...points);
    for (const l of loops) {
      if (!inside(l, declared) && points.some((p) => inside(l, p))) {
        from = Math.min(from, l.from);
        to = Math.max(to, l.to);
      }
    }
    const sharing = new Set([view.source, ...held]);
    const names = [...new Set(writes.filter((w) => w.at >= from && w.at <= to && sharing.has(w.v)).map((w) => `'${cx.fn.vars[w.v].name}'`))];
    if (names.length > 0)
      fail(
        errors.arrayAlias(
          view.at,
          view.row
            ? `'${view.text}' (a row of a matrix, or an array of an object of an array of objects) is a copy of its numbers here, and ${names.join(' and ')} ${names.length > 1 ? 'are' : 'is'} written while it is in use; write its elements in place (\`W[i][j] = …\`), or copy it with slice() where it is taken`
            : `'${view.text}' is a view that shares memory with its array, and ${names.join(' and ')} ${names.length > 1 ? 'are' : 'is'} written while it is in use; copy it with slice()`,
        ),
      );
  }
}

/** The matrix type of a result `number[][]` (rows that are tuples too), if it is one. */
function matrixResult(t: ts.Type, checker: ts.TypeChecker): StructType | undefined {
  return isMatrixType(t, checker) ? containerType(t, checker) : undefined;
}
