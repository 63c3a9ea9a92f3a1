import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agePhoto, generateDamage } from '../damage/generate';
import { synthPhoto } from '../../../../test/fixtures/synth';
import { classicalSensitivity, detectCombined, learnedSensitivity } from './combined';
import { detectDamage } from './index';
import { detectLearned, loadDetectorModel } from './learned';

const MODEL = join(__dirname, '../../../../models/damage-unet');
const hasModel = existsSync(join(MODEL, 'manifest.json'));

describe('joint sensitivity', () => {
  it('maps a user sensitivity of 0 / 0.5 / 1 to 0 / 0.25 / 1 for the classical detector and 0 / 0.52 / 1 for the U-Net, monotone and clamped', () => {
    for (const [f, mid] of [[classicalSensitivity, 0.25], [learnedSensitivity, 0.52]] as const) {
      expect(f(0)).toBe(0);
      expect(f(0.5)).toBeCloseTo(mid, 12);
      expect(f(1)).toBeCloseTo(1, 12);
      expect(f(-1)).toBe(0);
      expect(f(2)).toBeCloseTo(1, 12);
      for (let s = 0; s < 1; s += 0.05) expect(f(s + 0.05)).toBeGreaterThan(f(s));
    }
  });
});

describe.skipIf(!hasModel)('learned detector joined with the classical one (shipped model)', () => {
  it('keeps everything either detector finds at the joint sensitivity, and finds more dust than the U-Net alone', async () => {
    const model = loadDetectorModel(MODEL);
    const print = agePhoto(synthPhoto(640, 480, { seed: 4 }), { seed: 6 });
    // seed 32: damage with specks the U-Net misses (on seed 31, since the U-Net seeds compact marks
    // lower (learned.ts, SPECK_BOOST), it finds every pixel the classical detector adds)
    const { image, mask: truth } = generateDamage(print, { seed: 32, kinds: ['dust', 'scratches'], amount: 2 });
    const both = await detectCombined(image, model);
    const learned = await detectLearned(image, model, { sensitivity: learnedSensitivity(0.5) });
    const classical = detectDamage(image, { sensitivity: classicalSensitivity(0.5) });
    let hitBoth = 0, hitLearned = 0, n = 0;
    for (let i = 0; i < truth.length; i++) {
      if (learned.mask[i]) expect(both.mask.data[i]).toBe(255);
      if (classical.mask.data[i]) expect(both.mask.data[i]).toBe(255);
      if (!truth[i]) continue;
      n++;
      if (both.mask.data[i]) hitBoth++;
      if (learned.mask[i]) hitLearned++;
    }
    expect(n).toBeGreaterThan(0);
    expect(hitBoth).toBeGreaterThan(hitLearned);
    expect(both.stats.pixels).toBe(both.mask.data.reduce((s, v) => s + (v ? 1 : 0), 0));
    expect(both.stats.fraction).toBeCloseTo(both.stats.pixels / (640 * 480), 9);
  });

  it('sends wide damage to the exemplar engine: thin and wide parts split the mask', async () => {
    const model = loadDetectorModel(MODEL);
    const print = agePhoto(synthPhoto(640, 480, { seed: 5 }), { seed: 7 });
    const { image } = generateDamage(print, { seed: 8, kinds: ['flaking', 'dust'], amount: 2 });
    const r = await detectCombined(image, model, { detectTears: true });
    expect(r.tears).not.toBeNull();
    for (let i = 0; i < r.thin.length; i++) {
      const wide = r.tears![i] !== 0, thin = r.thin[i] !== 0;
      expect(wide && thin).toBe(false);
      expect(wide || thin).toBe(r.mask.data[i] !== 0);
    }
  });
});
