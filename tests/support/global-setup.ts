/**
 * Jest global setup: makes dist/ fresh for the CLI tests, which run
 * `node dist/cli/main.js` as a real subprocess.
 *
 * Fast path: when every .ts file of the built folders has a compiled .js in
 * dist/ at least as new as itself, nothing runs (a few milliseconds).
 * Otherwise `tsc -p tsconfig.build.json` runs once. tsc emits even when it
 * reports type errors; then the errors are shown as a warning and the tests go
 * on against what was emitted (a type error elsewhere in the repository must
 * not hide the CLI's behaviour); only a build that emitted nothing fails setup.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const builtFolders = ['compiler', 'runtime', 'cli', 'plugin'];

export default function globalSetup(): void {
  if (staleOutputs().length === 0) return;
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, encoding: 'utf8' });
  const stale = staleOutputs();
  if (stale.length > 0) {
    throw new Error(`global setup: \`tsc -p tsconfig.build.json\` did not emit ${stale.slice(0, 5).join(', ')}:\n${r.stdout}${r.stderr}`);
  }
  if (r.status !== 0) {
    const first = `${r.stdout}${r.stderr}`.split('\n').slice(0, 10).join('\n');
    console.warn(`global setup: tsc -p tsconfig.build.json reported errors (dist/ was emitted anyway):\n${first}`);
  }
}

/** Sources (relative) whose dist/…/*.js is missing or older than the source. */
function staleOutputs(): string[] {
  const stale: string[] = [];
  const visit = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) visit(full);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const rel = path.relative(root, full);
        const out = path.join(root, 'dist', rel.replace(/\.ts$/, '.js'));
        if (!fs.existsSync(out) || fs.statSync(out).mtimeMs < fs.statSync(full).mtimeMs) stale.push(rel);
      }
    }
  };
  for (const folder of builtFolders) visit(path.join(root, folder));
  return stale;
}
