// Messages between the JobRunner (main thread) and a job worker (worker_threads).
// One worker runs one task at a time; every message carries the task's id so a late message from a
// task that was already settled (e.g. progress racing a cancel) can be recognised and dropped.

export type ToWorker =
  | { type: 'run'; id: number; kind: string; input: unknown }
  | { type: 'cancel'; id: number };

/** An error flattened for postMessage: name/code survive so the main thread can rebuild it. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  file?: string;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; id: number; fraction: number; message: string }
  /** A task's own typed event (its TaskSpec's event); never throttled or dropped while the task runs. */
  | { type: 'event'; id: number; event: unknown }
  | { type: 'done'; id: number; output: unknown }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'cancelled'; id: number };

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const out: SerializedError = { name: e.name, message: e.message };
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') out.code = code;
    const file = (e as { file?: unknown }).file;
    if (typeof file === 'string') out.file = file;
    return out;
  }
  return { name: 'Error', message: String(e) };
}
