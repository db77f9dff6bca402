/**
 * A graph (model.ts), with the numbers of a run when there is one (evaluate.ts), as Graphviz DOT:
 * inputs at the top, the output at the bottom; each node shows what it computes, the variable it
 * is, and at a point its value (black), its tangent along the chosen direction (blue) and its
 * adjoint (red); an edge carrying a derivative shows the partial ∂node/∂operand there. Nodes no
 * derivative passes through are grey; loops and branches are dashed clusters, a loop's label
 * says how many times it ran.
 *
 * Guarantees: the text is a pure function of its inputs; every label is escaped for DOT's HTML
 * labels; numbers print with at most 6 significant digits and an ASCII minus.
 */
import type { Annotation, Evaluation } from './evaluate';
import { activeNodes, type Graph, type GraphNode } from './model';

export interface DotOptions {
  /** `f(x = 3, y = 2)`: the point, for the title. */
  readonly point?: string;
  /** `x = 1, y = 0`: the tangent direction, for the legend. */
  readonly direction?: string;
  /** Inputs differentiated (node ids), for which nodes are grey. */
  readonly differentiated: ReadonlySet<string>;
}

const VALUE = '#111111';
const TANGENT = '#1f5fbf';
const ADJOINT = '#c0392b';
const GREY = '#9a9a9a';

