/**
 * Image-folder datasets for GAN training: a recursive scan (JPEG/PNG/WebP/TIFF; system files and
 * non-images skipped with a warning), decoding via sharp (EXIF orientation applied, alpha dropped),
 * a square centre crop resized to the stored size, and a preprocessed uint8 cache on disk so that
 * every epoch after the first (and every later run on the same folder) skips decoding.
 *
 * Augmentation happens per batch in `BatchSampler`: random crops (when the stored size exceeds the
 * model resolution) and horizontal flips, drawn from the trainer's seeded RNG.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join, relative, sep } from 'node:path';
import sharp from 'sharp';
import { splitHoldout, type HoldoutSplit } from './holdout';
import type { Rng } from '../random';

export class DatasetError extends Error {
  override name = 'DatasetError';
}

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff'];
const SYSTEM_NAMES = new Set(['thumbs.db', 'desktop.ini', '.ds_store', 'icon\r']);
const SYSTEM_DIRS = new Set(['__macosx', '.git', '.svn', '@eadir', '$recycle.bin', '.trash', '.trashes']);
const CACHE_VERSION = 1;

export type CropMode = 'center' | 'random';

export interface DatasetOptions {
  /** Model resolution (square). */
  resolution: number;
  /** 'random': store at 1.125× and crop randomly per batch; 'center': store at the model resolution. */
  crop?: CropMode;
  /** Where preprocessed copies are kept (default: <os tmp>/renovo-dataset-cache). */
  cacheDir?: string;
  /** Disable the on-disk cache (tests). */
  noCache?: boolean;
  /** Fewer usable images than this is a DatasetError (default 8). */
  minImages?: number;
  /** Leave this percentage of the folder out of training (deterministic split, see holdout.ts). */
  holdoutPercent?: number;
  onWarning?: (message: string) => void;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface Dataset {
  root: string;
  /** Relative paths (forward slashes) of the usable images, sorted. */
  files: string[];
  count: number;
  /** sha256 over the sorted (relative path, sha256 of the file bytes) list. */
  contentHash: string;
  resolution: number;
  crop: CropMode;
  /** Side of the stored square images. */
  stored: number;
  /** count × stored × stored × 3 RGB bytes (HWC, row-major). */
  pixels: Uint8Array;
  skipped: SkippedFile[];
  cachePath: string | null;
  fromCache: boolean;
  /** Images left out of `files` for evaluation, when a holdout was asked for. */
  heldOut?: HoldoutSplit;
}

interface Found {
  images: string[];
  skipped: SkippedFile[];
}

async function scan(root: string, dir: string, out: Found): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = join(dir, e.name);
    const rel = relative(root, full).split(sep).join('/');
    const lower = e.name.toLowerCase();
    if (e.isDirectory()) {
      if (SYSTEM_DIRS.has(lower) || lower.startsWith('.')) {
        out.skipped.push({ file: rel, reason: 'system folder' });
        continue;
      }
      await scan(root, full, out);
    } else if (e.isFile()) {
      if (SYSTEM_NAMES.has(lower) || lower.startsWith('._') || lower.startsWith('.')) out.skipped.push({ file: rel, reason: 'system file' });
      else if (!IMAGE_EXTENSIONS.includes(extname(lower))) out.skipped.push({ file: rel, reason: `not an image (${extname(lower) || 'no extension'})` });
      else out.images.push(rel);
    }
  }
}

const storedSize = (resolution: number, crop: CropMode): number => (crop === 'random' ? Math.round(resolution * 1.125) : resolution);

