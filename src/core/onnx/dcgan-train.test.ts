import { describe, expect, it } from 'vitest';
import { Graph } from './graph';
import { Runtime } from './runtime';
import { Rng } from '../random';
import { dcganDiscriminator, dcganGenerator, initDcgan } from '../nets/dcgan';
import { DcganTrainer } from '../../../test/fixtures/dcgan/train';

describe('DCGAN training step', () => {
  it('runs D and G updates through onnxruntime, changing weights and running statistics', async () => {
    const cfg = { ngf: 4, ndf: 4 };
    const B = 4;
    // Weights for params and running statistics (running-mode builders declare the stats).
    const probe = new Graph('probe');
    const G = dcganGenerator(probe, probe.input('z', [1, 100, 1, 1]), { ...cfg, bn: 'running' });
    const D = dcganDiscriminator(probe, G.out, { ...cfg, bn: 'running' });
    const weights = new Map([...initDcgan(G, 1), ...initDcgan(D, 2)]);
    const before = new Map([...weights].map(([k, v]) => [k, v.slice()]));
    const rt = new Runtime({ provider: 'cpu', threads: 2 });
    const trainer = await DcganTrainer.create(rt, B, cfg, weights);
    expect(rt.cacheSize).toBe(2);
    const rng = new Rng(3);
    const losses = [];
    for (let s = 0; s < 3; s++) losses.push(await trainer.step(rng.uniforms(B * 3 * 64 * 64, -1, 1), rng.normals(B * 100)));
    for (const l of losses) {
      expect(Number.isFinite(l.lossD) && Number.isFinite(l.lossG)).toBe(true);
    }
    expect(rt.cacheSize).toBe(2); // no session rebuilt by optimiser steps
    const changed = (k: string): boolean => weights.get(k)!.some((v, i) => v !== before.get(k)![i]);
    expect(changed('G.main.0.weight')).toBe(true);
    expect(changed('D.main.11.weight')).toBe(true);
    expect(changed('G.main.1.running_mean')).toBe(true);
    expect(changed('D.main.3.running_var')).toBe(true);
    await rt.release();
  });
});
