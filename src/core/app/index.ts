// The application layer: the RenovoApi service over core, plus the CLI-facing helpers.
export { createRenovoService, type RenovoService, type RenovoServiceOptions, type ServiceMethods } from './service';
export { toApiError, errorKind, type ErrorKind } from './errors';
export {
  inpaintFile,
  readHistory,
  defaultOutputPath,
  nextFreeOutputPath,
  checkOutputPath,
  type InpaintFileOptions,
  type InpaintFileResult,
  type PhotoHistory,
} from './inpaintFile';
export { APP_VERSION } from './version';
export { PREVIEW_MAX_SIDE, previewFileFor } from './previews';
export { registerShippedModels, readShippedModels, defaultShippedModelsDir, type ShippedModelInfo } from './models';
export { recordedSourceArea } from './sourceArea';
export { recordedSavedAs } from './inpaint';
