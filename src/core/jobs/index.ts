// Job runner: heavy work on worker threads with progress and cancellation.
export { JobRunner, type JobRunnerOptions, type RunOptions } from './runner';
export { JobCancelledError, JobFailedError, WorkerCrashError, isCancellation } from './errors';
export type { TaskKind, TaskInput, TaskOutput, TaskTypes, InpaintTaskInput, InpaintTaskOutput } from './tasks';
export { workerEntryPath } from './locate';
