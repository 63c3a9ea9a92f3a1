/**
 * Training as a background job — the API a fine-tune panel drives:
 *
 *   const job = startTrainingJob({ library, runner, name: 'my-monet', base, dataDir, steps: 300,
 *                                  onEvent: (e) => ... });
 *   job.pause();   // stop after the current step with a checkpoint (worker released)
 *   job.resume();  // continue from that checkpoint (new worker run, new training-run row)
 *   job.cancel();  // stop for good; checkpoints stay in job.runDir
 *   const { model, run } = await job.done;   // model is null unless it completed
 *
 * Events: 'dataset' (run row created: image count, content hash, skipped files), 'progress'
 * (TrainProgress: step/total, epoch, losses, D(x)/D(G(z)), images/s, ETA, newest sample grid path,
 * newest checkpoint), 'paused', 'done' (model version + run row), 'cancelled', 'failed' (message).
 *
 * Training runs in a job worker (src/core/train/task.ts); this side owns the database: one
 * training-run row per worker run (a pause finishes it as 'cancelled' with "paused at step N"),
 * losses from the task's progress events, and on completion the new model version (parent = base).
 * A folder that cannot be used fails before any row is written.
 */
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { JobRunner } from '../jobs';
import type { ModelVersionRow, TrainingRunRow } from '../store';
import { dcganSpec, type DcganSpec } from '../nets/dcgan';
import { latestCheckpoint, loadCheckpoint } from './checkpoint';
import { DEFAULT_HYPER, checkHyper, type GanHyper } from './gan';
import type { TrainProgress } from './loop';
import { FINETUNE_HYPER, addTrainedModel, defaultRunDir, modelEncoderSource, type TrainingInputs } from './session';
import type { TrainTask, TrainTaskOutput } from './task';

export type TrainingJobState = 'starting' | 'running' | 'paused' | 'done' | 'cancelled' | 'failed';

export type TrainingJobEvent =
  | { type: 'dataset'; runId: number; imageCount: number; contentHash: string; skipped: { file: string; reason: string }[] }
  /** `sampleFile`: the newest sample grid copied into the library (previews area, library-relative), for UIs that only read library files. */
  | { type: 'progress'; progress: TrainProgress; sampleFile: string | null }
  /** After the GAN steps of a fine-tune: adapting the base model's z-encoder to the new generator. */
  | { type: 'encoder'; step: number; totalSteps: number; context: number }
  | { type: 'paused'; step: number; checkpointPath: string | null }
  /** encoderSkipped: why the new version has no z-encoder (undefined when it has one, or for training from scratch) */
  | { type: 'done'; model: ModelVersionRow; run: TrainingRunRow; encoderSkipped?: string }
  | { type: 'cancelled'; step: number; checkpointPath: string | null }
  | { type: 'failed'; message: string };

export interface TrainingJobOptions extends TrainingInputs {
  /** Any job runner whose workers serve the 'train' task (task.ts). */
  runner: JobRunner<{ train: TrainTask }>;
  /** Default: <library>/training-runs/<name>-<time>. Reusing a folder continues from its newest checkpoint. */
  runDir?: string;
  cacheDir?: string;
  minImages?: number;
  checkpointEveryMs?: number;
  threads?: number;
  onEvent?: (e: TrainingJobEvent) => void;
}

export interface TrainingJobResult {
  model: ModelVersionRow | null;
  run: TrainingRunRow | null;
}

export class TrainingJob {
  state: TrainingJobState = 'starting';
  readonly runDir: string;
  readonly hyper: GanHyper;
  /** The newest progress event (for a panel that attaches late). */
  last: TrainProgress | null = null;
  readonly done: Promise<TrainingJobResult>;
  private settle!: (r: TrainingJobResult) => void;
  private fail!: (e: unknown) => void;
  private abort: AbortController | null = null;
  private pauseRequested = false;
  private runRow: TrainingRunRow | null = null;
  private spec!: DcganSpec;
  private sampleSource: string | null = null;
  /** Library-relative copy of the newest sample grid. */
  sampleFile: string | null = null;

