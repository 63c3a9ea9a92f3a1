// One photo through the restoration pipeline: detect damage → repair it → tone and colour →
// optional denoise. Memory stays bounded on very large scans: detection runs in tiles, thin
// damage is repaired tile by tile (each tile's crop only), large areas (tears) are filled on a
// reduced copy when the scan is big, and tone/denoise work in place or in row bands.
import type { ImageBuffer, MaskBuffer, RunControl } from '../image/types';
import { throwIfAborted } from '../platform/cancel';
import { inpaint, type EngineId } from '../inpaint';
import { loadOnnxInpainter } from '../inpaint/imported/load';
import type { InpainterSignature } from '../inpaint/imported';
import { detectDamage, type DamageResult, type DamageStats } from './detect/index';
import { estimateNoise } from './detect/index';
import { detectCombined } from './detect/combined';
import { defaultDetectorDir, loadDetectorModel, type DetectorModel } from './detect/learned';
import { lumaPlane } from './detect/morph';
import { analyseTone, denoise, toneLuts, type ToneAnalysis } from './tone';

export interface RestoreOptions {
  /** damage detection sensitivity 0..1 (default 0.5) */
  sensitivity?: number;
  /** look for tears / paper loss too (default false) */
  detectTears?: boolean;
  /** repair the detected damage (default true); false = detect only */
  repair?: boolean;
  /** percentile levels + colour-cast correction (default true) */
  tone?: boolean;
  /** light edge-preserving denoise strength 0..1 (default 0 = off) */
  denoise?: number;
  /** Poisson blending of the fills (default 'normal') */
  blend?: 'off' | 'normal' | 'mixed';
  /** widest scratch/spot to look for in px (default 11) */
  maxDamageWidth?: number;
  /** seed for PatchMatch (default 1) */
  seed?: number;
  /** tile size for detection and thin-damage repair (default 1024 / 2048); mainly for tests */
  tileSize?: number;
  /** 'learned' (default): the U-Net (models/damage-unet) joined with the classical detector
   *  (detect/combined.ts), falling back to the classical one alone with a warning when the model
   *  cannot be loaded; 'classical': the morphological detector alone (faster, finds no crack
   *  networks; BENCHMARKS.md, issue 13). */
  detector?: 'learned' | 'classical';
  /** detector model folder (default models/damage-unet) */
  detectorModel?: string;
  /** Fill wide damage (tears) with this imported inpainting model instead of PatchMatch (issue 18). */
  wideModel?: WideModelRef;
}

/** An imported inpainter as a batch stores it: enough to load and check it in any worker. */
export interface WideModelRef {
  id: number;
  name: string;
  version: number;
  sha256: string;
  /** absolute path of its library file */
  file: string;
  signature: InpainterSignature;
}

export interface RestoreStats {
  damage: DamageStats;
  /** which detector found the damage */
  detector: 'learned' | 'classical';
  /** problems worth showing in the report (e.g. the learned detector could not be used) */
  warnings: string[];
  repaired: { thinPixels: number; tearPixels: number; engines: EngineId[] };
  tone: ToneAnalysis | null;
  denoised: boolean;
  ms: { detect: number; repair: number; tone: number; denoise: number };
}

export interface RestoreResult {
  image: ImageBuffer;
  /** the detected damage (255 = repaired) */
  mask: MaskBuffer;
  stats: RestoreStats;
}

/** Thin-damage repair works on tiles of this size (plus a margin); see repairTiled. */
const REPAIR_TILE = 2048;
const REPAIR_MARGIN = 24;
/** Above this many pixels, large holes are filled on a reduced copy. */
const FULL_RES_FILL_LIMIT = 12_000_000;

function crop(img: ImageBuffer, x0: number, y0: number, w: number, h: number): ImageBuffer {
  const C = img.channels;
  const data = new Uint8Array(w * h * C);
  for (let y = 0; y < h; y++) {
    const s = ((y + y0) * img.width + x0) * C;
    data.set(img.data.subarray(s, s + w * C), y * w * C);
  }
  return { width: w, height: h, channels: C, data };
}

