// CLI-facing helpers: inpaint a photo file with a mask file, and read the history.
// The original is only referenced (its absolute path is registered), never copied or modified.
import { realpathSync, existsSync, statSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ApiError, type SourceAreaMode } from '../../shared/api';
import { writeFileAtomic } from '../image/files';
import { decodeImage, encodeImage, formatFromName, readImageFile, type ExportFormat } from '../image/io';
import type { AppRunnerOptions } from './workers';
import { sha256Hex } from '../library';
import type { EditRow, PhotoRow } from '../store';
import { openAppContext } from './context';
import { extensionFor, stem } from './files';
import { inpaintModel, prepareMask, recordInpaintEdit, resolveInpaintModel, runInpaintJob, type InpaintSettings } from './inpaint';
import { registerShippedModels } from './models';
import { checkSourceAreaEngine, nameSourceFailure, prepareSourceArea } from './source-area';

export interface InpaintFileOptions extends InpaintSettings {
  libraryDir: string;
  photoPath: string;
  maskPath: string;
  /** Where the fill may (include, the default) or may not (exclude) copy from: a mask file like the hole's. */
  sourceMaskPath?: string;
  sourceMode?: SourceAreaMode;
  /** Default: `<photo dir>/<name>-renovo.<ext>`. */
  outputPath?: string;
  overwrite?: boolean;
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
  runner?: AppRunnerOptions;
}

export interface InpaintFileResult {
  editId: number;
  photoId: number;
  outputPath: string;
  engine: string;
  durationMs: number;
  seed: number;
  /** engines 'gan-zopt' and 'onnx': the model version used; gan-zopt: the parameters recorded with the edit. */
  model?: { id: number; name: string; version: number };
  gan?: Record<string, unknown>;
  /** engine 'onnx': the execution provider and how many crops the model ran on. */
  onnx?: { provider: string; crops: number };
  /** The source area the fill was restricted to, as recorded with the edit. */
  sourceArea?: { mode: SourceAreaMode; pixels: number };
}

const WRITABLE_EXT = new Set(['jpg', 'jpeg', 'png', 'webp', 'tif', 'tiff']);

/** `<photo dir>/<name>-renovo.<ext>`; formats Renovo cannot write (e.g. GIF) become PNG. */
export function defaultOutputPath(photoPath: string): string {
  const ext = extname(photoPath).slice(1).toLowerCase();
  const outExt = WRITABLE_EXT.has(ext) ? extname(photoPath).slice(1) : 'png';
  return join(dirname(photoPath), `${stem(basename(photoPath))}-renovo.${outExt}`);
}

/** The default output name, or `name-renovo-2.ext`, `-3`… when taken: reruns never fail or replace an earlier result. */
export function nextFreeOutputPath(photoPath: string): string {
  const first = defaultOutputPath(photoPath);
  if (!existsSync(first)) return first;
  const ext = extname(first);
  const base = first.slice(0, first.length - ext.length);
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}${ext}`;
    if (!existsSync(candidate)) return candidate;
  }
}

function canonical(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    try {
      return join(realpathSync(dirname(p)), basename(p));
    } catch {
      return resolve(p);
    }
  }
}

/**
 * Checks the output path before any work is done: never the original (or the mask), never an
 * existing file unless `overwrite`, and a format Renovo can write. Throws ApiError WRITE_REFUSED /
 * INVALID_INPUT. (writeFileAtomic checks again at write time, so a race cannot slip through.)
 */
export function checkOutputPath(outputPath: string, protect: string[], overwrite: boolean): ExportFormat {
  const out = canonical(outputPath);
  const existing = statSync(outputPath, { throwIfNoEntry: false });
  if (existing?.isDirectory()) {
    throw new ApiError('WRITE_REFUSED', `${outputPath} is a folder; give the output file's name, e.g. ${join(outputPath, 'photo-renovo.jpg')}`);
  }
  for (const p of protect) {
    // Same path, or the same file under another name (a hard link): compared by device + inode.
    const ps = existing && statSync(p, { throwIfNoEntry: false });
    if (canonical(p) === out || (existing && ps && ps.dev === existing.dev && ps.ino === existing.ino)) {
      throw new ApiError('WRITE_REFUSED', `${outputPath}: refusing to write over the input file ${p}; originals are never modified`);
    }
  }
  const folder = dirname(resolve(outputPath));
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
    throw new ApiError('WRITE_REFUSED', `${outputPath}: the folder ${folder} does not exist`);
  }
  const format = formatFromName(outputPath);
  if (!format || format === 'avif') {
    throw new ApiError('INVALID_INPUT', `${outputPath}: cannot write this file type; use .jpg, .png, .webp or .tif`);
  }
  if (!overwrite && existsSync(outputPath)) {
    throw new ApiError('WRITE_REFUSED', `${outputPath}: file already exists (use --overwrite to replace it)`);
  }
  return format;
}

