// Worker-thread entry for batch restoration (bundle it, e.g. to dist/worker/restore.cjs). Runs one
// file at a time; the result's byte arrays are transferred, not copied. Cancellation is done by
// the pool terminating the thread.
import { parentPort } from 'node:worker_threads';
import { restoreFile, type FileTask } from './file';
import { setKernelThreadsEnabled } from '../parallel/threads';

const port = parentPort;
if (!port) throw new Error('src/core/restore/worker.ts must run inside a worker thread');
// A batch already keeps the cores busy with one file per worker: a kernel worker per file would
// only oversubscribe them (same results either way, see parallel/threads.ts).
setKernelThreadsEnabled(false);

port.on('message', (msg: { type: 'run'; id: number; task: FileTask }) => {
  if (msg.type !== 'run') return;
  const { id, task } = msg;
  let last = 0;
  restoreFile(task, {
    onProgress: (fraction, message) => {
      const now = Date.now();
      if (now - last < 100 && fraction < 1) return;
      last = now;
      port.postMessage({ type: 'progress', id, fraction, message });
    },
  }).then(
    (result) => {
      const transfer: ArrayBuffer[] = [];
      const add = (a: Uint8Array): void => {
        if (a.buffer instanceof ArrayBuffer && !transfer.includes(a.buffer)) transfer.push(a.buffer);
      };
      add(result.bytes);
      if (result.thumbs) { add(result.thumbs.before); add(result.thumbs.after); add(result.thumbs.mask); }
      try {
        port.postMessage({ type: 'done', id, result }, transfer);
      } catch {
        port.postMessage({ type: 'done', id, result }); // a pooled Buffer cannot be transferred: copy
      }
    },
    (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      const extra = err as Error & { code?: unknown; file?: unknown };
      port.postMessage({
        type: 'error',
        id,
        error: { name: err.name, message: err.message, code: typeof extra.code === 'string' ? extra.code : undefined, file: typeof extra.file === 'string' ? extra.file : undefined },
      });
    },
  );
});
