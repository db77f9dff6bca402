/**
 * Prints a random program of layers (layer-programs.ts) as /src/main.ts: the
 * interfaces of its list elements, the helpers it calls (layer-helpers.ts's `dense`,
 * `grow`, `smooth`, `ring`, `area`, …, and list-program-text.ts's `decay`, `dist`,
 * `nudge`), and the marked `f`. The statements on arrays of objects made in `f` are
 * printed by local-list-text.ts.
 *
 * The printer knows the length of each array variable and local list where it is fixed
 * (straight-line code), and forgets it where it may change (after passes and loops that
 * give the variable new arrays or push onto the list, in their bodies, in a loop over
 * data rows, after branches whose arms leave different lengths): a form that needs it
 * (`dense(m.layers[l], h)` needs h to have the layer's width, `h.slice(1)` two elements)
 * falls back to one that does not (`grow(h, n, e)`, `h.slice()`). It knows which
 * variables hold an array the function made (only those are written: never the input
 * `x` or a row of data that `let h = x` or `let h = X[1]` names) and never gives a
 * parameter a new array. Every array has at least one element, so `h[0]` and
 * `h[h.length - 1]` are always in range. Printing is deterministic.
 */
import { rng } from './numeric';
import { elementTypes, listOf } from './list-programs';
import { listDeclarationLines } from './list-program-text';
import type { ObjectShape } from './object-programs';
import type { ParamShape } from './list-program-layout';
import { avoid, mathForms, type Expr, type LayerProgram, type Ret, type Stmt } from './layer-programs';
import { perObject, printLocal, printMake, type ListState, type LocalPrinter } from './local-list-text';
import { helperLines } from './layer-helpers';

export interface LayerProgramText {
  readonly files: Readonly<Record<string, string>>;
  /** Indices of the differentiated parameters. */
  readonly wrt: readonly number[];
  readonly params: number;
  readonly paramNames: readonly string[];
  /** Each parameter's type for the checks (list-program-layout.ts): data fixed by the program. */
  readonly shapes: readonly ParamShape[];
  readonly result: 'number' | 'number[]';
}

/**
 * An array variable: its length where the printer knows it, whether it holds an array the function
 * made, and whether it was declared naming the input (`let h = x`) or a row of data (`let h = X[1]`).
 */
export interface ArrayState {
  len: number | undefined;
  fresh: boolean;
  readonly alias?: boolean;
  readonly row?: boolean;
}

export interface Scope {
  /** Numbers to read: parameters, locals, elements (`h[0]`, `m.layers[0].b[0]`, `pts3[0].x`). */
  readonly nums: string[];
  /** Number locals (and `m.k`, `t`) that statements assign. */
  readonly lets: string[];
  /** Array variables (`x` first, a parameter: never given a new array). */
  readonly arrays: Map<string, ArrayState>;
  /** Arrays of objects made in `f` (local-list-text.ts). */
  readonly lists: Map<string, ListState>;
  readonly inLoop: boolean;
  /** In a branch's arm or a loop's body: where its lines start, and the array variables it writes by `h[0] += e` (`avoid.helperArraysAfterWrites`). */
  readonly block?: { readonly from: number; readonly written: Set<string> };
}

const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length];
const copyScope = (s: Scope, from: number, inLoop = s.inLoop): Scope => ({
  nums: [...s.nums],
  lets: [...s.lets],
  arrays: new Map([...s.arrays].map(([k, v]) => [k, { ...v }])),
  lists: new Map([...s.lists].map(([k, v]) => [k, { ...v }])),
  inLoop,
  block: { from, written: new Set() },
});
/** Forgets the lengths that the inner scopes `arms` (of a loop's body, of a branch's arms) leave different from those of `s`. */
const forget = (s: Scope, arms: readonly Scope[]) => {
  for (const [name, state] of [...s.arrays, ...s.lists]) if (arms.some((a) => (a.arrays.get(name) ?? a.lists.get(name))!.len !== state.len)) state.len = undefined;
};
/** Whether the function may write into the array a variable holds: one it made (never a variable that named the input, `avoid.writesIntoInputAliases`). */
const writable = (a: ArrayState) => a.fresh && !(a.alias && avoid.writesIntoInputAliases);
/** Whether a statement of `body` (or of its loops and branches) passes `test`. */
const has = (body: readonly Stmt[], test: (st: Stmt) => boolean): boolean =>
  body.some((st) => test(st) || (st.k === 'passes' && has(st.body, test)) || (st.k === 'branch' && has([...st.then, ...(st.else ?? [])], test)));
