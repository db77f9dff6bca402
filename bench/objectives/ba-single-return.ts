/**
 * ADBench's bundle adjustment residuals exactly as in ba.ts, except that the
 * rotation returns once (see rodriguesRotatePoint below).
 */

/**
 * Rotates (x, y, z) by the angle-axis vector rot[0..2] (Rodrigues' formula).
 * Same as ba.ts, written with one return (the rotated point in locals) for
 * the compiler issue described in bench/README.md.
 */
function rodriguesRotatePoint(rot: Float64Array, x: number, y: number, z: number): number[] {
  const r0 = rot[0];
  const r1 = rot[1];
  const r2 = rot[2];
  const sqTheta = r0 * r0 + r1 * r1 + r2 * r2;
  let rx: number;
  let ry: number;
  let rz: number;
  if (sqTheta !== 0) {
    const theta = Math.sqrt(sqTheta);
    const cosTheta = Math.cos(theta);
    const sinTheta = Math.sin(theta);
    const thetaInverse = 1 / theta;
    const w0 = r0 * thetaInverse;
    const w1 = r1 * thetaInverse;
    const w2 = r2 * thetaInverse;
    const cross0 = w1 * z - w2 * y;
    const cross1 = w2 * x - w0 * z;
    const cross2 = w0 * y - w1 * x;
    const tmp = (w0 * x + w1 * y + w2 * z) * (1 - cosTheta);
    rx = x * cosTheta + cross0 * sinTheta + w0 * tmp;
    ry = y * cosTheta + cross1 * sinTheta + w1 * tmp;
    rz = z * cosTheta + cross2 * sinTheta + w2 * tmp;
  } else {
    // first order near θ = 0: X + rot × X
    rx = x + r1 * z - r2 * y;
    ry = y + r2 * x - r0 * z;
    rz = z + r0 * y - r1 * x;
  }
  return [rx, ry, rz];
}

/**
 * The weighted reprojection error of `point` seen by `cam` at (featX, featY):
 * rotate into the camera frame, project, distort radially, scale and shift.
 *
 * @differentiable wrt(cam, point, w)
 */
export function reprojectionError(cam: Float64Array, point: Float64Array, w: number, featX: number, featY: number): number[] {
  const p = rodriguesRotatePoint(cam, point[0] - cam[3], point[1] - cam[4], point[2] - cam[5]);
  const u = p[0] / p[2];
  const v = p[1] / p[2];
  const rsq = u * u + v * v;
  const distortion = 1 + cam[9] * rsq + cam[10] * rsq * rsq;
  const projX = u * distortion * cam[6] + cam[7];
  const projY = v * distortion * cam[6] + cam[8];
  return [w * (projX - featX), w * (projY - featY)];
}

/**
 * The error of an observation's weight (ADBench's Zach robustifier).
 *
 * @differentiable
 */
export function weightError(w: number): number {
  return 1 - w * w;
}

/**
 * Every residual of the problem (not differentiated itself: the benchmark's
 * primal). `obsCam[i]`, `obsPoint[i]`: the camera and point of observation i;
 * `feats` its 2 measured coordinates. Writes 2 residuals per observation into
 * `reproj` and one into `wErr`.
 */
export function bundleAdjustmentResiduals(
  cams: Float64Array,
  points: Float64Array,
  weights: Float64Array,
  obsCam: Int32Array,
  obsPoint: Int32Array,
  feats: Float64Array,
  reproj: Float64Array,
  wErr: Float64Array,
): void {
  const cam = new Float64Array(11);
  const point = new Float64Array(3);
  for (let i = 0; i < obsCam.length; i++) {
    for (let j = 0; j < 11; j++) cam[j] = cams[obsCam[i] * 11 + j];
    for (let j = 0; j < 3; j++) point[j] = points[obsPoint[i] * 3 + j];
    const e = reprojectionError(cam, point, weights[i], feats[2 * i], feats[2 * i + 1]);
    reproj[2 * i] = e[0];
    reproj[2 * i + 1] = e[1];
    wErr[i] = weightError(weights[i]);
  }
}
