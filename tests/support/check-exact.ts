/**
 * Hand-written exact expectations of fixture.json (`exact`): conventions at
 * non-differentiable points, classic values, out-of-range reads.
 *
 * Guarantees: the expectation is first checked against the primal (a wrong
 * expectation fails as such); then `f_grad` and `f_vjp(…, 1)` must return the
 * value and each `grad` entry with the parameter's kind and length (an array
 * for an array parameter), and `f_jvp` along each unit direction of the
 * flattened differentiated inputs the value and the `jvp` entry (default: the
 * gradient, flattened). Numbers agree when equal, both NaN, or within the
 * relative tolerance (default 0: bit-exact). Scalar-valued functions only.
 */
import { flatten, maxRelativeError, unflatten, type Value } from './numeric';
import { jsonNumber, type ExactCase } from './fixtures';
import { derivativeKind, inputNames, tangentLike, unit, valueFromJson, wrtArgs } from './points';
import { expectShape } from './check';
import { api, fmt, type Subject } from './subject';

export function checkExact(s: Subject, e: ExactCase): void {
  const { jvp, vjp, grad } = api(s);
  if (!grad) throw new Error(`exact cases are for functions with a number result; ${s.fn.name} returns ${s.fn.returnType}`);
  const tol = e.tolerance ?? 0;
  if (e.args.length !== s.fn.params.length) throw new Error(`the expectation has ${e.args.length} arguments, ${s.fn.name} has ${s.fn.params.length} parameters`);
  const args = s.fn.params.map((p, i) => valueFromJson(p.type, e.args[i], `exact args[${i}] (${p.name})`));
  const where = `${s.fn.name}(${fmt(args).slice(1, -1)})`;
  const same = (actual: number, expected: number, what: string) => {
    const error = e.relative ? Math.abs(actual - expected) / Math.abs(expected) : maxRelativeError([actual], [expected]);
    const ok = actual === expected || (Number.isNaN(actual) && Number.isNaN(expected)) || (Number.isFinite(expected) && error <= tol);
    if (!ok) throw new Error(`${where}: ${what} is ${actual}, expected ${expected}${tol ? ` (${e.relative ? 'relative ' : ''}tolerance ${tol})` : ' exactly'}`);
  };
  if (e.grad.length !== s.fn.wrt.length) throw new Error(`${where}: the expectation has ${e.grad.length} grad entries for ${s.fn.wrt.length} differentiated parameters`);
  const value = jsonNumber(e.value);
  const gradient = s.fn.wrt.map((p, k) => valueFromJson(s.fn.params[p].type, e.grad[k], `exact grad[${k}]`));
  const names = inputNames(s.fn, args);
  const tangents = e.jvp ? e.jvp.map(jsonNumber) : flatten(gradient);
  if (tangents.length !== names.length) throw new Error(`${where}: the expectation has ${tangents.length} jvp entries for ${names.length} differentiated inputs`);

  same(s.primal(...args) as number, value, 'the primal value (the expectation itself is wrong)');
  for (const [what, r] of [
    ['f_vjp(…, 1)', vjp(...args, 1)],
    ['f_grad', grad(...args)],
  ] as const) {
    same(r.value, value, `${what} value`);
    s.fn.wrt.forEach((p, k) => {
      const expected = gradient[k];
      const actual: Value = r.grads[k];
      const param = s.fn.params[p];
      expectShape(actual, derivativeKind(param.type, args[p]), typeof expected === 'number' ? undefined : expected.length, `${where}: ${what} grads[${k}] (for ${param.name})`);
      const a = flatten([actual]);
      flatten([expected]).forEach((g, i) => same(a[i], g, `${what} grads[${k}]${typeof expected === 'number' ? '' : `[${i}]`}`));
    });
  }
  const like = wrtArgs(s.fn, args).map(tangentLike);
  tangents.forEach((t, k) => {
    const r = jvp(...args, ...unflatten(unit(names.length, k), like));
    same(r.value, value, 'f_jvp value');
    same(r.tangent, t, `f_jvp tangent along ${names[k]}`);
  });
}
