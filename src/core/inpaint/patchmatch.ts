// Exemplar inpainting: PatchMatch nearest-neighbour fields (Barnes et al. 2009 — random init,
// propagation, random search) inside Wexler et al.'s multi-scale EM ("Space-time completion of
// video", 2007), made sharp as in Newson et al. 2014: at every pyramid level, alternate (E) finding
// for each patch overlapping the hole its most similar fully-known patch — colour plus texture
// features (texture-features.ts) — and (M) re-estimating each hole pixel as the similarity-weighted
// vote of the overlapping patches' copies. The coarsest level starts from an onion-peel fill
// (onion.ts), finer levels from the upsampled nearest-neighbour field; at the finest level each
// pixel finally takes its value from the single best-matching patch that covers it, so the fill
// keeps the source's texture instead of an average of many copies.
//
// Patches are clipped at the crop border (holes touching the image border work); source patches
// must lie fully inside the crop, contain no hole pixel, keep `halo` px away from the hole (the
// object's shadow and fringe lie there) and lie inside the allowed source area when one is given.

import { throwIfAborted } from '../platform/cancel';
import { harmonicFill, type EngineControl } from './harmonic';
import { mulberry32 } from '../random';
import { alloc, kernelThreadCount, runShares } from '../parallel/threads';
import { BANDS, pmBandKernel, type PmKernel, type PmLevel } from './patchmatch-kernels';
import { appendTextureFeatures, holeColours } from './texture-features';
import { onionPeelFill } from './onion';
import { InpaintError } from './errors';
import { downscaleAllowed } from './regions';

export interface PatchMatchOptions extends EngineControl {
  /** odd patch width, default 7 */
  patchSize?: number;
  /** width of the voting footprint (>= patchSize) on the coarser levels, default patchSize */
  voteSize?: number;
  /** width of the footprint of the last vote, at full resolution (>= patchSize), default patchSize + 20 */
  finalVoteSize?: number;
  /** pyramid levels; 0 or undefined = automatic */
  levels?: number;
  /** EM iterations at the coarser levels (the finest level uses a third as many); default 6 */
  iterations?: number;
  seed?: number;
  /**
   * Run each level's bands on a kernel worker too: undefined = when the level is big enough,
   * false = never (same result either way, see patchmatch-kernels.ts), true = always (tests).
   */
  parallel?: boolean;
  /**
   * First estimate of the hole (w×h×C, like data) instead of the membrane fill: PatchMatch then
   * refines it (the GAN engine's texture refinement). Its pyramid seeds every level's hole.
   */
  init?: Float32Array;
  /** With init: channels from this index on are a fixed guide (matched, never re-estimated). */
  fixedFrom?: number;
  /** weight of the texture features in the patch distance (0 = colour only; not used with init), default 1 */
  textureWeight?: number;
  /** first estimate of the hole at the coarsest level without init, default 'onion' */
  coarseInit?: 'onion' | 'membrane';
  /** finest level: each pixel from its best-matching patch ('best', default) or the wide vote */
  reconstruction?: 'best' | 'vote';
  /** EM iterations at the finest level (default a third of `iterations`) */
  fineIterations?: number;
  /** random-search radius on the finest level, px (default: 1/8 of the level, like the others) */
  fineSearch?: number;
  /** automatic pyramid depth: the largest hole spans about this many patches at the coarsest level */
  coarsestHole?: number;
  /** with 'best': the finest this many levels use best-patch copies in every EM step, default 1 */
  sharpLevels?: number;
  /** sources keep this many px (full resolution) away from the hole, default 0 */
  halo?: number;
  /** w×h, 1 where the fill may copy from (a source patch must lie wholly inside); default everywhere */
  allowed?: Uint8Array;
}

// Defaults chosen on bench/inpaint/objects (74 real-photo object holes; BENCHMARKS.md, issue 12).
/**
 * Weight of the texture features. The fill's texture is decided on the coarsest level, where the
 * features are the only trace of fine texture: at weight 1 smooth regions of the right colour won
 * there (fills carried 0.39 of the surrounding ring's texture, their sources 0.30 of the truth's).
 * 4 chose textured sources (texture ratio 0.38 → 0.56, river and rust continued instead of grey
 * smudges) for −0.29 dB masked PSNR and +0.25 seam; 8 and more copied wrong content (grass into a
 * river) and cost more. A per-patch colour offset did not change this trade-off (measured, dropped).
 */
