/**
 * Deeply nested code. Every construct that nests (parentheses, calls, `?:`,
 * unary operators, right-nested sums, `**`, `&&` chains, `if` blocks, `else
 * if` chains, loops, blocks) compiles at the nesting limit, and what it
 * generates parses and type-checks: no phase runs out of stack on accepted
 * code, under jest's stack too. One level more is ADC119 at the outermost
 * expression (or statement). Long left-nested chains (`a + b + c + …`, as in
 * unrolled code) are no nesting at all: tens of thousands of terms compile and
 * compute the right value and gradient.
 */
import { ts } from 'ts-morph';
import { compileSources, type CompileResult } from '../compiler';
import { moduleFunctions } from '../compiler/1-frontend/functions';
import { nestingLimit, nestingOf } from '../compiler/1-frontend/nesting';
import { loadModule } from './support/load';
import { typeErrors } from './support/typecheck';

/** Bodies of `f(x: number): number` nesting `d` times. */
const kinds: Record<string, (d: number) => string> = {
  parentheses: (d) => `return ${'('.repeat(d)}x${')'.repeat(d)};`,
  'Math calls': (d) => `return ${'Math.sin('.repeat(d)}x${')'.repeat(d)};`,
  'user calls': (d) => `return ${'g('.repeat(d)}x${')'.repeat(d)};`,
  'nested ?:': (d) => `return ${'x > 0 ? x : '.repeat(d)}-x;`,
  'unary minus': (d) => `return ${'-'.repeat(d).split('').join(' ')} x;`,
  'right-nested sums': (d) => `return ${'x + ('.repeat(d)}x${')'.repeat(d)};`,
  '** chains': (d) =>
    `return ${Array(d + 1)
      .fill('1')
      .join(' ** ')} * x;`,
  '&& chains': (d) =>
    `return ${Array(d + 1)
      .fill('x > 0')
      .join(' && ')} ? x : 0;`,
  'if blocks': (d) => `let y = 0;\n${'if (x > 0) {\n'.repeat(d)}y = x * x;\n${'}\n'.repeat(d)}return y;`,
  'else if chains': (d) => `let y = 0;\n${Array.from({ length: d }, (_, i) => `if (x > ${i}) {\n  y = x * ${i};\n}`).join(' else ')}\nreturn y;`,
  'for loops': (d) => `let y = 0;\n${'for (let i = 0; i < 1; i++) {\n'.repeat(d)}y += x;\n${'}\n'.repeat(d)}return y;`,
  blocks: (d) => `let y = 0;\n${'{\n'.repeat(d)}y = x;\n${'}\n'.repeat(d)}return y;`,
  'an expression in if blocks': (d) => `let y = 0;\n${'if (x > 0) {\n'.repeat(d >> 2)}y = ${'('.repeat(d)}x${')'.repeat(d)};\n${'}\n'.repeat(d >> 2)}return y;`,
};

const source = (body: string) => `function g(t: number): number {\n  return t;\n}\n\n/** @differentiable */\nexport function f(x: number): number {\n${body}\n}\n`;

/** Levels of `f` for a body, as the compiler counts them (Infinity when even parsing it runs out of stack). */
function levels(body: string): number {
  let sf: ts.SourceFile;
  try {
    sf = ts.createSourceFile('/src/f.ts', source(body), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  } catch {
    return Infinity;
  }
  return nestingOf(moduleFunctions(sf).find((m) => m.name === 'f')!);
}

/** The largest `d` whose body is within the limit. */
function deepestAccepted(kind: (d: number) => string): number {
  let lo = 1;
  let hi = 4 * nestingLimit;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (levels(kind(mid)) <= nestingLimit) lo = mid;
    else hi = mid;
  }
  return lo;
}

const atLimit = Object.entries(kinds).map(([name, kind]) => {
  const d = deepestAccepted(kind);
  return { name, d, body: kind(d), over: kind(d + 1) };
});

