/**
 * "The generated functions never modify their arguments" (DESIGN.md), checked
 * at every call.
 *
 * Guarantees: `guardArguments(name, f, argNames, hasOut)` returns a function
 * that calls `f` and then throws if any argument it was given (parameters,
 * tangents, cotangent; everything but the trailing `out`) differs from a deep
 * copy taken before the call: a number's value, an array's kind and length,
 * every element (compared with Object.is, so NaN equals NaN and -0 differs from
 * 0), and no property added to a plain array (a write past its end); objects
 * and other data deeply, the same way, no property added or removed. The error
 * names the function, the argument and the first element that changed
 * (`body.vel.z was 1, is now 2`).
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
  // Objects (numeric or data) and read-only data (a number[][]): compared deeply.
  if ((Array.isArray(v) && !v.every((x) => typeof x === 'number')) || (v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)))
    return { kind: 'data', value: v, copy: structuredClone(v) };
  if (ArrayBuffer.isView(v)) return { kind: v.constructor.name, value: v, elements: Array.from(v as unknown as ArrayLike<number>) };
  if (Array.isArray(v)) return { kind: 'Array', value: v, elements: v.slice(), keys: Object.keys(v).length };
  return { kind: typeof v, value: v };
}

/**
 * Where data `now` differs from its copy `was` (arrays, typed arrays, plain objects, primitives
 * compared with Object.is, whatever realm made them), as `at.vel.z was 1, is now 2`; undefined when
 * nothing differs.
 */
function dataChange(was: unknown, now: unknown, at: string): string | undefined {
  const show = (v: unknown) => (ArrayBuffer.isView(v) ? `a ${v.constructor.name}` : (JSON.stringify(v)?.slice(0, 80) ?? String(v)));
  if (was === null || now === null || typeof was !== 'object' || typeof now !== 'object') return Object.is(was, now) ? undefined : `${at} was ${show(was)}, is now ${show(now)}`;
  const kind = (v: object) => (ArrayBuffer.isView(v) ? v.constructor.name : Array.isArray(v) ? 'Array' : 'object');
  if (kind(was) !== kind(now)) return `${at} was a ${kind(was)}, is now a ${kind(now)}`;
  const a = was as Record<string, unknown>;
  const b = now as Record<string, unknown>;
  const ka = ArrayBuffer.isView(was) ? Object.keys(Array.from(was as unknown as ArrayLike<number>)) : Object.keys(a);
  const kb = ArrayBuffer.isView(now) ? Object.keys(Array.from(now as unknown as ArrayLike<number>)) : Object.keys(b);
  const added = kb.filter((k) => !(k in a));
  if (added.length > 0) return `${at} has new properties: ${added.join(', ')}`;
  const removed = ka.filter((k) => !(k in b));
  if (removed.length > 0) return `${at} lost its properties ${removed.join(', ')}`;
  for (const k of ka) {
    const change = dataChange(a[k], b[k], Array.isArray(was) || ArrayBuffer.isView(was) ? `${at}[${k}]` : `${at}.${k}`);
    if (change) return change;
  }
  return undefined;
}

/** What changed between the snapshot and `now`, or undefined when nothing did. */
function change(before: Snapshot, now: unknown, name: string): string | undefined {
  if (before.kind === 'data') return dataChange(before.copy, now, name);
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
      const arg = argNames[i] ?? `#${i}`;
      const what = change(before[i], a, arg.split(' ')[0]);
      if (what) throw new Error(`${name} modified its argument ${arg}: ${what}`);
    });
    return result;
  };
  Object.defineProperty(guarded, 'length', { value: f.length });
  return guarded;
}
