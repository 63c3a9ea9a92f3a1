// The one place that wires the app's tasks and kernels to workers: task kinds (tasks.ts), their
// handlers (handlers.ts, run by job-worker.ts), the kernels a kernel worker serves
// (kernel-worker.ts), and where the bundles are (locate.ts).
import { JobRunner, type JobRunnerOptions } from '../../jobs';
import { jobWorkerPath } from './locate';
import type { AppTasks } from './tasks';

export type { AppTasks, InpaintTaskInput, InpaintTaskOutput } from './tasks';
export { jobWorkerPath } from './locate';

export type AppRunner = JobRunner<AppTasks>;
export type AppRunnerOptions = Partial<JobRunnerOptions>;

/** The app's job runner: the job worker bundle unless options name another. */
export function createAppRunner(options: AppRunnerOptions = {}): AppRunner {
  return new JobRunner<AppTasks>({ ...options, workerPath: options.workerPath ?? jobWorkerPath() });
}
