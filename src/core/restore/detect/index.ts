// Damage detection for scanned prints: thin scratches/creases (lines.ts), dust and spots
// (spots.ts) and, optionally, tears and paper loss (tears.ts), merged into one hole mask.
//
// Candidates: white and black top-hats of the luma with a k×k square (k just wider than the
// widest damage), i.e. everything narrower than k that is brighter or darker than its
// neighbourhood. Guards against false positives on clean photos:
//  * an absolute response floor (grey levels) and a noise gate (a multiple of the photo's noise σ,
//    estimated robustly from pixel differences);
//  * a texture gate: the threshold is raised where the local mean response is high (hair,
//    foliage, fabric), so busy regions are not flagged wholesale;
//  * shape filtering of the candidate components (lines: long, narrow, oriented, and not following
//    a step in the photo along most of their length; spots: small, compact, solid); everything
//    else is rejected.
// Large scans are processed in overlapping tiles, so working memory is a few MB per tile plus the
// full-size mask.
import type { ImageBuffer, MaskBuffer } from '../../image/types';
import { throwIfAborted } from '../../platform/cancel';
import { dilateSquare, hysteresisComponents, lumaPlane, maxPlanes, topHats } from './morph';
import { withoutFrame, type TilePlace } from './frame';
import { isLine, type LineParams } from './lines';
import { isSpot, type SpotParams } from './spots';
import { detectTears } from './tears';
import { growIntoHalo } from './halo';

export interface DetectOptions {
  /** 0 (only obvious damage) … 1 (everything plausible); default 0.5 */
  sensitivity?: number;
  /** also look for tears / paper loss (flat paper-white regions touching damage or the border) */
  detectTears?: boolean;
  /** widest scratch or spot to look for, px (default 9) */
  maxDamageWidth?: number;
  /** grow the final mask by this many px to cover soft damage edges (default 1) */
  grow?: number;
  /** grow the mask into the rims that stand out around a mark too (halo.ts; default true) */
  halo?: boolean;
  /** tile size for the full-resolution passes (default 1024) */
  tileSize?: number;
  signal?: AbortSignal;
}

export interface DamageStats {
  lines: number;
  spots: number;
  tears: number;
  /** hole pixels in the final mask */
  pixels: number;
  /** hole pixels / all pixels */
  fraction: number;
  /** robust luma noise estimate (grey levels) */
  noiseSigma: number;
  /** the response threshold used where the photo is flat */
  threshold: number;
}

export interface DamageResult {
  mask: MaskBuffer;
  /** the same mask split by kind (255 where present): thin = lines + spots, tears = large areas;
   *  without tears `thin` and `mask.data` are the same array */
  thin: Uint8Array;
  tears: Uint8Array | null;
  stats: DamageStats;
}

/** Robust noise σ of a luma plane: MAD of horizontal neighbour differences on every 2nd row. */
export function estimateNoise(luma: Uint8Array, width: number, height: number): number {
  const hist = new Uint32Array(256);
  let n = 0;
  for (let y = 0; y < height; y += 2) {
    const row = y * width;
    for (let x = 0; x + 1 < width; x++) {
      const d = luma[row + x + 1] - luma[row + x];
      hist[d < 0 ? -d : d]++;
      n++;
    }
  }
  if (n === 0) return 0;
  let acc = 0;
  for (let v = 0; v < 256; v++) {
    acc += hist[v];
    if (acc >= n / 2) return (1.4826 * Math.max(0.5, v)) / Math.SQRT2;
  }
  return 0;
}

