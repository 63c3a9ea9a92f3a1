// Shift-map fill (Pritch et al. 2009, "Shift-map image editing"; He & Sun 2012, "Statistics of
// patch offsets for image completion"): every hole pixel copies the photo at one of a few dozen
// offsets, and a graph cut (alpha expansion) picks the offset per pixel so that neighbouring copies
// agree where they meet and the copies agree with the photo across the hole's edge. The fill is
// then a few large coherent pieces whose joins run where they are least visible.
//
// Why (issue 12, BENCHMARKS.md): PatchMatch chooses a source for every pixel on its own, so its
// fills are patchworks from many places; their texture is not continuous with the photo at the
// hole's edge, which is where the seam measure and the eye look. A fill copied by a few long shifts
// continues the wall's courses, the planks and the grass. Alone, shift-maps copy whole objects into
// the hole (a second door beside the first); so here the labelling is also pulled toward the
// PatchMatch fill's low frequencies (`guide`): PatchMatch says what belongs where, the shift-map
// copies it coherently.
//
// The candidate offsets are He & Sun's: the peaks of the histogram of offsets between each known
// patch and its most similar known patch at least TAU px away (the photo's repetitions).
// Labelling runs on a downscaled crop when the hole is large; the copies are made at full
// resolution from the labels.

import { alphaExpansion } from './graphcut';
import { blurInHole } from './shading';
import { downscaleAllowed, downscaleCrop, holeBox, type Crop, type Rect } from './regions';
import { mulberry32 } from '../random';
import { throwIfAborted } from '../platform/cancel';
import type { Fill } from './exemplar';

export interface ShiftMapOptions {
  /** crop w×h, 1 where the fill may copy from */
  allowed?: Uint8Array;
  signal?: AbortSignal;
  seed?: number;
  /** weight of the guide's low frequencies in the labelling (0 = a plain shift-map) */
  guideWeight?: number;
}

/** Largest hole (pixels) labelled at full resolution; bigger holes are labelled on a k× smaller crop. */
const MAX_NODES = 12_000;
/** Patch width (working scale) of the offset statistics, and the shortest offset counted. */
const PATCH = 8;
const TAU = 8;
/** Candidate offsets kept (He & Sun use 60). */
const LABELS = 60;
/** Weight of the guide's σ 2 px colour against the seam costs (prototype: 1). */
export const GUIDE_WEIGHT = 1;
/** Cost of a source that is outside the crop, in the hole or outside the allowed area. */
const FORBIDDEN = 1e6;

interface Plane { w: number; h: number; data: Float32Array; hole: Uint8Array }

/** The crop's holes filled by a shift-map guided by `guide` (an exemplar fill of the same crop). */
export function shiftMapFill(crop: Crop, guide: Fill, o: ShiftMapOptions = {}): Fill {
  const k = Math.max(1, Math.ceil(Math.sqrt(crop.holes / MAX_NODES)));
  const guided = withFill(crop, guide);
  const small: Plane = k > 1 ? downscaleCrop(crop, k) : crop;
  const smallGuide = k > 1 ? downscaleCrop({ ...crop, data: guided }, k).data : guided;
  const allowed = o.allowed && (k > 1 ? downscaleAllowed(o.allowed, crop.w, crop.h, k) : o.allowed);
  const labels = labelHole(small, smallGuide, allowed, o);
  return render(crop, guide, guided, small, labels, k, o.allowed);
}

/** The crop's data with the guide's values in its holes. */
function withFill(crop: Crop, fill: Fill): Float32Array {
  const { w, C, hole } = crop;
  const out = Float32Array.from(crop.data);
  const { box } = fill, bw = box.x1 - box.x0 + 1;
  for (let y = box.y0; y <= box.y1; y++) for (let x = box.x0; x <= box.x1; x++) {
    const p = y * w + x;
    if (!hole[p]) continue;
    const d = (y - box.y0) * bw + x - box.x0;
    for (let c = 0; c < C; c++) out[p * C + c] = fill.values[d * C + c];
  }
  return out;
}

interface Labelling { shifts: Int32Array; /** per small pixel: label, −1 outside the hole */ label: Int32Array }

