/**
 * Calls of functions with user rules (`@jvp erf`, `@vjp erf`: 1-frontend/rules.ts):
 * `erf(a)` ⇒ an IR `call` of the function, whose IR is its signature alone (`ruleFunction`).
 * The emitters call the function itself for the value and its rules for derivatives.
 *
 * Guarantees: the arguments are numbers and arrays as the parameters are, as many, evaluated left
 * to right; the rules' problems (ADC123) are reported at every call; the files of the function
 * and of its rules are dependencies of the caller.
 */
import { ts } from 'ts-morph';
import { CompileError, errors } from '../diagnostics/catalog';
import { isArrayType, type IRFunction, type TempId, type UserRule } from '../ir/types';
import { parameterName, type FunctionSource } from '../1-frontend/functions';
import { originOf } from '../1-frontend/position';
import { diskPath } from '../1-frontend/file-system';
import type { RuleEntry } from '../1-frontend/rules';
import { FunctionBuilder } from './builder';
import { fail, pos, type LowerContext } from './context';
import { namedArray } from './helpers';

/** `erf(x)` of a function with rules: a call op of it, with its arguments. */
export function lowerRuleCall(cx: LowerContext, e: ts.CallExpression, entry: RuleEntry): TempId {
  if (entry.problems.length > 0) throw new CompileError(entry.problems);
  const params = entry.decl.parameters;
  if (e.arguments.length !== params.length) return fail(errors.arity(pos(cx, e), entry.name, params.length, e.arguments.length));
  const args = e.arguments.map((a, i) => {
    const wanted = entry.rule.params[i];
    // (an array is passed as the caller's own, named: its gradient adds into the caller's)
    const t = wanted === 'number' ? cx.expr(a) : namedArray(cx, cx.expr(a), 'arg');
    const given = cx.fn.temps[t];
    if (wanted === 'number' ? given !== 'number' : !isArrayType(given))
      return fail(
        errors.unsupportedExpression(
          pos(cx, a),
          `passing a ${given} to '${entry.name}', whose parameter '${params[i].name.getText()}' is ${wanted === 'number' ? 'a number' : 'a numeric array'}`,
        ),
      );
    return t;
  });
  const sf = entry.decl.getSourceFile();
  const src: FunctionSource = {
    key: entry.key,
    name: entry.name,
    file: sf.fileName,
    node: entry.decl,
    nameNode: entry.decl.name!,
    sourceFile: sf,
    exported: true,
    rule: entry.rule,
  };
  cx.callees.set(src.key, src);
  for (const r of [entry.rule.primal, entry.rule.jvp, entry.rule.vjp]) if (r?.file) cx.files.add(r.file);
  return cx.fn.op({ op: 'call', callee: src.key }, args, 'number');
}

/** The IR of a function with rules: its parameters (numbers) and result, no body (it is never differentiated itself). */
export function ruleFunction(src: FunctionSource, rule: UserRule): IRFunction {
  const origin = originOf(src.nameNode, src.sourceFile);
  const fn = new FunctionBuilder(origin);
  const params = src.node.parameters.map((p, i) => fn.declare(parameterName(p), rule.params[i] ?? 'number', 'param', false));
  return {
    key: src.key,
    name: src.name,
    file: diskPath(src.file),
    exported: true,
    params,
    returnType: 'number',
    vars: fn.vars,
    temps: fn.temps,
    body: [],
    origin,
    loopCount: 0,
    rule,
  };
}
