/**
 * `adc graph`'s model and numbers (compiler/graph): the primer's seed function drawn with its
 * values and adjoints; loops, branches, calls, arrays and errors; and, on random programs of the
 * supported subset, the numbers the graph writes on its inputs agree with what the generated code
 * computes (value bit for bit, adjoints with f_grad and the tangent with f_jvp to rounding,
 * measured by the magnitudes the adjoint sums). The CLI's SVG is tested in cli-graph.test.ts.
 */
import fc from 'fast-check';
import { graphFunction, GraphInputError, type GraphResult } from '../compiler';
import { compileProgram } from './support/check-program';
import { printProgram } from './support/program-text';
import { programArb } from './support/programs';
import { propertySeed } from './support/seed';

type Drawn = Extract<GraphResult, { dot: string }>;

function draw(source: string, name: string, at?: string, more: { direction?: string; expand?: boolean } = {}): Drawn {
  const r = graphFunction({ file: '/src/main.ts', name, at, sources: { '/src/main.ts': source }, ...more });
  if ('diagnostics' in r) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r;
}

/** The DOT line of a node, by its id. */
function nodeLine(dot: string, id: string): string {
  const line = dot.split('\n').find((l) => l.trimStart().startsWith(`"${id}" [`));
  if (!line) throw new Error(`no node ${id} in\n${dot}`);
  return line;
}

const seed = `
/** @differentiable */
export function f(x: number, y: number): number {
  return (x + y) * (x - y);
}`;

