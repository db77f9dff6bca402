/**
 * Runs a lowered function at a point, for the numbers `adc graph --at` writes on its nodes:
 * IR + arguments ⇒ for every operation, the value, the tangent along a direction and the adjoint
 * of the result, at its last execution (and how many times it ran; loops' trip counts).
 *
 * An interpreter with a tape, independent of the generated code (which keeps no intermediate
 * values): each execution of an operation is a tape entry with its operands' entries and its
 * partial derivatives, from the rule table (the one the emitters print); tangents are summed
 * forwards as it runs, adjoints backwards from the result's (seeded with 1; every element of an
 * array result with 1). A partial times a zero (co)tangent adds nothing, as in generated code.
 *
 * Guarantees: executions are keyed as model.ts names nodes (`<call path><temp id>`,
 * `<call path>s<position>`, `in<param>`), so every drawn operation finds its numbers; a call
 * runs its callee's IR under the path `<call node id>>`.
 */
import { ops } from '../ir/ops';
import { printExpression } from '../5-print/printer';
import { b } from '../5-print/js';
import { ruleTable } from '../rules/table';
import { assertNever, isArrayType, type IRFunction, type PrimName, type Region, type VarId } from '../ir/types';
import { statementKey } from './model';

/** A number the derivatives follow: its value, tangent and tape entry (-1: a constant). */
interface Cell {
  readonly v: number;
  readonly t: number;
  readonly id: number;
}
type Value = Cell | Cell[] | boolean | string | undefined | object | number;

export interface Annotation {
  readonly value: number | boolean | readonly number[];
  readonly tangent?: number | readonly number[];
  readonly adjoint?: number | readonly number[];
  /**
   * The adjoint computed with every partial and seed replaced by its magnitude: a bound on the
   * terms the adjoint sums (its rounding error is at most about n·ε times this).
   */
  readonly magnitude?: number | readonly number[];
  /** ∂node/∂operand at its last execution, by operand. */
  readonly partials?: readonly number[];
  /** Executions (more than one in a loop). */
  readonly count: number;
}

export interface Evaluation {
  readonly result: number | readonly number[];
  readonly nodes: ReadonlyMap<string, Annotation>;
  /** Iterations of each loop (by its cluster id), over the whole run. */
  readonly trips: ReadonlyMap<string, number>;
}

type Signal = undefined | { readonly k: 'break' | 'continue'; readonly loop: number } | { readonly k: 'return'; readonly value: Value };

export class EvaluationError extends Error {}

