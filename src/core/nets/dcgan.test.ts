import { describe, expect, it } from 'vitest';
import { Graph } from '../onnx/graph';
import { Runtime } from '../onnx/runtime';
import { Rng } from '../random';
import { serialize } from '../onnx/serialize';
import { grad } from '../onnx/autodiff';
import { conv, mul, reduceSum, resize } from '../onnx/ops';
import {
  dcganDiscriminator, dcganGenerator, dcganSpec, initDcgan, nearestDoubleThenConv3, resolutionOfArch, upsampleOfArch,
} from './dcgan';
import type { Tensor } from '../onnx/graph';

/** nearestDoubleThenConv3 written as it reads: the reference it must equal. */
const nearestDoubleThenConv3Direct = (x: Tensor, w: Tensor): Tensor => conv(resize(x, 2, 'nearest'), w, null, { padding: 1 });

describe('DCGAN architectures', () => {
  it.each([16, 32, 64, 128] as const)('G maps z to %i×%i images and D maps them to one logit', (R) => {
    const g = new Graph('t');
    const z = g.input('z', [2, 100, 1, 1]);
    const G = dcganGenerator(g, z, { ngf: 4, resolution: R });
    expect(G.out.shape).toEqual([2, 3, R, R]);
    const D = dcganDiscriminator(g, G.out, { ndf: 4 });
    expect(D.out.shape).toEqual([2, 1, 1, 1]);
    const k = Math.log2(R) - 2;
    expect(G.params.size).toBe(k + 1 + 2 * k); // convT per stage + final, BN scale/bias per stage
    expect(D.params.size).toBe(k + 1 + 2 * (k - 1));
  });

  it('keeps the PyTorch DCGAN parameter names and shapes at 64×64', () => {
    const g = new Graph('t');
    const G = dcganGenerator(g, g.input('z', [1, 100, 1, 1]), { ngf: 64, bn: 'running' });
    const D = dcganDiscriminator(g, G.out, { ndf: 64, bn: 'running' });
    expect(G.params.get('G.main.0.weight')!.shape).toEqual([100, 512, 4, 4]);
    expect(G.params.get('G.main.12.weight')!.shape).toEqual([64, 3, 4, 4]);
    expect(D.params.get('D.main.0.weight')!.shape).toEqual([64, 3, 4, 4]);
    expect(D.params.get('D.main.11.weight')!.shape).toEqual([1, 512, 4, 4]);
    expect([...G.stats.keys()]).toContain('G.main.1.running_mean');
    const w = initDcgan(G, 1);
    expect(w.get('G.main.1.running_var')!.every((v) => v === 1)).toBe(true);
    expect(w.get('G.main.1.bias')!.every((v) => v === 0)).toBe(true);
  });

  it('validates configurations and architecture names', () => {
    expect(dcganSpec({ ngf: 32 })).toMatchObject({ arch: 'dcgan64', ngf: 32, ndf: 64, nz: 100 });
    expect(resolutionOfArch('dcgan128')).toBe(128);
    expect(() => resolutionOfArch('dcgan48')).toThrow(/unknown architecture 'dcgan48'/);
    expect(() => dcganSpec({ ngf: 0 })).toThrow(/ngf must be a positive integer/);
  });

  it('resize-convolution G: same layout and names, [out, in, 3, 3] weights, and no checkerboard from a constant input', async () => {
    const spec = dcganSpec({ ngf: 4, resolution: 32, upsample: 'resize' });
    expect(spec).toMatchObject({ arch: 'dcgan32-resize', upsample: 'resize' });
    expect(dcganSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec); // survives a model file's metadata
    expect(dcganSpec({ ngf: 4 })).not.toHaveProperty('upsample'); // older specs are unchanged
    expect(resolutionOfArch('dcgan128-resize')).toBe(128);
    expect(upsampleOfArch('dcgan128-resize')).toBe('resize');
    expect(upsampleOfArch('dcgan64')).toBe('transposed');
    expect(() => dcganSpec({ upsample: 'pixelshuffle' as never })).toThrow(/upsample must be/);
    const g = new Graph('t');
    const G = dcganGenerator(g, g.input('z', [1, 100, 1, 1]), { ...spec, bn: 'running' });
    expect(G.out.shape).toEqual([1, 3, 32, 32]);
    expect(G.params.get('G.main.0.weight')!.shape).toEqual([100, 16, 4, 4]); // the 4×4 projection stays transposed
    expect(G.params.get('G.main.3.weight')!.shape).toEqual([8, 16, 3, 3]);
    expect(G.params.get('G.main.9.weight')!.shape).toEqual([3, 4, 3, 3]);
    // a constant feature map through random doubling layers: a transposed stride-2 layer gives a
    // periodic pattern (each output phase sums other kernel taps), nearest enlargement + 3×3
    // convolution a flat interior (away from the zero padding's reach)
    const interiorRange = async (upsample: 'resize' | 'transposed'): Promise<number> => {
      const gg = new Graph('t');
      const net = dcganGenerator(gg, gg.input('z', [1, 100, 1, 1]), { ngf: 4, resolution: 32, upsample, bn: 'running' });
      gg.output('image', net.out);
      const weights = new Map<string, Float32Array>();
      const rng = new Rng(3);
      for (const [name, t] of [...net.params, ...net.stats]) {
        // a constant 4×4 projection, random doubling layers, identity BN
        if (name === 'G.main.0.weight') weights.set(name, new Float32Array(t.size).fill(0.05));
        else if (t.shape.length === 4) weights.set(name, rng.normals(t.size, 0.2));
        else weights.set(name, new Float32Array(t.size).fill(name.endsWith('running_var') || name.endsWith('.weight') ? 1 : 0));
      }
      const run = await new Runtime({ provider: 'cpu', threads: 1 }).compile(serialize(gg, { initializers: weights }));
      const { image } = await run.run({ z: new Float32Array(100).fill(1) });
      let lo = Infinity, hi = -Infinity;
      for (let y = 12; y < 20; y++) for (let x = 12; x < 20; x++) { lo = Math.min(lo, image[y * 32 + x]); hi = Math.max(hi, image[y * 32 + x]); }
      return hi - lo;
    };
    expect(await interiorRange('resize')).toBeLessThan(1e-6);
    expect(await interiorRange('transposed')).toBeGreaterThan(1e-3);
  });

  it('the resize layer computed as a transposed convolution equals nearest 2× + 3×3, values and gradients', async () => {
    // odd sizes and unequal channel counts so a swapped axis or a wrong edge tap would show
    const [n, cin, cout, h, w] = [2, 3, 5, 5, 7];
    const g = new Graph('t');
    const x = g.input('x', [n, cin, h, w]);
    const k = g.input('k', [cout, cin, 3, 3]);
    const probe = g.input('probe', [n, cout, 2 * h, 2 * w]); // a random cotangent
    const outs = [nearestDoubleThenConv3(x, k), nearestDoubleThenConv3Direct(x, k)];
    outs.forEach((o, i) => {
      expect(o.shape).toEqual([n, cout, 2 * h, 2 * w]);
      g.output(`y${i}`, o);
      const [dx, dk] = grad(reduceSum(mul(o, probe)), [x, k]);
      g.output(`dx${i}`, dx);
      g.output(`dk${i}`, dk);
    });
    const rng = new Rng(5);
    const run = await new Runtime({ provider: 'cpu', threads: 1 }).compile(serialize(g));
    const r = await run.run({ x: rng.normals(n * cin * h * w, 1), k: rng.normals(cout * cin * 9, 1), probe: rng.normals(n * cout * 4 * h * w, 1) });
    for (const name of ['y', 'dx', 'dk']) {
      const [a, b] = [r[`${name}0`], r[`${name}1`]];
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
      expect(worst, name).toBeLessThan(1e-4);
      expect(Math.max(...b.map(Math.abs)), name).toBeGreaterThan(0.5); // not vacuous
    }
  });
});
