/**
 * Lowering by its printed IR (`adc build --dump ir`): JavaScript's order and laziness of
 * evaluation for the constructs whose lowering chooses between operands or arms.
 */
import { compileSources } from '../compiler';

/** The IR of the marked function `name` in `src`. */
function irOf(src: string, name: string): string {
  const r = compileSources({ '/src/a.ts': src }, { dumpIR: true });
  expect(r.diagnostics.map((d) => d.message)).toEqual([]);
  const fn = (r.ir ?? '').split(/\n(?=function )/).find((f) => f.startsWith(`function ${name}(`));
  if (fn === undefined) throw new Error(`no IR for ${name}`);
  return fn.trim();
}

describe('numeric || and &&', () => {
  it('a read or constant on the right is a select of the chosen operand', () => {
    const ir = irOf('/** @differentiable */\nexport function f(w: number): number {\n  return w || 1;\n}\n', 'f');
    expect(ir).toBe(['function f(w: number): number', '  %0 = read w', '  %1 = truthy %0', '  %2 = const 1', '  %3 = select %1 %0 %2', '  return %3'].join('\n'));
  });

  it('anything else on the right runs only where it is chosen (mag && 1 / mag)', () => {
    const ir = irOf('/** @differentiable */\nexport function g(m: number): number {\n  return m && 1 / m;\n}\n', 'g');
    expect(ir).toBe(
      [
        'function g(m: number): number',
        '  %0 = read m',
        '  %1 = truthy %0',
        '  let chosen := %0',
        '  if %1',
        '    %2 = const 1',
        '    %3 = read m',
        '    %4 = div %2 %3',
        '    chosen := %4',
        '  %5 = read chosen',
        '  return %5',
      ].join('\n'),
    );
  });

  it('in a condition they stay boolean', () => {
    const ir = irOf('/** @differentiable */\nexport function h(a: number, b: number): number {\n  if (a || b) return a;\n  return b;\n}\n', 'h');
    expect(ir).toContain('or %1 %3');
    expect(ir).not.toContain('select');
  });
});

describe('switch', () => {
  it('labels are compared in order, each evaluated only while none before it matched', () => {
    const src = [
      'function pick(t: number): number {',
      '  return t * 2;',
      '}',
      '/** @differentiable */',
      'export function f(x: number, y: number): number {',
      '  switch (x) {',
      '    case y:',
      '    case pick(y):',
      '      return x;',
      '    default:',
      '      return y;',
      '  }',
      '}',
    ].join('\n');
    const ir = irOf(src, 'f');
    // (a label that calls a function may write what the discriminant reads: it is read once, first)
    expect(ir).toBe(
      [
        'function f(x: number, y: number): number',
        '  %0 = read x',
        '  let discriminant := %0',
        '  %1 = read discriminant',
        '  %2 = read y',
        '  %3 = eq %1 %2',
        '  let cond := %3',
        '  %8 = not %3',
        '  if %8',
        '    %4 = read discriminant',
        '    %5 = read y',
        '    %6 = call pick %5',
        '    %7 = eq %4 %6',
        '    cond := %7',
        '  %9 = read cond',
        '  if %9',
        '    %10 = read x',
        '    return %10',
        '  else',
        '    %11 = read y',
        '    return %11',
      ].join('\n'),
    );
  });

  it('default between cases runs after every label failed; each test reads the discriminant in its own region', () => {
    const src =
      '/** @differentiable */\nexport function k(x: number, a: number, b: number): number {\n  switch (x) {\n    case a:\n      return 1;\n    default:\n      return 2;\n    case b:\n      return 3;\n  }\n}\n';
    const ir = irOf(src, 'k');
    expect(ir).toBe(
      [
        'function k(x: number, a: number, b: number): number',
        '  %0 = read x',
        '  %1 = read a',
        '  %2 = eq %0 %1',
        '  if %2',
        '    %3 = const 1',
        '    return %3',
        '  else',
        '    %4 = read x',
        '    %5 = read b',
        '    %6 = eq %4 %5',
        '    if %6',
        '      %7 = const 3',
        '      return %7',
        '    else',
        '      %8 = const 2',
        '      return %8',
      ].join('\n'),
    );
  });
});