interface Params {
  k: number;
  tHi: number;
  tLo: number;
  gamma: number;
  /** candidate density above which a neighbourhood counts as texture */
  maxDensity: number;
  /** response level counted by the density gate */
  densLevel: number;
  line: LineParams;
  spot: SpotParams;
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

function paramsFor(s: number, sigma: number, maxWidth: number): Params {
  const k = 2 * Math.floor((maxWidth + 2) / 2) + 1; // odd, wider than the widest damage
  const tHi = Math.max(lerp(48, 14, s), lerp(9, 4, s) * sigma);
  const tLo = Math.max(lerp(22, 8, s), 0.55 * tHi);
  return {
    k,
    tHi,
    tLo,
    gamma: lerp(7, 3.5, s),
    maxDensity: lerp(0.08, 0.16, s),
    densLevel: tLo,
    line: { minLength: Math.round(lerp(40, 14, s)), maxWidth, probeRadius: 7, minSupport: lerp(0.75, 0.5, s) },
    spot: {
      minArea: Math.round(lerp(6, 2, s)),
      maxArea: k * k,
      maxLength: k + 2,
      minPeak: tHi * 1.15,
      minFill: 0.35,
    },
  };
}

/**
 * Texture gate, per 32×32 block: `e` = the largest mean response among the block and its 8
 * neighbours, and `dens` = the fraction of candidate pixels (response ≥ lo) over the 3×3 blocks.
 * A scratch or a dust speck is sparse (a few % of a 96×96 neighbourhood); hair, foliage and fabric
 * are dense.
 */
function blockEnergy(resp: Uint8Array, width: number, height: number, B: number, lo: number, nb = 1): { bw: number; e: Float32Array; dens: Float32Array } {
  const bw = Math.ceil(width / B);
  const bh = Math.ceil(height / B);
  const sum = new Float64Array(bw * bh);
  const hits = new Float64Array(bw * bh);
  const cnt = new Float64Array(bw * bh);
  for (let y = 0; y < height; y++) {
    const by = ((y / B) | 0) * bw;
    const row = y * width;
    for (let bx = 0; bx < bw; bx++) {
      const x0 = bx * B;
      const x1 = x0 + B < width ? x0 + B : width;
      let s = 0, c = 0;
      for (let x = x0; x < x1; x++) {
        const v = resp[row + x];
        s += v;
        if (v >= lo) c++;
      }
      sum[by + bx] += s;
      hits[by + bx] += c;
      cnt[by + bx] += x1 - x0;
    }
  }
  const e = new Float32Array(bw * bh);
  const dens = new Float32Array(bw * bh);
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) {
    let m = 0, hs = 0, cs = 0;
    for (let dy = -nb; dy <= nb; dy++) for (let dx = -nb; dx <= nb; dx++) {
      const xx = x + dx, yy = y + dy;
      if (xx < 0 || yy < 0 || xx >= bw || yy >= bh) continue;
      const q = yy * bw + xx;
      const v = sum[q] / cnt[q];
      if (v > m) m = v;
      hs += hits[q];
      cs += cnt[q];
    }
    e[y * bw + x] = m;
    dens[y * bw + x] = hs / cs;
  }
  return { bw, e, dens };
}

/** The sensitivity the detector is tuned at (the user-facing knob's default). */
const DEFAULT_SENSITIVITY = 0.5;

const GATE_BLOCK = 32;
const GATE_NB = 1;

/** Classifies the candidates of one polarity in one tile, writing accepted pixels into `out`. */
function classifyTile(resp: Uint8Array, luma: Uint8Array, gate: { bw: number; dens: Float32Array }, w: number, h: number, P: Params, at: TilePlace, out: Uint8Array, counts: { lines: number; spots: number }, allowed?: Uint8Array): void {
  const B = GATE_BLOCK;
  const { bw, dens } = gate;
  const { e } = blockEnergy(resp, w, h, B, P.densLevel);
  const seed = new Uint8Array(w * h);
  const grow = new Uint8Array(w * h);
  let any = false;
  for (let y = 0; y < h; y++) {
    const by = ((y / B) | 0) * bw;
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const i = row + x;
      const v = resp[i];
      if (v < P.tLo) continue;
      const q = by + ((x / B) | 0);
      // dense candidates = texture (hair, foliage): nothing seeds there, lines may only grow in
      const local = P.gamma * e[q];
      if (v >= Math.max(P.tLo, 0.5 * local)) grow[i] = 1;
      if (dens[q] <= P.maxDensity && v >= Math.max(P.tHi, local)) { seed[i] = 1; any = true; }
    }
  }
  if (!any) return;
  const blobs = hysteresisComponents(seed, grow, w, h, 200_000);
  for (const b of blobs) {
    if (b.truncated) continue;
    let kind: 'line' | 'spot' | null = null;
    if (isSpot(b, resp, P.spot)) kind = 'spot';
    else if (isLine(b, resp, w, h, P.tLo, P.line, luma)) kind = 'line';
    if (!kind) continue;
    const band = P.line.maxWidth + 2;
    let pixels = kind === 'line' ? withoutFrame(b.pixels, w, at, band, Math.max(4 * band, P.line.minLength)) : b.pixels;
    if (allowed) pixels = pixels.filter((q) => allowed[q] !== 0);
    if (pixels.length === 0) continue;
    // counted once: a second pass (see detectDamage) re-finds most of the first one's damage
    let seen = false;
    for (const q of pixels) if (out[q]) { seen = true; break; }
    if (!seen && kind === 'line') counts.lines++;
    else if (!seen) counts.spots++;
    for (const q of pixels) out[q] = 255;
  }
}

/**
 * Finds scratches, creases, dust and spots (and optionally tears) in a photo. Returns a hole mask
 * (255 = damage) the size of the image plus counts. Never modifies the image.
 */
