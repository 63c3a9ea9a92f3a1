// Is a flagged mark an arc of a circle the photo draws? The lit ring of a camera dial, the rim of a
// wheel or a coin is a curved line the U-Net takes for a scratch, and where the surfaces on both
// sides have the same tone the lit-rim rule (rims.ts) cannot tell. What gives it away is the rest
// of the circle: the photo goes on drawing it, unflagged, as an edge or a fainter ridge. So a mark
// that fits a circle closely, and whose circle carries on as a contour round much of the rest of
// its circumference, is left to the photo. A scratch or a hair that happens to curve has nothing
// following its circle beyond its ends. Small circles are not judged: a curled hair's circle is too
// short to read, and its own edges lie on it.
import type { ImageBuffer } from '../../image/types';
import { clearMarks, lumaAt, marksOf } from './morph';

/** Marks smaller than this many working pixels are not judged. */
const MIN_AREA = 40;
/** Least radius judged, working pixels. */
const MIN_RADIUS = 15;
/** The mark fits its circle: median |distance to the centre − radius| at most this, working pixels… */
const MAX_RESIDUAL = 3;
/** …it is a band, not a blob: area ÷ arc length at most this, working pixels… */
const MAX_THICKNESS = 10;
/** …and an arc: it spans between these angles (a full ring may be a ring stain). */
const MIN_SPAN = (15 * Math.PI) / 180, MAX_SPAN = (240 * Math.PI) / 180;
/** Angle left out at each end of the mark before the rest of the circle is read. */
const END_MARGIN = (5 * Math.PI) / 180;
/** A contour crosses the circle where the radial luma gradient peaks at this (grey levels per working
 *  pixel) and at PEAK_RATIO times its median across the band (a peak, not grain)… */
const EDGE = 8;
const PEAK_RATIO = 2.5;
/** …at a radius within this of both neighbours' (working pixels): it runs round, it is not texture. */
const ALONG = 1;
/** The mark is the photo's when a contour follows its circle at this share of the rest (a dial's rim
 *  fades where the dial meets a body of its own tone; at 0.3 true damage on the synthetic split
 *  began to go, BENCHMARKS.md issue 13, session 18). */
const CONTOUR_SHARE = 0.4;
/** Radii tried for a mark whose own fit finds no contour: the fitted radius times 0.6 · 1.1^i, up to 2.5. */
const RADIUS_FACTORS = Array.from({ length: 16 }, (_, i) => 0.6 * 1.1 ** i).filter((f) => Math.abs(f - 1) >= 0.05 && f <= 2.5);
/** At most this many of a mark's pixels are used for the fit. */
const FIT_SAMPLES = 2000;

interface Circle {
  cx: number;
  cy: number;
  r: number;
}

/**
 * Least-squares circle through the points: Kåsa's algebraic fit, refined on the geometric distances;
 * null when they are collinear.
 */
export function fitCircle(xs: ArrayLike<number>, ys: ArrayLike<number>): Circle | null {
  const n = xs.length;
  if (n < 3) return null;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += xs[i]; my += ys[i]; }
  mx /= n; my /= n;
  // centred coordinates: solve for u, v, c in x² + y² = 2ux + 2vy + c
  let sxx = 0, syy = 0, sxy = 0, sxz = 0, syz = 0, sz = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i] - mx, y = ys[i] - my, z = x * x + y * y;
    sxx += x * x; syy += y * y; sxy += x * y; sxz += x * z; syz += y * z; sz += z;
  }
  const det = sxx * syy - sxy * sxy;
  if (Math.abs(det) < 1e-9 * (sxx + syy) * (sxx + syy) || det === 0) return null;
  const u = (sxz * syy - syz * sxy) / (2 * det), v = (syz * sxx - sxz * sxy) / (2 * det);
  let cx = u + mx, cy = v + my, r = Math.sqrt(u * u + v * v + sz / n);
  // the algebraic fit is biased toward smaller circles on short, thick arcs: refine by Gauss–Newton
  // on the geometric distances |p − c| − r
  for (let it = 0; it < 10; it++) {
    const A = [0, 0, 0, 0, 0, 0, 0, 0, 0], g = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      const dx = xs[i] - cx, dy = ys[i] - cy, d = Math.hypot(dx, dy) || 1e-9;
      const j = [-dx / d, -dy / d, -1], e = d - r;
      for (let a = 0; a < 3; a++) {
        g[a] += j[a] * e;
        for (let b = 0; b < 3; b++) A[a * 3 + b] += j[a] * j[b];
      }
    }
    const step = solve3(A, g);
    if (!step) break;
    cx -= step[0]; cy -= step[1]; r -= step[2];
    if (Math.abs(step[0]) + Math.abs(step[1]) + Math.abs(step[2]) < 1e-6) break;
  }
  return r > 0 && Number.isFinite(r) ? { cx, cy, r } : null;
}

