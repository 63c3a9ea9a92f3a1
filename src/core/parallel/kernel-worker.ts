// Entry of the kernel worker (bundled to dist/worker/kernels.cjs): runs one share of a data-
// parallel kernel on arrays shared with the coordinating thread, then flags completion through
// `done` (1 = finished, 2 = failed, with the message in `error`). See helpers.ts.
import { parentPort } from 'node:worker_threads';
import { runKernelJob, type KernelJob } from './jobs';

const port = parentPort;
if (!port) throw new Error('src/core/parallel/kernel-worker.ts must run inside a worker thread');

port.on('message', (m: KernelJob) => {
  let status = 1;
  try {
    runKernelJob(m);
  } catch (e) {
    status = 2;
    m.error.set(new TextEncoder().encode(String((e as Error)?.message ?? e)).subarray(0, m.error.length));
  }
  Atomics.store(m.done, 0, status);
  Atomics.notify(m.done, 0);
});
