import { describe, expect, it } from 'vitest';
import type { ImageBuffer } from '../../image/types';
import { Rng } from '../../random';
import { clearLitRims, isStep } from './rims';

const W = 96, H = 96;

/** Grey `base(x, y)` with grain σ 3, and a bright line where `line(x, y)` holds. */
function scene(base: (x: number, y: number) => number, line: (x: number, y: number) => boolean): { image: ImageBuffer; mask: Uint8Array } {
  const rng = new Rng(5);
  const data = new Uint8Array(W * H * 3);
  const mask = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const on = line(x, y);
      const v = on ? 235 : base(x, y) + 3 * rng.normal();
      data.fill(Math.max(0, Math.min(255, Math.round(v))), (y * W + x) * 3, (y * W + x) * 3 + 3);
      if (on) mask[y * W + x] = 255;
    }
  }
  return { image: { width: W, height: H, channels: 3, data }, mask };
}

const count = (m: Uint8Array): number => m.reduce((n, v) => n + (v ? 1 : 0), 0);

describe('lit rims', () => {
  it('tells a step between two tones from texture and from one tone', () => {
    expect(isStep(Float64Array.from([40, 41, 42, 40, 43, 160, 161, 159, 162, 160]))).toBe(true);
    expect(isStep(Float64Array.from([40, 60, 80, 100, 120, 140, 160, 180, 90, 110]))).toBe(false);
    expect(isStep(Float64Array.from([100, 101, 99, 102, 100, 98, 101, 100, 99, 100]))).toBe(false);
  });

  it('leaves to the photo a bright line along the edge between a dark and a light surface', () => {
    // a dark dial face (x < 48) against a light plate, the lit rim on the boundary
    const { image, mask } = scene((x) => (x < 48 ? 40 : 170), (x, y) => (x === 48 || x === 49) && y > 10 && y < 86);
    const wide = new Uint8Array(mask);
    expect(clearLitRims(image, mask, wide, 1)).toBe(1);
    expect(count(mask)).toBe(0);
    expect(count(wide)).toBe(0);
  });

  it('keeps a bright scratch on even paper', () => {
    const { image, mask } = scene(() => 110, (x, y) => (x === 48 || x === 49) && y > 10 && y < 86);
    expect(clearLitRims(image, mask, null, 1)).toBe(0);
    expect(count(mask)).toBe(150);
  });

  it('keeps a bright scratch that crosses an edge instead of following it', () => {
    const { image, mask } = scene((_x, y) => (y < 48 ? 40 : 170), (x, y) => (x === 48 || x === 49) && y > 10 && y < 86);
    expect(clearLitRims(image, mask, null, 1)).toBe(0);
  });

  it('keeps a dark line along an edge (not lit) and marks too small to judge', () => {
    const dark = scene((x) => (x < 48 ? 60 : 170), () => false);
    const m = new Uint8Array(W * H);
    for (let y = 11; y < 86; y++) { m[y * W + 48] = 255; dark.image.data.fill(10, (y * W + 48) * 3, (y * W + 48) * 3 + 3); }
    expect(clearLitRims(dark.image, m, null, 1)).toBe(0);
    const small = scene((x) => (x < 48 ? 40 : 170), (x, y) => (x === 48 || x === 49) && y > 40 && y < 60);
    expect(clearLitRims(small.image, small.mask, null, 1)).toBe(0);
  });
});
