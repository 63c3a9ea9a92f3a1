// Windows for the GAN engine: a square crop around each hole with context, resampled to the
// model's resolution (and the fill resampled back).
import { InpaintError } from '../errors';
import type { Rect } from '../regions';

export interface WindowOptions {
  /** Window side = context × the hole's bounding-box extent (default 2: the box covers ¼ of the window, as in Yeh's centre masks). */
  context?: number;
  /** Largest fraction of the window the hole may cover (default 0.6). */
  maxHoleFraction?: number;
}

/**
 * The square window (inclusive rect) for a hole with bounding box `box`, centred on it and moved
 * inside the image. Throws HOLE_TOO_LARGE when the photo is too small to give the hole context.
 */
export function planWindow(box: Rect, holeArea: number, width: number, height: number, o: WindowOptions = {}): Rect {
  const bw = box.x1 - box.x0 + 1, bh = box.y1 - box.y0 + 1;
  const ext = Math.max(bw, bh);
  const side = Math.min(width, height, Math.max(16, Math.ceil(ext * (o.context ?? 2)), ext + 8));
  const maxFrac = o.maxHoleFraction ?? 0.6;
  const frac = holeArea / (side * side);
  if (ext > side - 2 || frac > maxFrac) {
    throw new InpaintError(
      'HOLE_TOO_LARGE',
      `inpaint (gan-zopt): a hole of ${bw}×${bh} px (${holeArea} px) does not fit a ${side}×${side} window with context in this ${width}×${height} photo ` +
        `(it would cover ${(100 * frac).toFixed(0)}% of the window, at most ${(100 * maxFrac).toFixed(0)}% allowed); use a smaller mask or another engine`,
    );
  }
  const cx = (box.x0 + box.x1 + 1) / 2, cy = (box.y0 + box.y1 + 1) / 2;
  const x0 = Math.max(0, Math.min(width - side, Math.round(cx - side / 2)));
  const y0 = Math.max(0, Math.min(height - side, Math.round(cy - side / 2)));
  return { x0, y0, x1: x0 + side - 1, y1: y0 + side - 1 };
}

/**
 * Box-resamples a square window (side×side, interleaved stride C, 0..255) to R×R planes in
 * [−1, 1] for a model with nc channels. A low-resolution pixel is unknown when any pixel it
 * covers is a hole, so the known target pixels only ever average known photo pixels.
 */
export function windowToModel(data: Float32Array, unknown: Uint8Array, side: number, C: number, R: number, nc: number): { y: Float32Array; unknown: Uint8Array } {
  const y = new Float32Array(nc * R * R);
  const un = new Uint8Array(R * R);
  const s = side / R;
  const acc = new Float64Array(C);
  for (let j = 0; j < R; j++) {
    const sy0 = Math.floor(j * s), sy1 = Math.max(sy0 + 1, Math.ceil((j + 1) * s));
    for (let i = 0; i < R; i++) {
      const sx0 = Math.floor(i * s), sx1 = Math.max(sx0 + 1, Math.ceil((i + 1) * s));
      acc.fill(0);
      let n = 0, hole = false;
      for (let yy = sy0; yy < Math.min(side, sy1); yy++) {
        for (let xx = sx0; xx < Math.min(side, sx1); xx++) {
          const p = yy * side + xx;
          if (unknown[p]) hole = true;
          for (let c = 0; c < C; c++) acc[c] += data[p * C + c];
          n++;
        }
      }
      const q = j * R + i;
      if (hole) { un[q] = 1; continue; }
      for (let c = 0; c < nc; c++) {
        let v: number;
        if (C === nc) v = acc[c] / n;
        else if (C === 1) v = acc[0] / n; // grey photo, colour model: the same grey in each channel
        else { let t = 0; for (let k = 0; k < C; k++) t += acc[k]; v = t / (C * n); } // colour photo, grey model
        y[c * R * R + q] = v / 127.5 - 1;
      }
    }
  }
  return { y, unknown: un };
}

/** Bilinearly upsamples G's R×R planes ([−1, 1], nc channels) to the window: side×side interleaved 0..255, C channels. */
export function modelToWindow(img: Float32Array, R: number, nc: number, side: number, C: number): Float32Array {
  const out = new Float32Array(side * side * C);
  const s = R / side;
  const RR = R * R;
  for (let y = 0; y < side; y++) {
    const fy = Math.min(R - 1, Math.max(0, (y + 0.5) * s - 0.5));
    const y0 = Math.floor(fy), y1 = Math.min(R - 1, y0 + 1), ty = fy - y0;
    for (let x = 0; x < side; x++) {
      const fx = Math.min(R - 1, Math.max(0, (x + 0.5) * s - 0.5));
      const x0 = Math.floor(fx), x1 = Math.min(R - 1, x0 + 1), tx = fx - x0;
      const at = (c: number): number => {
        const b = c * RR;
        const top = img[b + y0 * R + x0] * (1 - tx) + img[b + y0 * R + x1] * tx;
        const bot = img[b + y1 * R + x0] * (1 - tx) + img[b + y1 * R + x1] * tx;
        return ((top * (1 - ty) + bot * ty) + 1) * 127.5;
      };
      const p = (y * side + x) * C;
      if (C === nc) for (let c = 0; c < C; c++) out[p + c] = at(c);
      else if (nc === 1) { const v = at(0); for (let c = 0; c < C; c++) out[p + c] = v; }
      else { let t = 0; for (let c = 0; c < nc; c++) t += at(c); for (let c = 0; c < C; c++) out[p + c] = t / nc; }
    }
  }
  return out;
}
