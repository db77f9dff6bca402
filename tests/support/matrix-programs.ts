/**
 * Prints the matrix statements of a random scalar program (object-programs.ts
 * `MatrixRead`, `MatrixWrite`, `MatrixAlias`) for object-program-text.ts, and the
 * module-level helpers they call.
 *
 * A matrix is a `W: number[][]` property of an object parameter (rows of 1 to 3
 * numbers, ragged), differentiated element by element. In scope it is `p.W`,
 * `p.lin.W`, `p.pos.W`, `o3.W` of a copy sharing it (`{ ...p, k: e }`), or a name
 * bound to it (`const m2 = p.W`, `const { W } = p`). The statements read its
 * elements in index loops bounded by `M.length` and `M[i].length`, its rows as
 * values (`for (const row of M)`, `M.map((row) => …)`, `M.reduce((s, row, i) => …,
 * 0)`, `M.forEach((row, i) => { … })`, `rowDot(M[r], e)`), write its elements (`=`,
 * `+=`, `*=`, `++`) and pass it to helpers taking `number[][]` or `readonly
 * (readonly number[])[]`. A row taken as a value is a copy: nothing writes the
 * matrix while one is in use (the statements that take rows only read; the
 * compiler rejects the rest, ADC114). Each element enters through a bounded term
 * (`Math.sin(u * e)`, `u * Math.cos(e)`, `Math.tanh(u + e)`, `u * u / (1 + e **
 * 2)`), and writes inside loops go through bounded functions, so that programs stay
 * well conditioned. Printing is deterministic.
 */
import type { Scope } from './program-text';
import type { Code } from './programs';
import { avoid, isMatrix, type MatrixAlias, type MatrixRead, type MatrixWrite } from './object-programs';
import type { ObjVar, Printer } from './object-program-text';

/** A matrix in scope: how the code names it, its row lengths, and whether it is a list element's (`p.layers[0].W`). */
interface MatVar {
  readonly name: string;
  readonly rows: readonly number[];
  readonly element: boolean;
}

const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length];
const wrap = (c: Code) => (c.atom ? c.t : `(${c.t})`);

/** The matrices in scope: the matrix properties of the objects in scope, and names bound to matrices. */
function matricesIn(s: Scope): MatVar[] {
  const element = (o: ObjVar) => o.element === true;
  return s.objs.flatMap((o) =>
    o.rows
      ? [{ name: o.name, rows: o.rows, element: element(o) }]
      : o.shape.flatMap((f) => (isMatrix(f.t) ? [{ name: `${o.name}.${f.key}`, rows: f.t.rows, element: element(o) }] : [])),
  );
}

/** Elements of matrix `path` that numeric statements read as variables: the first one and the last one (`p.W[2][1]`). */
export function matrixElements(path: string, rows: readonly number[]): string[] {
  const last = rows.length - 1;
  return [`${path}[0][0]`, `${path}[${last}][${rows[last] - 1}]`];
}

/** Bounded terms of an element `u` and an expression `e`. */
const terms: readonly ((u: string, e: Code) => string)[] = [
  (u, e) => `Math.sin(${u} * ${wrap(e)})`,
  (u, e) => `${u} * Math.cos(${e.t})`,
  (u, e) => `Math.tanh(${u} + ${wrap(e)})`,
  (u, e) => `${u} * ${u} / (1 + ${wrap(e)} ** 2)`,
];

/** Objects in scope with numbers x and y (what `matInto` writes into). */
const vecLike = (s: Scope) => s.objs.filter((o) => ['x', 'y'].every((k) => o.shape.some((f) => f.key === k && f.t === 'number')));

/**
 * Whether rows of `m` may be taken as values in a loop (over its rows, a callback, or any loop): all
 * of one length, unless that is fixed (see `avoid.raggedRowLoops`; a ragged matrix is read there by
 * index loops instead), and not a list element's matrix while `avoid.rowsOfElementMatrices`.
 */
const loopsOverRows = (m: MatVar) => (!avoid.raggedRowLoops || m.rows.every((n) => n === m.rows[0])) && !(m.element && avoid.rowsOfElementMatrices);

/** A number of a row `r` (a copy of a matrix's row, in a loop over its rows), a term with `e`: by `form`, modulo. */
function rowNumber(p: Printer, r: string, form: number, term: (u: string) => string, e: Code): string {
  switch (form % 4) {
    case 0:
      return term(`${r}[0]`);
    case 1:
      return term(`${r}[${r}.length - 1]`);
    case 2: {
      const [d, u] = [p.fresh('d'), p.fresh('u')];
      return `${r}.reduce((${d}, ${u}) => ${d} + ${term(u)}, 0)`;
    }
    default:
      return `rowDot(${r}, ${e.t})`;
  }
}

