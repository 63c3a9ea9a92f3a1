/** VJP rules for MatMul, Gemm, Conv and ConvTranspose. */
import { GraphError, type Node, type Tensor } from '../graph';
import { concat, conv, convTranspose, gemm, matmul, mul, pad, reduceSum, reshape, slice, transpose } from '../ops';
import { ints, num } from '../shape';
import type { VjpRule } from './types';
import { unbroadcast } from './util';

function swapLast(x: Tensor): Tensor {
  const r = x.shape.length;
  const perm = x.shape.map((_, i) => i);
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return transpose(x, perm);
}

const matmulRule: VjpRule = (n, gy, need) => {
  const [a, b] = n.inputs;
  return [need[0] ? unbroadcast(matmul(gy, swapLast(b)), a.shape) : null, need[1] ? unbroadcast(matmul(swapLast(a), gy), b.shape) : null];
};

const gemmRule: VjpRule = (n, gy, need) => {
  const [a, b, c] = n.inputs;
  const alpha = num(n.params, 'alpha', 1), beta = num(n.params, 'beta', 1);
  const ta = num(n.params, 'transA', 0) === 1, tb = num(n.params, 'transB', 0) === 1;
  const da = !need[0] ? null : ta ? gemm(b, gy, null, { alpha, transA: tb, transB: true }) : gemm(gy, b, null, { alpha, transB: !tb });
  const db = !need[1] ? null : tb ? gemm(gy, a, null, { alpha, transA: true, transB: ta }) : gemm(a, gy, null, { alpha, transA: !ta });
  const dc = c && need[2] ? unbroadcast(beta === 1 ? gy : mul(gy, beta), c.shape) : null;
  return c ? [da, db, dc] : [da, db];
};

interface ConvGeom {
  s: number[];
  d: number[];
  p: number[];
  g: number;
}
function geom(n: Node): ConvGeom {
  return { s: ints(n.params, 'strides'), d: ints(n.params, 'dilations'), p: ints(n.params, 'pads'), g: num(n.params, 'group', 1) };
}

/** Split along channel axis 1 into `g` equal groups (or the tensor itself when g = 1). */
function groupSlices(x: Tensor, g: number, axis = 1): Tensor[] {
  if (g === 1) return [x];
  const c = x.shape[axis] / g;
  return Array.from({ length: g }, (_, j) => slice(x, [j * c], [(j + 1) * c], [axis]));
}

/**
 * Same result as `correlateWeightsByConv`, as one GEMM over an explicit im2col of `src`:
 * patches [I*kh*kw, N*OH*OW] (strided Slices of the padded source) times dy^T [N*OH*OW, O].
 */
function correlateWeightsByGemm(src: Tensor, dy: Tensor, k: number[], s: number[], d: number[], p: number[]): Tensor {
  const [N, I, H, W] = src.shape;
  const [, O, OH, OW] = dy.shape;
  const need = [OH, OW].map((o, a) => s[a] * (o - 1) + d[a] * (k[a] - 1) + 1);
  const pe = [Math.max(0, need[0] - H - p[0]), Math.max(0, need[1] - W - p[1])];
  const srcT = transpose(src, [1, 0, 2, 3]); // [I, N, H, W]
  const padded = p[0] || p[1] || pe[0] || pe[1] ? pad(srcT, [0, 0, p[0], p[1], 0, 0, pe[0], pe[1]]) : srcT;
  const taps: Tensor[] = [];
  for (let kh = 0; kh < k[0]; kh++) {
    for (let kw = 0; kw < k[1]; kw++) {
      const h0 = kh * d[0], w0 = kw * d[1];
      const t = slice(padded, [h0, w0], [h0 + s[0] * (OH - 1) + 1, w0 + s[1] * (OW - 1) + 1], [2, 3], [s[0], s[1]]);
      taps.push(reshape(t, [I, 1, N * OH * OW]));
    }
  }
  const patches = reshape(taps.length === 1 ? taps[0] : concat(taps, 1), [I * k[0] * k[1], N * OH * OW]);
  const dyT = reshape(transpose(dy, [0, 2, 3, 1]), [N * OH * OW, O]);
  const r = reshape(matmul(patches, dyT), [I, k[0], k[1], O]);
  return transpose(r, [3, 0, 1, 2]); // [O, I, kh, kw]
}

/**
 * Which formulation the Conv/ConvTranspose weight-gradient rules use. 'gemm' (default) was ~25 %
 * faster on the batch-64 DCGAN D step on onnxruntime CPU (BENCHMARKS.md) for ~100 MB more memory.
 */
export const convWeightGrad: { method: 'conv' | 'gemm' } = { method: 'gemm' };

