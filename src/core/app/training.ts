// Training / fine-tuning jobs for the RenovoApi service (issue 6): startTraining / pauseTraining /
// resumeTraining / listTrainingRuns / getTrainingSample. The training core (src/core/train/job.ts)
// runs the loop in a job worker and records runs and model versions; this file picks the preset,
// checks the folder first (base, architecture and name as `renovo train` does: train-model.ts) and
// maps its events to JobEvents.
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { ApiError, type ApiInput, type ApiOutputs, type TrainingRunDto } from '../../shared/api';
import { scanFolder } from '../restore';
import type { ModelVersionRow, TrainingRunRow } from '../store';
import type { GanHyper } from '../train/gan';
import { startTrainingJob, type TrainingJob, type TrainingJobEvent } from '../train/job';
import { FINETUNE_HYPER, batchForFolder } from '../train/session';
import type { JobHost } from './batch';
import { TRAINING_MIN_IMAGES } from './batch';
import { toModelDto } from './dto';
import { toApiError } from './errors';
import { checkTrainingBase, defaultModelName, defaultRunDir, encoderOutcome, trainingSpec } from './train-model';

/** The two presets the fine-tune panel offers; `advanced` overrides any of their values. */
export const TRAINING_PRESETS = {
  /** Quick style adaptation: a few hundred steps at the fine-tuning learning rates. */
  quick: { steps: 300, hyper: { ...FINETUNE_HYPER } },
  /** Thorough: longer, gentler (lower learning rates), two D updates per G update. */
  thorough: { steps: 2000, hyper: { ...FINETUNE_HYPER, lrD: 5e-5, lrG: 5e-5, dSteps: 2, gSteps: 1 } },
} as const satisfies Record<string, { steps: number; hyper: GanHyper }>;

interface ActiveTraining {
  jobId: string;
  job: TrainingJob;
  totalSteps: number;
}

export class TrainingJobs {
  private readonly active = new Map<string, ActiveTraining>();

  constructor(private readonly host: JobHost) {}

  private get store() {
    return this.host.ctx.library.store;
  }

  async start(input: ApiInput<'startTraining'>): Promise<ApiOutputs['startTraining']> {
    // One run at a time: a run holds a job worker (and most of the CPU) until it ends.
    const busy = [...this.active.values()].find((a) => a.job.state === 'starting' || a.job.state === 'running' || a.job.state === 'paused');
    if (busy) throw new ApiError('CONFLICT', 'A training run is already in progress (pause does not end it); cancel it or wait for it to finish');
    let base: ModelVersionRow | undefined;
    if (input.baseModelId !== null) {
      base = this.store.models.get(input.baseModelId);
      if (!base) throw new ApiError('INVALID_INPUT', `Model ${input.baseModelId} does not exist`);
      checkTrainingBase(base);
    }
    // The folder is checked before a job id is handed out (the worker would fail later).
    let count: number;
    try {
      count = (await scanFolder(input.dataDir)).files.length;
    } catch (e) {
      throw new ApiError('FOLDER_NOT_FOUND', (e as Error).message);
    }
    if (count < TRAINING_MIN_IMAGES) {
      throw new ApiError('INVALID_INPUT', `${input.dataDir} has ${count} image${count === 1 ? '' : 's'}; fine-tuning needs at least ${TRAINING_MIN_IMAGES}`);
    }
    const preset = TRAINING_PRESETS[input.preset];
    const a = input.advanced ?? {};
    const hyper: Partial<GanHyper> = { ...preset.hyper };
    if (a.lrD !== undefined) hyper.lrD = a.lrD;
    if (a.lrG !== undefined) hyper.lrG = a.lrG;
    if (a.dSteps !== undefined) hyper.dSteps = a.dSteps;
    if (a.gSteps !== undefined) hyper.gSteps = a.gSteps;
    if (a.seed !== undefined) hyper.seed = a.seed;
    hyper.batch = batchForFolder(a.batch ?? preset.hyper.batch, count);
    const steps = a.steps ?? preset.steps;
    const spec = base ? undefined : trainingSpec({ arch: a.arch, ngf: a.width, ndf: a.width, nz: a.nz });
    const name = input.name ?? defaultModelName(input.dataDir, base ? { base } : { spec: spec! });
    const jobId = randomUUID();
    const controller = new AbortController();
    let job: TrainingJob;
    try {
      job = startTrainingJob({
        library: this.host.ctx.library,
        runner: this.host.ctx.runner,
        name,
        dataDir: input.dataDir,
        base,
        spec,
        hyper,
        steps,
        runDir: defaultRunDir(this.host.ctx.library, name),
        minImages: Math.min(TRAINING_MIN_IMAGES, count),
        threads: Math.min(2, availableParallelism()),
        onEvent: (e) => this.onEvent(jobId, e),
      });
    } catch (e) {
      throw new ApiError('INVALID_INPUT', (e as Error).message);
    }
    const state: ActiveTraining = { jobId, job, totalSteps: steps };
    this.active.set(jobId, state);
    controller.signal.addEventListener('abort', () => job.cancel(), { once: true });
    const finished = job.done.then(
      () => undefined,
      () => undefined,
    ).finally(() => this.active.delete(jobId));
    this.host.track(jobId, controller, finished);
    return { jobId, name };
  }

