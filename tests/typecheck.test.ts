/**
 * Every checked-in golden (fixtures/**\/input.grad.ts), together with the
 * fixture sources, type-checks under `tsc --strict --noEmit`, in one tsc run
 * (the project's own node_modules/.bin/tsc as a subprocess), with `ts-adc/runtime`
 * mapped to runtime/index.ts: what a user's strict project sees.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverFixtures } from './support/fixtures';

const ROOT = path.resolve(__dirname, '..');

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

it('all goldens type-check under tsc --strict --noEmit', () => {
  const { goldens, sources } = filesToCheck();
  expect(goldens.length).toBeGreaterThan(0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adc-typecheck-'));
  try {
    const tsconfig = {
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'es2022',
        module: 'esnext',
        moduleResolution: 'bundler',
        lib: ['es2022'],
        types: [],
        skipLibCheck: true,
        noUncheckedIndexedAccess: false,
        noUnusedLocals: false,
        noUnusedParameters: false,
        paths: { 'ts-adc/runtime': [path.join(ROOT, 'runtime/index.ts')], 'ts-adc': [path.join(ROOT, 'runtime/markers.ts')] },
      },
      files: [...goldens, ...sources],
    };
    const config = path.join(dir, 'tsconfig.json');
    fs.writeFileSync(config, JSON.stringify(tsconfig, null, 2));
    let output = '';
    try {
      execFileSync(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', config, '--pretty', 'false'], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      output = `${err.stdout ?? ''}${err.stderr ?? ''}` || err.message;
    }
    expect(output).toBe('');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
