/**
 * `adc graph`: a function of a file ⇒ its computational graph as Graphviz DOT, with at a point
 * (`--at x=3,y=2`) the value, tangent and adjoint of every node.
 *
 *   load the file ─▶ find the function ─▶ lower it and its callees (2-lower) ─▶ graph (model.ts)
 *     ─▶ run it at the point (evaluate.ts) ─▶ DOT (dot.ts)
 *
 * Guarantees: the function's compile errors come back as diagnostics (nothing drawn); a point or
 * direction that does not fit the parameters is a GraphInputError saying what to write.
 */
import { loadProject, sourceFileOf, ConfigError } from '../1-frontend/project';
import { findMarked, moduleFunctions } from '../1-frontend/functions';
import { LoweredProgram } from '../2-lower/program';
import { findRules } from '../1-frontend/rules';
import { CompileError, type Diagnostic } from '../diagnostics/catalog';
import { isArrayType, leavesOf, type IRFunction, type Shape, type VarId } from '../ir/types';
import { buildGraph } from './model';
import { evaluate, EvaluationError, type Evaluation } from './evaluate';
import { number, toDot } from './dot';

export interface GraphRequest {
  readonly file: string;
  readonly name: string;
  /** `x=3,y=2`, `xs=[1,2,3]`, `p={"x":1,"y":2}`: the point. */
  readonly at?: string;
  /** The tangent direction, written like `at` (default: 1 for the first number of the first differentiated parameter). */
  readonly direction?: string;
  /** Draw called functions' operations inside their calls. */
  readonly expand?: boolean;
  readonly tsconfig?: string;
  /** Sources held in memory instead of on disk (tests): `{ '/src/a.ts': '…' }`. */
  readonly sources?: Record<string, string>;
}

export type GraphResult =
  | {
      readonly dot: string;
      readonly nodes: number;
      /** The run at `at`, when given. */
      readonly run?: Evaluation;
      /** The node of each parameter the IR has (an object's numbers are parameters of their own). */
      readonly inputs: readonly { readonly name: string; readonly node: string }[];
    }
  | { readonly diagnostics: readonly Diagnostic[] };

/** A point or a function name that does not fit: what to write instead. */
export class GraphInputError extends Error {}

export function graphFunction(request: GraphRequest): GraphResult {
  let loaded;
  try {
    loaded = request.sources ? loadProject(Object.keys(request.sources), { inMemory: request.sources }) : loadProject([request.file], { tsconfig: request.tsconfig });
  } catch (e) {
    if (e instanceof ConfigError) return { diagnostics: e.diagnostics };
    throw e;
  }
  const sf = sourceFileOf(loaded, request.file);
  if (!sf) throw new GraphInputError(`${request.file} does not exist`);
  const functions = moduleFunctions(sf);
  const src = functions.find((f) => f.name === request.name);
  if (!src) {
    const marked = findMarked(sf).marked.map((m) => m.source.name);
    const names = marked.length > 0 ? marked : functions.map((f) => f.name);
    throw new GraphInputError(`'${request.name}' is not a function of ${request.file}${names.length > 0 ? ` (its functions: ${names.join(', ')})` : ''}`);
  }
  const program = new LoweredProgram(loaded.checker, findRules(loaded.program.getSourceFiles(), loaded.checker));
  const problems = program.problems(src);
  if (problems.length > 0) return { diagnostics: problems };
  let ir: IRFunction;
  try {
    ir = program.lower(src);
    program.reach(ir);
  } catch (e) {
    if (e instanceof CompileError) return { diagnostics: e.diagnostics };
    throw e;
  }
  const graph = buildGraph(ir, program.get, { expand: request.expand });
  const inputs = ir.params.map((p) => ({ name: ir.vars[p].name, node: `in${p}` }));
  // (a marked function's wrt(…) names the parameters derivatives are taken for; else every numeric one)
  const wrt = findMarked(sf).marked.find((m) => m.source === src || m.source.name === src.name)?.wrt;
  const named = (p: VarId) =>
    wrt === undefined || wrt.includes(ir.vars[p].name) || (ir.structure?.params.some((s) => wrt.includes(s.name) && leavesOf(s.shape).includes(p)) ?? false);
  const numeric = ir.params.filter((p) => (ir.vars[p].type === 'number' || isArrayType(ir.vars[p].type)) && named(p));
  const differentiated = new Set(numeric.map((p) => `in${p}`));
  const signature = ir.structure
    ? ir.structure.params.map((p) => ({ name: p.name, shape: p.shape }))
    : ir.params.map((p) => ({ name: ir.vars[p].name, shape: { leaf: p } as Shape<VarId> }));
  if (request.at === undefined) {
    if (request.direction !== undefined) throw new GraphInputError('--direction needs --at (the point where the tangent is taken)');
    return { dot: toDot(graph, undefined, { differentiated, point: `${ir.name}(${signature.map((p) => p.name).join(', ')})` }), nodes: graph.nodes.length, inputs };
  }
  const point = parsePoint(
    request.at,
    '--at',
    signature.map((p) => p.name),
  );
  for (const p of signature) if (!point.has(p.name)) throw new GraphInputError(`--at has no value for ${p.name} (write --at ${signature.map((q) => `${q.name}=…`).join(',')})`);
  const args = leafValues(ir, signature, point, '--at');
  let direction: Map<string, unknown>;
  if (request.direction !== undefined)
    direction = parsePoint(
      request.direction,
      '--direction',
      signature.map((p) => p.name),
    );
  else
    direction = firstDirection(
      ir,
      signature.filter((p) => leavesOf(p.shape).some((v) => differentiated.has(`in${v}`))),
      point,
    );
  const tangents = leafValues(ir, signature, direction, '--direction', true);
  const ruled = program.reach(ir).find((f) => f.rule);
  if (ruled)
    throw new GraphInputError(
      `cannot run ${ir.name} at a point: it calls '${ruled.name}', whose derivatives are user rules (@jvp, @vjp), which adc graph cannot run; leave out --at to draw it`,
    );
  try {
    const run = evaluate(ir, program.get, args, tangents);
    const show = (m: Map<string, unknown>) => [...m].map(([k, v]) => `${k} = ${typeof v === 'number' ? number(v) : JSON.stringify(v)}`).join(', ');
    return { dot: toDot(graph, run, { differentiated, point: `${ir.name}(${show(point)})`, direction: show(direction) }), nodes: graph.nodes.length, run, inputs };
  } catch (e) {
    if (e instanceof EvaluationError) throw new GraphInputError(`cannot run ${ir.name} at that point: ${e.message}`);
    throw e;
  }
}

