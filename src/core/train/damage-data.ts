/**
 * Training batches for the damage detector: a clean photo (decoded on the fly, so memory stays
 * small), rescaled to a random content scale, cropped, aged into an old print, damaged by the
 * synthetic generator (sometimes not at all), sometimes JPEG-compressed, then turned into the
 * detector's input (normalised luma) and a 0/1 target.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ImageBuffer } from '../image/types';
import { agePhoto, generateDamage, type FilmMarks } from '../restore/damage/generate';
import { splitHoldout, type HoldoutSplit } from './holdout';
import { SplitRng } from './rng';

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

/** One training sample: a damaged aged crop of `file` and its truth mask. */
export async function makeSample(file: string, rng: SplitRng, o: SampleOptions): Promise<{ image: ImageBuffer; mask: Uint8Array }> {
  const S = o.size;
  // content scale: the detector sees prints at a 1024 px long side; sources are 128–512 px
  const [c0, c1] = o.contentScale ?? [2, 6];
  const img = await decodeScaled(file, Math.round(S * (c0 + (c1 - c0) * rng.uniform())));
  const w = Math.max(S, img.width), h = Math.max(S, img.height);
  const src = w === img.width && h === img.height ? img : await decodeScaled(file, Math.max(w, h) + 1);
  const c = crop(src, rng.int(src.width - S + 1), rng.int(src.height - S + 1), S);
  // a quarter stay colour photos as they are (film scans, modern prints, blown highlights)
  const aged = rng.uniform() < 0.25 ? c : agePhoto(c, { seed: rng.int(2 ** 31) });
  let image = aged;
  let mask: Uint8Array = new Uint8Array(S * S);
  if (rng.uniform() >= (o.cleanFraction ?? 0.25)) {
    const d = generateDamage(aged, { seed: rng.int(2 ** 31), film: o.film, scale: 0.5 + 0.7 * rng.uniform() });
    image = d.image;
    mask = d.mask;
  }
  if (rng.uniform() < 0.3) image = await jpeg(image, 55 + rng.int(40));
  return { image, mask };
}

/** Fills batch tensors x [B,1,S,S] and y [B,1,S,S]. */
export async function makeBatch(files: string[], rng: SplitRng, batch: number, o: SampleOptions): Promise<{ x: Float32Array; y: Float32Array; damaged: number }> {
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
