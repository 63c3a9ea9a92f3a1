// The inpainting pipeline shared by the service (startInpaint) and the CLI (inpaintFile):
// load + validate the mask, run the job on a worker, record the result in the library.
import { randomInt } from 'node:crypto';
import { ApiError, type BlendMode, type EngineChoice } from '../../shared/api';
import { encodeImage } from '../image/io';
import { decodeMask, dilateMask, encodeMask, maskStats } from '../image/mask';
import type { ImageBuffer, MaskBuffer } from '../image/types';
import type { AppRunner } from './workers';
import type { Library } from '../library';
import type { EditRow, ModelVersionRow, NewPhoto } from '../store';
import type { FillPreview, GanHoleReport } from '../inpaint/gan';
import type { OnnxCropReport } from '../inpaint/imported';
import { inpainterSignature, modelKind } from './inpainters';
import { removeUnreferenced } from './references';
import type { PreparedSourceArea } from './source-area';
import { modelEncoderSource } from '../train/session';
import type { EncoderSource } from '../train/zencoder';

export interface InpaintSettings {
  engine: EngineChoice;
  blend: BlendMode;
  dilate: number;
  seed?: number;
  /** engines 'gan-zopt' and 'onnx': the model version, by id or by name (newest version of that name). */
  modelId?: number;
  modelName?: string;
  /** engine 'gan-zopt': latent-optimisation parameters (engine defaults for the rest). */
  gan?: GanSettings;
}

export interface GanSettings {
  lambda?: number;
  iterations?: number;
  restarts?: number;
  learningRate?: number;
  refine?: 'off' | 'patchmatch';
  /** where the z-search starts: the model's encoder ('auto' when it has one, or 'encoder') or random latents ('cold') */
  start?: 'auto' | 'encoder' | 'cold';
}

/**
 * The model version an inpainting run uses: required (and checked to exist, with its weights file)
 * for 'gan-zopt' (a generator) and 'onnx' (an imported inpainter), refused for the other engines.
 * Throws ApiError MODEL_REQUIRED / MODEL_NOT_FOUND / MODEL_KIND / MODEL_FILE_MISSING / INVALID_INPUT
 * before any job starts.
 */
export function resolveInpaintModel(library: Library, settings: InpaintSettings): ModelVersionRow | null {
  const wantsModel = settings.modelId !== undefined || settings.modelName !== undefined;
  if (settings.gan && settings.engine !== 'gan-zopt') throw new ApiError('INVALID_INPUT', `GAN parameters are only used by engine 'gan-zopt' (engine is '${settings.engine}')`);
  if (settings.engine !== 'gan-zopt' && settings.engine !== 'onnx') {
    if (wantsModel) throw new ApiError('INVALID_INPUT', `a model is only used by engines 'gan-zopt' and 'onnx' (engine is '${settings.engine}')`);
    return null;
  }
  const kind = settings.engine === 'onnx' ? 'inpainter' : 'generator';
  const { models } = library.store;
  const available = (): string => {
    const names = [...new Set(models.list().filter((r) => modelKind(r) === kind).map((r) => r.name))];
    if (names.length) return `available: ${names.join(', ')}`;
    return kind === 'inpainter' ? 'no inpainting model is imported; import one with renovo models import FILE.onnx or the editor\'s Import model…' : 'no model is installed';
  };
  if (!wantsModel) throw new ApiError('MODEL_REQUIRED', `engine '${settings.engine}' needs a model (${available()})`);
  const row = settings.modelId !== undefined ? models.get(settings.modelId) : models.findByName(settings.modelName as string);
  if (!row) {
    const what = settings.modelId !== undefined ? `model version ${settings.modelId}` : `model '${settings.modelName}'`;
    throw new ApiError('MODEL_NOT_FOUND', `${what} does not exist (${available()})`);
  }
  if (modelKind(row) !== kind) {
    const use = kind === 'inpainter' ? "engine 'gan-zopt' (it is a GAN generator)" : "engine 'onnx' (it is an imported inpainting model)";
    throw new ApiError('MODEL_KIND', `model ${row.name} v${row.version} cannot run with engine '${settings.engine}'; use it with ${use} (${available()})`);
  }
  if (!library.exists(row.file)) throw new ApiError('MODEL_FILE_MISSING', `model ${row.name} v${row.version}: its weights file ${row.file} is missing from the library`);
  return row;
}