export const TEXTURE_WEIGHT = 4;
/** The finest level re-estimates by best-patch copies in every EM step (2 levels: no better). */
const SHARP_LEVELS = 1;
/**
 * The pyramid stops when the largest hole spans about this many patches: coarser (2, 8) loses
 * the photo's layout at the top level and fills from the wrong region (masked PSNR −0.6 dB at 8).
 */
const COARSEST_HOLE = 16;
/** Random-search radius on the finest level, px: the upsampled field needs only local refinement. */
const FINE_SEARCH = 48;

/** Box-downsampled copies of `init` (hole pixels included) at every pyramid level's size. */
function initPyramid(init: Float32Array, pyr: Level[], C: number): Float32Array[] {
  const out = [init];
  for (let l = 1; l < pyr.length; l++) {
    const prev = out[l - 1], pw = pyr[l - 1].w, ph = pyr[l - 1].h;
    const { w, h } = pyr[l];
    const img = new Float32Array(w * h * C);
    const cnt = new Float32Array(w * h);
    for (let y = 0; y < ph; y++) for (let x = 0; x < pw; x++) {
      const q = (y >> 1) * w + (x >> 1);
      cnt[q]++;
      for (let c = 0; c < C; c++) img[q * C + c] += prev[(y * pw + x) * C + c];
    }
    for (let q = 0; q < w * h; q++) for (let c = 0; c < C; c++) img[q * C + c] /= cnt[q];
    out.push(img);
  }
  return out;
}

/** Copies channels from..C−1 of the hole pixels from `src` into the level's image. */
function setHoleFrom(lv: Level, src: Float32Array, C: number, from: number): void {
  for (let q = 0; q < lv.w * lv.h; q++) if (lv.hole[q]) for (let c = from; c < C; c++) lv.img[q * C + c] = src[q * C + c];
}

interface Level {
  w: number;
  h: number;
  img: Float32Array;
  hole: Uint8Array;
  /** 1 where sources may lie (absent: everywhere) */
  allowed?: Uint8Array;
}

function downsample(lv: Level, C: number, shared: boolean): Level {
  const w = (lv.w + 1) >> 1, h = (lv.h + 1) >> 1;
  const img = alloc(Float32Array, w * h * C, shared);
  const cnt = new Float32Array(w * h);
  const hole = new Uint8Array(w * h);
  for (let y = 0; y < lv.h; y++) {
    for (let x = 0; x < lv.w; x++) {
      const p = y * lv.w + x;
      const q = (y >> 1) * w + (x >> 1);
      if (lv.hole[p]) { hole[q] = 1; continue; }
      cnt[q]++;
      for (let c = 0; c < C; c++) img[q * C + c] += lv.img[p * C + c];
    }
  }
  for (let q = 0; q < w * h; q++) {
    if (hole[q]) { for (let c = 0; c < C; c++) img[q * C + c] = 0; continue; }
    const k = 1 / cnt[q];
    for (let c = 0; c < C; c++) img[q * C + c] *= k;
  }
  // a coarse pixel may be copied from only when all its children may
  return { w, h, img, hole, allowed: lv.allowed && downscaleAllowed(lv.allowed, lv.w, lv.h, 2) };
}

/** Summed-area table of the pixels where `is(p)` holds, (w+1)×(h+1). */
function countTable(w: number, h: number, is: (p: number) => boolean): Int32Array {
  const W = w + 1;
  const integ = new Int32Array(W * (h + 1));
  for (let y = 0; y < h; y++) {
    let rowSum = 0;
    for (let x = 0; x < w; x++) {
      rowSum += is(y * w + x) ? 1 : 0;
      integ[(y + 1) * W + x + 1] = integ[y * W + x + 1] + rowSum;
    }
  }
  return integ;
}

