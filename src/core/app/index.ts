// The application layer, the one door into core for the desktop app, `renovo serve` and the CLI:
// the RenovoApi service over core, plus the CLI-facing operations that share its checks.
export { createRenovoService, type RenovoService, type RenovoServiceOptions, type ServiceMethods } from './service';
export { toApiError, errorKind, ArgumentError, type ErrorKind } from './errors';
export { openLibrary, rendererDir } from './context';
export {
  inpaintFile,
  readHistory,
  defaultOutputPath,
  nextFreeOutputPath,
  checkOutputPath,
  type InpaintFileOptions,
  type InpaintFileResult,
  type PhotoHistory,
} from './inpaint-file';
export { APP_VERSION } from './version';
export { PREVIEW_MAX_SIDE, previewFileFor } from './previews';
export {
  registerShippedModels,
  readShippedModels,
  readShippedToolModels,
  defaultShippedModelsDir,
  deleteModelVersion,
  encoderStatus,
  exportModelVersion,
  type ShippedModelInfo,
} from './models';
export { importInpainter, modelKind } from './inpainters';
export {
  batchOptions,
  checkBatchRequest,
  restoreFolder,
  type BatchRequest,
  type BatchRequestOptions,
  type CheckedFolders,
  type ModelRef,
  type RestoreFolderRun,
} from './restore-folder';
export {
  DEFAULT_TRAINING_STEPS,
  checkTrainingBase,
  defaultModelName,
  defaultRunDir,
  encoderOutcome,
  runTraining,
  trainingSpec,
  type GanHyper,
  type TrainingRun,
  type TrainProgress,
  type TrainSessionResult,
} from './train-model';
// What callers of the operations above name in their signatures and options.
export { defaultLibraryDir } from './paths';
export type { Library } from '../library';
export type { ModelVersionRow } from '../store';
export type { BatchSummary } from '../restore';
export { CHANNEL_ORDERS, INPAINTER_PRESETS, MASK_POLARITIES, MASK_RANGES, OUTPUT_RANGES, VALUE_RANGES, type CustomConvention } from '../inpaint/imported';
export { recordedSourceArea } from './source-area';
export { recordedSavedAs } from './inpaint';