export interface PreparedMask {
  /** The dilated mask the engine fills (255 = hole). */
  mask: MaskBuffer;
  /** The dilated mask as PNG, stored with the edit. */
  png: Uint8Array;
  holePixels: number;
}

/** Decodes a mask at the photo's full resolution and grows it by `dilate` pixels. */
export async function prepareMask(
  bytes: Uint8Array,
  size: { width: number; height: number },
  name: string,
  dilate: number,
): Promise<PreparedMask> {
  const raw = await decodeMask(bytes, size, name); // MASK_SIZE_MISMATCH / EMPTY_MASK name the file
  const mask = dilate > 0 ? dilateMask(raw, dilate) : raw;
  const { holePixels } = maskStats(mask);
  if (holePixels >= mask.width * mask.height) {
    throw new ApiError(
      'MASK_ALL_HOLE',
      `${name}: the mask${dilate > 0 ? ` (dilated by ${dilate} px)` : ''} covers the whole photo; nothing is left to fill from`,
    );
  }
  return { mask, png: await encodeMask(mask), holePixels };
}

export interface InpaintRun {
  image: ImageBuffer;
  engine: string;
  holes: number;
  seed: number;
  durationMs: number;
  /** engine 'gan-zopt': the model version used, every parameter (defaults filled in), provider, per-hole results. */
  gan?: { model: ModelVersionRow; params: Record<string, unknown>; provider: string; reports: GanHoleReport[] };
  /** engine 'onnx': the imported model, the provider it ran on and each crop's input size. */
  onnx?: { model: ModelVersionRow; provider: string; crops: OnnxCropReport[] };
}

/** What a run may use besides the settings: a model version (gan-zopt, onnx) and a source area. */
export interface InpaintExtras {
  model?: InpaintModel | null;
  sourceArea?: PreparedSourceArea | null;
}

/** A model version as a run needs it: its row, weights file and z-encoder (if it has one). */
export interface InpaintModel {
  row: ModelVersionRow;
  path: string;
  encoder: EncoderSource | null;
}

export function inpaintModel(library: Library, row: ModelVersionRow): InpaintModel {
  return { row, path: library.resolve(row.file), encoder: modelEncoderSource(library, row) };
}

/** Runs the engine on a worker. `image`, `mask` and source-area buffers are transferred (detached afterwards). */
export async function runInpaintJob(
  runner: AppRunner,
  image: ImageBuffer,
  mask: MaskBuffer,
  settings: InpaintSettings,
  control: { signal?: AbortSignal; onProgress?: (fraction: number, message: string) => void; onPreview?: (p: FillPreview) => void } = {},
  extras: InpaintExtras = {},
): Promise<InpaintRun> {
  const { model, sourceArea } = extras;
  // A seed is always recorded so any edit can be reproduced exactly.
  const seed = settings.seed ?? randomInt(0, 2 ** 31 - 1);
  const started = performance.now();
  const onnx = model && settings.engine === 'onnx' ? { sha256: model.row.sha256, file: model.path, signature: inpainterSignature(model.row) } : undefined;
  const gan = model && !onnx ? { key: `${model.row.id}:${model.row.sha256}`, file: model.path, params: { ...settings.gan }, ...(model.encoder ? { encoder: model.encoder } : {}) } : undefined;
  const out = await runner.run(
    'inpaint',
    { image, mask, engine: settings.engine, blend: settings.blend, seed, gan, onnx, ...(sourceArea ? { sourceArea: { mask: sourceArea.mask, mode: sourceArea.mode } } : {}) },
    { signal: control.signal, onProgress: control.onProgress, onEvent: control.onPreview },
  );
  const run: InpaintRun = { image: out.image, engine: out.engine, holes: out.holes, seed, durationMs: Math.round(performance.now() - started) };
  if (model && out.gan) run.gan = { model: model.row, params: { ...out.gan.params }, provider: out.gan.provider, reports: out.gan.reports };
  if (model && out.onnx) run.onnx = { model: model.row, provider: out.onnx.provider, crops: out.onnx.crops };
  return run;
}

