// A small pool of worker threads running heavy tasks off the main thread.
//
// * Pool size min(2, cores) by default; workers start lazily and are unref'd while idle so an idle
//   pool never keeps the process alive.
// * Cancellation: when the caller's signal fires, run() rejects at once with JobCancelledError (so
//   the caller writes nothing), the worker's shared cancel flag is set and a 'cancel' message sent,
//   so its AbortController fires even inside a synchronous kernel; if the worker does not confirm
//   within `cancelGraceMs` it is terminated and replaced.
// * Typed arrays in inputs and outputs are transferred, not copied: after run() the caller's input
//   buffers are detached.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { JobCancelledError, JobFailedError, WorkerCrashError } from './errors';
import { createCancelFlag, setCancelFlag } from './cancel-flag';
import { createNativeCalls, quiesceNativeCalls } from '../platform/native-calls';
import type { FromWorker, ToWorker } from './protocol';
import type { TaskMap } from './tasks';
import { collectTransferables } from './transfer';

export interface RunOptions<E = unknown> {
  signal?: AbortSignal;
  /** Throttled by the worker; for progress bars. */
  onProgress?: (fraction: number, message: string) => void;
  /** The task's typed events, in order, each delivered (until the run settles). */
  onEvent?: (event: E) => void;
}

export interface JobRunnerOptions {
  /** Number of worker threads (default min(2, available cores)). */
  size?: number;
  /** Path of the worker bundle: an entry that calls serveTasks with handlers for the task map. */
  workerPath: string;
  /** How long a cancelled task may take to stop before its worker is terminated (0: terminate at once). */
  cancelGraceMs?: number;
}

interface Task {
  id: number;
  kind: string;
  input: unknown;
  opts: RunOptions<never>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  settled: boolean;
  slot?: Slot;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker;
  /** Set to 1 to cancel the running task (see cancel-flag.ts). */
  flag: Int32Array;
  /** The worker's onnxruntime calls in flight (see platform/native-calls.ts). */
  nativeCalls: Int32Array;
  task: Task | null;
  /** The task that was cancelled but whose worker has not yet confirmed it stopped. */
  draining: Task | null;
  killTimer?: NodeJS.Timeout;
}

/**
 * Terminates a slot's worker once no onnxruntime call of it is in flight: terminating one mid-call
 * aborts the whole process (platform/native-calls.ts). A call takes at most seconds; the worker starts
 * no new one meanwhile.
 */
async function terminate(slot: Slot): Promise<number> {
  await quiesceNativeCalls(slot.nativeCalls);
  return slot.worker.terminate().catch(() => 0);
}

