// The one API contract between the renderer and the rest of Renovo.
//
// Every call is named here with a runtime schema for its payload. The desktop preload exposes
// exactly these methods over IPC; `renovo serve` exposes the same methods over HTTP + WebSocket.
// Main and the web bridge validate every payload against `apiInputs` at one choke point before
// dispatching to core, so a compromised or buggy renderer cannot reach core with a malformed call.
// No Node and no DOM imports in this folder: it is shared by all three sides.
import { z } from 'zod';

const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const Bytes = z.instanceof(Uint8Array);
const FileName = z
  .string()
  .min(1)
  .max(255)
  .refine((s) => !/[\\/\0]/.test(s), 'must be a plain file name without path separators');

export const ENGINE_IDS = ['auto', 'patchmatch', 'telea', 'harmonic'] as const;
export const EngineChoice = z.enum(ENGINE_IDS);
export type EngineChoice = z.infer<typeof EngineChoice>;

export const BLEND_MODES = ['off', 'normal', 'mixed'] as const;
export const BlendMode = z.enum(BLEND_MODES);
export type BlendMode = z.infer<typeof BlendMode>;

export const EXPORT_FORMATS = ['jpeg', 'png', 'webp', 'tiff'] as const;
export const ExportFormat = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ExportFormat>;

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
} as const;

export type ApiMethod = keyof typeof apiInputs;
export const API_METHODS = Object.keys(apiInputs) as ApiMethod[];
export type ApiInput<M extends ApiMethod> = z.infer<(typeof apiInputs)[M]>;

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(apiInputs, name);
}

// ---- Results (produced by core; trusted, so described by types only) ----

export interface EngineInfo {
  id: Exclude<EngineChoice, 'auto'>;
  label: string;
  description: string;
}

export interface AppInfo {
  version: string;
  libraryDir: string;
  engines: EngineInfo[];
  /** Where the desktop app or the bridge runs: lets the renderer hide desktop-only affordances. */
  host: 'desktop' | 'web';
}

/** Files are library-relative POSIX paths; turn them into URLs with the client's `libraryUrl`. */
export interface PhotoDto {
  id: number;
  name: string;
  path: string;
  sha256: string;
  width: number;
  height: number;
  format: string;
  importedAt: string;
  previewFile: string;
}

export interface EditDto {
  id: number;
  photoId: number;
  parentId: number | null;
  kind: 'inpaint' | 'restore' | 'adjust';
  engine: string;
  modelVersionId: number | null;
  params: Record<string, unknown>;
  maskFile: string | null;
  outputFile: string;
  previewFile: string;
  durationMs: number;
  createdAt: string;
}

export interface ModelDto {
  id: number;
  name: string;
  version: number;
  architecture: string;
  source: 'shipped' | 'trained' | 'imported';
  parentId: number | null;
  createdAt: string;
}

export interface ExportResult {
  fileName: string;
  mime: string;
  bytes: Uint8Array;
}

export interface ApiOutputs {
  getAppInfo: AppInfo;
  listPhotos: PhotoDto[];
  importPhoto: PhotoDto;
  getPhoto: PhotoDto;
  listEdits: EditDto[];
  startInpaint: { jobId: string };
  cancelJob: { cancelled: boolean };
  deleteEdit: { deletedEditIds: number[] };
  exportImage: ExportResult;
  listModels: ModelDto[];
}

export type JobEvent =
  | { jobId: string; type: 'progress'; fraction: number; message: string }
  | { jobId: string; type: 'done'; edit: EditDto }
  | { jobId: string; type: 'failed'; error: string }
  | { jobId: string; type: 'cancelled' };

/** What the renderer programs against, whichever transport carries it. */
export type RenovoApi = {
  [M in ApiMethod]: (input: ApiInput<M>) => Promise<ApiOutputs[M]>;
} & {
  /** Subscribe to job events; returns a disposer. */
  onJobEvent(listener: (event: JobEvent) => void): () => void;
  /** URL under which the renderer may load a library-relative file. */
  libraryUrl(file: string): string;
};

/** Error shape carried across IPC and HTTP: a stable code plus a human-readable message. */
export interface ApiErrorPayload {
  code: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

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

// ---- Transport constants ----

export const IPC_INVOKE_CHANNEL = 'renovo:invoke';
export const IPC_EVENT_CHANNEL = 'renovo:job-event';
/** Custom protocol serving library files to the desktop renderer: renovo://library/<file>. */
export const LIBRARY_PROTOCOL = 'renovo';
export const LIBRARY_HOST = 'library';
