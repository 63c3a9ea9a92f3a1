// The 'gan-zopt' engine: semantic inpainting by latent optimisation (Yeh et al. 2017) on a DCGAN.
// For each hole: a square window with context, resampled to the model's resolution; ẑ found by
// optimizeLatent; the fill M ⊙ y + (1 − M) ⊙ G(ẑ) upsampled to the window and Poisson-blended
// into the full-resolution photo, optionally refined: texture from the photo by the object-removal
// engine's exemplar fill (exemplar.ts), its shading shared with the GAN fill's. With a z-encoder
// (encoder.ts, issue 17) the search starts from E(window) and a few jittered copies and stops when
// the loss stops improving (≤ 100 iterations); without one it cold-starts from random latents
// (1500 × 16) and says so in its report.
import type { ImageBuffer, MaskBuffer, RunControl } from '../../image/types';
import { blendFillPlanes } from '../../blend/poisson';
import { throwIfAborted } from '../../platform/cancel';
import type { DcganSpec } from '../../nets/dcgan';
import { Runtime, type CompiledGraph } from '../../onnx/runtime';
import { InpaintError } from '../errors';
import { validateInpaintInput } from '../validate';
import { extractCrop, labelComponents, pasteHoles, planCrops, type Crop } from '../regions';
import { serializeGanZGraph } from './graph';
import { CONTEXT_LOSSES, contextWeights, type ContextLoss } from './weights';
import { optimizeLatent, type ZOptResult } from './zopt';
import { exemplarFill, exemplarMargin } from '../exemplar';
import { pullShading } from '../shading';
import { checkEncoder, encodeWindow, encoderSession, warmStarts, type GanEncoder } from './encoder';
import { modelToWindow, planWindow, windowToModel, type WindowOptions } from './window';
import { PREVIEW_SIDE, previewRgba, shrinkCrop } from './preview';

/** A model version's G and D, as the engine needs them. */
export interface GanModel {
  /** Stable identity of these weights (e.g. `<model version id>:<sha256>`): the session cache key. */
  id: string;
  spec: DcganSpec;
  /** G.* and D.* parameters and BN running statistics. */
  weights: ReadonlyMap<string, Float32Array>;
  /** The model's z-encoder, when it has one (trained against exactly this G: checked before use). */
  encoder?: GanEncoder;
  /** Why the model's encoder could not be used (a damaged or mismatched file): the search cold-starts and says this. */
  encoderProblem?: string;
}

export interface GanParams {
  /** Weight of the perceptual term λ (default 0.003; 0 leaves D out). */
  lambda?: number;
  /** Maximum iterations (default 1500). */
  iterations?: number;
  /** Random restarts optimised together (default 16). */
  restarts?: number;
  /** Adam learning rate on z (default 0.03). */
  learningRate?: number;
  /** Early stop when the gradient's L1 norm falls below this (default 1e-4). */
  gradTol?: number;
  /** Contextual loss (default 'weighted-l1'). */
  loss?: ContextLoss;
  /** z kept in [−zClip, zClip] (default 3). */
  zClip?: number;
  /** Texture refinement at full resolution: 'patchmatch' = the exemplar fill with a third of its shading from the GAN fill (default 'off'). */
  refine?: GanRefine;
  /** Where the z-search starts: 'auto' (the encoder when the model has one, else cold), 'encoder' (required), 'cold' (default 'auto'). */
  start?: GanStart;
  /** Warm start: restarts (E's output + jittered copies; default 4). */
  warmRestarts?: number;
  /** Warm start: maximum iterations (default 100). */
  warmIterations?: number;
  /** Warm start: stop when the best loss has not improved by 0.1 % for this many iterations (default 20). */
  patience?: number;
  /** Warm start: standard deviation of the jitter added to E's output for the other restarts (default 0.5). */
  jitter?: number;
  /** Warm start: iterations over which the learning rate ramps up from a tenth (default 10). */
  warmup?: number;
  /** Warm start: Adam learning rate on z (default 0.25: in ≤ 100 iterations a larger step than the cold search's 0.03 gets further; tried 0.01–0.6, BENCHMARKS.md issue 17). */
  warmLearningRate?: number;
}

export const GAN_STARTS = ['auto', 'encoder', 'cold'] as const;
export type GanStart = (typeof GAN_STARTS)[number];

export const GAN_REFINES = ['off', 'patchmatch'] as const;
export type GanRefine = (typeof GAN_REFINES)[number];

