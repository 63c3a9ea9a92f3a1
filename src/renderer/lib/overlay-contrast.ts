// Automatic mask overlay colour (issue 15.11): a red overlay vanishes on a red object, so the
// overlay takes the palette colour farthest from the colours under the mask (or, with no mask yet,
// from the photo's centre, where objects usually are). The user's own pick always wins.
import type { MaskBuffer } from './mask-ops';
import type { WorkingImage } from './region';

export const DEFAULT_OVERLAY = '#ff4060';
/** Saturated colours rare in photos, distinct from the source-area green and blue tints. */
export const OVERLAY_PALETTE = [DEFAULT_OVERLAY, '#00e5ff', '#ffe000', '#c040ff'] as const;
/** The default stays unless a palette colour is this much (RGB distance) more distinct. */
const KEEP_DEFAULT_MARGIN = 60;

function rgb(hex: string): [number, number, number] {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Mean RGB distance from `colour` to the sampled pixels (larger = the overlay stands out more). */
function meanDistance(colour: [number, number, number], samples: number[]): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i += 3) sum += Math.hypot(samples[i]! - colour[0], samples[i + 1]! - colour[1], samples[i + 2]! - colour[2]);
  return samples.length ? sum / (samples.length / 3) : 0;
}

/** RGB samples of the working image under the mask (up to ~4000), or from the central half without one. */
export function samplesUnderMask(img: WorkingImage, mask: MaskBuffer | null): number[] {
  const out: number[] = [];
  const step = Math.max(1, Math.floor(Math.sqrt((img.width * img.height) / 16000)));
  for (let y = 0; y < img.height; y += step) {
    for (let x = 0; x < img.width; x += step) {
      const inside = mask
        ? mask.data[Math.floor((y * mask.height) / img.height) * mask.width + Math.floor((x * mask.width) / img.width)]! > 0
        : x > img.width / 4 && x < (3 * img.width) / 4 && y > img.height / 4 && y < (3 * img.height) / 4;
      if (!inside) continue;
      const o = (y * img.width + x) * 4;
      out.push(img.data[o]!, img.data[o + 1]!, img.data[o + 2]!);
    }
  }
  return out;
}

export function contrastingOverlay(samples: number[]): string {
  if (samples.length === 0) return DEFAULT_OVERLAY;
  const scores = OVERLAY_PALETTE.map((c) => meanDistance(rgb(c), samples));
  const best = scores.indexOf(Math.max(...scores));
  return scores[best]! - scores[0]! > KEEP_DEFAULT_MARGIN ? OVERLAY_PALETTE[best]! : DEFAULT_OVERLAY;
}
