/**
 * Every fixture under fixtures/<group>/<case>/ (except errors/), compiled with
 * `compileFiles` at its real path, is checked as separate named tests: golden
 * (whole generated file); the exports the contract promises; for each marked
 * function, forward and reverse mode against central finite differences of the
 * primal, forward against reverse (dot-product test), the kinds and lengths of
 * results (objects: their skeletons' keys), that no argument is ever modified
 * (deeply), the `out` argument (returned, arrays and objects reused,
 * overwritten not accumulated, wrong lengths a RangeError), and for array and
 * object values `f_jacobian` column by column; plus the fixture's
 * hand-written exact values. A void function's value is the final content of
 * the parameter fixture.json's `writes` names, and is checked like a result.
 * An optional number of an object (`drag?: number`) is a differentiated leaf:
 * where an argument leaves it out its derivative is exactly 0 (finite
 * differences cannot move it). A `number[][]` property of an object (a
 * matrix) is differentiated, flattened row after row; its derivatives are
 * plain rows of the argument's lengths. An array of objects an object holds
 * (a list, `world.bodies`) is differentiated object after object; its
 * derivatives are arrays of the objects' skeletons.
 * `jest -t loops/while-break` runs one fixture.
 * The list of checks is in fixtures/README.md.
 *
 * Golden policy: UPDATE_GOLDEN=1 rewrites goldens; under CI nothing is written
 * and a missing golden fails; on a mismatch the output is written to
 * input.grad.actual.ts (git-ignored). Numeric checks execute the golden on disk
 * (the compiled text only when there is no golden), so a golden blessed with a
 * wrong derivative still fails.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileFiles, formatDiagnostic, type GeneratedFile } from '../compiler';
import { checkGolden, discoverFixtures, loadFromDisk, valueType, type Fixture } from './support/fixtures';
import { checkArgumentsUntouched, checkDotProduct, checkForward, checkReverse, checkSecondOrder, checkShapes } from './support/check';
import { checkExact } from './support/check-exact';
import { checkJacobian } from './support/check-jacobian';
import { checkOut, checkOutLength, checkOutLists, checkOutOverwritten } from './support/check-out';
import { checkArity, expectedExports, makeSubject, returnsNumber, withTimeout, type Subject } from './support/subject';
import { hasArray, hasList, isList, isObject, type ParamType } from './support/shapes';
import type { MarkedFunction } from './support/signatures';
import type { Module } from './support/load';

const fixtures = discoverFixtures();

/** Compiles a fixture once; throws with the formatted diagnostics when it does not compile. */
const compiled = new Map<string, GeneratedFile>();
function compile(fx: Fixture): GeneratedFile {
  const cached = compiled.get(fx.name);
  if (cached) return cached;
  const result = compileFiles([fx.input]);
  const rel = (f: string) => path.relative(fx.dir, f);
  if (result.diagnostics.length > 0) throw new Error(`${fx.name} does not compile:\n${result.diagnostics.map((d) => formatDiagnostic(d, rel)).join('\n')}`);
  const file = result.files.find((f) => f.source === fx.input);
  if (!file) throw new Error(`${fx.name}: compileFiles generated no file for input.ts`);
  if (file.path !== fx.golden) throw new Error(`${fx.name}: generated file is ${file.path}, expected ${fx.golden}`);
  compiled.set(fx.name, file);
  return file;
}

/** The golden, loaded (golden checks run first in each fixture's block). */
const loaded = new Map<string, { primal: Module; generated: Module }>();
function modules(fx: Fixture): { primal: Module; generated: Module } {
  let m = loaded.get(fx.name);
  if (!m) {
    const text = fs.existsSync(fx.golden) ? undefined : compile(fx).text;
    m = { primal: loadFromDisk(fx.input), generated: loadFromDisk(fx.golden, text) };
    loaded.set(fx.name, m);
  }
  return m;
}

function subject(fx: Fixture, name: string): Subject {
  const fn = fx.functions.find((f) => f.name === name)!;
  const { primal, generated } = modules(fx);
  // (a function an object literal holds is found by its path: `Vector.angle` of `Vector_angle`)
  const found = fn.method ? member(primal, fn.method) : fn.path ? fn.path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], primal) : primal[name];
  if (typeof found !== 'function') throw new Error(`${fx.name}: input.ts does not export ${fn.path?.join('.') ?? name}`);
  // (arguments whose type is a class are given its prototype, in place: the primal calls their methods)
  const call = (...args: unknown[]) => {
    args.forEach((a, i) => fn.params[i] && adopt(a, fn.params[i].type, primal));
    return fn.method ? (found as (...xs: unknown[]) => unknown).apply(args[0], args.slice(1)) : (found as (...xs: unknown[]) => unknown)(...args);
  };
  return makeSubject(fn, fx.config, call as (typeof primal)[string], generated);
}