/** How many counted pixels lie in the box centred at (x, y) with radius R, clipped to the level. */
function boxCount(integ: Int32Array, w: number, h: number, x: number, y: number, R: number): number {
  const W = w + 1;
  const x0 = Math.max(0, x - R), x1 = Math.min(w - 1, x + R) + 1, y0 = Math.max(0, y - R), y1 = Math.min(h - 1, y + R) + 1;
  return integ[y1 * W + x1] - integ[y0 * W + x1] - integ[y1 * W + x0] + integ[y0 * W + x0];
}

/**
 * valid[p] = 1 when the patch centred at p lies inside the level, keeps `halo` px away from every
 * hole pixel and lies wholly inside the allowed area.
 */
function validSources(lv: Level, r: number, halo: number, shared: boolean): { valid: Uint8Array; list: Int32Array } {
  const { w, h, hole, allowed } = lv;
  const holes = countTable(w, h, (p) => hole[p] !== 0);
  const banned = allowed ? countTable(w, h, (p) => allowed[p] === 0) : null;
  const valid = alloc(Uint8Array, w * h, shared);
  let count = 0;
  for (let y = r; y < h - r; y++) {
    for (let x = r; x < w - r; x++) {
      if (boxCount(holes, w, h, x, y, r + halo) !== 0) continue;
      if (banned && boxCount(banned, w, h, x, y, r) !== 0) continue;
      valid[y * w + x] = 1;
      count++;
    }
  }
  const list = alloc(Int32Array, count, shared);
  let i = 0;
  for (let p = 0; p < w * h; p++) if (valid[p]) list[i++] = p;
  return { valid, list };
}

/** Pixels whose patch overlaps the hole (the hole dilated by r, Chebyshev), in scan order. */
function targetDomain(lv: Level, r: number): Int32Array {
  const { w, h, hole } = lv;
  // separable dilation: rows then columns
  const tmp = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    let last = -1e9;
    for (let x = 0; x < w; x++) {
      if (hole[y * w + x]) last = x;
      if (x - last <= r) tmp[y * w + x] = 1;
    }
    last = 1e9;
    for (let x = w - 1; x >= 0; x--) {
      if (hole[y * w + x]) last = x;
      if (last - x <= r) tmp[y * w + x] = 1;
    }
  }
  const dom = new Uint8Array(w * h);
  let count = 0;
  for (let x = 0; x < w; x++) {
    let last = -1e9;
    for (let y = 0; y < h; y++) {
      if (tmp[y * w + x]) last = y;
      if (y - last <= r) dom[y * w + x] = 1;
    }
    last = 1e9;
    for (let y = h - 1; y >= 0; y--) {
      if (tmp[y * w + x]) last = y;
      if (last - y <= r) dom[y * w + x] = 1;
    }
  }
  for (let p = 0; p < w * h; p++) if (dom[p]) count++;
  const list = new Int32Array(count);
  let i = 0;
  for (let p = 0; p < w * h; p++) if (dom[p]) list[i++] = p;
  return list;
}

/** Automatic pyramid depth: coarsen until the largest hole extent is about `k` patches. */
function autoLevels(w: number, h: number, hole: Uint8Array, patch: number, k: number): number {
  let minX = w, minY = h, maxX = -1, maxY = -1;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (hole[y * w + x]) {
    if (x < minX) minX = x; if (x > maxX) maxX = x; if (y < minY) minY = y; if (y > maxY) maxY = y;
  }
  let ext = Math.max(maxX - minX + 1, maxY - minY + 1);
  let cw = w, ch = h, levels = 1;
  while (ext > k * patch && Math.min(cw, ch) >= 6 * patch && levels < 10) {
    ext = Math.ceil(ext / 2); cw = (cw + 1) >> 1; ch = (ch + 1) >> 1; levels++;
  }
  return levels;
}

/** Levels with fewer target pixels than this run their bands on this thread (hand-over costs more). */
const PARALLEL_MIN_TARGETS = 20_000;

