/**
 * What a check of `ts-adc/testing` is about: the function f, its arguments and their names, the
 * options. Calls f on copies of the arguments (never on yours), calls the derivatives on yours and
 * checks they leave them as they were, finds which arguments are differentiated, and makes the
 * errors, each naming the parameter and the coordinate.
 */
import { centralDifferences, DEFAULT_RTOL, DEFAULT_STEP, type Difference, fmt, type Tolerances } from './testing-differences';
import { deepCopy, describe, firstChange, getAt, type Key, leafPaths, type Path, printPath, setAt, shapeMismatch, skeleton } from './testing-trees';

export interface CheckOptions {
  /**
   * The differentiated parameters, by position (0-based; a method's receiver is 0) or by name
   * (`['params', 'w']`; a method's receiver is `'this'`), as `wrt(...)` marks them. Default: the
   * arguments whose shapes fit the gradients returned, in order, when only one choice fits.
   */
  wrt?: readonly (number | string)[];
  /** Relative tolerance of the comparisons with central differences. Default 1e-5. */
  rtol?: number;
  /** Absolute tolerance of those comparisons. Default: 1e-12·|f|/h, per coordinate (the rounding of f; see the README). */
  atol?: number;
  /** Step of the central differences, relative to the coordinate: h = step·max(1, |x|). Default 1e-3. */
  step?: number;
  /** Tolerance of the comparisons of derivatives exact to rounding (gradient, jvp, vjp), relative to the magnitudes of their terms. Default 1e-9. */
  exactRtol?: number;
  /** Random directions of the jvp and dot-product tests. Default 2. */
  directions?: number;
  /** Seed of those directions: the same seed, the same directions. Default 0. */
  seed?: number;
}

/** Which check failed. */
export type CheckKind = 'gradient' | 'value' | 'shape' | 'arguments' | 'jvp' | 'vjp' | 'dot-product';

export class GradientCheckError extends Error {
  override name = 'GradientCheckError';
  constructor(
    message: string,
    readonly check: CheckKind,
    /** The parameter (`params`), when the failure is about one. */
    readonly parameter?: string,
    /** The coordinate (`params.W[1][0]`), when the failure is about one number. */
    readonly coordinate?: string,
    /** The reference: central differences, f's value, the gradient, … */
    readonly expected?: number,
    /** The value checked. */
    readonly actual?: number,
    /** The absolute tolerance |actual − expected| exceeded. */
    readonly tolerance?: number,
  ) {
    super(message);
  }
}

type Fn = (...args: any[]) => any;

export type Subject = ReturnType<typeof subject>;