function cropMask(mask: Uint8Array, width: number, x0: number, y0: number, w: number, h: number): { data: Uint8Array; holes: number } {
  const data = new Uint8Array(w * h);
  let holes = 0;
  for (let y = 0; y < h; y++) {
    const s = (y + y0) * width + x0;
    for (let x = 0; x < w; x++) if (mask[s + x]) { data[y * w + x] = 255; holes++; }
  }
  return { data, holes };
}

/**
 * Fills `mask` in `work` (in place) tile by tile: each tile plus a margin is inpainted on its
 * own and only the tile's core is written back, so working memory is a tile, not the photo.
 */
async function repairTiled(work: ImageBuffer, mask: Uint8Array, engine: EngineId, blend: 'off' | 'normal' | 'mixed', seed: number, control: RunControl, report: (f: number) => void, tile = REPAIR_TILE): Promise<number> {
  const { width: W, height: H, channels: C } = work;
  let filled = 0;
  const tilesX = Math.ceil(W / tile), tilesY = Math.ceil(H / tile);
  let t = 0;
  for (let ty = 0; ty < H; ty += tile) {
    for (let tx = 0; tx < W; tx += tile) {
      throwIfAborted(control.signal);
      report(t++ / (tilesX * tilesY));
      const cx1 = Math.min(W, tx + tile), cy1 = Math.min(H, ty + tile);
      let any = false;
      for (let y = ty; y < cy1 && !any; y++) {
        const row = y * W;
        for (let x = tx; x < cx1; x++) if (mask[row + x]) { any = true; break; }
      }
      if (!any) continue;
      const x0 = Math.max(0, tx - REPAIR_MARGIN), y0 = Math.max(0, ty - REPAIR_MARGIN);
      const x1 = Math.min(W, cx1 + REPAIR_MARGIN), y1 = Math.min(H, cy1 + REPAIR_MARGIN);
      const w = x1 - x0, h = y1 - y0;
      const m = cropMask(mask, W, x0, y0, w, h);
      if (m.holes === w * h) continue; // nothing to fill from (cannot happen for thin damage)
      const sub = crop(work, x0, y0, w, h);
      const res = await inpaint(sub, { width: w, height: h, data: m.data }, { engine, blend, seed, signal: control.signal });
      for (let y = ty; y < cy1; y++) {
        for (let x = tx; x < cx1; x++) {
          if (!mask[y * W + x]) continue;
          const s = ((y - y0) * w + (x - x0)) * C;
          const d = (y * W + x) * C;
          for (let c = 0; c < C; c++) work.data[d + c] = res.image.data[s + c];
          filled++;
        }
      }
    }
  }
  return filled;
}

/** Box-downscale by an integer factor k (mask: a coarse pixel is a hole if any child is). */
function downscale(img: ImageBuffer, mask: Uint8Array, k: number): { image: ImageBuffer; mask: Uint8Array } {
  const { width: W, height: H, channels: C } = img;
  const w = Math.ceil(W / k), h = Math.ceil(H / k);
  const acc = new Float32Array(w * h * C);
  const cnt = new Float32Array(w * h);
  const m = new Uint8Array(w * h);
  for (let y = 0; y < H; y++) {
    const sy = ((y / k) | 0) * w;
    for (let x = 0; x < W; x++) {
      const q = sy + ((x / k) | 0);
      const i = y * W + x;
      cnt[q]++;
      if (mask[i]) m[q] = 255;
      for (let c = 0; c < C; c++) acc[q * C + c] += img.data[i * C + c];
    }
  }
  const data = new Uint8Array(w * h * C);
  for (let q = 0; q < w * h; q++) for (let c = 0; c < C; c++) data[q * C + c] = Math.round(acc[q * C + c] / cnt[q]);
  return { image: { width: w, height: h, channels: C, data }, mask: m };
}

