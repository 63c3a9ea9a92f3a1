// The one place that wires the app's tasks and kernels to workers: task kinds (tasks.ts), their
// handlers (handlers.ts, run by job-worker.ts), the kernels a kernel worker serves
// (kernel-worker.ts), and the job bundle's path (jobWorkerPath; platform/paths.ts finds bundles).
import { JobRunner, type JobRunnerOptions } from '../../jobs';
import { workerBundle } from '../../platform/paths';
import type { AppTasks } from './tasks';

export type { AppTasks, InpaintTaskInput, InpaintTaskOutput } from './tasks';

/** Absolute path of the job worker bundle, `dist/worker/index.cjs`; RENOVO_WORKER overrides it. */
export function jobWorkerPath(): string {
  return workerBundle('index', 'RENOVO_WORKER');
}

export type AppRunner = JobRunner<AppTasks>;
export type AppRunnerOptions = Partial<JobRunnerOptions>;

/** The app's job runner: the job worker bundle unless options name another. */
export function createAppRunner(options: AppRunnerOptions = {}): AppRunner {
  return new JobRunner<AppTasks>({ ...options, workerPath: options.workerPath ?? jobWorkerPath() });
}
