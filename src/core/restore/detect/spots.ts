// Dust and spots: small compact blobs that contrast with their surroundings. The contrast is the
// top-hat response (the blob against the opening/closing of its neighbourhood), so a spot on a
// gradient or an edge is measured against its local background, not against a global level.
import { majorLength, type Blob } from './morph';

export interface SpotParams {
  minArea: number;
  maxArea: number;
  /** longest extent of a spot, px */
  maxLength: number;
  /** minimum peak response (grey levels) inside the blob */
  minPeak: number;
  /** minimum mean response over the blob, as a fraction of its peak */
  minFill: number;
}

export function isSpot(b: Blob, resp: Uint8Array, p: SpotParams): boolean {
  const area = b.pixels.length;
  if (area < p.minArea || area > p.maxArea) return false;
  if (majorLength(b) > p.maxLength) return false;
  let peak = 0;
  let sum = 0;
  for (let i = 0; i < area; i++) {
    const v = resp[b.pixels[i]];
    sum += v;
    if (v > peak) peak = v;
  }
  if (peak < p.minPeak) return false;
  // a solid blob, not a ring or a ragged texture fragment
  return sum / area >= p.minFill * peak;
}