async function decodeSquare(bytes: Uint8Array, size: number): Promise<Uint8Array> {
  const { data, info } = await sharp(bytes, { failOn: 'error' })
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .resize(size, size, { fit: 'cover', position: 'centre', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels === 3) return new Uint8Array(data.buffer, data.byteOffset, data.length);
  // Greyscale input: replicate to RGB.
  const out = new Uint8Array(size * size * 3);
  for (let i = 0; i < size * size; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = data[i * info.channels];
  return out;
}

interface CacheHeader {
  version: number;
  files: string[];
  contentHash: string;
  stored: number;
  skipped: SkippedFile[];
}

async function readCache(path: string): Promise<{ header: CacheHeader; pixels: Uint8Array } | null> {
  try {
    const buf = await readFile(path);
    const n = buf.readUInt32LE(0);
    const header = JSON.parse(buf.subarray(4, 4 + n).toString('utf8')) as CacheHeader;
    const pixels = new Uint8Array(buf.buffer, buf.byteOffset + 4 + n, buf.length - 4 - n);
    if (header.version !== CACHE_VERSION || pixels.length !== header.files.length * header.stored * header.stored * 3) return null;
    return { header, pixels };
  } catch {
    return null;
  }
}

async function writeCache(path: string, header: CacheHeader, pixels: Uint8Array): Promise<void> {
  const h = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(h.length, 0);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, Buffer.concat([len, h, pixels]));
  await rename(tmp, path);
}

/** Scan, decode and preprocess a folder (or load its cached preprocessed copy). */
export async function loadImageFolder(root: string, opts: DatasetOptions): Promise<Dataset> {
  const crop = opts.crop ?? 'random';
  const warn = opts.onWarning ?? ((): void => {});
  const minImages = opts.minImages ?? 8;
  let st;
  try {
    st = await stat(root);
  } catch {
    throw new DatasetError(`dataset folder ${root} does not exist`);
  }
  if (!st.isDirectory()) throw new DatasetError(`dataset path ${root} is not a folder`);
  const found: Found = { images: [], skipped: [] };
  await scan(root, root, found);
  const { kept, held } = splitHoldout(found.images, opts.holdoutPercent ?? 0);
  found.images = kept;
  const stored = storedSize(opts.resolution, crop);

  // Cache key: the file list with sizes and modification times, and the preprocessing settings.
  const keyHash = createHash('sha256').update(`v${CACHE_VERSION}|${stored}|${root}\n`);
  for (const f of found.images) {
    const s = await stat(join(root, f));
    keyHash.update(`${f}\0${s.size}\0${Math.round(s.mtimeMs)}\n`);
  }
  const cacheDir = opts.cacheDir ?? join(tmpdir(), 'renovo-dataset-cache');
  const cachePath = opts.noCache ? null : join(cacheDir, `${basename(root).replace(/[^\w.-]/g, '_')}-${stored}-${keyHash.digest('hex').slice(0, 16)}.bin`);
  const finish = (files: string[], contentHash: string, pixels: Uint8Array, skipped: SkippedFile[], fromCache: boolean): Dataset => {
    for (const s of skipped) warn(`skipped ${s.file}: ${s.reason}`);
    if (files.length < minImages) {
      throw new DatasetError(`dataset folder ${root} has ${files.length} usable image${files.length === 1 ? '' : 's'} (need at least ${minImages}; JPEG/PNG/WebP/TIFF${skipped.length ? `; ${skipped.length} file(s) skipped` : ''})`);
    }
    return { root, files, count: files.length, contentHash, resolution: opts.resolution, crop, stored, pixels, skipped, cachePath, fromCache, ...(held ? { heldOut: held } : {}) };
  };
  if (cachePath) {
    const hit = await readCache(cachePath);
    if (hit) return finish(hit.header.files, hit.header.contentHash, hit.pixels, hit.header.skipped, true);
  }

  const per = stored * stored * 3;
  const chunks: (Uint8Array | null)[] = new Array(found.images.length).fill(null);
  const hashes: string[] = new Array(found.images.length).fill('');
  const skipped = [...found.skipped];
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < found.images.length) {
      if (opts.signal?.aborted) throw new DatasetError('dataset loading cancelled');
      const i = next++;
      const rel = found.images[i];
      try {
        const bytes = await readFile(join(root, rel));
        hashes[i] = createHash('sha256').update(bytes).digest('hex');
        chunks[i] = await decodeSquare(bytes, stored);
      } catch (e) {
        skipped.push({ file: rel, reason: `cannot decode (${(e as Error).message.split('\n')[0]})` });
      }
      opts.onProgress?.(++done, found.images.length);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const files: string[] = [];
  const content = createHash('sha256');
  const good: Uint8Array[] = [];
  found.images.forEach((f, i) => {
    const c = chunks[i];
    if (!c) return;
    files.push(f);
    good.push(c);
    content.update(`${f}\0${hashes[i]}\n`);
  });
  const pixels = new Uint8Array(files.length * per);
  good.forEach((c, i) => pixels.set(c, i * per));
  const contentHash = content.digest('hex');
  skipped.sort((a, b) => (a.file < b.file ? -1 : 1));
  if (cachePath && files.length >= minImages) {
    try {
      await mkdir(cacheDir, { recursive: true });
      await writeCache(cachePath, { version: CACHE_VERSION, files, contentHash, stored, skipped }, pixels);
    } catch (e) {
      warn(`could not write the dataset cache ${cachePath}: ${(e as Error).message}`);
    }
  }
  return finish(files, contentHash, pixels, skipped, false);
}

/** An in-memory dataset from generated images (tests, synthetic distributions). */
export function datasetFromPixels(pixels: Uint8Array, count: number, size: number, crop: CropMode = 'center'): Dataset {
  if (pixels.length !== count * size * size * 3) throw new DatasetError(`datasetFromPixels: ${pixels.length} bytes for ${count} images of ${size}×${size}`);
  const resolution = crop === 'random' ? Math.round(size / 1.125) : size;
  const contentHash = createHash('sha256').update(pixels).digest('hex');
  return { root: '(memory)', files: Array.from({ length: count }, (_, i) => `#${i}`), count, contentHash, resolution, crop, stored: size, pixels, skipped: [], cachePath: null, fromCache: false };
}

export interface SamplerState {
  epoch: number;
  cursor: number;
  perm: number[];
}

/**
 * Draws shuffled batches (a new permutation each epoch, the last partial batch dropped) as NCHW
 * float32 in [-1, 1], with random crops and horizontal flips. All randomness comes from `rng`.
 */
export class BatchSampler {
  epoch = 0;
  cursor = 0;
  perm: Uint32Array;
  readonly batchesPerEpoch: number;

  constructor(readonly ds: Dataset, readonly batch: number, private readonly rng: Rng, readonly flip = true) {
    if (ds.count < batch) throw new DatasetError(`dataset ${ds.root} has ${ds.count} images, fewer than one batch of ${batch}`);
    this.batchesPerEpoch = Math.floor(ds.count / batch);
    this.perm = rng.permutation(ds.count);
  }

  /** The next batch; `newEpoch` is true when this batch started a new epoch (not for the very first). */
  next(): { data: Float32Array; newEpoch: boolean } {
    let newEpoch = false;
    if (this.cursor + this.batch > this.ds.count) {
      this.perm = this.rng.permutation(this.ds.count);
      this.cursor = 0;
      this.epoch++;
      newEpoch = true;
    }
    const { resolution: R, stored: S, pixels } = this.ds;
    const plane = R * R;
    const out = new Float32Array(this.batch * 3 * plane);
    for (let b = 0; b < this.batch; b++) {
      const img = this.perm[this.cursor + b];
      const ox = S > R ? this.rng.int(S - R + 1) : 0;
      const oy = S > R ? this.rng.int(S - R + 1) : 0;
      const mirror = this.flip && this.rng.uniform() < 0.5;
      const base = img * S * S * 3;
      const o = b * 3 * plane;
      for (let y = 0; y < R; y++) {
        const row = base + ((y + oy) * S + ox) * 3;
        for (let x = 0; x < R; x++) {
          const sx = mirror ? R - 1 - x : x;
          const p = row + sx * 3;
          const q = o + y * R + x;
          out[q] = pixels[p] / 127.5 - 1;
          out[q + plane] = pixels[p + 1] / 127.5 - 1;
          out[q + 2 * plane] = pixels[p + 2] / 127.5 - 1;
        }
      }
    }
    this.cursor += this.batch;
    return { data: out, newEpoch };
  }

  get state(): SamplerState {
    return { epoch: this.epoch, cursor: this.cursor, perm: Array.from(this.perm) };
  }

  set state(s: SamplerState) {
    if (s.perm.length !== this.ds.count) throw new DatasetError(`checkpoint sampler state is for ${s.perm.length} images, dataset has ${this.ds.count}`);
    this.epoch = s.epoch;
    this.cursor = s.cursor;
    this.perm = Uint32Array.from(s.perm);
  }
}