/**
 * Fills large holes: at full resolution when the photo is modest, else on a reduced copy. With an
 * imported model it fills them at full resolution: it works on a crop around each hole anyway.
 */
async function repairLarge(work: ImageBuffer, mask: Uint8Array, blend: 'off' | 'normal' | 'mixed', seed: number, control: RunControl, wideModel?: WideModelRef): Promise<number> {
  const { width: W, height: H, channels: C } = work;
  let holes = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) holes++;
  if (holes === 0 || holes === mask.length) return 0;
  if (wideModel) {
    const model = await loadOnnxInpainter(wideModel);
    const res = await inpaint(work, { width: W, height: H, data: mask }, { engine: 'onnx', blend, seed, signal: control.signal, onnx: { model } });
    work.data.set(res.image.data);
    return holes;
  }
  if (W * H <= FULL_RES_FILL_LIMIT) {
    const res = await inpaint(work, { width: W, height: H, data: mask }, { engine: 'patchmatch', blend, seed, signal: control.signal });
    work.data.set(res.image.data);
    return holes;
  }
  const k = Math.ceil(Math.sqrt((W * H) / (FULL_RES_FILL_LIMIT / 2)));
  const small = downscale(work, mask, k);
  const res = await inpaint(small.image, { width: small.image.width, height: small.image.height, data: small.mask }, { engine: 'patchmatch', blend, seed, signal: control.signal });
  const sw = small.image.width, sh = small.image.height;
  const sd = res.image.data;
  for (let y = 0; y < H; y++) {
    const fy = Math.min(sh - 1, Math.max(0, (y + 0.5) / k - 0.5));
    const y0 = Math.floor(fy), y1 = Math.min(sh - 1, y0 + 1), ty = fy - y0;
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (!mask[i]) continue;
      const fx = Math.min(sw - 1, Math.max(0, (x + 0.5) / k - 0.5));
      const x0 = Math.floor(fx), x1 = Math.min(sw - 1, x0 + 1), tx = fx - x0;
      for (let c = 0; c < Math.min(3, C); c++) {
        const a = sd[(y0 * sw + x0) * C + c], b = sd[(y0 * sw + x1) * C + c];
        const d = sd[(y1 * sw + x0) * C + c], e = sd[(y1 * sw + x1) * C + c];
        work.data[i * C + c] = Math.round((a * (1 - tx) + b * tx) * (1 - ty) + (d * (1 - tx) + e * tx) * ty);
      }
    }
  }
  return holes;
}

const models = new Map<string, DetectorModel | Error>();

/** The detector model for `dir`, loaded once per process; a failure is remembered too. */
function detectorModel(dir: string | null): DetectorModel | Error {
  if (!dir) return new Error('damage detector model folder not found');
  let m = models.get(dir);
  if (!m) {
    try {
      m = loadDetectorModel(dir);
    } catch (e) {
      m = e as Error;
    }
    models.set(dir, m);
  }
  return m;
}

/**
 * Restores one photo. The input image is never modified. Throws an AbortError when
 * control.signal fires.
 */
