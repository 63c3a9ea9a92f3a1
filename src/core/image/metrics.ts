// Quality metrics for inpainting evaluation. Only colour channels count (alpha is ignored).
// PSNR: over all colour samples of hole pixels (or the whole image), peak 255.
// SSIM: Wang et al. 2004 on BT.601 luma (Y = .299R + .587G + .114B, as the reference MATLAB
// code and most papers do for colour images), Gaussian 11×11 window σ = 1.5, K1 = .01, K2 = .03,
// L = 255. Every pixel is a window centre; at image borders the Gaussian is truncated and
// renormalised (instead of dropping border windows as 'valid' filtering does), so holes touching
// the border still get a score. With a mask, the SSIM map is averaged over centres in the hole and
// only the hole's bounding box (+5 px) is filtered, so small holes in big photos are cheap.

import type { ImageBuffer, MaskBuffer } from './types';

function colourChannels(img: ImageBuffer): number {
  return img.channels === 4 ? 3 : img.channels;
}

function checkPair(a: ImageBuffer, b: ImageBuffer, mask?: MaskBuffer): void {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) {
    throw new RangeError(
      `metrics: images differ in shape (${a.width}×${a.height}×${a.channels} vs ${b.width}×${b.height}×${b.channels})`,
    );
  }
  if (mask && (mask.width !== a.width || mask.height !== a.height)) {
    throw new RangeError(`metrics: mask is ${mask.width}×${mask.height}, images are ${a.width}×${a.height}`);
  }
}

/** PSNR in dB over hole pixels (mask) or the whole image; Infinity when identical. */
export function maskedPsnr(a: ImageBuffer, b: ImageBuffer, mask?: MaskBuffer): number {
  checkPair(a, b, mask);
  const ch = a.channels;
  const cc = colourChannels(a);
  const n = a.width * a.height;
  let sse = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (mask && !mask.data[i]) continue;
    const o = i * ch;
    for (let c = 0; c < cc; c++) {
      const d = a.data[o + c] - b.data[o + c];
      sse += d * d;
    }
    count += cc;
  }
  if (count === 0) throw new RangeError('maskedPsnr: mask has no hole pixels');
  if (sse === 0) return Infinity;
  return 10 * Math.log10((255 * 255 * count) / sse);
}

const RADIUS = 5;
const GAUSS = (() => {
  const g = new Float64Array(2 * RADIUS + 1);
  for (let k = -RADIUS; k <= RADIUS; k++) g[k + RADIUS] = Math.exp(-(k * k) / (2 * 1.5 * 1.5));
  return g;
})();

function luma(img: ImageBuffer, x0: number, y0: number, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  const ch = img.channels;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = ((y0 + y) * img.width + x0 + x) * ch;
      out[y * w + x] = ch === 1 ? img.data[o] : 0.299 * img.data[o] + 0.587 * img.data[o + 1] + 0.114 * img.data[o + 2];
    }
  }
  return out;
}

const NORM = (() => {
  let t = 0;
  for (const g of GAUSS) t += g;
  return Float32Array.from(GAUSS, (g) => g / t);
})();

/**
 * Separable Gaussian blur with truncated, renormalised kernel at the borders. Interior pixels use
 * the pre-normalised kernel (the hot path); only the 5-px borders pay for renormalisation.
 */
function blur(src: Float32Array, w: number, h: number, tmp: Float32Array, dst: Float32Array): void {
  const [g0, g1, g2, g3, g4, g5] = [NORM[5], NORM[6], NORM[7], NORM[8], NORM[9], NORM[10]];
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const i = row + x;
      if (x >= RADIUS && x < w - RADIUS) {
        tmp[i] =
          g0 * src[i] +
          g1 * (src[i - 1] + src[i + 1]) +
          g2 * (src[i - 2] + src[i + 2]) +
          g3 * (src[i - 3] + src[i + 3]) +
          g4 * (src[i - 4] + src[i + 4]) +
          g5 * (src[i - 5] + src[i + 5]);
        continue;
      }
      let s = 0;
      let ws = 0;
      const k0 = Math.max(-RADIUS, -x);
      const k1 = Math.min(RADIUS, w - 1 - x);
      for (let k = k0; k <= k1; k++) {
        const g = GAUSS[k + RADIUS];
        s += g * src[i + k];
        ws += g;
      }
      tmp[i] = s / ws;
    }
  }
  // Vertical pass row by row (contiguous memory): dst[y] = Σ_k w_k · tmp[y + k].
  for (let y = 0; y < h; y++) {
    const k0 = Math.max(-RADIUS, -y);
    const k1 = Math.min(RADIUS, h - 1 - y);
    let ws = 0;
    for (let k = k0; k <= k1; k++) ws += GAUSS[k + RADIUS];
    const out = y * w;
    dst.fill(0, out, out + w);
    for (let k = k0; k <= k1; k++) {
      const g = GAUSS[k + RADIUS] / ws;
      const inp = (y + k) * w;
      for (let x = 0; x < w; x++) dst[out + x] += g * tmp[inp + x];
    }
  }
}

