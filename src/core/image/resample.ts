// Resampling of interleaved pixel planes to an arbitrary size: area average when shrinking (no
// aliasing), bilinear when enlarging (half-pixel centres). Used to fit crops to a model's input and
// to bring its output back.

/** Resamples `src` (W×H, C interleaved channels) to w×h; returns a new Float32Array. */
export function resampleInterleaved(src: ArrayLike<number>, C: number, W: number, H: number, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h * C);
  if (w <= W && h <= H) {
    const fx = W / w, fy = H / h;
    const acc = new Float64Array(C);
    for (let y = 0; y < h; y++) {
      const y0 = Math.floor(y * fy), y1 = Math.max(y0 + 1, Math.floor((y + 1) * fy));
      for (let x = 0; x < w; x++) {
        const x0 = Math.floor(x * fx), x1 = Math.max(x0 + 1, Math.floor((x + 1) * fx));
        acc.fill(0);
        for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) for (let c = 0; c < C; c++) acc[c] += src[(yy * W + xx) * C + c];
        const n = (y1 - y0) * (x1 - x0);
        for (let c = 0; c < C; c++) out[(y * w + x) * C + c] = acc[c] / n;
      }
    }
    return out;
  }
  for (let y = 0; y < h; y++) {
    const sy = Math.min(H - 1, Math.max(0, ((y + 0.5) * H) / h - 0.5));
    const y0 = Math.floor(sy), y1 = Math.min(H - 1, y0 + 1), ty = sy - y0;
    for (let x = 0; x < w; x++) {
      const sx = Math.min(W - 1, Math.max(0, ((x + 0.5) * W) / w - 0.5));
      const x0 = Math.floor(sx), x1 = Math.min(W - 1, x0 + 1), tx = sx - x0;
      for (let c = 0; c < C; c++) {
        const a = src[(y0 * W + x0) * C + c] * (1 - tx) + src[(y0 * W + x1) * C + c] * tx;
        const b = src[(y1 * W + x0) * C + c] * (1 - tx) + src[(y1 * W + x1) * C + c] * tx;
        out[(y * w + x) * C + c] = a * (1 - ty) + b * ty;
      }
    }
  }
  return out;
}

/** resampleInterleaved rounded back to bytes (8-bit image planes in, 8-bit out). */
export function resampleBytes(src: Uint8Array, C: number, W: number, H: number, w: number, h: number): Uint8Array {
  const v = resampleInterleaved(src, C, W, H, w, h);
  const out = new Uint8Array(v.length);
  // a plain loop: Uint8Array.from with a map function cost ~110 ms on a 1024×683 plane
  for (let i = 0; i < v.length; i++) out[i] = Math.round(v[i]);
  return out;
}

/**
 * Resamples a 0/1 hole mask to w×h without losing holes: a target pixel is a hole when any source
 * pixel it covers is (shrinking), or when its nearest source pixel is (enlarging).
 */
export function resampleHoles(hole: Uint8Array, W: number, H: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.min(H - 1, Math.floor((y * H) / h)), y1 = Math.max(y0 + 1, Math.min(H, Math.ceil(((y + 1) * H) / h)));
    for (let x = 0; x < w; x++) {
      const x0 = Math.min(W - 1, Math.floor((x * W) / w)), x1 = Math.max(x0 + 1, Math.min(W, Math.ceil(((x + 1) * W) / w)));
      let any = 0;
      for (let yy = y0; yy < y1 && !any; yy++) for (let xx = x0; xx < x1; xx++) if (hole[yy * W + xx]) { any = 1; break; }
      out[y * w + x] = any;
    }
  }
  return out;
}
