// Batch panel state (issue 8): input/output folders and options, the running batch's progress,
// and the finished batch's report (one self-contained HTML page opened from a blob: URL).
import type { BatchDto, JobEvent, ModelDto, RenovoApi } from '../../shared/contract';
import { describeError } from './api/errors';
import { FolderCheck } from './folder-check.svelte';
import { isAbsolutePath } from './format';
import { JobPanelStore, type JobRun } from './job-panel.svelte';
import { batchWideModel, modelLabel, wideModelChoice } from './model-choice';

/** A batch-progress event's counts and position (the run's until the next one). */
type BatchProgress = Omit<Extract<JobEvent, { type: 'batch-progress' }>, 'jobId' | 'type' | 'batchId' | 'paused'>;

export interface BatchRunState extends BatchProgress, JobRun {
  batchId: number | null;
  result: BatchDto | null;
  errors: Array<{ relPath: string; error: string }>;
  /** "name vN" of the imported model filling wide damage (null: PatchMatch, or tears not repaired). */
  wideModel: string | null;
  /** the damage detector the batch was started with (stored with the batch) */
  detector: BatchDetector;
}

export type BatchDetector = 'classical' | 'learned';

/** The detector a stored batch asked for (batches from before the choice existed: classical). */
export function batchDetector(options: Record<string, unknown>): BatchDetector {
  return options.detector === 'learned' ? 'learned' : 'classical';
}

/** One tile of the before/after grid (thumbnails as blob: URLs). */
export interface BatchResultTile {
  batchId: number;
  relPath: string;
  status: string;
  error: string | null;
  before: string | null;
  after: string | null;
  /** the sensitivity of the last re-run from this tile (null: as the batch ran it) */
  rerunAt: number | null;
}

function blobUrl(img: { mime: string; bytes: Uint8Array } | null): string | null {
  return img ? URL.createObjectURL(new Blob([img.bytes as Uint8Array<ArrayBuffer>], { type: img.mime })) : null;
}

export class BatchStore extends JobPanelStore<BatchRunState> {
  // source: the folder of scans
  outputDir = $state('');
  outputError = $state<string | null>(null);

  sensitivity = $state(0.5);
  denoise = $state(false);
  denoiseStrength = $state(0.5);
  tears = $state(false);
  tone = $state(true);
  workers = $state(2);
  overwrite = $state(false);
  suffix = $state('');
  /** Wide damage (tears) filled by this imported inpainter instead of PatchMatch (null: PatchMatch). */
  wideModelId = $state<number | null>(null);
  /** Damage detector: the learned U-Net joined with the classical one (default) or the classical one alone. */
  detector = $state<BatchDetector>('learned');

  /** blob: URL of the finished batch's report page. */
  reportUrl = $state<string | null>(null);
  reportLoading = $state(false);

  /** `inpainters`: the library's imported inpainting models (the editor's list, kept current by it). */
  constructor(
    api: RenovoApi,
    readonly inpainters: () => ModelDto[] = () => [],
  ) {
    super(api, new FolderCheck(api, 'batch', '/home/me/Scans', 'Choose the folder of scans'));
  }

  /** After a reload: show the batch still running in the engine (its events keep coming). */
  async attach(): Promise<void> {
    await this.reattach(() => this.api.listBatches({}), (running) => {
      this.source.path = running.inputDir;
      this.outputDir = running.outputDir;
      const finished = running.done + running.failed + running.skipped;
      return {
        jobId: running.jobId,
        status: running.paused ? 'paused' : 'running',
        batchId: running.id,
        done: running.done,
        total: running.total,
        failed: running.failed,
        skipped: running.skipped,
        fraction: running.total > 0 ? finished / running.total : 0,
        currentFile: null,
        etaMs: null,
        error: null,
        result: null,
        errors: [],
        wideModel: running.options.detectTears === true ? batchWideModel(running.options) : null,
        detector: batchDetector(running.options),
      };
    });
  }

  override dispose(): void {
    super.dispose();
    if (this.reportUrl) URL.revokeObjectURL(this.reportUrl);
  }

  /** The chosen wide-damage model while it is still in the library; null: PatchMatch. */
  get wideModel(): ModelDto | null {
    return wideModelChoice(this.inpainters(), this.wideModelId);
  }

  get canStart(): boolean {
    return !this.active && !this.starting && this.source.info !== null && this.source.info.imageCount > 0 && isAbsolutePath(this.outputDir.trim());
  }

  /** Checks the scans folder; the output folder defaults to a sibling "<name>-restored". */
  async inspect(): Promise<void> {
    if (await this.source.inspect()) this.suggestOutput();
  }

  suggestOutput(): void {
    if (!this.outputDir.trim() && this.source.info) this.outputDir = `${this.source.info.path.replace(/[\\/]+$/, '')}-restored`;
  }

  async chooseOutput(): Promise<void> {
    try {
      const { path } = await this.api.chooseFolder({ title: 'Choose where restored photos go' });
      if (path) this.outputDir = path;
    } catch (e) {
      this.outputError = describeError(e);
    }
  }

