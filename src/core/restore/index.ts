// Scanned-photo restoration: damage detection, repair, tone/colour, and the resumable batch runner.
export { detectDamage, estimateNoise, type DetectOptions, type DamageResult, type DamageStats } from './detect/index';
export { analyseTone, correctTone, denoise, toneLuts, type ToneAnalysis, type ToneOptions, type PrintKind, type DenoiseOptions } from './tone';
export { restorePhoto, type RestoreOptions, type RestoreResult, type RestoreStats } from './pipeline';
export { restoreFile, type FileTask, type FileResult, type FileThumbs } from './file';
export { scanFolder, checkFolders, outputPathFor, isImageName, isSystemName, IMAGE_EXTENSIONS, type ScanEntry, type ScanResult } from './scan';
export { inProcessExecutor, threadExecutor, findRestoreWorker, type FileExecutor } from './executor';
export {
  runBatch,
  BatchPause,
  JOURNAL_NAME,
  appendJournal,
  DEFAULT_DETECTOR,
  restoreOptions,
  type BatchOptions,
  type BatchProgress,
  type BatchItemEvent,
  type BatchSummary,
  type BatchRunControls,
  type RunBatchParams,
} from './batch';
export { REPORT_DIR } from './report';
export { RestoreError, type RestoreErrorCode } from './errors';