/**
 * An instance member of an exported class, as a function of `this`: its method, its getter's
 * function, or for a field holding an arrow function (made per instance, over that instance) one
 * that gives an instance made with no arguments the receiver's fields and calls its arrow.
 */
function member(primal: Module, m: NonNullable<MarkedFunction['method']>): unknown {
  const cls = primal[m.class] as unknown as (new () => Record<string, unknown>) | undefined;
  const proto = cls?.prototype as Record<string, unknown> | undefined;
  if (!cls || !proto) return undefined;
  if (m.kind === 'getter') return Object.getOwnPropertyDescriptor(proto, m.member)?.get;
  if (m.kind === 'method') return proto[m.member];
  return function (this: object, ...args: unknown[]) {
    const instance = Object.assign(new cls(), this);
    return (instance[m.member] as (...xs: unknown[]) => unknown)(...args);
  };
}

/** Gives a value of a class's type (at any depth) that class's prototype, so that its methods can be called. */
function adopt(value: unknown, type: ParamType, primal: Module): void {
  if (value === null || typeof value !== 'object') return;
  if (isList(type)) return (value as unknown[]).forEach((v) => adopt(v, type.list, primal));
  if (!isObject(type)) return;
  const cls = type.class && (primal[type.class] as unknown as { prototype?: object } | undefined)?.prototype;
  if (cls && Object.getPrototypeOf(value) !== cls) Object.setPrototypeOf(value, cls);
  for (const p of type.object) adopt((value as Record<string, unknown>)[p.name], p.type, primal);
}

it('the corpus is not empty', () => {
  expect(fixtures.length).toBeGreaterThan(0);
});

for (const fx of fixtures) {
  describe(fx.name, () => {
    it('golden', () => {
      const problem = checkGolden(fx, compile(fx).text);
      if (problem) throw new Error(problem);
    });

    it('names every adjoint after a value the generated code shows', () => {
      // `t7_bar` is the adjoint of t7: a reader must find t7 in the same function (else the adjoint is
      // named after what the value is: y_i_bar, diff_bar, sin_bar).
      const orphans = compile(fx)
        .text.split(/\n(?=export function|function)/)
        .flatMap((f) => [...new Set([...f.matchAll(/\b(t\d+)_bar(?:_\d+)?\b/g)].map((m) => m[1]))].filter((t) => !new RegExp(`\\b${t}\\b(?!_)`).test(f)));
      expect(orphans).toEqual([]);
    });

    it('exports exactly the API of its marked functions', () => {
      if (fx.functions.length === 0) throw new Error(`${fx.name}: input.ts has no @differentiable function`);
      expect(compile(fx).functions).toEqual(fx.functions.map((f) => f.name));
      expect(Object.keys(modules(fx).generated).sort()).toEqual(expectedExports(fx.functions));
      for (const f of fx.functions) checkArity(subject(fx, f.name));
    });

    for (const f of fx.functions) {
      const checks: [string, (s: Subject) => void][] = [
        ['f_jvp matches finite differences', checkForward],
        ['f_vjp and f_grad match finite differences', checkReverse],
        ['forward and reverse agree (dot product)', checkDotProduct],
        ['results have the kinds and lengths of the contract', checkShapes],
        ['never modifies its arguments', checkArgumentsUntouched],
        ['out argument', checkOut],
        ['out is overwritten, not accumulated into', checkOutOverwritten],
        ...(f.hessian ? [['f_hvp and f_hessian agree with each other and with finite differences of f_grad', checkSecondOrder] as [string, (s: Subject) => void]] : []),
      ];
      if (!returnsNumber(f)) checks.push(['f_jacobian is outputs × inputs and matches finite differences column by column', checkJacobian]);
      // Decided from the declared types (an array in a parameter in wrt or in the result), not from running code.
      if (hasArray(valueType(f)) || f.wrt.some((i) => hasArray(f.params[i].type))) checks.push(['out arrays of the wrong length are a RangeError', checkOutLength]);
      if (f.wrt.some((i) => hasList(f.params[i].type))) checks.push(['out lists that are not arrays of objects are a TypeError', checkOutLists]);
      for (const [what, check] of checks) {
        it(`${f.name}: ${what}`, () => {
          const s = subject(fx, f.name);
          withTimeout(`${fx.name} ${f.name}: ${what}`, () => check(s));
        });
      }
    }

    for (const e of fx.config.exact ?? []) {
      const name = `exact: ${e.function}(${e.args.map((a) => JSON.stringify(a).replace(/"/g, '').replace(/,/g, ', ')).join(', ')})`;
      it(name, () => {
        const s = subject(fx, e.function);
        withTimeout(`${fx.name} ${name}`, () => checkExact(s, e));
      });
    }
  });
}
