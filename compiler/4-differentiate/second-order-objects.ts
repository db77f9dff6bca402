/**
 * `f_hvp` and `f_hessian` of a function taking objects (`energy(p: Vec, k: number)`), over the
 * second order of its flat function (one parameter per property, `energy_flat_hvp(p_x, p_y, k, …)`):
 * the object arguments taken apart into their numbers and arrays, the flat results put back into
 * skeletons of the parameters' numeric parts, as `f_jvp`/`f_vjp` of such a function do. The
 * Hessian's rows and columns are the flat parameters' order, which is `f_jacobian`'s.
 *
 * Objects of numbers and numeric arrays (nested too); a matrix, an array of objects, an optional
 * number or data inside one is not supported yet (`plainObjects` says which).
 */
import type { IRFunction, Shape, Structure, VarId } from '../ir/types';
import { isArrayType } from '../ir/types';
import type { JsParam } from '../5-print/js';

/** Why the objects of `structure` cannot have second derivatives yet, if they cannot. */
export function plainObjects(fn: IRFunction, structure: Structure): string | undefined {
  const bad = (s: Shape<VarId>): boolean =>
    'leaf' in s
      ? !(fn.vars[s.leaf].type === 'number' || isArrayType(fn.vars[s.leaf].type)) || fn.vars[s.leaf].optional === true
      : s.matrix === true || s.list === true || s.grouped === true || s.object.some(([, f]) => bad(f));
  const p = structure.params.find((q) => !('leaf' in q.shape) && bad(q.shape));
  return p ? `the parameter '${p.name}' holds a matrix, an array of objects, an optional number or data` : undefined;
}

/** Each leaf of a shape with the path to it from the parameter (`['pos', 'x']`). */
function leaves(shape: Shape<VarId>, path: readonly string[] = []): { readonly v: VarId; readonly path: readonly string[] }[] {
  return 'leaf' in shape ? [{ v: shape.leaf, path }] : shape.object.flatMap(([k, s]) => leaves(s, [...path, k]));
}

const access = (root: string, path: readonly string[]) => root + path.map((k) => `.${k}`).join('');

export interface ObjectSecondOrder {
  readonly api: string;
  readonly name: string;
  readonly flat: string;
  readonly fn: IRFunction;
  readonly structure: Structure;
  /** Differentiated flat parameters, by position. */
  readonly wrt: readonly number[];
  /** The public f_jvp's parameters (sources, then tangents) and its f_vjp's `grads` type. */
  readonly jvpParams: readonly JsParam[];
  readonly gradsType: string;
  readonly runtime: string;
}

/** The public `f_hvp` and `f_hessian` of a function with objects, as text. */
export function objectHvpFunctions(o: ObjectSecondOrder): string {
  const n = o.structure.params.length;
  const sources = o.jvpParams.slice(0, n);
  const tangents = o.jvpParams.slice(n);
  const flatLeaves = o.structure.params.flatMap((p) => leaves(p.shape).map((l) => ({ ...l, root: p.name })));
  const activeParams = o.structure.params.filter((p) => leaves(p.shape).some((l) => o.wrt.includes(o.fn.params.indexOf(l.v))));
  const taken = [...sources, ...tangents].map((p) => p.name);
  const fresh = (base: string) => {
    let s = base;
    while (taken.includes(s)) s = `${s}_`;
    taken.push(s);
    return s;
  };
  const [out, r, g, h] = ['out', 'r', 'g', 'h'].map(fresh);
  const args = flatLeaves.map((l) => access(l.root, l.path));
  // (each active leaf's direction: the same path in the tangent of its parameter)
  const dirs = flatLeaves.filter((l) => o.wrt.includes(o.fn.params.indexOf(l.v))).map((l) => access(tangents[activeParams.findIndex((p) => p.name === l.root)].name, l.path));
  const resultType = `{ value: number; grads: ${o.gradsType}; hvp: ${o.gradsType} }`;
  // Skeletons of the results, and writes into out's, leaf by leaf (flat result index `at`): each
  // parameter's gradient, then its H·v, from the same flat indices.
  const grads: string[] = [];
  const hvps: string[] = [];
  const writes: string[] = [];
  let first = 0;
  activeParams.forEach((p, i) => {
    let at = first;
    const build = (s: Shape<VarId>, path: readonly string[], from: string, field: 'grads' | 'hvp'): string => {
      if (!('leaf' in s)) return `{ ${s.object.map(([key, f]) => `${key}: ${build(f, [...path, key], from, field)}`).join(', ')} }`;
      const k = at++;
      const target = access(`${out}.${field}[${i}]`, path);
      writes.push(isArrayType(o.fn.vars[s.leaf].type) ? `    ${o.runtime}.copyInto(${target}, ${from}[${k}], '${target}');` : `    ${target} = ${from}[${k}];`);
      return `${from}[${k}]`;
    };
    grads.push(build(p.shape, [], g, 'grads'));
    at = first;
    hvps.push(build(p.shape, [], h, 'hvp'));
    first = at;
  });
  const sig = sources.map((p) => `${p.name}${p.optional ? '?' : ''}: ${p.type}`).join(', ');
  const vs = tangents.map((p) => `${p.name}: ${p.type}`).join(', ');
  return [
    `/** Hessian-vector product of \`${o.name}\` along (${tangents.map((p) => p.name).join(', ')}), with its value and gradient: through ${o.flat}_hvp, the objects taken apart into their numbers. */`,
    `export function ${o.api}_hvp(${sig}, ${vs}, ${out}?: ${resultType}): ${resultType} {`,
    `  const ${r} = ${o.flat}_hvp(${[...args, ...dirs].join(', ')});`,
    `  const ${g} = ${r}.grads;`,
    `  const ${h} = ${r}.hvp;`,
    `  if (${out} !== undefined) {`,
    `    ${out}.value = ${r}.value;`,
    ...writes,
    `    return ${out};`,
    `  }`,
    `  return { value: ${r}.value, grads: [${grads.join(', ')}] as ${o.gradsType}, hvp: [${hvps.join(', ')}] as ${o.gradsType} };`,
    `}`,
    '',
    `/** Hessian of \`${o.name}\`: rows and columns in ${o.api}_jacobian's order (every number of each object's properties, in declaration order). */`,
    `export function ${o.api}_hessian(${sig}): Float64Array[] {`,
    `  return ${o.flat}_hessian(${args.join(', ')});`,
    `}`,
  ].join('\n');
}
