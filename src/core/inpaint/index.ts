// Public entry for hole filling: one interface over the engines, the region strategy (each hole
// worked on in a crop around it) and the Poisson blending post-process.

import type { ImageBuffer, MaskBuffer, RunControl } from '../image/types';
import { blendFillPlanes } from '../blend/poisson';
import { throwIfAborted } from '../blend/control';
import { InpaintError } from './errors';
import { validateInpaintInput } from './validate';
import { downscaleCrop, extractCrop, labelComponents, pasteHoles, planCrops, upsampleInto, type Component, type Crop } from './regions';
import { harmonicFill } from './harmonic';
import { teleaFill } from './telea';
import { patchMatch } from './patchmatch';
import { ganInpaint, type GanModel, type GanParams } from './gan';

export { InpaintError } from './errors';

export type EngineId = 'patchmatch' | 'telea' | 'harmonic' | 'gan-zopt';

export interface EngineInfo { id: EngineId; label: string; description: string }

const ENGINES: EngineInfo[] = [
  { id: 'patchmatch', label: 'PatchMatch', description: 'Exemplar fill from similar patches of the photo (multi-scale PatchMatch EM). Best for removing objects from ordinary photos.' },
  { id: 'telea', label: 'Fast marching', description: 'Telea fast-marching fill. Fast; best for thin scratches, dust and small spots.' },
  { id: 'harmonic', label: 'Smooth (harmonic)', description: 'Smooth membrane fill from the hole boundary. Baseline for small holes in flat areas.' },
  { id: 'gan-zopt', label: 'Semantic (GAN)', description: "Fills the hole with what a trained GAN model believes belongs there (latent optimisation, Yeh et al.), Poisson-blended. Needs a model of the photo's domain; slow on CPU." },
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
}

/** Engine settings a caller may tune (the bench reproduces the pre-issue-12 engine with them). */
export interface PatchMatchTuning {
  patchSize?: number;
  levels?: number;
  iterations?: number;
  voteSize?: number;
  finalVoteSize?: number;
  /** weight of the texture features (local mean |∇| of luma) in the patch distance; 0 = colour only */
  textureWeight?: number;
  /** first estimate of the hole at the coarsest level */
  coarseInit?: 'onion' | 'membrane';
  /** finest level: each pixel from its best-matching patch ('best') or a weighted vote */
  reconstruction?: 'best' | 'vote';
  /** context searched around a hole, as a multiple of the hole's extent */
  searchMargin?: number;
  /** sources whose patch comes within this many px of the hole (full resolution) are not used */
  halo?: number;
}

/** holes: the number of connected holes filled. */
export interface InpaintResult { image: ImageBuffer; engine: EngineId; holes: number }

/** Crops bigger than this many pixels are filled at a reduced resolution by PatchMatch. */
const PATCHMATCH_MAX_CROP = 2_500_000;

/** A hole is "thin or small" when it is tiny or about 5 px wide or less. */
function isThinOrSmall(c: Component): boolean {
  return c.area <= 150 || c.area <= 2.5 * c.boundary;
}

export function chooseEngine(components: Component[]): EngineId {
  return components.every(isThinOrSmall) ? 'telea' : 'patchmatch';
}

function marginFor(engine: EngineId, c: Component, patchSize: number): number {
  if (engine === 'telea') return 7;
  if (engine === 'harmonic') return 2;
  const ext = Math.max(c.rect.x1 - c.rect.x0 + 1, c.rect.y1 - c.rect.y0 + 1);
  return Math.max(4 * patchSize, Math.round(0.75 * ext));
}

interface Fill { values: Float32Array; source: Int32Array | null }

function fillCrop(engine: EngineId, crop: Crop, options: InpaintOptions, onProgress: (f: number) => void): Fill {
  const { w, h, C, data, hole } = crop;
  const signal = options.signal;
  if (engine === 'harmonic') return { values: harmonicFill(data, w, h, C, hole, { signal, onProgress }), source: null };
  if (engine === 'telea') return { values: teleaFill(data, w, h, C, hole, { signal, onProgress }), source: null };
  const pm = { ...options.patchmatch, seed: options.seed ?? 1, signal, onProgress };
  if (w * h <= PATCHMATCH_MAX_CROP) {
    const r = patchMatch(data, w, h, C, hole, pm);
    return { values: r.fill, source: r.source };
  }
  // very large crop: fill at reduced resolution, upsample the fill (the blend then fixes seams)
  const k = Math.ceil(Math.sqrt((w * h) / PATCHMATCH_MAX_CROP));
  const small = downscaleCrop(crop, k);
  const smallFill = patchMatch(small.data, small.w, small.h, C, small.hole, pm).fill;
  return { values: upsampleInto(crop, small, smallFill, k), source: null };
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
  if (requested === 'gan-zopt') {
    const { model, ...params } = options.gan ?? {};
    if (!model) throw new InpaintError('NO_MODEL', "inpaint: engine 'gan-zopt' needs a model (options.gan.model)");
    const r = await ganInpaint(image, mask, { ...params, model, blend, seed: options.seed, signal, onProgress: (f, m) => options.onProgress?.(f, m ?? 'gan-zopt') });
    return { image: r.image, engine: 'gan-zopt', holes: r.holes };
  }
  const { width, height, channels } = image;
  const components = labelComponents(mask.data, width, height);
  const engine: EngineId = requested === 'auto' ? chooseEngine(components) : requested;
  const patchSize = options.patchmatch?.patchSize ?? 7;
  const rects = planCrops(components, width, height, (c) => marginFor(engine, c, patchSize));
  const out = new Uint8Array(image.data);
  let done = 0;
  for (const rect of rects) {
    throwIfAborted(signal);
    const crop = extractCrop(image, mask.data, rect);
    const share = crop.holes / holes;
    const base = done;
    const report = (f: number): void => options.onProgress?.(Math.min(1, base + share * 0.9 * f), engine);
    const filled = fillCrop(engine, crop, options, report);
    throwIfAborted(signal);
    const final = blend === 'off' ? filled.values : blendFillPlanes(crop.w, crop.h, crop.C, crop.data, filled.values, crop.hole, { mode: blend, signal, source: filled.source });
    pasteHoles(out, width, channels, crop, final);
    done += share;
    options.onProgress?.(Math.min(1, done), engine);
    // let other work (and abort handlers) run between regions
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throwIfAborted(signal);
  return { image: { width, height, channels, data: out }, engine, holes: components.length };
}