export const GAN_DEFAULTS = {
  lambda: 0.003, iterations: 1500, restarts: 16, learningRate: 0.03, gradTol: 1e-4, loss: 'weighted-l1' as ContextLoss, zClip: 3, refine: 'off' as GanRefine,
  start: 'auto' as GanStart, warmRestarts: 4, warmIterations: 100, patience: 20, jitter: 0.5, warmLearningRate: 0.25, warmup: 10,
};
/** The notice a cold start carries when the model has no encoder. */
export const NO_ENCODER_NOTICE = 'this model has no z-encoder: the latent search cold-started from random latents (slow: up to 1500 iterations × 16 restarts); train one with scripts/train-encoder.ts';

export interface GanProgress {
  hole: number;
  holes: number;
  iteration: number;
  iterations: number;
  bestLoss: number;
  etaMs: number;
}

export interface GanInpaintOptions extends RunControl, GanParams, WindowOptions {
  model: GanModel;
  blend?: 'off' | 'normal' | 'mixed';
  seed?: number;
  /** Default: one shared Runtime (provider 'auto', no spinning). */
  runtime?: Runtime;
  /** Structured progress (the message passed to onProgress says the same in words). */
  onIteration?: (p: GanProgress) => void;
  /** Warm start only: each hole's instant fill G(E(x)), blended, before its z-search runs (the editor shows it meanwhile). */
  onPreview?: (p: FillPreview) => void;
}

/** A provisional fill of one hole: its window (photo pixels) and an RGBA image of it, opaque in the hole, at most PREVIEW_SIDE px. */
export interface FillPreview {
  x0: number;
  y0: number;
  width: number;
  height: number;
  image: ImageBuffer;
  hole: number;
  holes: number;
}

export interface GanHoleReport {
  window: { x0: number; y0: number; side: number };
  loss: number;
  chosen: number;
  restartLosses: number[];
  iterations: number;
  stoppedBy: ZOptResult['stoppedBy'];
  /** Where the search started: E(window) + jittered copies, or random latents. */
  start: 'encoder' | 'cold';
  /** Warm start: the loss at E's output itself (before any iteration). */
  encoderLoss?: number;
  /** Set when the search cold-started because the model has no encoder. */
  notice?: string;
}

export interface GanInpaintResult {
  image: ImageBuffer;
  engine: 'gan-zopt';
  holes: number;
  provider: string;
  params: Required<GanParams>;
  reports: GanHoleReport[];
  /** Where the z-search started for every hole. */
  start: 'encoder' | 'cold';
  /** Set when the search cold-started because the model has no encoder. */
  notice?: string;
}

let sharedRuntime: Runtime | null = null;
export function defaultGanRuntime(): Runtime {
  sharedRuntime ??= new Runtime({ provider: 'auto', spin: false });
  return sharedRuntime;
}

const sessionCache = new WeakMap<Runtime, Map<string, Promise<CompiledGraph>>>();
/** Sessions kept per runtime (a 64×64 model's session holds its weights: a few MB each). */
const MAX_SESSIONS = 6;

/**
 * Compiled z-step session for (model, restarts, loss norm, D or not) on `runtime`, cached per
 * runtime so a worker compiles each model once (for the 64×64 ngf-32 landscape model: 45 ms to
 * serialise with baked weights, 51 ms to create the session; BENCHMARKS.md).
 */
export function ganSession(runtime: Runtime, model: GanModel, restarts: number, norm: 'l1' | 'l2', withD: boolean): Promise<CompiledGraph> {
  let sessions = sessionCache.get(runtime);
  if (!sessions) { sessions = new Map(); sessionCache.set(runtime, sessions); }
  const key = `${model.id}|${restarts}|${norm}|${withD ? 'D' : '-'}`;
  const hit = sessions.get(key);
  if (hit) return hit;
  const p = runtime.compile(serializeGanZGraph(model.spec, model.weights, { batch: restarts, norm, withD }));
  const cache = sessions;
  p.catch(() => cache.delete(key));
  sessions.set(key, p);
  while (sessions.size > MAX_SESSIONS) sessions.delete(sessions.keys().next().value as string);
  return p;
}

