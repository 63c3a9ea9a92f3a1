import { describe, expect, it } from 'vitest';
import { blendFillPlanes, cloneGuidance, PoissonError, seamlessClone, solvePoisson } from './poisson';

/** Dense Gaussian elimination of the same discrete system, for small problems. */
function directSolve(width: number, height: number, region: Uint8Array, boundary: Float32Array, rhs: Float32Array): Float64Array {
  const idx = new Int32Array(width * height).fill(-1);
  let n = 0;
  for (let p = 0; p < width * height; p++) if (region[p]) idx[p] = n++;
  const A = new Float64Array(n * n);
  const b = new Float64Array(n);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const p = y * width + x;
    const i = idx[p];
    if (i < 0) continue;
    b[i] = rhs[p];
    for (const [qx, qy] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]]) {
      if (qx < 0 || qy < 0 || qx >= width || qy >= height) continue;
      A[i * n + i] += 1;
      const q = qy * width + qx;
      if (idx[q] >= 0) A[i * n + idx[q]] -= 1;
      else b[i] += boundary[q];
    }
  }
  for (let k = 0; k < n; k++) {
    let piv = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(A[i * n + k]) > Math.abs(A[piv * n + k])) piv = i;
    if (piv !== k) {
      for (let j = 0; j < n; j++) { const t = A[k * n + j]; A[k * n + j] = A[piv * n + j]; A[piv * n + j] = t; }
      const t = b[k]; b[k] = b[piv]; b[piv] = t;
    }
    for (let i = k + 1; i < n; i++) {
      const f = A[i * n + k] / A[k * n + k];
      if (f === 0) continue;
      for (let j = k; j < n; j++) A[i * n + j] -= f * A[k * n + j];
      b[i] -= f * b[k];
    }
  }
  const xs = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let j = i + 1; j < n; j++) s -= A[i * n + j] * xs[j];
    xs[i] = s / A[i * n + i];
  }
  const out = Float64Array.from(boundary);
  for (let p = 0; p < width * height; p++) if (idx[p] >= 0) out[p] = xs[idx[p]];
  return out;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

describe('solvePoisson', () => {
  it('reproduces a linear ramp exactly (zero rhs, ramp boundary)', () => {
    const W = 90, H = 70;
    const region = new Uint8Array(W * H);
    const boundary = new Float32Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const p = y * W + x;
      const inside = (x - 45) ** 2 + (y - 35) ** 2 < 600 || (x > 10 && x < 20 && y > 5 && y < 60);
      region[p] = inside ? 1 : 0;
      boundary[p] = inside ? 999 : 2 * x - 1.5 * y + 40;
    }
    const s = solvePoisson({ width: W, height: H, region, boundary, rhs: new Float32Array(W * H) });
    let err = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) err = Math.max(err, Math.abs(s.values[y * W + x] - (2 * x - 1.5 * y + 40)));
    expect(err).toBeLessThan(1e-2);
  });

  it('agrees with a direct sparse solve on a small random problem', () => {
    const W = 23, H = 19;
    const rnd = lcg(7);
    const region = new Uint8Array(W * H);
    const boundary = new Float32Array(W * H);
    const rhs = new Float32Array(W * H);
    for (let p = 0; p < W * H; p++) {
      const x = p % W, y = (p / W) | 0;
      region[p] = x > 2 && y > 1 && x < 20 && y < 17 && rnd() < 0.85 ? 1 : 0;
      boundary[p] = rnd() * 255;
      rhs[p] = (rnd() - 0.5) * 40;
    }
    const s = solvePoisson({ width: W, height: H, region, boundary, rhs }, { tol: 1e-5 });
    const ref = directSolve(W, H, region, boundary, rhs);
    let err = 0;
    for (let p = 0; p < W * H; p++) err = Math.max(err, Math.abs(s.values[p] - ref[p]));
    expect(err).toBeLessThan(1 / 255);
  });

  it('agrees with a direct solve when the region touches the image border (Neumann edges) and is large enough for several levels', () => {
    const W = 48, H = 40;
    const rnd = lcg(3);
    const region = new Uint8Array(W * H);
    const boundary = new Float32Array(W * H);
    const rhs = new Float32Array(W * H);
    for (let p = 0; p < W * H; p++) {
      const x = p % W, y = (p / W) | 0;
      region[p] = (x < 30 && y < 25) || (x > 35 && y > 20) ? 1 : 0; // two blobs, both on the border
      boundary[p] = 100 + 50 * Math.sin(x * 0.3) + rnd() * 10;
      rhs[p] = (rnd() - 0.5) * 10;
    }
    const s = solvePoisson({ width: W, height: H, region, boundary, rhs }, { tol: 1e-5 });
    const ref = directSolve(W, H, region, boundary, rhs);
    let err = 0;
    for (let p = 0; p < W * H; p++) err = Math.max(err, Math.abs(s.values[p] - ref[p]));
    expect(err).toBeLessThan(1 / 255);
    // outside the region the boundary values come back untouched
    for (let p = 0; p < W * H; p++) if (!region[p]) expect(s.values[p]).toBe(boundary[p]);
  });

  it('rejects NaN and Infinity in float input, and size mismatches, with a PoissonError', () => {
    const W = 8, H = 8;
    const region = new Uint8Array(W * H); region[27] = 1;
    const boundary = new Float32Array(W * H);
    const rhs = new Float32Array(W * H);
    boundary[5] = NaN;
    expect(() => solvePoisson({ width: W, height: H, region, boundary, rhs })).toThrow(/boundary contains a non-finite value \(NaN\) at index 5/);
    boundary[5] = 0; rhs[9] = Infinity;
    expect(() => solvePoisson({ width: W, height: H, region, boundary, rhs })).toThrow(PoissonError);
    expect(() => solvePoisson({ width: W, height: H, region, boundary, rhs: new Float32Array(3) })).toThrow(/rhs has 3 values, expected 8×8 = 64/);
    expect(() => blendFillPlanes(W, H, 1, Float32Array.from(boundary).fill(NaN, 0, 1), boundary, region)).toThrow(/photo contains a non-finite value/);
  });

  it('stops with an AbortError when the signal fires', () => {
    const W = 64, H = 64;
    const region = new Uint8Array(W * H).fill(1, W * 4, W * 60);
    const ac = new AbortController();
    ac.abort();
    expect(() => solvePoisson({ width: W, height: H, region, boundary: new Float32Array(W * H).fill(50), rhs: new Float32Array(W * H).fill(1) }, { signal: ac.signal })).toThrow(expect.objectContaining({ name: 'AbortError' }));
  });
});

