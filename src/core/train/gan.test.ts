import { describe, expect, it } from 'vitest';
import { Graph } from '../onnx/graph';
import { Runtime } from '../onnx/runtime';
import { serialize } from '../onnx/serialize';
import { dcganGenerator, dcganSpec } from '../nets/dcgan';
import { generateImages, initGanWeights, recalibrateGeneratorBn } from './gan';
import { fixedLatents } from './loop';

describe('generator BN recalibration (precise BN)', () => {
  it('makes inference-mode G agree with training-mode G', async () => {
    const spec = dcganSpec({ resolution: 16, ngf: 8, nz: 16 });
    const rt = new Runtime({ provider: 'cpu', threads: 1 });
    const w = initGanWeights(spec, 5); // running stats (0, 1): far from the real batch statistics
    const z = fixedLatents(1, 64, spec.nz);
    const g = new Graph('batchmode');
    g.output('image', dcganGenerator(g, g.input('z', [64, spec.nz, 1, 1]), spec).out);
    const feeds: Record<string, Float32Array> = { z };
    for (const [k, v] of w) if (k.startsWith('G.') && !k.includes('running_')) feeds[k] = v;
    const train = (await (await rt.compile(serialize(g))).run(feeds)).image;
    const gap = (a: Float32Array): number => a.reduce((s, v, i) => s + Math.abs(v - train[i]), 0) / a.length;
    const before = gap(await generateImages(rt, spec, w, z));
    const fixed = await recalibrateGeneratorBn(rt, spec, w, { batches: 16, batch: 64 });
    const after = gap(await generateImages(rt, spec, fixed, z));
    expect(after).toBeLessThan(before * 0.25);
    expect(fixed.get('G.main.0.weight')).toEqual(w.get('G.main.0.weight'));
    await rt.release();
  });
});
