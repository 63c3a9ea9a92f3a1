// The instant preview of a GAN fill (issue 17): E's start G(E(x)), blended into its window at a
// reduced size — the GAN paints 64 px, so a 256-px preview loses nothing of the fill, and blending
// there takes milliseconds where the full window (up to ~900 px on a 2000-px photo) took 200–460
// ms. RGBA, opaque only in and just around the hole: drawn stretched over the window, it covers the
// hole and leaves the photo's own pixels around it as they are shown.
import type { ImageBuffer } from '../../image/types';
import type { Crop } from '../regions';

/** Longest side a preview is blended and sent at. */
export const PREVIEW_SIDE = 256;

/** The window box-averaged to s×s; a small pixel is hole when any pixel it covers is. */
export function shrinkCrop(crop: Crop, s: number): Crop {
  const { w, h, C } = crop;
  const data = new Float32Array(s * s * C);
  const hole = new Uint8Array(s * s);
  const acc = new Float64Array(C);
  let holes = 0;
  for (let j = 0; j < s; j++) {
    const y0 = Math.floor((j * h) / s), y1 = Math.max(y0 + 1, Math.floor(((j + 1) * h) / s));
    for (let i = 0; i < s; i++) {
      const x0 = Math.floor((i * w) / s), x1 = Math.max(x0 + 1, Math.floor(((i + 1) * w) / s));
      acc.fill(0);
      let n = 0, inHole = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
        const p = y * w + x;
        inHole |= crop.hole[p];
        for (let c = 0; c < C; c++) acc[c] += crop.data[p * C + c];
        n++;
      }
      const q = j * s + i;
      for (let c = 0; c < C; c++) data[q * C + c] = acc[c] / n;
      if (inHole) { hole[q] = 1; holes++; }
    }
  }
  return { rect: crop.rect, w: s, h: s, C, data, hole, holes };
}

/**
 * RGBA: `values` in the hole and a 1-px ring around it (the window's own pixels there), opaque;
 * transparent elsewhere. The ring keeps the stretched image's soft edge off the hole, so the mask's
 * tint does not show through around the preview.
 */
export function previewRgba(crop: Crop, values: Float32Array): ImageBuffer {
  const { w, h, C, hole } = crop;
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let near = 0;
    for (let dy = -1; dy <= 1 && !near; dy++) for (let dx = -1; dx <= 1; dx++) {
      const yy = y + dy, xx = x + dx;
      if (yy >= 0 && yy < h && xx >= 0 && xx < w && hole[yy * w + xx]) { near = 1; break; }
    }
    if (!near) continue;
    const p = y * w + x;
    const src = hole[p] ? values : crop.data;
    for (let c = 0; c < 3; c++) {
      const v = src[p * C + (C >= 3 ? c : 0)];
      data[p * 4 + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
    data[p * 4 + 3] = 255;
  }
  return { width: w, height: h, channels: 4, data };
}
