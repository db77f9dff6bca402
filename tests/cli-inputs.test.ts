/**
 * `adc` on inputs that are legal but odd, as a subprocess: file names with any
 * character POSIX allows (a backslash, which TypeScript alone would take for a
 * folder separator, line breaks, quotes, glob characters, a leading dash…);
 * files with a byte-order mark, in UTF-16, with CRLF line endings, empty, or
 * not UTF-8; a file named twice, reached through a symlink, and a folder named
 * like a source. Each builds like any other file, in build, check and watch,
 * or gets a clear error that costs nothing but that file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { compileFiles } from '../compiler';
import { spawnSync } from 'node:child_process';
import { adc, exists, listFiles, readFile, shareProject, Spawned, unprivilegedUser, writeFile, projectsOfThisFile } from './support/cli';
import { typeErrors } from './support/typecheck';

const project = projectsOfThisFile();

const marked = (name: string) => `/** @differentiable */
export function ${name}(x: number, y: number): number {
  return Math.sin(x) * y + x * x;
}
`;

/** Legal POSIX file names (without `.ts`), each of which must build like `plain`. */
const names = [
  'plain',
  'back\\slash',
  'two\\\\backslashes\\',
  'with space',
  "single'quote",
  'double"quote',
  'hash#tag',
  'star*',
  'question?',
  '[brackets]',
  '{braces}',
  'dollar$x',
  'percent%20',
  'semi;colon&amp',
  'ünïcödé-日本-😀',
  '-leading-dash',
  'new\nline',
  'carriage\rreturn',
  'line\u2028separator',
  'para\u2029separator',
  'tab\there',
  'back`tick',
];

const sourcesOf = (list: readonly string[]) => Object.fromEntries(list.map((n, i) => [`src/${n}.ts`, marked(`f${i}`)]));

/** The generated texts under virtual names, type-checked together (tsc itself cannot open `a\b.ts` on Linux). */
function expectParsesAndTypeChecks(texts: readonly string[]): void {
  const files: Record<string, string> = {};
  texts.forEach((t, i) => (files[`/gen/file${i}.ts`] = t));
  for (const [name, text] of Object.entries(files)) {
    const sf = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    expect({ name, syntax: (sf as unknown as { parseDiagnostics: readonly unknown[] }).parseDiagnostics.length }).toEqual({ name, syntax: 0 });
  }
  expect(typeErrors(files)).toEqual([]);
}

describe('every legal file name, in a folder scan', () => {
  let dir: string;
  let build: ReturnType<typeof adc>;
  beforeAll(() => {
    dir = project(sourcesOf(names));
    build = adc(['build', 'src'], dir);
  });

  it('builds every file, exit 0', () => {
    expect(build.stderr).not.toMatch(/error/);
    expect(build.code).toBe(0);
    expect(build.stderr).toMatch(new RegExp(`^built ${names.length} files, ${names.length} functions`, 'm'));
    for (const n of names) expect({ n, generated: exists(dir, `src/${n}.grad.ts`) }).toEqual({ n, generated: true });
  });

  it('writes what the compiler generates for each, and it parses and type-checks', () => {
    const expected = compileFiles(
      names.map((n) => path.join(dir, 'src', `${n}.ts`)),
      { tsconfig: path.join(dir, 'tsconfig.json') },
    );
    expect(expected.diagnostics).toEqual([]);
    expect(expected.files.map((f) => path.relative(dir, f.path)).sort()).toEqual(names.map((n) => `src/${n}.grad.ts`).sort());
    for (const f of expected.files) expect(fs.readFileSync(f.path, 'utf8')).toBe(f.text);
    expectParsesAndTypeChecks(expected.files.map((f) => f.text));
  });

  it('adc check finds every generated file up to date', () => {
    const r = adc(['check', 'src'], dir);
    expect(r.stderr).toMatch(new RegExp(`^check: ${names.length} generated files up to date`, 'm'));
    expect(r.code).toBe(0);
  });
});

describe('odd file names named on the command line', () => {
  it('a backslash, a line break, glob characters, and a leading dash after --', () => {
    const list = ['back\\slash', 'new\nline', 'star*', '[brackets]', '-leading-dash'];
    const dir = project(sourcesOf(list));
    const r = adc(['build', '--', ...list.map((n) => `${n}.ts`)], path.join(dir, 'src'));
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(
      listFiles(dir)
        .filter((f) => f.endsWith('.grad.ts'))
        .sort(),
    ).toEqual(list.map((n) => `src/${n}.grad.ts`).sort());
  });
});

