/**
 * The code is formatted by Prettier (.prettierrc.json; generated files, fixtures and
 * build output are in .prettierignore): `npx prettier --write .` fixes what this finds.
 * Tables that a reader scans line by line are marked `// prettier-ignore`.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '..');

it('every source file is formatted as .prettierrc.json says', () => {
  const cli = require.resolve('prettier/bin/prettier.cjs');
  const r = spawnSync(process.execPath, [cli, '--list-different', '.'], { cwd: root, encoding: 'utf8' });
  // Exit 1 with file names: files to format; 2: prettier itself failed.
  expect({ status: r.status, unformatted: r.stdout.split('\n').filter((f) => f !== ''), errors: r.stderr }).toEqual({ status: 0, unformatted: [], errors: '' });
});
