/**
 * The list part of the random scalar programs (object-programs.ts), as fast-check
 * arbitraries: list properties of object parameters, and the list statements put
 * into f's body (printed by list-program-text.ts).
 *
 * A list is an array of objects held by a differentiated object parameter, its
 * elements differentiated number by number: `p.pts` of points `{ x; y; label }`
 * (the label a string the program only reads), `p.bodies` of `{ p: { x; y }; v:
 * number[]; m }` (each v of its own length), `p.layers` of `{ W: number[][]; b:
 * number[]; label }` whose sizes differ from layer to layer (layer l maps sizes[l]
 * numbers to sizes[l + 1]). Its elements are typed with an interface declared in
 * main.ts (`Point`, `Particle`, `Layer`) or inline. In scope it is `p.pts`,
 * `o3.pts` of a second name of p, or a name bound to it (`const l2 = p.pts`, `const
 * { pts } = p`); its first and last elements are objects in scope like any other
 * (`p.pts[0]`: the numeric statements read and assign `p.pts[0].x`, object helpers
 * take it, `const o3 = p.pts[1]` writes through it). List statements (`ListRead`,
 * `ListWrite`, `ListAlias`) come as the 'oNum', 'oWrite' and 'oAlias' statements
 * with a `list`, in f's body and in loops and branches mixed with numeric and
 * object ones: index loops over `L.length`, `for (const q of L)`, `for (const { x,
 * y } of L)`, `L.map`, `L.reduce`, `L.forEach` (reading and writing `q.x`), `const q =
 * L[i]`, helpers taking elements (`dist(L[i], L[j])`, `nudge(L[i], e)`), the arrays
 * and matrices of elements (`L[i].v[j]`, `L[i].W[r][c]`, `q.W.length`), and
 * conditions on the label.
 */
import fc from 'fast-check';
import type { Expr, Stmt } from './programs';
import { VEC2, type Field, type List, type NumericArbitraries, type ObjectShape } from './object-programs';

/**
 * 'points': `pts: { x: number; y: number; label: string }[]` (label with `data`); 'bodies': `bodies: {
 * p: { x: number; y: number }; v: number[]; m: number }[]`; 'layers': `layers: { W: number[][]; b:
 * number[]; label: string }[]`, layer l mapping `sizes[l]` numbers to `sizes[l + 1]` (W of sizes[l + 1]
 * rows of sizes[l], b of sizes[l + 1]).
 */
export type ListKind = 'points' | 'bodies' | 'layers';

/** A list property of an object parameter: `sizes.length - 1` elements (a body's `v` has length `sizes[i + 1]`). */
export interface ListParam {
  readonly kind: ListKind;
  readonly sizes: readonly number[];
  readonly data: boolean;
  /** Its elements typed with an interface (`Point`, `Particle`, `Layer`) rather than inline. */
  readonly named: boolean;
}

/** The interfaces of list elements, by name (list-program-text.ts declares those the code uses). */
export const elementTypes: Readonly<Record<string, string>> = {
  Point: '{ x: number; y: number; label: string }',
  Pt: '{ x: number; y: number }',
  Particle: '{ p: Vec2; v: number[]; m: number }',
  Layer: '{ W: number[][]; b: number[]; label: string }',
  Dense: '{ W: number[][]; b: number[] }',
};

/** The list a `ListParam` describes, as a property type. */
export function listOf(l: ListParam): List {
  const label: Field[] = l.data && l.kind !== 'bodies' ? [{ key: 'label', t: 'string' }] : [];
  const n = l.sizes.length - 1;
  const element = (i: number): ObjectShape => {
    if (l.kind === 'points') return [...VEC2, ...label];
    if (l.kind === 'bodies')
      return [
        { key: 'p', t: VEC2 },
        { key: 'v', t: { elements: l.sizes[i + 1] } },
        { key: 'm', t: 'number' },
      ];
    return [{ key: 'W', t: { rows: new Array<number>(l.sizes[i + 1]).fill(l.sizes[i]) } }, { key: 'b', t: { elements: l.sizes[i + 1] } }, ...label];
  };
  const names = { points: label.length > 0 ? 'Point' : 'Pt', bodies: 'Particle', layers: label.length > 0 ? 'Layer' : 'Dense' };
  return { list: Array.from({ length: n }, (_, i) => element(i)), kind: l.kind, name: l.named ? names[l.kind] : null };
}

/** The key of a list property. */
export const listKey = (kind: ListKind): string => ({ points: 'pts', bodies: 'bodies', layers: 'layers' })[kind];

/**
 * The list statements (printed by list-program-text.ts), on a list in scope chosen by `l` (modulo):
 * a list property of an object in scope (`p.pts`, `o3.bodies` of a second name), or a name bound to
 * one (`const l2 = p.layers`, `const { pts } = p`). `leaf` chooses (modulo) a number of an element
 * (`q.x`, `q.p.y`, `q.v[0]`, `q.W[0][0]`, a sum over its array or matrix), `term` a bounded term of it
 * and `e` (as matrix-program statements do), `at` the elements an element form takes.
 */
