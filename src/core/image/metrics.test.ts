import { describe, expect, it } from 'vitest';
import { photoPixels } from '../../../test/fixtures/images';
import { maskedPsnr, maskedSsim } from './metrics';
import type { ImageBuffer, MaskBuffer } from './types';

/** Deterministic ±d noise (alternating sign) so the MSE is exactly d² on touched samples. */
function withNoise(img: ImageBuffer, d: number, where?: (x: number, y: number) => boolean): ImageBuffer {
  const out = new Uint8Array(img.data);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (where && !where(x, y)) continue;
      for (let c = 0; c < img.channels; c++) {
        const i = (y * img.width + x) * img.channels + c;
        const s = (x + y + c) % 2 === 0 ? 1 : -1;
        const v = img.data[i] + s * d;
        out[i] = v < 0 || v > 255 ? img.data[i] - s * d : v;
      }
    }
  }
  return { ...img, data: out };
}

function rectMask(w: number, h: number, x0: number, y0: number, x1: number, y1: number): MaskBuffer {
  const data = new Uint8Array(w * h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data[y * w + x] = 255;
  return { width: w, height: h, data };
}

describe('maskedPsnr', () => {
  const a = photoPixels(64, 48);

  it('is Infinity for identical images', () => {
    expect(maskedPsnr(a, a)).toBe(Infinity);
    expect(maskedPsnr(a, a, rectMask(64, 48, 5, 5, 20, 20))).toBe(Infinity);
  });

  it('matches the closed form for known noise', () => {
    const b = withNoise(a, 5);
    expect(maskedPsnr(a, b)).toBeCloseTo(10 * Math.log10((255 * 255) / 25), 6); // 34.15 dB
  });

  it('only looks at hole pixels when masked', () => {
    const inHole = (x: number, y: number): boolean => x >= 10 && x < 30 && y >= 10 && y < 30;
    const mask = rectMask(64, 48, 10, 10, 30, 30);
    const noisyOutside = withNoise(a, 40, (x, y) => !inHole(x, y));
    expect(maskedPsnr(a, noisyOutside, mask)).toBe(Infinity);
    const noisyInside = withNoise(a, 10, inHole);
    expect(maskedPsnr(a, noisyInside, mask)).toBeCloseTo(10 * Math.log10((255 * 255) / 100), 6);
    expect(maskedPsnr(a, noisyInside)).toBeGreaterThan(maskedPsnr(a, noisyInside, mask));
  });

  it('ignores alpha and rejects shape mismatches', () => {
    const rgba: ImageBuffer = { width: 2, height: 1, channels: 4, data: new Uint8Array([1, 2, 3, 0, 4, 5, 6, 0]) };
    const rgba2: ImageBuffer = { ...rgba, data: new Uint8Array([1, 2, 3, 255, 4, 5, 6, 9]) };
    expect(maskedPsnr(rgba, rgba2)).toBe(Infinity);
    expect(() => maskedPsnr(a, photoPixels(10, 10))).toThrow(RangeError);
    expect(() => maskedPsnr(a, a, rectMask(64, 48, 0, 0, 0, 0))).toThrow(/no hole/);
  });
});

describe('maskedSsim', () => {
  const a = photoPixels(64, 48);

  it('is 1 for identical images', () => {
    expect(maskedSsim(a, a)).toBeCloseTo(1, 6);
    expect(maskedSsim(a, a, rectMask(64, 48, 0, 0, 8, 8))).toBeCloseTo(1, 6);
  });

  it('drops with noise, more for more noise', () => {
    const s5 = maskedSsim(a, withNoise(a, 5));
    const s30 = maskedSsim(a, withNoise(a, 30));
    expect(s5).toBeLessThan(1);
    expect(s30).toBeLessThan(s5);
    expect(s30).toBeGreaterThan(0);
  });

  it('matches a direct single-window computation', () => {
    // 11×11 image, centre window fully inside: compare the centre SSIM with a hand-rolled version.
    const w = 11;
    const x: ImageBuffer = { width: w, height: w, channels: 1, data: new Uint8Array(w * w).map((_, i) => (i * 37) % 251) };
    const y: ImageBuffer = { ...x, data: x.data.map((v, i) => (v + ((i * 13) % 29)) % 256) };
    let ws = 0;
    let ma = 0;
    let mb = 0;
    const g: number[] = [];
    for (let i = 0; i < w * w; i++) {
      const dx = (i % w) - 5;
      const dy = Math.floor(i / w) - 5;
      g.push(Math.exp(-(dx * dx + dy * dy) / 4.5));
      ws += g[i];
    }
    for (let i = 0; i < w * w; i++) {
      ma += (g[i] / ws) * x.data[i];
      mb += (g[i] / ws) * y.data[i];
    }
    let va = 0;
    let vb = 0;
    let cov = 0;
    for (let i = 0; i < w * w; i++) {
      va += (g[i] / ws) * (x.data[i] - ma) ** 2;
      vb += (g[i] / ws) * (y.data[i] - mb) ** 2;
      cov += (g[i] / ws) * (x.data[i] - ma) * (y.data[i] - mb);
    }
    const C1 = 6.5025;
    const C2 = 58.5225;
    const expected = ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
    const centre = rectMask(w, w, 5, 5, 6, 6);
    expect(maskedSsim(x, y, centre)).toBeCloseTo(expected, 3);
  });

  it('only looks at windows centred in the hole', () => {
    const w = 96;
    const h = 64;
    const img = photoPixels(w, h);
    // Damage the right half only; a hole on the far left (more than 5 px away) sees SSIM 1.
    const damaged = withNoise(img, 40, (x) => x >= 60);
    expect(maskedSsim(img, damaged, rectMask(w, h, 5, 5, 40, 60))).toBeCloseTo(1, 6);
    expect(maskedSsim(img, damaged, rectMask(w, h, 70, 5, 90, 60))).toBeLessThan(0.9);
  });

  it('gives the same answer whatever the strip boundaries (tall images)', () => {
    const w = 24;
    const h = 1100;
    const img = photoPixels(w, h);
    const noisy = withNoise(img, 20, (x, y) => (x * 7 + y * 3) % 5 === 0);
    const all = rectMask(w, h, 0, 0, w, h);
    const top = rectMask(w, h, 0, 0, w, 506);
    const bottom = rectMask(w, h, 0, 506, w, h);
    const sAll = maskedSsim(img, noisy, all) * w * h;
    const parts = maskedSsim(img, noisy, top) * w * 506 + maskedSsim(img, noisy, bottom) * w * (h - 506);
    expect(parts / (w * h)).toBeCloseTo(sAll / (w * h), 6);
    expect(maskedSsim(img, noisy)).toBeCloseTo(sAll / (w * h), 6);
  });
});
