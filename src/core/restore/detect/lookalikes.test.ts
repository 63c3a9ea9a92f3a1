import { describe, expect, it } from 'vitest';
import { Rng } from '../../random';
import { hasLookalikes, type Plane } from './lookalikes';

const W = 160, H = 80;

/** Grey paper with grain, and `bars` vertical strokes 3 px wide and 30 px tall at x = 20 + 14·k. */
function page(bars: number[], tone = 220): { plane: Plane; strokes: number[][] } {
  const rng = new Rng(7);
  const data = new Uint8Array(W * H);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(100 + 6 * rng.normal());
  const strokes: number[][] = [];
  for (const k of bars) {
    const px: number[] = [];
    for (let y = 25; y < 55; y++) for (let x = 20 + 14 * k; x < 23 + 14 * k; x++) { data[y * W + x] = tone; px.push(y * W + x); }
    strokes[k] = px;
  }
  return { plane: { data, width: W, height: H }, strokes };
}

const flaggedOf = (...groups: number[][]): Uint8Array => {
  const f = new Uint8Array(W * H);
  for (const g of groups) for (const i of g) f[i] = 1;
  return f;
};

describe('a flagged mark with look-alikes the detector left alone', () => {
  it('is the photo when like strokes (letters) stand unflagged beside it', () => {
    const { plane, strokes } = page([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(hasLookalikes(plane, strokes[3], flaggedOf(strokes[3]))).toBe(true);
  });

  it('is damage when it stands alone', () => {
    const { plane, strokes } = page([3]);
    expect(hasLookalikes(plane, strokes[3], flaggedOf(strokes[3]))).toBe(false);
  });

  it('is damage when its twins are flagged too (a family of scratches found whole)', () => {
    const { plane, strokes } = page([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(hasLookalikes(plane, strokes[3], flaggedOf(...strokes))).toBe(false);
  });

  it('counts only twins of its own tone: dark strokes beside a bright mark do not make it the photo', () => {
    const bright = page([3]);
    const dark = page([0, 1, 2, 4, 5, 6, 7], 10);
    // the bright mark pasted into the page of dark strokes
    const data = dark.plane.data.slice();
    for (const i of bright.strokes[3]) data[i] = 220;
    expect(hasLookalikes({ data, width: W, height: H }, bright.strokes[3], flaggedOf(bright.strokes[3]))).toBe(false);
  });
});
