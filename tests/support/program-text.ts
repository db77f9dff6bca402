/**
 * Prints a generated `Program` (programs.ts) as TypeScript sources: `/src/main.ts`
 * with the marked `f`, and, when some helpers live there, `/src/lib.ts` (and a
 * re-exporting `/src/reexport.ts`). Indices are resolved modulo what is in scope
 * (variables, assignable `let`s and parameters, callable helpers), so any
 * structure prints as valid strict TypeScript. Printing is deterministic.
 * The object part of a program (object parameters, helpers, statements) is
 * printed by object-program-text.ts, through the same function printer; an
 * object's numbers (`p.pos.x`) are variables like the others.
 */
import { guardLines } from './guards';
import { paramShape, VEC2, type ObjectHelper, type ObjectShape } from './object-programs';
import { addObject, interfaceLines, objectHelperBody, objectStatement, typeText, type ObjectCallee, type ObjVar, type Printer } from './object-program-text';
import { avoid, mathForms, type Code, type Cond, type Expr, type Helper, type Program, type Stmt } from './programs';

export interface ProgramText {
  /** In-memory sources, main first. */
  readonly files: Readonly<Record<string, string>>;
  /** Indices of the differentiated parameters of `f`. */
  readonly wrt: readonly number[];
  readonly params: number;
  /** The type of each object parameter (undefined for a number; all undefined when absent). */
  readonly shapes?: readonly (ObjectShape | undefined)[];
}

export interface Scope {
  /** Numbers: variables, parameters, and the numbers of objects in scope (`p.x`). */
  readonly vars: string[];
  /** Assignable: `let` variables and parameters (never loop indices or counters), and objects' numbers. */
  readonly lets: string[];
  /** Loop indices and counters (integers from 0), innermost last. */
  readonly counters: string[];
  /** Objects (object-program-text.ts). */
  readonly objs: ObjVar[];
}

interface Callee {
  readonly name: string;
  readonly arity: number;
  readonly recursive: boolean;
}

const wrap = (c: Code) => (c.atom ? c.t : `(${c.t})`);
const copy = (s: Scope): Scope => ({ vars: [...s.vars], lets: [...s.lets], counters: [...s.counters], objs: [...s.objs] });

/** Local names that the compiler's own output uses too: a program may choose them to provoke collisions. */
const collidingLocals = [
  'value',
  'tangent',
  't1',
  'dt1',
  'sel',
  'cond',
  'n',
  'k',
  'again',
  'broke',
  'saved',
  'returned',
  'result',
  'tape',
  'ret',
  'out',
  'cotangent',
  'grads',
  'i',
  't2',
  'dv',
];
export const collidingParams = [
  ['x', 'dx', 'x_bar'],
  ['out', 'cotangent', 'value'],
];
/** In programs with objects, local names that are those of objects' numbers in generated code (`p.x` is `p_x`), taken first. */
const collidingObjectLocals = ['p_x', 'dp_x', 'p_pos_x', 'p_x_bar', 'a_y'];
/** Names of helpers when a program names them like generated locals (`helperNames`). */
export const helperNameChoices = ['value', 'tape', 'out', 'cotangent', 'trips', 't1', 'x_bar', 'saved', 'sel', 'result', 'k', 'ret'];

/** A block being printed: what it declares, and what was read or written in it so far (shadowing must not hit a TDZ). */
interface Frame {
  readonly declared: Set<string>;
  readonly used: Set<string>;
}

/** One function's printer: fresh names are numbered per function (or drawn from `collidingLocals`). */
class FunctionText implements Printer {
  private n = 0;
  /** `let` declarations printed so far (see `decl`). */
  private lets = 0;
  /** A local string, `"up"` or `"down"` by the sign of the first parameter, that some conditions compare (`f` only). */
  mode: string | undefined;
  private ifs = 0;
  readonly lines: string[] = [];
  /** Helpers this function calls. */
  readonly called = new Set<string>();
  private readonly frames: Frame[] = [];
  /**
   * Names whose value the compiler may fold to a constant: module constants, and variables declared
   * or assigned (`=`) with an expression of constants only, whatever happens to them later.
   */
  private readonly folded: Set<string>;
  /** Helpers taking objects this function may call. */
  objectCallees: readonly ObjectCallee[] = [];
  /** What a `return` gives back: a number, nothing (a writer), or a fresh object `{ ...a, x: e }` of the parameter named. */
  returns: { readonly k: 'number' | 'void' } | { readonly k: 'object'; readonly a: string } = { k: 'number' };
  /** Local names tried first in colliding mode (see `collidingObjectLocals`). */
  private readonly collidingFirst: string[];
  /** `taken`: names a local must never get (parameters, helpers, module constants, `r`, `n`). */
  constructor(
    private readonly callees: readonly Callee[],
    private readonly taken: Set<string>,
    private readonly colliding: boolean,
    private readonly params: readonly string[],
    constants: readonly string[] = [],
    objects = false,
  ) {
    this.frames.push({ declared: new Set(params), used: new Set() });
    this.folded = new Set(constants);
    this.collidingFirst = objects ? collidingObjectLocals : [];
  }