const rebinds = (st: Stmt) => st.k === 'rebind';
const pushes = (st: Stmt) => st.k === 'local' && st.form === 'push';

/** Bounded terms of a number `u` and an expression `e`. */
const terms: readonly ((u: string, e: string) => string)[] = [
  (u, e) => `Math.sin(${u} * (${e}))`,
  (u, e) => `${u} * Math.cos(${e})`,
  (u, e) => `Math.tanh(${u} + (${e}))`,
  (u, e) => `${u} * ${u} / (1 + (${e}) ** 2)`,
];

class Printer implements LocalPrinter {
  readonly lines: string[] = [];
  private n = 0;
  private readonly layers: number;
  /** Array variables declared naming the input, and those given new arrays. */
  readonly aliases = new Set<string>();
  readonly rebound = new Set<string>();
  /** A number local of the top level that each slice of a variable's own array is added to (`avoid.unusedSelfSlices`). */
  live: string | undefined;
  /** Whether expressions may read the input's elements (`x[0]`): not where a variable names it (`avoid.mathOfInputAliases`). */
  readonly inputElements: boolean;

  /**
   * `first`: what a first printing found: variables declared naming the input that nothing gives a
   * new array are declared `let h = x.slice()` instead (the compiler refuses two names of an array,
   * ADC114).
   */
  constructor(
    readonly p: LayerProgram,
    private readonly first?: Printer,
  ) {
    this.layers = p.widths.length - 1;
    this.inputElements = !avoid.mathOfInputAliases || (first !== undefined && ![...first.aliases].some((a) => first.rebound.has(a)));
  }

  fresh(prefix: string): string {
    return `${prefix}${this.n++}`;
  }

  expr(e: Expr, s: Scope): string {
    switch (e.k) {
      case 'lit':
        return e.v < 0 ? `(${e.v})` : String(e.v);
      case 'num':
        return pick(s.nums, e.i);
      case 'bin':
        return `(${this.expr(e.l, s)} ${e.op} ${this.expr(e.r, s)})`;
      case 'math':
        return pick(mathForms, e.f).replace(/\bu\b/g, `(${this.expr(e.a, s)})`);
    }
  }

  term(i: number, u: string, e: Expr, s: Scope): string {
    return pick(terms, i)(u, this.expr(e, s));
  }

  /** The local arrays (not the parameter `x`), in declaration order. */
  private locals(s: Scope): string[] {
    return [...s.arrays.keys()].filter((a) => a !== 'x');
  }

  /** A number local to add to (`into`, modulo), or a new one declared here. */
  accumulator(s: Scope, into: number, ind: string): string {
    const locals = s.lets.filter((v) => /^s\d+$/.test(v));
    if (locals.length > 0) return pick(locals, into);
    const name = this.fresh('s');
    this.lines.push(`${ind}let ${name} = 0;`);
    s.nums.push(name);
    s.lets.push(name);
    return name;
  }

  declareArray(s: Scope, name: string, state: ArrayState): void {
    s.arrays.set(name, state);
    // (see `avoid.mathOfInputAliases`)
    if (!(state.alias && avoid.mathOfInputAliases)) s.nums.push(`${name}[0]`, `${name}[${name}.length - 1]`);
  }

  block(stmts: readonly Stmt[], s: Scope, ind: string): void {
    for (const st of stmts) this.stmt(st, s, ind);
  }

