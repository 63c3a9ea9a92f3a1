// Poisson image editing (Pérez et al. 2003): solve  Δf = div v  inside a region Ω with f equal to
// the destination photo on Ω's boundary. Discretely, for every p in Ω:
//     Σ_{q ∈ N(p)} (f_p − f_q) = Σ_{q ∈ N(p)} v_pq          (N(p): 4-neighbours inside the image)
// with f_q the photo for q ∉ Ω. Solved with multigrid-preconditioned CG (./multigrid) over the
// bounding box of Ω only, so cost scales with the region, not the photo.

import type { ImageBuffer, MaskBuffer, RunControl } from '../image/types';
import { throwIfAborted } from '../platform/cancel';
import { PoissonError } from './errors';
import { buildHierarchy, ensureChannels, type Hierarchy, type NeumannSides } from './multigrid';
import { pcgRankKernel, type PcgRankShare, type PcgVectors } from './pcg';
import { teamState } from './team';
import { alloc, kernelThreadCount, runShares } from '../parallel/threads';

export { PoissonError } from './errors';

export type BlendMode = 'normal' | 'mixed';

/** One scalar Poisson problem over a full width×height plane. */
export interface PoissonProblem {
  width: number;
  height: number;
  /** non-zero = unknown cell (inside Ω) */
  region: Uint8Array;
  /** values used outside Ω (Dirichlet boundary); length width*height */
  boundary: Float32Array;
  /** Σ_q v_pq for every p (only read inside Ω); length width*height */
  rhs: Float32Array;
  /** optional initial guess inside Ω (defaults to `boundary`) */
  initial?: Float32Array;
}

export interface SolveOptions {
  signal?: AbortSignal;
  /** stop when the max residual is below this (units of the values); default 1e-3 */
  tol?: number;
  maxIterations?: number;
}

export interface PoissonSolution {
  values: Float32Array;
  iterations: number;
  residual: number;
}

/** Region geometry + multigrid hierarchy, reusable for every channel with the same Ω. */
export interface PreparedRegion {
  width: number;
  height: number;
  x0: number;
  y0: number;
  w: number;
  h: number;
  hierarchy: Hierarchy;
  cells: number;
  /** Ω inside the box (w × h, 1 = unknown) and which box sides are the image border */
  region: Uint8Array;
  neumann: NeumannSides;
}

function checkFinite(name: string, a: Float32Array): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v !== v || v === Infinity || v === -Infinity) {
      throw new PoissonError('NAN_INPUT', `Poisson solver: ${name} contains a non-finite value (${v}) at index ${i}`);
    }
  }
}

/** Computes the bounding box of Ω (grown by one ring, clipped) and its multigrid hierarchy. */
export function prepareRegion(width: number, height: number, region: Uint8Array): PreparedRegion | null {
  if (region.length !== width * height) {
    throw new PoissonError('SIZE_MISMATCH', `Poisson solver: region has ${region.length} cells, expected ${width}×${height} = ${width * height}`);
  }
  let minX = width, minY = height, maxX = -1, maxY = -1, cells = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (region[row + x]) {
        cells++;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  if (cells === 0) return null;
  if (cells === width * height) {
    throw new PoissonError('NO_BOUNDARY', `Poisson solver: the region covers the whole ${width}×${height} plane, so there is no boundary to fix the solution`);
  }
  const x0 = Math.max(0, minX - 1), y0 = Math.max(0, minY - 1);
  const x1 = Math.min(width - 1, maxX + 1), y1 = Math.min(height - 1, maxY + 1);
  const w = x1 - x0 + 1, h = y1 - y0 + 1;
  const sub = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) sub[y * w + x] = region[(y + y0) * width + x + x0] ? 1 : 0;
  }
  const neumann = { left: x0 === 0, top: y0 === 0, right: x1 === width - 1, bottom: y1 === height - 1 };
  // big regions live in shared memory, so that a kernel worker can share the solve
  const hierarchy = buildHierarchy(w, h, sub, neumann, cells >= TEAM_MIN_CELLS && kernelThreadCount() >= 1);
  return { width, height, x0, y0, w, h, hierarchy, cells, region: sub, neumann };
}

/**
 * Solves every channel of interleaved planes (stride C) at once: writes the solution into `out`
 * inside Ω (other entries of `out` are left alone). boundary/rhs/initial are interleaved like `out`.
 */
