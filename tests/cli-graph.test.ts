/**
 * `adc graph` as a user runs it (a subprocess): the primer's function drawn as SVG by Graphviz
 * in WebAssembly, with its numbers in the picture; DOT on stdout; the same bytes every run; and
 * each way of asking wrongly, with its exit code and nothing written.
 */
import { adc, exists, makeProject, readFile, removeProject, writeFile } from './support/cli';

let dir: string;
beforeAll(() => {
  dir = makeProject({
    'src/seed.ts': `/** @differentiable */
export function f(x: number, y: number): number {
  return (x + y) * (x - y);
}

/** @differentiable */
export function broken(x: number): number {
  return eval('x');
}
`,
  });
});
afterAll(() => removeProject(dir));

/** The texts of an SVG, in document order. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

describe('adc graph', () => {
  it('writes an SVG of f at (3, 2): value 5, adjoints 6 and −4, and says where', () => {
    const r = adc(['graph', 'src/seed.ts', 'f', '--at', 'x=3,y=2', '-o', 'graph.svg'], dir);
    expect(r.stderr).toBe('wrote graph.svg (6 nodes, SVG)\n');
    expect(r.code).toBe(0);
    const svg = readFile(dir, 'graph.svg');
    expect(svg).toMatch(/^<\?xml[^]*<svg [^]*<\/svg>\s*$/);
    const t = texts(svg);
    // inputs x and y, each with its value, tangent and adjoint (the primer: x̄ = 6, ȳ = −4)
    expect(t.slice(t.indexOf('x'), t.indexOf('x') + 4)).toEqual(['x', 'value 3', 'tangent 1', 'adjoint 6']);
    expect(t.slice(t.indexOf('y'), t.indexOf('y') + 4)).toEqual(['y', 'value 2', 'tangent 0', 'adjoint &#45;4']);
    for (const op of ['+', '−', '×']) expect(t).toContain(op);
    expect(t).toContain('∂ 5');
  });

  it('prints DOT on stdout with --format dot, the same bytes on every run', () => {
    const a = adc(['graph', 'src/seed.ts', 'f', '--at', 'x=3,y=2', '--format', 'dot'], dir);
    const b = adc(['graph', 'src/seed.ts', 'f', '--at', 'x=3,y=2', '--format', 'dot'], dir);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^digraph "f" \{/);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stderr).toBe('');
  });

  it('takes the format from the extension of -o', () => {
    expect(adc(['graph', 'src/seed.ts', 'f', '-o', 'f.dot'], dir).code).toBe(0);
    expect(readFile(dir, 'f.dot')).toMatch(/^digraph/);
  });

  it('a point that does not fit the parameters: exit 2, what to write, nothing written', () => {
    const r = adc(['graph', 'src/seed.ts', 'f', '--at', 'x=3', '-o', 'bad.svg'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('adc: error: --at has no value for y (write --at x=…,y=…)\n');
    expect(exists(dir, 'bad.svg')).toBe(false);
  });

  it('an unknown function: exit 2, naming the functions of the file', () => {
    const r = adc(['graph', 'src/seed.ts', 'g'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'g' is not a function of");
    expect(r.stderr).toContain('(its functions: f, broken)');
  });

  it('a function with compile errors: its diagnostics with file:line:col, exit 1, an existing picture kept', () => {
    writeFile(dir, 'old.svg', 'kept');
    const r = adc(['graph', 'src/seed.ts', 'broken', '-o', 'old.svg'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^src\/seed\.ts:8:\d+: error ADC\d+/m);
    expect(r.stderr).toContain('nothing drawn');
    expect(readFile(dir, 'old.svg')).toBe('kept');
  });

  it('a missing file: exit 2', () => {
    const r = adc(['graph', 'src/nope.ts', 'f'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no such file: src/nope.ts');
  });
});