/** `const vN = …` or `let vN = 0; …`: a number read from a matrix in scope (false where there is none). */
export function matrixRead(p: Printer, st: MatrixRead, s: Scope, inLoop: boolean, ind: string): boolean {
  const ms = matricesIn(s);
  if (ms.length === 0) return false;
  const out = (line: string): void => void p.lines.push(ind + line);
  const m = pick(ms, st.m);
  const M = p.use(m.name);
  const term = pick(terms, st.term);
  const v = p.fresh('v');
  // The second variant of a form (a stored array, a last row): by the term's index.
  const alt = Math.floor(st.term / terms.length) % 2 === 1;
  // (rows as values in a loop: see `loopsOverRows`)
  const byRows = st.form === 'forOf' || st.form === 'map' || st.form === 'reduce' || st.form === 'forEach' || (st.form === 'dot' && inLoop);
  const form = (st.form === 'helper' && avoid.matrixHelpersReturning) || (byRows && !loopsOverRows(m)) ? 'loops' : st.form;
  switch (form) {
    case 'loops': {
      const [i, j] = [p.fresh('i'), p.fresh('j')];
      const e = p.expr(st.e, { ...s, vars: [...s.vars, i, j], counters: [...s.counters, i, j] });
      out(`let ${v} = 0;`);
      out(`for (let ${i} = 0; ${i} < ${M}.length; ${i}++) {`);
      out(`  for (let ${j} = 0; ${j} < ${M}[${i}].length; ${j}++) ${v} += ${term(`${M}[${i}][${j}]`, e)};`);
      out('}');
      break;
    }
    case 'forOf': {
      const e = p.expr(st.e, s);
      const row = p.fresh('row');
      out(`let ${v} = 0;`);
      if (st.row % 5 === 4) {
        const j = p.fresh('j');
        out(`for (const ${row} of ${M}) {`);
        out(`  for (let ${j} = 0; ${j} < ${row}.length; ${j}++) ${v} += ${term(`${row}[${j}]`, e)};`);
        out('}');
      } else out(`for (const ${row} of ${M}) ${v} += ${rowNumber(p, row, st.row, (u) => term(u, e), e)};`);
      break;
    }
    case 'map': {
      const e = p.expr(st.e, s);
      const row = p.fresh('row');
      const made = `${M}.map((${row}) => ${rowNumber(p, row, st.row, (u) => term(u, e), e)})`;
      if (alt) {
        // The array it made, read at both ends.
        const a = p.fresh('a');
        out(`const ${a} = ${made};`);
        out(`const ${v} = ${a}[0] - ${a}[${a}.length - 1] * 0.5;`);
      } else {
        const [acc, u] = [p.fresh('s'), p.fresh('u')];
        out(`const ${v} = ${made}.reduce((${acc}, ${u}) => ${acc} + ${u}, 0);`);
      }
      break;
    }
    case 'reduce': {
      const e = p.expr(st.e, s);
      const [acc, row, i] = [p.fresh('s'), p.fresh('row'), p.fresh('i')];
      out(`const ${v} = ${M}.reduce((${acc}, ${row}, ${i}) => ${acc} + ${rowNumber(p, row, st.row, (u) => term(u, e), e)} / (1 + ${i}), 0);`);
      break;
    }
    case 'forEach': {
      const e = p.expr(st.e, s);
      const [row, i] = [p.fresh('row'), p.fresh('i')];
      out(`let ${v} = 0;`);
      out(`${M}.forEach((${row}, ${i}) => {`);
      out(`  ${v} += ${rowNumber(p, row, st.row, (u) => term(u, e), e)} * Math.cos(${i});`);
      out('});');
      break;
    }
    case 'dot': {
      const e = p.expr(st.e, s);
      out(`const ${v} = rowDot(${M}[${alt ? `${M}.length - 1` : st.row % m.rows.length}], ${e.t});`);
      break;
    }
    case 'helper':
      // (one that reads it, or one that also writes into it)
      out(`const ${v} = ${alt ? 'matDecay' : 'matSum'}(${M}, ${p.expr(st.e, s).t});`);
      break;
  }
  s.vars.push(v);
  return true;
}