/** `tool` is the function checking (`checkGrads`), which starts every message; `derivative` lends its parameter names when f's cannot be read. */
export function subject(tool: string, f: Fn, args: readonly unknown[], options: CheckOptions, derivative: Fn | undefined) {
  const parsed = parameters(f);
  const receiver = parsed.method && parsed.names !== undefined && args.length === parsed.names.length + 1;
  const own = receiver ? ['this', ...parsed.names!] : parsed.names;
  // f's names, or the derivative's when f's are unreadable or too few (`Math.log`, `(...a) => …`).
  const lent = parameters(derivative).names;
  const read = own !== undefined && own.length >= args.length ? own : lent !== undefined && lent.length >= args.length ? lent : (own ?? lent);
  const names = args.map((_, i) => read?.[i] ?? `argument ${i}`);
  const fName = f.name || 'f';
  const call = (a: unknown[]): unknown => (receiver ? f.apply(a[0], a.slice(1)) : f(...a));
  const tolerances: Tolerances = { rtol: options.rtol ?? DEFAULT_RTOL, atol: options.atol };
  const step = options.step ?? DEFAULT_STEP;
  let fValue: { value: unknown; outputs: Key[][]; modifies: boolean } | undefined;

  const label = (path: Path) => printPath(names[path[0] as number], path.slice(1));
  const fail = (check: CheckKind, message: string, path?: Path, expected?: number, actual?: number, tolerance?: number) =>
    new GradientCheckError(`${tool}: ${message}`, check, path ? names[path[0] as number] : undefined, path ? label(path) : undefined, expected, actual, tolerance);

  /** f at a copy of the arguments; whether f writes into its arguments (then every evaluation gets a fresh copy). */
  const evaluate = () => {
    if (fValue) return fValue;
    const copy = deepCopy([...args]);
    const value = call(copy);
    fValue = { value, outputs: leafPaths(skeleton(value)), modifies: firstChange(args, copy) !== undefined };
    return fValue;
  };

  /** f's output numbers at the arguments moved by `move` (which returns how far, and is undone by `undo`), for central differences. */
  const differences = (cases: readonly { move(work: unknown[], t: number): number; undo(work: unknown[]): void; h: number }[]): Difference[] => {
    const { outputs } = evaluate();
    const run = (copying: boolean) => {
      const work = deepCopy([...args]);
      const found = cases.map((c) =>
        centralDifferences((t) => {
          const moved = c.move(work, t);
          const y = call(copying ? deepCopy(work) : work);
          c.undo(work);
          return { values: outputs.map((p) => Number(getAt(y, p))), moved };
        }, c.h),
      );
      return { found, work };
    };
    const first = run(evaluate().modifies);
    // f may write into its arguments only at some points: then the in-place evaluations were spoilt.
    return !evaluate().modifies && firstChange(args, first.work) !== undefined ? run(true).found : first.found;
  };

  const checkShape = (name: string, g: unknown, i: number): void => {
    const bad = shapeMismatch(g, args[i], []);
    if (bad)
      throw fail(
        'shape',
        `${name}'s gradient for ${names[i]} does not have its shape: at ${printPath(names[i], bad.path)} it ${bad.problem} (a gradient has the shape of its parameter)`,
        [i, ...bad.path],
      );
  };

  const differentiable = args.map((a) => skeleton(a) !== undefined);
  const howToWrt = `Pass options.wrt, by position or name: { wrt: [0] } or { wrt: ['${names[0]}'] } (the parameters \`wrt(...)\` marks)`;

  /** The positions of the arguments `grads` belong to: options.wrt, or the one choice of arguments that fits (in order). */
  const resolveWrt = (grads: unknown, name: string): number[] => {
    if (!Array.isArray(grads)) throw fail('shape', `${name} returned ${describe(grads)} as grads, not an array of gradients`);
    const wrt = options.wrt ? options.wrt.map(position).sort((a, b) => a - b) : inferWrt(grads, name);
    if (wrt.length !== grads.length)
      throw fail('shape', `options.wrt names ${wrt.length} parameter${wrt.length === 1 ? '' : 's'} but ${name} returned ${grads.length} gradient${grads.length === 1 ? '' : 's'}`);
    wrt.forEach((i, j) => checkShape(name, grads[j], i));
    return wrt;
  };

  const position = (p: number | string): number => {
    if (typeof p === 'number') {
      if (Number.isInteger(p) && p >= 0 && p < args.length) return p;
      throw new TypeError(`${tool}: options.wrt has ${p}, not a position among the ${args.length} arguments`);
    }
    if (read === undefined) throw new TypeError(`${tool}: cannot read ${fName}'s parameter names to find '${p}': pass options.wrt as positions (0-based)`);
    const i = names.indexOf(p);
    if (i < 0) throw new TypeError(`${tool}: options.wrt names '${p}', which is not one of ${fName}'s parameters (${names.join(', ')})`);
    return i;
  };

  /** ways[j][i]: how many ways (0, 1, or 2 for several) the gradients from j on fit arguments from i on, in order. */
  const inferWrt = (grads: unknown[], name: string): number[] => {
    const k = grads.length;
    const n = args.length;
    const fits = (j: number, i: number) => differentiable[i] && shapeMismatch(grads[j], args[i], []) === undefined;
    const ways = Array.from({ length: k + 1 }, (_, j) => new Array<number>(n + 1).fill(j === k ? 1 : 0));
    for (let j = k - 1; j >= 0; j--) for (let i = n - 1; i >= 0; i--) ways[j][i] = Math.min(2, ways[j][i + 1] + (fits(j, i) ? ways[j + 1][i + 1] : 0));
    const choices: number[][] = [];
    const pick = (j: number, i: number, chosen: number[]): void => {
      if (choices.length === 2) return;
      if (j === k) return void choices.push(chosen);
      for (let at = i; at < n; at++) if (fits(j, at) && ways[j + 1][at + 1] > 0) pick(j + 1, at + 1, [...chosen, at]);
    };
    pick(0, 0, []);
    if (choices.length === 1) return choices[0];
    const listed = (c: number[]) => `[${c.map((i) => names[i]).join(', ')}]`;
    if (choices.length === 2)
      throw new TypeError(
        `${tool}: cannot tell which arguments ${name}'s ${k} gradient${k === 1 ? ' is' : 's are'} for: ${listed(choices[0])} and ${listed(choices[1])} both fit. ${howToWrt}.`,
      );
    const candidates = differentiable.flatMap((d, i) => (d ? [i] : []));
    if (candidates.length === k) candidates.forEach((i, j) => checkShape(name, grads[j], i));
    throw fail(
      'shape',
      `${name} returned ${k} gradient${k === 1 ? '' : 's'} (${grads.map(describe).join(', ')}), but no ${k} of the arguments (${args.map((a, i) => `${names[i]}: ${describe(a)}`).join(', ')}) have those shapes in that order; a gradient has the shape of its parameter. ${howToWrt}.`,
    );
  };

  return {
    fName,
    args,
    step,
    tolerances,
    seed: options.seed ?? 0,
    directions: options.directions ?? 2,
    exactRtol: options.exactRtol ?? 1e-9,
    label,
    fail,
    checkShape,
    resolveWrt,
    /** Every argument holding numbers (checkDerivatives without vjp), or options.wrt. */
    defaultWrt: (): number[] => (options.wrt ? options.wrt.map(position).sort((a, b) => a - b) : differentiable.flatMap((d, i) => (d ? [i] : []))),
    value: () => evaluate().value,

    /** Calls a derivative on the caller's own arguments, then checks it left them as they were. */
    callChecked(fn: Fn, name: string, callArgs: unknown[]): any {
      const before = deepCopy([...args]);
      const result = fn(...callArgs);
      const change = firstChange(before, args);
      if (change)
        throw fail(
          'arguments',
          `${name} modified its argument ${label(change.path)}: it was ${show(change.before)}, it is now ${show(change.after)} (derivatives must leave their arguments as they were)`,
          change.path,
        );
      if (typeof result !== 'object' || result === null) throw fail('shape', `${name} returned ${describe(result)}, not an object { value, … }`);
      return result;
    },

    /** The value a derivative returned is f's, to rounding (a hand-written one may round differently), number by number. */
    sameValue(name: string, got: unknown, want: unknown): void {
      for (const p of evaluate().outputs) {
        const [a, b] = [getAt(got, p), getAt(want, p) as number];
        const tol = 1e-12 * Math.max(Math.abs(Number(a)), Math.abs(b));
        if (typeof a !== 'number' || !(Object.is(a, b) || Math.abs(a - b) <= tol))
          throw fail(
            'value',
            `${name} returned the value ${p.length ? printPath('', p) + ' ' : ''}${show(a)}, but ${fName} gives ${fmt(b)} at the same arguments`,
            undefined,
            b,
            Number(a),
            tol,
          );
      }
    },

    /** Central differences of f along each coordinate at `paths` (into the arguments), the step scaled to the coordinate. */
    coordinates(paths: readonly Path[]): Difference[] {
      return differences(
        paths.map((path) => {
          const x = getAt(args, path) as number;
          return { h: step * Math.max(1, Math.abs(x)), move: (work, t) => setAt(work, path, x + t) - x, undo: (work) => void setAt(work, path, x) };
        }),
      );
    },

    /** Central differences of f along the tangents `u` of the arguments `wrt` (step `step`, u already scaled). */
    directional(wrt: readonly number[], u: readonly unknown[]): Difference {
      const moves = wrt
        .flatMap((i, j) => leafPaths(u[j]).map((p) => ({ path: [i, ...p], x: getAt(args, [i, ...p]) as number, v: getAt(u[j], p) as number })))
        .filter((m) => typeof m.x === 'number');
      const move = (work: unknown[], t: number) => (moves.forEach((m) => setAt(work, m.path, m.x + t * m.v)), t);
      return differences([{ h: step, move, undo: (work) => moves.forEach((m) => setAt(work, m.path, m.x)) }])[0];
    },
  };
}

