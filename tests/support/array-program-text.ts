/**
 * Prints an `ArrayProgram` (array-programs.ts) as the TypeScript source of a
 * marked `f` in `/src/main.ts`, with what the checks need to call it: the
 * parameters' types and lengths, the differentiated ones, the result type.
 *
 * The printer knows every array's length (the parameters' are fixed by the
 * program, a local array's follows from how it is made) and every loop
 * index's range, so it resolves each index choice among the index forms
 * (`i`, `i - 1`, `i + 1`, `X.length - 1 - i`, `i % X.length`, `i * D + j`,
 * `0`, `X.length - 1`, …) whose values stay inside the array; a choice with no
 * such form is printed as another expression or skipped. Arrays a `subarray`
 * view was taken from are never written afterwards (a view would see the
 * write), views themselves are never written, `readonly number[]` parameters
 * never. Helpers are printed before `f`, each with a concrete length for its
 * array parameter `z` (that of one of f's array parameters), so the same index
 * reasoning applies in their bodies; a call passes only an array of that exact
 * length whose kind the parameter accepts under strict (`number[]` also to a
 * `readonly number[]` parameter), and is left out (or printed as its number
 * argument) when no such array is in scope. Rows of the data matrix (`row`,
 * `M[i]`) are arguments like any array of D elements; data is indexed with the
 * same index forms (rows against n, columns against D). Inside a local
 * function, captured arrays are read only and captured `let`s assignable.
 * Writer helpers are printed after the others, each with concrete kinds and
 * a length for `dst` and `src`; a call passes a writable array of that kind and
 * length (never a view, a read-only parameter or an array a view was taken
 * from) and, for `src`, any array it accepts. A local object's array `st.v`
 * and number `st.t` are an array and a number in scope like any other.
 * Printing is deterministic.
 */
import { avoid, mathForms, type ArrayKind, type ArrayProgram, type Expr, type Helper, type LocalFn, type Ret, type StateHelper, type Stmt, type Writer } from './array-programs';
import { guardLines } from './guards';

/** 'data': read-only data, never differentiated (its shape in `ArrayProgramText.data`). */
export type ParamType = 'number' | ArrayKind | 'data';

/** The shape of a data argument, for the checks to make one. */
export type DataShape = { readonly k: 'matrix'; readonly rows: number; readonly cols: number } | { readonly k: 'points'; readonly length: number } | { readonly k: 'opts' };
export type ResultType = 'number' | 'number[]' | 'Float64Array' | 'number[] | Float64Array';

export interface ArrayProgramText {
  /** In-memory sources: `/src/main.ts`. */
  readonly files: Readonly<Record<string, string>>;
  /** Indices of the differentiated parameters of `f`. */
  readonly wrt: readonly number[];
  readonly params: number;
  readonly paramNames: readonly string[];
  readonly paramTypes: readonly ParamType[];
  /** Length of each array parameter (0 for a number or data). */
  readonly lengths: readonly number[];
  /** The shape of each data parameter (undefined for the others; all undefined when absent). */
  readonly data?: readonly (DataShape | undefined)[];
  readonly result: ResultType;
}

interface ArrVar {
  readonly name: string;
  readonly kind: ArrayKind;
  readonly len: number;
  /** A local `subarray` view or a `readonly number[]` parameter. */
  readonly readOnly: boolean;
  readonly param: boolean;
}

/** A loop index with its values lo … hi − 1. */
interface LoopVar {
  readonly name: string;
  readonly lo: number;
  readonly hi: number;
  /** Counts 0 … D − 1: a column index. */
  readonly cols: boolean;
}

/** Read-only data in scope: a parameter (matrix, points, opts) or a part bound to a const or a `for … of` variable. */
interface DataVar {
  readonly name: string;
  readonly kind: 'matrix' | 'row' | 'points' | 'point' | 'opts';
  /** Rows of a matrix, elements of a row, points of `pts` (0 otherwise). */
  readonly len: number;
  /** A matrix whose rows are, or a row that is, `readonly number[]`. */
  readonly ro: boolean;
}

/** A local function in scope: 'num' returns a number (and may update a captured let), 'bump' returns nothing. */
interface FnVar {
  readonly name: string;
  readonly kind: 'num' | 'bump' | 'reducer';
  /** Its body assigns its parameter (a callback may, as any function may). */
  readonly assignsParam?: boolean;
  /** It updates a captured `let` and returns a number: called in expressions too, where it may overwrite what the expression read. */
  readonly updates?: boolean;
  /**
   * It takes an array of this kind and length instead of a number (called directly only); with `methods`
   * (its body calls `z.map`, `z.reduce`), a data row only for a `readonly number[]` parameter (bound as a
   * read-only numeric array; a mutable one would alias the data).
   */
  readonly array?: { readonly kind: ArrayKind; readonly len: number; readonly methods: boolean };
}

interface Scope {
  readonly nums: string[];
  /** Assignable numbers: `let` locals and scalar parameters. */
  readonly lets: string[];
  /** The `let` locals (not parameters) a local function may update. */
  readonly declared: string[];
  readonly arrays: ArrVar[];
  /** Innermost last. */
  readonly loops: LoopVar[];
  readonly data: DataVar[];
  readonly fns: FnVar[];
}

/** A helper `f` may call: its array parameter's kind and length, what it returns. */
interface Callee {
  readonly name: string;
  readonly param: ArrayKind;
  readonly len: number;
  /** 'number', or the kind of the fresh array it returns (of `resultLen` elements). */
  readonly result: ResultType;
  readonly resultLen: number;
}

/** A writer helper (array-programs.ts `Writer`) as a call site sees it: the kinds of `dst` and `src`, their length. */
interface WriterCallee {
  readonly name: string;
  readonly dst: ArrayKind;
  readonly src: ArrayKind;
  readonly len: number;
}

/** A state helper (array-programs.ts `StateHelper`) as a call site sees it: the kind and length of `st.v`. */
interface StateCallee {
  readonly name: string;
  readonly kind: 'number[]' | 'Float64Array';
  readonly len: number;
}

/** Whether an array of kind `arg` may be passed to a parameter of kind `param` under strict. */
const accepts = (param: ArrayKind, arg: ArrayKind) =>
  param === arg ||
  param === 'ArrayLike<number>' ||
  (param === 'readonly number[]' && arg === 'number[]') ||
  (param === 'number[] | Float64Array' && (arg === 'number[]' || arg === 'Float64Array'));

/** `ArrayLike<number>` has no methods and is not iterable: only indexed reads and `.length`. */
const isArrayLike = (a: ArrVar) => a.kind === 'ArrayLike<number>';
/** Arrays TypeScript lets call `reduce` (not on a union: its overloads do not combine). */
const reducible = (s: Scope) => s.arrays.filter((a) => a.kind === 'Float64Array' || a.kind === 'number[]' || a.kind === 'readonly number[]');
/** The type of a copy (`slice`, `map`) of an array of kind `k`, as a result or local. */
const copyKind = (k: ArrayKind): 'number[]' | 'Float64Array' | 'number[] | Float64Array' => (k === 'Float64Array' || k === 'number[] | Float64Array' ? k : 'number[]');

interface Code {
  readonly t: string;
  readonly atom: boolean;
}

const wrap = (c: Code) => (c.atom ? c.t : `(${c.t})`);
const copy = (s: Scope): Scope => ({
  nums: [...s.nums],
  lets: [...s.lets],
  declared: [...s.declared],
  arrays: [...s.arrays],
  loops: [...s.loops],
  data: [...s.data],
  fns: [...s.fns],
});
/** The scope inside a local function declared in `s` with parameter `t`: captured arrays are read only, captured lets may be updated. */
const capturing = (s: Scope, t: string): Scope => ({
  nums: [...s.nums, t],
  lets: [t, ...s.declared],
  declared: [...s.declared],
  arrays: s.arrays.map((a) => ({ ...a, readOnly: true })),
  loops: [...s.loops],
  data: [...s.data],
  fns: [...s.fns],
});
/** An array-like of `len` elements named by `text` (a data row `M[i]`), for index forms. */
const rowLike = (text: string, len: number, ro = true): ArrVar => ({ name: text, kind: ro ? 'readonly number[]' : 'number[]', len, readOnly: true, param: true });
const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length];
const loopNames = ['i', 'j', 'k', 'l', 'm', 'h', 'g'];
/** Helper names when a program names them like generated locals (not `k` nor `t1`, which loops and local functions use here). */
const helperNameChoices = ['value', 'tape', 'out', 'cotangent', 'trips', 'x_bar', 'saved', 'sel', 'result', 'ret'];

