/**
 * A small JavaScript AST for the code we emit, and the `b.*` builders over it.
 *
 * Emitters build this tree (not TypeScript nodes) because it is easy to inspect
 * and simplify: the builders fold constants and drop `0 * x`, `x * 1`, `x + 0`
 * as they build, so no emitter has to think about it. `printFile` turns the tree
 * into TypeScript nodes and text.
 */
import type { SourceForm } from '../ir/ops';

export type BinOp = '+' | '-' | '*' | '/' | '%' | '**' | '<' | '<=' | '>' | '>=' | '===' | '!==' | '==' | '&&' | '||' | '??' | ',' | '&' | '|' | '^' | '<<' | '>>' | '>>>';

export type JsExpr =
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'bool'; readonly v: boolean }
  | { readonly k: 'str'; readonly v: string }
  | { readonly k: 'id'; readonly name: string }
  | { readonly k: 'bin'; readonly op: BinOp; readonly l: JsExpr; readonly r: JsExpr }
  | { readonly k: 'un'; readonly op: '-' | '!' | '~'; readonly e: JsExpr }
  | { readonly k: 'call'; readonly fn: JsExpr; readonly args: readonly JsExpr[] }
  | { readonly k: 'member'; readonly obj: JsExpr; readonly name: string }
  | { readonly k: 'index'; readonly obj: JsExpr; readonly index: JsExpr }
  | { readonly k: 'cond'; readonly c: JsExpr; readonly a: JsExpr; readonly b: JsExpr }
  | { readonly k: 'obj'; readonly props: readonly (readonly [string, JsExpr])[] }
  | { readonly k: 'arr'; readonly elems: readonly JsExpr[] }
  | { readonly k: 'new'; readonly ctor: string; readonly args: readonly JsExpr[] }
  | { readonly k: 'as'; readonly e: JsExpr; readonly type: string }
  | { readonly k: 'nonNull'; readonly e: JsExpr }
  | { readonly k: 'assignExpr'; readonly target: JsExpr; readonly value: JsExpr }
  | { readonly k: 'postfix'; readonly op: '++' | '--'; readonly target: JsExpr };

export type AssignOp = '=' | '+=' | '-=' | '*=' | '/=';

export type JsStmt =
  /** `definite`: `let v!: T` (no initialiser). */
  | { readonly k: 'decl'; readonly kind: 'const' | 'let'; readonly name: string; readonly type?: string; readonly init?: JsExpr; readonly definite?: boolean }
  | { readonly k: 'assign'; readonly target: JsExpr; readonly op: AssignOp; readonly value: JsExpr }
  | { readonly k: 'expr'; readonly e: JsExpr }
  | { readonly k: 'if'; readonly c: JsExpr; readonly then: readonly JsStmt[]; readonly else?: readonly JsStmt[] }
  | {
      readonly k: 'for';
      readonly init?: JsStmt;
      readonly test?: JsExpr;
      readonly update?: JsExpr;
      readonly body: readonly JsStmt[];
      readonly label?: string;
    }
  | { readonly k: 'while'; readonly test: JsExpr; readonly body: readonly JsStmt[]; readonly label?: string }
  | { readonly k: 'do'; readonly body: readonly JsStmt[]; readonly test: JsExpr; readonly label?: string }
  | { readonly k: 'block'; readonly body: readonly JsStmt[]; readonly label?: string }
  | { readonly k: 'break'; readonly label?: string }
  | { readonly k: 'continue'; readonly label?: string }
  | { readonly k: 'return'; readonly e?: JsExpr }
  | { readonly k: 'throw'; readonly e: JsExpr }
  | { readonly k: 'comment'; readonly text: string };

export interface JsParam {
  readonly name: string;
  readonly type: string;
  readonly optional?: boolean;
  /** A default value (`m: number = 10`). */
  readonly init?: JsExpr;
}

export interface JsFunction {
  readonly name: string;
  readonly exported: boolean;
  /** One line of text for its doc comment (the printer escapes anything that would end it). */
  readonly doc?: string;
  readonly params: readonly JsParam[];
  readonly returnType?: string;
  readonly body: readonly JsStmt[];
}

export interface JsImport {
  readonly names: readonly string[];
  readonly from: string;
  readonly namespace?: string;
  readonly typeOnly?: boolean;
}

