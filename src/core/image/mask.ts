// Masks: 1 byte per pixel, non-zero = hole. Decoding is deliberately permissive about how a hole
// is painted (any non-zero colour; transparent pixels are never holes) because users draw masks
// in whatever editor they have. Dilation and feathering share one exact Euclidean distance
// transform (shared/raster/distance.ts): O(pixels) whatever the radius.

import sharp from 'sharp';
import { squaredDistanceTransform } from '../../shared/raster/distance';
import { ImageError } from './errors';
import { probeImage } from './io';
import type { ImageBuffer, MaskBuffer } from './types';

/** hole = any non-zero colour channel, and alpha > 0 when the image has alpha. */
function holesFromInterleaved(data: Uint8Array, n: number, channels: number, out: Uint8Array): number {
  const hasAlpha = channels === 2 || channels === 4;
  const colour = hasAlpha ? channels - 1 : channels;
  let holes = 0;
  for (let i = 0, o = 0; i < n; i++, o += channels) {
    if (hasAlpha && data[o + colour] === 0) {
      out[i] = 0;
      continue;
    }
    let v = 0;
    for (let c = 0; c < colour; c++) v |= data[o + c];
    if (v !== 0) {
      out[i] = 255;
      holes++;
    } else out[i] = 0;
  }
  return holes;
}

export function maskFromImageBuffer(img: ImageBuffer): MaskBuffer {
  const n = img.width * img.height;
  if (img.data.length !== n * img.channels) throw new RangeError('maskFromImageBuffer: data length does not match size');
  const data = new Uint8Array(n);
  holesFromInterleaved(img.data, n, img.channels, data);
  return { width: img.width, height: img.height, data };
}

/**
 * Decode a mask image (PNG usually; any readable format). Must match `expected` (the upright
 * photo size); EXIF orientation is applied so a mask exported by a camera-aware editor lines up.
 */
export async function decodeMask(
  bytes: Uint8Array,
  expected: { width: number; height: number },
  name?: string,
): Promise<MaskBuffer> {
  const file = name ?? 'mask';
  const { mask, marked } = await decodeMaskPixels(bytes, expected, file);
  if (marked === 0) throw new ImageError('EMPTY_MASK', 'mask has no hole (every pixel is black or transparent)', file);
  return mask;
}

/**
 * decodeMask without the "no hole" check, for masks that may legitimately be empty (a source
 * area); `marked` counts the non-zero pixels. `what` names the mask in the size error.
 */
export async function decodeMaskPixels(
  bytes: Uint8Array,
  expected: { width: number; height: number },
  file: string,
  what = 'mask',
): Promise<{ mask: MaskBuffer; marked: number }> {
  const meta = await probeImage(bytes, file);
  if (meta.width !== expected.width || meta.height !== expected.height) {
    throw new ImageError(
      'MASK_SIZE_MISMATCH',
      `${what} is ${meta.width}×${meta.height} but the photo is ${expected.width}×${expected.height}`,
      file,
    );
  }
  let data: Buffer;
  let channels: number;
  try {
    // No colour conversion: we only care about zero vs non-zero in the stored channels.
    const r = await sharp(bytes, { failOn: 'error', autoOrient: true }).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    data = r.data;
    channels = r.info.channels;
  } catch (e) {
    throw new ImageError('NOT_AN_IMAGE', `${what} could not be decoded (${e instanceof Error ? e.message.trim() : String(e)})`, file, { cause: e });
  }
  const n = meta.width * meta.height;
  const out = new Uint8Array(n);
  const marked = holesFromInterleaved(data, n, channels, out);
  return { mask: { width: meta.width, height: meta.height, data: out }, marked };
}

/** 8-bit grey PNG, 255 = hole, 0 = keep. */
export async function encodeMask(mask: MaskBuffer): Promise<Buffer> {
  const n = mask.width * mask.height;
  if (mask.data.length !== n) throw new RangeError('encodeMask: data length does not match size');
  const grey = new Uint8Array(n);
  for (let i = 0; i < n; i++) grey[i] = mask.data[i] ? 255 : 0;
  return sharp(grey, { raw: { width: mask.width, height: mask.height, channels: 1 } })
    .toColourspace('b-w') // otherwise libvips widens to sRGB
    .png({ compressionLevel: 6 })
    .toBuffer();
}