export function solvePrepared(
  prep: PreparedRegion, C: number,
  boundary: Float32Array, rhs: Float32Array, initial: Float32Array | null,
  out: Float32Array, opts: SolveOptions = {},
): { iterations: number; residual: number } {
  const { hierarchy: hi, x0, y0, w, h, width } = prep;
  const W = w + 2;
  const size = W * (h + 2);
  const b = alloc(Float32Array, size * C, hi.shared);
  const x = alloc(Float32Array, size * C, hi.shared);
  const unk = new Uint8Array(size);
  const all = hi.unknowns;
  const init = initial ?? boundary;
  for (let i = 0; i < all.length; i++) unk[all[i]] = 1;
  for (let i = 0; i < all.length; i++) {
    const k = all[i];
    const gy = ((k / W) | 0) - 1 + y0;
    const gx = (k % W) - 1 + x0;
    const g = gy * width + gx;
    // Dirichlet neighbours (inside the grid but outside Ω) move to the right-hand side
    const left = !unk[k - 1] && gx > 0, right = !unk[k + 1] && gx < width - 1;
    const up = !unk[k - W] && gy > 0, down = !unk[k + W] && gy < prep.height - 1;
    for (let c = 0; c < C; c++) {
      let s = rhs[g * C + c];
      if (left) s += boundary[(g - 1) * C + c];
      if (right) s += boundary[(g + 1) * C + c];
      if (up) s += boundary[(g - width) * C + c];
      if (down) s += boundary[(g + width) * C + c];
      b[k * C + c] = s;
      x[k * C + c] = init[g * C + c];
    }
  }
  const res = solveTeam(prep, C, b, x, opts);
  for (let i = 0; i < all.length; i++) {
    const k = all[i];
    const gy = ((k / W) | 0) - 1 + y0;
    const gx = (k % W) - 1 + x0;
    const g = gy * width + gx;
    for (let c = 0; c < C; c++) out[g * C + c] = x[k * C + c];
  }
  return res;
}

/**
 * Residual tolerance (grey levels, max norm) of the blends. Measured against an exact sparse solve
 * on the bench's 150 000-unknown region: 0.2 leaves a 0.17 grey-level error (the target is < 1,
 * i.e. 1/255 of full scale, and outputs are rounded to integers anyway) in 7 MGPCG iterations,
 * where 0.05 needed 9 for a 0.05 error.
 */
export const BLEND_TOLERANCE = 0.2;

/** Regions with at least this many unknowns are solved by two threads when a kernel worker exists. */
const TEAM_MIN_CELLS = 20_000;

/**
 * Solves the C interleaved channels of padded b/x (x in place) with MGPCG: by a team of this thread
 * and a kernel worker when the hierarchy was built in shared memory, else by this thread alone
 * doing both bands — the same arithmetic either way (multigrid.ts).
 */
function solveTeam(prep: PreparedRegion, C: number, b: Float32Array, x: Float32Array, opts: SolveOptions): { iterations: number; residual: number } {
  const hi = prep.hierarchy;
  ensureChannels(hi, C);
  // a team needs the shared hierarchy and a worker now (tests can turn the workers off)
  const shared = hi.shared && kernelThreadCount() >= 1;
  const v: PcgVectors = { b, x, p: alloc(Float32Array, x.length, shared), Ap: alloc(Float32Array, x.length, shared) };
  const state = teamState(C, shared);
  const tol = opts.tol ?? 1e-3, maxIterations = opts.maxIterations ?? 200;
  const shares: PcgRankShare[] = (shared ? [0, 1] : [0]).map((rank) => ({
    hierarchy: hi, vectors: v, C, tol, maxIterations, ...state, rank, size: shared ? 2 : 1, result: alloc(Float64Array, 2, shared),
  }));
  runShares(pcgRankKernel, shares, shared, { stopped: () => opts.signal?.aborted === true, stop: () => Atomics.store(state.stop, 0, 1) });
  throwIfAborted(opts.signal);
  return { iterations: shares[0].result[0], residual: shares[0].result[1] };
}

/** Standalone scalar solve; throws PoissonError on bad input (sizes, NaN/Infinity). */
export function solvePoisson(problem: PoissonProblem, opts: SolveOptions = {}): PoissonSolution {
  const { width, height } = problem;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new PoissonError('BAD_SIZE', `Poisson solver: invalid size ${width}×${height}`);
  }
  const n = width * height;
  for (const [name, a] of [['boundary', problem.boundary], ['rhs', problem.rhs], ['initial', problem.initial]] as const) {
    if (a === undefined) continue;
    if (a.length !== n) throw new PoissonError('SIZE_MISMATCH', `Poisson solver: ${name} has ${a.length} values, expected ${width}×${height} = ${n}`);
    checkFinite(name, a);
  }
  const values = Float32Array.from(problem.boundary);
  const prep = prepareRegion(width, height, problem.region);
  if (!prep) return { values, iterations: 0, residual: 0 };
  const r = solvePrepared(prep, 1, problem.boundary, problem.rhs, problem.initial ?? null, values, opts);
  return { values, ...r };
}

