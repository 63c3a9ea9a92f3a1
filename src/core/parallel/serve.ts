// The kernel worker's loop: runs one share of a kernel on arrays shared with the coordinating
// thread, then flags completion through `done` (1 = finished, 2 = failed, with the message in
// `error`). The bundle entry (core/app/workers/kernel-worker.ts) says which kernels it serves.
import { parentPort } from 'node:worker_threads';
import type { Kernel, KernelMessage } from './kernel';

export function serveKernels(kernels: readonly Kernel<never>[]): void {
  const port = parentPort;
  if (!port) throw new Error('serveKernels must run inside a worker thread');
  const byName = new Map(kernels.map((k) => [k.name, k]));
  port.on('message', (m: KernelMessage) => {
    let status = 1;
    try {
      const kernel = byName.get(m.kernel);
      if (!kernel) throw new Error(`this kernel worker has no kernel '${m.kernel}'`);
      kernel.run(m.share as never);
    } catch (e) {
      status = 2;
      m.error.set(new TextEncoder().encode(String((e as Error)?.message ?? e)).subarray(0, m.error.length));
    }
    Atomics.store(m.done, 0, status);
    Atomics.notify(m.done, 0);
  });
}
