// Row types returned by the store: camelCase, JSON columns parsed, timestamps as ISO-8601 strings.
// A row of photos, edits or model versions is what was added (New…, below) plus its id and time.

export type JsonObject = Record<string, unknown>;

export type EditKind = 'inpaint' | 'restore' | 'adjust';
export type ModelSource = 'shipped' | 'trained' | 'imported';
export type TrainingKind = 'train' | 'finetune';
export type RunStatus = 'running' | 'done' | 'cancelled' | 'failed';
/** A training run whose process ended without finishing it (killed, crashed, power cut). */
export type TrainingRunStatus = RunStatus | 'interrupted';
export type FinalStatus = Exclude<RunStatus, 'running'>;
export type BatchStatus = RunStatus;
export type BatchItemStatus = 'pending' | 'done' | 'error' | 'skipped';

export interface PhotoRow extends NewPhoto {
  id: number;
  importedAt: string;
}

export interface EditRow extends NewEdit {
  id: number;
  createdAt: string;
}

export interface ModelVersionRow extends NewModelVersion {
  id: number;
  createdAt: string;
}

export interface TrainingRunRow {
  id: number;
  kind: TrainingKind;
  baseModelId: number | null;
  resultModelId: number | null;
  datasetPath: string;
  imageCount: number;
  datasetHash: string;
  params: JsonObject;
  status: TrainingRunStatus;
  steps: number;
  durationMs: number | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** The checkpoint folder; runs sharing one continue each other. */
  runDir: string | null;
}

export interface TrainingMetric {
  step: number;
  name: string;
  value: number;
}

export interface BatchJobRow {
  id: number;
  inputDir: string;
  outputDir: string;
  options: JsonObject;
  status: BatchStatus;
  createdAt: string;
  finishedAt: string | null;
}

export interface BatchItemRow {
  id: number;
  batchId: number;
  relPath: string;
  inputPath: string;
  outputPath: string;
  status: BatchItemStatus;
  error: string | null;
  durationMs: number | null;
  sha256: string | null;
  /** Size in bytes of the output as written (done items). */
  outputSize: number | null;
}

// Inputs

export interface NewPhoto {
  path: string;
  sha256: string;
  byteSize: number;
  width: number;
  height: number;
  format: string;
}

export interface NewEdit {
  photoId: number;
  parentId: number | null;
  kind: EditKind;
  engine: string;
  modelVersionId: number | null;
  params: JsonObject;
  maskFile: string | null;
  outputFile: string;
  durationMs: number;
}

export interface NewModelVersion {
  name: string;
  version: number;
  architecture: string;
  file: string;
  sha256: string;
  parentId: number | null;
  source: ModelSource;
  metrics: JsonObject;
}

export interface NewTrainingRun {
  kind: TrainingKind;
  baseModelId: number | null;
  datasetPath: string;
  imageCount: number;
  datasetHash: string;
  /** `params.runDir` (a string) is recorded as the run's folder. */
  params: JsonObject;
}

export interface TrainingRunResult {
  status: FinalStatus;
  resultModelId: number | null;
  steps: number;
  durationMs: number;
  error?: string;
}

export interface NewBatch {
  inputDir: string;
  outputDir: string;
  options: JsonObject;
}

export interface NewBatchItem {
  relPath: string;
  inputPath: string;
  outputPath: string;
}

export interface BatchItemResult {
  status: Exclude<BatchItemStatus, 'pending'>;
  error?: string;
  durationMs?: number;
  sha256?: string;
  outputSize?: number;
}
