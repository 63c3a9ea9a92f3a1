// The shares of work a kernel worker does: one band of a PatchMatch level, or one rank of a
// two-thread Poisson solve. A share carries only typed arrays (shared through SharedArrayBuffers) and
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

export interface PatchMatchBandShare extends JobBase {
  kind: 'patchmatch';
  kernel: PmKernel;
  level: PmLevel;
  band: number;
  args: number[];
}

/** One rank of a two-thread Poisson solve (multigrid.ts pcgTeam); all arrays shared. */
export interface PoissonRankShare extends JobBase {
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

export type KernelShare = PatchMatchBandShare | PoissonRankShare;

/**
 * Runs a share. `stopped` is polled for cancellation; by default the share's shared abort flag (a
 * worker), on the coordinating thread the caller's AbortSignal as well.
 */
export function runKernelShare(share: KernelShare, stopped?: () => boolean): void {
  if (share.kind === 'patchmatch') {
    const flag = share.level.abort;
    runPmKernel(share.kernel, share.level, share.band, share.args, stopped ?? ((): boolean => Atomics.load(flag, 0) !== 0));
    return;
  }
  // rank 0 (the coordinating thread) watches for cancellation and tells the team
  const team = { rank: share.rank, size: share.size, sync: share.sync, partial: share.partial, stop: share.stop };
  const r = pcgTeam(share.hierarchy, share.vectors, share.C, { tol: share.tol, maxIterations: share.maxIterations, stopped: share.rank === 0 ? stopped : undefined }, team);
  share.result[0] = r.iterations;
  share.result[1] = r.residual;
}