  async start(): Promise<void> {
    this.outputError = null;
    if (!isAbsolutePath(this.outputDir.trim())) {
      this.outputError = 'Enter the full path of the output folder.';
      return;
    }
    const input = this.source.info;
    if (!this.canStart || !input) return;
    if (this.reportUrl) URL.revokeObjectURL(this.reportUrl);
    this.reportUrl = null;
    // only tears use it: without "Repair tears" no model is sent (nor checked)
    const wideModel = this.tears ? this.wideModel : null;
    const suffix = this.suffix.trim();
    await this.launch(async () => {
      const { jobId } = await this.api.startBatch({
        inputDir: input.path,
        outputDir: this.outputDir.trim(),
        options: {
          sensitivity: this.sensitivity,
          denoise: this.denoise ? this.denoiseStrength : 0,
          detectTears: this.tears,
          tone: this.tone,
          workers: this.workers,
          overwrite: this.overwrite,
          ...(suffix ? { suffix } : {}),
          ...(wideModel ? { wideModelId: wideModel.id } : {}),
          detector: this.detector,
        },
      });
      return { jobId, status: 'starting', batchId: null, done: 0, total: input.imageCount, failed: 0, skipped: 0, fraction: 0, currentFile: null, etaMs: null, error: null, result: null, errors: [], wideModel: wideModel ? modelLabel(wideModel) : null, detector: this.detector };
    });
  }

  async pause(): Promise<void> {
    await this.control((jobId) => this.api.pauseBatch({ jobId }), () => 'paused');
  }

  async resume(): Promise<void> {
    await this.control((jobId) => this.api.resumeBatch({ jobId }), () => 'running');
  }

  /** Before/after thumbnails of the finished batch's files, as blob: URLs for the grid. */
  results = $state.raw<BatchResultTile[]>([]);
  /** Per-tile damage sensitivity for "Re-run" (starts at the batch's own). */
  tileSensitivity = $state<Record<string, number>>({});
  /** Tiles whose re-run is in progress. */
  rerunning = $state<Record<string, boolean>>({});

  async loadResults(batchId: number): Promise<void> {
    try {
      const items = await this.api.listBatchResults({ batchId, limit: 48 });
      const batchSensitivity = typeof this.run?.result?.options.sensitivity === 'number' ? this.run.result.options.sensitivity : 0.5;
      this.#revokeResults();
      this.results = items.map((i) => ({ batchId, relPath: i.relPath, status: i.status, error: i.error, before: blobUrl(i.before), after: blobUrl(i.after), rerunAt: null }));
      this.tileSensitivity = Object.fromEntries(items.map((i) => [i.relPath, batchSensitivity]));
      this.rerunning = {};
    } catch (e) {
      this.error = describeError(e);
    }
  }

  /** Restores one finished file again at its tile's sensitivity; the tile shows the new output. */
  async rerun(relPath: string): Promise<void> {
    const tile = this.results.find((r) => r.relPath === relPath);
    if (!tile || this.rerunning[relPath]) return;
    const sensitivity = this.tileSensitivity[relPath] ?? 0.5;
    this.error = null;
    this.rerunning[relPath] = true;
    try {
      const out = await this.api.rerunBatchFile({ batchId: tile.batchId, relPath, sensitivity });
      const after = blobUrl(out.result.after);
      this.results = this.results.map((r) => {
        if (r.relPath !== relPath || r.batchId !== tile.batchId) return r;
        if (r.after) URL.revokeObjectURL(r.after);
        return { ...r, status: out.result.status, error: out.result.error, after, rerunAt: out.sensitivity };
      });
    } catch (e) {
      this.error = `${relPath}: ${describeError(e)}`;
    } finally {
      delete this.rerunning[relPath];
    }
  }

  /** Desktop: the output folder in the file manager. */
  async openOutput(): Promise<void> {
    const id = this.run?.result?.id;
    if (!id) return;
    try {
      await this.api.openBatchOutput({ batchId: id });
    } catch (e) {
      this.error = describeError(e);
    }
  }

  #revokeResults(): void {
    for (const r of this.results) for (const u of [r.before, r.after]) if (u) URL.revokeObjectURL(u);
    this.results = [];
  }

  /** Fetches the report page and keeps a blob: URL for it. */
  async loadReport(): Promise<string | null> {
    const id = this.run?.result?.id;
    if (!id) return null;
    if (this.reportUrl) return this.reportUrl;
    this.reportLoading = true;
    try {
      const r = await this.api.getBatchReport({ batchId: id });
      this.reportUrl = URL.createObjectURL(new Blob([r.bytes as Uint8Array<ArrayBuffer>], { type: r.mime }));
      return this.reportUrl;
    } catch (e) {
      this.error = describeError(e);
      return null;
    } finally {
      this.reportLoading = false;
    }
  }

  protected onEvent(e: JobEvent): void {
    const run = this.run;
    if (!run) return;
    switch (e.type) {
      case 'batch-progress': {
        const { jobId: _jobId, type: _type, paused, ...progress } = e;
        this.run = { ...run, ...progress, status: paused ? 'paused' : 'running' };
        break;
      }
      case 'batch-done':
        this.run = { ...run, status: 'done', fraction: 1, etaMs: 0, currentFile: null, done: e.batch.done, failed: e.batch.failed, skipped: e.batch.skipped, total: e.batch.total, result: e.batch, errors: e.errors, wideModel: e.batch.options.detectTears === true ? batchWideModel(e.batch.options) : null, detector: batchDetector(e.batch.options) };
        if (e.batch.hasReport) void this.loadReport();
        void this.loadResults(e.batch.id);
        break;
      case 'cancelled':
        this.run = { ...run, currentFile: null };
        break;
      default:
        break;
    }
  }
}