/** Runs `fn` on `args` (numbers, arrays of numbers, data) with tangents `direction` (per parameter). */
export function evaluate(fn: IRFunction, get: (key: string) => IRFunction, args: readonly unknown[], direction: readonly unknown[]): Evaluation {
  const values: number[] = [];
  const tangents: number[] = [];
  const operands: number[][] = [];
  const partials: number[][] = [];
  const last = new Map<string, number>();
  const counts = new Map<string, number>();
  const trips = new Map<string, number>();

  const record = (key: string | undefined, v: number, from: readonly Cell[], ps: readonly number[]): Cell => {
    let t = 0;
    from.forEach((c, i) => {
      if (c.t !== 0) t += ps[i] * c.t;
    });
    const id = values.length;
    values.push(v);
    tangents.push(t);
    operands.push(from.map((c) => c.id));
    partials.push([...ps]);
    if (key !== undefined) {
      last.set(key, id);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return { v, t, id };
  };

  const inputs = fn.params.map((p, i) => {
    const key = `in${p}`;
    const a = args[i];
    const d = direction[i];
    if (typeof a === 'number') return record(key, a, [{ v: a, t: typeof d === 'number' ? d : 0, id: -1 }], [1]);
    if (isArrayType(fn.vars[p].type) && Array.isArray(a))
      return a.map((x, k) => record(`${key}[${k}]`, Number(x), [{ v: Number(x), t: Array.isArray(d) ? Number(d[k] ?? 0) : 0, id: -1 }], [1]));
    return a as Value;
  });

  const result = run(fn, inputs, '');
  const adjoints = new Float64Array(values.length);
  const magnitudes = new Float64Array(values.length);
  const seeds = Array.isArray(result) ? result : isCell(result) ? [result] : [];
  for (const c of seeds) if (c.id >= 0) ((adjoints[c.id] += 1), (magnitudes[c.id] += 1));
  for (let i = values.length - 1; i >= 0; i--) {
    const a = adjoints[i];
    const m = magnitudes[i];
    if (a === 0 && m === 0) continue;
    operands[i].forEach((j, k) => {
      if (j < 0) return;
      if (a !== 0) adjoints[j] += partials[i][k] * a;
      if (m !== 0) magnitudes[j] += Math.abs(partials[i][k]) * m;
    });
  }

  const nodes = new Map<string, Annotation>();
  for (const [key, id] of last) {
    if (key.includes('[')) continue;
    nodes.set(key, { value: values[id], tangent: tangents[id], adjoint: adjoints[id], magnitude: magnitudes[id], partials: partials[id], count: counts.get(key)! });
  }
  fn.params.forEach((p, i) => {
    const cells = inputs[i];
    if (Array.isArray(cells) && cells.every(isCell))
      nodes.set(`in${p}`, {
        value: cells.map((c) => c.v),
        tangent: cells.map((c) => c.t),
        adjoint: cells.map((c) => adjoints[c.id]),
        magnitude: cells.map((c) => magnitudes[c.id]),
        count: 1,
      });
  });
  const out = Array.isArray(result) ? result.map((c) => c.v) : isCell(result) ? result.v : NaN;
  const outAdjoint = Array.isArray(result) ? result.map(() => 1) : 1;
  const outTangent = Array.isArray(result) ? result.map((c) => c.t) : isCell(result) ? result.t : 0;
  nodes.set('out', { value: out, tangent: outTangent, adjoint: outAdjoint, count: 1 });
  return { result: out, nodes, trips };

  /** Runs a function's body with its parameters' values; `path` prefixes its keys. */
  function run(f: IRFunction, params: readonly Value[], path: string): Value {
    const env = new Map<VarId, Value>(f.params.map((p, i) => [p, params[i]]));
    const temps: Value[] = [];
    const num = (t: number): number => {
      const x = temps[t];
      return isCell(x) ? x.v : (x as number);
    };
    const cell = (t: number): Cell => {
      const x = temps[t];
      return isCell(x) ? x : { v: x === undefined ? NaN : Number(x), t: 0, id: -1 };
    };
    const array = (v: VarId): Cell[] => {
      const a = env.get(v);
      if (Array.isArray(a)) return a.map((x) => (isCell(x) ? x : { v: Number(x), t: 0, id: -1 }));
      throw new EvaluationError(`${f.vars[v].name} is not an array of numbers here (give it one in --at)`);
    };
    const region = (r: Region): Signal => {
      for (const s of r) {
        switch (s.kind) {
          case 'op': {
            const key = `${path}${s.id}`;
            switch (s.op) {
              case 'const':
                temps[s.id] = typeof s.value === 'number' ? record(key, s.value, [], []) : s.value;
                break;
              case 'read':
                temps[s.id] = env.get(s.var);
                break;
              case 'prim':
                temps[s.id] = prim(
                  key,
                  s.fn,
                  s.args.map((a) => temps[a]),
                );
                break;
              case 'select': {
                const chosen = truthy(temps[s.args[0]]) ? s.args[1] : s.args[2];
                const c = temps[chosen];
                temps[s.id] = isCell(c) ? record(key, c.v, [c], [1]) : c;
                break;
              }
              case 'call': {
                const r2 = run(
                  get(s.callee),
                  s.args.map((a) => temps[a]),
                  `${key}>`,
                );
                // (a @nondiff callee's result is a constant: no operand)
                temps[s.id] = isCell(r2) ? (s.nondiff ? record(key, r2.v, [], []) : record(key, r2.v, [r2], [1])) : r2;
                break;
              }
              case 'load': {
                const src = env.get(s.var);
                const x = Array.isArray(src) ? src[num(s.args[0])] : undefined;
                const c = isCell(x) ? x : { v: x === undefined ? NaN : Number(x), t: 0, id: -1 };
                temps[s.id] = record(key, c.v, [c], [1]);
                break;
              }
              case 'length':
                temps[s.id] = (env.get(s.var) as unknown[]).length;
                break;
              case 'get': {
                const obj = temps[s.args[0]] as Record<string | number, unknown>;
                const x = s.key === undefined ? obj[num(s.args[1])] : obj[s.key];
                temps[s.id] = Array.isArray(x) && typeof x[0] === 'number' ? x.map((y) => ({ v: y, t: 0, id: -1 })) : (x as Value);
                break;
              }
              case 'newArray':
                temps[s.id] =
                  s.form === 'literal' ? s.args.map((a) => cell(a)) : Array.from({ length: num(s.args[0]) }, () => (s.args.length > 1 ? cell(s.args[1]) : { v: 0, t: 0, id: -1 }));
                break;
              case 'slice': {
                const a = array(s.var);
                temps[s.id] = a.slice(s.hasStart ? num(s.args[0]) : undefined, s.hasEnd ? num(s.args[s.hasStart ? 1 : 0]) : undefined);
                break;
              }
              default:
                assertNever(s, 'op');
            }
            break;
          }
          case 'assign':
            env.set(s.var, temps[s.value]);
            break;
          case 'declare':
            env.set(s.var, undefined);
            break;
          case 'store':
          case 'push':
          case 'fill': {
            const target = env.get(s.var);
            if (!Array.isArray(target)) throw new EvaluationError(`${f.vars[s.var].name} is not an array here`);
            const v = cell(s.value);
            const typed = f.vars[s.var].type === 'Float64Array' || f.vars[s.var].type === 'Float32Array';
            const stored = record(`${path}${statementKey(f, s)}`, f.vars[s.var].type === 'Float32Array' ? Math.fround(v.v) : v.v, [v], [1]);
            if (s.kind === 'push') target.push(stored);
            else if (s.kind === 'fill') target.fill(stored);
            else {
              const i = num(s.index);
              if (!typed || i < target.length) target[i] = stored;
            }
            break;
          }
          case 'check':
            if (truthy(temps[s.cond])) throw new EvaluationError(`${f.name} throws at ${s.origin.line}:${s.origin.col} for these arguments: ${s.message}`);
            break;
          case 'if': {
            const signal = region(truthy(temps[s.cond]) ? s.then : s.else);
            if (signal) return signal;
            break;
          }
          case 'loop': {
            const key = `${path}loop${s.id}`;
            // (for/while: test, body, update; do: body, update, test — ir/types.ts Loop)
            for (let first = true; ; first = false) {
              if (s.form !== 'do' || !first) {
                const t = region(s.test);
                if (t) return t;
                if (s.cond !== undefined && !truthy(temps[s.cond])) break;
              }
              trips.set(key, (trips.get(key) ?? 0) + 1);
              if (trips.get(key)! > 10_000_000) throw new EvaluationError(`the loop at ${s.origin.line}:${s.origin.col} ran more than 10,000,000 times`);
              const signal = region(s.body);
              if (signal?.k === 'break' && signal.loop === s.id) break;
              if (signal && !(signal.k === 'continue' && signal.loop === s.id)) return signal;
              const u = region(s.update);
              if (u) return u;
            }
            break;
          }
          case 'break':
          case 'continue':
            return { k: s.kind, loop: s.loop };
          case 'return':
            return { k: 'return', value: temps[s.value] };
          default:
            assertNever(s, 'statement');
        }
      }
      return undefined;
    };
    const signal = region(f.body);
    return signal?.k === 'return' ? signal.value : undefined;
  }

  /** An elementary operation: its value, and its partials from the rule table. */
  function prim(key: string, name: PrimName, xs: readonly Value[]): Value {
    const sig = ops.get(name)!;
    const raw = xs.map((x) => (isCell(x) ? x.v : (x as number)));
    const y = sig.evaluate(raw);
    if (typeof y === 'boolean') return y;
    const cells = xs.map((x, i) => (isCell(x) ? x : { v: raw[i], t: 0, id: -1 }));
    const r = ruleTable.get(name);
    if (!r?.partials) return record(key, y, [], []);
    return record(key, y, cells, partialFunction(name, xs.length)(...raw, y));
  }
}

function isCell(x: unknown): x is Cell {
  return typeof x === 'object' && x !== null && 'id' in x && 'v' in x;
}

function truthy(x: unknown): boolean {
  return isCell(x) ? x.v !== 0 && !Number.isNaN(x.v) : Boolean(x);
}

const compiled = new Map<string, (...args: number[]) => number[]>();

/** The rule table's partials of `name` with `arity` operands, as a function of the operands and the result. */
function partialFunction(name: PrimName, arity: number): (...args: number[]) => number[] {
  const key = `${name}/${arity}`;
  let f = compiled.get(key);
  if (!f) {
    const names = Array.from({ length: arity }, (_, i) => `a${i}`);
    const ps = ruleTable.get(name)!.partials!(
      names.map((n) => b.id(n)),
      b.id('y'),
    );
    f = new Function(...names, 'y', `return [${ps.map(printExpression).join(', ')}];`) as (...args: number[]) => number[];
    compiled.set(key, f);
  }
  return f;
}
