/**
 * Numeric code that computes a value which may overflow (or divide by zero, or take the logarithm
 * of 0) and then does not use it on the path taken, choosing a stable form there: the programs of
 * the zero-(co)tangent rule (README), written as ML and geometry code writes them. Both property
 * generators print these lines around operands of their own.
 *
 * - softplus: `const t = K * u; const e = Math.exp(t);` then `t > 30 ? t / K : Math.log1p(e) / K`
 * - sigmoid: both `Math.exp(t)` and `Math.exp(-t)` computed, `t >= 0 ? 1 / (1 + en) : ep / (1 + ep)`
 * - blend: `w · σ(t)` as `e * w / (1 + e)`, or `w` itself where `e = Math.exp(t)` overflows
 * - pole: `const q = w / (Math.round(u) - c)`, used only where the divisor is not 0
 * - xlogx: `p · log p` with `p = u²`, `max(0, u)²` or `0 * (u * u)` (`Math.log(0)`), and 0 where `p` is 0
 *
 * K is large (50 to 5000), so that the exponentials overflow at ordinary points (e^(1000 u) for
 * u > 0.71; with K = 50 they stay finite, and huge). The choice is a
 * ternary, an `if`/`else` assigning a `let v: number` declared without initialiser, or two `if`s
 * assigning a `let v!: number`.
 */
export const guardForms = ['softplus', 'sigmoid', 'blend', 'pole', 'xlogx'] as const;
export type GuardForm = (typeof guardForms)[number];
export const guardStyles = ['ternary', 'if', 'bang'] as const;
export type GuardStyle = (typeof guardStyles)[number];

const sharpness = [50, 1000, 5000];
const poles = [0, 1, -1];

/**
 * The lines (unindented; nested lines start with two spaces) and the name of the variable holding
 * the value. `u`, `w` are operands printed so that they need no parentheses; `k` chooses K (or the
 * pole, or the factor m); `fresh` names each new variable.
 */
export function guardLines(form: GuardForm, k: number, u: string, w: string, style: GuardStyle, fresh: (prefix: string) => string): { lines: string[]; name: string } {
  const lines: string[] = [];
  const constant = (prefix: string, init: string) => {
    const name = fresh(prefix);
    lines.push(`const ${name} = ${init};`);
    return name;
  };
  const K = sharpness[k % sharpness.length];
  let test: string;
  let stable: string;
  let unstable: string;
  switch (form) {
    case 'softplus': {
      const t = constant('t', `${K} * ${u}`);
      const e = constant('e', `Math.exp(${t})`);
      [test, stable, unstable] = [`${t} > 30`, `${t} / ${K}`, `Math.log1p(${e}) / ${K}`];
      break;
    }
    case 'sigmoid': {
      const t = constant('t', `${K} * ${u}`);
      const ep = constant('e', `Math.exp(${t})`);
      const en = constant('e', `Math.exp(-${t})`);
      [test, stable, unstable] = [`${t} >= 0`, `1 / (1 + ${en})`, `${ep} / (1 + ${ep})`];
      break;
    }
    case 'blend': {
      const t = constant('t', `${K} * ${u}`);
      const e = constant('e', `Math.exp(${t})`);
      const scaled = constant('s', `${e} * ${w}`);
      [test, stable, unstable] = [`${t} > 30`, w, `${scaled} / (1 + ${e})`];
      break;
    }
    case 'pole': {
      const c = poles[k % poles.length];
      const d = constant('d', c === 0 ? `Math.round(${u})` : `Math.round(${u}) ${c > 0 ? '-' : '+'} ${Math.abs(c)}`);
      const q = constant('q', `${w} / ${d}`);
      [test, stable, unstable] = [`${d} === 0`, w, q];
      break;
    }
    case 'xlogx': {
      const p = constant('p', [`0 * (${u} * ${u})`, `Math.max(0, ${u}) ** 2`, `${u} * ${u}`][k % 3]);
      const l = constant('l', `Math.log(${p})`);
      [test, stable, unstable] = [`${p} <= 0`, '0', `${p} * ${l}`];
      break;
    }
  }
  const v = fresh('v');
  if (style === 'ternary') {
    lines.push(`const ${v} = ${test} ? ${stable} : ${unstable};`);
  } else if (style === 'if') {
    lines.push(`let ${v}: number;`, `if (${test}) {`, `  ${v} = ${stable};`, '} else {', `  ${v} = ${unstable};`, '}');
  } else {
    lines.push(`let ${v}!: number;`, `if (${test}) {`, `  ${v} = ${stable};`, '}', `if (!(${test})) {`, `  ${v} = ${unstable};`, '}');
  }
  return { lines, name: v };
}
