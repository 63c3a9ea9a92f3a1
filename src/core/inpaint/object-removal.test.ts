// What issue 12 pins for object removal: fills keep the photo's texture, straight edges continue
// through the hole, the source area is obeyed and bad source areas are refused clearly.
import { describe, expect, it } from 'vitest';
import { inpaint, InpaintError } from './index';
import { patchMatch } from './patchmatch';
import { makeImage, makeMask, textureRatio, valueNoise } from '../../../test/fixtures/inpaint';

const W = 160, H = 120;
const fine = valueNoise(7, 3), coarse = valueNoise(11, 12);
/** Two textured regions (warm above, cool below) split by a straight slanted edge. */
const edgeAt = (x: number): number => 50 + 0.25 * x;
const photo = makeImage(W, H, 3, (x, y, c) => {
  const t = 60 * fine(x, y) + 30 * coarse(x, y);
  return y < edgeAt(x) ? [170, 120, 80][c] + t - 45 : [60, 90, 130][c] + t - 45;
});
const disk = makeMask(W, H, (x, y) => (x - 80) ** 2 + (y - 70) ** 2 < 22 * 22);

describe('object removal (issue 12)', () => {
  it('keeps the texture of a textured photo (texture ratio 3 px inside the hole >= 0.7)', async () => {
    const res = await inpaint(photo, disk, { engine: 'auto', seed: 3 });
    expect(res.engine).toBe('patchmatch');
    const ratio = textureRatio(res.image, photo, disk);
    expect(ratio).toBeGreaterThanOrEqual(0.7);
    expect(ratio).toBeLessThanOrEqual(1.5);
  });

  it('continues a straight edge across the hole within 2 px', async () => {
    const res = await inpaint(photo, disk, { engine: 'auto', seed: 3 });
    // blue − red: −90 above the edge, +70 below; the texture is added to all channels and cancels
    const hue = (x: number, y: number): number => { const p = (y * W + x) * 3; return res.image.data[p + 2] - res.image.data[p]; };
    let worst = 0, columns = 0;
    for (let x = 64; x <= 96; x++) {
      // the edge in this column: the split that best separates warm (above) from cool (below)
      let best = -1, bestScore = -Infinity;
      for (let y = 40; y < 100; y++) {
        let score = 0;
        for (let k = 1; k <= 4; k++) score += hue(x, y + k - 1) - hue(x, y - k);
        if (score > bestScore) { bestScore = score; best = y; }
      }
      worst = Math.max(worst, Math.abs(best - edgeAt(x)));
      columns++;
    }
    expect(columns).toBe(33);
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('copies only from the source area (include and exclude)', async () => {
    // engine level: every hole pixel's recorded source lies inside the allowed area
    const data = Float32Array.from(photo.data);
    const hole = Uint8Array.from(disk.data, (v) => (v ? 1 : 0));
    const allowed = new Uint8Array(W * H);
    for (let p = 0; p < W * H; p++) allowed[p] = p % W >= 110 ? 1 : 0;
    const r = patchMatch(data, W, H, 3, hole, { allowed, seed: 2 });
    let checked = 0;
    for (let p = 0; p < W * H; p++) if (hole[p]) { expect(allowed[r.source![p]]).toBe(1); checked++; }
    expect(checked).toBeGreaterThan(1000);
    // through inpaint(): a left half painted red is excluded, so no red reaches the fill
    const split = makeImage(W, H, 3, (x, y, c) => (x < 80 ? [200, 40, 40][c] : [40, 160, 60][c]) + 40 * fine(x, y));
    const hole2 = makeMask(W, H, (x, y) => (x - 80) ** 2 + (y - 60) ** 2 < 15 * 15);
    const left = makeMask(W, H, (x) => x < 80);
    for (const sourceArea of [{ mask: left, mode: 'exclude' as const }, { mask: makeMask(W, H, (x) => x >= 100), mode: 'include' as const }]) {
      const res = await inpaint(split, hole2, { engine: 'auto', blend: 'off', seed: 1, sourceArea });
      for (let p = 0; p < W * H; p++) if (hole2.data[p]) expect(res.image.data[p * 3 + 1]).toBeGreaterThan(res.image.data[p * 3]);
    }
  });

  it('refuses bad source areas with a clear error', async () => {
    const codeOf = async (sourceArea: Parameters<typeof inpaint>[2]['sourceArea'], engine: 'auto' | 'telea' = 'auto'): Promise<string> => {
      try { await inpaint(photo, disk, { engine, sourceArea }); return 'none'; } catch (e) { expect(e).toBeInstanceOf(InpaintError); return (e as InpaintError).code; }
    };
    expect(await codeOf({ mask: makeMask(W - 1, H, () => true), mode: 'include' })).toBe('SOURCE_MASK_SIZE');
    expect(await codeOf({ mask: makeMask(W, H, () => false), mode: 'include' })).toBe('SOURCE_MASK_EMPTY');
    expect(await codeOf({ mask: makeMask(W, H, () => true), mode: 'exclude' })).toBe('SOURCE_MASK_EMPTY');
    expect(await codeOf({ mask: disk, mode: 'include' })).toBe('SOURCE_MASK_NO_SOURCE');
    // a sliver outside the hole too thin to hold one whole patch
    expect(await codeOf({ mask: makeMask(W, H, (x, y) => (x - 80) ** 2 + (y - 70) ** 2 < 24 * 24), mode: 'include' })).toBe('SOURCE_MASK_NO_SOURCE');
    expect(await codeOf({ mask: makeMask(W, H, (x) => x > 120), mode: 'include' }, 'telea')).toBe('SOURCE_MASK_ENGINE');
    try { await inpaint(photo, disk, { engine: 'auto', sourceArea: { mask: disk, mode: 'include' } }); } catch (e) { expect((e as Error).message).toMatch(/source area/); }
  });
});
