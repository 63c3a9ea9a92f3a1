import { describe, expect, it } from 'vitest';
import { growRegion, type WorkingImage } from './region';

/** 64×48 light background with a dark, slightly textured disc at (40, 24) radius 12. */
function scene(): WorkingImage {
  const w = 64, h = 48;
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const o = (y * w + x) * 4;
    const inDisc = (x - 40) ** 2 + (y - 24) ** 2 < 144;
    const t = 6 * Math.sin(x * 0.7) * Math.cos(y * 0.5);
    const v = inDisc ? [30 + t, 35 + t, 60 + t] : [180 + t, 170 + t, 150 + t];
    data[o] = v[0]!; data[o + 1] = v[1]!; data[o + 2] = v[2]!; data[o + 3] = 255;
  }
  return { width: w, height: h, data };
}

describe('object selection by region growing', () => {
  it('selects the clicked object and stops at its edge', () => {
    const r = growRegion(scene(), 40, 24, { tolerance: 30, grow: 0 })!;
    const sel = (x: number, y: number) => r.selected[y * 64 + x];
    expect(sel(40, 24)).toBe(1);
    expect(sel(40 + 10, 24)).toBe(1);
    expect(sel(40 + 14, 24)).toBe(0);
    expect(sel(5, 5)).toBe(0);
    expect(r.count).toBeGreaterThan(Math.PI * 10 * 10);
    expect(r.count).toBeLessThan(Math.PI * 13 * 13);
  });

  it('grows and shrinks the selection', () => {
    const base = growRegion(scene(), 40, 24, { tolerance: 30, grow: 0 })!;
    const grown = growRegion(scene(), 40, 24, { tolerance: 30, grow: 3 })!;
    const shrunk = growRegion(scene(), 40, 24, { tolerance: 30, grow: -3 })!;
    expect(grown.count).toBeGreaterThan(base.count);
    expect(shrunk.count).toBeLessThan(base.count);
    expect(grown.selected[24 * 64 + 40 + 13]).toBe(1);
    expect(shrunk.selected[24 * 64 + 40 + 10]).toBe(0);
    expect(shrunk.selected[24 * 64 + 40]).toBe(1);
  });

  it('returns null outside the image', () => {
    expect(growRegion(scene(), -1, 3, { tolerance: 30, grow: 0 })).toBeNull();
  });
});
