/**
 * Training and fine-tuning sessions recorded in the history database: a training-run row (kind,
 * base model, dataset path/count/content hash, hyper-parameters), per-step losses, and on success a
 * new model version (weights + sample grid in the library's models area, parent = the base model
 * for fine-tunes). A cancelled session keeps its checkpoint folder; running the same session again
 * with the same run folder continues from it (a new run row records the continuation).
 *
 * Bad input (missing folder, too few images, unknown base model, mismatched architecture) throws
 * before anything is written to the database.
 */
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, join, resolve as resolvePath } from 'node:path';
import type { Library } from '../library';
import type { Runtime } from '../onnx/runtime';
import type { ModelVersionRow, TrainingRunRow } from '../store';
import { dcganSpec, type DcganSpec } from '../nets/dcgan';
import { generatorDigest } from '../nets/zencoder';
import { loadImageFolder, type CropMode } from './data';
import { DEFAULT_HYPER, checkHyper, type GanHyper } from './gan';
import { MODEL_FILE_EXT, decodeModelFile, encodeModelFile } from './modelfile';
import { TrainControl, trainLoop, type TrainLoopResult, type TrainProgress } from './loop';
import { adaptBaseEncoder, type AdaptedEncoderFile, type BaseEncoderOutcome } from './encoder-adapt';
import type { EncoderSource } from './zencoder';

/** Fine-tuning preset: smaller batch and learning rates than training from scratch, smoothed labels. */
export const FINETUNE_HYPER: GanHyper = { ...DEFAULT_HYPER, batch: 32, lrD: 1e-4, lrG: 1e-4, labelSmoothing: 0.1 };
export const FINETUNE_STEPS = 300;

const stamp = (): string => new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');

/** A new checkpoint folder when none is given: <library>/training-runs/<name>-<time>. */
export function defaultRunDir(library: Library, name: string): string {
  return join(library.root, 'training-runs', `${name}-${stamp()}`);
}

/** What every way of training takes (this in-process session, TrainingJob, core/app's runTraining). */
export interface TrainingInputs {
  library: Library;
  /** Name of the resulting model (its next version number is used). */
  name: string;
  dataDir: string;
  /** Fine-tune from this model version (its architecture is used); omit to train `spec` from scratch. */
  base?: ModelVersionRow;
  /** Architecture for training from scratch (ignored for fine-tunes). */
  spec?: DcganSpec;
  /** Over the preset (fine-tuning's when there is a base, else training's). */
  hyper?: Partial<GanHyper>;
  steps: number;
  crop?: CropMode;
  checkpointEvery?: number;
  /** Fine-tunes: steps adapting the base model's z-encoder to the new generator (default ADAPT_STEPS; 0: none). */
  encoderSteps?: number;
}

export interface TrainSessionOptions extends TrainingInputs {
  runtime: Runtime;
  /** Checkpoint folder; reusing one continues from its newest checkpoint. */
  runDir: string;
  checkpointEveryMs?: number;
  cacheDir?: string;
  minImages?: number;
  control?: TrainControl;
  onProgress?: (p: TrainProgress) => void;
  onWarning?: (message: string) => void;
  onDatasetProgress?: (done: number, total: number) => void;
  /** A fine-tune's last stage: adapting the base model's z-encoder (step, total steps, mean contextual loss). */
  onEncoderProgress?: (step: number, totalSteps: number, context: number) => void;
  /** Recorded with the run (e.g. the command line). */
  command?: string;
}

export interface TrainSessionResult {
  run: TrainingRunRow;
  model: ModelVersionRow | null;
  loop: TrainLoopResult;
  /** A fine-tune whose base has no usable z-encoder: why the new model has none (it cold-starts). */
  encoderSkipped?: string;
}

/** Where a model version's z-encoder is: the one a fine-tune adapted (metrics.encoder), or a shipped model's folder. */
export function modelEncoderSource(library: Library, row: ModelVersionRow): EncoderSource | null {
  const m = row.metrics as { shippedDir?: unknown; encoder?: { file?: unknown; sha256?: unknown } };
  if (m.encoder && typeof m.encoder.file === 'string' && typeof m.encoder.sha256 === 'string') return { file: library.resolve(m.encoder.file), sha256: m.encoder.sha256 };
  if (typeof m.shippedDir === 'string') return { dir: m.shippedDir };
  return null;
}

/** A value computed from a file, cached while its size and mtime stay the same (a model list asks often). */
function perFileCache(compute: (bytes: Uint8Array, path: string) => string): (path: string) => string {
  const cache = new Map<string, { key: string; value: string }>();
  return (path) => {
    const st = statSync(path);
    const key = `${st.size}:${st.mtimeMs}`;
    const hit = cache.get(path);
    if (hit?.key === key) return hit.value;
    const value = compute(new Uint8Array(readFileSync(path)), path);
    cache.set(path, { key, value });
    return value;
  };
}