  /** `return value;` as this function returns (see `returns`). */
  private returnText(value: string): string {
    if (this.returns.k === 'void') return 'return;';
    if (this.returns.k === 'object') return `return { ...${this.returns.a}, x: ${value} };`;
    return `return ${value};`;
  }

  /** Whether `e` is made of constants only (see `folded`): the compiler may fold it. */
  private constant(e: Expr | Cond, s: Scope): boolean {
    const all = (...xs: (Expr | Cond)[]) => xs.every((x) => this.constant(x, s));
    switch (e.k) {
      case 'lit':
        return true;
      case 'var':
        return this.folded.has(s.vars[e.i % s.vars.length]);
      case 'unary':
      case 'pow':
        return all(e.e);
      case 'bin':
      case 'div':
      case 'logic':
      case 'and':
      case 'or':
        return all(e.l, e.r);
      case 'cmp':
        return all(e.l, e.r);
      case 'not':
        return all(e.c);
      case 'math':
        return all(...e.args.slice(0, mathForms[e.form % mathForms.length].arity));
      case 'call': {
        // As printed: the first argument alone without a callee, the arguments used again in turn.
        if (this.callees.length === 0) return all(e.args[0]);
        const callee = this.callees[e.h % this.callees.length];
        return callee.recursive ? all(e.args[0], ...(typeof e.depth === 'number' ? [] : [e.depth])) : all(...e.args.slice(0, callee.arity));
      }
      case 'ternary':
        return all(e.c, e.a, e.b);
    }
  }

  /**
   * `e`, or where it is constant and `avoid.constantOperands`, a variable that depends on a parameter
   * (undefined when there is none).
   */
  private varying(e: Expr, s: Scope): Expr | undefined {
    if (!avoid.constantOperands || !this.constant(e, s)) return e;
    const i = s.vars.findIndex((v) => !this.folded.has(v));
    return i < 0 ? undefined : { k: 'var', i };
  }

  /** Records that `name` now holds `e` (read in `s`): a constant may be folded. */
  private holds(name: string, s: Scope, e: Expr): void {
    if (this.constant(e, s)) this.folded.add(name);
  }

  fresh(prefix: string): string {
    let name = this.colliding ? [...this.collidingFirst, ...collidingLocals].find((c) => !this.taken.has(c)) : undefined;
    while (!name || this.taken.has(name)) name = `${prefix}${this.n++}`;
    this.taken.add(name);
    this.frames[this.frames.length - 1].declared.add(name);
    return name;
  }

  claim(name: string): boolean {
    if (this.taken.has(name)) return false;
    this.taken.add(name);
    this.frames[this.frames.length - 1].declared.add(name);
    return true;
  }

  use(name: string): string {
    for (const f of this.frames) f.used.add(name);
    return name;
  }

