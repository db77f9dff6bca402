/**
 * Random programs with classes, as fast-check arbitraries printed as /src/main.ts (checked by
 * tests/property-classes.test.ts through check-layer-program.ts `checkLayerText`): one or two small
 * classes as three.js vectors, physics bodies, Kalman filters and neurons are written (`classArb`,
 * `memberLines`), and a marked `f(k, t, …)` (or `run(body: C, k, …)` taking an instance) that makes
 * instances (`new`, factories, clones, chains, second names `const b = a.step(e)`, arrays of them),
 * gives `let` variables new ones, calls members and helpers in straight-line code, loops and
 * branches, destructures and writes fields, and returns a number or an array; or a marked member of
 * the first class (`Vec3_dot_grad(self, o)`, a getter, an arrow field, a static method). Where it
 * takes instances, main.ts also exports the test's primal `f`, making them from plain objects of
 * their fields (`Object.assign(new Vec3(0, 0), self)`), and the generated API is read as `f_jvp`, …
 * (`ClassProgramText.edit`). Bounded terms and short loops keep finite differences well conditioned.
 */
import fc from 'fast-check';
import { exprArb, mathForms, type Expr } from './layer-programs';
import type { LayerProgramText } from './layer-program-text';
import type { Field, ObjectShape } from './object-programs';
import type { ParamShape } from './list-program-layout';

type Value<A> = A extends fc.Arbitrary<infer T> ? T : never;
const [index, e1] = [fc.nat({ max: 30 }), exprArb(1)];
const writeOps = ['add', 'mul', 'set', 'lerp'] as const;
const kinds = ['mut', 'void', 'combine', 'num', 'pair', 'get', 'arrow', 'stat', 'sum', 'decay', 'toArray'] as const;
type Kind = (typeof kinds)[number];
const styles = ['param', 'assign', 'init', 'derived'] as const;

/** A member of kind `k` (see `memberLines`): its writes into fields, the number it computes, the earlier member it calls, a variant (`form`). */
const [maybe, writes] = [fc.option(index, { nil: null }), fc.array(fc.record({ op: fc.constantFrom(...writeOps), f: index, e: e1 }), { minLength: 1, maxLength: 3 })];
const memberArb = fc.record({ k: fc.constantFrom(...kinds), writes, e: e1, call: maybe, form: fc.nat({ max: 3 }) });
type Member = Value<typeof memberArb>;
/**
 * A class: numeric fields (parameter properties, declared and assigned, initialized `mass = 1.5`,
 * computed by the constructor), a `number[]` field, an options constructor, members, `clone()`,
 * factories `of(k)`, `lerp(a, b, t)`, a static constant, a private helper `act(u)`; in the second class,
 * `private` or `#private` fields after the first, an instance of the first held as a field (`pos`).
 */
const flags = { options: fc.constantFrom(false, false, true), clone: fc.boolean(), of: fc.boolean(), lerp: fc.boolean(), constant: fc.boolean() };
const second = { hidden: fc.constantFrom<'none' | 'private' | '#'>('none', 'none', 'private', '#'), nested: fc.constantFrom<'none' | 'init' | 'ctor'>('none', 'init', 'ctor') };
const fieldArb = fc.record({ style: fc.constantFrom(...styles), v: fc.constantFrom(0.5, 1, 1.5, -0.5, 0.25, 2), e: e1 });
const arrArb = fc.option(fc.record({ ctor: fc.boolean(), len: fc.integer({ min: 2, max: 3 }) }), { nil: null, freq: 2 });
const act = fc.option(fc.nat({ max: mathForms.length - 1 }), { nil: null });
const [fields, members] = [fc.array(fieldArb, { minLength: 2, maxLength: 3 }), fc.array(memberArb, { minLength: 2, maxLength: 7 })];
const classArb = fc.record({ fields, arr: arrArb, members, act, ...flags, ...second });
type ClassSpec = Value<typeof classArb>;
type StmtKind = 'new' | 'call' | 'acc' | 'set' | 'let' | 'list' | 'each' | 'renew' | 'helper' | 'loop' | 'branch';
/** A statement of the marked function (see `Printer.stmt`): indices choose an object, list, class or accumulator (`o`), another object, a member or form (`m`), a second choice or none (`opt`). */
type Stmt = Readonly<{ k: StmtKind; o: number; other: number; m: number; opt: number | null; e: Expr; args: readonly Expr[]; body: readonly Stmt[]; alt: readonly Stmt[] | null }>;
const stmtArb = (depth: number): fc.Arbitrary<Stmt> => {
  const base = { o: index, other: index, m: index, opt: maybe, e: e1, args: fc.array(e1, { maxLength: 3 }) };
  const simpleKinds: StmtKind[] = ['new', 'new', 'call', 'call', 'call', 'acc', 'acc', 'acc', 'set', 'let', 'list', 'each', 'each', 'renew', 'renew', 'helper', 'helper'];
  const simple = fc.record({ k: fc.constantFrom(...simpleKinds), ...base, body: fc.constant([]), alt: fc.constant(null) });
  if (depth <= 0) return simple;
  const inner = fc.array(stmtArb(depth - 1), { minLength: 1, maxLength: 3 });
  const block = fc.record({ k: fc.constantFrom<StmtKind>('loop', 'branch'), ...base, body: inner, alt: fc.option(inner, { nil: null }) });
  return fc.oneof({ weight: 5, arbitrary: simple }, { weight: 2, arbitrary: block });
};

