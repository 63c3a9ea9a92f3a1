// Tone and colour for scanned prints:
//  * fade and contrast recovery: percentile levels on luma (black/white points at the 0.5 % and
//    99.5 % points), applied as one affine map to every channel so colours are not shifted;
//  * colour-cast correction: per-channel gains from grey-world (channel means) and white-patch
//    (channel highlights), combined geometrically, damped and clamped;
//  * monochrome and toned (sepia, selenium…) prints are detected and kept as they are: no cast
//    correction (which would neutralise the toning), no colourisation, only the shared levels;
//  * optional light edge-preserving denoise: a self-guided filter on luma only (chroma untouched),
//    processed in row bands so memory stays bounded on very large scans.
// Statistics are gathered on a strided sample (≤ ~1 M pixels) and exclude the damage mask.
import type { ImageBuffer } from '../image/types';
import { throwIfAborted } from '../platform/cancel';

export type PrintKind = 'colour' | 'mono' | 'toned';

export interface ToneAnalysis {
  kind: PrintKind;
  /** luma black and white points chosen by the levels step (before any change: 0 and 255) */
  black: number;
  white: number;
  /** per-channel affine cast correction v → a·v + b, applied before the levels ([1, 0] when none) */
  cast: Array<[number, number]>;
}

export interface ToneOptions {
  /** percentile levels (default true) */
  levels?: boolean;
  /** colour-cast correction for colour prints (default true) */
  colour?: boolean;
  /** pixels to leave out of the statistics (damage), non-zero = ignore */
  exclude?: Uint8Array;
  /** fraction clipped at each end by the levels (default 0.005) */
  clip?: number;
}

function sampleStride(n: number): number {
  return Math.max(1, Math.floor(n / 1_000_000));
}

function percentile(hist: Float64Array, total: number, p: number): number {
  let acc = 0;
  const target = p * total;
  for (let v = 0; v < hist.length; v++) {
    acc += hist[v];
    if (acc > target) return v;
  }
  return hist.length - 1;
}

