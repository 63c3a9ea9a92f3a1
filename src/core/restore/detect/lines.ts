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
 * normalised response min(1, R/ref) along a segment of 2r+1 samples centred on (x, y), and that
 * orientation's index. ≈1 on a line (any orientation), ≈ diameter/(2r+1) on a speck, lower on
 * scattered texture.
 */
function orientedSupport(resp: Uint8Array, width: number, height: number, x: number, y: number, r: number, ref: number): { support: number; angle: number } {
  let best = 0, angle = 0;
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
    if (m > best) { best = m; angle = a; }
  }
  return { support: best, angle };
}

/**
 * Whether the line at (x, y), running along DIRS[angle], separates two different tones: the luma
 * `d` px to either side (across the line) differs by at least the line's own response and by at
 * least EDGE_STEP grey levels. A scratch crosses the photo regardless of what is under it; a
 * highlight on the edge of a plank, a rail or a roof follows a step in the photo for its whole length.
 */
const EDGE_STEP = 24;
function onEdge(luma: Uint8Array, resp: Uint8Array, width: number, height: number, x: number, y: number, angle: number, d: number): boolean {
  const [dx, dy] = DIRS[angle];
  const ax = Math.round(x - dy * d), ay = Math.round(y + dx * d);
  const bx = Math.round(x + dy * d), by = Math.round(y - dx * d);
  if (ax < 0 || ay < 0 || ax >= width || ay >= height || bx < 0 || by < 0 || bx >= width || by >= height) return false;
  const step = Math.abs(luma[ay * width + ax] - luma[by * width + bx]);
  return step >= EDGE_STEP && step >= resp[y * width + x];
}

/** Share of a line's sampled pixels that may lie along a step in the photo (see onEdge). */
const MAX_ON_EDGE = 0.6;

/**
 * Shape test plus oriented support on up to 64 sampled pixels of the blob; with the tile's `luma`,
 * a candidate that follows a step in the photo along most of its length (onEdge) is not a line.
 */
export function isLine(b: Blob, resp: Uint8Array, width: number, height: number, ref: number, p: LineParams, luma?: Uint8Array): boolean {
  const area = b.pixels.length;
  const len = majorLength(b);
  if (len < p.minLength) return false;
  if (area / len > p.maxWidth) return false;
  if (roundness(b) > 0.12 && area / len > 0.5 * p.maxWidth) return false;
  const samples = Math.min(64, area);
  const step = area / samples;
  // across the line, just beyond the widest damage looked for
  const side = Math.ceil(p.maxWidth / 2) + 2;
  let good = 0, edge = 0;
  for (let i = 0; i < samples; i++) {
    const q = b.pixels[Math.floor(i * step)];
    const x = q % width;
    const y = (q - x) / width;
    const o = orientedSupport(resp, width, height, x, y, p.probeRadius, ref);
    if (o.support >= 0.7) good++;
    if (luma && onEdge(luma, resp, width, height, x, y, o.angle, side)) edge++;
  }
  return good >= p.minSupport * samples && edge <= MAX_ON_EDGE * samples;
}
