/**
 * Prints the object part of a random scalar program (object-programs.ts) for
 * program-text.ts: the object statements of a body, the object helpers, the
 * types of object parameters and the interfaces they use.
 *
 * An object in scope is an `ObjVar`: its name as code (`p`, `p.pos`, `o3`), its
 * type, and whether it is a `let` the program replaces as a whole. Adding one to
 * a scope adds its nested objects as objects of their own, and each of its numbers
 * (`p.pos.x`) as a variable that numeric statements read and assign. An object
 * that may be replaced is never given a second name (no alias, no destructured
 * part, nothing nested), so every program is one the compiler accepts (README:
 * making two names one object and replacing one of them is an error). Printing is
 * deterministic. Matrix properties (`W: number[][]`) print as such; the matrix
 * statements, which come as the 'oNum', 'oWrite' and 'oAlias' statements with a
 * `matrix` (and fall back to the object forms where no matrix is in scope), are
 * printed by matrix-programs.ts, and so are the helpers they call. List properties
 * (`pts: Point[]`) print with their elements' interfaces; their first and last
 * elements (`p.pts[0]`) are objects in scope (`element`), and the list statements
 * (with a `list`) are printed by list-program-text.ts.
 */
import type { Scope } from './program-text';
import type { Code, Cond, Expr, Stmt } from './programs';
import { avoid, isList, isMatrix, isShape, isVector, VEC2, type List, type ObjectHelper, type ObjectShape, type ObjectStmt } from './object-programs';
import { matrixAlias, matrixElements, matrixHelperLines, matrixRead, matrixWrite } from './matrix-programs';
import { listAlias, listDeclarationLines, listElements, listRead, listWrite } from './list-program-text';

export interface ObjVar {
  readonly name: string;
  readonly shape: ObjectShape;
  /** A `let` object replaced as a whole (`s = { … }`): never given another name. */
  readonly replaceable: boolean;
  /** A name bound to a matrix (`const m2 = p.W`, `const { W } = p`), of rows of these lengths: no object (its `shape` is empty). */
  readonly rows?: readonly number[];
  /** A name bound to a list (`const l2 = p.pts`, `const { pts } = p`): no object (its `shape` is empty). */
  readonly list?: List;
  /** A list element (`p.pts[0]`, `const q = p.pts[1]`), an object nested in one, or a name bound to an element's matrix. */
  readonly element?: boolean;
}

/** A helper taking an object (object-programs.ts `ObjectHelper`), as a call site sees it. */
export interface ObjectCallee {
  readonly name: string;
  readonly form: ObjectHelper['form'];
}

/** What object statements need of the function printer (program-text.ts `FunctionText`). */
export interface Printer {
  readonly lines: string[];
  readonly objectCallees: readonly ObjectCallee[];
  expr(e: Expr, s: Scope): Code;
  cond(c: Cond, s: Scope): string;
  fresh(prefix: string): string;
  /** Takes `name` for a local if no one has it yet (a shorthand `{ x }`). */
  claim(name: string): boolean;
  use(name: string): string;
  block(stmts: readonly Stmt[], outer: Scope, inLoop: boolean, indent: string, nested?: boolean, counter?: string): Scope;
}

const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length];
const numberKeys = (shape: ObjectShape) => shape.filter((f) => f.t === 'number').map((f) => f.key);
/** The objects in scope (not the names bound to matrices or lists). */
const objects = (s: Scope) => s.objs.filter((o) => !o.rows && !o.list);
/** Objects in scope with a number property (what spreads replace and second names write). */
const withNumbers = (s: Scope) => objects(s).filter((o) => numberKeys(o.shape).length > 0);
/** Objects with numbers x and y: what object helpers take (list elements only without `avoid.andAssignOnListElements`). */
const vecLike = (s: Scope) => s.objs.filter((o) => ['x', 'y'].every((k) => numberKeys(o.shape).includes(k)) && !(o.element && avoid.andAssignOnListElements));
const callees = (p: Printer, form: ObjectHelper['form']) => p.objectCallees.filter((c) => c.form === form).map((c) => c.name);

/**
 * Puts object `o` in scope: its nested objects, its numbers as assignable variables, and some
 * elements of its matrices (`p.W[1][0]`) as variables to read (the matrix statements write them:
 * `||=` and `&&=` on an element are no part of the subset).
 */
