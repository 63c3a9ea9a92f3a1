// Texture features for the patch distance (Newson et al. 2014, "Video inpainting of complex
// scenes", §4.2): the local mean of |∂x Y| and |∂y Y| (Y = luma) appended to every pixel as two
// extra channels. Without them a smooth patch of about the right mean colour beats a textured one,
// and the EM fill converges to a smear; with them grass matches grass and sky matches sky.

import { alloc } from '../parallel/shared';

/** Number of channels appendTextureFeatures adds. */
export const TEXTURE_CHANNELS = 2;

/** Box radius of the gradient averaging at full resolution (a 5×5 window). */
const WINDOW_RADIUS = 2;

/**
 * Returns interleaved planes with C + 2 channels: the input's C, then weight × the windowed mean
 * of |∂x Y| and |∂y Y|. Gradients touching a hole pixel are left out of the means (the hole holds
 * the object being removed), so hole pixels get features from their known surroundings only; the
 * engine re-estimates them anyway. `shared`: in shared memory, for the kernel worker.
 */
export function appendTextureFeatures(data: Float32Array, w: number, h: number, C: number, hole: Uint8Array, weight: number, shared = false): Float32Array {
  const R = WINDOW_RADIUS;
  const C2 = C + TEXTURE_CHANNELS;
  const out = alloc(Float32Array, w * h * C2, shared);
  if (C === 3) for (let p = 0, i = 0, j = 0; p < w * h; p++, i += 3, j += 5) { out[j] = data[i]; out[j + 1] = data[i + 1]; out[j + 2] = data[i + 2]; }
  else for (let p = 0; p < w * h; p++) for (let c = 0; c < C; c++) out[p * C2 + c] = data[p * C + c];
  // Only row-sized buffers (a 12 MP crop would otherwise allocate ~0.3 GB of temporaries): the
  // window's rows are kept in a ring, their column sums slide down the image.
  const luma = (y: number, dst: Float32Array): void => {
    for (let x = 0, i = y * w * C; x < w; x++, i += C) dst[x] = C >= 3 ? 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2] : data[i];
  };
  const cur = new Float32Array(w), next = new Float32Array(w);
  const gx = new Float32Array(w), gy = new Float32Array(w);
  const ring = 2 * R + 2;
  // per ring slot: row sums of |∂x|, |∂y| and how many of each were known (4 × w)
  const sums = Array.from({ length: ring }, () => new Float32Array(4 * w));
  /** The window-summed gradients of row y into its ring slot. */
  const rowSums = (y: number): void => {
    const dst = sums[y % ring];
    luma(y, cur);
    if (y + 1 < h) luma(y + 1, next);
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const p = row + x;
      gx[x] = !hole[p] && x + 1 < w && !hole[p + 1] ? Math.abs(cur[x + 1] - cur[x]) : -1;
      gy[x] = !hole[p] && y + 1 < h && !hole[p + w] ? Math.abs(next[x] - cur[x]) : -1;
    }
    let vx = 0, vy = 0, kx = 0, ky = 0;
    for (let x = -R; x < w; x++) {
      const a = x + R, b = x - R - 1; // entering and leaving the window centred at x
      if (a < w) { if (gx[a] >= 0) { vx += gx[a]; kx++; } if (gy[a] >= 0) { vy += gy[a]; ky++; } }
      if (b >= 0) { if (gx[b] >= 0) { vx -= gx[b]; kx--; } if (gy[b] >= 0) { vy -= gy[b]; ky--; } }
      if (x >= 0) { dst[x] = vx; dst[w + x] = vy; dst[2 * w + x] = kx; dst[3 * w + x] = ky; }
    }
  };
  const col = new Float64Array(4 * w);
  const addRow = (y: number, sign: number): void => {
    const src = sums[y % ring];
    for (let i = 0; i < 4 * w; i++) col[i] += sign * src[i];
  };
  for (let y = 0; y <= Math.min(R, h - 1); y++) { rowSums(y); addRow(y, 1); }
  for (let y = 0; y < h; y++) {
    for (let x = 0, o = y * w * C2 + C; x < w; x++, o += C2) {
      const kx = col[2 * w + x], ky = col[3 * w + x];
      out[o] = kx > 0.5 ? (weight * col[x]) / kx : 0;
      out[o + 1] = ky > 0.5 ? (weight * col[w + x]) / ky : 0;
    }
    if (y - R >= 0) addRow(y - R, -1);
    if (y + R + 1 < h) { rowSums(y + R + 1); addRow(y + R + 1, 1); }
  }
  return out;
}

/**
 * The first C channels of planes with the feature channels appended, packed in place at the
 * start of the same buffer (a view of it is returned; `withFeatures` is spent): a fresh
 * full-crop buffer cost more in page faults than the copy itself.
 */
export function holeColours(withFeatures: Float32Array, C: number): Float32Array {
  const C2 = C + TEXTURE_CHANNELS;
  const n = withFeatures.length / C2;
  // forward: pixel p's destination never overtakes a source not yet read
  for (let p = 1; p < n; p++) for (let c = 0; c < C; c++) withFeatures[p * C + c] = withFeatures[p * C2 + c];
  return withFeatures.subarray(0, n * C);
}
