// Small 8-bit morphology and labelling kernels used by damage detection. All work on one plane
// (Uint8Array, row-major, width×height) and allocate only what they return.
import { floodFill8 } from '../../../shared/raster/flood';

/** Rec. 601 luma of pixel `p` of interleaved data with `channels` channels (as lumaPlane). */
export function lumaAt(data: Uint8Array, p: number, channels: number): number {
  const o = p * channels;
  return channels < 3 ? data[o] : (77 * data[o] + 150 * data[o + 1] + 29 * data[o + 2] + 128) >> 8;
}

/** Rec. 601 luma of an interleaved image (alpha ignored). */
export function lumaPlane(data: Uint8Array, width: number, height: number, channels: number): Uint8Array {
  const n = width * height;
  if (data.length !== n * channels) throw new RangeError(`lumaPlane: ${data.length} bytes, expected ${n * channels}`);
  const out = new Uint8Array(n);
  if (channels < 3) {
    for (let i = 0, o = 0; i < n; i++, o += channels) out[i] = data[o];
    return out;
  }
  for (let i = 0, o = 0; i < n; i++, o += channels) out[i] = (77 * data[o] + 150 * data[o + 1] + 29 * data[o + 2] + 128) >> 8;
  return out;
}

// Grey-level min/max filters run four pixels at a time: planes are viewed as Uint32Array and the
// per-byte max/min is computed branch-free (SWAR), about five times faster than a per-byte loop
// with data-dependent branches. Only whole-row operations are done this way (rows are 4-aligned
// because plane widths are padded to a multiple of 4); the horizontal direction is handled by
// transposing, filtering the rows, and transposing back.

const H = 0x80808080;
const L7 = 0x7f7f7f7f;

/** Per-byte max (isMax) or min of row ra of sa and row rb of sb into row rd of d; n4 = words per row. */
function rowOp(sa: Uint32Array, ra: number, sb: Uint32Array, rb: number, d: Uint32Array, rd: number, n4: number, isMax: boolean): void {
  if (isMax) {
    for (let i = 0; i < n4; i++) {
      const x = sa[ra + i], y = sb[rb + i];
      const dd = (x | H) - (y & L7);
      const ge = ((~(x ^ y) & dd) | (x & ~y)) & H; // high bit set where x >= y
      const m = (ge >>> 7) * 255;
      d[rd + i] = (x & m) | (y & ~m);
    }
  } else {
    for (let i = 0; i < n4; i++) {
      const x = sa[ra + i], y = sb[rb + i];
      const dd = (x | H) - (y & L7);
      const ge = ((~(x ^ y) & dd) | (x & ~y)) & H;
      const m = (ge >>> 7) * 255;
      d[rd + i] = (y & m) | (x & ~m);
    }
  }
}

/**
 * Vertical min/max over a centred window of odd length k on a plane of width w (multiple of 4):
 * doubling (m_s = op over rows [y, y+s)), then op(m_s[y−r], m_s[y+r−s+1]) with s the largest
 * power of two ≤ k. Windows are clipped at the plane's top and bottom.
 */
function verticalOp(src: Uint8Array, w: number, h: number, k: number, isMax: boolean): Uint8Array {
  const n4 = w >> 2;
  const r = k >> 1;
  let s = 1;
  let cur = new Uint32Array(src.buffer, src.byteOffset, (w * h) >> 2);
  let a: Uint32Array | null = null;
  let b: Uint32Array | null = null;
  while (s * 2 <= k) {
    let dst: Uint32Array;
    if (cur === a) dst = b ?? (b = new Uint32Array((w * h) >> 2));
    else dst = a ?? (a = new Uint32Array((w * h) >> 2));
    for (let y = 0; y < h; y++) rowOp(cur, y * n4, cur, (y + s < h ? y + s : h - 1) * n4, dst, y * n4, n4, isMax);
    cur = dst;
    s *= 2;
  }
  const out = new Uint32Array((w * h) >> 2);
  // top rows: the clipped window [0, y+r] can be shorter than s, so accumulate it directly
  const src32 = new Uint32Array(src.buffer, src.byteOffset, (w * h) >> 2);
  for (let y = 0; y < r && y < h; y++) {
    const last = y + r < h ? y + r : h - 1;
    out.set(src32.subarray(0, n4), y * n4);
    for (let yy = 1; yy <= last; yy++) rowOp(out, y * n4, src32, yy * n4, out, y * n4, n4, isMax);
  }
  for (let y = r; y < h; y++) {
    const lo = y - r < 0 ? 0 : y - r;
    let hi = y + r - s + 1;
    if (hi > h - 1) hi = h - 1;
    if (hi < lo) hi = lo;
    rowOp(cur, lo * n4, cur, hi * n4, out, y * n4, n4, isMax);
  }
  return new Uint8Array(out.buffer);
}

