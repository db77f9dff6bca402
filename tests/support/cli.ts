/**
 * Running the real `adc` (dist/cli/main.js, built by global-setup.ts) as a
 * subprocess on temporary projects under os.tmpdir().
 *
 * Guarantees: every project is a fresh folder with its own tsconfig.json
 * (so the nearest-tsconfig search never reaches this repository); `adc()`
 * never hangs longer than its timeout; a `Watcher` collects both streams and
 * `waitFor` fails with everything printed so far when its pattern does not
 * show up in time.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../..');
export const adcMain = path.join(repoRoot, 'dist', 'cli', 'main.js');

/** A tsconfig under which generated files must type-check: strict, with `ts-adc/runtime` mapped to this repository. */
export const strictTsconfig = JSON.stringify(
  {
    compilerOptions: {
      target: 'es2022',
      module: 'esnext',
      moduleResolution: 'bundler',
      lib: ['es2022'],
      types: [],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      paths: { 'ts-adc/runtime': [path.join(repoRoot, 'runtime', 'index.ts')] },
    },
    include: ['src'],
  },
  null,
  2,
);

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** This process's environment without adc's own variables, so that a developer's settings cannot change a test. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('ADC_')) delete env[key];
  return env;
}

/**
 * Runs `node dist/cli/main.js …args` in `cwd` and waits for it to end;
 * `asUser` runs it as another user (through `runuser`, when this process is root).
 */
export function adc(args: readonly string[], cwd: string, env: Record<string, string> = {}, asUser?: string): Run {
  const command = asUser ? ['runuser', '-u', asUser, '--', process.execPath] : [process.execPath];
  const r = spawnSync(command[0], [...command.slice(1), adcMain, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...cleanEnv(), ...env },
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A new project folder holding `files` (relative path ⇒ text) and, unless given, `tsconfig.json`. */
export function makeProject(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adc-cli-'));
  const all = { 'tsconfig.json': strictTsconfig, ...files };
  for (const [rel, text] of Object.entries(all)) writeFile(dir, rel, text);
  return dir;
}

export function removeProject(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** `project(files)` makes a project folder (the sample project by default); all of them are removed after the test file. */
export function projectsOfThisFile(): (files?: Record<string, string>) => string {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeProject));
  return (files = sampleProject) => {
    const dir = makeProject(files);
    dirs.push(dir);
    return dir;
  };
}

export function writeFile(dir: string, rel: string, text: string): void {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

export function readFile(dir: string, rel: string): string {
  return fs.readFileSync(path.join(dir, rel), 'utf8');
}

export function exists(dir: string, rel: string): boolean {
  return fs.existsSync(path.join(dir, rel));
}

/** Every file below `dir` (relative, sorted, `/`-separated). */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) visit(full);
      else out.push(path.relative(dir, full).split(path.sep).join('/'));
    }
  };
  visit(dir);
  return out.sort();
}

/** Path ⇒ [text, mtime] of every file below `dir`: equal snapshots mean nothing was touched. */
export function snapshot(dir: string): Record<string, [string, number]> {
  const out: Record<string, [string, number]> = {};
  for (const rel of listFiles(dir)) out[rel] = [readFile(dir, rel), fs.statSync(path.join(dir, rel)).mtimeMs];
  return out;
}

/** Sets a file's mtime far in the past, so that any rewrite is visible. */
export function ageFile(dir: string, rel: string): number {
  const past = new Date('2001-02-03T04:05:06Z');
  fs.utimesSync(path.join(dir, rel), past, past);
  return fs.statSync(path.join(dir, rel)).mtimeMs;
}

export function mtime(dir: string, rel: string): number {
  return fs.statSync(path.join(dir, rel)).mtimeMs;
}

/** 1-based `line:col` of the first occurrence of `needle` in `text`. */
export function positionOf(text: string, needle: string): string {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`positionOf: '${needle}' is not in the text`);
  const before = text.slice(0, at).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

