// Where batch files are processed: in this thread, or on a pool of worker threads running
// worker.ts (bundled). The batch runner only sees the FileExecutor interface, so another host
// (e.g. the app's job runner, once it has a restore task kind) can be plugged in the same way.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { abortError } from '../platform/cancel';
import { locateAppRoot } from '../platform/paths';
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

type FromWorker =
  | { type: 'progress'; id: number; fraction: number; message?: string }
  | { type: 'done'; id: number; result: FileResult }
  | { type: 'error'; id: number; error: { name: string; message: string; code?: string; file?: string } };

interface Slot {
  worker: Worker | null;
  busy: boolean;
}

/**
 * A pool of `size` worker threads each running the bundled worker.ts at `script`. One file per
 * worker at a time. Cancelling a file terminates its worker (a fresh one starts on demand), so a
 * cancelled file never finishes writing anything.
 */
export function threadExecutor(script: string, size: number): FileExecutor {
  const entry = resolve(script);
  // fail the whole batch up front rather than every file one by one
  if (!existsSync(entry)) throw new Error(`restore worker not found: ${entry} (bundle src/core/restore/worker.ts)`);
  const slots: Slot[] = Array.from({ length: Math.max(1, size) }, () => ({ worker: null, busy: false }));
  let nextId = 1;
  const waiting: Array<() => void> = [];
  const acquire = async (): Promise<Slot> => {
    for (;;) {
      const free = slots.find((s) => !s.busy);
      if (free) {
        free.busy = true;
        return free;
      }
      await new Promise<void>((r) => waiting.push(r));
    }
  };
  const release = (s: Slot): void => {
    s.busy = false;
    waiting.shift()?.();
  };
  return {
    kind: 'threads',
    concurrency: slots.length,
    async run(task, opts) {
      if (opts.signal?.aborted) throw abortError();
      const slot = await acquire();
      try {
        if (!slot.worker) slot.worker = new Worker(entry);
        const worker = slot.worker;
        const id = nextId++;
        return await new Promise<FileResult>((resolvePromise, reject) => {
          const cleanup = (): void => {
            worker.off('message', onMessage);
            worker.off('error', onError);
            worker.off('exit', onExit);
            opts.signal?.removeEventListener('abort', onAbort);
          };
          const onMessage = (m: FromWorker): void => {
            if (m.id !== id) return;
            if (m.type === 'progress') opts.onProgress?.(m.fraction, m.message);
            else if (m.type === 'done') { cleanup(); resolvePromise(m.result); }
            else {
              cleanup();
              const e = new Error(m.error.message);
              e.name = m.error.name;
              Object.assign(e, { code: m.error.code, file: m.error.file });
              reject(e);
            }
          };
          const onError = (e: Error): void => { cleanup(); slot.worker = null; reject(e); };
          const onExit = (code: number): void => { cleanup(); slot.worker = null; reject(new Error(`restore worker exited (code ${code})`)); };
          const onAbort = (): void => {
            cleanup();
            slot.worker = null;
            void worker.terminate();
            reject(abortError());
          };
          worker.on('message', onMessage);
          worker.on('error', onError);
          worker.on('exit', onExit);
          opts.signal?.addEventListener('abort', onAbort, { once: true });
          worker.postMessage({ type: 'run', id, task });
        });
      } finally {
        release(slot);
      }
    },
    async close() {
      await Promise.all(slots.map(async (s) => {
        const w = s.worker;
        s.worker = null;
        if (w) await w.terminate();
      }));
    },
  };
}

/**
 * The bundled restore worker, if this installation has one: RENOVO_RESTORE_WORKER, else
 * dist/worker/restore.cjs under the package root (see platform/paths.ts).
 */
export function findRestoreWorker(): string | undefined {
  const env = process.env.RENOVO_RESTORE_WORKER;
  if (env) return existsSync(env) ? resolve(env) : undefined;
  const root = locateAppRoot();
  if (!root) return undefined;
  const p = join(root, 'dist', 'worker', 'restore.cjs');
  return existsSync(p) ? p : undefined;
}
