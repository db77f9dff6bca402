/**
 * Near misses, for "did you mean …?" in messages: a misspelled tag, an undeclared name
 * that is one typo away from a declared one.
 */

/**
 * Edits between `a` and `b`: insertions, deletions, substitutions and swaps of two
 * neighbouring letters (the optimal-string-alignment form of Damerau–Levenshtein):
 * `differentable` ⇒ 1, `differentiabel` ⇒ 1, `differentiated` ⇒ 3.
 */
export function editDistance(a: string, b: string): number {
  let before = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      row.push(d);
    }
    before = prev;
    prev = row;
  }
  return prev[b.length];
}

/** The candidate closest to `word` within `most` edits (ties: the first in sorted order), if any. */
export function closest(word: string, candidates: Iterable<string>, most: number): string | undefined {
  let best: string | undefined;
  let bestDistance = most + 1;
  for (const c of [...new Set(candidates)].sort()) {
    if (c === word || Math.abs(c.length - word.length) > most) continue;
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
