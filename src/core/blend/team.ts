// A team of threads working on one solve (multigrid.ts, pcg.ts): rank 0 is the calling thread,
// rank 1 a kernel worker; a barrier over a shared counter, and ring slots for per-band partial sums.
// Size 1 is one thread doing every band, for which the barrier is a no-op.
import { alloc } from '../parallel/shared';

/** Two threads solving together (or one thread doing both bands: size 1). */
export interface Team {
  rank: number;
  size: 1 | 2;
  /** barrier: [arrived, generation] */
  sync: Int32Array;
  /** per-band partial sums: RING slots × 2 bands × C */
  partial: Float64Array;
  /** set to 1 by rank 0 when the solve must stop (cancellation) */
  stop: Int32Array;
}

/** Ring of reduction slots (ranks are never more than one barrier apart). */
export const RING = 4;
const SPIN = 20_000;
/** A partner that does not reach a barrier for this long is gone (a bug, not a slow machine). */
const BARRIER_LIMIT_MS = 60_000;

/** Shared state for a Team: allocate once per solve, give every rank the same arrays. */
export function teamState(C: number, shared: boolean): Omit<Team, 'rank' | 'size'> {
  return { sync: alloc(Int32Array, 2, shared), partial: alloc(Float64Array, RING * 2 * C, shared), stop: alloc(Int32Array, 1, shared) };
}

export function barrier(t: Team): void {
  if (t.size === 1) return;
  const s = t.sync;
  const gen = Atomics.load(s, 1);
  if (Atomics.add(s, 0, 1) === t.size - 1) {
    Atomics.store(s, 0, 0);
    Atomics.add(s, 1, 1);
    Atomics.notify(s, 1);
    return;
  }
  for (let i = 0; i < SPIN; i++) if (Atomics.load(s, 1) !== gen) return;
  while (Atomics.load(s, 1) === gen) {
    if (Atomics.wait(s, 1, gen, BARRIER_LIMIT_MS) === 'timed-out' && Atomics.load(s, 1) === gen) {
      throw new Error('Poisson solver: the other thread of the solve stopped answering');
    }
  }
}