class FunctionPrinter {
  readonly lines: string[] = [];
  private counter = 0;
  /** Arrays a subarray view was taken from: never written again. */
  private readonly frozen = new Set<string>();

  constructor(
    private readonly d: number,
    private readonly callees: readonly Callee[] = [],
    private readonly writers: readonly WriterCallee[] = [],
    private readonly states: readonly StateCallee[] = [],
    /**
     * Every value stored or added goes through a bounded function (`+= Math.sin(e)`, `= Math.tanh(e)`):
     * in writer and state helpers, which run many times over the same arrays (repeated, nested, aliased).
     */
    private readonly bounded = false,
  ) {}

  /** `value` as stored by `op` (see `bounded`). */
  private bound(op: string, value: Code): string {
    if (op === '*=') return `Math.cos(${value.t})`;
    if (!this.bounded) return value.t;
    return op === '=' ? `Math.tanh(${value.t})` : `Math.sin(${value.t})`;
  }

  /** The helper a call chooses and the arrays in scope it accepts (none: the call is not printed). */
  private callee(h: number, s: Scope, numberOnly = false): { c: Callee; args: ArrVar[] } | undefined {
    const callees = numberOnly ? this.callees.filter((c) => c.result === 'number') : this.callees;
    if (callees.length === 0) return undefined;
    const c = pick(callees, h);
    const args = [...s.arrays, ...this.rows(s)].filter((a) => a.len === c.len && accepts(c.param, a.kind));
    return args.length === 0 ? undefined : { c, args };
  }

  /** Rows of data in scope, as arguments of helpers: `row` variables, then `M[index]`. */
  private rows(s: Scope): ArrVar[] {
    const out: ArrVar[] = [];
    for (const d of s.data) if (d.kind === 'row') out.push(rowLike(d.name, d.len, d.ro));
    for (const d of s.data) {
      if (d.kind !== 'matrix') continue;
      for (const r of this.indexForms(rowLike(d.name, d.len), s).slice(0, 3)) out.push(rowLike(`${d.name}[${r}]`, this.d, d.ro));
    }
    return out;
  }

  /** The reads of data in scope, each given two index choices. */
  private dataReads(s: Scope, comparable = false): ((at: number, at2: number) => Code)[] {
    const out: ((at: number, at2: number) => Code)[] = [];
    const element = (row: string, len: number, at: number): Code | undefined => {
      const cols = this.indexForms(rowLike(row, len), s);
      return cols.length === 0 ? undefined : { t: `${row}[${pick(cols, at)}]`, atom: true };
    };
    for (const d of s.data) {
      const forms = d.len > 0 ? this.indexForms(rowLike(d.name, d.len), s) : [];
      switch (d.kind) {
        case 'matrix':
          if (forms.length > 0) {
            out.push((at, at2) => element(`${d.name}[${pick(forms, at)}]`, this.d, at2) ?? { t: '0.5', atom: true });
            if (!comparable) out.push((at) => ({ t: `0.1 * ${d.name}[${pick(forms, at)}].length`, atom: false }));
          }
          if (!comparable) out.push(() => ({ t: `0.1 * ${d.name}.length`, atom: false }));
          break;
        case 'row':
          if (forms.length > 0) out.push((at) => element(d.name, d.len, at)!);
          if (!comparable) out.push(() => ({ t: `0.1 * ${d.name}.length`, atom: false }));
          break;
        case 'points':
          if (forms.length > 0) for (const field of ['x', 'w']) out.push((at) => ({ t: `${d.name}[${pick(forms, at)}].${field}`, atom: true }));
          if (!comparable) out.push(() => ({ t: `0.1 * ${d.name}.length`, atom: false }));
          break;
        case 'point':
          for (const field of ['x', 'w']) out.push(() => ({ t: `${d.name}.${field}`, atom: true }));
          break;
        case 'opts':
          if (!comparable) out.push(() => ({ t: `${d.name}.scale`, atom: true }));
          break;
      }
    }
    return out;
  }

  /** A condition on data (`opts.on`, `!opts.on`, `M[i][j] > 0`), or undefined without data in scope. */
  private dataCond(s: Scope, c: number, at: number): string | undefined {
    const conds: ((at: number) => string)[] = [];
    for (const d of s.data)
      if (d.kind === 'opts')
        conds.push(
          () => `${d.name}.on`,
          () => `!${d.name}.on`,
        );
    for (const read of this.dataReads(s, true)) conds.push((at) => `${read(at, at + 1).t} > 0`);
    return conds.length === 0 ? undefined : pick(conds, c)(at);
  }

  private fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  private loopName(s: Scope): string {
    return loopNames[s.loops.length] ?? `i${s.loops.length}`;
  }

  /** Index expressions into `a` whose values stay in range for every iteration of the loops in scope. */
  indexForms(a: ArrVar, s: Scope): string[] {
    const L = a.len;
    if (L === 0) return [];
    const forms: string[] = [];
    const add = (text: string, lo: number, hi: number, live: boolean) => {
      // A form under a loop that never runs is never evaluated: any form is fine there.
      if (!live || (lo >= 0 && hi <= L - 1)) forms.push(text);
    };
    const loops = [...s.loops].reverse();
    for (const v of loops) {
      const live = v.hi > v.lo;
      add(v.name, v.lo, v.hi - 1, live);
      add(`${v.name} - 1`, v.lo - 1, v.hi - 2, live);
      add(`${v.name} + 1`, v.lo + 1, v.hi, live);
      add(`${a.name}.length - 1 - ${v.name}`, L - v.hi, L - 1 - v.lo, live);
    }
    for (const c of loops.filter((v) => v.cols)) {
      for (const r of loops.filter((v) => v !== c)) {
        add(`${r.name} * ${this.d} + ${c.name}`, r.lo * this.d + c.lo, (r.hi - 1) * this.d + c.hi - 1, r.hi > r.lo && c.hi > c.lo);
      }
    }
    for (const v of loops) forms.push(`${v.name} % ${a.name}.length`);
    forms.push('0', `${a.name}.length - 1`);
    if (L > 2) forms.push('1');
    return forms;
  }

