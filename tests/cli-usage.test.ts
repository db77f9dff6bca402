/**
 * `adc` as a user first meets it: help, version, and every usage error
 * (exit code 2, one line on stderr, no stack trace).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { adc, makeProject, removeProject, repoRoot, sampleProject, stackFrames, listFiles } from './support/cli';

let dir: string;
beforeAll(() => (dir = makeProject(sampleProject)));
afterAll(() => removeProject(dir));

/** The one line a usage error prints (commander adds a hint line after its own errors). */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('adc: error'));
}

describe('help and version', () => {
  it('adc --help lists the commands, the configuration precedence and the exit codes, on stdout, exit 0', () => {
    const r = adc(['--help'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: adc /);
    for (const cmd of ['build', 'check', 'watch']) expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd} \\[options\\] \\[paths\\.\\.\\.\\]`, 'm'));
    expect(r.stdout).toMatch(/defaults < configuration file < command-line\s+flags/);
    expect(r.stdout).toMatch(/Exit codes:/);
    expect(r.stderr).toBe('');
  });

  it('adc --help into a pipe whose reader has gone (`adc --help | head -1`) ends quietly, exit 0', async () => {
    // (the reading end is closed before adc starts writing, so its writes fail with EPIPE)
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist/cli/main.js'), '--help'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it.each(['build', 'check', 'watch'])('adc %s --help describes its options, exit 0', (cmd) => {
    const r = adc([cmd, '--help'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: adc ${cmd} \\[options\\] \\[paths\\.\\.\\.\\]`));
    for (const flag of ['--tsconfig <path>', '--out-dir <dir>', '--suffix <suffix>']) expect(r.stdout).toContain(flag);
    if (cmd === 'build') for (const flag of ['--dump <what>', '--dry-run']) expect(r.stdout).toContain(flag);
  });

  it('adc --version prints the version of package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const r = adc([flag], dir);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(pkg.version);
    }
  });
});

describe('usage errors exit 2 with one line and write nothing', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown command', ['frobnicate', 'src'], /^adc: error: unknown command 'frobnicate'$/],
    ['an unknown option', ['build', '--frobnicate', 'src'], /^adc: error: unknown option '--frobnicate'$/],
    ['an option without its value', ['build', 'src', '--out-dir'], /^adc: error: option '--out-dir <dir>' argument missing$/],
    ['an invalid --dump', ['build', '--dump', 'ast', 'src'], /^adc: error: option '--dump <what>' argument 'ast' is invalid/],
    ['no paths', ['build'], /^adc: error: no paths given/],
    ['no paths (check)', ['check'], /^adc: error: no paths given/],
    ['no paths (watch)', ['watch'], /^adc: error: no paths given/],
    ['a path that does not exist', ['build', 'src', 'nope/missing.ts'], /^adc: error ADC190: no such file or directory: nope\/missing\.ts$/],
    ['a --tsconfig that does not exist', ['build', '--tsconfig', 'nope.json', 'src'], /^adc: error ADC190: no such file or directory: nope\.json$/],
    ['a suffix that would overwrite sources', ['build', '--suffix', '.ts', 'src'], /^adc: error: invalid suffix "\.ts"/],
    ['a suffix of declaration files', ['build', '--suffix', '.grad.d.ts', 'src'], /^adc: error: invalid suffix "\.grad\.d\.ts"/],
  ];
  it.each(cases)('%s', (_name, args, expected) => {
    const before = listFiles(dir);
    const r = adc(args, dir);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toHaveLength(1);
    expect(errorLines(r.stderr)[0]).toMatch(expected);
    expect(stackFrames(r.stderr)).toEqual([]);
    expect(r.stdout).toBe('');
    expect(listFiles(dir)).toEqual(before);
  });

  it('no command at all prints the help on stderr and exits 2', () => {
    const r = adc([], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Usage: adc /);
    expect(r.stdout).toBe('');
  });
});

describe('internal errors', () => {
  it('an unexpected exception prints "adc: internal error" with how to report it, no stack trace, exit 1', () => {
    const r = adc(['build', 'src'], dir, { ADC_TEST_INTERNAL_ERROR: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^adc: internal error: injected by ADC_TEST_INTERNAL_ERROR\n/);
    expect(r.stderr).toMatch(/Please report it at https:\/\/\S+/);
    expect(stackFrames(r.stderr)).toEqual([]);
  });

  it('ADC_DEBUG=1 adds the stack trace', () => {
    const r = adc(['build', 'src'], dir, { ADC_TEST_INTERNAL_ERROR: '1', ADC_DEBUG: '1' });
    expect(r.code).toBe(1);
    expect(stackFrames(r.stderr).length).toBeGreaterThan(0);
  });

  it('an exception while compiling one function is ADC199 at that function, and every other file is built', () => {
    const own = makeProject(sampleProject);
    try {
      // square is a callee of energy, in another file: the error is where it happened, in src/lib/util.ts.
      const r = adc(['build', 'src'], own, { ADC_TEST_INTERNAL_ERROR_IN: 'square' });
      expect(r.stderr).toMatch(/^src\/lib\/util\.ts:1:17: error ADC199: internal error while compiling 'square': injected by ADC_TEST_INTERNAL_ERROR_IN\. Please report it/m);
      expect(r.stderr).not.toMatch(/^adc: internal error/m);
      expect(stackFrames(r.stderr)).toEqual([]);
      expect(listFiles(own).filter((f) => f.endsWith('.grad.ts'))).toEqual(['src/geometry.grad.ts']);
      expect(r.stderr).toMatch(/^built 1 file, 2 functions in [\d.]+ s \(1 failed\)$/m);
      expect(r.code).toBe(1);
    } finally {
      removeProject(own);
    }
  });
});
