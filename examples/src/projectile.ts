/**
 * A projectile with air drag, integrated with small Euler steps: how far does
 * it fly for a launch angle θ and speed v? Branches, a data-dependent loop and
 * an early exit, differentiated like any other code.
 */

/** @differentiable */
export function range(theta: number, speed: number): number {
  const dt = 0.001;
  const drag = 0.05;
  let x = 0;
  let y = 0;
  let vx = speed * Math.cos(theta);
  let vy = speed * Math.sin(theta);
  for (let step = 0; step < 100000; step++) {
    const v = Math.hypot(vx, vy);
    vx -= drag * v * vx * dt;
    vy -= (9.81 + drag * v * vy) * dt;
    const nextY = y + vy * dt;
    if (nextY < 0) {
      // land between the two steps: interpolate where y crosses 0
      return x + vx * dt * (y / (y - nextY));
    }
    x += vx * dt;
    y = nextY;
  }
  return x;
}

/**
 * The path `range` integrates, for drawing it: the same Euler steps (same dt,
 * same drag), recording (x, y) at the start, every `every` steps and where it
 * lands, so its last x is `range(theta, speed)`. Not differentiated.
 */
export function trajectory(theta: number, speed: number, every = 20): { xs: number[]; ys: number[] } {
  const dt = 0.001;
  const drag = 0.05;
  let x = 0;
  let y = 0;
  let vx = speed * Math.cos(theta);
  let vy = speed * Math.sin(theta);
  const xs = [x];
  const ys = [y];
  for (let step = 0; step < 100000; step++) {
    const v = Math.hypot(vx, vy);
    vx -= drag * v * vx * dt;
    vy -= (9.81 + drag * v * vy) * dt;
    const nextY = y + vy * dt;
    if (nextY < 0) {
      xs.push(x + vx * dt * (y / (y - nextY)));
      ys.push(0);
      return { xs, ys };
    }
    x += vx * dt;
    y = nextY;
    if ((step + 1) % every === 0) {
      xs.push(x);
      ys.push(y);
    }
  }
  xs.push(x);
  ys.push(y);
  return { xs, ys };
}
