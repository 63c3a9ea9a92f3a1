// Runtime schemas for every RenovoApi payload. Main's IPC choke point and the web bridge validate
// each call with `parseApiCall` before anything reaches core. Kept apart from ./contract so the
// page and the sandboxed preload never bundle zod.
import { z } from 'zod';
import { ApiError, BLEND_MODES, EDIT_MASK_LAYERS, ENGINE_IDS, EXPORT_FORMATS, INPAINTER_PRESET_IDS, SOURCE_AREA_MODES, isApiMethod, type ApiInput, type ApiMethod } from './contract';

const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const Bytes = z.instanceof(Uint8Array);
const FileName = z
  .string()
  .min(1)
  .max(255)
  .refine((s) => !/[\\/\0]/.test(s), 'must be a plain file name without path separators');

/** An absolute folder path on this machine (POSIX, drive letter or UNC), typed or picked by the user. */
const AbsPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((s) => !s.includes('\0'), 'must not contain NUL')
  .refine((s) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(s), 'must be an absolute path');
/** A file's path inside a batch's input folder as the batch recorded it ('/'-separated, never '..'). */
const BatchRelPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((s) => !s.includes('\0'), 'must not contain NUL')
  .refine((s) => !/^([\\/]|[A-Za-z]:)/.test(s), 'must be relative to the batch folder')
  .refine((s) => !s.split(/[\\/]/).includes('..'), "must not contain '..'");
const JobId = z.string().min(1).max(64);
const Unit = z.number().min(0).max(1);

