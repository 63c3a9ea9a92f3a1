// Synthetic "scans" for tests and benchmarks: procedural photo-like images (smooth shading,
// soft-edged shapes, clouds, grain, and busy textures such as foliage and hair) and damage drawn
// onto them with exact ground-truth masks (scratches, creases, dust, tears, fading). Seeded and
// deterministic. Not part of the restoration pipeline itself.
import type { ImageBuffer } from '../image/types';
import { mulberry32, type Uniform } from '../random';

function gauss(r: Uniform): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** Smooth value noise on a lattice of `cell` px, values in [-1, 1]. */
function valueNoise(width: number, height: number, cell: number, r: Uniform): Float32Array {
  const gw = Math.ceil(width / cell) + 2;
  const gh = Math.ceil(height / cell) + 2;
  const g = new Float32Array(gw * gh);
  for (let i = 0; i < g.length; i++) g[i] = r() * 2 - 1;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const fy = y / cell;
    const iy = Math.floor(fy);
    let ty = fy - iy;
    ty = ty * ty * (3 - 2 * ty);
    for (let x = 0; x < width; x++) {
      const fx = x / cell;
      const ix = Math.floor(fx);
      let tx = fx - ix;
      tx = tx * tx * (3 - 2 * tx);
      const a = g[iy * gw + ix], b = g[iy * gw + ix + 1], c = g[(iy + 1) * gw + ix], d = g[(iy + 1) * gw + ix + 1];
      out[y * width + x] = (a + (b - a) * tx) * (1 - ty) + (c + (d - c) * tx) * ty;
    }
  }
  return out;
}

export interface PhotoOptions {
  seed: number;
  /** add a busy foliage-like texture patch and a patch of hair-like strands (default true) */
  textures?: boolean;
  /** film grain σ in grey levels (default 2) */
  grain?: number;
  /** 'colour' (default), 'mono' (neutral grey) or 'sepia' (brown-toned monochrome) */
  tone?: 'colour' | 'mono' | 'sepia';
}

