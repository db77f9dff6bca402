/**
 * The computational graph of a lowered function, as the primer draws it (`adc graph`):
 * IR ⇒ nodes (inputs, operations, constants, the output) joined by the values that flow
 * between them, with loops and branches as clusters.
 *
 * Reads and assignments of variables are not nodes: a read is drawn as an edge from the
 * operation whose value the variable holds there (SSA, as the IR's temps already are). Where
 * control flow joins two definitions of a variable, a small *join* node named after it stands
 * for the variable (after an `if` whose arms assign it differently, and at the head of a loop
 * for every variable the loop assigns, with a dashed edge back from the end of the body).
 * An array is a chain of definitions: each store makes the next one (`xs[i] =`).
 *
 * Guarantees: node ids of operations are `<call path><temp id>` and of stores, pushes and fills
 * `<call path>s<position>`, the keys evaluate.ts gives their executions, so annotations find
 * their nodes; the graph is a pure function of the IR (same IR, same text).
 */
import { ops } from '../ir/ops';
import { ruleTable } from '../rules/table';
import { forEachStmtNumbered } from '../ir/walk';
import { assertNever, type IRFunction, type Region, type Stmt, type TempId, type VarId } from '../ir/types';

export type NodeKind = 'input' | 'op' | 'const' | 'call' | 'join' | 'store' | 'output';

export interface GraphNode {
  readonly id: string;
  readonly kind: NodeKind;
  /** What it computes: `+`, `sin`, `xs[·]`, `sq(…)`, an input's name. */
  readonly label: string;
  /** The variable the source gives this value (`s` for `const s = x + y`), when it names one. */
  name?: string;
  readonly cluster?: string;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** Operand position at `to` (for partial derivatives: ∂to/∂operand). */
  readonly operand?: number;
  /** Derivatives flow along it (not into a test, an index or a piecewise-constant operation). */
  readonly flows: boolean;
  /** Carries a value to the next iteration of a loop. */
  readonly back?: true;
}

export interface Cluster {
  readonly id: string;
  readonly kind: 'loop' | 'then' | 'else' | 'call';
  readonly label: string;
  readonly parent?: string;
  /** The loop's id in its function (loops), to annotate its trip count. */
  readonly key?: string;
}

export interface Graph {
  readonly name: string;
  readonly nodes: GraphNode[];
  readonly edges: GraphEdge[];
  readonly clusters: Cluster[];
}

export interface GraphOptions {
  /** Draw the operations of called functions inside the call (else a call is one box). */
  readonly expand?: boolean;
}

/** Position of every store, push and fill of a function, for their node ids. */
const positions = new WeakMap<IRFunction, Map<Stmt, number>>();
export function statementKey(fn: IRFunction, s: Stmt): string {
  let map = positions.get(fn);
  if (!map) {
    const m = new Map<Stmt, number>();
    forEachStmtNumbered(fn.body, (st, at) => m.set(st, at));
    positions.set(fn, (map = m));
  }
  return `s${map.get(s)}`;
}

/** How an operation is drawn: `+`, `×`, `sin`, `<`. */
export function primLabel(name: string): string {
  const sig = ops.get(name as never);
  if (!sig) return name;
  const f = sig.source;
  if ('infix' in f) return ({ '*': '×', '-': '−', '/': '÷', '**': 'pow', '===': '=', '!==': '≠', '<=': '≤', '>=': '≥' } as Record<string, string>)[f.infix] ?? f.infix;
  if ('prefix' in f) return f.prefix === '-' ? '−' : f.prefix;
  if ('call' in f) return f.call.replace(/^Math\./, '');
  return f.compare;
}

/** The graph of `fn`; `get` finds a callee's IR by its key (for `expand`). */
export function buildGraph(fn: IRFunction, get: (key: string) => IRFunction, options: GraphOptions = {}): Graph {
  const g: Graph = { name: fn.name, nodes: [], edges: [], clusters: [] };
  nodesById.set(g, new Map());
  const outputs: string[] = [];
  const inputs = fn.params.map((p) => addNode(g, { id: `in${p}`, kind: 'input', label: fn.vars[p].name }));
  const env = new Map<VarId, string>(fn.params.map((p, i) => [p, inputs[i]]));
  drawFunction(g, fn, get, options, '', env, undefined, (v) => outputs.push(v));
  const out = addNode(g, { id: 'out', kind: 'output', label: fn.name });
  for (const v of outputs) g.edges.push({ from: v, to: out, operand: 0, flows: true });
  return g;
}

/** Every graph's nodes by id (drawFunction names the variable a node's value is assigned to). */
const nodesById = new WeakMap<Graph, Map<string, GraphNode>>();

function addNode(g: Graph, n: GraphNode): string {
  g.nodes.push(n);
  nodesById.get(g)!.set(n.id, n);
  return n.id;
}

/**
 * Draws `fn`'s body with its parameters' values at the nodes of `env`; `path` prefixes its node
 * ids (a call's operations inside the call); `returned(node)` for each value it returns.
 */
