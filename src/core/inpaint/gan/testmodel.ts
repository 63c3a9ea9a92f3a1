// A small random-weight DCGAN for the engine's tests (no trained model needed): 16×16, nz 16,
// narrow, with conv weights rescaled (He-like) so that G's output actually varies with z (DCGAN's
// N(0, 0.02) initialisation gives nearly constant images).
import { dcganSpec, type DcganSpec } from '../../nets/dcgan';
import { inferenceNets, initGanWeights } from '../../train/gan';
import { Rng } from '../../random';
import type { GanModel } from './engine';

export function smallGanModel(seed = 1, o: { resolution?: 16 | 32; nz?: number; width?: number; id?: string } = {}): GanModel {
  const spec: DcganSpec = dcganSpec({ resolution: o.resolution ?? 16, nz: o.nz ?? 16, ngf: o.width ?? 8, ndf: o.width ?? 8, nc: 3 });
  const weights = initGanWeights(spec, seed);
  const rng = new Rng(seed * 31 + 7);
  const { G, D } = inferenceNets(spec, 1);
  for (const [name, t] of [...G.params, ...D.params]) {
    if (t.shape.length !== 4) continue;
    // ConvTranspose weights are [in, out, k, k], Conv weights [out, in, k, k]
    const cin = name.startsWith('G.') ? t.shape[0] : t.shape[1];
    weights.set(name, rng.normals(t.size, Math.sqrt(1 / (cin * 4))));
  }
  return { id: o.id ?? `test-${seed}-${spec.resolution}`, spec, weights };
}
