/**
 * Training batches for the damage detector: a clean photo (decoded on the fly, so memory stays
 * small), rescaled to a random content scale, cropped, aged into an old print, damaged by the
 * synthetic generator (sometimes not at all), sometimes JPEG-compressed, then turned into the
 * detector's input (normalised luma) and a 0/1 target.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { resampleBytes } from '../image/resample';
import type { ImageBuffer } from '../image/types';
import { agePhoto, generateDamage, type FilmMarks } from '../restore/damage/generate';
import { splitHoldout, type HoldoutSplit } from './holdout';
import { Rng } from '../random';

/** Detector input from a luma value (fixed affine map: tiles of one scan stay consistent). */
export const lumaToInput = (v: number): number => v / 127.5 - 1;

export interface CleanSet {
  /** absolute paths used for training */
  train: string[];
  /** relative paths (folder/file) held out, per folder */
  heldOut: HoldoutSplit[];
  counts: Record<string, number>;
}

/** Lists JPEG/PNG photos of each folder and splits off a deterministic held-out part of each. */
export function listCleanPhotos(root: string, folders: string[], holdoutPercent: number): CleanSet {
  const train: string[] = [];
  const heldOut: HoldoutSplit[] = [];
  const counts: Record<string, number> = {};
  for (const f of folders) {
    const files = readdirSync(join(root, f)).filter((n) => /\.(jpe?g|png)$/i.test(n)).sort().map((n) => `${f}/${n}`);
    const { kept, held } = splitHoldout(files, holdoutPercent);
    counts[f] = kept.length;
    train.push(...kept.map((k) => join(root, k)));
    if (held) heldOut.push(held);
  }
  return { train, heldOut, counts };
}

export interface SampleOptions {
  size: number;
  film?: FilmMarks[];
  /** fraction of samples left undamaged (teaches "clean stays clean") */
  cleanFraction?: number;
  /** source long side as a multiple of the crop size, [min, max] (default [2, 6]); low values
   *  keep sources near their native, sharp resolution */
  contentScale?: [number, number];
  /** hard negatives: with probability `p`, sharp man-made content (lettering, signs, stripes,
   *  shapes with crisp edges, object silhouettes filled with flat or bright colours, a print border)
   *  is drawn onto the clean photo before it is aged and damaged; it is never damage (mask 0) */
  hard?: { p: number; silhouettes: Silhouette[]; sharpen?: number };
  /** with probability `p`, blown-out highlights on the clean photo (never damage): a lamp, bright
   *  wall or studio backdrop, or the whole print over-exposed; the detector must not call
   *  smooth clipped areas flaking */
  highlights?: number;
  /** with probability `p`, the crop (damaged or clean) is made 1.25–2.5× smaller and enlarged back (bilinear,
   *  as an enlarged small scan looks; detection enlarges one under 512 px): soft-edged damage on soft content,
   *  which the detector must still find; the mask is unchanged */
  upscaled?: number;
  /** fraction of crops left as the colour photos they are, not aged (default 0.25) */
  unaged?: number;
  /** probability that a layer of thin damage is faint (12–45 grey levels; generateDamage's `faint`) */
  faint?: number;
  /** probability of a layer of emulsion chips (generateDamage's `chips`) */
  chips?: number;
  /** probability that a scratch is broken into dashes (generateDamage's `broken`) */
  broken?: number;
  /** with probability `p`, colour film grain (σ 4–14 per channel) on the crop before it is damaged:
   *  real film scans carry grain as strong as their faint dust and scratches */
  grain?: number;
}

/** A binary object outline (0/255, one channel). */
export interface Silhouette { width: number; height: number; data: Uint8Array }

/** Loads up to `max` silhouette PNGs (e.g. ../shared/data/silhouettes) into memory. */
export async function loadSilhouettes(dir: string, max = 400): Promise<Silhouette[]> {
  const out: Silhouette[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.png')).sort().slice(0, max)) {
    const { data, info } = await sharp(readFileSync(join(dir, f))).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    out.push({ width: info.width, height: info.height, data: new Uint8Array(data) });
  }
  return out;
}

