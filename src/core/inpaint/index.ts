// Public entry for hole filling: one interface over the engines, the region strategy (each hole
// worked on in a crop around it) and the Poisson blending post-process.

import type { ImageBuffer, MaskBuffer, RunControl } from '../image/types';
import { throwIfAborted } from '../platform/cancel';
import { InpaintError } from './errors';
import { validateInpaintInput, validateSourceArea } from './validate';
import { boundsOf, cutBox, extractCrop, labelComponents, pasteHoles, planCrops, wholeCrop, type Component, type Crop, type Rect } from './regions';
import { harmonicFill } from './harmonic';
import { teleaFill } from './telea';
import type { PatchMatchOptions } from './patchmatch';
import { blendAroundHoles, exemplarFill, exemplarMargin, type Fill } from './exemplar';
import { ganInpaint, type FillPreview, type GanHoleReport, type GanModel, type GanParams } from './gan';
import { fillCropWithModel, fitCropsToModel, onnxMargin, onnxSession, type OnnxCropReport, type OnnxInpainter } from './imported';
import type { Runtime } from '../onnx/runtime';
import type { EngineChoice } from '../../shared/contract';

export { InpaintError } from './errors';

export type EngineId = Exclude<EngineChoice, 'auto'>;

export interface EngineInfo { id: EngineId; label: string; description: string }

const ENGINES: EngineInfo[] = [
  { id: 'patchmatch', label: 'PatchMatch', description: 'Exemplar fill that copies real texture from elsewhere in the photo (multi-scale PatchMatch with texture-aware matching; a source area limits where it copies from). Best for removing objects from ordinary photos.' },
  { id: 'telea', label: 'Fast marching', description: 'Telea fast-marching fill. Fast; best for thin scratches, dust and small spots.' },
  { id: 'harmonic', label: 'Smooth (harmonic)', description: 'Smooth membrane fill from the hole boundary. Baseline for small holes in flat areas.' },
  { id: 'gan-zopt', label: 'Semantic (GAN)', description: "Fills the hole with what a trained GAN model believes belongs there (latent optimisation, Yeh et al.), Poisson-blended. Needs a model of the photo's domain; a second or a few a hole with a model's z-encoder, far slower without one." },
  { id: 'onnx', label: 'Your model (ONNX)', description: 'Runs an inpainting model you imported (LaMa, MI-GAN or your own ONNX export) on a crop around each hole, Poisson-blended. Import it with "Import model…" or renovo models import.' },
];

export function listEngines(): EngineInfo[] {
  return ENGINES.map((e) => ({ ...e }));
}

export interface InpaintOptions extends RunControl {
  /** auto: telea for thin/small holes, patchmatch otherwise */
  engine: EngineId | 'auto';
  /** Poisson blending after the fill, default 'normal' */
  blend?: 'off' | 'normal' | 'mixed';
  seed?: number;
  patchmatch?: PatchMatchTuning;
  /** Where the exemplar fill may copy from (include: non-zero = may; exclude: non-zero = may not). Same size as the image. */
  sourceArea?: { mask: MaskBuffer; mode: 'include' | 'exclude' };
  /** engine 'gan-zopt': the model version's G and D, and the optimisation parameters */
  gan?: GanParams & { model?: GanModel };
  /** engine 'onnx': the imported model (and the runtime to run it on; default: a shared one, provider auto) */
  onnx?: { model: OnnxInpainter; runtime?: Runtime };
  /** engine 'gan-zopt' with a z-encoder: each hole's instant fill G(E(x)) while its search runs */
  onPreview?: (p: FillPreview) => void;
}