  expr(e: Expr, s: Scope): Code {
    switch (e.k) {
      case 'lit':
        return { t: String(e.v), atom: e.v >= 0 };
      case 'num':
        if (s.nums.length === 0) return this.expr({ k: 'read', a: e.i, at: 0 }, s);
        return { t: pick(s.nums, e.i), atom: true };
      case 'counter':
        if (s.loops.length === 0) return { t: '0.25', atom: true };
        return { t: `0.25 * ${pick(s.loops, e.i).name}`, atom: false };
      case 'len':
        return { t: `0.1 * ${pick(s.arrays, e.a).name}.length`, atom: false };
      case 'read': {
        const a = pick(s.arrays, e.a);
        const forms = this.indexForms(a, s);
        if (forms.length === 0) return { t: '0.5', atom: true };
        return { t: `${a.name}[${pick(forms, e.at)}]`, atom: true };
      }
      case 'bin':
        return { t: `${wrap(this.expr(e.l, s))} ${e.op} ${wrap(this.expr(e.r, s))}`, atom: false };
      case 'neg':
        return { t: `-${wrap(this.expr(e.e, s))}`, atom: false };
      case 'div': {
        const r = wrap(this.expr(e.r, s));
        return { t: `${wrap(this.expr(e.l, s))} / (1 + ${r} * ${r})`, atom: false };
      }
      case 'math': {
        const form = pick(mathForms, e.f);
        const args = [this.expr(e.l, s), /\bv\b/.test(form) ? this.expr(e.r, s) : undefined];
        const t = form.replace(/\b[uv]\b/g, (m, at: number) => {
          const c = args['uv'.indexOf(m)]!;
          const isArgument = /[(,] ?$/.test(form.slice(0, at)) && /^[),]/.test(form.slice(at + 1));
          return isArgument ? c.t : wrap(c);
        });
        return { t, atom: /^Math\.[a-z0-9]+\(.*\)$/.test(form) };
      }
      case 'reduce': {
        const arrays = reducible(s);
        if (arrays.length === 0) return this.expr(e.init, s);
        const a = pick(arrays, e.a);
        const init = this.expr(e.init, s).t;
        const acc = this.fresh('acc');
        const v = this.fresh('v');
        const k = this.fresh('k');
        const inner = copy(s);
        inner.nums.push(v);
        inner.loops.push({ name: k, lo: 0, hi: a.len, cols: false });
        const body = this.expr(e.body, inner);
        const params = (...ps: string[]) => (new RegExp(`\\b${k}\\b`).test(body.t) ? [...ps, k] : ps).join(', ');
        const combine = (x: string) => (e.form === 'sum' ? `${acc} + ${x}` : e.form === 'prod' ? `${acc} * Math.cos(${x})` : `Math.max(${acc}, ${x})`);
        if (e.mapped) {
          const w = this.fresh('w');
          return { t: `${a.name}.map((${params(v)}) => ${body.t}).reduce((${acc}, ${w}) => ${combine(w)}, ${init})`, atom: true };
        }
        return { t: `${a.name}.reduce((${params(acc, v)}) => ${combine(e.form === 'sum' ? wrap(body) : body.t)}, ${init})`, atom: true };
      }
      case 'call': {
        // Only number helpers: the compiler indexes variables only (`g0(a, p)[0]` is ADC102).
        const chosen = this.callee(e.h, s, true);
        if (!chosen) return this.expr(e.e, s);
        return { t: `${chosen.c.name}(${pick(chosen.args, e.arg).name}, ${this.expr(e.e, s).t})`, atom: true };
      }
      case 'data': {
        const reads = this.dataReads(s);
        if (reads.length === 0) return this.expr({ k: 'read', a: e.f, at: e.at }, s);
        return pick(reads, e.f)(e.at, e.at2);
      }
      case 'cond': {
        const c = this.dataCond(s, e.c, e.at);
        if (c === undefined) return this.expr(e.l, s);
        return { t: `${c} ? ${wrap(this.expr(e.l, s))} : ${wrap(this.expr(e.r, s))}`, atom: false };
      }
      case 'local': {
        const fns = s.fns.filter((f) => f.kind === 'num');
        if (fns.length === 0) return this.expr(e.e, s);
        const f = pick(fns, e.f);
        if (!f.array) return { t: `${f.name}(${this.expr(e.e, s).t})`, atom: true };
        const { kind, len, methods } = f.array;
        const args = [...s.arrays, ...(methods && kind !== 'readonly number[]' ? [] : this.rows(s))].filter((a) => a.len === len && accepts(kind, a.kind));
        if (args.length === 0) return this.expr(e.e, s);
        return { t: `${f.name}(${pick(args, e.f + (e.e.k === 'lit' ? 0 : 1)).name})`, atom: true };
      }
      case 'fnReduce': {
        const arrays = reducible(s);
        if (arrays.length === 0) return this.expr(e.init, s);
        const a = pick(arrays, e.a);
        const init = this.expr(e.init, s).t;
        const reducers = s.fns.filter((f) => f.kind === 'reducer').map((f) => f.name);
        const mappers = this.mappers(s);
        const i = e.f % (reducers.length + mappers.length);
        if (i < reducers.length) return { t: `${a.name}.reduce(${reducers[i]}, ${init})`, atom: true };
        const acc = this.fresh('acc');
        const w = this.fresh('w');
        return { t: `${a.name}.map(${mappers[i - reducers.length]}).reduce((${acc}, ${w}) => ${acc} + ${w}, ${init})`, atom: true };
      }
    }
  }

  /** Callbacks for `map`: local functions returning a number, then one-argument Math functions. */
  private mappers(s: Scope): string[] {
    return [...s.fns.filter((f) => f.kind === 'num' && !f.array).map((f) => f.name), 'Math.tanh', 'Math.atan'];
  }

  private emit(depth: number, line: string): void {
    this.lines.push(`${'  '.repeat(depth)}${line}`);
  }

  private writable(s: Scope): ArrVar[] {
    return s.arrays.filter((a) => !a.readOnly && !this.frozen.has(a.name));
  }

  block(body: readonly Stmt[], s: Scope, depth: number): void {
    for (const st of body) this.stmt(st, s, depth);
  }

  private value(op: string, e: Expr, s: Scope): string {
    return this.bound(op, this.expr(e, s));
  }