export interface JsFile {
  /** Lines of the `//` comment the file opens with. */
  readonly header: readonly string[];
  readonly imports: readonly JsImport[];
  /** Module-level statements placed before the functions (e.g. reusable result objects). */
  readonly prelude: readonly JsStmt[];
  readonly functions: readonly JsFunction[];
}

// ---------------------------------------------------------------------------
// Builders. Each one simplifies what it can see locally.
// ---------------------------------------------------------------------------

const num = (v: number): JsExpr => ({ k: 'num', v }); // -0 is kept: the sign of a zero can reach atan2 or 1/x
const id = (name: string): JsExpr => ({ k: 'id', name });

/** The number a literal (`2`, `-1.5`) stands for. */
function literalValue(e: JsExpr): number | undefined {
  if (e.k === 'num') return e.v;
  if (e.k === 'un' && e.op === '-' && e.e.k === 'num') return -e.e.v;
  return undefined;
}

/**
 * `: number` for a `const` the compiler introduced (role hidden) holding a number literal: TypeScript
 * would give it the literal's type, so a folded switch discriminant (`const discriminant = 3.5`)
 * compared with another label would not type-check (TS2367).
 */
export function hiddenLiteralType(v: { readonly type: string; readonly role: string }, kind: 'const' | 'let', init: JsExpr | undefined): 'number' | undefined {
  if (v.type !== 'number' || kind !== 'const' || v.role !== 'hidden' || init === undefined) return undefined;
  return literalValue(init) !== undefined ? 'number' : undefined;
}

/**
 * The type to write on a declaration, where inference would get it wrong: `let best = -Infinity`
 * is inferred as number anyway, a number initialized from a boolean is not, nor is a hidden literal
 * `const` (hiddenLiteralType); a typed array a `let` holds keeps its plain type (`Float64Array`).
 */
export function declaredType(v: { readonly type: string; readonly role: string }, kind: 'const' | 'let', init: JsExpr): string | undefined {
  if (v.type === 'number' && init.k === 'bool') return 'number';
  // (`undefined!` is `never` to TypeScript: an optional number left out, later given one)
  if (v.type === 'number' && init.k === 'nonNull' && init.e.k === 'id' && init.e.name === 'undefined') return 'number';
  // (TypeScript 5.7 and later infer `let h = c.slice()` as Float64Array<ArrayBuffer>, to which a
  // Float64Array assigned later, of any buffer, is not assignable)
  if (kind === 'let' && (v.type === 'Float64Array' || v.type === 'Float32Array')) return v.type;
  return hiddenLiteralType(v, kind, init);
}

/**
 * The value a declaration starts from: data of a union of string literals given one (`'linear'` of
 * `Activation`) is asserted to be of the union, which a later comparison with another member needs
 * (TypeScript would narrow the variable to the one literal, or infer `string`).
 */
export function declaredValue(v: { readonly type: string }, init: JsExpr): JsExpr {
  return v.type.startsWith('opaque:') && init.k === 'str' ? { k: 'as', e: init, type: v.type.slice('opaque:'.length) } : init;
}

export function isNum(e: JsExpr, v?: number): e is { k: 'num'; v: number } {
  return e.k === 'num' && (v === undefined || e.v === v);
}

/** True for expressions that are cheap and side-effect free to duplicate: names, numbers, `-name`, `!!name`. */
export function isAtom(e: JsExpr): boolean {
  return (
    e.k === 'num' ||
    e.k === 'id' ||
    e.k === 'str' ||
    e.k === 'bool' ||
    (e.k === 'member' && e.obj.k === 'id' && (e.obj.name === 'Math' || e.obj.name === 'Number')) ||
    (e.k === 'un' && e.op === '-' && (e.e.k === 'id' || e.e.k === 'num')) ||
    (e.k === 'un' && e.op === '!' && e.e.k === 'un' && e.e.op === '!' && (e.e.e.k === 'id' || e.e.e.k === 'num'))
  );
}

