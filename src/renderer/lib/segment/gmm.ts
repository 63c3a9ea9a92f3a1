// Gaussian mixture colour model for GrabCut (Rother et al. 2004): K full-covariance components
// in RGB, fitted by hard assignment (each pixel to its most likely component), as GrabCut does.

export const GMM_COMPONENTS = 5;
/** Keeps covariances invertible on flat colour areas. */
const COV_EPS = 0.01 * 255;

interface Component {
  weight: number;
  mean: Float64Array;
  /** Inverse covariance, row-major 3×3. */
  inv: Float64Array;
  /** log(weight) − ½·log det(cov) − (3/2)·log 2π */
  logNorm: number;
}

export class ColourModel {
  private components: Component[] = [];

  /** Fits K components to the pixels listed in `index` (RGBA data): k-means start, then hard-EM rounds. */
  static fit(rgba: ArrayLike<number>, index: Int32Array, rounds = 2): ColourModel {
    const model = new ColourModel();
    const k = Math.max(1, Math.min(GMM_COMPONENTS, index.length));
    const labels = kmeansLabels(rgba, index, k);
    model.refit(rgba, index, labels, k);
    for (let r = 0; r < rounds; r++) {
      for (let t = 0; t < index.length; t++) labels[t] = model.bestComponent(rgba, index[t]! * 4);
      model.refit(rgba, index, labels, k);
    }
    return model;
  }

  /** −log p(colour) under the mixture, for the pixel at byte offset `o`. */
  cost(rgba: ArrayLike<number>, o: number): number {
    let p = 0;
    for (const c of this.components) p += Math.exp(c.logNorm - 0.5 * mahalanobis(c, rgba, o));
    return -Math.log(Math.max(p, 1e-300));
  }

  private bestComponent(rgba: ArrayLike<number>, o: number): number {
    let best = 0;
    let bestScore = -Infinity;
    this.components.forEach((c, i) => {
      const s = c.logNorm - 0.5 * mahalanobis(c, rgba, o);
      if (s > bestScore) {
        bestScore = s;
        best = i;
      }
    });
    return best;
  }

  private refit(rgba: ArrayLike<number>, index: Int32Array, labels: Uint8Array, k: number): void {
    const n = new Float64Array(k);
    const sum = new Float64Array(k * 3);
    const prod = new Float64Array(k * 9);
    for (let t = 0; t < index.length; t++) {
      const c = labels[t]!;
      const o = index[t]! * 4;
      const v0 = rgba[o]!, v1 = rgba[o + 1]!, v2 = rgba[o + 2]!;
      n[c]!++;
      sum[c * 3] += v0; sum[c * 3 + 1] += v1; sum[c * 3 + 2] += v2;
      const p = c * 9;
      prod[p] += v0 * v0; prod[p + 1] += v0 * v1; prod[p + 2] += v0 * v2;
      prod[p + 4] += v1 * v1; prod[p + 5] += v1 * v2; prod[p + 8] += v2 * v2;
    }
    const comps: Component[] = [];
    for (let c = 0; c < k; c++) {
      if (n[c]! === 0) continue;
      const mean = new Float64Array([sum[c * 3]! / n[c]!, sum[c * 3 + 1]! / n[c]!, sum[c * 3 + 2]! / n[c]!]);
      const p = c * 9;
      const cov = new Float64Array(9);
      const at = (i: number, j: number) => prod[p + Math.min(i, j) * 3 + Math.max(i, j)]! / n[c]! - mean[i]! * mean[j]!;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) cov[i * 3 + j] = at(i, j) + (i === j ? COV_EPS : 0);
      const { inv, det } = invert3(cov);
      comps.push({ weight: n[c]! / index.length, mean, inv, logNorm: Math.log(n[c]! / index.length) - 0.5 * Math.log(det) - 1.5 * Math.log(2 * Math.PI) });
    }
    this.components = comps;
  }
}

function mahalanobis(c: Component, rgba: ArrayLike<number>, o: number): number {
  const d0 = rgba[o]! - c.mean[0]!, d1 = rgba[o + 1]! - c.mean[1]!, d2 = rgba[o + 2]! - c.mean[2]!;
  const m = c.inv;
  return d0 * (m[0]! * d0 + m[1]! * d1 + m[2]! * d2) + d1 * (m[3]! * d0 + m[4]! * d1 + m[5]! * d2) + d2 * (m[6]! * d0 + m[7]! * d1 + m[8]! * d2);
}

function invert3(m: Float64Array): { inv: Float64Array; det: number } {
  const [a, b, c, d, e, f, g, h, i] = m as unknown as number[];
  const A = e! * i! - f! * h!, B = -(d! * i! - f! * g!), C = d! * h! - e! * g!;
  const det = a! * A + b! * B + c! * C;
  const k = 1 / det;
  const inv = new Float64Array([
    A * k, -(b! * i! - c! * h!) * k, (b! * f! - c! * e!) * k,
    B * k, (a! * i! - c! * g!) * k, -(a! * f! - c! * d!) * k,
    C * k, -(a! * h! - b! * g!) * k, (a! * e! - b! * d!) * k,
  ]);
  return { inv, det };
}

/** A few Lloyd rounds from farthest-point seeds: a deterministic start for the mixture. */
function kmeansLabels(rgba: ArrayLike<number>, index: Int32Array, k: number): Uint8Array {
  const labels = new Uint8Array(index.length);
  const centres = new Float64Array(k * 3);
  const stride = Math.max(1, Math.floor(index.length / 4000)); // seeds from a subsample
  const o0 = index[0]! * 4;
  centres.set([rgba[o0]!, rgba[o0 + 1]!, rgba[o0 + 2]!]);
  for (let c = 1; c < k; c++) {
    let far = 0, farD = -1;
    for (let t = 0; t < index.length; t += stride) {
      const o = index[t]! * 4;
      let d = Infinity;
      for (let q = 0; q < c; q++) d = Math.min(d, dist2(rgba, o, centres, q));
      if (d > farD) { farD = d; far = o; }
    }
    centres.set([rgba[far]!, rgba[far + 1]!, rgba[far + 2]!], c * 3);
  }
  for (let round = 0; round < 4; round++) {
    const sum = new Float64Array(k * 3);
    const n = new Float64Array(k);
    for (let t = 0; t < index.length; t++) {
      const o = index[t]! * 4;
      let best = 0, bestD = Infinity;
      for (let q = 0; q < k; q++) {
        const d = dist2(rgba, o, centres, q);
        if (d < bestD) { bestD = d; best = q; }
      }
      labels[t] = best;
      n[best]!++;
      sum[best * 3] += rgba[o]!; sum[best * 3 + 1] += rgba[o + 1]!; sum[best * 3 + 2] += rgba[o + 2]!;
    }
    for (let q = 0; q < k; q++) if (n[q]! > 0) for (let j = 0; j < 3; j++) centres[q * 3 + j] = sum[q * 3 + j]! / n[q]!;
  }
  return labels;
}

function dist2(rgba: ArrayLike<number>, o: number, centres: Float64Array, q: number): number {
  const d0 = rgba[o]! - centres[q * 3]!, d1 = rgba[o + 1]! - centres[q * 3 + 1]!, d2 = rgba[o + 2]! - centres[q * 3 + 2]!;
  return d0 * d0 + d1 * d1 + d2 * d2;
}