/** Engine settings a caller may tune (the bench reproduces the pre-issue-12 engine with them). */
export type PatchMatchTuning = Pick<PatchMatchOptions,
  'patchSize' | 'levels' | 'iterations' | 'voteSize' | 'finalVoteSize' | 'textureWeight' | 'coarseInit' | 'reconstruction'
  | 'sharpLevels' | 'coarsestHole' | 'fineSearch' | 'fineIterations' | 'halo'> & {
  /** context searched around a hole, as a multiple of the hole's extent */
  searchMargin?: number;
  /** pull the fill's shading halfway toward the membrane (shading.ts), default true */
  hedgeShading?: boolean;
  /** bring the fill's fine detail up to its surroundings' energy (detail.ts), default true */
  matchDetail?: boolean;
};

/** holes: the number of connected holes filled; gan: the parameters used, provider and per-hole results (engine 'gan-zopt'); onnx: what the imported model ran on (engine 'onnx'). */
export interface InpaintResult {
  image: ImageBuffer;
  engine: EngineId;
  holes: number;
  gan?: { params: Required<GanParams>; provider: string; reports: GanHoleReport[] };
  onnx?: { provider: string; crops: OnnxCropReport[] };
}

/** A hole is "thin or small" when it is tiny or about 5 px wide or less. */
function isThinOrSmall(c: Component): boolean {
  return c.area <= 150 || c.area <= 2.5 * c.boundary;
}

export function chooseEngine(components: Component[]): EngineId {
  return components.every(isThinOrSmall) ? 'telea' : 'patchmatch';
}

/**
 * Sources keep this many px from the hole. 0: the editor and CLI grow the mask over the object's
 * fringe anyway, and a 2-px halo cost 0.2 dB masked PSNR and 0.2 seam on the bench (it bars the continuation of
 * what borders the hole).
 */
export const SOURCE_HALO = 0;

function marginFor(engine: EngineId, c: Component, options: InpaintOptions): number {
  if (engine === 'telea') return 7;
  if (engine === 'harmonic') return 2;
  const ext = Math.max(c.rect.x1 - c.rect.x0 + 1, c.rect.y1 - c.rect.y0 + 1);
  if (engine === 'onnx' && options.onnx) return onnxMargin(ext, options.onnx.model.signature);
  return exemplarMargin(ext, options.patchmatch);
}

/** The non-exemplar engines' fill of one crop (values over the whole crop). */
function fillCrop(engine: 'telea' | 'harmonic', crop: Crop, signal: AbortSignal | undefined, onProgress: (f: number) => void): Fill {
  const { w, h, C, data, hole } = crop;
  const box = wholeCrop(crop);
  if (engine === 'harmonic') return { values: harmonicFill(data, w, h, C, hole, { signal, onProgress }), source: null, box };
  return { values: teleaFill(data, w, h, C, hole, { signal, onProgress }), source: null, box };
}

/**
 * Fills the masked pixels of `image`. Pixels outside the mask are returned bit-identical; alpha
 * is kept as is. Throws InpaintError on bad input and an AbortError when cancelled (the input is
 * never written to).
 */
