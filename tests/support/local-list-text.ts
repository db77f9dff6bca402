/**
 * Prints the statements of a random program of layers (layer-programs.ts) that make
 * arrays of objects inside `f` and use them (`make`, `local`, and the `perObject`
 * result), for layer-program-text.ts (the helpers they call are in layer-helpers.ts).
 *
 * A local list holds points `{ x; y }` (`Pt` where the program names its types) or
 * bodies `{ pos: { x; y }; vel: { x; y }; mass }` (`Body`), made from the numbers in
 * scope: pushed one object per element of an array variable (`x`, `h`, a row of data),
 * mapped from one, from the data rows or `sizes`, from the model's points or layers,
 * written as a literal, or returned by `ring(cx, r, n)`. Statements read it (a
 * centroid, `area(L)`, `spread(L)`, `energy(L)`, edges `L[i]`, `L[(i + 1) %
 * L.length]`, `reduce`, destructuring in `for … of`), write it (stepping positions by
 * velocities, `forEach`, smoothing `L[i].x` with `L[i - 1].x`, `const o = L[0]`, a
 * bounce under a condition, `step(L, dt)` of a helper), push onto it (also under a
 * condition) and map it to a new array variable; the first and last elements' numbers
 * are numbers in scope for every later expression. Each number read enters through a
 * bounded term, and writes in loops go through bounded functions, so that programs stay
 * well conditioned. Every local list has at least one object (`L[0]` and `L[L.length -
 * 1]` are always in range), and the printer knows its length where it is fixed.
 * Printing is deterministic.
 */
import { avoid, type Expr, type LayerProgram, type Stmt } from './layer-programs';
import type { ArrayState, Scope } from './layer-program-text';
import { objectType } from './layer-helpers';

/** A local list: its length where the printer knows it, whether it holds bodies (else points), whether it was made in a loop's body. */
export interface ListState {
  len: number | undefined;
  readonly body: boolean;
  readonly inLoop: boolean;
}

/** What the statements here need of layer-program-text.ts's printer. */
export interface LocalPrinter {
  readonly lines: string[];
  readonly p: LayerProgram;
  fresh(prefix: string): string;
  expr(e: Expr, s: Scope): string;
  /** A bounded term (`Math.sin(u * (e))`, …) of `u`, chosen by `i`. */
  term(i: number, u: string, e: Expr, s: Scope): string;
  /** A number local to add to, or a new one declared here. */
  accumulator(s: Scope, into: number, ind: string): string;
  declareArray(s: Scope, name: string, state: ArrayState): void;
}

const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length];
/** An object's coordinates (a body's position). */
const X = (o: string, body: boolean) => (body ? `${o}.pos.x` : `${o}.x`);
const Y = (o: string, body: boolean) => (body ? `${o}.pos.y` : `${o}.y`);

/** The local lists in scope, a new one made first where there is none. */
function listsOf(pr: LocalPrinter, s: Scope, at: number, e: Expr, ind: string): string[] {
  if (s.lists.size === 0) printMake(pr, { k: 'make', form: 'push', body: at % 2 === 1, src: at, at, e }, s, ind);
  return [...s.lists.keys()];
}

