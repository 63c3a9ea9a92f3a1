// Optional texture refinement of a GAN fill at full resolution (issue 7): the GAN's 64×64 fill has
// the right structure but no texture once upsampled. PatchMatch re-synthesises the hole from the
// window's own patches, guided by the GAN: every pixel carries, besides its colour, a fixed guide
// (the GAN composite M ⊙ y + (1 − M) ⊙ G(ẑ) at model resolution, upsampled — i.e. the low-pass
// photo outside the hole and the GAN's fill inside), so matches are patches whose low-pass looks
// like what the GAN put there; the hole starts from the GAN fill and only its colours are voted.
import { patchMatch } from '../patchmatch';
import { modelToWindow } from './window';

export interface RefineInput {
  /** the window (side×side, interleaved C channels, 0..255) and its hole */
  data: Float32Array;
  hole: Uint8Array;
  side: number;
  C: number;
  /** the upsampled GAN fill composed with the photo (side×side×C) */
  fill: Float32Array;
  /** the composite at model resolution (nc planes of R×R in [−1, 1]) */
  composite: Float32Array;
  R: number;
  nc: number;
}

export interface RefineOptions {
  seed: number;
  signal?: AbortSignal;
  /** weight of the guide relative to colour in the patch distance (default 1) */
  guideWeight?: number;
}

export function refineGanFill(i: RefineInput, o: RefineOptions): { values: Float32Array; source: Int32Array | null } {
  const { side, C, hole } = i;
  const n = side * side;
  const weight = o.guideWeight ?? 1;
  const guide = modelToWindow(i.composite, i.R, i.nc, side, C);
  const C2 = 2 * C;
  const data = new Float32Array(n * C2);
  const init = new Float32Array(n * C2);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < C; c++) {
      data[p * C2 + c] = i.data[p * C + c];
      init[p * C2 + c] = i.fill[p * C + c];
      data[p * C2 + C + c] = init[p * C2 + C + c] = weight * guide[p * C + c];
    }
  }
  // the GAN fixes structure down to about side/R pixels: no pyramid level coarser than that
  const levels = Math.max(1, 1 + Math.floor(Math.log2(Math.max(1, side / i.R))));
  const r = patchMatch(data, side, side, C2, hole, { init, fixedFrom: C, levels, seed: o.seed, signal: o.signal });
  const values = new Float32Array(n * C);
  for (let p = 0; p < n; p++) for (let c = 0; c < C; c++) values[p * C + c] = r.fill[p * C2 + c];
  return { values, source: r.source };
}
