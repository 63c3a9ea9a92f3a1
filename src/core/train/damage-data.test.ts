import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthPhoto } from '../../../test/fixtures/synth';
import { addFilmGrain, addHardContent, addHighlights, makeSample, sharpenGrain, type Silhouette } from './damage-data';
import { Rng } from '../random';

const disc = (n: number): Silhouette => ({ width: n, height: n, data: Uint8Array.from({ length: n * n }, (_, i) => ((i % n) - n / 2) ** 2 + (((i / n) | 0) - n / 2) ** 2 < (n / 2.2) ** 2 ? 255 : 0) });

let dir: string;
let photo: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'renovo-damage-data-'));
  const p = synthPhoto(200, 160, { seed: 3 });
  photo = join(dir, 'p.png');
  await writeFile(photo, await sharp(Buffer.from(p.data), { raw: { width: 200, height: 160, channels: 3 } }).png().toBuffer());
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('detector training samples: hard negatives', () => {
  it('draws sharp content onto a crop, deterministically for a seed', async () => {
    const base = synthPhoto(96, 96, { seed: 1 });
    const a = await addHardContent(base, new Rng(5), [disc(40)]);
    const b = await addHardContent(base, new Rng(5), [disc(40)]);
    expect(a.width).toBe(96);
    expect(a.data.length).toBe(base.data.length);
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
    let changed = 0;
    for (let i = 0; i < base.data.length; i++) if (a.data[i] !== base.data[i]) changed++;
    expect(changed).toBeGreaterThan(0);
  });

  it('hard content is never marked as damage: clean samples keep an empty mask', async () => {
    for (let s = 0; s < 6; s++) {
      const r = await makeSample(photo, new Rng(100 + s), { size: 64, contentScale: [1, 1.5], cleanFraction: 1, hard: { p: 1, silhouettes: [disc(30)], sharpen: 1 } });
      expect(r.image.width).toBe(64);
      expect(r.mask.every((v) => v === 0)).toBe(true);
    }
  });

  it('highlights clip part of a crop to near-white, and clean samples with them keep an empty mask', async () => {
    const base = synthPhoto(64, 64, { seed: 4 });
    let brighter = 0;
    for (let s = 0; s < 8; s++) {
      const out = addHighlights(base, new Rng(s));
      expect(out.data.length).toBe(base.data.length);
      let bright = 0, before = 0;
      for (let i = 0; i < out.data.length; i += 3) {
        if (out.data[i] >= 230) bright++;
        if (base.data[i] >= 230) before++;
      }
      if (bright > before + 64) brighter++;
    }
    expect(brighter).toBeGreaterThanOrEqual(6);
    const r = await makeSample(photo, new Rng(7), { size: 64, contentScale: [1, 1.5], cleanFraction: 1, highlights: 1 });
    expect(r.mask.every((v) => v === 0)).toBe(true);
  });

  it('sharpenGrain raises local contrast and keeps the size', async () => {
    const base = synthPhoto(64, 64, { seed: 2 });
    const out = await sharpenGrain(base, new Rng(1));
    expect(out.data.length).toBe(base.data.length);
    const lap = (d: Uint8Array): number => {
      let s = 0;
      for (let y = 1; y < 63; y++) for (let x = 1; x < 63; x++) { const i = (y * 64 + x) * 3; s += Math.abs(4 * d[i] - d[i - 3] - d[i + 3] - d[i - 192] - d[i + 192]); }
      return s;
    };
    expect(lap(out.data)).toBeGreaterThan(lap(base.data));
  });
});

describe('detector training samples: film grain', () => {
  it('adds zero-mean grain of σ 4–14 to each channel, deterministically for a seed', () => {
    const flat = { width: 64, height: 64, channels: 3 as const, data: new Uint8Array(64 * 64 * 3).fill(128) };
    for (const seed of [1, 2, 3, 4]) {
      const a = addFilmGrain(flat, new Rng(seed));
      expect(Buffer.from(a.data).equals(Buffer.from(addFilmGrain(flat, new Rng(seed)).data))).toBe(true);
      for (let c = 0; c < 3; c++) {
        let s = 0, s2 = 0;
        for (let i = c; i < a.data.length; i += 3) { s += a.data[i] - 128; s2 += (a.data[i] - 128) ** 2; }
        const n = a.data.length / 3, mean = s / n, sd = Math.sqrt(s2 / n - mean * mean);
        expect(Math.abs(mean)).toBeLessThan(1);
        expect(sd).toBeGreaterThan(3);
        expect(sd).toBeLessThan(15);
      }
    }
    expect(flat.data.every((v) => v === 128)).toBe(true);
  });
});

describe('detector training samples: enlarged small scans', () => {
  // fine detail of a crop (mean |Laplacian| of the red channel)
  const detail = (d: Uint8Array, n: number): number => {
    let s = 0;
    for (let y = 1; y < n - 1; y++) for (let x = 1; x < n - 1; x++) { const i = (y * n + x) * 3; s += Math.abs(4 * d[i] - d[i - 3] - d[i + 3] - d[i - 3 * n] - d[i + 3 * n]); }
    return s / ((n - 2) * (n - 2));
  };

  it('an enlarged crop keeps its size and mask and loses fine detail', async () => {
    let softer = 0;
    for (let s = 0; s < 6; s++) {
      const o = { size: 64, contentScale: [1, 1.5] as [number, number], cleanFraction: 0 };
      const sharpOne = await makeSample(photo, new Rng(300 + s), o);
      const soft = await makeSample(photo, new Rng(300 + s), { ...o, upscaled: 1 });
      expect(soft.image.width).toBe(64);
      expect(soft.image.data.length).toBe(64 * 64 * 3);
      // the same draws up to the resampling: the damage and its mask are the same
      expect(Buffer.from(soft.mask).equals(Buffer.from(sharpOne.mask))).toBe(true);
      if (detail(soft.image.data, 64) < 0.8 * detail(sharpOne.image.data, 64)) softer++;
    }
    expect(softer).toBeGreaterThanOrEqual(5);
  });
});

describe('detector training samples: unaged colour photos', () => {
  // spread of the colour channels (0 for a grey crop)
  const chroma = (d: Uint8Array): number => {
    let s = 0;
    for (let i = 0; i < d.length; i += 3) s += Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]);
    return s / (d.length / 3);
  };

  it('unaged crops keep their colours; aged ones lose most of them', async () => {
    let kept = 0;
    for (let s = 0; s < 8; s++) {
      const o = { size: 64, contentScale: [1, 1.5] as [number, number], cleanFraction: 1 };
      const unaged = await makeSample(photo, new Rng(500 + s), { ...o, unaged: 1 });
      const aged = await makeSample(photo, new Rng(500 + s), { ...o, unaged: 0 });
      if (chroma(unaged.image.data) > 1.5 * chroma(aged.image.data)) kept++;
    }
    expect(kept).toBeGreaterThanOrEqual(6);
  });
});
