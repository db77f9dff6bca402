/**
 * Second order (`@differentiable hessian`): Hessian-vector products by reverse mode over forward
 * mode. The forward mode of f, `T(p, v) = ∇f(p)·v`, is itself ordinary code; its gradient is
 * ∂T/∂p = H·v (H symmetric) and ∂T/∂v = ∇f(p). Adding `s · stop_gradient(f(p))` (a `@nondiff`
 * identity) makes ∂/∂s = f(p) and adds nothing to the others: one reverse sweep over the forward
 * code gives value, gradient and H·v, and differentiates only the tangent's computation.
 *
 * This module writes the two texts around that second differentiation:
 * - `tangentSource`: f's forward mode as a source adc differentiates again: the public `f_jvp`
 *   without `out`, and the pushforwards it calls returning `{ value, tangent }` instead of leaving
 *   the tangent in the runtime's `ret[0]` (code that passes values through a global cannot be
 *   differentiated), plus a marked wrapper `T(p, v, s) = jvp(p, v).tangent + s · stop_gradient(value)`;
 * - `hvpFunctions`: the public `f_hvp` and `f_hessian` over the wrapper's generated gradient.
 *
 * Guarantees: the wrapper differentiates exactly the differentiated parameters, their tangents
 * and `s`, in that order, so its gradient is [H·v…, ∇f…, f]; `f_hessian` assembles the columns
 * H·eⱼ in f_jacobian's column order (every element of the first differentiated parameter, then
 * the next; a number is one column).
 */
import type { JsExpr, JsFile, JsFunction, JsParam, JsStmt } from '../5-print/js';
import { mentionsName } from './dead-code';
import { mapStmtChildren, substitute } from '../5-print/js-walk';
import { isRetSlot } from './context';

/** What `f_hvp` and `f_hessian` are written from. */
export interface SecondOrderSpec {
  /** Public prefix (`f`): `f_hvp`, `f_hessian`. */
  readonly api: string;
  /** The source function's name, for doc comments. */
  readonly name: string;
  /** Every parameter of f, as its public functions declare them. */
  readonly params: readonly JsParam[];
  /** The differentiated ones, by position, in signature order (names may differ from the source's: an unused `y` is `_y`). */
  readonly wrt: readonly number[];
  /** The type of `grads` in f_grad's result (`[number[], number]`). */
  readonly gradsType: string;
  /** Name of the wrapper's generated gradient (`T_grad` renamed), which f_hvp calls. */
  readonly inner: string;
}

/** Pushforwards (internal forward helpers) return `{ value, tangent }`: `ret[0] = t; return v` ⇒ `return { value: v, tangent: t }`. */
export function tangentSource(
  file: JsFile,
  pushforwards: ReadonlySet<string>,
  jvp: string,
  wrapper: string,
  wrt: readonly number[],
  runtime: string,
): { text: JsFile; problem?: string } {
  const functions: JsFunction[] = [];
  const arrays = new Set(file.functions.filter((f) => pushforwards.has(f.name) && f.returnType !== undefined && f.returnType !== 'number').map((f) => f.name));
  // (a recursive one returns the pair as a tuple: the second pass calls a function returning an array, where it inlines one returning an object)
  const pairs = recursive(file.functions.filter((f) => pushforwards.has(f.name) && !arrays.has(f.name)));
  const sites = { pushforwards, arrays, pairs };
  for (const f of file.functions) {
    if (f.name === jvp) {
      // (`out` is its last parameter, whatever its name)
      const out = f.params[f.params.length - 1].name;
      const params = f.params.slice(0, -1);
      const body = [...sameLengthChecks(params, wrt), ...callSites(dropOut(f.body, out), sites, runtime)];
      functions.push({ ...f, exported: false, params, returnType: '{ value: number; tangent: number }', body });
    } else if (pushforwards.has(f.name)) {
      // (a helper returning an array too: its tangent array beside it, instead of in the runtime's retArrays)
      const type = f.returnType ?? 'number';
      const pair = pairs.has(f.name);
      functions.push({ ...f, returnType: pair ? '[number, number]' : `{ value: ${type}; tangent: ${type} }`, body: callSites(returns(f.body, runtime, pair), sites, runtime) });
    } else functions.push({ ...f, body: callSites(f.body, sites, runtime) });
  }
  const jvpFn = functions.find((f) => f.name === jvp)!;
  const scale = fresh(
    's',
    jvpFn.params.map((p) => p.name),
  );
  const tangents = jvpFn.params.slice(jvpFn.params.length - wrt.length).map((p) => p.name);
  const differentiated = wrt.map((at) => jvpFn.params[at].name);
  const args = jvpFn.params.map((p) => ({ k: 'id', name: p.name }) as JsExpr);
  const r = fresh('r', [...jvpFn.params.map((p) => p.name), scale]);
  // f's value reaches T through a @nondiff identity: ∂T/∂s is still f, but no adjoint flows back
  // from s into f's own computation (it would be multiplied by s = 0), so the second pass
  // differentiates only the tangent, as a hand-written H·v does.
  const stop = fresh(
    'stop_gradient',
    functions.map((f) => f.name),
  );
  functions.push({
    name: stop,
    exported: false,
    doc: '@nondiff',
    params: [{ name: 'x', type: 'number' }],
    returnType: 'number',
    body: [{ k: 'return', e: { k: 'id', name: 'x' } }],
  });
  functions.push({
    name: wrapper,
    exported: true,
    doc: `@differentiable wrt(${[...differentiated, ...tangents, scale].join(', ')})`,
    params: [...jvpFn.params, { name: scale, type: 'number' }],
    returnType: 'number',
    body: [
      { k: 'decl', kind: 'const', name: r, init: { k: 'call', fn: { k: 'id', name: jvp }, args } },
      {
        k: 'return',
        e: {
          k: 'bin',
          op: '+',
          l: member(r, 'tangent'),
          r: { k: 'bin', op: '*', l: { k: 'id', name: scale }, r: { k: 'call', fn: { k: 'id', name: stop }, args: [member(r, 'value')] } },
        },
      },
    ],
  });
  // (a helper returning an array leaves its tangent in the runtime's retArrays: not yet differentiable again)
  const users = functions.filter((f) => mentionsName([f], runtime));
  const helper = users.map((f) => (f.name !== jvp && !pushforwards.has(f.name) ? /^(\w+?)_pushforward/.exec(f.name)?.[1] : undefined)).find((h) => h !== undefined);
  const problem =
    users.length === 0
      ? undefined
      : helper
        ? `it calls '${helper}', which returns an array (second order through helpers returning arrays is not supported yet: inline it, or return a number)`
        : 'its forward mode uses the runtime (an array result or a helper returning an array)';
  return { text: { header: [], imports: [], prelude: [], functions }, problem };
}