function clamp8(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

/** A procedural photo-like RGB image. */
export function synthPhoto(width: number, height: number, opts: PhotoOptions): ImageBuffer {
  const r = mulberry32(opts.seed);
  const n = width * height;
  const f = new Float32Array(n * 3);
  const scale = Math.min(width, height);
  const top = [60 + 150 * r(), 80 + 150 * r(), 100 + 150 * r()];
  const bottom = [40 + 120 * r(), 40 + 120 * r(), 30 + 100 * r()];
  const clouds = valueNoise(width, height, Math.max(8, scale / 4), r);
  const detail = valueNoise(width, height, Math.max(4, scale / 20), r);
  for (let y = 0; y < height; y++) {
    const t = y / Math.max(1, height - 1);
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const shade = 30 * clouds[i] + 10 * detail[i];
      for (let c = 0; c < 3; c++) f[i * 3 + c] = top[c] * (1 - t) + bottom[c] * t + shade;
    }
  }
  // soft-edged shapes with their own shading
  const shapes = 5 + Math.floor(r() * 5);
  for (let s = 0; s < shapes; s++) {
    const cx = r() * width, cy = r() * height;
    const rx = scale * (0.06 + 0.2 * r()), ry = rx * (0.5 + r());
    // natural scenes are moderately saturated: mix a random colour halfway to its grey
    const raw = [255 * r(), 255 * r(), 255 * r()];
    const grey = (raw[0] + raw[1] + raw[2]) / 3;
    const col = raw.map((v) => grey + 0.55 * (v - grey));
    const rect = r() < 0.4;
    const edge = 1 + 3 * r();
    const x0 = Math.max(0, Math.floor(cx - rx - edge)), x1 = Math.min(width - 1, Math.ceil(cx + rx + edge));
    const y0 = Math.max(0, Math.floor(cy - ry - edge)), y1 = Math.min(height - 1, Math.ceil(cy + ry + edge));
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) {
      let d: number; // signed distance-ish in px (negative inside)
      if (rect) d = Math.max(Math.abs(x - cx) - rx, Math.abs(y - cy) - ry);
      else d = (Math.hypot((x - cx) / rx, (y - cy) / ry) - 1) * Math.min(rx, ry);
      const a = Math.min(1, Math.max(0, 0.5 - d / edge));
      if (a <= 0) continue;
      const light = 1 - 0.35 * ((y - cy) / ry);
      const i = y * width + x;
      for (let c = 0; c < 3; c++) f[i * 3 + c] = f[i * 3 + c] * (1 - a) + col[c] * light * a;
    }
  }
  if (opts.textures !== false) {
    // foliage: dense high-frequency blotches inside an ellipse
    const fx = width * (0.2 + 0.6 * r()), fy = height * (0.2 + 0.6 * r()), fr = scale * 0.18;
    const leaves = valueNoise(width, height, 3, r);
    const leaves2 = valueNoise(width, height, 7, r);
    for (let y = Math.max(0, Math.floor(fy - fr)); y < Math.min(height, fy + fr); y++) {
      for (let x = Math.max(0, Math.floor(fx - fr)); x < Math.min(width, fx + fr); x++) {
        const d = Math.hypot(x - fx, y - fy) / fr;
        if (d >= 1) continue;
        const a = Math.min(1, (1 - d) * 4);
        const i = y * width + x;
        const v = 70 * leaves[i] + 40 * leaves2[i];
        f[i * 3] += a * (v - 30);
        f[i * 3 + 1] += a * (v + 10);
        f[i * 3 + 2] += a * (v - 40);
      }
    }
    // hair: many thin dark strands, densely packed
    const hx = width * (0.15 + 0.7 * r()), hy = height * (0.15 + 0.5 * r());
    const hw = scale * 0.25, hh = scale * 0.3;
    const strands = Math.round((hw / 3) * 1.2);
    for (let k = 0; k < strands; k++) {
      const sx = hx + (k / strands) * hw + 2 * gauss(r);
      const bend = (r() - 0.5) * hw * 0.3;
      const dark = 25 + 35 * r();
      for (let t = 0; t < 1; t += 0.5 / hh) {
        const x = sx + bend * t * t;
        const y = hy + t * hh;
        const xi = Math.round(x), yi = Math.round(y);
        if (xi < 0 || yi < 0 || xi >= width || yi >= height) continue;
        const i = yi * width + xi;
        for (let c = 0; c < 3; c++) f[i * 3 + c] -= dark * 0.5;
      }
    }
  }
  // a good print uses the whole range: stretch luma's 0.5 %…99.5 % to 8…247
  {
    const ys: number[] = [];
    const step = Math.max(1, Math.floor(n / 20000));
    for (let i = 0; i < n; i += step) ys.push(0.299 * f[i * 3] + 0.587 * f[i * 3 + 1] + 0.114 * f[i * 3 + 2]);
    ys.sort((a, b) => a - b);
    const lo = ys[Math.floor(0.005 * ys.length)], hi = ys[Math.floor(0.995 * ys.length)];
    const a = (247 - 8) / Math.max(1, hi - lo);
    for (let i = 0; i < f.length; i++) f[i] = 8 + (f[i] - lo) * a;
  }
  const grain = opts.grain ?? 2;
  const out = new Uint8Array(n * 3);
  const tone = opts.tone ?? 'colour';
  for (let i = 0; i < n; i++) {
    const g = grain > 0 ? grain * gauss(r) : 0;
    let R = f[i * 3] + g, G = f[i * 3 + 1] + g, B = f[i * 3 + 2] + g;
    if (tone !== 'colour') {
      const l = 0.299 * R + 0.587 * G + 0.114 * B;
      if (tone === 'mono') R = G = B = l;
      else { R = l * 1.07 + 12; G = l * 0.97 + 2; B = l * 0.8 - 6; }
    }
    out[i * 3] = clamp8(R);
    out[i * 3 + 1] = clamp8(G);
    out[i * 3 + 2] = clamp8(B);
  }
  return { width, height, channels: 3, data: out };
}

