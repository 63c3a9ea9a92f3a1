import { describe, expect, it } from 'vitest';
import { hedgeShading, SHADING_PULL } from './shading';

// a grey photo of value 100 with a square hole (margin 10 px); the fill is 100 + offset + a 1-px
// checkerboard. 40×40 holes get a full-resolution membrane, 240×240 ones (57 600 px) a coarse one.
function setup(side: number) {
  const W = side + 20, H = side + 20;
  const hole = Uint8Array.from({ length: W * H }, (_, p) => (p % W >= 10 && p % W < W - 10 && ((p / W) | 0) >= 10 && ((p / W) | 0) < H - 10 ? 1 : 0));
  const known = new Float32Array(W * H).fill(100);
  const checker = (p: number): number => (((p % W) + ((p / W) | 0)) % 2 === 0 ? 10 : -10);
  const fillWith = (offset: number): Float32Array => Float32Array.from(known, (v, p) => (hole[p] ? v + offset + checker(p) : v));
  const centre = (H >> 1) * W + (W >> 1);
  return { W, H, hole, known, fillWith, centre };
}

describe.each([40, 240])('hedgeShading, %i px hole', (side) => {
  const { W, H, hole, known, fillWith, centre } = setup(side);

  it('pulls the shading halfway to the membrane and keeps the fine texture', () => {
    const out = hedgeShading(fillWith(40), known, W, H, 1, hole);
    // the membrane over a flat border is flat (100): the offset of 40 halves in the hole's middle
    expect((out[centre] + out[centre + 1]) / 2).toBeCloseTo(100 + 40 * (1 - SHADING_PULL), 0);
    // the checkerboard's ±10 survives (σ 2 px blurs a 1-px pattern away, so it is not pulled)
    expect(Math.abs(out[centre] - out[centre + 1])).toBeGreaterThan(19);
  });

  it('leaves pixels outside the hole bit-identical', () => {
    const fill = fillWith(40);
    const out = hedgeShading(fill, known, W, H, 1, hole);
    for (let p = 0; p < W * H; p++) if (!hole[p]) expect(out[p]).toBe(fill[p]);
  });

  it('follows a sloping border (the membrane is the ramp between its sides)', () => {
    const ramp = Float32Array.from(known, (_, p) => 50 + (100 * (p % W)) / W);
    const fill = Float32Array.from(ramp, (v, p) => (hole[p] ? v + 40 : v));
    const out = hedgeShading(fill, ramp, W, H, 1, hole);
    for (const p of [centre, centre - (W >> 2), centre + (W >> 2)]) expect(out[p]).toBeCloseTo(ramp[p] + 40 * (1 - SHADING_PULL), 0);
  });

  it('changes nothing when the fill already has the membrane shading', () => {
    const out = hedgeShading(fillWith(0), known, W, H, 1, hole);
    expect((out[centre] + out[centre + 1]) / 2).toBeCloseTo(100, 1);
  });
});
