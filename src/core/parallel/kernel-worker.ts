// Entry of the kernel worker (bundled to dist/worker/kernels.cjs): runs one share of a data-
// parallel kernel on arrays shared with the coordinating thread, then flags completion through
// `done` (1 = finished, 2 = failed, with the message in `error`). See threads.ts.
import { parentPort } from 'node:worker_threads';
import { runKernelShare, type KernelShare } from './shares';

const port = parentPort;
if (!port) throw new Error('src/core/parallel/kernel-worker.ts must run inside a worker thread');

port.on('message', (m: KernelShare) => {
  let status = 1;
  try {
    runKernelShare(m);
  } catch (e) {
    status = 2;
    m.error.set(new TextEncoder().encode(String((e as Error)?.message ?? e)).subarray(0, m.error.length));
  }
  Atomics.store(m.done, 0, status);
  Atomics.notify(m.done, 0);
});