const FONTS = ['DejaVu Sans', 'DejaVu Serif', 'DejaVu Sans Mono', 'Lato', 'Liberation Sans', 'Liberation Serif', 'Liberation Sans Narrow'];
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.&';

/** A colour biased to the extremes (white lettering, chrome, black paint) that fool a detector. */
function hardColour(rng: Rng): [number, number, number] {
  const u = rng.uniform();
  if (u < 0.4) { const v = 225 + rng.int(31); return [v, v - rng.int(12), v - rng.int(20)]; }
  if (u < 0.65) { const v = rng.int(40); return [v, v, v + rng.int(10)]; }
  return [rng.int(256), rng.int(256), rng.int(256)];
}
const hex = (c: [number, number, number]): string => '#' + c.map((v) => Math.max(0, Math.min(255, v)).toString(16).padStart(2, '0')).join('');

/** Unsharp masking (sigma 0.5–1.5, amount 1–3) and sometimes fine luma grain: the acutance of a
 *  sharp scan or digital photo, which upscaled training sources lack. */
export async function sharpenGrain(img: ImageBuffer, rng: Rng): Promise<ImageBuffer> {
  const { width: w, height: h } = img;
  const sigma = 0.5 + rng.uniform(), m2 = 1 + 2 * rng.uniform();
  const { data } = await sharp(Buffer.from(img.data), { raw: { width: w, height: h, channels: 3 } }).sharpen({ sigma, m1: 0.5 + rng.uniform(), m2 }).raw().toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(data.buffer, data.byteOffset, data.length).slice();
  if (rng.uniform() < 0.5) {
    const amp = 2 + 6 * rng.uniform();
    for (let i = 0; i < w * h; i++) {
      const n = rng.normal() * amp;
      for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.max(0, Math.min(255, Math.round(out[i * 3 + c] + n)));
    }
  }
  return { ...img, data: out };
}

/** Film grain: independent Gaussian noise per channel with one σ of 4–14 grey levels, softened a
 *  little half of the time (grain clumps span more than a pixel on many scans). Returns a new image. */
export function addFilmGrain(img: ImageBuffer, rng: Rng): ImageBuffer {
  const { width: w, height: h } = img;
  const sigma = 4 + 10 * rng.uniform();
  const soft = rng.uniform() < 0.5;
  const out = new Uint8Array(img.data.length);
  for (let c = 0; c < 3; c++) {
    const n = new Float32Array(w * h);
    for (let i = 0; i < n.length; i++) n[i] = rng.normal() * sigma;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        // a 5-tap cross average has half the σ of its input, hence × 2
        const v = soft ? 2 * (0.4 * n[i] + 0.15 * (n[y * w + Math.max(0, x - 1)] + n[y * w + Math.min(w - 1, x + 1)] + n[Math.max(0, y - 1) * w + x] + n[Math.min(h - 1, y + 1) * w + x])) : n[i];
        out[i * 3 + c] = Math.max(0, Math.min(255, Math.round(img.data[i * 3 + c] + v)));
      }
    }
  }
  return { ...img, data: out };
}

/** Blown-out highlights: either the whole crop over-exposed (gain 1.3–2.5, clipped at white), or
 *  one large soft-edged bright region (a lamp, sunlit wall, backdrop or shirt) of near-white with a
 *  gentle shading gradient, blended over the photo. Returns a new image. */
