/**
 * Prints a generated `Program` (programs.ts) as TypeScript sources: `/src/main.ts`
 * with the marked `f`, and, when some helpers live there, `/src/lib.ts` (and a
 * re-exporting `/src/reexport.ts`). Indices are resolved modulo what is in scope
 * (variables, assignable `let`s and parameters, callable helpers), so any
 * structure prints as valid strict TypeScript. Printing is deterministic.
 */
import { mathForms, type Code, type Cond, type Expr, type Helper, type Program, type Stmt } from './programs';

export interface ProgramText {
  /** In-memory sources, main first. */
  readonly files: Readonly<Record<string, string>>;
  /** Indices of the differentiated parameters of `f`. */
  readonly wrt: readonly number[];
  readonly params: number;
}

interface Scope {
  readonly vars: string[];
  /** Assignable: `let` variables and parameters (never loop indices or counters). */
  readonly lets: string[];
}

interface Callee {
  readonly name: string;
  readonly arity: number;
  readonly recursive: boolean;
}

const wrap = (c: Code) => (c.atom ? c.t : `(${c.t})`);
const copy = (s: Scope): Scope => ({ vars: [...s.vars], lets: [...s.lets] });

/** One function's printer: fresh names are numbered per function. */
class FunctionText {
  private n = 0;
  readonly lines: string[] = [];
  /** Helpers this function calls. */
  readonly called = new Set<string>();
  constructor(private readonly callees: readonly Callee[]) {}

  fresh(prefix: string): string {
    return `${prefix}${this.n++}`;
  }

  expr(e: Expr, s: Scope): Code {
    switch (e.k) {
      case 'lit':
        return { t: String(e.v), atom: e.v >= 0 };
      case 'var':
        return { t: s.vars[e.i % s.vars.length], atom: true };
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
        return { t: `${callee.name}(${e.args.slice(0, callee.arity).map((a) => this.expr(a, s).t).join(', ')})`, atom: true };
      }
    }
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

  block(stmts: readonly Stmt[], outer: Scope, inLoop: boolean, indent: string): void {
    const s = copy(outer);
    for (const st of stmts) this.stmt(st, s, inLoop, indent);
  }

