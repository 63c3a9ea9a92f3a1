// Where batch files are processed: in this thread, or on a pool of worker threads running
// app/workers/restore-worker.ts (bundled). The batch runner only sees the FileExecutor interface.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { JobRunner } from '../jobs';
import { findWorkerBundle } from '../platform/paths';
import { restoreFile, type FileResult, type FileTask } from './file';

export interface FileExecutor {
  readonly kind: 'in-process' | 'threads';
  readonly concurrency: number;
  run(task: FileTask, opts: { signal?: AbortSignal; onProgress?: (f: number, msg?: string) => void }): Promise<FileResult>;
  close(): Promise<void>;
}

/** Runs files on the calling thread (async; decode/encode still use libvips threads). */
export function inProcessExecutor(concurrency = 1): FileExecutor {
  return {
    kind: 'in-process',
    concurrency: Math.max(1, concurrency),
    run: (task, opts) => restoreFile(task, { signal: opts.signal, onProgress: opts.onProgress }),
    close: async () => undefined,
  };
}

/** The restore worker's one task kind (served by worker.ts). */
export type RestoreTasks = { 'restore-file': { input: FileTask; output: FileResult; event: never } };

/**
 * A pool of `size` worker threads each running the bundled worker.ts at `script`, on the job layer
 * (core/jobs). One file per worker at a time. Cancelling a file terminates its worker at once (a
 * fresh one starts on demand): the file's work stops without waiting for a check in its code.
 */
export function threadExecutor(script: string, size: number): FileExecutor {
  const workerPath = resolve(script);
  // fail the whole batch up front rather than every file one by one
  if (!existsSync(workerPath)) throw new Error(`restore worker not found: ${workerPath} (bundle src/core/app/workers/restore-worker.ts)`);
  const concurrency = Math.max(1, size);
  const runner = new JobRunner<RestoreTasks>({ workerPath, size: concurrency, cancelGraceMs: 0 });
  return {
    kind: 'threads',
    concurrency,
    run: (task, opts) => runner.run('restore-file', task, { signal: opts.signal, onProgress: opts.onProgress }),
    close: () => runner.close(),
  };
}

/**
 * The bundled restore worker, if this installation has one: RENOVO_RESTORE_WORKER, else
 * dist/worker/restore.cjs under the package root (see platform/paths.ts).
 */
export function findRestoreWorker(): string | undefined {
  return findWorkerBundle('restore', 'RENOVO_RESTORE_WORKER');
}
