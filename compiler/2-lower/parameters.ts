/**
 * Parameters: numbers and numeric arrays (differentiable), booleans, strings, string-literal
 * unions and read-only data (never differentiated), destructured ones (`[x, y]: [number,
 * number]`), optional ones (`beta?: number`) and defaults: a literal (`m = 10`, `biased = false`,
 * `type: OptionType = "call"`, `options: Options = {}`) is kept in the generated signatures; any
 * other (`n = x.length`, `b = a * 2`) is computed at the top of the body when the argument is
 * `undefined`, as JavaScript does, so it is differentiated like any other value.
 *
 * Guarantees: every bad parameter of a list is reported, not only the first; a parameter with
 * a default or a `?` is `optional` (generated functions accept
 * `undefined` for it), unless its default is a number literal (calls fill it in).
 */
import { ts } from 'ts-morph';
import { CompileError, errors, type Diagnostic } from '../diagnostics/catalog';
import type { ParamDefault, Shape, TempId, Type, VarId } from '../ir/types';
import { structParameter, structTypeOf } from './structs';
import { fail, pos, type LowerContext } from './context';
import { constantDefault, prim } from './helpers';
import { dataObjectOf, literalOf } from './module-constants';
import { containerType, hiddenFields, irType, opaqueType, structType } from './types';

export interface Parameters {
  /** The IR's parameters: one per parameter of the source, one per property of an object parameter. */
  readonly params: VarId[];
  /** Each parameter of the source as its IR parameters (an object: one per property). */
  readonly shapes: { readonly name: string; readonly text: string; readonly shape: Shape<VarId> }[];
  /** `([x, y]: [number, number])`: a parameter named after its parts (`x_y`), destructured first thing. */
  readonly patterns: { readonly param: VarId; readonly pattern: ts.BindingPattern }[];
  /** Defaults that are not literals, computed at the top of the body. */
  readonly computed: { readonly param: VarId; readonly init: ts.Expression }[];
}

/** The IR type of a parameter of TypeScript type `t` (`beta?: number` is a number that may be absent). */
export function parameterType(t: ts.Type, optional: boolean, checker: ts.TypeChecker): Type | undefined {
  const present = optional ? checker.getNonNullableType(t) : t;
  return irType(present, checker) ?? opaqueType(present, checker);
}

/**
 * The parameters of a function; `named`: those its tag names in `wrt(…)`, where a matrix or an array
 * of objects is differentiated (types.ts `containerType`; elsewhere such a parameter is data).
 */
export function lowerParameters(cx: LowerContext, node: ts.SignatureDeclarationBase, named: readonly string[] = [], receiver?: Receiver): Parameters {
  const out: Parameters = { params: [], shapes: [], patterns: [], computed: [] };
  const problems: Diagnostic[] = [];
  if (receiver) lowerReceiver(cx, receiver, named.includes('this'), out);
  for (const p of node.parameters) {
    try {
      const plain = ts.isIdentifier(p.name) && !p.dotDotDotToken && !p.questionToken && !p.initializer;
      const container = plain && named.includes((p.name as ts.Identifier).text) ? containerType(cx.checker.getTypeAtLocation(p.name), cx.checker) : undefined;
      const struct = container ?? (plain ? structTypeOf(cx, p.name) : undefined);
      const hidden = struct ? hiddenFields(cx.checker.getTypeAtLocation(p.name), cx.checker) : [];
      if (hidden.length > 0)
        throw new CompileError(errors.hiddenState(pos(cx, p.name), `parameter '${p.name.getText()}'`, cx.checker.typeToString(cx.checker.getTypeAtLocation(p.name)), hidden));
      if (struct) {
        // `p: { x: number; W: number[] }`: one IR parameter per property (`p_x`, `p_W`).
        const { leaves, shape } = structParameter(cx, (p.name as ts.Identifier).text, struct);
        out.params.push(...leaves);
        out.shapes.push({ name: (p.name as ts.Identifier).text, text: struct.text, shape });
        continue;
      }
      const v = lowerParameter(cx, p, out);
      out.params.push(v);
      out.shapes.push({ name: cx.fn.vars[v].name, text: '', shape: { leaf: v } });
    } catch (e) {
      if (!(e instanceof CompileError)) throw e;
      problems.push(...e.diagnostics);
    }
  }
  if (problems.length > 0) throw new CompileError(problems);
  return out;
}

/** The instance an instance member is called on: its class, and its name in generated code. */
export interface Receiver {
  readonly cls: ts.ClassDeclaration;
  readonly name: string;
  /** Where to point at about it: the member's name. */
  readonly at: ts.Node;
}

/**
 * The receiver of an instance member, its first parameter: its state (the instance's fields) is an
 * object parameter like any other, bound to `this`; an instance without numbers is data.
 */
