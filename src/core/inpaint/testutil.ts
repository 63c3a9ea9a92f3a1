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
