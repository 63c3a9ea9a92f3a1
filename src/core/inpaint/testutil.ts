// Small synthetic images and masks for the inpainting tests.
import type { ImageBuffer, MaskBuffer } from '../image/types';

export function makeImage(width: number, height: number, channels: 1 | 3 | 4, f: (x: number, y: number, c: number) => number): ImageBuffer {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) {
    data[(y * width + x) * channels + c] = Math.max(0, Math.min(255, Math.round(f(x, y, c))));
  }
  return { width, height, channels, data };
}

export function makeMask(width: number, height: number, inside: (x: number, y: number) => boolean): MaskBuffer {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = inside(x, y) ? 255 : 0;
  return { width, height, data };
}

/** RMS error over the masked pixels (colour channels only). */
export function maskedRms(a: ImageBuffer, b: ImageBuffer, mask: MaskBuffer, colour = Math.min(3, a.channels)): number {
  let se = 0, n = 0;
  for (let p = 0; p < mask.data.length; p++) {
    if (!mask.data[p]) continue;
    for (let c = 0; c < colour; c++) { const e = a.data[p * a.channels + c] - b.data[p * b.channels + c]; se += e * e; n++; }
  }
  return Math.sqrt(se / Math.max(1, n));
}

/** Seeded value noise in 0..1 (bilinear between lattice points every `cell` px): a stand-in for photo texture. */
export function valueNoise(seed: number, cell: number): (x: number, y: number) => number {
  const hash = (i: number, j: number): number => {
    let h = (i * 374761393 + j * 668265263 + seed * 2147483647) | 0;
    h = Math.imul(h ^ (h >>> 13), 1274126177);
    return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
  };
  return (x, y) => {
    const fx = x / cell, fy = y / cell, i = Math.floor(fx), j = Math.floor(fy), tx = fx - i, ty = fy - j;
    const a = hash(i, j), b = hash(i + 1, j), c = hash(i, j + 1), d = hash(i + 1, j + 1);
    return (a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty;
  };
}

/**
 * Texture ratio (DESIGN.md §5): variance of the 3×3 Laplacian of the luma over the hole shrunk by
 * `inset` px (so the seam does not count as texture), output ÷ truth. 1 = natural, ≈ 0 = a smear.
 */
export function textureRatio(out: ImageBuffer, truth: ImageBuffer, mask: MaskBuffer, inset = 3): number {
  const { width: w, height: h } = out;
  const luma = (img: ImageBuffer, p: number): number => {
    const ch = img.channels;
    return ch >= 3 ? 0.299 * img.data[p * ch] + 0.587 * img.data[p * ch + 1] + 0.114 * img.data[p * ch + 2] : img.data[p * ch];
  };
  const lap = (img: ImageBuffer, x: number, y: number): number => {
    const p = y * w + x;
    return luma(img, p - 1) + luma(img, p + 1) + luma(img, p - w) + luma(img, p + w) - 4 * luma(img, p);
  };
  const inner = (x: number, y: number): boolean => {
    for (let dy = -inset; dy <= inset; dy++) for (let dx = -inset; dx <= inset; dx++) {
      const xx = x + dx, yy = y + dy;
      if (xx < 0 || yy < 0 || xx >= w || yy >= h || !mask.data[yy * w + xx]) return false;
    }
    return true;
  };
  const variance = (v: number[]): number => { const m = v.reduce((a, b) => a + b, 0) / v.length; return v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length; };
  const a: number[] = [], b: number[] = [];
  for (let y = 1; y < h - 1; y++) for (let x = 1; x < w - 1; x++) if (inner(x, y)) { a.push(lap(out, x, y)); b.push(lap(truth, x, y)); }
  return variance(a) / variance(b);
}
