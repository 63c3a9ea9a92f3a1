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
  e: Float32Array;
  r: Float32Array;
  res: Float32Array;
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
    e: new Float32Array(W * H),
    r: new Float32Array(W * H),
    res: new Float32Array(W * H),
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

/** Gauss–Seidel over the cells of one colour ((x + y) & 1 === colour), scanning the rectangle. */
function sweepColour(lv: Level, colour: number): void {
  const { e, r, nbInv, W, w, h } = lv;
  for (let y = 0; y < h; y++) {
    const row = (y + 1) * W + 1;
    for (let k = row + ((y + colour) & 1), end = row + w; k < end; k += 2) {
      e[k] = (r[k] + e[k - 1] + e[k + 1] + e[k - W] + e[k + W]) * nbInv[k];
    }
  }
}

function sweep(lv: Level, list: Int32Array): void {
  // rectangle scans are cache-friendly; fall back to the index list on sparse levels
  if (list.length * 4 > lv.w * lv.h) {
    sweepColour(lv, list === lv.red ? 0 : 1);
    return;
  }
  const { e, r, nbInv, W } = lv;
  for (let i = 0; i < list.length; i++) {
    const k = list[i];
    e[k] = (r[k] + e[k - 1] + e[k + 1] + e[k - W] + e[k + W]) * nbInv[k];
  }
}

const PRE_SWEEPS = 2;
const COARSE_GS_SWEEPS = 40;

function vcycle(h: Hierarchy, li: number): void {
  const lv = h.levels[li];
  const { e, all } = lv;
  for (let i = 0; i < all.length; i++) e[all[i]] = 0;
  if (li === h.levels.length - 1) {
    const c = h.coarsest;
    if (c.L) {
      const { L, tmp, n } = c;
      for (let i = 0; i < n; i++) {
        let s = lv.r[all[i]];
        for (let k = 0; k < i; k++) s -= L[i * n + k] * tmp[k];
        tmp[i] = s / L[i * n + i];
      }
      for (let i = n - 1; i >= 0; i--) {
        let s = tmp[i];
        for (let k = i + 1; k < n; k++) s -= L[k * n + i] * tmp[k];
        tmp[i] = s / L[i * n + i];
      }
      for (let i = 0; i < n; i++) e[all[i]] = tmp[i];
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
  const rc = next.r;
  for (let i = 0; i < next.all.length; i++) rc[next.all[i]] = 0;
  for (let i = 0; i < all.length; i++) {
    const k = all[i];
    const res = r[k] - (nb[k] * e[k] - e[k - 1] - e[k + 1] - e[k - W] - e[k + W]);
    rc[parent[i]] += res;
  }
  vcycle(h, li + 1);
  const ec = next.e;
  for (let i = 0; i < all.length; i++) e[all[i]] += ec[parent[i]];
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
 * Solves A x = b on the finest level's unknown cells (padded indexing). `x` holds the initial
 * guess on entry and the solution on exit; entries of x outside the unknown set must be 0.
 */
export function pcgSolve(h: Hierarchy, b: Float32Array, x: Float32Array, opts: PcgOptions = {}): PcgResult {
  const tol = opts.tol ?? 1e-3;
  const maxIt = opts.maxIterations ?? 200;
  const lv = h.levels[0];
  const { all, nb, W } = lv;
  const n = all.length;
  const size = x.length;
  const r = new Float32Array(size);
  const p = new Float32Array(size);
  const Ap = new Float32Array(size);
  let rmax = 0;
  for (let i = 0; i < n; i++) {
    const k = all[i];
    const v = b[k] - (nb[k] * x[k] - x[k - 1] - x[k + 1] - x[k - W] - x[k + W]);
    r[k] = v;
    const a = v < 0 ? -v : v;
    if (a > rmax) rmax = a;
  }
  if (rmax <= tol || n === 0) return { iterations: 0, residual: rmax };
  const z = lv.e; // the V-cycle writes its result into level 0's e
  lv.r.set(r);
  vcycle(h, 0);
  let rz = 0;
  for (let i = 0; i < n; i++) { const k = all[i]; p[k] = z[k]; rz += r[k] * z[k]; }
  let it = 0;
  while (it < maxIt) {
    throwIfAborted(opts.signal);
    it++;
    let pAp = 0;
    for (let i = 0; i < n; i++) {
      const k = all[i];
      const v = nb[k] * p[k] - p[k - 1] - p[k + 1] - p[k - W] - p[k + W];
      Ap[k] = v;
      pAp += p[k] * v;
    }
    if (!(pAp > 0)) break;
    const alpha = rz / pAp;
    rmax = 0;
    for (let i = 0; i < n; i++) {
      const k = all[i];
      x[k] += alpha * p[k];
      const v = r[k] - alpha * Ap[k];
      r[k] = v;
      const a = v < 0 ? -v : v;
      if (a > rmax) rmax = a;
    }
    if (rmax <= tol) break;
    lv.r.set(r);
    vcycle(h, 0);
    let rzNew = 0;
    for (let i = 0; i < n; i++) { const k = all[i]; rzNew += r[k] * z[k]; }
    const beta = rzNew / rz;
    rz = rzNew;
    for (let i = 0; i < n; i++) { const k = all[i]; p[k] = z[k] + beta * p[k]; }
  }
  return { iterations: it, residual: rmax };
}
