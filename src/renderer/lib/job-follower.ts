// The one way the renderer listens to a job: Remove, a batch and a fine-tuning run each follow
// their own job through one of these.
//
// A start call answers with the job id, but the job's events travel on another channel (IPC or
// the bridge's WebSocket) and its first ones can arrive before that answer. So between `expect()`
// (the start call is in flight) and `follow(jobId)` (it answered) events are kept per job id; the
// followed job's are then replayed in order, and from there on only its events are passed on.
import type { JobEvent, RenovoApi } from '../../shared/contract';

export class JobFollower {
  #jobId: string | null = null;
  /** Events kept while a start call is in flight (null: not waiting for one). */
  #early: Map<string, JobEvent[]> | null = null;
  readonly #unsubscribe: () => void;
  readonly #onEvent: (event: JobEvent) => void;

  constructor(api: Pick<RenovoApi, 'onJobEvent'>, onEvent: (event: JobEvent) => void) {
    this.#onEvent = onEvent;
    this.#unsubscribe = api.onJobEvent((event) => this.#receive(event));
  }

  /** A start call is in flight: keep every job's events until it answers with its job id. */
  expect(): void {
    this.#jobId = null;
    this.#early = new Map();
  }

  /** Pass on this job's events, first the ones that arrived before its id was known. */
  follow(jobId: string): void {
    const early = this.#early?.get(jobId) ?? [];
    this.#early = null;
    this.#jobId = jobId;
    for (const event of early) this.#onEvent(event);
  }

  /** Follow no job (the start call failed, or the job is over); events are dropped. */
  stop(): void {
    this.#early = null;
    this.#jobId = null;
  }

  dispose(): void {
    this.stop();
    this.#unsubscribe();
  }

  #receive(event: JobEvent): void {
    if (this.#early) {
      const list = this.#early.get(event.jobId) ?? [];
      list.push(event);
      this.#early.set(event.jobId, list);
    } else if (event.jobId === this.#jobId) this.#onEvent(event);
  }
}
