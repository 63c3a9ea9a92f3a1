import { describe, expect, it } from 'vitest';
import { floodFill8 } from './flood';

describe('floodFill8', () => {
  // 5×4: two diagonal-touching pixels form one component, the right column another
  const plane = Uint8Array.from([
    1, 0, 0, 0, 1,
    0, 1, 0, 0, 1,
    0, 0, 0, 0, 1,
    1, 1, 0, 0, 0,
  ]);
  it('visits each pixel of the 8-connected component once', () => {
    const seen = new Uint8Array(plane.length);
    const got: number[] = [];
    expect(floodFill8(plane, 5, 4, 0, seen, (p) => got.push(p))).toBe(2);
    expect(got.sort((a, b) => a - b)).toEqual([0, 6]);
    expect(floodFill8(plane, 5, 4, 4, seen)).toBe(3);
    expect(floodFill8(plane, 5, 4, 6, seen)).toBe(0); // already seen
    expect(floodFill8(plane, 5, 4, 2, seen)).toBe(0); // not inside
    expect(floodFill8(plane, 5, 4, 15, seen, (p, x, y) => expect(p).toBe(y * 5 + x))).toBe(2);
  });
  it('grows its stack past the initial size', () => {
    const big = new Uint8Array(300 * 300).fill(1);
    expect(floodFill8(big, 300, 300, 45_150, new Uint8Array(big.length))).toBe(90_000);
  });
});