const fileSha256 = perFileCache((bytes) => createHash('sha256').update(bytes).digest('hex'));
/** generatorDigest of a library model file's G. */
const fileGeneratorDigest = perFileCache((bytes, path) => generatorDigest(decodeModelFile(bytes, path).weights));

/**
 * Whether a model version has an intact z-encoder file that fits it: the sha256 it was recorded with
 * (a shipped folder's: its manifest's, next to the G it was trained against, which must also be this
 * version's G — an older version of an updated folder is not). A fill checks the fit again when it
 * loads the encoder (a cold start with a notice if not).
 */
export function hasEncoderFile(library: Library, row: ModelVersionRow): boolean {
  const src = modelEncoderSource(library, row);
  if (!src) return false;
  try {
    if ('file' in src) return fileSha256(src.file) === src.sha256;
    const entry = (JSON.parse(readFileSync(join(src.dir, 'manifest.json'), 'utf8')) as { encoder?: { sha256?: string; generator?: { sha256?: string; weightsDigest?: string } } }).encoder;
    return !!entry && fileSha256(join(src.dir, 'E.safetensors')) === entry.sha256 && fileSha256(join(src.dir, 'G.safetensors')) === entry.generator?.sha256
      && fileGeneratorDigest(library.resolve(row.file)) === entry.generator?.weightsDigest;
  } catch {
    return false; // missing or unreadable: no encoder to start from
  }
}

/** Loads a model version's weights from the library. */
export async function loadModelVersion(library: Library, row: ModelVersionRow): Promise<{ spec: DcganSpec; weights: Map<string, Float32Array> }> {
  const bytes = await readFile(library.resolve(row.file));
  const m = decodeModelFile(new Uint8Array(bytes), `model ${row.name} v${row.version} (${row.file})`);
  return { spec: m.spec, weights: m.weights };
}

/** The fewest images training or fine-tuning accepts (the CLI and the Fine-tune tab alike). */
export const MIN_TRAINING_IMAGES = 4;

/** One rule for the CLI and the Fine-tune tab: a folder smaller than the batch trains with a batch of its size (at least 2). */
export function batchForFolder(batch: number, imageCount: number): number {
  return Math.max(2, Math.min(batch, imageCount));
}