/** Writes into a matrix in scope (false where there is none). */
export function matrixWrite(p: Printer, st: MatrixWrite, s: Scope, inLoop: boolean, ind: string): boolean {
  const ms = matricesIn(s);
  if (ms.length === 0) return false;
  const out = (line: string): void => void p.lines.push(ind + line);
  const m = pick(ms, st.m);
  const M = p.use(m.name);
  // Repeated writes (over elements, in loops) go through bounded functions.
  const write = (u: string, e: Code, repeated: boolean): string => {
    if (st.op === '++') return `${u}++;`;
    if (st.op === '*=') return `${u} *= Math.cos(${e.t});`;
    if (st.op === '+=') return repeated ? `${u} += Math.sin(${e.t});` : `${u} += ${e.t};`;
    return `${u} = Math.sin(${u} + ${wrap(e)});`;
  };
  switch (st.form) {
    case 'loops': {
      const [i, j] = [p.fresh('i'), p.fresh('j')];
      const e = p.expr(st.e, { ...s, vars: [...s.vars, i, j], counters: [...s.counters, i, j] });
      out(`for (let ${i} = 0; ${i} < ${M}.length; ${i}++) {`);
      out(`  for (let ${j} = 0; ${j} < ${M}[${i}].length; ${j}++) ${write(`${M}[${i}][${j}]`, e, true)}`);
      out('}');
      break;
    }
    case 'column': {
      const i = p.fresh('i');
      const e = p.expr(st.e, { ...s, vars: [...s.vars, i], counters: [...s.counters, i] });
      out(`for (let ${i} = 0; ${i} < ${M}.length; ${i}++) ${write(`${M}[${i}][0]`, e, true)}`);
      break;
    }
    case 'element': {
      const r = st.at % m.rows.length;
      out(write(`${M}[${r}][${Math.floor(st.at / 3) % m.rows[r]}]`, p.expr(st.e, s), inLoop));
      break;
    }
    case 'helper': {
      const e = p.expr(st.e, s).t;
      const targets = vecLike(s);
      // (matInto and matRows take its rows in a loop)
      if (st.at % 3 === 1 && targets.length > 0 && loopsOverRows(m)) out(`matInto(${M}, ${p.use(pick(targets, st.at).name)}, ${e});`);
      else out(`${st.at % 3 === 2 && loopsOverRows(m) ? 'matRows' : 'matStep'}(${M}, ${e});`);
      break;
    }
  }
  return true;
}

/** `const mN = M; mN[r][c] += e;`: a second name of a matrix in scope, written through (false where there is none). */
export function matrixAlias(p: Printer, st: MatrixAlias, s: Scope, inLoop: boolean, ind: string): boolean {
  const ms = matricesIn(s);
  if (ms.length === 0) return false;
  const m = pick(ms, st.m);
  const name = p.fresh('m');
  const e = p.expr(st.e, s);
  p.lines.push(`${ind}const ${name} = ${p.use(m.name)};`);
  const r = st.at % m.rows.length;
  p.lines.push(`${ind}${name}[${r}][${Math.floor(st.at / 3) % m.rows[r]}] += ${inLoop ? `Math.sin(${e.t})` : e.t};`);
  s.objs.push({ name, shape: [], replaceable: false, rows: m.rows, element: m.element });
  return true;
}

/** The helpers taking rows or matrices, each with those it calls. */
const helpers: Readonly<Record<string, { readonly calls: readonly string[]; readonly lines: readonly string[] }>> = {
  rowDot: {
    calls: [],
    lines: ['function rowDot(r: readonly number[], c: number): number {', '  let s = 0;', '  for (let j = 0; j < r.length; j++) s += r[j] * Math.sin(c + j);', '  return s;', '}'],
  },
  matSum: {
    calls: [],
    lines: [
      'function matSum(W: readonly (readonly number[])[], c: number): number {',
      '  let s = 0;',
      '  for (let i = 0; i < W.length; i++) for (let j = 0; j < W[i].length; j++) s += Math.sin(W[i][j] * c + i);',
      '  return s;',
      '}',
    ],
  },
  matDecay: {
    calls: [],
    lines: [
      'function matDecay(W: number[][], c: number): number {',
      '  let s = 0;',
      '  for (let i = 0; i < W.length; i++) {',
      '    for (let j = 0; j < W[i].length; j++) {',
      '      s += W[i][j] * Math.cos(c + j);',
      '      W[i][j] *= 0.9;',
      '    }',
      '  }',
      '  return Math.tanh(s);',
      '}',
    ],
  },
  matStep: {
    calls: [],
    lines: [
      'function matStep(W: number[][], c: number): void {',
      '  for (let i = 0; i < W.length; i++) {',
      '    for (let j = 0; j < W[i].length; j++) W[i][j] += 0.5 * Math.sin(c * W[i][j]);',
      '  }',
      '}',
    ],
  },
  matRows: {
    calls: ['rowDot'],
    lines: ['function matRows(W: number[][], c: number): void {', '  let s = 0;', '  for (const row of W) s += rowDot(row, c);', '  W[0][0] = Math.tanh(W[0][0] + s);', '}'],
  },
  matInto: {
    calls: [],
    lines: [
      'function matInto(W: readonly (readonly number[])[], a: { x: number; y: number }, c: number): void {',
      '  for (const row of W) a.y += Math.tanh(row.reduce((s, u) => s + u * Math.sin(c), a.x));',
      '}',
    ],
  },
};

/** The helpers (`rowDot`, `matStep`, …) that the code `used` calls, and those they call, declared in a fixed order. */
export function matrixHelperLines(used: string): string[] {
  const needed = new Set(Object.keys(helpers).filter((name) => new RegExp(`\\b${name}\\(`).test(used)));
  for (const name of [...needed]) helpers[name].calls.forEach((c) => needed.add(c));
  return Object.keys(helpers)
    .filter((name) => needed.has(name))
    .flatMap((name) => [...helpers[name].lines, '']);
}
