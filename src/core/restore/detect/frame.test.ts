import { describe, expect, it } from 'vitest';
import { withoutFrame } from './frame';

const W = 100, H = 80;
const at = { x0: 0, y0: 0, W, H };
const px = (pts: [number, number][]): Int32Array => Int32Array.from(pts.map(([x, y]) => y * W + x));
const xy = (q: number): [number, number] => [q % W, (q / W) | 0];

describe('withoutFrame', () => {
  const rebate: [number, number][] = [];
  for (let y = 0; y < 3; y++) for (let x = 5; x < 95; x++) rebate.push([x, y]);
  const scratch: [number, number][] = [];
  for (let y = 0; y < 60; y++) scratch.push([50 + (y >> 3), y]);

  it('drops a stripe that follows an image edge', () => {
    expect(withoutFrame(px(rebate), W, at, 6, 24).length).toBe(0);
    const side: [number, number][] = [];
    for (let y = 10; y < 70; y++) side.push([W - 1, y], [W - 2, y]);
    expect(withoutFrame(px(side), W, at, 6, 24).length).toBe(0);
  });

  it('keeps a scratch that crosses the edge, and a speck at the edge', () => {
    expect(withoutFrame(px(scratch), W, at, 6, 24).length).toBe(scratch.length);
    const speck = px([[10, 0], [11, 0], [10, 1], [11, 1]]);
    expect(withoutFrame(speck, W, at, 6, 24).length).toBe(4);
  });

  it('a scratch merged with the frame keeps its own pixels past the band', () => {
    const kept = withoutFrame(px([...rebate, ...scratch]), W, at, 6, 24);
    expect(kept.length).toBe(scratch.filter(([, y]) => y >= 6).length);
    for (const q of kept) expect(xy(q)[1]).toBeGreaterThanOrEqual(6);
  });

  it('uses image coordinates: a tile away from the edge keeps everything', () => {
    expect(withoutFrame(px(rebate), W, { x0: 0, y0: 40, W, H: 400 }, 6, 24).length).toBe(rebate.length);
  });
});
