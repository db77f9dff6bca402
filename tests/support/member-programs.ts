/**
 * Random programs with small classes, as physics code and vector libraries write them, for
 * tests/property-members.test.ts: a `Body` (fields declared or as parameter properties, an
 * initialized mass), maybe a `Spring` extending it and overriding `force`, methods that change
 * `this` and return it (`step`, `scale`), a getter, `clone()` making a new instance, a method
 * taking another instance, a static method; and a marked `f(a, b, c)` that makes instances with
 * `new` and calls those members in straight-line code, loops and branches. Values stay bounded
 * (forces are sines, steps small) so that finite differences judge every derivative.
 */
import fc from 'fast-check';

export interface MemberProgram {
  /** Fields as parameter properties (`constructor(public x: number, public v: number)`) rather than declared and assigned. */
  readonly parameterProperties: boolean;
  /** A subclass `Spring` overriding `force` (and calling `super.force()`), used for `p`. */
  readonly spring: boolean;
  /** Statements of `f`'s body, in order (each a form below). */
  readonly body: readonly Statement[];
  /** Steps of the loop forms. */
  readonly steps: number;
}

type Statement = 'loop' | 'branch' | 'energy' | 'dist' | 'chain' | 'static' | 'write' | 'swap';

export const memberProgramArb: fc.Arbitrary<MemberProgram> = fc.record({
  parameterProperties: fc.boolean(),
  spring: fc.boolean(),
  body: fc.array(fc.constantFrom<Statement>('loop', 'branch', 'energy', 'dist', 'chain', 'static', 'write', 'swap'), { minLength: 1, maxLength: 6 }),
  steps: fc.integer({ min: 1, max: 4 }),
});

/** The program's source (one module, main.ts). */
export function printMemberProgram(p: MemberProgram): string {
  const fields = p.parameterProperties
    ? ['  constructor(', '    public x: number,', '    public v: number,', '  ) {}']
    : ['  x: number;', '  v: number;', '', '  constructor(x: number, v: number) {', '    this.x = x;', '    this.v = v;', '  }'];
  const lines = [
    'export class Body {',
    '  m = 1.5;',
    ...fields,
    '',
    '  force(): number {',
    '    return -0.5 * Math.sin(this.x);',
    '  }',
    '',
    '  step(dt: number): this {',
    '    this.v += (this.force() / this.m) * dt;',
    '    this.x += this.v * dt;',
    '    return this;',
    '  }',
    '',
    '  scale(s: number): this {',
    '    this.x *= s;',
    '    this.v *= s;',
    '    return this;',
    '  }',
    '',
    '  get energy(): number {',
    '    return 0.5 * this.m * this.v * this.v + Math.cos(this.x);',
    '  }',
    '',
    '  clone(): Body {',
    '    return new Body(this.x, this.v);',
    '  }',
    '',
    '  dist(o: Body): number {',
    '    const d = this.x - o.x;',
    '    return Math.sqrt(d * d + 1);',
    '  }',
    '',
    '  static mid(a: Body, b: Body): number {',
    '    return (a.x + b.x) / 2;',
    '  }',
    '}',
    '',
  ];
  if (p.spring)
    lines.push(
      'export class Spring extends Body {',
      '  k: number;',
      '',
      '  constructor(x: number, v: number, k: number) {',
      '    super(x, v);',
      '    this.k = k;',
      '  }',
      '',
      '  override force(): number {',
      '    return super.force() - 0.3 * Math.tanh(this.k) * this.x;',
      '  }',
      '}',
      '',
    );
  lines.push('/** @differentiable */', 'export function f(a: number, b: number, c: number): number {');
  lines.push(p.spring ? '  const p = new Spring(a, b, c);' : '  const p = new Body(a, b);', '  const q = new Body(c, 0.5 * a);', '  let s = 0;');
  for (const st of p.body) lines.push(...statement(st, p.steps));
  lines.push('  return s + p.x * q.v + Math.sin(q.x);', '}', '');
  return lines.join('\n');
}

function statement(st: Statement, steps: number): string[] {
  switch (st) {
    case 'loop':
      return [`  for (let i = 0; i < ${steps}; i++) p.step(0.1);`];
    case 'branch':
      return ['  if (c > 0) p.scale(0.9);', '  else q.step(0.05).scale(1.1);'];
    case 'energy':
      return ['  s += p.energy;'];
    case 'dist':
      return ['  s += p.dist(q);'];
    case 'chain':
      return ['  s += p.clone().scale(0.5).step(0.1).x;'];
    case 'static':
      return ['  s += Body.mid(p, q);'];
    case 'write':
      return ['  q.x = Math.tanh(p.x + q.v);'];
    case 'swap':
      return ['  q.v += 0.25 * p.v;', '  p.v -= 0.25 * q.v;'];
  }
}
