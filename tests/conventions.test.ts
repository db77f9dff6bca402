/**
 * The conventions at non-differentiable points (DESIGN.md, the rule table's
 * header), checked exactly and identically in forward mode (`f_jvp` along each
 * unit direction), reverse mode (`f_vjp` with cotangent 1) and `f_grad`:
 * abs'(0) = 0; max/min ties go to the first argument; floor, ceil, round,
 * trunc, sign have derivative 0; a % b has ∂a = 1, ∂b = -trunc(a / b);
 * sqrt'(0), cbrt'(0), log'(0) = Infinity; hypot and atan2 at the origin have
 * partials 0; ∂b(a ** b) = 0 where a ** b = 0; branches give the derivative of
 * the branch taken, and an untaken branch never leaks a NaN or an Infinity;
 * a partial times a zero tangent or adjoint contributes exactly 0.
 */
import { bothModes, compile, unsigned } from './support/modes';
import { loadModule } from './support/load';

interface Case {
  /** The function's parameters, all `number`. */
  readonly params: string;
  /** The body (a bare expression is returned). */
  readonly body: string;
  readonly at: readonly number[];
  /** The exact derivative with respect to the differentiated parameters. */
  readonly expected: readonly number[];
  /** `wrt(...)` list; default all parameters. */
  readonly wrt?: string;
  /** Helper functions placed before `f`. */
  readonly helpers?: string;
}

function sourceOf(c: Case): string {
  const body = c.body.includes('return') ? c.body : `return ${c.body};`;
  const tag = c.wrt ? `@differentiable wrt(${c.wrt})` : '@differentiable';
  return `${c.helpers ?? ''}/** ${tag} */\nexport function f(${c.params}): number {\n  ${body}\n}\n`;
}

const x = 'x: number';
const xy = 'x: number, y: number';
const xyz = 'x: number, y: number, z: number';

