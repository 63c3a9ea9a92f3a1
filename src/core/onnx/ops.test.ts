import { describe, expect, it } from 'vitest';
import * as o from './ops';
import { checkVjp } from '../../../test/fixtures/check-vjp';
import { Rng } from '../random';
import type { Shape, Tensor } from './graph';
import { convWeightGrad } from './vjp/linalg';

const rng = new Rng(3);
const TOL = 5e-3; // observed max 1.5e-3 (Softplus); a wrong rule gives O(1) errors

/** Values with |v| in [minAbs, maxAbs) and random sign: keeps inputs away from kinks. */
function awayFromZero(n: number, minAbs = 0.2, maxAbs = 1.5): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rng.uniform() < 0.5 ? -1 : 1) * (minAbs + (maxAbs - minAbs) * rng.uniform());
  return a;
}

interface Case {
  name: string;
  shapes: Shape[];
  f: (...xs: Tensor[]) => Tensor;
  init?: () => Float32Array[];
  eps?: number;
  wrt?: number[];
}
const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);
const away = (...shapes: Shape[]) => () => shapes.map((s) => awayFromZero(size(s)));
const positive = (...shapes: Shape[]) => () => shapes.map((s) => rng.uniforms(size(s), 0.5, 2));

const cases: Case[] = [
  { name: 'Add broadcast [2,3,4,5]+[3,1,1]', shapes: [[2, 3, 4, 5], [3, 1, 1]], f: o.add },
  { name: 'Sub broadcast [4,1]-[3]', shapes: [[4, 1], [3]], f: o.sub },
  { name: 'Mul broadcast [2,1,4]*[3,1]', shapes: [[2, 1, 4], [3, 1]], f: o.mul },
  { name: 'Mul same tensor twice (accumulation)', shapes: [[3, 4]], f: (a) => o.mul(a, o.add(a, 1)) },
  { name: 'Div broadcast [2,3]/[3]', shapes: [[2, 3], [3]], f: o.div, init: () => [rng.normals(6), rng.uniforms(3, 0.5, 2)] },
  { name: 'Div scalar constant', shapes: [[5]], f: (a) => o.div(2, o.add(o.mul(a, a), 1)) },
  { name: 'Pow [2,3]^[3]', shapes: [[2, 3], [3]], f: o.pow, init: () => [rng.uniforms(6, 0.5, 2), rng.uniforms(3, -1.5, 2)] },
  { name: 'Neg', shapes: [[3, 2]], f: o.neg },
  { name: 'Relu', shapes: [[2, 3, 4]], f: o.relu, init: away([2, 3, 4]) },
  { name: 'LeakyRelu 0.2', shapes: [[2, 3, 4]], f: (x) => o.leakyRelu(x, 0.2), init: away([2, 3, 4]) },
  { name: 'Tanh', shapes: [[7]], f: o.tanh },
  { name: 'Sigmoid', shapes: [[7]], f: o.sigmoid },
  { name: 'Softplus', shapes: [[7]], f: o.softplus },
  { name: 'Exp', shapes: [[7]], f: o.exp },
  { name: 'Log', shapes: [[7]], f: o.log, init: positive([7]) },
  { name: 'Abs', shapes: [[7]], f: o.abs, init: away([7]) },
  { name: 'Sign (zero gradient)', shapes: [[5]], f: (x) => o.add(o.sign(x), x), init: away([5]) },
  { name: 'Sqrt', shapes: [[7]], f: o.sqrt, init: positive([7]) },
  { name: 'Clip [-0.5, 0.7]', shapes: [[20]], f: (x) => o.clip(x, -0.5, 0.7), init: () => [Float32Array.from(rng.uniforms(20, -1.5, 1.5), (v) => (Math.abs(v + 0.5) < 0.05 || Math.abs(v - 0.7) < 0.05 ? v + 0.2 : v))] },
  { name: 'Where(Greater) broadcast', shapes: [[2, 3], [3], [2, 1]], f: (c, a, b) => o.where(o.greater(c, 0), a, b), init: () => [awayFromZero(6), rng.normals(3), rng.normals(2)] },
  { name: 'Where(Less) with scalar branch', shapes: [[4], [4]], f: (c, a) => o.where(o.less(c, 0), o.mul(a, a), 0), init: () => [awayFromZero(4), rng.normals(4)] },
  { name: 'MatMul [2,3,4]x[4,5]', shapes: [[2, 3, 4], [4, 5]], f: o.matmul },
  { name: 'MatMul broadcast [3,4]x[2,4,5]', shapes: [[3, 4], [2, 4, 5]], f: o.matmul },
  { name: 'Gemm plain + C [5]', shapes: [[3, 4], [4, 5], [5]], f: (a, b, c) => o.gemm(a, b, c, { alpha: 0.5, beta: 2 }) },
  { name: 'Gemm transA transB + C [3,1]', shapes: [[4, 3], [5, 4], [3, 1]], f: (a, b, c) => o.gemm(a, b, c, { transA: true, transB: true, alpha: 1.5 }) },
  { name: 'Gemm transA only', shapes: [[4, 3], [4, 5]], f: (a, b) => o.gemm(a, b, null, { transA: true }) },
  { name: 'Gemm transB only', shapes: [[3, 4], [5, 4]], f: (a, b) => o.gemm(a, b, null, { transB: true }) },
  { name: 'Conv k3 s1 p1 + bias', shapes: [[2, 3, 5, 5], [4, 3, 3, 3], [4]], f: (x, w, b) => o.conv(x, w, b, { padding: 1 }) },
  { name: 'Conv k3 s2 p1 on 7x6 (remainders)', shapes: [[2, 2, 7, 6], [3, 2, 3, 3]], f: (x, w) => o.conv(x, w, null, { stride: 2, padding: 1 }) },
  { name: 'Conv k4 s2 p1 (DCGAN)', shapes: [[2, 3, 8, 8], [4, 3, 4, 4]], f: (x, w) => o.conv(x, w, null, { stride: 2, padding: 1 }) },
  { name: 'Conv dilation 2, asymmetric pads', shapes: [[1, 2, 7, 7], [2, 2, 3, 3]], f: (x, w) => o.conv(x, w, null, { dilation: 2, padding: [1, 0, 2, 1] }) },
  { name: 'Conv groups 2 stride (2,1)', shapes: [[2, 4, 6, 5], [6, 2, 3, 2], [6]], f: (x, w, b) => o.conv(x, w, b, { groups: 2, stride: [2, 1], padding: [1, 0] }) },
  { name: 'Conv k4 s1 p0 to 1x1 (D head)', shapes: [[2, 3, 4, 4], [1, 3, 4, 4]], f: (x, w) => o.conv(x, w) },
  { name: 'ConvTranspose k4 s1 p0 from 1x1 (G head)', shapes: [[2, 5, 1, 1], [5, 3, 4, 4]], f: (x, w) => o.convTranspose(x, w) },
  { name: 'ConvTranspose k4 s2 p1 + bias', shapes: [[2, 3, 4, 4], [3, 2, 4, 4], [2]], f: (x, w, b) => o.convTranspose(x, w, b, { stride: 2, padding: 1 }) },
  { name: 'ConvTranspose k3 s2 p1 output_padding 1', shapes: [[1, 2, 3, 4], [2, 3, 3, 3]], f: (x, w) => o.convTranspose(x, w, null, { stride: 2, padding: 1, outputPadding: 1 }) },
  { name: 'ConvTranspose groups 2 dilation 2', shapes: [[2, 4, 3, 3], [4, 1, 3, 3]], f: (x, w) => o.convTranspose(x, w, null, { groups: 2, dilation: 2, padding: 1 }) },
  {
    name: 'BatchNormalization inference (all inputs)', shapes: [[2, 3, 2, 2], [3], [3], [3], [3]],
    f: (x, s, b, m, v) => o.batchNorm(x, s, b, m, v).y,
    init: () => [rng.normals(24), rng.normals(3), rng.normals(3), rng.normals(3), rng.uniforms(3, 0.5, 2)],
  },
  { name: 'BatchNormalization training (batch statistics)', shapes: [[3, 2, 2, 2], [2], [2]], f: (x, s, b) => o.batchNorm(x, s, b, null, null, { training: true }).y },
  { name: 'Concat axis 1', shapes: [[2, 1, 3], [2, 2, 3]], f: (a, b) => o.concat([a, b], 1) },
  { name: 'Concat same tensor twice', shapes: [[2, 3]], f: (a) => o.concat([a, o.mul(a, 2), a], 0) },
  { name: 'Reshape with -1', shapes: [[2, 3, 4]], f: (x) => o.reshape(x, [4, -1]) },
  { name: 'Transpose', shapes: [[2, 3, 4]], f: (x) => o.transpose(x, [2, 0, 1]) },
  { name: 'Slice negative start, two axes', shapes: [[3, 5, 4]], f: (x) => o.slice(x, [1, -3], [3, 4], [1, 2]) },
  { name: 'Pad constant (asymmetric)', shapes: [[2, 3, 3]], f: (x) => o.pad(x, [0, 1, 2, 0, 2, 0], 'constant', 0.5) },
  { name: 'Pad negative (crop)', shapes: [[2, 4, 5]], f: (x) => o.pad(x, [0, -1, 1, 0, 1, -2]) },
  { name: 'Resize nearest x2', shapes: [[1, 2, 3, 2]], f: (x) => o.resize(x, 2, 'nearest') },
  { name: 'Resize nearest (2,3)', shapes: [[1, 1, 2, 2]], f: (x) => o.resize(x, [2, 3], 'nearest') },
  { name: 'Resize bilinear x2', shapes: [[2, 1, 3, 4]], f: (x) => o.resize(x, 2, 'linear') },
  { name: 'Resize bilinear x3', shapes: [[1, 2, 2, 3]], f: (x) => o.resize(x, 3, 'linear') },
  { name: 'ReduceSum axes [0,2] keepdims', shapes: [[2, 3, 4]], f: (x) => o.reduceSum(x, [0, 2], true) },
  { name: 'ReduceSum all', shapes: [[2, 3]], f: (x) => o.reduceSum(x) },
  { name: 'ReduceMean axis -1', shapes: [[2, 3, 4]], f: (x) => o.reduceMean(x, [-1]) },
  { name: 'Expand [3,1] -> [2,3,4]', shapes: [[3, 1]], f: (x) => o.expand(x, [2, 3, 4]) },
  { name: 'Identity', shapes: [[3]], f: o.identity },
];

describe('per-op VJP (random-direction finite differences through onnxruntime)', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const r = await checkVjp(c.shapes, c.f, { init: c.init?.(), eps: c.eps, wrt: c.wrt });
      if (process.env.VJP_VERBOSE) console.log(c.name, r.analytic, r.numeric, r.maxRelErr);
      expect(r.maxRelErr, `analytic ${r.analytic} vs numeric ${r.numeric}`).toBeLessThan(TOL);
    });
  }
});

describe('Conv / ConvTranspose weight gradients via the conv-of-transposes formulation (alternative)', () => {
  for (const c of cases.filter((k) => k.name.startsWith('Conv'))) {
    it(c.name, async () => {
      convWeightGrad.method = 'conv';
      try {
        const r = await checkVjp(c.shapes, c.f, { init: c.init?.(), eps: c.eps, wrt: c.wrt });
        expect(r.maxRelErr, `analytic ${r.analytic} vs numeric ${r.numeric}`).toBeLessThan(TOL);
      } finally {
        convWeightGrad.method = 'gemm';
      }
    });
  }
});
