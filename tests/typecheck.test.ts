/**
 * Every checked-in golden (fixtures/**\/input.grad.ts), together with the
 * fixture sources, type-checks under `tsc --strict --noEmit`, in one tsc run
 * per TypeScript a project may have (the project's own 6.0, and 5.9 and the
 * native 7 from the workspaces in typescript-versions/, each tsc a subprocess),
 * with `ts-adc/runtime` mapped to runtime/index.ts: what a user's strict
 * project sees.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverFixtures } from './support/fixtures';
import { compileFiles } from '../compiler';

const ROOT = path.resolve(__dirname, '..');

/** A strict project's options, `ts-adc/runtime` mapped to the sources: what a user's strict project sees. */
function strictOptions(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    strict: true,
    // What strict project templates (Vite's among them) add: generated code must pass these too.
    noUnusedLocals: true,
    noUnusedParameters: true,
    exactOptionalPropertyTypes: true,
    noImplicitReturns: true,
    noFallthroughCasesInSwitch: true,
    noImplicitOverride: true,
    noPropertyAccessFromIndexSignature: true,
    noEmit: true,
    target: 'es2022',
    module: 'esnext',
    moduleResolution: 'bundler',
    lib: ['es2022'],
    types: [],
    skipLibCheck: true,
    paths: { 'ts-adc/runtime': [path.join(ROOT, 'runtime/index.ts')], 'ts-adc': [path.join(ROOT, 'runtime/markers.ts')] },
    ...extra,
  };
}

/** The .ts files of each executable fixture folder: input.ts, its siblings, the golden; never *.actual.ts. */
function filesToCheck(): { goldens: string[]; sources: string[] } {
  const goldens: string[] = [];
  const sources: string[] = [];
  for (const fx of discoverFixtures()) {
    for (const name of fs.readdirSync(fx.dir).sort()) {
      if (!name.endsWith('.ts') || name.endsWith('.actual.ts')) continue;
      (name.endsWith('.grad.ts') ? goldens : sources).push(path.join(fx.dir, name));
    }
  }
  return { goldens, sources };
}

/**
 * The fixture sources are written for `strict`, not for the unused-name flags (a case may keep an
 * unused local on purpose); their TS6133 errors are not the generated code's. Every other error counts.
 */
function notAboutSources(output: string): string {
  return output
    .split('\n')
    .filter((line) => !/\.ts\(\d+,\d+\): error TS(6133|6138|6192|6196|6198|6205):/.test(line) || line.includes('.grad.ts('))
    .join('\n')
    .trim();
}

/** The tsc of the TypeScript installed for `from` (the repository, or a workspace of typescript-versions/), and its version. */
function tscOf(from: string): { tsc: string; version: string } {
  const manifest = require.resolve('typescript/package.json', { paths: [from] });
  const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string; bin: { tsc: string } };
  return { tsc: path.join(path.dirname(manifest), pkg.bin.tsc), version: pkg.version };
}

/** tsc's errors for the project `config` ('' when there are none). */
function tscErrors(tsc: string, config: string): string {
  try {
    execFileSync(process.execPath, [tsc, '-p', config, '--pretty', 'false'], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe', maxBuffer: 64 << 20 });
    return '';
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    return `${err.stdout ?? ''}${err.stderr ?? ''}` || err.message;
  }
}

describe.each([
  ['6.0', ROOT],
  ['5.9', path.join(ROOT, 'typescript-versions/5.9')],
  ['7', path.join(ROOT, 'typescript-versions/7')],
])('with TypeScript %s', (expected, from) => {
  it('all goldens type-check under tsc --strict --noEmit with the flags of strict project templates', () => {
    const { tsc, version } = tscOf(from);
    expect(version.startsWith(`${expected}.`)).toBe(true);
    const { goldens, sources } = filesToCheck();
    expect(goldens.length).toBeGreaterThan(0);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adc-typecheck-'));
    try {
      const tsconfig = { compilerOptions: strictOptions({ noUncheckedIndexedAccess: false }), files: [...goldens, ...sources] };
      const config = path.join(dir, 'tsconfig.json');
      fs.writeFileSync(config, JSON.stringify(tsconfig, null, 2));
      expect(notAboutSources(tscErrors(tsc, config))).toBe('');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Projects compiled with `noUncheckedIndexedAccess` (element reads typed `number | undefined`):
 * every fixture's source compiled again with that flag gives generated code without a type
 * error of its own (the fixture sources are not written for the flag, so only errors located
 * in generated files count).
 */
it('generated code type-checks under noUncheckedIndexedAccess', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adc-unchecked-'));
  try {
    const compilerOptions = strictOptions({ noUncheckedIndexedAccess: true });
    const config = path.join(dir, 'tsconfig.json');
    fs.writeFileSync(config, JSON.stringify({ compilerOptions, include: ['**/*.ts'] }, null, 2));
    const written: string[] = [];
    const rejected: string[] = [];
    for (const fx of discoverFixtures()) {
      const to = path.join(dir, fx.name);
      fs.cpSync(fx.dir, to, { recursive: true, filter: (f) => !f.endsWith('.grad.ts') && !f.endsWith('.json') });
      const r = compileFiles([path.join(to, 'input.ts')], { tsconfig: config });
      // A source that is itself wrong under the flag may be rejected (`[a, b][1]` is `number | undefined`).
      if (r.diagnostics.length > 0) rejected.push(`${fx.name}: ${r.diagnostics[0].message}`);
      for (const f of r.files) {
        fs.writeFileSync(f.path, f.text);
        written.push(f.path);
      }
    }
    // The sources that are themselves wrong under the flag, and only those: an element read typed
    // `number | undefined` where a number is needed (`[s, p]` of reads, `particles[0].applyForce`, `bodies[0].step(dt)`,
    // `any` data, an arrow returning `[s[1], -k * s[0]]`).
    expect(rejected.map((r) => r.slice(0, r.indexOf(':')))).toEqual([
      'arrays/index-expression',
      'classes/particle-system',
      'classes/receiver-after-arguments',
      'data/helpers',
      'data/objects',
      'functions/rk4-oscillator',
      'second-order/through-helpers',
    ]);
    expect(written.length).toBe(discoverFixtures().length - rejected.length);
    const output = tscErrors(tscOf(ROOT).tsc, config);
    // (the runtime's own sources and the fixture sources are not written for the flag)
    const inGenerated = output.split('\n').filter((l) => /\.grad\.ts\(\d+,\d+\): error/.test(l));
    expect(inGenerated).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
