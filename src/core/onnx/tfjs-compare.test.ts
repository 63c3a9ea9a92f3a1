/**
 * Values and gradients of small networks and of the 64x64 DCGAN, built once with this package
 * (run by onnxruntime) and once with @tensorflow/tfjs-core's own autodiff (CPU backend), must agree.
 * Tolerance: max |ours - tfjs| <= 2e-4 * max(max |tfjs|, 1e-4) per tensor (1e-3 for the DCGAN), float32 on both sides.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { grad } from './autodiff';
import { Graph, type Tensor } from './graph';
import * as o from './ops';
import { Runtime } from './runtime';
import { serialize } from './serialize';
import { Rng } from '../random';
import { dcganDiscriminator, dcganGenerator, initDcgan } from '../nets/dcgan';

const rt = new Runtime({ provider: 'cpu', threads: 2 });
const TOL = 2e-4;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type TfFn = (...xs: tf.Tensor[]) => tf.Scalar;

interface Spec {
  shapes: Record<string, number[]>;
  values: Record<string, Float32Array>;
  ours: (g: Graph, xs: Record<string, Tensor>) => Tensor;
  theirs: (xs: Record<string, tf.Tensor>) => tf.Scalar;
}

/** How far our gradient is from tfjs's (largest absolute difference) and how large tfjs's is. */
function gradientGap(theirs: tf.Tensor, mine: ArrayLike<number>): { maxDiff: number; maxRef: number } {
  const ref = theirs.dataSync() as Float32Array;
  let maxDiff = 0, maxRef = 0;
  for (let k = 0; k < ref.length; k++) {
    maxDiff = Math.max(maxDiff, Math.abs(ref[k] - mine[k]));
    maxRef = Math.max(maxRef, Math.abs(ref[k]));
  }
  return { maxDiff, maxRef };
}

async function compare(spec: Spec): Promise<{ name: string; err: number }[]> {
  const names = Object.keys(spec.shapes);
  const g = new Graph('cmp');
  const xs: Record<string, Tensor> = {};
  for (const n of names) xs[n] = g.input(n, spec.shapes[n]);
  const loss = spec.ours(g, xs);
  g.output('loss', loss);
  grad(loss, names.map((n) => xs[n])).forEach((t, i) => g.output(`d_${names[i]}`, t));
  const ours = await (await rt.compile(serialize(g))).run(spec.values);

  const fn: TfFn = (...ts) => {
    const m: Record<string, tf.Tensor> = {};
    names.forEach((n, i) => (m[n] = ts[i]));
    return spec.theirs(m);
  };
  const inputs = names.map((n) => tf.tensor(spec.values[n], spec.shapes[n]));
  const { value, grads } = tf.valueAndGrads(fn)(inputs);
  const res = [{ name: 'loss', err: Math.abs(ours.loss[0] - value.dataSync()[0]) / (Math.abs(value.dataSync()[0]) + 1e-6) }];
  grads.forEach((gt, i) => {
    const { maxDiff, maxRef } = gradientGap(gt, ours[`d_${names[i]}`]);
    res.push({ name: names[i], err: maxDiff / Math.max(maxRef, 1e-4) }); // exact-zero gradients (bias before BN) compare absolutely
  });
  tf.dispose([...inputs, value, ...grads]);
  return res;
}

// --- tfjs side helpers (NCHW tensors in, NHWC inside) ---
const toNhwc = (x: tf.Tensor): tf.Tensor4D => tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;
const toNchw = (x: tf.Tensor): tf.Tensor4D => tf.transpose(x, [0, 3, 1, 2]) as tf.Tensor4D;
const hwio = (w: tf.Tensor): tf.Tensor4D => tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D;
function tfBatchNorm(x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta) as tf.Tensor4D;
}

const rng = new Rng(21);
const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);

