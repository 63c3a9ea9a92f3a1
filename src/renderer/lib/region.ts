// The object tool's region growing, on a downscaled working copy of the photo (RGBA pixels):
// grow from the clicked pixel over 4-neighbours whose colour stays within `tolerance` of the seed
// colour, not growing across strong edges; then grow or shrink the selection. Pure: unit-tested.
import { squaredDistanceTransform } from '../../shared/raster/distance';
import type { Rect } from './geometry';

export interface WorkingImage {
  width: number;
  height: number;
  /** RGBA, row-major (ImageData layout). */
  data: Uint8ClampedArray | Uint8Array;
}

export interface RegionOptions {
  /** 0–100: how different (in colour) a pixel may be from the seed and still join. */
  tolerance: number;
  /** Pixels to grow (> 0) or shrink (< 0) the selection by, in working-image pixels. */
  grow: number;
}

export interface Region {
  /** 1 = selected, per working pixel. */
  selected: Uint8Array;
  bounds: Rect;
  count: number;
}

/** Sobel gradient magnitude of the luminance. */
export function gradientMagnitude(img: WorkingImage): Float32Array {
  const { width: w, height: h, data } = img;
  const lum = new Float32Array(w * h);
  for (let i = 0, o = 0; i < lum.length; i++, o += 4) lum[i] = 0.299 * data[o]! + 0.587 * data[o + 1]! + 0.114 * data[o + 2]!;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const ym = y > 0 ? y - 1 : 0;
    const yp = y < h - 1 ? y + 1 : h - 1;
    for (let x = 0; x < w; x++) {
      const xm = x > 0 ? x - 1 : 0;
      const xp = x < w - 1 ? x + 1 : w - 1;
      const gx =
        lum[ym * w + xp]! + 2 * lum[y * w + xp]! + lum[yp * w + xp]! - lum[ym * w + xm]! - 2 * lum[y * w + xm]! - lum[yp * w + xm]!;
      const gy =
        lum[yp * w + xm]! + 2 * lum[yp * w + x]! + lum[yp * w + xp]! - lum[ym * w + xm]! - 2 * lum[ym * w + x]! - lum[ym * w + xp]!;
      out[y * w + x] = Math.sqrt(gx * gx + gy * gy) / 4;
    }
  }
  return out;
}

/** Grow a region from (sx, sy). Returns null when the seed lies outside the image. */
export function growRegion(img: WorkingImage, sx: number, sy: number, options: RegionOptions, gradient = gradientMagnitude(img)): Region | null {
  const { width: w, height: h, data } = img;
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  if (x0 < 0 || y0 < 0 || x0 >= w || y0 >= h) return null;
  const tol = Math.max(0, Math.min(100, options.tolerance));
  // Seed colour: mean of the 3×3 neighbourhood, so texture at the click does not decide alone.
  let sr = 0, sg = 0, sb = 0, n = 0;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const x = Math.min(w - 1, Math.max(0, x0 + dx));
      const y = Math.min(h - 1, Math.max(0, y0 + dy));
      const o = (y * w + x) * 4;
      sr += data[o]!; sg += data[o + 1]!; sb += data[o + 2]!; n++;
    }
  }
  sr /= n; sg /= n; sb /= n;
  const maxDist = tol * 2.5; // 0–250 in RGB Euclidean distance
  const maxDist2 = maxDist * maxDist;
  // Edges stop the growth: a pixel on a strong edge may join but does not spread further.
  const edgeLimit = Math.max(12, maxDist * 1.2);
  const selected = new Uint8Array(w * h);
  const queue = new Int32Array(w * h);
  let head = 0, tail = 0;
  const seed = y0 * w + x0;
  selected[seed] = 1;
  queue[tail++] = seed;
  let minX = x0, maxX = x0, minY = y0, maxY = y0;
  let count = 1;
  while (head < tail) {
    const i = queue[head++]!;
    if (i !== seed && gradient[i]! > edgeLimit) continue;
    const x = i % w;
    const y = (i - x) / w;
    for (let k = 0; k < 4; k++) {
      const nx = k === 0 ? x - 1 : k === 1 ? x + 1 : x;
      const ny = k === 2 ? y - 1 : k === 3 ? y + 1 : y;
      if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
      const j = ny * w + nx;
      if (selected[j]) continue;
      const o = j * 4;
      const dr = data[o]! - sr, dg = data[o + 1]! - sg, db = data[o + 2]! - sb;
      if (dr * dr + dg * dg + db * db > maxDist2) continue;
      selected[j] = 1;
      queue[tail++] = j;
      count++;
      if (nx < minX) minX = nx;
      if (nx > maxX) maxX = nx;
      if (ny < minY) minY = ny;
      if (ny > maxY) maxY = ny;
    }
  }
  let region: Region = { selected, bounds: { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 }, count };
  region = fillEnclosedHoles(region, w, h);
  if (options.grow !== 0) region = morph(region, w, h, Math.round(options.grow));
  return region;
}