/** Looks at a photo and decides its print kind, levels and cast gains (no pixel is changed). */
export function analyseTone(image: ImageBuffer, opts: ToneOptions = {}): ToneAnalysis {
  const { width, height, channels: C, data } = image;
  const n = width * height;
  const stride = sampleStride(n);
  const ex = opts.exclude;
  const histY = new Float64Array(256);
  const histC = [new Float64Array(256), new Float64Array(256), new Float64Array(256)];
  const sum = [0, 0, 0];
  let mid = 0;
  const chromaHist = new Float64Array(256);
  // hue statistics of chromatic pixels (unit vectors in the opponent plane)
  let hx = 0, hy = 0, hn = 0;
  let total = 0;
  for (let i = 0; i < n; i += stride) {
    if (ex && ex[i]) continue;
    const o = i * C;
    const r = data[o], g = C >= 3 ? data[o + 1] : r, b = C >= 3 ? data[o + 2] : r;
    const y = (77 * r + 150 * g + 29 * b + 128) >> 8;
    histY[y]++;
    histC[0][r]++;
    histC[1][g]++;
    histC[2][b]++;
    total++;
    if (y > 16 && y < 240) {
      sum[0] += r; sum[1] += g; sum[2] += b; mid++;
      const chroma = Math.max(r, g, b) - Math.min(r, g, b);
      chromaHist[chroma]++;
      if (chroma >= 6) {
        const ox = r - g, oy = (r + g) / 2 - b; // opponent axes
        const len = Math.hypot(ox, oy);
        hx += ox / len; hy += oy / len; hn++;
      }
    }
  }
  const clip = opts.clip ?? 0.005;
  let kind: PrintKind = 'colour';
  if (C < 3) kind = 'mono';
  else if (mid > 0) {
    const p95 = percentile(chromaHist, mid, 0.95);
    const coherence = hn > 0 ? Math.hypot(hx, hy) / hn : 1;
    if (p95 <= 6) kind = 'mono';
    else if (p95 <= 100 && coherence >= 0.9 && hn >= 0.5 * mid) kind = 'toned';
  }
  // Cast: white-patch and black-patch per channel (each channel's 0.5 % / 99.5 % points mapped onto
  // the luma's), damped to 80 %. Applied only if it also makes the mid-tone average more neutral
  // (grey-world), so a scene that is simply colourful is left alone.
  let cast: Array<[number, number]> = [[1, 0], [1, 0], [1, 0]];
  if (kind === 'colour' && opts.colour !== false && mid > 0 && C >= 3) {
    const yLo = percentile(histY, total, clip), yHi = percentile(histY, total, 1 - clip);
    const cand: Array<[number, number]> = [];
    // a cast (dye fading, a colour-shifted print) moves a channel's black and white points the
    // same way; a channel pulled apart at both ends is the scene's own colour, not a cast
    let consistent = true;
    for (let c = 0; c < 3; c++) {
      const lo = percentile(histC[c], total, clip), hi = percentile(histC[c], total, 1 - clip);
      const dLo = lo - yLo, dHi = hi - yHi;
      if ((dLo > 8 && dHi < -8) || (dLo < -8 && dHi > 8)) consistent = false;
      if (hi - lo < 32) { cand.push([1, 0]); continue; }
      const a0 = (yHi - yLo) / (hi - lo);
      const b0 = yLo - a0 * lo;
      const a1 = Math.min(1.33, Math.max(0.75, 1 + 0.8 * (a0 - 1)));
      cand.push([a1, 0.8 * b0]);
    }
    const greyDev = (aff: Array<[number, number]>): number => {
      const m = [0, 1, 2].map((c) => aff[c][0] * (sum[c] / mid) + aff[c][1]);
      const my = 0.299 * m[0] + 0.587 * m[1] + 0.114 * m[2];
      return Math.max(...m.map((v) => Math.abs(v - my)));
    };
    const change = Math.max(...cand.map(([a1, b1]) => Math.max(Math.abs(b1), Math.abs(a1 * 255 + b1 - 255))));
    if (consistent && change >= 6 && greyDev(cand) < 0.75 * greyDev(cast)) cast = cand;
  }
  let black = 0, white = 255;
  if (opts.levels !== false && total > 0) {
    // levels on the luma the gains will produce (gains are near 1: approximate with the original)
    let lo = percentile(histY, total, clip);
    let hi = percentile(histY, total, 1 - clip);
    // be conservative: never stretch more than 2.5×, and leave well-exposed prints alone
    lo = Math.min(lo, 90);
    hi = Math.max(hi, 150);
    if (hi - lo < 102) {
      const c = (hi + lo) / 2;
      lo = Math.round(c - 51);
      hi = Math.round(c + 51);
    }
    // an end that is already (nearly) used is left where it is
    if (lo <= 24) lo = 0;
    if (hi >= 228) hi = 255;
    black = Math.max(0, lo);
    white = Math.min(255, hi);
  }
  return { kind, black, white, cast };
}

/** Per-channel 8-bit look-up tables for an analysis: v → (a·v + b − black)·255/(white − black). */
export function toneLuts(an: ToneAnalysis): Uint8Array[] {
  const scale = 255 / Math.max(1, an.white - an.black);
  return an.cast.map(([a, b]) => {
    const lut = new Uint8Array(256);
    for (let v = 0; v < 256; v++) {
      const x = (a * v + b - an.black) * scale;
      lut[v] = x <= 0 ? 0 : x >= 255 ? 255 : Math.round(x);
    }
    return lut;
  });
}

/** Applies levels and cast correction; returns a new image (alpha copied) and the analysis. */
export function correctTone(image: ImageBuffer, opts: ToneOptions = {}): { image: ImageBuffer; analysis: ToneAnalysis } {
  const analysis = analyseTone(image, opts);
  const luts = toneLuts(analysis);
  const { channels: C, data } = image;
  const out = new Uint8Array(data.length);
  if (C < 3) {
    for (let i = 0; i < data.length; i++) out[i] = luts[0][data[i]];
  } else {
    const [l0, l1, l2] = luts;
    for (let o = 0; o < data.length; o += C) {
      out[o] = l0[data[o]];
      out[o + 1] = l1[data[o + 1]];
      out[o + 2] = l2[data[o + 2]];
      if (C === 4) out[o + 3] = data[o + 3];
    }
  }
  return { image: { ...image, data: out }, analysis };
}