/** The level's working arrays, shared with the kernel worker when `shared`; band split by rows. */
function makeLevel(src: Level, C: number, r: number, sources: { valid: Uint8Array; list: Int32Array }, domainList: Int32Array, rvMax: number, shared: boolean): PmLevel {
  const { w, h } = src;
  const n = w * h;
  const copy = <T extends Float32Array | Int32Array | Uint8Array>(ctor: { new (b: ArrayBufferLike): T; BYTES_PER_ELEMENT: number }, from: T): T => {
    // one thread, or already in shared memory: the level works on the pyramid's own arrays
    if (!shared || from.buffer instanceof SharedArrayBuffer) return from;
    const a = alloc(ctor, from.length, shared);
    a.set(from);
    return a;
  };
  const img = copy(Float32Array, src.img);
  const hole = copy(Uint8Array, src.hole);
  const valid = copy(Uint8Array, sources.valid);
  const srcList = copy(Int32Array, sources.list);
  const domain = copy(Int32Array, domainList);
  const inDomain = alloc(Uint8Array, n, shared);
  for (let i = 0; i < domain.length; i++) inDomain[domain[i]] = 1;
  const cur = alloc(Int32Array, n, shared).fill(-1);
  const dist = alloc(Float32Array, n, shared);
  // BANDS bands of about equal target counts, cut at row starts
  const bandStart = alloc(Int32Array, BANDS + 1, shared);
  const nd = domain.length;
  for (let b = 1; b < BANDS; b++) {
    let i = Math.max(bandStart[b - 1], Math.round((b * nd) / BANDS));
    while (i > bandStart[b - 1] && i < nd && ((domain[i] / w) | 0) === ((domain[i - 1] / w) | 0)) i++;
    bandStart[b] = i;
  }
  bandStart[BANDS] = nd;
  const accRow0 = alloc(Int32Array, BANDS, shared);
  const acc: Float32Array[] = [];
  const wsum: Float32Array[] = [];
  const from: Int32Array[] = [];
  for (let b = 0; b < BANDS; b++) {
    const i0 = bandStart[b], i1 = bandStart[b + 1];
    const y0 = i1 > i0 ? Math.max(0, ((domain[i0] / w) | 0) - rvMax) : 0;
    const y1 = i1 > i0 ? Math.min(h - 1, ((domain[i1 - 1] / w) | 0) + rvMax) : -1;
    accRow0[b] = y0;
    const rows = Math.max(0, y1 - y0 + 1);
    acc.push(alloc(Float32Array, rows * w * C, shared));
    wsum.push(alloc(Float32Array, rows * w, shared));
    from.push(alloc(Int32Array, rows * w, shared));
  }
  return { w, h, C, r, img, hole, valid, inDomain, domain, srcList, cur, dist, bandStart, accRow0, acc, wsum, from, abort: alloc(Int32Array, 1, shared) };
}

/** Fills the hole of interleaved float planes (stride C); returns a new array. */
export function patchMatchFill(data: Float32Array, w: number, h: number, C: number, hole: Uint8Array, opts: PatchMatchOptions = {}): Float32Array {
  return patchMatch(data, w, h, C, hole, opts).fill;
}

export interface PatchMatchResult {
  fill: Float32Array;
  /**
   * For every hole pixel p, the known pixel it was copied from (sharp reconstruction) or the
   * nearest neighbour of the patch centred at p (vote), else −1. The blender uses it for the
   * fill's gradient across the seam; tests use it to check the source area is obeyed.
   */
  source: Int32Array | null;
}

export function patchMatch(data: Float32Array, w: number, h: number, C: number, hole: Uint8Array, opts: PatchMatchOptions = {}): PatchMatchResult {
  const weight = opts.textureWeight ?? TEXTURE_WEIGHT;
  if (opts.init || !(weight > 0)) return patchMatchPlanes(data, w, h, C, hole, opts, false);
  // texture features ride along as extra channels: matched, voted and re-estimated like colour.
  // The feature planes are this call's own, so the engine works on them in place and they become
  // the result: fresh multi-megabyte buffers cost more in page faults than the work done on them.
  const withFeatures = appendTextureFeatures(data, w, h, C, hole, weight, usesThreads(opts));
  const r = patchMatchPlanes(withFeatures, w, h, C + 2, hole, opts, true);
  return { fill: holeColours(r.fill, C), source: r.source };
}

/** Whether the levels may run their bands on the kernel worker (then big arrays start out shared). */
function usesThreads(opts: PatchMatchOptions): boolean {
  return opts.parallel !== false && kernelThreadCount() >= BANDS - 1;
}