/** `const ptsN = …;`: a new local list in scope (its first and last elements' numbers too). */
export function printMake(pr: LocalPrinter, st: Extract<Stmt, { k: 'make' }>, s: Scope, ind: string): void {
  const out = (...lines: string[]) => void pr.lines.push(...lines.map((line) => ind + line));
  const { rows, sizes, points, widths } = pr.p;
  const body = st.body;
  let form = st.form;
  if (form === 'rows' && !rows && !sizes) form = 'map';
  if (form === 'ring' && body) form = 'push';
  // (see `avoid.pushesInRecordedLoops`)
  if (form === 'push' && s.inLoop && avoid.pushesInRecordedLoops) form = 'map';
  const name = pr.fresh(body ? 'bodies' : 'pts');
  const type = objectType(pr.p, body);
  const annotation = st.at % 2 === 0 ? `: ${type}[]` : '';
  const src = pick([...s.arrays.keys()], st.src);
  const from = s.arrays.get(src)!;
  const [v, i] = [pr.fresh('v'), pr.fresh('i')];
  const T = (u: string) => pr.term(st.at, u, st.e, s);
  const E = () => pr.expr(st.e, s);
  /** An object from a number `u` (and an index `i`): a point (u, T(u)), a body at u moving at T(u). */
  const made = (u: string, at?: string) => {
    if (!body) return `{ x: ${u}, y: ${T(u)}${at ? ` + 0.25 * ${at}` : ''} }`;
    return `{ pos: { x: ${u}, y: ${at ?? '0'} }, vel: { x: ${T(u)}, y: 0.5 }, mass: ${st.at % 3 === 0 ? `1 + ${u} * ${u}` : at ? `1 + ${at}` : '1'} }`;
  };
  let len: number | undefined;
  switch (form) {
    case 'push':
      // (`let` never assigned again, sometimes)
      out(`${st.at % 5 === 4 ? 'let' : 'const'} ${name}: ${type}[] = [];`);
      if (st.at % 3 === 0) out(`for (const ${v} of ${src}) ${name}.push(${made(v)});`);
      else out(`for (let ${i} = 0; ${i} < ${src}.length; ${i}++) ${name}.push(${made(`${src}[${i}]`, i)});`);
      len = from.len;
      break;
    case 'map':
      // (points also by a shorthand property, `(y, i) => ({ x: …, y })`: no name in scope is `y`)
      if (!body && st.at % 4 === 3) out(`const ${name}${annotation} = ${src}.map((y, ${i}) => ({ x: ${T('y')} + 0.25 * ${i}, y }));`);
      else out(`const ${name}${annotation} = ${src}.map((${v}, ${i}) => (${made(v, i)}));`);
      len = from.len;
      break;
    case 'rows':
      if (rows && (!sizes || st.src % 2 === 0)) {
        const z = pr.fresh('z');
        // (a callback with a body, as for features computed from a row)
        if (st.at % 3 === 1) out(`const ${name}${annotation} = X.map((${v}) => {`, `  const ${z} = ${v}[0] * (${E()}) + ${v}[${v}.length - 1];`, `  return ${made(z)};`, '});');
        else out(`const ${name}${annotation} = X.map((${v}) => (${made(`${v}[${v}.length - 1] * (${E()})`)}));`);
        len = rows.length;
      } else {
        out(`const ${name}${annotation} = sizes.map((${v}, ${i}) => (${made(`0.5 * ${v}`, i)}));`);
        len = sizes!.length;
      }
      break;
    case 'points': {
      // (of the model's points, of a local list, or of the model's layers)
      const local = s.lists.size > 0 && (st.at % 3 === 1 || points === 0) ? pick([...s.lists.keys()], st.src) : undefined;
      const list = local ?? (points > 0 ? 'm.pts' : undefined);
      if (list === undefined) {
        out(`const ${name}${annotation} = m.layers.map((${v}, ${i}) => (${made(`${v}.b[0]`, i)}));`);
        len = widths.length - 1;
        break;
      }
      const ofBodies = local ? s.lists.get(local)!.body : false;
      const [u, w] = [X(v, ofBodies), Y(v, ofBodies)];
      len = local ? s.lists.get(local)!.len : points;
      if (body) {
        out(`const ${name}${annotation} = ${list}.map((${v}, ${i}) => ({ pos: { x: ${u}, y: ${w} }, vel: { x: ${T(u)}, y: 0 }, mass: 1 + ${i} }));`);
        break;
      }
      // (turned by an angle)
      const [c, d] = [`Math.cos(${E()})`, `Math.sin(${E()})`];
      out(`const ${name}${annotation} = ${list}.map((${v}) => ({ x: ${u} * ${c} - ${w} * ${d}, y: ${u} * ${d} + ${w} * ${c} }));`);
      break;
    }
    case 'literal': {
      const objects = [made(E()), made(`${src}[0]`), ...(st.at % 2 === 0 ? [made(`${src}[${src}.length - 1]`, '2')] : [])];
      out(`const ${name}${annotation} = [${objects.join(', ')}];`);
      len = objects.length;
      break;
    }
    case 'ring': {
      // (or a list of points moved by a helper returning a new list)
      const pointLists = [...s.lists].filter(([, l]) => !l.body);
      if (st.at % 3 === 1 && pointLists.length > 0) {
        const [P, l] = pick(pointLists, st.src);
        out(`const ${name} = translate(${P}, ${E()}, ${T(`${P}[0].x`)});`);
        len = l.len;
        break;
      }
      len = 3 + (st.at % 3);
      out(`const ${name} = ring(${E()}, ${T(`${src}[0]`)}, ${len});`);
      break;
    }
  }
  s.lists.set(name, { len, body, inLoop: s.inLoop });
  s.nums.push(X(`${name}[0]`, body), Y(`${name}[${name}.length - 1]`, body));
}