const FAR = 1e20;

/** Exact squared Euclidean distance from every pixel to the nearest hole pixel (0 inside holes). */
export function distanceToHoleSquared(mask: MaskBuffer): Float32Array {
  const { width: w, height: h, data } = mask;
  if (data.length !== w * h) throw new RangeError('mask data length does not match size');
  const out = new Float32Array(w * h);
  for (let i = 0; i < out.length; i++) out[i] = data[i] ? 0 : FAR;
  squaredDistanceTransform(out, w, h);
  return out;
}

/**
 * Squared distance to the nearest hole, computed only on the hole's bounding box grown by
 * `reach` (all hole pixels lie inside it, so distances there are exact); pixels outside the box
 * are further than `reach` and get Infinity. Small holes in big photos stay cheap.
 */
function distanceWithin(mask: MaskBuffer, reach: number): Float32Array {
  const { width: w, height: h } = mask;
  const out = new Float32Array(w * h).fill(Infinity);
  const box = maskStats(mask).bbox;
  if (!box) return out;
  const m = Math.ceil(reach);
  const x0 = Math.max(0, box.x - m);
  const y0 = Math.max(0, box.y - m);
  const x1 = Math.min(w, box.x + box.width + m);
  const y1 = Math.min(h, box.y + box.height + m);
  const cw = x1 - x0;
  const ch = y1 - y0;
  const crop = new Uint8Array(cw * ch);
  for (let y = 0; y < ch; y++) crop.set(mask.data.subarray((y0 + y) * w + x0, (y0 + y) * w + x1), y * cw);
  const d = distanceToHoleSquared({ width: cw, height: ch, data: crop });
  for (let y = 0; y < ch; y++) out.set(d.subarray(y * cw, (y + 1) * cw), (y0 + y) * w + x0);
  return out;
}

/** Grow holes by a disc of `radius` pixels (pixel becomes hole if a hole pixel lies within radius). */
export function dilateMask(mask: MaskBuffer, radius: number): MaskBuffer {
  const n = mask.width * mask.height;
  if (mask.data.length !== n) throw new RangeError('dilateMask: data length does not match size');
  const out = new Uint8Array(n);
  if (!(radius > 0)) {
    for (let i = 0; i < n; i++) out[i] = mask.data[i] ? 255 : 0;
    return { width: mask.width, height: mask.height, data: out };
  }
  const d2 = distanceWithin(mask, radius);
  const r2 = radius * radius;
  for (let i = 0; i < n; i++) out[i] = d2[i] <= r2 ? 255 : 0;
  return { width: mask.width, height: mask.height, data: out };
}

/**
 * Blend weights: 1 inside the hole, smoothstep falloff to 0 at `radius` pixels outside it
 * (w = t²(3−2t), t = 1 − distance/radius), so composites have no visible seam.
 */
export function featherMask(mask: MaskBuffer, radius: number): Float32Array {
  const n = mask.width * mask.height;
  if (mask.data.length !== n) throw new RangeError('featherMask: data length does not match size');
  const out = new Float32Array(n);
  if (!(radius > 0)) {
    for (let i = 0; i < n; i++) out[i] = mask.data[i] ? 1 : 0;
    return out;
  }
  const d2 = distanceWithin(mask, radius);
  const r2 = radius * radius;
  for (let i = 0; i < n; i++) {
    const q = d2[i];
    if (q === 0) out[i] = 1;
    else if (q >= r2) out[i] = 0;
    else {
      const t = 1 - Math.sqrt(q) / radius;
      out[i] = t * t * (3 - 2 * t);
    }
  }
  return out;
}

export function maskStats(mask: MaskBuffer): {
  holePixels: number;
  fraction: number;
  bbox: { x: number; y: number; width: number; height: number } | null;
} {
  const { width: w, height: h, data } = mask;
  let holes = 0;
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      if (data[row + x]) {
        holes++;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
  }
  const total = w * h;
  return {
    holePixels: holes,
    fraction: total > 0 ? holes / total : 0,
    bbox: holes > 0 ? { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 } : null,
  };
}
