/**
 * Build-time scaling of `adc build`: generated projects of 10, 100 and 1,000
 * marked functions (10 per file, 10 files per folder, each function a loop
 * with a branch and a call into another file of its folder), and single
 * functions of 500, 1,000 and 2,000 lines (straight-line code over 8 reused
 * variables with a small loop every 25 lines), against a 10-line function
 * that measures the fixed cost (Node start-up, loading TypeScript and the
 * project). Each project is built once by the CLI, in a fresh child process,
 * wall clock. The long functions are also compiled in this process with the
 * programmatic `compileFiles` (best of 2), which has no start-up noise: growth
 * with function size is (t2000 − t10)/(t1000 − t10) of those times, 2 when
 * linear and 4 when quadratic.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

export interface BuildRow {
  readonly name: string;
  readonly functions: number;
  readonly lines: number;
  readonly ms: number;
  readonly ok: boolean;
  readonly error?: string;
  /** compileFiles in this process, best of 2 (no start-up; long functions only). */
  readonly inProcessMs?: number;
}

export interface BuildScaling {
  readonly rows: BuildRow[];
  readonly lineGrowth?: number;
  readonly notes: string[];
}

const tsconfig = JSON.stringify(
  {
    compilerOptions: { target: 'es2022', module: 'node16', moduleResolution: 'node16', lib: ['es2022'], types: [], strict: true, noEmit: true, skipLibCheck: true },
    include: ['**/*.ts'],
    exclude: ['**/*.grad.ts'],
  },
  null,
  2,
);

function marked(group: number, file: number, k: number): string {
  const id = `${group}_${file}_${k}`;
  return `/** @differentiable wrt(x, w) */
export function f${id}(x: Float64Array, w: number, scale: number): number {
  let acc = 0;
  for (let i = 0; i < x.length; i++) {
    const t = Math.sin(w * x[i] + ${k}) * x[i];
    acc += t > 0 ? Math.sqrt(t + 1) : t * t;
  }
  const y = acc * w + shared${group}(acc, w);
  return y / (1 + scale * ${k + 1});
}
`;
}

/** A tree of `count` marked functions under `dir`; returns its source line count. */
export function writeTree(dir: string, count: number): number {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), tsconfig);
  let lines = 0;
  const perFile = Math.min(10, count);
  const files = Math.ceil(count / perFile);
  for (let f = 0; f < files; f++) {
    const group = Math.floor(f / 10);
    const file = f % 10;
    const gdir = path.join(dir, `group${group}`);
    fs.mkdirSync(gdir, { recursive: true });
    if (file === 0)
      fs.writeFileSync(path.join(gdir, 'shared.ts'), `export function shared${group}(a: number, b: number): number {\n  return Math.exp(-a * a) + b * Math.tanh(a);\n}\n`);
    let text = `import { shared${group} } from './shared';\n\n`;
    for (let k = 0; k < perFile && f * perFile + k < count; k++) text += marked(group, file, k) + '\n';
    lines += text.split('\n').length;
    fs.writeFileSync(path.join(gdir, `file${file}.ts`), text);
  }
  return lines;
}

/** One marked function of about `lines` lines. */
export function writeLongFunction(dir: string, lines: number): number {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), tsconfig);
  const body: string[] = [];
  for (let v = 0; v < 8; v++) body.push(`  let a${v} = x[${v}];`);
  let k = 0;
  while (body.length < lines - 4) {
    if (k % 25 === 24) {
      body.push(`  for (let i = 0; i < x.length; i++) {`, `    a${k % 8} += a${(k + 5) % 8} * x[i] * 0.001;`, `  }`);
    } else {
      const op =
        k % 4 === 0
          ? `Math.sin(a${(k + 1) % 8})`
          : k % 4 === 1
            ? `a${(k + 2) % 8} * a${(k + 3) % 8}`
            : k % 4 === 2
              ? `Math.exp(-a${(k + 4) % 8} * a${(k + 4) % 8})`
              : `Math.sqrt(1 + a${(k + 6) % 8} * a${(k + 6) % 8})`;
      body.push(`  a${k % 8} = 0.5 * a${k % 8} + 0.25 * ${op} + x[${k % 16}] * ${(0.001 * ((k % 97) + 1)).toFixed(3)};`);
    }
    k++;
  }
  const text = `/** @differentiable */\nexport function long(x: Float64Array): number {\n${body.join('\n')}\n  return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;\n}\n`;
  fs.writeFileSync(path.join(dir, 'long.ts'), text);
  return text.split('\n').length;
}

