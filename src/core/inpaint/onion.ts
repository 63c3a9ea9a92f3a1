// Onion-peel first estimate of the hole at the coarsest pyramid level (Newson et al. 2014, §4.3):
// the hole is filled ring by ring from its boundary inwards; each pixel takes the centre of the
// known patch that best matches the already-known part of its own patch. Unlike a membrane fill,
// the estimate carries texture and edges into the hole from the start, so the EM iterations that
// follow are not pulled towards smooth patches.

import { mulberry32 } from '../random';

/** Up to this many valid sources every pixel tries them all; above it, a PatchMatch-style search. */
const EXHAUSTIVE = 1024;
/** Random sources each pixel tries in the search (besides coherence and the local search). */
const RANDOM_TRIES = 48;

/**
 * Fills the hole of `img` (interleaved, stride C) in place. `srcList` holds the centres of the
 * valid source patches (fully known, radius r). Returns, per pixel, the source centre used (−1
 * outside the hole).
 */
export function onionPeelFill(img: Float32Array, w: number, h: number, C: number, hole: Uint8Array, r: number, srcList: Int32Array, seed: number): Int32Array {
  const n = w * h;
  const known = new Uint8Array(n);
  let remaining = 0;
  for (let p = 0; p < n; p++) { if (hole[p]) remaining++; else known[p] = 1; }
  const from = new Int32Array(n).fill(-1);
  if (srcList.length === 0) return from;
  const rand = mulberry32(seed >>> 0);
  const exhaustive = srcList.length <= EXHAUSTIVE;
  const isSource = new Uint8Array(n);
  for (let i = 0; i < srcList.length; i++) isSource[srcList[i]] = 1;

  /** mean squared difference over the known pixels of t's patch; Infinity if none */
  const dist = (t: number, s: number, best: number): number => {
    const tx = t % w, ty = (t - tx) / w, sx = s % w, sy = (s - sx) / w;
    let d = 0, cnt = 0;
    for (let dy = -r; dy <= r; dy++) {
      const yy = ty + dy;
      if (yy < 0 || yy >= h) continue;
      for (let dx = -r; dx <= r; dx++) {
        const xx = tx + dx;
        if (xx < 0 || xx >= w) continue;
        const q = yy * w + xx;
        if (!known[q]) continue;
        const ti = q * C, si = ((sy + dy) * w + sx + dx) * C;
        for (let c = 0; c < C; c++) { const e = img[ti + c] - img[si + c]; d += e * e; }
        cnt++;
      }
      // a lower bound good enough to stop early: the sum can only grow
      if (cnt > 0 && d > best * (2 * r + 1) * (2 * r + 1)) return Infinity;
    }
    return cnt > 0 ? d / cnt : Infinity;
  };

  const front: number[] = [];
  while (remaining > 0) {
    front.length = 0;
    for (let p = 0; p < n; p++) {
      if (known[p]) continue;
      const x = p % w, y = (p - x) / w;
      let touches = false;
      for (let dy = -1; dy <= 1 && !touches; dy++) for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx, yy = y + dy;
        if (xx >= 0 && yy >= 0 && xx < w && yy < h && known[yy * w + xx]) { touches = true; break; }
      }
      if (touches) front.push(p);
    }
    if (front.length === 0) break; // hole with no known pixel anywhere: nothing to peel from
    for (const t of front) {
      let best = Infinity, bs = srcList[0], near = Infinity;
      // coherence first: the sources of already-filled neighbours, shifted by the offset
      const tx = t % w, ty = (t - tx) / w;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const xx = tx + dx, yy = ty + dy;
        if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
        const q = yy * w + xx;
        const fq = hole[q] ? from[q] : -1;
        if (fq < 0) continue;
        const cx = (fq % w) - dx, cy = ((fq / w) | 0) - dy;
        if (cx < 0 || cy < 0 || cx >= w || cy >= h) continue;
        const c = cy * w + cx;
        if (!isSource[c]) continue;
        const d = dist(t, c, best);
        if (d < best) { best = d; bs = c; near = (cx - tx) * (cx - tx) + (cy - ty) * (cy - ty); }
      }
      // equally good sources (a ring sees only half a patch, so ties are common on regular
      // texture): the nearer one, as the likelier continuation of what surrounds the hole
      const consider = (c: number): void => {
        const d = dist(t, c, best);
        if (d > best) return;
        const cx = c % w, cy = (c - cx) / w;
        const sq = (cx - tx) * (cx - tx) + (cy - ty) * (cy - ty);
        if (d < best || sq < near) { best = d; bs = c; near = sq; }
      };
      if (exhaustive) {
        for (let i = 0; i < srcList.length; i++) consider(srcList[i]);
      } else {
        // random sources, then a search around the best with halving radius (Barnes et al.)
        for (let i = 0; i < RANDOM_TRIES; i++) consider(srcList[(rand() * srcList.length) | 0]);
        for (let pass = 0; pass < 2; pass++) {
          for (let R = Math.max(w, h) >> 1; R >= 1; R >>= 1) {
            const bx = bs % w, by = (bs - bx) / w;
            const sx = bx + Math.round((rand() * 2 - 1) * R), sy = by + Math.round((rand() * 2 - 1) * R);
            if (sx < 0 || sy < 0 || sx >= w || sy >= h) continue;
            const c = sy * w + sx;
            if (isSource[c]) consider(c);
          }
        }
      }
      from[t] = bs;
    }
    // commit the whole ring at once, so the result does not depend on the order within it
    for (const t of front) {
      for (let c = 0; c < C; c++) img[t * C + c] = img[from[t] * C + c];
      known[t] = 1;
      remaining--;
    }
  }
  return from;
}
