// Yeh et al.'s importance weighting for the contextual loss: a known pixel counts in proportion to
// how many unknown pixels surround it, so context next to the hole matters most.

/**
 * W[p] = (number of unknown pixels in the size×size neighbourhood of p) / size² for a known pixel
 * p, 0 for an unknown one. Neighbours outside the image count as known (Yeh's SAME-padded
 * convolution with a box kernel of ones / size²). `unknown`: non-zero = hole.
 */
export function importanceWeights(unknown: Uint8Array, w: number, h: number, size = 7): Float32Array {
  if (size < 1 || size % 2 === 0) throw new Error(`importanceWeights: size must be odd and positive (got ${size})`);
  const r = (size - 1) >> 1;
  // summed-area table of unknown pixels
  const S = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += unknown[y * w + x] ? 1 : 0;
      S[(y + 1) * (w + 1) + x + 1] = S[y * (w + 1) + x + 1] + row;
    }
  }
  const out = new Float32Array(w * h);
  const area = size * size;
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r), y1 = Math.min(h - 1, y + r);
    for (let x = 0; x < w; x++) {
      if (unknown[y * w + x]) continue;
      const x0 = Math.max(0, x - r), x1 = Math.min(w - 1, x + r);
      const n = S[(y1 + 1) * (w + 1) + x1 + 1] - S[y0 * (w + 1) + x1 + 1] - S[(y1 + 1) * (w + 1) + x0] + S[y0 * (w + 1) + x0];
      out[y * w + x] = n / area;
    }
  }
  return out;
}

export type ContextLoss = 'weighted-l1' | 'weighted-l2' | 'l1' | 'l2';
export const CONTEXT_LOSSES: readonly ContextLoss[] = ['weighted-l1', 'weighted-l2', 'l1', 'l2'];

/** The per-pixel weights the contextual loss uses: importance weights, or the plain known mask. */
export function contextWeights(unknown: Uint8Array, w: number, h: number, loss: ContextLoss): Float32Array {
  if (loss === 'weighted-l1' || loss === 'weighted-l2') return importanceWeights(unknown, w, h);
  return Float32Array.from(unknown, (u) => (u ? 0 : 1));
}
