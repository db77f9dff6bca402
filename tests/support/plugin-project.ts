/**
 * A throw-away user project for testing the compiler plugin the way a user
 * runs it: a folder under os.tmpdir() whose node_modules links to this
 * repository's built package (dist/ and package.json), typescript and
 * ts-patch; compiled by ts-patch's `tspc` (or plain `tsc`) and run by `node`,
 * both as subprocesses. Nothing is installed and nothing leaves the folder
 * except ts-patch's own cache of the patched compiler.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');

export type ModuleSetting = 'commonjs' | 'esm';

export interface ProjectOptions {
  /** CommonJS output (`"module": "commonjs"`) or ESM (`"module": "nodenext"` with `"type": "module"`). */
  readonly module: ModuleSetting;
  /** List `ts-adc/plugin` in compilerOptions.plugins (default true). */
  readonly plugin?: boolean;
  /** List the program transformer `ts-adc/plugin/program` before it (default true). */
  readonly program?: boolean;
  /** Sources, relative to src/. */
  readonly files: Record<string, string>;
  /** Other files (installed packages), relative to the project's folder. */
  readonly extra?: Record<string, string>;
}

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface PluginProject {
  readonly dir: string;
  /** ts-patch's compiler on the project (`tspc -p .`). */
  tspc(): Run;
  /** TypeScript's own compiler, without any plugin loaded. */
  tsc(): Run;
  /** `node out/<file>` (the compiled form of src/<file>.ts). */
  node(file: string): Run;
  read(rel: string): string;
  remove(): void;
}

export function createProject(options: ProjectOptions): PluginProject {
  for (const built of ['dist/plugin/index.js', 'dist/runtime/markers.d.ts', 'dist/runtime/index.js']) {
    if (!fs.existsSync(path.join(root, built))) throw new Error(`${built} is missing: run \`npm run build\` (jest's global setup should have)`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `adc-plugin-${options.module}-`));
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(path.join(modules, 'ts-adc'), { recursive: true });
  fs.symlinkSync(path.join(root, 'dist'), path.join(modules, 'ts-adc', 'dist'), 'dir');
  fs.symlinkSync(path.join(root, 'package.json'), path.join(modules, 'ts-adc', 'package.json'), 'file');
  for (const dep of ['typescript', 'ts-patch']) fs.symlinkSync(path.join(root, 'node_modules', dep), path.join(modules, dep), 'dir');

  const esm = options.module === 'esm';
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'adc-plugin-test', private: true, ...(esm ? { type: 'module' } : {}) }, null, 2));
  const compilerOptions = {
    strict: true,
    target: 'es2022',
    module: esm ? 'nodenext' : 'commonjs',
    ...(esm ? { moduleResolution: 'nodenext' } : {}),
    rootDir: 'src',
    outDir: 'out',
    declaration: true,
    skipLibCheck: true,
    types: [],
    ...(options.plugin === false
      ? {}
      : { plugins: [...(options.program === false ? [] : [{ transform: 'ts-adc/plugin/program', transformProgram: true }]), { transform: 'ts-adc/plugin' }] }),
  };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['src'] }, null, 2));
  const files = [...Object.entries(options.files).map(([rel, text]) => [path.join('src', rel), text]), ...Object.entries(options.extra ?? {})];
  for (const [rel, text] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }

  const run = (args: string[]): Run => {
    const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    return { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
  };
  return {
    dir,
    tspc: () => run([path.join('node_modules', 'ts-patch', 'bin', 'tspc.js'), '-p', '.', '--pretty', 'false']),
    tsc: () => run([path.join('node_modules', 'typescript', 'bin', 'tsc'), '-p', '.', '--pretty', 'false']),
    node: (file) => run([path.join('out', file.replace(/\.ts$/, '.js'))]),
    read: (rel) => fs.readFileSync(path.join(dir, rel), 'utf8'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** What a compiled program printed: one JSON object on its last line. */
export function lastJson<T>(run: Run): T {
  const lines = run.stdout.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]) as T;
  } catch {
    throw new Error(`the program did not print JSON (status ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
}