describe('the graph of the primer’s function f(x, y) = (x + y)(x − y)', () => {
  const r = draw(seed, 'f', 'x=3,y=2');
  const [x, y] = r.inputs.map((i) => i.node);

  it('has the inputs, the three operations and the output, joined as the expression is', () => {
    const labels = [...r.dot.matchAll(/<B>([^<]+)<\/B>/g)].map((m) => m[1]);
    expect(labels).toEqual(['f(x = 3, y = 2)', 'x', 'y', '+', '−', '×', 'f']);
    expect(r.dot.match(/->/g)).toHaveLength(7);
  });

  it('writes the primer’s numbers: value 5, adjoints x̄ = 6 and ȳ = −4, tangent 6 along x', () => {
    expect(nodeLine(r.dot, x)).toContain('adjoint 6<');
    expect(nodeLine(r.dot, y)).toContain('adjoint -4<');
    expect(nodeLine(r.dot, 'out')).toContain('value 5<');
    expect(nodeLine(r.dot, 'out')).toContain('tangent 6<');
    expect(r.run?.nodes.get(x)?.adjoint).toBe(6);
  });

  it('labels each edge with its partial: ∂(a·b)/∂b = a = 5, ∂(x − y)/∂y = −1', () => {
    expect(r.dot).toMatch(/"5" -> "6" \[label=<<FONT COLOR="#9a9a9a">∂ 5</);
    expect(r.dot).toMatch(new RegExp(`"${y}" -> "5" \\[label=<<FONT COLOR="#9a9a9a">∂ -1<`));
  });

  it('takes a direction for the tangents', () => {
    const along = draw(seed, 'f', 'x=3,y=2', { direction: 'x=0,y=1' });
    expect(nodeLine(along.dot, 'out')).toContain('tangent -4<');
  });

  it('without --at, draws the graph without numbers', () => {
    const plain = draw(seed, 'f');
    expect(plain.dot).not.toContain('value ');
    expect(plain.dot).toContain('give --at');
  });
});

describe('the graph of structured code', () => {
  const loop = `
function sq(a: number): number {
  return a * a;
}
/** @differentiable */
export function g(x: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (s > 1) s = s * 0.5;
    s += Math.sin(x * i) + sq(x);
  }
  return s;
}`;

  it('draws a loop once as a cluster saying how many times it ran, and a branch as a cluster', () => {
    const r = draw(loop, 'g', 'x=0.7,n=5');
    expect(r.dot).toContain('label=<for (let i = 0; i &lt; n; i++) · ran 5 times>');
    expect(r.dot).toContain('label=<if (s &gt; 1)>');
    expect(r.dot).toMatch(/value [0-9.]+ \(last of 5\)/);
    // the variable carried by the loop comes back to its head
    expect(r.dot).toMatch(/constraint=false/);
  });

  it('runs a do … while body before its first test', () => {
    const r = draw(
      `/** @differentiable */
export function d(x: number): number {
  let s = 0;
  let i = 5;
  do {
    s += x * x;
    i++;
  } while (i < 3);
  return s;
}`,
      'd',
      'x=3',
    );
    expect(r.run?.result).toBe(9);
    expect(r.run?.nodes.get(r.inputs[0].node)?.adjoint).toBe(6);
    expect(r.dot).toContain('ran 1 time>');
  });

  it('draws a call as a box, or with --expand its operations inside', () => {
    expect(draw(loop, 'g', 'x=0.7,n=5').dot).toContain('<B>sq(…)</B>');
    const expanded = draw(loop, 'g', 'x=0.7,n=5', { expand: true });
    expect(expanded.dot).toContain('subgraph "cluster_c');
    expect(expanded.dot).toContain('<B>return of sq</B>');
  });

  it('greys what no derivative passes through (the counter, the test)', () => {
    const r = draw(loop, 'g', 'x=0.7,n=5');
    const n = r.inputs.find((i) => i.name === 'n')!.node;
    expect(nodeLine(r.dot, n)).toContain('color="#9a9a9a"');
    expect(nodeLine(r.dot, r.inputs[0].node)).toContain('color="#333333"');
  });

  it('follows a marked function’s wrt(…): the other parameters are data, grey', () => {
    const r = draw(
      `/** @differentiable wrt(x) */
export function f(x: number, y: number): number {
  return x * y;
}`,
      'f',
      'x=3,y=2',
    );
    expect(nodeLine(r.dot, r.inputs[0].node)).toContain('adjoint 2<');
    expect(nodeLine(r.dot, r.inputs[1].node)).toContain('color="#9a9a9a"');
    expect(nodeLine(r.dot, r.inputs[1].node)).not.toContain('adjoint');
  });

  it('takes arrays and draws their stores', () => {
    const arrays = `
/** @differentiable */
export function h(xs: number[], k: number): number {
  const ys: number[] = [];
  for (let i = 0; i < xs.length; i++) ys.push(xs[i] * k);
  let s = 0;
  for (const y of ys) s += y * y;
  return s;
}`;
    const r = draw(arrays, 'h', 'xs=[1,2,3],k=2');
    // h = k² Σ x², ∂h/∂x = 2k² x, ∂h/∂k = 2k Σ x²
    expect(r.run?.nodes.get(r.inputs[0].node)?.adjoint).toEqual([8, 16, 24]);
    expect(r.run?.nodes.get(r.inputs[1].node)?.adjoint).toBe(56);
    expect(r.dot).toContain('<B>ys.push</B>');
  });

  it('says what to write when the point does not fit', () => {
    expect(() => draw(seed, 'f', 'x=3')).toThrow(new GraphInputError('--at has no value for y (write --at x=…,y=…)'));
    expect(() => draw(seed, 'f', 'x=3,z=1')).toThrow("--at: 'z' is not a parameter (parameters: x, y)");
    expect(() => draw(seed, 'f', 'x=3,y=two')).toThrow('the value of y is not a number');
    expect(() => draw(seed, 'f', 'x 3')).toThrow('has no');
    expect(() => draw(seed, 'g')).toThrow("'g' is not a function of /src/main.ts (its functions: f)");
  });

  it('returns the compile errors of a function it cannot lower, and draws nothing', () => {
    const r = graphFunction({ file: '/src/main.ts', name: 'f', sources: { '/src/main.ts': 'export function f(x: number): number { return eval("x"); }' } });
    expect('diagnostics' in r && r.diagnostics.length).toBeGreaterThan(0);
  });
});

describe('on random programs, the numbers on the inputs agree with the generated code', () => {
  it('value bit for bit, adjoints with f_grad and the tangent with f_jvp to rounding', () => {
    let compared = 0;
    fc.assert(
      fc.property(
        programArb.filter((p) => p.objects === null),
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 6, maxLength: 6 }),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 6, maxLength: 6 }),
        (p, point, along) => {
          const text = printProgram(p);
          const compiled = compileProgram(text);
          const x = point.slice(0, text.params);
          const names = Array.from({ length: text.params }, (_, i) => /\bf\(([^)]*)\)/.exec(text.files['/src/main.ts'])![1].split(',')[i].split(':')[0].trim());
          const at = names.map((n, i) => `${n}=${x[i]}`).join(',');
          const v = text.wrt.map((_, k) => along[k]);
          const direction = text.wrt.map((w, k) => `${names[w]}=${v[k]}`).join(',');
          const r = graphFunction({ file: '/src/main.ts', name: 'f', at, direction, sources: { ...text.files } });
          if ('diagnostics' in r) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
          const value = compiled.original.f(...x) as number;
          // (equal as numbers: the sign of a zero result is not compared)
          const got = r.run!.result as number;
          expect(got === value || (Number.isNaN(got) && Number.isNaN(value))).toBe(true);
          if (!Number.isFinite(value)) return;
          const { grads } = compiled.module.f_grad(...x) as { grads: number[] };
          let bound = 0;
          text.wrt.forEach((w, k) => {
            const a = r.run!.nodes.get(r.inputs[w].node)!;
            bound += Math.abs(v[k]) * (a.magnitude as number);
            if (!Number.isFinite(grads[k]) || !Number.isFinite(a.magnitude as number)) return;
            expect(Math.abs((a.adjoint as number) - grads[k])).toBeLessThanOrEqual(1e-9 * (a.magnitude as number) + 1e-300);
            compared++;
          });
          const { tangent } = compiled.module.f_jvp(...x, ...v) as { tangent: number };
          if (Number.isFinite(tangent) && Number.isFinite(bound))
            expect(Math.abs((r.run!.nodes.get('out')!.tangent as number) - tangent)).toBeLessThanOrEqual(1e-9 * bound + 1e-300);
        },
      ),
      { numRuns: 60, seed: propertySeed() },
    );
    expect(compared).toBeGreaterThan(30);
  });
});
