// Region strategy: split the mask into connected holes, give each a crop with a context margin
// (merging crops that overlap), work on the crop only, then paste the hole pixels back. Work and
// memory scale with the holes, not with the photo.

import { floodFill8 } from '../../shared/raster/flood';
import type { ImageBuffer } from '../image/types';

export interface Rect { x0: number; y0: number; x1: number; y1: number } // inclusive

export interface Component {
  rect: Rect;
  area: number;
  /** hole pixels with at least one known 4-neighbour */
  boundary: number;
}

/** 8-connected components of the non-zero mask pixels. */
export function labelComponents(mask: Uint8Array, width: number, height: number): Component[] {
  const seen = new Uint8Array(width * height);
  const out: Component[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    let x0 = width, y0 = height, x1 = -1, y1 = -1, boundary = 0;
    const area = floodFill8(mask, width, height, start, seen, (p, x, y) => {
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      if ((x > 0 && !mask[p - 1]) || (x < width - 1 && !mask[p + 1]) || (y > 0 && !mask[p - width]) || (y < height - 1 && !mask[p + width])) boundary++;
    });
    out.push({ rect: { x0, y0, x1, y1 }, area, boundary });
  }
  return out;
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1;
}

function union(a: Rect, b: Rect): Rect {
  return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
}

/** `r` grown by `m` px on every side, clipped to a width×height image. */
export function growRect(r: Rect, m: number, width: number, height: number): Rect {
  return { x0: Math.max(0, r.x0 - m), y0: Math.max(0, r.y0 - m), x1: Math.min(width - 1, r.x1 + m), y1: Math.min(height - 1, r.y1 + m) };
}

/**
 * Crops for the components: each component's bounding box grown by margin(component), clipped to
 * the image; overlapping crops are merged until none overlap. Each returned crop therefore holds
 * every hole pixel that lies inside it.
 */
export function planCrops(components: Component[], width: number, height: number, margin: (c: Component) => number): Rect[] {
  let rects = components.map((c) => growRect(c.rect, Math.max(1, Math.ceil(margin(c))), width, height));
  let merged = true;
  while (merged) {
    merged = false;
    const next: Rect[] = [];
    for (const r of rects) {
      let cur = r;
      for (let i = 0; i < next.length; i++) {
        if (overlaps(next[i], cur)) {
          cur = union(next[i], cur);
          next.splice(i, 1);
          i = -1;
          merged = true;
        }
      }
      next.push(cur);
    }
    rects = next;
  }
  return rects.sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0);
}

/** A crop as float colour planes (alpha dropped), interleaved with stride C. */
export interface Crop {
  rect: Rect;
  w: number;
  h: number;
  C: number;
  data: Float32Array;
  hole: Uint8Array;
  holes: number;
}

export function extractCrop(image: ImageBuffer, mask: Uint8Array, rect: Rect): Crop {
  const { width, channels } = image;
  const C = channels === 4 ? 3 : channels;
  const w = rect.x1 - rect.x0 + 1;
  const h = rect.y1 - rect.y0 + 1;
  const data = new Float32Array(w * h * C);
  const hole = new Uint8Array(w * h);
  let holes = 0;
  for (let y = 0; y < h; y++) {
    const srow = (y + rect.y0) * width + rect.x0;
    if (channels === 3) data.set(image.data.subarray(srow * 3, (srow + w) * 3), y * w * 3); // the common case, as a block
    for (let x = 0; x < w; x++) {
      const s = srow + x;
      const d = y * w + x;
      if (channels !== 3) for (let c = 0; c < C; c++) data[d * C + c] = image.data[s * channels + c];
      if (mask[s]) { hole[d] = 1; holes++; }
    }
  }
  return { rect, w, h, C, data, hole, holes };
}

/**
 * Writes the crop's hole pixels (rounded, clamped) into `out`; every other byte is untouched.
 * `values` covers `box` of the crop (default the whole crop).
 */
export function pasteHoles(out: Uint8Array, width: number, channels: number, crop: Crop, values: Float32Array, box?: Rect): void {
  const { rect, w, C, hole } = crop;
  const b = box ?? { x0: 0, y0: 0, x1: w - 1, y1: crop.h - 1 };
  const bw = b.x1 - b.x0 + 1;
  for (let y = b.y0; y <= b.y1; y++) {
    const orow = (y + rect.y0) * width + rect.x0;
    for (let x = b.x0; x <= b.x1; x++) {
      if (!hole[y * w + x]) continue;
      const d = (y - b.y0) * bw + x - b.x0;
      const o = (orow + x) * channels;
      for (let c = 0; c < C; c++) {
        const v = values[d * C + c];
        out[o + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
      }
    }
  }
}

/** Box-downscales a crop by an integer factor k (a coarse pixel is a hole if any child is). */
export function downscaleCrop(crop: Crop, k: number): Crop {
  const { w, h, C, data, hole } = crop;
  const nw = Math.ceil(w / k), nh = Math.ceil(h / k);
  const nd = new Float32Array(nw * nh * C);
  const nh_ = new Uint8Array(nw * nh);
  const cnt = new Float32Array(nw * nh);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const q = ((y / k) | 0) * nw + ((x / k) | 0);
      if (hole[p]) nh_[q] = 1;
      cnt[q]++;
      for (let c = 0; c < C; c++) nd[q * C + c] += data[p * C + c];
    }
  }
  let holes = 0;
  for (let q = 0; q < nw * nh; q++) {
    for (let c = 0; c < C; c++) nd[q * C + c] /= cnt[q];
    if (nh_[q]) holes++;
  }
  return { rect: crop.rect, w: nw, h: nh, C, data: nd, hole: nh_, holes };
}