/**
 * Transpose of a w×h byte plane (w a multiple of 4) into a plane of width wOut = pad4(h) and
 * height hOut = w; the extra columns replicate the last one. Whole 4×4 byte blocks move as four
 * 32-bit words.
 */
function transpose(src: Uint8Array, w: number, h: number, wOut: number, hOut: number): Uint8Array {
  const out = new Uint8Array(wOut * hOut);
  const s32 = new Uint32Array(src.buffer, src.byteOffset, (w * h) >> 2);
  const o32 = new Uint32Array(out.buffer, out.byteOffset, (wOut * hOut) >> 2);
  const h4 = h & ~3;
  const sw = w >> 2, ow = wOut >> 2;
  const B = 64;
  for (let by0 = 0; by0 < h4; by0 += B) {
    const by1 = Math.min(h4, by0 + B);
    for (let bx0 = 0; bx0 < w; bx0 += B) {
      const bx1 = Math.min(w, bx0 + B);
      for (let by = by0; by < by1; by += 4) {
        const r = by * sw;
        for (let bx = bx0; bx < bx1; bx += 4) {
          const q = r + (bx >> 2);
          const r0 = s32[q], r1 = s32[q + sw], r2 = s32[q + 2 * sw], r3 = s32[q + 3 * sw];
          const o = bx * ow + (by >> 2);
          o32[o] = (r0 & 0xff) | ((r1 & 0xff) << 8) | ((r2 & 0xff) << 16) | (r3 << 24);
          o32[o + ow] = ((r0 >>> 8) & 0xff) | (r1 & 0xff00) | ((r2 & 0xff00) << 8) | ((r3 & 0xff00) << 16);
          o32[o + 2 * ow] = ((r0 >>> 16) & 0xff) | ((r1 >>> 8) & 0xff00) | (r2 & 0xff0000) | ((r3 & 0xff0000) << 8);
          o32[o + 3 * ow] = (r0 >>> 24) | ((r1 >>> 16) & 0xff00) | ((r2 >>> 8) & 0xff0000) | (r3 & 0xff000000);
        }
      }
    }
  }
  for (let y = h4; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) out[x * wOut + y] = src[row + x];
  }
  if (wOut > h) {
    for (let x = 0; x < hOut; x++) {
      const row = x * wOut;
      const v = out[row + h - 1];
      for (let y = h; y < wOut; y++) out[row + y] = v;
    }
  }
  return out;
}

/** Per-byte max of two planes of equal size (length a multiple of 4 is not required). */
export function maxPlanes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const n = a.length;
  const out = new Uint8Array(n);
  const n4 = n >> 2;
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const a32 = new Uint32Array(a.buffer, a.byteOffset, n4);
    const b32 = new Uint32Array(b.buffer, b.byteOffset, n4);
    const o32 = new Uint32Array(out.buffer, 0, n4);
    rowOp(a32, 0, b32, 0, o32, 0, n4, true);
  } else {
    for (let i = 0; i < n4 * 4; i++) out[i] = a[i] > b[i] ? a[i] : b[i];
  }
  for (let i = n4 * 4; i < n; i++) out[i] = a[i] > b[i] ? a[i] : b[i];
  return out;
}