describe(`at the nesting limit (${nestingLimit} levels)`, () => {
  const results = new Map<string, CompileResult>();
  const compiled = (name: string, body: string) => {
    let r = results.get(name);
    if (!r) results.set(name, (r = compileSources({ '/src/f.ts': source(body) })));
    return r;
  };

  it.each(atLimit.map((c) => [c.name, c]))('%s compile, exactly at the limit', (_, c) => {
    expect(levels(c.body)).toBeLessThanOrEqual(nestingLimit);
    expect(levels(c.body)).toBeGreaterThan(nestingLimit - 3);
    expect(levels(c.over)).toBeGreaterThan(nestingLimit);
    const r = compiled(c.name, c.body);
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    const text = r.files[0].text;
    const sf = ts.createSourceFile('out.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    expect((sf as unknown as { parseDiagnostics: readonly unknown[] }).parseDiagnostics).toEqual([]);
    const m = loadModule(text, {}, 'f.grad.ts');
    expect(Number.isFinite((m.f_grad as (x: number) => { value: number }).call(undefined, 0.5).value)).toBe(true);
  });

  it('what they generate type-checks under strict', () => {
    const files: Record<string, string> = {};
    atLimit.forEach((c, i) => (files[`/gen/f${i}.ts`] = compiled(c.name, c.body).files[0].text));
    expect(typeErrors(files)).toEqual([]);
  });

  it.each(atLimit.map((c) => [c.name, c]))('%s one level deeper: ADC119, nothing generated', (_, c) => {
    const r = compileSources({ '/src/f.ts': source(c.over) });
    expect(r.files).toEqual([]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0].code).toBe('ADC119');
    expect(r.diagnostics[0].message).toMatch(new RegExp(`^(expression|statements) nested too deeply \\(\\d+ levels; the limit is ${nestingLimit}\\): `));
  });
});

describe('ADC119 points at the outermost expression, or statement', () => {
  const diagnostic = (body: string) => compileSources({ '/src/f.ts': source(body) }).diagnostics[0];
  const lineOf = (body: string, needle: string) =>
    source(body)
      .split('\n')
      .findIndex((l) => l.includes(needle)) + 1;

  it('an expression: at its start', () => {
    const body = `const a = x * 2;\nconst y = 1 + ${'('.repeat(nestingLimit)}x${')'.repeat(nestingLimit)};\nreturn y + a;`;
    const d = diagnostic(body);
    expect([d.line, d.col]).toEqual([lineOf(body, 'const y'), 'const y = '.length + 1]);
    expect(d.message).toBe(`expression nested too deeply (${nestingLimit + 3} levels; the limit is ${nestingLimit}): split it into intermediate variables`);
  });

  it('statements: at the outermost one', () => {
    const d = diagnostic(kinds['if blocks'](nestingLimit));
    expect([d.line, d.col]).toEqual([lineOf(kinds['if blocks'](nestingLimit), 'if (x > 0) {'), 1]);
    expect(d.message).toMatch(/^statements nested too deeply \(\d+ levels; the limit is \d+\): move inner blocks into functions$/);
  });
});

describe('long chains are not nesting', () => {
  const terms = 5_000;
  const coefficients = Array.from({ length: terms }, (_, i) => (i % 3) + 1);
  const c = coefficients.reduce((a, b) => a + b, 0);
  it.each([
    ['x + x + … + x', Array(terms).fill('x').join(' + '), (x: number) => [terms * x, terms]],
    ['1 * x + 2 * x + 3 * x + …', coefficients.map((k) => `${k} * x`).join(' + '), (x: number) => [c * x, c]],
    // A product names each partial product (each is used twice): 2000 factors already make 8000 lines.
    ['x * x * … * x', Array(2000).fill('x').join(' * '), (x: number) => [x ** 2000, 2000 * x ** 1999]],
  ] as const)(`%s (up to ${terms} terms) compiles, type-checks and computes value and gradient`, (_, expr, expected) => {
    const r = compileSources({ '/src/f.ts': source(`return ${expr};`) });
    expect(r.diagnostics).toEqual([]);
    const text = r.files[0].text;
    expect(typeErrors({ '/gen/f.ts': text })).toEqual([]);
    const m = loadModule(text, {}, 'f.grad.ts');
    const x = 1;
    const g = (m.f_grad as (x: number) => { value: number; grads: number[] })(x);
    const [value, grad] = expected(x);
    expect(g.value).toBeCloseTo(value, 6);
    expect(g.grads[0]).toBeCloseTo(grad, 6);
    const j = (m.f_jvp as (x: number, dx: number) => { value: number; tangent: number })(x, 1);
    expect(j.tangent).toBeCloseTo(grad, 6);
  });
});
