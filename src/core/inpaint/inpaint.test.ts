import { describe, expect, it } from 'vitest';
import { inpaint, InpaintError, listEngines, type EngineId } from './index';
import { makeImage, makeMask, maskedRms } from '../../../test/fixtures/inpaint';

const engines: EngineId[] = ['patchmatch', 'telea', 'harmonic'];

const photo = (ch: 1 | 3 | 4) => makeImage(72, 56, ch, (x, y, c) => (c === 3 ? 30 + ((x * 7 + y) % 200) : 90 + 50 * Math.sin(x * 0.4 + c) * Math.cos(y * 0.3) + x * 0.5));
// several disjoint holes, one touching the left border, one touching a corner
const holes = makeMask(72, 56, (x, y) => (x - 30) ** 2 + (y - 25) ** 2 < 60 || (x < 4 && y > 10 && y < 30) || (x > 62 && y > 48) || (x === 50 && y > 5 && y < 20));

describe('inpaint', () => {
  it('lists the engines', () => {
    // later issues add engines (gan-zopt); these three are always there, in this order
    expect(listEngines().map((e) => e.id).slice(0, 3)).toEqual(['patchmatch', 'telea', 'harmonic']);
    for (const e of listEngines()) expect(e.label.length).toBeGreaterThan(0);
  });

  for (const engine of engines) {
    for (const ch of [1, 3, 4] as const) {
      for (const blend of ['off', 'normal', 'mixed'] as const) {
        it(`${engine}, ${ch} channel(s), blend ${blend}: keeps shape, type, alpha and every unmasked pixel bit-exact`, async () => {
          const img = photo(ch);
          const before = new Uint8Array(img.data);
          const res = await inpaint(img, holes, { engine, blend, seed: 5 });
          expect(res.engine).toBe(engine);
          expect(res.holes).toBe(4);
          expect(res.image.width).toBe(72);
          expect(res.image.height).toBe(56);
          expect(res.image.channels).toBe(ch);
          expect(res.image.data).toBeInstanceOf(Uint8Array);
          expect(res.image.data.length).toBe(img.data.length);
          expect(img.data).toEqual(before); // input untouched
          for (let p = 0; p < 72 * 56; p++) {
            for (let c = 0; c < ch; c++) {
              if (!holes.data[p] || c === 3) expect(res.image.data[p * ch + c]).toBe(img.data[p * ch + c]);
            }
          }
          // the hole is actually filled with something plausible (not left as it was)
          expect(maskedRms(res.image, img, holes)).toBeLessThan(60);
        });
      }
    }
  }

  it('is deterministic for a given seed', async () => {
    const img = photo(3);
    const a = await inpaint(img, holes, { engine: 'patchmatch', seed: 11 });
    const b = await inpaint(img, holes, { engine: 'patchmatch', seed: 11 });
    expect(a.image.data).toEqual(b.image.data);
  });

  it('auto picks telea for thin scratches and patchmatch for a blob', async () => {
    const img = photo(3);
    const thin = makeMask(72, 56, (x, y) => Math.abs(y - 0.5 * x - 10) < 1.2);
    expect((await inpaint(img, thin, { engine: 'auto' })).engine).toBe('telea');
    const blob = makeMask(72, 56, (x, y) => (x - 36) ** 2 + (y - 28) ** 2 < 150);
    expect((await inpaint(img, blob, { engine: 'auto' })).engine).toBe('patchmatch');
  });

  it('reports progress ending at 1', async () => {
    const seen: number[] = [];
    await inpaint(photo(3), holes, { engine: 'patchmatch', onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[seen.length - 1]).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1] - 1e-9);
  });
});

describe('inpaint input validation', () => {
  const img = photo(3);
  const expectCode = async (p: Promise<unknown>, code: string, msg: RegExp) => {
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(InpaintError);
    expect((err as InpaintError).code).toBe(code);
    expect((err as Error).message).toMatch(msg);
  };

  it('rejects a mask of the wrong size, naming both sizes', async () => {
    await expectCode(inpaint(img, makeMask(70, 56, () => true), { engine: 'telea' }), 'MASK_SIZE_MISMATCH', /mask is 70×56 but the image is 72×56/);
  });
  it('rejects an empty mask', async () => {
    await expectCode(inpaint(img, makeMask(72, 56, () => false), { engine: 'patchmatch' }), 'EMPTY_MASK', /no pixel/);
  });
  it('rejects an all-hole mask', async () => {
    await expectCode(inpaint(img, makeMask(72, 56, () => true), { engine: 'harmonic' }), 'ALL_HOLE', /all 72×56 pixels/);
  });
  it('rejects bad channels, data length, float data and unknown engines', async () => {
    const m = makeMask(72, 56, (x) => x === 3);
    await expectCode(inpaint({ ...img, channels: 2 as unknown as 3 }, m, { engine: 'telea' }), 'BAD_CHANNELS', /2 channels/);
    await expectCode(inpaint({ ...img, data: img.data.subarray(1) }, m, { engine: 'telea' }), 'IMAGE_DATA_LENGTH', /expected 72×56×3 = 12096/);
    const floats = new Float32Array(img.data.length).fill(NaN) as unknown as Uint8Array;
    await expectCode(inpaint({ ...img, data: floats }, m, { engine: 'telea' }), 'BAD_IMAGE_DATA', /Uint8Array/);
    await expectCode(inpaint(img, m, { engine: 'nope' as EngineId }), 'UNKNOWN_ENGINE', /unknown engine 'nope'/);
    await expectCode(inpaint(img, { ...m, data: m.data.subarray(2) }, { engine: 'telea' }), 'MASK_DATA_LENGTH', /expected 72×56 = 4032/);
  });
});

describe('cancellation', () => {
  const W = 160, H = 120;
  const img = makeImage(W, H, 3, (x, y, c) => 100 + 60 * Math.sin(x * 0.3 + c) * Math.sin(y * 0.2));
  const mask = makeMask(W, H, (x, y) => (x - 80) ** 2 + (y - 60) ** 2 < 900);

  for (const engine of engines) {
    it(`${engine}: an already-aborted signal throws AbortError and writes nothing`, async () => {
      const before = new Uint8Array(img.data);
      const ac = new AbortController();
      ac.abort();
      await expect(inpaint(img, mask, { engine, signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
      expect(img.data).toEqual(before);
    });
  }

  it('aborting mid-run (from a progress callback) stops promptly with AbortError', async () => {
    const before = new Uint8Array(img.data);
    const ac = new AbortController();
    let calls = 0;
    let callsAfterAbort = 0;
    const p = inpaint(img, mask, {
      engine: 'patchmatch',
      signal: ac.signal,
      onProgress: () => { calls++; if (ac.signal.aborted) callsAfterAbort++; if (calls === 2) ac.abort(); },
    });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(callsAfterAbort).toBeLessThanOrEqual(1);
    expect(img.data).toEqual(before);
  });
});
