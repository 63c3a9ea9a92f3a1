// Is a flagged mark a piece of the photo rather than damage? Letters on a sign and the joints of a
// stone wall look like scratches up close, and the U-Net flags some of them. But the photo repeats
// them: the letters beside the flagged one, the other joints are look-alikes of the same tone,
// polarity and width that the detector left alone. Damage has no unflagged twins of its own tone and
// width all around it, so a mark whose look-alikes nearby cover more than LOOKALIKE_RATIO times its
// own area is left to the photo.
// Measured (bench/restore/learned/RESULTS.md, session 12): on the film-r pairs the U-Net's false
// alarms were letters (now left alone) and the lit rims of camera dials (not: a lit arc has no twin);
// on the real prints its flags were piles of paper and masonry joints.
import { dilateSquare, topHats } from './morph';

/** Look-alike area, relative to the mark's, beyond which the mark belongs to the photo. */
export const LOOKALIKE_RATIO = 1.5;
/** A look-alike's top-hat response is at least this share of the mark's. */
const RESPONSE_SHARE = 0.5;
/** …and its tone is within this share of the mark's contrast (+ TONE_SLACK grey levels) of the mark's. */
const TONE_SHARE = 0.35;
const TONE_SLACK = 4;
/** Marks fainter than this (median top-hat, grey levels) are not judged. */
const MIN_RESPONSE = 8;

export interface Plane {
  data: Uint8Array;
  width: number;
  height: number;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = values.slice().sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Chessboard distance of each mask pixel to the nearest non-mask pixel (outside the crop counts as non-mask). */
function chessboardDistance(mask: Uint8Array, w: number, h: number): Uint16Array {
  const d = new Uint16Array(w * h);
  const BIG = 65535;
  for (let i = 0; i < d.length; i++) d[i] = mask[i] ? BIG : 0;
  const at = (x: number, y: number): number => (x < 0 || y < 0 || x >= w || y >= h ? 0 : d[y * w + x]);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (d[i]) d[i] = Math.min(d[i], 1 + Math.min(at(x - 1, y), at(x - 1, y - 1), at(x, y - 1), at(x + 1, y - 1)));
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1; x >= 0; x--) {
      const i = y * w + x;
      if (d[i]) d[i] = Math.min(d[i], 1 + Math.min(at(x + 1, y), at(x + 1, y + 1), at(x, y + 1), at(x - 1, y + 1)));
    }
  }
  return d;
}

/** Keeps only pixels that lie in some 2×2 square of set pixels (isolated grain pixels go). */
function open2x2(m: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y + 1 < h; y++) {
    for (let x = 0; x + 1 < w; x++) {
      const i = y * w + x;
      if (m[i] && m[i + 1] && m[i + w] && m[i + w + 1]) out[i] = out[i + 1] = out[i + w] = out[i + w + 1] = 1;
    }
  }
  return out;
}

/**
 * True when the mark (`pixels`, indices into `luma`) has unflagged look-alikes nearby covering more
 * than LOOKALIKE_RATIO × its area. `flagged` (non-zero = flagged by the detector at any confidence)
 * has the size of `luma`.
 */
export function hasLookalikes(luma: Plane, pixels: ArrayLike<number>, flagged: Uint8Array): boolean {
  const { width: W, height: H } = luma;
  const area = pixels.length;
  if (area === 0) return false;
  let bx0 = W, by0 = H, bx1 = -1, by1 = -1;
  for (let k = 0; k < area; k++) {
    const x = pixels[k] % W, y = (pixels[k] / W) | 0;
    if (x < bx0) bx0 = x;
    if (x > bx1) bx1 = x;
    if (y < by0) by0 = y;
    if (y > by1) by1 = y;
  }
  // the mark's width, from its distance transform on its bounding box
  const bw = bx1 - bx0 + 1, bh = by1 - by0 + 1;
  const own = new Uint8Array(bw * bh);
  for (let k = 0; k < area; k++) own[(((pixels[k] / W) | 0) - by0) * bw + (pixels[k] % W) - bx0] = 1;
  const dist = chessboardDistance(own, bw, bh);
  const inner: number[] = [];
  for (let i = 0; i < own.length; i++) if (own[i]) inner.push(dist[i]);
  inner.sort((a, b) => a - b);
  const width = Math.max(1, 2 * inner[Math.min(inner.length - 1, Math.floor(0.9 * inner.length))]);
  const side = 2 * Math.round(width) + 3; // top-hat square: wider than the mark
  const reach = Math.max(4 * side, 32); // how far around the mark look-alikes count
  // the crop: the mark's box grown by `reach`
  const x0 = Math.max(0, bx0 - reach), y0 = Math.max(0, by0 - reach);
  const cw = Math.min(W, bx1 + reach + 1) - x0, ch = Math.min(H, by1 + reach + 1) - y0;
  const L = new Uint8Array(cw * ch), F = new Uint8Array(cw * ch), mark = new Uint8Array(cw * ch);
  for (let y = 0; y < ch; y++) {
    const row = (y0 + y) * W + x0;
    L.set(luma.data.subarray(row, row + cw), y * cw);
    for (let x = 0; x < cw; x++) F[y * cw + x] = flagged[row + x] ? 1 : 0;
  }
  for (let k = 0; k < area; k++) mark[(((pixels[k] / W) | 0) - y0) * cw + (pixels[k] % W) - x0] = 1;
  const near = dilateSquare(mark, cw, ch, (side - 1) >> 1);
  const local = dilateSquare(mark, cw, ch, reach);
  // polarity and contrast: the mark against its unflagged surroundings
  const markTone: number[] = [], ringTone: number[] = [];
  for (let i = 0; i < L.length; i++) {
    if (mark[i]) markTone.push(L[i]);
    else if (near[i] && !F[i]) ringTone.push(L[i]);
  }
  if (ringTone.length < 4) return false;
  const tone = median(markTone);
  const contrast = tone - median(ringTone);
  const hats = topHats(L, cw, ch, side);
  const hat = contrast >= 0 ? hats.bright : hats.dark;
  const markHat: number[] = [];
  for (let i = 0; i < L.length; i++) if (mark[i]) markHat.push(hat[i]);
  const response = median(markHat);
  if (response < MIN_RESPONSE) return false;
  const alike = new Uint8Array(cw * ch);
  const toneTol = TONE_SHARE * Math.abs(contrast) + TONE_SLACK;
  for (let i = 0; i < L.length; i++) {
    if (local[i] && !near[i] && !F[i] && hat[i] >= RESPONSE_SHARE * response && Math.abs(L[i] - tone) <= toneTol) alike[i] = 1;
  }
  let count = 0;
  const kept = open2x2(alike, cw, ch);
  for (let i = 0; i < kept.length; i++) count += kept[i];
  return count > LOOKALIKE_RATIO * area;
}