/** Solves the 3×3 system A x = b (A row-major) by Cramer's rule; null when singular. */
function solve3(A: number[], b: number[]): number[] | null {
  const det = (m: number[]): number => m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
  const D = det(A);
  if (Math.abs(D) < 1e-12) return null;
  return [0, 1, 2].map((c) => det(A.map((v, i) => (i % 3 === c ? b[(i / 3) | 0] : v))) / D);
}

/** Bilinear luma at (x, y), which must lie inside the image. */
function lumaBilinear(image: ImageBuffer, x: number, y: number): number {
  const { width: W, data, channels: C } = image;
  const x0 = Math.floor(x), y0 = Math.floor(y), tx = x - x0, ty = y - y0, p = y0 * W + x0;
  const top = lumaAt(data, p, C) * (1 - tx) + lumaAt(data, p + 1, C) * tx;
  const bottom = lumaAt(data, p + W, C) * (1 - tx) + lumaAt(data, p + W + 1, C) * tx;
  return top * (1 - ty) + bottom * ty;
}

/**
 * Is the mark (`pixels`, full-resolution indices) an arc of a circle the photo goes on drawing?
 * `k` is full-resolution pixels per working pixel.
 */
function isCircleArc(image: ImageBuffer, mask: Uint8Array, pixels: ArrayLike<number>, k: number): boolean {
  const n = pixels.length;
  const stride = Math.max(1, Math.floor(n / FIT_SAMPLES));
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < n; i += stride) { xs.push(pixels[i] % image.width); ys.push((pixels[i] / image.width) | 0); }
  const c = fitCircle(xs, ys);
  if (!c) return false;
  if (photoDrawsCircle(image, mask, n, xs, ys, c, k)) return true;
  // a short arc pins its own curvature only loosely (a 40° arc of a dial's rim fitted a radius a
  // tenth short, and the rest of the fitted circle missed the rim): try the circles that touch the
  // mark at its middle with other radii; each must still fit the mark
  let mx = 0, my = 0;
  for (let i = 0; i < xs.length; i++) { mx += xs[i]; my += ys[i]; }
  mx /= xs.length; my /= xs.length;
  const a = Math.atan2(my - c.cy, mx - c.cx);
  const tx = c.cx + c.r * Math.cos(a), ty = c.cy + c.r * Math.sin(a);
  return RADIUS_FACTORS.some((f) => {
    const r = c.r * f;
    return photoDrawsCircle(image, mask, n, xs, ys, { cx: tx - r * Math.cos(a), cy: ty - r * Math.sin(a), r }, k);
  });
}

/**
 * Does the mark (n pixels, sampled at xs, ys) lie on circle c as an arc, and does the photo go on
 * drawing c round the rest of it?
 */