export async function restorePhoto(image: ImageBuffer, options: RestoreOptions = {}, control: RunControl = {}): Promise<RestoreResult> {
  const { width: W, height: H, channels: C, data } = image;
  if (!Number.isInteger(W) || !Number.isInteger(H) || W <= 0 || H <= 0 || data.length !== W * H * C) {
    throw new RangeError(`restorePhoto: image data (${data.length} bytes) does not match ${W}×${H}×${C}`);
  }
  const progress = (f: number, msg: string): void => control.onProgress?.(Math.min(1, Math.max(0, f)), msg);
  const blend = options.blend ?? 'normal';
  const seed = options.seed ?? 1;
  const ms = { detect: 0, repair: 0, tone: 0, denoise: 0 };
  throwIfAborted(control.signal);

  progress(0, 'detecting damage');
  let t0 = performance.now();
  const warnings: string[] = [];
  let detector: 'learned' | 'classical' = 'classical';
  let det: DamageResult | null = null;
  if (options.detector !== 'classical') {
    const model = detectorModel(options.detectorModel ?? defaultDetectorDir());
    if (model instanceof Error) warnings.push(`learned damage detector unavailable, used the classical detector: ${model.message}`);
    else {
      det = await detectCombined(image, model, { sensitivity: options.sensitivity, detectTears: options.detectTears, maxDamageWidth: options.maxDamageWidth, tileSize: options.tileSize, signal: control.signal });
      detector = 'learned';
    }
  }
  det ??= detectDamage(image, {
    sensitivity: options.sensitivity,
    detectTears: options.detectTears,
    maxDamageWidth: options.maxDamageWidth,
    tileSize: options.tileSize,
    signal: control.signal,
  });
  ms.detect = performance.now() - t0;
  await new Promise<void>((r) => setImmediate(r));

  const work: ImageBuffer = { width: W, height: H, channels: C, data: new Uint8Array(data) };
  const engines: EngineId[] = [];
  let thinPixels = 0, tearPixels = 0;
  t0 = performance.now();
  if (options.repair !== false && det.stats.pixels > 0 && det.stats.pixels < W * H) {
    // thin damage (scratches, creases, dust): fast marching in per-tile crops
    progress(0.3, 'repairing scratches and dust');
    let thinOnly = det.thin;
    if (det.tears) {
      thinOnly = new Uint8Array(det.thin);
      for (let i = 0; i < thinOnly.length; i++) if (det.tears[i]) thinOnly[i] = 0;
    }
    thinPixels = await repairTiled(work, thinOnly, 'telea', blend, seed, control, (f) => progress(0.3 + 0.4 * f, 'repairing scratches and dust'), options.tileSize ?? REPAIR_TILE);
    if (thinPixels > 0) engines.push('telea');
    if (det.tears) {
      progress(0.7, 'filling wide damage and torn areas');
      tearPixels = await repairLarge(work, det.tears, blend, seed, control, options.wideModel);
      if (tearPixels > 0) engines.push(options.wideModel ? 'onnx' : 'patchmatch');
    }
  }
  ms.repair = performance.now() - t0;

  let tone: ToneAnalysis | null = null;
  t0 = performance.now();
  if (options.tone !== false) {
    throwIfAborted(control.signal);
    progress(0.85, 'tone and colour');
    tone = analyseTone(work, { exclude: det.mask.data });
    const luts = toneLuts(tone);
    const d = work.data;
    if (C < 3) for (let i = 0; i < d.length; i++) d[i] = luts[0][d[i]];
    else {
      const [l0, l1, l2] = luts;
      for (let o = 0; o < d.length; o += C) {
        d[o] = l0[d[o]];
        d[o + 1] = l1[d[o + 1]];
        d[o + 2] = l2[d[o + 2]];
      }
    }
  }
  ms.tone = performance.now() - t0;

  let result = work;
  const strength = options.denoise ?? 0;
  t0 = performance.now();
  if (strength > 0) {
    progress(0.92, 'denoising');
    const sigma = estimateNoise(lumaPlane(work.data, W, H, C), W, H);
    result = denoise(work, { strength, sigma, signal: control.signal });
  }
  ms.denoise = performance.now() - t0;
  progress(1, 'done');
  const round = (v: number): number => Math.round(v);
  return {
    image: result,
    mask: det.mask,
    stats: {
      damage: det.stats,
      detector,
      warnings,
      repaired: { thinPixels, tearPixels, engines },
      tone,
      denoised: strength > 0,
      ms: { detect: round(ms.detect), repair: round(ms.repair), tone: round(ms.tone), denoise: round(ms.denoise) },
    },
  };
}