  expr(e: Expr, s: Scope): Code {
    switch (e.k) {
      case 'lit':
        return { t: String(e.v), atom: e.v >= 0 };
      case 'var':
        return { t: this.use(s.vars[e.i % s.vars.length]), atom: true };
      case 'unary':
        return { t: `${e.op}${wrap(this.expr(e.e, s))}`, atom: false };
      case 'bin':
        return { t: `${wrap(this.expr(e.l, s))} ${e.op} ${wrap(this.expr(e.r, s))}`, atom: false };
      case 'div': {
        const r = this.expr(e.r, s);
        return { t: `${wrap(this.expr(e.l, s))} / ${e.sine ? `(2 + Math.sin(${r.t}))` : `(1 + ${wrap(r)} ** 2)`}`, atom: false };
      }
      case 'pow':
        return { t: `${wrap(this.expr(e.e, s))} ** ${e.n}`, atom: false };
      case 'math': {
        const form = mathForms[e.form % mathForms.length];
        const text = form.print(e.args.slice(0, form.arity).map((a) => this.expr(a, s)));
        return { t: text, atom: form.atom };
      }
      case 'ternary':
        return { t: `${this.cond(e.c, s)} ? ${this.expr(e.a, s).t} : ${this.expr(e.b, s).t}`, atom: false };
      case 'call': {
        if (this.callees.length === 0) return this.expr(e.args[0], s);
        const callee = this.callees[e.h % this.callees.length];
        this.called.add(callee.name);
        if (callee.recursive) {
          const depth = typeof e.depth === 'number' ? String(e.depth) : `Math.min(3, Math.floor(Math.abs(${this.expr(e.depth, s).t})))`;
          return { t: `${callee.name}(${this.expr(e.args[0], s).t}, ${depth})`, atom: true };
        }
        // More parameters than arguments drawn: the arguments are used again, in turn.
        const args = Array.from({ length: callee.arity }, (_, i) => this.expr(e.args[i % e.args.length], s).t);
        return { t: `${callee.name}(${args.join(', ')})`, atom: true };
      }
      case 'logic': {
        const varying = this.varying(e.l, s);
        if (varying === undefined) return this.expr(e.r, s);
        const l = this.expr(varying, s);
        // A literal left operand would make TypeScript call the condition constant: it is rounded instead.
        const zero = e.zero % 4 === 0 && /^\(?[-+]?[\d.]+\)?$/.test(l.t) ? 2 : e.zero % 4;
        const left = [wrap(l), `Math.max(0, ${l.t})`, `Math.round(${l.t})`, `Math.trunc(${l.t})`][zero];
        if (e.op === '&&' && avoid.andWithComputedRight) return { t: `${left} && ${this.simple(e.r, s)}`, atom: false };
        const r = wrap(this.expr(e.r, s));
        // `n && w / n` (n an integer, as `mag && 1 / mag` is written): the division runs only where n is not 0.
        return { t: `${left} ${e.op} ${e.op === '&&' && zero >= 2 ? `${r} / ${left}` : r}`, atom: false };
      }
    }
  }

  /** A name or a literal from `e` (its first leaf). */
  private simple(e: Expr, s: Scope): string {
    if (e.k === 'lit' || e.k === 'var') return wrap(this.expr(e, s));
    const leaf = [e.k === 'unary' || e.k === 'pow' ? e.e : e.k === 'math' || e.k === 'call' ? e.args[0] : e.k === 'ternary' ? e.a : e.l][0];
    return this.simple(leaf, s);
  }

  cond(c: Cond, s: Scope): string {
    const logical = (x: Cond) => (x.k === 'and' || x.k === 'or' ? `(${this.cond(x, s)})` : this.cond(x, s));
    switch (c.k) {
      case 'cmp': {
        const l = this.expr(c.l, s);
        const r = this.expr(c.r, s);
        // `a < (b > c ? …)` parses as a call with type arguments `a<(b)>(c …)`: mirror it.
        if (c.op === '<' && !r.atom) return `${wrap(r)} > ${wrap(l)}`;
        return `${wrap(l)} ${c.op} ${wrap(r)}`;
      }
      case 'and':
        return `${logical(c.l)} && ${logical(c.r)}`;
      case 'or':
        return `${logical(c.l)} || ${logical(c.r)}`;
      case 'not':
        return `!(${this.cond(c.c, s)})`;
    }
  }

  /**
   * A block; `nested` false for a function's top-level body (the parameters' scope). A loop's
   * `counter`, if given, is incremented first thing in the block.
   */
  block(stmts: readonly Stmt[], outer: Scope, inLoop: boolean, indent: string, nested = true, counter?: string): Scope {
    const s = copy(outer);
    if (nested) this.frames.push({ declared: new Set(), used: new Set() });
    if (counter) this.lines.push(`${indent}${this.use(counter)}++;`);
    for (const st of stmts) this.stmt(st, s, inLoop, indent);
    if (nested) this.frames.pop();
    return s;
  }

  /** A name of an enclosing block that this block may legally redeclare (not declared nor yet used here). */
  private shadowable(s: Scope): string | undefined {
    if (this.frames.length < 2) return undefined;
    const here = this.frames[this.frames.length - 1];
    // (an object's number `p.x` is no name to declare)
    return [...s.vars].reverse().find((v) => !v.includes('.') && !here.declared.has(v) && !here.used.has(v));
  }

  /** Runs once the statement being printed is (see 'assign'). */
  private afterStatement: (() => void) | undefined;