export function addObject(s: Scope, o: ObjVar): void {
  s.objs.push(o);
  for (const f of o.shape) {
    const path = `${o.name}.${f.key}`;
    // (a list element's numbers are read only while `avoid.andAssignOnListElements`: list statements write them)
    if (f.t === 'number') (s.vars.push(path), o.element && avoid.andAssignOnListElements ? undefined : s.lets.push(path));
    else if (isMatrix(f.t)) s.vars.push(...matrixElements(path, f.t.rows));
    else if (isVector(f.t)) s.vars.push(`${path}[0]`, ...(f.t.elements > 1 ? [`${path}[${f.t.elements - 1}]`] : []));
    else if (isShape(f.t)) addObject(s, { name: path, shape: f.t, replaceable: o.replaceable, element: o.element });
    else if (isList(f.t)) for (const element of listElements(path, f.t)) addObject(s, element);
  }
}

/** A property's type written out (`named`: the interfaces' names; a list's elements by their interface, or inline). */
function fieldType(t: ObjectShape[number]['t'], named: ReadonlyMap<ObjectShape, string>): string {
  if (typeof t === 'string') return t;
  if (isMatrix(t)) return 'number[][]';
  if (isVector(t)) return 'number[]';
  if (isList(t)) return `${t.name ?? typeText(t.list[0], named)}[]`;
  return typeText(t, named);
}

/** A type written out: `{ x: number; y: number }`. */
export function typeText(shape: ObjectShape, named: ReadonlyMap<ObjectShape, string> = new Map()): string {
  const known = named.get(shape);
  if (known) return known;
  return `{ ${shape.map((f) => `${f.key}: ${fieldType(f.t, named)}`).join('; ')} }`;
}

/**
 * `interface Name { … }` for each named type (`Vec2` first where used), in order; then the helpers
 * taking matrices or their rows that `used` calls (matrix-programs.ts).
 */
export function interfaceLines(named: ReadonlyMap<ObjectShape, string>, used: string): string[] {
  const declarations = [...named].map(([shape, name]) => {
    const inner = new Map([...named].filter(([other]) => other !== shape));
    return { name, lines: [`interface ${name} {`, ...shape.map((f) => `  ${f.key}: ${fieldType(f.t, inner)};`), '}', ''] };
  });
  const uses = (text: string, name: string) => new RegExp(`\\b${name}\\b`).test(text);
  // Used by the code, or by an interface the code uses (`Body` holds a `Vec2`, so does a `Particle`).
  const neededBy = (text: string) => {
    const direct = declarations.filter((d) => uses(text, d.name));
    return declarations.filter((d) => direct.includes(d) || direct.some((u) => u !== d && uses(u.lines.join('\n'), d.name)));
  };
  // The interfaces of list elements (and the helpers taking them) that the code or those interfaces use.
  const lists = listDeclarationLines([used, ...neededBy(used).flatMap((d) => d.lines)].join('\n'));
  return [...neededBy([used, ...lists].join('\n')).flatMap((d) => d.lines), ...lists, ...matrixHelperLines(used)];
}

