// Harmonic (membrane) fill: solve Laplace's equation Δf = 0 in the hole with the known pixels as
// boundary values — the Poisson solver with a zero guidance field. The trivial baseline engine.

import { prepareRegion, solvePrepared } from '../blend/poisson';
import { throwIfAborted } from '../platform/cancel';

export interface EngineControl {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/** Fills the hole of interleaved float planes (stride C); returns a new array. */
export function harmonicFill(data: Float32Array, w: number, h: number, C: number, hole: Uint8Array, ctl: EngineControl = {}): Float32Array {
  const out = membrane(data, w, h, C, hole, meanFilled(data, w, h, C, hole), 1e-2, ctl.signal);
  ctl.onProgress?.(1);
  return out;
}

/**
 * The membrane over `hole` (interleaved planes, stride C), solved from `initial` (w×h×C) to the
 * residual `tol` (grey levels, max norm); a new array, `data` outside the hole.
 */
export function membrane(data: Float32Array, w: number, h: number, C: number, hole: Uint8Array, initial: Float32Array, tol: number, signal?: AbortSignal): Float32Array {
  const out = Float32Array.from(data);
  const prep = prepareRegion(w, h, hole);
  if (!prep) return out;
  throwIfAborted(signal);
  solvePrepared(prep, C, data, new Float32Array(w * h * C), initial, out, { signal, tol });
  return out;
}

/** `data` with the hole set to the mean of the known pixels (a first estimate the solver improves). */
function meanFilled(data: Float32Array, w: number, h: number, C: number, hole: Uint8Array): Float32Array {
  const mean = new Float32Array(C);
  let n = 0;
  for (let p = 0; p < w * h; p++) {
    if (hole[p]) continue;
    n++;
    for (let c = 0; c < C; c++) mean[c] += data[p * C + c];
  }
  const init = Float32Array.from(data);
  for (let p = 0; p < w * h; p++) if (hole[p]) for (let c = 0; c < C; c++) init[p * C + c] = n ? mean[c] / n : 0;
  return init;
}