export function addHighlights(img: ImageBuffer, rng: Rng): ImageBuffer {
  const { width: S, height: H } = img;
  const out = new Uint8Array(img.data.length);
  if (rng.uniform() < 0.4) {
    const gain = 1.3 + 1.2 * rng.uniform(), lift = rng.int(30);
    for (let i = 0; i < out.length; i++) out[i] = Math.min(255, Math.round(img.data[i] * gain + lift));
    return { ...img, data: out };
  }
  const cx = rng.int(S), cy = rng.int(H);
  const rx = S * (0.15 + 0.6 * rng.uniform()), ry = H * (0.15 + 0.6 * rng.uniform());
  const soft = 0.05 + 0.4 * rng.uniform(); // edge width as a share of the radius (0.05: a crisp lamp)
  const level = 235 + rng.int(21), tint = [0, rng.int(8), rng.int(16)];
  const gx = (rng.uniform() - 0.5) * 30 / S, gy = (rng.uniform() - 0.5) * 30 / H;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < S; x++) {
      const r = Math.hypot((x - cx) / rx, (y - cy) / ry);
      const a = r <= 1 - soft ? 1 : r >= 1 ? 0 : (1 - r) / soft;
      const i = (y * S + x) * 3;
      const v = level + gx * (x - cx) + gy * (y - cy);
      for (let c = 0; c < 3; c++) out[i + c] = Math.max(0, Math.min(255, Math.round(img.data[i + c] * (1 - a) + (v - tint[c]) * a)));
    }
  }
  return { ...img, data: out };
}

