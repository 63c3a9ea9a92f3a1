// The kinds of work a kernel worker does: one band of a PatchMatch level, or one group of channels
// of a Poisson solve. A job carries only typed arrays (shared through SharedArrayBuffers) and
// numbers, so posting it to the worker copies no pixel data.
import { buildHierarchy, pcgSolve, type Hierarchy, type NeumannSides } from '../blend/multigrid';
import { runPmKernel, type PmKernel, type PmLevel } from '../inpaint/patchmatch-kernels';

interface JobBase {
  /** completion flag: 0 running, 1 done, 2 failed */
  done: Int32Array;
  /** UTF-8 error text when failed */
  error: Uint8Array;
}

export interface PatchMatchBandJob extends JobBase {
  kind: 'patchmatch';
  kernel: PmKernel;
  level: PmLevel;
  band: number;
  args: number[];
}

export interface PoissonGroupJob extends JobBase {
  kind: 'poisson';
  /** the region's bounding box (w × h) and its cells (non-zero = unknown) */
  w: number;
  h: number;
  region: Uint8Array;
  neumann: NeumannSides;
  /** channels in this group; b and x are padded (w+2)×(h+2)×C, interleaved; x is solved in place */
  C: number;
  b: Float32Array;
  x: Float32Array;
  tol: number;
  maxIterations: number;
  /** set to 1 by the coordinating thread to cancel */
  abort: Int32Array;
  /** written back: iterations, residual */
  result: Float64Array;
  /** the region's multigrid hierarchy when the coordinating thread already has one (never posted) */
  hierarchy?: Hierarchy;
}

export type KernelJob = PatchMatchBandJob | PoissonGroupJob;

/** An AbortSignal-shaped view of a shared abort flag, for code that polls `signal.aborted`. */
export function flagSignal(flag: Int32Array): AbortSignal {
  return { get aborted(): boolean { return Atomics.load(flag, 0) !== 0; } } as AbortSignal;
}

/**
 * Runs a job. `stopped` is polled for cancellation; by default the job's shared abort flag (a
 * worker), on the coordinating thread the caller's AbortSignal as well.
 */
export function runKernelJob(job: KernelJob, stopped?: () => boolean): void {
  if (job.kind === 'patchmatch') {
    const flag = job.level.abort;
    runPmKernel(job.kernel, job.level, job.band, job.args, stopped ?? ((): boolean => Atomics.load(flag, 0) !== 0));
    return;
  }
  const signal = stopped ? ({ get aborted(): boolean { return stopped(); } } as AbortSignal) : flagSignal(job.abort);
  const hi = job.hierarchy ?? buildHierarchy(job.w, job.h, job.region, job.neumann);
  const r = pcgSolve(hi, job.b, job.x, { tol: job.tol, maxIterations: job.maxIterations, signal }, job.C);
  job.result[0] = r.iterations;
  job.result[1] = r.residual;
}
