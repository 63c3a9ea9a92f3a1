// Fast marching inpainting (Telea 2004, "An image inpainting technique based on the fast
// marching method"). Hole pixels are filled in order of their distance T to the known region;
// each is a weighted average of already
// known pixels q within `radius`, weighted by direction (alignment with ∇T), geometric distance
// and level-set distance. Like OpenCV's implementation we keep the gradient term out (OpenCV
// bounds it to about one grey level): the first-order extrapolation overshoots on textured
// photos and paints high-contrast streaks into larger holes.

import { throwIfAborted } from '../platform/cancel';
import type { EngineControl } from './harmonic';

const KNOWN = 0;
const BAND = 1;
const INSIDE = 2;

/** Binary min-heap of (key, index) with lazy deletion by the caller. */
class MinHeap {
  keys: Float32Array;
  vals: Int32Array;
  size = 0;
  constructor(cap: number) {
    this.keys = new Float32Array(Math.max(16, cap));
    this.vals = new Int32Array(Math.max(16, cap));
  }
  push(k: number, v: number): void {
    if (this.size === this.keys.length) {
      const nk = new Float32Array(this.size * 2); nk.set(this.keys); this.keys = nk;
      const nv = new Int32Array(this.size * 2); nv.set(this.vals); this.vals = nv;
    }
    let i = this.size++;
    const { keys, vals } = this;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent] <= k) break;
      keys[i] = keys[parent]; vals[i] = vals[parent]; i = parent;
    }
    keys[i] = k; vals[i] = v;
  }
  /** removes the minimum; returns its index */
  pop(): number {
    const { keys, vals } = this;
    const top = vals[0];
    const n = --this.size;
    const k = keys[n], v = vals[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && keys[c + 1] < keys[c]) c++;
      if (keys[c] >= k) break;
      keys[i] = keys[c]; vals[i] = vals[c]; i = c;
    }
    keys[i] = k; vals[i] = v;
    return top;
  }
}

export interface TeleaOptions extends EngineControl {
  /** neighbourhood radius in pixels (default 5) */
  radius?: number;
}

/** Fills the hole of interleaved float planes (stride C) by fast marching; returns a new array. */
export function teleaFill(data: Float32Array, w: number, h: number, C: number, hole: Uint8Array, opts: TeleaOptions = {}): Float32Array {
  const radius = Math.max(1, Math.round(opts.radius ?? 5));
  const I = Float32Array.from(data);
  const n = w * h;
  const flag = new Uint8Array(n);
  const T = new Float32Array(n);
  const heap = new MinHeap(n >> 2);
  let total = 0;
  for (let p = 0; p < n; p++) {
    if (hole[p]) { flag[p] = INSIDE; T[p] = 1e6; total++; }
  }
  // known pixels touching the hole form the initial narrow band at T = 0
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      if (flag[p] !== KNOWN) continue;
      if ((x > 0 && flag[p - 1] === INSIDE) || (x < w - 1 && flag[p + 1] === INSIDE) || (y > 0 && flag[p - w] === INSIDE) || (y < h - 1 && flag[p + w] === INSIDE)) {
        flag[p] = BAND;
        heap.push(0, p);
      }
    }
  }
  const solve = (a: number, b: number): number => {
    // a, b: neighbour indices (or -1 when outside the image)
    const fa = a >= 0 && flag[a] !== INSIDE, fb = b >= 0 && flag[b] !== INSIDE;
    if (fa && fb) {
      const ta = T[a], tb = T[b];
      const d = ta - tb;
      if (d >= 1 || d <= -1) return 1 + Math.min(ta, tb);
      return (ta + tb + Math.sqrt(2 - d * d)) * 0.5;
    }
    if (fa) return 1 + T[a];
    if (fb) return 1 + T[b];
    return 1e6;
  };
  const acc = new Float64Array(C);
  const r2max = radius * radius;
  let done = 0;
  while (heap.size > 0) {
    const p = heap.pop();
    if (flag[p] === KNOWN) continue;
    flag[p] = KNOWN;
    const px = p % w, py = (p - px) / w;
    for (let d = 0; d < 4; d++) {
      let qx = px, qy = py;
      if (d === 0) qx--; else if (d === 1) qx++; else if (d === 2) qy--; else qy++;
      if (qx < 0 || qy < 0 || qx >= w || qy >= h) continue;
      const q = qy * w + qx;
      if (flag[q] !== INSIDE) continue;
      const l = qx > 0 ? q - 1 : -1, r = qx < w - 1 ? q + 1 : -1;
      const u = qy > 0 ? q - w : -1, dn = qy < h - 1 ? q + w : -1;
      const t = Math.min(solve(u, l), solve(dn, l), solve(u, r), solve(dn, r));
      T[q] = t;
      inpaintPixel(q, qx, qy);
      flag[q] = BAND;
      heap.push(t, q);
      done++;
      if ((done & 4095) === 0) {
        throwIfAborted(opts.signal);
        opts.onProgress?.(done / total);
      }
    }
  }
  return I;

  function inpaintPixel(q: number, qx: number, qy: number): void {
    // ∇T at q from its non-INSIDE neighbours
    let gx = 0, gy = 0;
    const tl = qx > 0 && flag[q - 1] !== INSIDE, tr = qx < w - 1 && flag[q + 1] !== INSIDE;
    const tu = qy > 0 && flag[q - w] !== INSIDE, td = qy < h - 1 && flag[q + w] !== INSIDE;
    const tq = T[q];
    if (tl && tr) gx = (T[q + 1] - T[q - 1]) * 0.5; else if (tr) gx = T[q + 1] - tq; else if (tl) gx = tq - T[q - 1];
    if (tu && td) gy = (T[q + w] - T[q - w]) * 0.5; else if (td) gy = T[q + w] - tq; else if (tu) gy = tq - T[q - w];
    acc.fill(0);
    let wsum = 0;
    const y0 = Math.max(0, qy - radius), y1 = Math.min(h - 1, qy + radius);
    const x0 = Math.max(0, qx - radius), x1 = Math.min(w - 1, qx + radius);
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const s = y * w + x;
        if (flag[s] === INSIDE) continue;
        const rx = qx - x, ry = qy - y;
        const r2 = rx * rx + ry * ry;
        if (r2 > r2max || r2 === 0) continue;
        const len = Math.sqrt(r2);
        let dir = (rx * gx + ry * gy) / len;
        dir = dir < 0 ? -dir : dir;
        if (dir < 0.01) dir = 0.01;
        const dst = 1 / r2;
        const dt = T[s] - tq;
        const lev = 1 / (1 + (dt < 0 ? -dt : dt));
        const wt = dir * dst * lev;
        for (let c = 0; c < C; c++) acc[c] += wt * I[s * C + c];
        wsum += wt;
      }
    }
    for (let c = 0; c < C; c++) {
      const v = wsum > 0 ? acc[c] / wsum : 0;
      I[q * C + c] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
}
