/**
 * The shape of the compiler's code, checked like its behaviour: no import cycle
 * among the modules of `compiler/` (type-only imports count: a cycle of types is
 * still two modules that cannot be read apart), and no module longer than a
 * reader can hold (about 500 lines; see compiler/README.md for where things live).
 * And `runtime/` (what generated code and users' tests import: `ts-adc/runtime`,
 * `ts-adc/testing`) imports only its own modules: no compiler, no package, no Node
 * built-in, so that it ships alone and runs in a browser.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '../compiler');
const MAX_LINES = 520;

function modules(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? modules(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The compiler modules each module imports (relative imports, `import type` and re-exports included). */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const deps: string[] = [];
    for (const m of readFileSync(f, 'utf8').matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+['"](\.[^'"]+)['"]/gm)) {
      const target = resolve(dirname(f), m[1]);
      const file = [`${target}.ts`, join(target, 'index.ts')].find((c) => known.has(c));
      if (file) deps.push(file);
    }
    graph.set(f, deps);
  }
  return graph;
}

/** Strongly connected components with more than one module, or a module importing itself (Tarjan). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.map((f) => relative(root, f)).sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('the compiler’s modules', () => {
  const files = modules(root);

  it('import each other without cycles', () => {
    expect(cycles(importGraph(files))).toEqual([]);
  });

  it(`are at most ${MAX_LINES} lines long`, () => {
    const long = files.map((f) => [relative(root, f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([, n]) => n > MAX_LINES);
    expect(long).toEqual([]);
  });

  // The checks themselves: a cycle and a long file are found.
  it('(the cycle check finds a cycle of two modules and a module importing itself)', () => {
    const a = join(root, 'a.ts'),
      b = join(root, 'b.ts'),
      c = join(root, 'c.ts');
    expect(
      cycles(
        new Map([
          [a, [b]],
          [b, [a]],
          [c, [c]],
        ]),
      ),
    ).toEqual([['a.ts', 'b.ts'], ['c.ts']]);
    expect(
      cycles(
        new Map([
          [a, [b]],
          [b, [c]],
          [c, []],
        ]),
      ),
    ).toEqual([]);
  });
});

describe('the runtime’s modules', () => {
  const runtime = resolve(__dirname, '../runtime');
  const files = modules(runtime);

  it('import only each other (no compiler, no package, no Node built-in)', () => {
    const outside = files.flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/^\s*(?:(?:import|export)\b[^;]*?\bfrom\s+|import\s+)['"]([^'"]+)['"]/gm)]
        .map((m) => m[1])
        .filter((spec) => !spec.startsWith('./') || dirname(resolve(dirname(f), spec)) !== runtime)
        .map((spec) => `${relative(runtime, f)}: ${spec}`),
    );
    expect(outside).toEqual([]);
  });

  it(`are at most ${MAX_LINES} lines long`, () => {
    expect(files.filter((f) => readFileSync(f, 'utf8').split('\n').length > MAX_LINES).map((f) => relative(runtime, f))).toEqual([]);
  });
});