  constructor(private readonly o: TrainingJobOptions) {
    this.hyper = { ...(o.base ? FINETUNE_HYPER : DEFAULT_HYPER), ...o.hyper };
    checkHyper(this.hyper);
    if (!/^[\w.-]{1,64}$/.test(o.name)) throw new Error(`model name '${o.name}' must be 1-64 letters, digits, '.', '_' or '-'`);
    this.runDir = resolvePath(o.runDir ?? defaultRunDir(o.library, o.name));
    this.done = new Promise((res, rej) => {
      this.settle = res;
      this.fail = rej;
    });
    this.done.catch(() => {});
  }

  private emit(e: TrainingJobEvent): void {
    try {
      this.o.onEvent?.(e);
    } catch {
      /* a listener's failure must not stop training */
    }
  }

  /** @internal */
  start(): this {
    if (this.o.base) {
      const s = this.o.base.metrics.spec as DcganSpec | undefined;
      this.spec = dcganSpec(s ?? { resolution: 64 });
    } else this.spec = this.o.spec ?? dcganSpec({});
    void this.runOnce();
    return this;
  }

  private async runOnce(): Promise<void> {
    const { library, runner } = this.o;
    const store = library.store;
    this.state = 'running';
    this.pauseRequested = false;
    this.resetRow();
    const abort = (this.abort = new AbortController());
    const started = Date.now();
    const logMetrics = (ms: [number, Record<string, number>][]): void => {
      if (this.runRow) for (const [step, m] of ms) store.trainingRuns.logMetrics(this.runRow.id, step, m);
    };
    let out: TrainTaskOutput | null = null;
    let error: unknown = null;
    try {
      out = await runner.run('train', {
        dataDir: resolvePath(this.o.dataDir), runDir: this.runDir, spec: this.spec, hyper: this.hyper, steps: this.o.steps,
        initModelFile: this.o.base ? library.resolve(this.o.base.file) : null, crop: this.o.crop ?? 'random', cacheDir: this.o.cacheDir,
        minImages: Math.max(this.o.minImages ?? 8, this.hyper.batch), checkpointEvery: this.o.checkpointEvery, checkpointEveryMs: this.o.checkpointEveryMs,
        threads: this.o.threads, meta: { name: this.o.name, baseModelId: this.o.base?.id ?? null },
        ...(this.o.base && this.o.encoderSteps !== 0 ? { initEncoder: modelEncoderSource(library, this.o.base), encoderSteps: this.o.encoderSteps } : {}),
      }, {
        signal: abort.signal,
        onEvent: (m) => {
          if (m.kind === 'dataset') {
            this.runRow = store.trainingRuns.start({
              kind: this.o.base ? 'finetune' : 'train', baseModelId: this.o.base?.id ?? null, datasetPath: m.root, imageCount: m.count, datasetHash: m.contentHash,
              params: { arch: this.spec.arch, spec: this.spec, hyper: this.hyper, steps: this.o.steps, runDir: this.runDir, crop: this.o.crop ?? 'random', skippedFiles: m.skipped.length, baseModel: this.o.base ? { id: this.o.base.id, name: this.o.base.name, version: this.o.base.version } : null },
            });
            this.emit({ type: 'dataset', runId: this.runRow.id, imageCount: m.count, contentHash: m.contentHash, skipped: m.skipped });
          } else if (m.kind === 'encoder') {
            this.emit({ type: 'encoder', step: m.step, totalSteps: m.totalSteps, context: m.context });
          } else {
            logMetrics(m.metrics);
            this.last = m.progress;
            const grid = m.progress.samplePath;
            if (grid && grid !== this.sampleSource) {
              try {
                this.sampleFile = library.putBytes('previews', new Uint8Array(readFileSync(grid)), 'png');
                this.sampleSource = grid;
              } catch {
                /* the worker may be rewriting it; the next event retries */
              }
            }
            this.emit({ type: 'progress', progress: m.progress, sampleFile: this.sampleFile });
          }
        },
      });
    } catch (e) {
      error = e;
    }
    const duration = Date.now() - started;
    const stepNow = this.last?.step ?? 0;
    if (out) logMetrics(out.metrics);
    if (error && abort.signal.aborted) {
      // Stopped on request: the worker writes a checkpoint as it stops (or the newest periodic one remains).
      await new Promise((r) => setTimeout(r, 300));
      const ck = await latestCheckpoint(this.runDir);
      const ckStep = ck ? (await loadCheckpoint(ck).catch(() => null))?.state.step ?? stepNow : 0;
      const paused = this.pauseRequested;
      if (this.runRow) this.runRow = store.trainingRuns.finish(this.runRow.id, { status: 'cancelled', resultModelId: null, steps: stepNow, durationMs: duration, error: `${paused ? 'paused' : 'cancelled'} at step ${stepNow}; checkpoint ${ck ?? 'none'} (step ${ckStep})` });
      if (paused) {
        this.state = 'paused';
        this.emit({ type: 'paused', step: ckStep, checkpointPath: ck });
      } else {
        this.state = 'cancelled';
        this.emit({ type: 'cancelled', step: ckStep, checkpointPath: ck });
        this.settle({ model: null, run: this.runRow });
      }
      return;
    }
    if (error || !out) {
      const message = (error as Error)?.message ?? 'training failed';
      if (this.runRow) this.runRow = store.trainingRuns.finish(this.runRow.id, { status: 'failed', resultModelId: null, steps: stepNow, durationMs: duration, error: message });
      this.state = 'failed';
      this.emit({ type: 'failed', message });
      this.fail(error);
      return;
    }
    try {
      const ck = await loadCheckpoint(out.checkpointPath);
      const model = await addTrainedModel(library, {
        name: this.o.name, spec: this.spec, hyper: this.hyper, weights: ck.weights, samplePath: out.samplePath, base: this.o.base ?? null, runId: this.runRow!.id,
        steps: out.step, epochs: out.epoch, wallMs: out.elapsedMs, losses: out.losses, checkpoint: out.checkpointPath, resumedFrom: out.resumedFrom,
        dataset: { path: out.dataset.root, imageCount: out.dataset.count, contentHash: out.dataset.contentHash },
        ...(out.encoder ? { encoder: out.encoder } : {}),
      });
      const run = store.trainingRuns.finish(this.runRow!.id, { status: 'done', resultModelId: model.id, steps: out.step, durationMs: duration });
      this.state = 'done';
      this.emit({ type: 'done', model, run, ...(out.encoderSkipped ? { encoderSkipped: out.encoderSkipped } : {}) });
      this.settle({ model, run });
    } catch (e) {
      this.state = 'failed';
      this.emit({ type: 'failed', message: (e as Error).message });
      this.fail(e);
    }
  }

  private resetRow(): void {
    this.runRow = null;
  }

  /** The training-run row of the current (or last) worker run. */
  get run(): TrainingRunRow | null {
    return this.runRow;
  }

  /** Stop after the current step with a checkpoint; `resume()` continues. */
  pause(): void {
    if (this.state !== 'running') return;
    this.pauseRequested = true;
    this.abort?.abort();
  }

  resume(): void {
    if (this.state !== 'paused') return;
    void this.runOnce();
  }

  /** Stop for good (checkpoints stay in runDir); `done` resolves with model null. */
  cancel(): void {
    if (this.state === 'paused') {
      this.state = 'cancelled';
      this.emit({ type: 'cancelled', step: this.last?.step ?? 0, checkpointPath: null });
      this.settle({ model: null, run: this.runRow });
    } else if (this.state === 'running') this.abort?.abort();
  }
}

/** Starts training in a job worker; see the module comment for the panel-facing API. */
export function startTrainingJob(o: TrainingJobOptions): TrainingJob {
  return new TrainingJob(o).start();
}
