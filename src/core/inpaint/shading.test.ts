import { describe, expect, it } from 'vitest';
import { hedgeShading, SHADING_PULL } from './shading';

// 60×60 grey photo of value 100 with a 40×40 hole; the fill is 100 + offset + a 1-px checkerboard
const W = 60, H = 60;
const hole = Uint8Array.from({ length: W * H }, (_, p) => (p % W >= 10 && p % W < 50 && ((p / W) | 0) >= 10 && ((p / W) | 0) < 50 ? 1 : 0));
const known = new Float32Array(W * H).fill(100);
const checker = (p: number): number => ((p % W) + ((p / W) | 0)) % 2 === 0 ? 10 : -10;
const fillWith = (offset: number): Float32Array => Float32Array.from(known, (v, p) => (hole[p] ? v + offset + checker(p) : v));

describe('hedgeShading', () => {
  it('pulls the shading halfway to the membrane and keeps the fine texture', () => {
    const out = hedgeShading(fillWith(40), known, W, H, 1, hole);
    const centre = 30 * W + 30;
    // the membrane over a flat border is flat (100): the offset of 40 halves in the hole's middle
    const shading = (out[centre] + out[centre + 1]) / 2;
    expect(shading).toBeCloseTo(100 + 40 * (1 - SHADING_PULL), 0);
    // the checkerboard's ±10 survives (σ 2 px blurs a 1-px pattern away, so it is not pulled)
    expect(Math.abs(out[centre] - out[centre + 1])).toBeGreaterThan(19);
  });

  it('leaves pixels outside the hole bit-identical', () => {
    const fill = fillWith(40);
    const out = hedgeShading(fill, known, W, H, 1, hole);
    for (let p = 0; p < W * H; p++) if (!hole[p]) expect(out[p]).toBe(fill[p]);
  });

  it('changes nothing when the fill already has the membrane shading', () => {
    const out = hedgeShading(fillWith(0), known, W, H, 1, hole);
    const centre = 30 * W + 30;
    expect((out[centre] + out[centre + 1]) / 2).toBeCloseTo(100, 1);
  });
});
