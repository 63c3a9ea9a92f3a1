import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { dcganGenerator, initDcgan } from '../nets/dcgan';
import { exportInferenceModel } from './export';
import { Graph } from './graph';
import { Runtime } from './runtime';
import { decodeSafetensors, encodeSafetensors } from './safetensors';
import { serialize } from './serialize';
import { Rng } from '../random';

describe('standalone inference export', () => {
  it('DCGAN G exported with weights as initializers runs in plain onnxruntime with only z, matching the weights-as-inputs model', async () => {
    const g = new Graph('dcgan_G');
    const z = g.input('z', [2, 100, 1, 1]);
    const G = dcganGenerator(g, z, { ngf: 8, bn: 'running' });
    g.output('image', G.out);
    const weights = initDcgan(G, 3);
    const zv = new Rng(1).normals(200);

    // Weights travel through safetensors first: the round trip must be bit-exact.
    const st = decodeSafetensors(encodeSafetensors(new Map([...weights].map(([k, v]) => [k, { shape: [v.length], data: v }]))));
    const loaded = new Map([...st.tensors].map(([k, e]) => [k, e.data]));
    for (const [k, v] of weights) expect(Buffer.from(loaded.get(k)!.buffer, loaded.get(k)!.byteOffset, v.byteLength).equals(Buffer.from(v.buffer))).toBe(true);

    const exported = exportInferenceModel(g, loaded, { outputs: ['image'] });
    const s = await ort.InferenceSession.create(exported.bytes);
    expect([...s.inputNames]).toEqual(['z']);
    const r = await s.run({ z: new ort.Tensor('float32', zv, [2, 100, 1, 1]) });
    const img = r.image.data as Float32Array;
    expect(r.image.dims).toEqual([2, 3, 64, 64]);

    const rt = new Runtime({ provider: 'cpu' });
    const withInputs = await (await rt.compile(serialize(g))).run({ z: zv, ...Object.fromEntries(weights) });
    // Not bit-identical: with weights as initializers onnxruntime constant-folds (e.g. BN into the conv weights).
    let maxDiff = 0;
    img.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - withInputs.image[i]))));
    expect(maxDiff).toBeLessThan(1e-5);
    await s.release();
    await rt.release();
  });

  it('refuses to export with a missing weight', () => {
    const g = new Graph();
    const z = g.input('z', [1, 100, 1, 1]);
    const G = dcganGenerator(g, z, { ngf: 4, bn: 'running' });
    g.output('image', G.out);
    const w = initDcgan(G, 1);
    w.delete('G.main.12.weight');
    expect(() => exportInferenceModel(g, w)).toThrow(/no value for parameter 'G.main.12.weight' \(shape \[4,3,4,4\]\)/);
  });
});