  private stmt(st: Stmt, s: Scope, inLoop: boolean, ind: string): void {
    const out = (line: string): void => {
      this.lines.push(ind + line);
    };
    switch (st.k) {
      case 'decl': {
        const init = this.expr(st.e, s).t;
        const name = this.fresh('v');
        out(`${st.konst ? 'const' : 'let'} ${name} = ${init};`);
        s.vars.push(name);
        if (!st.konst) s.lets.push(name);
        return;
      }
      case 'assign': {
        if (s.lets.length === 0) return this.stmt({ k: 'decl', konst: false, e: st.e }, s, inLoop, ind);
        const target = s.lets[st.t % s.lets.length];
        const e = this.expr(st.e, s);
        if (st.op === '/=') return out(`${target} /= 1 + ${wrap(e)} ** 2;`);
        if (st.op === '**=') return out(`${target} **= 2;`);
        return out(`${target} ${st.op} ${e.t};`);
      }
      case 'step': {
        if (s.lets.length === 0) return;
        const target = s.lets[st.t % s.lets.length];
        return out(st.prefix ? `${st.op}${target};` : `${target}${st.op};`);
      }
      case 'if': {
        out(`if (${this.cond(st.c, s)}) {`);
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
        if (inLoop) out(`if (${this.cond(st.c, s)}) ${st.what};`);
        return;
      case 'return':
        return out(`if (${this.cond(st.c, s)}) return ${this.expr(st.e, s).t};`);
    }
  }

  private loop(st: Extract<Stmt, { k: 'loop' }>, s: Scope, ind: string): void {
    const out = (line: string): void => {
      this.lines.push(ind + line);
    };
    const counter = this.fresh(st.form === 'for' || st.form === 'down' ? 'i' : 'k');
    const inner: Scope = { vars: [...s.vars, counter], lets: [...s.lets] };
    const extra = st.c ? ` && ${st.c.k === 'or' ? `(${this.cond(st.c, inner)})` : this.cond(st.c, inner)}` : '';
    const test = `${counter} ${st.form === 'down' ? '> 0' : `< ${st.n}`}${extra}`;
    if (st.form === 'for' || st.form === 'down') {
      // A start of Math.sin(…) makes the index active (it feeds derivatives) and keeps the trip count ≤ n + 1.
      const start = st.form === 'down' ? String(st.n) : st.start ? `Math.sin(${this.expr(st.start, s).t})` : '0';
      out(`for (let ${counter} = ${start}; ${test}; ${counter}${st.form === 'down' ? '--' : '++'}) {`);
      this.block(st.body, inner, true, ind + '  ');
      return out('}');
    }
    out(`let ${counter} = 0;`);
    out(st.form === 'while' ? `while (${test}) {` : 'do {');
    this.lines.push(`${ind}  ${counter}++;`);
    this.block(st.body, inner, true, ind + '  ');
    out(st.form === 'while' ? '}' : `} while (${test});`);
  }
}

/** `peers`: the recursive helpers this one may call with depth n - 1 (itself first); `globals`: module constants. */
function helperText(h: Helper, name: string, callees: readonly Callee[], peers: readonly string[], globals: readonly string[]): { text: string; called: Set<string> } {
  const fn = new FunctionText(callees);
  const params = h.rec ? ['a0'] : Array.from({ length: h.arity }, (_, i) => `a${i}`);
  const scope: Scope = { vars: [...params, ...globals], lets: [...params] };
  fn.block(h.body, scope, false, '  ');
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

export function printProgram(p: Program): ProgramText {
  const callees: Callee[] = p.helpers.map((h, i) => ({ name: `h${i}`, arity: h.rec ? 1 : h.arity, recursive: h.rec !== null }));
  const main: string[] = [];
  const lib: string[] = [];
  const constants = p.constants.map((_, i) => `C${i}`);
  // Termination: a recursive helper calls recursive helpers only with depth n - 1, and otherwise
  // only helpers that cannot reach a recursive one (which could restart the depth).
  const reachesRecursion = new Set<string>();
  p.helpers.forEach((h, i) => {
    // A lib helper may only call lib helpers (no import cycle); the others any earlier one.
    const reachable = (j: number) => (!h.inLib || p.helpers[j].inLib) && !(h.rec && reachesRecursion.has(callees[j].name));
    const visible = callees.slice(0, i).filter((_, j) => reachable(j));
    const peers = [callees[i].name, ...callees.filter((c, j) => c.recursive && j !== i && (!h.inLib || p.helpers[j].inLib)).map((c) => c.name)];
    const { text, called } = helperText(h, callees[i].name, visible, peers, h.inLib ? [] : constants);
    if (h.rec || [...called].some((c) => reachesRecursion.has(c))) reachesRecursion.add(callees[i].name);
    (h.inLib ? lib : main).push(text);
  });
  const libNames = callees.filter((_, i) => p.helpers[i].inLib).map((c) => c.name);
  const files: Record<string, string> = {};
  const imports = libNames.length > 0 ? `import { ${libNames.join(', ')} } from './${p.reexport ? 'reexport' : 'lib'}';\n\n` : '';

  const all = (1 << p.params) - 1;
  const mask = p.wrtMask & all;
  const wrt = Array.from({ length: p.params }, (_, i) => i).filter((i) => mask === 0 || mask === all || (mask >> i) & 1);
  const params = Array.from({ length: p.params }, (_, i) => `x${i}`);
  const fn = new FunctionText(callees);
  const scope: Scope = { vars: [...params, ...constants], lets: [...params] };
  fn.block(p.body, scope, false, '  ');
  fn.lines.push(`  return ${fn.expr(p.ret, scope).t};`);
  const tag = wrt.length === p.params ? '@differentiable' : `@differentiable wrt(${wrt.map((i) => params[i]).join(', ')})`;
  main.push(`/** ${tag} */\nexport function f(${params.map((x) => `${x}: number`).join(', ')}): number {\n${fn.lines.join('\n')}\n}\n`);

  const declarations = p.constants.length > 0 ? `${p.constants.map((v, i) => `const C${i} = ${v};`).join('\n')}\n\n` : '';
  files['/src/main.ts'] = imports + declarations + main.join('\n');
  if (lib.length > 0) files['/src/lib.ts'] = lib.join('\n');
  if (lib.length > 0 && p.reexport) files['/src/reexport.ts'] = p.seed % 2 === 0 ? `export * from './lib';\n` : `export { ${libNames.join(', ')} } from './lib';\n`;
  return { files, wrt, params: p.params };
}

/** All files of a program as one listing, for failure messages. */
export function listing(text: ProgramText): string {
  return Object.entries(text.files)
    .map(([path, src]) => `// ${path}\n${src}`)
    .join('\n');
}
