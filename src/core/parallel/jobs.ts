// The kinds of work a kernel worker does: one band of a PatchMatch level, or one rank of a
// two-thread Poisson solve. A job carries only typed arrays (shared through SharedArrayBuffers) and
// numbers, so posting it to the worker copies no pixel data.
import type { Hierarchy } from '../blend/multigrid';
import { pcgTeam, type PcgVectors } from '../blend/pcg';
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

/** One rank of a two-thread Poisson solve (multigrid.ts pcgTeam); all arrays shared. */
export interface PoissonTeamJob extends JobBase {
  kind: 'poisson';
  hierarchy: Hierarchy;
  vectors: PcgVectors;
  C: number;
  tol: number;
  maxIterations: number;
  rank: number;
  size: 1 | 2;
  sync: Int32Array;
  partial: Float64Array;
  /** set to 1 by rank 0 to stop (cancellation) */
  stop: Int32Array;
  /** written back: iterations, residual */
  result: Float64Array;
}

export type KernelJob = PatchMatchBandJob | PoissonTeamJob;

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
  // rank 0 (the coordinating thread) watches for cancellation and tells the team
  const team = { rank: job.rank, size: job.size, sync: job.sync, partial: job.partial, stop: job.stop };
  const r = pcgTeam(job.hierarchy, job.vectors, job.C, { tol: job.tol, maxIterations: job.maxIterations, stopped: job.rank === 0 ? stopped : undefined }, team);
  job.result[0] = r.iterations;
  job.result[1] = r.residual;
}
