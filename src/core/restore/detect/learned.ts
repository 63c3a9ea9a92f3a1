// Learned damage detection: the U-Net of src/core/nets/unet.ts run over the scan's luma at a
// normalised working scale (a long side over WORK_LONG px is made smaller to it, one under
// MIN_WORK_LONG larger; sizes between are used as they are), so a print scanned at 1000 or 6000 px
// gets the same mask.
// Inference runs on overlapping fixed-size tiles (one session, bounded memory); the probabilities
// are thresholded with hysteresis at the working scale, then upsampled bilinearly and re-thresholded
// at full resolution so mask edges follow the full-resolution probabilities.
// Sensitivity (0..1) moves both thresholds. Wide damage (flaking, wide scratches, torn corners) is
// reported separately so the pipeline can send it to the exemplar engine.
import { resampleBytes } from '../../image/resample';
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ImageBuffer } from '../../image/types';
import { throwIfAborted } from '../../platform/cancel';
import { findAppRoot } from '../../platform/paths';
import { Graph } from '../../onnx/graph';
import { sigmoid } from '../../onnx/ops';
import { Runtime, type CompiledGraph } from '../../onnx/runtime';
import { serialize } from '../../onnx/serialize';
import { unet, type UnetSpec } from '../../nets/unet';
import { decodeUnetWeights } from '../../train/segment';
import { lumaToInput } from '../../train/damage-data';
import { withoutFrame } from './frame';
import { hasLookalikes } from './lookalikes';
import { dilateSquare, hysteresisComponents, lumaPlane, squareFilter, type Blob } from './morph';

export const DETECTOR_NAME = 'damage-unet';
/** Working scale: the longest side the network sees (damage sizes in training are relative to it). */
const WORK_LONG = 1024;
/** …and the least: a smaller scan is enlarged to it (at 250 px a jawline is as thin as a crack). */
const MIN_WORK_LONG = 512;
const TILE = 344; // + 2 × MARGIN = 408 (divisible by 8): 3×2 tiles cover a 1024×683 working image
const MARGIN = 32;
const MAX_REGION = 0.04;
/** Working-scale px: a stripe this thin along an image edge is the frame (8 px ≈ 0.8 % of the long side). */
const FRAME_BAND = 8;

export class DetectorModelError extends Error {
  override name = 'DetectorModelError';
}

export interface DetectorModel {
  dir: string;
  spec: UnetSpec;
  weights: Map<string, Float32Array>;
  sha256: string;
}

/** `$RENOVO_MODELS_DIR/damage-unet`, else `<app root>/models/damage-unet`. */
export function defaultDetectorDir(): string | null {
  if (process.env.RENOVO_MODELS_DIR) return join(process.env.RENOVO_MODELS_DIR, DETECTOR_NAME);
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  if (resources && existsSync(join(resources, 'models', DETECTOR_NAME))) return join(resources, 'models', DETECTOR_NAME);
  try {
    return join(findAppRoot(), 'models', DETECTOR_NAME);
  } catch {
    return null;
  }
}

/** Reads and checks a detector folder (manifest.json + weights.safetensors, sha256 verified). */
export function loadDetectorModel(dir: string): DetectorModel {
  const mpath = join(dir, 'manifest.json');
  if (!existsSync(mpath)) throw new DetectorModelError(`damage detector model not found (${mpath} is missing)`);
  let manifest: { architecture?: { spec?: UnetSpec }; files?: Record<string, { sha256?: string }> };
  try {
    manifest = JSON.parse(readFileSync(mpath, 'utf8'));
  } catch (e) {
    throw new DetectorModelError(`damage detector model: ${mpath} is not valid JSON (${(e as Error).message})`);
  }
  const spec = manifest.architecture?.spec;
  if (!spec || spec.arch !== 'unet-seg' || !Array.isArray(spec.widths)) throw new DetectorModelError(`damage detector model: ${mpath} has no unet-seg architecture`);
  const wpath = join(dir, 'weights.safetensors');
  if (!existsSync(wpath)) throw new DetectorModelError(`damage detector model: ${wpath} is missing`);
  const bytes = new Uint8Array(readFileSync(wpath));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const want = manifest.files?.['weights.safetensors']?.sha256;
  if (want && want !== sha256) throw new DetectorModelError(`damage detector model: ${wpath} does not match the sha256 in its manifest (corrupt or replaced)`);
  try {
    return { dir, spec, weights: decodeUnetWeights(bytes, spec, wpath), sha256 };
  } catch (e) {
    throw new DetectorModelError(`damage detector model: ${wpath} is corrupt or does not fit its manifest (${(e as Error).message})`);
  }
}

const sessions = new Map<string, Promise<CompiledGraph>>();
let runtime: Runtime | null = null;