/** `x=3,y=[1,2],p={"a":1}` ⇒ its values by name (JSON after each `=`, split at top-level commas). */
export function parsePoint(text: string, flag: string, names: readonly string[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  let depth = 0;
  let start = 0;
  const parts: string[] = [];
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if ((c === ',' && depth === 0) || i === text.length) {
      if (text.slice(start, i).trim() !== '') parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  for (const part of parts) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    if (eq < 0 || name === '') throw new GraphInputError(`${flag} takes name=value pairs separated by commas (x=3,y=2, xs=[1,2]): '${part.trim()}' has no '='`);
    if (!names.includes(name)) throw new GraphInputError(`${flag}: '${name}' is not a parameter (parameters: ${names.join(', ')})`);
    let value: unknown;
    try {
      value = JSON.parse(part.slice(eq + 1).trim());
    } catch {
      throw new GraphInputError(`${flag}: the value of ${name} is not a number, an array or a JSON object: '${part.slice(eq + 1).trim()}'`);
    }
    out.set(name, value);
  }
  return out;
}

/** The IR's arguments (one per IR parameter) from values of the source's parameters. */
function leafValues(ir: IRFunction, signature: readonly { name: string; shape: Shape<VarId> }[], values: Map<string, unknown>, flag: string, zeros = false): unknown[] {
  const args: unknown[] = ir.params.map(() => undefined);
  const put = (shape: Shape<VarId>, value: unknown, path: string): void => {
    if ('leaf' in shape) {
      const type = ir.vars[shape.leaf].type;
      const ok = type === 'number' ? typeof value === 'number' : isArrayType(type) ? Array.isArray(value) && value.every((x) => typeof x === 'number') : true;
      if (!ok && !(zeros && value === undefined)) throw new GraphInputError(`${flag}: ${path} must be ${type === 'number' ? 'a number' : 'an array of numbers'}`);
      args[ir.params.indexOf(shape.leaf)] = value;
      return;
    }
    if (shape.matrix || shape.list) throw new GraphInputError(`${flag}: ${path} is an array of arrays or of objects, which adc graph cannot take yet: draw it without --at`);
    const obj = (value ?? {}) as Record<string, unknown>;
    if (!zeros && (typeof value !== 'object' || value === null)) throw new GraphInputError(`${flag}: ${path} must be an object ({"key": value, …})`);
    for (const [key, part] of shape.object) put(part, obj[key], `${path}.${key}`);
  };
  for (const p of signature) put(p.shape, values.get(p.name), p.name);
  return args;
}

/** Along the first number of the first differentiated parameter: ẋ = 1, the rest 0. */
function firstDirection(ir: IRFunction, signature: readonly { name: string; shape: Shape<VarId> }[], point: Map<string, unknown>): Map<string, unknown> {
  for (const p of signature) {
    const v = point.get(p.name);
    if ('leaf' in p.shape && ir.vars[p.shape.leaf].type === 'number') return new Map([[p.name, 1]]);
    if ('leaf' in p.shape && isArrayType(ir.vars[p.shape.leaf].type) && Array.isArray(v) && v.length > 0) return new Map([[p.name, v.map((_, i) => (i === 0 ? 1 : 0))]]);
  }
  return new Map();
}