/** Prints an object statement; one with nothing in scope to act on prints nothing. */
export function objectStatement(p: Printer, st: ObjectStmt, s: Scope, inLoop: boolean, ind: string): void {
  const out = (line: string): void => {
    p.lines.push(ind + line);
  };
  const e = (x: Expr) => p.expr(x, s).t;
  switch (st.k) {
    case 'oLiteral': {
      const a = e(st.a);
      const b = e(st.b);
      const name = p.fresh('o');
      out(`${st.konst ? 'const' : 'let'} ${name}${st.typed ? ': Vec2' : ''} = { x: ${a}, y: ${b} };`);
      return addObject(s, { name, shape: VEC2, replaceable: !st.konst });
    }
    case 'oSpread': {
      // (a matrix is shared as a nested object is)
      // (an element of a list holding an array: see `avoid.spreadsOfElementArrays`)
      const spreadable = withNumbers(s).filter((o) => !(o.element && avoid.spreadsOfElementArrays && o.shape.some((f) => isVector(f.t) || isMatrix(f.t))));
      const sources = avoid.sharedNestedObjects ? spreadable.filter((o) => !o.shape.some((f) => typeof f.t === 'object')) : spreadable;
      if (sources.length === 0) return;
      const src = pick(sources, st.src);
      const key = pick(numberKeys(src.shape), st.key);
      const value = e(st.e);
      const name = p.fresh('o');
      out(`const ${name} = { ...${p.use(src.name)}, ${key}: ${value} };`);
      // A shallow copy: its nested objects are the source's (never replaced, since the source is not;
      // the parts of a list element while `avoid.andAssignOnListElements`).
      return addObject(s, { name, shape: src.shape, replaceable: false, element: src.element });
    }
    case 'oDestructure': {
      const sources = objects(s).filter((o) => !o.replaceable);
      if (sources.length === 0) return;
      const src = pick(sources, st.src);
      if (!src.shape.some((f) => f.t === 'number')) return;
      const parts: string[] = [];
      const bound: (() => void)[] = [];
      for (const f of src.shape) {
        if (f.t === 'string' || f.t === 'boolean' || isVector(f.t) || (isShape(f.t) && avoid.destructuredObjects)) continue;
        const name = st.shorthand && p.claim(f.key) ? f.key : p.fresh(f.t === 'number' ? 'v' : isMatrix(f.t) ? 'm' : isList(f.t) ? 'l' : 'o');
        parts.push(name === f.key ? name : `${f.key}: ${name}`);
        const shape = f.t;
        bound.push(() => {
          // A matrix or a list: the same one under a new name.
          if (isMatrix(shape)) return void s.objs.push({ name, shape: [], replaceable: false, rows: shape.rows });
          if (isList(shape)) return void s.objs.push({ name, shape: [], replaceable: false, list: shape });
          if (isVector(shape)) return;
          if (shape !== 'number') return addObject(s, { name, shape, replaceable: false, element: src.element });
          s.vars.push(name);
          if (!st.konst) s.lets.push(name);
        });
      }
      out(`${st.konst ? 'const' : 'let'} { ${parts.join(', ')} } = ${p.use(src.name)};`);
      bound.forEach((b) => b());
      return;
    }
    case 'oAlias': {
      if (st.matrix && matrixAlias(p, st.matrix, s, inLoop, ind)) return;
      if (st.list && listAlias(p, st.list, s, inLoop, ind)) return;
      const sources = withNumbers(s).filter((o) => !o.replaceable);
      if (sources.length === 0) return;
      const src = pick(sources, st.src);
      const name = p.fresh('o');
      out(`const ${name} = ${p.use(src.name)};`);
      addObject(s, { name, shape: src.shape, replaceable: false, element: src.element });
      // Written through the second name: the first sees it.
      out(`${name}.${pick(numberKeys(src.shape), st.key)} += ${e(st.e)};`);
      return;
    }
    case 'oReplace': {
      const targets = s.objs.filter((o) => o.replaceable);
      if (targets.length === 0) return;
      const t = p.use(pick(targets, st.t).name);
      const makers = callees(p, 'vec');
      // In a loop, the new numbers are bounded (as numeric updates in loops are: programs.ts).
      const bounded = (x: Expr, keep: string) => (inLoop ? `${keep} + Math.sin(${e(x)})` : e(x));
      const form = inLoop && avoid.selfCopiesInLoops ? 'literal' : st.form;
      if (form === 'call' && makers.length > 0) return out(`${t} = ${pick(makers, st.h)}(${t}, ${inLoop ? `Math.sin(${e(st.a)})` : e(st.a)});`);
      if (form === 'spread') return out(`${t} = { ...${t}, y: ${inLoop ? `Math.cos(${e(st.b)})` : e(st.b)} };`);
      return out(`${t} = { x: ${bounded(st.a, `${t}.x`)}, y: ${inLoop ? `Math.cos(${e(st.b)})` : e(st.b)} };`);
    }
    case 'oWrite': {
      if (st.matrix && matrixWrite(p, st.matrix, s, inLoop, ind)) return;
      if (st.list && listWrite(p, st.list, s, inLoop, ind)) return;
      const writers = callees(p, 'writer');
      const targets = vecLike(s);
      if (writers.length === 0 || targets.length === 0) return;
      return out(`${pick(writers, st.h)}(${p.use(pick(targets, st.target).name)}, ${e(st.e)});`);
    }
    case 'oMake': {
      const makers = callees(p, 'vec');
      const sources = vecLike(s);
      if (makers.length === 0 || sources.length === 0) return;
      const call = `${pick(makers, st.h)}(${p.use(pick(sources, st.src).name)}, ${e(st.e)})`;
      const name = p.fresh('o');
      out(`${st.konst ? 'const' : 'let'} ${name} = ${call};`);
      return addObject(s, { name, shape: VEC2, replaceable: !st.konst });
    }
    case 'oNum': {
      if (st.matrix && matrixRead(p, st.matrix, s, inLoop, ind)) return;
      if (st.list && listRead(p, st.list, s, inLoop, ind)) return;
      const readers = callees(p, 'num');
      const sources = vecLike(s);
      if (readers.length === 0 || sources.length === 0) return;
      const call = `${pick(readers, st.h)}(${p.use(pick(sources, st.src).name)}, ${e(st.e)})`;
      const name = p.fresh('v');
      out(`const ${name} = ${call};`);
      s.vars.push(name);
      return;
    }
    case 'oData': {
      const tests: string[] = [];
      for (const o of s.objs)
        for (const f of o.shape) {
          if (f.t === 'boolean') tests.push(`${o.name}.${f.key}`, `!${o.name}.${f.key}`);
          if (f.t === 'string') tests.push(`${o.name}.${f.key} === "up"`);
        }
      out(`if (${tests.length > 0 ? pick(tests, st.c) : p.cond(st.cond, s)}) {`);
      p.block(st.then, s, inLoop, ind + '  ');
      if (st.else.length > 0) {
        out('} else {');
        p.block(st.else, s, inLoop, ind + '  ');
      }
      return out('}');
    }
    case 'oLoop': {
      let state: ObjVar | undefined;
      if (st.state) {
        const [a, b] = [e(st.state.a), e(st.state.b)];
        state = { name: p.fresh('o'), shape: VEC2, replaceable: true };
        out(`let ${state.name} = { x: ${a}, y: ${b} };`);
        addObject(s, state);
      }
      const i = p.fresh('i');
      out(`for (let ${i} = 0; ${i} < ${st.n}; ${i}++) {`);
      const inner = p.block(st.body, { ...s, vars: [...s.vars, i], counters: [...s.counters, i] }, true, ind + '  ');
      // The state replaced last (the body may have left it by `continue`, or returned).
      if (st.state && state) objectStatement(p, { ...st.state.next, t: inner.objs.filter((o) => o.replaceable).indexOf(state) }, inner, true, ind + '  ');
      return out('}');
    }
  }
}