/**
 * `if (dx.length !== x.length) throw …` for each array parameter in `wrt` and its tangent (the last
 * `wrt.length` parameters): the direction of an H·v has the parameter's length, and with the check
 * the second pass knows a tangent's element is there wherever the parameter's is (in-bounds.ts), so
 * its adjoint terms need no zero-adjoint guard for a missing element.
 */
function sameLengthChecks(params: readonly JsParam[], wrt: readonly number[]): JsStmt[] {
  const tangents = params.slice(params.length - wrt.length);
  return wrt.flatMap((at, k) => {
    const [p, dp] = [params[at], tangents[k]];
    if (p.type === 'number') return [];
    const length = (name: string): JsExpr => ({ k: 'member', obj: { k: 'id', name }, name: 'length' });
    const message = `the direction for ${p.name} must have its length`;
    return [
      {
        k: 'if',
        c: { k: 'bin', op: '!==', l: length(dp.name), r: length(p.name) },
        then: [{ k: 'throw', e: { k: 'new', ctor: 'RangeError', args: [{ k: 'str', v: message }] } }],
      } as JsStmt,
    ];
  });
}

/** `f_hvp` and `f_hessian` as text, over `spec.inner` (the wrapper's gradient). */
export function hvpFunctions(spec: SecondOrderSpec, runtime: string): string {
  const active = spec.wrt.map((at) => spec.params[at]);
  const k = active.length;
  const taken = spec.params.map((p) => p.name);
  const vs: string[] = [];
  for (const p of active) vs.push(fresh(`v_${p.name}`, [...taken, ...vs]));
  // Locals of f_hvp and f_hessian, apart from the parameters.
  const [out, g, rows, n, i, j] = ['out', 'g', 'rows', 'n', 'i', 'j'].map((base) => fresh(base, [...taken, ...vs]));
  const sig = spec.params.map(param).join(', ');
  const resultType = `{ value: number; grads: ${spec.gradsType}; hvp: ${spec.gradsType} }`;
  const isArray = (p: JsParam) => p.type !== 'number';
  const list = (from: number) => active.map((_, at) => `${g}[${from + at}]`).join(', ');
  // With out, the wrapper's gradient writes H·v and ∇f straight into out's arrays (checked and zeroed here, named as the caller knows them).
  const slot = (field: 'grads' | 'hvp', at: number) => (isArray(active[at]) ? `${runtime}.zeroed(${out}.${field}[${at}], ${size(active[at])}, 'out.${field}[${at}]')` : '0');
  const inOut = `{ value: 0, grads: [${[...active.map((_, at) => slot('hvp', at)), ...active.map((_, at) => slot('grads', at)), '0'].join(', ')}] }`;
  const hvp = [
    `/** Hessian-vector product of \`${spec.name}\` along (${vs.join(', ')}), with its value and gradient: reverse mode over forward mode, one pass. */`,
    `export function ${spec.api}_hvp(${sig}, ${vs.map((v, at) => `${v}: ${active[at].type}`).join(', ')}, ${out}?: ${resultType}): ${resultType} {`,
    `  // grads of T(p, v, s) = ∇f(p)·v + s·f(p) at s = 0: [H·v…, ∇f…, f]`,
    `  if (${out} === undefined) {`,
    `    const ${g} = ${spec.inner}(${[...taken, ...vs, '0'].join(', ')}).grads;`,
    `    return { value: ${g}[${2 * k}], grads: [${list(k)}], hvp: [${list(0)}] };`,
    `  }`,
    `  const ${g} = ${spec.inner}(${[...taken, ...vs, '0', inOut].join(', ')}).grads;`,
    `  ${out}.value = ${g}[${2 * k}];`,
    ...active.flatMap((p, at) => (isArray(p) ? [] : [`  ${out}.grads[${at}] = ${g}[${k + at}];`, `  ${out}.hvp[${at}] = ${g}[${at}];`])),
    `  return ${out};`,
    `}`,
  ];
  // f_hessian: column j is H·eⱼ; the unit vectors are reused, one 1 at a time. (`!`: the rows
  // and elements exist; under noUncheckedIndexedAccess TypeScript cannot tell.)
  const offsets: string[] = [];
  let total = '0';
  for (const p of active) {
    offsets.push(total);
    total = total === '0' ? size(p) : `${total} + ${size(p)}`;
  }
  const units = active.map((p, at) => (isArray(p) ? `  const ${vs[at]} = ${zeros(p)};` : `  let ${vs[at]} = 0;`));
  const set = (value: 0 | 1) =>
    active.map((p, at) => {
      const o = offsets[at];
      const end = at + 1 < k ? offsets[at + 1] : n;
      const test = `${o === '0' ? '' : `${j} >= ${o} && `}${j} < ${end}`;
      return isArray(p) ? `    if (${test}) ${vs[at]}[${o === '0' ? j : `${j} - (${o})`}] = ${value};` : `    if (${j} === ${o}) ${vs[at]} = ${value};`;
    });
  const passed = active.map((p, at) => (isArray(p) && !isTyped(p) ? `${vs[at]} as unknown as ${p.type}` : vs[at]));
  const hessian = [
    `/** Hessian of \`${spec.name}\` with respect to (${active.map((p) => p.name).join(', ')}): rows and columns in ${spec.api}_jacobian's order (every element of the first, then the next), column j from one Hessian-vector product. */`,
    `export function ${spec.api}_hessian(${sig}): Float64Array[] {`,
    `  const ${n} = ${total};`,
    `  const ${rows}: Float64Array[] = [];`,
    `  for (let ${i} = 0; ${i} < ${n}; ${i}++) ${rows}.push(new Float64Array(${n}));`,
    ...units,
    `  for (let ${j} = 0; ${j} < ${n}; ${j}++) {`,
    ...set(1),
    `    const ${g} = ${spec.inner}(${[...taken, ...passed, '0'].join(', ')}).grads;`,
    ...active.map((p, at) =>
      isArray(p)
        ? `    for (let ${i} = 0; ${i} < ${size(p)}; ${i}++) ${rows}[${offsets[at] === '0' ? i : `${offsets[at]} + ${i}`}]![${j}] = ${g}[${at}][${i}]!;`
        : `    ${rows}[${offsets[at]}]![${j}] = ${g}[${at}];`,
    ),
    ...set(0),
    `  }`,
    `  return ${rows};`,
    `}`,
  ];
  return [...hvp, '', ...hessian].join('\n') + '\n';
}