function show(v: unknown): string {
  return typeof v === 'number' ? fmt(v) : describe(v);
}

/**
 * Parameter names read from a function's source, when it is plain enough: `function f(a, b)`,
 * `(a, b) =>`, `a =>`, a method `m(a, b) {` (then `method`). Undefined names for anything else
 * (destructuring, defaults that call, rest parameters, native code).
 */
function parameters(f: Fn | undefined): { names: string[] | undefined; method: boolean } {
  const src = f ? Function.prototype.toString.call(f) : '';
  const plain = /^(?:async\s*)?function\b\s*\*?\s*[\w$]*\s*\(([^)]*)\)/.exec(src) ?? /^(?:async\s*)?\(([^)]*)\)\s*=>/.exec(src);
  const single = /^(?:async\s+)?([\w$]+)\s*=>/.exec(src);
  const method = plain || single ? null : /^(?:async\s+)?(?:static\s+)?(?:get\s+|set\s+)?\*?\s*[\w$]+\s*\(([^)]*)\)\s*\{/.exec(src);
  const list = (plain ?? method)?.[1] ?? single?.[1];
  if (list === undefined) return { names: undefined, method: false };
  const names = list.trim() === '' ? [] : list.split(',').map((p) => p.split('=')[0].trim());
  return { names: names.every((n) => /^[A-Za-z_$][\w$]*$/.test(n)) ? names : undefined, method: method !== null };
}