  private stmt(st: Stmt, s: Scope, inLoop: boolean, ind: string): void {
    this.printStatement(st, s, inLoop, ind);
    const after = this.afterStatement;
    this.afterStatement = undefined;
    after?.();
  }

  private printStatement(st: Stmt, s: Scope, inLoop: boolean, ind: string): void {
    const out = (line: string): void => {
      this.lines.push(ind + line);
    };
    switch (st.k) {
      case 'oLiteral':
      case 'oSpread':
      case 'oDestructure':
      case 'oAlias':
      case 'oReplace':
      case 'oWrite':
      case 'oMake':
      case 'oNum':
      case 'oData':
      case 'oLoop':
        return objectStatement(this, st, s, inLoop, ind);
      case 'decl': {
        const init = this.expr(st.e, s).t;
        const shadowed = st.shadow ? this.shadowable(s) : undefined;
        const name = shadowed ?? this.fresh('v');
        this.holds(name, s, st.e);
        if (shadowed) this.frames[this.frames.length - 1].declared.add(shadowed);
        // Every third `let` is a `var`, and the next an untyped `let v;` assigned on the next line (as ported
        // JavaScript writes them), chosen by count so that the programs a seed makes keep their shape.
        const style = st.konst || shadowed ? 0 : this.lets++ % 3;
        if (style === 1) out(`var ${name} = ${init};`);
        else if (style === 2) (out(`let ${name};`), out(`${name} = ${init};`));
        else out(`${st.konst ? 'const' : 'let'} ${name} = ${init};`);
        s.vars.push(name);
        const at = s.lets.indexOf(name);
        if (at >= 0) s.lets.splice(at, 1);
        if (!st.konst) s.lets.push(name);
        return;
      }
      case 'assign': {
        if (s.lets.length === 0) return this.stmt({ k: 'decl', konst: false, e: st.e, shadow: false }, s, inLoop, ind);
        let target = s.lets[st.t % s.lets.length];
        if ((st.op === '||=' || st.op === '&&=') && avoid.constantOperands && this.folded.has(target)) {
          // Its left operand is the target: one that may be folded is replaced (see `avoid`).
          const other = s.lets.find((v) => !this.folded.has(v));
          if (other === undefined) return this.stmt({ ...st, op: '=' }, s, inLoop, ind);
          target = other;
        }
        this.use(target);
        // After the value is printed (with what it reads as it was): then the target may hold a constant.
        if (st.op === '=') this.afterStatement = () => this.holds(target, s, st.e);
        // `t ||= e`, `t &&= e` replace t (or keep it): nothing grows, inside loops too.
        if (st.op === '&&=' && avoid.andWithComputedRight) return out(`${target} &&= ${this.simple(st.e, s)};`);
        const e = this.expr(st.e, s);
        if (st.op === '/=') return out(`${target} /= 1 + ${wrap(e)} ** 2;`);
        if (st.op === '||=' || st.op === '&&=') return out(`${target} ${st.op} ${e.t};`);
        if (!inLoop) return out(st.op === '**=' ? `${target} **= 2;` : `${target} ${st.op} ${e.t};`);
        // Loop-carried values stay bounded (no overflow that IEEE arithmetic would turn into
        // Infinity · 0 in derivative code): updates inside loops go through bounded functions.
        if (st.op === '**=') return (out(`${target} = Math.tanh(${e.t});`), out(`${target} **= 2;`));
        if (st.op === '*=') return out(`${target} *= Math.cos(${e.t});`);
        return out(`${target} ${st.op} Math.sin(${e.t});`);
      }
      case 'step': {
        if (s.lets.length === 0) return;
        const target = this.use(s.lets[st.t % s.lets.length]);
        return out(st.prefix ? `${st.op}${target};` : `${target}${st.op};`);
      }
      case 'if': {
        // Every third `if` of `f` also tests string data decided by the input (see `mode`).
        const c = this.cond(st.c, s);
        out(`if (${this.mode !== undefined && this.ifs++ % 3 === 1 ? `(${c}) !== (${this.mode} === "down")` : c}) {`);
        this.block(st.then, s, inLoop, ind + '  ');
        let rest = st.else;
        // An else-block holding just an `if` prints as `else if`.
        while (rest && rest.length === 1 && rest[0].k === 'if') {
          out(`} else if (${this.cond(rest[0].c, s)}) {`);
          this.block(rest[0].then, s, inLoop, ind + '  ');
          rest = rest[0].else;
        }
        if (rest) {
          out('} else {');
          this.block(rest, s, inLoop, ind + '  ');
        }
        return out('}');
      }
      case 'loop':
        return this.loop(st, s, ind);
      case 'jump':
        // (in an arm of a switch, `break` would leave the switch, skipping the arm's assignment: the loop goes on instead)
        if (inLoop) out(`if (${this.cond(st.c, s)}) ${st.what === 'break' && this.inSwitchArm ? 'continue' : st.what};`);
        return;
      case 'return':
        return out(`if (${this.cond(st.c, s)}) ${this.returnText(this.expr(st.e, s).t)}`);
      case 'guard': {
        // Of a parameter (never folded: the pole's divisor is compared with 0, see `avoid.constantOperands`).
        const u = this.use(this.params[st.param % this.params.length]);
        const { lines, name } = guardLines(st.form, st.sharp, u, wrap(this.expr(st.w, s)), st.style, (prefix) => this.fresh(prefix));
        lines.forEach(out);
        s.vars.push(name);
        if (st.into !== null && s.lets.length > 0) out(`${this.use(s.lets[st.into % s.lets.length])} += ${name};`);
        return;
      }
      case 'switch':
        return this.switchStatement(st, s, inLoop, ind);
      case 'choose': {
        const h = this.fresh('h');
        const c = this.cond(st.c, s);
        if (st.bang) {
          // `let h!: number;` and two ifs whose conditions TypeScript cannot tell complementary; the arms
          // only assign h, so the second condition reads what the first did.
          out(`let ${h}!: number;`);
          out(`if (${c}) ${h} = ${this.expr(st.a, s).t};`);
          out(`if (!(${c})) ${h} = ${this.expr(st.b, s).t};`);
        } else {
          out(`let ${h}: number;`);
          for (const [arm, body, value] of [
            ['if', st.then, st.a],
            ['else', st.else, st.b],
          ] as const) {
            out(arm === 'if' ? `if (${c}) {` : '} else {');
            const inner = copy(s);
            this.block(body, inner, inLoop, ind + '  ');
            this.lines.push(`${ind}  ${h} = ${this.expr(value, inner).t};`);
          }
          out('}');
        }
        s.vars.push(h);
        s.lets.push(h);
        return;
      }
    }
  }

