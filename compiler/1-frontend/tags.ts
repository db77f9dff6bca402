/**
 * The `@differentiable` tag: its grammar, and tags that look like a misspelling of it.
 *
 *   tag    := '@differentiable' item*
 *   item   := 'wrt' '(' name (',' name)* ')'  |  option
 *   option := a word of `tagOptions`
 *
 * `@differentiable`, `@differentiable wrt(theta)`, `@differentiable wrt(theta) hessian`; an option word goes
 * anywhere after the tag name: adding one is adding it to `tagOptions`.
 *
 * Guarantees: `parseTag` accepts exactly this grammar, each item at most once, and otherwise
 * names what it found, where, and what the tag accepts; `misspelledTags` finds every tag in a
 * JSDoc comment that is `@differentiable` in another case or up to three edits away from it
 * (`@differentable`, `@differentiabel`, `@Differentiable`, `@differentiated`), by text alone, so
 * that the CLI's discovery, the frontend and the plugin agree.
 */
import { editDistance } from '../diagnostics/spelling';

export const tagName = 'differentiable';

/** Option words the tag accepts after its name: `hessian` adds `f_hvp` and `f_hessian`. */
export const tagOptions: readonly string[] = ['hessian'];

export interface TagItems {
  /** The parameters `wrt(…)` names, as written; undefined without `wrt`. */
  readonly wrt: readonly string[] | undefined;
  readonly options: readonly string[];
}

export interface TagProblem {
  readonly problem: string;
  /** Where in the tag's text the problem is. */
  readonly at: number;
  /** The text found there. */
  readonly found: string;
}

/** The items of a tag's text (what follows `@differentiable`), or what is wrong with it. */
export function parseTag(text: string, optionWords: readonly string[] = tagOptions): TagItems | TagProblem {
  let wrt: string[] | undefined;
  const options: string[] = [];
  let previous: string | undefined;
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) return { wrt, options };
    const rest = text.slice(i);
    const word = /^[A-Za-z_$][\w$]*/.exec(rest)?.[0];
    const list = /^wrt\s*\(([^)]*)\)/.exec(rest);
    if (list) {
      if (wrt) return { problem: 'a second wrt(…): name every parameter in one', at: i, found: list[0] };
      wrt = list[1]
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      previous = list[0];
      i += list[0].length;
      continue;
    }
    if (word !== undefined && optionWords.includes(word)) {
      if (options.includes(word)) return { problem: `'${word}' twice`, at: i, found: word };
      options.push(word);
      previous = word;
      i += word.length;
      continue;
    }
    const found = word === 'wrt' ? rest.split('\n')[0].trim() : (word ?? rest.split(/\s/)[0]);
    const what = word === 'wrt' ? `'${found}' (wrt needs its parameters in parentheses)` : `'${found}'`;
    return { problem: `unexpected ${what}${previous === undefined ? '' : ` after '${previous}'`}: ${accepted(optionWords)}`, at: i, found };
  }
}

/** What the tag accepts, for messages. */
function accepted(optionWords: readonly string[]): string {
  const forms = `the tag is '@${tagName}' or '@${tagName} wrt(p1, p2, …)'`;
  return optionWords.length === 0 ? forms : `${forms}, followed by any of ${optionWords.join(', ')}`;
}

/** Whether a tag name is probably a misspelling of `differentiable`. */
export function isMisspelledTag(name: string): boolean {
  if (name === tagName || Math.abs(name.length - tagName.length) > 3) return false;
  return editDistance(name.toLowerCase(), tagName) <= 3;
}

/** The tags of JSDoc comments in `text` that look like misspellings of `@differentiable`: the offset of their `@`, and their name. */
export function misspelledTags(text: string): { offset: number; name: string }[] {
  const found: { offset: number; name: string }[] = [];
  for (const m of text.matchAll(/(?<=[\s*])@([A-Za-z][\w-]*)/g)) {
    if (!isMisspelledTag(m[1])) continue;
    const open = text.lastIndexOf('/**', m.index);
    const close = open < 0 ? -1 : text.indexOf('*/', open + 3);
    if (open >= 0 && (close < 0 || close > m.index)) found.push({ offset: m.index, name: m[1] });
  }
  return found;
}

/** Whether a file may hold marked functions, or a misspelled mark (then it is compiled, to warn about it). */
export function mentionsTag(text: string): boolean {
  return text.includes(`@${tagName}`) || misspelledTags(text).length > 0;
}