  stmt(st: Stmt, s: Scope, depth: number): void {
    switch (st.k) {
      case 'let': {
        const t = this.expr(st.e, s).t;
        const name = this.fresh('s');
        this.emit(depth, `${st.konst ? 'const' : 'let'} ${name} = ${t};`);
        s.nums.push(name);
        if (!st.konst) (s.lets.push(name), s.declared.push(name));
        return;
      }
      case 'set': {
        if (s.lets.length === 0) return;
        const target = pick(s.lets, st.t);
        const value = this.value(st.op, st.e, s);
        this.emit(depth, `${target} ${st.op} ${value};`);
        return;
      }
      case 'store': {
        const targets = this.writable(s);
        if (targets.length === 0) return;
        const a = pick(targets, st.a);
        const forms = this.indexForms(a, s);
        if (forms.length === 0) return;
        this.emit(depth, `${a.name}[${pick(forms, st.at)}] ${st.op} ${this.value(st.op, st.e, s)};`);
        return;
      }
      case 'fill': {
        const targets = this.writable(s);
        if (targets.length === 0) return;
        this.emit(depth, `${pick(targets, st.a).name}.fill(${this.bound('=', this.expr(st.e, s))});`);
        return;
      }
      case 'array':
        return this.localArray(st, s, depth);
      case 'for': {
        const a = pick(s.arrays, st.a);
        const i = this.loopName(s);
        const range = { full: [0, a.len], from1: [1, a.len], inner: [1, a.len - 1], down: [0, a.len] }[st.form];
        const head = {
          full: `for (let ${i} = 0; ${i} < ${a.name}.length; ${i}++)`,
          from1: `for (let ${i} = 1; ${i} < ${a.name}.length; ${i}++)`,
          inner: `for (let ${i} = 1; ${i} + 1 < ${a.name}.length; ${i}++)`,
          down: `for (let ${i} = ${a.name}.length - 1; ${i} >= 0; ${i}--)`,
        }[st.form];
        const inner = copy(s);
        inner.loops.push({ name: i, lo: range[0], hi: range[1], cols: false });
        return this.loop(head, st.body, inner, depth);
      }
      case 'forOf': {
        const a = pick(s.arrays, st.a);
        const v = this.fresh('e');
        const inner = copy(s);
        inner.nums.push(v);
        if (isArrayLike(a)) return this.indexLoop(a, v, st.body, inner, depth);
        return this.loop(`for (const ${v} of ${a.name})`, st.body, inner, depth);
      }
      case 'forEach': {
        const a = pick(s.arrays, st.a);
        const v = this.fresh('v');
        const k = this.fresh('k');
        const inner = copy(s);
        inner.nums.push(v);
        inner.loops.push({ name: k, lo: 0, hi: a.len, cols: false });
        if (isArrayLike(a)) return this.indexLoop(a, v, st.body, inner, depth, k);
        const start = this.lines.length;
        this.emit(depth, '');
        this.block(st.body, inner, depth + 1);
        const usesK = this.lines.slice(start + 1).some((l) => new RegExp(`\\b${k}\\b`).test(l));
        this.lines[start] = `${'  '.repeat(depth)}${a.name}.forEach((${usesK ? `${v}, ${k}` : v}) => {`;
        this.emit(depth, '});');
        return;
      }
      case 'cols': {
        const j = this.loopName(s);
        const inner = copy(s);
        inner.loops.push({ name: j, lo: 0, hi: this.d, cols: true });
        return this.loop(`for (let ${j} = 0; ${j} < ${this.d}; ${j}++)`, st.body, inner, depth);
      }
      case 'passes': {
        const r = this.fresh('pass');
        const inner = copy(s);
        inner.loops.push({ name: r, lo: 0, hi: st.n, cols: false });
        return this.loop(`for (let ${r} = 0; ${r} < ${st.n}; ${r}++)`, st.body, inner, depth);
      }
      case 'call': {
        const chosen = this.callee(st.h, s);
        if (!chosen) return;
        const { c, args } = chosen;
        const x = pick(args, st.arg);
        const name = this.fresh('d');
        this.emit(depth, `const ${name} = ${c.name}(${x.name}, ${this.expr(st.e, s).t});`);
        const result: ArrVar | undefined = c.result === 'number' ? undefined : { name, kind: c.result, len: c.resultLen, readOnly: false, param: false };
        if (result) s.arrays.push(result);
        else s.nums.push(name);
        for (const use of st.uses) {
          let read = name;
          if (result) {
            const forms = this.indexForms(result, s);
            if (forms.length === 0) continue;
            read = `${name}[${pick(forms, use.from)}]`;
          }
          const factor = wrap(this.expr(use.e, s));
          const value = this.bound(use.op, { t: `${factor} * ${read}`, atom: false });
          // The array passed first: the pattern of an integrator step (`s[0] += h * d[0]`).
          const targets = this.writable(s).filter((a) => a !== result);
          const ordered = targets.includes(x) ? [x, ...targets.filter((a) => a !== x)] : targets;
          if (ordered.length > 0) {
            const a = pick(ordered, use.a);
            const forms = this.indexForms(a, s);
            if (forms.length === 0) continue;
            this.emit(depth, `${a.name}[${pick(forms, use.at)}] ${use.op} ${value};`);
          } else if (s.lets.length > 0) {
            this.emit(depth, `${pick(s.lets, use.a)} ${use.op} ${value};`);
          }
        }
        return;
      }
      case 'bind': {
        const sources = s.data.filter((d) => d.kind === 'matrix' || d.kind === 'points');
        if (sources.length === 0) return;
        const d = pick(sources, st.which);
        const forms = this.indexForms(rowLike(d.name, d.len), s);
        if (forms.length === 0) return;
        const name = this.fresh(d.kind === 'matrix' ? 'row' : 'pt');
        this.emit(depth, `const ${name} = ${d.name}[${pick(forms, st.at)}];`);
        s.data.push(d.kind === 'matrix' ? { name, kind: 'row', len: this.d, ro: d.ro } : { name, kind: 'point', len: 0, ro: true });
        return;
      }
      case 'forData': {
        const sources = s.data.filter((d) => d.kind === 'matrix' || d.kind === 'points' || d.kind === 'row');
        if (sources.length === 0) return this.block(st.body, copy(s), depth);
        const d = pick(sources, st.which);
        const inner = copy(s);
        if (st.form === 'index') {
          const i = this.loopName(s);
          inner.loops.push({ name: i, lo: 0, hi: d.len, cols: d.kind === 'row' });
          return this.loop(`for (let ${i} = 0; ${i} < ${d.name}.length; ${i}++)`, st.body, inner, depth);
        }
        const name = this.fresh(d.kind === 'matrix' ? 'row' : d.kind === 'points' ? 'pt' : 'e');
        if (d.kind === 'matrix') inner.data.push({ name, kind: 'row', len: this.d, ro: d.ro });
        else if (d.kind === 'points') inner.data.push({ name, kind: 'point', len: 0, ro: true });
        else inner.nums.push(name);
        return this.loop(`for (const ${name} of ${d.name})`, st.body, inner, depth);
      }
      case 'ifData': {
        const c = this.dataCond(s, st.c, st.at);
        if (c === undefined) return this.block(st.then, copy(s), depth);
        return this.ifElse(c, st.then, st.else, s, depth);
      }
      case 'fn':
        return this.localFn(st.fn, s, depth);
      case 'callFn': {
        const fns = s.fns.filter((f) => f.kind === 'bump' || f.updates || (st.each && f.kind === 'num' && !f.array));
        if (fns.length === 0) return;
        const f = pick(fns, st.f);
        const eachable = s.arrays.filter((a) => !isArrayLike(a));
        if (st.each && eachable.length > 0 && !f.array) this.emit(depth, `${pick(eachable, st.a).name}.forEach(${f.name});`);
        else if (f.kind === 'bump' || f.updates) this.emit(depth, `${f.name}(${this.expr(st.e, s).t});`);
        return;
      }
      case 'if':
        return this.ifElse(`${wrap(this.expr(st.l, s))} > ${wrap(this.expr(st.r, s))}`, st.then, st.else, s, depth);
      case 'guard': {
        // The pole's divisor is compared with 0: it reads an array (a constant would be folded, see programs.ts `avoid`).
        const u = st.form === 'pole' ? this.expr({ k: 'read', a: st.into, at: st.sharp }, s) : this.expr(st.u, s);
        if (st.form === 'pole' && !u.t.includes('[')) return;
        const { lines, name } = guardLines(st.form, st.sharp, wrap(u), wrap(this.expr(st.w, s)), st.style, (prefix) => this.fresh(prefix));
        for (const line of lines) this.emit(depth, line);
        s.nums.push(name);
        return this.addTo(s, st.into, name, depth);
      }
      case 'ragged':
        return this.ragged(st, s, depth);
      case 'float32':
        return this.float32(st, s, depth);
      case 'pastWrite':
        return this.pastWrite(st, s, depth);
      case 'write':
        return this.write(st, s, depth);
      case 'state':
        return this.state(st, s, depth);
    }
  }

  /** `const stN = { v: copy of X, t: e }; advanceH(stN, step);`, then a read of it added somewhere (see the 'state' statement). */
  private state(st: Extract<Stmt, { k: 'state' }>, s: Scope, depth: number): void {
    if (this.states.length === 0) return;
    const h = pick(this.states, st.h);
    const sources = s.arrays.filter((a) => a.len === h.len);
    if (sources.length === 0) return;
    const x = pick(sources, st.src);
    const copied = copyKind(x.kind) === h.kind && !isArrayLike(x) ? `${x.name}.slice()` : h.kind === 'Float64Array' ? `new Float64Array(${x.name})` : `Array.from(${x.name})`;
    const name = this.fresh('st');
    this.emit(depth, `const ${name} = { v: ${copied}, t: ${this.expr(st.e, s).t} };`);
    const call = `${h.name}(${name}, ${this.expr(st.step, s).t});`;
    if (st.repeat <= 1) this.emit(depth, call);
    else {
      const r = this.fresh('pass');
      this.emit(depth, `for (let ${r} = 0; ${r} < ${st.repeat}; ${r}++) ${call}`);
    }
    const v: ArrVar = { name: `${name}.v`, kind: h.kind, len: h.len, readOnly: false, param: false };
    this.addTo(s, st.into, `${name}.t * ${name}.v[${pick(this.indexForms(v, s), st.at)}]`, depth);
    s.arrays.push(v);
    s.nums.push(`${name}.t`);
    s.lets.push(`${name}.t`);
  }

  /** `wH(T, e, X);` (see the 'write' statement), repeated in a loop when asked. */
  private write(st: Extract<Stmt, { k: 'write' }>, s: Scope, depth: number): void {
    if (this.writers.length === 0) return;
    const w = pick(this.writers, st.h);
    const targets = this.writable(s).filter((a) => a.len === w.len && accepts(w.dst, a.kind) && !(avoid.writersOnObjectArrays && a.name.includes('.')));
    if (targets.length === 0) return;
    const t = pick(targets, st.target);
    const sources = [...s.arrays, ...this.rows(s)].filter((a) => a.len === w.len && accepts(w.src, a.kind));
    const x = st.alias && accepts(w.src, t.kind) ? t : sources.length > 0 ? pick(sources, st.src) : undefined;
    if (!x) return;
    const call = `${w.name}(${t.name}, ${this.expr(st.e, s).t}, ${x.name});`;
    if (st.repeat <= 1) return this.emit(depth, call);
    const r = this.fresh('pass');
    this.emit(depth, `for (let ${r} = 0; ${r} < ${st.repeat}; ${r}++) ${call}`);
  }

