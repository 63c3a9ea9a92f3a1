// Pure operations on the full-resolution removal mask: one byte per photo pixel (0 = keep,
// 1–255 = hole, the value is the coverage). Every operation returns the rectangle it touched so the
// stage redraws only that part of the overlay. No DOM here: unit-tested in Node.
import { clipRect, type Rect } from './geometry';

export interface MaskBuffer {
  width: number;
  height: number;
  data: Uint8Array;
}

export type Point = { x: number; y: number };

export function createMask(width: number, height: number): MaskBuffer {
  return { width, height, data: new Uint8Array(width * height) };
}

/**
 * Stamp a round-capped brush segment from `a` to `b` (a dot when equal), radius `r` image pixels.
 * `hardness` 1 = hard edge (1 px anti-aliased); lower values fade linearly from r·hardness to r.
 * Painting keeps the maximum coverage; erasing removes coverage.
 */
export function stampSegment(mask: MaskBuffer, a: Point, b: Point, r: number, hardness: number, erase: boolean): Rect | null {
  const rect = clipRect({ x: Math.min(a.x, b.x) - r - 1, y: Math.min(a.y, b.y) - r - 1, width: Math.abs(a.x - b.x) + 2 * r + 2, height: Math.abs(a.y - b.y) + 2 * r + 2 }, mask.width, mask.height);
  if (!rect) return null;
  const { data, width } = mask;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const h = Math.min(1, Math.max(0, hardness));
  const inner = r * h;
  const fade = r - inner;
  const x1 = rect.x + rect.width;
  const y1 = rect.y + rect.height;
  const reach = r + 0.5;
  const reach2 = reach * reach;
  for (let y = rect.y; y < y1; y++) {
    const py = y + 0.5 - a.y;
    const row = y * width;
    for (let x = rect.x; x < x1; x++) {
      const px = x + 0.5 - a.x;
      let t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ex = px - t * dx;
      const ey = py - t * dy;
      const d2 = ex * ex + ey * ey;
      if (d2 >= reach2) continue;
      const d = Math.sqrt(d2);
      let cov: number;
      if (fade < 1) cov = r + 0.5 - d; // hard: anti-aliased 1 px edge
      else cov = d <= inner ? 1 : (r - d) / fade;
      if (cov <= 0) continue;
      const v = cov >= 1 ? 255 : Math.round(cov * 255);
      if (v === 0) continue;
      const i = row + x;
      if (erase) {
        const cur = data[i]!;
        if (cur) data[i] = v >= 255 ? 0 : Math.floor((cur * (255 - v)) / 255);
      } else if (v > data[i]!) data[i] = v;
    }
  }
  return rect;
}

/** Fill (value 255) or clear (value 0) an axis-aligned rectangle given by two corners. */
export function fillRect(mask: MaskBuffer, a: Point, b: Point, value: number): Rect | null {
  const rect = clipRect({ x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(b.x - a.x), height: Math.abs(b.y - a.y) }, mask.width, mask.height);
  if (!rect) return null;
  for (let y = rect.y; y < rect.y + rect.height; y++) mask.data.fill(value, y * mask.width + rect.x, y * mask.width + rect.x + rect.width);
  return rect;
}

/** Fill a closed polygon (even-odd rule, pixel centres) with `value`. */
export function fillPolygon(mask: MaskBuffer, points: Point[], value: number): Rect | null {
  if (points.length < 3) return null;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const p of points) {
    minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y);
  }
  const rect = clipRect({ x: minX, y: minY, width: maxX - minX, height: maxY - minY }, mask.width, mask.height);
  if (!rect) return null;
  const xs: number[] = [];
  const n = points.length;
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    const cy = y + 0.5;
    xs.length = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const p = points[i]!;
      const q = points[j]!;
      if ((p.y <= cy && q.y > cy) || (q.y <= cy && p.y > cy)) xs.push(p.x + ((cy - p.y) / (q.y - p.y)) * (q.x - p.x));
    }
    xs.sort((u, v) => u - v);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const x0 = Math.max(rect.x, Math.ceil(xs[k]! - 0.5));
      const x1 = Math.min(rect.x + rect.width, Math.ceil(xs[k + 1]! - 0.5));
      if (x1 > x0) mask.data.fill(value, y * mask.width + x0, y * mask.width + x1);
    }
  }
  return rect;
}