function photoDrawsCircle(image: ImageBuffer, mask: Uint8Array, n: number, xs: number[], ys: number[], c: Circle, k: number): boolean {
  const { width: W, height: H } = image;
  if (c.r < MIN_RADIUS * k || c.r > 0.5 * Math.min(W, H)) return false;
  const off = xs.map((x, i) => Math.abs(Math.hypot(x - c.cx, ys[i] - c.cy) - c.r)).sort((a, b) => a - b);
  if (off[off.length >> 1] > MAX_RESIDUAL * k) return false;
  // the span: the circle less the largest angular gap between the mark's pixels
  const angles = xs.map((x, i) => Math.atan2(ys[i] - c.cy, x - c.cx)).sort((a, b) => a - b);
  let gap = angles[0] + 2 * Math.PI - angles[angles.length - 1], gapStart = angles[angles.length - 1];
  for (let i = 1; i < angles.length; i++) {
    if (angles[i] - angles[i - 1] > gap) { gap = angles[i] - angles[i - 1]; gapStart = angles[i - 1]; }
  }
  const span = 2 * Math.PI - gap;
  if (span < MIN_SPAN || span > MAX_SPAN || n / (c.r * span) > MAX_THICKNESS * k) return false;
  // read the rest of the circle, one sample per working pixel of arc; at each, the radius where the
  // radial luma gradient peaks, within a band that absorbs the fit's error
  const from = gapStart + END_MARGIN, to = gapStart + gap - END_MARGIN;
  const samples = Math.max(8, Math.round(((to - from) * c.r) / k));
  const band = Math.max(3 * k, 0.05 * c.r), dr = 0.5 * k;
  const radii: number[] = [];
  for (let r = c.r - band; r <= c.r + band + 1e-9; r += dr) radii.push(r);
  const profile = new Float64Array(radii.length), gradient = new Float64Array(radii.length);
  const peakAt: Array<number | null> = [], strong: boolean[] = [];
  for (let s = 0; s < samples; s++) {
    const a = from + ((to - from) * s) / (samples - 1);
    const ca = Math.cos(a), sa = Math.sin(a);
    const mx = Math.round(c.cx + ca * c.r), my = Math.round(c.cy + sa * c.r);
    // the radii run along one ray, so the band is inside the image when both its ends are
    const inside = [radii[0], radii[radii.length - 1]].every((r) => {
      const x = c.cx + ca * r, y = c.cy + sa * r;
      return x >= 0 && y >= 0 && x < W - 1 && y < H - 1;
    });
    if (!inside || mask[my * W + mx]) { peakAt.push(null); strong.push(false); continue; }
    radii.forEach((r, i) => { profile[i] = lumaBilinear(image, c.cx + ca * r, c.cy + sa * r); });
    let best = -1, at = 0;
    for (let i = 0; i < radii.length; i++) {
      const lo = Math.max(0, i - 1), hi = Math.min(radii.length - 1, i + 1);
      gradient[i] = Math.abs(profile[hi] - profile[lo]) / ((hi - lo) * dr);
      if (gradient[i] > best) { best = gradient[i]; at = radii[i]; }
    }
    const typical = gradient.slice().sort()[radii.length >> 1];
    peakAt.push(at);
    strong.push(best >= EDGE / k && best >= PEAK_RATIO * typical);
  }
  let valid = 0, contour = 0;
  for (let s = 0; s < samples; s++) {
    const at = peakAt[s];
    if (at === null) continue;
    valid++;
    const runsOn = [s - 1, s + 1].every((t) => t >= 0 && t < samples && peakAt[t] !== null && Math.abs((peakAt[t] as number) - at) <= ALONG * k);
    if (strong[s] && runsOn) contour++;
  }
  return valid >= Math.max(8, 0.25 * samples) && contour >= CONTOUR_SHARE * valid;
}

/**
 * Clears from `mask` (255 = damage, full resolution; and from `wide` when given) every mark of at
 * least MIN_AREA working pixels that is an arc of a circle the photo goes on drawing. `scale` is
 * full-resolution pixels per working pixel. Returns the number of marks cleared.
 */
export function clearCircleArcs(image: ImageBuffer, mask: Uint8Array, wide: Uint8Array | null, scale: number): number {
  const k = Math.max(1, scale);
  // judged against the mask as the detectors left it, so the order of the marks does not matter
  const arcs = marksOf(mask, image.width, image.height, MIN_AREA * k * k).filter((pixels) => isCircleArc(image, mask, pixels, k));
  clearMarks(arcs, mask, wide);
  return arcs.length;
}
