/**
 * Bad input, one folder per case under fixtures/errors/<case>/: `input.ts` (and
 * the files it imports) must be rejected with exactly the lines of
 * `expected.txt` (`file:line:col: error ADCnnn: message`, paths relative to the
 * case folder, in order), each diagnostic carrying a code frame with a caret,
 * and nothing generated for the file. A case whose lines are all warnings
 * (`file:line:col: warning ADCnnn: message`) is reported the same way but not
 * rejected: warnings stop nothing, and its marked functions are compiled.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileFiles, formatDiagnostic, type CompileResult } from '../compiler';
import { discoverErrorFixtures } from './support/fixtures';

const cases = discoverErrorFixtures();

it('the error corpus is not empty', () => {
  expect(cases.length).toBeGreaterThan(0);
});

for (const c of cases) {
  describe(c.name, () => {
    let cached: CompileResult | undefined;
    const result = () => (cached ??= compileFiles([c.input]));

    const expected = fs
      .readFileSync(c.expected, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const warningsOnly = expected.every((l) => / warning ADC\d+: /.test(l));

    it(warningsOnly ? 'is compiled, with the expected warnings' : 'is rejected with the expected diagnostics', () => {
      const r = result();
      const heads = r.diagnostics.map((d) => formatDiagnostic({ ...d, frame: undefined }, (f) => path.relative(c.dir, f)));
      expect(heads).toEqual(expected);
      if (warningsOnly) {
        expect(r.failed).not.toContain(c.input);
        expect(r.files.filter((f) => f.source === c.input)).toHaveLength(1);
      } else {
        expect(r.files.filter((f) => f.source === c.input)).toEqual([]);
        expect(r.failed).toContain(c.input);
      }
    });

    it('points at the source with a code frame', () => {
      for (const d of result().diagnostics) {
        expect(d.frame).toBeDefined();
        const lines = d.frame!.split('\n');
        expect(lines.some((l) => new RegExp(`^\\s*> +${d.line} \\| `).test(l))).toBe(true);
        expect(lines[lines.length - 1]).toMatch(/\|\s*\^+$/);
      }
    });
  });
}
