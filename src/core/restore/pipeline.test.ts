import { describe, expect, it } from 'vitest';
import { addDamage, synthPhoto } from '../../../test/fixtures/synth';
import { restorePhoto } from './pipeline';

function rmsOver(a: Uint8Array, b: Uint8Array, mask: Uint8Array): number {
  let s = 0, n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    for (let c = 0; c < 3; c++) { const e = a[i * 3 + c] - b[i * 3 + c]; s += e * e; n++; }
  }
  return Math.sqrt(s / Math.max(1, n));
}

// these pin the classical detector's behaviour; the learned one is tested in detect/learned.test.ts
describe('restorePhoto (classical detector)', () => {
  const W = 800, H = 600;
  const photo = synthPhoto(W, H, { seed: 4 });
  const dmg = addDamage(photo, { seed: 44, scratches: 4, dust: 20 });

  it('repairs detected damage and changes nothing else', async () => {
    const copy = new Uint8Array(dmg.image.data);
    const r = await restorePhoto(dmg.image, { tone: false, detector: 'classical' });
    expect(Buffer.compare(Buffer.from(dmg.image.data), Buffer.from(copy))).toBe(0); // input untouched
    // overall (missed damage keeps its full error) and where damage was found (repair quality)
    expect(rmsOver(r.image.data, photo.data, dmg.mask)).toBeLessThan(0.7 * rmsOver(dmg.image.data, photo.data, dmg.mask));
    const found = dmg.mask.map((v, i) => (v && r.mask.data[i] ? 1 : 0));
    expect(rmsOver(r.image.data, photo.data, found)).toBeLessThan(0.4 * rmsOver(dmg.image.data, photo.data, found));
    expect(r.stats.repaired.engines).toEqual(['telea']);
    // with tone off, only mask pixels may differ
    let outside = 0;
    for (let i = 0; i < W * H; i++) {
      if (r.mask.data[i]) continue;
      for (let c = 0; c < 3; c++) if (r.image.data[i * 3 + c] !== dmg.image.data[i * 3 + c]) outside++;
    }
    expect(outside).toBe(0);
  });

  it('tiled repair (as for big scans) is about as good', async () => {
    const r = await restorePhoto(dmg.image, { tone: false, tileSize: 256, detector: 'classical' });
    const whole = rmsOver((await restorePhoto(dmg.image, { tone: false, detector: 'classical' })).image.data, photo.data, dmg.mask);
    expect(rmsOver(r.image.data, photo.data, dmg.mask)).toBeLessThan(whole * 1.25 + 1);
  });

  it('fills a tear with PatchMatch when tears are enabled', async () => {
    const t = addDamage(photo, { seed: 201, scratches: 1, dust: 3, tear: true });
    const r = await restorePhoto(t.image, { tone: false, detectTears: true, detector: 'classical' });
    expect(r.stats.damage.tears).toBe(1);
    expect(r.stats.repaired.engines).toContain('patchmatch');
    expect(rmsOver(r.image.data, photo.data, t.tears)).toBeLessThan(rmsOver(t.image.data, photo.data, t.tears) * 0.8);
  });

  it('reports progress and stops on abort', async () => {
    const seen: number[] = [];
    await restorePhoto(dmg.image, { denoise: 0.5 }, { onProgress: (f) => seen.push(f) });
    expect(seen[seen.length - 1]).toBe(1);
    const ac = new AbortController();
    ac.abort();
    await expect(restorePhoto(dmg.image, {}, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