function neg(e: JsExpr): JsExpr {
  if (e.k === 'num') return num(-e.v);
  if (e.k === 'un' && e.op === '-') return e.e;
  // -(a - b) ⇒ b - a is exact in IEEE arithmetic except for the sign of a zero result; keep it literal.
  if (e.k === 'bin' && (e.op === '*' || e.op === '/') && e.l.k === 'num') return { k: 'bin', op: e.op, l: num(-e.l.v), r: e.r };
  if (e.k === 'bin' && e.op === '*' && e.l.k === 'un' && e.l.op === '-') return { k: 'bin', op: '*', l: e.l.e, r: e.r };
  // -(-2 * x * y) ⇒ 2 * x * y: negate the leading constant of a product
  if (e.k === 'bin' && (e.op === '*' || e.op === '/') && leadsWithNegative(e.l)) return { k: 'bin', op: e.op, l: neg(e.l), r: e.r };
  // -(c ? a : b) ⇒ c ? -a : -b when both arms are simple
  if (e.k === 'cond' && isAtom(e.a) && isAtom(e.b)) return { k: 'cond', c: e.c, a: neg(e.a), b: neg(e.b) };
  return { k: 'un', op: '-', e };
}

/** A product whose leftmost factor is a negative literal or a negation. */
function leadsWithNegative(e: JsExpr): boolean {
  if (e.k === 'num') return e.v < 0;
  if (e.k === 'un' && e.op === '-') return true;
  if (e.k === 'bin' && (e.op === '*' || e.op === '/')) return leadsWithNegative(e.l);
  return false;
}

function add(a: JsExpr, b: JsExpr): JsExpr {
  if (a.k === 'num' && b.k === 'num') return num(a.v + b.v);
  // (c ? p : 0) + (c ? 0 : q) ⇒ c ? p : q (the two sides of a max/min)
  if (a.k === 'cond' && b.k === 'cond' && JSON.stringify(a.c) === JSON.stringify(b.c)) return { k: 'cond', c: a.c, a: add(a.a, b.a), b: add(a.b, b.b) };
  if (isNum(a, 0)) return b;
  if (isNum(b, 0)) return a;
  if (b.k === 'un' && b.op === '-') return sub(a, b.e);
  if (b.k === 'num' && b.v < 0) return { k: 'bin', op: '-', l: a, r: num(-b.v) };
  if (b.k === 'bin' && (b.op === '*' || b.op === '/') && b.l.k === 'num' && b.l.v < 0) return { k: 'bin', op: '-', l: a, r: { k: 'bin', op: b.op, l: num(-b.l.v), r: b.r } };
  if (a.k === 'un' && a.op === '-' && !(b.k === 'un')) return sub(b, a.e);
  return { k: 'bin', op: '+', l: a, r: b };
}

function sub(a: JsExpr, b: JsExpr): JsExpr {
  if (a.k === 'num' && b.k === 'num') return num(a.v - b.v);
  if (isNum(b, 0)) return a;
  if (isNum(a, 0)) return neg(b);
  if (b.k === 'un' && b.op === '-') return add(a, b.e);
  if (b.k === 'num' && b.v < 0) return { k: 'bin', op: '+', l: a, r: num(-b.v) };
  return { k: 'bin', op: '-', l: a, r: b };
}

function mul(a: JsExpr, b: JsExpr): JsExpr {
  if (a.k === 'num' && b.k === 'num') return num(a.v * b.v);
  if (isNum(a, 0) || isNum(b, 0)) return num(0);
  if (isNum(a, 1)) return b;
  if (isNum(b, 1)) return a;
  if (isNum(a, -1)) return neg(b);
  if (isNum(b, -1)) return neg(a);
  // Constants first: x * 2 ⇒ 2 * x.
  if (b.k === 'num') return mul(b, a);
  // (c ? 1 : 0) * e ⇒ c ? e : 0 (a selected derivative, no multiplication by 0 or 1).
  if (a.k === 'cond' && a.a.k === 'num' && a.b.k === 'num') return { k: 'cond', c: a.c, a: mul(a.a, b), b: mul(a.b, b) };
  if (b.k === 'cond' && b.a.k === 'num' && b.b.k === 'num') return { k: 'cond', c: b.c, a: mul(a, b.a), b: mul(a, b.b) };
  // (1 / d) * x ⇒ x / d
  if (a.k === 'bin' && a.op === '/' && isNum(a.l, 1)) return div(b, a.r);
  if (b.k === 'bin' && b.op === '/' && isNum(b.l, 1)) return div(a, b.r);
  if (a.k === 'un' && a.op === '-') return neg(mul(a.e, b));
  if (b.k === 'un' && b.op === '-') return neg(mul(a, b.e));
  // c1 * (c2 * x) ⇒ (c1 c2) * x
  if (a.k === 'num' && b.k === 'bin' && b.op === '*' && b.l.k === 'num') return mul(num(a.v * b.l.v), b.r);
  return { k: 'bin', op: '*', l: a, r: b };
}