/** Alpha-expansion labelling of the hole of `img` (working scale) over the dominant offsets. */
function labelHole(img: Plane, guide: Float32Array, allowed: Uint8Array | undefined, o: ShiftMapOptions): Labelling {
  const { w, h, data, hole } = img;
  const C = 3;
  // sources keep one pixel off the hole: a pixel next to it holds the object's fringe
  const bad = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    if (!hole[y * w + x]) continue;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const yy = y + dy, xx = x + dx;
      if (yy >= 0 && xx >= 0 && yy < h && xx < w) bad[yy * w + xx] = 1;
    }
  }
  if (allowed) for (let p = 0; p < w * h; p++) if (!allowed[p]) bad[p] = 1;
  const shifts = dominantOffsets(img, bad, o.seed ?? 1);
  const L = shifts.length / 2;
  const nodes: number[] = [];
  const node = new Int32Array(w * h).fill(-1);
  for (let p = 0; p < w * h; p++) if (hole[p]) { node[p] = nodes.length; nodes.push(p); }
  const n = nodes.length;
  const label = new Int32Array(w * h).fill(-1);
  if (L === 0 || n === 0) return { shifts, label };
  throwIfAborted(o.signal);

  // the copy under each label (clamped inside the crop). A forbidden source costs FORBIDDEN at its
  // own pixel, but the seam cost of a neighbour's label still reads it: there it is the guide's
  // estimate, never the hole's own content (the object being removed)
  const val = new Float32Array(L * n * C);
  const unary = new Float32Array(L * n);
  const wGuide = o.guideWeight ?? GUIDE_WEIGHT;
  const blurredPhoto = wGuide > 0 ? knownBlur(data, hole, w, h) : null;
  const blurredGuide = wGuide > 0 ? blurInHole(guide, w, h, C, new Uint8Array(w * h).fill(1), 2) : null;
  for (let l = 0; l < L; l++) {
    const sy = shifts[2 * l], sx = shifts[2 * l + 1];
    for (let i = 0; i < n; i++) {
      const p = nodes[i], x = p % w, y = (p - x) / w;
      const qx = x + sx, qy = y + sy;
      const inside = qx >= 0 && qy >= 0 && qx < w && qy < h;
      const q = Math.min(h - 1, Math.max(0, qy)) * w + Math.min(w - 1, Math.max(0, qx));
      for (let c = 0; c < C; c++) val[(l * n + i) * C + c] = guide[q * C + c];
      if (!inside || bad[q]) { unary[l * n + i] = FORBIDDEN; continue; }
      let u = 0;
      if (blurredPhoto && blurredGuide) u += wGuide * dist3(blurredPhoto, q, blurredGuide, p);
      // the copy of each known 4-neighbour must match that neighbour (the hole's edge)
      for (let d = 0; d < 4; d++) {
        const nx = x + DX[d], ny = y + DY[d];
        if (nx < 0 || ny < 0 || nx >= w || ny >= h || hole[ny * w + nx]) continue;
        // p + shift is off the dilated hole, so its neighbour n + shift is known where it is inside
        const mx = nx + sx, my = ny + sy;
        if (mx >= 0 && my >= 0 && mx < w && my < h) u += 2 * dist3(data, my * w + mx, data, ny * w + nx);
      }
      unary[l * n + i] = u;
    }
  }
  const ea: number[] = [], eb: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = nodes[i], x = p % w;
    if (x + 1 < w && node[p + 1] >= 0) { ea.push(i); eb.push(node[p + 1]); }
    if (p + w < w * h && node[p + w] >= 0) { ea.push(i); eb.push(node[p + w]); }
  }
  const edgeA = Int32Array.from(ea), edgeB = Int32Array.from(eb);
  // seam cost (Kwatra et al.): how different the two copies are at both pixels of the edge
  const pairwise = (e: number, la: number, lb: number): number => {
    if (la === lb) return 0;
    const a = edgeA[e], b = edgeB[e];
    return dist3(val, la * n + a, val, lb * n + a) + dist3(val, la * n + b, val, lb * n + b);
  };
  const init = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let l = 1; l < L; l++) if (unary[l * n + i] < unary[best * n + i]) best = l;
    init[i] = best;
  }
  const result = alphaExpansion({ nodes: n, labels: L, unary, edgeA, edgeB, pairwise, init, cycles: 2, onMove: () => throwIfAborted(o.signal) });
  for (let i = 0; i < n; i++) label[nodes[i]] = result[i];
  return { shifts, label };
}

const DX = [1, -1, 0, 0], DY = [0, 0, 1, -1];

function dist3(a: Float32Array, i: number, b: Float32Array, j: number): number {
  const d0 = a[i * 3] - b[j * 3], d1 = a[i * 3 + 1] - b[j * 3 + 1], d2 = a[i * 3 + 2] - b[j * 3 + 2];
  return Math.sqrt(d0 * d0 + d1 * d1 + d2 * d2);
}

/** σ 2 px Gaussian of the known pixels only (normalised by their weight), so the hole's content never leaks in. */
function knownBlur(data: Float32Array, hole: Uint8Array, w: number, h: number): Float32Array {
  const all = new Uint8Array(w * h).fill(1);
  const masked = new Float32Array(w * h * 3), weight = new Float32Array(w * h);
  for (let p = 0; p < w * h; p++) if (!hole[p]) { weight[p] = 1; for (let c = 0; c < 3; c++) masked[p * 3 + c] = data[p * 3 + c]; }
  const num = blurInHole(masked, w, h, 3, all, 2), den = blurInHole(weight, w, h, 1, all, 2);
  for (let p = 0; p < w * h; p++) { const s = den[p] > 1e-3 ? 1 / den[p] : 0; for (let c = 0; c < 3; c++) num[p * 3 + c] *= s; }
  return num;
}