export async function inpaint(image: ImageBuffer, mask: MaskBuffer, options: InpaintOptions): Promise<InpaintResult> {
  const holes = validateInpaintInput(image, mask);
  const requested = options?.engine;
  if (requested !== 'auto' && !ENGINES.some((e) => e.id === requested)) {
    throw new InpaintError('UNKNOWN_ENGINE', `inpaint: unknown engine '${String(requested)}'; expected auto, ${ENGINES.map((e) => e.id).join(', ')}`);
  }
  const blend = options.blend ?? 'normal';
  if (blend !== 'off' && blend !== 'normal' && blend !== 'mixed') {
    throw new InpaintError('UNKNOWN_BLEND', `inpaint: unknown blend mode '${String(blend)}'; expected off, normal or mixed`);
  }
  const signal = options.signal;
  throwIfAborted(signal);
  if (requested === 'onnx' && !options.onnx?.model) throw new InpaintError('NO_MODEL', "inpaint: engine 'onnx' needs an imported model (options.onnx.model)");
  if (requested === 'gan-zopt') {
    const { model, ...params } = options.gan ?? {};
    if (!model) throw new InpaintError('NO_MODEL', "inpaint: engine 'gan-zopt' needs a model (options.gan.model)");
    if (options.sourceArea) throw new InpaintError('SOURCE_MASK_ENGINE', "inpaint: engine 'gan-zopt' does not use a source area");
    const r = await ganInpaint(image, mask, { ...params, model, blend, seed: options.seed, signal, onPreview: options.onPreview, onProgress: (f, m) => options.onProgress?.(f, m ?? 'gan-zopt') });
    return { image: r.image, engine: 'gan-zopt', holes: r.holes, gan: { params: r.params, provider: r.provider, reports: r.reports } };
  }
  const { width, height, channels } = image;
  const components = labelComponents(mask.data, width, height);
  // a source area only means something to the exemplar engine
  const allowed = options.sourceArea ? validateSourceArea(options.sourceArea, width, height, mask.data) : undefined;
  if (allowed && requested !== 'auto' && requested !== 'patchmatch') {
    throw new InpaintError('SOURCE_MASK_ENGINE', `inpaint: a source area works with the patchmatch engine (or auto), not '${requested}'`);
  }
  const engine: EngineId = requested === 'auto' ? (allowed ? 'patchmatch' : chooseEngine(components)) : requested;
  let rects = planCrops(components, width, height, (c) => marginFor(engine, c, options));
  if (allowed && options.sourceArea?.mode === 'include') {
    // one crop that holds every hole and the whole area the user marked to copy from
    const b = boundsOf(allowed, width);
    rects = [rects.reduce((u, r) => ({ x0: Math.min(u.x0, r.x0), y0: Math.min(u.y0, r.y0), x1: Math.max(u.x1, r.x1), y1: Math.max(u.y1, r.y1) }), b)];
  }
  if (engine === 'onnx' && options.onnx) rects = fitCropsToModel(rects, width, height, options.onnx.model.signature);
  const out = new Uint8Array(image.data);
  const imported = engine === 'onnx' && options.onnx ? { ...options.onnx, session: await onnxSession(options.onnx.model, options.onnx.runtime), crops: [] as OnnxCropReport[] } : null;
  let done = 0;
  for (const rect of rects) {
    throwIfAborted(signal);
    const crop = extractCrop(image, mask.data, rect);
    const share = crop.holes / holes;
    const base = done;
    const report = (f: number): void => options.onProgress?.(Math.min(1, base + share * 0.9 * f), engine);
    let final: { values: Float32Array; box: Rect };
    if (engine === 'patchmatch') {
      const cropAllowed = allowed && cutBox(allowed, { x0: 0, y0: 0, x1: width - 1, y1: height - 1 }, rect, 1);
      const halo = options.patchmatch?.halo ?? SOURCE_HALO;
      final = exemplarFill(crop, {
        patchMatch: { ...options.patchmatch, halo, allowed: cropAllowed, seed: options.seed ?? 1, signal, onProgress: report },
        blend,
        // not with a source area: the membrane takes every border colour, the excluded ones included
        hedgeShading: !allowed && options.patchmatch?.hedgeShading !== false,
        matchDetail: options.patchmatch?.matchDetail !== false,
      });
    } else {
      let filled: Fill;
      if (imported) {
        const r = await fillCropWithModel(crop, imported.model, imported.session);
        imported.crops.push(r.report);
        filled = { values: r.values, source: null, box: wholeCrop(crop) };
      } else filled = fillCrop(engine as 'telea' | 'harmonic', crop, signal, report);
      throwIfAborted(signal);
      final = blend === 'off' ? filled : blendAroundHoles(crop, filled, blend, signal);
    }
    throwIfAborted(signal);
    pasteHoles(out, width, channels, crop, final.values, final.box);
    done += share;
    options.onProgress?.(Math.min(1, done), engine);
    // let other work (and abort handlers) run between regions
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throwIfAborted(signal);
  const result: InpaintResult = { image: { width, height, channels, data: out }, engine, holes: components.length };
  if (imported) result.onnx = { provider: imported.session.provider, crops: imported.crops };
  return result;
}
