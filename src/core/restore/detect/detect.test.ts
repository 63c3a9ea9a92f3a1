import { describe, expect, it } from 'vitest';
import { addDamage, maskScores, synthPhoto } from '../../../../test/fixtures/synth';
import { agePhoto, generateDamage } from '../damage/generate';
import { detectDamage } from './index';
import { squareFilter, topHats } from './morph';

const W = 800;
const H = 600;

describe('morphology kernels', () => {
  it('square min/max filters match brute force, edges included', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) & 255;
    for (const [w, h] of [[37, 23], [8, 5], [3, 40], [64, 17]] as const) {
      const src = new Uint8Array(w * h).map(() => rand());
      for (const k of [1, 3, 5, 9, 11, 13]) {
        for (const isMax of [false, true]) {
          const out = squareFilter(src, w, h, k, isMax);
          const r = k >> 1;
          for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
            let m = isMax ? 0 : 255;
            for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
              const xx = x + dx, yy = y + dy;
              if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
              m = isMax ? Math.max(m, src[yy * w + xx]) : Math.min(m, src[yy * w + xx]);
            }
            expect(out[y * w + x]).toBe(m);
          }
        }
      }
    }
  });

  it('top-hats respond to a thin line and not to a wide bar', () => {
    const w = 60, h = 40;
    const L = new Uint8Array(w * h).fill(100);
    for (let y = 0; y < h; y++) { L[y * w + 10] = 180; for (let x = 30; x < 50; x++) L[y * w + x] = 180; }
    const { bright, dark } = topHats(L, w, h, 9);
    expect(bright[20 * w + 10]).toBe(80);
    expect(bright[20 * w + 40]).toBe(0);
    expect(Math.max(...dark)).toBe(0);
  });
});

