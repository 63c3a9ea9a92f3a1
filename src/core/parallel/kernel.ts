// A data-parallel kernel, as the engine that owns its maths defines it: a name (how a kernel worker
// finds the same code) and the function that runs one share of the split problem. parallel/ only
// schedules kernels it is given; it imports no engine.

export interface Kernel<S> {
  readonly name: string;
  /**
   * Runs one share. `stopped` is the coordinating thread's cancellation check; in a kernel worker
   * it is undefined and the kernel polls the stop flag its share carries (shared memory).
   */
  run(share: S, stopped?: () => boolean): void;
}

export function defineKernel<S>(name: string, run: (share: S, stopped?: () => boolean) => void): Kernel<S> {
  return { name, run };
}

/** What the coordinating thread posts to a kernel worker for one share. */
export interface KernelMessage {
  kernel: string;
  share: unknown;
  /** completion flag: 0 running, 1 done, 2 failed */
  done: Int32Array;
  /** UTF-8 error text when failed */
  error: Uint8Array;
}
