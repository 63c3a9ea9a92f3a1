// Large missing areas (tears, paper loss): flat, bright, colourless regions — the bare paper or
// scanner lid showing through — that touch the photo's border or other detected damage. Work is
// done on a block-averaged copy (tears are large), so cost and memory are small on any scan size.
import type { ImageBuffer } from '../../image/types';
import { hysteresisComponents } from './morph';

export interface TearParams {
  /** smallest accepted region as a fraction of the photo's area */
  minFraction: number;
  /** largest chroma (max−min channel, grey levels) that still counts as paper */
  maxChroma: number;
  /** largest local luma range (3×3 blocks) that still counts as flat */
  maxRange: number;
}

const DEFAULT_TEAR_PARAMS: TearParams = { minFraction: 0.002, maxChroma: 24, maxRange: 10 };

/**
 * Returns a full-size mask (255 = tear) or null when nothing qualifies. `damage` is the mask of
 * thin damage found so far (a tear usually starts at a crease or scratch).
 */
export function detectTears(image: ImageBuffer, damage: Uint8Array, p: TearParams = DEFAULT_TEAR_PARAMS): { mask: Uint8Array; regions: number } | null {
  const { width: W, height: H, channels: C, data } = image;
  const f = Math.max(1, Math.ceil(Math.max(W, H) / 1200));
  const w = Math.ceil(W / f);
  const h = Math.ceil(H / f);
  const n = w * h;
  const sumL = new Float32Array(n);
  const maxChroma = new Uint8Array(n);
  const dmg = new Uint8Array(n);
  const cnt = new Uint16Array(n);
  for (let y = 0; y < H; y++) {
    const sy = ((y / f) | 0) * w;
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const q = sy + ((x / f) | 0);
      const o = i * C;
      let l: number;
      let chroma = 0;
      if (C >= 3) {
        const r = data[o], g = data[o + 1], b = data[o + 2];
        l = (77 * r + 150 * g + 29 * b) >> 8;
        chroma = Math.max(r, g, b) - Math.min(r, g, b);
      } else l = data[o];
      sumL[q] += l;
      cnt[q]++;
      if (chroma > maxChroma[q]) maxChroma[q] = chroma;
      if (damage[i]) dmg[q] = 1;
    }
  }
  const L = new Uint8Array(n);
  const hist = new Uint32Array(256);
  for (let q = 0; q < n; q++) {
    L[q] = Math.round(sumL[q] / cnt[q]);
    hist[L[q]]++;
  }
  // paper level: near the top of the photo's own range, and bright in absolute terms
  let acc = 0;
  let p995 = 255;
  for (let v = 0; v < 256; v++) {
    acc += hist[v];
    if (acc >= 0.995 * n) { p995 = v; break; }
  }
  const paper = Math.max(200, p995 - 14);
  const cand = new Uint8Array(n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const q = y * w + x;
      if (L[q] < paper || maxChroma[q] > p.maxChroma) continue;
      let lo = 255, hi = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          const v = L[yy * w + xx];
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
      // the rim of a tear touches the photo; flat means flat inside, so test range loosely at edges
      if (hi - lo <= p.maxRange || L[q] >= 250) cand[q] = 1;
    }
  }
  // damage touching: grow the thin-damage mask by 2 blocks
  const near = new Uint8Array(n);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    if (!dmg[y * w + x]) continue;
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) {
      const xx = x + dx, yy = y + dy;
      if (xx >= 0 && yy >= 0 && xx < w && yy < h) near[yy * w + xx] = 1;
    }
  }
  const blobs = hysteresisComponents(cand, cand, w, h, n);
  const minArea = Math.max(400, p.minFraction * W * H) / (f * f);
  const keep = new Uint8Array(n);
  let regions = 0;
  for (const b of blobs) {
    if (b.pixels.length < minArea || b.truncated) continue;
    let touches = b.x0 === 0 || b.y0 === 0 || b.x1 === w - 1 || b.y1 === h - 1;
    let mean = 0;
    for (const q of b.pixels) {
      mean += L[q];
      if (!touches && near[q]) touches = true;
    }
    mean /= b.pixels.length;
    let varSum = 0;
    for (const q of b.pixels) varSum += (L[q] - mean) ** 2;
    if (!touches || Math.sqrt(varSum / b.pixels.length) > 6) continue;
    regions++;
    for (const q of b.pixels) keep[q] = 1;
  }
  if (regions === 0) return null;
  // back to full size, grown by one block so the soft rim of the tear is included
  const grown = new Uint8Array(n);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    if (!keep[y * w + x]) continue;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const xx = x + dx, yy = y + dy;
      if (xx >= 0 && yy >= 0 && xx < w && yy < h) grown[yy * w + xx] = 1;
    }
  }
  const mask = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    const row = ((y / f) | 0) * w;
    for (let x = 0; x < W; x++) if (grown[row + ((x / f) | 0)]) mask[y * W + x] = 255;
  }
  return { mask, regions };
}