/**
 * Carries a fill made on a k-times downscaled crop up to full resolution without blurring it: each
 * full-resolution hole pixel copies the full-resolution pixel at the same offset inside the block
 * its coarse pixel was copied from (`smallSource`, per coarse pixel; −1 = not filled there, then
 * the coarse value is used). Only `box` (crop coordinates, holding every hole) is produced: values
 * over the box and, per box pixel, the crop pixel it came from (−1 where none).
 */
export function upsampleBySource(full: Crop, box: Rect, small: Crop, smallValues: Float32Array, smallSource: Int32Array | null, k: number): { values: Float32Array; source: Int32Array } {
  const { w, h, C, hole, data } = full;
  const bw = box.x1 - box.x0 + 1, bh = box.y1 - box.y0 + 1;
  const values = new Float32Array(bw * bh * C);
  const source = new Int32Array(bw * bh).fill(-1);
  for (let y = box.y0; y <= box.y1; y++) {
    for (let x = box.x0; x <= box.x1; x++) {
      const p = y * w + x;
      const d = (y - box.y0) * bw + x - box.x0;
      if (!hole[p]) { for (let c = 0; c < C; c++) values[d * C + c] = data[p * C + c]; continue; }
      const sq = ((y / k) | 0) * small.w + ((x / k) | 0);
      const s = smallSource ? smallSource[sq] : -1;
      if (s >= 0) {
        const sx = (s % small.w) * k + (x % k), sy = ((s / small.w) | 0) * k + (y % k);
        const q = sy * w + sx;
        // a known coarse pixel has only known children inside the crop
        if (sx < w && sy < h && !hole[q]) {
          for (let c = 0; c < C; c++) values[d * C + c] = data[q * C + c];
          source[d] = q;
          continue;
        }
      }
      for (let c = 0; c < C; c++) values[d * C + c] = smallValues[sq * C + c];
    }
  }
  return { values, source };
}

/** Bounding box of the non-zero pixels. */
export function boundsOf(a: Uint8Array, width: number): Rect {
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let p = 0; p < a.length; p++) {
    if (!a[p]) continue;
    const x = p % width, y = (p - x) / width;
    if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
  }
  return { x0, y0, x1, y1 };
}

export const wholeCrop = (crop: Crop): Rect => ({ x0: 0, y0: 0, x1: crop.w - 1, y1: crop.h - 1 });

/** The crop's holes' bounding box grown by 2 px (what the blend's boundary and seam rule need). */
export function holeBox(crop: Crop): Rect {
  const b = boundsOf(crop.hole, crop.w);
  return { x0: Math.max(0, b.x0 - 2), y0: Math.max(0, b.y0 - 2), x1: Math.min(crop.w - 1, b.x1 + 2), y1: Math.min(crop.h - 1, b.y1 + 2) };
}

/** Rows of `box` out of an interleaved array (stride C) that covers `within` (a crop out of a photo, a box out of a crop). */
export function cutBox<T extends Float32Array | Int32Array | Uint8Array>(a: T, within: Rect, box: Rect, C: number): T {
  const ww = within.x1 - within.x0 + 1, bw = box.x1 - box.x0 + 1, bh = box.y1 - box.y0 + 1;
  const out = new (a.constructor as { new (n: number): T })(bw * bh * C);
  for (let y = 0; y < bh; y++) {
    const from = (y + box.y0 - within.y0) * ww + box.x0 - within.x0;
    out.set(a.subarray(from * C, (from + bw) * C), y * bw * C);
  }
  return out;
}

/** Box-downscales a per-pixel allowed area by k: a coarse pixel is allowed when all its children are. */
export function downscaleAllowed(a: Uint8Array, w: number, h: number, k: number): Uint8Array {
  const nw = Math.ceil(w / k), nh = Math.ceil(h / k);
  const out = new Uint8Array(nw * nh).fill(1);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (!a[y * w + x]) out[((y / k) | 0) * nw + ((x / k) | 0)] = 0;
  return out;
}
