// Hedged shading for exemplar fills (issue 12). PatchMatch copies whole pieces of the photo into
// the hole; where it picked the wrong piece, the error is mostly large-scale colour and shading
// (a blob of the wrong region, blocky borders between copied pieces), while the fine texture it
// copied is what makes the fill look real. So the fill's low frequencies are pulled halfway toward
// the membrane (the smoothest interpolation of the hole's border) and its fine detail is kept.
//
// Measured on bench/inpaint/objects (74 real-photo object holes, BENCHMARKS.md): masked PSNR
// 15.84 → 16.54 dB median (cv2 TELEA 16.22), texture ratio 0.56 → 0.54, seam 6.58 → 6.67; looked
// at, wrong-colour blobs fade and the patchwork borders soften, while grain and edges stay sharp.
// Pulling all the way (the membrane's shading only) scored lower than halfway, a wider low-pass
// (σ 4–8 px) lower than σ 2, and cv2 TELEA in the membrane's place drew its radial streaks in.
// Not used when the user gave a source area (the membrane draws on every border colour, the
// excluded ones included), nor with patchmatch.hedgeShading false (the bench's "before" engine).

import { membrane } from './harmonic';
import { BLEND_TOLERANCE } from '../blend/poisson';

/** Width (px) of the Gaussian that separates shading from detail. */
export const SHADING_SIGMA = 2;
/** How far the shading moves toward the membrane (0 = exemplar only, 1 = membrane only). */
export const SHADING_PULL = 0.5;

/**
 * Returns `fill` (w×h, C interleaved channels) with its hole pixels' shading pulled toward the
 * membrane over `hole`, whose border values come from `known` (the photo over the same box).
 * Pixels outside the hole are returned unchanged.
 */
export function hedgeShading(fill: Float32Array, known: Float32Array, w: number, h: number, C: number, hole: Uint8Array, signal?: AbortSignal): Float32Array {
  return pullShading(fill, membraneOver(known, fill, w, h, C, hole, signal), w, h, C, hole, SHADING_PULL);
}

/**
 * Returns `fill` with its hole pixels' shading (σ SHADING_SIGMA) moved `pull` of the way toward
 * `target`'s (both w×h×C); fine detail and pixels outside the hole are kept.
 */
export function pullShading(fill: Float32Array, target: Float32Array, w: number, h: number, C: number, hole: Uint8Array, pull: number): Float32Array {
  const diff = new Float32Array(w * h * C);
  for (let p = 0; p < w * h; p++) if (hole[p]) for (let c = 0; c < C; c++) diff[p * C + c] = target[p * C + c] - fill[p * C + c];
  const low = blurInHole(diff, w, h, C, hole, SHADING_SIGMA);
  const out = Float32Array.from(fill);
  for (let p = 0; p < w * h; p++) if (hole[p]) for (let c = 0; c < C; c++) out[p * C + c] += pull * low[p * C + c];
  return out;
}

/**
 * Holes with more pixels than this get their membrane on a grid coarse enough to hold about this
 * many: a full-resolution solve cost as much as the blend again (1.8 s at 12 MP with a 5 % hole),
 * and only the membrane's shading is used, which is smooth away from the border.
 */
const MEMBRANE_MAX_CELLS = 40_000; // bench: 16.54 dB, seam 6.67 (all holes at full resolution: 16.61, 6.55)