  private stmt(st: Stmt, s: Scope, ind: string): void {
    const out = (line: string) => void this.lines.push(ind + line);
    const { widths } = this.p;
    switch (st.k) {
      case 'let': {
        const name = this.fresh('s');
        out(`let ${name} = ${this.expr(st.e, s)};`);
        s.nums.push(name);
        s.lets.push(name);
        return;
      }
      case 'set': {
        const target = pick(s.lets, st.t);
        return out(s.inLoop ? `${target} += Math.sin(${this.expr(st.e, s)});` : `${target} = ${this.expr(st.e, s)};`);
      }
      case 'init': {
        const name = this.fresh('h');
        const arrays = [...s.arrays.keys()];
        const src = pick(arrays, st.src);
        const from = s.arrays.get(src)!;
        const rows = this.p.rows;
        let form = st.form === 'row' && !rows ? 'alias' : st.form;
        // (see `avoid.dataRowSlices`)
        if (form === 'slice' && from.row && avoid.dataRowSlices) form = 'map';
        if (form === 'alias') {
          const copy = this.first !== undefined && !this.first.rebound.has(name);
          out(`let ${name} = x${copy ? '.slice()' : ''};`);
          this.aliases.add(name);
          // (the same scope, copy or not, in both printings)
          this.declareArray(s, name, { len: widths[0], fresh: false, alias: true });
        } else if (form === 'row') {
          const k = st.at % rows!.length;
          out(`let ${name} = X[${k}];`);
          this.declareArray(s, name, { len: rows![k], fresh: false, row: true });
        } else if (form === 'slice') (out(`let ${name} = ${src}.slice();`), this.declareArray(s, name, { len: from.len, fresh: true }));
        else if (form === 'literal') {
          out(`let ${name} = [${st.elems.map((e) => this.expr(e, s)).join(', ')}];`);
          this.declareArray(s, name, { len: st.elems.length, fresh: true });
        } else if (form === 'dense') (out(`let ${name} = dense(m.layers[0], x);`), this.declareArray(s, name, { len: widths[1], fresh: true }));
        else {
          const v = this.fresh('v');
          out(`let ${name} = ${src}.map((${v}) => ${this.term(st.at, v, st.e, s)});`);
          this.declareArray(s, name, { len: from.len, fresh: true });
        }
        return;
      }
      case 'rebind':
        return this.rebind(st, s, ind);
      case 'use': {
        const a = pick([...s.arrays.keys()], st.a);
        const to = this.accumulator(s, st.into, ind);
        const v = this.fresh('v');
        if (st.form === 'forOf') return out(`for (const ${v} of ${a}) ${to} += ${this.term(st.into, v, st.e, s)};`);
        if (st.form === 'reduce') {
          const acc = this.fresh('a');
          return out(`${to} += ${a}.reduce((${acc}, ${v}) => ${acc} + ${this.term(st.into, v, st.e, s)}, 0);`);
        }
        return out(`${to} += ${this.term(st.into, st.form === 'first' ? `${a}[0]` : `${a}[${a}.length - 1]`, st.e, s)};`);
      }
      case 'write': {
        const made = this.locals(s).filter((a) => writable(s.arrays.get(a)!));
        if (made.length === 0) return;
        const a = pick(made, st.a);
        const e = this.expr(st.e, s);
        if (!st.all) return (s.block?.written.add(a), out(`${a}[0] += ${s.inLoop ? `Math.sin(${e})` : e};`));
        const i = this.fresh('i');
        return out(`for (let ${i} = 0; ${i} < ${a}.length; ${i}++) ${a}[${i}] *= Math.cos(${e} + ${i});`);
      }
      case 'passes': {
        const p = this.fresh('p');
        // (a number local outside, for what the body reads to reach the result)
        this.accumulator(s, 0, ind);
        const inner = copyScope(s, this.lines.length + 1, true);
        // Lengths may change from one pass to the next: unknown in the body, and after it for what it gave new arrays or pushed onto.
        if (has(st.body, rebinds)) for (const state of inner.arrays.values()) state.len = undefined;
        if (has(st.body, pushes)) for (const state of inner.lists.values()) state.len = undefined;
        out(`for (let ${p} = 0; ${p} < ${st.n}; ${p}++) {`);
        this.block(st.body, inner, ind + '  ');
        out('}');
        return forget(s, [inner]);
      }
      case 'branch': {
        // (each arm in its own scope, adding to a number local outside; after it, the lengths the arms agree on)
        this.accumulator(s, 0, ind);
        const arms = [st.then, ...(st.else ? [st.else] : [])].map((body, i) => {
          out(i === 0 ? `if (${this.expr(st.c, s)} > 0) {` : '} else {');
          const inner = copyScope(s, this.lines.length);
          this.block(body, inner, ind + '  ');
          return inner;
        });
        out('}');
        return forget(s, arms);
      }
      case 'samples': {
        if (!this.p.rows) return;
        const to = this.accumulator(s, st.into, ind);
        const [k, h] = [this.fresh('k'), this.fresh('h')];
        const e = this.expr(st.e, s);
        out(`for (let ${k} = 0; ${k} < X.length; ${k}++) {`);
        out(`  let ${h} = X[${k}];`);
        if (st.layers) (out(`  ${h} = grow(${h}, ${widths[0]}, ${e});`), out(`  for (const layer of m.layers) ${h} = dense(layer, ${h});`));
        else if (this.p.sizes) out(`  for (let l = 0; l < sizes.length; l++) ${h} = grow(${h}, sizes[l], ${e});`);
        else out(`  ${h} = ${h}.map((v) => Math.tanh(v * (${e})));`);
        out(`  ${to} += ${h}[0] ** 2 - ${h}[${h}.length - 1] / (1 + ${k});`);
        out('}');
        return;
      }
      case 'list':
        return this.list(st, s, ind);
      case 'make':
        return printMake(this, st, s, ind);
      case 'local':
        return printLocal(this, st, s, ind);
    }
  }

