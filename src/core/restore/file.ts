// One file of a batch: read → decode (EXIF-upright) → restore → encode in the input's format with
// its EXIF/XMP/ICC → small report thumbnails. Pure with respect to the file system apart from
// reading the input: writing is the batch runner's job (it must journal before it writes).
// Runs on the main thread or inside a worker thread (see worker.ts); inputs and outputs are
// structured-cloneable.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { decodeImage, encodeImage, formatFromName, readImageFile } from '../image';
import type { ImageBuffer, MaskBuffer, RunControl } from '../image/types';
import { restorePhoto, type RestoreOptions, type RestoreStats } from './pipeline';

export interface FileTask {
  inputPath: string;
  /** decides the output format (same extension as the input) */
  outputPath: string;
  options: RestoreOptions;
  /** JPEG/WebP/AVIF quality of the output (default: the image module's default) */
  quality?: number;
  maxPixels?: number;
  /** longest side of the report thumbnails, px (default 256; 0 = none) */
  thumbSize?: number;
}

export interface FileThumbs {
  before: Uint8Array;
  after: Uint8Array;
  /** the input with the damage mask overlaid in red */
  mask: Uint8Array;
}

export interface FileResult {
  bytes: Uint8Array;
  sha256: string;
  width: number;
  height: number;
  format: string;
  stats: RestoreStats;
  thumbs: FileThumbs | null;
}

async function thumbJpeg(img: ImageBuffer, size: number): Promise<{ bytes: Uint8Array; width: number; height: number; raw: Uint8Array }> {
  const { data, info } = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels }, limitInputPixels: false })
    .resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const bytes = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
  return { bytes: new Uint8Array(bytes), width: info.width, height: info.height, raw: new Uint8Array(data) };
}

/** Max-pools the mask down to w×h so thin scratches stay visible in a thumbnail. */
function poolMask(mask: MaskBuffer, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  const sx = mask.width / w, sy = mask.height / h;
  for (let y = 0; y < mask.height; y++) {
    const ty = Math.min(h - 1, Math.floor(y / sy)) * w;
    const row = y * mask.width;
    for (let x = 0; x < mask.width; x++) if (mask.data[row + x]) out[ty + Math.min(w - 1, Math.floor(x / sx))] = 1;
  }
  return out;
}

async function makeThumbs(before: ImageBuffer, after: ImageBuffer, mask: MaskBuffer, size: number): Promise<FileThumbs> {
  const b = await thumbJpeg(before, size);
  const a = await thumbJpeg(after, size);
  const m = poolMask(mask, b.width, b.height);
  const over = new Uint8Array(b.raw);
  for (let i = 0; i < m.length; i++) {
    if (!m[i]) continue;
    over[i * 3] = 255;
    over[i * 3 + 1] = Math.round(over[i * 3 + 1] * 0.25);
    over[i * 3 + 2] = Math.round(over[i * 3 + 2] * 0.25);
  }
  const mk = await sharp(over, { raw: { width: b.width, height: b.height, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
  return { before: b.bytes, after: a.bytes, mask: new Uint8Array(mk) };
}

/** Restores one file; throws ImageError (naming the file) for unreadable input. */
export async function restoreFile(task: FileTask, control: RunControl = {}): Promise<FileResult> {
  const format = formatFromName(task.outputPath);
  if (!format) throw new Error(`${task.outputPath}: cannot write this file type`);
  const original = await readImageFile(task.inputPath);
  let image: ImageBuffer | null = (await decodeImage(original, { name: task.inputPath, maxPixels: task.maxPixels })).image;
  const { width, height } = image;
  const res = await restorePhoto(image, task.options, control);
  const size = task.thumbSize ?? 256;
  const thumbs = size > 0 ? await makeThumbs(image, res.image, res.mask, size) : null;
  // peak memory: let the decoded original and the mask go before the encoder makes its copies
  image = null;
  const restored = res.image;
  (res as { mask: MaskBuffer | null }).mask = null;
  const encoded = await encodeImage(restored, { format, quality: task.quality, metadataFrom: original });
  const bytes = new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  return {
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    width,
    height,
    format,
    stats: res.stats,
    thumbs,
  };
}