describe('detectDamage on synthetic scans with ground truth', () => {
  // Photos carry grain, soft shapes, a foliage texture and a patch of hair-like strands.
  const seeds = [1, 2, 3, 4, 5, 6];
  const results = seeds.map((s) => {
    const photo = synthPhoto(W, H, { seed: s });
    const damaged = addDamage(photo, { seed: 100 + s, scratches: 3, dust: 15 });
    return { photo, damaged, clean: detectDamage(photo), found: detectDamage(damaged.image) };
  });

  it('finds scratches and dust: mean precision ≥ 0.85 and recall ≥ 0.70 (2 px tolerance)', () => {
    const scores = results.map((r) => maskScores(r.found.mask.data, r.damaged.mask, W, H, 2));
    const p = scores.reduce((a, s) => a + s.precision, 0) / scores.length;
    const rc = scores.reduce((a, s) => a + s.recall, 0) / scores.length;
    expect(p).toBeGreaterThanOrEqual(0.85);
    expect(rc).toBeGreaterThanOrEqual(0.7);
    for (const r of results) {
      expect(r.found.stats.lines + r.found.stats.spots).toBeGreaterThan(0);
    }
  });

  it('flags under 1 % of the pixels of clean photos (texture included)', () => {
    for (const r of results) expect(r.clean.stats.fraction).toBeLessThan(0.01);
  });

  it('flags nothing on flat and smooth images', () => {
    const flat = { width: 200, height: 150, channels: 3 as const, data: new Uint8Array(200 * 150 * 3).fill(128) };
    expect(detectDamage(flat).stats.pixels).toBe(0);
    const grad = synthPhoto(200, 150, { seed: 9, textures: false, grain: 0 });
    // noiseless: only the absolute floor guards (shape corners are the only narrow structures)
    expect(detectDamage(grad).stats.fraction).toBeLessThan(0.01);
  });

  it('sensitivity is monotone: more sensitive flags at least as much', () => {
    const img = results[0].damaged.image;
    const lo = detectDamage(img, { sensitivity: 0.1 }).stats.pixels;
    const mid = detectDamage(img, { sensitivity: 0.5 }).stats.pixels;
    const hi = detectDamage(img, { sensitivity: 0.9 }).stats.pixels;
    expect(lo).toBeLessThanOrEqual(mid);
    expect(mid).toBeLessThanOrEqual(hi);
  });

  it('more sensitive never finds less than the default, less sensitive never more (aged, grainy prints)', () => {
    for (const [ps, ds] of [[12, 77], [3, 1003]]) {
      const print = agePhoto(synthPhoto(W, H, { seed: ps }), { seed: 4 });
      const d = generateDamage(print, { seed: ds, kinds: ['cracks', 'scratches', 'dust'] });
      const base = detectDamage(d.image, { sensitivity: 0.5 }).mask.data;
      for (const s of [0, 0.2, 0.4, 0.7, 0.9, 1]) {
        const other = detectDamage(d.image, { sensitivity: s }).mask.data;
        let wrong = 0;
        for (let i = 0; i < base.length; i++) if (s > 0.5 ? base[i] && !other[i] : other[i] && !base[i]) wrong++;
        expect(wrong).toBe(0);
      }
    }
  });

  it('tiling (for big scans) gives nearly the same mask', () => {
    const img = results[1].damaged.image;
    const whole = results[1].found.mask.data;
    const tiled = detectDamage(img, { tileSize: 128 }).mask.data;
    let inter = 0, union = 0;
    for (let i = 0; i < whole.length; i++) {
      if (whole[i] || tiled[i]) { union++; if (whole[i] && tiled[i]) inter++; }
    }
    expect(inter / union).toBeGreaterThan(0.8);
  });

  it('works on monochrome and sepia prints', () => {
    for (const tone of ['mono', 'sepia'] as const) {
      const photo = synthPhoto(W, H, { seed: 11, tone });
      const d = addDamage(photo, { seed: 111, scratches: 3, dust: 15 });
      const s = maskScores(detectDamage(d.image).mask.data, d.mask, W, H, 2);
      expect(s.precision).toBeGreaterThan(0.8);
      expect(s.recall).toBeGreaterThan(0.6);
      expect(detectDamage(photo).stats.fraction).toBeLessThan(0.01);
    }
  });

  it('finds a tear (paper loss at the border) when asked', () => {
    const photo = synthPhoto(W, H, { seed: 1 });
    const d = addDamage(photo, { seed: 201, scratches: 2, dust: 5, tear: true });
    const off = detectDamage(d.image);
    expect(off.tears).toBeNull();
    const on = detectDamage(d.image, { detectTears: true });
    expect(on.stats.tears).toBe(1);
    const s = maskScores(on.tears!, d.tears, W, H, 2);
    expect(s.recall).toBeGreaterThan(0.9);
    expect(s.precision).toBeGreaterThan(0.8);
  });

  it('a frame along the image edge (film rebate, print border) is not a scratch; scratches are still found', () => {
    const photo = synthPhoto(W, H, { seed: 3 });
    const d = addDamage(photo, { seed: 103, scratches: 3, dust: 0 });
    const img = { ...d.image, data: new Uint8Array(d.image.data) };
    const paint = (x: number, y: number, v: number): void => { for (let c = 0; c < 3; c++) img.data[(y * W + x) * 3 + c] = v; };
    // a dark 6 px rebate along the top and a bright 4 px border down the left side
    for (let y = 0; y < 6; y++) for (let x = 0; x < W; x++) paint(x, y, 12);
    for (let y = 0; y < H; y++) for (let x = 0; x < 4; x++) paint(x, y, 245);
    const truth = new Uint8Array(d.mask);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (y < 6 || x < 4) truth[y * W + x] = 0;
    const found = detectDamage(img);
    let inFrame = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (found.mask.data[y * W + x] && (y < 10 || x < 8)) inFrame++;
    expect(inFrame).toBeLessThan(50); // at most where a scratch runs into the frame
    const s = maskScores(found.mask.data, truth, W, H, 2);
    expect(s.recall).toBeGreaterThan(0.6);
    expect(s.precision).toBeGreaterThan(0.8);
  });

  it('a bright line along a step in the photo (the gap between planks against the sky) is not a scratch; the same line on one tone is', () => {
    let seed = 11;
    const noise = (): number => (((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % 7) - 3;
    const img = { width: W, height: H, channels: 3 as const, data: new Uint8Array(W * H * 3) };
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      // sky above row 300, a dark plank below; a 2 px bright gap 6 px into the plank, and the same
      // bright line in the middle of the plank further down
      const v = y < 300 ? 200 : y === 306 || y === 307 || y === 450 || y === 451 ? 175 : 70;
      for (let c = 0; c < 3; c++) img.data[(y * W + x) * 3 + c] = v + noise();
    }
    const found = detectDamage(img).mask.data;
    let gap = 0, line = 0;
    for (let x = 100; x < 700; x++) {
      if (found[306 * W + x] || found[307 * W + x]) gap++;
      if (found[450 * W + x] || found[451 * W + x]) line++;
    }
    expect(gap).toBe(0);
    expect(line).toBeGreaterThan(500);
  });

  it('never modifies the input', () => {
    const img = results[2].damaged.image;
    const copy = new Uint8Array(img.data);
    detectDamage(img, { detectTears: true });
    expect(Buffer.compare(Buffer.from(copy), Buffer.from(img.data))).toBe(0);
  });
});
