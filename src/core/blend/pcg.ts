// Preconditioned conjugate gradients with one multigrid V-cycle as the preconditioner (MGPCG),
// for C right-hand sides at once, run by a Team (team.ts) over the bands of multigrid.ts.
import { allRange, bandsAt, vcycle, type Hierarchy } from './multigrid';
import { barrier, RING, type Team } from './team';
import { defineKernel } from '../parallel/kernel';

export interface PcgResult {
  iterations: number;
  residual: number;
  /** the solve was stopped (cancelled) before it converged */
  stopped?: boolean;
}

/** The vectors of a solve: x (initial guess in, solution out) and the CG work vectors. */
export interface PcgVectors {
  b: Float32Array;
  x: Float32Array;
  p: Float32Array;
  Ap: Float32Array;
}

/**
 * One rank of a Team solve (see the file comment): every rank calls it with the same hierarchy
 * (ensureChannels done), vectors and team state. Rank 0 polls `stopped`; when it fires, every
 * rank returns { stopped: true } at the same point.
 */
export function pcgTeam(h: Hierarchy, v: PcgVectors, C: number, opts: { tol?: number; maxIterations?: number; stopped?: () => boolean }, t: Team): PcgResult {
  const tol = opts.tol ?? 1e-3;
  const maxIt = opts.maxIterations ?? 200;
  const lv = h.levels[0];
  const { all, nb, W } = lv;
  const WC = W * C;
  const { b, x, p, Ap } = v;
  const r = lv.r; // the residual is level 0's right-hand side: the V-cycle reads it in place
  const z = lv.e; // and writes its result into level 0's correction
  const bands = bandsAt(lv, t);
  const bandsAll = t.size === 1 ? [0, 1] : [t.rank]; // partial sums: always two slots
  const part = new Float64Array(C);
  const out = new Float64Array(C);
  let round = 0;
  // per-band partials, then the sum over bands in band order (the same on every rank)
  const reduce = (per: (band: number, acc: Float64Array) => void, max: boolean): Float64Array => {
    const slot = (round++ % RING) * 2 * C;
    for (const band of bandsAll) {
      part.fill(0);
      if (bands.includes(band)) per(band, part);
      for (let c = 0; c < C; c++) t.partial[slot + band * C + c] = part[c];
    }
    barrier(t);
    for (let c = 0; c < C; c++) {
      const a = t.partial[slot + c], bb = t.partial[slot + C + c];
      out[c] = max ? Math.max(a, bb) : a + bb;
    }
    return out;
  };
  const maxOf = (a: Float64Array): number => { let m = 0; for (let c = 0; c < C; c++) if (a[c] > m) m = a[c]; return m; };

  let rmax = maxOf(reduce((band, acc) => {
    const [i0, i1] = allRange(lv, band);
    for (let i = i0; i < i1; i++) {
      const k = all[i], ki = k * C, nk = nb[k];
      for (let c = 0; c < C; c++) {
        const j = ki + c;
        const val = b[j] - (nk * x[j] - x[j - C] - x[j + C] - x[j - WC] - x[j + WC]);
        r[j] = val;
        const a = val < 0 ? -val : val;
        if (a > acc[c]) acc[c] = a;
      }
    }
  }, true));
  if (rmax <= tol || all.length === 0) return { iterations: 0, residual: rmax };
  vcycle(h, 0, t);
  const rz = Float64Array.from(reduce((band, acc) => {
    const [i0, i1] = allRange(lv, band);
    for (let i = i0; i < i1; i++) {
      const ki = all[i] * C;
      for (let c = 0; c < C; c++) { const j = ki + c; p[j] = z[j]; acc[c] += r[j] * z[j]; }
    }
  }, false)); // (the reduction's barrier also completes p before the product reads it)
  const alpha = new Float64Array(C);
  let it = 0;
  while (it < maxIt) {
    if (t.rank === 0 && opts.stopped?.()) Atomics.store(t.stop, 0, 1);
    it++;
    const pAp = reduce((band, acc) => {
      const [i0, i1] = allRange(lv, band);
      for (let i = i0; i < i1; i++) {
        const k = all[i], ki = k * C, nk = nb[k];
        for (let c = 0; c < C; c++) {
          const j = ki + c;
          const val = nk * p[j] - p[j - C] - p[j + C] - p[j - WC] - p[j + WC];
          Ap[j] = val;
          acc[c] += p[j] * val;
        }
      }
    }, false);
    if (Atomics.load(t.stop, 0) !== 0) return { iterations: it, residual: rmax, stopped: true };
    let live = 0;
    for (let c = 0; c < C; c++) {
      // a channel that is already exact has p = 0: leave it alone
      alpha[c] = pAp[c] > 0 ? rz[c] / pAp[c] : 0;
      if (alpha[c] !== 0) live++;
    }
    if (live === 0) break;
    rmax = maxOf(reduce((band, acc) => {
      const [i0, i1] = allRange(lv, band);
      for (let i = i0; i < i1; i++) {
        const ki = all[i] * C;
        for (let c = 0; c < C; c++) {
          const j = ki + c;
          x[j] += alpha[c] * p[j];
          const val = r[j] - alpha[c] * Ap[j];
          r[j] = val;
          const a = val < 0 ? -val : val;
          if (a > acc[c]) acc[c] = a;
        }
      }
    }, true));
    if (rmax <= tol) break;
    vcycle(h, 0, t);
    const rzNew = reduce((band, acc) => {
      const [i0, i1] = allRange(lv, band);
      for (let i = i0; i < i1; i++) {
        const ki = all[i] * C;
        for (let c = 0; c < C; c++) { const j = ki + c; acc[c] += r[j] * z[j]; }
      }
    }, false);
    const beta = new Float64Array(C);
    for (let c = 0; c < C; c++) { beta[c] = rz[c] > 0 ? rzNew[c] / rz[c] : 0; rz[c] = rzNew[c]; }
    for (const band of bands) {
      const [i0, i1] = allRange(lv, band);
      for (let i = i0; i < i1; i++) {
        const ki = all[i] * C;
        for (let c = 0; c < C; c++) { const j = ki + c; p[j] = z[j] + beta[c] * p[j]; }
      }
    }
    barrier(t);
  }
  return { iterations: it, residual: rmax };
}

/** One rank of a team solve as a kernel share (parallel/threads.ts runShares); all arrays shared. */
export interface PcgRankShare extends Team {
  hierarchy: Hierarchy;
  vectors: PcgVectors;
  C: number;
  tol: number;
  maxIterations: number;
  /** written back: iterations, residual */
  result: Float64Array;
}

/** Rank 0 (the coordinating thread) watches for cancellation and tells the team through `stop`. */
export const pcgRankKernel = defineKernel<PcgRankShare>('pcg-rank', (s, stopped) => {
  const team: Team = { rank: s.rank, size: s.size, sync: s.sync, partial: s.partial, stop: s.stop };
  const r = pcgTeam(s.hierarchy, s.vectors, s.C, { tol: s.tol, maxIterations: s.maxIterations, stopped: s.rank === 0 ? stopped : undefined }, team);
  s.result[0] = r.iterations;
  s.result[1] = r.residual;
});