export interface DamageOptions {
  seed: number;
  scratches?: number;
  dust?: number;
  /** draw one tear (paper loss) from a border (default false) */
  tear?: boolean;
  /** minimum contrast of scratches and dust, grey levels (default 40) */
  minContrast?: number;
}

export interface DamageTruth {
  image: ImageBuffer;
  /** 255 where damage was drawn (coverage ≥ 0.35) */
  mask: Uint8Array;
  /** the same, by kind */
  lines: Uint8Array;
  spots: Uint8Array;
  tears: Uint8Array;
}

/** Draws scratches, creases, dust and optionally a tear onto a copy of `photo`. */
export function addDamage(photo: ImageBuffer, opts: DamageOptions): DamageTruth {
  const { width: W, height: H, channels: C } = photo;
  const r = mulberry32(opts.seed);
  const data = new Uint8Array(photo.data);
  const n = W * H;
  const lines = new Uint8Array(n);
  const spots = new Uint8Array(n);
  const tears = new Uint8Array(n);
  const scale = Math.min(W, H);
  const minC = opts.minContrast ?? 40;
  const paint = (i: number, a: number, target: number, contrast: number): void => {
    for (let c = 0; c < Math.min(3, C); c++) {
      const v = data[i * C + c];
      const to = target > 0 ? Math.min(255, v + contrast) : Math.max(0, v - contrast);
      data[i * C + c] = clamp8(v + (to - v) * a);
    }
  };
  const nScratch = opts.scratches ?? 3;
  for (let s = 0; s < nScratch; s++) {
    // quadratic Bézier curve, width 1–4 px, bright or dark
    const len = scale * (0.15 + 0.5 * r());
    const ang = r() * Math.PI;
    const ax = W * (0.1 + 0.8 * r()), ay = H * (0.1 + 0.8 * r());
    const bx = ax + Math.cos(ang) * len, by = ay + Math.sin(ang) * len;
    const mx = (ax + bx) / 2 + (r() - 0.5) * len * 0.3, my = (ay + by) / 2 + (r() - 0.5) * len * 0.3;
    const width = 1 + 3 * r();
    const target = r() < 0.6 ? 1 : -1;
    const contrast = minC + (120 - minC) * r();
    const steps = Math.ceil(len * 2);
    const cover = new Map<number, number>();
    for (let k = 0; k <= steps; k++) {
      const t = k / steps;
      const px = (1 - t) * (1 - t) * ax + 2 * (1 - t) * t * mx + t * t * bx;
      const py = (1 - t) * (1 - t) * ay + 2 * (1 - t) * t * my + t * t * by;
      const rad = width / 2 + 1;
      for (let y = Math.floor(py - rad); y <= Math.ceil(py + rad); y++) {
        if (y < 0 || y >= H) continue;
        for (let x = Math.floor(px - rad); x <= Math.ceil(px + rad); x++) {
          if (x < 0 || x >= W) continue;
          const d = Math.hypot(x - px, y - py);
          const a = Math.min(1, Math.max(0, width / 2 + 0.5 - d));
          const i = y * W + x;
          if (a > (cover.get(i) ?? 0)) cover.set(i, a);
        }
      }
    }
    // scratches fade in and out in strength a little along their length
    for (const [i, a] of cover) {
      paint(i, a, target, contrast);
      if (a >= 0.35) lines[i] = 255;
    }
  }
  const nDust = opts.dust ?? 20;
  for (let s = 0; s < nDust; s++) {
    const cx = W * r(), cy = H * r();
    const rad = 0.8 + 3.2 * r();
    const target = r() < 0.7 ? 1 : -1;
    const contrast = minC + 20 + (150 - minC) * r();
    const lobes = [r(), r(), r()];
    for (let y = Math.floor(cy - rad - 2); y <= Math.ceil(cy + rad + 2); y++) {
      if (y < 0 || y >= H) continue;
      for (let x = Math.floor(cx - rad - 2); x <= Math.ceil(cx + rad + 2); x++) {
        if (x < 0 || x >= W) continue;
        const th = Math.atan2(y - cy, x - cx);
        const rr = rad * (1 + 0.25 * Math.sin(2 * th + lobes[0] * 6) + 0.15 * Math.sin(3 * th + lobes[1] * 6));
        const a = Math.min(1, Math.max(0, rr + 0.5 - Math.hypot(x - cx, y - cy)));
        if (a <= 0) continue;
        const i = y * W + x;
        paint(i, a, target, contrast);
        if (a >= 0.35) spots[i] = 255;
      }
    }
  }
  if (opts.tear) {
    // a ragged bite out of one border, showing bare paper
    const side = Math.floor(r() * 4);
    const along = 0.2 + 0.6 * r();
    const depth = scale * (0.1 + 0.1 * r());
    const half = scale * (0.08 + 0.08 * r());
    const jag = valueNoise(W, H, 6, r);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      let u: number, v: number; // u along the side, v into the photo
      if (side === 0) { u = x - along * W; v = y; } else if (side === 1) { u = x - along * W; v = H - 1 - y; } else if (side === 2) { u = y - along * H; v = x; } else { u = y - along * H; v = W - 1 - x; }
      const i = y * W + x;
      const lim = depth * (1 - (u / half) ** 2) + 4 * jag[i];
      if (Math.abs(u) > half * 1.1 || v > lim) continue;
      for (let c = 0; c < Math.min(3, C); c++) data[i * C + c] = clamp8(240 + 3 * jag[i] + (c === 2 ? -4 : 0));
      tears[i] = 255;
    }
  }
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (lines[i] || spots[i] || tears[i]) mask[i] = 255;
  return { image: { width: W, height: H, channels: C, data }, mask, lines, spots, tears };
}

