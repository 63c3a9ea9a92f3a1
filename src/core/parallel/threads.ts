// Kernel workers (worker_threads) that share typed arrays with the calling thread through
// SharedArrayBuffers. The engines stay synchronous: they hand runShares their kernel and its
// shares, run the first share here, and block in Atomics.wait until the workers' shares are done.
// Work is always split the same way whether or not a worker runs it (small problems, one core, no
// worker bundle, RENOVO_THREADS=1), so results never depend on the number of cores.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { findWorkerBundle } from '../platform/paths';
import type { Kernel, KernelMessage } from './kernel';
import { alloc } from './shared';

export { alloc };
export { defineKernel, type Kernel } from './kernel';

/** A worker that stops answering for this long is treated as dead (a share takes well under 1 s). */
const WAIT_LIMIT_MS = 120_000;
/** How many kernel workers at most (the machines this targets have 2 cores). */
const MAX_KERNEL_WORKERS = 1;

interface KernelWorker {
  worker: Worker;
  /** this worker's completion flag and error text, reused for each share (runShares waits for it) */
  done: Int32Array;
  error: Uint8Array;
}

let kernelWorkers: KernelWorker[] | null | undefined; // undefined: not tried yet; null: unavailable
let enabled = true;

/** Turns the kernel workers off (or back on) for this process, e.g. to compare both paths in tests. */
export function setKernelThreadsEnabled(on: boolean): void {
  enabled = on;
}

function pool(): KernelWorker[] | null {
  if (kernelWorkers !== undefined) return kernelWorkers;
  // dist/worker/kernels.cjs, or RENOVO_KERNEL_WORKER; none there → no kernel workers
  const path = findWorkerBundle('kernels', 'RENOVO_KERNEL_WORKER');
  const n = Math.min(MAX_KERNEL_WORKERS, availableParallelism() - 1);
  if (process.env.RENOVO_THREADS === '1' || n < 1 || !path) return (kernelWorkers = null);
  kernelWorkers = [];
  for (let i = 0; i < n; i++) {
    const w = new Worker(path);
    w.unref(); // never keeps a CLI process alive
    w.on('error', () => { kernelWorkers = null; });
    kernelWorkers.push({ worker: w, done: alloc(Int32Array, 1, true), error: alloc(Uint8Array, 512, true) });
  }
  return kernelWorkers;
}

/** Number of kernel workers available (0 when threads are off or the worker bundle is missing). */
export function kernelThreadCount(): number {
  return enabled ? pool()?.length ?? 0 : 0;
}

export interface ShareControl {
  /** polled by this thread's share (e.g. the caller's AbortSignal) */
  stopped: () => boolean;
  /** tells the workers' shares to stop (sets the shares' shared abort flag) */
  stop: () => void;
}

/**
 * Runs `kernel` over `shares`: `shares[0]` on this thread and the others on kernel workers when
 * `parallel` and kernel workers exist (their arrays must then be shared); otherwise all here, in order. When this thread's share
 * is stopped or throws, the workers are told to stop and are waited for before returning, so
 * nothing writes to the arrays afterwards; the caller then checks its signal.
 */
export function runShares<S>(kernel: Kernel<S>, shares: S[], parallel: boolean, ctl: ShareControl): void {
  const workers = parallel && enabled ? pool() : null;
  if (!workers || shares.length - 1 > workers.length) {
    for (const s of shares) {
      kernel.run(s, ctl.stopped);
      if (ctl.stopped()) return;
    }
    return;
  }
  const remote = workers.slice(0, shares.length - 1);
  remote.forEach((w, i) => {
    Atomics.store(w.done, 0, 0);
    w.error.fill(0);
    w.worker.postMessage({ kernel: kernel.name, share: shares[i + 1], done: w.done, error: w.error } satisfies KernelMessage);
  });
  let failure: unknown = null;
  try {
    kernel.run(shares[0], ctl.stopped);
  } catch (e) {
    failure = e;
  }
  if (failure || ctl.stopped()) ctl.stop();
  for (const w of remote) {
    if (Atomics.wait(w.done, 0, 0, WAIT_LIMIT_MS) === 'timed-out') {
      kernelWorkers = null;
      failure ??= new Error(`parallel ${kernel.name} kernel: a worker did not answer within ${WAIT_LIMIT_MS / 1000} s`);
    } else if (Atomics.load(w.done, 0) === 2) {
      failure ??= new Error(`parallel ${kernel.name} kernel failed in a worker: ${new TextDecoder().decode(w.error.slice()).replace(/\0+$/, '')}`);
    }
  }
  if (failure) throw failure;
}