/** Lines with a stack-trace frame (`    at f (file:1:2)`): a user-facing error must have none. */
export function stackFrames(text: string): string[] {
  return text.split('\n').filter((l) => /^\s+at .+[:(]/.test(l));
}

/**
 * A user for whom file permissions hold, when this process is root (for which
 * chmod forbids nothing): `nobody` through `runuser`, if that works here and
 * can run adc; `undefined` when not root, or when no such user can be had.
 */
export function unprivilegedUser(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const r = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, adcMain, '--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? 'nobody' : undefined;
}

/** Lets every user read and write the project (so that `nobody` can run adc in it). */
export function shareProject(dir: string): void {
  const visit = (p: string) => {
    const st = fs.statSync(p);
    fs.chmodSync(p, st.isDirectory() ? 0o777 : 0o666);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) visit(path.join(p, e));
  };
  visit(dir);
}

/** The TypeScript compiler of this repository, run on a project's tsconfig.json. */
export function typecheck(dir: string, tsconfig = 'tsconfig.json'): Run {
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '--strict', '--noEmit', '-p', tsconfig], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A long-running `adc` (watch) whose output is collected as it comes. */
export class Spawned {
  readonly child: ChildProcess;
  private out = '';
  private readonly exited: Promise<number | null>;

  constructor(args: readonly string[], cwd: string) {
    this.child = spawn(process.execPath, [adcMain, ...args], {
      cwd,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (b: Buffer) => (this.out += b.toString()));
    this.child.stderr?.on('data', (b: Buffer) => (this.out += b.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Everything printed so far, both streams interleaved. */
  get output(): string {
    return this.out;
  }

  /** Resolves with the first match of `pattern` printed after character `from`; rejects after `timeoutMs`. */
  async waitFor(pattern: RegExp, from = 0, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.out.slice(from).match(pattern);
      if (m) return m;
      if (Date.now() > deadline || this.child.exitCode !== null) throw new Error(`timed out waiting for ${pattern}; output so far:\n${this.out.slice(from)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Sends `signal` and resolves with the exit code (null if it had to be killed after `timeoutMs`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    this.child.kill(signal);
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref());
    const result = await Promise.race([this.exited, timer]);
    if (result === 'timeout') {
      this.child.kill('SIGKILL');
      await this.exited;
      return null;
    }
    return result;
  }
}

/**
 * A small project: two sources with marked functions (one calling into an
 * unmarked file of another folder), one without, and files `adc` must skip.
 */
export const sampleProject: Record<string, string> = {
  'src/model.ts': `import { square } from './lib/util';

/** @differentiable */
export function energy(x: number, y: number): number {
  let e = 0;
  for (let i = 1; i <= 4; i++) {
    e += Math.sin(i * x) * Math.exp(-y / i);
    if (e > 3) break;
  }
  return e > 0 ? square(e) : -e * y;
}
`,
  'src/lib/util.ts': `export function square(x: number): number {
  return x * x;
}
`,
  'src/geometry.ts': `/** @differentiable */
export function dist(x: number, y: number): number {
  return Math.sqrt(x * x + y * y);
}

/** @differentiable */
export function rosenbrock(x: number, y: number): number {
  return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
}
`,
  'src/plain.ts': `export const answer = 42;
`,
  'src/node_modules/pkg/index.ts': `/** @differentiable */
export function skipped(x: number): number {
  return x;
}
`,
  'src/.cache/hidden.ts': `/** @differentiable */
export function hidden(x: number): number {
  return x;
}
`,
  'src/types.d.ts': `/** @differentiable is mentioned here, but a declaration file is never compiled. */
declare const declared: number;
`,
};

/** The generated files `adc build src` must write for `sampleProject`, with the functions each differentiates. */
export const sampleOutputs: Record<string, readonly string[]> = {
  'src/geometry.grad.ts': ['dist', 'rosenbrock'],
  'src/model.grad.ts': ['energy'],
};