export class JobRunner<T extends TaskMap> {
  private readonly size: number;
  private readonly workerPath: string;
  private readonly cancelGraceMs: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: JobRunnerOptions) {
    this.size = Math.max(1, options.size ?? Math.min(2, availableParallelism()));
    this.workerPath = options.workerPath;
    this.cancelGraceMs = options.cancelGraceMs ?? 2000;
  }

  /** Runs one task on a worker. Rejects with JobCancelledError when opts.signal fires. */
  run<K extends keyof T & string>(kind: K, input: T[K]['input'], opts: RunOptions<T[K]['event']> = {}): Promise<T[K]['output']> {
    if (this.closed) return Promise.reject(new Error('JobRunner is closed'));
    if (opts.signal?.aborted) return Promise.reject(new JobCancelledError());
    if (!existsSync(this.workerPath)) {
      return Promise.reject(
        new WorkerCrashError(`The job worker is not built (${this.workerPath} is missing): run \`npm run build\``),
      );
    }
    return new Promise<T[K]['output']>((resolve, reject) => {
      const task: Task = {
        id: this.nextId++,
        kind,
        input,
        opts: opts as RunOptions<never>,
        resolve: resolve as (v: unknown) => void,
        reject,
        settled: false,
      };
      if (opts.signal) {
        task.onAbort = () => this.cancel(task);
        opts.signal.addEventListener('abort', task.onAbort, { once: true });
      }
      this.queue.push(task);
      this.pump();
    });
  }

  /** Number of tasks queued or running. */
  get pending(): number {
    return this.queue.length + this.slots.filter((s) => s.task).length;
  }

  /** Terminates all workers; tasks still queued or running are rejected as cancelled. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) this.settle(t, () => t.reject(new JobCancelledError('The job runner was closed')));
    const slots = this.slots.splice(0);
    for (const s of slots) {
      if (s.task) this.settle(s.task, () => s.task!.reject(new JobCancelledError('The job runner was closed')));
      if (s.killTimer) clearTimeout(s.killTimer);
    }
    // ref() first: an idle (unref'd) worker's terminate() does not keep the event loop alive, and a
    // process whose loop drains while awaiting it exits with status 0 in the middle of close().
    await Promise.all(
      slots.map((s) => {
        s.worker.ref();
        return terminate(s);
      }),
    );
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      let slot = this.slots.find((s) => !s.task && !s.draining);
      if (!slot) {
        if (this.slots.length >= this.size) return;
        try {
          slot = this.spawn();
        } catch (e) {
          const t = this.queue.shift()!;
          this.settle(t, () => t.reject(new WorkerCrashError(`Cannot start a job worker: ${(e as Error).message}`, { cause: e })));
          continue;
        }
      }
      const task = this.queue.shift()!;
      this.assign(slot, task);
    }
  }

  private spawn(): Slot {
    const flag = createCancelFlag();
    const nativeCalls = createNativeCalls();
    const worker = new Worker(this.workerPath, { workerData: { cancelFlag: flag.buffer, nativeCalls: nativeCalls.buffer } });
    const slot: Slot = { worker, flag, nativeCalls, task: null, draining: null };
    worker.unref();
    worker.on('message', (msg: FromWorker) => this.onMessage(slot, msg));
    worker.on('error', (err) => this.onWorkerGone(slot, new WorkerCrashError(`Job worker failed: ${err.message}`, { cause: err })));
    worker.on('exit', (code) => this.onWorkerGone(slot, new WorkerCrashError(`Job worker exited unexpectedly (code ${code})`)));
    this.slots.push(slot);
    return slot;
  }

  private assign(slot: Slot, task: Task): void {
    slot.task = task;
    task.slot = slot;
    setCancelFlag(slot.flag, 0);
    slot.worker.ref(); // a running job keeps the process alive
    const msg: ToWorker = { type: 'run', id: task.id, kind: task.kind, input: task.input };
    try {
      slot.worker.postMessage(msg, collectTransferables(task.input));
    } catch (e) {
      slot.task = null;
      slot.worker.unref();
      this.settle(task, () => task.reject(e));
      return;
    }
    task.input = undefined; // detached anyway; drop the reference
  }

  private onMessage(slot: Slot, msg: FromWorker): void {
    if (msg.type === 'ready') return;
    if (slot.draining && msg.id === slot.draining.id) {
      if (msg.type !== 'progress' && msg.type !== 'event') this.release(slot);
      return;
    }
    const task = slot.task;
    if (!task || task.id !== msg.id) return; // stale message from a task already settled
    switch (msg.type) {
      case 'progress':
        if (!task.settled) task.opts.onProgress?.(msg.fraction, msg.message);
        return;
      case 'event':
        if (!task.settled) task.opts.onEvent?.(msg.event as never);
        return;
      case 'done':
        this.finish(slot);
        this.settle(task, () => task.resolve(msg.output));
        return;
      case 'cancelled':
        this.finish(slot);
        this.settle(task, () => task.reject(new JobCancelledError()));
        return;
      case 'error':
        this.finish(slot);
        this.settle(task, () => task.reject(new JobFailedError(msg.error)));
        return;
    }
  }

  private cancel(task: Task): void {
    if (task.settled) return;
    const queued = this.queue.indexOf(task);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(task, () => task.reject(new JobCancelledError()));
      return;
    }
    const slot = task.slot;
    this.settle(task, () => task.reject(new JobCancelledError()));
    if (!slot || slot.task !== task) return;
    if (this.cancelGraceMs <= 0) {
      // no grace: the task stops now, wherever it is; a fresh worker starts on demand
      this.removeSlot(slot);
      void terminate(slot);
      this.pump();
      return;
    }
    // The slot stays out of service until the worker confirms (or is killed).
    slot.task = null;
    slot.draining = task;
    setCancelFlag(slot.flag, 1); // seen at once by a kernel polling signal.aborted
    slot.worker.postMessage({ type: 'cancel', id: task.id } satisfies ToWorker);
    slot.killTimer = setTimeout(() => {
      if (slot.draining !== task) return;
      this.removeSlot(slot);
      void terminate(slot);
      this.pump();
    }, this.cancelGraceMs);
    slot.killTimer.unref();
  }

  /** The running task finished normally; the worker takes the next task. */
  private finish(slot: Slot): void {
    slot.task = null;
    slot.worker.unref();
    queueMicrotask(() => this.pump());
  }

  /** A cancelled task's worker confirmed it stopped. */
  private release(slot: Slot): void {
    slot.draining = null;
    if (slot.killTimer) clearTimeout(slot.killTimer);
    slot.killTimer = undefined;
    slot.worker.unref();
    this.pump();
  }

  private onWorkerGone(slot: Slot, err: Error): void {
    if (!this.slots.includes(slot)) return;
    const task = slot.task; // read before removeSlot() clears it
    this.removeSlot(slot);
    if (task) this.settle(task, () => task.reject(err));
    this.pump();
  }

  private removeSlot(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    if (slot.killTimer) clearTimeout(slot.killTimer);
    slot.task = null;
    slot.draining = null;
  }

  private settle(task: Task, fn: () => void): void {
    if (task.settled) return;
    task.settled = true;
    if (task.onAbort) task.opts.signal?.removeEventListener('abort', task.onAbort);
    fn();
  }
}
