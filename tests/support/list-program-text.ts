/**
 * Prints the list statements of a random scalar program (list-programs.ts `ListRead`,
 * `ListWrite`, `ListAlias`) for object-program-text.ts, the interfaces of list
 * elements and the module-level helpers taking elements.
 *
 * A list in scope is a `ListVar`: how the code names it (`p.pts`, `o3.bodies`, `l2`)
 * and its elements' shapes. The statements read a number of each element (a
 * `Leaf`: `q.x`, `q.p.y`, `q.v[0]`, `q.W[0][q.W[0].length - 1]`, or a sum over the
 * element's array or matrix, `q.v.reduce(…)`, `q.W.reduce((d, row) => …)`) in
 * index loops bounded by `L.length` (and `L[i].v.length`, `L[i].W.length`,
 * `L[i].W[r].length` for the element's own numbers), `for (const q of L)`, `for
 * (const { x, y } of L)`, callbacks of `map`, `reduce` and `forEach`, through
 * `const q = L[i]`, and in helpers taking elements; they write an element's numbers
 * (`=`, `+=`, `-=`, `*=`, `/=`, `||=`, `++`, `--`) the same ways, also through
 * `nudge(L[i], e)`-like helpers and second names. Each number enters through a
 * bounded term (`Math.sin(u * e)`, `u * Math.cos(e)`, `Math.tanh(u + e)`, `u * u /
 * (1 + e ** 2)`), and writes inside loops go through bounded functions, so that
 * programs stay well conditioned. Printing is deterministic.
 */
import type { Scope } from './program-text';
import type { Code } from './programs';
import { avoid, isList, type List } from './object-programs';
import { elementTypes, type ListAlias, type ListKind, type ListRead, type ListWrite } from './list-programs';
// (a cycle: object-program-text.ts prints these statements; addObject runs only once both are loaded)
import { addObject, type ObjVar, type Printer } from './object-program-text';

/** A list in scope: how the code names it, and its elements. */
interface ListVar {
  readonly name: string;
  readonly list: List;
}

const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length];
const wrap = (c: Code) => (c.atom ? c.t : `(${c.t})`);

/** The lists in scope: the list properties of the objects in scope, and names bound to lists. */
function listsIn(s: Scope): ListVar[] {
  return s.objs.flatMap((o) => (o.list ? [{ name: o.name, list: o.list }] : o.shape.flatMap((f) => (isList(f.t) ? [{ name: `${o.name}.${f.key}`, list: f.t }] : []))));
}

/** The elements of list `path` that are objects in scope (their numbers read and assigned as variables): the first and the last. */
export function listElements(path: string, list: List): ObjVar[] {
  const last = list.list.length - 1;
  return [0, ...(last > 0 ? [last] : [])].map((i) => ({ name: `${path}[${i}]`, shape: list.list[i], replaceable: false, element: true }));
}

/** Bounded terms of a number `u` and an expression `e`. */
const terms: readonly ((u: string, e: Code) => string)[] = [
  (u, e) => `Math.sin(${u} * ${wrap(e)})`,
  (u, e) => `${u} * Math.cos(${e.t})`,
  (u, e) => `Math.tanh(${u} + ${wrap(e)})`,
  (u, e) => `${u} * ${u} / (1 + ${wrap(e)} ** 2)`,
];

/** A term `T` of a number of element `E`: `T(E.x)`, or a sum of T over the element's array or matrix (fresh names from `p`). */
type Leaf = (E: string, T: (u: string) => string, p: Printer) => string;

const sum = (p: Printer, array: string, T: (u: string) => string) => {
  const [d, u] = [p.fresh('d'), p.fresh('u')];
  return `${array}.reduce((${d}, ${u}) => ${d} + ${T(u)}, 0)`;
};

/** The numbers of an element that statements read, by kind. */
const leaves: Readonly<Record<ListKind, readonly Leaf[]>> = {
  points: [(E, T) => T(`${E}.x`), (E, T) => T(`${E}.y`)],
  bodies: [
    (E, T) => T(`${E}.p.x`),
    (E, T) => T(`${E}.m`),
    (E, T) => T(`${E}.v[0]`),
    (E, T) => T(`${E}.p.y`),
    (E, T) => T(`${E}.v[${E}.v.length - 1]`),
    (E, T, p) => sum(p, `${E}.v`, T),
  ],
  layers: [
    (E, T) => T(`${E}.b[0]`),
    (E, T) => T(`${E}.W[0][0]`),
    (E, T) => T(`${E}.W[${E}.W.length - 1][${E}.W[0].length - 1]`),
    (E, T, p) => sum(p, `${E}.b`, T),
    // (its rows as values: see `avoid.rowsOfElementMatrices`)
    ...(avoid.rowsOfElementMatrices
      ? []
      : [
          (E: string, T: (u: string) => string, p: Printer) => {
            const [d, row] = [p.fresh('d'), p.fresh('row')];
            return `${E}.W.reduce((${d}, ${row}) => ${d} + ${T(`${row}[0]`)}, 0)`;
          },
        ]),
  ],
};

