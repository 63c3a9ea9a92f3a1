// Is a flagged mark a lit rim rather than a scratch? The bright arc along a camera dial, the sheen on
// a rail or a window frame is a thin bright line that the U-Net takes for a scratch, and the
// look-alike rule (lookalikes.ts) cannot leave it alone: it has no twin. Its sides give it away. A
// scratch lies on top of the picture, so the picture goes on across it and the unflagged pixels on
// either side are alike. A rim is where two surfaces meet: along its length one side is dark and the
// other bright. So a bright mark whose surroundings split cleanly into two tones along most of its
// length is left to the photo. It runs on the final mask (after halo.ts), so a mark's own soft edge
// is not mistaken for a second tone; small marks are not judged (a speck on an edge has a step
// beside it too).
import type { ImageBuffer } from '../../image/types';
import { clearMarks, lumaAt, marksOf } from './morph';

/** Half-size, in working pixels, of the window around a mark pixel in which its sides are read. */
const R = 6;
/** Pixels within this many working pixels of the mask are not a side (soft edges, neighbours). */
const GAP = 1;
/** The two sides' mean tones differ by at least this many grey levels… */
const STEP_MIN = 30;
/** …and by this many times the spread of tone within each side (a step, not texture). */
const STEP_RATIO = 3;
/** A mark is a rim when this share of its pixels lies at such a step. */
const RIM_SHARE = 0.6;
/** Marks smaller than this many working pixels are not judged. */
const MIN_AREA = 100;
/** At most this many of a mark's pixels are read. */
const SAMPLES = 200;

/** Is `v` (sorted ascending) two tight groups of tone far apart (Otsu's split)? */
export function isStep(v: ArrayLike<number>, n = v.length): boolean {
  if (n < 8) return false;
  let total = 0;
  for (let i = 0; i < n; i++) total += v[i];
  let best = -1, cut = 0, below = 0;
  for (let i = 1; i < n; i++) {
    below += v[i - 1];
    const m1 = below / i, m2 = (total - below) / (n - i);
    const between = i * (n - i) * (m2 - m1) * (m2 - m1);
    if (between > best) { best = between; cut = i; }
  }
  let s1 = 0;
  for (let i = 0; i < cut; i++) s1 += v[i];
  const m1 = s1 / cut, m2 = (total - s1) / (n - cut);
  let within = 0;
  for (let i = 0; i < n; i++) within += (v[i] - (i < cut ? m1 : m2)) ** 2;
  const spread = Math.sqrt(within / n);
  return m2 - m1 >= STEP_MIN && m2 - m1 >= STEP_RATIO * spread;
}

/**
 * Clears from `mask` (255 = damage, full resolution; and from `wide` when given) every mark that is
 * a lit rim: brighter than its surroundings, at least MIN_AREA working pixels, and at a step between
 * two tones for RIM_SHARE of its (sampled) pixels. `scale` is full-resolution pixels per working
 * pixel (the U-Net's working scale), so the rule judges a print alike at any scan size. Returns the
 * number of marks cleared.
 */
export function clearLitRims(image: ImageBuffer, mask: Uint8Array, wide: Uint8Array | null, scale: number): number {
  const { width: W, height: H, channels: C, data } = image;
  const k = Math.max(1, scale);
  const reach = Math.round(R * k), gap = Math.round(GAP * k), step = Math.max(1, Math.round(k));
  const tones = new Float64Array((2 * reach + 1) * (2 * reach + 1));
  // "near the mask" tested on demand: any mask pixel within `gap`
  const nearMask = (x: number, y: number): boolean => {
    for (let yy = Math.max(0, y - gap); yy <= Math.min(H - 1, y + gap); yy++) {
      for (let xx = Math.max(0, x - gap); xx <= Math.min(W - 1, x + gap); xx++) if (mask[yy * W + xx]) return true;
    }
    return false;
  };
  let cleared = 0;
  // judged in scan order, each against the mask as the marks before it left it
  for (const pixels of marksOf(mask, W, H, MIN_AREA * k * k)) {
    const stride = Math.max(1, Math.floor(pixels.length / SAMPLES));
    let read = 0, steps = 0, markTone = 0, sideTone = 0, sides = 0;
    for (let i = 0; i < pixels.length; i += stride) {
      const p = pixels[i];
      const x = p % W, y = (p / W) | 0;
      markTone += lumaAt(data, p, C);
      let n = 0;
      for (let yy = Math.max(0, y - reach); yy <= Math.min(H - 1, y + reach); yy += step) {
        for (let xx = Math.max(0, x - reach); xx <= Math.min(W - 1, x + reach); xx += step) {
          if (!nearMask(xx, yy)) tones[n++] = lumaAt(data, yy * W + xx, C);
        }
      }
      for (let j = 0; j < n; j++) sideTone += tones[j];
      sides += n;
      read++;
      if (isStep(tones.subarray(0, n).sort(), n)) steps++;
    }
    const lit = sides > 0 && markTone / read > sideTone / sides;
    if (!lit || steps < RIM_SHARE * read) continue;
    clearMarks([pixels], mask, wide);
    cleared++;
  }
  return cleared;
}