/** The membrane over `hole` (w×h×C), solved from `fill` to the blend's tolerance (it is halved and blurred anyway). */
function membraneOver(known: Float32Array, fill: Float32Array, w: number, h: number, C: number, hole: Uint8Array, signal?: AbortSignal): Float32Array {
  let n = 0;
  for (let p = 0; p < w * h; p++) n += hole[p];
  const k = Math.ceil(Math.sqrt(n / MEMBRANE_MAX_CELLS));
  const cw = Math.ceil(w / k), ch = Math.ceil(h / k);
  if (k <= 1 || cw < 2 || ch < 2) return membrane(known, w, h, C, hole, fill, BLEND_TOLERANCE, signal);
  // k×k cells: a cell holding any hole pixel is hole; the others average their pixels
  const cKnown = new Float32Array(cw * ch * C), cFill = new Float32Array(cw * ch * C), count = new Float32Array(cw * ch);
  const cHole = new Uint8Array(cw * ch);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = y * w + x, q = ((y / k) | 0) * cw + ((x / k) | 0);
    if (hole[p]) cHole[q] = 1;
    count[q]++;
    for (let c = 0; c < C; c++) { cKnown[q * C + c] += known[p * C + c]; cFill[q * C + c] += fill[p * C + c]; }
  }
  for (let q = 0; q < cw * ch; q++) for (let c = 0; c < C; c++) { cKnown[q * C + c] /= count[q]; cFill[q * C + c] /= count[q]; }
  const coarse = membrane(cKnown, cw, ch, C, cHole, cFill, BLEND_TOLERANCE, signal);
  // bilinear back to full resolution at the hole's pixels (cell centres at (i + 0.5)·k)
  const out = Float32Array.from(known);
  for (let y = 0; y < h; y++) {
    const fy = Math.min(ch - 1, Math.max(0, (y + 0.5) / k - 0.5)), y0 = Math.min(ch - 2, fy | 0), ty = fy - y0;
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      if (!hole[p]) continue;
      const fx = Math.min(cw - 1, Math.max(0, (x + 0.5) / k - 0.5)), x0 = Math.min(cw - 2, fx | 0), tx = fx - x0;
      const a = y0 * cw + x0;
      for (let c = 0; c < C; c++) {
        const top = coarse[a * C + c] * (1 - tx) + coarse[(a + 1) * C + c] * tx;
        const bottom = coarse[(a + cw) * C + c] * (1 - tx) + coarse[(a + cw + 1) * C + c] * tx;
        out[p * C + c] = top * (1 - ty) + bottom * ty;
      }
    }
  }
  return out;
}

/**
 * Gaussian blur (radius 3σ) of interleaved planes that are zero outside `hole` (zero beyond the
 * array too), evaluated at the hole's pixels only: rows are blurred only within 3σ of a hole pixel.
 */
function blurInHole(src: Float32Array, w: number, h: number, C: number, hole: Uint8Array, sigma: number): Float32Array {
  const R = Math.ceil(3 * sigma);
  const k = new Float32Array(2 * R + 1);
  let sum = 0;
  for (let i = -R; i <= R; i++) sum += k[i + R] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  // horizontal pass, on each row's hole span widened by R (the rest of the row is zero)
  const rows = new Float32Array(src.length);
  for (let y = 0; y < h; y++) {
    let x0 = w, x1 = -1;
    for (let x = 0; x < w; x++) if (hole[y * w + x]) { if (x < x0) x0 = x; x1 = x; }
    for (let x = Math.max(0, x0 - R); x <= Math.min(w - 1, x1 + R); x++) {
      const i0 = Math.max(-R, -x), i1 = Math.min(R, w - 1 - x);
      for (let c = 0; c < C; c++) {
        let a = 0;
        for (let i = i0; i <= i1; i++) a += k[i + R] * src[(y * w + x + i) * C + c];
        rows[(y * w + x) * C + c] = a;
      }
    }
  }
  // vertical pass, at hole pixels only
  const out = new Float32Array(src.length);
  for (let p = 0; p < w * h; p++) {
    if (!hole[p]) continue;
    const x = p % w, y = (p - x) / w;
    const i0 = Math.max(-R, -y), i1 = Math.min(R, h - 1 - y);
    for (let c = 0; c < C; c++) {
      let a = 0;
      for (let i = i0; i <= i1; i++) a += k[i + R] * rows[((y + i) * w + x) * C + c];
      out[p * C + c] = a;
    }
  }
  return out;
}