/** One inference session per model (weights baked in), tile input [1, inC, TILE+2M, TILE+2M]. */
function session(model: DetectorModel): Promise<CompiledGraph> {
  const hit = sessions.get(model.sha256);
  if (hit) return hit;
  const S = TILE + 2 * MARGIN;
  const g = new Graph('damage-unet');
  const net = unet(g, g.input('x', [1, model.spec.inC, S, S]), model.spec);
  g.output('p', sigmoid(net.logits));
  runtime ??= new Runtime({ provider: 'cpu', threads: 1, spin: false });
  const p = runtime.compile(serialize(g, { initializers: model.weights, outputs: ['p'] }));
  sessions.set(model.sha256, p);
  p.catch(() => sessions.delete(model.sha256));
  return p;
}


/** Damage probability (0..255) of every working-scale pixel, tile by tile. */
async function probabilities(model: DetectorModel, luma: Uint8Array, w: number, h: number, signal?: AbortSignal): Promise<Uint8Array> {
  const run = await session(model);
  const S = TILE + 2 * MARGIN;
  const x = new Float32Array(S * S);
  const prob = new Uint8Array(w * h);
  const refl = (v: number, n: number): number => {
    if (n === 1) return 0;
    while (v < 0 || v >= n) v = v < 0 ? -v : 2 * n - 2 - v;
    return v;
  };
  for (let ty = 0; ty < h; ty += TILE) {
    for (let tx = 0; tx < w; tx += TILE) {
      throwIfAborted(signal);
      for (let y = 0; y < S; y++) {
        const sy = refl(ty - MARGIN + y, h) * w;
        for (let xx = 0; xx < S; xx++) x[y * S + xx] = lumaToInput(luma[sy + refl(tx - MARGIN + xx, w)]);
      }
      const { p } = await run.run({ x });
      for (let y = ty; y < Math.min(h, ty + TILE); y++) {
        const row = (y - ty + MARGIN) * S + MARGIN - tx;
        for (let xx = tx; xx < Math.min(w, tx + TILE); xx++) prob[y * w + xx] = Math.round(p[row + xx] * 255);
      }
    }
  }
  return prob;
}

export interface LearnedOptions {
  sensitivity?: number;
  signal?: AbortSignal;
  /** Leave marks with unflagged look-alikes nearby to the photo (lookalikes.ts; default true). */
  lookalikes?: boolean;
}

export interface LearnedResult {
  /** 255 = damage, full resolution */
  mask: Uint8Array;
  /** the wide part of `mask` (for the exemplar engine); thin = mask − wide */
  wide: Uint8Array;
  pixels: number;
  widePixels: number;
  regions: number;
  /** working-scale size the network ran at */
  work: { width: number; height: number };
  /** time in the network (ms) */
  inferMs: number;
}

/**
 * Thresholds on probability (0..255) for a sensitivity 0..1: the seed threshold falls from 0.995 at
 * 0 through 0.985 at the default 0.5 to 0.63 at 1 (the low one is 0.55 of it). Measured with
 * bench/restore/learned/eval.ts (RESULTS.md): 0.85 (the session-8 default) found the same synthetic
 * damage as 0.625 with half the false alarms; once scans were no longer enlarged to WORK_LONG
 * (session 9), 0.97 flagged about what 0.85 had; since restoration joins the U-Net with the classical
 * detector (combined.ts, session 10), which finds the specks the U-Net needed a low threshold for,
 * 0.985 beats the session-9 default on every measure (clean photos 0.62 % against 0.68 %, synthetic
 * damage removed 71.1 % against 64.4 %, every film-r pair higher after). Restoration runs the U-Net
 * at combined.ts's learnedSensitivity, so the user's default 0.5 seeds at 0.971.
 */
export function thresholds(s: number): { hi: number; lo: number } {
  const t = s <= 0.5 ? 0.995 - 0.02 * s : 0.985 - 0.71 * (s - 0.5);
  const hi = Math.round(255 * t);
  return { hi, lo: Math.round(hi * 0.55) };
}

/**
 * Compact marks — at most SPECK_SIZE working pixels across and filling at least SPECK_FILL of their
 * box — seed at the threshold of a sensitivity SPECK_BOOST higher. Dust specks score 0.84–0.98 on the
 * U-Net, under the default seed; lowering the seed for every mark flagged 1.64 % of Kodak instead of
 * 0.72 % (the added marks were 90 % lines and edges), while 41 of the 42 marks it added on dust-only
 * photos were compact. Measured with eval.ts (session 15, RESULTS.md): synthetic damage removed
 * 72.6 → 78.6 %, clean photos flagged 0.38 → 0.41 %, no film-r pair lower; a boost of 0.1 gave
 * 76.7 % / 0.40 %, 0.3 gave 79.5 % / 0.42 %.
 */
const SPECK_BOOST = 0.2;
const SPECK_SIZE = 12;
const SPECK_FILL = 0.35;

function isSpeck(b: Blob): boolean {
  const bw = b.x1 - b.x0 + 1, bh = b.y1 - b.y0 + 1;
  return Math.max(bw, bh) <= SPECK_SIZE && b.pixels.length >= SPECK_FILL * bw * bh;
}