function div(a: JsExpr, b: JsExpr): JsExpr {
  if (a.k === 'num' && b.k === 'num' && b.v !== 0) return num(a.v / b.v);
  if (isNum(a, 0)) return num(0);
  if (isNum(b, 1)) return a;
  if (isNum(b, -1)) return neg(a);
  if (a.k === 'un' && a.op === '-') return neg(div(a.e, b));
  return { k: 'bin', op: '/', l: a, r: b };
}

function pow(a: JsExpr, b: JsExpr): JsExpr {
  if (isNum(b, 1)) return a;
  if (isNum(b, 0)) return num(1);
  return { k: 'bin', op: '**', l: a, r: b };
}

/**
 * A partial times a tangent or adjoint: `p * t`, or `t === 0 ? 0 : p * t` when `guard`
 * says p may be non-finite (the zero-(co)tangent rule: IEEE's `Infinity · 0` is NaN,
 * and a value that did not influence the result must not make a derivative NaN).
 * `tangentFirst` prints `t * p` (forward mode's `da * b`). `t` is repeated: pass a name.
 */
function times(p: JsExpr, t: JsExpr, guard: boolean, tangentFirst = false): JsExpr {
  const m = tangentFirst ? mul(t, p) : mul(p, t);
  if (!guard || m.k === 'num' || (p.k === 'num' && Number.isFinite(p.v)) || (t.k === 'num' && t.v !== 0)) return m;
  // -t is zero exactly when t is.
  const test = t.k === 'un' && t.op === '-' ? t.e : t;
  return { k: 'cond', c: bin('===', test, num(0)), a: num(0), b: m };
}

/** Σ terms, dropping zeros. */
function sum(terms: readonly JsExpr[]): JsExpr {
  let acc: JsExpr = num(0);
  for (const t of terms) acc = add(acc, t);
  return acc;
}

const bin = (op: BinOp, l: JsExpr, r: JsExpr): JsExpr => ({ k: 'bin', op, l, r });
const call = (fn: string | JsExpr, args: readonly JsExpr[]): JsExpr => ({ k: 'call', fn: typeof fn === 'string' ? path(fn) : fn, args });
const member = (obj: JsExpr, name: string): JsExpr => ({ k: 'member', obj, name });
const index = (obj: JsExpr, i: JsExpr): JsExpr => ({ k: 'index', obj, index: i });

/** `Math.sin` and friends from a dotted path. */
function path(dotted: string): JsExpr {
  const parts = dotted.split('.');
  let e: JsExpr = id(parts[0]);
  for (const p of parts.slice(1)) e = member(e, p);
  return e;
}

function not(e: JsExpr): JsExpr {
  if (e.k === 'bool') return { k: 'bool', v: !e.v };
  if (e.k === 'un' && e.op === '!') return e.e;
  if (e.k === 'bin' && e.op === '===') return { ...e, op: '!==' };
  if (e.k === 'bin' && e.op === '!==') return { ...e, op: '===' };
  return { k: 'un', op: '!', e };
}

/** An operation as a user writes it (ir/ops.ts `source`), applied to operands: `a + b`, `Math.sin(a)`, `a == null`. */
export function sourceExpr(form: SourceForm, args: readonly JsExpr[]): JsExpr {
  if ('infix' in form) {
    // Two literals compared for equality (a folded switch label): TypeScript rejects `1 === 0`
    // as a comparison of types with no overlap, so its value is written instead.
    const [l, r] = [literalValue(args[0]), literalValue(args[1])];
    if (l !== undefined && r !== undefined && form.infix === '===') return { k: 'bool', v: l === r };
    if (l !== undefined && r !== undefined && form.infix === '!==') return { k: 'bool', v: l !== r };
    return bin(form.infix, args[0], args[1]);
  }
  if ('prefix' in form) {
    if (form.prefix === '!') return not(args[0]);
    // (not `not(not(x))`, which simplifies to x: a number used as a boolean value must become one;
    // a literal's truthiness is known, and TypeScript rejects `!!2` as always truthy)
    if (form.prefix === '!!') return args[0].k === 'num' ? { k: 'bool', v: Boolean(args[0].v) } : { k: 'un', op: '!', e: { k: 'un', op: '!', e: args[0] } };
    return { k: 'un', op: form.prefix, e: args[0] };
  }
  if ('call' in form) return call(form.call, args);
  return form.compare === '== null' ? bin('==', args[0], id('null')) : bin('===', args[0], id('undefined'));
}

