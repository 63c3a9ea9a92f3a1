import { describe, expect, it } from 'vitest';
import { DETAIL_GAIN_MAX, matchDetail } from './detail';
import { holeBox, wholeCrop, cutBox, type Crop } from './regions';
import { mulberry32 } from '../random';
import { inpaint } from './index';

// a 120×100 grey photo with grain of amplitude `around`, a 40×40 hole in the middle filled with
// grain of amplitude `inside` (3 channels, the same grain in each)
function setup(around: number, inside: number): { crop: Crop; fill: Float32Array } {
  const w = 120, h = 100, C = 3;
  const rand = mulberry32(7);
  const hole = Uint8Array.from({ length: w * h }, (_, p) => (p % w >= 40 && p % w < 80 && ((p / w) | 0) >= 30 && ((p / w) | 0) < 70 ? 1 : 0));
  const data = new Float32Array(w * h * C);
  const whole = new Float32Array(w * h * C);
  for (let p = 0; p < w * h; p++) {
    const g = rand() * 2 - 1;
    for (let c = 0; c < C; c++) {
      data[p * C + c] = hole[p] ? 0 : 120 + around * g;
      whole[p * C + c] = hole[p] ? 120 + inside * g : data[p * C + c];
    }
  }
  const crop: Crop = { rect: { x0: 0, y0: 0, x1: w - 1, y1: h - 1 }, w, h, C, data, hole, holes: 1600 };
  return { crop, fill: cutBox(whole, wholeCrop(crop), holeBox(crop), C) };
}

/** Variance of the first channel over the box pixels at least 4 px inside the hole. */
function innerVariance(values: Float32Array, crop: Crop): number {
  const box = holeBox(crop), bw = box.x1 - box.x0 + 1;
  const v: number[] = [];
  for (let y = 34; y < 66; y++) for (let x = 44; x < 76; x++) v.push(values[((y - box.y0) * bw + x - box.x0) * crop.C]);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
}

describe('matchDetail', () => {
  it('raises a washed-out fill toward its surroundings\' grain, by at most DETAIL_GAIN_MAX', () => {
    const { crop, fill } = setup(30, 10);
    const out = matchDetail(fill, holeBox(crop), crop);
    const ratio = Math.sqrt(innerVariance(out, crop) / innerVariance(fill, crop));
    expect(ratio).toBeGreaterThan(1.3);
    expect(ratio).toBeLessThanOrEqual(DETAIL_GAIN_MAX + 0.01);
  });

  it('leaves a fill at least as grainy as its surroundings, and a flat fill, unchanged', () => {
    for (const [around, inside] of [[10, 12], [10, 30], [30, 0]]) {
      const { crop, fill } = setup(around, inside);
      const out = matchDetail(fill, holeBox(crop), crop);
      let worst = 0;
      for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i] - fill[i]));
      expect(`${around}/${inside}: ${worst.toFixed(3)}`).toBe(`${around}/${inside}: 0.000`);
    }
  });

  it('changes hole pixels only, and the pixels at the hole\'s edge least', () => {
    const { crop, fill } = setup(30, 10);
    const box = holeBox(crop), bw = box.x1 - box.x0 + 1;
    const out = matchDetail(fill, box, crop);
    let edge = 0, deep = 0;
    for (let y = box.y0; y <= box.y1; y++) for (let x = box.x0; x <= box.x1; x++) {
      const i = ((y - box.y0) * bw + x - box.x0) * crop.C;
      const d = Math.abs(out[i] - fill[i]);
      if (!crop.hole[y * crop.w + x]) expect(out[i]).toBe(fill[i]);
      else if (x === 40 && y > 40 && y < 60) edge += d;
      else if (x === 60 && y > 40 && y < 60) deep += d;
    }
    expect(edge).toBeLessThan(deep / 2);
  });

  it('works on grey and RGBA photos through inpaint (alpha and known pixels kept)', async () => {
    const w = 96, h = 80;
    const rand = mulberry32(3);
    const mask = { width: w, height: h, data: Uint8Array.from({ length: w * h }, (_, p) => (p % w >= 30 && p % w < 60 && ((p / w) | 0) >= 25 && ((p / w) | 0) < 55 ? 255 : 0)) };
    for (const channels of [1, 4] as const) {
      const data = new Uint8Array(w * h * channels);
      for (let p = 0; p < w * h; p++) for (let c = 0; c < channels; c++) data[p * channels + c] = c === 3 ? 200 : Math.round(128 + 40 * (rand() - 0.5) + 30 * Math.sin(p / 7));
      const res = await inpaint({ width: w, height: h, channels, data }, mask, { engine: 'patchmatch', seed: 1 });
      expect(res.image.channels).toBe(channels);
      for (let p = 0; p < w * h; p++) {
        if (!mask.data[p]) for (let c = 0; c < channels; c++) expect(res.image.data[p * channels + c]).toBe(data[p * channels + c]);
        else if (channels === 4) expect(res.image.data[p * 4 + 3]).toBe(200);
      }
    }
  });
});
