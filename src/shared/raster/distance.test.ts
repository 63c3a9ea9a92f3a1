import { describe, expect, it } from 'vitest';
import { squaredDistanceTransform } from './distance';

/** min over p of |x − p|² + f(p), by brute force. */
function brute(f: ArrayLike<number>, w: number, h: number): number[] {
  const out: number[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let best = Infinity;
    for (let py = 0; py < h; py++) for (let px = 0; px < w; px++) best = Math.min(best, (x - px) ** 2 + (y - py) ** 2 + f[py * w + px]);
    out.push(best);
  }
  return out;
}

describe('squaredDistanceTransform', () => {
  it('matches brute force on random planes, in float32 and float64', () => {
    let s = 5;
    const rand = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
    for (let t = 0; t < 20; t++) {
      const w = 1 + Math.floor(rand() * 17), h = 1 + Math.floor(rand() * 17);
      const f = new Float64Array(w * h).map(() => (rand() < 0.1 ? 0 : rand() < 0.2 ? Math.floor(rand() * 30) : 1e12));
      f[Math.floor(rand() * f.length)] = 0;
      const want = brute(f, w, h);
      const d64 = Float64Array.from(f);
      squaredDistanceTransform(d64, w, h);
      expect(Array.from(d64)).toEqual(want);
      const d32 = Float32Array.from(f);
      squaredDistanceTransform(d32, w, h);
      expect(Array.from(d32)).toEqual(want.map(Math.fround));
    }
  });
});
