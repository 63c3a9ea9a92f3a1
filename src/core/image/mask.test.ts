import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { FIXTURE_MASK_DISC, FIXTURE_MASK_RECT, inShape, maskPng, type MaskShape } from '../../../test/fixtures/images';
import { ImageError } from './errors';
import { decodeMask, dilateMask, distanceToHoleSquared, encodeMask, featherMask, maskFromImageBuffer, maskStats } from './mask';
import type { MaskBuffer } from './types';

const W = 96;
const H = 64;

function expectShape(mask: MaskBuffer, shape: MaskShape): void {
  let wrong = 0;
  for (let y = 0; y < mask.height; y++) {
    for (let x = 0; x < mask.width; x++) if (!!mask.data[y * mask.width + x] !== inShape(shape, x, y)) wrong++;
  }
  expect(wrong).toBe(0);
}

function single(w: number, h: number, pts: [number, number][]): MaskBuffer {
  const data = new Uint8Array(w * h);
  for (const [x, y] of pts) data[y * w + x] = 1;
  return { width: w, height: h, data };
}

async function code(p: Promise<unknown>): Promise<ImageError> {
  const e = await p.then(
    () => new Error('expected ImageError'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ImageError);
  return e as ImageError;
}

describe('decodeMask', () => {
  it.each(['grey', 'rgb', 'rgba'] as const)('treats any non-zero (%s) as hole, transparent as keep', async (mode) => {
    for (const shape of [FIXTURE_MASK_RECT, FIXTURE_MASK_DISC]) {
      const mask = await decodeMask(await maskPng(W, H, shape, mode), { width: W, height: H }, 'm.png');
      expect(mask.width).toBe(W);
      if (mode === 'grey') expect((await sharp(await maskPng(W, H, shape, mode)).metadata()).channels).toBe(1);
      expectShape(mask, shape);
    }
  });

  it('handles grey+alpha and palette PNGs', async () => {
    const ga = new Uint8Array(4 * 2 * 2); // 4×2, 2 channels
    ga.set([9, 255], 0); // hole
    ga.set([200, 0], 2); // transparent: not a hole
    const png = await sharp(ga.subarray(0, 16), { raw: { width: 4, height: 2, channels: 2 as 3 } }).png().toBuffer();
    const m = await decodeMask(png, { width: 4, height: 2 });
    expect(Array.from(m.data)).toEqual([255, 0, 0, 0, 0, 0, 0, 0]);
    const pal = await sharp(await maskPng(W, H, FIXTURE_MASK_RECT, 'rgb')).png({ palette: true }).toBuffer();
    expectShape(await decodeMask(pal, { width: W, height: H }), FIXTURE_MASK_RECT);
  });

  it('reports size mismatch naming both sizes', async () => {
    const e = await code(decodeMask(await maskPng(50, 40, FIXTURE_MASK_RECT), { width: W, height: H }, 'hole.png'));
    expect(e.code).toBe('MASK_SIZE_MISMATCH');
    expect(e.message).toContain('hole.png');
    expect(e.message).toContain('50×40');
    expect(e.message).toContain(`${W}×${H}`);
  });

  it('reports an empty mask', async () => {
    const black = await sharp({ create: { width: W, height: H, channels: 3, background: 'black' } }).png().toBuffer();
    const e = await code(decodeMask(black, { width: W, height: H }, 'empty.png'));
    expect(e.code).toBe('EMPTY_MASK');
    expect(e.message).toContain('empty.png');
  });

  it('round-trips through encodeMask', async () => {
    const mask = await decodeMask(await maskPng(W, H, FIXTURE_MASK_DISC, 'rgb'), { width: W, height: H });
    const png = await encodeMask(mask);
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.channels]).toEqual(['png', 1]);
    const back = await decodeMask(png, { width: W, height: H });
    expect(Buffer.from(back.data).equals(Buffer.from(mask.data))).toBe(true);
    expect(Math.max(...back.data)).toBe(255);
  });
});