describe('agreement with @tensorflow/tfjs-core autodiff', () => {
  it('conv / BN(train) / LeakyReLU / convTranspose / tanh / L1 / gemm / softplus network', async () => {
    const shapes = { x: [2, 3, 8, 8], w1: [4, 3, 3, 3], b1: [4], gamma: [4], beta: [4], w2: [4, 2, 4, 4], target: [2, 2, 8, 8], w3: [128, 5], b3: [5] };
    const values: Record<string, Float32Array> = {};
    for (const [k, s] of Object.entries(shapes)) values[k] = rng.normals(size(s), k.startsWith('w') ? 0.3 : 1);
    const res = await compare({
      shapes, values,
      ours: (g, v) => {
        let h = o.conv(v.x, v.w1, v.b1, { stride: 2, padding: 1 });
        h = o.leakyRelu(o.batchNorm(h, v.gamma, v.beta, null, null, { training: true }).y, 0.2);
        const y = o.tanh(o.convTranspose(h, v.w2, null, { stride: 2, padding: 1 }));
        const l1 = o.reduceMean(o.abs(o.sub(y, v.target)));
        const feat = o.reshape(y, [2, 128]);
        const head = o.reduceMean(o.softplus(o.gemm(feat, v.w3, v.b3)));
        return o.add(l1, head);
      },
      theirs: (v) => {
        let h = tf.conv2d(toNhwc(v.x), hwio(v.w1), 2, 1);
        h = tf.add(h, v.b1) as tf.Tensor4D;
        h = tf.leakyRelu(tfBatchNorm(h, v.gamma, v.beta), 0.2);
        const y = toNchw(tf.tanh(tf.conv2dTranspose(h, hwio(v.w2), [2, 8, 8, 2], 2, 1)));
        const l1 = tf.mean(tf.abs(tf.sub(y, v.target)));
        const head = tf.mean(tf.softplus(tf.add(tf.matMul(tf.reshape(y, [2, 128]), v.w3), v.b3)));
        return tf.add(l1, head) as tf.Scalar;
      },
    });
    for (const r of res) expect(r.err, r.name).toBeLessThan(TOL);
  });

  // Bilinear Resize is not compared here: tfjs 4.22's CPU ResizeBilinearGrad ignores halfPixelCenters
  // (and mis-shapes non-square inputs); its VJP is covered by the finite-difference test in ops.test.ts.
  it('resize (nearest) / pad / slice / concat / matmul / pow / sqrt / clip / where / sigmoid / exp / log', async () => {
    const shapes = { x: [1, 2, 4, 4], a: [3, 4], b: [2, 4, 6] }; // square: tfjs's ResizeBilinear gradient mis-shapes non-square inputs
    const values: Record<string, Float32Array> = { x: rng.normals(32), a: rng.normals(12), b: rng.normals(48) };
    const aPositive = tf.greater(tf.tensor(values.a, [3, 4]), 0); // tfjs has no Greater gradient; the mask is a constant there
    const res = await compare({
      shapes, values,
      ours: (g, v) => {
        const up = o.resize(o.mul(v.x, v.x), 2, 'nearest'); // [1,2,8,8]
        const nn = o.resize(v.x, 2, 'nearest');
        const p = o.pad(o.slice(up, [1, 2], [5, 7], [2, 3]), [0, 0, 1, 0, 0, 0, 0, 2]); // [1,2,5,7]
        const c = o.concat([p, o.slice(nn, [0, 0], [5, 7], [2, 3])], 1); // [1,4,5,7]
        const t1 = o.reduceMean(o.pow(o.add(o.sigmoid(c), 0.5), 1.7));
        const m = o.matmul(o.exp(o.clip(v.a, -1, 1)), v.b); // [2,3,6]
        const t2 = o.reduceSum(o.sqrt(o.add(o.mul(m, m), 1)), [1, 2]);
        const t3 = o.reduceSum(o.where(o.greater(v.a, 0), o.log(o.add(o.abs(v.a), 1)), o.neg(v.a)));
        return o.add(o.add(t1, o.reduceSum(t2)), t3);
      },
      theirs: (v) => {
        const xh = toNhwc(v.x);
        const up = toNchw(tf.image.resizeNearestNeighbor(tf.mul(xh, xh) as tf.Tensor4D, [8, 8], false, false));
        const nn = toNchw(tf.image.resizeNearestNeighbor(xh, [8, 8], false, false));
        const p = tf.pad(tf.slice(up, [0, 0, 1, 2], [1, 2, 4, 5]), [[0, 0], [0, 0], [1, 0], [0, 2]]);
        const c = tf.concat([p, tf.slice(nn, [0, 0, 0, 0], [1, 2, 5, 7])], 1);
        const t1 = tf.mean(tf.pow(tf.add(tf.sigmoid(c), 0.5), 1.7));
        const m = tf.matMul(tf.broadcastTo(tf.exp(tf.clipByValue(v.a, -1, 1)), [2, 3, 4]), v.b);
        const t2 = tf.sum(tf.sqrt(tf.add(tf.mul(m, m), 1)));
        const t3 = tf.sum(tf.where(aPositive, tf.log(tf.add(tf.abs(v.a), 1)), tf.neg(v.a)));
        return tf.add(tf.add(t1, t2), t3) as tf.Scalar;
      },
    });
    for (const r of res) expect(r.err, r.name).toBeLessThan(TOL);
  });

  it('64x64 DCGAN (ngf = ndf = 8, batch 2, BN batch statistics, ReLU/LeakyReLU): G loss gradients wrt z and every weight', async () => {
    const cfg = { ngf: 8, ndf: 8 };
    const probe = new Graph('probe');
    const zp = probe.input('z', [2, 100, 1, 1]);
    const Gp = dcganGenerator(probe, zp, cfg);
    const Dp = dcganDiscriminator(probe, Gp.out, cfg);
    const shapes: Record<string, number[]> = { z: [2, 100, 1, 1] };
    const values: Record<string, Float32Array> = { z: rng.normals(200) };
    for (const net of [Gp, Dp]) for (const [k, t] of net.params) shapes[k] = [...t.shape];
    for (const [k, v] of [...initDcgan(Gp, 5), ...initDcgan(Dp, 6)]) if (shapes[k]) values[k] = shapes[k].length === 4 ? v.map((a) => a * 5) : v;
    const g = new Graph('dcgan_cmp');
    const z = g.input('z', [2, 100, 1, 1]);
    const G = dcganGenerator(g, z, cfg);
    const D = dcganDiscriminator(g, G.out, cfg);
    const loss = o.reduceMean(o.softplus(o.neg(D.out)));
    g.output('loss', loss);
    const wrt = [z, ...G.params.values(), ...D.params.values()];
    grad(loss, wrt).forEach((t, i) => g.output(`d_${wrt[i].name}`, t));
    const ours = await (await rt.compile(serialize(g))).run(values);

    const names = wrt.map((t) => t.name);
    const fn: TfFn = (...ts) => {
      const v: Record<string, tf.Tensor> = {};
      names.forEach((n, i) => (v[n] = ts[i]));
      let h: tf.Tensor4D = toNhwc(v.z);
      const gch = [100, 64, 32, 16, 8];
      for (let i = 0; i < 4; i++) {
        const n = h.shape[0], s = h.shape[1];
        h = i === 0
          ? tf.conv2dTranspose(h, hwio(v[`G.main.${3 * i}.weight`]), [n, 4, 4, gch[i + 1]], 1, 'valid')
          : tf.conv2dTranspose(h, hwio(v[`G.main.${3 * i}.weight`]), [n, 2 * s, 2 * s, gch[i + 1]], 2, 1);
        h = tf.relu(tfBatchNorm(h, v[`G.main.${3 * i + 1}.weight`], v[`G.main.${3 * i + 1}.bias`]));
      }
      let img = tf.tanh(tf.conv2dTranspose(h, hwio(v['G.main.12.weight']), [2, 64, 64, 3], 2, 1));
      for (let i = 0; i < 4; i++) {
        const idx = i === 0 ? 0 : 3 * i - 1;
        img = tf.conv2d(img, hwio(v[`D.main.${idx}.weight`]), 2, 1);
        if (i > 0) img = tfBatchNorm(img, v[`D.main.${idx + 1}.weight`], v[`D.main.${idx + 1}.bias`]);
        img = tf.leakyRelu(img, 0.2);
      }
      const logits = tf.conv2d(img, hwio(v['D.main.11.weight']), 1, 'valid');
      return tf.mean(tf.softplus(tf.neg(logits))) as tf.Scalar;
    };
    const inputs = names.map((n) => tf.tensor(values[n], shapes[n]));
    const { value, grads } = tf.valueAndGrads(fn)(inputs);
    expect(Math.abs(ours.loss[0] - value.dataSync()[0])).toBeLessThan(1e-4 * Math.abs(value.dataSync()[0]));
    const bad: string[] = [];
    grads.forEach((gt, i) => {
      const { maxDiff, maxRef } = gradientGap(gt, ours[`d_${names[i]}`]);
      if (!(maxDiff <= 1e-3 * maxRef + 1e-7)) bad.push(`${names[i]}: max diff ${maxDiff}, max |g| ${maxRef}`);
    });
    tf.dispose([...inputs, value, ...grads]);
    expect(bad).toEqual([]);
  });
});
