// The exemplar (PatchMatch) fill of one crop, as object removal runs it (issue 12): PatchMatch,
// the Poisson blend, the hedged shading and the detail matching. Its own module because two
// engines use it: `inpaint()` for the patchmatch engine, and the GAN engine's texture refinement
// (gan/engine.ts), which then shares the fill's shading with the GAN's.

import { blendFillPlanes } from '../blend/poisson';
import { cutBox, downscaleAllowed, downscaleCrop, holeBox, upsampleBySource, wholeCrop, type Crop, type Rect } from './regions';
import { patchMatch, type PatchMatchOptions } from './patchmatch';
import { hedgeShading } from './shading';
import { matchDetail } from './detail';

/**
 * Context searched around a hole by PatchMatch, as a multiple of the hole's extent. Measured on the
 * 74 real-photo holes of bench/inpaint/objects: 0.5 scored as 0.75 (16.53 / 17.55 dB against
 * 16.54 / 17.53, texture 0.55 against 0.54, seam 6.71 against 6.67) in 20 % less time; 1.0 was no
 * better than 0.75 and slower.
 */
export const SEARCH_MARGIN = 0.5;
/** The context (px) the exemplar fill searches on each side of a hole `ext` px across. */
export function exemplarMargin(ext: number, tuning?: { patchSize?: number; searchMargin?: number }): number {
  return Math.max(4 * (tuning?.patchSize ?? 7), Math.round((tuning?.searchMargin ?? SEARCH_MARGIN) * ext));
}

/** Crops bigger than this many pixels are filled at a reduced resolution by PatchMatch. */
const PATCHMATCH_MAX_CROP = 2_500_000;

/**
 * A fill: values over `box` (crop coordinates; the whole crop for most engines, just the holes'
 * box for the big-crop path) and, for exemplar fills, per box pixel the crop pixel it came from.
 */
export interface Fill { values: Float32Array; source: Int32Array | null; box: Rect }

export interface ExemplarOptions {
  /** PatchMatch's own settings (seed, signal, tuning, source area, progress) */
  patchMatch: PatchMatchOptions;
  blend: 'off' | 'normal' | 'mixed';
  /** pull the fill's shading halfway toward the membrane (shading.ts); the caller turns it off with a source area */
  hedgeShading: boolean;
  /** bring the fill's fine detail up to its surroundings' energy (detail.ts) */
  matchDetail: boolean;
}

/** PatchMatch over the crop; a very large crop is matched at reduced resolution. */
function patchMatchCrop(crop: Crop, pm: PatchMatchOptions): Fill {
  const { w, h, C, data, hole } = crop;
  const box = wholeCrop(crop);
  if (w * h <= PATCHMATCH_MAX_CROP) {
    const r = patchMatch(data, w, h, C, hole, pm);
    return { values: r.fill, source: r.source, box };
  }
  // very large crop: match at reduced resolution, then copy full-resolution pixels from where the
  // coarse ones came from (sharp; the blend then fixes the seams)
  const k = Math.ceil(Math.sqrt((w * h) / PATCHMATCH_MAX_CROP));
  const small = downscaleCrop(crop, k);
  const smallAllowed = pm.allowed ? downscaleAllowed(pm.allowed, w, h, k) : undefined;
  const r = patchMatch(small.data, small.w, small.h, C, small.hole, { ...pm, halo: Math.ceil((pm.halo ?? 0) / k), allowed: smallAllowed });
  const hb = holeBox(crop);
  return { ...upsampleBySource(crop, hb, small, r.fill, r.source, k), box: hb };
}

/**
 * Poisson-blends the fill over the crop's holes, solving only on the holes' box: the search crop
 * around a big hole is several times larger, and the solver's arrays follow the box it is given.
 * The fill's sources stay indices into the whole crop. Returns values over the hole box.
 */
export function blendAroundHoles(crop: Crop, fill: Fill, mode: 'normal' | 'mixed', signal: AbortSignal | undefined): { values: Float32Array; box: Rect } {
  const { w, C } = crop;
  const box = holeBox(crop);
  const bw = box.x1 - box.x0 + 1, bh = box.y1 - box.y0 + 1;
  const whole = wholeCrop(crop);
  const values = cutBox(fill.values, fill.box, box, C);
  const source = fill.source && cutBox(fill.source, fill.box, box, 1);
  const sourcePhoto = { data: crop.data, width: w, height: crop.h, hole: crop.hole };
  const blended = blendFillPlanes(bw, bh, C, cutBox(crop.data, whole, box, C), values, cutBox(crop.hole, whole, box, 1), { mode, signal, source, sourcePhoto });
  return { values: blended, box };
}

/** The fill over `fill.box` with its shading pulled toward the membrane (shading.ts). */
function hedgeCropShading(crop: Crop, fill: { values: Float32Array; box: Rect }, signal: AbortSignal | undefined): Float32Array {
  const { box } = fill;
  const whole = wholeCrop(crop);
  const bw = box.x1 - box.x0 + 1, bh = box.y1 - box.y0 + 1;
  return hedgeShading(fill.values, cutBox(crop.data, whole, box, crop.C), bw, bh, crop.C, cutBox(crop.hole, whole, box, 1), signal);
}

/** The finished exemplar fill of the crop's holes: values over the returned box (crop coordinates). */
export function exemplarFill(crop: Crop, o: ExemplarOptions): { values: Float32Array; box: Rect } {
  const signal = o.patchMatch.signal;
  const filled = patchMatchCrop(crop, o.patchMatch);
  let final = o.blend === 'off' ? filled : blendAroundHoles(crop, filled, o.blend, signal);
  if (o.hedgeShading) final = { values: hedgeCropShading(crop, final, signal), box: final.box };
  if (o.matchDetail) final = { values: matchDetail(final.values, final.box, crop), box: final.box };
  return final;
}