/** The numbers of an element that statements write (assignable), by kind. */
const targets: Readonly<Record<ListKind, readonly ((E: string) => string)[]>> = {
  points: [(E) => `${E}.x`, (E) => `${E}.y`],
  bodies: [(E) => `${E}.p.x`, (E) => `${E}.v[0]`, (E) => `${E}.m`, (E) => `${E}.p.y`, (E) => `${E}.v[${E}.v.length - 1]`],
  layers: [(E) => `${E}.b[0]`, (E) => `${E}.W[0][0]`, (E) => `${E}.W[${E}.W.length - 1][0]`, (E) => `${E}.b[${E}.b.length - 1]`],
};

/**
 * Every number of an element `E` of some array or matrix, in loops over it (`for (let j = 0; j <
 * E.v.length; j++)`): the loop headers and the number, by kind (`leaf`, modulo; points have none:
 * their x or y).
 */
function sweep(kind: ListKind, leaf: number, E: string, p: Printer): { heads: string[]; u: string } {
  const loop = (j: string, bound: string) => `for (let ${j} = 0; ${j} < ${bound}.length; ${j}++)`;
  const [j, k] = [p.fresh('j'), p.fresh('j')];
  if (kind === 'points') return { heads: [], u: `${E}.${leaf % 2 === 0 ? 'x' : 'y'}` };
  if (kind === 'bodies') return leaf % 3 === 2 ? { heads: [], u: `${E}.p.x` } : { heads: [loop(j, `${E}.v`)], u: `${E}.v[${j}]` };
  return leaf % 2 === 0 ? { heads: [loop(j, `${E}.W`), loop(k, `${E}.W[${j}]`)], u: `${E}.W[${j}][${k}]` } : { heads: [loop(j, `${E}.b`)], u: `${E}.b[${j}]` };
}

/** Helpers taking an element of each kind: one reading (a number), one writing into it. */
const elementHelpers: Readonly<Record<ListKind, { readonly read: string; readonly write: string }>> = {
  points: { read: 'dist', write: 'nudge' },
  bodies: { read: 'kinetic', write: 'drift' },
  layers: { read: 'layerSum', write: 'decay' },
};

