// Compact marks that stand far out of their surroundings. The U-Net misses dark dirt and dust on
// grass, foliage and other busy texture (it scores them 0.3–0.9, under its seed): there a speck looks
// like one more leaf to a network that sees a few dozen pixels. What it has that a leaf has not is
// contrast far beyond the surroundings' own variation, so a compact mark the network half-suspects
// is kept when its mean luma is many robust spreads (median absolute deviations) from the median of
// a ring around it.
import { hysteresisComponents, type Blob } from './morph';

export interface StandoutParams {
  /** probability (0..255) a pixel needs to be part of a candidate */
  floor: number;
  /** |mark mean − ring median| ≥ k × ring MAD */
  k: number;
  /** longest side of a candidate's box, working px */
  size: number;
  /** least candidate area, working px */
  minArea: number;
}

/** Ring: pixels 2–5 px (Chebyshev) from the mark, outside every candidate; MAD at least 2 grey levels. */
const RING_IN = 2, RING_OUT = 5, MIN_MAD = 2;

/** The candidates (prob ≥ floor, compact) whose contrast with their ring passes `k`. */
export function standoutMarks(prob: Uint8Array, luma: Uint8Array, w: number, h: number, p: StandoutParams): Blob[] {
  const cand = new Uint8Array(w * h);
  for (let i = 0; i < cand.length; i++) if (prob[i] >= p.floor) cand[i] = 1;
  const out: Blob[] = [];
  for (const b of hysteresisComponents(cand, cand, w, h, p.size * p.size)) {
    const bw = b.x1 - b.x0 + 1, bh = b.y1 - b.y0 + 1;
    if (b.truncated || Math.max(bw, bh) > p.size || b.pixels.length < p.minArea) continue;
    if (standsOut(b, cand, luma, w, h, p.k)) out.push(b);
  }
  return out;
}

function standsOut(b: Blob, cand: Uint8Array, luma: Uint8Array, w: number, h: number, k: number): boolean {
  // distance of each box pixel to the mark, by growing the mark one Chebyshev step at a time
  const X0 = Math.max(0, b.x0 - RING_OUT), Y0 = Math.max(0, b.y0 - RING_OUT);
  const X1 = Math.min(w - 1, b.x1 + RING_OUT), Y1 = Math.min(h - 1, b.y1 + RING_OUT);
  const bw = X1 - X0 + 1, bh = Y1 - Y0 + 1;
  const dist = new Uint8Array(bw * bh).fill(255);
  let sum = 0;
  for (const q of b.pixels) {
    dist[(((q / w) | 0) - Y0) * bw + (q % w) - X0] = 0;
    sum += luma[q];
  }
  for (let d = 1; d <= RING_OUT; d++) {
    for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) {
      if (dist[y * bw + x] !== 255) continue;
      let near = false;
      for (let dy = -1; dy <= 1 && !near; dy++) for (let dx = -1; dx <= 1; dx++) {
        const yy = y + dy, xx = x + dx;
        if (yy >= 0 && yy < bh && xx >= 0 && xx < bw && dist[yy * bw + xx] === d - 1) { near = true; break; }
      }
      if (near) dist[y * bw + x] = d;
    }
  }
  const ring: number[] = [];
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) {
    const d = dist[y * bw + x];
    const q = (y + Y0) * w + x + X0;
    if (d >= RING_IN && d <= RING_OUT && !cand[q]) ring.push(luma[q]);
  }
  if (ring.length < 8) return false;
  const med = median(ring);
  const mad = Math.max(MIN_MAD, median(ring.map((v) => Math.abs(v - med))));
  return Math.abs(sum / b.pixels.length - med) >= k * mad;
}

function median(v: number[]): number {
  v.sort((a, b) => a - b);
  return v[v.length >> 1];
}
