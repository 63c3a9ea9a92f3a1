// Thin scratches and creases: candidates come from the top-hat response (see index.ts); this file
// decides which candidate components are lines. A line is long, narrow and — checked with a
// multi-orientation line filter — has strong response along one direction through most of its
// pixels. Texture (hair, foliage, fabric) fails at least one of those tests or is gated earlier.
import { majorLength, roundness, type Blob } from './morph';

export interface LineParams {
  /** shortest accepted line, px */
  minLength: number;
  /** widest accepted line (area / length), px */
  maxWidth: number;
  /** half length of the oriented probe segments, px */
  probeRadius: number;
  /** fraction of sampled pixels whose best orientation must carry line-like support */
  minSupport: number;
}

const ANGLES = 12;
const DIRS: Array<[number, number]> = Array.from({ length: ANGLES }, (_, i) => {
  const a = (i * Math.PI) / ANGLES;
  return [Math.cos(a), Math.sin(a)];
});

/**
 * Multi-orientation line filter at one pixel: the best, over 12 orientations, mean of the
 * normalised response min(1, R/ref) along a segment of 2r+1 samples centred on (x, y).
 * ≈1 on a line (any orientation), ≈ diameter/(2r+1) on a speck, lower on scattered texture.
 */
function orientedSupport(resp: Uint8Array, width: number, height: number, x: number, y: number, r: number, ref: number): number {
  let best = 0;
  const inv = 1 / ref;
  for (let a = 0; a < ANGLES; a++) {
    const [dx, dy] = DIRS[a];
    let sum = 0;
    let cnt = 0;
    for (let t = -r; t <= r; t++) {
      const xx = Math.round(x + t * dx);
      const yy = Math.round(y + t * dy);
      if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
      const v = resp[yy * width + xx] * inv;
      sum += v > 1 ? 1 : v;
      cnt++;
    }
    const m = cnt > 0 ? sum / cnt : 0;
    if (m > best) best = m;
  }
  return best;
}

/** Shape test plus oriented support on up to 64 sampled pixels of the blob. */
export function isLine(b: Blob, resp: Uint8Array, width: number, height: number, ref: number, p: LineParams): boolean {
  const area = b.pixels.length;
  const len = majorLength(b);
  if (len < p.minLength) return false;
  if (area / len > p.maxWidth) return false;
  if (roundness(b) > 0.12 && area / len > 0.5 * p.maxWidth) return false;
  const samples = Math.min(64, area);
  const step = area / samples;
  let good = 0;
  for (let i = 0; i < samples; i++) {
    const q = b.pixels[Math.floor(i * step)];
    const x = q % width;
    const y = (q - x) / width;
    if (orientedSupport(resp, width, height, x, y, p.probeRadius, ref) >= 0.7) good++;
  }
  return good >= p.minSupport * samples;
}
