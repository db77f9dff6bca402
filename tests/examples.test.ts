/**
 * The examples as the README presents them: their checked-in generated files
 * are what `adc build` writes today, and the demo that uses them compiles under
 * `strict` and converges (a least-squares fit recovers the parameters it was
 * generated from; gradient ascent finds the angle of longest flight).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { adcMain, repoRoot } from './support/cli';

describe('examples', () => {
  it('checked-in generated files are up to date (adc check examples)', () => {
    const r = spawnSync(process.execPath, [adcMain, 'check', 'examples'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    expect(`${r.stderr}`).toMatch(/up to date/);
    expect(r.status).toBe(0);
  });

  it('the demo compiles under strict and its optimisers converge', () => {
    // Inside the repository (examples/dist is git-ignored), so `ts-adc/runtime` resolves to this package.
    const outDir = path.join(repoRoot, 'examples', 'dist', `test-${process.pid}`);
    try {
      const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
      const build = spawnSync(process.execPath, [tsc, '-p', path.join(repoRoot, 'examples', 'tsconfig.json'), '--outDir', outDir], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(build.stdout + build.stderr).toBe('');
      expect(build.status).toBe(0);
      const run = spawnSync(process.execPath, [path.join(outDir, 'run-demo.js')], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      // The fit: truth is [2, 0.3, 3, 0.5] with noise 0.05; the fitted values must be close.
      const fitted = /fitted \[([^\]]+)\]/.exec(run.stdout);
      expect(fitted).not.toBeNull();
      const p = fitted![1].split(',').map(Number);
      [2, 0.3, 3, 0.5].forEach((t, k) => expect(Math.abs(p[k] - t)).toBeLessThan(0.05));
      // The angle: with drag it is below 45° and the gradient has vanished.
      const angle = /best angle ([\d.]+)°/.exec(run.stdout);
      expect(angle).not.toBeNull();
      const deg = Number(angle![1]);
      expect(deg).toBeGreaterThan(25);
      expect(deg).toBeLessThan(45);
      const lastGrad = [...run.stdout.matchAll(/d range\/dθ = (\S+)/g)].pop();
      expect(Math.abs(Number(lastGrad![1]))).toBeLessThan(1e-3);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });
});