/**
 * Guidance Σ_q v_pq for cloning `source` into `dest` (both interleaved, stride C):
 * normal: v = ∇source; mixed: per channel and direction the larger of ∇source and ∇dest.
 */
export function cloneGuidance(
  width: number, height: number, C: number, source: Float32Array, dest: Float32Array,
  region: Uint8Array, mode: BlendMode,
): Float32Array {
  const rhs = new Float32Array(width * height * C);
  const mixed = mode === 'mixed';
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (!region[p]) continue;
      for (let c = 0; c < C; c++) {
        const sp = source[p * C + c];
        const dp = dest[p * C + c];
        let s = 0;
        for (let d = 0; d < 4; d++) {
          let q: number;
          if (d === 0) { if (x === 0) continue; q = p - 1; }
          else if (d === 1) { if (x === width - 1) continue; q = p + 1; }
          else if (d === 2) { if (y === 0) continue; q = p - width; }
          else { if (y === height - 1) continue; q = p + width; }
          const gs = sp - source[q * C + c];
          if (mixed) {
            const gd = dp - dest[q * C + c];
            s += Math.abs(gd) > Math.abs(gs) ? gd : gs;
          } else s += gs;
        }
        rhs[p * C + c] = s;
      }
    }
  }
  return rhs;
}

/**
 * Guidance for blending an inpainting fill into its photo, Ω = the hole. Inside the hole v is the
 * fill's gradient (normal) or the stronger of fill/photo gradients (mixed). Across the hole's edge
 * the seam jump is *not* used: v there is the fill's own gradient — for an exemplar fill (`source`
 * given) the photo's gradient at the place the pixel was copied from; otherwise the photo's
 * gradient one step further out on the known side (falling back to the fill's gradient one step
 * inside, then 0). So a constant offset of the fill is removed and a linear ramp is reproduced.
 */
export function fillGuidance(
  width: number, height: number, C: number, photo: Float32Array, fill: Float32Array,
  hole: Uint8Array, mode: BlendMode, source: Int32Array | null = null, sourcePhoto: SourcePhoto | null = null,
): Float32Array {
  // `source` indexes the region itself unless the sources live in a larger picture
  const S = sourcePhoto ?? { data: photo, width, height, hole };
  const rhs = new Float32Array(width * height * C);
  const mixed = mode === 'mixed';
  const dxs = [-1, 1, 0, 0];
  const dys = [0, 0, -1, 1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (!hole[p]) continue;
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let d = 0; d < 4; d++) {
          const qx = x + dxs[d], qy = y + dys[d];
          if (qx < 0 || qy < 0 || qx >= width || qy >= height) continue;
          const q = qy * width + qx;
          if (hole[q]) {
            const gf = fill[p * C + c] - fill[q * C + c];
            if (mixed) {
              const gp = photo[p * C + c] - photo[q * C + c];
              s += Math.abs(gp) > Math.abs(gf) ? gp : gf;
            } else s += gf;
          } else {
            const sp = source ? source[p] : -1;
            if (sp >= 0) {
              // exemplar fill: the gradient at the place p was copied from
              const sx = (sp % S.width) + dxs[d], sy = ((sp / S.width) | 0) + dys[d];
              if (sx >= 0 && sy >= 0 && sx < S.width && sy < S.height && !S.hole[sy * S.width + sx]) {
                s += S.data[sp * C + c] - S.data[(sy * S.width + sx) * C + c];
                continue;
              }
            }
            // seam edge p→q: extrapolate from the known side (q → q+d), else the fill side (p−d → p)
            const rx = qx + dxs[d], ry = qy + dys[d];
            const bx = x - dxs[d], by = y - dys[d];
            if (rx >= 0 && ry >= 0 && rx < width && ry < height && !hole[ry * width + rx]) {
              s += photo[q * C + c] - photo[(ry * width + rx) * C + c];
            } else if (bx >= 0 && by >= 0 && bx < width && by < height && hole[by * width + bx]) {
              s += fill[(by * width + bx) * C + c] - fill[p * C + c];
            }
          }
        }
        rhs[p * C + c] = s;
      }
    }
  }
  return rhs;
}

/** The picture an exemplar fill was copied from, when it is larger than the blended region. */
export interface SourcePhoto { data: Float32Array; width: number; height: number; hole: Uint8Array }

