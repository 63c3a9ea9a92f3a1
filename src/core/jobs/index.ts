// The job layer: tasks on a pool of worker threads with progress, typed events, cancellation and
// crash handling. Generic: it imports no task (see tasks.ts and core/app/workers for the wiring).
export { JobRunner, type JobRunnerOptions, type RunOptions } from './runner';
export { JobCancelledError, JobFailedError, WorkerCrashError, isCancellation } from './errors';
export type { TaskContext, TaskHandler, TaskHandlers, TaskMap, TaskSpec } from './tasks';