  /**
   * `X[i] += value;` into an element of a writable array (which the result more often reads), or a
   * `let` in scope, or a new `let` holding it.
   */
  private addTo(s: Scope, into: number, value: string, depth: number): void {
    const target = this.accumulator(s, into);
    if (target !== undefined) return this.emit(depth, `${target} += ${this.bound('+=', { t: value, atom: false })};`);
    const acc = this.fresh('s');
    this.emit(depth, `let ${acc} = ${value};`);
    s.nums.push(acc);
    s.lets.push(acc);
    s.declared.push(acc);
  }

  /** Where `addTo` adds (an element `X[i]`, a `let`), if anywhere in scope. */
  private accumulator(s: Scope, into: number): string | undefined {
    const arrays = this.writable(s);
    const target = arrays.length > 0 ? pick(arrays, into) : undefined;
    const forms = target ? this.indexForms(target, s) : [];
    if (target && forms.length > 0) return `${target.name}[${pick(forms, into >> 1)}]`;
    if (s.lets.length > 0) return pick(s.lets, into);
    return undefined;
  }

  /**
   * Reads past the end of X with `??` fallbacks, the read kept in a `let` overwritten each iteration
   * (`carry`; reverse mode records it, `undefined` included):
   *   let prev = X[0];
   *   for (let i = 0; i < X.length + 2; i++) { const cur = X[i]; s += (cur ?? e) * (prev ?? e); prev = cur; }
   * or, two past the end without carry, a value made from the read and not used past the end:
   *   const ahead = cur * e; s += i < X.length ? ahead : e;
   */
  private ragged(st: Extract<Stmt, { k: 'ragged' }>, s: Scope, depth: number): void {
    const a = pick(s.arrays, st.a);
    let target = this.accumulator(s, st.into);
    if (target === undefined) {
      target = this.fresh('s');
      this.emit(depth, `let ${target} = 0;`);
    }
    const prev = this.fresh('prev');
    if (st.carry) this.emit(depth, `let ${prev} = ${a.name}[0];`);
    const i = this.loopName(s);
    const inner = copy(s);
    // Two past the end when the read is carried: the carried variable is then undefined as an iteration starts.
    const extra = st.carry ? 2 : st.extra;
    // Index forms never use i here: it runs past the end of X (and of every array as long).
    inner.loops.push({ name: i, lo: 0, hi: a.len + extra, cols: false });
    this.emit(depth, `for (let ${i} = 0; ${i} < ${a.name}.length + ${extra}; ${i}++) {`);
    const cur = this.fresh('cur');
    this.emit(depth + 1, `const ${cur} = ${a.name}[${i}];`);
    const fallback = wrap(this.expr(st.e, inner));
    if (st.carry) {
      this.emit(depth + 1, `${target} += ${this.bound('+=', { t: `(${cur} ?? ${fallback}) * (${prev} ?? ${fallback})`, atom: false })};`);
      this.emit(depth + 1, `${prev} = ${cur};`);
    } else if (st.extra === 2) {
      // Made from the read past the end (NaN there) and then not used: contributes nothing.
      const ahead = this.fresh('ahead');
      this.emit(depth + 1, `const ${ahead} = ${cur} * ${fallback};`);
      this.emit(depth + 1, `${target} += ${i} < ${a.name}.length ? ${ahead} : ${fallback};`);
    } else {
      this.emit(depth + 1, `${target} += (${cur} ?? ${fallback}) * ${fallback};`);
    }
    this.emit(depth, '}');
    if (/^s\d+$/.test(target) && !s.lets.includes(target)) {
      s.nums.push(target);
      s.lets.push(target);
      s.declared.push(target);
    }
  }

  /**
   * A Float32Array of X's length, stored into, read back and compared (its own, never passed on):
   *   const q = new Float32Array(X.length); const e = …; q[i] = e; const c = q[i] === e ? l : r;
   */
  private float32(st: Extract<Stmt, { k: 'float32' }>, s: Scope, depth: number): void {
    const sources = s.arrays.filter((a) => a.len > 0);
    if (sources.length === 0) return;
    const src = pick(sources, st.src);
    const q = this.fresh('q');
    const forms = this.indexForms({ name: q, kind: 'Float64Array', len: src.len, readOnly: false, param: false }, s);
    if (forms.length === 0) return;
    const at = `${q}[${pick(forms, st.at)}]`;
    const e = this.fresh('e');
    this.emit(depth, `const ${q} = new Float32Array(${src.name}.length);`);
    this.emit(depth, `const ${e} = ${this.expr(st.e, s).t};`);
    const test = st.test % 4;
    // 1: above 3.4e38 float32 holds Infinity.
    this.emit(depth, `${at} = ${test === 1 ? `${e} * 2e38` : e};`);
    const l = wrap(this.expr(st.l, s));
    const r = wrap(this.expr(st.r, s));
    const c = this.fresh('c');
    const chosen = [`${at} === ${e} ? ${l} : ${r}`, `Number.isFinite(${at}) ? ${l} : ${r}`, `${at} > 0 ? ${at} * ${l} : ${r}`, `${at} !== ${e} ? ${l} : ${r}`][test];
    this.emit(depth, `const ${c} = ${chosen};`);
    s.nums.push(c);
    this.addTo(s, st.into, c, depth);
  }

  /**
   * A write past the end, then the element read back: a local typed array ignores it, a copy made as
   * a plain array grows (`g[g.length] = e`) or takes a property (`g[-1] = e`):
   *   const n = X.length; X[n] = e; s += (X[n] ?? fallback);
   */
  private pastWrite(st: Extract<Stmt, { k: 'pastWrite' }>, s: Scope, depth: number): void {
    const typed = this.writable(s).filter((a) => !a.param && a.kind === 'Float64Array');
    let name: string;
    const plain = st.copy || typed.length === 0;
    if (plain) {
      // Not in scope afterwards: its length is no longer the one index forms know.
      name = this.fresh('copy');
      const src = pick(s.arrays, st.a);
      this.emit(depth, `const ${name}: number[] = ${isArrayLike(src) ? `Array.from(${src.name})` : `[...${src.name}]`};`);
    } else {
      name = pick(typed, st.a).name;
    }
    let at = '-1';
    if (!st.minus || (plain && avoid.minusOneOnPlainArrays)) {
      at = this.fresh('n');
      this.emit(depth, `const ${at} = ${name}.length;`);
    }
    this.emit(depth, `${name}[${at}] = ${this.expr(st.e, s).t};`);
    this.addTo(s, st.into, `(${name}[${at}] ?? ${wrap(this.expr(st.fallback, s))})`, depth);
  }

  /** `if (c) { then } else { els }`, each arm in a scope of its own (no `else` when it is empty). */
  private ifElse(c: string, then: readonly Stmt[], els: readonly Stmt[], s: Scope, depth: number): void {
    this.emit(depth, `if (${c}) {`);
    this.block(then, copy(s), depth + 1);
    if (els.length > 0) {
      this.emit(depth, '} else {');
      this.block(els, copy(s), depth + 1);
    }
    this.emit(depth, '}');
  }