describe('adc watch on odd file names', () => {
  let watcher: Spawned | undefined;
  afterEach(async () => {
    await watcher?.stop('SIGKILL');
    watcher = undefined;
  });

  it('rebuilds a source named with a backslash, and the caller of a callee in a file named with #', async () => {
    const dir = project({
      ...sourcesOf(['back\\slash']),
      'src/lib#1.ts': 'export function sq(x: number): number {\n  return x * x;\n}\n',
      'src/main.ts': "import { sq } from './lib#1';\n\n/** @differentiable */\nexport function main(x: number): number {\n  return sq(x) + x;\n}\n",
    });
    watcher = new Spawned(['watch', 'src'], dir);
    await watcher.waitFor(/^watching \d+ folders? for changes/m);
    expect(watcher.output).toMatch(/^built 2 files, /m);

    let from = watcher.output.length;
    writeFile(dir, 'src/back\\slash.ts', readFile(dir, 'src/back\\slash.ts').replace('x * x', 'x * x * x'));
    await watcher.waitFor(/^rebuilt src\/back\\slash\.grad\.ts in \d+ ms$/m, from);
    expect(readFile(dir, 'src/back\\slash.grad.ts')).toContain('x * x * x');

    from = watcher.output.length;
    writeFile(dir, 'src/lib#1.ts', readFile(dir, 'src/lib#1.ts').replace('x * x', 'x * x * 2'));
    await watcher.waitFor(/^rebuilt src\/main\.grad\.ts in \d+ ms$/m, from);
    expect(readFile(dir, 'src/main.grad.ts')).toContain('x * x * 2');
  });
});

describe('encodings and line endings', () => {
  const text = marked('f');
  let dir: string;
  let run: ReturnType<typeof adc>;
  beforeAll(() => {
    dir = project({ 'src/plain.ts': text, 'src/crlf.ts': text.replace(/\n/g, '\r\n'), 'src/empty.ts': '' });
    const bytes = (rel: string, b: Buffer) => fs.writeFileSync(path.join(dir, rel), b);
    bytes('src/bom.ts', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    bytes('src/utf16le.ts', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    bytes('src/utf16be.ts', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]));
    // Latin-1: `é` is one byte, 0xE9, which is not UTF-8.
    bytes('src/latin1.ts', Buffer.from(text.replace('return', '// café\n  return'), 'latin1'));
    bytes('src/latin1.grad.ts', Buffer.from('// an older generated file, which a failed build must leave alone\n'));
    run = adc(['build', 'src'], dir);
  });

  /** The code of a generated file, below its header line and its fingerprint (which covers the header, so differs with it). */
  const body = (rel: string) => readFile(dir, rel).split('\n').slice(2).join('\n');

  it('a byte-order mark, UTF-16 with a byte-order mark, and CRLF line endings build like plain UTF-8', () => {
    for (const f of ['bom', 'utf16le', 'utf16be', 'crlf']) expect({ f, body: body(`src/${f}.grad.ts`) }).toEqual({ f, body: body('src/plain.grad.ts') });
    expect(readFile(dir, 'src/bom.grad.ts').split('\n')[0]).toBe('// Generated by adc from bom.ts. Do not edit: run `adc build` to refresh.');
  });

  it('a file that is not UTF-8 is an ADC193 error at its first bad byte, and its generated file is left alone', () => {
    expect(run.stderr).toMatch(/^src\/latin1\.ts:3:9: error ADC193: the file is not valid UTF-8/m);
    expect(readFile(dir, 'src/latin1.grad.ts')).toBe('// an older generated file, which a failed build must leave alone\n');
    expect(run.stderr).toMatch(/^built 5 files, 5 functions in [\d.]+ s \(1 failed\)$/m);
    expect(run.code).toBe(1);
  });

  it('a diagnostic in a file with CR line endings and a line separator counts lines as TypeScript does, code frame included', () => {
    const own = project({ 'src/cr.ts': '// one\u2028/** @differentiable */\rexport function f(x: number): number {\r  return x * Math.random();\r}\r' });
    const r = adc(['build', 'src'], own);
    expect(r.stderr).toContain(
      [
        'src/cr.ts:4:14: error ADC107: Math.random() is not differentiable and its result flows into a differentiated value: pass the noise in as a parameter',
        '    2 | /** @differentiable */',
        '    3 | export function f(x: number): number {',
        '  > 4 |   return x * Math.random();',
        '      |              ^^^^^^^^^^^^^',
      ].join('\n'),
    );
    expect(r.code).toBe(1);
  });

  it('an empty file is no source: nothing written, no error', () => {
    expect(exists(dir, 'src/empty.grad.ts')).toBe(false);
    const r = adc(['build', 'src/empty.ts'], dir);
    expect(r.stderr).toMatch(/no @differentiable functions found/);
    expect(r.code).toBe(0);
  });
});

