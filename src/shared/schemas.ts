// Runtime schemas for every RenovoApi payload. Main's IPC choke point and the web bridge validate
// each call with `parseApiCall` before anything reaches core. Kept apart from ./contract so the
// page and the sandboxed preload never bundle zod.
import { z } from 'zod';
import { ApiError, BLEND_MODES, ENGINE_IDS, EXPORT_FORMATS, isApiMethod, type ApiInput, type ApiMethod } from './contract';

const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const Bytes = z.instanceof(Uint8Array);
const FileName = z
  .string()
  .min(1)
  .max(255)
  .refine((s) => !/[\\/\0]/.test(s), 'must be a plain file name without path separators');

const EngineChoice = z.enum(ENGINE_IDS);
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
      seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
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
  /** The preview (≤ 2048 px WebP) of the original (editId null) or an edit, for pixel analysis in the page. */
  getPreviewBytes: z.object({ photoId: Id, editId: Id.nullable() }).strict(),
  /** The mask stored with an edit (PNG at the photo's full resolution, 255 = hole). */
  getEditMask: z.object({ editId: Id }).strict(),
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

