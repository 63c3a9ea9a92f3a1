// Decode/encode through sharp (libvips). Policy, in one place:
// * Pixels in memory are always upright (EXIF orientation applied) 8-bit sRGB, so every kernel
//   can ignore orientation and colour management.
// * Export with `metadataFrom` carries the original's EXIF (verbatim, Orientation reset to 1),
//   XMP and ICC profile. For an RGB ICC profile the sRGB pixels are converted back into that
//   profile and the original profile bytes are embedded, so colours round-trip (within 8-bit
//   rounding; wide-gamut colours outside sRGB were already clipped on decode). Non-RGB profiles
//   (grey, CMYK) are not re-embedded: output is plain sRGB.
// * Anything the user can get wrong surfaces as an ImageError naming the file.

import { constants as fsConstants, type Stats } from 'node:fs';
import { open, stat, mkdtemp, writeFile, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { ImageError } from './errors';
import { exifTiffPayload, iccColourSpace, pngWithExif, setExifOrientation } from './exif';
import type { ImageBuffer } from './types';

/**
 * 120 MP: above every current camera (100 MP medium format) and a 600-dpi scan of an A3 print
 * (~70 MP), while keeping worst-case memory sane: 120 MP is 360 MB as 8-bit RGB and ~1.4 GB as
 * one float32 RGB working copy. Larger inputs are almost always mistakes (or decompression bombs).
 * Callers can pass a different `maxPixels`.
 */
export const DEFAULT_MAX_PIXELS = 120_000_000;

export interface ImageMeta {
  /** 'jpeg' | 'png' | 'webp' | 'tiff' | 'avif' | 'heic' | 'gif' … ('avif'/'heic' split sharp's 'heif'). */
  format: string;
  /** Upright size, i.e. after EXIF orientation. */
  width: number;
  height: number;
  /** EXIF orientation 1..8 as stored in the file (1 when absent). */
  orientation: number;
  hasExif: boolean;
  hasIcc: boolean;
  hasXmp: boolean;
  /** libvips interpretation of the stored pixels, e.g. 'srgb', 'b-w', 'cmyk', 'rgb16'. */
  space: string;
}

export type ExportFormat = 'jpeg' | 'png' | 'webp' | 'tiff' | 'avif';

/** Formats we accept as input. SVG/PDF etc. are refused: this is a photo tool. */
const READABLE = new Set(['jpeg', 'png', 'webp', 'tiff', 'avif', 'gif']);

function label(name: string | undefined): string {
  return name ?? 'image';
}

/** ISO-BMFF brands of HEVC-coded HEIF ("HEIC"), which the prebuilt libvips cannot decode. */
function looksLikeHeic(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 64));
  if (b.toString('latin1', 4, 8) !== 'ftyp') return false;
  const brands = b.toString('latin1', 8, Math.min(b.length, 64));
  return /hei[cxms]|hev[cxms]/.test(brands) && !/avi[fs]/.test(b.toString('latin1', 8, 12));
}

function heicError(name: string | undefined): ImageError {
  return new ImageError(
    'UNSUPPORTED_FORMAT',
    'HEIC (HEVC-coded HEIF) is not supported by this build of libvips; convert it to JPEG or AVIF first',
    label(name),
  );
}

/**
 * Container-level truncation check, used only once libvips has already failed, to tell "the file
 * ends early" (a partial copy or download) from "the data is damaged".
 */
function truncatedContainer(bytes: Uint8Array): string | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47) {
    return b.subarray(Math.max(0, b.length - 12)).includes('IEND', 0, 'latin1') ? undefined : 'PNG';
  }
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
    return b.readUInt32LE(4) + 8 > b.length ? 'WebP' : undefined;
  }
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
    return b.includes(Buffer.from([0xff, 0xd9])) ? undefined : 'JPEG';
  }
  if (b.length >= 6 && b.toString('latin1', 0, 3) === 'GIF') return b[b.length - 1] === 0x3b ? undefined : 'GIF';
  return undefined;
}

