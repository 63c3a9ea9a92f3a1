import { describe, expect, it } from 'vitest';
import { shiftMapFill } from './shiftmap';
import { holeBox, wholeCrop, type Crop } from './regions';
import type { Fill } from './exemplar';
import { mulberry32 } from '../random';

// a photo whose content repeats every `period` px horizontally (a brick-like pattern with grain that
// repeats too), with a rectangular hole; the guide is a flat grey fill of the hole
function setup(w: number, h: number, period: number, hole: (x: number, y: number) => boolean): { crop: Crop; truth: Float32Array; guide: Fill } {
  const C = 3;
  const rand = mulberry32(3);
  const grain = Float32Array.from({ length: period * h }, () => rand() * 40 - 20);
  const truth = new Float32Array(w * h * C);
  const mask = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = y * w + x, u = x % period;
    const mortar = u < 2 || y % 10 < 2;
    for (let c = 0; c < C; c++) truth[p * C + c] = (mortar ? 200 : 90 + 30 * c) + grain[y * period + u];
    mask[p] = hole(x, y) ? 1 : 0;
  }
  const data = Float32Array.from(truth);
  let holes = 0;
  for (let p = 0; p < w * h; p++) if (mask[p]) { holes++; for (let c = 0; c < C; c++) data[p * C + c] = 0; }
  const crop: Crop = { rect: { x0: 0, y0: 0, x1: w - 1, y1: h - 1 }, w, h, C, data, hole: mask, holes };
  const values = Float32Array.from(data);
  for (let p = 0; p < w * h; p++) if (mask[p]) for (let c = 0; c < C; c++) values[p * C + c] = 128;
  return { crop, truth, guide: { values, source: null, box: wholeCrop(crop) } };
}

function holeError(fill: Fill, crop: Crop, truth: Float32Array): number {
  const { box } = fill, bw = box.x1 - box.x0 + 1;
  let sum = 0, n = 0;
  for (let y = box.y0; y <= box.y1; y++) for (let x = box.x0; x <= box.x1; x++) {
    const p = y * crop.w + x;
    if (!crop.hole[p]) continue;
    for (let c = 0; c < crop.C; c++) { sum += Math.abs(fill.values[((y - box.y0) * bw + x - box.x0) * crop.C + c] - truth[p * crop.C + c]); n++; }
  }
  return sum / n;
}

describe('shiftMapFill', () => {
  it('continues a repeating pattern through the hole exactly, copying whole periods', () => {
    const { crop, truth, guide } = setup(160, 100, 16, (x, y) => x >= 60 && x < 95 && y >= 30 && y < 70);
    const fill = shiftMapFill(crop, guide, { guideWeight: 0 });
    expect(holeError(fill, crop, truth)).toBeLessThan(0.5);
    // every hole pixel was copied from a known pixel a whole number of periods away
    const { box } = fill, bw = box.x1 - box.x0 + 1;
    for (let y = box.y0; y <= box.y1; y++) for (let x = box.x0; x <= box.x1; x++) {
      if (!crop.hole[y * crop.w + x]) continue;
      const s = fill.source![(y - box.y0) * bw + x - box.x0];
      expect(s).toBeGreaterThanOrEqual(0);
      expect(crop.hole[s]).toBe(0);
    }
  });

  it('labels a large hole on a smaller grid and still fills every hole pixel from known pixels', () => {
    const { crop, truth, guide } = setup(400, 300, 16, (x, y) => x >= 100 && x < 280 && y >= 80 && y < 200);
    expect(crop.holes).toBeGreaterThan(12_000); // labelled at half resolution or coarser
    const fill = shiftMapFill(crop, guide, { guideWeight: 0 });
    expect(fill.box).toEqual(holeBox(crop));
    expect(holeError(fill, crop, truth)).toBeLessThan(8);
  });

  it('copies only from the allowed area', () => {
    const { crop, guide } = setup(160, 100, 16, (x, y) => x >= 60 && x < 95 && y >= 30 && y < 70);
    const allowed = Uint8Array.from({ length: crop.w * crop.h }, (_, p) => (p % crop.w >= 100 ? 1 : 0));
    const fill = shiftMapFill(crop, guide, { guideWeight: 0, allowed });
    const { box } = fill, bw = box.x1 - box.x0 + 1;
    let copied = 0;
    for (let y = box.y0; y <= box.y1; y++) for (let x = box.x0; x <= box.x1; x++) {
      if (!crop.hole[y * crop.w + x]) continue;
      const s = fill.source![(y - box.y0) * bw + x - box.x0];
      if (s >= 0) { copied++; expect(s % crop.w).toBeGreaterThanOrEqual(100); }
    }
    expect(copied).toBeGreaterThan(0);
  });

  it('stops when aborted', () => {
    const { crop, guide } = setup(160, 100, 16, (x, y) => x >= 60 && x < 95 && y >= 30 && y < 70);
    const ac = new AbortController();
    ac.abort();
    expect(() => shiftMapFill(crop, guide, { signal: ac.signal })).toThrow();
  });
});