export interface BlendPlanesOptions extends SolveOptions {
  mode?: BlendMode;
  /** exemplar engines: per hole pixel, the known pixel it was copied from (−1: none), in `sourcePhoto` if given */
  source?: Int32Array | null;
  sourcePhoto?: SourcePhoto | null;
}

/**
 * Blends an inpainting fill (interleaved Float32, stride C, values 0..255) into its photo over
 * Ω = hole. Returns a new array: photo outside the hole, the clamped Poisson solution inside.
 */
export function blendFillPlanes(
  width: number, height: number, C: number, photo: Float32Array, fill: Float32Array,
  hole: Uint8Array, opts: BlendPlanesOptions = {},
): Float32Array {
  checkFinite('photo', photo);
  checkFinite('fill', fill);
  const out = Float32Array.from(photo);
  const prep = prepareRegion(width, height, hole);
  if (!prep) return out;
  const rhs = fillGuidance(width, height, C, photo, fill, hole, opts.mode ?? 'normal', opts.source ?? null, opts.sourcePhoto ?? null);
  throwIfAborted(opts.signal);
  solvePrepared(prep, C, photo, rhs, fill, out, { tol: BLEND_TOLERANCE, ...opts });
  clampRegion(out, hole, C);
  return out;
}

function clampRegion(out: Float32Array, region: Uint8Array, C: number): void {
  for (let p = 0; p < region.length; p++) {
    if (!region[p]) continue;
    for (let c = 0; c < C; c++) {
      const v = out[p * C + c];
      out[p * C + c] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
}

export interface SeamlessCloneOptions extends RunControl {
  mode?: BlendMode;
  tol?: number;
}

/**
 * seamlessClone-style blend of two same-size 8-bit images: inside the mask, f solves Δf = div v
 * with v from `source` (normal) or mixed gradients, f = `dest` on the boundary. Alpha (channel 4)
 * is copied from dest. Output pixels outside the mask are dest's, bit for bit.
 */
export function seamlessClone(dest: ImageBuffer, source: ImageBuffer, mask: MaskBuffer, opts: SeamlessCloneOptions = {}): ImageBuffer {
  const { width, height, channels } = dest;
  if (source.width !== width || source.height !== height || source.channels !== channels) {
    throw new PoissonError('SIZE_MISMATCH', `seamlessClone: source is ${source.width}×${source.height}×${source.channels}, dest is ${width}×${height}×${channels}`);
  }
  if (mask.width !== width || mask.height !== height) {
    throw new PoissonError('SIZE_MISMATCH', `seamlessClone: mask is ${mask.width}×${mask.height}, images are ${width}×${height}`);
  }
  const out = new Uint8Array(dest.data);
  const prep = prepareRegion(width, height, mask.data);
  if (!prep) return { width, height, channels, data: out };
  // work on the region's bounding box only
  const { x0, y0, w, h } = prep;
  const C = channels === 4 ? 3 : channels;
  const sub = (img: Uint8Array): Float32Array => {
    const a = new Float32Array(w * h * C);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const s = ((y + y0) * width + x + x0) * channels;
        for (let c = 0; c < C; c++) a[(y * w + x) * C + c] = img[s + c];
      }
    }
    return a;
  };
  const subMask = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) subMask[y * w + x] = mask.data[(y + y0) * width + x + x0] ? 1 : 0;
  const d = sub(dest.data);
  const s = sub(source.data);
  // the sub-box has the photo on its rim, except where the rim is the image border (Neumann)
  const rhs = cloneGuidance(w, h, C, s, d, subMask, opts.mode ?? 'normal');
  const local = prepareRegionInBox(prep);
  const res = Float32Array.from(d);
  throwIfAborted(opts.signal);
  solvePrepared(local, C, d, rhs, null, res, { signal: opts.signal, tol: opts.tol ?? BLEND_TOLERANCE });
  opts.onProgress?.(1, 'blend');
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!subMask[y * w + x]) continue;
      const o = ((y + y0) * width + x + x0) * channels;
      for (let c = 0; c < C; c++) {
        const v = res[(y * w + x) * C + c];
        out[o + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
      }
    }
  }
  return { width, height, channels, data: out };
}

/** Re-expresses a full-plane prepared region in its own bounding-box coordinates. */
function prepareRegionInBox(prep: PreparedRegion): PreparedRegion {
  // Same hierarchy; only the plane the indices refer to changes (the box itself). Box sides that
  // are not image borders carry a ring of known cells, so no region cell touches them.
  return { ...prep, width: prep.w, height: prep.h, x0: 0, y0: 0 };
}
