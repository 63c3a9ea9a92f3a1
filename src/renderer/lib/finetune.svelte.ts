// Fine-tune panel state (issue 6): the folder, the base model, the preset and advanced settings,
// and the live run (losses, sample grid, ETA). Created once by App, so a run keeps going (and its
// chart keeps filling) while the user is in another tab.
import type { JobEvent, ModelDto, RenovoApi } from '../../shared/contract';
import { FolderCheck } from './folder-check.svelte';
import { JobPanelStore, type JobRun } from './job-panel.svelte';

export type Preset = 'quick' | 'thorough';

/** Defaults shown in the advanced settings, per preset (the service's presets, src/core/app/training.ts). */
export const PRESET_DEFAULTS: Record<Preset, { steps: number; lrD: number; lrG: number; dSteps: number; gSteps: number; batch: number }> = {
  quick: { steps: 300, lrD: 1e-4, lrG: 1e-4, dSteps: 1, gSteps: 1, batch: 32 },
  thorough: { steps: 2000, lrD: 5e-5, lrG: 5e-5, dSteps: 2, gSteps: 1, batch: 32 },
};

export interface TrainingRunState extends JobRun {
  name: string;
  step: number;
  totalSteps: number;
  lossD: number | null;
  lossG: number | null;
  imageCount: number | null;
  sampleFile: string | null;
  model: ModelDto | null;
  /** After the GAN steps: adapting the base's z-encoder (step of totalSteps). */
  encoderStep: { step: number; totalSteps: number } | null;
  /** Once done: whether the new version has a z-encoder, and what that means. */
  encoderNote: string | null;
}

export class FineTuneStore extends JobPanelStore<TrainingRunState> {
  // source: the folder of images to adapt to

  baseModelId = $state<number | null>(null);
  preset = $state<Preset>('quick');
  showAdvanced = $state(false);
  steps = $state(PRESET_DEFAULTS.quick.steps);
  lrD = $state(PRESET_DEFAULTS.quick.lrD);
  lrG = $state(PRESET_DEFAULTS.quick.lrG);
  dSteps = $state(PRESET_DEFAULTS.quick.dSteps);
  gSteps = $state(PRESET_DEFAULTS.quick.gSteps);
  batch = $state(PRESET_DEFAULTS.quick.batch);
  /** The advanced values were edited: they are sent; otherwise the preset decides. */
  advancedTouched = $state(false);
  name = $state('');

  /** Loss history of the current run, for the chart. */
  losses = $state.raw<{ step: number; lossD: number; lossG: number }[]>([]);

  constructor(
    api: RenovoApi,
    /** Called when a run produced a model version (the editor refreshes its model picker). */
    private readonly onModelAdded: (model: ModelDto) => void | Promise<void>,
  ) {
    super(api, new FolderCheck(api, 'training', '/home/me/Pictures/monet', 'Choose a folder of images to adapt to'));
  }

  /** After a reload: show the training run still going in the engine (its events keep coming). */
  async attach(): Promise<void> {
    await this.reattach(() => this.api.listTrainingRuns({}), (live) => {
      this.source.path = live.datasetPath;
      this.baseModelId = live.baseModelId;
      this.losses = live.losses;
      const last = live.losses.at(-1);
      return {
        jobId: live.jobId,
        name: '',
        status: 'running',
        step: last?.step ?? 0,
        totalSteps: live.totalSteps ?? 0,
        lossD: last?.lossD ?? null,
        lossG: last?.lossG ?? null,
        etaMs: null,
        imageCount: live.imageCount,
        sampleFile: null,
        error: null,
        model: null,
        encoderStep: null,
        encoderNote: null,
      };
    });
  }

  applyPreset(preset: Preset): void {
    this.preset = preset;
    const d = PRESET_DEFAULTS[preset];
    this.steps = d.steps;
    this.lrD = d.lrD;
    this.lrG = d.lrG;
    this.dSteps = d.dSteps;
    this.gSteps = d.gSteps;
    this.batch = d.batch;
    this.advancedTouched = false;
  }

  get canStart(): boolean {
    return !this.active && !this.starting && this.source.info !== null && this.source.info.imageCount >= 4 && this.baseModelId !== null;
  }

  async start(): Promise<void> {
    const folder = this.source.info;
    if (!this.canStart || !folder) return;
    this.losses = [];
    const advanced = this.advancedTouched
      ? { steps: this.steps, lrD: this.lrD, lrG: this.lrG, dSteps: this.dSteps, gSteps: this.gSteps, batch: this.batch }
      : undefined;
    const name = this.name.trim();
    await this.launch(async () => {
      const { jobId, name: resultName } = await this.api.startTraining({
        baseModelId: this.baseModelId,
        dataDir: folder.path,
        preset: this.preset,
        ...(name ? { name } : {}),
        ...(advanced ? { advanced } : {}),
      });
      return {
        jobId,
        name: resultName,
        status: 'starting',
        step: 0,
        totalSteps: advanced?.steps ?? PRESET_DEFAULTS[this.preset].steps,
        lossD: null,
        lossG: null,
        etaMs: null,
        imageCount: null,
        sampleFile: null,
        error: null,
        model: null,
        encoderStep: null,
        encoderNote: null,
      };
    });
  }

  /** Asks the run to pause; it shows as paused once the run says so (training-paused). */
  async pause(): Promise<void> {
    await this.control((jobId) => this.api.pauseTraining({ jobId }), () => null);
  }

  async resume(): Promise<void> {
    await this.control((jobId) => this.api.resumeTraining({ jobId }), ({ resumed }) => (resumed ? 'running' : null));
  }

  protected onEvent(e: JobEvent): void {
    const run = this.run;
    if (!run) return;
    switch (e.type) {
      case 'training-started':
        this.run = { ...run, status: 'running', imageCount: e.imageCount };
        break;
      case 'training-progress':
        this.run = {
          ...run,
          status: run.status === 'paused' ? 'paused' : 'running',
          step: e.step,
          totalSteps: e.totalSteps,
          lossD: e.lossD,
          lossG: e.lossG,
          etaMs: e.etaMs,
          sampleFile: e.sampleFile ?? run.sampleFile,
        };
        if (Number.isFinite(e.lossD) && Number.isFinite(e.lossG) && (this.losses.at(-1)?.step ?? -1) < e.step) {
          this.losses = [...this.losses, { step: e.step, lossD: e.lossD, lossG: e.lossG }];
        }
        break;
      case 'training-encoder':
        this.run = { ...run, status: run.status === 'paused' ? 'paused' : 'running', step: run.totalSteps, encoderStep: { step: e.step, totalSteps: e.totalSteps } };
        break;
      case 'training-paused':
        this.run = { ...run, status: 'paused', etaMs: null, encoderStep: null };
        break;
      case 'training-done':
        this.run = { ...run, status: 'done', step: run.totalSteps, etaMs: 0, model: e.model, encoderStep: null, encoderNote: e.encoder.note };
        void this.onModelAdded(e.model);
        break;
      default:
        break;
    }
  }
}