function drawFunction(
  g: Graph,
  fn: IRFunction,
  get: (key: string) => IRFunction,
  options: GraphOptions,
  path: string,
  env: Map<VarId, string>,
  cluster: string | undefined,
  returned: (node: string) => void,
): void {
  const temps = new Map<TempId, string>();
  const byId = nodesById.get(g)!;
  /** A node with edges from `args`; derivatives flow in through operand i when `flows(i)`. */
  const node = (cl: string | undefined, n: Omit<GraphNode, 'cluster'>, args: readonly TempId[] = [], flows: (i: number) => boolean = () => false): string => {
    addNode(g, { ...n, cluster: cl });
    args.forEach((a, i) => {
      const from = temps.get(a);
      if (from !== undefined) g.edges.push({ from, to: n.id, operand: i, flows: flows(i) });
    });
    return n.id;
  };
  /** Draws a region with the variables' current definitions in `at`; returns the definitions at its end. */
  const region = (r: Region, at: Map<VarId, string>, cl: string | undefined, exits: Map<VarId, string>[]): Map<VarId, string> => {
    for (const s of r) {
      switch (s.kind) {
        case 'op': {
          const id = `${path}${s.id}`;
          switch (s.op) {
            case 'read': {
              const def = at.get(s.var);
              if (def !== undefined) temps.set(s.id, def);
              break;
            }
            case 'const':
              if (typeof s.value === 'number') temps.set(s.id, node(cl, { id, kind: 'const', label: s.name ?? formatConstant(s.value) }));
              break;
            case 'prim':
              temps.set(
                s.id,
                node(cl, { id, kind: 'op', label: primLabel(s.fn) }, s.args, () => ruleTable.get(s.fn)?.partials !== undefined),
              );
              break;
            case 'select':
              temps.set(
                s.id,
                node(cl, { id, kind: 'op', label: '?:' }, s.args, (i) => i > 0),
              );
              break;
            case 'call': {
              const name = s.callee.slice(s.callee.lastIndexOf('#') + 1);
              // (a function with user rules has no body to draw: a box, its derivative the rules')
              if (!options.expand || get(s.callee).rule) {
                temps.set(
                  s.id,
                  node(cl, { id, kind: 'call', label: `${name}(…)` }, s.args, () => !s.nondiff),
                );
                break;
              }
              const callee = get(s.callee);
              const inner = `${id}>`;
              g.clusters.push({ id: `c${id}`, kind: 'call', label: `${name}(…)`, parent: cl });
              const calleeEnv = new Map<VarId, string>();
              callee.params.forEach((p, i) => {
                const from = temps.get(s.args[i]);
                if (from !== undefined) calleeEnv.set(p, from);
              });
              const result = node(`c${id}`, { id, kind: 'call', label: `return of ${name}` }, []);
              drawFunction(g, callee, get, options, inner, calleeEnv, `c${id}`, (v) => g.edges.push({ from: v, to: result, operand: 0, flows: true }));
              temps.set(s.id, result);
              break;
            }
            case 'load':
              temps.set(s.id, node(cl, { id, kind: 'op', label: `${fn.vars[s.var].name}[·]` }, s.args));
              linkArray(g, at.get(s.var), id);
              break;
            case 'length':
              temps.set(s.id, node(cl, { id, kind: 'op', label: `${fn.vars[s.var].name}.length` }));
              break;
            case 'get':
              temps.set(s.id, node(cl, { id, kind: 'op', label: s.key === undefined ? '[·]' : `.${s.key}` }, s.args));
              break;
            case 'newArray':
              temps.set(
                s.id,
                node(cl, { id, kind: 'op', label: s.form === 'literal' ? '[…]' : `new ${s.type}` }, s.args, (i) => s.form === 'literal' || i === 1),
              );
              break;
            case 'slice':
              temps.set(s.id, node(cl, { id, kind: 'op', label: `${fn.vars[s.var].name}.slice` }, s.args));
              linkArray(g, at.get(s.var), id);
              break;
            default:
              assertNever(s, 'op');
          }
          break;
        }
        case 'assign': {
          const def = temps.get(s.value);
          if (def === undefined) break;
          at.set(s.var, def);
          const n = byId.get(def);
          if (n && (n.kind === 'op' || n.kind === 'call') && n.name === undefined && fn.vars[s.var].role !== 'hidden') n.name = fn.vars[s.var].name;
          break;
        }
        case 'store':
        case 'push':
        case 'fill': {
          const id = `${path}${statementKey(fn, s)}`;
          const name = fn.vars[s.var].name;
          const label = s.kind === 'store' ? `${name}[·] =` : s.kind === 'push' ? `${name}.push` : `${name}.fill`;
          node(cl, { id, kind: 'store', label }, s.kind === 'store' ? [s.value, s.index] : [s.value], (i) => i === 0);
          linkArray(g, at.get(s.var), id);
          at.set(s.var, id);
          break;
        }
        case 'if': {
          const base = `${path}if${statementKey(fn, s)}`;
          g.clusters.push({ id: `${base}t`, kind: 'then', label: `if (${conditionText(s.origin.text)})`, parent: cl });
          const thenEnd = region(s.then, new Map(at), `${base}t`, exits);
          let elseEnd = at;
          if (s.else.length > 0) {
            g.clusters.push({ id: `${base}e`, kind: 'else', label: 'else', parent: cl });
            elseEnd = region(s.else, new Map(at), `${base}e`, exits);
          }
          for (const v of new Set([...thenEnd.keys(), ...elseEnd.keys()])) {
            const a = thenEnd.get(v);
            const b = elseEnd.get(v);
            if (a === b || a === undefined || b === undefined) {
              if (a ?? b) at.set(v, (a ?? b)!);
              continue;
            }
            at.set(v, join(g, `${base}j${v}`, fn.vars[v].name, cl, [a, b]));
          }
          break;
        }
        case 'loop': {
          const id = `${path}loop${s.id}`;
          g.clusters.push({ id, kind: 'loop', label: loopText(s.origin.text), parent: cl, key: id });
          const carried = new Map<VarId, string>();
          for (const v of assignedIn([...s.test, ...s.body, ...s.update])) if (at.has(v)) carried.set(v, join(g, `${id}j${v}`, fn.vars[v].name, id, [at.get(v)!]));
          const inside = new Map(at);
          for (const [v, j] of carried) inside.set(v, j);
          const loopExits: Map<VarId, string>[] = [];
          region(s.test, inside, id, exits);
          const end = region(s.update, region(s.body, inside, id, loopExits), id, exits);
          for (const [v, j] of carried)
            for (const def of new Set([end.get(v), ...loopExits.map((e) => e.get(v))]))
              if (def !== undefined && def !== j) g.edges.push({ from: def, to: j, back: true, flows: true });
          for (const [v, j] of carried) at.set(v, j);
          break;
        }
        case 'break':
        case 'continue':
          exits.push(new Map(at));
          break;
        case 'return': {
          const def = temps.get(s.value);
          if (def !== undefined) returned(def);
          break;
        }
        case 'declare':
        case 'check':
          break;
        default:
          assertNever(s, 'statement');
      }
    }
    return at;
  };
  region(fn.body, env, cluster, []);
}

