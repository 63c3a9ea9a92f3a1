// Exact Euclidean distance transform (Felzenszwalb & Huttenlocher 2012): O(pixels) whatever the
// distances, so a 24 MP mask dilated by 50 px costs the same as by 2 px. Pure, no dependencies:
// core (mask dilation and feathering) and the renderer (selection grow/shrink) share it.

export type FloatPlane = Float32Array | Float64Array;

/** 1-D squared distance transform of f[0..n) into d, using scratch v (int) and z (float, n + 1). */
function dt1d(f: FloatPlane, n: number, d: FloatPlane, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    let p = v[k];
    let s = (f[q] + q * q - (f[p] + p * p)) / (2 * q - 2 * p);
    // z[0] is -Infinity, so this stops at k = 0 at the latest.
    while (s <= z[k]) {
      k--;
      p = v[k];
      s = (f[q] + q * q - (f[p] + p * p)) / (2 * q - 2 * p);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    const dq = q - v[k];
    d[q] = dq * dq + f[v[k]];
  }
}

/**
 * In place on a w×h plane: each value becomes min over pixels p of (|x − p|² + value at p). With 0
 * at the source pixels and a large value elsewhere, that is the squared Euclidean distance to the
 * nearest source. Separable (columns, then rows); intermediates keep `plane`'s own precision.
 */
export function squaredDistanceTransform(plane: FloatPlane, w: number, h: number): void {
  const m = Math.max(w, h);
  const f = plane instanceof Float32Array ? new Float32Array(m) : new Float64Array(m);
  const d = plane instanceof Float32Array ? new Float32Array(m) : new Float64Array(m);
  const v = new Int32Array(m);
  const z = new Float64Array(m + 1);
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) f[y] = plane[y * w + x];
    dt1d(f, h, d, v, z);
    for (let y = 0; y < h; y++) plane[y * w + x] = d[y];
  }
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) f[x] = plane[row + x];
    dt1d(f, w, d, v, z);
    for (let x = 0; x < w; x++) plane[row + x] = d[x];
  }
}
