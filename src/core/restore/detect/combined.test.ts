import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agePhoto, generateDamage } from '../damage/generate';
import { synthPhoto } from '../../../../test/fixtures/synth';
import { detectCombined, jointSensitivity } from './combined';
import { detectDamage } from './index';
import { detectLearned, loadDetectorModel } from './learned';

const MODEL = join(__dirname, '../../../../models/damage-unet');
const hasModel = existsSync(join(MODEL, 'manifest.json'));

describe('joint sensitivity', () => {
  it('maps a user sensitivity of 0 / 0.5 / 1 to 0 / 0.25 / 1, monotone and clamped', () => {
    expect(jointSensitivity(0)).toBe(0);
    expect(jointSensitivity(0.5)).toBe(0.25);
    expect(jointSensitivity(1)).toBe(1);
    expect(jointSensitivity(-1)).toBe(0);
    expect(jointSensitivity(2)).toBe(1);
    for (let s = 0; s < 1; s += 0.05) expect(jointSensitivity(s + 0.05)).toBeGreaterThan(jointSensitivity(s));
  });
});

describe.skipIf(!hasModel)('learned detector joined with the classical one (shipped model)', () => {
  it('keeps everything either detector finds at the joint sensitivity, and finds more dust than the U-Net alone', async () => {
    const model = loadDetectorModel(MODEL);
    const print = agePhoto(synthPhoto(640, 480, { seed: 4 }), { seed: 6 });
    const { image, mask: truth } = generateDamage(print, { seed: 31, kinds: ['dust', 'scratches'], amount: 2 });
    const both = await detectCombined(image, model);
    const sensitivity = jointSensitivity(0.5);
    const learned = await detectLearned(image, model, { sensitivity });
    const classical = detectDamage(image, { sensitivity });
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