/** A node standing for a variable where two or more of its definitions meet. */
function join(g: Graph, id: string, name: string, cluster: string | undefined, from: readonly string[]): string {
  addNode(g, { id, kind: 'join', label: name, cluster });
  for (const f of from) g.edges.push({ from: f, to: id, flows: true });
  return id;
}

function linkArray(g: Graph, def: string | undefined, to: string): void {
  if (def !== undefined) g.edges.push({ from: def, to, flows: true });
}

function assignedIn(r: Region): Set<VarId> {
  const out = new Set<VarId>();
  forEachStmtNumbered(r, (s) => {
    if (s.kind === 'assign' || s.kind === 'store' || s.kind === 'push' || s.kind === 'fill') out.add(s.var);
  });
  return out;
}

/** `if (s > 1) s = s * 0.5;` ⇒ `s > 1` */
function conditionText(statement: string): string {
  const m = /^\s*(?:else\s+)?if\s*\((.*)\)/.exec(statement);
  return shorten(m ? balanced(m[1]) : statement);
}

/** `for (let i = 0; i < n; i++) {` ⇒ `for (let i = 0; i < n; i++)` */
function loopText(statement: string): string {
  const m = /^\s*((?:for|while)\s*\(.*\))/.exec(statement);
  return shorten(m ? m[1].slice(0, m[1].indexOf('(') + 1) + balanced(m[1].slice(m[1].indexOf('(') + 1)) + ')' : statement.replace(/\{.*$/, '').trim());
}

/** The text up to the parenthesis closing an already opened one. */
function balanced(text: string): string {
  let depth = 1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(0, i);
  }
  return text;
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

export function formatConstant(v: number): string {
  return Number.isInteger(v) || Math.abs(v) >= 1e-3 ? String(Number(v.toPrecision(6))) : v.toExponential(3);
}

/**
 * The nodes derivatives pass through: reached from a differentiated input along edges derivatives
 * flow on, and reaching the output along them (an index, a test, a constant is not).
 */
export function activeNodes(g: Graph, inputs: ReadonlySet<string>): Set<string> {
  const reach = (start: Iterable<string>, next: (id: string) => string[]): Set<string> => {
    const seen = new Set(start);
    const todo = [...seen];
    while (todo.length > 0) for (const n of next(todo.pop()!)) if (!seen.has(n)) (todo.push(n), seen.add(n));
    return seen;
  };
  const next = new Map<string, string[]>();
  const previous = new Map<string, string[]>();
  for (const e of g.edges) {
    if (!e.flows) continue;
    if (!next.has(e.from)) next.set(e.from, []);
    if (!previous.has(e.to)) previous.set(e.to, []);
    next.get(e.from)!.push(e.to);
    previous.get(e.to)!.push(e.from);
  }
  const forward = reach(inputs, (id) => next.get(id) ?? []);
  const backward = reach(['out'], (id) => previous.get(id) ?? []);
  return new Set([...forward].filter((id) => backward.has(id)));
}
