// The multigrid hierarchy and V-cycle that precondition the conjugate gradients of pcg.ts (MGPCG)
// for the 5-point Poisson equation on an irregular region inside a rectangular grid.
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
// (size 1) gives bit-identical results (the team itself: team.ts).

import { alloc } from '../parallel/shared';
import { barrier, type Team } from './team';

export interface NeumannSides {
  left: boolean;
  right: boolean;
  top: boolean;
  bottom: boolean;
}

export interface Level {
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

// ---------------------------------------------------------------- bands

/** The bands this thread works on at a level (a one-band level is rank 0's). */
export function bandsAt(lv: Level, t: Team): number[] {
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
export function allRange(lv: Level, band: number): [number, number] {
  return band === 0 ? [0, lv.allSplit] : [lv.allSplit, lv.all.length];
}

const PRE_SWEEPS = 2;
const COARSE_GS_SWEEPS = 40;

/** One V-cycle from level li: level li's e ≈ A⁻¹ r (every rank of the team calls it). */
export function vcycle(h: Hierarchy, li: number, t: Team): void {
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