function build(cli: string, dir: string): { ms: number; ok: boolean; error?: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, 'build', dir], { encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) return { ms, ok: false, error: `${(r.stderr || r.stdout || '').trim().split('\n').slice(-2).join(' | ')}` };
  return { ms, ok: true };
}

/** The programmatic compiler next to the CLI (dist/compiler), compiling one file: best of 2, in ms. */
function compileInProcess(cli: string, dir: string): number | undefined {
  try {
    const compiler = require(path.join(path.dirname(cli), '..', 'compiler')) as { compileFiles(files: string[], o: { tsconfig?: string }): unknown };
    let best = Infinity;
    for (let r = 0; r < 2; r++) {
      const t0 = performance.now();
      compiler.compileFiles([path.join(dir, 'long.ts')], { tsconfig: path.join(dir, 'tsconfig.json') });
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  } catch {
    return undefined;
  }
}

export function measureBuildScaling(cli: string, workDir: string, quick: boolean, log: (l: string) => void): BuildScaling {
  const rows: BuildRow[] = [];
  const notes: string[] = [];
  if (!fs.existsSync(cli)) return { rows, notes: [`${cli} not built: build scaling skipped`] };
  const run = (name: string, dir: string, functions: number, lines: number) => {
    log(`  adc build: ${name}`);
    const r = build(cli, dir);
    rows.push({ name, functions, lines, ...r });
    return r;
  };
  for (const count of quick ? [10, 100] : [10, 100, 1000]) {
    const dir = path.join(workDir, `tree-${count}`);
    const lines = writeTree(dir, count);
    run(`tree of ${count} functions`, dir, count, lines);
  }
  const sizes = quick ? [10, 500, 1000] : [10, 500, 1000, 2000];
  const byLines = new Map<number, number>();
  for (const n of sizes) {
    const dir = path.join(workDir, `long-${n}`);
    const lines = writeLongFunction(dir, n);
    const r = run(`one ${n}-line function`, dir, 1, lines);
    const inProcess = r.ok ? compileInProcess(cli, dir) : undefined;
    if (inProcess !== undefined) {
      rows[rows.length - 1] = { ...rows[rows.length - 1], inProcessMs: inProcess };
      byLines.set(n, inProcess);
    }
  }
  let lineGrowth: number | undefined;
  const t0 = byLines.get(10);
  const t1 = byLines.get(1000);
  const t2 = byLines.get(2000);
  if (t0 !== undefined && t1 !== undefined && t2 !== undefined) {
    lineGrowth = (t2 - t0) / (t1 - t0);
    const t500 = byLines.get(500);
    notes.push(
      `function size, compileFiles in process: (t2000 − t10)/(t1000 − t10) = ${lineGrowth.toFixed(2)} (2 when compile time is linear in size, 4 when quadratic)` +
        (t500 !== undefined ? `; marginal cost per line 500→1000: ${((t1 - t500) / 500).toFixed(2)} ms, 1000→2000: ${((t2 - t1) / 1000).toFixed(2)} ms` : ''),
    );
  }
  const trees = rows.filter((r) => r.name.startsWith('tree') && r.ok);
  if (trees.length >= 2) {
    const a = trees[0];
    const b = trees[trees.length - 1];
    notes.push(
      `functions: ${a.functions} → ${b.functions} (×${b.functions / a.functions}) took ×${(b.ms / a.ms).toFixed(1)} the time; marginal cost ${((b.ms - a.ms) / (b.functions - a.functions)).toFixed(1)} ms per function`,
    );
  }
  notes.push('each build is one `node dist/cli/main.js build <dir>` child process on a fresh tree, wall clock, including Node start-up and loading TypeScript');
  return { rows, lineGrowth, notes };
}
