// Multigrid-preconditioned conjugate gradients (MGPCG) for the 5-point Poisson equation on an
// irregular region inside a rectangular grid.
//
// The system, for every unknown cell p:   nb_p · f_p − Σ_{q ∈ N(p), q unknown} f_q = b_p
// where nb_p counts the neighbours of p that exist (in the image). Known (Dirichlet) neighbours
// are folded into b by the caller; missing neighbours at the image border give Neumann edges.
//
// Preconditioner: one symmetric V-cycle (red-black Gauss–Seidel, red→black before and
// black→red after the coarse correction; restriction = sum of children, prolongation = constant
// injection = its transpose; coarse operators rediscretised). The coarsest level is solved
// exactly by a dense Cholesky factor computed once, or by symmetric Gauss–Seidel when it is too
// big (very elongated regions). Every level keeps a 1-cell zero pad so the stencil never needs
// bounds checks.
//
// Two threads (a Team): every big level is cut at an even row into two bands; each thread sweeps,
// restricts and prolongs its band and does its band's share of the CG vector work, with a barrier
// wherever a band reads what the other wrote (red-black Gauss–Seidel needs one per colour). Dot
// products are summed per band and then in band order, so one thread doing both bands in turn
// (size 1) gives bit-identical results.

import { throwIfAborted } from './control';
import { alloc } from '../parallel/shared';

export interface NeumannSides {
  left: boolean;
  right: boolean;
  top: boolean;
  bottom: boolean;
}

interface Level {
  w: number;
  h: number;
  /** padded width (w + 2) */
  W: number;
  nb: Float32Array;
  /** 1/nb on unknown cells, 0 elsewhere */
  nbInv: Float32Array;
  red: Int32Array;
  black: Int32Array;
  all: Int32Array;
  /** for each entry of `all`: index of its parent cell in the next (coarser) level */
  parent: Int32Array;
  /** band 0 is rows [0, mid), band 1 rows [mid, h); mid === h: one band (a small level) */
  mid: number;
  /** where band 1 starts in all / red / black */
  allSplit: number;
  redSplit: number;
  blackSplit: number;
  /** correction and right-hand side, C values per cell (interleaved), sized per C by ensureChannels */
  e: Float32Array;
  r: Float32Array;
  C: number;
}

interface Coarsest {
  n: number;
  /** lower-triangular Cholesky factor, row-major n×n, or null when GS is used */
  L: Float64Array | null;
  tmp: Float64Array;
}

export interface Hierarchy {
  levels: Level[];
  coarsest: Coarsest;
  /** unknown cells of the finest level, padded indexing */
  unknowns: Int32Array;
  /** padded width of the finest level */
  W: number;
  /** padded height of the finest level */
  H: number;
  /** arrays live in shared memory (a Team of two threads can work on it) */
  shared: boolean;
}

const MAX_DENSE = 160;
/** Levels with fewer unknowns than this are one band (two threads would mostly wait). */
const BAND_MIN_CELLS = 8192;

function rowOf(k: number, W: number): number {
  return ((k / W) | 0) - 1;
}

/** First index of a row-major cell list whose row is >= mid. */
function splitAt(list: Int32Array, W: number, mid: number): number {
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (rowOf(list[m], W) < mid) lo = m + 1;
    else hi = m;
  }
  return lo;
}

function buildLevel(w: number, h: number, region: Uint8Array, neumann: NeumannSides, shared: boolean): Level {
  const W = w + 2;
  const H = h + 2;
  const nb = alloc(Float32Array, W * H, shared);
  const nbInv = alloc(Float32Array, W * H, shared);
  let count = 0;
  let redCount = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (region[y * w + x]) {
        count++;
        if (((x + y) & 1) === 0) redCount++;
      }
    }
  }
  const red = alloc(Int32Array, redCount, shared);
  const black = alloc(Int32Array, count - redCount, shared);
  const all = alloc(Int32Array, count, shared);
  let ri = 0;
  let bi = 0;
  let ai = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!region[y * w + x]) continue;
      const k = (y + 1) * W + (x + 1);
      let n = 4;
      if (x === 0 && neumann.left) n--;
      if (x === w - 1 && neumann.right) n--;
      if (y === 0 && neumann.top) n--;
      if (y === h - 1 && neumann.bottom) n--;
      nb[k] = n;
      nbInv[k] = n > 0 ? 1 / n : 0;
      all[ai++] = k;
      if (((x + y) & 1) === 0) red[ri++] = k;
      else black[bi++] = k;
    }
  }
  // two bands of about equal unknowns, cut at an even row so that a coarse cell's four children
  // are always in the same band (restriction never writes across the cut)
  let mid = h;
  if (count >= BAND_MIN_CELLS && h >= 8) {
    mid = Math.min(h - 2, Math.max(2, rowOf(all[count >> 1], W) & ~1));
  }
  return {
    w, h, W, nb, nbInv, red, black, all,
    parent: alloc(Int32Array, count, shared),
    mid,
    allSplit: splitAt(all, W, mid),
    redSplit: splitAt(red, W, mid),
    blackSplit: splitAt(black, W, mid),
    e: new Float32Array(0),
    r: new Float32Array(0),
    C: 0,
  };
}