function checkParams(o: GanInpaintOptions): Required<GanParams> {
  const p = { ...GAN_DEFAULTS, ...Object.fromEntries(Object.entries({
    lambda: o.lambda, iterations: o.iterations, restarts: o.restarts, learningRate: o.learningRate, gradTol: o.gradTol, loss: o.loss, zClip: o.zClip, refine: o.refine,
    start: o.start, warmRestarts: o.warmRestarts, warmIterations: o.warmIterations, patience: o.patience, jitter: o.jitter, warmLearningRate: o.warmLearningRate, warmup: o.warmup,
  }).filter(([, v]) => v !== undefined)) } as Required<GanParams>;
  const bad = (what: string): never => { throw new InpaintError('BAD_GAN_PARAMS', `inpaint (gan-zopt): ${what}`); };
  if (!(p.lambda >= 0 && Number.isFinite(p.lambda))) bad(`lambda must be a finite number ≥ 0 (got ${p.lambda})`);
  if (!Number.isInteger(p.iterations) || p.iterations < 0) bad(`iterations must be an integer ≥ 0 (got ${p.iterations})`);
  if (!Number.isInteger(p.restarts) || p.restarts < 1) bad(`restarts must be an integer ≥ 1 (got ${p.restarts})`);
  if (!(p.learningRate > 0 && Number.isFinite(p.learningRate))) bad(`learningRate must be > 0 (got ${p.learningRate})`);
  if (!(p.gradTol >= 0)) bad(`gradTol must be ≥ 0 (got ${p.gradTol})`);
  if (!(p.zClip > 0)) bad(`zClip must be > 0 (got ${p.zClip})`);
  if (!GAN_REFINES.includes(p.refine)) bad(`refine must be one of ${GAN_REFINES.join(', ')} (got ${String(p.refine)})`);
  if (!GAN_STARTS.includes(p.start)) bad(`start must be one of ${GAN_STARTS.join(', ')} (got ${String(p.start)})`);
  if (!Number.isInteger(p.warmRestarts) || p.warmRestarts < 1) bad(`warmRestarts must be an integer ≥ 1 (got ${p.warmRestarts})`);
  if (!Number.isInteger(p.warmIterations) || p.warmIterations < 0) bad(`warmIterations must be an integer ≥ 0 (got ${p.warmIterations})`);
  if (!Number.isInteger(p.patience) || p.patience < 1) bad(`patience must be an integer ≥ 1 (got ${p.patience})`);
  if (!(p.warmLearningRate > 0 && Number.isFinite(p.warmLearningRate))) bad(`warmLearningRate must be > 0 (got ${p.warmLearningRate})`);
  if (!Number.isInteger(p.warmup) || p.warmup < 0) bad(`warmup must be an integer ≥ 0 (got ${p.warmup})`);
  if (!(p.jitter >= 0 && Number.isFinite(p.jitter))) bad(`jitter must be a finite number ≥ 0 (got ${p.jitter})`);
  if (!CONTEXT_LOSSES.includes(p.loss)) bad(`loss must be one of ${CONTEXT_LOSSES.join(', ')} (got ${String(p.loss)})`);
  return p;
}

/** 8-connected hole labels (1-based) and per-label bounding box and area. */
function holeBoxes(mask: Uint8Array, width: number, height: number): { x0: number; y0: number; x1: number; y1: number; area: number }[] {
  return labelComponents(mask, width, height).map((c) => ({ ...c.rect, area: c.area }));
}

/** M ⊙ y + (1 − M) ⊙ G(z) at the window's resolution: known pixels are the photo's own. */
function windowFill(image: Float32Array, R: number, nc: number, crop: Crop): Float32Array {
  const fill = modelToWindow(image, R, nc, crop.w, crop.C);
  const { C } = crop;
  for (let p = 0; p < crop.w * crop.h; p++) if (!crop.hole[p]) for (let c = 0; c < C; c++) fill[p * C + c] = crop.data[p * C + c];
  return fill;
}