  /**
   * `let h …; switch (d) { case l: …; h = e; break; … }`: labels are the arguments of `Math.max` /
   * `Math.min` (one always matches), or integers for `Math.round(a)` or a loop counter (with a
   * variable one among them); an arm without body shares the next one's; every other arm ends with
   * `break` or `return` (no fall-through out of an arm: noFallthroughCasesInSwitch).
   */
  /** Inside an arm of a switch (and no loop nested in it): `break` would leave the switch. */
  private inSwitchArm = false;

  private inLoopBody(write: () => void): void {
    const outer = this.inSwitchArm;
    this.inSwitchArm = false;
    write();
    this.inSwitchArm = outer;
  }

  private switchStatement(st: Extract<Stmt, { k: 'switch' }>, s: Scope, inLoop: boolean, ind: string): void {
    const out = (line: string): void => {
      this.lines.push(ind + line);
    };
    // A discriminant the compiler folds to a constant is avoided (see `avoid`): its first argument varies.
    const discriminantArgs = st.form === 'int' ? st.args.slice(0, 1) : st.args;
    const folds = discriminantArgs.every((a) => this.constant(a, s));
    const first = folds ? this.varying(st.args[0], s) : st.args[0];
    if (first === undefined) return;
    const args = st.args.map((a, i) => this.expr(i === 0 ? first : a, s));
    let discriminant: string;
    let labels: string[];
    if (st.form === 'int') {
      const counter = s.counters.length > 0 && st.args.length === 3 ? this.use(s.counters[s.counters.length - 1]) : undefined;
      discriminant = counter ?? `Math.round(${args[0].t})`;
      labels = ['0', '1', '-1', '2', `Math.round(${args[1].t})`];
    } else {
      discriminant = `Math.${st.form}(${args.map((a) => a.t).join(', ')})`;
      labels = args.map(wrap);
    }
    // Every path assigns h only with a default (TypeScript cannot know that one of max's arguments
    // matches); `h!` where the values always do; an initial value where nothing may match.
    const matchesAlways = st.defaultAt !== null || st.form !== 'int';
    const decl = !matchesAlways ? 'init' : st.decl === 'let' && st.defaultAt === null ? 'bang' : st.decl;
    const h = this.fresh('h');
    out(decl === 'init' ? `let ${h} = ${args[0].t};` : `let ${h}${decl === 'bang' ? '!' : ''}: number;`);
    out(`switch (${discriminant}) {`);
    // Distinct labels, one per clause, from a rotation of the form's labels.
    const rotation = st.clauses[0].label;
    const clauses: { label: string; clause: (typeof st.clauses)[number] }[] = st.clauses
      .slice(0, labels.length)
      .map((c, i) => ({ label: `case ${labels[(rotation + i) % labels.length]}:`, clause: c }));
    if (st.defaultAt !== null) {
      const at = st.defaultAt % (clauses.length + 1);
      clauses.splice(at, 0, { label: 'default:', clause: st.clauses[at % st.clauses.length] });
    }
    // The last arm assigns: code after the switch stays reachable.
    const last = clauses.length - 1;
    clauses.forEach(({ label, clause }, i) => {
      out(`  ${label}`);
      // An arm without body falls through into the next one (the last one has nothing to share).
      if (clause.body === null && i < last) return;
      const inner = copy(s);
      const braces = (clause.body ?? []).some((b) => b.k !== 'assign' && b.k !== 'step' && b.k !== 'jump' && b.k !== 'return');
      if (braces) this.lines[this.lines.length - 1] += ' {';
      const outer = this.inSwitchArm;
      this.inSwitchArm = true;
      this.block(clause.body ?? [], inner, inLoop, ind + '    ');
      this.inSwitchArm = outer;
      const value = this.expr(clause.value, inner).t;
      if (clause.returns && i < last) this.lines.push(`${ind}    ${this.returnText(value)}`);
      else this.lines.push(`${ind}    ${h} = ${value};`, `${ind}    break;`);
      if (braces) out('  }');
    });
    out('}');
    s.vars.push(h);
    s.lets.push(h);
  }

