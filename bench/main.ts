/**
 * `npm run bench`: the whole benchmark, top to bottom.
 *
 *   build ts-adc (tsc -p tsconfig.build.json)
 *     ─▶ adc build bench/objectives, type-check and compile the generated files
 *     ─▶ one worker process per suite (timings, errors, tape sizes)
 *     ─▶ build-time scaling (generated trees, long functions)
 *     ─▶ markdown on stdout; results JSON, markdown and SVG in bench/results/
 *
 * Flags (after `npm run bench --`): --quick, --only a,b, --build-only,
 * --no-build-scaling, --no-peers, --no-compiler-build, --budget <ms per case>,
 * --out <dir>, --steps-1e7. See bench/README.md.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { cliMain, generate, repoRoot, type GenerateResult } from './driver/generate';
import type { CaseResult } from './harness/types';
import { measureBuildScaling, type BuildScaling } from './scaling/build-time';
import { buildTable, caseTables, targetTable } from './report/markdown';
import { checkTargets } from './report/targets';
import { ratioPlot } from './report/svg';
import { memoryPlot, memoryTable, simulationCases } from './report/memory';

const allSuites = ['rosenbrock', 'mlp', 'pendulum', 'gmm', 'lstm', 'ba', 'springs'];

interface Flags {
  quick: boolean;
  only?: string[];
  buildOnly: boolean;
  buildScaling: boolean;
  peers: boolean;
  compilerBuild: boolean;
  budgetMs?: number;
  out: string;
  steps1e7: boolean;
}

function parseFlags(argv: string[]): Flags {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const known = new Set(['--quick', '--only', '--build-only', '--no-build-scaling', '--no-peers', '--no-compiler-build', '--budget', '--out', '--steps-1e7']);
  for (let i = 0; i < argv.length; i++) {
    if (!known.has(argv[i])) throw new Error(`unknown flag ${argv[i]} (see bench/README.md)`);
    if (['--only', '--budget', '--out'].includes(argv[i])) i++;
  }
  const only = value('--only')?.split(',');
  for (const s of only ?? []) if (!allSuites.includes(s)) throw new Error(`unknown suite ${s}; suites: ${allSuites.join(', ')}`);
  return {
    quick: argv.includes('--quick'),
    only,
    buildOnly: argv.includes('--build-only'),
    buildScaling: !argv.includes('--no-build-scaling'),
    peers: !argv.includes('--no-peers'),
    compilerBuild: !argv.includes('--no-compiler-build'),
    budgetMs: value('--budget') ? Number(value('--budget')) : undefined,
    out: path.resolve(value('--out') ?? path.join(repoRoot, 'bench', 'results')),
    steps1e7: argv.includes('--steps-1e7'),
  };
}

const log = (line: string) => process.stderr.write(line + '\n');

function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg(),
  };
}

function buildCompiler(): string | undefined {
  log('building ts-adc (tsc -p tsconfig.build.json)');
  const tsc = require.resolve('typescript/bin/tsc', { paths: [repoRoot] });
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status === 0) return undefined;
  const errors = (r.stdout + r.stderr).split('\n').filter((l) => l.includes('error TS'));
  return `tsc -p tsconfig.build.json failed with ${errors.length} error(s), e.g. ${errors[0] ?? r.stderr.trim()} (benchmarking the existing dist/)`;
}

function runSuite(name: string, flags: Flags, workDir: string): CaseResult[] {
  const file = path.join(workDir, `${name}.json`);
  fs.rmSync(file, { force: true });
  const args = [path.join(__dirname, 'worker.js'), name, file];
  if (flags.quick) args.push('--quick');
  if (!flags.peers) args.push('--no-peers');
  if (flags.steps1e7) args.push('--steps-1e7');
  if (flags.budgetMs) args.push('--budget', String(flags.budgetMs));
  log(`suite ${name}`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', ...args], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  const stderr = r.stderr ?? '';
  for (const line of stderr.split('\n')) if (line.startsWith('  ')) log(line);
  log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  if (r.status !== 0 || !fs.existsSync(file)) {
    const why = stderr.trim().split('\n').slice(-3).join(' | ') || `exit ${r.status} ${r.signal ?? ''}`;
    return [{ objective: name, size: '', variants: [], reference: 'none', notes: [`worker failed: ${why}`] }];
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as CaseResult[];
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const started = performance.now();
  const before = machine();
  const workDir = path.join(repoRoot, 'bench', '.out', 'work');
  fs.mkdirSync(workDir, { recursive: true });
  fs.mkdirSync(flags.out, { recursive: true });
  const problems: string[] = [];
  if (flags.compilerBuild) {
    const failure = buildCompiler();
    if (failure) problems.push(failure);
  }
  let gen: GenerateResult | undefined;
  let cases: CaseResult[] = [];
  if (!flags.buildOnly) {
    log('generating derivatives of bench/objectives');
    gen = generate();
    for (const [name, s] of Object.entries(gen.status)) {
      if (!s.generated) problems.push(`adc did not compile objectives/${name}.ts: ${s.diagnostics.join(' | ')}`);
      for (const e of s.typeErrors) problems.push(`objectives/${name}.grad.ts does not type-check: ${e}`);
    }
    for (const s of flags.only ?? allSuites) cases.push(...runSuite(s, flags, workDir));
  }
  let build: BuildScaling | undefined;
  if (flags.buildScaling) {
    log('build-time scaling');
    build = measureBuildScaling(cliMain, path.join(workDir, 'scaling'), flags.quick, log);
  }
  const targets = checkTargets(cases, build);
  const after = machine();
  const totalS = (performance.now() - started) / 1000;

  const md: string[] = [];
  md.push(`# ts-adc benchmark`, '');
  md.push(
    `Node ${before.node}, ${before.cpu} × ${before.cores}, ${before.memoryGB} GB, ${before.platform}. ` +
      `Load average before: ${before.loadAverage.map((x) => x.toFixed(2)).join(' ')}, after: ${after.loadAverage.map((x) => x.toFixed(2)).join(' ')}. ` +
      `Run took ${totalS.toFixed(0)} s${flags.quick ? ' (--quick)' : ''}. Derivatives generated by ${gen?.how ?? '—'} in ${gen ? (gen.ms / 1000).toFixed(1) : '—'} s.`,
    '',
  );
  if (problems.length > 0) md.push('## Problems found in this run', '', ...problems.map((p) => `- ${p}`), '');
  if (cases.length > 0) md.push('## Results', '', caseTables(cases));
  if (simulationCases(cases).length > 0) md.push('## Long simulations: time and memory against steps', '', memoryTable(cases), '');
  if (targets.length > 0) md.push('## Targets', '', targetTable(targets), '');
  if (build) md.push('## Build time', '', buildTable(build), '');
  const text = md.join('\n');
  process.stdout.write(text + '\n');

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const json = {
    date: new Date().toISOString(),
    flags,
    machine: { before, after },
    totalSeconds: totalS,
    generate: gen && { how: gen.how, ms: gen.ms, status: gen.status },
    problems,
    cases,
    targets,
    build,
  };
  const files = {
    json: path.join(flags.out, 'results.json'),
    md: path.join(flags.out, 'results.md'),
    svg: path.join(flags.out, 'results.svg'),
  };
  fs.writeFileSync(files.json, JSON.stringify(json, null, 1));
  fs.writeFileSync(path.join(flags.out, `results-${stamp}.json`), JSON.stringify(json, null, 1));
  fs.writeFileSync(files.md, text + '\n');
  if (cases.length > 0) fs.writeFileSync(files.svg, ratioPlot(cases, `ts-adc benchmark, ${json.date.slice(0, 16)}, Node ${before.node}`));
  const memory = memoryPlot(cases, `ts-adc long simulations, ${json.date.slice(0, 16)}, Node ${before.node}`);
  if (memory) fs.writeFileSync(path.join(flags.out, 'results-memory.svg'), memory);
  log(
    `wrote ${Object.values(files)
      .map((f) => path.relative(repoRoot, f))
      .join(', ')} in ${totalS.toFixed(0)} s`,
  );
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