export function detectDamage(image: ImageBuffer, options: DetectOptions = {}): DamageResult {
  const { width: W, height: H, channels: C, data } = image;
  if (!Number.isInteger(W) || !Number.isInteger(H) || W <= 0 || H <= 0 || data.length !== W * H * C) {
    throw new RangeError(`detectDamage: image data (${data.length} bytes) does not match ${W}×${H}×${C}`);
  }
  const s = Math.min(1, Math.max(0, options.sensitivity ?? DEFAULT_SENSITIVITY));
  const maxWidth = Math.max(2, Math.min(31, options.maxDamageWidth ?? 11));
  const grow = Math.max(0, Math.round(options.grow ?? 1));
  const T = Math.max(128, Math.round(options.tileSize ?? 1024));
  const luma = lumaPlane(data, W, H, C);
  const sigma = estimateNoise(luma, W, H);
  const P = paramsFor(s, sigma, maxWidth);
  // The blob tests are not monotone in the thresholds: lower ones can merge a scratch with its
  // surroundings into a blob that fails the shape tests (measured: recall on aged held-out photos
  // 0.33 at 0.5, 0.16 at 0.9), higher ones can split a blob into pieces that pass. So away from the
  // default a second pass at the default bounds the result: above it, what the default finds is
  // kept (more sensitive never finds less); below it, only what the default also finds is kept.
  const base = s === DEFAULT_SENSITIVITY ? null : paramsFor(DEFAULT_SENSITIVITY, sigma, maxWidth);
  const passes = base ? [P, base] : [P];
  const thin = new Uint8Array(W * H);
  const counts = { lines: 0, spots: 0 };
  const margin = Math.max(48, ...passes.map((q) => q.line.minLength + q.k));
  for (let ty = 0; ty < H; ty += T) {
    for (let tx = 0; tx < W; tx += T) {
      throwIfAborted(options.signal);
      const x0 = Math.max(0, tx - margin), y0 = Math.max(0, ty - margin);
      const x1 = Math.min(W, tx + T + margin), y1 = Math.min(H, ty + T + margin);
      const w = x1 - x0, h = y1 - y0;
      const tile = new Uint8Array(w * h);
      for (let y = 0; y < h; y++) tile.set(luma.subarray((y + y0) * W + x0, (y + y0) * W + x1), y * w);
      const { bright, dark } = topHats(tile, w, h, P.k);
      const found = new Uint8Array(w * h);
      const tileCounts = { lines: 0, spots: 0 };
      const at = { x0, y0, W, H };
      // the texture gate sees both polarities: in hair, the gaps between dark strands are bright lines
      const both = maxPlanes(bright, dark);
      const classify = (Q: Params, out: Uint8Array, c: { lines: number; spots: number }, allowed?: Uint8Array): void => {
        const gate = blockEnergy(both, w, h, GATE_BLOCK, Q.densLevel, GATE_NB);
        classifyTile(bright, tile, gate, w, h, Q, at, out, c, allowed);
        classifyTile(dark, tile, gate, w, h, Q, at, out, c, allowed);
      };
      if (!base || s > DEFAULT_SENSITIVITY) {
        classify(P, found, tileCounts);
        if (base) classify(base, found, tileCounts);
      } else {
        const byDefault = new Uint8Array(w * h);
        classify(base, byDefault, { lines: 0, spots: 0 });
        classify(P, found, tileCounts, byDefault);
      }
      // grow inside the tile (the margin is wider than `grow`), so no full-size temporaries
      const grown = grow > 0 ? dilateSquare(found, w, h, grow) : found;
      // keep only the tile's core (its margin belongs to the neighbours)
      const cx1 = Math.min(W, tx + T), cy1 = Math.min(H, ty + T);
      for (let y = ty; y < cy1; y++) {
        const srow = (y - y0) * w - x0;
        const drow = y * W;
        for (let x = tx; x < cx1; x++) if (grown[srow + x]) thin[drow + x] = 255;
      }
      counts.lines += tileCounts.lines;
      counts.spots += tileCounts.spots;
    }
  }
  const thinGrown = thin;
  // a scratch's dark shoulder, a speck's soft rim: the repair must not fill from them
  if (options.halo !== false) growIntoHalo(image, thinGrown);
  throwIfAborted(options.signal);
  let tears: Uint8Array | null = null;
  let tearRegions = 0;
  if (options.detectTears) {
    const t = detectTears(image, thinGrown);
    if (t) {
      tears = t.mask;
      tearRegions = t.regions;
    }
  }
  // without tears the combined mask is the thin mask itself (one full-size plane less)
  const mask = tears ? new Uint8Array(W * H) : thinGrown;
  let pixels = 0;
  for (let i = 0; i < mask.length; i++) {
    if (thinGrown[i] || (tears && tears[i])) {
      mask[i] = 255;
      pixels++;
    }
  }
  return {
    mask: { width: W, height: H, data: mask },
    thin: thinGrown,
    tears,
    stats: {
      lines: counts.lines,
      spots: counts.spots,
      tears: tearRegions,
      pixels,
      fraction: pixels / (W * H),
      noiseSigma: Math.round(sigma * 100) / 100,
      threshold: Math.round(P.tHi * 10) / 10,
    },
  };
}