  private rebind(st: Extract<Stmt, { k: 'rebind' }>, s: Scope, ind: string): void {
    const out = (line: string) => void this.lines.push(ind + line);
    // Without an array variable, one naming the input first (`let h = x; h = dense(m.layers[0], h);`).
    if (this.locals(s).length === 0) this.stmt({ k: 'init', form: 'alias', src: 0, at: st.at, elems: [], e: st.e }, s, ind);
    const locals = this.locals(s);
    const { widths, sizes } = this.p;
    const h = pick(locals, st.a);
    this.rebound.add(h);
    const state = s.arrays.get(h)!;
    const set = (len: number | undefined) => Object.assign(state, { len, fresh: true });
    // (printed only by the forms that use it: what a printing reads is what it prints)
    const e = () => this.expr(st.e, s);
    // (forms that need a length fall back to those that do not)
    const layer = widths.slice(0, -1).findIndex((w, l) => w === state.len && l >= st.at % this.layers);
    let form = st.form;
    if (form === 'dense' && layer < 0) form = 'grow';
    if (form === 'layers' && state.len !== widths[0]) form = 'sizes';
    if (form === 'sizes' && !sizes) form = 'grow';
    // (see `avoid.helperArraysAfterWrites`)
    if (['dense', 'layers', 'grow', 'sizes', 'smooth'].includes(form) && s.block?.written.has(h) && avoid.helperArraysAfterWrites) form = 'map';
    switch (form) {
      case 'dense':
        out(`${h} = dense(m.layers[${layer}], ${h});`);
        return void set(widths[layer + 1]);
      case 'layers':
        if (st.at % 2 === 0) out(`for (const layer of m.layers) ${h} = dense(layer, ${h});`);
        else out(`for (let l = 0; l < m.layers.length; l++) ${h} = dense(m.layers[l], ${h});`);
        return void set(widths[this.layers]);
      case 'grow': {
        const n = 1 + (st.at % 3);
        out(`${h} = grow(${h}, ${n}, ${e()});`);
        return void set(n);
      }
      case 'sizes':
        out(`for (let l = 0; l < sizes.length; l++) ${h} = grow(${h}, sizes[l], ${e()});`);
        return void set(sizes![sizes!.length - 1]);
      case 'map': {
        const [v, i] = [this.fresh('v'), this.fresh('i')];
        out(`${h} = ${h}.map((${v}, ${i}) => ${this.term(st.at, v, st.e, s)} + 0.25 * ${i});`);
        return void set(state.len);
      }
      case 'slice':
        if (state.len !== undefined && state.len >= 2) out(`${h} = ${h}.slice(1);`);
        else out(`${h} = ${h}.slice();`);
        // (what the slice holds reaches the result: see `avoid.unusedSelfSlices`)
        if (this.live) out(`${this.live} += ${h}[0];`);
        return void set(state.len !== undefined && state.len >= 2 ? state.len - 1 : state.len);
      case 'literal':
        out(`${h} = [${e()}, ${this.term(st.at, `${h}[0]`, st.e, s)}];`);
        return void set(2);
      case 'smooth':
        out(`${h} = smooth(${h}, ${e()});`);
        return void set(state.len === undefined ? undefined : Math.max(1, state.len - 1));
      case 'next': {
        const [next, i] = [this.fresh('next'), this.fresh('i')];
        out(`const ${next}: number[] = [];`);
        out(`for (let ${i} = 0; ${i} < ${h}.length; ${i}++) ${next}.push(${this.term(st.at, `${h}[${i}]`, st.e, s)} + 0.5 * ${h}[(${i} + 1) % ${h}.length]);`);
        out(`${h} = ${next};`);
        return void set(state.len);
      }
    }
  }

