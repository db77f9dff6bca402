/**
 * Hand-written exact expectations of fixture.json (`exact`): conventions at
 * non-differentiable points, classic values, out-of-range reads.
 *
 * Guarantees: the expectation is first checked against the primal (a wrong
 * expectation fails as such); then `f_grad` and `f_vjp(…, 1)` must return the
 * value and each `grad` entry with the parameter's skeleton (an array of its
 * kind and length for an array parameter, an object of its differentiated
 * properties for an object parameter), and `f_jvp` along each unit direction of the
 * flattened differentiated inputs the value and the `jvp` entry (default: the
 * gradient, flattened). Numbers agree when equal, both NaN, or within the
 * relative tolerance (default 0: bit-exact). Scalar-valued functions only.
 */
import { flattenTree, maxRelativeError, unflattenTree, type Tree } from './numeric';
import { jsonNumber, type ExactCase } from './config';
import { inputNames, tangentLikes } from './inputs';
import { unit, valueFromJson } from './points';
import { expectShape, typeText } from './shapes';
import { valueType } from './signatures';
import { api, fmt, type Subject } from './subject';

export function checkExact(s: Subject, e: ExactCase): void {
  const { jvp, vjp, grad } = api(s);
  if (!grad) throw new Error(`exact cases are for functions with a number result; the value of ${s.fn.name} is ${typeText(valueType(s.fn))}`);
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
  const like = tangentLikes(s.fn, args);
  // (each entry a number, an array or an object of the differentiated properties: the parameter's skeleton)
  const gradient = s.fn.wrt.map((p, k) => valueFromJson(s.fn.params[p].type, e.grad[k], `exact grad[${k}]`, true) as Tree);
  gradient.forEach((g, k) => expectShape(g, like[k], `${where}: the expectation's grad[${k}]`));
  const names = inputNames(s.fn, args);
  const tangents = e.jvp ? e.jvp.map(jsonNumber) : flattenTree(gradient);
  if (tangents.length !== names.length) throw new Error(`${where}: the expectation has ${tangents.length} jvp entries for ${names.length} differentiated inputs`);

  same(s.primal(...args) as number, value, 'the primal value (the expectation itself is wrong)');
  for (const [what, r] of [
    ['f_vjp(…, 1)', vjp(...args, 1)],
    ['f_grad', grad(...args)],
  ] as const) {
    same(r.value, value, `${what} value`);
    let offset = 0;
    s.fn.wrt.forEach((p, k) => {
      expectShape(r.grads[k], like[k], `${where}: ${what} grads[${k}] (for ${s.fn.params[p].name})`);
      const a = flattenTree([r.grads[k]]);
      flattenTree([gradient[k]]).forEach((g, i) => same(a[i], g, `${what} grads[${k}]${typeof like[k] === 'number' ? '' : ` (${names[offset + i]})`}`));
      offset += a.length;
    });
  }
  tangents.forEach((t, k) => {
    const r = jvp(...args, ...unflattenTree(unit(names.length, k), like));
    same(r.value, value, 'f_jvp value');
    same(r.tangent, t, `f_jvp tangent along ${names[k]}`);
  });
}