/** Invert the whole mask (hole ↔ keep). */
export function invertMask(mask: MaskBuffer): Rect {
  const d = mask.data;
  for (let i = 0; i < d.length; i++) d[i] = 255 - d[i]!;
  return { x: 0, y: 0, width: mask.width, height: mask.height };
}

/**
 * Merge a low-resolution selection (`sel`, 0/1 per pixel of a `sw`×`sh` working image covering the
 * whole photo) into the full-resolution mask by nearest-neighbour upsampling. `mode` add sets 255,
 * subtract clears. Returns the touched rectangle.
 */
export function mergeSelection(mask: MaskBuffer, sel: Uint8Array, sw: number, sh: number, bounds: Rect, mode: 'add' | 'subtract'): Rect | null {
  const sx = mask.width / sw;
  const sy = mask.height / sh;
  const rect = clipRect({ x: bounds.x * sx, y: bounds.y * sy, width: bounds.width * sx, height: bounds.height * sy }, mask.width, mask.height);
  if (!rect) return null;
  const colMap = new Int32Array(rect.width);
  for (let x = 0; x < rect.width; x++) colMap[x] = Math.min(sw - 1, Math.floor(((rect.x + x + 0.5) * sw) / mask.width));
  const value = mode === 'add' ? 255 : 0;
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    const wy = Math.min(sh - 1, Math.floor(((y + 0.5) * sh) / mask.height));
    const srow = wy * sw;
    const row = y * mask.width + rect.x;
    for (let x = 0; x < rect.width; x++) if (sel[srow + colMap[x]!]) mask.data[row + x] = value;
  }
  return rect;
}

export function isMaskEmpty(mask: MaskBuffer): boolean {
  const d = mask.data;
  // Compare 4 bytes at a time where alignment allows.
  const words = d.byteOffset % 4 === 0 ? new Uint32Array(d.buffer, d.byteOffset, d.length >> 2) : null;
  if (words) {
    for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false;
    for (let i = words.length << 2; i < d.length; i++) if (d[i] !== 0) return false;
    return true;
  }
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) return false;
  return true;
}

/** Copy a rectangle out of the mask. */
export function readRect(mask: MaskBuffer, r: Rect): Uint8Array {
  const out = new Uint8Array(r.width * r.height);
  for (let y = 0; y < r.height; y++) out.set(mask.data.subarray((r.y + y) * mask.width + r.x, (r.y + y) * mask.width + r.x + r.width), y * r.width);
  return out;
}

/** Copy a rectangle out of another buffer of the same size (used for undo snapshots). */
export function readRectFrom(src: Uint8Array, width: number, r: Rect): Uint8Array {
  return readRect({ width, height: 0, data: src }, r);
}

export function writeRect(mask: MaskBuffer, r: Rect, patch: Uint8Array): void {
  for (let y = 0; y < r.height; y++) mask.data.set(patch.subarray(y * r.width, (y + 1) * r.width), (r.y + y) * mask.width + r.x);
}

/**
 * RGBA pixels of the mask as the PNG startInpaint expects: opaque grey, white = hole
 * (0 stays black; any coverage counts as hole).
 */
export function maskToRgba(mask: MaskBuffer, out = new Uint8ClampedArray(mask.width * mask.height * 4)): Uint8ClampedArray {
  const d = mask.data;
  for (let i = 0, o = 0; i < d.length; i++, o += 4) {
    const v = d[i]!;
    out[o] = v;
    out[o + 1] = v;
    out[o + 2] = v;
    out[o + 3] = 255;
  }
  return out;
}