export const b = {
  num,
  id,
  bool: (v: boolean): JsExpr => ({ k: 'bool', v }),
  neg,
  add,
  sub,
  mul,
  times,
  div,
  pow,
  sum,
  bin,
  not,
  call,
  member,
  index,
  path,
  /** `c ? a : b`; `c ? a : a` ⇒ `a` (conditions have no side effects). */
  cond: (c: JsExpr, a: JsExpr, bb: JsExpr): JsExpr => (JSON.stringify(a) === JSON.stringify(bb) ? a : { k: 'cond', c, a, b: bb }),
  obj: (props: readonly (readonly [string, JsExpr])[]): JsExpr => ({ k: 'obj', props }),
  arr: (elems: readonly JsExpr[]): JsExpr => ({ k: 'arr', elems }),
  newObj: (ctor: string, args: readonly JsExpr[]): JsExpr => ({ k: 'new', ctor, args }),
  as: (e: JsExpr, type: string): JsExpr => ({ k: 'as', e, type }),
  math: (fn: string, ...args: JsExpr[]): JsExpr => call(`Math.${fn}`, args),

  // statements
  const: (name: string, init: JsExpr, type?: string): JsStmt => ({ k: 'decl', kind: 'const', name, init, type }),
  let: (name: string, init?: JsExpr, type?: string): JsStmt => ({ k: 'decl', kind: 'let', name, init, type }),
  assign: (target: JsExpr | string, value: JsExpr, op: AssignOp = '='): JsStmt => ({
    k: 'assign',
    target: typeof target === 'string' ? id(target) : target,
    op,
    value,
  }),
  /** `x = e`, written `x += a` when e is `x + a` (likewise `-=`, `*=`, `/=`). */
  update(name: string, value: JsExpr): JsStmt {
    if (value.k === 'bin' && (value.op === '+' || value.op === '-' || value.op === '*' || value.op === '/') && value.l.k === 'id' && value.l.name === name) {
      return { k: 'assign', target: id(name), op: `${value.op}=` as AssignOp, value: value.r };
    }
    return { k: 'assign', target: id(name), op: '=', value };
  },
  /** `target += value`, or nothing when value is 0; `target -= v` for a negated value. */
  accumulate(target: JsExpr | string, value: JsExpr): JsStmt[] {
    const t = typeof target === 'string' ? id(target) : target;
    if (isNum(value, 0)) return [];
    if (value.k === 'num' && value.v < 0) return [{ k: 'assign', target: t, op: '-=', value: num(-value.v) }];
    if (value.k === 'un' && value.op === '-') return [{ k: 'assign', target: t, op: '-=', value: value.e }];
    if (value.k === 'bin' && (value.op === '*' || value.op === '/') && value.l.k === 'num' && value.l.v < 0)
      return [{ k: 'assign', target: t, op: '-=', value: { k: 'bin', op: value.op, l: num(-value.l.v), r: value.r } }];
    return [{ k: 'assign', target: t, op: '+=', value }];
  },
  expr: (e: JsExpr): JsStmt => ({ k: 'expr', e }),
  /** `for (let i = from; i < n; i++) body` (from 0 by default). */
  countUp: (i: string, n: JsExpr, body: readonly JsStmt[], from: JsExpr = { k: 'num', v: 0 }): JsStmt => ({
    k: 'for',
    init: { k: 'decl', kind: 'let', name: i, init: from },
    test: { k: 'bin', op: '<', l: { k: 'id', name: i }, r: n },
    update: { k: 'postfix', op: '++', target: { k: 'id', name: i } },
    body,
  }),
  /** `if (c) {…} else {…}`; an empty then-arm flips the condition. */
  if: (c: JsExpr, then: readonly JsStmt[], els?: readonly JsStmt[]): JsStmt =>
    then.length === 0 && els && els.length > 0 ? { k: 'if', c: not(c), then: els } : { k: 'if', c, then, else: els && els.length > 0 ? els : undefined },
  return: (e?: JsExpr): JsStmt => ({ k: 'return', e }),
  comment: (text: string): JsStmt => ({ k: 'comment', text }),
  break: (label?: string): JsStmt => ({ k: 'break', label }),
  continue: (label?: string): JsStmt => ({ k: 'continue', label }),
};