/** `const vN = …` or `let vN = 0; …`: a number read from a list in scope (false where there is none). */
export function listRead(p: Printer, st: ListRead, s: Scope, inLoop: boolean, ind: string): boolean {
  const ls = listsIn(s);
  if (ls.length === 0) return false;
  const out = (line: string): void => void p.lines.push(ind + line);
  const l = pick(ls, st.l);
  const L = p.use(l.name);
  const { kind } = l.list;
  const n = l.list.list.length;
  const v = p.fresh('v');
  const leaf = pick(leaves[kind], st.leaf);
  const withE = (e: Code) => (u: string) => pick(terms, st.term)(u, e);
  // The second variant of a form (an array kept, a last element): by the term's index.
  const alt = Math.floor(st.term / terms.length) % 2 === 1;
  const labelled = l.list.list[0].some((f) => f.key === 'label');
  const form = st.form === 'data' && !labelled ? 'forOf' : st.form;
  switch (form) {
    case 'loops': {
      const i = p.fresh('i');
      const e = p.expr(st.e, { ...s, vars: [...s.vars, i], counters: [...s.counters, i] });
      const { heads, u } = sweep(kind, st.leaf, `${L}[${i}]`, p);
      out(`let ${v} = 0;`);
      out(`for (let ${i} = 0; ${i} < ${L}.length; ${i}++) {`);
      out(`  ${heads.map((h) => `${h} `).join('')}${v} += ${withE(e)(u)};`);
      out('}');
      break;
    }
    case 'forOf':
    case 'data': {
      const e = p.expr(st.e, s);
      const q = p.fresh('q');
      out(`let ${v} = 0;`);
      out(`for (const ${q} of ${L}) ${form === 'data' ? `if (${q}.label === "up") ` : ''}${v} += ${leaf(q, withE(e), p)};`);
      break;
    }
    case 'destructure': {
      const e = p.expr(st.e, s);
      const [a, b] = [p.fresh('a'), p.fresh('b')];
      const [keys, value] =
        kind === 'points'
          ? [`x: ${a}, y: ${b}`, `${withE(e)(a)} * Math.cos(${b})`]
          : kind === 'bodies'
            ? [`p: ${a}, m: ${b}`, `${withE(e)(b)} * Math.cos(${a}.x)`]
            : [`b: ${a}`, withE(e)(`${a}[0]`)];
      out(`let ${v} = 0;`);
      out(`for (const { ${keys} } of ${L}) ${v} += ${value};`);
      break;
    }
    case 'map': {
      const e = p.expr(st.e, s);
      const q = p.fresh('q');
      const made = `${L}.map((${q}) => ${leaf(q, withE(e), p)})`;
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
      const [acc, q, i] = [p.fresh('s'), p.fresh('q'), p.fresh('i')];
      out(`const ${v} = ${L}.reduce((${acc}, ${q}, ${i}) => ${acc} + ${leaf(q, withE(e), p)} / (1 + ${i}), 0);`);
      break;
    }
    case 'forEach': {
      const e = p.expr(st.e, s);
      const [q, i] = [p.fresh('q'), p.fresh('i')];
      out(`let ${v} = 0;`);
      out(`${L}.forEach((${q}, ${i}) => {`);
      out(`  ${v} += ${leaf(q, withE(e), p)} * Math.cos(${i});`);
      out('});');
      break;
    }
    case 'element': {
      // The element itself under a second name (`const q = L[i]`), or read in place.
      const e = p.expr(st.e, s);
      const at = alt ? `${L}.length - 1` : String(st.at % n);
      const q = p.fresh('q');
      out(`const ${q} = ${L}[${at}];`);
      out(`const ${v} = ${leaf(q, withE(e), p)} + ${leaf(`${L}[0]`, withE(e), p)};`);
      break;
    }
    case 'helper': {
      const e = p.expr(st.e, s);
      const h = elementHelpers[kind].read;
      const call = (E: string, F: string) => (kind === 'points' ? `${h}(${E}, ${F})` : `${h}(${E}, ${e.t})`);
      if (alt) {
        const q = p.fresh('q');
        out(`let ${v} = 0;`);
        out(`for (const ${q} of ${L}) ${v} += ${call(q, `${L}[0]`)};`);
      } else out(`const ${v} = ${call(`${L}[${st.at % n}]`, `${L}[${L}.length - 1]`)};`);
      break;
    }
  }
  s.vars.push(v);
  return true;
}

/** Writes into the elements of a list in scope (false where there is none). */
export function listWrite(p: Printer, st: ListWrite, s: Scope, inLoop: boolean, ind: string): boolean {
  const ls = listsIn(s);
  if (ls.length === 0) return false;
  const out = (line: string): void => void p.lines.push(ind + line);
  const l = pick(ls, st.l);
  const L = p.use(l.name);
  const { kind } = l.list;
  const n = l.list.list.length;
  const target = pick(targets[kind], st.leaf);
  // Repeated writes (over elements, in loops) go through bounded functions.
  const write = (u: string, e: Code, repeated: boolean): string => {
    if (st.op === '++' || st.op === '--') return `${u}${st.op};`;
    if (st.op === '*=') return `${u} *= Math.cos(${e.t});`;
    if (st.op === '/=') return `${u} /= 1 + ${wrap(e)} ** 2;`;
    if (st.op === '+=' || st.op === '-=' || st.op === '||=') return `${u} ${st.op} ${repeated ? `Math.sin(${e.t})` : e.t};`;
    return `${u} = Math.sin(${u} + ${wrap(e)});`;
  };
  // What a write over the elements adds: `e` and another number of the element.
  const plus = (e: Code, E: string): Code => ({ t: `${wrap(e)} + ${pick(leaves[kind], st.leaf + 1)(E, (u) => u, p)}`, atom: false });
  switch (st.form) {
    case 'loops': {
      const i = p.fresh('i');
      const e = p.expr(st.e, { ...s, vars: [...s.vars, i], counters: [...s.counters, i] });
      const { heads, u } = sweep(kind, st.leaf, `${L}[${i}]`, p);
      out(`for (let ${i} = 0; ${i} < ${L}.length; ${i}++) {`);
      out(`  ${heads.map((h) => `${h} `).join('')}${write(u, e, true)}`);
      out('}');
      break;
    }
    case 'forOf': {
      const q = p.fresh('q');
      out(`for (const ${q} of ${L}) ${write(target(q), plus(p.expr(st.e, s), q), true)}`);
      break;
    }
    case 'forEach': {
      const q = p.fresh('q');
      out(`${L}.forEach((${q}) => {`);
      out(`  ${write(target(q), plus(p.expr(st.e, s), q), true)}`);
      out('});');
      break;
    }
    case 'element':
      out(write(target(`${L}[${st.at % n}]`), p.expr(st.e, s), inLoop));
      break;
    case 'helper': {
      const e = p.expr(st.e, s).t;
      const h = elementHelpers[kind].write;
      const q = p.fresh('q');
      if (st.at % 3 === 0) out(`for (const ${q} of ${L}) ${h}(${q}, Math.sin(${e}));`);
      else out(`${h}(${L}[${st.at % n}], ${inLoop ? `Math.sin(${e})` : e});`);
      break;
    }
  }
  return true;
}