export interface ListRead {
  readonly l: number;
  /**
   * A number made of the list, bound to a new local `vN`: 'loops' sums over `for (let i = 0; i <
   * L.length; i++)` (and the element's array or matrix: `L[i].v[j]`); 'forOf' over `for (const q of
   * L)`; 'destructure' over `for (const { x, y } of L)`; 'map' reduces (or reads) `L.map((q) => …)`;
   * 'reduce' is `L.reduce((s, q, i) => …, 0)`; 'forEach' sums in `L.forEach((q, i) => { … })`;
   * 'element' reads `L[i]` (`const q = L[i]` first, by `at`); 'helper' calls a helper taking elements
   * (`dist(L[i], L[j])`, `kinetic(L[i])`, `layerSum(L[i], e)`); 'data' sums over the elements whose
   * label is "up" (else as 'forOf').
   */
  readonly form: 'loops' | 'forOf' | 'destructure' | 'map' | 'reduce' | 'forEach' | 'element' | 'helper' | 'data';
  readonly leaf: number;
  readonly term: number;
  readonly at: number;
  readonly e: Expr;
}

export interface ListWrite {
  readonly l: number;
  /**
   * 'loops' writes a number of each `L[i]` (with its array or matrix: every `L[i].v[j]`), 'forOf' of
   * each `q` of `for (const q of L)`, 'forEach' in `L.forEach((q) => { … })`, 'element' one of `L[i]`
   * (by `at`), with `op`; 'helper' calls a helper writing into an element (`nudge(L[i], e)`,
   * `drift(L[i], e)`, `decay(L[i], e)`), or into each of them in a loop over the list.
   */
  readonly form: 'loops' | 'forOf' | 'forEach' | 'element' | 'helper';
  readonly leaf: number;
  /**
   * `u = Math.sin(u + e)`, `u += e` and `u -= e` (`Math.sin(e)` in loops), `u *= Math.cos(e)`, `u /= 1 +
   * e ** 2`, `u ||= e` (`Math.sin(e)` in loops), `u++`, `u--`.
   */
  readonly op: ListOp;
  readonly at: number;
  readonly e: Expr;
}

/** `const qN = L[i]; qN.leaf += e;` (an element, written through a second name), or with `whole`, `const lN = L;` (the list). */
export interface ListAlias {
  readonly l: number;
  readonly at: number;
  readonly leaf: number;
  readonly whole: boolean;
  readonly e: Expr;
}

export type ListOp = '=' | '+=' | '-=' | '*=' | '/=' | '||=' | '++' | '--';

const index = fc.nat({ max: 30 });

/** 1 to 3 elements; sizes of 1 to 3 (a body's array, a layer's width). */
export const listParamArb: fc.Arbitrary<ListParam> = fc.record({
  kind: fc.constantFrom('points' as const, 'bodies' as const, 'layers' as const),
  sizes: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 4 }),
  data: fc.boolean(),
  named: fc.boolean(),
});

/**
 * Statements on a list (the object forms where no list is in scope), as the matrix ones: put into f's
 * body besides the object statements; in loops and branches, mixed with numeric and object ones (`simple`).
 */
export function listStatementArb({ exprArb, condArb, stmtArb }: NumericArbitraries, simple: (depth: number) => fc.Arbitrary<Stmt>): fc.Arbitrary<Stmt> {
  const listRead: fc.Arbitrary<ListRead> = fc.record({
    l: index,
    form: fc.constantFrom(...(['loops', 'forOf', 'destructure', 'map', 'reduce', 'forEach', 'element', 'helper', 'data'] as const)),
    leaf: index,
    term: index,
    at: index,
    e: exprArb(1),
  });
  const listWrite: fc.Arbitrary<ListWrite> = fc.record({
    l: index,
    form: fc.constantFrom(...(['loops', 'forOf', 'forEach', 'element', 'helper'] as const)),
    leaf: index,
    op: fc.constantFrom<ListOp>('=', '+=', '-=', '*=', '/=', '||=', '++', '--'),
    at: index,
    e: exprArb(1),
  });
  const listAlias: fc.Arbitrary<ListAlias> = fc.record({ l: index, at: index, leaf: index, whole: fc.boolean(), e: exprArb(1) });
  const kinds: { weight: number; arbitrary: fc.Arbitrary<Stmt> }[] = [
    { weight: 4, arbitrary: fc.record({ k: fc.constant('oNum' as const), h: index, src: index, e: exprArb(1), matrix: fc.constant(null), list: listRead }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('oWrite' as const), h: index, target: index, e: exprArb(1), matrix: fc.constant(null), list: listWrite }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('oAlias' as const), src: index, key: index, e: exprArb(1), matrix: fc.constant(null), list: listAlias }) },
  ];
  const mixed = fc.array(fc.oneof({ weight: 3, arbitrary: fc.oneof(...kinds) }, { weight: 2, arbitrary: stmtArb(0) }, { weight: 1, arbitrary: simple(0) }), {
    minLength: 1,
    maxLength: 4,
  });
  return fc.oneof(
    ...kinds,
    { weight: 2, arbitrary: fc.record({ k: fc.constant('oLoop' as const), n: fc.integer({ min: 1, max: 3 }), state: fc.constant(null), body: mixed }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('oData' as const), c: index, cond: condArb(1), then: mixed, else: fc.oneof(fc.constant([]), mixed) }) },
  );
}