const EngineChoice = z.enum(ENGINE_IDS);
/** A model version's name, as `renovo train --name` and the Fine-tune tab accept it. */
const ModelName = z.string().regex(/^[\w.-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"');
/** How an imported inpainter's pixels are encoded, for preset 'custom' (the rest is read from the file). */
const CustomConvention = z
  .object({
    channels: z.enum(['rgb', 'bgr']).optional(),
    imageRange: z.enum(['0-1', '0-255', '-1-1']).optional(),
    maskRange: z.enum(['0-1', '0-255']).optional(),
    maskPolarity: z.enum(['hole-high', 'hole-low']).optional(),
    outputRange: z.enum(['0-1', '0-255', '-1-1', 'auto']).optional(),
    maxSide: z.number().int().min(32).max(4096).optional(),
    multiple: z.number().int().min(1).max(512).optional(),
  })
  .strict();
const BlendMode = z.enum(BLEND_MODES);
const ExportFormat = z.enum(EXPORT_FORMATS);

/** Payload schemas, one per method. Strict: unknown keys are refused, not ignored. */
export const apiInputs = {
  getAppInfo: z.object({}).strict(),
  listPhotos: z.object({}).strict(),
  /** Import a photo from its bytes (file picker, drag-and-drop, paste). */
  importPhoto: z.object({ name: FileName, bytes: Bytes }).strict(),
  getPhoto: z.object({ photoId: Id }).strict(),
  listEdits: z.object({ photoId: Id }).strict(),
  /** Start a removal job; the mask is a PNG at the photo's full resolution (non-zero = hole). */
  startInpaint: z
    .object({
      photoId: Id,
      parentEditId: Id.nullable(),
      mask: Bytes,
      engine: EngineChoice,
      blend: BlendMode,
      dilate: z.number().int().min(0).max(64),
      /** Where the fill may (include) or may not (exclude) copy from: a PNG like the mask (non-zero = marked); engines auto/patchmatch only. */
      sourceArea: z.object({ mask: Bytes, mode: z.enum(SOURCE_AREA_MODES) }).strict().optional(),
      seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
      /** engines 'gan-zopt' (a generator) and 'onnx' (an imported inpainter): the model version to use (required there; refused for other engines by the app). */
      modelId: Id.optional(),
      /** engine 'gan-zopt': latent-optimisation parameters (defaults: λ 0.003, 1500 iterations, 16 restarts, lr 0.03, no refinement). */
      gan: z
        .object({
          lambda: z.number().min(0).max(10).optional(),
          iterations: z.number().int().min(1).max(20_000).optional(),
          restarts: z.number().int().min(1).max(64).optional(),
          learningRate: z.number().min(1e-5).max(1).optional(),
          /** texture refinement: the exemplar (PatchMatch) fill with a third of its shading from the GAN fill (default off) */
          refine: z.enum(['off', 'patchmatch']).optional(),
          /** where the z-search starts: 'auto' (the model's z-encoder when it has one), 'encoder' (required) or 'cold' (random latents; default auto) */
          start: z.enum(['auto', 'encoder', 'cold']).optional(),
        })
        .strict()
        .optional(),
    })
    .strict(),
  cancelJob: z.object({ jobId: z.string().min(1).max(64) }).strict(),
  deleteEdit: z.object({ editId: Id }).strict(),
  /** Encode the original (editId null) or an edit's output for download / Save As. */
  exportImage: z
    .object({
      photoId: Id,
      editId: Id.nullable(),
      format: ExportFormat,
      quality: z.number().int().min(1).max(100).optional(),
    })
    .strict(),
  listModels: z.object({}).strict(),
  /** Import a user's ONNX inpainting model (file bytes from the file picker) with a preset I/O convention. */
  importModel: z
    .object({
      fileName: FileName,
      bytes: Bytes,
      kind: z.literal('inpainter'),
      /** 'auto': the first preset the file fits */
      preset: z.enum([...INPAINTER_PRESET_IDS, 'auto']),
      name: ModelName.optional(),
      custom: CustomConvention.optional(),
    })
    .strict(),
  /** Delete a model version (and its file, unless another version shares it); edits keep their record. */
  deleteModel: z.object({ modelId: Id }).strict(),
  /** The preview (≤ 2048 px WebP) of the original (editId null) or an edit, for pixel analysis in the page. */
  getPreviewBytes: z.object({ photoId: Id, editId: Id.nullable() }).strict(),
  /** A mask stored with an edit (PNG at the photo's full resolution, 255 = marked): the hole (default) or the source area. */
  getEditMask: z.object({ editId: Id, layer: z.enum(EDIT_MASK_LAYERS).optional() }).strict(),
  /** Desktop only: the native folder picker (main process). */
  chooseFolder: z.object({ title: z.string().max(200).optional() }).strict(),
  /** Image count, a few thumbnails and warnings for a folder on this machine. */
  inspectFolder: z.object({ path: AbsPath, purpose: z.enum(['batch', 'training']).optional() }).strict(),
  startBatch: z
    .object({
      inputDir: AbsPath,
      outputDir: AbsPath,
      options: z
        .object({
          sensitivity: Unit.optional(),
          denoise: Unit.optional(),
          detectTears: z.boolean().optional(),
          tone: z.boolean().optional(),
          overwrite: z.boolean().optional(),
          suffix: z
            .string()
            .max(64)
            .refine((s) => !/[\\/\0]/.test(s), 'must not contain path separators')
            .optional(),
          workers: z.number().int().min(1).max(16).optional(),
          quality: z.number().int().min(1).max(100).optional(),
          /** fill wide damage (tears) with this imported inpainting model instead of PatchMatch */
          wideModelId: Id.optional(),
          /** damage detector: the learned U-Net joined with the classical one (default for a new batch) or the classical one alone */
          detector: z.enum(['classical', 'learned']).optional(),
        })
        .strict(),
    })
    .strict(),
  pauseBatch: z.object({ jobId: JobId }).strict(),
  resumeBatch: z.object({ jobId: JobId }).strict(),
  listBatches: z.object({}).strict(),
  getBatchReport: z.object({ batchId: Id }).strict(),
  openBatchOutput: z.object({ batchId: Id }).strict(),
  /** The batch's files with before/after thumbnails, `limit` at most (the grid pages through them). */
  listBatchResults: z.object({ batchId: Id, offset: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(200).optional() }).strict(),
  /** Restore one file of a batch again with the batch's options but another damage sensitivity; its output is replaced. */
  rerunBatchFile: z.object({ batchId: Id, relPath: BatchRelPath, sensitivity: Unit }).strict(),
  /** Fine-tune a model version (or train from scratch with baseModelId null) on a folder. */
  startTraining: z
    .object({
      baseModelId: Id.nullable(),
      dataDir: AbsPath,
      preset: z.enum(['quick', 'thorough']),
      name: ModelName.optional(),
      advanced: z
        .object({
          steps: z.number().int().min(1).max(1_000_000).optional(),
          lrD: z.number().min(1e-7).max(1).optional(),
          lrG: z.number().min(1e-7).max(1).optional(),
          dSteps: z.number().int().min(1).max(100).optional(),
          gSteps: z.number().int().min(1).max(100).optional(),
          batch: z.number().int().min(2).max(1024).optional(),
          seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
          /** Architecture when training from scratch (ignored for fine-tunes). */
          arch: z.enum(['dcgan16', 'dcgan32', 'dcgan64', 'dcgan128', 'dcgan16-resize', 'dcgan32-resize', 'dcgan64-resize', 'dcgan128-resize']).optional(),
          width: z.number().int().min(1).max(256).optional(),
          nz: z.number().int().min(1).max(512).optional(),
        })
        .strict()
        .optional(),
    })
    .strict(),
  pauseTraining: z.object({ jobId: JobId }).strict(),
  resumeTraining: z.object({ jobId: JobId }).strict(),
  listTrainingRuns: z.object({}).strict(),
  /** A sample grid written during training (library-relative file from a training-progress event). */
  getTrainingSample: z.object({ file: z.string().min(1).max(512).regex(/^[\w./-]+$/) }).strict(),
} as const satisfies Record<ApiMethod, z.ZodType>;

export type ApiInputs = { [M in ApiMethod]: z.infer<(typeof apiInputs)[M]> };

/** Validate a call; throws ApiError naming the method and the offending field. */
export function parseApiCall<M extends ApiMethod>(method: unknown, payload: unknown): { method: M; input: ApiInput<M> } {
  if (!isApiMethod(method)) {
    throw new ApiError('UNKNOWN_METHOD', `Unknown API method: ${JSON.stringify(String(method)).slice(0, 80)}`);
  }
  const result = apiInputs[method].safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'payload';
    throw new ApiError('INVALID_PAYLOAD', `${method}: invalid ${where}: ${issue?.message ?? 'malformed payload'}`);
  }
  return { method: method as M, input: result.data as ApiInput<M> };
}