function lowerReceiver(cx: LowerContext, receiver: Receiver, named: boolean, out: Parameters): void {
  const { checker } = cx;
  const t = checker.getDeclaredTypeOfSymbol(checker.getSymbolAtLocation(receiver.cls.name!)!);
  const struct = (named ? containerType(t, checker) : undefined) ?? structType(t, checker);
  const hidden = hiddenFields(t, checker);
  if (struct && hidden.length > 0) return fail(errors.hiddenState(pos(cx, receiver.at), `the receiver of '${cx.name}'`, receiver.cls.name!.text, hidden));
  if (struct) {
    const { leaves, shape } = structParameter(cx, receiver.name, struct);
    cx.fn.bindStruct('this', cx.fn.lookupStruct(receiver.name)!);
    out.params.push(...leaves);
    out.shapes.push({ name: receiver.name, text: struct.text, shape });
    return;
  }
  const data = opaqueType(t, checker) ?? ('opaque:object' as const);
  const v = cx.fn.declare(receiver.name, data, 'param', true);
  cx.fn.lookupOverride('this', v);
  out.params.push(v);
  out.shapes.push({ name: receiver.name, text: '', shape: { leaf: v } });
}

function lowerParameter(cx: LowerContext, p: ts.ParameterDeclaration, out: Parameters): VarId {
  const { checker, fn } = cx;
  if (!ts.isIdentifier(p.name)) {
    const pattern = p.name;
    const parts = pattern.elements.map((el) => (ts.isBindingElement(el) && ts.isIdentifier(el.name) ? el.name.text : undefined));
    if (p.initializer || p.dotDotDotToken || parts.some((n) => n === undefined))
      return fail(errors.unsupportedStatement(pos(cx, p.name), 'destructuring parameters with defaults, holes, rest or nested patterns'));
    const t = checker.getTypeAtLocation(p);
    const type = irType(t, checker) ?? opaqueType(t, checker);
    if (type === undefined || type === 'number' || type === 'boolean') return fail(errors.parameterType(pos(cx, p.name), p.name.getText(cx.sf), checker.typeToString(t)));
    const v = fn.declare(parts.join('_'), type, 'param', true);
    out.patterns.push({ param: v, pattern });
    return v;
  }
  const t = checker.getTypeAtLocation(p.name);
  if (p.dotDotDotToken) return fail(errors.parameterType(pos(cx, p), p.name.text, `${checker.typeToString(t)} (rest parameters are not supported: pass an array)`));
  const optional = p.questionToken !== undefined || p.initializer !== undefined;
  const type = parameterType(t, optional, checker);
  // Data the function only reads (`X: number[][]`, `pts: Point[]`, `idx: Int32Array`, `type: "call" | "put"`): never differentiated.
  const text = p.type ? p.type.getText(cx.sf) : checker.typeToString(t);
  if (type === undefined && checker.getNonNullableType(t).getCallSignatures().length > 0) return fail(errors.functionParameter(pos(cx, p.name), p.name.text, text, cx.name));
  if (type === undefined) return fail(errors.parameterType(pos(cx, p.name), p.name.text, text));
  const v = fn.declare(p.name.text, type, 'param', true);
  if (p.questionToken) fn.setDefault(v, undefined, true);
  if (p.initializer) {
    const literal = literalDefault(cx, p, type);
    if (literal !== undefined) fn.setDefault(v, literal);
    else if (type === 'number' || type === 'boolean') {
      // `n = x.length`, `b = a * 2`: computed in the body when the argument is left out.
      fn.setDefault(v, undefined, true);
      out.computed.push({ param: v, init: p.initializer });
    } else return fail(errors.parameterType(pos(cx, p), p.name.text, `${checker.typeToString(t)} (a default must be a literal: a number, string, boolean or an object of them)`));
  }
  return v;
}

/** A default the generated signatures can print: a constant number, a boolean or string literal, an object literal of literals. */
function literalDefault(cx: LowerContext, p: ts.ParameterDeclaration, type: Type): ParamDefault | undefined {
  if (type === 'number') {
    const n = constantDefault(cx, p);
    return n === undefined ? undefined : { literal: n };
  }
  const value = literalOf(p.initializer!, cx.checker, cx.files);
  return value !== undefined ? { literal: value } : dataObjectOf(p.initializer!, cx.checker, cx.files);
}

/** `if (n === undefined) n = x.length;` for each default that is not a literal, in parameter order. */
export function computeDefaults(cx: LowerContext, computed: Parameters['computed']): void {
  const fn = cx.fn;
  for (const { param, init } of computed) {
    const absent: TempId = prim(cx, 'isundefined', [fn.read(param)]);
    const then = fn.region(() => {
      const value = cx.expr(init);
      if (fn.temps[value] !== fn.vars[param].type) fail(errors.localType(pos(cx, init), fn.vars[param].name, fn.temps[value]));
      fn.assign(param, value);
    });
    fn.emit({ kind: 'if', cond: absent, then, else: [], origin: fn.origin });
  }
}