describe('a file named twice, a symlink, a folder named like a source', () => {
  it('a file named twice (also inside a folder named too) is built once', () => {
    const dir = project({ 'src/a.ts': marked('f') });
    const r = adc(['build', 'src/a.ts', 'src/a.ts', 'src', './src/../src/a.ts'], dir);
    expect(r.stderr).toMatch(/^built 1 file, 1 function/m);
    expect(r.code).toBe(0);
  });

  it('a source reached through a symlink (to the file, or to its folder) builds like the file itself', () => {
    const dir = project({ 'lib/a.ts': marked('f'), 'src/keep.ts': marked('g') });
    fs.symlinkSync('../lib/a.ts', path.join(dir, 'src/link.ts'));
    fs.symlinkSync('../lib', path.join(dir, 'src/linked'));
    const r = adc(['build', 'src'], dir);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(adc(['build', 'lib'], dir).code).toBe(0);
    const body = (rel: string) => readFile(dir, rel).split('\n').slice(2).join('\n'); // below the header and the fingerprint
    expect(body('src/link.grad.ts')).toBe(body('lib/a.grad.ts'));
    expect(body('src/linked/a.grad.ts')).toBe(body('lib/a.grad.ts'));
  });

  it('a folder named x.ts is walked as a folder, on the command line too', () => {
    const dir = project({ 'src/x.ts/in.ts': marked('f') });
    const r = adc(['build', 'src/x.ts'], dir);
    expect(r.code).toBe(0);
    expect(exists(dir, 'src/x.ts/in.grad.ts')).toBe(true);
    expect(exists(dir, 'src/x.grad.ts')).toBe(false);
  });
});

describe('files that cannot be read', () => {
  const isRoot = process.getuid?.() === 0;
  // chmod forbids nothing to root: as root, the unreadable file is tried as `nobody`.
  const user = unprivilegedUser();
  const permissionsHold = !isRoot || user !== undefined;

  it(`an unreadable source (chmod 000${isRoot ? `, run as ${user ?? 'root, who can read it: then it builds'}` : ''}) is ADC193, and the others are built`, () => {
    const dir = project({ 'src/a.ts': marked('f'), 'src/locked.ts': marked('g') });
    if (user) shareProject(dir);
    fs.chmodSync(path.join(dir, 'src/locked.ts'), 0o000);
    try {
      const r = adc(['build', 'src'], dir, {}, user);
      if (!permissionsHold) {
        expect(r.code).toBe(0);
        return;
      }
      expect(r.stderr).toMatch(/^src\/locked\.ts:1:1: error ADC193: cannot read the file: permission denied$/m);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(exists(dir, 'src/a.grad.ts')).toBe(true);
      expect(exists(dir, 'src/locked.grad.ts')).toBe(false);
      expect(r.code).toBe(1);
    } finally {
      fs.chmodSync(path.join(dir, 'src/locked.ts'), 0o644);
    }
  });

  it('a file gone by the time the compiler loads it (deleted meanwhile) is ADC193, and the others compile', () => {
    const dir = project({ 'src/a.ts': marked('f') });
    const r = compileFiles([path.join(dir, 'src/a.ts'), path.join(dir, 'src/gone.ts')], { tsconfig: path.join(dir, 'tsconfig.json') });
    expect(r.files.map((f) => path.relative(dir, f.path))).toEqual(['src/a.grad.ts']);
    expect(r.diagnostics.map((d) => [path.relative(dir, d.file!), d.code, d.message])).toEqual([['src/gone.ts', 'ADC193', 'cannot read the file: it does not exist (any more)']]);
  });

  it('a named pipe is never read: named on the command line, a usage error; in a folder, skipped', () => {
    const dir = project({ 'src/a.ts': marked('f') });
    expect(spawnSync('mkfifo', [path.join(dir, 'src/pipe.ts')]).status).toBe(0);
    const named = adc(['build', 'src/pipe.ts', 'src/a.ts'], dir);
    expect(named.stderr).toMatch(/^adc: error: src\/pipe\.ts is neither a file nor a folder/m);
    expect(named.code).toBe(2);
    const scanned = adc(['build', 'src'], dir);
    expect(scanned.stderr).toMatch(/^built 1 file, 1 function/m);
    expect(scanned.code).toBe(0);
  });
});

describe('two sources with one generated file', () => {
  it('a.ts and a.mts (both make a.grad.ts): an error for each, neither written, the others built; check says so too', () => {
    const dir = project({ 'src/a.ts': marked('f'), 'src/a.mts': marked('g'), 'src/b.ts': marked('h') });
    const r = adc(['build', 'src'], dir);
    expect(r.stderr.split('\n').filter((l) => l.includes('ADC191'))).toEqual([
      'adc: error ADC191: cannot write src/a.grad.ts: it is also the generated file of src/a.ts: rename one of them',
      'adc: error ADC191: cannot write src/a.grad.ts: it is also the generated file of src/a.mts: rename one of them',
    ]);
    expect(listFiles(dir).filter((f) => f.endsWith('.grad.ts'))).toEqual(['src/b.grad.ts']);
    expect(r.stderr).toMatch(/^built 1 file, 1 function in [\d.]+ s \(2 failed\)$/m);
    expect(r.code).toBe(1);
    const c = adc(['check', 'src'], dir);
    expect(c.stderr).toMatch(/^check failed: 2 sources with errors \(1 generated file checked\)/m);
    expect(c.stderr).not.toMatch(/missing|out of date/);
    expect(c.code).toBe(1);
  });
});
