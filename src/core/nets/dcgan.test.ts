import { describe, expect, it } from 'vitest';
import { Graph } from '../onnx/graph';
import { dcganDiscriminator, dcganGenerator, dcganSpec, initDcgan, resolutionOfArch } from './dcgan';

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
});