/** `const qN = L[i]; qN.x += e;` or `const lN = L; lN[i].x += e;`: a second name, written through (false where there is no list). */
export function listAlias(p: Printer, st: ListAlias, s: Scope, inLoop: boolean, ind: string): boolean {
  const ls = listsIn(s);
  if (ls.length === 0) return false;
  const l = pick(ls, st.l);
  const i = st.at % l.list.list.length;
  const e = p.expr(st.e, s);
  const name = p.fresh(st.whole ? 'l' : 'q');
  p.lines.push(`${ind}const ${name} = ${p.use(l.name)}${st.whole ? '' : `[${i}]`};`);
  const target = pick(targets[l.list.kind], st.leaf)(st.whole ? `${name}[${i}]` : name);
  p.lines.push(`${ind}${target} += ${inLoop ? `Math.sin(${e.t})` : e.t};`);
  if (st.whole) s.objs.push({ name, shape: [], replaceable: false, list: l.list });
  else addObject(s, { name, shape: l.list.list[i], replaceable: false, element: true });
  return true;
}

/** The helpers taking list elements, each with the helpers it calls. */
const helpers: Readonly<Record<string, readonly string[]>> = {
  dist: ['function dist(a: { x: number; y: number }, b: { x: number; y: number }): number {', '  return Math.sqrt(1 + (a.x - b.x) ** 2 + (a.y - b.y) ** 2);', '}'],
  nudge: ['function nudge(a: { x: number; y: number }, d: number): void {', '  a.x += d * Math.sin(a.y);', '  a.y = Math.tanh(a.y + d);', '}'],
  kinetic: [
    'function kinetic(b: { p: { x: number; y: number }; v: number[]; m: number }, c: number): number {',
    '  let s = 0;',
    '  for (const u of b.v) s += u * u;',
    '  return 0.5 * Math.tanh(b.m) * s + Math.sin(c * b.p.y);',
    '}',
  ],
  drift: [
    'function drift(b: { p: { x: number; y: number }; v: number[]; m: number }, dt: number): void {',
    '  b.p.x += dt * b.v[0];',
    '  b.p.y += dt * Math.sin(b.v[b.v.length - 1]);',
    '  for (let j = 0; j < b.v.length; j++) b.v[j] *= Math.cos(dt * b.m);',
    '}',
  ],
  layerSum: [
    'function layerSum(layer: { W: number[][]; b: number[] }, c: number): number {',
    '  let t = 0;',
    '  for (let i = 0; i < layer.W.length; i++) {',
    '    let s = layer.b[i];',
    '    for (let j = 0; j < layer.W[i].length; j++) s += layer.W[i][j] * Math.sin(c + j);',
    '    t += Math.tanh(s);',
    '  }',
    '  return t;',
    '}',
  ],
  decay: [
    'function decay(layer: { W: number[][]; b: number[] }, c: number): void {',
    '  for (let i = 0; i < layer.W.length; i++) {',
    '    for (let j = 0; j < layer.W[i].length; j++) layer.W[i][j] *= Math.cos(c);',
    '    layer.b[i] += 0.5 * Math.sin(c * layer.b[i]);',
    '  }',
    '}',
  ],
};

/** The interfaces of list elements that `used` names (a `Particle` holds a `Vec2`, declared by the caller), then the helpers it calls. */
export function listDeclarationLines(used: string): string[] {
  const types = Object.entries(elementTypes).filter(([name]) => new RegExp(`\\b${name}\\b`).test(used));
  const calls = Object.keys(helpers).filter((name) => new RegExp(`\\b${name}\\(`).test(used));
  return [
    ...types.flatMap(([name, text]) => [`interface ${name} ${text.replace(/^\{ /, '{\n  ').replace(/; /g, ';\n  ').replace(/ \}$/, ';\n}')}`, '']),
    ...calls.flatMap((name) => [...helpers[name], '']),
  ];
}
