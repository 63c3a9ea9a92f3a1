// Training and fine-tuning: the checks and defaults shared by the service's training jobs
// (training.ts: a job worker with pause and resume) and `renovo train|finetune` (runTraining: in
// this process, with the provider line, the dataset progress and warnings on the console).
import { basename } from 'node:path';
import { dcganSpec, resolutionOfArch, upsampleOfArch, type DcganSpec } from '../nets/dcgan';
import type { ModelVersionRow } from '../store';
import type { GanHyper } from '../train/gan';
import type { TrainProgress } from '../train/loop';
import { FINETUNE_STEPS, TrainControl, runTrainingSession, type TrainingInputs, type TrainSessionResult } from '../train/session';
import { ArgumentError } from './errors';
import { modelKind } from './inpainters';

export { defaultRunDir } from '../train/session';

export type { GanHyper, TrainProgress, TrainSessionResult };

/** Steps when none are asked for. */
export const DEFAULT_TRAINING_STEPS = { train: 5000, finetune: FINETUNE_STEPS } as const;

/** A fine-tune's base model: only GAN generators can be fine-tuned (ArgumentError 'base', MODEL_KIND). */
export function checkTrainingBase(base: ModelVersionRow): ModelVersionRow {
  if (modelKind(base) !== 'generator') {
    throw new ArgumentError('base', `Model ${base.name} v${base.version} is an imported inpainting model; only GAN generators can be fine-tuned`, 'MODEL_KIND');
  }
  return base;
}

/** The architecture trained from scratch; an unknown one is an ArgumentError ('arch'). */
export function trainingSpec(o: { arch?: string; ngf?: number; ndf?: number; nz?: number }): DcganSpec {
  try {
    return dcganSpec({ resolution: resolutionOfArch(o.arch ?? 'dcgan64'), upsample: upsampleOfArch(o.arch ?? 'dcgan64'), ngf: o.ngf ?? 64, ndf: o.ndf ?? 64, nz: o.nz ?? 100 });
  } catch (e) {
    throw new ArgumentError('arch', (e as Error).message);
  }
}

const slug = (s: string): string => s.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 30) || 'folder';

/** The result's name when none is given: <base name>-<folder> or <architecture>-<folder>. */
export function defaultModelName(dataDir: string, from: { base: ModelVersionRow } | { spec: DcganSpec }): string {
  const folder = slug(basename(dataDir));
  return ('base' in from ? `${from.base.name}-${folder}` : `${from.spec.arch}-${folder}`).slice(0, 64);
}

/** What the Fine-tune tab and `renovo finetune` say about the new version's z-encoder. */
export function encoderOutcome(model: ModelVersionRow, skipped: string | undefined): { adapted: boolean; note: string } {
  const enc = model.metrics.encoder as { steps?: number; wallMs?: number } | undefined;
  if (enc) return { adapted: true, note: `z-encoder adapted to it (${enc.steps} steps, ${Math.max(1, Math.round((enc.wallMs ?? 0) / 1000))} s): GAN fills with it take a second or a few` };
  return { adapted: false, note: `no z-encoder${skipped ? ` (${skipped})` : ''}: GAN fills with it start from random latents and take a minute or more` };
}

/** A training run in this process; a base must pass checkTrainingBase. */
export interface TrainingRun extends TrainingInputs {
  /** Checkpoint folder; reusing one continues from its newest checkpoint. */
  runDir: string;
  /** onnxruntime threads */
  threads: number;
  /** Recorded with the run (e.g. the command line). */
  command?: string;
  /** Stops after the current step, with a checkpoint (result.model is then null). */
  signal?: AbortSignal;
  /** onnxruntime's line saying which execution provider it uses and why (once per session it opens). */
  onProviderLine?: (line: string) => void;
  onWarning?: (message: string) => void;
  onDatasetProgress?: (done: number, total: number) => void;
  onProgress?: (p: TrainProgress) => void;
  /** A fine-tune's last stage: adapting the base model's z-encoder (step, total steps, mean contextual loss). */
  onEncoderProgress?: (step: number, totalSteps: number, context: number) => void;
}

/** Trains in this process and records the run and the new model version in the library. */
export async function runTraining(o: TrainingRun): Promise<TrainSessionResult> {
  // Loaded lazily: onnxruntime-node, once loaded, keeps Node's SIGINT handlers from running, which
  // would break Ctrl+C in every CLI command that never trains (renovo inpaint's cancel test).
  const { Runtime } = await import('../onnx/runtime');
  const runtime = new Runtime({ threads: o.threads, spin: false, log: o.onProviderLine });
  try {
    return await runTrainingSession({
      library: o.library,
      runtime,
      name: o.name,
      dataDir: o.dataDir,
      base: o.base === undefined ? undefined : checkTrainingBase(o.base),
      spec: o.spec,
      hyper: o.hyper,
      steps: o.steps,
      runDir: o.runDir,
      crop: o.crop,
      checkpointEvery: o.checkpointEvery,
      encoderSteps: o.encoderSteps,
      control: new TrainControl().follow(o.signal),
      command: o.command,
      onWarning: o.onWarning,
      onDatasetProgress: o.onDatasetProgress,
      onProgress: o.onProgress,
      onEncoderProgress: o.onEncoderProgress,
    });
  } finally {
    await runtime.release();
  }
}
