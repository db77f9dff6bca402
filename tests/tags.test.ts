/**
 * The @differentiable tag's grammar (compiler/1-frontend/tags.ts), with an option
 * word as a later issue will add one (`hessian`), and the near misses that are
 * warned about (compiler/diagnostics/spelling.ts).
 */
import { isMisspelledTag, mentionsTag, misspelledTags, parseTag } from '../compiler/1-frontend/tags';
import { closest, editDistance } from '../compiler/diagnostics/spelling';

describe('parseTag', () => {
  it('reads nothing, wrt(…) and, when the option exists, an option word in any order', () => {
    expect(parseTag('')).toEqual({ wrt: undefined, options: [] });
    expect(parseTag('  wrt( a, b )\n')).toEqual({ wrt: ['a', 'b'], options: [] });
    expect(parseTag('wrt(theta) hessian', ['hessian'])).toEqual({ wrt: ['theta'], options: ['hessian'] });
    expect(parseTag('hessian wrt(theta)', ['hessian'])).toEqual({ wrt: ['theta'], options: ['hessian'] });
    expect(parseTag('hessian', ['hessian'])).toEqual({ wrt: undefined, options: ['hessian'] });
    // the tag's own options: hessian
    expect(parseTag('wrt(theta) hessian')).toEqual({ wrt: ['theta'], options: ['hessian'] });
  });

  it('says what is wrong, where, and what the tag accepts', () => {
    expect(parseTag('wrt(x) y', [])).toEqual({ problem: "unexpected 'y' after 'wrt(x)': the tag is '@differentiable' or '@differentiable wrt(p1, p2, …)'", at: 7, found: 'y' });
    expect(parseTag('hessian', [])).toMatchObject({ problem: "unexpected 'hessian': the tag is '@differentiable' or '@differentiable wrt(p1, p2, …)'" });
    expect(parseTag('wrt(x) fast', ['hessian'])).toMatchObject({
      problem: "unexpected 'fast' after 'wrt(x)': the tag is '@differentiable' or '@differentiable wrt(p1, p2, …)', followed by any of hessian",
    });
    expect(parseTag('wrt(x) wrt(y)')).toMatchObject({ problem: 'a second wrt(…): name every parameter in one', at: 7 });
    expect(parseTag('hessian hessian', ['hessian'])).toMatchObject({ problem: "'hessian' twice", at: 8 });
    expect(parseTag('wrt x')).toMatchObject({ problem: expect.stringMatching(/^unexpected 'wrt x' \(wrt needs its parameters in parentheses\)/) });
    expect(parseTag('wrt(x')).toMatchObject({ found: 'wrt(x' });
  });
});

describe('misspelled tags', () => {
  it('are one to three edits, or a case, away from differentiable', () => {
    for (const name of ['differentable', 'differentiabel', 'diferentiable', 'Differentiable', 'DIFFERENTIABLE', 'differentiated', 'differntiable'])
      expect([name, isMisspelledTag(name)]).toEqual([name, true]);
    for (const name of ['differentiable', 'deprecated', 'param', 'returns', 'nondiff', 'differentiableFooBar', 'different'])
      expect([name, isMisspelledTag(name)]).toEqual([name, false]);
  });

  it('are found in JSDoc comments only, by the offset of their @', () => {
    const text = '// @differentable\n/* @differentable */\nconst s = "@differentable";\n/**\n * Squares.\n * @differentable\n */\n';
    expect(misspelledTags(text)).toEqual([{ offset: text.lastIndexOf('@differentable'), name: 'differentable' }]);
    expect(mentionsTag(text)).toBe(true);
    expect(mentionsTag('/** @differentiable */')).toBe(true);
    expect(mentionsTag('/** @deprecated */ // @differentable')).toBe(false);
  });
});

describe('editDistance and closest', () => {
  it('count insertions, deletions, substitutions and swaps of neighbours', () => {
    expect(editDistance('differentiable', 'differentiable')).toBe(0);
    expect(editDistance('differentable', 'differentiable')).toBe(1);
    expect(editDistance('differentiabel', 'differentiable')).toBe(1);
    expect(editDistance('differentiated', 'differentiable')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('ca', 'abc')).toBe(3);
  });

  it('closest picks the nearest candidate within the limit, never the word itself', () => {
    expect(closest('totl', ['total', 'tool', 'x'], 1)).toBe('tool');
    expect(closest('totl', ['total', 'x'], 1)).toBe('total');
    expect(closest('potentail', ['potential', 'kinetic'], 2)).toBe('potential');
    expect(closest('xx', ['xx', 'y'], 0)).toBeUndefined();
    expect(closest('scale', ['kinetic'], 2)).toBeUndefined();
  });
});