/** Fades a photo like an old print: contrast squeezed towards a raised black, plus a colour cast. */
export function fade(photo: ImageBuffer, opts: { amount?: number; cast?: [number, number, number] } = {}): ImageBuffer {
  const amount = opts.amount ?? 0.45;
  const cast = opts.cast ?? [1.08, 0.98, 0.82];
  const out = new Uint8Array(photo.data.length);
  const C = photo.channels;
  for (let i = 0; i < photo.data.length; i += C) {
    for (let c = 0; c < Math.min(3, C); c++) {
      const v = photo.data[i + c];
      out[i + c] = clamp8((60 + v * (1 - amount)) * cast[c]);
    }
    if (C === 4) out[i + 3] = photo.data[i + 3];
  }
  return { ...photo, data: out };
}

/**
 * Precision and recall of a predicted mask against ground truth, with a distance tolerance of
 * `tol` px (a predicted pixel within tol of a true one counts as correct and vice versa); tol 0
 * gives strict pixel scores.
 */
export function maskScores(pred: Uint8Array, truth: Uint8Array, width: number, height: number, tol = 2): { precision: number; recall: number; predicted: number; truth: number } {
  const near = (m: Uint8Array): Uint8Array => {
    if (tol <= 0) return m;
    const out = new Uint8Array(m.length);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      if (!m[y * width + x]) continue;
      for (let dy = -tol; dy <= tol; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -tol; dx <= tol; dx++) {
          const xx = x + dx;
          if (xx >= 0 && xx < width && dx * dx + dy * dy <= tol * tol) out[yy * width + xx] = 1;
        }
      }
    }
    return out;
  };
  const nearTruth = near(truth);
  const nearPred = near(pred);
  let p = 0, tp = 0, t = 0, found = 0;
  for (let i = 0; i < pred.length; i++) {
    if (pred[i]) { p++; if (nearTruth[i]) tp++; }
    if (truth[i]) { t++; if (nearPred[i]) found++; }
  }
  return { precision: p ? tp / p : 1, recall: t ? found / t : 1, predicted: p, truth: t };
}
