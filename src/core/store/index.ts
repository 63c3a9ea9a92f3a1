// Renovo's history database: photos, the edit tree, model versions, training runs and batches.
export { openStore, BUSY_TIMEOUT_MS, type Store } from './store';
export { StoreError, type StoreErrorCode } from './errors';
export { migrate, schemaVersion } from './migrate';
export { migrations, LATEST_VERSION, type Migration } from './migrations/index';
export type { PhotosRepo } from './photos';
export type { EditsRepo } from './edits';
export type { ModelsRepo } from './models';
export type { TrainingRunsRepo } from './training-runs';
export type { BatchesRepo } from './batches';
export * from './types';
