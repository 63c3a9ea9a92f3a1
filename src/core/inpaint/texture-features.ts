// Texture features for the patch distance (Newson et al. 2014, "Video inpainting of complex
// scenes", §4.2): the local mean of |∂x Y| and |∂y Y| (Y = luma) appended to every pixel as two
// extra channels. Without them a smooth patch of about the right mean colour beats a textured one,
// and the EM fill converges to a smear; with them grass matches grass and sky matches sky.

/** Number of channels appendTextureFeatures adds. */
export const TEXTURE_CHANNELS = 2;

/** Box radius of the gradient averaging at full resolution (a 5×5 window). */
const WINDOW_RADIUS = 2;

/**
 * Returns interleaved planes with C + 2 channels: the input's C, then weight × the windowed mean
 * of |∂x Y| and |∂y Y|. Gradients touching a hole pixel are left out of the means (the hole holds
 * the object being removed), so hole pixels get features from their known surroundings only; the
 * engine re-estimates them anyway.
 */
export function appendTextureFeatures(data: Float32Array, w: number, h: number, C: number, hole: Uint8Array, weight: number): Float32Array {
  const n = w * h;
  const luma = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    luma[p] = C >= 3 ? 0.299 * data[p * C] + 0.587 * data[p * C + 1] + 0.114 * data[p * C + 2] : data[p * C];
  }
  // |forward differences| where both ends are known; counts say how many samples each mean has
  const gx = new Float32Array(n), gy = new Float32Array(n), okx = new Float32Array(n), oky = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      if (hole[p]) continue;
      if (x + 1 < w && !hole[p + 1]) { gx[p] = Math.abs(luma[p + 1] - luma[p]); okx[p] = 1; }
      if (y + 1 < h && !hole[p + w]) { gy[p] = Math.abs(luma[p + w] - luma[p]); oky[p] = 1; }
    }
  }
  const mx = boxMean(gx, okx, w, h, WINDOW_RADIUS);
  const my = boxMean(gy, oky, w, h, WINDOW_RADIUS);
  const C2 = C + TEXTURE_CHANNELS;
  const out = new Float32Array(n * C2);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < C; c++) out[p * C2 + c] = data[p * C + c];
    out[p * C2 + C] = weight * mx[p];
    out[p * C2 + C + 1] = weight * my[p];
  }
  return out;
}

/** Drops the feature channels again: C + 2 interleaved channels → C. */
export function stripTextureFeatures(data: Float32Array, n: number, C: number): Float32Array {
  const C2 = C + TEXTURE_CHANNELS;
  const out = new Float32Array(n * C);
  for (let p = 0; p < n; p++) for (let c = 0; c < C; c++) out[p * C + c] = data[p * C2 + c];
  return out;
}

/** Σ values / Σ counts over a (2R+1)² box (separable running sums, clipped at the borders). */
function boxMean(values: Float32Array, counts: Float32Array, w: number, h: number, R: number): Float32Array {
  const sv = boxSum(values, w, h, R);
  const sc = boxSum(counts, w, h, R);
  for (let p = 0; p < w * h; p++) sv[p] = sc[p] > 0 ? sv[p] / sc[p] : 0;
  return sv;
}

function boxSum(a: Float32Array, w: number, h: number, R: number): Float32Array {
  const tmp = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let s = 0;
    for (let x = 0; x <= Math.min(R, w - 1); x++) s += a[row + x];
    for (let x = 0; x < w; x++) {
      tmp[row + x] = s;
      if (x + R + 1 < w) s += a[row + x + R + 1];
      if (x - R >= 0) s -= a[row + x - R];
    }
  }
  const out = new Float32Array(w * h);
  for (let x = 0; x < w; x++) {
    let s = 0;
    for (let y = 0; y <= Math.min(R, h - 1); y++) s += tmp[y * w + x];
    for (let y = 0; y < h; y++) {
      out[y * w + x] = s;
      if (y + R + 1 < h) s += tmp[(y + R + 1) * w + x];
      if (y - R >= 0) s -= tmp[(y - R) * w + x];
    }
  }
  return out;
}