/** A statement on a local list (`local`). */
export function printLocal(pr: LocalPrinter, st: Extract<Stmt, { k: 'local' }>, s: Scope, ind: string): void {
  const out = (...lines: string[]) => void pr.lines.push(...lines.map((line) => ind + line));
  const L = pick(listsOf(pr, s, st.at, st.e, ind), st.a);
  const state = s.lists.get(L)!;
  const body = state.body;
  const [x, y] = [(o: string) => X(o, body), (o: string) => Y(o, body)];
  const T = (u: string) => pr.term(st.at, u, st.e, s);
  const E = () => pr.expr(st.e, s);
  const bounded = () => (s.inLoop ? `Math.sin(${E()})` : E());
  const reads = ['centroid', 'area', 'spread', 'edges', 'reduce', 'destructure', 'element', 'clamp'].includes(st.form);
  const to = reads ? pr.accumulator(s, st.into, ind) : '';
  const [o, q, i, a] = [pr.fresh('o'), pr.fresh('o'), pr.fresh('i'), pr.fresh('a')];
  const odd = st.at % 2 === 1;
  switch (st.form) {
    case 'centroid': {
      const [cx, cy] = [pr.fresh('cx'), pr.fresh('cy')];
      out(`let ${cx} = 0;`);
      out(`let ${cy} = 0;`);
      out(`for (const ${o} of ${L}) {`, `  ${cx} += ${x(o)};`, `  ${cy} += ${y(o)};`, '}');
      out(`${cx} /= ${L}.length;`);
      out(`${cy} /= ${L}.length;`);
      out(`${to} += ${T(cx)} * Math.cos(${cy});`);
      return void s.nums.push(cx, cy);
    }
    case 'area':
      // (or of a polygon around its first object, `area(ring(…))`)
      if (st.at % 3 === 2) return out(`${to} += ${T(`area(ring(${x(`${L}[0]`)}, ${E()}, ${3 + (st.at % 4)}))`)};`);
      return out(`${to} += ${T(`area(${body ? `${L}.map((${o}) => ({ x: ${o}.pos.x, y: ${o}.pos.y }))` : L})`)};`);
    case 'spread':
      return out(`${to} += ${T(body ? `energy(${L})` : `spread(${L})`)};`);
    case 'edges':
      out(`for (let ${i} = 0; ${i} < ${L}.length; ${i}++) {`);
      out(`  const ${o} = ${L}[${i}];`);
      out(`  const ${q} = ${L}[(${i} + 1) % ${L}.length];`);
      if (odd) out(`  ${to} += Math.sqrt(1 + (${x(o)} - ${x(q)}) ** 2 + (${y(o)} - ${y(q)}) ** 2);`);
      else out(`  ${to} += 0.5 * (${x(o)} * ${y(q)} - ${x(q)} * ${y(o)});`);
      return out('}');
    case 'reduce':
      if (odd) return out(`${to} += ${L}.reduce((${a}, ${o}, ${i}) => ${a} + ${T(x(o))} / (1 + ${i}), 0);`);
      return out(`${to} += ${L}.reduce((${a}, ${o}) => ${a} + ${T(x(o))} * ${y(o)}, 0);`);
    case 'destructure':
      if (!body) return out(`for (const { x: ${o}, y: ${q} } of ${L}) ${to} += ${T(o)} * Math.cos(${q});`);
      if (odd) return out(`for (const { pos: ${o}, mass: ${q} } of ${L}) ${to} += ${T(`${o}.x`)} * ${q} + ${o}.y;`);
      return out(`for (const { pos: { x: ${o}, y: ${q} }, vel: ${a} } of ${L}) ${to} += ${T(o)} * ${q} + ${a}.x;`);
    case 'step':
      if (!body) return out(`for (const ${o} of ${L}) {`, `  ${o}.x += Math.sin(${E()} * ${o}.y);`, `  ${o}.y *= Math.cos(${E()});`, '}');
      if (odd) return out(`step(${L}, 0.1 * Math.cos(${E()}));`);
      out(`for (const ${o} of ${L}) {`);
      out(`  ${o}.vel.x -= 0.1 * ${o}.pos.x;`, `  ${o}.vel.y -= 0.1 * Math.sin(${E()});`, `  ${o}.pos.x += 0.1 * ${o}.vel.x;`, `  ${o}.pos.y += 0.1 * ${o}.vel.y;`);
      return out('}');
    case 'forEach':
      if (!body) return out(`${L}.forEach((${o}, ${i}) => {`, `  ${o}.y += 0.5 * Math.sin(${E()} + ${i} * ${o}.x);`, '});');
      return out(`${L}.forEach((${o}) => {`, `  ${o}.pos.y += 0.1 * ${o}.vel.y;`, `  ${o}.vel.x *= Math.cos(${E()});`, '});');
    case 'smooth':
      if (odd) return out(`for (let ${i} = 1; ${i} < ${L}.length; ${i}++) ${y(`${L}[${i}]`)} += 0.5 * Math.sin(${x(`${L}[${i} - 1]`)} * ${E()});`);
      return out(`for (let ${i} = 1; ${i} < ${L}.length; ${i}++) ${x(`${L}[${i}]`)} = 0.5 * (${x(`${L}[${i}]`)} + ${x(`${L}[${i} - 1]`)});`);
    case 'element':
      out(`const ${o} = ${L}[${odd ? `${L}.length - 1` : 0}];`);
      out(`${y(o)} += ${bounded()};`);
      return out(`${to} += ${T(x(o))};`);
    case 'clamp':
      out(`for (const ${o} of ${L}) {`);
      if (body) out(`  if (${o}.pos.y < 0) {`, `    ${o}.pos.y = -${o}.pos.y;`, `    ${o}.vel.y = -0.5 * ${o}.vel.y;`, `  } else ${to} += ${T(`${o}.pos.x`)};`);
      else out(`  if (${o}.y < 0) ${o}.y = -0.5 * ${o}.y;`, `  else ${to} += ${T(`${o}.x`)};`);
      return out('}');
    case 'push': {
      // (not onto a list made in this loop's body, see `avoid.pushesInRecordedLoops`, nor one its block read before, see
      // `avoid.lengthsBeforePushes`: its objects are moved instead)
      const named = s.block !== undefined && pr.lines.slice(s.block.from).some((line) => new RegExp(`\\b${L}\\b`).test(line));
      if ((state.inLoop && avoid.pushesInRecordedLoops) || (named && avoid.lengthsBeforePushes)) return printLocal(pr, { ...st, form: 'step' }, s, ind);
      // (what is pushed reads the list at 0, not at its end: see `avoid.lengthsBeforePushes`)
      const end = (n: string) => n.startsWith(`${L}[${L}.length - 1]`);
      const r = avoid.lengthsBeforePushes ? { ...s, nums: s.nums.filter((n) => !end(n)) } : s;
      const last = avoid.lengthsBeforePushes ? `${L}[0]` : `${L}[${L}.length - 1]`;
      const [e, u] = [s.inLoop ? `Math.sin(${pr.expr(st.e, r)})` : pr.expr(st.e, r), pr.term(st.at, x(last), st.e, r)];
      const object = body ? `{ pos: { x: ${e}, y: ${y(last)} }, vel: { x: 0, y: 0.5 }, mass: 1 }` : `{ x: ${e}, y: ${u} }`;
      if (odd) out(`if (${x(`${L}[0]`)} < ${pr.expr(st.e, r)}) ${L}.push(${object});`);
      else out(`${L}.push(${object});`);
      state.len = odd || state.len === undefined ? undefined : state.len + 1;
      return;
    }
    case 'numbers': {
      const h = pr.fresh('h');
      if (body) out(`let ${h} = ${L}.map((${o}, ${i}) => ${o}.mass * ${o}.vel.x + ${T(`${o}.pos.y`)} + ${i});`);
      else out(`let ${h} = ${L}.map((${o}) => ${odd ? `${T(`${o}.x`)} + ` : ''}${o}.x * ${o}.y);`);
      return pr.declareArray(s, h, { len: state.len, fresh: true });
    }
  }
}

/** The result `L.map((o) => …)` of a local list (`e` its expression, with every number local), or undefined without one. */
export function perObject(s: Scope, a: number, term: (u: string) => string): string | undefined {
  if (s.lists.size === 0) return undefined;
  const L = pick([...s.lists.keys()], a);
  const body = s.lists.get(L)!.body;
  return `  return ${L}.map((o) => ${term(X('o', body))} + ${Y('o', body)});`;
}