const conventions: Record<string, readonly Case[]> = {
  "abs'(0) = 0": [
    { params: x, body: 'Math.abs(x)', at: [0], expected: [0] },
    { params: x, body: 'Math.abs(x)', at: [-0], expected: [0] },
    { params: x, body: 'Math.abs(x)', at: [-2], expected: [-1] },
    { params: xy, body: 'Math.abs(x - y)', at: [1.5, 1.5], expected: [0, 0] },
    { params: x, body: 'Math.abs(x) * 3 + x', at: [0], expected: [1] },
  ],
  'max/min: a tie sends the whole derivative to the first argument': [
    { params: xy, body: 'Math.max(x, y)', at: [2, 2], expected: [1, 0] },
    { params: xy, body: 'Math.max(y, x)', at: [2, 2], expected: [0, 1] },
    { params: xy, body: 'Math.min(x, y)', at: [2, 2], expected: [1, 0] },
    { params: xy, body: 'Math.min(y, x)', at: [-1, -1], expected: [0, 1] },
    { params: xy, body: 'Math.max(x, y)', at: [1, 2], expected: [0, 1] },
    { params: xy, body: 'Math.min(x, y)', at: [3, 2], expected: [0, 1] },
    { params: xyz, body: 'Math.max(x, y, z)', at: [1, 1, 1], expected: [1, 0, 0] },
    { params: xyz, body: 'Math.max(x, y, z)', at: [0, 2, 2], expected: [0, 1, 0] },
    { params: xyz, body: 'Math.min(z, y, x)', at: [3, 1, 1], expected: [0, 0, 1] },
    { params: x, body: 'Math.max(x, 2)', at: [2], expected: [1] },
    { params: x, body: 'Math.max(2, x)', at: [2], expected: [0] },
    { params: x, body: 'Math.min(2, x)', at: [2], expected: [0] },
    { params: x, body: 'Math.max(x, x)', at: [1], expected: [1] },
    { params: x, body: 'Math.max(x)', at: [3], expected: [1] },
    { params: xy, body: 'Math.max(x * y, y)', at: [1, 2], expected: [2, 1] },
    { params: xy, body: 'Math.max(x, y)', at: [2, 2], expected: [1], wrt: 'x' },
    { params: xy, body: 'Math.max(x, y)', at: [2, 2], expected: [0], wrt: 'y' },
  ],
  'floor, ceil, round, trunc, sign: derivative 0': [
    ...['floor', 'ceil', 'round', 'trunc', 'sign'].flatMap((fn) => [2.5, 2, 0, -1.5].map((v): Case => ({ params: x, body: `Math.${fn}(x)`, at: [v], expected: [0] }))),
    { params: xy, body: 'Math.floor(x) * y + x', at: [2.5, 3], expected: [1, 2] },
    { params: xy, body: 'Math.round(x * y) + Math.ceil(y) * x', at: [1.25, 2], expected: [2, 0] },
    { params: x, body: 'Math.sign(x) * x', at: [-2], expected: [-1] },
    { params: x, body: 'Math.sqrt(Math.floor(x)) + x', at: [0.5], expected: [1] },
  ],
  'a % b: ∂a = 1, ∂b = -trunc(a / b)': [
    { params: xy, body: 'x % y', at: [7.5, 2], expected: [1, -3] },
    { params: xy, body: 'x % y', at: [-7.5, 2], expected: [1, 3] },
    { params: xy, body: 'x % y', at: [7.5, -2], expected: [1, 3] },
    { params: xy, body: 'x % y', at: [6, 2], expected: [1, -3] },
    { params: x, body: 'x % 3', at: [7], expected: [1] },
    { params: x, body: '5 % x', at: [2], expected: [-2] },
    { params: xy, body: 'x % y', at: [7.5, 2], expected: [1], wrt: 'x' },
    { params: xy, body: 'x % y', at: [7.5, 2], expected: [-3], wrt: 'y' },
  ],
  "sqrt'(0), cbrt'(0), log'(0) = Infinity": [
    { params: x, body: 'Math.sqrt(x)', at: [0], expected: [Infinity] },
    { params: x, body: 'Math.cbrt(x)', at: [0], expected: [Infinity] },
    { params: x, body: 'Math.log(x)', at: [0], expected: [Infinity] },
    { params: x, body: 'Math.sqrt(x) * 2', at: [0], expected: [Infinity] },
    { params: x, body: 'x ** 0.5', at: [0], expected: [Infinity] },
  ],
  'hypot and atan2 at the origin: partials 0': [
    { params: xy, body: 'Math.hypot(x, y)', at: [0, 0], expected: [0, 0] },
    { params: x, body: 'Math.hypot(x)', at: [0], expected: [0] },
    { params: xyz, body: 'Math.hypot(x, y, z)', at: [0, 0, 0], expected: [0, 0, 0] },
    { params: xy, body: 'Math.hypot(x, y)', at: [3, 4], expected: [0.6, 0.8] },
    { params: xy, body: 'Math.atan2(y, x)', at: [0, 0], expected: [0, 0] },
    { params: xy, body: 'Math.atan2(x, y)', at: [0, 0], expected: [0, 0] },
    { params: x, body: 'Math.hypot(x, 0)', at: [0], expected: [0] },
    { params: x, body: 'Math.atan2(x, 0) + Math.atan2(0, x)', at: [0], expected: [0] },
  ],
  'a ** b: ∂b = 0 where a ** b = 0': [
    { params: xy, body: 'x ** y', at: [0, 2], expected: [0, 0] },
    { params: xy, body: 'x ** y', at: [0, 3], expected: [0, 0] },
    // Along (0, 1) the x term is Infinity · 0, which the zero-tangent rule makes 0.
    { params: xy, body: 'x ** y', at: [0, 0.5], expected: [Infinity, 0] },
    { params: xy, body: 'Math.pow(x, y)', at: [0, 2], expected: [0, 0] },
    { params: x, body: 'x ** 2', at: [0], expected: [0] },
    { params: x, body: '0 ** x', at: [2], expected: [0] },
  ],
  'a partial times a zero (co)tangent contributes 0 (Infinity · 0 is not NaN)': [
    { params: xy, body: 'Math.sqrt(x) + y', at: [0, 2], expected: [Infinity, 1] },
    { params: xy, body: 'Math.cbrt(x) * 2 + Math.log(y)', at: [0, 1], expected: [Infinity, 1] },
    { params: xy, body: 'Math.asin(x) + y * y', at: [1, 3], expected: [Infinity, 6] },
    { params: x, body: 'const e = Math.exp(x);\n  return x > 30 ? x : Math.log1p(e);', at: [800], expected: [1] },
    { params: x, body: 'const e = Math.exp(x);\n  const q = 1 / (1 + e);\n  return x > 30 ? 0 : q;', at: [800], expected: [0] },
    { params: xy, body: 'const big = Math.exp(x);\n  const p = big * y;\n  return x > 700 ? y : p;', at: [800, 3], expected: [0, 1] },
    { params: xy, body: 'const r = x / y;\n  return y === 0 ? x : r;', at: [5, 0], expected: [1, 0] },
    { params: x, body: 'const l = Math.log(x);\n  return x > 0 ? l : 0;', at: [0], expected: [0] },
    {
      params: x,
      body: 'let s = 0;\n  for (let i = 0; i < 3; i++) {\n    const e = Math.exp(x * i);\n    s += x * i > 30 ? x * i : Math.log1p(e);\n  }\n  return s;',
      at: [400],
      expected: [3],
    },
  ],
  'branches: the derivative of the branch taken; untaken branches leak nothing': [
    { params: x, body: 'x > 0 ? Math.log(x) : 0', at: [-1], expected: [0] },
    { params: x, body: 'x > 0 ? Math.log(x) : 0', at: [0], expected: [0] },
    { params: x, body: 'x > 0 ? Math.sqrt(x) : 0', at: [0], expected: [0] },
    { params: x, body: 'x >= 0 ? Math.sqrt(x) : -x', at: [-4], expected: [-1] },
    { params: x, body: 'x !== 0 ? 1 / x : 0', at: [0], expected: [0] },
    { params: x, body: 'x > 0 && Math.log(x) > 0 ? Math.log(x) : x', at: [-1], expected: [1] },
    { params: x, body: 'x > 0 ? x : 0', at: [0], expected: [0] },
    // Numeric || and &&: the chosen operand's derivative; an unchosen right operand never runs.
    { params: x, body: 'x && 1 / x', at: [0], expected: [1] },
    { params: x, body: 'x && 1 / x', at: [2], expected: [-0.25] },
    { params: x, body: '(x - 1) || Math.log(x)', at: [1], expected: [1] },
    { params: x, body: 'x || Math.log(x)', at: [0], expected: [Infinity] },
    { params: xy, body: 'x * y || 3 * y', at: [0, 2], expected: [0, 3] },
    { params: xy, body: 'let w = y;\n  w ||= x * x;\n  return w;', at: [3, 0], expected: [6, 0] },
    { params: x, body: 'x >= 0 ? x : 0', at: [0], expected: [1] },
    { params: xy, body: 'x > y ? x : y', at: [2, 2], expected: [0, 1] },
    { params: x, body: 'if (x > 0) {\n    return Math.log(x);\n  } else {\n    return 2 * x;\n  }', at: [-1], expected: [2] },
    { params: x, body: 'let r = 0;\n  if (x > 0) {\n    r = Math.log(x);\n  } else {\n    r = x * x;\n  }\n  return r;', at: [-1], expected: [-2] },
    { params: x, body: 'if (x < 0) return x * 3;\n  return Math.sqrt(x);', at: [-1], expected: [3] },
    { params: x, body: 'if (x < 0) return x * 3;\n  return Math.sqrt(x);', at: [0], expected: [Infinity] },
    {
      params: x,
      body: 'let s = 0;\n  for (let i = 0; i < 4; i++) {\n    const t = x - i;\n    if (t > 0) s += Math.sqrt(t);\n    else s += t;\n  }\n  return s;',
      at: [1],
      expected: [3.5],
    },
    {
      params: x,
      body: 'let s = 0;\n  for (let i = 0; i < 3; i++) {\n    const t = x - i;\n    s += t > 0 ? Math.log(t) : t;\n  }\n  return s;',
      at: [0.5],
      expected: [4],
    },
    {
      params: x,
      body: 'let s = 0;\n  let k = 0;\n  while (k < 5) {\n    const t = x - k;\n    if (t <= 0) break;\n    s += t * Math.sqrt(t);\n    k++;\n  }\n  return s;',
      at: [1],
      expected: [1.5],
    },
    {
      params: x,
      body: 'let s = 0;\n  let k = 0;\n  do {\n    k++;\n    if (x - k < 0) continue;\n    s += Math.sqrt(x - k) + x;\n  } while (k < 3);\n  return s;',
      at: [1.25],
      expected: [2],
    },
    {
      params: x,
      helpers: 'function g(t: number): number {\n  return t > 0 ? Math.log(t) : -t;\n}\n\n',
      body: 'g(x) + 2 * g(x - 2)',
      at: [1],
      expected: [-1],
    },
  ],
};

describe.each(Object.entries(conventions))('%s', (_, cases) => {
  it.each(cases.map((c) => [`f(${c.params}) { ${c.body.replace(/\s+/g, ' ')} } at (${c.at.join(', ')})`, c] as const))('%s', (_, c) => {
    const source = sourceOf(c);
    const m = compile(source);
    const d = bothModes(m, 'f', c.at, c.expected.length);
    const expected = unsigned(c.expected);
    expect({ mode: 'forward', d: unsigned(d.forward) }).toEqual({ mode: 'forward', d: expected });
    expect({ mode: 'reverse', d: unsigned(d.reverse) }).toEqual({ mode: 'reverse', d: expected });
    expect({ mode: 'grad', d: unsigned(d.grad) }).toEqual({ mode: 'grad', d: expected });
    const plain = loadModule(source).f(...c.at);
    expect(d.value).toBe(plain);
  });
});
