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

import { throwIfAborted } from './control';

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
  /** 1/nb on unknown cells, 0 elsewhere (so a sweep keeps known cells at 0 without branches) */
  nbInv: Float32Array;
  /** 1 on unknown cells, 0 elsewhere */
  unk: Float32Array;
  red: Int32Array;
  black: Int32Array;
  all: Int32Array;
  /** for each entry of `all`: index of its parent cell in the next (coarser) level */
  parent: Int32Array;
  /** correction and right-hand side, C values per cell (interleaved), sized on first use per C */
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

/** Sizes every level's work arrays for C interleaved channels. */
function ensureChannels(h: Hierarchy, C: number): void {
  for (const lv of h.levels) {
    if (lv.C === C) continue;
    const n = (lv.w + 2) * (lv.h + 2) * C;
    lv.e = new Float32Array(n);
    lv.r = new Float32Array(n);
    lv.C = C;
  }
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
}

const MAX_DENSE = 160;

function buildLevel(w: number, h: number, region: Uint8Array, neumann: NeumannSides): Level {
  const W = w + 2;
  const H = h + 2;
  const nb = new Float32Array(W * H);
  const nbInv = new Float32Array(W * H);
  const unk = new Float32Array(W * H);
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
  const red = new Int32Array(redCount);
  const black = new Int32Array(count - redCount);
  const all = new Int32Array(count);
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
      unk[k] = 1;
      all[ai++] = k;
      if (((x + y) & 1) === 0) red[ri++] = k;
      else black[bi++] = k;
    }
  }
  return {
    w, h, W, nb, nbInv, unk, red, black, all,
    parent: new Int32Array(count),
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
 * known cells.
 */
export function buildHierarchy(w: number, h: number, region: Uint8Array, neumann: NeumannSides): Hierarchy {
  const levels: Level[] = [buildLevel(w, h, region, neumann)];
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
    const next = buildLevel(nw, nh, nregion, neumann);
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
  const n = bottom.all.length;
  let L: Float64Array | null = null;
  if (n <= MAX_DENSE && n > 0) L = cholesky(bottom);
  return { levels, coarsest: { n, L, tmp: new Float64Array(n) }, unknowns: levels[0].all, W: levels[0].W, H: levels[0].h + 2 };
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

/**
 * Gauss–Seidel over the cells of one colour ((x + y) & 1 === colour), scanning the rectangle; all
 * channels of a cell are updated together (the index arithmetic is shared, which is most of the
 * cost for one channel).
 */
function sweepColour(lv: Level, colour: number): void {
  const { e, r, nbInv, W, w, h, C } = lv;
  const WC = W * C;
  for (let y = 0; y < h; y++) {
    const row = (y + 1) * W + 1;
    for (let k = row + ((y + colour) & 1), end = row + w; k < end; k += 2) {
      const f = nbInv[k];
      if (f === 0) continue;
      const i = k * C;
      if (C === 3) {
        e[i] = (r[i] + e[i - 3] + e[i + 3] + e[i - WC] + e[i + WC]) * f;
        e[i + 1] = (r[i + 1] + e[i - 2] + e[i + 4] + e[i + 1 - WC] + e[i + 1 + WC]) * f;
        e[i + 2] = (r[i + 2] + e[i - 1] + e[i + 5] + e[i + 2 - WC] + e[i + 2 + WC]) * f;
      } else if (C === 2) {
        e[i] = (r[i] + e[i - 2] + e[i + 2] + e[i - WC] + e[i + WC]) * f;
        e[i + 1] = (r[i + 1] + e[i - 1] + e[i + 3] + e[i + 1 - WC] + e[i + 1 + WC]) * f;
      } else if (C === 1) {
        e[i] = (r[i] + e[i - 1] + e[i + 1] + e[i - W] + e[i + W]) * f;
      } else {
        for (let c = 0; c < C; c++) e[i + c] = (r[i + c] + e[i + c - C] + e[i + c + C] + e[i + c - WC] + e[i + c + WC]) * f;
      }
    }
  }
}

function sweep(lv: Level, list: Int32Array): void {
  // rectangle scans are cache-friendly; fall back to the index list on sparse levels
  if (list.length * 4 > lv.w * lv.h) {
    sweepColour(lv, list === lv.red ? 0 : 1);
    return;
  }
  const { e, r, nbInv, W, C } = lv;
  const WC = W * C;
  for (let j = 0; j < list.length; j++) {
    const k = list[j];
    const f = nbInv[k];
    const i = k * C;
    for (let c = 0; c < C; c++) e[i + c] = (r[i + c] + e[i + c - C] + e[i + c + C] + e[i + c - WC] + e[i + c + WC]) * f;
  }
}

const PRE_SWEEPS = 2;
const COARSE_GS_SWEEPS = 40;

function vcycle(h: Hierarchy, li: number): void {
  const lv = h.levels[li];
  const { e, all, C } = lv;
  for (let i = 0; i < all.length; i++) for (let c = 0, j = all[i] * C; c < C; c++) e[j + c] = 0;
  if (li === h.levels.length - 1) {
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
      for (let s = 0; s < COARSE_GS_SWEEPS; s++) { sweep(lv, lv.red); sweep(lv, lv.black); }
      for (let s = 0; s < COARSE_GS_SWEEPS; s++) { sweep(lv, lv.black); sweep(lv, lv.red); }
    }
    return;
  }
  for (let s = 0; s < PRE_SWEEPS; s++) { sweep(lv, lv.red); sweep(lv, lv.black); }
  // residual, restricted by summing children into the coarse right-hand side
  const next = h.levels[li + 1];
  const { r, nb, W, parent } = lv;
  const WC = W * C;
  const rc = next.r;
  for (let i = 0; i < next.all.length; i++) for (let c = 0, j = next.all[i] * C; c < C; c++) rc[j + c] = 0;
  for (let i = 0; i < all.length; i++) {
    const k = all[i];
    const n = nb[k];
    const pi = parent[i] * C;
    const ki = k * C;
    for (let c = 0; c < C; c++) {
      const j = ki + c;
      rc[pi + c] += r[j] - (n * e[j] - e[j - C] - e[j + C] - e[j - WC] - e[j + WC]);
    }
  }
  vcycle(h, li + 1);
  const ec = next.e;
  for (let i = 0; i < all.length; i++) {
    const ki = all[i] * C, pi = parent[i] * C;
    for (let c = 0; c < C; c++) e[ki + c] += ec[pi + c];
  }
  for (let s = 0; s < PRE_SWEEPS; s++) { sweep(lv, lv.black); sweep(lv, lv.red); }
}

export interface PcgOptions {
  /** stop when max |residual| <= tol (same units as b); default 1e-3 */
  tol?: number;
  maxIterations?: number;
  signal?: AbortSignal;
}

export interface PcgResult {
  iterations: number;
  residual: number;
}

/**
 * Solves A x = b for C interleaved right-hand sides at once (one CG recurrence per channel) on the
 * finest level's unknown cells (padded indexing, C values per cell). `x` holds the initial guess on
 * entry and the solution on exit; entries of x outside the unknown set must be 0. Stops when every
 * channel's max |residual| <= tol.
 */
export function pcgSolve(h: Hierarchy, b: Float32Array, x: Float32Array, opts: PcgOptions = {}, C = 1): PcgResult {
  const tol = opts.tol ?? 1e-3;
  const maxIt = opts.maxIterations ?? 200;
  ensureChannels(h, C);
  const lv = h.levels[0];
  const { all, nb, W } = lv;
  const WC = W * C;
  const n = all.length;
  const size = x.length;
  const r = new Float32Array(size);
  const p = new Float32Array(size);
  const Ap = new Float32Array(size);
  const rz = new Float64Array(C), pAp = new Float64Array(C), alpha = new Float64Array(C), beta = new Float64Array(C);
  let rmax = 0;
  for (let i = 0; i < n; i++) {
    const ki = all[i] * C;
    const nk = nb[all[i]];
    for (let c = 0; c < C; c++) {
      const j = ki + c;
      const v = b[j] - (nk * x[j] - x[j - C] - x[j + C] - x[j - WC] - x[j + WC]);
      r[j] = v;
      const a = v < 0 ? -v : v;
      if (a > rmax) rmax = a;
    }
  }
  if (rmax <= tol || n === 0) return { iterations: 0, residual: rmax };
  const z = lv.e; // the V-cycle writes its result into level 0's e
  lv.r.set(r);
  vcycle(h, 0);
  rz.fill(0);
  for (let i = 0; i < n; i++) {
    const ki = all[i] * C;
    for (let c = 0; c < C; c++) { const j = ki + c; p[j] = z[j]; rz[c] += r[j] * z[j]; }
  }
  let it = 0;
  while (it < maxIt) {
    throwIfAborted(opts.signal);
    it++;
    pAp.fill(0);
    for (let i = 0; i < n; i++) {
      const ki = all[i] * C;
      const nk = nb[all[i]];
      for (let c = 0; c < C; c++) {
        const j = ki + c;
        const v = nk * p[j] - p[j - C] - p[j + C] - p[j - WC] - p[j + WC];
        Ap[j] = v;
        pAp[c] += p[j] * v;
      }
    }
    let live = 0;
    for (let c = 0; c < C; c++) {
      // a channel that is already exact has p = 0: leave it alone
      alpha[c] = pAp[c] > 0 ? rz[c] / pAp[c] : 0;
      if (alpha[c] !== 0) live++;
    }
    if (live === 0) break;
    rmax = 0;
    for (let i = 0; i < n; i++) {
      const ki = all[i] * C;
      for (let c = 0; c < C; c++) {
        const j = ki + c;
        x[j] += alpha[c] * p[j];
        const v = r[j] - alpha[c] * Ap[j];
        r[j] = v;
        const a = v < 0 ? -v : v;
        if (a > rmax) rmax = a;
      }
    }
    if (rmax <= tol) break;
    lv.r.set(r);
    vcycle(h, 0);
    for (let c = 0; c < C; c++) beta[c] = 0;
    const rzNew = new Float64Array(C);
    for (let i = 0; i < n; i++) {
      const ki = all[i] * C;
      for (let c = 0; c < C; c++) { const j = ki + c; rzNew[c] += r[j] * z[j]; }
    }
    for (let c = 0; c < C; c++) { beta[c] = rz[c] > 0 ? rzNew[c] / rz[c] : 0; rz[c] = rzNew[c]; }
    for (let i = 0; i < n; i++) {
      const ki = all[i] * C;
      for (let c = 0; c < C; c++) { const j = ki + c; p[j] = z[j] + beta[c] * p[j]; }
    }
  }
  return { iterations: it, residual: rmax };
}
