/**
 * The 'train' job task (runs inside a job worker thread): load the folder, run the training loop,
 * report progress. No database access here — the main thread records the run (see job.ts) from the
 * typed events this task emits (TrainTaskEvent; the job layer delivers every one, in order):
 *   { kind: 'dataset', root, count, contentHash, skipped }      once, after the folder is read
 *   { kind: 'progress', progress: TrainProgress, metrics: [[step, {lossD, …}], …] }
 * Cancelling the job stops after the current step and writes a checkpoint (when the worker gets
 * the time: the runner terminates a worker that does not stop within its grace period, and the
 * newest periodic checkpoint is what remains).
 */
import { Runtime } from '../onnx/runtime';
import type { DcganSpec } from '../nets/dcgan';
import { loadImageFolder, type CropMode } from './data';
import type { GanHyper } from './gan';
import { TrainControl, trainLoop, type TrainProgress } from './loop';
import { decodeModelFile } from './modelfile';
import { readFile } from 'node:fs/promises';
import { adaptBaseEncoder, type AdaptedEncoderFile } from './encoder-adapt';
import type { EncoderSource } from './zencoder';

export interface TrainTaskInput {
  dataDir: string;
  runDir: string;
  spec: DcganSpec;
  hyper: GanHyper;
  steps: number;
  /** Absolute path of a model file to start from (fine-tuning), or null. */
  initModelFile: string | null;
  crop: CropMode;
  cacheDir?: string;
  minImages: number;
  checkpointEvery?: number;
  checkpointEveryMs?: number;
  threads?: number;
  meta?: Record<string, unknown>;
  /** The base model's z-encoder: adapted to the fine-tuned generator once training completes (encoder-adapt.ts). */
  initEncoder?: EncoderSource | null;
  /** steps of that adaptation (default ADAPT_STEPS) */
  encoderSteps?: number;
}

export interface TrainTaskOutput {
  status: 'completed' | 'cancelled';
  step: number;
  epoch: number;
  resumedFrom: number;
  elapsedMs: number;
  checkpointPath: string;
  samplePath: string;
  losses: { lossD: number; lossG: number; dReal: number; dFake: number };
  dataset: { root: string; count: number; contentHash: string };
  /** Metrics not yet delivered through progress messages. */
  metrics: [number, Record<string, number>][];
  /** The adapted z-encoder (a completed fine-tune whose base has one), or why there is none. */
  encoder?: AdaptedEncoderFile;
  encoderSkipped?: string;
}

export type TrainTaskEvent =
  | { kind: 'dataset'; root: string; count: number; contentHash: string; skipped: { file: string; reason: string }[] }
  | { kind: 'progress'; progress: TrainProgress; metrics: [number, Record<string, number>][] }
  | { kind: 'encoder'; step: number; totalSteps: number; context: number };

/** The 'train' task as the job layer sees it (core/jobs/tasks.ts TaskSpec). */
export type TrainTask = { input: TrainTaskInput; output: TrainTaskOutput; event: TrainTaskEvent };

export async function runTrainTask(input: TrainTaskInput, ctx: { signal: AbortSignal; emit: (event: TrainTaskEvent) => void }): Promise<TrainTaskOutput> {
  const send = (m: TrainTaskEvent): void => ctx.emit(m);
  const control = new TrainControl().follow(ctx.signal);
  const dataset = await loadImageFolder(input.dataDir, { resolution: input.spec.resolution, crop: input.crop, cacheDir: input.cacheDir, minImages: input.minImages, signal: ctx.signal });
  send({ kind: 'dataset', root: dataset.root, count: dataset.count, contentHash: dataset.contentHash, skipped: dataset.skipped });
  const init = input.initModelFile ? decodeModelFile(new Uint8Array(await readFile(input.initModelFile)), input.initModelFile).weights : undefined;
  const runtime = new Runtime({ provider: 'cpu', threads: input.threads, spin: false });
  let pending: [number, Record<string, number>][] = [];
  let lastSent = 0;
  let latest: TrainProgress | null = null;
  const flush = (force: boolean): void => {
    const now = Date.now();
    // A few updates a second are enough for a panel; metrics accumulate in between (none is lost).
    if (!latest || (!force && now - lastSent < 250)) return;
    lastSent = now;
    send({ kind: 'progress', progress: latest, metrics: pending });
    pending = [];
  };
  try {
    const res = await trainLoop({
      runtime, dataset, spec: input.spec, hyper: input.hyper, steps: input.steps, runDir: input.runDir, init,
      checkpointEvery: input.checkpointEvery, checkpointEveryMs: input.checkpointEveryMs ?? 60_000, control, meta: input.meta,
      progressEveryMs: 200,
      onMetrics: (step, m) => pending.push([step, m]),
      onProgress: (p) => {
        latest = p;
        flush(p.phase !== 'training');
      },
    });
    flush(true);
    const adapted = res.status === 'completed' && init && input.initEncoder !== undefined
      ? await adaptBaseEncoder({
        steps: input.encoderSteps, runtime, source: input.initEncoder, baseWeights: init, gSpec: input.spec, gWeights: res.weights, dataset, signal: ctx.signal,
        onProgress: (step, totalSteps, context) => send({ kind: 'encoder', step, totalSteps, context }),
      })
      : null;
    return {
      ...adapted,
      status: res.status, step: res.step, epoch: res.epoch, resumedFrom: res.resumedFrom, elapsedMs: res.elapsedMs,
      checkpointPath: res.checkpointPath, samplePath: res.samplePath, losses: res.losses,
      dataset: { root: dataset.root, count: dataset.count, contentHash: dataset.contentHash }, metrics: pending,
    };
  } finally {
    await runtime.release();
  }
}
