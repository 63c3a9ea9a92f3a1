import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, AdamW, SGD } from './optim';
import { Rng } from '../random';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const rng = new Rng(4);

describe('optimisers', () => {
  it('Adam matches tfjs-core AdamOptimizer over several steps', () => {
    const p0 = rng.normals(10);
    const grads = Array.from({ length: 5 }, () => rng.normals(10));
    const params = new Map([['w', p0.slice()]]);
    const ours = new Adam(params, { lr: 0.01, beta1: 0.5, beta2: 0.999, eps: 1e-8 });
    const v = tf.variable(tf.tensor(p0));
    const ref = tf.train.adam(0.01, 0.5, 0.999, 1e-8);
    for (const g of grads) {
      ours.step({ w: g });
      ref.applyGradients([{ name: v.name, tensor: tf.tensor(g) }]);
    }
    const want = v.dataSync();
    params.get('w')!.forEach((x, i) => expect(x).toBeCloseTo(want[i], 5));
  });

  it('SGD with momentum matches tfjs-core MomentumOptimizer', () => {
    const p0 = rng.normals(6);
    const params = new Map([['w', p0.slice()]]);
    const ours = new SGD(params, { lr: 0.1, momentum: 0.9 });
    const v = tf.variable(tf.tensor(p0));
    const ref = tf.train.momentum(0.1, 0.9);
    for (let s = 0; s < 4; s++) {
      const g = rng.normals(6);
      ours.step(new Map([['w', g]]));
      ref.applyGradients([{ name: v.name, tensor: tf.tensor(g) }]);
    }
    // tfjs accumulates from zero (buf = mu*0 + g), identical to PyTorch's first-step buf = g.
    const want = v.dataSync();
    params.get('w')!.forEach((x, i) => expect(x).toBeCloseTo(want[i], 5));
  });

  it('AdamW applies decoupled decay (PyTorch formula)', () => {
    const params = new Map([['w', Float32Array.from([2])]]);
    const opt = AdamW(params, { lr: 0.1, weightDecay: 0.5 });
    opt.step({ w: Float32Array.from([0]) });
    // zero gradient: only the decay acts: w *= 1 - lr * wd
    expect(params.get('w')![0]).toBeCloseTo(2 * (1 - 0.05), 6);
  });

  it('minimises a quadratic and rejects missing or mis-sized gradients', () => {
    const params = new Map([['a', Float32Array.from([3, -4])]]);
    const opt = new Adam(params, { lr: 0.1 });
    for (let i = 0; i < 500; i++) opt.step({ a: params.get('a')!.map((x) => 2 * x) });
    expect(Math.abs(params.get('a')![0]) + Math.abs(params.get('a')![1])).toBeLessThan(1e-2);
    expect(() => opt.step({})).toThrow(/no gradient for parameter 'a'/);
    expect(() => opt.step({ a: new Float32Array(3) })).toThrow(/has 3 values, parameter has 2/);
  });
});
