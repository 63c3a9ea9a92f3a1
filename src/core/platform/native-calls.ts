// onnxruntime-node aborts the whole process (std::terminate on a Napi::Error) when a worker thread
// is terminated while one of its sessions is being created or run: the native completion calls back
// into a torn-down environment. Seen when a batch with the learned damage detector was cancelled
// and its restore worker terminated mid-inference (the app's server died with SIGABRT).
// So a job worker counts its native calls in flight in memory it shares with the thread that may
// terminate it, and starts no new one once told it is about to be (jobs/runner.ts waits for the
// count to reach 0 before terminating). Outside a worker (no shared memory) calls run as they are.

/** Int32 slots of the shared memory. */
const IN_FLIGHT = 0;
const STOPPING = 1;

export function createNativeCalls(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(8));
}

let shared: Int32Array | null = null;

/** In a job worker: count this thread's native calls in `calls` (made by createNativeCalls). */
export function shareNativeCalls(calls: Int32Array): void {
  shared = calls;
}

/** Runs an onnxruntime call, counted; once the worker is stopping, the call never starts (nor settles). */
export async function nativeCall<T>(call: () => Promise<T>): Promise<T> {
  const s = shared;
  if (!s) return call();
  if (Atomics.load(s, STOPPING) === 1) return new Promise<T>(() => {});
  Atomics.add(s, IN_FLIGHT, 1);
  try {
    return await call();
  } finally {
    Atomics.sub(s, IN_FLIGHT, 1);
  }
}

/**
 * The terminating side: marks the worker as stopping, then resolves once none of its native calls is
 * in flight (polled), or after `maxWaitMs` whatever the count.
 */
export async function quiesceNativeCalls(calls: Int32Array, maxWaitMs = 60_000): Promise<void> {
  Atomics.store(calls, STOPPING, 1);
  const until = Date.now() + maxWaitMs;
  while (Atomics.load(calls, IN_FLIGHT) > 0 && Date.now() <= until) await new Promise((r) => setTimeout(r, 5));
}
