// Pixel containers shared by every kernel in core. Kernels take these plain objects (typed arrays
// plus dimensions) and never do file I/O; decoding and encoding live in src/core/image/io.ts.

/** 8-bit interleaved pixels, row-major, top-left origin. channels: 1 grey, 3 RGB, 4 RGBA. */
export interface ImageBuffer {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  data: Uint8Array;
}

/** One byte per pixel: 0 = known pixel, any non-zero value = hole (to be filled). */
export interface MaskBuffer {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Progress callback used by all long-running work: fraction in [0, 1] plus a short message. */
export type ProgressFn = (fraction: number, message?: string) => void;

/** Options every long-running kernel accepts. */
export interface RunControl {
  signal?: AbortSignal;
  onProgress?: ProgressFn;
}