export interface RecordEditInput {
  /** The photo edited: an existing row, or one to register together with the edit (one transaction). */
  photo: number | NewPhoto;
  parentId: number | null;
  mask: PreparedMask;
  run: InpaintRun;
  settings: InpaintSettings;
  sourceArea?: PreparedSourceArea | null;
  /** The file the user asked for (the CLI's output), shown by `renovo history`; read back with recordedSavedAs. */
  savedAs?: string;
}

/** The file an edit was written to at the user's request, if any (older edits have none). */
export function recordedSavedAs(params: Record<string, unknown>): string | null {
  return typeof params.savedAs === 'string' ? params.savedAs : null;
}

/** Stores mask + output PNG in the library and adds the edit row; on failure leaves nothing behind. */
export async function recordInpaintEdit(library: Library, input: RecordEditInput): Promise<EditRow> {
  const outputPng = await encodeImage(input.run.image, { format: 'png' });
  const written: string[] = [];
  try {
    const maskFile = await library.putBytes('masks', input.mask.png, 'png');
    written.push(maskFile);
    const source = input.sourceArea;
    const sourceMaskFile = source ? await library.putBytes('masks', source.png, 'png') : null;
    if (sourceMaskFile) written.push(sourceMaskFile);
    const outputFile = await library.putBytes('outputs', outputPng, 'png');
    written.push(outputFile);
    const { store } = library;
    const photo = input.photo;
    // Photo and edit rows commit together: a failed edit leaves no photo row behind.
    return store.transaction(() => store.edits.add({
      photoId: typeof photo === 'number' ? photo : (store.photos.findBySha(photo.sha256) ?? store.photos.add(photo)).id,
      parentId: input.parentId,
      kind: 'inpaint',
      engine: input.run.engine,
      modelVersionId: input.run.gan?.model.id ?? input.run.onnx?.model.id ?? null,
      params: {
        engineRequested: input.settings.engine,
        blend: input.settings.blend,
        dilate: input.settings.dilate,
        seed: input.run.seed,
        holes: input.run.holes,
        maskPixels: input.mask.holePixels,
        ...(input.savedAs ? { savedAs: input.savedAs } : {}),
        // read back with recordedSourceArea (source-area.ts); the file is kept by references.ts
        ...(source && sourceMaskFile ? { sourceArea: { mode: source.mode, maskFile: sourceMaskFile, pixels: source.pixels } } : {}),
        ...(input.run.gan
          ? {
              model: { id: input.run.gan.model.id, name: input.run.gan.model.name, version: input.run.gan.model.version, sha256: input.run.gan.model.sha256 },
              gan: input.run.gan.params,
              provider: input.run.gan.provider,
              ganHoles: input.run.gan.reports.map((r) => ({ window: r.window, loss: r.loss, restart: r.chosen, iterations: r.iterations, stoppedBy: r.stoppedBy, start: r.start, ...(r.notice ? { notice: r.notice } : {}) })),
            }
          : {}),
        ...(input.run.onnx
          ? {
              model: { id: input.run.onnx.model.id, name: input.run.onnx.model.name, version: input.run.onnx.model.version, sha256: input.run.onnx.model.sha256 },
              onnx: { preset: inpainterSignature(input.run.onnx.model).preset, provider: input.run.onnx.provider, crops: input.run.onnx.crops },
            }
          : {}),
      },
      maskFile,
      outputFile,
      durationMs: input.run.durationMs,
    }));
  } catch (e) {
    // Content-addressed files may be shared with other edits: remove only unreferenced ones.
    await removeUnreferenced(library, written).catch(() => undefined);
    throw e;
  }
}