/** Draws sharp man-made content onto `img` (an S×S crop): returns a new image. */
export async function addHardContent(img: ImageBuffer, rng: Rng, silhouettes: Silhouette[]): Promise<ImageBuffer> {
  const S = img.width;
  const parts: string[] = [];
  const n = 1 + rng.int(4);
  for (let k = 0; k < n; k++) {
    const kind = rng.uniform();
    const x = rng.int(S), y = rng.int(S), rot = Math.round((rng.uniform() - 0.5) * (rng.uniform() < 0.6 ? 10 : 90));
    if (kind < 0.4) {
      // lettering, sometimes on a plate (signs, number plates, shirts, captions)
      const size = 7 + rng.int(30);
      const len = 2 + rng.int(10);
      let t = '';
      for (let i = 0; i < len; i++) t += LETTERS[rng.int(LETTERS.length)];
      const fg = hardColour(rng);
      const font = FONTS[rng.int(FONTS.length)];
      const weight = rng.uniform() < 0.5 ? 'bold' : 'normal';
      let g = `<g transform="rotate(${rot} ${x} ${y})">`;
      if (rng.uniform() < 0.4) {
        const bg = fg[0] > 128 ? [rng.int(80), rng.int(80), rng.int(80)] as [number, number, number] : hardColour(rng);
        g += `<rect x="${x - 4}" y="${y - size}" width="${Math.round(len * size * 0.62) + 8}" height="${Math.round(size * 1.3)}" fill="${hex(bg)}" rx="${rng.int(4)}"/>`;
      }
      g += `<text x="${x}" y="${y}" font-family="${font}" font-weight="${weight}" font-size="${size}" fill="${hex(fg)}">${t.replace(/&/g, "&amp;")}</text></g>`;
      parts.push(g);
    } else if (kind < 0.52) {
      // stripes / checks (paint schemes, flags, awnings, window grids)
      const w = 12 + rng.int(50), h = 8 + rng.int(36), sw = 3 + rng.int(10);
      const a = hex(hardColour(rng)), b = hex(hardColour(rng));
      let g = `<g transform="rotate(${rot} ${x} ${y})">`;
      for (let i = 0; i * sw < w; i++) g += `<rect x="${x + i * sw}" y="${y}" width="${sw}" height="${h}" fill="${i % 2 ? a : b}"/>`;
      parts.push(g + '</g>');
    } else if (kind < 0.8) {
      // crisp shapes: rectangles, discs, rings (lamps, chrome, helmets, wheels) with thick strokes
      const c = hex(hardColour(rng)), r = 4 + rng.int(40);
      const sw = 3 + rng.int(6);
      const fill = rng.uniform() < 0.6 ? c : 'none';
      const stroke = fill === 'none' ? `stroke="${c}" stroke-width="${sw}"` : '';
      parts.push(rng.uniform() < 0.5
        ? `<rect x="${x}" y="${y}" width="${r * 2}" height="${r + rng.int(30)}" fill="${fill}" ${stroke} transform="rotate(${rot} ${x} ${y})"/>`
        : `<ellipse cx="${x}" cy="${y}" rx="${r}" ry="${Math.max(3, Math.round(r * (0.4 + 0.6 * rng.uniform())))}" fill="${fill}" ${stroke} transform="rotate(${rot} ${x} ${y})"/>`);
    } else {
      // a print/frame border along one edge
      const e = rng.int(4), t = 1 + rng.int(4), c = hex(hardColour(rng));
      parts.push(e === 0 ? `<rect x="0" y="0" width="${S}" height="${t}" fill="${c}"/>` : e === 1 ? `<rect x="0" y="${S - t}" width="${S}" height="${t}" fill="${c}"/>` : e === 2 ? `<rect x="0" y="0" width="${t}" height="${S}" fill="${c}"/>` : `<rect x="${S - t}" y="0" width="${t}" height="${S}" fill="${c}"/>`);
    }
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${S}" height="${S}">${parts.join('')}</svg>`;
  let layer = sharp(Buffer.from(svg));
  // optics: real detail is never perfectly crisp
  const blur = rng.uniform();
  if (blur < 0.6) layer = sharp(await layer.png().toBuffer()).blur(0.3 + 0.7 * rng.uniform());
  const { data: ov } = await layer.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(img.data);
  for (let i = 0; i < S * S; i++) {
    const a = ov[i * 4 + 3] / 255;
    if (a === 0) continue;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(out[i * 3 + c] * (1 - a) + ov[i * 4 + c] * a);
  }
  // object silhouettes (people, vehicles, furniture…) filled with a shaded flat colour
  const ns = silhouettes.length ? rng.int(3) : 0;
  for (let k = 0; k < ns; k++) {
    const sil = silhouettes[rng.int(silhouettes.length)];
    const long = 16 + rng.int(Math.max(1, S - 16));
    const f = long / Math.max(sil.width, sil.height);
    const w = Math.max(2, Math.round(sil.width * f)), h = Math.max(2, Math.round(sil.height * f));
    const m = await sharp(Buffer.from(sil.data), { raw: { width: sil.width, height: sil.height, channels: 1 } }).resize(w, h, { fit: 'fill' }).raw().toBuffer();
    const col = hardColour(rng);
    const x0 = rng.int(S) - (w >> 1), y0 = rng.int(S) - (h >> 1);
    const gx = (rng.uniform() - 0.5) * 0.6 / w, gy = (rng.uniform() - 0.5) * 0.6 / h;
    for (let y = 0; y < h; y++) {
      const Y = y0 + y;
      if (Y < 0 || Y >= S) continue;
      for (let x = 0; x < w; x++) {
        const X = x0 + x;
        if (X < 0 || X >= S) continue;
        const a = m[y * w + x] / 255;
        if (a === 0) continue;
        const shade = 1 + gx * (x - w / 2) + gy * (y - h / 2);
        const i = (Y * S + X) * 3;
        for (let c = 0; c < 3; c++) out[i + c] = Math.round(out[i + c] * (1 - a) + Math.min(255, col[c] * shade) * a);
      }
    }
  }
  return { ...img, data: out };
}

/** Decodes `file` to RGB with its long side scaled to `long` px. */
async function decodeScaled(file: string, long: number): Promise<ImageBuffer> {
  const { data, info } = await sharp(file).resize(long, long, { fit: 'inside' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

function crop(img: ImageBuffer, x0: number, y0: number, S: number): ImageBuffer {
  const out = new Uint8Array(S * S * 3);
  for (let y = 0; y < S; y++) out.set(img.data.subarray(((y0 + y) * img.width + x0) * 3, ((y0 + y) * img.width + x0 + S) * 3), y * S * 3);
  return { width: S, height: S, channels: 3, data: out };
}

async function jpeg(img: ImageBuffer, quality: number): Promise<ImageBuffer> {
  const buf = await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } }).jpeg({ quality }).toBuffer();
  const { data } = await sharp(buf).raw().toBuffer({ resolveWithObject: true });
  return { ...img, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** A square RGB crop resampled to `n`×`n` (area average down, bilinear up, as detection does). */
const resized = (img: ImageBuffer, n: number): ImageBuffer => ({ width: n, height: n, channels: 3, data: resampleBytes(img.data, 3, img.width, img.height, n, n) });

/** One training sample: a damaged aged crop of `file` and its truth mask. */
export async function makeSample(file: string, rng: Rng, o: SampleOptions): Promise<{ image: ImageBuffer; mask: Uint8Array }> {
  const S = o.size;
  // content scale: the detector sees prints at a 1024 px long side; sources are 128–512 px
  const [c0, c1] = o.contentScale ?? [2, 6];
  const img = await decodeScaled(file, Math.round(S * (c0 + (c1 - c0) * rng.uniform())));
  const w = Math.max(S, img.width), h = Math.max(S, img.height);
  const src = w === img.width && h === img.height ? img : await decodeScaled(file, Math.max(w, h) + 1);
  let c = crop(src, rng.int(src.width - S + 1), rng.int(src.height - S + 1), S);
  if (o.hard && rng.uniform() < o.hard.p) c = await addHardContent(c, rng, o.hard.silhouettes);
  // crisp, grainy scans: unsharp masking (scanner/camera sharpening) and fine grain on clean content
  if (o.hard?.sharpen && rng.uniform() < o.hard.sharpen) c = await sharpenGrain(c, rng);
  if (o.highlights && rng.uniform() < o.highlights) c = addHighlights(c, rng);
  // a quarter (by default) stay colour photos as they are (film scans, modern prints, blown highlights)
  let aged = rng.uniform() < (o.unaged ?? 0.25) ? c : agePhoto(c, { seed: rng.int(2 ** 31) });
  if (o.grain && rng.uniform() < o.grain) aged = addFilmGrain(aged, rng);
  let image = aged;
  let mask: Uint8Array = new Uint8Array(S * S);
  if (rng.uniform() >= (o.cleanFraction ?? 0.25)) {
    const d = generateDamage(aged, { seed: rng.int(2 ** 31), film: o.film, scale: 0.5 + 0.7 * rng.uniform(), faint: o.faint, chips: o.chips, broken: o.broken });
    image = d.image;
    mask = d.mask;
  }
  const small = o.upscaled && rng.uniform() < o.upscaled ? Math.max(8, Math.round(S / (1.25 + 1.25 * rng.uniform()))) : 0;
  if (small) image = resized(image, small);
  if (rng.uniform() < 0.3) image = await jpeg(image, 55 + rng.int(40));
  if (small) image = resized(image, S);
  return { image, mask };
}

/** Fills batch tensors x [B,1,S,S] and y [B,1,S,S]. */
export async function makeBatch(files: string[], rng: Rng, batch: number, o: SampleOptions): Promise<{ x: Float32Array; y: Float32Array; damaged: number }> {
  const S = o.size;
  const x = new Float32Array(batch * S * S), y = new Float32Array(batch * S * S);
  let damaged = 0;
  for (let b = 0; b < batch; b++) {
    const s = await makeSample(files[rng.int(files.length)], rng, o);
    const d = s.image.data;
    for (let i = 0; i < S * S; i++) {
      x[b * S * S + i] = lumaToInput(0.299 * d[i * 3] + 0.587 * d[i * 3 + 1] + 0.114 * d[i * 3 + 2]);
      if (s.mask[i]) { y[b * S * S + i] = 1; damaged++; }
    }
  }
  return { x, y, damaged: damaged / (batch * S * S) };
}