/** Running box mean of radius r along rows then columns of a w×h float plane (edge-normalised). */
function boxMean(src: Float32Array, w: number, h: number, r: number, tmp: Float32Array, out: Float32Array): void {
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let acc = 0;
    for (let x = 0; x <= r && x < w; x++) acc += src[row + x];
    for (let x = 0; x < w; x++) {
      const lo = x - r - 1, hi = x + r;
      if (hi < w && x > 0) acc += src[row + hi];
      if (lo >= 0) acc -= src[row + lo];
      const n = Math.min(w - 1, hi) - Math.max(0, x - r) + 1;
      tmp[row + x] = acc / n;
    }
  }
  const colAcc = new Float64Array(w);
  for (let y = 0; y <= r && y < h; y++) for (let x = 0; x < w; x++) colAcc[x] += tmp[y * w + x];
  for (let y = 0; y < h; y++) {
    const lo = y - r - 1, hi = y + r;
    if (hi < h && y > 0) for (let x = 0; x < w; x++) colAcc[x] += tmp[hi * w + x];
    if (lo >= 0) for (let x = 0; x < w; x++) colAcc[x] -= tmp[lo * w + x];
    const n = Math.min(h - 1, hi) - Math.max(0, y - r) + 1;
    for (let x = 0; x < w; x++) out[y * w + x] = colAcc[x] / n;
  }
}

export interface DenoiseOptions {
  /** 0 = off … 1 = strongest (still light); default 0.5 */
  strength?: number;
  /** noise σ of the luma in grey levels; estimated when absent */
  sigma?: number;
  /** rows per band (default 256) */
  bandRows?: number;
  signal?: AbortSignal;
}

/**
 * Light edge-preserving denoise: a self-guided filter (He et al. 2010) on luma with radius 2 and
 * ε tied to the noise level, blended by strength; the luma change is added to every colour
 * channel, so chroma (and therefore toning) is unchanged. Works in row bands: O(width·band).
 */
export function denoise(image: ImageBuffer, opts: DenoiseOptions = {}): ImageBuffer {
  const strength = Math.min(1, Math.max(0, opts.strength ?? 0.5));
  const { width: W, height: H, channels: C, data } = image;
  const out = new Uint8Array(data);
  if (strength === 0) return { ...image, data: out };
  const sigma = Math.max(1, opts.sigma ?? 2);
  const eps = (sigma * (1.5 + 2.5 * strength)) ** 2;
  const r = 2;
  const band = Math.max(16, opts.bandRows ?? 256);
  const halo = 2 * r + 1;
  const maxRows = band + 2 * halo;
  const I = new Float32Array(W * maxRows);
  const II = new Float32Array(W * maxRows);
  const mI = new Float32Array(W * maxRows);
  const mII = new Float32Array(W * maxRows);
  const tmp = new Float32Array(W * maxRows);
  const A = new Float32Array(W * maxRows);
  const Bv = new Float32Array(W * maxRows);
  for (let y0 = 0; y0 < H; y0 += band) {
    throwIfAborted(opts.signal);
    const ya = Math.max(0, y0 - halo), yb = Math.min(H, y0 + band + halo);
    const h = yb - ya;
    const n = W * h;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < W; x++) {
        const o = ((y + ya) * W + x) * C;
        const v = C >= 3 ? 0.299 * data[o] + 0.587 * data[o + 1] + 0.114 * data[o + 2] : data[o];
        I[y * W + x] = v;
        II[y * W + x] = v * v;
      }
    }
    const Iv = I.subarray(0, n), IIv = II.subarray(0, n);
    boxMean(Iv, W, h, r, tmp, mI);
    boxMean(IIv, W, h, r, tmp, mII);
    for (let i = 0; i < n; i++) {
      const varI = mII[i] - mI[i] * mI[i];
      const a = varI / (varI + eps);
      A[i] = a;
      Bv[i] = mI[i] * (1 - a);
    }
    boxMean(A.subarray(0, n), W, h, r, tmp, mII); // mean a → mII
    boxMean(Bv.subarray(0, n), W, h, r, tmp, A); // mean b → A
    const yEnd = Math.min(H, y0 + band);
    for (let y = y0; y < yEnd; y++) {
      const by = y - ya;
      for (let x = 0; x < W; x++) {
        const i = by * W + x;
        const q = mII[i] * I[i] + A[i];
        const d = strength * (q - I[i]);
        const o = (y * W + x) * C;
        const cc = C >= 3 ? 3 : 1;
        for (let c = 0; c < cc; c++) {
          const v = data[o + c] + d;
          out[o + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
        }
      }
    }
  }
  return { ...image, data: out };
}
