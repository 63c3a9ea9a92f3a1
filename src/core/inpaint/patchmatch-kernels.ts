// The per-level work of PatchMatch (patch distances, the propagation + random-search pass and the
// patch vote), written as kernels over one horizontal band of the target domain so that the bands
// can run on different threads (see ../parallel/threads.ts). The level is always split into the same
// BANDS bands, whether they then run in parallel or one after the other, so the result depends only
// on the input and the seed, never on the number of cores.
//
// Everything a kernel touches is a typed array (SharedArrayBuffer-backed when the level is shared
// with a worker): no closures, so the same code runs in the worker.

import { mulberry32 } from '../random';
import { defineKernel } from '../parallel/kernel';

/** Number of bands every level is split into (the machines this targets have 2 cores). */
export const BANDS = 2;

export interface PmLevel {
  w: number;
  h: number;
  C: number;
  /** patch radius */
  r: number;
  img: Float32Array;
  hole: Uint8Array;
  /** 1 where a fully known patch is centred */
  valid: Uint8Array;
  inDomain: Uint8Array;
  /** pixels whose patch overlaps the hole, in scan order */
  domain: Int32Array;
  srcList: Int32Array;
  /** nearest-neighbour field (source centre per domain pixel) and its patch distances */
  cur: Int32Array;
  dist: Float32Array;
  /** BANDS + 1 domain indices; band b is domain[bandStart[b] .. bandStart[b+1]) — whole rows */
  bandStart: Int32Array;
  /** per band: first row of its vote accumulator and the accumulators (rows × w × C, rows × w) */
  accRow0: Int32Array;
  acc: Float32Array[];
  wsum: Float32Array[];
  /** per band, for the sharp reconstruction: the pixel each hole pixel was copied from (rows × w) */
  from: Int32Array[];
  /** set to 1 by the coordinating thread to stop the kernels early */
  abort: Int32Array;
}

/** Kernels poll for cancellation every this many + 1 targets. */
const ABORT_POLL = 4095;

/** SSD between the patches centred at t and s, clipped to the level; stops once >= best. */
function patchDist(lv: PmLevel, t: number, s: number, best: number): number {
  const { w, h, r, C, img } = lv;
  const tx = t % w, ty = (t - tx) / w;
  const sx = s % w, sy = (s - sx) / w;
  const dx0 = tx - r < 0 ? -tx : -r;
  const dx1 = tx + r >= w ? w - 1 - tx : r;
  const dy0 = ty - r < 0 ? -ty : -r;
  const dy1 = ty + r >= h ? h - 1 - ty : r;
  let d = 0;
  const span = (dx1 - dx0 + 1) * C;
  for (let dy = dy0; dy <= dy1; dy++) {
    let ti = ((ty + dy) * w + tx + dx0) * C;
    let si = ((sy + dy) * w + sx + dx0) * C;
    const end = ti + span;
    while (ti < end) {
      const e = img[ti++] - img[si++];
      d += e * e;
    }
    if (d >= best) return d;
  }
  return d;
}

/** dist[t] = distance of t's patch to its current source, for the band's targets. */
export function distancesKernel(lv: PmLevel, band: number, stopped: () => boolean): void {
  const { domain, cur, dist } = lv;
  for (let i = lv.bandStart[band], end = lv.bandStart[band + 1]; i < end; i++) {
    const t = domain[i];
    dist[t] = patchDist(lv, t, cur[t], Infinity);
    if ((i & ABORT_POLL) === 0 && stopped()) return;
  }
}

/**
 * One PatchMatch pass over the band: propagation from the already visited neighbours (left/up
 * when scanning forward, right/down backward; only neighbours inside the band, so bands never
 * read each other's changing entries) and a random search around the best source with halving
 * radius from maxR. The band's random numbers come from its own generator seeded with `seed`.
 */
