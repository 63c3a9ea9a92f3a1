import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { synthPhoto } from '../../../../test/fixtures/synth';
import { DAMAGE_KINDS, agePhoto, generateDamage } from './generate';
import { filmMaskFiles, loadFilmMarks } from './film';
import { hysteresisComponents } from '../detect/morph';

const FILM = '../shared/data/scratches/film-aa-masks';

function fraction(mask: Uint8Array): number {
  let n = 0;
  for (const v of mask) if (v) n++;
  return n / mask.length;
}

/** Number of 8-connected components of a mask. */
const components = (mask: Uint8Array, w: number, h: number): number => hysteresisComponents(mask, mask, w, h, w * h).length;

describe('synthetic damage generator', () => {
  const photo = agePhoto(synthPhoto(320, 240, { seed: 3, textures: false }), { seed: 4 });

  it('is deterministic and never touches the input', () => {
    const before = new Uint8Array(photo.data);
    const a = generateDamage(photo, { seed: 9 });
    const b = generateDamage(photo, { seed: 9 });
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
    expect(Buffer.from(photo.data).equals(Buffer.from(before))).toBe(true);
  });

  it.each(DAMAGE_KINDS.filter((k) => k !== 'film' && k !== 'stains'))('%s: the truth mask marks visibly changed pixels only', (kind) => {
    const d = generateDamage(photo, { seed: 11, kinds: [kind] });
    const f = fraction(d.mask);
    expect(f).toBeGreaterThan(0);
    expect(f).toBeLessThan(0.5);
    for (let i = 0; i < d.mask.length; i++) {
      if (!d.mask[i]) continue;
      const o = i * 3;
      const diff = Math.abs(d.image.data[o] - photo.data[o]) + Math.abs(d.image.data[o + 1] - photo.data[o + 1]) + Math.abs(d.image.data[o + 2] - photo.data[o + 2]);
      expect(diff).toBeGreaterThan(3);
    }
  });

  it('chips: an extra layer only when asked for, whose visibly changed pixels are in the truth mask; seeds without it keep their damage', () => {
    const plain = generateDamage(photo, { seed: 21 });
    const zero = generateDamage(photo, { seed: 21, chips: 0 });
    expect(Buffer.from(zero.image.data).equals(Buffer.from(plain.image.data))).toBe(true);
    expect(plain.kinds).not.toContain('chips');
    const kinds = ['dust' as const];
    const d = generateDamage(photo, { seed: 21, kinds, chips: 1 });
    expect(kinds).toEqual(['dust']); // the caller's list is not changed
    expect(d.kinds).toEqual(['dust', 'chips']);
    const dustOnly = generateDamage(photo, { seed: 21, kinds: ['dust'] });
    // the chips add damage beyond the dust, and every changed pixel outside the dust's mask is marked
    expect(fraction(d.mask)).toBeGreaterThan(fraction(dustOnly.mask) + 0.001);
    let unmarked = 0, changed = 0;
    for (let i = 0; i < d.mask.length; i++) {
      const o = i * 3;
      const diff = Math.abs(d.image.data[o] - photo.data[o]) + Math.abs(d.image.data[o + 1] - photo.data[o + 1]) + Math.abs(d.image.data[o + 2] - photo.data[o + 2]);
      if (diff > 60) { changed++; if (!d.mask[i]) unmarked++; }
    }
    expect(unmarked / changed).toBeLessThan(0.05);
  });

  it('broken scratches: dashes with gaps only when asked for; seeds without it keep their damage', () => {
    const plain = generateDamage(photo, { seed: 17, kinds: ['scratches'] });
    const zero = generateDamage(photo, { seed: 17, kinds: ['scratches'], broken: 0 });
    expect(Buffer.from(zero.image.data).equals(Buffer.from(plain.image.data))).toBe(true);
    const broken = generateDamage(photo, { seed: 17, kinds: ['scratches'], broken: 1 });
    // the same strokes cut into pieces: less of the print marked, in more separate marks
    expect(fraction(broken.mask)).toBeGreaterThan(0);
    expect(fraction(broken.mask)).toBeLessThan(0.9 * fraction(plain.mask));
    expect(components(broken.mask, photo.width, photo.height)).toBeGreaterThan(components(plain.mask, photo.width, photo.height) + 2);
  });

  it.each(['scratches', 'dust', 'hairs', 'cracks'] as const)('faint %s shift the photo by 12–45 grey levels, and every marked pixel changed visibly', (kind) => {
    const strong = generateDamage(photo, { seed: 13, kinds: [kind] });
    const faint = generateDamage(photo, { seed: 13, kinds: [kind], faint: 1 });
    const lumaDiff = (img: Uint8Array, i: number): number => Math.abs(0.299 * (img[i * 3] - photo.data[i * 3]) + 0.587 * (img[i * 3 + 1] - photo.data[i * 3 + 1]) + 0.114 * (img[i * 3 + 2] - photo.data[i * 3 + 2]));
    let maxFaint = 0, n = 0, sumStrong = 0, sumFaint = 0, ns = 0;
    for (let i = 0; i < faint.mask.length; i++) {
      if (faint.mask[i]) {
        const d = lumaDiff(faint.image.data, i);
        expect(d).toBeGreaterThanOrEqual(7.5); // VISIBLE, less the rounding of three channels
        maxFaint = Math.max(maxFaint, d);
        sumFaint += d;
        n++;
      }
      if (strong.mask[i]) { sumStrong += lumaDiff(strong.image.data, i); ns++; }
    }
    expect(n).toBeGreaterThan(0);
    expect(maxFaint).toBeLessThanOrEqual(46);
    expect(sumFaint / n).toBeLessThan(0.6 * (sumStrong / ns));
  });

  it('without `faint` a seed draws the same damage as before the option existed', () => {
    const a = generateDamage(photo, { seed: 17 });
    const b = generateDamage(photo, { seed: 17, faint: 0 });
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
  });

  it('trace: a kind for every truth pixel and none elsewhere, the same damage as without it', () => {
    const kinds = ['dust', 'scratches', 'stains', 'creases'] as const;
    const a = generateDamage(photo, { seed: 23, kinds: [...kinds] });
    const b = generateDamage(photo, { seed: 23, kinds: [...kinds], trace: true });
    expect(a.kindMap).toBeUndefined();
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
    expect(Buffer.from(a.mask).equals(Buffer.from(b.mask))).toBe(true);
    const seen = new Set<string>();
    for (let i = 0; i < b.mask.length; i++) {
      expect(b.kindMap![i] > 0).toBe(b.mask[i] > 0);
      if (b.kindMap![i]) seen.add(b.kinds[b.kindMap![i] - 1]);
    }
    // stains are never damage; each damaging kind drawn here leaves truth pixels of its own
    expect([...seen].sort()).toEqual(['creases', 'dust', 'scratches']);
    // a layer's pixels are attributed to it: dust alone marks only dust
    const dust = generateDamage(photo, { seed: 23, kinds: ['dust'], trace: true });
    expect(new Set(Array.from(dust.kindMap!).filter((v) => v > 0))).toEqual(new Set([1]));
  });

  it('stains change the photo but are not damage in the mask', () => {
    const d = generateDamage(photo, { seed: 5, kinds: ['stains'] });
    expect(fraction(d.mask)).toBe(0);
    expect(Buffer.from(d.image.data).equals(Buffer.from(photo.data))).toBe(false);
  });

  it('sizes scale with the image: the same seed covers about the same fraction at 2× size', () => {
    const big = agePhoto(synthPhoto(640, 480, { seed: 3, textures: false }), { seed: 4 });
    const a = fraction(generateDamage(photo, { seed: 21, kinds: ['cracks', 'scratches'] }).mask);
    const b = fraction(generateDamage(big, { seed: 21, kinds: ['cracks', 'scratches'] }).mask);
    expect(b / a).toBeGreaterThan(0.5);
    expect(b / a).toBeLessThan(2);
  });

  it('ageing gives an RGB print with lowered contrast', () => {
    expect(photo.channels).toBe(3);
    expect(photo.data.length).toBe(320 * 240 * 3);
  });

  it.skipIf(!existsSync(FILM))('composites real film marks (skipped: ../shared/data/scratches/film-aa-masks absent)', async () => {
    expect(filmMaskFiles(FILM).length).toBeGreaterThan(0);
    const film = await loadFilmMarks(FILM, 1);
    const d = generateDamage(photo, { seed: 2, kinds: ['film'], film });
    expect(fraction(d.mask)).toBeGreaterThan(0);
  });
});