function correlateWeights(src: Tensor, dy: Tensor, k: number[], s: number[], d: number[], p: number[]): Tensor {
  return convWeightGrad.method === 'gemm' ? correlateWeightsByGemm(src, dy, k, s, d, p) : correlateWeightsByConv(src, dy, k, s, d, p);
}

/**
 * Weight gradient of a correlation: out[o, i, k] = sum_{n, pos} src[n, i, pos*stride + k*dil - pad] * dy[n, o, pos].
 * Computed as a Conv of src^T (i as batch, n as channels) with dy^T as the kernel,
 * stride and dilation swapped. Returns [O, I, kh, kw].
 */
function correlateWeightsByConv(src: Tensor, dy: Tensor, k: number[], s: number[], d: number[], p: number[]): Tensor {
  const srcT = transpose(src, [1, 0, 2, 3]);
  const dyT = transpose(dy, [1, 0, 2, 3]);
  const r = conv(srcT, dyT, null, { stride: [d[0], d[1]], dilation: [s[0], s[1]], padding: [p[0], p[1], p[2], p[3]] });
  const cut = r.shape[2] !== k[0] || r.shape[3] !== k[1] ? slice(r, [0, 0], [k[0], k[1]], [2, 3]) : r;
  if (cut.shape[2] !== k[0] || cut.shape[3] !== k[1]) {
    throw new GraphError(`Conv weight gradient: internal shape [${r.shape.join(',')}] smaller than kernel ${k.join('x')}`);
  }
  return transpose(cut, [1, 0, 2, 3]);
}

const convRule: VjpRule = (n, gy, need) => {
  const [x, w, b] = n.inputs;
  const { s, d, p, g } = geom(n);
  const k = [w.shape[2], w.shape[3]];
  let dx: Tensor | null = null;
  if (need[0]) {
    const opad = [0, 1].map((i) => x.shape[2 + i] + p[i] + p[i + 2] - d[i] * (k[i] - 1) - 1 - s[i] * (gy.shape[2 + i] - 1));
    dx = convTranspose(gy, w, null, {
      stride: [s[0], s[1]], dilation: [d[0], d[1]], groups: g,
      padding: [p[0], p[1], p[2], p[3]], outputPadding: [opad[0], opad[1]],
    });
  }
  let dw: Tensor | null = null;
  if (need[1]) {
    // Trim the trailing padding that the forward conv never reached (keeps the helper conv small).
    const pe = [0, 1].map((i) => {
      const rem = x.shape[2 + i] + p[i] + p[i + 2] - d[i] * (k[i] - 1) - 1 - s[i] * (gy.shape[2 + i] - 1);
      return Math.max(0, p[i + 2] - rem);
    });
    const pads = [p[0], p[1], pe[0], pe[1]];
    const xs = groupSlices(x, g), gs = groupSlices(gy, g);
    const parts = xs.map((xj, j) => correlateWeights(xj, gs[j], k, s, d, pads));
    dw = parts.length === 1 ? parts[0] : concat(parts, 0);
  }
  const db = b && need[2] ? reduceSum(gy, [0, 2, 3]) : null;
  return b ? [dx, dw, db] : [dx, dw];
};

const convTransposeRule: VjpRule = (n, gy, need) => {
  const [x, w, b] = n.inputs;
  const { s, d, p, g } = geom(n);
  const k = [w.shape[2], w.shape[3]];
  let dx: Tensor | null = null;
  if (need[0]) {
    const r = conv(gy, w, null, { stride: [s[0], s[1]], dilation: [d[0], d[1]], groups: g, padding: [p[0], p[1], p[2], p[3]] });
    dx = r.shape[2] !== x.shape[2] || r.shape[3] !== x.shape[3] ? slice(r, [0, 0], [x.shape[2], x.shape[3]], [2, 3]) : r;
  }
  let dw: Tensor | null = null;
  if (need[1]) {
    // dW[c, m, k] = sum x[n, c, i] * dy[n, m, i*s + k*d - p]: correlate dy (as source) with x.
    const xs = groupSlices(x, g), gs = groupSlices(gy, g);
    const parts = xs.map((xj, j) => correlateWeights(gs[j], xj, k, s, d, p));
    dw = parts.length === 1 ? parts[0] : concat(parts, 0);
  }
  const db = b && need[2] ? reduceSum(gy, [0, 2, 3]) : null;
  return b ? [dx, dw, db] : [dx, dw];
};

export const linalgRules: Record<string, VjpRule> = {
  MatMul: matmulRule,
  Gemm: gemmRule,
  Conv: convRule,
  ConvTranspose: convTransposeRule,
};
