// What the Batch and Fine-tune panels' stores share: a folder to work on (`source`) and one
// background job at a time (`run`), started through a JobFollower so no early event is lost, found
// again after a reload, paused, resumed and cancelled by its job id, with any failed call shown as
// the panel's `error`.
import type { JobEvent, RenovoApi } from '../../shared/contract';
import { describeError } from './api/errors';
import type { FolderCheck } from './folder-check.svelte';
import { JobFollower } from './job-follower';

export type JobRunStatus = 'starting' | 'running' | 'paused' | 'done' | 'cancelled' | 'failed';

/** What every panel's run has. */
export interface JobRun {
  jobId: string;
  status: JobRunStatus;
  etaMs: number | null;
  error: string | null;
}

export abstract class JobPanelStore<Run extends JobRun> {
  run = $state<Run | null>(null);
  starting = $state(false);
  error = $state<string | null>(null);

  protected readonly events: JobFollower;

  constructor(
    readonly api: RenovoApi,
    /** the folder the job works on */
    readonly source: FolderCheck,
  ) {
    this.events = new JobFollower(api, (e) => this.#receive(e));
  }

  /** The followed job's events (only those of `run`), after a failure or cancellation is recorded. */
  protected abstract onEvent(e: JobEvent): void;

  abstract pause(): Promise<void>;
  abstract resume(): Promise<void>;

  /** A run is starting, running or paused. */
  get active(): boolean {
    return this.run !== null && ['starting', 'running', 'paused'].includes(this.run.status);
  }

  /**
   * After a reload: show the panel's job still running in the engine (its events keep coming).
   * `list`: the panel's jobs; `restore`: fills the panel from the running one and answers its run.
   */
  protected async reattach<T extends { jobId: string | null; status: string }>(list: () => Promise<T[]>, restore: (live: T & { jobId: string }) => Run): Promise<void> {
    try {
      const live = (await list()).find((r): r is T & { jobId: string } => r.jobId !== null && r.status === 'running');
      if (!live || this.run) return;
      this.run = restore(live);
      this.events.follow(this.run.jobId);
    } catch {
      /* nothing to attach to */
    }
  }

  /** Starts a job: `begin` makes the start call and answers the new run; a failure is the panel's error. */
  protected async launch(begin: () => Promise<Run>): Promise<void> {
    this.error = null;
    this.starting = true;
    this.events.expect();
    this.run = null;
    try {
      this.run = await begin();
      this.events.follow(this.run.jobId);
    } catch (e) {
      this.events.stop();
      this.error = describeError(e);
    } finally {
      this.starting = false;
    }
  }

  /**
   * Sends a pause or resume for the current run; `status` says, from the answer, what the run's
   * status is now (null: the job's events will say).
   */
  protected async control<T>(call: (jobId: string) => Promise<T>, status: (answer: T) => JobRunStatus | null): Promise<void> {
    if (!this.run) return;
    try {
      const next = status(await call(this.run.jobId));
      if (next && this.run) this.run = { ...this.run, status: next };
    } catch (e) {
      this.error = describeError(e);
    }
  }

  async cancel(): Promise<void> {
    await this.control((jobId) => this.api.cancelJob({ jobId }), () => null);
  }

  #receive(e: JobEvent): void {
    const run = this.run;
    if (run && e.type === 'failed') this.run = { ...run, status: 'failed', etaMs: null, error: e.error };
    else if (run && e.type === 'cancelled') this.run = { ...run, status: 'cancelled', etaMs: null };
    this.onEvent(e);
  }

  dispose(): void {
    this.events.dispose();
    this.source.dispose();
  }
}