  private onEvent(jobId: string, e: TrainingJobEvent): void {
    const emit = this.host.emit.bind(this.host);
    switch (e.type) {
      case 'dataset':
        emit({ jobId, type: 'training-started', runId: e.runId, imageCount: e.imageCount, skipped: e.skipped.length });
        return;
      case 'progress': {
        const p = e.progress;
        if (p.phase !== 'training' && !(p.step > 0)) return;
        emit({ jobId, type: 'training-progress', step: p.step, totalSteps: p.totalSteps, epoch: p.epoch, lossD: p.lossD, lossG: p.lossG, etaMs: p.etaMs, sampleFile: e.sampleFile });
        return;
      }
      case 'encoder':
        emit({ jobId, type: 'training-encoder', step: e.step, totalSteps: e.totalSteps });
        return;
      case 'paused':
        emit({ jobId, type: 'training-paused', step: e.step });
        return;
      case 'done':
        emit({ jobId, type: 'training-done', model: toModelDto(e.model, this.host.ctx.library), run: this.dto(e.run), encoder: encoderOutcome(e.model, e.encoderSkipped) });
        return;
      case 'cancelled':
        emit({ jobId, type: 'cancelled' });
        return;
      case 'failed':
        emit({ jobId, type: 'failed', error: toApiError(new ApiError('TRAINING_FAILED', e.message)).message });
        return;
    }
  }

  private find(jobId: string): ActiveTraining {
    const a = this.active.get(jobId);
    if (!a) throw new ApiError('NOT_FOUND', `No running training job ${jobId}`);
    return a;
  }

  pause(input: ApiInput<'pauseTraining'>): { paused: boolean } {
    const a = this.find(input.jobId);
    const running = a.job.state === 'running';
    a.job.pause();
    return { paused: running };
  }

  resume(input: ApiInput<'resumeTraining'>): { resumed: boolean } {
    const a = this.find(input.jobId);
    const paused = a.job.state === 'paused';
    a.job.resume();
    return { resumed: paused };
  }

  list(): TrainingRunDto[] {
    return this.store.trainingRuns.list().map((r) => this.dto(r));
  }

  private dto(r: TrainingRunRow): TrainingRunDto {
    const active = [...this.active.values()].find((a) => a.job.run?.id === r.id) ?? null;
    const byStep = new Map<number, { step: number; lossD: number; lossG: number }>();
    for (const m of this.store.trainingRuns.metrics(r.id)) {
      if (m.name !== 'lossD' && m.name !== 'lossG') continue;
      const e = byStep.get(m.step) ?? { step: m.step, lossD: NaN, lossG: NaN };
      e[m.name] = m.value;
      byStep.set(m.step, e);
    }
    const totalSteps = typeof r.params.steps === 'number' ? r.params.steps : null;
    return {
      id: r.id,
      jobId: active?.jobId ?? null,
      kind: r.kind,
      status: r.status,
      baseModelId: r.baseModelId,
      resultModelId: r.resultModelId,
      datasetPath: r.datasetPath,
      imageCount: r.imageCount,
      steps: r.steps,
      totalSteps,
      error: r.error,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      losses: [...byStep.values()].filter((e) => Number.isFinite(e.lossD) && Number.isFinite(e.lossG)),
    };
  }

  sample(input: ApiInput<'getTrainingSample'>): ApiOutputs['getTrainingSample'] {
    if (!/^previews\/[0-9a-f]{2}\/[0-9a-f]{64}\.png$/.test(input.file)) {
      throw new ApiError('INVALID_INPUT', `${input.file} is not a training sample`);
    }
    const b = this.host.ctx.library.readBytes(input.file);
    return { mime: 'image/png', bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) };
  }
}