function param(p: JsParam): string {
  return `${p.name}${p.optional ? '?' : ''}: ${p.type}`;
}

function size(p: JsParam): string {
  return p.type === 'number' ? '1' : `${p.name}.length`;
}

function isTyped(p: JsParam): boolean {
  return p.type === 'Float64Array' || p.type === 'Float32Array';
}

/** A zero array to hold unit vectors for `p` (a plain array where the parameter's type is not a typed array). */
function zeros(p: JsParam): string {
  return isTyped(p) ? `new ${p.type}(${p.name}.length)` : `new Array<number>(${p.name}.length).fill(0)`;
}

function fresh(base: string, taken: readonly string[]): string {
  let name = base;
  while (taken.includes(name)) name = `${name}_`;
  return name;
}

function member(obj: string, name: string): JsExpr {
  return { k: 'member', obj: { k: 'id', name: obj }, name };
}

/** `adc.ret[0]` or `adc.retArrays[0]` (also `adc.ret[0]!`, `adc.retArrays[0] as number[]`): where a pushforward leaves its tangent. */
function isRet(e: JsExpr, runtime: string): boolean {
  return e.k === 'nonNull' || e.k === 'as' ? isRet(e.e, runtime) : isRetSlot(e, runtime);
}

/** Rewrites every block of a body with `f`. */
function mapBlocks(body: readonly JsStmt[], f: (b: readonly JsStmt[]) => JsStmt[]): JsStmt[] {
  return f(
    body.map((s): JsStmt => {
      switch (s.k) {
        case 'if':
          return { ...s, then: mapBlocks(s.then, f), else: s.else && mapBlocks(s.else, f) };
        case 'for':
        case 'while':
        case 'do':
        case 'block':
          return { ...s, body: mapBlocks(s.body, f) };
        default:
          return s;
      }
    }),
  );
}