/**
 * He & Sun's candidate offsets: each fully known PATCH×PATCH patch is matched (PatchMatch on
 * compact features) to its most similar known patch at least TAU px away; the histogram of those
 * offsets, smoothed, has its LABELS highest local maxima returned as (dy, dx) pairs.
 */
function dominantOffsets(img: Plane, bad: Uint8Array, seed: number): Int32Array {
  const { w, h } = img;
  const pw = w - PATCH + 1, ph = h - PATCH + 1;
  if (pw < 1 || ph < 1) return new Int32Array(0);
  const feats = patchFeatures(img, bad, pw, ph);
  const { pos, F, D } = feats;
  const N = pos.length;
  if (N < 2) return new Int32Array(0);
  const at = new Int32Array(pw * ph).fill(-1);
  for (let i = 0; i < N; i++) at[pos[i]] = i;
  const rand = mulberry32(seed);
  const match = new Int32Array(N), cost = new Float64Array(N);
  const far = (i: number, j: number): boolean => {
    const dx = (pos[j] % pw) - (pos[i] % pw), dy = ((pos[j] / pw) | 0) - ((pos[i] / pw) | 0);
    return dx * dx + dy * dy > TAU * TAU;
  };
  const dist = (i: number, j: number): number => {
    let s = 0;
    for (let d = 0; d < D; d++) { const t = F[i * D + d] - F[j * D + d]; s += t * t; }
    return s;
  };
  for (let i = 0; i < N; i++) {
    let j = (rand() * N) | 0;
    for (let t = 0; t < 8 && !far(i, j); t++) j = (rand() * N) | 0;
    match[i] = j; cost[i] = far(i, j) ? dist(i, j) : Infinity;
  }
  const tryMatch = (i: number, j: number): void => {
    if (j < 0 || j === match[i] || !far(i, j)) return;
    const c = dist(i, j);
    if (c < cost[i]) { cost[i] = c; match[i] = j; }
  };
  for (let it = 0; it < 4; it++) {
    const fwd = it % 2 === 0, step = fwd ? 1 : -1;
    for (let t = 0; t < N; t++) {
      const i = fwd ? t : N - 1 - t;
      const x = pos[i] % pw, y = (pos[i] / pw) | 0;
      // propagation: the neighbour's match, moved along
      for (const [nx, ny] of [[x - step, y], [x, y - step]]) {
        if (nx < 0 || ny < 0 || nx >= pw || ny >= ph) continue;
        const nb = at[ny * pw + nx];
        if (nb < 0) continue;
        const mx = (pos[match[nb]] % pw) + (x - nx), my = ((pos[match[nb]] / pw) | 0) + (y - ny);
        if (mx >= 0 && my >= 0 && mx < pw && my < ph) tryMatch(i, at[my * pw + mx]);
      }
      // random search around the current match, radius halving
      const cx = pos[match[i]] % pw, cy = (pos[match[i]] / pw) | 0;
      for (let r = Math.max(pw, ph); r >= 1; r >>= 1) {
        const mx = Math.round(cx + (rand() * 2 - 1) * r), my = Math.round(cy + (rand() * 2 - 1) * r);
        if (mx >= 0 && my >= 0 && mx < pw && my < ph) tryMatch(i, at[my * pw + mx]);
      }
    }
  }
  // histogram of offsets, σ √2 px, local maxima in 5×5
  const hw = 2 * pw - 1, hh = 2 * ph - 1;
  const hist = new Float32Array(hw * hh);
  for (let i = 0; i < N; i++) {
    if (!Number.isFinite(cost[i])) continue;
    const dx = (pos[match[i]] % pw) - (pos[i] % pw), dy = ((pos[match[i]] / pw) | 0) - ((pos[i] / pw) | 0);
    hist[(dy + ph - 1) * hw + dx + pw - 1]++;
  }
  const sm = blurInHole(hist, hw, hh, 1, new Uint8Array(hw * hh).fill(1), Math.SQRT2);
  const peaks: number[] = [];
  for (let y = 0; y < hh; y++) for (let x = 0; x < hw; x++) {
    const v = sm[y * hw + x];
    if (v <= 1e-6) continue;
    let top = true;
    for (let dy = -2; dy <= 2 && top; dy++) for (let dx = -2; dx <= 2; dx++) {
      const yy = y + dy, xx = x + dx;
      if ((dy || dx) && yy >= 0 && xx >= 0 && yy < hh && xx < hw && (sm[yy * hw + xx] > v || (sm[yy * hw + xx] === v && yy * hw + xx < y * hw + x))) { top = false; break; }
    }
    if (top) peaks.push(y * hw + x);
  }
  peaks.sort((a, b) => sm[b] - sm[a] || a - b);
  const out = new Int32Array(2 * Math.min(LABELS, peaks.length));
  for (let i = 0; i < out.length / 2; i++) {
    out[2 * i] = ((peaks[i] / hw) | 0) - (ph - 1);
    out[2 * i + 1] = (peaks[i] % hw) - (pw - 1);
  }
  return out;
}

