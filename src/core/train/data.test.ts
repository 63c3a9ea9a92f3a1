import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchSampler, DatasetError, loadImageFolder } from './data';
import { isHeldOut, splitHoldout } from './holdout';
import { Rng } from '../random';

let dir: string;
const solid = (r: number, g: number, b: number, w = 40, h = 30): ReturnType<typeof sharp> => sharp({ create: { width: w, height: h, channels: 3, background: { r, g, b } } });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'renovo-data-'));
  await mkdir(join(dir, 'sub', 'deeper'), { recursive: true });
  await mkdir(join(dir, '__MACOSX'));
  await solid(255, 0, 0).jpeg().toFile(join(dir, 'a.jpg'));
  await solid(0, 255, 0).png().toFile(join(dir, 'sub', 'b.png'));
  await solid(0, 0, 255).webp({ lossless: true }).toFile(join(dir, 'sub', 'deeper', 'c.webp'));
  await solid(255, 255, 0).tiff().toFile(join(dir, 'd.tif'));
  await writeFile(join(dir, 'notes.txt'), 'hello');
  await writeFile(join(dir, '.DS_Store'), 'x');
  await writeFile(join(dir, 'Thumbs.db'), 'x');
  await writeFile(join(dir, 'broken.jpg'), 'not a jpeg');
  await writeFile(join(dir, '__MACOSX', '._a.jpg'), 'x');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('image folder datasets', () => {
  it('reads JPEG/PNG/WebP/TIFF recursively, skips system files, non-images and undecodable files with warnings', async () => {
    const warnings: string[] = [];
    const ds = await loadImageFolder(dir, { resolution: 16, crop: 'center', minImages: 2, noCache: true, onWarning: (m) => warnings.push(m) });
    expect(ds.files).toEqual(['a.jpg', 'd.tif', 'sub/b.png', 'sub/deeper/c.webp']);
    expect(ds.pixels.length).toBe(4 * 16 * 16 * 3);
    // a.jpg is red, b.png green (centre crop of a 40×30 solid stays solid)
    expect(ds.pixels[0]).toBeGreaterThan(240);
    expect(ds.pixels[2 * 768 + 1]).toBeGreaterThan(240);
    expect(warnings.join('\n')).toMatch(/notes\.txt: not an image/);
    expect(warnings.join('\n')).toMatch(/\.DS_Store: system file/);
    expect(warnings.join('\n')).toMatch(/Thumbs\.db: system file/);
    expect(warnings.join('\n')).toMatch(/broken\.jpg: cannot decode/);
    expect(warnings.join('\n')).toMatch(/__MACOSX: system folder/);
    expect(ds.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('leaves a deterministic held-out split out of training (by hash of the relative path)', async () => {
    const ds = await loadImageFolder(dir, { resolution: 16, crop: 'center', minImages: 2, noCache: true, holdoutPercent: 50 });
    // sha256 of the paths puts a.jpg (0.31) and sub/b.png (0.46) under 50 %, the other two above.
    // The split is over the image-named files, before decoding, so it does not depend on decoders.
    expect(ds.files).toEqual(['d.tif', 'sub/deeper/c.webp']);
    expect(ds.heldOut?.files).toEqual(['a.jpg', 'broken.jpg', 'sub/b.png']);
    expect(ds.pixels.length).toBe(2 * 16 * 16 * 3);
    expect(ds.files.some((f) => isHeldOut(f, 50))).toBe(false);
    const all = await loadImageFolder(dir, { resolution: 16, crop: 'center', minImages: 2, noCache: true });
    expect(all.heldOut).toBeUndefined();
    expect(all.contentHash).not.toBe(ds.contentHash);
    expect(() => splitHoldout(['x.jpg'], 100)).toThrow(/below 100/);
  });

  it('caches the preprocessed copy and reuses it (same hash, same pixels)', async () => {
    const cacheDir = join(dir, '..', `cache-${Date.now()}`);
    try {
      const a = await loadImageFolder(dir, { resolution: 16, crop: 'random', minImages: 2, cacheDir });
      expect(a.fromCache).toBe(false);
      expect(a.stored).toBe(18);
      const b = await loadImageFolder(dir, { resolution: 16, crop: 'random', minImages: 2, cacheDir });
      expect(b.fromCache).toBe(true);
      expect(b.contentHash).toBe(a.contentHash);
      expect(Buffer.from(b.pixels).equals(Buffer.from(a.pixels))).toBe(true);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it('fails clearly for missing folders, files and folders with too few usable images', async () => {
    await expect(loadImageFolder(join(dir, 'nope'), { resolution: 16 })).rejects.toThrow(/does not exist/);
    await expect(loadImageFolder(join(dir, 'a.jpg'), { resolution: 16 })).rejects.toThrow(/is not a folder/);
    await expect(loadImageFolder(dir, { resolution: 16, noCache: true, onWarning: () => {} })).rejects.toThrow(DatasetError);
    await expect(loadImageFolder(dir, { resolution: 16, noCache: true, onWarning: () => {} })).rejects.toThrow(/has 4 usable images \(need at least 8/);
  });

  it('samples shuffled batches in [-1, 1] with crops and flips, reproducibly from the RNG state', async () => {
    const ds = await loadImageFolder(dir, { resolution: 16, crop: 'random', minImages: 2, noCache: true, onWarning: () => {} });
    const s1 = new BatchSampler(ds, 2, new Rng(5));
    const b1 = [s1.next(), s1.next(), s1.next()];
    expect(b1[2].newEpoch).toBe(true);
    expect(s1.epoch).toBe(1);
    for (const b of b1) for (const v of b.data) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    const s2 = new BatchSampler(ds, 2, new Rng(5));
    expect(Array.from(s2.next().data)).toEqual(Array.from(b1[0].data));
    expect(() => new BatchSampler(ds, 5, new Rng(1))).toThrow(/fewer than one batch/);
  });
});

// Real data (../shared/data, see its README) — skipped when the folder is absent.
const MONET = join(process.cwd(), '..', 'shared', 'data', 'monet');
const haveMonet = existsSync(MONET);
if (!haveMonet) console.log(`skipping the ../shared/data/monet dataset test: ${MONET} is absent`);
describe.skipIf(!haveMonet)('real folder (../shared/data/monet)', () => {
  it('reads all 270 paintings at 16×16 with nothing skipped', async () => {
    const ds = await loadImageFolder(MONET, { resolution: 16, crop: 'center', noCache: true });
    expect(ds.count).toBe(270);
    expect(ds.skipped).toEqual([]);
  });
});