describe('maskFromImageBuffer / maskStats', () => {
  it('applies the same rule to in-memory images', () => {
    const rgba = { width: 3, height: 1, channels: 4 as const, data: new Uint8Array([0, 0, 1, 255, 255, 255, 255, 0, 0, 0, 0, 255]) };
    expect(Array.from(maskFromImageBuffer(rgba).data)).toEqual([255, 0, 0]);
  });

  it('counts holes and finds the bounding box', () => {
    const m = single(10, 8, [[2, 3], [5, 6], [4, 1]]);
    expect(maskStats(m)).toEqual({ holePixels: 3, fraction: 3 / 80, bbox: { x: 2, y: 1, width: 4, height: 6 } });
    expect(maskStats(single(4, 4, [])).bbox).toBeNull();
  });
});

describe('dilateMask / featherMask', () => {
  it('computes exact Euclidean distances', () => {
    const m = single(9, 7, [[4, 3]]);
    const d2 = distanceToHoleSquared(m);
    for (let y = 0; y < 7; y++) for (let x = 0; x < 9; x++) expect(d2[y * 9 + x]).toBe((x - 4) ** 2 + (y - 3) ** 2);
  });

  it('dilates a point into a disc', () => {
    const m = single(11, 11, [[5, 5]]);
    const r = 3;
    const d = dilateMask(m, r);
    expectShape(d, { kind: 'disc', cx: 5, cy: 5, r });
    expect(maskStats(d).holePixels).toBe(29); // lattice points with x²+y² <= 9
    expect(Array.from(dilateMask(m, 0).data).filter(Boolean).length).toBe(1);
  });

  it('dilates a rectangle by the disc (rounded corners) and matches brute force', () => {
    const w = 40;
    const h = 30;
    const src = new Uint8Array(w * h);
    for (let y = 10; y < 18; y++) for (let x = 12; x < 25; x++) src[y * w + x] = 1;
    src[2 * w + 3] = 1;
    const mask = { width: w, height: h, data: src };
    for (const r of [1, 2.5, 4, 7]) {
      const d = dilateMask(mask, r);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let expected = false;
          for (let yy = 0; yy < h && !expected; yy++)
            for (let xx = 0; xx < w; xx++) if (src[yy * w + xx] && (xx - x) ** 2 + (yy - y) ** 2 <= r * r) { expected = true; break; }
          expect(!!d.data[y * w + x]).toBe(expected);
        }
      }
    }
  });

  it('feathers: 1 inside, smooth monotone falloff to 0 at the radius', () => {
    const w = 21;
    const m = single(w, 1, [[10, 0]]);
    const f = featherMask(m, 5);
    expect(f[10]).toBe(1);
    for (let k = 1; k <= 5; k++) {
      expect(f[10 + k]).toBeLessThan(f[10 + k - 1]);
      expect(f[10 + k]).toBeCloseTo(f[10 - k], 6);
    }
    expect(f[15]).toBe(0);
    expect(f[0]).toBe(0);
    const t = 1 - 2 / 5;
    expect(f[12]).toBeCloseTo(t * t * (3 - 2 * t), 6);
    expect(Array.from(featherMask(m, 0)).reduce((a, b) => a + b)).toBe(1);
  });

  it('is fast on a 24 MP mask', () => {
    const w = 6000;
    const h = 4000;
    const data = new Uint8Array(w * h);
    for (let y = 1800; y < 2200; y++) data.fill(1, y * w + 2800, y * w + 3300);
    const t0 = performance.now();
    const d = dilateMask({ width: w, height: h, data }, 25);
    const ms = performance.now() - t0;
    expect(maskStats(d).bbox).toEqual({ x: 2775, y: 1775, width: 550, height: 450 });
    expect(ms).toBeLessThan(15_000);
  });
});
