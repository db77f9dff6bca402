/** The primer's function, f(x, y) = (x + y)(x − y): `adc graph` draws it in the demo. */

/** @differentiable */
export function f(x: number, y: number): number {
  const a = x + y;
  const b = x - y;
  return a * b;
}