  /** Prints local function `fn` declared in `s` (or, with `name` given, a hoisted declaration already in scope). */
  localFn(fn: LocalFn, s: Scope, depth: number, name = this.fresh('lf')): void {
    const t = this.fresh('t');
    const inner = copy(s);
    inner.nums.push(t);
    switch (fn.form) {
      case 'arrow':
        this.emit(depth, `const ${name} = (${t}: number) => ${this.expr(fn.e, inner).t};`);
        s.fns.push({ name, kind: 'num' });
        return;
      case 'decl': {
        const body = capturing(s, t);
        this.emit(depth, `function ${name}(${t}: number): number {`);
        const start = this.lines.length;
        this.block(fn.body, body, depth + 1);
        const assignsParam = this.lines.slice(start).some((l) => new RegExp(`^\\s*${t} [-+*]?= `).test(l));
        const text = this.lines.slice(start).join('\n');
        // Whether it updates a captured let, directly or through a local function that does.
        const updates =
          s.declared.some((v) => new RegExp(`^\\s*${v} [-+*]?= `, 'm').test(text)) ||
          s.fns.some((f) => (f.kind === 'bump' || f.updates) && new RegExp(`\\b${f.name}\\b`).test(text));
        if (fn.early) this.emit(depth + 1, `if (${wrap(this.expr(fn.early.l, body))} > ${wrap(this.expr(fn.early.r, body))}) return ${this.expr(fn.early.e, body).t};`);
        this.emit(depth + 1, `return ${this.expr(fn.e, body).t};`);
        this.emit(depth, '}');
        const known = s.fns.findIndex((f) => f.name === name);
        if (known >= 0) s.fns.splice(known, 1);
        s.fns.push({ name, kind: 'num', assignsParam, updates });
        return;
      }
      case 'bump': {
        if (s.declared.length === 0) {
          // Something to update: a let of its own, declared just before.
          const acc = this.fresh('s');
          this.emit(depth, `let ${acc} = 0;`);
          s.nums.push(acc);
          s.lets.push(acc);
          s.declared.push(acc);
        }
        const target = pick(s.declared, fn.t);
        this.emit(depth, `const ${name} = (${t}: number)${fn.returns ? ': number' : ''} => {`);
        this.emit(depth + 1, `${target} ${fn.op} ${this.value(fn.op, fn.e, inner)};`);
        if (fn.returns) this.emit(depth + 1, `return ${target};`);
        this.emit(depth, '};');
        s.fns.push({ name, kind: fn.returns ? 'num' : 'bump', updates: fn.returns });
        return;
      }
      case 'array': {
        const sources = [...s.arrays, ...this.rows(s)].filter((a) => a.len > 0);
        if (sources.length === 0) return;
        const src = pick(sources, fn.t);
        const kind: ArrayKind = src.kind === 'Float64Array' || src.kind === 'number[] | Float64Array' || src.kind === 'ArrayLike<number>' ? src.kind : 'readonly number[]';
        const z = this.fresh('z');
        // Its parameter first: reads shrink towards it.
        const body: Scope = { ...copy(s), arrays: [{ name: z, kind, len: src.len, readOnly: true, param: true }, ...s.arrays.map((a) => ({ ...a, readOnly: true }))] };
        const text = this.expr(fn.e, body).t;
        this.emit(depth, `const ${name} = (${z}: ${kind}) => ${text};`);
        s.fns.push({ name, kind: 'num', array: { kind, len: src.len, methods: new RegExp(`\\b${z}\\.(?!length)`).test(text) } });
        return;
      }
      case 'reducer': {
        const acc = this.fresh('a');
        inner.nums.push(acc);
        const body = this.expr(fn.e, inner);
        const combined = fn.combine === 'sum' ? `${acc} + ${wrap(body)}` : fn.combine === 'prod' ? `${acc} * Math.cos(${body.t})` : `Math.max(${acc}, ${body.t})`;
        this.emit(depth, `const ${name} = (${acc}: number, ${t}: number) => ${combined};`);
        s.fns.push({ name, kind: 'reducer' });
        return;
      }
    }
  }

  /** `for (let k = 0; k < a.length; k++) { const v = a[k]; body }`: a `for … of` or `forEach` over an ArrayLike. */
  private indexLoop(a: ArrVar, v: string, body: readonly Stmt[], inner: Scope, depth: number, k = this.fresh('k')): void {
    this.emit(depth, `for (let ${k} = 0; ${k} < ${a.name}.length; ${k}++) {`);
    this.emit(depth + 1, `const ${v} = ${a.name}[${k}];`);
    this.block(body, inner, depth + 1);
    this.emit(depth, '}');
  }

  private loop(head: string, body: readonly Stmt[], inner: Scope, depth: number): void {
    this.emit(depth, `${head} {`);
    this.block(body, inner, depth + 1);
    this.emit(depth, '}');
  }

  private localArray(st: Extract<Stmt, { k: 'array' }>, s: Scope, depth: number): void {
    const src = pick(s.arrays, st.src);
    const name = this.fresh('u');
    const sameKind: ArrayKind = copyKind(src.kind);
    const annotate = (kind: ArrayKind) => (st.typed ? `: ${kind}` : '');
    const declare = (kind: ArrayKind, len: number, init: string, readOnly = false) => {
      this.emit(depth, `const ${name}${annotate(kind)} = ${init};`);
      s.arrays.push({ name, kind, len, readOnly, param: false });
    };
    const elems = () => st.elems.map((e) => this.expr(e, s).t).join(', ');
    const callback = (push: (v: string, k: string, inner: Scope) => void) => {
      const v = this.fresh('v');
      const k = this.fresh('k');
      const inner = copy(s);
      inner.nums.push(v);
      inner.loops.push({ name: k, lo: 0, hi: src.len, cols: false });
      push(v, k, inner);
    };
    // An ArrayLike has no methods: a copy of it is made by the Float64Array constructor.
    if (isArrayLike(src) && !['zeros', 'fill', 'literal', 'f64literal', 'copy', 'push'].includes(st.form)) return declare('Float64Array', src.len, `new Float64Array(${src.name})`);
    switch (st.form) {
      case 'zeros':
        return declare('Float64Array', src.len, `new Float64Array(${src.name}.length)`);
      case 'fill': {
        const v = this.expr(st.e, s).t;
        if (st.typed) return declare('number[]', src.len, `new Array(${src.name}.length).fill(${v})`);
        return declare('number[]', src.len, `new Array<number>(${src.name}.length).fill(${v})`);
      }
      case 'literal':
        return declare('number[]', st.elems.length, `[${elems()}]`);
      case 'f64literal':
        return declare('Float64Array', st.elems.length, `new Float64Array([${elems()}])`);
      case 'slice':
        return declare(sameKind, src.len, `${src.name}.slice()`);
      case 'sliceFrom':
        return declare(sameKind, Math.max(0, src.len - 1), `${src.name}.slice(1)`);
      case 'sliceTo':
        return declare(sameKind, Math.max(0, src.len - 1), `${src.name}.slice(0, ${src.name}.length - 1)`);
      case 'subarray':
        if (src.kind !== 'Float64Array') return declare(sameKind, Math.max(0, src.len - 1), `${src.name}.slice(1)`);
        this.frozen.add(src.name);
        return declare('Float64Array', Math.max(0, src.len - 2), `${src.name}.subarray(1, ${src.name}.length - 1)`, true);
      case 'spread':
        return declare('number[]', src.len, `[...${src.name}]`);
      case 'copy':
        return declare('Float64Array', src.len, `new Float64Array(${src.name})`);
      case 'map':
        return callback((v, k, inner) => {
          const body = this.expr(st.e, inner).t;
          const ps = new RegExp(`\\b${k}\\b`).test(body) ? `${v}, ${k}` : v;
          declare(sameKind, src.len, `${src.name}.map((${ps}) => ${body})`);
        });
      case 'mapFn':
        return declare(sameKind, src.len, `${src.name}.map(${pick(this.mappers(s), st.elems.length - 1)})`);
      case 'push':
      case 'pushOf': {
        this.emit(depth, `const ${name}: number[] = [];`);
        const inner = copy(s);
        if (st.form === 'push') {
          const i = this.loopName(s);
          inner.loops.push({ name: i, lo: 0, hi: src.len, cols: false });
          this.emit(depth, `for (let ${i} = 0; ${i} < ${src.name}.length; ${i}++) {`);
        } else {
          const v = this.fresh('e');
          inner.nums.push(v);
          this.emit(depth, `for (const ${v} of ${src.name}) {`);
        }
        this.emit(depth + 1, `${name}.push(${this.expr(st.e, inner).t});`);
        this.emit(depth, '}');
        s.arrays.push({ name, kind: 'number[]', len: src.len, readOnly: false, param: false });
        return;
      }
    }
  }