/** Mean SSIM over window centres in the hole (mask) or the whole image; 1 when identical. */
export function maskedSsim(a: ImageBuffer, b: ImageBuffer, mask?: MaskBuffer): number {
  checkPair(a, b, mask);
  let x0 = 0;
  let y0 = 0;
  let x1 = a.width - 1;
  let y1 = a.height - 1;
  if (mask) {
    // Centres: the hole's bounding box. Filtered region: that box grown by the window radius.
    let bx0 = a.width;
    let by0 = a.height;
    let bx1 = -1;
    let by1 = -1;
    for (let y = 0; y < a.height; y++) {
      for (let x = 0; x < a.width; x++) {
        if (mask.data[y * a.width + x]) {
          if (x < bx0) bx0 = x;
          if (x > bx1) bx1 = x;
          if (y < by0) by0 = y;
          by1 = y;
        }
      }
    }
    if (bx1 < 0) throw new RangeError('maskedSsim: mask has no hole pixels');
    x0 = Math.max(0, bx0 - RADIUS);
    x1 = Math.min(a.width - 1, bx1 + RADIUS);
    y0 = by0; // ssimStrip adds the vertical context itself
    y1 = by1;
  }
  // Process in horizontal strips (+5 px of context rows) to bound memory on big photos; since the
  // window never reaches beyond 5 rows, the result is identical to filtering the whole region.
  const STRIP = 512;
  let sum = 0;
  let count = 0;
  for (let cy0 = y0; cy0 <= y1; cy0 += STRIP) {
    const cy1 = Math.min(y1, cy0 + STRIP - 1);
    const r = ssimStrip(a, b, mask, x0, x1, cy0, cy1);
    sum += r.sum;
    count += r.count;
  }
  if (count === 0) throw new RangeError('maskedSsim: empty image');
  return sum / count;
}

/** Sum and count of SSIM values for centres in rows cy0..cy1, columns x0..x1 (hole only if mask). */
function ssimStrip(
  a: ImageBuffer,
  b: ImageBuffer,
  mask: MaskBuffer | undefined,
  x0: number,
  x1: number,
  cy0: number,
  cy1: number,
): { sum: number; count: number } {
  const y0 = Math.max(0, cy0 - RADIUS);
  const y1 = Math.min(a.height - 1, cy1 + RADIUS);
  const w = x1 - x0 + 1;
  const h = y1 - y0 + 1;
  const n = w * h;
  const A = luma(a, x0, y0, w, h);
  const B = luma(b, x0, y0, w, h);
  const prod = new Float32Array(n);
  const tmp = new Float32Array(n);
  const muA = new Float32Array(n);
  const muB = new Float32Array(n);
  const sAA = new Float32Array(n);
  const sBB = new Float32Array(n);
  const sAB = new Float32Array(n);
  blur(A, w, h, tmp, muA);
  blur(B, w, h, tmp, muB);
  for (let i = 0; i < n; i++) prod[i] = A[i] * A[i];
  blur(prod, w, h, tmp, sAA);
  for (let i = 0; i < n; i++) prod[i] = B[i] * B[i];
  blur(prod, w, h, tmp, sBB);
  for (let i = 0; i < n; i++) prod[i] = A[i] * B[i];
  blur(prod, w, h, tmp, sAB);

  const C1 = (0.01 * 255) ** 2;
  const C2 = (0.03 * 255) ** 2;
  let sum = 0;
  let count = 0;
  for (let y = cy0 - y0; y <= cy1 - y0; y++) {
    for (let x = 0; x < w; x++) {
      if (mask && !mask.data[(y0 + y) * a.width + x0 + x]) continue;
      const i = y * w + x;
      const ma = muA[i];
      const mb = muB[i];
      const va = sAA[i] - ma * ma;
      const vb = sBB[i] - mb * mb;
      const cov = sAB[i] - ma * mb;
      sum += ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
      count++;
    }
  }
  return { sum, count };
}
