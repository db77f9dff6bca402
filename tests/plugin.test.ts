/**
 * The compiler plugin as a user runs it: a temporary project compiled by
 * ts-patch's tspc, its output run by node, every derivative compared with
 * central finite differences; once with CommonJS output and once with ESM.
 * Then user rules (`@jvp erf`, `@vjp erf`) of a package's function, beside the
 * calls and in a file nobody imports.
 */
import { createProject, lastJson, type ModuleSetting, type PluginProject, type Run } from './support/plugin-project';
import { specialFunctions, withRules, working } from './support/plugin-sources';

interface Output {
  cases: Record<string, { ad: number[]; fd: number[] }>;
  outReused: boolean;
  typed: number;
  user: string[];
}

const caseNames = [
  'grad(f) value',
  'grad(f)',
  'jvp(f)',
  'vjp(f)',
  'grad(dataLoss, wrt w)',
  'grad(dataLoss, wrt [3, 0])',
  'jvp(dataLoss, wrt w)',
  'vjp(softplusAll, wrt w)',
  'jvp(softplusAll)',
  'jacobian(softplusAll, wrt w)',
  'hvp(dataLoss, wrt w)',
  'hvp(f)',
  'hessian(f)',
  'hessian(g), helpers named value and tape',
  'grad(fitRows) over data rows',
  'grad(g), helpers named value and tape',
  'grad(areaUnder), functions as arguments',
  'grad(springEnergy) over objects',
  'grad(potential) over an array of objects',
  'grad(polygonArea, wrt [0]) over [number, number][]',
  'grad(polygonArea, wrt [0, 1])',
  'jvp(sampled) of an array of objects',
  'grad(Pt.dist), a static method',
  'grad(colour.srgb.gamma), a method of an object literal',
  'grad(Pt.prototype.norm), an instance method',
  'jvp(Pt.prototype.moveBy), a method changing this',
  'hessian(Pt.prototype.norm), an instance method',
  'hvp(Pt.prototype.norm), an instance method',
];

describe.each<ModuleSetting>(['commonjs', 'esm'])('plugin, %s output', (setting) => {
  let project: PluginProject;
  let build: Run;
  let run: Run;
  let output: Output;

  beforeAll(() => {
    project = createProject({ module: setting, files: working });
    build = project.tspc();
    run = project.node('main.ts');
    if (build.status === 0 && run.status === 0) output = lastJson<Output>(run);
  });
  afterAll(() => project?.remove());

  test('tspc compiles the project without diagnostics', () => {
    expect(`${build.stdout}${build.stderr}`).toBe('');
    expect(build.status).toBe(0);
  });

  test('the output runs', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  test.each(caseNames)('%s agrees with finite differences', (name) => {
    const c = output?.cases[name];
    expect(c).toBeDefined();
    expect(c.ad).toHaveLength(c.fd.length);
    c.ad.forEach((ad, i) => {
      const tolerance = 1e-6 * Math.max(1, Math.abs(c.fd[i]));
      if (!(Math.abs(ad - c.fd[i]) <= tolerance)) throw new Error(`${name}[${i}]: derivative ${ad}, finite differences ${c.fd[i]}`);
    });
  });

  test('out is filled in place and returned', () => {
    expect(output?.outReused).toBe(true);
  });

  test("the user's own names are untouched by the generated code", () => {
    expect(output?.user).toEqual(["the user's ret", "the user's adc_runtime", "the user's f_grad"]);
  });

  test('every marker call is compiled away and the runtime stays an import', () => {
    const js = project.read('out/main.js').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
    // `grad(f)` (ESM) or `(0, ts_adc_1.grad)(f)` (CommonJS), outside strings
    expect(js).not.toMatch(/(?<![\w.'"])(grad|forward|vjp)\(|\.(grad|jvp|vjp)\)\(/);
    if (setting === 'esm') expect(js).toMatch(/^import \* as adc(_\d+)? from "ts-adc\/runtime";$/m);
    else expect(js).toMatch(/require\("ts-adc\/runtime"\)/);
  });

  test('declarations carry the marker types', () => {
    const dts = project.read('out/main.d.ts');
    expect(dts).toContain('export declare const dLossWL: import("ts-adc").GradFunction<[w: Float64Array');
    expect(dts).toContain('[w: Float64Array<ArrayBufferLike>, lambda: number]>');
  });
});

describe.each<ModuleSetting>(['commonjs', 'esm'])('plugin with user rules, %s output', (setting) => {
  let project: PluginProject;
  let build: Run;
  let run: Run;

  beforeAll(() => {
    project = createProject({ module: setting, files: withRules, extra: specialFunctions(setting === 'esm') });
    build = project.tspc();
    run = project.node('main.ts');
  });
  afterAll(() => project?.remove());

  test('tspc compiles the project without diagnostics and the output runs', () => {
    expect(`${build.stdout}${build.stderr}`).toBe('');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  test.each(['grad(probitLoss)', 'jvp(probitLoss)', 'grad(smooth), rules in another file', 'jvp(smooth), rules in another file'])('%s agrees with finite differences', (name) => {
    const c = lastJson<Pick<Output, 'cases'>>(run).cases[name];
    expect(c.ad).toHaveLength(c.fd.length);
    c.ad.forEach((ad, i) => {
      if (!(Math.abs(ad - c.fd[i]) <= 1e-6 * Math.max(1, Math.abs(c.fd[i])))) throw new Error(`${name}[${i}]: derivative ${ad}, finite differences ${c.fd[i]}`);
    });
  });

  test("the rules and erf are the file's own; logistic and its rules are imported", () => {
    const js = project.read('out/main.js');
    // (erf and erf_jvp by their names, erf_vjp as CommonJS rewrites an exported const; rules.ts through a namespace import)
    expect(js).toMatch(/erf_jvp\(/);
    expect(js).toMatch(setting === 'esm' ? /^import \* as adc_special_functions from "special-functions";$/m : /require\("special-functions"\)/);
    expect(js).toMatch(setting === 'esm' ? /^import \* as adc_rules from "\.\/rules\.js";$/m : /require\("\.\/rules"\)/);
    expect(js).toMatch(/adc_rules\.logistic_vjp\(/);
  });
});
