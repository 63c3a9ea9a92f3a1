// The RenovoApi contract shared by the renderer, the preload, main, the web bridge and core:
// method names, result types, events, errors and transport constants. No runtime dependencies
// (no zod, no Node, no DOM), so the sandboxed preload and the page can import it as is; the payload
// schemas that main and the bridge validate with live in ./schemas.
import { CodedError } from './errors';
import type { ApiInputs } from './schemas';

export const ENGINE_IDS = ['auto', 'patchmatch', 'telea', 'harmonic', 'gan-zopt', 'onnx'] as const;
export type EngineChoice = (typeof ENGINE_IDS)[number];

export const BLEND_MODES = ['off', 'normal', 'mixed'] as const;
export type BlendMode = (typeof BLEND_MODES)[number];

/** Source area ("sampling area"): include = the fill may copy only from the marked pixels, exclude = never from them. */
export const SOURCE_AREA_MODES = ['include', 'exclude'] as const;
export type SourceAreaMode = (typeof SOURCE_AREA_MODES)[number];
/** Engines that run a model version: gan-zopt a generator (DCGAN), onnx an imported inpainter. */
export const MODEL_ENGINES: readonly EngineChoice[] = ['gan-zopt', 'onnx'];

/** What a model version is: a DCGAN generator (shipped, trained, fine-tuned) or an imported ONNX inpainter. */
const MODEL_KINDS = ['generator', 'inpainter'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** I/O conventions an imported inpainter can be declared with (see src/core/inpaint/imported/presets.ts). */
export const INPAINTER_PRESET_IDS = ['lama-512', 'migan-512', 'custom'] as const;
export type InpainterPresetId = (typeof INPAINTER_PRESET_IDS)[number];

/** Largest model file Renovo imports (LaMa fp32 is 208 MB; the web bridge takes 256 MiB bodies). */
export const MAX_MODEL_FILE_BYTES = 2 * 2 ** 30;

/** Engines that honour a source area ('auto' then runs PatchMatch); the others refuse one. */
export const SOURCE_AREA_ENGINES: readonly EngineChoice[] = ['auto', 'patchmatch'];

/** Which of an edit's masks getEditMask returns: the hole, or the source area it was filled from. */
export const EDIT_MASK_LAYERS = ['hole', 'source'] as const;
export type EditMaskLayer = (typeof EDIT_MASK_LAYERS)[number];

/** How far a mask is grown before filling, by default: the editor's slider and `renovo inpaint --dilate` alike. */
export const DEFAULT_MASK_DILATE_PX = 4;

export const EXPORT_FORMATS = ['jpeg', 'png', 'webp', 'tiff'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Every API method, once. Adding a method here forces a schema (./schemas) and a result type. */
const API_METHOD_TABLE = {
  getAppInfo: true,
  listPhotos: true,
  importPhoto: true,
  getPhoto: true,
  listEdits: true,
  startInpaint: true,
  cancelJob: true,
  deleteEdit: true,
  exportImage: true,
  listModels: true,
  importModel: true,
  deleteModel: true,
  getPreviewBytes: true,
  getEditMask: true,
  // batch restoration and fine-tuning (src/core/app/batch.ts, training.ts)
  chooseFolder: true,
  inspectFolder: true,
  startBatch: true,
  pauseBatch: true,
  resumeBatch: true,
  listBatches: true,
  getBatchReport: true,
  listBatchResults: true,
  openBatchOutput: true,
  rerunBatchFile: true,
  startTraining: true,
  pauseTraining: true,
  resumeTraining: true,
  listTrainingRuns: true,
  getTrainingSample: true,
} as const;

export type ApiMethod = keyof typeof API_METHOD_TABLE;
export const API_METHODS = Object.keys(API_METHOD_TABLE) as ApiMethod[];
export type ApiInput<M extends ApiMethod> = ApiInputs[M];

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(API_METHOD_TABLE, name);
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
  /** The source area the fill was restricted to (null: the whole photo was available). */
  sourceArea: SourceAreaDto | null;
  outputFile: string;
  previewFile: string;
  durationMs: number;
  createdAt: string;
}

export interface SourceAreaDto {
  mode: SourceAreaMode;
  /** Library-relative PNG at the photo's full resolution, 255 = marked. */
  maskFile: string;
  /** Number of marked pixels. */
  pixels: number;
}

export interface ModelDto {
  id: number;
  name: string;
  version: number;
  architecture: string;
  source: 'shipped' | 'trained' | 'imported';
  /** generator: usable by gan-zopt and fine-tuning; inpainter: an imported ONNX model for engine 'onnx' */
  kind: ModelKind;
  /** inpainter: its preset and I/O in one line, e.g. "lama-512: 512×512, float32 RGB 0-1, …" */
  summary: string | null;
  /** generator: it has a z-encoder, so GAN fills start from its guess (about 1 s a hole at 64 px, 3 s at 128 px on two CPU cores, with a quick preview) */
  encoder: boolean;
  parentId: number | null;
  createdAt: string;
}

export interface ExportResult {
  fileName: string;
  mime: string;
  bytes: Uint8Array;
}

/** Image file bytes handed to the renderer (decoded in the page, e.g. with createImageBitmap). */
export interface ImageBytes {
  mime: string;
  bytes: Uint8Array;
}

/** A folder the user picked, as seen before a batch or a fine-tune starts. */
export interface FolderInfo {
  path: string;
  imageCount: number;
  totalBytes: number;
  /** A few of its images as small JPEG thumbnails. */
  thumbnails: Array<{ name: string; mime: string; bytes: Uint8Array }>;
  /** E.g. "only 3 images: fine-tuning needs at least 8". */
  warnings: string[];
  /** Files skipped (not images, links, unreadable folders). */
  ignoredCount: number;
}

/** One file of a batch for the Batch tab's before/after grid (small JPEG thumbnails). */
export interface BatchResultDto {
  relPath: string;
  status: 'pending' | 'done' | 'error' | 'skipped';
  error: string | null;
  before: ImageBytes | null;
  after: ImageBytes | null;
}

/** One batch file restored again at another sensitivity (its output replaced, its record updated). */
export interface BatchRerunDto {
  /** the file's grid tile, with the new after thumbnail */
  result: BatchResultDto;
  sensitivity: number;
  /** the new output's sha256 and size, as recorded for the batch (a later resume keeps it) */
  sha256: string;
  outputSize: number;
  durationMs: number;
}

export interface BatchDto {
  id: number;
  /** The running job driving it (null when no job of this process runs it). */
  jobId: string | null;
  inputDir: string;
  outputDir: string;
  status: 'running' | 'done' | 'cancelled' | 'failed';
  paused: boolean;
  options: Record<string, unknown>;
  total: number;
  done: number;
  failed: number;
  skipped: number;
  createdAt: string;
  finishedAt: string | null;
  /** The report (HTML contact sheet) exists; fetch it with getBatchReport. */
  hasReport: boolean;
}

export interface TrainingRunDto {
  id: number;
  /** The running job that owns it (null when it is not running in this process). */
  jobId: string | null;
  kind: 'train' | 'finetune';
  /** 'interrupted': its process ended without finishing it (killed, crashed); checkpoints are kept. */
  status: 'running' | 'done' | 'cancelled' | 'failed' | 'interrupted';
  baseModelId: number | null;
  resultModelId: number | null;
  datasetPath: string;
  imageCount: number;
  steps: number;
  totalSteps: number | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** Loss history (step, D, G) for charts. */
  losses: Array<{ step: number; lossD: number; lossG: number }>;
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
  importModel: ModelDto;
  deleteModel: { deleted: ModelDto };
  getPreviewBytes: ImageBytes;
  getEditMask: ImageBytes;
  chooseFolder: { path: string | null };
  inspectFolder: FolderInfo;
  startBatch: { jobId: string };
  pauseBatch: { paused: boolean };
  resumeBatch: { resumed: boolean };
  listBatches: BatchDto[];
  /** The report as one self-contained HTML page (thumbnails inlined), for a blob: URL. */
  getBatchReport: { mime: string; bytes: Uint8Array; summary: { total: number; done: number; failed: number; skipped: number } };
  listBatchResults: BatchResultDto[];
  /** Desktop only: shows the batch's output folder in the file manager. */
  openBatchOutput: { opened: boolean };
  rerunBatchFile: BatchRerunDto;
  startTraining: { jobId: string; name: string };
  pauseTraining: { paused: boolean };
  resumeTraining: { resumed: boolean };
  listTrainingRuns: TrainingRunDto[];
  getTrainingSample: ImageBytes;
}

export type JobEvent =
  | { jobId: string; type: 'progress'; fraction: number; message: string }
  /** gan-zopt with a z-encoder: a hole's instant fill G(E(x)) while its search runs. `box` is its window
   *  in the photo's pixels; the image (smaller, transparent outside the hole) is drawn stretched to it.
   *  Shown until the job's done/failed/cancelled. */
  | { jobId: string; type: 'fill-preview'; box: { x: number; y: number; width: number; height: number }; image: ImageBytes; hole: number; holes: number }
  | { jobId: string; type: 'done'; edit: EditDto }
  | { jobId: string; type: 'failed'; error: string }
  | { jobId: string; type: 'cancelled' }
  // batch restoration
  | {
      jobId: string;
      type: 'batch-progress';
      batchId: number;
      done: number;
      total: number;
      failed: number;
      skipped: number;
      fraction: number;
      currentFile: string | null;
      etaMs: number | null;
      paused: boolean;
    }
  | { jobId: string; type: 'batch-done'; batch: BatchDto; errors: Array<{ relPath: string; error: string }> }
  // training / fine-tuning
  | { jobId: string; type: 'training-started'; runId: number; imageCount: number; skipped: number }
  | {
      jobId: string;
      type: 'training-progress';
      step: number;
      totalSteps: number;
      epoch: number;
      lossD: number;
      lossG: number;
      etaMs: number | null;
      /** Library-relative sample grid (load with libraryUrl or getTrainingSample). */
      sampleFile: string | null;
    }
  /** After the GAN steps of a fine-tune: the base model's z-encoder is being adapted to the new generator. */
  | { jobId: string; type: 'training-encoder'; step: number; totalSteps: number }
  | { jobId: string; type: 'training-paused'; step: number }
  /** `encoder`: whether the new version has a z-encoder (fast GAN fills) and, when not, why. */
  | { jobId: string; type: 'training-done'; model: ModelDto; run: TrainingRunDto; encoder: { adapted: boolean; note: string } };

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

export class ApiError extends CodedError {
  override readonly name = 'ApiError';
}

// ---- Transport constants ----

export const IPC_INVOKE_CHANNEL = 'renovo:invoke';
export const IPC_EVENT_CHANNEL = 'renovo:job-event';
/** Custom protocol serving library files to the desktop renderer: renovo://library/<file>. */
export const LIBRARY_PROTOCOL = 'renovo';
export const LIBRARY_HOST = 'library';

/** `renovo://library/<file>` for a library-relative POSIX path, each segment percent-encoded. */
export function libraryProtocolUrl(file: string): string {
  const encoded = file
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => encodeURIComponent(s))
    .join('/');
  return `${LIBRARY_PROTOCOL}://${LIBRARY_HOST}/${encoded}`;
}