const pad4 = (n: number): number => (n + 3) & ~3;

/** Copies a w×h plane into one of width pad4(w), replicating the last column. */
function padPlane(src: Uint8Array, w: number, h: number): Uint8Array {
  const wp = pad4(w);
  if (wp === w && src.byteOffset % 4 === 0) return src;
  const out = new Uint8Array(wp * h);
  for (let y = 0; y < h; y++) {
    out.set(src.subarray(y * w, y * w + w), y * wp);
    const v = src[y * w + w - 1];
    for (let x = w; x < wp; x++) out[y * wp + x] = v;
  }
  return out;
}

function unpadPlane(src: Uint8Array, wp: number, w: number, h: number): Uint8Array {
  if (wp === w) return src.length === w * h ? src : src.slice(0, w * h);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) out.set(src.subarray(y * wp, y * wp + w), y * w);
  return out;
}

/**
 * Square k×k min/max in the padded domain: P (wp×h) → vertical op → transpose → vertical op
 * (i.e. the horizontal op) → transpose back.
 */
function squareOpPadded(p: Uint8Array, wp: number, h: number, k: number, isMax: boolean): Uint8Array {
  const v = verticalOp(p, wp, h, k, isMax);
  const hp = pad4(h);
  const t = transpose(v, wp, h, hp, wp);
  const th = verticalOp(t, hp, wp, k, isMax);
  return transpose(th, hp, wp, wp, h);
}

/** Square (k×k, k odd) erosion (isMax false) or dilation (isMax true), windows clipped at edges. */
export function squareFilter(src: Uint8Array, width: number, height: number, k: number, isMax: boolean): Uint8Array {
  if (!(k >= 1) || k % 2 !== 1) throw new RangeError(`squareFilter: window must be odd and >= 1, got ${k}`);
  if (src.length !== width * height) throw new RangeError('squareFilter: plane size mismatch');
  const wp = pad4(width);
  const p = padPlane(src, width, height);
  return unpadPlane(squareOpPadded(p, wp, height, k, isMax), wp, width, height);
}

/**
 * White and black top-hats with a k×k square: bright = L − opening(L), dark = closing(L) − L.
 * Both are non-zero only on structures narrower than k in some direction (lines, specks).
 */
export function topHats(luma: Uint8Array, width: number, height: number, k: number): { bright: Uint8Array; dark: Uint8Array } {
  const wp = pad4(width);
  const hp = pad4(height);
  const p = padPlane(luma, width, height);
  // square min/max = vertical pass, then the horizontal pass as a vertical pass on the transpose;
  // min/max along rows and columns commute, so opening = V_max T H_max H_min T V_min: two
  // transposes per opening (and per closing) instead of four
  // rows width..wp-1 of the transposed plane are padding: after the first horizontal op they must
  // again replicate the last real column, as if the image ended there
  const refill = (t: Uint8Array): Uint8Array => {
    for (let r = width; r < wp; r++) t.copyWithin(r * hp, (width - 1) * hp, width * hp);
    return t;
  };
  const half = (first: boolean, second: boolean): Uint8Array => {
    const t = transpose(verticalOp(p, wp, height, k, first), wp, height, hp, wp);
    const t2 = verticalOp(refill(verticalOp(t, hp, wp, k, first)), hp, wp, k, second);
    return verticalOp(transpose(t2, hp, wp, wp, height), wp, height, k, second);
  };
  const open = half(false, true);
  const close = half(true, false);
  // per byte luma >= open and close >= luma, so whole-word subtraction never borrows
  const n4 = (wp * height) >> 2;
  const l32 = new Uint32Array(p.buffer, p.byteOffset, n4);
  const o32 = new Uint32Array(open.buffer, open.byteOffset, n4);
  const c32 = new Uint32Array(close.buffer, close.byteOffset, n4);
  for (let i = 0; i < n4; i++) {
    o32[i] = l32[i] - o32[i];
    c32[i] = c32[i] - l32[i];
  }
  return { bright: unpadPlane(open, wp, width, height), dark: unpadPlane(close, wp, width, height) };
}

