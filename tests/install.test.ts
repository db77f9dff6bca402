/**
 * The two installs (README, "Installing"), each laid out the way npm lays out
 * the package, in a folder outside the repository with no other packages:
 *
 * - runtime-only (`npm install --omit=optional ts-adc`: package.json and dist/
 *   without the compiler's packages): generated code runs, required as CommonJS
 *   and imported as ESM, with `ts-adc/runtime` and `ts-adc` alone; `adc` says
 *   which packages are missing and how to install them, and exits 1;
 * - full: the compiler never loads the project's own `typescript` (ts-morph
 *   carries its own), so a project's TypeScript 5.x or 7.x never meets it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { compileFiles } from '../compiler';

const ROOT = path.resolve(__dirname, '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { optionalDependencies: Record<string, string> };

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A project folder with ts-adc installed from `parts` of the package (package.json always) and nothing else. */
function projectWith(parts: readonly string[], files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adc-install-'));
  dirs.push(dir);
  const pkg = path.join(dir, 'node_modules', 'ts-adc');
  fs.mkdirSync(pkg, { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(pkg, 'package.json'));
  for (const part of parts) fs.cpSync(path.join(ROOT, part), path.join(pkg, part), { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  // Nothing above the folder may hold the packages left out (a stray /tmp/node_modules would hide a missing one).
  for (const name of [...Object.keys(manifest.optionalDependencies), 'typescript']) {
    expect(() => require.resolve(name, { paths: [dir] })).toThrow();
  }
  return dir;
}

function node(args: readonly string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.NODE_PATH;
  delete env.NODE_OPTIONS;
  for (const key of Object.keys(env)) if (key.startsWith('ADC_')) delete env[key];
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env, timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const source = `/** @differentiable wrt(x) */
export function power(x: number, n: number): number {
  let y = 1;
  let k = 0;
  while (k < n) {
    y = y * x;
    k++;
  }
  return y;
}
`;

/** power.ts's generated file, as \`adc build\` writes it (reverse mode uses the runtime's tape). */
function generated(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adc-install-src-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, target: 'es2022', module: 'commonjs' } }));
  fs.writeFileSync(path.join(dir, 'power.ts'), source);
  const r = compileFiles([path.join(dir, 'power.ts')], { tsconfig: path.join(dir, 'tsconfig.json') });
  expect(r.diagnostics).toEqual([]);
  expect(r.files).toHaveLength(1);
  expect(r.files[0].text).toContain('adc.tape');
  return r.files[0].text;
}

const js = (text: string, module: ts.ModuleKind) => ts.transpileModule(text, { compilerOptions: { module, target: ts.ScriptTarget.ES2022 } }).outputText;

describe('a runtime-only install (package.json and dist/runtime, no other package)', () => {
  const grad = generated();
  // d/dx x³ = 3x² = 6.75 at x = 1.5
  const expected = { grad: { value: 3.375, grads: [6.75] }, jvp: { value: 3.375, tangent: 6.75 }, markers: ['grad', 'hessian', 'hvp', 'jacobian', 'jvp', 'vjp'] };

  it('runs generated code required as CommonJS', () => {
    const dir = projectWith(['dist/runtime'], {
      'power.grad.js': js(grad, ts.ModuleKind.CommonJS),
      'main.js': `const { power_grad, power_jvp } = require('./power.grad.js');
const markers = require('ts-adc');
console.log(JSON.stringify({ grad: power_grad(1.5, 3), jvp: power_jvp(1.5, 3, 1), markers: Object.keys(markers).sort() }));
`,
    });
    const r = node(['main.js'], dir);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(expected);
  });

  it('runs generated code imported as ESM', () => {
    const dir = projectWith(['dist/runtime'], {
      'power.grad.mjs': js(grad, ts.ModuleKind.ESNext),
      'main.mjs': `import { power_grad, power_jvp } from './power.grad.mjs';
import * as markers from 'ts-adc';
console.log(JSON.stringify({ grad: power_grad(1.5, 3), jvp: power_jvp(1.5, 3, 1), markers: Object.keys(markers).filter((k) => k !== 'default' && k !== '__esModule').sort() }));
`,
    });
    const r = node(['main.mjs'], dir);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(expected);
  });

  it('loads only its own files: every require in dist/runtime is a sibling', () => {
    const runtime = path.join(ROOT, 'dist/runtime');
    const required = fs
      .readdirSync(runtime)
      .filter((f) => f.endsWith('.js'))
      .flatMap((f) => [...fs.readFileSync(path.join(runtime, f), 'utf8').matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => `${f}: ${m[1]}`));
    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((r) => !/: \.\/[\w-]+$/.test(r))).toEqual([]);
  });
});

describe('adc in an install without the compiler', () => {
  const names = Object.keys(manifest.optionalDependencies);

  it('is every optional dependency (the compiler’s packages), none of them a dependency', () => {
    expect(names.sort()).toEqual(['@hpcc-js/wasm-graphviz', 'commander', 'picomatch', 'ts-morph']);
    expect((manifest as { dependencies?: unknown }).dependencies).toBeUndefined();
  });

  it('says which packages are missing and the command that installs them, and exits 1', () => {
    const dir = projectWith(['dist'], { 'src/f.ts': source });
    const r = node(['node_modules/ts-adc/dist/cli/main.js', 'build', 'src'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        `adc: error: the compiler is not installed (missing: ${names.join(', ')}).`,
        'ts-adc was installed without its optional dependencies (a runtime-only install, npm install --omit=optional,',
        'or one whose optional packages failed to install): generated files run, but adc cannot write them.',
        'Install the compiler in this project with:',
        '  npm install --include=optional',
        '',
      ].join('\n'),
    );
    expect(fs.existsSync(path.join(dir, 'src/f.grad.ts'))).toBe(false);
  });

  it('names only ts-morph when only ts-morph is missing', () => {
    const dir = projectWith(['dist'], { 'src/f.ts': source });
    for (const name of names.filter((n) => n !== 'ts-morph')) {
      fs.mkdirSync(path.dirname(path.join(dir, 'node_modules', name)), { recursive: true });
      fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(dir, 'node_modules', name), 'dir');
    }
    const r = node(['node_modules/ts-adc/dist/cli/main.js', 'build', 'src'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^adc: error: the compiler is not installed \(missing: ts-morph\)\.\n/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});

describe('the compiler and the project’s typescript', () => {
  /** A preload that makes every `require('typescript')` fail, from wherever it comes. */
  const blocker = (dir: string): string => {
    const file = path.join(dir, 'no-typescript.js');
    fs.writeFileSync(
      file,
      `const Module = require('module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'typescript' || request.startsWith('typescript/')) throw new Error('the project\\'s typescript was loaded: ' + request);
  return resolve.call(this, request, ...rest);
};
`,
    );
    return file;
  };

  it('is never loaded by adc build: it builds with typescript unresolvable', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adc-install-'));
    dirs.push(dir);
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src/power.ts'), source);
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, target: 'es2022', module: 'commonjs' } }));
    const preload = blocker(dir);
    // (the blocker works)
    const blocked = node(['-r', preload, '-e', "require('typescript')"], ROOT);
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain("the project's typescript was loaded: typescript");

    const r = node(['-r', preload, path.join(ROOT, 'dist/cli/main.js'), 'build', 'src'], dir);
    expect(r.stderr).toContain('built 1 file');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'src/power.grad.ts'), 'utf8')).toBe(generated());
  });
});
