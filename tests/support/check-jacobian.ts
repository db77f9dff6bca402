/**
 * `f_jacobian` of an array- or object-valued marked function, against the primal.
 *
 * Guarantees: at every sample point, `f_jacobian(p1, …, pn)` is an array of
 * `outputs` rows (the primal's result flattened: an array element by element,
 * an object's properties in declaration order, depth first), each a
 * Float64Array of `inputs` entries (the flattened differentiated parameters, in
 * signature order, a number being one column, an object's differentiable leaves
 * in declaration order, depth first); and each column k, checked on its own,
 * equals the central finite difference of the primal along input k (relative
 * tolerance of the fixture); the column of an optional number the arguments
 * leave out (finite differences cannot move it) is exactly 0. A failure names
 * the column by its input (`a[3]`, `c`, `xf.p.x`). Beside a flat `f_jacobian`, `f_jacfwd` (vector
 * forward sweeps) gives the same matrix to 1e-9 relative, whichever way `f_jacobian` took; and
 * each, given rows `out` full of NaN, overwrites and returns them, equal to its own result.
 */
import { absentInputs, centralDifference, inputNames, inputVector, outputVector, scaledDirection } from './inputs';
import { samplePoints, unit } from './points';
import { closeEnough } from './check';
import { maxRelativeError } from './numeric';
import { api, fmt, type Subject } from './subject';

/** Throws unless `J` is `rows` Float64Arrays of `cols` entries each. */
function expectMatrix(J: unknown, rows: number, cols: number, what: string): asserts J is Float64Array[] {
  if (!Array.isArray(J)) throw new Error(`${what} is ${fmt(J)}, expected an array of ${rows} Float64Array rows`);
  if (J.length !== rows) throw new Error(`${what} has ${J.length} rows, expected ${rows} (one per output)`);
  J.forEach((row, i) => {
    if (!(row instanceof Float64Array)) throw new Error(`${what}[${i}] is ${fmt(row)}, expected a Float64Array`);
    if (row.length !== cols) throw new Error(`${what}[${i}] has ${row.length} columns, expected ${cols} (one per differentiated input)`);
  });
}

export function checkJacobian(s: Subject): void {
  const { jacobian, jacfwd } = api(s);
  if (!jacobian) throw new Error(`${s.fn.name} returns a number: it has f_grad, not f_jacobian`);
  const tol = s.config.tolerance ?? 1e-6;
  for (const args of samplePoints(s)) {
    const outputs = outputVector(s.fn, s.primal(...args)).length;
    const names = inputNames(s.fn, args);
    const inputs = inputVector(s.fn, args).length;
    const J = jacobian(...args);
    expectMatrix(J, outputs, inputs, `${s.fn.name}_jacobian(…)`);
    // centralDifference steps input k by h·max(1, |x_k|) and divides by 2h: it gives column k times that scale.
    const scale = scaledDirection(s.fn, args, new Array(inputs).fill(1));
    const absent = absentInputs(s.fn, args);
    for (let k = 0; k < inputs; k++) {
      if (absent[k] && J.some((row) => row[k] !== 0))
        throw new Error(`${s.fn.name}_jacobian column ${k} (∂/∂${names[k]}, which the argument leaves out) is ${fmt(J.map((row) => row[k]))} at ${fmt(args)}, expected exactly 0`);
      const fd = centralDifference(s.fn, s.primal, args, unit(inputs, k), s.config.step);
      const column = J.map((row) => row[k] * scale[k]);
      closeEnough(column, fd, tol, `${s.fn.name}_jacobian column ${k} (∂/∂${names[k]}, scaled by the step size)`, args);
    }
    if (jacfwd) {
      const F = jacfwd(...args);
      expectMatrix(F, outputs, inputs, `${s.fn.name}_jacfwd(…)`);
      const err = maxRelativeError(flat(F), flat(J));
      if (!(err <= 1e-9)) throw new Error(`${s.fn.name}_jacfwd at ${fmt(args)} is ${fmt(F)}, ${s.fn.name}_jacobian ${fmt(J)} (relative error ${err.toExponential(2)})`);
      for (const [name, f, expected] of [
        ['_jacobian', jacobian, J],
        ['_jacfwd', jacfwd, F],
      ] as const) {
        const out = J.map((row) => new Float64Array(row.length).fill(NaN));
        const got = f(...args, out);
        if (got !== out) throw new Error(`${s.fn.name}${name}(…, out) returned ${fmt(got)}, not out`);
        if (!out.every((row, i) => row.every((x, k) => Object.is(x, expected[i][k]))))
          throw new Error(`${s.fn.name}${name}(…, out) at ${fmt(args)} left ${fmt(out)} in out, without out it gives ${fmt(expected)}`);
      }
    }
  }
}

const flat = (rows: readonly Float64Array[]): number[] => rows.flatMap((row) => Array.from(row));
