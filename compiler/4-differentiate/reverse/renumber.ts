/**
 * Temporaries numbered as they appear: the emitter claims `tN` when it first
 * needs a temp, and some never reach the output (a loop header took `const t1 = i`,
 * dead code went), which would leave `t2` the first temp a reader sees. The
 * temps of one function are renumbered `t1`, `t2`, … in order of first
 * appearance, with every name derived from them (`t2_bar`, `t2_bar_2`, `t2_seen`)
 * following their temp. Names that are not temps are never touched, and when
 * a new name would be one of them the function is left as it is.
 *
 * Then a local that took a suffix because its name was claimed (`s_bar_2`, the
 * adjoint of s was claimed before the fused loop named its factor) takes the
 * plain name back when nothing in the function uses that (`dropSuffixes`).
 */
import type { JsStmt } from '../../5-print/js';
import { renameStmts } from '../../5-print/js-walk';
import { declared, namesInStmt } from '../dead-code';

export interface NameRules {
  /** Whether a name is one of the emitter's `tN` temps. */
  readonly isTemp: (name: string) => boolean;
  /** Names no local may take: the function's signature. */
  readonly reserved: readonly string[];
  /** Whether a name is (or may become) a module-level name of the file. */
  readonly moduleLevel: (name: string) => boolean;
}

/** `body` with its temps renumbered, then suffixes dropped where free (see the module header). */
export function tidyNames(body: readonly JsStmt[], rules: NameRules): JsStmt[] {
  return dropSuffixes(renumberTemps(body, rules), rules);
}

/** `body` with its temps renumbered from t1. */
function renumberTemps(body: readonly JsStmt[], { isTemp, reserved, moduleLevel }: NameRules): JsStmt[] {
  const names = new Set<string>(reserved);
  for (const s of body) namesInStmt(s, names);
  const baseOf = (name: string): string | undefined => {
    const m = /^(t\d+)((?:_bar|_seen|_old|_next)?(?:_\d+)?)$/.exec(name);
    return m && isTemp(m[1]) ? m[1] : undefined;
  };
  const order = new Set<string>();
  for (const n of names) {
    const base = baseOf(n);
    if (base !== undefined) order.add(base);
  }
  const others = new Set([...names].filter((n) => baseOf(n) === undefined));
  const renumbered = new Map<string, string>();
  let next = 1;
  for (const base of order) {
    while (others.has(`t${next}`) || moduleLevel(`t${next}`)) next++;
    renumbered.set(base, `t${next++}`);
  }
  const rename = (n: string): string | undefined => {
    const base = baseOf(n);
    return base === undefined ? undefined : renumbered.get(base)! + n.slice(base.length);
  };
  const targets = new Set<string>();
  for (const n of names) {
    const to = rename(n);
    if (to === undefined) continue;
    if (others.has(to) || targets.has(to) || moduleLevel(to)) return [...body];
    targets.add(to);
  }
  return renameStmts(body, rename);
}

/** Locals declared `x_2` (`x_3`, …) renamed `x` where nothing in the function (its signature included) is called x and x is no module-level name. */
function dropSuffixes(body: readonly JsStmt[], { reserved, moduleLevel }: NameRules): JsStmt[] {
  const names = new Set<string>(reserved);
  for (const s of body) namesInStmt(s, names);
  const renamed = new Map<string, string>();
  const taken = new Set(names);
  for (const n of declared(body)) {
    const m = /^(.+)_\d+$/.exec(n);
    if (!m || reserved.includes(n) || taken.has(m[1]) || moduleLevel(m[1])) continue;
    renamed.set(n, m[1]);
    taken.add(m[1]);
  }
  return renamed.size === 0 ? [...body] : renameStmts(body, (n) => renamed.get(n));
}