/** Fill holes fully enclosed by the selection (texture specks inside an object). */
export function fillEnclosedHoles(region: Region, w: number, h: number): Region {
  const { x: bx, y: by, width: bw, height: bh } = region.bounds;
  // Flood the unselected pixels reachable from the bounding box's border; the rest are holes.
  const outside = new Uint8Array(bw * bh);
  const queue = new Int32Array(bw * bh);
  let tail = 0;
  const push = (x: number, y: number) => {
    const li = y * bw + x;
    if (outside[li] || region.selected[(by + y) * w + bx + x]) return;
    outside[li] = 1;
    queue[tail++] = li;
  };
  for (let x = 0; x < bw; x++) { push(x, 0); push(x, bh - 1); }
  for (let y = 0; y < bh; y++) { push(0, y); push(bw - 1, y); }
  for (let head = 0; head < tail; head++) {
    const li = queue[head]!;
    const x = li % bw;
    const y = (li - x) / bw;
    if (x > 0) push(x - 1, y);
    if (x < bw - 1) push(x + 1, y);
    if (y > 0) push(x, y - 1);
    if (y < bh - 1) push(x, y + 1);
  }
  let count = region.count;
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const gi = (by + y) * w + bx + x;
      if (!outside[y * bw + x] && !region.selected[gi]) {
        region.selected[gi] = 1;
        count++;
      }
    }
  }
  void h;
  return { ...region, count };
}

/** Dilate (r > 0) or erode (r < 0) with a disc of radius |r|, via a distance transform on the bounds. */
export function morph(region: Region, w: number, h: number, r: number): Region {
  const rad = Math.abs(r);
  const grow = r > 0;
  const pad = grow ? rad : 0;
  const bx = Math.max(0, region.bounds.x - pad);
  const by = Math.max(0, region.bounds.y - pad);
  const ex = Math.min(w, region.bounds.x + region.bounds.width + pad);
  const ey = Math.min(h, region.bounds.y + region.bounds.height + pad);
  const bw = ex - bx;
  const bh = ey - by;
  // Squared Euclidean distance to the nearest pixel of the "other" set (selected when growing,
  // unselected when shrinking), via two 1-D passes (Felzenszwalb–Huttenlocher).
  const INF = 1e12;
  const f = new Float64Array(bw * bh);
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const sel = region.selected[(by + y) * w + bx + x] === 1;
      f[y * bw + x] = (grow ? sel : !sel) ? 0 : INF;
    }
  }
  if (!grow) {
    // Outside the bounding box everything is unselected: treat the box border as distance 1 away.
    for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) {
      const edge = Math.min(x + 1, y + 1, bw - x, bh - y);
      f[y * bw + x] = Math.min(f[y * bw + x]!, edge * edge);
    }
  }
  squaredDistanceTransform(f, bw, bh);
  const out = new Uint8Array(w * h);
  out.set(region.selected);
  let count = 0;
  const r2 = rad * rad;
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const gi = (by + y) * w + bx + x;
      const d2 = f[y * bw + x]!;
      const v = grow ? d2 <= r2 : out[gi] === 1 && d2 > r2;
      out[gi] = v ? 1 : 0;
    }
  }
  let minX = w, minY = h, maxX = -1, maxY = -1;
  for (let y = by; y < ey; y++) for (let x = bx; x < ex; x++) if (out[y * w + x]) {
    count++;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const bounds = maxX < 0 ? { x: 0, y: 0, width: 0, height: 0 } : { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
  return { selected: out, bounds, count };
}