  private list(st: Extract<Stmt, { k: 'list' }>, s: Scope, ind: string): void {
    const out = (line: string) => void this.lines.push(ind + line);
    const { widths, points, labels } = this.p;
    const l = st.at % this.layers;
    const e = () => this.expr(st.e, s);
    const T = (u: string) => pick(terms, st.at)(u, e());
    let form = st.form;
    if (form === 'labels' && !labels) form = 'forLayers';
    if (!points && (form === 'forPoints' || form === 'dist' || form === 'nudgeAll')) form = form === 'dist' ? 'readW' : 'decay';
    const reads = ['readW', 'forLayers', 'reduceLayers', 'labels', 'dist', 'destructure'].includes(form);
    const to = reads ? this.accumulator(s, st.into, ind) : '';
    const [i, j, q] = [this.fresh('i'), this.fresh('j'), this.fresh('q')];
    switch (form) {
      case 'readW':
        return out(`${to} += ${T(`m.layers[${l}].W[${st.at % widths[l + 1]}][${Math.floor(st.at / 3) % widths[l]}]`)};`);
      case 'forLayers':
        if (st.at % 2 === 0)
          return out(
            `for (const ${q} of m.layers) for (let ${i} = 0; ${i} < ${q}.W.length; ${i}++) for (let ${j} = 0; ${j} < ${q}.W[${i}].length; ${j}++) ${to} += ${T(`${q}.W[${i}][${j}]`)};`,
          );
        return out(`for (let ${i} = 0; ${i} < m.layers.length; ${i}++) for (let ${j} = 0; ${j} < m.layers[${i}].b.length; ${j}++) ${to} += ${T(`m.layers[${i}].b[${j}]`)};`);
      case 'reduceLayers':
        return out(`${to} += m.layers.reduce((a, ${q}, ${i}) => a + ${T(`${q}.b[${q}.b.length - 1]`)} / (1 + ${i}), 0);`);
      case 'labels':
        return out(`for (const ${q} of m.layers) if (${q}.label === "up") ${to} += ${T(`${q}.b[0]`)};`);
      case 'writeB':
        return out(`for (const ${q} of m.layers) for (let ${i} = 0; ${i} < ${q}.b.length; ${i}++) ${q}.b[${i}] += Math.sin(${e()} + ${q}.W[${i}][0]);`);
      case 'writeW':
        if (st.at % 2 === 0) return out(`m.layers[${l}].W[${st.at % widths[l + 1]}][0] *= Math.cos(${e()});`);
        return out(`for (const ${q} of m.layers) ${q}.W[${q}.W.length - 1][0] = Math.sin(${q}.W[${q}.W.length - 1][0] + ${e()});`);
      case 'decay':
        if (st.at % 2 === 0) return out(`decay(m.layers[${l}], ${e()});`);
        return out(`for (const ${q} of m.layers) decay(${q}, Math.sin(${e()}));`);
      case 'forPoints':
        return out(`for (const ${q} of m.pts) ${q}.${st.at % 2 === 0 ? 'x' : 'y'} += Math.sin(${e()} * ${q}.${st.at % 2 === 0 ? 'y' : 'x'});`);
      case 'dist':
        return out(`${to} += dist(m.pts[${st.at % points}], m.pts[m.pts.length - 1]);`);
      case 'destructure':
        if (points && st.at % 2 === 0) return out(`for (const { x: ${i}, y: ${j} } of m.pts) ${to} += ${T(i)} * Math.cos(${j});`);
        return out(`for (const { b: ${i} } of m.layers) ${to} += ${T(`${i}[0]`)};`);
      case 'nudgeAll':
        if (st.at % 2 === 0) return out(`m.pts.forEach((${q}) => nudge(${q}, Math.sin(${e()})));`);
        return out(`nudge(m.pts[${st.at % points}], ${s.inLoop ? `Math.sin(${e()})` : e()});`);
    }
  }

