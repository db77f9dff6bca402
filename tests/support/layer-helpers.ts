/**
 * The module-level helpers of the random programs of layers (layer-programs.ts),
 * printed into main.ts where `f` calls them: over arrays and layers, `dense(layer, x)`,
 * `grow(x, n, c)`, `smooth(x, c)` (each returning a new array); over arrays of objects
 * (local-list-text.ts), `ring(cx, r, n)` returning new points, `translate(ps, dx, dy)`
 * taking points and returning new ones, `area(ps)` and `spread(ps)` taking points,
 * `energy(bs)` taking bodies and `step(bs, dt)` moving them; and the interface `Body`
 * where the program names its types.
 */
import type { LayerProgram } from './layer-programs';

const PT = '{ x: number; y: number }';

/** The type of a local list's objects: points (`Pt`) or bodies (`Body`), named where the program names its types. */
export const objectType = (p: LayerProgram, body: boolean): string => (body ? (p.named ? 'Body' : `{ pos: ${PT}; vel: ${PT}; mass: number }`) : p.named ? 'Pt' : PT);

/** The helpers, by name, given the types of a layer, a point and a body. */
const helpers: Readonly<Record<string, (layer: string, pt: string, body: string) => string[]>> = {
  dense: (layer) => [
    `function dense(layer: ${layer}, x: readonly number[]): number[] {`,
    '  const out: number[] = [];',
    '  for (let i = 0; i < layer.W.length; i++) {',
    '    let s = layer.b[i];',
    '    for (let j = 0; j < x.length; j++) s += layer.W[i][j] * x[j];',
    '    out.push(Math.tanh(s));',
    '  }',
    '  return out;',
    '}',
  ],
  grow: () => [
    'function grow(x: readonly number[], n: number, c: number): number[] {',
    '  const out: number[] = [];',
    '  for (let i = 0; i < n; i++) out.push(Math.tanh(c * x[i % x.length] + x[(i + 1) % x.length]));',
    '  return out;',
    '}',
  ],
  smooth: () => [
    'function smooth(x: readonly number[], c: number): number[] {',
    '  const out: number[] = [];',
    '  for (let i = 0; i < Math.max(1, x.length - 1); i++) out.push(0.5 * (x[i] + x[(i + 1) % x.length]) * Math.cos(c));',
    '  return out;',
    '}',
  ],
  ring: (_, pt) => [
    `function ring(cx: number, r: number, n: number): ${pt}[] {`,
    `  const out: ${pt}[] = [];`,
    '  for (let i = 0; i < n; i++) {',
    '    const a = (2 * Math.PI * i) / n;',
    '    out.push({ x: cx + r * Math.cos(a), y: r * Math.sin(a) });',
    '  }',
    '  return out;',
    '}',
  ],
  translate: (_, pt) => [`function translate(ps: ${pt}[], dx: number, dy: number): ${pt}[] {`, '  return ps.map((p) => ({ x: p.x + dx, y: p.y + dy }));', '}'],
  area: (_, pt) => [
    `function area(ps: ${pt}[]): number {`,
    '  let a = 0;',
    '  for (let i = 0; i < ps.length; i++) {',
    '    const p = ps[i];',
    '    const q = ps[(i + 1) % ps.length];',
    '    a += p.x * q.y - q.x * p.y;',
    '  }',
    '  return a / 2;',
    '}',
  ],
  spread: (_, pt) => [
    `function spread(ps: ${pt}[]): number {`,
    '  let cx = 0;',
    '  let cy = 0;',
    '  for (const p of ps) {',
    '    cx += p.x;',
    '    cy += p.y;',
    '  }',
    '  cx /= ps.length;',
    '  cy /= ps.length;',
    '  let s = 0;',
    '  for (const p of ps) s += (p.x - cx) ** 2 + (p.y - cy) ** 2;',
    '  return s / ps.length;',
    '}',
  ],
  energy: (_, __, body) => [`function energy(bs: ${body}[]): number {`, '  return bs.reduce((e, b) => e + 0.5 * b.mass * (b.vel.x ** 2 + b.vel.y ** 2), 0);', '}'],
  step: (_, __, body) => [
    `function step(bs: ${body}[], dt: number): void {`,
    '  for (const b of bs) {',
    '    b.vel.y -= dt * Math.sin(b.pos.x);',
    '    b.pos.x += dt * b.vel.x;',
    '    b.pos.y += dt * b.vel.y;',
    '  }',
    '}',
  ],
};

/** The interface `Body` where `used` names it (its `Pt` is declared with the list elements' interfaces), and the helpers `used` calls. */
export function helperLines(used: string, p: LayerProgram, layer: string): string[] {
  const body = /\bBody\b/.test(used) ? ['interface Body {', '  pos: Pt;', '  vel: Pt;', '  mass: number;', '}', ''] : [];
  const calls = Object.keys(helpers).filter((name) => new RegExp(`\\b${name}\\(`).test(used));
  return [...body, ...calls.flatMap((name) => [...helpers[name](layer, objectType(p, false), objectType(p, true)), ''])];
}
