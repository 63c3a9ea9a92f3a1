// The z-step graph for one model: per restart i,
//   loss_i = Σ |W ⊙ (G(z_i) − y)|  (or Σ (W ⊙ (G(z_i) − y))²)  +  λ · log(1 − D(G(z_i)))
// with log(1 − sigmoid(l)) = −softplus(l) (stable), and ∂(Σ_i loss_i)/∂z (restart i's gradient only
// depends on loss_i). λ is an input so one session serves every λ; with `withD: false` (λ = 0) D is
// not built at all. G and D run with running BN statistics; their weights are baked in as
// initializers (onnxruntime then folds BN and prepacks conv weights: ×1.7–2.3 per step, BENCHMARKS.md).
import { grad } from '../../onnx/autodiff';
import { Graph } from '../../onnx/graph';
import { abs, add, mul, neg, reduceSum, reshape, softplus, sub } from '../../onnx/ops';
import { serialize, type SerializedModel } from '../../onnx/serialize';
import { dcganDiscriminator, dcganGenerator, type DcganSpec } from '../../nets/dcgan';

export type ContextNorm = 'l1' | 'l2';

export interface ZGraphOptions {
  batch: number;
  norm: ContextNorm;
  withD: boolean;
}

export function buildGanZGraph(spec: DcganSpec, o: ZGraphOptions): Graph {
  const R = spec.resolution;
  const g = new Graph(`gan_zopt_${spec.arch}`);
  const z = g.input('z', [o.batch, spec.nz, 1, 1]);
  const y = g.input('y', [1, spec.nc, R, R]);
  const w = g.input('w', [1, 1, R, R]);
  const G = dcganGenerator(g, z, { ...spec, bn: 'running' });
  const r = mul(w, sub(G.out, y));
  let losses = reduceSum(o.norm === 'l1' ? abs(r) : mul(r, r), [1, 2, 3]); // [N]
  if (o.withD) {
    const lambda = g.input('lambda', [1]);
    const D = dcganDiscriminator(g, G.out, { ...spec, bn: 'running' });
    const perceptual = neg(softplus(reshape(D.out, [o.batch]))); // log(1 − D(G(z)))
    losses = add(losses, mul(perceptual, lambda));
  }
  const [dz] = grad(reduceSum(losses), [z]);
  g.output('losses', losses);
  g.output('dz', dz);
  g.output('image', G.out);
  return g;
}

/** The graph serialised with the model's weights baked in. */
export function serializeGanZGraph(spec: DcganSpec, weights: ReadonlyMap<string, Float32Array>, o: ZGraphOptions): SerializedModel {
  return serialize(buildGanZGraph(spec, o), { initializers: weights });
}