describe('blending a fill', () => {
  const W = 60, H = 50;
  const ramp = (x: number, y: number, c: number): number => 30 + 1.7 * x + 0.9 * y + 20 * c;
  const C = 3;
  const photo = new Float32Array(W * H * C);
  const hole = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const p = y * W + x;
    hole[p] = (x - 25) ** 2 + (y - 22) ** 2 < 180 || (x >= 50 && y >= 30) ? 1 : 0; // second hole touches the corner
    for (let c = 0; c < C; c++) photo[p * C + c] = hole[p] ? 0 : ramp(x, y, c);
  }

  it('removes a constant offset of the fill at the seams and reproduces the ramp', () => {
    const fill = Float32Array.from(photo);
    for (let p = 0; p < W * H; p++) if (hole[p]) for (let c = 0; c < C; c++) fill[p * C + c] = ramp(p % W, (p / W) | 0, c) + 25;
    for (const mode of ['normal', 'mixed'] as const) {
      const out = blendFillPlanes(W, H, C, photo, fill, hole, { mode, tol: 1e-4 });
      let err = 0;
      for (let p = 0; p < W * H; p++) for (let c = 0; c < C; c++) err = Math.max(err, Math.abs(out[p * C + c] - ramp(p % W, (p / W) | 0, c)));
      // mixed mode compares with the photo's gradient inside the hole, which is 0 there (the photo
      // has zeros in the hole), so the ramp's gradients win: the same exact answer
      expect(err).toBeLessThan(0.01);
    }
  });

  it('clamps the output to 0..255 and leaves pixels outside the hole untouched', () => {
    const fill = Float32Array.from(photo);
    for (let p = 0; p < W * H; p++) if (hole[p]) for (let c = 0; c < C; c++) fill[p * C + c] = (p % 7) * 400 - 900;
    const out = blendFillPlanes(W, H, C, photo, fill, hole);
    for (let i = 0; i < out.length; i++) {
      expect(out[i]).toBeGreaterThanOrEqual(0);
      expect(out[i]).toBeLessThanOrEqual(255);
      if (!hole[(i / C) | 0]) expect(out[i]).toBe(photo[i]);
    }
  });
});

describe('seamlessClone', () => {
  it('keeps pixels outside the mask bit-identical, removes the source offset and keeps its detail', () => {
    const W = 40, H = 30, ch = 4;
    const dest = new Uint8Array(W * H * ch);
    const src = new Uint8Array(W * H * ch);
    for (let p = 0; p < W * H; p++) {
      const x = p % W, y = (p / W) | 0;
      for (let c = 0; c < 3; c++) { dest[p * ch + c] = 100 + c * 10; src[p * ch + c] = Math.round(160 + 40 * Math.exp(-((x - 20) ** 2 + (y - 15) ** 2) / 12)); }
      dest[p * ch + 3] = 200; src[p * ch + 3] = 7;
    }
    const mask = new Uint8Array(W * H);
    for (let y = 8; y < 22; y++) for (let x = 10; x < 30; x++) mask[y * W + x] = 1;
    const out = seamlessClone({ width: W, height: H, channels: ch, data: dest }, { width: W, height: H, channels: ch, data: src }, { width: W, height: H, data: mask });
    for (let p = 0; p < W * H; p++) {
      expect(out.data[p * ch + 3]).toBe(200);
      if (!mask[p]) for (let c = 0; c < 3; c++) expect(out.data[p * ch + c]).toBe(dest[p * ch + c]);
    }
    // the +60 offset of the source is gone, its bump (+40 at the centre) is kept
    const mid = 15 * W + 20;
    expect(Math.abs(out.data[mid * ch] - 140)).toBeLessThanOrEqual(2);
    expect(Math.abs(out.data[mid * ch + 2] - 160)).toBeLessThanOrEqual(2);
    expect(Math.abs(out.data[(9 * W + 11) * ch] - 100)).toBeLessThanOrEqual(2);
    expect(() => seamlessClone({ width: W, height: H, channels: ch, data: dest }, { width: W - 1, height: H, channels: ch, data: src }, { width: W, height: H, data: mask })).toThrow(PoissonError);
  });

  it('mixed guidance picks the stronger gradient per channel and direction', () => {
    const W = 3, H = 1;
    const src = Float32Array.from([0, 1, 2]);
    const dst = Float32Array.from([0, 10, 0]);
    const region = Uint8Array.from([0, 1, 0]);
    expect(cloneGuidance(W, H, 1, src, dst, region, 'normal')[1]).toBeCloseTo(0);
    expect(cloneGuidance(W, H, 1, src, dst, region, 'mixed')[1]).toBeCloseTo(20);
  });
});