/** `entry`: a marked module-level function (`f`, or `run` taking an instance of the first class when `param`), or a member of the first class (`m` among those returning numbers). */
export const classProgramArb = fc.record({
  theme: fc.nat({ max: 3 }),
  classes: fc.array(classArb, { minLength: 1, maxLength: 2 }),
  entry: fc.record({ k: fc.constantFrom<'f' | 'member'>('f', 'f', 'member'), m: index, param: fc.boolean(), nums: fc.integer({ min: 1, max: 3 }), wrt: fc.nat({ max: 7 }) }),
  body: fc.array(stmtArb(1), { minLength: 2, maxLength: 9 }),
  ret: fc.record({ k: fc.constantFrom<'number' | 'array' | 'toArray'>('number', 'number', 'array', 'toArray'), e: exprArb(2), o: index }),
  seed: fc.nat(),
});
export type ClassProgram = Value<typeof classProgramArb>;

const themes = [
  { cls: 'Vec3', fields: ['x', 'y', 'z'], arr: 'e', obj: 'v', list: 'vs', part: 'pos' },
  { cls: 'Body', fields: ['x', 'v', 'mass'], arr: 'trail', obj: 'b', list: 'bodies', part: 'body' },
  { cls: 'Kalman', fields: ['est', 'cov', 'gain'], arr: 'gains', obj: 'kf', list: 'filters', part: 'filter' },
  { cls: 'Neuron', fields: ['bias', 'rate', 'tau'], arr: 'weights', obj: 'n', list: 'neurons', part: 'unit' },
];
const writerNames = { mut: 'scale step shift', void: 'update relax', combine: 'add addScaled blend', decay: 'decay fade', toArray: 'toArray', stat: 'mid between' };
const readerNames = { num: 'energy score response', pair: 'dot distanceTo coupling', get: 'norm lengthSq momentum', arrow: 'potential loss', sum: 'predict weighted' };
const memberNames: Record<Kind, string> = { ...writerNames, ...readerNames };
const paramOf: Partial<Record<Kind, string>> = { mut: 's', void: 'z', num: 't', arrow: 'k', sum: 't', decay: 'r' };
const readerKinds: readonly Kind[] = ['num', 'pair', 'get', 'arrow', 'stat', 'sum', 'toArray'];
const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length];
const lit = (v: number) => (v < 0 ? `(${v})` : String(v));
const wrap = (e: string) => (/^[\w.#]+(\[\w+\])?$/.test(e) ? e : `(${e})`);

function expr(e: Expr, nums: readonly string[]): string {
  if (e.k === 'lit') return lit(e.v);
  if (e.k === 'num') return pick(nums, e.i);
  if (e.k === 'bin') return `(${expr(e.l, nums)} ${e.op} ${expr(e.r, nums)})`;
  return pick(mathForms, e.f).replace(/\bu\b/g, wrap(expr(e.a, nums)));
}
/** A bounded write of `e` into `t` (`this.x`, `o.v`, `this.w[i]`). */
const write = (op: (typeof writeOps)[number], t: string, e: string): string =>
  ({ add: `${t} += 0.25 * Math.sin(${e});`, mul: `${t} *= 0.75 + 0.25 * Math.cos(${e});`, set: `${t} = Math.tanh(${e});`, lerp: `${t} += 0.5 * (Math.sin(${e}) - ${t});` })[op];

/** A bounded write of another instance's field `o` into `t` (`this.x += 0.5 * o.x`). */
const combine = (op: (typeof writeOps)[number], t: string, o: string, k: string): string =>
  ({ add: `${t} += ${k} * ${o};`, mul: `${t} *= 0.75 + 0.25 * Math.cos(${o});`, set: `${t} = 0.5 * (${t} + ${o});`, lerp: `${t} += ${k} * (${o} - ${t});` })[op];
/** A member as printed: `callee` the earlier member it calls (`this.scale(s)`, `this.norm`, `a.norm`), at most two deep; `writes` whether it changes `this` (`energy(t)` may). */
type MemberInfo = Readonly<{ k: Kind; name: string; spec: Member; callee: MemberInfo | undefined; depth: number; writes: boolean }>;
/**
 * What the printer knows of a class (`hidden` '#' for #private fields, `part` the instance of the
 * first class it holds); `shape` its fields as a receiver's numeric skeleton in declaration order
 * (declared fields, then parameter properties), `type` as a type, `blank` an instance to fill.
 */
type FieldInfo = { readonly name: string; readonly style: (typeof styles)[number]; readonly hidden: string };
type ClassInfo = Readonly<{ name: string; spec: ClassSpec; fields: readonly FieldInfo[]; arr: string | null; args: readonly string[]; members: readonly MemberInfo[] }> &
  Readonly<{ part: { readonly name: string; readonly c: ClassInfo } | null; shape: ObjectShape; type: string; blank: string }>;

function classInfo(spec: ClassSpec, ci: number, p: ClassProgram, first?: ClassInfo): ClassInfo {
  const theme = themes[(p.theme + ci) % themes.length];
  const hide = (i: number) => (i > 0 && spec.hidden === '#' ? '#' : '');
  const fields = spec.fields.map((f, i) => {
    // The first field is the constructor's; no parameter properties in an options object or as #private fields.
    let style: (typeof styles)[number] = i === 0 && (f.style === 'init' || f.style === 'derived') ? 'assign' : f.style;
    if (style === 'param' && (spec.options || hide(i))) style = 'assign';
    return { name: theme.fields[i], style, hidden: hide(i) };
  });
  const count: Partial<Record<Kind, number>> = {};
  const members: MemberInfo[] = [];
  for (const m of spec.members) {
    const k: Kind = !spec.arr && (m.k === 'sum' || m.k === 'decay') ? (m.k === 'sum' ? 'num' : 'mut') : m.k;
    const n = (count[k] = (count[k] ?? 0) + 1) - 1;
    if (k === 'toArray' && n > 0) continue;
    const callees = callable(members, k);
    const callee = m.call === null || callees.length === 0 ? undefined : pick(callees, m.call);
    const names = memberNames[k].split(' ');
    const writes = ['mut', 'void', 'combine', 'decay'].includes(k) || (k === 'num' && m.form === 0) || (callee?.writes ?? false);
    members.push({ k, name: n < names.length ? names[n] : `${names[0]}${n}`, spec: m, callee, depth: callee ? callee.depth + 1 : 0, writes });
  }
  const args = fields.filter((f) => f.style === 'param' || f.style === 'assign').map((f) => f.name);
  const own = (fs: typeof fields): Field[] => fs.map((f) => ({ key: f.name, t: 'number' }));
  const vector: Field[] = spec.arr ? [{ key: theme.arr, t: { elements: spec.arr.len } }] : [];
  const shape = [...own(fields.filter((f) => f.style !== 'param')), ...vector, ...own(fields.filter((f) => f.style === 'param'))];
  const type = `{ ${shape.map((f) => `${f.key}: ${f.t === 'number' ? 'number' : 'number[]'}`).join('; ')} }`;
  const blank = spec.options ? `new ${theme.cls}()` : `new ${theme.cls}(${args.map(() => '0').join(', ')})`;
  const part = first && spec.nested !== 'none' ? { name: themes[p.theme % themes.length].part, c: first } : null;
  return { name: theme.cls, spec, fields, arr: spec.arr ? theme.arr : null, part, args, members, shape, type, blank };
}
/** The earlier members a member of kind `k` may call on `this` (writers for writers, readers for readers), at most two deep. */
function callable(members: readonly MemberInfo[], k: Kind): MemberInfo[] {
  const writer = k === 'mut' || k === 'void' || k === 'decay';
  return members.filter((m) => m.depth < 2 && (writer ? m.k === 'mut' || m.k === 'decay' : m.k === 'num' || m.k === 'get' || m.k === 'sum' || m.k === 'arrow'));
}

/** Member `m` of `c` used on `o` (with the number `a` and the other instance `other`): a call or a getter read. */
function use(c: ClassInfo, m: MemberInfo, o: string, a: string, other: string): string {
  if (m.k === 'get') return `${o}.${m.name}`;
  if (m.k === 'stat') return `${c.name}.${m.name}(${o}, ${other})`;
  if (m.k === 'pair') return `${o}.${m.name}(${other})`;
  if (m.k === 'combine') return `${o}.${m.name}(${other}${m.spec.form === 1 ? `, ${a}` : ''})`;
  return m.k === 'toArray' ? `${o}.toArray()` : `${o}.${m.name}(${a})`;
}
/** Whether instances hold an array (such instances are never put in arrays nor given to a `let` again: ADC102, ADC114). */
const holdsArray = (c: ClassInfo): boolean => c.arr !== null || (c.part !== null && holdsArray(c.part.c));
const ref = (o: string, f: { readonly name: string; readonly hidden: string }) => `${o}.${f.hidden}${f.name}`;

/** The numbers of `o` to read (`o.x`, `this.#cov`, `o.w[0]`, `o.pos.x`); outside the class, public ones only. */
function fieldReads(c: ClassInfo, o: string, inside: boolean, held = true): string[] {
  const fields = c.fields.filter((_, i) => inside || i === 0 || c.spec.hidden === 'none').map((f) => ref(o, f));
  return [...fields, ...(c.arr ? [`${o}.${c.arr}[0]`] : []), ...(c.part && held ? [`${o}.${c.part.name}.${c.part.c.fields[0].name}`] : [])];
}

/** The properties of `o` with a setter, assigned where fields are (`o.angle = …`, `o.angle += …`). */
const setterTargets = (c: ClassInfo, o: string): string[] => c.members.filter((m) => m.k === 'get' && m.spec.form % 2 === 0).map((m) => `${o}.${m.name}`);

/** Member `j` of `c`; `form` picks a variant (a writer plain, under `if`, in a loop, ending `return this.scale(s)`; `energy(t)` writing `this` first, with a kink, an early return; …). */
function memberLines(c: ClassInfo, j: number): string[] {
  const m = c.members[j];
  const { spec, callee } = m;
  const form = spec.form;
  const p = paramOf[m.k] ?? 'o';
  const own = fieldReads(c, 'this', true);
  const reader = !['mut', 'void', 'decay', 'combine', 'stat'].includes(m.k);
  const calls = callee && reader ? [use(c, callee, 'this', paramOf[m.k] ? p : '0.5', 'this')] : [];
  const part = c.part ? [`this.${c.part.name}.${c.part.c.fields[0].name}`, ...c.part.c.members.filter((x) => x.k === 'get').map((x) => `this.${c.part!.name}.${x.name}`)] : [];
  const numbers = [...own, ...(paramOf[m.k] ? [p] : []), ...calls, ...part];
  const e = (scope = numbers) => expr(spec.e, scope);
  const targets = [...c.fields.map((f) => ref('this', f)), ...part.slice(0, 1)];
  const writes = spec.writes.map((w, i) => (form === 1 && i === 0 ? `if (${p} > 0) ` : '') + write(w.op, pick(targets, w.f), expr(w.e, numbers)));
  const act = (v: string) => (c.spec.act !== null && form === 1 ? `this.act(${v})` : v);
  const head = (sig: string, body: string[]) => [`  ${sig} {`, ...body.map((l) => `    ${l}`), '  }'];
  const f0 = `this.${c.fields[0].name}`;
  const w = `this.${c.arr}`;
  switch (m.k) {
    case 'mut':
    case 'void': {
      const partCall = c.part && !callee && spec.call !== null ? c.part.c.members.filter((x) => x.k === 'mut' || x.k === 'decay') : [];
      const call = callee ? [`this.${callee.name}(${p});`] : partCall.length > 0 ? [`this.${c.part!.name}.${pick(partCall, spec.call!).name}(${p});`] : [];
      const last = form === 3 && callee !== undefined;
      const body = form === 2 ? ['for (let i = 0; i < 2; i++) {', ...writes.map((l) => `  ${l}`), '}'] : writes;
      const tail = m.k === 'void' ? (last ? call : []) : last ? [`return this.${callee.name}(${p});`] : ['return this;'];
      return head(`${m.name}(${p}: number): ${m.k === 'mut' ? 'this' : 'void'}`, [...(last ? [] : call), ...body, ...tail]);
    }
    case 'combine': {
      const k = form === 1 ? '0.5 * Math.tanh(s)' : '0.5';
      const self = form === 3 ? 'scope' : 'this'; // (`const scope = this;`, as three.js writes)
      const lines = spec.writes.map(({ op, f }) => combine(op, ref(self, pick(c.fields, f)), ref('o', pick(c.fields, f)), k));
      const back = form === 2 ? [`o.${c.fields[0].name} -= 0.25 * Math.sin(${f0});`] : [];
      return head(`${m.name}(o: ${c.name}${form === 1 ? ', s: number' : ''}): this`, [...(self === 'scope' ? ['const scope = this;'] : []), ...lines, ...back, 'return this;']);
    }
    case 'num':
      if (form === 2) return head(`${m.name}(t: number): number`, [`const u = ${e()};`, 'return u > 0 ? u : 0.5 * u;']);
      if (form === 3) return head(`${m.name}(t: number): number`, [`if (${f0} > 0) return ${e()};`, `return 0.5 * ${f0};`]);
      return head(`${m.name}(t: number): number`, [...(form === 0 ? writes : []), `return ${act(e())};`]);
    case 'get': {
      // (forms 0 and 2: with a setter, assigned and `+=`-ed where fields are: see `setterTargets`)
      const setter = form % 2 === 0 ? ['', ...head(`set ${m.name}(v: number)`, [`${f0} = 0.5 * (${f0} + Math.tanh(v));`])] : [];
      return [...head(`get ${m.name}(): number`, [`return ${act(e())};`]), ...setter];
    }
    case 'arrow':
      return [`  ${m.name} = (k: number): number => ${e()};`];
    case 'pair': {
      const scope = [...own, ...fieldReads(c, 'o', true), ...callable(c.members.slice(0, j), 'num').map((x) => use(c, x, 'o', '0.5', 'o'))];
      const f = pick(c.fields, spec.writes[0].f);
      if (form % 2 === 1) return head(`${m.name}(o: ${c.name}): number`, [`return ${e(scope)};`]);
      return head(`${m.name}(o: ${c.name}): number`, [`const d = ${ref('this', f)} - ${ref('o', f)};`, `return Math.sqrt(d * d + 1) + ${e(['d', ...scope])};`]);
    }
    case 'stat': {
      const extra = [...(c.spec.constant ? [`${c.name}.SCALE`] : []), ...(callee ? [use(c, callee, 'a', '0.5', 'b')] : [])];
      const scope = [...fieldReads(c, 'a', true), ...fieldReads(c, 'b', true), ...extra];
      return head(`static ${m.name}(a: ${c.name}, b: ${c.name}): number`, [`return ${e(scope)};`]);
    }
    case 'sum': {
      if (form === 2) return head(`${m.name}(t: number): number`, [`return Math.tanh(${w}.reduce((acc, w) => acc + w * Math.sin(t + w), ${e()}));`]);
      const loop = form === 1 ? `for (const w of ${w}) s += w * Math.sin(t + w);` : `for (let i = 0; i < ${w}.length; i++) s += ${w}[i] * Math.sin(t + i);`;
      return head(`${m.name}(t: number): number`, [`let s = ${e()};`, loop, 'return Math.tanh(s);']);
    }
    case 'decay': {
      const loop = `for (let i = 0; i < ${w}.length; i++) ${write(spec.writes[0].op, `${w}[i]`, `r * ${w}[i] + ${e()}`)}`;
      return head(`${m.name}(r: number): this`, [...(callee ? [`this.${callee.name}(r);`] : []), loop, 'return this;']);
    }
    case 'toArray':
      return head('toArray(): number[]', [`return [${c.fields.map((f) => ref('this', f)).join(', ')}];`]);
  }
}
/** `new C(…)` of a class with `a(arg, i)` for its constructor's arguments (an options object where it takes one). */
const newOf = (c: ClassInfo, a: (x: string, i: number) => string) =>
  c.spec.options ? `new ${c.name}({ ${c.args.map((x, i) => `${x}: ${a(x, i)}`).join(', ')} })` : `new ${c.name}(${c.args.map(a).join(', ')})`;

/** The class's source; `marked` (an index of its members) gets the tag. */
function classLines(c: ClassInfo, marked?: { readonly j: number; readonly tag: string }): string[] {
  const { spec, name } = c;
  const priv = (f: FieldInfo) => (f.hidden === '' && spec.hidden === 'private' && f !== c.fields[0] ? 'private ' : '');
  const lines = [`export class ${name} {`, ...(spec.constant ? ['  static readonly SCALE = 0.5;'] : [])];
  c.fields.forEach((f, i) => {
    if (f.style === 'init') lines.push(`  ${priv(f)}${f.hidden}${f.name} = ${lit(spec.fields[i].v)};`);
    else if (f.style !== 'param') lines.push(`  ${priv(f)}${f.hidden}${f.name}: number;`);
  });
  if (c.arr) lines.push(spec.arr!.ctor ? `  ${c.arr}: number[];` : `  ${c.arr} = [${[0.5, -0.25, 0.75].slice(0, spec.arr!.len).join(', ')}];`);
  if (c.part) lines.push(spec.nested === 'init' ? `  ${c.part.name} = ${newOf(c.part.c, (_, i) => lit([0.5, -1, 1.5][i % 3]))};` : `  ${c.part.name}: ${c.part.c.name};`);
  const value = (f: FieldInfo, i: number) => (f.style === 'assign' ? [f.name] : f.style === 'derived' ? [expr(spec.fields[i].e, c.args)] : []);
  const body = c.fields.flatMap((f, i) => value(f, i).map((v) => `${ref('this', f)} = ${v};`));
  const elements = Array.from({ length: spec.arr?.len ?? 0 }, (_, i) => (i % 2 === 0 ? pick(c.args, i) : `0.5 * ${pick(c.args, i)}`));
  if (c.arr && spec.arr!.ctor) body.push(`this.${c.arr} = [${elements.join(', ')}];`);
  if (c.part && spec.nested === 'ctor') body.push(`this.${c.part.name} = ${newOf(c.part.c, (_, i) => (i === 0 ? c.args[0] : `0.5 * ${pick(c.args, i)}`))};`);
  const args = c.fields.filter((f) => f.style === 'param' || f.style === 'assign').map((f) => `${f.style === 'param' ? priv(f) || 'public ' : ''}${f.name}: number`);
  const params = spec.options ? `{ ${c.args.map((a, i) => `${a} = ${lit(pick(spec.fields, i).v)}`).join(', ')} } = {}` : args.join(', ');
  lines.push('', `  constructor(${params}) {`, ...body.map((l) => `    ${l}`), '  }');
  c.members.forEach((_, j) => lines.push('', ...(marked?.j === j ? [`  /** ${marked.tag} */`] : []), ...memberLines(c, j)));
  if (spec.act !== null) lines.push('', '  private act(u: number): number {', `    return ${mathForms[spec.act]};`, '  }');
  const field = (o: string, x: string) => `${o}.${c.fields.find((f) => f.name === x)!.hidden}${x}`;
  if (spec.clone) lines.push('', `  clone(): ${name} {`, `    return ${newOf(c, (x) => field('this', x))};`, '  }');
  if (spec.of) lines.push('', `  static of(k: number): ${name} {`, `    return ${newOf(c, (_, i) => (i === 0 ? 'k' : `Math.sin(${i} * k)`))};`, '  }');
  const lerp = newOf(c, (x) => `${field('a', x)} + (${field('b', x)} - ${field('a', x)}) * t`);
  if (spec.lerp) lines.push('', `  static lerp(a: ${name}, b: ${name}, t: number): ${name} {`, `    return ${lerp};`, '  }');
  return [...lines, '}', ''];
}

/** A printed program for the checks; where the marked function is not `f` (`run`, `Vec3_dot`), `edit` adds `export { Vec3_dot_jvp as f_jvp, … }` to the generated file. */
export type ClassProgramText = LayerProgramText & { readonly marked: string; readonly edit: (generated: string) => string };
/** A named instance (`renewable`: declared with `let`, statements may give it a new instance) or array of instances. */
type Obj = { readonly name: string; readonly c: ClassInfo; readonly renewable: boolean };
type Scope = { readonly nums: string[]; readonly lets: string[]; readonly objs: Obj[]; readonly lists: Obj[] };
const copy = (s: Scope, extra: string[] = []): Scope => ({ nums: [...s.nums, ...extra], lets: [...s.lets], objs: [...s.objs], lists: [...s.lists] });
const sameClass = (s: Scope, c: ClassInfo) => s.objs.filter((x) => x.c === c);
/** Members of kinds `ks`. */
const membersOf = (c: ClassInfo, ks: readonly Kind[]) => c.members.filter((m) => ks.includes(m.k));
const objName = (c: ClassInfo) => themes.find((t) => t.cls === c.name)!;

class Printer {
  readonly lines: string[] = [];
  private n = 0;
  private readonly aliased = new Set<string>();
  readonly helpers = new Set<string>(); // objects with a second name (`const b = a.step(e)`): never given a new one (ADC102)
  constructor(readonly classes: readonly ClassInfo[]) {}
  /** An object in scope (`o` modulo), or one made here first. */
  private obj(s: Scope, o: number, ind: string): Obj {
    if (s.objs.length === 0) this.stmt({ k: 'new', o: 0, other: 0, m: 0, opt: null, e: { k: 'lit', v: 1 }, args: [], body: [], alt: null }, s, ind);
    return pick(s.objs, o);
  }
  /** Another object of the class of `o` (maybe `o` itself). */
  private other = (s: Scope, o: Obj, i: number): string => pick(sameClass(s, o.c), i).name;
  private made(c: ClassInfo, es: readonly Expr[], s: Scope, turn = 0): string {
    if (c.spec.options && es.length === 0) return `new ${c.name}()`;
    return newOf(c, (_, i) => (es.length > 0 ? `Math.tanh(${expr(pick(es, i + turn), s.nums)})` : lit([0.5, -1, 1.5][(i + turn) % 3])));
  }
  /** Names an object (or an array of them) in scope, with the numbers of it expressions read (its fields, getters, a method). */
  declare(s: Scope, o: Obj, list: boolean): void {
    (list ? s.lists : s.objs).push(o);
    const at = list ? `${o.name}[0]` : o.name;
    s.nums.push(...fieldReads(o.c, at, false), ...membersOf(o.c, ['get', 'num']).map((m) => use(o.c, m, at, s.nums[0], '')));
  }
  stmt(st: Stmt, s: Scope, ind: string): void {
    const out = (l: string) => void this.lines.push(ind + l);
    const e = expr(st.e, s.nums);
    switch (st.k) {
      case 'new': {
        const c = pick(this.classes, st.o);
        const same = sameClass(s, c);
        const src = same.length > 0 ? pick(same, st.other).name : undefined;
        const chains = membersOf(c, ['mut', 'decay']);
        const mut = chains.length > 0 ? `.${pick(chains, st.m).name}(${e})` : '';
        const factory = c.spec.of ? `${c.name}.of(${e})` : c.spec.lerp && src ? `${c.name}.lerp(${src}, ${this.other(s, same[0], st.m)}, 0.5)` : '';
        const forms = [this.made(c, st.args, s), factory, c.spec.clone && src ? `${src}.clone()${mut}` : '', src && mut ? `${src}${mut}` : ''];
        const made = pick([...forms, forms[3]], st.m) || forms[0];
        if (made === forms[3]) this.aliased.add(src!);
        const renewable = (st.opt ?? 0) % 2 === 0 && made !== forms[3] && !holdsArray(c);
        const name = `${objName(c).obj}${this.n++}`;
        out(`${renewable ? 'let' : 'const'} ${name} = ${made};`);
        return this.declare(s, { name, c, renewable }, false);
      }
      case 'call': {
        const o = this.obj(s, st.o, ind);
        const calls = membersOf(o.c, ['mut', 'void', 'combine', 'decay']);
        if (calls.length === 0) return this.stmt({ ...st, k: 'set' }, s, ind);
        const m = pick(calls, st.m);
        const chains = membersOf(o.c, ['mut', 'decay', 'combine']);
        const next = st.opt !== null && m.k !== 'void' && chains.length > 0 ? use(o.c, pick(chains, st.opt), '', e, this.other(s, o, st.other)) : '';
        return out(`${use(o.c, m, o.name, e, this.other(s, o, st.other))}${next};`);
      }
      case 'acc': {
        const o = this.obj(s, st.o, ind);
        const chains = membersOf(o.c, ['mut', 'decay']);
        const from = st.opt !== null && o.c.spec.clone ? `${o.name}.clone()${chains.length > 0 ? `.${pick(chains, st.opt).name}(${e})` : ''}` : o.name;
        // (a field of the instance a temporary holds, `a.clone().pos.x`, is rejected: ADC102)
        const reads = [...fieldReads(o.c, from, false, from === o.name), ...membersOf(o.c, readerKinds).map((m) => use(o.c, m, from, e, this.other(s, o, st.other)))];
        const r = pick(reads, st.m);
        return out(`${pick(s.lets, st.other)} += ${r.endsWith('toArray()') ? `${r}[1]` : r};`);
      }
      case 'set': {
        // (half the time through a setter, where an instance in scope has one)
        const withSetters = s.objs.filter((x) => setterTargets(x.c, x.name).length > 0);
        const viaSetter = withSetters.length > 0 && st.m % 2 === 0;
        const o = viaSetter ? pick(withSetters, st.o) : this.obj(s, st.o, ind);
        return out(write(pick(writeOps, st.other), pick(viaSetter ? setterTargets(o.c, o.name) : fieldReads(o.c, o.name, false), st.m), e));
      }
      case 'let': {
        // A number, or an instance's public fields destructured (`const { x: x3, y: y4 } = v0;`).
        const o = st.opt === null || s.objs.length === 0 ? undefined : pick(s.objs, st.o);
        const fs = o ? o.c.fields.filter((_, i) => i === 0 || o.c.spec.hidden === 'none').slice(0, 1 + (st.m % 3)) : [];
        const names = o ? fs.map((f) => `${f.name}${this.n++}`) : [`s${this.n++}`];
        out(o ? `const { ${fs.map((f, i) => `${f.name}: ${names[i]}`).join(', ')} } = ${o.name};` : `let ${names[0]} = ${e};`);
        return void (s.nums.push(...names), o || s.lets.push(...names));
      }
      case 'list': {
        const plain = this.classes.filter((k) => !holdsArray(k));
        const c = plain.length > 0 ? pick(plain, st.o) : undefined;
        if (!c) return this.stmt({ ...st, k: 'new' }, s, ind);
        const name = `${objName(c).list}${this.n++}`;
        out(`const ${name} = [${Array.from({ length: 2 + (st.m % 2) }, (_, i) => this.made(c, st.args, s, i)).join(', ')}];`);
        return this.declare(s, { name, c, renewable: false }, true);
      }
      case 'each': {
        if (s.lists.length === 0) this.stmt({ ...st, k: 'list' }, s, ind);
        if (s.lists.length === 0) return this.stmt({ ...st, k: 'acc' }, s, ind);
        const l = pick(s.lists, st.o);
        const x = objName(l.c).part; // (`for (const body of bodies)`: no name in scope is shadowed)
        const readers = membersOf(l.c, ['num', 'get', 'sum', 'arrow', 'toArray']).map((m) => use(l.c, m, x, e, x));
        const read = pick([...fieldReads(l.c, x, false), ...readers], st.other).replace(/toArray\(\)$/, 'toArray()[0]');
        // (a chain of methods returning this on each object, `b.step(e).scale(e)`, or on one, `bodies[0].step(e)`)
        const chains = membersOf(l.c, ['mut', 'decay']);
        const chained = (m: MemberInfo, o: string) => (st.opt !== null && m.k !== 'void' && chains.length > 0 ? use(l.c, pick(chains, st.opt), '', e, o) : '');
        const callsOn = (o: string) => membersOf(l.c, ['mut', 'void', 'decay']).map((m) => `${use(l.c, m, o, e, o)}${chained(m, o)};`);
        const calls = callsOn(x);
        const change = pick([...calls, write(pick(writeOps, st.m), pick(fieldReads(l.c, x, false), st.other), e)], st.m);
        const into = pick(s.lets, st.other);
        if (st.m % 3 === 0 && st.other % 2 === 1 && calls.length > 0) return out(pick(callsOn(`${l.name}[0]`), st.opt ?? 0));
        if (st.m % 3 === 0) return out(`for (const ${x} of ${l.name}) ${change}`);
        if (st.m % 3 === 1) return out(`for (const ${x} of ${l.name}) ${into} += ${read};`);
        const next = st.opt === null ? '' : `${l.name}[(i + 1) % ${l.name}.length].${l.c.fields[0].name} * `;
        return [`for (let i = 0; i < ${l.name}.length; i++) {`, `  const ${x} = ${l.name}[i];`, `  ${into} += ${next}${read};`, '}'].forEach(out);
      }
      case 'renew': {
        const renewable = () => s.objs.filter((o) => o.renewable && !this.aliased.has(o.name));
        if (renewable().length === 0) this.stmt({ ...st, k: 'new', m: 0, opt: 0 }, s, ind);
        const own = renewable();
        if (own.length === 0) return this.stmt({ ...st, k: 'acc' }, s, ind);
        const o = pick(own, st.o);
        const chains = membersOf(o.c, ['mut', 'decay']);
        const clone = o.c.spec.clone && chains.length > 0 ? `${o.name}.clone().${pick(chains, st.other).name}(${e})` : '';
        const forms = [this.made(o.c, st.args, s), clone, o.c.spec.of ? `${o.c.name}.of(${e})` : ''];
        return out(`${o.name} = ${pick(forms, st.m) || forms[0]};`);
      }
      case 'helper': {
        // A module-level function taking an instance of the first class (`kick(v0, e)`, `s += energy(v0, e)`).
        if (!s.objs.some((o) => o.c === this.classes[0])) this.stmt({ ...st, k: 'new', o: 0, m: 0, opt: 1 }, s, ind);
        const o = pick(sameClass(s, this.classes[0]), st.o).name;
        this.helpers.add(st.m % 2 === 0 ? 'kick' : 'energy');
        return out(st.m % 2 === 0 ? `kick(${o}, ${e});` : `${pick(s.lets, st.other)} += energy(${o}, ${e});`);
      }
      case 'loop': {
        const i = `i${this.n++}`;
        out(`for (let ${i} = 0; ${i} < ${1 + (st.m % 3)}; ${i}++) {`);
        this.block(st.body, copy(s, [i]), `${ind}  `);
        return out('}');
      }
      case 'branch': {
        out(`if (${e} > 0) {`);
        this.block(st.body, copy(s), `${ind}  `);
        if (st.alt) out('} else {');
        if (st.alt) this.block(st.alt, copy(s), `${ind}  `);
        return out('}');
      }
    }
  }
  block(stmts: readonly Stmt[], s: Scope, ind: string): void {
    for (const st of stmts) this.stmt(st, s, ind);
  }
}
/** The module-level helpers the marked function calls: `energy(v, k)` reads an instance of the first class, `kick(v, dt)` writes one (a field, then a method). */
function helperLines(c: ClassInfo, used: ReadonlySet<string>): string[] {
  const [x, f0] = [objName(c).obj, `${objName(c).obj}.${c.fields[0].name}`];
  const read = membersOf(c, ['num', 'get', 'sum', 'arrow']).map((m) => use(c, m, x, 'k', x))[0] ?? f0;
  const call = membersOf(c, ['mut', 'void', 'decay']).map((m) => `  ${use(c, m, x, 'dt', x)};`);
  const energy = [`function energy(${x}: ${c.name}, k: number): number {`, `  return ${read} * Math.sin(k) + ${f0};`, '}', ''];
  const kick = [`function kick(${x}: ${c.name}, dt: number): void {`, `  ${write('add', f0, `dt * ${f0}`)}`, ...call.slice(0, 1), '}', ''];
  return [...(used.has('energy') ? energy : []), ...(used.has('kick') ? kick : [])];
}

type Param = { readonly name: string; readonly type: string; readonly shape: ParamShape; readonly wrt: string };
/** The tag of a marked function with these parameters: all of them, or those `mask` keeps (at least one). */
function tag(params: readonly Param[], mask: number): { tag: string; wrt: number[] } {
  const kept = params.flatMap((_, i) => (params.length > 1 && mask > 0 && mask < 2 ** params.length - 1 && !((mask >> i) & 1) ? [] : [i]));
  return { tag: kept.length === params.length ? '@differentiable' : `@differentiable wrt(${kept.map((i) => params[i].wrt).join(', ')})`, wrt: kept };
}

export function printClassProgram(p: ClassProgram): ClassProgramText {
  const first = classInfo({ ...p.classes[0], hidden: 'none', nested: 'none' }, 0, p);
  const classes = [first, ...p.classes.slice(1).map((c) => classInfo(c, 1, p, first))];
  const instance = (name: string): Param => ({ name, type: first.type, shape: first.shape, wrt: name });
  const made = (q: Param) => (q.shape === undefined ? q.name : `Object.assign(${first.blank}, ${q.name})`);
  const readers = first.members.filter((m) => readerKinds.includes(m.k));
  const nums: Param[] = ['k', 't', 'u'].slice(0, p.entry.nums).map((name) => ({ name, type: 'number', shape: undefined, wrt: name }));
  let [marked, params, call, result] = ['f', nums, '', p.ret.k === 'number' ? 'number' : 'number[]'];
  let [fLines, tagged, wrt]: [string[], { readonly j: number; readonly tag: string } | undefined, number[]] = [[], undefined, []];
  if (p.entry.k === 'member' && readers.length > 0) {
    const m = pick(readers, p.entry.m);
    marked = `${first.name}_${m.name}`;
    const number = paramOf[m.k] ? [{ ...nums[0], name: paramOf[m.k]!, wrt: paramOf[m.k]! }] : [];
    params = m.k === 'stat' ? [instance('a'), instance('b')] : [{ ...instance('self'), wrt: 'this' }, ...(m.k === 'pair' ? [instance('o')] : number)];
    result = m.k === 'toArray' ? 'number[]' : 'number';
    call = use(first, m, made(params[0]), params[params.length - 1].name, params.length > 1 ? made(params[1]) : '');
    const t = tag(params, p.entry.wrt);
    [wrt, tagged] = [t.wrt, { j: first.members.indexOf(m), tag: t.tag }];
  } else {
    if (p.entry.param) [marked, params] = ['run', [instance(themes[p.theme].obj), ...nums]];
    const printer = new Printer(classes);
    const scope: Scope = { nums: nums.map((q) => q.name), lets: ['s'], objs: [], lists: [] };
    if (p.entry.param) printer.declare(scope, { name: params[0].name, c: first, renewable: false }, false);
    printer.block(p.body, scope, '  ');
    const e = expr(p.ret.e, scope.nums);
    const listed = scope.objs.filter((o) => o.c.members.some((m) => m.k === 'toArray'));
    const o = scope.objs.length > 0 ? pick(scope.objs, p.ret.o) : undefined;
    const array = p.ret.k === 'toArray' && listed.length > 0 ? `${pick(listed, p.ret.o).name}.toArray()` : `[s, ${e}${o ? `, ${o.name}.${o.c.fields[0].name}` : ''}]`;
    // An instance parameter is always differentiated: the function writes it.
    const t = tag(params, p.entry.param ? p.entry.wrt | 1 : p.entry.wrt);
    wrt = t.wrt;
    const signature = params.map((q) => `${q.name}: ${q.shape === undefined ? 'number' : first.name}`).join(', ');
    const body = [...printer.lines, `  return ${result === 'number' ? `s + ${e}` : array};`];
    fLines = [...helperLines(first, printer.helpers), `/** ${t.tag} */`, `export function ${marked}(${signature}): ${result} {`, '  let s = 0;', ...body, '}', ''];
    call = `run(${params.map(made).join(', ')})`;
  }
  const doc = `/** The test's primal: \`${marked}\` on plain objects of the fields, as its generated functions take them. */`;
  const primal = [doc, `export function f(${params.map((q) => `${q.name}: ${q.type}`).join(', ')}): ${result} {`, `  return ${call};`, '}', ''];
  const alias = (g: string) => ['jvp', 'vjp', 'grad', 'jacobian'].flatMap((x) => (new RegExp(`export function ${marked}_${x}\\b`).test(g) ? [`${marked}_${x} as f_${x}`] : []));
  const edit = (g: string) => (marked === 'f' ? g : `${g}\nexport { ${alias(g).join(', ')} };\n`);
  const main = [...classes.flatMap((c, i) => classLines(c, i === 0 ? tagged : undefined)), ...fLines, ...(marked === 'f' ? [] : primal)].join('\n');
  const shapes = params.map((q) => q.shape);
  return { files: { '/src/main.ts': main }, wrt, params: params.length, paramNames: params.map((q) => q.name), shapes, result: result as 'number' | 'number[]', marked, edit };
}
