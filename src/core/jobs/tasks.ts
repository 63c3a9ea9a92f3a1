// What the job layer knows of a task: its kind names a TaskSpec (input, output, event types), and a
// handler runs it in a worker. The layer imports no task: whoever builds a worker bundle passes its
// handlers to serveTasks (serve.ts), and whoever runs tasks types a JobRunner with the same map
// (core/app/workers/tasks.ts is the app's). Inputs, outputs and events must be structured-cloneable;
// typed arrays inside them are transferred, not copied (see transfer.ts).

export interface TaskSpec {
  input: unknown;
  output: unknown;
  /** What the task emits while it runs (never for a task without events). */
  event: unknown;
}

export type TaskMap = { [kind: string]: TaskSpec };

/** What a handler gets besides its input. */
export interface TaskContext<E = never> {
  signal: AbortSignal;
  /** Throttled (a few per second): for progress bars only, may be dropped. */
  onProgress: (fraction: number, message?: string) => void;
  /** The task's typed events: delivered in order, none dropped. */
  emit: (event: E) => void;
}

export type TaskHandler<S extends TaskSpec> = (input: S['input'], ctx: TaskContext<S['event']>) => Promise<S['output']>;

export type TaskHandlers<T extends TaskMap> = { [K in keyof T]: TaskHandler<T[K]> };
