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
import { namesInStmt } from '../dead-code';

/** `body` with its temps (`isTemp`: the emitter's `tN` names) renumbered from t1; `params` are the function's. */
export function renumberTemps(body: readonly JsStmt[], isTemp: (name: string) => boolean, params: readonly string[], moduleLevel: (name: string) => boolean): JsStmt[] {
  const names = new Set<string>(params);
  for (const s of body) namesInStmt(s, names);
  const baseOf = (name: string): string | undefined => {
    const m = /^(t\d+)((?:_bar|_seen|_old|_next)?(?:_\d+)?)$/.exec(name);
    return m && isTemp(m[1]) ? m[1] : undefined;
  };
  const order: string[] = [];
  for (const n of names) {
    const base = baseOf(n);
    if (base !== undefined && !order.includes(base)) order.push(base);
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

/**
 * Locals declared `x_2` (`x_3`, …) renamed `x` where nothing in the function (`params` included) is
 * called x and x is no module-level name (`moduleLevel`: a function of the file, present or future).
 */
export function dropSuffixes(body: readonly JsStmt[], params: readonly string[], moduleLevel: (name: string) => boolean): JsStmt[] {
  const names = new Set<string>(params);
  for (const s of body) namesInStmt(s, names);
  const declared = new Set<string>();
  const collect = (s: JsStmt): void => {
    if (s.k === 'decl') declared.add(s.name);
    if (s.k === 'for' && s.init) collect(s.init);
    if (s.k === 'if') [...s.then, ...(s.else ?? [])].forEach(collect);
    if (s.k === 'for' || s.k === 'while' || s.k === 'do' || s.k === 'block') s.body.forEach(collect);
  };
  body.forEach(collect);
  const renamed = new Map<string, string>();
  const taken = new Set(names);
  for (const n of declared) {
    const m = /^(.+)_\d+$/.exec(n);
    if (!m || params.includes(n) || taken.has(m[1]) || moduleLevel(m[1])) continue;
    renamed.set(n, m[1]);
    taken.add(m[1]);
  }
  return renamed.size === 0 ? [...body] : renameStmts(body, (n) => renamed.get(n));
}