  private loop(st: Extract<Stmt, { k: 'loop' }>, s: Scope, ind: string): void {
    const out = (line: string): void => {
      this.lines.push(ind + line);
    };
    const counter = this.fresh(st.form === 'for' || st.form === 'down' ? 'i' : 'k');
    const inner: Scope = { vars: [...s.vars, counter], lets: [...s.lets], counters: st.start ? [...s.counters] : [...s.counters, counter], objs: [...s.objs] };
    const extra = st.c ? ` && ${st.c.k === 'or' ? `(${this.cond(st.c, inner)})` : this.cond(st.c, inner)}` : '';
    const test = `${counter} ${st.form === 'down' ? '> 0' : `< ${st.n}`}${extra}`;
    if (st.form === 'for' || st.form === 'down') {
      // A start of Math.sin(…) makes the index active (it feeds derivatives) and keeps the trip count ≤ n + 1.
      const start = st.form === 'down' ? String(st.n) : st.start ? `Math.sin(${this.expr(st.start, s).t})` : '0';
      out(`for (let ${counter} = ${start}; ${test}; ${counter}${st.form === 'down' ? '--' : '++'}) {`);
      this.inLoopBody(() => this.block(st.body, inner, true, ind + '  '));
      return out('}');
    }
    out(`let ${counter} = 0;`);
    out(st.form === 'while' ? `while (${test}) {` : 'do {');
    this.inLoopBody(() => this.block(st.body, inner, true, ind + '  ', true, counter));
    out(st.form === 'while' ? '}' : `} while (${test});`);
  }
}

/**
 * `peers`: the recursive helpers this one may call with depth n - 1 (itself first); `globals`:
 * module constants; `reserved`: names of the module (helpers, constants).
 */
function helperText(
  h: Helper,
  name: string,
  callees: readonly Callee[],
  peers: readonly string[],
  globals: readonly string[],
  reserved: readonly string[],
  colliding: boolean,
): { text: string; called: Set<string> } {
  const params = (colliding ? ['a', 'da', 'a_bar', 'b', 'db', 'b_bar'] : ['a0', 'a1', 'a2', 'a3', 'a4', 'a5']).slice(0, h.rec ? 1 : Math.min(6, h.arity));
  const fn = new FunctionText(callees, new Set([...params, ...reserved, 'r', 'n']), colliding, params, globals);
  const scope: Scope = { vars: [...params, ...globals], lets: [...params], counters: [], objs: [] };
  fn.block(h.body, scope, false, '  ', false);
  const scopeAfter = copy(scope);
  if (h.rec) {
    fn.lines.push(`  if (!(n >= 1)) return ${fn.expr(h.rec.base, scopeAfter).t};`);
    fn.lines.push(`  const r = ${peers[h.rec.peer % peers.length]}(${fn.expr(h.rec.arg, scopeAfter).t}, n - 1);`);
    scopeAfter.vars.push('r');
  }
  fn.lines.push(`  return ${fn.expr(h.ret, scopeAfter).t};`);
  const signature = `${params.map((p) => `${p}: number`).join(', ')}${h.rec ? ', n: number' : ''}`;
  const tag = h.marked ? '/** @differentiable */\n' : '';
  return { text: `${tag}${h.inLib ? 'export ' : ''}function ${name}(${signature}): number {\n${fn.lines.join('\n')}\n}\n`, called: fn.called };
}

