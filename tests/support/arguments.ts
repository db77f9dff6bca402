/**
 * "The generated functions never modify their arguments" (DESIGN.md), checked
 * at every call.
 *
 * Guarantees: `guardArguments(name, f, argNames, hasOut)` returns a function
 * that calls `f` and then throws if any argument it was given (parameters,
 * tangents, cotangent; everything but the trailing `out`) differs from a deep
 * copy taken before the call: a number's value, an array's kind and length,
 * every element (compared with Object.is, so NaN equals NaN and -0 differs from
 * 0), and no property added to a plain array (a write past its end). The error
 * names the function, the argument and the first element that changed.
 */
type Fn = (...args: any[]) => any;

interface Snapshot {
  readonly kind: string;
  readonly value: unknown;
  readonly elements?: readonly number[];
  readonly keys?: number;
  readonly copy?: unknown;
}

function snapshot(v: unknown): Snapshot {
  // Read-only data (a number[][], an object): compared deeply.
  if ((Array.isArray(v) && !v.every((x) => typeof x === 'number')) || (v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)))
    return { kind: 'data', value: v, copy: structuredClone(v) };
  if (ArrayBuffer.isView(v)) return { kind: v.constructor.name, value: v, elements: Array.from(v as unknown as ArrayLike<number>) };
  if (Array.isArray(v)) return { kind: 'Array', value: v, elements: v.slice(), keys: Object.keys(v).length };
  return { kind: typeof v, value: v };
}

/** Deep equality of data (arrays, typed arrays, plain objects, primitives with Object.is), whatever realm made them. */
function sameData(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b) || ArrayBuffer.isView(a) !== ArrayBuffer.isView(b)) return false;
  if (ArrayBuffer.isView(a)) {
    const x = a as unknown as ArrayLike<number>;
    const y = b as unknown as ArrayLike<number>;
    return a.constructor.name === b.constructor.name && x.length === y.length && Array.from(x).every((v, i) => Object.is(v, y[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** What changed between the snapshot and `now`, or undefined when nothing did. */
function change(before: Snapshot, now: unknown): string | undefined {
  if (before.kind === 'data') return sameData(before.copy, now) ? undefined : `its contents changed (now ${JSON.stringify(now).slice(0, 80)})`;
  const after = snapshot(now);
  if (after.kind !== before.kind) return `was a ${before.kind}, is now a ${after.kind}`;
  if (!before.elements) return Object.is(before.value, now) ? undefined : `was ${String(before.value)}, is now ${String(now)}`;
  const a = after.elements!;
  const b = before.elements;
  if (a.length !== b.length) return `had length ${b.length}, has now length ${a.length}`;
  for (let i = 0; i < b.length; i++) if (!Object.is(a[i], b[i])) return `element ${i} was ${b[i]}, is now ${a[i]}`;
  if (after.keys !== before.keys)
    return `has ${after.keys! - before.keys!} new properties: ${Object.keys(now as object)
      .filter((k) => !(Number(k) < b.length))
      .join(', ')}`;
  return undefined;
}

/**
 * `f` wrapped so that each call checks that it left its arguments as they were.
 * `argNames[i]` names argument i in messages; with `hasOut`, an argument after
 * the named ones is `out` (meant to be written) and is not checked.
 */
export function guardArguments(name: string, f: Fn, argNames: readonly string[], hasOut: boolean): Fn {
  const guarded = (...args: unknown[]) => {
    const checked = hasOut ? args.slice(0, argNames.length) : args;
    const before = checked.map(snapshot);
    const result = f(...args);
    checked.forEach((a, i) => {
      const what = change(before[i], a);
      if (what) throw new Error(`${name} modified its argument ${argNames[i] ?? `#${i}`}: ${what}`);
    });
    return result;
  };
  Object.defineProperty(guarded, 'length', { value: f.length });
  return guarded;
}