export function searchKernel(lv: PmLevel, band: number, forward: boolean, maxR: number, seed: number, stopped: () => boolean): void {
  const { w, h, r, domain, cur, dist, valid, inDomain } = lv;
  const rand = mulberry32(seed);
  const i0 = lv.bandStart[band], i1 = lv.bandStart[band + 1];
  if (i1 <= i0) return;
  const rowFirst = (domain[i0] / w) | 0;
  const rowLast = (domain[i1 - 1] / w) | 0;
  const n = i1 - i0;
  for (let ii = 0; ii < n; ii++) {
    const t = forward ? domain[i0 + ii] : domain[i1 - 1 - ii];
    let best = dist[t];
    let bs = cur[t];
    const tx = t % w;
    const ty = (t - tx) / w;
    if (forward) {
      if (tx > 0 && inDomain[t - 1]) {
        const c = cur[t - 1] + 1;
        if (c !== bs && valid[c]) { const d = patchDist(lv, t, c, best); if (d < best) { best = d; bs = c; } }
      }
      if (ty > rowFirst && inDomain[t - w]) {
        const c = cur[t - w] + w;
        if (c !== bs && c < w * h && valid[c]) { const d = patchDist(lv, t, c, best); if (d < best) { best = d; bs = c; } }
      }
    } else {
      if (tx < w - 1 && inDomain[t + 1]) {
        const c = cur[t + 1] - 1;
        if (c !== bs && c >= 0 && valid[c]) { const d = patchDist(lv, t, c, best); if (d < best) { best = d; bs = c; } }
      }
      if (ty < rowLast && inDomain[t + w]) {
        const c = cur[t + w] - w;
        if (c !== bs && c >= 0 && valid[c]) { const d = patchDist(lv, t, c, best); if (d < best) { best = d; bs = c; } }
      }
    }
    const bx = bs % w, by = (bs - bx) / w;
    for (let R = maxR; R >= 1; R >>= 1) {
      let sx = bx + Math.floor((rand() * 2 - 1) * R + 0.5);
      let sy = by + Math.floor((rand() * 2 - 1) * R + 0.5);
      if (sx < r) sx = r; else if (sx > w - 1 - r) sx = w - 1 - r;
      if (sy < r) sy = r; else if (sy > h - 1 - r) sy = h - 1 - r;
      const c = sy * w + sx;
      if (c === bs || !valid[c]) continue;
      const d = patchDist(lv, t, c, best);
      if (d < best) { best = d; bs = c; }
    }
    cur[t] = bs;
    dist[t] = best;
    if ((ii & ABORT_POLL) === 0 && stopped()) return;
  }
}

/**
 * The band's share of the vote: every target t adds its source patch's pixels (footprint radius
 * rv, clipped) with weight exp(−dist/2σ²) to the hole pixels it covers, into the band's own
 * accumulators (rows accRow0[band] …), which the caller then sums in band order.
 */
export function voteKernel(lv: PmLevel, band: number, rv: number, sigma2: number, stopped: () => boolean): void {
  const { w, h, C, domain, cur, dist, img } = lv;
  const lhole = lv.hole;
  const acc = lv.acc[band], wsum = lv.wsum[band];
  const base = lv.accRow0[band] * w;
  acc.fill(0);
  wsum.fill(0);
  for (let i = lv.bandStart[band], end = lv.bandStart[band + 1]; i < end; i++) {
    const t = domain[i];
    const s = cur[t];
    const wt = Math.exp(-dist[t] / (2 * sigma2)) + 1e-6;
    const tx = t % w, ty = (t - tx) / w;
    const sx = s % w, sy = (s - sx) / w;
    const off = s - t;
    // the vote footprint may exceed the matched patch (rv >= r): clip to both images
    const dy0 = Math.max(-rv, -ty, -sy), dy1 = Math.min(rv, h - 1 - ty, h - 1 - sy);
    const dx0 = Math.max(-rv, -tx, -sx), dx1 = Math.min(rv, w - 1 - tx, w - 1 - sx);
    for (let dy = dy0; dy <= dy1; dy++) {
      const rowq = (ty + dy) * w + tx;
      const qEnd = rowq + dx1;
      if (C === 3) {
        // the common case, unrolled: the vote is half of PatchMatch's time
        for (let q = rowq + dx0; q <= qEnd; q++) {
          if (!lhole[q] || lhole[q + off]) continue;
          const sq = (q + off) * 3;
          const k = q - base;
          const aq = k * 3;
          wsum[k] += wt;
          acc[aq] += wt * img[sq];
          acc[aq + 1] += wt * img[sq + 1];
          acc[aq + 2] += wt * img[sq + 2];
        }
      } else if (C === 5) {
        // colour + the two texture features (texture-features.ts), unrolled likewise
        for (let q = rowq + dx0; q <= qEnd; q++) {
          if (!lhole[q] || lhole[q + off]) continue;
          const sq = (q + off) * 5;
          const k = q - base;
          const aq = k * 5;
          wsum[k] += wt;
          acc[aq] += wt * img[sq];
          acc[aq + 1] += wt * img[sq + 1];
          acc[aq + 2] += wt * img[sq + 2];
          acc[aq + 3] += wt * img[sq + 3];
          acc[aq + 4] += wt * img[sq + 4];
        }
      } else {
        for (let q = rowq + dx0; q <= qEnd; q++) {
          if (!lhole[q] || lhole[q + off]) continue;
          const sq = (q + off) * C;
          const k = q - base;
          wsum[k] += wt;
          for (let c = 0; c < C; c++) acc[k * C + c] += wt * img[sq + c];
        }
      }
    }
    if ((i & ABORT_POLL) === 0 && stopped()) return;
  }
}