/**
 * Object helper `name(a, c)` (object-programs.ts `ObjectHelper`): `a` holds numbers x and y, which its
 * body reads and may assign; `writers` are the earlier writers it may call.
 */
function objectHelperText(
  h: ObjectHelper,
  name: string,
  callees: readonly Callee[],
  writers: readonly string[],
  globals: readonly string[],
  reserved: readonly string[],
  colliding: boolean,
): string {
  // Colliding: the number is named as generated code names the object's number `a.x`.
  const [a, c] = colliding ? ['a', 'a_x'] : ['a', 'c'];
  const fn = new FunctionText(callees, new Set([a, c, ...reserved, 'r']), colliding, [c], globals, true);
  fn.returns = h.form === 'vec' ? { k: 'object', a } : { k: h.form === 'num' ? 'number' : 'void' };
  const scope: Scope = { vars: [c, ...globals], lets: [c], counters: [], objs: [] };
  addObject(scope, { name: a, shape: VEC2, replaceable: false });
  objectHelperBody(fn, h, a, c, scope, writers, () => fn.block(h.body, scope, false, '  ', false));
  const type = h.named ? 'Vec2' : typeText(VEC2);
  return `function ${name}(${a}: ${type}, ${c}: number): ${h.form === 'vec' ? type : h.form === 'num' ? 'number' : 'void'} {\n${fn.lines.join('\n')}\n}\n`;
}

/** Statements `steps` put into `body`, each before the statement at its `at` (modulo the body's length + 1), in order. */
function withSteps(body: readonly Stmt[], steps: readonly { readonly at: number; readonly st: Stmt }[]): Stmt[] {
  const before = body.map((): Stmt[] => []);
  const after: Stmt[] = [];
  for (const { at, st } of steps) (before[at % (body.length + 1)] ?? after).push(st);
  return [...body.flatMap((st, i) => [...before[i], st]), ...after];
}

