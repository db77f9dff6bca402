/**
 * What a user sees when the plugin cannot help: unsupported code under a
 * marker is a TypeScript diagnostic at the right place (tspc exits non-zero),
 * and code compiled without the plugin throws a helpful error when it runs.
 */
import { createProject, type PluginProject, type Run } from './support/plugin-project';
import { failing, methodsStub, unsupportedLine, working } from './support/plugin-sources';

describe('plugin diagnostics', () => {
  let project: PluginProject;
  let build: Run;
  let lines: string[];

  beforeAll(() => {
    project = createProject({ module: 'commonjs', files: failing });
    build = project.tspc();
    lines = build.stdout.split('\n').filter((l) => l.includes('error'));
  });
  afterAll(() => project?.remove());

  test('tspc exits non-zero', () => {
    expect(build.status).not.toBe(0);
  });

  test('unsupported code in an imported function is reported at its file, line and column', () => {
    const col = unsupportedLine.text.indexOf('o =') + 1;
    const expected = new RegExp(`^src/shapes\\.ts\\(${unsupportedLine.line},${col}\\): error TS9901\\d\\d: ADC1\\d\\d `);
    expect(lines.filter((l) => expected.test(l))).toHaveLength(1);
  });

  test('a wrt naming no parameter is reported at the name', () => {
    const source = failing['main.ts'].split('\n');
    const line = source.findIndex((l) => l.includes("'z'"));
    const col = source[line].indexOf("'z'") + 1;
    expect(lines).toContain(`src/main.ts(${line + 1},${col}): error TS990110: ADC110 invalid wrt option: 'z' is not a parameter (parameters: x, y)`);
  });

  test('nothing else is reported, and tspc did not crash', () => {
    expect(lines).toHaveLength(2);
    expect(build.stderr).toBe('');
  });
});

describe('without the plugin', () => {
  let project: PluginProject;

  beforeAll(() => {
    project = createProject({ module: 'commonjs', plugin: false, files: { ...working, 'methods.ts': methodsStub } });
  });
  afterAll(() => project?.remove());

  test('the markers type-check with plain tsc, and calling one throws a helpful error', () => {
    const build = project.tsc();
    expect(`${build.stdout}${build.stderr}`).toBe('');
    const run = project.node('main.ts');
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('ts-adc: grad(f) was called at run time, so this code was not compiled with the ts-adc plugin');
    expect(run.stderr).toContain('{ "transform": "ts-adc/plugin" }');
    expect(run.stderr).toContain('npx adc build');
  });
});

describe('plugin warnings, and a name TypeScript cannot find', () => {
  const model = `/** @differentable */
export function square(x: number): number {
  return x * x;
}

export function scaled(x: number): number {
  return x * scael;
}
`;
  let project: PluginProject;
  let build: Run;
  let lines: string[];

  beforeAll(() => {
    project = createProject({
      module: 'commonjs',
      files: {
        'model.ts': model,
        'main.ts': `import { grad } from 'ts-adc';
import { square } from './model.js';
const dSquare = grad(square);
console.log(JSON.stringify({ grad: dSquare(3).grads[0] }));
`,
        'other.ts': `import { grad } from 'ts-adc';
import { scaled } from './model.js';
export const dScaled = grad(scaled);
`,
      },
    });
    build = project.tspc();
    lines = build.stdout.split('\n').filter((l) => l.trim() !== '');
  });
  afterAll(() => project?.remove());

  test('a misspelled tag in a file the plugin compiles from is one warning at the tag, and stops nothing', () => {
    expect(lines.filter((l) => l.includes('warning'))).toEqual([`src/model.ts(1,5): warning TS990121: ADC121 unknown tag '@differentable': did you mean @differentiable?`]);
    const run = project.node('main.ts');
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ grad: 6 });
  });

  test("an undeclared name is TypeScript's error alone, not reported twice", () => {
    expect(lines.filter((l) => l.includes('error'))).toEqual([`src/model.ts(7,14): error TS2304: Cannot find name 'scael'.`]);
    expect(build.status).not.toBe(0);
    expect(build.stderr).toBe('');
  });
});

describe('an instance method without the program transformer', () => {
  let project: PluginProject;
  let build: Run;

  beforeAll(() => {
    project = createProject({ module: 'commonjs', program: false, files: { 'fd.ts': working['fd.ts'], 'methods.ts': working['methods.ts'] } });
    build = project.tspc();
  });
  afterAll(() => project?.remove());

  test('grad(C.prototype.m) is reported at its argument, saying which tsconfig entry types the receiver', () => {
    const source = working['methods.ts'].split('\n');
    const line = source.findIndex((l) => l.includes('grad(Pt.prototype.norm)(pt)'));
    const col = source[line].indexOf('Pt.prototype.norm') + 1;
    const reported = build.stdout.split('\n').filter((l) => l.startsWith(`src/methods.ts(${line + 1},${col}): error TS990110: ADC110 'Pt.prototype.norm' is an instance method`));
    expect(reported).toHaveLength(1);
    expect(reported[0]).toContain('{ "transform": "ts-adc/plugin/program", "transformProgram": true }');
    expect(build.status).not.toBe(0);
  });
});