/**
 * The band's share of the sharp reconstruction (Newson et al. 2014, finest level): every hole
 * pixel takes the value of the corresponding pixel of the best-matching patch (lowest mean
 * distance) among the band's patches that cover it — one copy, no averaging, so texture stays as
 * sharp as in the source. acc holds the values, wsum the best mean distance, from the source pixel;
 * the caller keeps, per pixel, the band with the lowest distance.
 */
export function bestKernel(lv: PmLevel, band: number, stopped: () => boolean): void {
  const { w, h, C, r, domain, cur, dist, img } = lv;
  const lhole = lv.hole;
  const acc = lv.acc[band], best = lv.wsum[band], from = lv.from[band];
  const base = lv.accRow0[band] * w;
  best.fill(Infinity);
  from.fill(-1);
  for (let i = lv.bandStart[band], end = lv.bandStart[band + 1]; i < end; i++) {
    const t = domain[i];
    const s = cur[t];
    const tx = t % w, ty = (t - tx) / w;
    const sx = s % w, sy = (s - sx) / w;
    // dist is the SSD over t's patch clipped to the level: compare per pixel, not per patch
    const area = (Math.min(r, w - 1 - tx) + Math.min(r, tx) + 1) * (Math.min(r, h - 1 - ty) + Math.min(r, ty) + 1);
    const d = dist[t] / area;
    const off = s - t;
    const dy0 = Math.max(-r, -ty, -sy), dy1 = Math.min(r, h - 1 - ty, h - 1 - sy);
    const dx0 = Math.max(-r, -tx, -sx), dx1 = Math.min(r, w - 1 - tx, w - 1 - sx);
    for (let dy = dy0; dy <= dy1; dy++) {
      const rowq = (ty + dy) * w + tx;
      for (let q = rowq + dx0, qEnd = rowq + dx1; q <= qEnd; q++) {
        if (!lhole[q] || lhole[q + off]) continue;
        const k = q - base;
        if (!(d < best[k])) continue;
        best[k] = d;
        from[k] = q + off;
        const sq = (q + off) * C, aq = k * C;
        for (let c = 0; c < C; c++) acc[aq + c] = img[sq + c];
      }
    }
    if ((i & ABORT_POLL) === 0 && stopped()) return;
  }
}

export type PmKernel = 'distances' | 'search' | 'vote' | 'best';

/** Runs one kernel on one band; `stopped` is polled for cancellation. */
export function runPmKernel(kernel: PmKernel, lv: PmLevel, band: number, args: number[], stopped: () => boolean): void {
  if (kernel === 'distances') distancesKernel(lv, band, stopped);
  else if (kernel === 'search') searchKernel(lv, band, args[0] === 1, args[1], args[2 + band] >>> 0, stopped);
  else if (kernel === 'vote') voteKernel(lv, band, args[0], args[1], stopped);
  else bestKernel(lv, band, stopped);
}

/** One band of one PatchMatch kernel, as a kernel share (parallel/threads.ts runShares). */
export interface PmBandShare {
  kernel: PmKernel;
  level: PmLevel;
  band: number;
  args: number[];
}

/** In a kernel worker the band polls the level's shared abort flag. */
export const pmBandKernel = defineKernel<PmBandShare>('patchmatch-band', (s, stopped) => {
  const flag = s.level.abort;
  runPmKernel(s.kernel, s.level, s.band, s.args, stopped ?? ((): boolean => Atomics.load(flag, 0) !== 0));
});
