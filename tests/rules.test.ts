/**
 * The derivative rule table, checked rule by rule. Walks `ruleTable` itself, so
 * a rule added tomorrow is checked too (and fails until tests/support/domains.ts
 * says where it may be evaluated). Guarantees: every partial agrees with a
 * Richardson-extrapolated central difference of `evaluate` inside the rule's
 * domain, also after `partialsOf` substitutes operands; piecewise-constant and
 * boolean rules have no partials; `primal` prints the JavaScript a user would
 * write, with the parentheses its operands need, and computes `evaluate`;
 * every `Math` function the issue lists is accepted.
 */
import { mathConstants, mathFunctions, partialsOf, ruleTable, type Rule } from '../compiler/rules/table';
import { b, type JsExpr } from '../compiler/5-print/js';
import { printExpression } from '../compiler/5-print/printer';
import { domainOf, samplePoints } from './support/domains';

const rules = [...ruleTable.values()];

/** Compiles a JsExpr over operands a0…an and the result y into a JS function. */
function compileExpr(e: JsExpr, arity: number): (xs: readonly number[], y: number) => number {
  const names = Array.from({ length: arity }, (_, i) => `a${i}`);
  const fn = new Function(...names, 'y', `return (${printExpression(e)});`) as (...a: number[]) => number;
  return (xs, y) => fn(...xs, y);
}

const operands = (n: number) => Array.from({ length: n }, (_, i) => b.id(`a${i}`));

function aritiesOf(r: Rule): readonly number[] {
  if (r.arity !== 'variadic') return [r.arity];
  return domainOf(r.name)?.arities ?? [1, 2, 3];
}

/** ∂f/∂xᵢ by central differences at h and h/2, Richardson-extrapolated (error O(h⁴)). */
function difference(f: (xs: readonly number[]) => number, xs: readonly number[], i: number): number {
  const d = (h: number) => {
    const plus = [...xs];
    const minus = [...xs];
    plus[i] += h;
    minus[i] -= h;
    return (f(plus) - f(minus)) / (2 * h);
  };
  const h = 1e-3 * Math.max(1, Math.abs(xs[i]));
  return (4 * d(h / 2) - d(h)) / 3;
}

const relErr = (a: number, e: number) => Math.abs(a - e) / Math.max(1, Math.abs(a), Math.abs(e));

describe('the rule table', () => {
  it('knows where to check every rule (add a domain in tests/support/domains.ts for a new rule)', () => {
    const missing = rules.filter((r) => !domainOf(r.name)).map((r) => r.name);
    expect(missing).toEqual([]);
  });

  it('has a rule, with the name it is listed under, for every entry of mathFunctions', () => {
    for (const [fn, prim] of mathFunctions) {
      const r = ruleTable.get(prim);
      expect({ fn, rule: r?.name }).toEqual({ fn, rule: prim });
    }
  });

  it('accepts every Math function listed in issue 2, and the Math constants', () => {
    const listed = 'sin cos tan asin acos atan atan2 sinh cosh tanh asinh acosh atanh exp expm1 log log1p log2 log10 sqrt cbrt pow hypot abs max min sign floor ceil round trunc';
    expect(listed.split(' ').filter((fn) => !mathFunctions.has(fn))).toEqual([]);
    const numeric = Object.getOwnPropertyNames(Math).filter((k) => typeof (Math as any)[k] === 'number');
    expect([...mathConstants.keys()].sort()).toEqual(numeric.sort());
    for (const [k, v] of mathConstants) expect(v).toBe((Math as any)[k]);
  });

  it('accepts every function of Math that has a derivative, and not Math.random', () => {
    const functions = Object.getOwnPropertyNames(Math).filter((k) => typeof (Math as any)[k] === 'function');
    const withoutDerivative = ['clz32', 'imul', 'random'];
    expect(functions.filter((fn) => !mathFunctions.has(fn) && !withoutDerivative.includes(fn))).toEqual([]);
    expect(mathFunctions.has('random')).toBe(false);
  });
});