/**
 * The body of object helper `h` (after its signature): a writer's call of an earlier writer, the
 * numeric body (which may assign `a.x`, `a.y`), and what it returns or writes last. `s` holds `a`.
 */
export function objectHelperBody(p: Printer, h: ObjectHelper, a: string, c: string, s: Scope, writers: readonly string[], body: () => void): void {
  if (h.form === 'writer' && h.calls !== null && writers.length > 0) p.lines.push(`  ${pick(writers, h.calls)}(${a}, ${c});`);
  body();
  const A = p.expr(h.a, s).t;
  if (h.form === 'num') return void p.lines.push(`  return ${A};`);
  if (h.form === 'writer') return void p.lines.push(`  ${a}.y += ${A};`);
  const b = p.expr(h.b, s);
  // (in `a.y + B` a conditional or a sum needs its parentheses: `a.y + c ? u : v` is `(a.y + c) ? u : v`)
  const B = b.t;
  const addend = b.atom ? b.t : `(${b.t})`;
  if (h.ret === 'literal') return void p.lines.push(`  return { x: ${A}, y: ${B} };`);
  if (h.ret === 'spread') return void p.lines.push(`  return { ...${a}, y: ${B} };`);
  // (the body printed an early `return { ...a, x: e }`: see `avoid.localAndOtherReturns`)
  const returnsEarly = p.lines.some((line) => /\breturn \{/.test(line));
  if (avoid.returnedLocals || (avoid.localAndOtherReturns && returnsEarly)) return void p.lines.push(`  return { x: ${A}, y: ${a}.y + ${addend} };`);
  p.lines.push(`  const r = { x: ${A}, y: ${a}.y };`, `  r.y += ${B};`, '  return r;');
}