  /** The return statement: every number local of the top level feeds into the result (`total`). */
  ret(r: Ret, s: Scope): void {
    const arrays = [...s.arrays.keys()];
    const a = pick(arrays, r.a);
    const sums = [...(this.live ? [this.live] : []), ...s.lets.filter((v) => /^s\d+$/.test(v))];
    const total = sums.length > 0 ? `Math.tanh(${sums.join(' + ')})` : '0';
    const e = () => `${this.expr(r.e, s)} + ${total}`;
    if (r.k === 'number') {
      const [acc, v] = [this.fresh('a'), this.fresh('v')];
      return void this.lines.push(`  return ${e()} + ${a}.reduce((${acc}, ${v}) => ${acc} + ${pick(terms, r.a)(v, '1')}, 0);`);
    }
    const locals = this.locals(s);
    // A variable the function may not write is returned as it is, unless a number the result must
    // depend on would be left out (`live`, see `avoid.unusedSelfSlices`): then a map of it.
    const h = locals.length > 0 ? pick(locals, r.a) : undefined;
    const asItIs = h !== undefined && (writable(s.arrays.get(h)!) || this.live === undefined);
    const form = r.form === 'variable' && !asItIs ? 'map' : r.form === 'perPoint' && !this.p.points ? 'perLayer' : r.form;
    const [v, i, q] = [this.fresh('v'), this.fresh('i'), this.fresh('q')];
    if (form === 'variable') {
      if (writable(s.arrays.get(h!)!)) this.lines.push(`  ${h}[0] += ${total};`);
      return void this.lines.push(`  return ${h};`);
    }
    if (form === 'map') return void this.lines.push(`  return ${a}.map((${v}, ${i}) => ${pick(terms, r.a)(v, e())} + 0.5 * ${i});`);
    if (form === 'literal') return void this.lines.push(`  return [${e()}, ${pick(terms, r.a)(`${a}[0]`, '1')}];`);
    if (form === 'perObject') {
      const line = perObject(s, r.a, (u) => pick(terms, r.a)(u, e()));
      if (line) return void this.lines.push(line);
    }
    if (form === 'perLayer' || form === 'perObject') return void this.lines.push(`  return m.layers.map((${q}) => ${pick(terms, r.a)(`${q}.b[0]`, e())} + ${q}.W[0][0]);`);
    this.lines.push(`  const out: number[] = [];`, `  for (const ${q} of m.pts) out.push(${pick(terms, r.a)(`${q}.x`, e())}, ${q}.y * ${q}.x);`, '  return out;');
  }
}