/** Translate a libvips/sharp failure into an ImageError with a plain-language reason. */
function fromSharpError(e: unknown, name: string | undefined, bytes: Uint8Array, format?: string): ImageError {
  if (e instanceof ImageError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  const file = label(name);
  const cut = truncatedContainer(bytes);
  if (cut || /premature end|truncat|end of (file|stream|data|input)|unexpected end|not enough data|out of data|short read/i.test(msg)) {
    const fmt = cut ?? (format ?? 'image').toUpperCase();
    return new ImageError('TRUNCATED', `file is truncated (${fmt} data ends early)`, file, { cause: e });
  }
  if (/unsupported image format|corrupt header/i.test(msg)) {
    return new ImageError('NOT_AN_IMAGE', 'not an image (or a format Renovo cannot read)', file, { cause: e });
  }
  if (/pixel limit/i.test(msg)) {
    return new ImageError('TOO_LARGE', 'image is larger than the pixel limit', file, { cause: e });
  }
  const detail = msg.trim().split('\n').slice(-1)[0];
  return new ImageError('NOT_AN_IMAGE', `image data is corrupt or unreadable (${detail})`, file, { cause: e });
}

/**
 * 1 GiB: a whole 120 MP image stored uncompressed at 16 bits per channel (720 MB) still fits, while
 * a runaway read (a link to a device, a growing file) is stopped long before memory runs out.
 */
export const MAX_IMAGE_FILE_BYTES = 2 ** 30;

function fileKind(st: Stats): string {
  if (st.isFIFO()) return 'a named pipe';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

/**
 * Read a whole image file (`what` names another kind in the messages, e.g. 'ONNX model'). Only
 * regular files are read (a FIFO would block forever, a link to
 * /dev/zero would never end), and never more than `maxBytes`. NOT_FOUND names the path.
 */
export async function readImageFile(path: string, maxBytes = MAX_IMAGE_FILE_BYTES, what = 'image'): Promise<Buffer> {
  let st: Stats;
  try {
    st = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' || code === 'ENOTDIR' ? 'file not found' : `cannot be read (${code ?? 'error'})`;
    throw new ImageError('NOT_FOUND', why, path, { cause: e });
  }
  if (st.isDirectory()) throw new ImageError('NOT_AN_IMAGE', `is a directory, not an ${what} file`, path);
  const notRegular = (s: Stats): ImageError => new ImageError('NOT_AN_IMAGE', `is not a regular file (${fileKind(s)}); give an ${what} file`, path);
  if (!st.isFile()) throw notRegular(st);
  const tooLarge = (): ImageError =>
    new ImageError('TOO_LARGE', `file is larger than the ${Math.round(maxBytes / 2 ** 20)} MiB limit for ${what}s`, path);
  if (st.size > maxBytes) throw tooLarge();
  let fh: FileHandle;
  try {
    // O_NONBLOCK: if a pipe was swapped in after the stat, opening it must not hang.
    fh = await open(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (e) {
    throw new ImageError('NOT_FOUND', `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`, path, { cause: e });
  }
  try {
    const opened = await fh.stat();
    if (!opened.isFile()) throw notRegular(opened);
    // Read at most maxBytes + 1: a file that grew past the limit since the stat is refused too.
    const buf = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(opened.size, 64 * 1024)));
    let used = 0;
    let chunk = buf;
    for (;;) {
      if (used === chunk.length) {
        if (used > maxBytes) throw tooLarge();
        const grown = Buffer.allocUnsafe(Math.min(maxBytes + 1, used * 2));
        chunk.copy(grown, 0, 0, used);
        chunk = grown;
      }
      const { bytesRead } = await fh.read(chunk, used, chunk.length - used, null);
      if (bytesRead === 0) break;
      used += bytesRead;
    }
    if (used > maxBytes) throw tooLarge();
    return chunk.subarray(0, used);
  } catch (e) {
    if (e instanceof ImageError) throw e;
    throw new ImageError('NOT_FOUND', `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`, path, { cause: e });
  } finally {
    await fh.close();
  }
}

/** Header-only inspection: no pixels are decoded. */
export async function probeImage(bytes: Uint8Array, name?: string): Promise<ImageMeta> {
  if (bytes.byteLength === 0) throw new ImageError('NOT_AN_IMAGE', 'file is empty (0 bytes)', label(name));
  let m: Metadata;
  try {
    m = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (e) {
    if (looksLikeHeic(bytes) && !codecSupport().heic) throw heicError(name);
    throw fromSharpError(e, name, bytes);
  }
  let format: string = m.format;
  if (format === 'heif') {
    if (m.compression === 'hevc' && !codecSupport().heic) throw heicError(name);
    format = m.compression === 'hevc' ? 'heic' : m.compression === 'av1' ? 'avif' : 'heif';
  }
  if (!READABLE.has(format) && !(format === 'heic' && codecSupport().heic)) {
    throw new ImageError('UNSUPPORTED_FORMAT', `${format.toUpperCase()} files are not supported (use JPEG, PNG, WebP, TIFF or AVIF)`, label(name));
  }
  return {
    format,
    width: m.autoOrient?.width ?? m.width,
    height: m.autoOrient?.height ?? m.height,
    orientation: m.orientation ?? 1,
    hasExif: !!m.exif && m.exif.length > 0,
    hasIcc: !!m.icc && m.icc.length > 0,
    hasXmp: !!m.xmp && m.xmp.length > 0,
    space: m.space,
  };
}

function checkPixelLimit(meta: ImageMeta, maxPixels: number, name: string | undefined): void {
  const px = meta.width * meta.height;
  if (px > maxPixels) {
    const mp = (n: number): string => `${(n / 1e6).toFixed(1)} MP`;
    throw new ImageError(
      'TOO_LARGE',
      `image is ${meta.width}×${meta.height} (${mp(px)}), above the limit of ${mp(maxPixels)}`,
      label(name),
    );
  }
}

/**
 * Decode to upright 8-bit sRGB. Default 3 channels (alpha flattened onto white, which is what a
 * viewer shows); channels 4 keeps/adds alpha. Truncated or corrupt data fails (failOn 'error'):
 * a half-grey photo must never silently enter the pipeline. Warnings (e.g. extraneous bytes
 * between JPEG markers, common in camera files) are tolerated.
 */
export async function decodeImage(
  bytes: Uint8Array,
  opts: { name?: string; maxPixels?: number; channels?: 3 | 4 } = {},
): Promise<{ image: ImageBuffer; meta: ImageMeta }> {
  const { name, maxPixels = DEFAULT_MAX_PIXELS, channels = 3 } = opts;
  const meta = await probeImage(bytes, name);
  checkPixelLimit(meta, maxPixels, name); // before any pixel is decoded
  try {
    let p = sharp(bytes, { failOn: 'error', limitInputPixels: maxPixels, autoOrient: true }).toColourspace('srgb');
    p = channels === 3 ? p.flatten({ background: '#ffffff' }) : p.ensureAlpha();
    const { data, info } = await p.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== channels) throw new Error(`decoder produced ${info.channels} channels, expected ${channels}`);
    const image: ImageBuffer = {
      width: info.width,
      height: info.height,
      channels,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
    return { image, meta };
  } catch (e) {
    throw fromSharpError(e, name, bytes, meta.format);
  }
}

function rawInput(image: ImageBuffer): { raw: { width: number; height: number; channels: 1 | 3 | 4 } } {
  const { width, height, channels, data } = image;
  if (data.length !== width * height * channels) {
    throw new RangeError(`ImageBuffer data has ${data.length} bytes, expected ${width}×${height}×${channels}`);
  }
  return { raw: { width, height, channels } };
}

function greyToRgb(image: ImageBuffer): ImageBuffer {
  const n = image.width * image.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = image.data[i];
  return { width: image.width, height: image.height, channels: 3, data: out };
}

const DEFAULT_QUALITY: Record<ExportFormat, number> = { jpeg: 92, webp: 90, avif: 60, png: 100, tiff: 100 };

/**
 * Encode upright sRGB pixels. With `metadataFrom` (the original file's bytes) the output keeps the
 * original's EXIF (Orientation reset to 1), XMP and RGB ICC profile (pixels converted into it).
 * TIFF output gets ICC and XMP but no EXIF (libvips' TIFF writer does not emit an EXIF IFD).
 */
export async function encodeImage(
  image: ImageBuffer,
  opts: { format: ExportFormat; quality?: number; metadataFrom?: Uint8Array },
): Promise<Buffer> {
  const { format } = opts;
  const quality = Math.max(1, Math.min(100, Math.round(opts.quality ?? DEFAULT_QUALITY[format])));
  let src = image;
  rawInput(src);

  let exif: Buffer | undefined;
  let xmp: string | undefined;
  let icc: Buffer | undefined;
  if (opts.metadataFrom && opts.metadataFrom.byteLength > 0) {
    const m = await sharp(opts.metadataFrom).metadata().catch((e: unknown) => {
      throw fromSharpError(e, 'metadata source', opts.metadataFrom ?? new Uint8Array());
    });
    if (m.exif && m.exif.length > 8) {
      exif = exifTiffPayload(m.exif);
      setExifOrientation(exif, 1); // pixels are upright now
    }
    if (m.xmp && m.xmp.length > 0) xmp = m.xmpAsString ?? m.xmp.toString('utf8');
    if (m.icc && iccColourSpace(m.icc) === 'RGB ') icc = m.icc;
  }
  if (icc && src.channels === 1) src = greyToRgb(src);

  let tmpDir: string | undefined;
  try {
    let p: Sharp;
    if (exif) {
      // Uncompressed PNG carrier holding the pixels plus the original EXIF blob (see exif.ts).
      const carrier = await sharp(src.data, rawInput(src)).png({ compressionLevel: 0 }).toBuffer();
      p = sharp(pngWithExif(carrier, exif), { limitInputPixels: false }).keepExif();
    } else {
      p = sharp(src.data, { ...rawInput(src), limitInputPixels: false });
    }
    if (xmp) p = p.withXmp(xmp);
    if (icc) {
      // sharp takes an output profile by path only.
      tmpDir = await mkdtemp(join(tmpdir(), 'renovo-icc-'));
      const iccPath = join(tmpDir, 'profile.icc');
      await writeFile(iccPath, icc);
      p = p.withIccProfile(iccPath, { attach: true });
    }
    if (format === 'jpeg' && src.channels === 4) p = p.flatten({ background: '#ffffff' });
    switch (format) {
      case 'jpeg':
        p = p.jpeg({ quality, chromaSubsampling: quality >= 90 ? '4:4:4' : '4:2:0', mozjpeg: false });
        break;
      case 'png':
        p = p.png({ compressionLevel: 6 });
        break;
      case 'webp':
        p = p.webp({ quality, lossless: quality >= 100 });
        break;
      case 'tiff':
        p = p.tiff({ compression: 'lzw' });
        break;
      case 'avif':
        p = p.avif({ quality, lossless: quality >= 100 });
        break;
      default:
        throw new ImageError('UNSUPPORTED_FORMAT', `cannot export format "${String(format)}"`);
    }
    return await p.toBuffer();
  } finally {
    if (tmpDir) await rm(tmpDir, { recursive: true, force: true });
  }
}

/** Upright WebP preview no larger than maxSide on its longer side (never upscaled). */
export async function makePreview(
  bytes: Uint8Array,
  maxSide: number,
  opts: { name?: string; maxPixels?: number } = {},
): Promise<{ bytes: Buffer; width: number; height: number; format: 'webp' }> {
  if (!(maxSide >= 1)) throw new RangeError(`makePreview: maxSide must be >= 1, got ${maxSide}`);
  const meta = await probeImage(bytes, opts.name);
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  checkPixelLimit(meta, maxPixels, opts.name);
  try {
    const side = Math.floor(maxSide);
    const { data, info } = await sharp(bytes, { failOn: 'error', limitInputPixels: maxPixels, autoOrient: true })
      .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .webp({ quality: 82 })
      .toBuffer({ resolveWithObject: true });
    return { bytes: data, width: info.width, height: info.height, format: 'webp' };
  } catch (e) {
    throw fromSharpError(e, opts.name, bytes, meta.format);
  }
}

/** Export format implied by a file name's extension (undefined when Renovo cannot write it). */
export function formatFromName(name: string): ExportFormat | undefined {
  const m = /\.([^./\\]+)$/.exec(name);
  switch (m?.[1].toLowerCase()) {
    case 'jpg':
    case 'jpeg':
    case 'jpe':
    case 'jfif':
      return 'jpeg';
    case 'png':
      return 'png';
    case 'webp':
      return 'webp';
    case 'tif':
    case 'tiff':
      return 'tiff';
    case 'avif':
      return 'avif';
    default:
      return undefined;
  }
}

export interface CodecSupport {
  /** Input formats Renovo accepts with this libvips build. */
  read: string[];
  /** Export formats encodeImage can write. */
  write: ExportFormat[];
  /** True only if libvips' libheif can decode HEVC (HEIC); the prebuilt sharp binaries cannot. */
  heic: boolean;
  libvips: string;
}

/** What this build of sharp/libvips can do, checked at run time (for UI file filters, `renovo doctor`). */
export function codecSupport(): CodecSupport {
  const f = sharp.format;
  const heifSuffixes = f.heif?.input.fileSuffix ?? [];
  const heic = heifSuffixes.some((s) => /\.hei[cf]$/i.test(s));
  const read = (['jpeg', 'png', 'webp', 'tiff', 'gif'] as const).filter((k) => f[k]?.input.buffer) as string[];
  if (f.heif?.input.buffer) read.push('avif');
  if (heic) read.push('heic');
  const write: ExportFormat[] = [];
  if (f.jpeg.output.buffer) write.push('jpeg');
  if (f.png.output.buffer) write.push('png');
  if (f.webp.output.buffer) write.push('webp');
  if (f.tiff.output.buffer) write.push('tiff');
  if (f.heif?.output.buffer) write.push('avif');
  return { read, write, heic, libvips: sharp.versions.vips };
}