export function printProgram(p: Program): ProgramText {
  const constants = p.constants.map((_, i) => (p.colliding ? ['tape', 'ret'][i] : `C${i}`));
  const params = Array.from({ length: p.params }, (_, i) => (p.colliding ? collidingParams[p.seed % 2][i] : `x${i}`));
  // Helper names taken from the names generated code uses for its locals, where no parameter or constant has them.
  const named = helperNameChoices.filter((n) => !constants.includes(n) && !params.includes(n));
  const helperName = (i: number) => (p.helperNames ? named[(p.seed + i) % named.length] : `h${i}`);
  const callees: Callee[] = p.helpers.map((h, i) => ({ name: helperName(i), arity: h.rec ? 1 : Math.min(6, h.arity), recursive: h.rec !== null }));
  const main: string[] = [];
  const lib: string[] = [];
  // Objects: parameters (typed inline or with interfaces), helpers named by what they return.
  const objects = p.objects;
  const objectParams = (objects?.params ?? []).map((o, i) => ({ name: (p.colliding ? ['p', 'dp'] : ['p', 'q'])[i], o, shape: paramShape(o) }));
  const interfaces = new Map<ObjectShape, string>([[VEC2, 'Vec2']]);
  for (const { o, shape } of objectParams) {
    if (!o.named) continue;
    const base = o.form === 'flat' ? 'State' : 'Body';
    interfaces.set(shape, [...interfaces.values()].includes(base) ? `${base}2` : base);
  }
  const objectCallees: ObjectCallee[] = (objects?.helpers ?? []).map((h, i) => ({ name: `o${{ vec: 'v', num: 'n', writer: 'w' }[h.form]}${i}`, form: h.form }));
  const reserved = [
    ...callees.map((c) => c.name),
    ...constants,
    'f',
    'Math',
    ...objectParams.map((o) => o.name),
    ...objectCallees.map((c) => c.name),
    ...(objects ? [...interfaces.values()] : []),
  ];
  // Termination: a recursive helper calls recursive helpers only with depth n - 1, and otherwise
  // only helpers that cannot reach a recursive one (which could restart the depth).
  const reachesRecursion = new Set<string>();
  p.helpers.forEach((h, i) => {
    // A lib helper may only call lib helpers (no import cycle); the others any earlier one.
    const reachable = (j: number) => (!h.inLib || p.helpers[j].inLib) && !(h.rec && reachesRecursion.has(callees[j].name));
    const visible = callees.slice(0, i).filter((_, j) => reachable(j));
    const peers = [callees[i].name, ...callees.filter((c, j) => c.recursive && j !== i && (!h.inLib || p.helpers[j].inLib)).map((c) => c.name)];
    const { text, called } = helperText(h, callees[i].name, visible, peers, h.inLib ? [] : constants, reserved, p.colliding);
    if (h.rec || [...called].some((c) => reachesRecursion.has(c))) reachesRecursion.add(callees[i].name);
    (h.inLib ? lib : main).push(text);
  });
  objects?.helpers.forEach((h, i) => {
    const writers = objectCallees.slice(0, i).filter((c) => c.form === 'writer');
    main.push(
      objectHelperText(
        h,
        objectCallees[i].name,
        callees,
        writers.map((c) => c.name),
        constants,
        reserved,
        p.colliding,
      ),
    );
  });
  const libNames = callees.filter((_, i) => p.helpers[i].inLib).map((c) => c.name);
  const files: Record<string, string> = {};
  const imports = libNames.length > 0 ? `import { ${libNames.join(', ')} } from './${p.reexport ? 'reexport' : 'lib'}';\n\n` : '';

  const all = (1 << p.params) - 1;
  const mask = p.wrtMask & all;
  // The signature: the numbers, each object parameter put at its place; objects are always differentiated.
  const signature: { name: string; type: string; shape?: ObjectShape; wrt: boolean }[] = params.map((x, i) => ({
    name: x,
    type: 'number',
    wrt: mask === 0 || mask === all || ((mask >> i) & 1) === 1,
  }));
  for (const { name, o, shape } of objectParams)
    signature.splice(o.at % (signature.length + 1), 0, { name, type: typeText(shape, o.named ? interfaces : undefined), shape, wrt: true });
  const wrt = signature.flatMap((q, i) => (q.wrt ? [i] : []));
  const fn = new FunctionText(callees, new Set([...params, ...reserved]), p.colliding, params, constants, objects !== null);
  fn.objectCallees = objectCallees;
  const scope: Scope = { vars: [...params, ...constants], lets: [...params], counters: [], objs: [] };
  for (const { name, shape } of objectParams) addObject(scope, { name, shape, replaceable: false });
  fn.mode = fn.fresh('mode');
  fn.lines.push(`  let ${fn.mode} = ${params[0]} > 0 ? "up" : "down";`);
  const after = fn.block(objects ? withSteps(p.body, objects.steps) : p.body, scope, false, '  ', false);
  // With objects, the result may read what the body declared (objects, destructured numbers).
  fn.lines.push(`  return ${fn.expr(p.ret, objects ? after : scope).t};`);
  const tag = wrt.length === signature.length ? '@differentiable' : `@differentiable wrt(${wrt.map((i) => signature[i].name).join(', ')})`;
  main.push(`/** ${tag} */\nexport function f(${signature.map((q) => `${q.name}: ${q.type}`).join(', ')}): number {\n${fn.lines.join('\n')}\n}\n`);

  const declarations = p.constants.length > 0 ? `${p.constants.map((v, i) => `const ${constants[i]} = ${v};`).join('\n')}\n\n` : '';
  const typeLines = objects ? interfaceLines(interfaces, main.join('\n')) : [];
  const types = typeLines.length > 0 ? `${typeLines.join('\n')}\n` : '';
  files['/src/main.ts'] = imports + declarations + types + main.join('\n');
  if (lib.length > 0) files['/src/lib.ts'] = lib.join('\n');
  if (lib.length > 0 && p.reexport) files['/src/reexport.ts'] = p.seed % 2 === 0 ? `export * from './lib';\n` : `export { ${libNames.join(', ')} } from './lib';\n`;
  return { files, wrt, params: signature.length, ...(objects ? { shapes: signature.map((q) => q.shape) } : {}) };
}

/** All files of a program as one listing, for failure messages. */
export function listing(text: ProgramText): string {
  return Object.entries(text.files)
    .map(([path, src]) => `// ${path}\n${src}`)
    .join('\n');
}