export function toDot(g: Graph, run: Evaluation | undefined, options: DotOptions): string {
  const active = activeNodes(g, options.differentiated);
  const lines: string[] = [
    `digraph ${quote(g.name)} {`,
    '  graph [rankdir=TB, fontname="Helvetica", fontsize=12, nodesep=0.35, ranksep=0.45, labelloc=t, bgcolor=white];',
    '  node [fontname="Helvetica", fontsize=11, margin="0.06,0.03"];',
    '  edge [fontname="Helvetica", fontsize=9, color="#555555", arrowsize=0.7];',
    `  label=<${title(g, run, options)}>;`,
  ];
  const byCluster = groupBy(g.nodes, (n) => n.cluster);
  const children = groupBy(g.clusters, (c) => c.parent);
  const byId = new Map(g.nodes.map((n) => [n.id, n]));

  const emit = (cluster: string | undefined, depth: number): void => {
    const pad = '  '.repeat(depth);
    for (const n of byCluster.get(cluster) ?? []) lines.push(`${pad}${nodeLine(n, run?.nodes.get(n.id), active.has(n.id))}`);
    for (const c of children.get(cluster) ?? []) {
      lines.push(`${pad}subgraph ${quote(`cluster_${c.id}`)} {`);
      const trips = c.key !== undefined && run ? ` · ran ${plural(run.trips.get(c.key) ?? 0, 'time')}` : '';
      const style = c.kind === 'call' ? 'rounded' : 'rounded,dashed';
      lines.push(`${pad}  label=<${escape(c.label)}${escape(trips)}>; labeljust=l; style="${style}"; color="#8899aa"; fontcolor="#445566";`);
      emit(c.id, depth + 1);
      lines.push(`${pad}}`);
    }
  };
  emit(undefined, 1);

  const inputs = g.nodes.filter((n) => n.kind === 'input').map((n) => quote(n.id));
  if (inputs.length > 1) lines.push(`  { rank=source; ${inputs.join('; ')}; }`);
  lines.push(`  { rank=sink; ${quote('out')}; }`);
  for (const e of g.edges) {
    const attrs: string[] = [];
    const live = e.flows && active.has(e.from) && active.has(e.to);
    if (!live) attrs.push(`color="${GREY}"`, 'style=dashed');
    if (e.back) attrs.push('style=dashed', 'constraint=false', `color="#7a8ca0"`);
    const p = live && e.operand !== undefined ? run?.nodes.get(e.to)?.partials?.[e.operand] : undefined;
    if (p !== undefined && !e.back && isPartialShown(byId.get(e.to))) attrs.push(`label=<<FONT COLOR="${GREY}">∂ ${escape(number(p))}</FONT>>`);
    lines.push(`  ${quote(e.from)} -> ${quote(e.to)}${attrs.length > 0 ? ` [${attrs.join(', ')}]` : ''};`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** Partials are worth a label where they are not all 1 by construction (copies, loads, stores, joins). */
function isPartialShown(n: GraphNode | undefined): boolean {
  return n !== undefined && n.kind === 'op' && !n.label.endsWith('[·]');
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const list = out.get(key(item));
    if (list) list.push(item);
    else out.set(key(item), [item]);
  }
  return out;
}

function nodeLine(n: GraphNode, a: Annotation | undefined, active: boolean): string {
  const colour = active ? '#333333' : GREY;
  const rows: string[] = [`<B>${escape(n.label)}</B>`];
  if (n.name !== undefined) rows.push(`<I>${escape(n.name)}</I>`);
  if (a && n.kind !== 'const') {
    const times = a.count > 1 ? ` (last of ${a.count})` : '';
    rows.push(`<FONT COLOR="${active ? VALUE : GREY}">value ${escape(number(a.value))}${escape(times)}</FONT>`);
    if (active && a.tangent !== undefined) rows.push(`<FONT COLOR="${TANGENT}">tangent ${escape(number(a.tangent))}</FONT>`);
    if (active && a.adjoint !== undefined) rows.push(`<FONT COLOR="${ADJOINT}">adjoint ${escape(number(a.adjoint))}</FONT>`);
  }
  const label =
    rows.length === 1 && !a ? rows[0] : `<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">${rows.map((r) => `<TR><TD>${r}</TD></TR>`).join('')}</TABLE>`;
  const shape = {
    input: `shape=ellipse, style=filled, fillcolor="#e8f0fb"`,
    op: `shape=box, style="rounded,filled", fillcolor="#ffffff"`,
    const: `shape=plaintext, fontsize=10`,
    call: `shape=box, peripheries=2, style=filled, fillcolor="#f4f4f4"`,
    join: `shape=ellipse, style="dashed,filled", fillcolor="#fbfbf2"`,
    store: `shape=box, style="filled", fillcolor="#f7f3ea"`,
    output: `shape=doubleoctagon, style=filled, fillcolor="#fdecea"`,
  }[n.kind];
  return `${quote(n.id)} [label=<${label}>, ${shape}, color="${colour}", fontcolor="${colour}"];`;
}

function title(g: Graph, run: Evaluation | undefined, o: DotOptions): string {
  const head = `<B>${escape(o.point ?? `${g.name}(…)`)}</B>`;
  if (!run) return `${head}<BR/><FONT POINT-SIZE="10">the computational graph (give --at to see values, tangents and adjoints)</FONT>`;
  return (
    `${head} = ${escape(number(run.result))}<BR/><FONT POINT-SIZE="10">` +
    `<FONT COLOR="${VALUE}">value</FONT> forwards · ` +
    `<FONT COLOR="${TANGENT}">tangent</FONT> forwards along (${escape(o.direction ?? '')}) · ` +
    `<FONT COLOR="${ADJOINT}">adjoint</FONT> backwards from ${escape(g.name)}̄ = 1 · ∂: partial on the edge</FONT>`
  );
}

/** A number as drawn: 6 significant digits, ASCII minus, arrays shortened. */
export function number(x: number | boolean | readonly number[]): string {
  if (typeof x === 'boolean') return String(x);
  if (typeof x !== 'number') return `[${x.slice(0, 4).map(number).join(', ')}${x.length > 4 ? `, … ${x.length} in all` : ''}]`;
  if (Number.isNaN(x) || !Number.isFinite(x)) return String(x);
  if (Object.is(x, -0)) return '0';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const a = Math.abs(x);
  return a >= 1e-4 && a < 1e6 ? String(Number(x.toPrecision(6))) : x.toExponential(4).replace(/\.?0+e/, 'e');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
