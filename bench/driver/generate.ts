/**
 * Step 1 of a benchmark run: `adc build bench/objectives` through the CLI
 * (dist/cli/main.js, as a user runs it), falling back to the programmatic
 * `compileFiles` of dist/compiler when the CLI is not built; then the
 * generated files are type-checked and compiled with the objectives into
 * bench/.out/objectives. Every outcome is recorded per objective in
 * adc-status.json, which the suites read to explain a missing variant.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as ts from 'typescript';
import type { ObjectiveStatus } from '../harness/generated';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const benchSource = path.join(repoRoot, 'bench');
export const objectivesSource = path.join(benchSource, 'objectives');
export const objectivesOut = path.join(benchSource, '.out', 'objectives');
export const cliMain = path.join(repoRoot, 'dist', 'cli', 'main.js');

/** The part of ts-adc's programmatic API used here (dist/compiler/index.js). */
interface CompilerApi {
  compileFiles(files: string[], options: { tsconfig?: string }): { files: { path: string; text: string }[]; diagnostics: unknown[] };
  formatDiagnostic(d: unknown): string;
}

export interface GenerateResult {
  readonly status: Record<string, ObjectiveStatus>;
  readonly how: string;
  readonly ms: number;
  readonly log: string;
}

function objectiveNames(): string[] {
  return fs
    .readdirSync(objectivesSource)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.grad.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

/** Removes generated files of earlier runs, so that a failed compile cannot leave a stale one behind. */
function clean(): void {
  for (const f of fs.readdirSync(objectivesSource)) if (f.endsWith('.grad.ts')) fs.rmSync(path.join(objectivesSource, f));
  fs.rmSync(objectivesOut, { recursive: true, force: true });
}

export function generate(): GenerateResult {
  clean();
  const names = objectiveNames();
  const status: Record<string, ObjectiveStatus> = {};
  const diagnostics = new Map<string, string[]>(names.map((n) => [n, []]));
  const t0 = performance.now();
  let ms = 0;
  let how: string;
  let log = '';
  if (fs.existsSync(cliMain)) {
    how = 'adc build (CLI)';
    const r = spawnSync(process.execPath, [cliMain, 'build', objectivesSource], { cwd: repoRoot, encoding: 'utf8' });
    ms = performance.now() - t0;
    log = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    // adc's messages do not always name the file: ask again, one file at a time, about each failure
    for (const n of names) {
      if (fs.existsSync(path.join(objectivesSource, `${n}.grad.ts`))) continue;
      const one = spawnSync(process.execPath, [cliMain, 'build', '--dry-run', path.join(objectivesSource, `${n}.ts`)], { cwd: repoRoot, encoding: 'utf8' });
      const lines = `${one.stdout ?? ''}${one.stderr ?? ''}`.split('\n').filter((l) => /error/i.test(l));
      diagnostics.get(n)!.push(...lines.map((l) => l.trim()));
    }
  } else {
    how = 'compileFiles (dist/compiler; the CLI is not built)';
    const compiler = require(path.join(repoRoot, 'dist', 'compiler')) as CompilerApi;
    const r = compiler.compileFiles(
      names.map((n) => path.join(objectivesSource, `${n}.ts`)),
      { tsconfig: path.join(objectivesSource, 'tsconfig.json') },
    );
    ms = performance.now() - t0;
    for (const f of r.files) fs.writeFileSync(f.path, f.text);
    for (const d of r.diagnostics) {
      const line = compiler.formatDiagnostic(d);
      const hit = names.find((n) => line.includes(`${n}.ts`));
      if (hit) diagnostics.get(hit)!.push(line);
      log += line + '\n';
    }
  }
  for (const n of names) {
    const generated = fs.existsSync(path.join(objectivesSource, `${n}.grad.ts`));
    const diags = diagnostics.get(n)!;
    if (!generated && diags.length === 0) diags.push('no file generated; adc output: ' + log.trim().split('\n').slice(-3).join(' | '));
    status[n] = { generated, diagnostics: diags, typeErrors: [] };
  }
  compileObjectives(status);
  fs.mkdirSync(objectivesOut, { recursive: true });
  fs.writeFileSync(path.join(objectivesOut, 'adc-status.json'), JSON.stringify(status, null, 1));
  return { status, how, ms, log };
}

/** Type-checks (strict) and emits the objectives and their generated files to bench/.out/objectives. */
function compileObjectives(status: Record<string, ObjectiveStatus>): void {
  const files = fs
    .readdirSync(objectivesSource)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(objectivesSource, f));
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    lib: ['lib.es2022.d.ts'],
    types: [],
    strict: true,
    skipLibCheck: true,
    rootDir: objectivesSource,
    outDir: objectivesOut,
  };
  const program = ts.createProgram(files, options);
  const diags = ts.getPreEmitDiagnostics(program);
  for (const d of diags) {
    const file = d.file ? path.basename(d.file.fileName) : '';
    const m = /^(.*)\.grad\.ts$/.exec(file);
    const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    const where = d.file && d.start !== undefined ? `${file}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : file;
    if (m && status[m[1]]) (status[m[1]].typeErrors as string[]).push(`${where} TS${d.code}: ${text}`);
  }
  program.emit();
}