/**
 * Compact patch features for the offset statistics, per fully known patch position: mean colour of
 * its 2×2 quarters and mean luma of its 4×4 sixteenths (28 numbers, by summed-area tables).
 */
function patchFeatures(img: Plane, bad: Uint8Array, pw: number, ph: number): { pos: Int32Array; F: Float32Array; D: number } {
  const { w, h, data } = img;
  const W1 = w + 1;
  const sat = (plane: (p: number) => number): Float64Array => {
    const s = new Float64Array(W1 * (h + 1));
    for (let y = 0; y < h; y++) {
      let row = 0;
      for (let x = 0; x < w; x++) { row += plane(y * w + x); s[(y + 1) * W1 + x + 1] = s[y * W1 + x + 1] + row; }
    }
    return s;
  };
  const sum = (s: Float64Array, x: number, y: number, bw: number, bh: number): number =>
    s[(y + bh) * W1 + x + bw] - s[y * W1 + x + bw] - s[(y + bh) * W1 + x] + s[y * W1 + x];
  const badSat = sat((p) => bad[p]);
  const chans = [0, 1, 2].map((c) => sat((p) => data[p * 3 + c]));
  const lum = sat((p) => 0.299 * data[p * 3] + 0.587 * data[p * 3 + 1] + 0.114 * data[p * 3 + 2]);
  const positions: number[] = [];
  for (let y = 0; y < ph; y++) for (let x = 0; x < pw; x++) if (sum(badSat, x, y, PATCH, PATCH) === 0) positions.push(y * pw + x);
  const D = 28, half = PATCH / 2, q = PATCH / 4;
  const F = new Float32Array(positions.length * D);
  positions.forEach((pp, i) => {
    const x = pp % pw, y = (pp / pw) | 0;
    let d = 0;
    for (let by = 0; by < 2; by++) for (let bx = 0; bx < 2; bx++) for (let c = 0; c < 3; c++) F[i * D + d++] = sum(chans[c], x + bx * half, y + by * half, half, half) / (half * half);
    for (let by = 0; by < 4; by++) for (let bx = 0; bx < 4; bx++) F[i * D + d++] = sum(lum, x + bx * q, y + by * q, q, q) / (q * q);
  });
  return { pos: Int32Array.from(positions), F, D };
}

/**
 * Full-resolution fill over the crop's hole box: each hole pixel copies the pixel at its label's
 * offset (scaled by k); a source that lands in the hole or outside the allowed area keeps the guide.
 */
function render(crop: Crop, guide: Fill, guided: Float32Array, small: Plane, lab: Labelling, k: number, allowed: Uint8Array | undefined): Fill {
  const { w, h, C, data, hole } = crop;
  const box: Rect = holeBox(crop);
  const bw = box.x1 - box.x0 + 1, bh = box.y1 - box.y0 + 1;
  const values = new Float32Array(bw * bh * C);
  const source = new Int32Array(bw * bh).fill(-1);
  const gw = guide.box.x1 - guide.box.x0 + 1;
  for (let y = box.y0; y <= box.y1; y++) for (let x = box.x0; x <= box.x1; x++) {
    const p = y * w + x, d = (y - box.y0) * bw + x - box.x0;
    for (let c = 0; c < C; c++) values[d * C + c] = guided[p * C + c];
    if (!hole[p]) continue;
    const l = lab.label[((y / k) | 0) * small.w + ((x / k) | 0)];
    if (l >= 0) {
      const sx = x + k * lab.shifts[2 * l + 1], sy = y + k * lab.shifts[2 * l];
      const q = sy * w + sx;
      if (sx >= 0 && sy >= 0 && sx < w && sy < h && !hole[q] && (!allowed || allowed[q])) {
        for (let c = 0; c < C; c++) values[d * C + c] = data[q * C + c];
        source[d] = q;
        continue;
      }
    }
    // keep the guide's pixel (and where it came from)
    const gx = x - guide.box.x0, gy = y - guide.box.y0;
    if (guide.source && gx >= 0 && gy >= 0 && gx < gw && y <= guide.box.y1) source[d] = guide.source[gy * gw + gx];
  }
  return { values, source, box };
}