export async function runTrainingSession(o: TrainSessionOptions): Promise<TrainSessionResult> {
  const { library } = o;
  const store = library.store;
  const kind = o.base ? 'finetune' : 'train';
  const hyper: GanHyper = { ...(o.base ? FINETUNE_HYPER : DEFAULT_HYPER), ...o.hyper };
  checkHyper(hyper);
  if (!/^[\w.-]{1,64}$/.test(o.name)) throw new Error(`model name '${o.name}' must be 1-64 letters, digits, '.', '_' or '-'`);
  let spec: DcganSpec;
  let init: Map<string, Float32Array> | undefined;
  if (o.base) {
    const base = await loadModelVersion(library, o.base);
    spec = base.spec;
    init = base.weights;
  } else {
    spec = o.spec ?? dcganSpec({});
  }
  const dataDir = resolvePath(o.dataDir);
  const dataset = await loadImageFolder(dataDir, {
    resolution: spec.resolution, crop: o.crop ?? 'random', cacheDir: o.cacheDir, minImages: o.minImages ?? MIN_TRAINING_IMAGES,
    onWarning: o.onWarning, onProgress: o.onDatasetProgress, signal: o.control?.signal,
  });
  const fitted = batchForFolder(hyper.batch, dataset.count);
  if (fitted !== hyper.batch) {
    o.onWarning?.(`${dataset.count} images is fewer than the batch size ${hyper.batch}: training with --batch ${fitted}`);
    hyper.batch = fitted;
  }
  const params = {
    arch: spec.arch, spec, hyper, steps: o.steps, runDir: resolvePath(o.runDir), crop: dataset.crop,
    baseModel: o.base ? { id: o.base.id, name: o.base.name, version: o.base.version, sha256: o.base.sha256 } : null,
    command: o.command ?? null, skippedFiles: dataset.skipped.length,
  };
  const run = store.trainingRuns.start({ kind, baseModelId: o.base?.id ?? null, datasetPath: dataDir, imageCount: dataset.count, datasetHash: dataset.contentHash, params });
  const started = Date.now();
  let loop: TrainLoopResult;
  try {
    loop = await trainLoop({
      runtime: o.runtime, dataset, spec, hyper, steps: o.steps, runDir: o.runDir, init,
      checkpointEvery: o.checkpointEvery, checkpointEveryMs: o.checkpointEveryMs, control: o.control, onProgress: o.onProgress,
      meta: { trainingRunId: run.id, name: o.name, baseModelId: o.base?.id ?? null, command: o.command ?? null },
      onMetrics: (step, m) => store.trainingRuns.logMetrics(run.id, step, m),
    });
  } catch (e) {
    store.trainingRuns.finish(run.id, { status: 'failed', resultModelId: null, steps: 0, durationMs: Date.now() - started, error: (e as Error).message });
    throw e;
  }
  if (loop.status === 'cancelled') {
    const done = store.trainingRuns.finish(run.id, {
      status: 'cancelled', resultModelId: null, steps: loop.step, durationMs: Date.now() - started,
      error: `cancelled at step ${loop.step} of ${o.steps}; checkpoint kept in ${loop.checkpointPath} (run again with the same run folder to continue)`,
    });
    return { run: done, model: null, loop };
  }
  let adapted: BaseEncoderOutcome | null = null;
  try {
    if (o.base && init && o.encoderSteps !== 0) {
      adapted = await adaptBaseEncoder({ steps: o.encoderSteps,
        runtime: o.runtime, source: modelEncoderSource(library, o.base), baseWeights: init, gSpec: spec, gWeights: loop.weights, dataset,
        signal: o.control?.signal, onProgress: o.onEncoderProgress,
      });
    }
  } catch (e) {
    // cancelled while adapting: the GAN's checkpoint is complete, so running again goes straight to this stage
    const cancelled = o.control?.signal.aborted;
    const row = store.trainingRuns.finish(run.id, { status: cancelled ? 'cancelled' : 'failed', resultModelId: null, steps: loop.step, durationMs: Date.now() - started, error: `${cancelled ? 'cancelled' : 'failed'} while adapting the z-encoder: ${(e as Error).message}` });
    if (cancelled) return { run: row, model: null, loop: { ...loop, status: 'cancelled' } };
    throw e;
  }
  const model = await addTrainedModel(library, {
    name: o.name, spec, hyper, weights: loop.weights, samplePath: loop.samplePath, base: o.base ?? null, runId: run.id,
    steps: loop.step, epochs: loop.epoch, wallMs: loop.elapsedMs, losses: loop.losses, checkpoint: loop.checkpointPath, resumedFrom: loop.resumedFrom,
    dataset: { path: dataDir, imageCount: dataset.count, contentHash: dataset.contentHash },
    ...(adapted && 'encoder' in adapted ? { encoder: adapted.encoder } : {}),
  });
  const done = store.trainingRuns.finish(run.id, { status: 'done', resultModelId: model.id, steps: loop.step, durationMs: Date.now() - started });
  return { run: done, model, loop, ...(adapted && 'encoderSkipped' in adapted ? { encoderSkipped: adapted.encoderSkipped } : {}) };
}

export interface NewTrainedModel {
  name: string;
  spec: DcganSpec;
  hyper: GanHyper;
  weights: ReadonlyMap<string, Float32Array>;
  samplePath: string;
  base: ModelVersionRow | null;
  runId: number;
  steps: number;
  epochs: number;
  wallMs: number;
  losses: Record<string, number>;
  checkpoint: string;
  resumedFrom: number;
  dataset: { path: string; imageCount: number; contentHash: string };
  /** the base model's z-encoder adapted to these weights (encoder-adapt.ts) */
  encoder?: AdaptedEncoderFile;
}

/** Stores weights + sample grid in the library and adds the next version of `name` (source 'trained'). */
export async function addTrainedModel(library: Library, m: NewTrainedModel): Promise<ModelVersionRow> {
  const { models } = library.store;
  const file = library.putBytes('models', encodeModelFile(m.spec, m.weights, { metadata: { 'renovo.name': m.name } }), MODEL_FILE_EXT);
  const sample = library.putBytes('models', new Uint8Array(await readFile(m.samplePath)), 'png');
  const encoder = m.encoder ? { file: library.putBytes('models', m.encoder.bytes, MODEL_FILE_EXT), ...m.encoder.record } : null;
  const sha256 = file.split('/').pop()!.split('.')[0];
  const version = (models.findByName(m.name)?.version ?? 0) + 1;
  return models.add({
    name: m.name, version, architecture: m.spec.arch, file, sha256, parentId: m.base?.id ?? null, source: 'trained',
    metrics: {
      spec: m.spec, hyper: m.hyper, steps: m.steps, epochs: m.epochs, wallMs: m.wallMs, losses: m.losses, sample,
      dataset: { ...m.dataset, name: basename(m.dataset.path) },
      trainingRunId: m.runId, checkpoint: m.checkpoint, resumedFromStep: m.resumedFrom || null,
      ...(encoder ? { encoder } : {}),
    },
  });
}

export { TrainControl };
