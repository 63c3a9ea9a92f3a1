import { describe, expect, it } from 'vitest';
import type { ImageBuffer } from '../../image/types';
import { Rng } from '../../random';
import { growIntoHalo } from './halo';

const W = 64, H = 48;

/** Grey paper with grain σ `grain`; `paint(x, y)` may override a pixel's grey level. */
function paper(grain: number, paint: (x: number, y: number) => number | null = () => null): ImageBuffer {
  const rng = new Rng(3);
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const v = paint(x, y) ?? Math.round(140 + grain * rng.normal());
      data.fill(Math.max(0, Math.min(255, v)), (y * W + x) * 3, (y * W + x) * 3 + 3);
    }
  }
  return { width: W, height: H, channels: 3, data };
}

/** A mask of the columns x0..x1 over the rows 8..39. */
function columns(x0: number, x1: number): Uint8Array {
  const m = new Uint8Array(W * H);
  for (let y = 8; y < 40; y++) for (let x = x0; x <= x1; x++) m[y * W + x] = 255;
  return m;
}

describe('growing a damage mask into its halo', () => {
  it("takes a white scratch's dark shoulder the detector left out", () => {
    // scratch core at x 30–31 (flagged), dark shoulder at x 32 (not flagged)
    const img = paper(4, (x, y) => (y >= 8 && y < 40 ? (x === 30 || x === 31 ? 235 : x === 32 ? 95 : null) : null));
    const mask = columns(30, 31);
    growIntoHalo(img, mask);
    let shoulder = 0;
    for (let y = 8; y < 40; y++) if (mask[y * W + 32]) shoulder++;
    expect(shoulder).toBeGreaterThanOrEqual(30);
    // the paper on the other side stays the photo's
    let left = 0;
    for (let y = 8; y < 40; y++) if (mask[y * W + 29]) left++;
    expect(left).toBeLessThanOrEqual(2);
  });

  it('barely grows a flag on even grainy paper', () => {
    const img = paper(6);
    const mask = columns(30, 31);
    const added = growIntoHalo(img, mask);
    // the 2 × 32 flag has about 140 neighbours within 2 px; grain alone must not take them
    expect(added).toBeLessThanOrEqual(6);
  });

  it('does not grow into strong texture (the spread of the photo beside it decides)', () => {
    const rng = new Rng(9);
    const img = paper(0, () => (rng.uniform() < 0.5 ? 90 : 190));
    const mask = columns(30, 31);
    expect(growIntoHalo(img, mask)).toBeLessThanOrEqual(6);
  });
});