describe.each(rules.map((r) => [r.name, r] as const))('rule %s', (name, r) => {
  const domain = domainOf(name);
  const pointsOf = (arity: number) => (domain ? samplePoints(name, domain, arity) : []);
  const differentiable = (arity: number) => pointsOf(arity).filter((p) => !domain?.accept || domain.accept(p));

  it('has a consistent shape (result kind, arity, math comment)', () => {
    expect(domain).toBeDefined();
    expect(r.result).toBe(booleanRules.has(name) ? 'boolean' : 'number');
    expect(r.arity === 'variadic' || (Number.isInteger(r.arity) && r.arity >= 1)).toBe(true);
    expect(r.math.length).toBeGreaterThan(0);
    for (const arity of aritiesOf(r)) {
      expect(pointsOf(arity).length).toBeGreaterThan(0);
      for (const p of pointsOf(arity)) expect(typeof r.evaluate(p)).toBe(r.result);
    }
    if (r.result === 'boolean') expect(r.partials).toBeUndefined();
  });

  it('prints its primal as the JavaScript a user would write', () => {
    for (const arity of aritiesOf(r)) {
      const text = printExpression(r.primal(operands(arity)));
      const args = operands(arity).map((_, i) => `a${i}`);
      expect(text).toBe(expectedPrimal(name, args, mathFunctionFor(name)));
    }
  });

  it('computes evaluate() when its primal is run, operands parenthesised as needed', () => {
    for (const arity of aritiesOf(r)) {
      // Operand i is printed as `(p_i - q)` with q = 1: a missing parenthesis changes the value.
      const ops = Array.from({ length: arity }, (_, i) => b.bin('-', b.id(`a${i}`), b.id('y')));
      const run = compileExpr(r.primal(ops), arity);
      for (const p of pointsOf(arity)) {
        const dyadic = p.map((x) => (Number.isFinite(x) ? Math.round(x * 64) / 64 : x));
        const printed = run(
          dyadic.map((x) => x + 1),
          1,
        );
        const expected = r.evaluate(dyadic);
        if (r.result === 'boolean') expect({ p: dyadic, v: Boolean(printed) }).toEqual({ p: dyadic, v: expected });
        // `+ 0`: the operand trick cannot carry the sign of a zero.
        else expect({ p: dyadic, v: printed + 0 }).toEqual({ p: dyadic, v: (expected as number) + 0 });
      }
    }
  });

  if (r.result === 'boolean') return;

  if (!r.partials) {
    it('is piecewise constant: no partials, and zero finite differences away from its jumps', () => {
      expect(r.convention).toMatch(/0/);
      for (const arity of aritiesOf(r)) {
        for (const p of differentiable(arity)) {
          for (let i = 0; i < arity; i++) expect(difference((xs) => r.evaluate(xs) as number, p, i)).toBe(0);
        }
      }
    });
    return;
  }

  it('has partials that agree with finite differences of evaluate()', () => {
    const tol = domain?.tolerance ?? 1e-7;
    for (const arity of aritiesOf(r)) {
      const parts = r.partials!(operands(arity), b.id('y'));
      expect(parts).toHaveLength(arity);
      const fns = parts.map((p) => compileExpr(p, arity));
      const points = differentiable(arity);
      expect(points.length).toBeGreaterThanOrEqual(4);
      for (const p of points) {
        const y = r.evaluate(p) as number;
        for (let i = 0; i < arity; i++) {
          const analytic = fns[i](p, y);
          const numeric = difference((xs) => r.evaluate(xs) as number, p, i);
          if (!(relErr(analytic, numeric) <= tol)) throw new Error(`${name} ∂${i} at (${p.join(', ')}): rule gives ${analytic}, finite difference ${numeric}`);
        }
      }
    }
  });

  it('gives the same partials through partialsOf, also for compound operands, and exactly 0 for inactive ones', () => {
    for (const arity of aritiesOf(r)) {
      const points = differentiable(arity);
      const direct = r.partials!(operands(arity), b.id('y')).map((p) => compileExpr(p, arity));
      for (let mask = 1; mask < 1 << arity; mask++) {
        const active = Array.from({ length: arity }, (_, i) => ((mask >> i) & 1) === 1);
        // Operands as names, or as `(aᵢ - 1)` evaluated at aᵢ + 1: a lost parenthesis changes the value.
        for (const shift of [0, 1]) {
          const requested = new Set<number>();
          const parts = partialsOf(r, active, (i) => {
            requested.add(i);
            const name = b.id(i < 0 ? 'y' : `a${i}`);
            return shift ? b.bin('-', name, b.num(shift)) : name;
          });
          expect(parts).toHaveLength(arity);
          for (const i of requested) expect(i).toBeLessThan(arity);
          const viaTable = parts.map((p) => compileExpr(p, arity));
          for (const p of points) {
            const y = r.evaluate(p) as number;
            for (let i = 0; i < arity; i++) {
              const want = active[i] ? direct[i](p, y) : 0;
              const got = viaTable[i](
                p.map((a) => a + shift),
                y + shift,
              );
              if (!(relErr(got, want) <= 1e-12)) throw new Error(`${name} partialsOf ∂${i} (mask ${mask}, shift ${shift}) at (${p.join(', ')}): ${got}, direct partial ${want}`);
            }
          }
          for (let i = 0; i < arity; i++) if (!active[i]) expect(printExpression(parts[i])).toBe('0');
        }
      }
    }
  });
});

/** The Math function a rule stands for, when it is one. */
function mathFunctionFor(name: string): string | undefined {
  for (const [fn, prim] of mathFunctions) if (prim === name && fn === name) return fn;
  return undefined;
}

/** Comparisons and logic: boolean results, never differentiated. */
const booleanRules = new Set(['lt', 'le', 'gt', 'ge', 'eq', 'ne', 'not', 'and', 'or', 'truthy', 'isnan', 'isfinite', 'isinteger', 'nullish', 'isundefined']);

const infix: Record<string, string> = {
  add: '+',
  sub: '-',
  mul: '*',
  div: '/',
  mod: '%',
  pow: '**',
  bitand: '&',
  bitor: '|',
  bitxor: '^',
  shl: '<<',
  shr: '>>',
  ushr: '>>>',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
  eq: '===',
  ne: '!==',
  and: '&&',
  or: '||',
};
// A number used as a boolean value is `!!x` (a condition prints it as x: `if (x)`).
const prefix: Record<string, string> = { neg: '-', not: '!', bitnot: '~', truthy: '!!' };
const numberTests: Record<string, string> = { isnan: 'isNaN', isfinite: 'isFinite', isinteger: 'isInteger' };

/** What the user writes for a rule applied to plain names. */
function expectedPrimal(name: string, args: readonly string[], mathFn: string | undefined): string {
  if (name in infix) return `${args[0]} ${infix[name]} ${args[1]}`;
  if (name in prefix) return `${prefix[name]}${args[0]}`;
  if (name in numberTests) return `Number.${numberTests[name]}(${args[0]})`;
  if (name === 'nullish') return `${args[0]} == null`;
  if (name === 'isundefined') return `${args[0]} === undefined`;
  if (mathFn) return `Math.${mathFn}(${args.join(', ')})`;
  return `<no known JavaScript form for rule '${name}': add it to expectedPrimal>`;
}