/** True when the level has at least one Dirichlet condition (a known cell or a Dirichlet side). */
function hasDirichlet(lv: Level, neumann: NeumannSides): boolean {
  if (lv.all.length < lv.w * lv.h) return true;
  return !(neumann.left && neumann.right && neumann.top && neumann.bottom);
}

/**
 * Builds the multigrid hierarchy for a w×h grid whose cells with region[y*w+x] != 0 are unknown.
 * `neumann` says which grid sides are the image border (no neighbour there) rather than a ring of
 * known cells. `shared`: allocate in shared memory, for a Team of two threads.
 */
export function buildHierarchy(w: number, h: number, region: Uint8Array, neumann: NeumannSides, shared = false): Hierarchy {
  const levels: Level[] = [buildLevel(w, h, region, neumann, shared)];
  let cw = w;
  let ch = h;
  let cregion = region;
  for (;;) {
    const last = levels[levels.length - 1];
    if (last.all.length <= MAX_DENSE || cw <= 2 || ch <= 2) break;
    const nw = (cw + 1) >> 1;
    const nh = (ch + 1) >> 1;
    const nregion = new Uint8Array(nw * nh);
    for (let y = 0; y < ch; y++) {
      for (let x = 0; x < cw; x++) {
        if (cregion[y * cw + x]) nregion[(y >> 1) * nw + (x >> 1)] = 1;
      }
    }
    const next = buildLevel(nw, nh, nregion, neumann, shared);
    if (!hasDirichlet(next, neumann)) break;
    // parents of the current level's unknowns
    const W = last.W;
    const NW = next.W;
    for (let i = 0; i < last.all.length; i++) {
      const k = last.all[i];
      const y = ((k / W) | 0) - 1;
      const x = (k % W) - 1;
      last.parent[i] = ((y >> 1) + 1) * NW + ((x >> 1) + 1);
    }
    levels.push(next);
    cw = nw;
    ch = nh;
    cregion = nregion;
  }
  const bottom = levels[levels.length - 1];
  // the coarsest level is solved by one thread
  bottom.mid = bottom.h;
  bottom.allSplit = bottom.all.length;
  bottom.redSplit = bottom.red.length;
  bottom.blackSplit = bottom.black.length;
  const n = bottom.all.length;
  let L: Float64Array | null = null;
  if (n <= MAX_DENSE && n > 0) L = cholesky(bottom);
  return { levels, coarsest: { n, L, tmp: new Float64Array(n) }, unknowns: levels[0].all, W: levels[0].W, H: levels[0].h + 2, shared };
}

/** Sizes every level's work arrays for C interleaved channels (before a Team shares them). */
export function ensureChannels(h: Hierarchy, C: number): void {
  for (const lv of h.levels) {
    if (lv.C === C) continue;
    const n = (lv.w + 2) * (lv.h + 2) * C;
    lv.e = alloc(Float32Array, n, h.shared);
    lv.r = alloc(Float32Array, n, h.shared);
    lv.C = C;
  }
}

function cholesky(lv: Level): Float64Array | null {
  const n = lv.all.length;
  const A = new Float64Array(n * n);
  const pos = new Map<number, number>();
  for (let i = 0; i < n; i++) pos.set(lv.all[i], i);
  const W = lv.W;
  for (let i = 0; i < n; i++) {
    const k = lv.all[i];
    A[i * n + i] = lv.nb[k];
    for (const q of [k - 1, k + 1, k - W, k + W]) {
      const j = pos.get(q);
      if (j !== undefined) A[i * n + j] = -1;
    }
  }
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j];
    for (let k = 0; k < j; k++) d -= A[j * n + k] * A[j * n + k];
    if (!(d > 1e-12)) return null; // singular (pure Neumann) — fall back to Gauss–Seidel
    d = Math.sqrt(d);
    A[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= A[i * n + k] * A[j * n + k];
      A[i * n + j] = s / d;
    }
  }
  return A;
}