export async function ganInpaint(image: ImageBuffer, mask: MaskBuffer, o: GanInpaintOptions): Promise<GanInpaintResult> {
  validateInpaintInput(image, mask);
  const model = o.model;
  if (!model || !model.spec || !model.weights) throw new InpaintError('NO_MODEL', "inpaint: engine 'gan-zopt' needs a model (G and D weights of a model version)");
  const params = checkParams(o);
  const blend = o.blend ?? 'normal';
  const { width, height, channels } = image;
  const { spec } = model;
  const R = spec.resolution;
  const boxes = holeBoxes(mask.data, width, height);
  const windows = boxes.map((b) => planWindow(b, b.area, width, height, o)); // HOLE_TOO_LARGE before any work
  throwIfAborted(o.signal);
  const runtime = o.runtime ?? defaultGanRuntime();
  const norm = params.loss.endsWith('l2') ? 'l2' : 'l1';
  if (params.start === 'encoder' && !model.encoder) throw new InpaintError('NO_ENCODER', `inpaint (gan-zopt): start 'encoder' asked for, but model '${model.id}' has no z-encoder (train one with scripts/train-encoder.ts)`);
  const warm = params.start !== 'cold' && !!model.encoder;
  if (warm) checkEncoder(model.id, spec, model.weights, model.encoder as GanEncoder); // ENCODER_MISMATCH before any work
  const notice = warm || params.start !== 'auto' ? undefined : model.encoderProblem ? `the z-encoder was not used (${model.encoderProblem}): the latent search cold-started from random latents` : NO_ENCODER_NOTICE;
  const restarts = warm ? params.warmRestarts : params.restarts;
  const session = await ganSession(runtime, model, restarts, norm, params.lambda > 0);
  const eSession = warm ? await encoderSession(runtime, `${model.id}|${model.encoder?.sha256 ?? model.encoder?.generatorDigest}`, model.encoder as GanEncoder) : null;
  const out = new Uint8Array(image.data);
  const remaining = new Uint8Array(mask.data.length); // a loop: TypedArray.from with a map costs ~150 ns a pixel
  for (let i = 0; i < remaining.length; i++) remaining[i] = mask.data[i] ? 1 : 0;
  const reports: GanHoleReport[] = [];
  for (let h = 0; h < windows.length; h++) {
    throwIfAborted(o.signal);
    const rect = windows[h];
    const crop = extractCrop({ width, height, channels, data: out }, remaining, rect);
    if (crop.holes === 0) continue; // filled with an earlier window
    const side = crop.w;
    const { y, unknown } = windowToModel(crop.data, crop.hole, side, crop.C, R, spec.nc);
    const w = contextWeights(unknown, R, R, params.loss);
    const seed = (o.seed ?? 1) + 7919 * h;
    const init = eSession && model.encoder ? warmStarts(await encodeWindow(eSession, model.encoder.spec, y, unknown), restarts, params.jitter, seed, params.zClip) : undefined;
    if (init && o.onPreview) {
      // E's own start, G(E(x)): one session run (~30 ms for a 64-px model), blended like the final fill (at ≤ PREVIEW_SIDE px)
      const { image: starts } = await session.run({ z: init, y, w, lambda: Float32Array.of(params.lambda) }, ['image']);
      const small = side > PREVIEW_SIDE ? shrinkCrop(crop, PREVIEW_SIDE) : crop;
      const preview = windowFill(starts.subarray(0, starts.length / restarts), R, spec.nc, small);
      const blended = blend === 'off' ? preview : blendFillPlanes(small.w, small.h, small.C, small.data, preview, small.hole, { mode: blend, signal: o.signal });
      o.onPreview({ x0: rect.x0, y0: rect.y0, width: side, height: side, image: previewRgba(small, blended), hole: h + 1, holes: windows.length });
    }
    const res = await optimizeLatent(session, { y, w, nz: spec.nz }, {
      restarts, iterations: warm ? params.warmIterations : params.iterations, learningRate: warm ? params.warmLearningRate : params.learningRate, gradTol: params.gradTol,
      zClip: params.zClip, lambda: params.lambda, seed, signal: o.signal, init, ...(warm ? { patience: params.patience, warmup: params.warmup } : {}),
      onIteration: (s) => {
        const frac = (h + (s.iteration / Math.max(1, s.iterations)) * 0.95) / windows.length;
        const eta = s.etaMs + (windows.length - h - 1) * (s.elapsedMs + s.etaMs);
        o.onIteration?.({ hole: h + 1, holes: windows.length, iteration: s.iteration, iterations: s.iterations, bestLoss: s.bestLoss, etaMs: eta });
        o.onProgress?.(Math.min(1, frac), `hole ${h + 1}/${windows.length}: iteration ${s.iteration}/${s.iterations}, best loss ${s.bestLoss.toFixed(3)}, ETA ${Math.ceil(eta / 1000)} s`);
      },
    });
    throwIfAborted(o.signal);
    const fill = windowFill(res.image, R, spec.nc, crop);
    let final = blend === 'off' ? fill : blendFillPlanes(side, side, crop.C, crop.data, fill, crop.hole, { mode: blend, signal: o.signal });
    if (params.refine === 'patchmatch') {
      o.onProgress?.(Math.min(1, (h + 0.96) / windows.length), `hole ${h + 1}/${windows.length}: texture from the photo (PatchMatch), shading shared with the GAN fill`);
      final = refineWithExemplar({ width, height, channels, data: out }, remaining, crop, final, blend, o.seed ?? 1, o.signal);
    }
    pasteHoles(out, width, channels, crop, final);
    for (let yy = 0; yy < side; yy++) for (let xx = 0; xx < side; xx++) remaining[(yy + rect.y0) * width + xx + rect.x0] = 0;
    reports.push({
      window: { x0: rect.x0, y0: rect.y0, side }, loss: res.loss, chosen: res.chosen, restartLosses: res.restartLosses, iterations: res.iterations, stoppedBy: res.stoppedBy,
      start: warm ? 'encoder' : 'cold', ...(warm ? { encoderLoss: res.initialLosses[0] } : {}), ...(notice ? { notice } : {}),
    });
    o.onProgress?.((h + 1) / windows.length, `hole ${h + 1}/${windows.length} filled (loss ${res.loss.toFixed(3)}, ${res.iterations} iterations)`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { image: { width, height, channels, data: out }, engine: 'gan-zopt', holes: boxes.length, provider: session.provider, params, reports, start: warm ? 'encoder' : 'cold', ...(notice ? { notice } : {}) };
}

/**
 * Share of the refined fill's shading (σ 2 px, shading.ts) taken from the GAN fill. The exemplar
 * fill already carries half the membrane's, so a third makes the three estimates equal partners.
 * Measured on 24 held-out landscape holes with the 128-px model (bench/zopt/style.ts, BENCHMARKS.md,
 * session 18, the exemplar part being object removal's own fill): 17.67 dB median masked PSNR
 * (mean 17.75) against the exemplar fill alone's 17.50 (17.60), better on 16 holes; a half scored
 * 17.60 (17.66). In the session-14 prototype a second pull toward the membrane in the GAN's place
 * scored below the exemplar fill, so the GAN's shading is what helps. Looked at: the exemplar's
 * copied texture, with at most a faint shade where the GAN drew a wrong blob; the PatchMatch search
 * guided by the GAN fill that this replaced (16.60 dB mean) copied such blobs in full.
 */
export const GAN_SHADING_SHARE = 1 / 3;

/**
 * The exemplar fill of the window's holes as object removal makes it (the same crops around them,
 * planned as inpaint() plans them, and the same seed: exemplar.ts), with GAN_SHADING_SHARE of its
 * shading moved to the GAN fill's (`ganFinal`, the window's values). `image`/`remaining`: the photo
 * as filled so far and the holes still open. For a photo with one hole the exemplar part is
 * object removal's fill exactly, so the refinement differs from it only by the GAN's shading.
 */
function refineWithExemplar(image: ImageBuffer, remaining: Uint8Array, win: Crop, ganFinal: Float32Array, blend: 'off' | 'normal' | 'mixed', seed: number, signal: AbortSignal | undefined): Float32Array {
  const { w: side, C, rect: wr } = win;
  const components = labelComponents(win.hole, side, side).map((c) => ({ ...c, rect: { x0: c.rect.x0 + wr.x0, y0: c.rect.y0 + wr.y0, x1: c.rect.x1 + wr.x0, y1: c.rect.y1 + wr.y0 } }));
  const rects = planCrops(components, image.width, image.height, (c) => exemplarMargin(Math.max(c.rect.x1 - c.rect.x0 + 1, c.rect.y1 - c.rect.y0 + 1)));
  // the window's hole pixels take the exemplar's values (each lies in one crop, inside its fill's box)
  const values = Float32Array.from(ganFinal);
  for (const rect of rects) {
    const ex = exemplarFill(extractCrop(image, remaining, rect), { patchMatch: { seed, signal }, blend, hedgeShading: true, matchDetail: true });
    const bw = ex.box.x1 - ex.box.x0 + 1;
    for (let y = Math.max(rect.y0, wr.y0); y <= Math.min(rect.y1, wr.y0 + side - 1); y++) {
      for (let x = Math.max(rect.x0, wr.x0); x <= Math.min(rect.x1, wr.x0 + side - 1); x++) {
        const p = (y - wr.y0) * side + (x - wr.x0);
        if (!win.hole[p]) continue;
        const q = (y - rect.y0 - ex.box.y0) * bw + (x - rect.x0 - ex.box.x0);
        for (let c = 0; c < C; c++) values[p * C + c] = ex.values[q * C + c];
      }
    }
  }
  return pullShading(values, ganFinal, side, side, C, win.hole, GAN_SHADING_SHARE);
}