  ret(r: Ret, s: Scope): ResultType {
    const literal = (elems: readonly Expr[]): ResultType => {
      this.emit(1, `return [${elems.map((e) => this.expr(e, s).t).join(', ')}];`);
      return 'number[]';
    };
    switch (r.k) {
      case 'scalar':
        this.emit(1, `return ${this.expr(r.e, s).t};`);
        return 'number';
      case 'literal':
        return literal(r.elems);
      case 'local': {
        const locals = s.arrays.filter((a) => !a.param && a.len > 0);
        if (locals.length === 0) return literal(r.elems);
        const a = pick(locals, r.a);
        this.emit(1, `return ${a.name};`);
        return copyKind(a.kind);
      }
      case 'map': {
        const candidates = s.arrays.filter((a) => a.len > 0 && !isArrayLike(a));
        if (candidates.length === 0) return literal([r.e]);
        const a = pick(candidates, r.a);
        const v = this.fresh('v');
        const k = this.fresh('k');
        const inner = copy(s);
        inner.nums.push(v);
        inner.loops.push({ name: k, lo: 0, hi: a.len, cols: false });
        const body = this.expr(r.e, inner).t;
        const ps = new RegExp(`\\b${k}\\b`).test(body) ? `${v}, ${k}` : v;
        this.emit(1, `return ${a.name}.map((${ps}) => ${body});`);
        return copyKind(a.kind);
      }
    }
  }
}

/** Prints helper `name` (its source lines) and what a call site needs to know of it. */
function printHelper(h: Helper, name: string, param: ArrayKind, len: number, d: number, earlier: readonly Callee[]): { lines: string[]; callee: Callee } {
  const printer = new FunctionPrinter(d, earlier);
  const z: ArrVar = { name: 'z', kind: param, len, readOnly: true, param: true };
  const scope: Scope = { nums: ['c'], lets: ['c'], declared: [], arrays: [z], loops: [], data: [], fns: [] };
  printer.block(h.body, scope, 1);
  let result: ResultType;
  let resultLen: number;
  const elems = (f64: boolean, es: readonly Expr[]) => {
    const texts = es.map((e) => printer.expr(e, scope).t);
    if (f64) {
      printer.lines.push(`  const r = new Float64Array(${texts.length});`);
      texts.forEach((t, i) => printer.lines.push(`  r[${i}] = ${t};`));
    } else {
      printer.lines.push(`  const r: number[] = [${texts.join(', ')}];`);
    }
    printer.lines.push('  return r;');
    result = f64 ? 'Float64Array' : 'number[]';
    resultLen = texts.length;
  };
  switch (h.ret.k) {
    case 'number':
      printer.lines.push(`  return ${printer.expr(h.ret.e, scope).t};`);
      result = 'number';
      resultLen = 0;
      break;
    case 'elems':
      elems(h.ret.f64, h.ret.elems);
      break;
    case 'map': {
      if (len === 0 || param === 'ArrayLike<number>') {
        elems(true, [h.ret.e]);
        break;
      }
      const inner = copy(scope);
      inner.nums.push('v');
      inner.loops.push({ name: 'k', lo: 0, hi: len, cols: false });
      const body = printer.expr(h.ret.e, inner).t;
      printer.lines.push(`  return z.map((${/\bk\b/.test(body) ? 'v, k' : 'v'}) => ${body});`);
      result = copyKind(param);
      resultLen = len;
      break;
    }
    case 'local': {
      // Fresh arrays only: a view of z would hand the caller's array back.
      const locals = scope.arrays.filter((a) => !a.param && !a.readOnly && a.len > 0);
      if (locals.length === 0) {
        elems(h.ret.f64, h.ret.elems);
        break;
      }
      const a = pick(locals, h.ret.a);
      printer.lines.push(`  return ${a.name};`);
      result = copyKind(a.kind);
      resultLen = a.len;
      break;
    }
  }
  const lines = [`function ${name}(z: ${param}, c: number): ${result!} {`, ...printer.lines, '}', ''];
  return { lines, callee: { name, param, len, result: result!, resultLen: resultLen! } };
}

/**
 * Prints writer helper `name(dst, alpha, src): void` (array-programs.ts `Writer`): `dst` written, `src`
 * only read (it may be dst itself at a call), either element by element in a loop over dst or once;
 * `earlier` are the writers it may call first.
 */
function printWriter(w: Writer, name: string, dst: ArrayKind, src: ArrayKind, len: number, d: number, callees: readonly Callee[], earlier: readonly WriterCallee[]): string[] {
  const printer = new FunctionPrinter(d, callees, [], [], true);
  const scope: Scope = {
    nums: ['alpha'],
    lets: ['alpha'],
    declared: [],
    arrays: [
      { name: 'dst', kind: dst, len, readOnly: false, param: true },
      { name: 'src', kind: src, len, readOnly: true, param: true },
    ],
    loops: [],
    data: [],
    fns: [],
  };
  const lines: string[] = [];
  if (w.calls) {
    // An earlier writer that takes these arrays (dst twice when aliased).
    const fits = earlier.filter((c) => c.len === len && accepts(c.dst, dst) && accepts(c.src, w.calls!.alias ? dst : src));
    if (fits.length > 0) lines.push(`  ${pick(fits, w.calls.h).name}(dst, alpha, ${w.calls.alias ? 'dst' : 'src'});`);
  }
  const last = (inner: Scope, at: string, depth: number) => {
    // (a factor in (-1, 1): dst[i] += a * dst[i], aliased and repeated, stays bounded)
    const e = printer.expr(w.e, inner);
    const value = w.op === '*=' ? `Math.cos(${wrap(e)} * src[${at}])` : `Math.tanh(${e.t}) * src[${at}]`;
    printer.lines.push(`${'  '.repeat(depth)}dst[${at}] ${w.op} ${value};`);
  };
  if (w.loop) {
    const inner = copy(scope);
    inner.loops.push({ name: 'i', lo: 0, hi: len, cols: false });
    printer.lines.push('  for (let i = 0; i < dst.length; i++) {');
    printer.block(w.body, inner, 2);
    last(inner, 'i', 2);
    printer.lines.push('  }');
  } else {
    printer.block(w.body, scope, 1);
    last(scope, '0', 1);
  }
  return [`function ${name}(dst: ${dst}, alpha: number, src: ${src}): void {`, ...lines, ...printer.lines, '}', ''];
}

/**
 * Prints state helper `name(st, dt): void` (array-programs.ts `StateHelper`): it writes into `st.v`
 * (element by element in a loop, or once) and `st.t`, the object it is passed.
 */
function printState(h: StateHelper, name: string, type: string, kind: StateCallee['kind'], len: number, d: number, callees: readonly Callee[]): string[] {
  const printer = new FunctionPrinter(d, callees, [], [], true);
  const v: ArrVar = { name: 'st.v', kind, len, readOnly: false, param: true };
  const scope: Scope = { nums: ['dt', 'st.t'], lets: ['dt', 'st.t'], declared: [], arrays: [v], loops: [], data: [], fns: [] };
  const last = (inner: Scope, at: string, depth: number) => {
    const e = printer.expr(h.e, inner).t;
    printer.lines.push(`${'  '.repeat(depth)}st.v[${at}] ${h.op} Math.${{ '=': 'tanh', '+=': 'sin', '-=': 'sin', '*=': 'cos' }[h.op]}(${e});`);
  };
  if (h.loop) {
    const inner = copy(scope);
    inner.loops.push({ name: 'i', lo: 0, hi: len, cols: false });
    printer.lines.push('  for (let i = 0; i < st.v.length; i++) {');
    printer.block(h.body, inner, 2);
    last(inner, 'i', 2);
    printer.lines.push('  }');
  } else {
    printer.block(h.body, scope, 1);
    last(scope, '0', 1);
  }
  printer.lines.push(`  st.t += dt * Math.tanh(${printer.expr(h.t, scope).t});`);
  return [`function ${name}(st: ${type}, dt: number): void {`, ...printer.lines, '}', ''];
}

/** Statements `steps` put into `body`, each before the statement at its `at` (modulo the body's length + 1), in order. */
function withSteps(body: readonly Stmt[], steps: readonly { readonly at: number; readonly st: Stmt }[]): Stmt[] {
  const before = body.map((): Stmt[] => []);
  const after: Stmt[] = [];
  for (const { at, st } of steps) (before[at % (body.length + 1)] ?? after).push(st);
  return [...body.flatMap((st, i) => [...before[i], st]), ...after];
}

