/**
 * Graphs for semantic inpainting by latent optimisation (Yeh et al.) on a DCGAN:
 *   per latent i: loss_i = sum |W ⊙ (G(z_i) − y)| + λ · log(1 − D(G(z_i)))
 * with log(1 − sigmoid(l)) = −softplus(l). Returns the summed loss, per-latent losses and ∂loss/∂z.
 * G and D use running BN statistics (inference mode); weights are graph inputs.
 */
import { grad } from '../autodiff';
import { Graph, type Tensor } from '../graph';
import { abs, mul, neg, reduceSum, reshape, softplus, sub, add } from '../ops';
import { dcganDiscriminator, dcganGenerator, type DcganConfig, type NetOut } from './dcgan';

export interface ZStepGraph {
  graph: Graph;
  z: Tensor;
  G: NetOut;
  D: NetOut;
  /** Output names: 'loss' (scalar), 'losses' [N], 'dz' [N, nz, 1, 1], 'image' [N, nc, 64, 64], 'logits' [N, 1, 1, 1]. */
  outputs: readonly string[];
}

export interface ZStepOptions extends DcganConfig {
  /** Weight of the perceptual term (default 0.003). */
  lambda?: number;
  /** Activation overrides (tests only; default ReLU in G, LeakyReLU(0.2) in D). */
  gActivation?: (x: Tensor) => Tensor;
  dActivation?: (x: Tensor) => Tensor;
}

export function buildZStepGraph(batch: number, opts: ZStepOptions = {}): ZStepGraph {
  const { lambda = 0.003, gActivation, dActivation, ...cfg } = opts;
  const { nz = 100, nc = 3 } = cfg;
  const graph = new Graph('dcgan_zstep');
  const z = graph.input('z', [batch, nz, 1, 1]);
  const y = graph.input('y', [1, nc, 64, 64]);
  const w = graph.input('w', [1, 1, 64, 64]);
  const G = dcganGenerator(graph, z, { ...cfg, bn: 'running', activation: gActivation });
  const D = dcganDiscriminator(graph, G.out, { ...cfg, bn: 'running', activation: dActivation });
  const contextual = reduceSum(abs(mul(w, sub(G.out, y))), [1, 2, 3]); // [N]
  const perceptual = neg(softplus(reshape(D.out, [batch]))); // log(1 - D(G(z)))
  const losses = add(contextual, mul(perceptual, lambda));
  const loss = reduceSum(losses);
  const [dz] = grad(loss, [z]);
  graph.output('loss', loss);
  graph.output('losses', losses);
  graph.output('dz', dz);
  graph.output('image', G.out);
  graph.output('logits', D.out);
  return { graph, z, G, D, outputs: ['loss', 'losses', 'dz'] };
}