export function printLayerProgram(p: LayerProgram): LayerProgramText {
  const rand = rng(p.seed);
  const layers = listOf({ kind: 'layers', sizes: p.widths, data: p.labels, named: p.named });
  const pts = p.points > 0 ? listOf({ kind: 'points', sizes: new Array<number>(p.points + 1).fill(1), data: true, named: p.named }) : undefined;
  const model: ObjectShape = [{ key: 'layers', t: layers }, { key: 'k', t: 'number' }, ...(pts ? [{ key: 'pts', t: pts }] : [])];
  const elementType = (t: typeof layers) => t.name ?? elementTypes[t.kind === 'layers' ? (p.labels ? 'Layer' : 'Dense') : 'Point'];
  const rows = p.rows?.map((n) => Array.from({ length: n }, () => Math.round(100 * (4 * rand() - 2)) / 100));
  // The parameters, rotated: the model, x, t, then data.
  const params: { name: string; type: string; shape: ParamShape; wrt: boolean }[] = [
    { name: 'm', type: `{ layers: ${elementType(layers)}[]; k: number${pts ? `; pts: ${elementType(pts)}[]` : ''} }`, shape: model, wrt: true },
    { name: 'x', type: 'number[]', shape: { elements: p.widths[0] }, wrt: (p.wrtMask & 1) === 1 },
    ...(p.t ? [{ name: 't', type: 'number', shape: undefined, wrt: (p.wrtMask & 2) === 2 }] : []),
    ...(rows ? [{ name: 'X', type: 'number[][]', shape: { fixed: rows }, wrt: false }] : []),
    ...(p.sizes ? [{ name: 'sizes', type: 'readonly number[]', shape: { fixed: p.sizes }, wrt: false }] : []),
  ];
  const turn = p.rotate % params.length;
  const ordered = [...params.slice(turn), ...params.slice(0, turn)];
  const wrt = ordered.flatMap((q, i) => (q.wrt ? [i] : []));
  const numeric = ordered.filter((q) => q.name !== 'X');
  const tag = numeric.every((q) => q.wrt)
    ? '@differentiable'
    : `@differentiable wrt(${ordered
        .filter((q) => q.wrt)
        .map((q) => q.name)
        .join(', ')})`;

  const last = p.widths.length - 2;
  const print = (first?: Printer) => {
    const printer = new Printer(p, first);
    const scope: Scope = {
      nums: ['m.k', 'm.layers[0].b[0]', `m.layers[${last}].W[0][0]`, ...(p.t ? ['t'] : []), ...(pts ? ['m.pts[0].x'] : []), ...(rows ? ['X[0][0]'] : [])],
      lets: ['m.k', ...(p.t ? ['t'] : [])],
      arrays: new Map([['x', { len: p.widths[0], fresh: false }]]),
      lists: new Map(),
      inLoop: false,
    };
    if (printer.inputElements) scope.nums.push('x[0]');
    if (avoid.unusedSelfSlices && has(p.body, (st) => st.k === 'rebind' && st.form === 'slice')) {
      printer.live = printer.fresh('s');
      printer.lines.push(`  let ${printer.live} = 0;`);
      // (read, never assigned but by the slices: what they add reaches the result)
      scope.nums.push(printer.live);
    }
    printer.block(p.body, scope, '  ');
    printer.ret(p.ret, scope);
    return printer;
  };
  // Printed twice, the second printing knowing which variables naming the input the first gave new
  // arrays (a second name of the input that nothing gives a new array is a copy: the compiler refuses
  // arrays with two names, ADC114), and so whether expressions may read the input's elements
  // (`avoid.mathOfInputAliases`).
  const printer = print(print());
  const result = p.ret.k === 'number' ? 'number' : 'number[]';
  const f = [`/** ${tag} */`, `export function f(${ordered.map((q) => `${q.name}: ${q.type}`).join(', ')}): ${result} {`, ...printer.lines, '}', ''];
  const body = f.join('\n');
  const own = helperLines(body, p, elementType(layers));
  const declarations = listDeclarationLines([body, ...own].join('\n'));
  return {
    files: { '/src/main.ts': [...declarations, ...own, ...f].join('\n') },
    wrt,
    params: ordered.length,
    paramNames: ordered.map((q) => q.name),
    shapes: ordered.map((q) => q.shape),
    result,
  };
}

/** The program's source, for failure messages. */
export const layerListing = (text: LayerProgramText): string => `// /src/main.ts\n${text.files['/src/main.ts']}`;
