import { describe, expect, it } from 'vitest';
import { fade, synthPhoto } from '../../../test/fixtures/synth';
import { analyseTone, correctTone, denoise } from './tone';

const W = 320;
const H = 240;

function mae(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

function lumaStd(d: Uint8Array): number {
  let s = 0, s2 = 0;
  const n = d.length / 3;
  for (let i = 0; i < d.length; i += 3) {
    const y = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
    s += y; s2 += y * y;
  }
  return Math.sqrt(s2 / n - (s / n) ** 2);
}

describe('tone and colour', () => {
  it('recovers faded prints with a colour cast (median error ratio < 0.75, contrast always up)', () => {
    const ratios: number[] = [];
    for (let seed = 1; seed <= 10; seed++) {
      const photo = synthPhoto(W, H, { seed });
      const faded = fade(photo);
      const { image, analysis } = correctTone(faded);
      expect(analysis.kind).toBe('colour');
      expect(analysis.black).toBeGreaterThan(30);
      ratios.push(mae(image.data, photo.data) / mae(faded.data, photo.data));
      expect(lumaStd(image.data)).toBeGreaterThan(lumaStd(faded.data) * 1.3);
    }
    ratios.sort((a, b) => a - b);
    expect((ratios[4] + ratios[5]) / 2).toBeLessThan(0.75);
  });

  it('leaves a well-exposed print (nearly) alone', () => {
    let changed = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const photo = synthPhoto(W, H, { seed });
      const { image, analysis } = correctTone(photo);
      expect(analysis.black).toBe(0);
      expect(analysis.white).toBe(255);
      if (mae(image.data, photo.data) > 1) changed++;
    }
    expect(changed).toBeLessThanOrEqual(1); // a strongly coloured scene may get a mild cast fix
  });

  it('keeps monochrome prints neutral and sepia prints toned (no colourisation, no neutralising)', () => {
    const mono = fade(synthPhoto(W, H, { seed: 3, tone: 'mono' }), { cast: [1, 1, 1] });
    const m = correctTone(mono);
    expect(m.analysis.kind).toBe('mono');
    let tinted = 0;
    for (let i = 0; i < m.image.data.length; i += 3) {
      if (Math.abs(m.image.data[i] - m.image.data[i + 1]) > 1 || Math.abs(m.image.data[i + 1] - m.image.data[i + 2]) > 1) tinted++;
    }
    expect(tinted).toBe(0);
    for (let seed = 1; seed <= 4; seed++) {
      const sepia = fade(synthPhoto(W, H, { seed, tone: 'sepia' }), { cast: [1, 1, 1] });
      const s = correctTone(sepia);
      expect(s.analysis.kind).toBe('toned');
      expect(s.analysis.cast).toEqual([[1, 0], [1, 0], [1, 0]]);
      let rb = 0;
      for (let i = 0; i < s.image.data.length; i += 3) rb += s.image.data[i] - s.image.data[i + 2];
      expect(rb / (W * H)).toBeGreaterThan(15); // still warm-toned
      expect(analyseTone(s.image).kind).toBe('toned');
    }
  });

  it('denoise lowers noise on flat areas and keeps edges', () => {
    const w = 200, h = 100;
    const data = new Uint8Array(w * h * 3);
    let seed = 5;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const base = x < w / 2 ? 80 : 170;
      const n = (rnd() + rnd() + rnd() - 1.5) * 12;
      for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(base + n)));
    }
    const img = { width: w, height: h, channels: 3 as const, data };
    const out = denoise(img, { strength: 1, sigma: 6, bandRows: 32 });
    const flatStd = (d: Uint8Array, x0: number, x1: number): number => {
      let s = 0, s2 = 0, n = 0;
      for (let y = 0; y < h; y++) for (let x = x0; x < x1; x++) { const v = d[(y * w + x) * 3]; s += v; s2 += v * v; n++; }
      return Math.sqrt(s2 / n - (s / n) ** 2);
    };
    expect(flatStd(out.data, 10, 80)).toBeLessThan(0.75 * flatStd(data, 10, 80));
    let edge = 0;
    for (let y = 0; y < h; y++) edge += out.data[(y * w + w / 2 + 2) * 3] - out.data[(y * w + w / 2 - 3) * 3];
    expect(edge / h).toBeGreaterThan(80);
    expect(Buffer.compare(Buffer.from(denoise(img, { strength: 0 }).data), Buffer.from(data))).toBe(0);
  });
});