export async function detectLearned(image: ImageBuffer, model: DetectorModel, o: LearnedOptions = {}): Promise<LearnedResult> {
  const { width: W, height: H, channels: C, data } = image;
  const s = Math.min(1, Math.max(0, o.sensitivity ?? 0.5));
  const { hi, lo } = thresholds(s);
  // made smaller to the working scale, enlarged only up to MIN_WORK_LONG: enlarged, soft-edged
  // damage is not what the network learned (a 512-px print's flakes went unseen at 1024 px) and the
  // same print at two sizes agreed far less (mask IoU about 0.2 against 0.7; RESULTS.md, session 9)
  const L = Math.max(W, H);
  const k = L / Math.min(WORK_LONG, Math.max(MIN_WORK_LONG, L));
  const w = Math.max(1, Math.round(W / k)), h = Math.max(1, Math.round(H / k));
  let luma: Uint8Array | null = lumaPlane(data, W, H, C);
  const small = resampleBytes(luma, 1, W, H, w, h);
  luma = null; // the full-size luma is not needed again
  const tInf = performance.now();
  const prob = await probabilities(model, small, w, h, o.signal);
  const inferMs = performance.now() - tInf;
  // hysteresis at the working scale: weak pixels count only when connected to a confident one
  const seed = new Uint8Array(w * h), grow = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) {
    if (prob[i] >= lo) grow[i] = 1;
    if (prob[i] >= hi) seed[i] = 1;
  }
  // compact marks (specks of dust) may also seed at a lower threshold: see SPECK_BOOST
  const speckHi = thresholds(Math.min(1, s + SPECK_BOOST)).hi;
  const seedOrSpeck = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) if (prob[i] >= speckHi) seedOrSpeck[i] = 1;
  const blobs = hysteresisComponents(seedOrSpeck, grow, w, h, w * h)
    .filter((b) => isSpeck(b) || b.pixels.some((q) => seed[q]));
  // a "damaged" region over MAX_REGION of the print is a bright/dark area of the photo, not
  // damage (torn corners are the tear detector's job)
  const keep = new Uint8Array(w * h);
  let regions = 0;
  const place = { x0: 0, y0: 0, W: w, H: h };
  const plane = { data: small, width: w, height: h };
  for (const b of blobs) {
    if (b.pixels.length > MAX_REGION * w * h) continue;
    // the scan's frame (a stripe along an edge) is not damage, as for the classical detector
    const pixels = withoutFrame(b.pixels, w, place, FRAME_BAND, 4 * FRAME_BAND);
    if (pixels.length === 0) continue;
    // letters, rims, masonry joints: the photo repeats them unflagged nearby
    if (o.lookalikes !== false && hasLookalikes(plane, pixels, grow)) continue;
    regions++;
    for (const q of pixels) keep[q] = 255;
  }
  // wide = what survives an opening with a 5×5 square at the working scale (≥ ~5 px at 1000 px)
  const wideWork = squareFilter(squareFilter(keep, w, h, 5, false), w, h, 7, true);
  // full resolution: bilinear probabilities re-thresholded, only in the full-resolution blocks of
  // (grown) kept working pixels, so the cost follows the damage, not the scan size
  const near = dilateSquare(keep, w, h, 1);
  const mask = new Uint8Array(W * H);
  const wide = new Uint8Array(W * H);
  let pixels = 0, widePixels = 0;
  const sx = w / W, sy = h / H;
  for (let q = 0; q < w * h; q++) {
    if (!near[q]) continue;
    const qx = q % w, qy = (q / w) | 0;
    const X0 = Math.floor(qx / sx), X1 = Math.min(W, Math.floor((qx + 1) / sx));
    const Y0 = Math.floor(qy / sy), Y1 = Math.min(H, Math.floor((qy + 1) / sy));
    const isWide = wideWork[q] !== 0;
    for (let Y = Y0; Y < Y1; Y++) {
      const fy = Math.min(h - 1, Math.max(0, (Y + 0.5) * sy - 0.5));
      const y0 = Math.floor(fy), y1 = Math.min(h - 1, y0 + 1), ty = fy - y0;
      for (let X = X0; X < X1; X++) {
        const fx = Math.min(w - 1, Math.max(0, (X + 0.5) * sx - 0.5));
        const x0 = Math.floor(fx), x1 = Math.min(w - 1, x0 + 1), tx = fx - x0;
        const p = (prob[y0 * w + x0] * (1 - tx) + prob[y0 * w + x1] * tx) * (1 - ty) + (prob[y1 * w + x0] * (1 - tx) + prob[y1 * w + x1] * tx) * ty;
        if (p < lo) continue;
        const i = Y * W + X;
        mask[i] = 255;
        pixels++;
        if (isWide) { wide[i] = 255; widePixels++; }
      }
    }
  }
  // soft damage edges: grow by about one working pixel
  const r = Math.max(1, Math.round(k * 0.75));
  const grown = dilateSquare(mask, W, H, r);
  pixels = 0;
  for (let i = 0; i < W * H; i++) if (grown[i]) pixels++;
  const wideGrown = widePixels ? dilateSquare(wide, W, H, r) : wide;
  if (widePixels) { widePixels = 0; for (let i = 0; i < W * H; i++) if (wideGrown[i]) widePixels++; }
  return { mask: grown, wide: wideGrown, pixels, widePixels, regions, work: { width: w, height: h }, inferMs: Math.round(inferMs) };
}