// ---------------------------------------------------------------- teams of threads

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

const RING = 4;
const SPIN = 20_000;
/** A partner that does not reach a barrier for this long is gone (a bug, not a slow machine). */
const BARRIER_LIMIT_MS = 60_000;

/** Shared state for a Team: allocate once per solve, give every rank the same arrays. */
export function teamState(C: number, shared: boolean): Omit<Team, 'rank' | 'size'> {
  return { sync: alloc(Int32Array, 2, shared), partial: alloc(Float64Array, RING * 2 * C, shared), stop: alloc(Int32Array, 1, shared) };
}

function barrier(t: Team): void {
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

/** The bands this thread works on at a level (a one-band level is rank 0's). */
function bandsAt(lv: Level, t: Team): number[] {
  if (lv.mid < lv.h) return t.size === 1 ? [0, 1] : [t.rank];
  return t.rank === 0 ? [0] : [];
}

const banded = (lv: Level): boolean => lv.mid < lv.h;

// ---------------------------------------------------------------- smoothing and the V-cycle

/** Gauss–Seidel over one colour ((x + y) & 1 === colour) of the band's rows, all channels per cell. */
function sweepColour(lv: Level, colour: number, band: number): void {
  const { e, r, nbInv, W, w, C } = lv;
  const WC = W * C;
  const y0 = band === 0 ? 0 : lv.mid, y1 = band === 0 ? lv.mid : lv.h;
  for (let y = y0; y < y1; y++) {
    const row = (y + 1) * W + 1;
    for (let k = row + ((y + colour) & 1), end = row + w; k < end; k += 2) {
      const f = nbInv[k];
      if (f === 0) continue;
      const i = k * C;
      if (C === 3) {
        e[i] = (r[i] + e[i - 3] + e[i + 3] + e[i - WC] + e[i + WC]) * f;
        e[i + 1] = (r[i + 1] + e[i - 2] + e[i + 4] + e[i + 1 - WC] + e[i + 1 + WC]) * f;
        e[i + 2] = (r[i + 2] + e[i - 1] + e[i + 5] + e[i + 2 - WC] + e[i + 2 + WC]) * f;
      } else if (C === 1) {
        e[i] = (r[i] + e[i - 1] + e[i + 1] + e[i - W] + e[i + W]) * f;
      } else {
        for (let c = 0; c < C; c++) e[i + c] = (r[i + c] + e[i + c - C] + e[i + c + C] + e[i + c - WC] + e[i + c + WC]) * f;
      }
    }
  }
}

function sweep(lv: Level, colour: number, band: number): void {
  const list = colour === 0 ? lv.red : lv.black;
  // rectangle scans are cache-friendly; fall back to the index list on sparse levels
  if (list.length * 4 > lv.w * lv.h) {
    sweepColour(lv, colour, band);
    return;
  }
  const split = colour === 0 ? lv.redSplit : lv.blackSplit;
  const { e, r, nbInv, W, C } = lv;
  const WC = W * C;
  for (let j = band === 0 ? 0 : split, end = band === 0 ? split : list.length; j < end; j++) {
    const k = list[j];
    const f = nbInv[k];
    const i = k * C;
    for (let c = 0; c < C; c++) e[i + c] = (r[i + c] + e[i + c - C] + e[i + c + C] + e[i + c - WC] + e[i + c + WC]) * f;
  }
}

/** Red then black (or black then red) over this thread's bands, with a barrier after each colour. */
function sweepPair(lv: Level, first: number, bands: number[], t: Team): void {
  for (const colour of [first, 1 - first]) {
    for (const b of bands) sweep(lv, colour, b);
    if (banded(lv)) barrier(t);
  }
}

/** [start, end) of the band's cells in lv.all. */
function allRange(lv: Level, band: number): [number, number] {
  return band === 0 ? [0, lv.allSplit] : [lv.allSplit, lv.all.length];
}

const PRE_SWEEPS = 2;
const COARSE_GS_SWEEPS = 40;

function vcycle(h: Hierarchy, li: number, t: Team): void {
  const lv = h.levels[li];
  const { e, all, C } = lv;
  const bands = bandsAt(lv, t);
  for (const b of bands) {
    const [i0, i1] = allRange(lv, b);
    for (let i = i0; i < i1; i++) for (let c = 0, j = all[i] * C; c < C; c++) e[j + c] = 0;
  }
  if (banded(lv)) barrier(t);
  if (li === h.levels.length - 1) {
    if (t.rank !== 0) return;
    const c = h.coarsest;
    if (c.L) {
      const { L, tmp, n } = c;
      for (let ch = 0; ch < C; ch++) {
        for (let i = 0; i < n; i++) {
          let s = lv.r[all[i] * C + ch];
          for (let k = 0; k < i; k++) s -= L[i * n + k] * tmp[k];
          tmp[i] = s / L[i * n + i];
        }
        for (let i = n - 1; i >= 0; i--) {
          let s = tmp[i];
          for (let k = i + 1; k < n; k++) s -= L[k * n + i] * tmp[k];
          tmp[i] = s / L[i * n + i];
        }
        for (let i = 0; i < n; i++) e[all[i] * C + ch] = tmp[i];
      }
    } else {
      for (let s = 0; s < COARSE_GS_SWEEPS; s++) { sweep(lv, 0, 0); sweep(lv, 1, 0); }
      for (let s = 0; s < COARSE_GS_SWEEPS; s++) { sweep(lv, 1, 0); sweep(lv, 0, 0); }
    }
    return;
  }
  for (let s = 0; s < PRE_SWEEPS; s++) sweepPair(lv, 0, bands, t);
  // residual, restricted by summing children into the coarse right-hand side
  const next = h.levels[li + 1];
  const { r, nb, W, parent } = lv;
  const WC = W * C;
  const rc = next.r;
  for (const b of bandsAt(next, t)) {
    const [i0, i1] = allRange(next, b);
    for (let i = i0; i < i1; i++) for (let c = 0, j = next.all[i] * C; c < C; c++) rc[j + c] = 0;
  }
  if (banded(lv)) barrier(t);
  for (const b of bands) {
    const [i0, i1] = allRange(lv, b);
    for (let i = i0; i < i1; i++) {
      const k = all[i];
      const n = nb[k];
      const pi = parent[i] * C;
      const ki = k * C;
      for (let c = 0; c < C; c++) {
        const j = ki + c;
        rc[pi + c] += r[j] - (n * e[j] - e[j - C] - e[j + C] - e[j - WC] - e[j + WC]);
      }
    }
  }
  if (banded(lv)) barrier(t);
  vcycle(h, li + 1, t);
  if (banded(lv)) barrier(t); // the coarse correction is complete
  const ec = next.e;
  for (const b of bands) {
    const [i0, i1] = allRange(lv, b);
    for (let i = i0; i < i1; i++) {
      const ki = all[i] * C, pi = parent[i] * C;
      for (let c = 0; c < C; c++) e[ki + c] += ec[pi + c];
    }
  }
  if (banded(lv)) barrier(t);
  for (let s = 0; s < PRE_SWEEPS; s++) sweepPair(lv, 1, bands, t);
}

// ---------------------------------------------------------------- preconditioned CG

export interface PcgOptions {
  /** stop when max |residual| <= tol (same units as b); default 1e-3 */
  tol?: number;
  maxIterations?: number;
  signal?: AbortSignal;
}

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
 * Solves A x = b for C interleaved right-hand sides at once (one CG recurrence per channel) on the
 * finest level's unknown cells (padded indexing, C values per cell). `x` holds the initial guess
 * on entry and the solution on exit; entries of x outside the unknown set must be 0. Stops when
 * every channel's max |residual| <= tol.
 */
export function pcgSolve(h: Hierarchy, b: Float32Array, x: Float32Array, opts: PcgOptions = {}, C = 1): PcgResult {
  ensureChannels(h, C);
  const v: PcgVectors = { b, x, p: new Float32Array(x.length), Ap: new Float32Array(x.length) };
  const team: Team = { rank: 0, size: 1, ...teamState(C, false) };
  const res = pcgTeam(h, v, C, { tol: opts.tol, maxIterations: opts.maxIterations, stopped: () => opts.signal?.aborted === true }, team);
  if (res.stopped) throwIfAborted(opts.signal);
  return res;
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