/** `owned`: `data` is the caller's scratch copy, worked on in place (its hole pixels are overwritten). */
function patchMatchPlanes(data: Float32Array, w: number, h: number, C: number, hole: Uint8Array, opts: PatchMatchOptions, owned: boolean): PatchMatchResult {
  let patch = Math.round(opts.patchSize ?? 7);
  if (patch < 3) patch = 3;
  if ((patch & 1) === 0) patch++;
  const r = patch >> 1;
  // voting footprint: the matched patch. A wider one (15×15, chosen earlier for PSNR) averages so
  // many copies on the coarse levels that the estimate turns to mush and smooth sources win the
  // finer levels' matching (bench/inpaint/objects: texture ratio 0.37 → 0.50)
  let voteSize = Math.round(opts.voteSize ?? patch);
  if (voteSize < patch) voteSize = patch;
  const rvCoarse = voteSize >> 1;
  // the last vote at full resolution averages still more copies where the field is incoherent
  // (where it is coherent every copy agrees, so texture stays sharp): measured on the bench's
  // 40 holes >= 5 %, masked PSNR 18.14 dB with 15×15 there, 18.34 with 27×27, at the same time
  let finalVoteSize = Math.round(opts.finalVoteSize ?? patch + 20);
  if (finalVoteSize < patch) finalVoteSize = patch;
  const rvFinal = finalVoteSize >> 1;
  const iterations = Math.max(1, Math.round(opts.iterations ?? 6));
  const rand = mulberry32((opts.seed ?? 1) >>> 0);
  const signal = opts.signal;

  // pyramid; drop levels that are too small to hold a valid source patch
  const maxLevels = opts.levels && opts.levels > 0 ? Math.round(opts.levels) : autoLevels(w, h, hole, patch, opts.coarsestHole ?? COARSEST_HOLE);
  if (opts.init && opts.init.length !== data.length) throw new RangeError(`patchMatch: init has ${opts.init.length} values, data ${data.length}`);
  if (opts.allowed && opts.allowed.length !== w * h) throw new RangeError(`patchMatch: allowed has ${opts.allowed.length} values, expected ${w * h}`);
  const halo = Math.max(0, Math.round(opts.halo ?? 0));
  const haloAt = (l: number): number => Math.ceil(halo / (1 << l));
  // with a kernel worker the pyramid's images live in shared memory from the start: copying a
  // multi-megapixel level into it later cost ~0.15 s at 2000×1500
  const canParallel = usesThreads(opts);
  let img0 = data;
  if (!owned || (canParallel && !(data.buffer instanceof SharedArrayBuffer))) {
    img0 = alloc(Float32Array, data.length, canParallel);
    img0.set(data);
  }
  const pyr: Level[] = [{ w, h, img: img0, hole, allowed: opts.allowed }];
  let srcs = [validSources(pyr[0], r, halo, canParallel)];
  // a crop too tight for the halo: use the sources next to the hole rather than none
  if (srcs[0].list.length === 0 && halo > 0) srcs = [validSources(pyr[0], r, 0, canParallel)];
  if (srcs[0].list.length === 0 && opts.allowed) {
    throw new InpaintError('SOURCE_MASK_NO_SOURCE', `inpaint: the source area holds no complete ${patch}×${patch} patch outside the hole near it; paint a larger source area`);
  }
  if (srcs[0].list.length === 0) {
    // no complete patch anywhere: keep the caller's estimate, else the membrane fill
    if (opts.init) {
      const fill = Float32Array.from(data);
      for (let p = 0; p < w * h; p++) if (hole[p]) for (let c = 0; c < C; c++) fill[p * C + c] = opts.init[p * C + c];
      return { fill, source: null };
    }
    return { fill: harmonicFill(data, w, h, C, hole, opts), source: null };
  }
  while (pyr.length < maxLevels) {
    const next = downsample(pyr[pyr.length - 1], C, canParallel);
    if (next.w < patch || next.h < patch) break;
    const s = validSources(next, r, haloAt(pyr.length), canParallel);
    if (s.list.length < 4) break;
    pyr.push(next);
    srcs.push(s);
  }
  const L = pyr.length;

  // the hole's first estimate: the caller's (guided refinement), else a membrane fill
  const initPyr = opts.init ? initPyramid(opts.init, pyr, C) : null;
  if (initPyr) {
    setHoleFrom(pyr[L - 1], initPyr[L - 1], C, 0);
  } else if (opts.coarseInit === 'membrane') {
    const top = pyr[L - 1];
    top.img = harmonicFill(top.img, top.w, top.h, C, top.hole, { signal });
  } else {
    const top = pyr[L - 1];
    onionPeelFill(top.img, top.w, top.h, C, top.hole, r, srcs[L - 1].list, (opts.seed ?? 1) + 1);
    throwIfAborted(signal);
  }
  const sharp = (opts.reconstruction ?? 'best') === 'best';
  const sharpLevels = Math.max(0, Math.round(opts.sharpLevels ?? SHARP_LEVELS));
  const fineSearch = Math.max(4, Math.round(opts.fineSearch ?? FINE_SEARCH));
  let copiedFrom: Int32Array | null = null;
  // channels from `fixedFrom` on are a guide: never re-estimated, so every level takes them from init
  const Cw = initPyr && opts.fixedFrom !== undefined ? Math.max(1, Math.min(C, opts.fixedFrom)) : C;

  let nnf: Int32Array | null = null;
  let prevW = 0, prevH = 0;
  const totalWork = pyr.reduce((a, lv) => a + lv.w * lv.h, 0);
  let workDone = 0;

  for (let l = L - 1; l >= 0; l--) {
    if (initPyr && Cw < C) setHoleFrom(pyr[l], initPyr[l], C, Cw);
    const { w: lw, h: lh, hole: lhole } = pyr[l];
    const domain = targetDomain(pyr[l], r);
    const nd = domain.length;
    // bands go to a worker only when the level is big enough to pay for the hand-over
    const shared = canParallel && (opts.parallel === true || nd >= PARALLEL_MIN_TARGETS);
    const lv = makeLevel(pyr[l], C, r, srcs[l], domain, l === 0 ? Math.max(rvFinal, rvCoarse) : rvCoarse, shared);
    pyr[l].img = lv.img;
    const { valid, list: srcList } = srcs[l];
    const { img, cur, dist } = lv;
    const randomSource = (): number => srcList[(rand() * srcList.length) | 0];

    // initialise the NNF: upsample from the coarser level, else random
    for (let i = 0; i < nd; i++) {
      const t = domain[i];
      let s = -1;
      if (nnf) {
        const tx = t % lw, ty = (t - tx) / lw;
        const cx = Math.min(prevW - 1, tx >> 1), cy = Math.min(prevH - 1, ty >> 1);
        const cs = nnf[cy * prevW + cx];
        if (cs >= 0) {
          const csx = cs % prevW, csy = (cs - csx) / prevW;
          const sx = Math.min(lw - 1 - r, Math.max(r, 2 * csx + (tx & 1)));
          const sy = Math.min(lh - 1 - r, Math.max(r, 2 * csy + (ty & 1)));
          const cand = sy * lw + sx;
          if (valid[cand]) s = cand;
        }
      }
      cur[t] = s >= 0 ? s : randomSource();
    }

    const run = (kernel: PmKernel, args: number[]): void => {
      Atomics.store(lv.abort, 0, 0);
      const shares = Array.from({ length: BANDS }, (_, band) => ({ kernel, level: lv, band, args }));
      runShares(pmBandKernel, shares, shared, { stopped: () => signal?.aborted === true, stop: () => Atomics.store(lv.abort, 0, 1) });
      throwIfAborted(signal);
    };
    // index of hole pixel q in band b's accumulators, −1 outside them
    const at = (b: number, q: number): number => {
      const k = q - lv.accRow0[b] * lw;
      return k >= 0 && k < lv.wsum[b].length ? k : -1;
    };
    const vote = (rv: number): void => {
      // similarity weights: exp(−d / 2σ²), σ² = 75th percentile of the per-sample distances
      const sample = new Float32Array(Math.min(nd, 4096));
      const step = nd / sample.length;
      for (let i = 0; i < sample.length; i++) sample[i] = dist[domain[(i * step) | 0]];
      sample.sort();
      const sigma2 = Math.max(1e-3, sample[(sample.length * 0.75) | 0]);
      run('vote', [rv, sigma2]);
      // sum the bands' accumulators in band order, then normalise (guide channels stay as set)
      for (let i = 0; i < nd; i++) {
        const q = domain[i];
        if (!lhole[q]) continue;
        let ws = 0;
        for (let b = 0; b < BANDS; b++) { const k = at(b, q); if (k >= 0) ws += lv.wsum[b][k]; }
        if (ws === 0) continue;
        const inv = 1 / ws;
        for (let c = 0; c < Cw; c++) {
          let a = 0;
          for (let b = 0; b < BANDS; b++) { const k = at(b, q); if (k >= 0) a += lv.acc[b][k * C + c]; }
          img[q * C + c] = a * inv;
        }
      }
    };
    // sharp reconstruction: per hole pixel the band whose best patch matched best (first band on ties)
    let bestFrom: Int32Array | null = null; // one per level: only the latest copy is used
    const copyBest = (): Int32Array => {
      run('best', []);
      const src = bestFrom ? bestFrom.fill(-1) : (bestFrom = new Int32Array(lw * lh).fill(-1));
      for (let i = 0; i < nd; i++) {
        const q = domain[i];
        if (!lhole[q]) continue;
        let bd = Infinity, bb = -1, bk = -1;
        for (let b = 0; b < BANDS; b++) {
          const k = at(b, q);
          if (k >= 0 && lv.wsum[b][k] < bd) { bd = lv.wsum[b][k]; bb = b; bk = k; }
        }
        if (bb < 0) continue;
        for (let c = 0; c < Cw; c++) img[q * C + c] = lv.acc[bb][bk * C + c];
        src[q] = lv.from[bb][bk];
      }
      return src;
    };

    // finer levels: the first estimate of the hole is the vote of the upsampled field
    // levels below sharpLevels re-estimate by best-patch copies throughout, so the estimate the
    // search matches against never turns into an average (which smooth sources would win)
    // (never the coarsest level: starting from a rough estimate, hard copies lock in its mistakes)
    const sharpHere = sharp && l < sharpLevels && l < L - 1;
    if (l < L - 1) {
      run('distances', []);
      if (sharpHere) copiedFrom = copyBest();
      else vote(r);
    }

    // random search: global on the coarsest level; finer levels start from the upsampled field
    // and only look around it (1/8 of the level), which saves a third of the time on the bench
    // (at most fineSearch px on the finest level, where the field only needs local refinement)
    const maxR = l === L - 1 ? Math.max(lw, lh) : Math.max(4, Math.min(Math.max(lw, lh) >> 3, l === 0 ? fineSearch : Infinity));
    const emIters = l === 0 && L > 1 ? Math.max(1, Math.round(opts.fineIterations ?? Math.ceil(iterations / 3))) : iterations;
    for (let em = 0; em < emIters; em++) {
      run('distances', []);
      // one PatchMatch pass per band: propagation + random search, alternating scan direction
      const forward = ((em + l) & 1) === 0;
      const seeds = Array.from({ length: BANDS }, () => (rand() * 4294967296) >>> 0);
      run('search', [forward ? 1 : 0, maxR, ...seeds]);
      // wide footprint on the coarser levels and wider for the final estimate; the intermediate
      // votes of the (expensive) finest level use the patch itself — same PSNR on the bench, faster
      const last = l === 0 && em === emIters - 1;
      if ((last && sharp) || sharpHere) copiedFrom = copyBest();
      else vote(l > 0 ? rvCoarse : last ? rvFinal : r);
      opts.onProgress?.(Math.min(0.99, (workDone + (lw * lh * (em + 1)) / emIters) / totalWork));
    }
    workDone += lw * lh;
    nnf = cur;
    prevW = lw;
    prevH = lh;
  }
  if (copiedFrom) return { fill: pyr[0].img, source: copiedFrom };
  const source = new Int32Array(w * h).fill(-1);
  if (nnf) for (let p = 0; p < w * h; p++) if (hole[p]) source[p] = nnf[p];
  return { fill: pyr[0].img, source };
}