/** Inpaints `photoPath` with `maskPath`, writes the result and records the edit in the library. */
export async function inpaintFile(opts: InpaintFileOptions): Promise<InpaintFileResult> {
  const photoPath = resolve(opts.photoPath);
  const maskPath = resolve(opts.maskPath);
  const sourceMaskPath = opts.sourceMaskPath === undefined ? undefined : resolve(opts.sourceMaskPath);
  const inputs = sourceMaskPath === undefined ? [photoPath, maskPath] : [photoPath, maskPath, sourceMaskPath];
  const outputPath = resolve(opts.outputPath ?? defaultOutputPath(photoPath));
  const format = checkOutputPath(outputPath, inputs, opts.overwrite ?? false);
  if (sourceMaskPath !== undefined) checkSourceAreaEngine(opts.engine);

  // Validate every input before the library is opened: bad input writes nothing anywhere.
  const photoBytes = await readImageFile(photoPath);
  const { image, meta } = await decodeImage(photoBytes, { name: photoPath });
  const maskBytes = await readImageFile(maskPath);
  const mask = await prepareMask(maskBytes, image, maskPath, opts.dilate);
  const sourceArea = sourceMaskPath === undefined
    ? null
    : await prepareSourceArea(await readImageFile(sourceMaskPath), mask.mask, sourceMaskPath, opts.sourceMode ?? 'include');
  const settings: InpaintSettings = {
    engine: opts.engine, blend: opts.blend, dilate: opts.dilate, seed: opts.seed, modelId: opts.modelId, modelName: opts.modelName, gan: opts.gan,
  };

  const ctx = await openAppContext(opts.libraryDir, { runner: opts.runner });
  try {
    if (settings.engine === 'gan-zopt') registerShippedModels(ctx.library);
    const model = resolveInpaintModel(ctx.library, settings); // MODEL_REQUIRED / MODEL_NOT_FOUND before any work
    const run = await runInpaintJob(ctx.runner, image, mask.mask, settings, { signal: opts.signal, onProgress: opts.onProgress }, {
      model: model && inpaintModel(ctx.library, model),
      sourceArea,
    }).catch((e: unknown) => {
      throw sourceMaskPath === undefined ? e : nameSourceFailure(e, sourceMaskPath);
    });
    opts.signal?.throwIfAborted();
    // The original's EXIF/ICC/XMP are carried over to the output.
    const outBytes = await encodeImage(run.image, { format, metadataFrom: photoBytes });
    opts.signal?.throwIfAborted();
    await writeFileAtomic(outputPath, outBytes, { overwrite: opts.overwrite ?? false, protect: inputs });
    let edit: EditRow;
    try {
      const photo = { path: photoPath, sha256: sha256Hex(photoBytes), byteSize: photoBytes.byteLength, width: meta.width, height: meta.height, format: meta.format };
      edit = await recordInpaintEdit(ctx.library, { photo, parentId: null, mask, run, settings, sourceArea, savedAs: outputPath });
    } catch (e) {
      await unlink(outputPath).catch(() => undefined); // keep output and history consistent
      throw e;
    }
    const out: InpaintFileResult = { editId: edit.id, photoId: edit.photoId, outputPath, engine: run.engine, durationMs: run.durationMs, seed: run.seed };
    if (sourceArea) out.sourceArea = { mode: sourceArea.mode, pixels: sourceArea.pixels };
    if (run.gan) {
      out.model = { id: run.gan.model.id, name: run.gan.model.name, version: run.gan.model.version };
      out.gan = run.gan.params;
    }
    if (run.onnx) {
      out.model = { id: run.onnx.model.id, name: run.onnx.model.name, version: run.onnx.model.version };
      out.onnx = { provider: run.onnx.provider, crops: run.onnx.crops.length };
    }
    return out;
  } finally {
    await ctx.close();
  }
}

export interface PhotoHistory {
  photo: PhotoRow;
  edits: EditRow[];
}

/** Edit history of one photo file (looked up by content hash) or of every photo in the library. */
export async function readHistory(libraryDir: string, photoPath?: string): Promise<PhotoHistory[]> {
  let sha: string | undefined;
  if (photoPath !== undefined) sha = sha256Hex(await readImageFile(resolve(photoPath)));
  const ctx = await openAppContext(libraryDir);
  try {
    const { photos, edits } = ctx.library.store;
    const rows = sha !== undefined ? [photos.findBySha(sha)].filter((p): p is PhotoRow => !!p) : photos.list();
    return rows.map((photo) => ({ photo, edits: edits.listForPhoto(photo.id) }));
  } finally {
    await ctx.close();
  }
}