/** The public jvp without its `out` branch: `if (out !== undefined) { …; return out; }` removed. */
function dropOut(body: readonly JsStmt[], out: string): JsStmt[] {
  return mapBlocks(body, (b) => b.filter((s) => !(s.k === 'if' && s.c.k === 'bin' && s.c.l.k === 'id' && s.c.l.name === out)));
}

/** `ret[0] = t; return v;` ⇒ `return { value: v, tangent: t };` (`return [v, t];` for a `pair`) */
function returns(body: readonly JsStmt[], runtime: string, pair: boolean): JsStmt[] {
  return mapBlocks(body, (b) => {
    const out: JsStmt[] = [];
    for (let i = 0; i < b.length; i++) {
      const s = b[i];
      const next = b[i + 1];
      if (s.k === 'assign' && isRet(s.target, runtime) && next?.k === 'return' && next.e) {
        const e: JsExpr = pair
          ? { k: 'arr', elems: [next.e, s.value] }
          : {
              k: 'obj',
              props: [
                ['value', next.e],
                ['tangent', s.value],
              ],
            };
        out.push({ k: 'return', e });
        i++;
      } else out.push(s);
    }
    return out;
  });
}

/**
 * `const t = g_pushforward(…); const dt = adc.ret[0];` ⇒ `const t_r = g_pushforward(…); const t = t_r.value; const dt = t_r.tangent;`
 * For a helper returning an array, `t` and `dt` are not declared: what follows reads `t_r.value`
 * and `t_r.tangent` (a second name for an array, `const s = t`, is then one for an object's array).
 */
function callSites(
  body: readonly JsStmt[],
  { pushforwards, arrays, pairs }: { readonly pushforwards: ReadonlySet<string>; readonly arrays: ReadonlySet<string>; readonly pairs: ReadonlySet<string> },
  runtime: string,
): JsStmt[] {
  return mapBlocks(body, (block) => {
    const out: JsStmt[] = [];
    const names = new Map<string, JsExpr>();
    const expr = (e: JsExpr) => substitute(e, (n) => names.get(n));
    const stmt = (s: JsStmt): JsStmt => mapStmtChildren(s, expr, stmt);
    for (let i = 0; i < block.length; i++) {
      const s = names.size > 0 ? stmt(block[i]) : block[i];
      const next = block[i + 1];
      if (s.k === 'decl' && s.init?.k === 'call' && s.init.fn.k === 'id' && pushforwards.has(s.init.fn.name)) {
        const callee = s.init.fn.name;
        const r = `${s.name}_r`;
        const array = arrays.has(callee);
        const part = (which: 'value' | 'tangent'): JsExpr =>
          pairs.has(callee) ? { k: 'index', obj: { k: 'id', name: r }, index: { k: 'num', v: which === 'value' ? 0 : 1 } } : member(r, which);
        out.push({ ...s, name: r, type: undefined });
        if (array) names.set(s.name, part('value'));
        else out.push({ k: 'decl', kind: s.kind, name: s.name, init: part('value') });
        if (next?.k === 'decl' && next.init && isRet(next.init, runtime)) {
          if (array) names.set(next.name, part('tangent'));
          else out.push({ ...next, init: part('tangent') });
          i++;
        }
      } else out.push(s);
    }
    return out;
  });
}

/** The names of the functions among `fs` that call themselves, directly or through others of `fs`. */
function recursive(fs: readonly JsFunction[]): ReadonlySet<string> {
  const calls = new Map(fs.map((f) => [f.name, fs.filter((g) => mentionsName([f], g.name)).map((g) => g.name)]));
  const reaches = (from: string, to: string, seen: Set<string>): boolean => (calls.get(from) ?? []).some((c) => c === to || (!seen.has(c) && (seen.add(c), reaches(c, to, seen))));
  return new Set(fs.filter((f) => reaches(f.name, f.name, new Set())).map((f) => f.name));
}