export interface Blob {
  /** pixel indices (row-major) of the component */
  pixels: Int32Array;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** second central moments */
  cxx: number;
  cyy: number;
  cxy: number;
  cx: number;
  cy: number;
}

/**
 * 8-connected components of `seed`-containing regions of `grow`: hysteresis labelling. Every
 * component of grow (non-zero) that contains at least one non-zero seed pixel is returned.
 * `maxArea` stops collecting pixels of huge components (they are returned with area capped and
 * flagged by `truncated`), which keeps texture-wide regions from costing memory.
 */
export function hysteresisComponents(seed: Uint8Array, grow: Uint8Array, width: number, height: number, maxArea: number): Array<Blob & { truncated: boolean }> {
  const n = width * height;
  const seen = new Uint8Array(n);
  const out: Array<Blob & { truncated: boolean }> = [];
  const px: number[] = [];
  for (let s = 0; s < n; s++) {
    if (!seed[s] || seen[s] || !grow[s]) continue;
    px.length = 0;
    let x0 = width, y0 = height, x1 = -1, y1 = -1;
    let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    const area = floodFill8(grow, width, height, s, seen, (p, x, y) => {
      if (px.length >= maxArea) return;
      px.push(p);
      sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    });
    const a = px.length;
    const cx = sx / a, cy = sy / a;
    out.push({
      pixels: Int32Array.from(px),
      x0, y0, x1, y1, cx, cy,
      cxx: sxx / a - cx * cx,
      cyy: syy / a - cy * cy,
      cxy: sxy / a - cx * cy,
      truncated: area > a,
    });
  }
  return out;
}

/** The 8-connected marks of `mask` with at least `minArea` pixels: each its pixel indices, in scan order. */
export function marksOf(mask: Uint8Array, width: number, height: number, minArea: number): Int32Array[] {
  return hysteresisComponents(mask, mask, width, height, width * height).filter((b) => b.pixels.length >= minArea).map((b) => b.pixels);
}

/** Clears `marks` from `mask` and, when given, from `wide` (the rules that leave a mark to the photo). */
export function clearMarks(marks: ArrayLike<number>[], mask: Uint8Array, wide: Uint8Array | null): void {
  for (const pixels of marks) {
    for (let i = 0; i < pixels.length; i++) {
      mask[pixels[i]] = 0;
      if (wide) wide[pixels[i]] = 0;
    }
  }
}

/** Length of the major axis of a blob, from its second moments (exact for a thin straight segment). */
export function majorLength(b: Blob): number {
  const tr = b.cxx + b.cyy;
  const det = b.cxx * b.cyy - b.cxy * b.cxy;
  const l1 = tr / 2 + Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
  const momentLen = Math.sqrt(12 * Math.max(0, l1)) + 1;
  // curved lines: the bounding-box diagonal is a better lower bound of the arc length
  const diag = Math.hypot(b.x1 - b.x0 + 1, b.y1 - b.y0 + 1);
  return Math.max(momentLen, Math.min(diag, b.pixels.length));
}

/** Minor/major eigenvalue ratio in [0, 1]: 0 for a line, 1 for a disc. */
export function roundness(b: Blob): number {
  const tr = b.cxx + b.cyy;
  const det = b.cxx * b.cyy - b.cxy * b.cxy;
  const disc = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
  const l1 = tr / 2 + disc;
  const l2 = tr / 2 - disc;
  return l1 > 0 ? Math.max(0, l2) / l1 : 1;
}

/** Binary dilation by a (2r+1)² square; output 255/0. */
export function dilateSquare(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  const bin = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) bin[i] = mask[i] ? 255 : 0;
  return r <= 0 ? bin : squareFilter(bin, width, height, 2 * r + 1, true);
}