export function printArrayProgram(p: ArrayProgram): ArrayProgramText {
  const arrayNames = ['a', 'b', 'c', 'x', 'y'];
  const scalarNames = ['p', 'q', 't'];
  const lengthOf = (shape: string) => (shape === 'n' ? p.n : shape === 'nd' ? p.n * p.d : p.kLength);
  interface Param {
    readonly name: string;
    readonly type: ParamType;
    /** The type as printed (a data parameter's own type). */
    readonly text: string;
    readonly length: number;
    readonly data?: DataShape;
  }
  const dataParams: Param[] = [];
  if (p.data.matrix) dataParams.push({ name: 'M', type: 'data', text: p.data.matrix, length: 0, data: { k: 'matrix', rows: p.n, cols: p.d } });
  if (p.data.points) dataParams.push({ name: 'pts', type: 'data', text: '{ x: number; w: number }[]', length: 0, data: { k: 'points', length: p.n } });
  if (p.data.opts) dataParams.push({ name: 'opts', type: 'data', text: '{ scale: number; on: boolean }', length: 0, data: { k: 'opts' } });
  const unordered: Param[] = [
    ...p.arrays.map((a, i) => ({ name: arrayNames[i], type: a.kind as ParamType, text: a.kind, length: lengthOf(a.shape) })),
    ...Array.from({ length: p.scalars }, (_, i) => ({ name: scalarNames[i], type: 'number' as ParamType, text: 'number', length: 0 })),
    ...dataParams,
  ];
  const r = p.rotate % unordered.length;
  const params = [...unordered.slice(r), ...unordered.slice(0, r)];
  // The mask's bits select among the numeric parameters (data is never differentiated).
  const numeric = params.map((_, i) => i).filter((i) => params[i].type !== 'data');
  const all = (1 << numeric.length) - 1;
  const mask = p.wrtMask & all;
  const wrt = mask === 0 || mask === all ? numeric : numeric.filter((_, k) => mask & (1 << k));

  const callees: Callee[] = [];
  const helperLines: string[] = [];
  p.helpers.forEach((h, i) => {
    const of = pick(p.arrays, h.of);
    const onRow = h.row && p.data.matrix !== null;
    const param: ArrayKind = onRow
      ? h.readonlyParam || p.data.matrix !== 'number[][]'
        ? 'readonly number[]'
        : 'number[]'
      : of.kind === 'number[]' && h.readonlyParam
        ? 'readonly number[]'
        : of.kind;
    const name = p.helperNames ? helperNameChoices[(p.seed + i) % helperNameChoices.length] : `g${i}`;
    const printed = printHelper(h, name, param, onRow ? p.d : lengthOf(of.shape), p.d, [...callees]);
    helperLines.push(...printed.lines);
    callees.push(printed.callee);
  });

  const writers: WriterCallee[] = [];
  p.writers?.helpers.forEach((w, i) => {
    const of = pick(p.arrays, w.of);
    // dst is written: a read-only parameter's kind gives a number[] (a local copy of it is one).
    const ofKind: ArrayKind = of.kind === 'readonly number[]' || of.kind === 'ArrayLike<number>' ? 'number[]' : of.kind;
    // A writer that calls an earlier one takes the same arrays.
    const called = w.calls && writers.length > 0 ? pick(writers, w.calls.h) : undefined;
    const dst = called?.dst ?? ofKind;
    const src: ArrayKind = called?.src ?? (w.src === 'same' ? dst : dst === 'number[]' ? 'readonly number[]' : 'ArrayLike<number>');
    const len = called?.len ?? lengthOf(of.shape);
    const name = `w${i}`;
    helperLines.push(...printWriter(w, name, dst, src, len, p.d, callees, [...writers]));
    writers.push({ name, dst, src, len });
  });
  const states: StateCallee[] = [];
  const typeLines: string[] = [];
  p.writers?.states.forEach((h, i) => {
    const of = pick(p.arrays, h.of);
    const kind = of.kind === 'Float64Array' ? 'Float64Array' : 'number[]';
    if (h.named) typeLines.push('interface State {', `  v: ${kind};`, '  t: number;', '}', '');
    const name = `advance${i}`;
    helperLines.push(...printState(h, name, h.named ? 'State' : `{ v: ${kind}; t: number }`, kind, lengthOf(of.shape), p.d, callees));
    states.push({ name, kind, len: lengthOf(of.shape) });
  });
  const printer = new FunctionPrinter(p.d, callees, writers, states);
  const dataVars: DataVar[] = dataParams.map((q) =>
    q.data!.k === 'matrix'
      ? { name: q.name, kind: 'matrix', len: p.n, ro: q.text !== 'number[][]' }
      : q.data!.k === 'points'
        ? { name: q.name, kind: 'points', len: p.n, ro: true }
        : { name: q.name, kind: 'opts', len: 0, ro: true },
  );
  const paramScope = (): Scope => ({
    nums: params.filter((q) => q.type === 'number').map((q) => q.name),
    lets: params.filter((q) => q.type === 'number').map((q) => q.name),
    declared: [],
    // Parameters in signature order: index choices shrink towards the first.
    arrays: unordered
      .filter((q) => q.type !== 'number' && q.type !== 'data')
      .map((q) => ({ name: q.name, kind: q.type as ArrayKind, len: q.length, readOnly: q.type === 'readonly number[]' || q.type === 'ArrayLike<number>', param: true })),
    loops: [],
    data: [...dataVars],
    fns: [],
  });
  // Hoisted declarations are in scope from the start of the body; they capture only parameters. They
  // are printed first (to know their bodies), then moved after the return.
  const hoistedNames = p.hoisted.map((_, i) => `hf${i}`);
  const hoisted: FnVar[] = [];
  p.hoisted.forEach((fn, i) => {
    // Each may call the ones declared before it (never itself: no recursion).
    const own = paramScope();
    own.fns.push(...hoisted);
    printer.localFn({ ...fn, form: 'decl' }, own, 1, hoistedNames[i]);
    hoisted.push(own.fns[own.fns.length - 1]);
  });
  const hoistedLines = printer.lines.splice(0);
  const scope = paramScope();
  scope.fns.push(...hoisted);
  printer.block(p.writers ? withSteps(p.body, p.writers.calls) : p.body, scope, 1);
  const result = printer.ret(p.ret, scope);
  printer.lines.push(...hoistedLines);
  // (an options object holding numbers is differentiated by default: named out of wrt, it stays data)
  const hasObject = params.some((q) => q.text.startsWith('{'));
  const tag = (mask === 0 || mask === all) && !hasObject ? '@differentiable' : `@differentiable wrt(${wrt.map((i) => params[i].name).join(', ')})`;
  const src = [
    ...typeLines,
    ...helperLines,
    `/** ${tag} */`,
    `export function f(${params.map((q) => `${q.name}: ${q.text}`).join(', ')}): ${result} {`,
    ...printer.lines,
    '}',
    '',
  ].join('\n');
  return {
    files: { '/src/main.ts': src },
    wrt,
    params: params.length,
    paramNames: params.map((q) => q.name),
    paramTypes: params.map((q) => q.type),
    lengths: params.map((q) => q.length),
    data: params.map((q) => q.data),
    result,
  };
}

/** The program's files, each under a `// path` line: how a failure shows it. */
export function arrayListing(text: ArrayProgramText): string {
  const lengths = text.paramNames
    .map((n, i) => {
      const d = text.data?.[i];
      if (d) return d.k === 'matrix' ? `${n}: ${d.rows} rows of ${d.cols}` : d.k === 'points' ? `${n}.length = ${d.length}` : null;
      return text.paramTypes[i] === 'number' ? null : `${n}.length = ${text.lengths[i]}`;
    })
    .filter((x) => x);
  return `${Object.entries(text.files)
    .map(([path, src]) => `// ${path}\n${src}`)
    .join('\n')}// called with ${lengths.join(', ')}\n`;
}
