import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImageBuffer } from '../../image/types';
import { agePhoto, generateDamage } from '../damage/generate';
import { restorePhoto } from '../pipeline';
import { synthPhoto } from '../../../../test/fixtures/synth';
import { DetectorModelError, detectLearned, loadDetectorModel } from './learned';

const MODEL = join(__dirname, '../../../../models/damage-unet');
const KODAK = join(__dirname, '../../../../../shared/data/kodak');
const hasModel = existsSync(join(MODEL, 'manifest.json'));
const hasKodak = existsSync(KODAK);

const tmp = mkdtempSync(join(tmpdir(), 'renovo-detector-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function count(m: Uint8Array): number {
  let n = 0;
  for (const v of m) if (v) n++;
  return n;
}

async function kodak(name: string, long: number): Promise<ImageBuffer> {
  const { data, info } = await sharp(join(KODAK, name)).resize(long, long, { fit: 'inside' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

/** Nearest-neighbour resize of a mask, for comparing masks made at two scales. */
function resizeMask(m: Uint8Array, W: number, H: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = m[Math.floor((y * H) / h) * W + Math.floor((x * W) / w)];
  return out;
}

describe('learned detector: a missing or corrupt model', () => {
  const photo = synthPhoto(200, 150, { seed: 2 });

  it('a missing model is a clear error, and restore falls back to the classical detector with a warning', async () => {
    expect(() => loadDetectorModel(join(tmp, 'nope'))).toThrow(DetectorModelError);
    expect(() => loadDetectorModel(join(tmp, 'nope'))).toThrow(/not found/);
    const r = await restorePhoto(photo, { tone: false, detector: 'learned', detectorModel: join(tmp, 'nope') });
    expect(r.stats.detector).toBe('classical');
    expect(r.stats.warnings.join(' ')).toMatch(/learned damage detector unavailable.*not found/);
  });

  it('corrupt weights are refused (sha256 or content) and restore falls back', async () => {
    const dir = join(tmp, 'corrupt');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ architecture: { spec: { arch: 'unet-seg', inC: 1, widths: [4, 8] } }, files: {} }));
    writeFileSync(join(dir, 'weights.safetensors'), Buffer.from('not a safetensors file'));
    expect(() => loadDetectorModel(dir)).toThrow(DetectorModelError);
    const r = await restorePhoto(photo, { tone: false, detector: 'learned', detectorModel: dir });
    expect(r.stats.detector).toBe('classical');
    expect(r.stats.warnings).toHaveLength(1);
    if (hasModel) {
      const bad = join(tmp, 'tampered');
      cpSync(MODEL, bad, { recursive: true });
      const w = readFileSync(join(bad, 'weights.safetensors'));
      w[w.length - 1] ^= 0xff;
      writeFileSync(join(bad, 'weights.safetensors'), w);
      expect(() => loadDetectorModel(bad)).toThrow(/sha256/);
    }
  });
});

describe.skipIf(!hasModel)('learned detector (shipped model models/damage-unet)', () => {
  const model = hasModel ? loadDetectorModel(MODEL) : null;

  /** IoU of the masks of a damaged print at W×H and at half that size (the half mask resized up). */
  async function twoSizeIoU(W: number, H: number): Promise<number> {
    const print = agePhoto(synthPhoto(900, 600, { seed: 8 }), { seed: 3 });
    const dmg = generateDamage(print, { seed: 12, kinds: ['cracks', 'scratches', 'flaking'] });
    const at = async (w: number, h: number): Promise<ImageBuffer> => ({
      width: w, height: h, channels: 3,
      data: new Uint8Array(await sharp(Buffer.from(dmg.image.data), { raw: { width: 900, height: 600, channels: 3 } }).resize(w, h).raw().toBuffer()),
    });
    const a = await detectLearned(W === 900 ? dmg.image : await at(W, H), model!, {});
    const b = await detectLearned(await at(W / 2, H / 2), model!, {});
    const bu = resizeMask(b.mask, W / 2, H / 2, W, H);
    let inter = 0, union = 0;
    for (let i = 0; i < bu.length; i++) {
      if (a.mask[i] && bu[i]) inter++;
      if (a.mask[i] || bu[i]) union++;
    }
    expect(union).toBeGreaterThan(0);
    return inter / union;
  }

  // Scans longer than the working scale (1024 px) all run at it: measured 0.90–0.94 at 2400/1200
  // and 3000/1500 (3 seeds), 0.79–0.86 at 1800/900 (one side below it)
  it('the same print scanned at two sizes above the working scale gives masks that agree (IoU ≥ 0.8 after resizing)', async () => {
    expect(await twoSizeIoU(2400, 1600)).toBeGreaterThanOrEqual(0.8);
  });

  // KNOWN GAP (issue 13): below the working scale a scan runs at its own size (enlarged only to 512
  // px: enlarged soft damage went unseen, RESULTS.md session 9), so 900 and 450 px are two different
  // inputs to the network: IoU 0.44–0.62 (3 seeds); the half-size print loses the thinnest scratches
  // and thin lines shift by a pixel between scales. it.fails turns red once the target is met
  it.fails('the same small print at two sizes (900 and 450 px) gives masks that agree (IoU ≥ 0.8 after resizing)', async () => {
    expect(await twoSizeIoU(900, 600)).toBeGreaterThanOrEqual(0.8);
  });

  it.skipIf(!hasKodak)('finds a crack network it did not see in training on a real photo (skipped without ../shared/data/kodak)', async () => {
    const photo = agePhoto(await kodak('kodim15.png', 768), { seed: 5 });
    const dmg = generateDamage(photo, { seed: 3001, kinds: ['cracks'], amount: 1.5 });
    const r = await detectLearned(dmg.image, model!, {});
    let hit = 0;
    for (let i = 0; i < dmg.mask.length; i++) if (dmg.mask[i] && r.mask[i]) hit++;
    expect(hit / count(dmg.mask)).toBeGreaterThan(0.6);
  });

  // kodim23 (parrots) passes since the 10,000-step model (0.20 % with the 12,000-step one); the Kodak
  // average is still 1.0 % (BENCHMARKS.md, issue 13), so this guards one photo, not the target
  it.skipIf(!hasKodak)('a clean real photo is left untouched (skipped without ../shared/data/kodak)', async () => {
    const photo = await kodak('kodim23.png', 768);
    const r = await restorePhoto(photo, { tone: false, detector: 'learned', detectorModel: MODEL });
    expect(r.stats.detector).toBe('learned');
    expect(r.stats.damage.fraction).toBeLessThan(0.005);
  });

  it('a clean procedural print is left (nearly) untouched', async () => {
    const photo = agePhoto(synthPhoto(600, 400, { seed: 21, textures: false }), { seed: 2 });
    const r = await restorePhoto(photo, { tone: false, detector: 'learned', detectorModel: MODEL });
    expect(r.stats.damage.fraction).toBeLessThan(0.01);
  });
});

describe('detector choice', () => {
  it('the learned detector is the default; without its model the classical one runs, with a warning', async () => {
    const missing = await restorePhoto(synthPhoto(200, 150, { seed: 2 }), { tone: false, detectorModel: join(tmp, 'nope') });
    expect(missing.stats.detector).toBe('classical');
    expect(missing.stats.warnings).toEqual([expect.stringMatching(/^learned damage detector unavailable, used the classical detector: damage detector model not found/)]);
    const asked = await restorePhoto(synthPhoto(200, 150, { seed: 2 }), { tone: false, detector: 'classical', detectorModel: join(tmp, 'nope') });
    expect(asked.stats.warnings).toEqual([]);
  });

  it.skipIf(!hasModel)('with the shipped model the default runs the learned detector', async () => {
    const r = await restorePhoto(synthPhoto(200, 150, { seed: 2 }), { tone: false, detectorModel: MODEL });
    expect(r.stats.detector).toBe('learned');
  });
});
