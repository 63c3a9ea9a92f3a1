/**
 * One DCGAN training step (Radford et al. recipe) on onnxruntime: a D-update graph and a G-update
 * graph, weights fed as inputs, Adam in TypeScript, BN running statistics updated from the batch
 * statistics the graphs output (momentum 0.1, unbiased variance, as PyTorch).
 * Losses use logits: D: softplus(-D(x)) + softplus(D(G(z))); G (non-saturating): softplus(-D(G(z))).
 */
import { grad } from '../autodiff';
import { Graph, type Tensor } from '../graph';
import { add, reduceMean, softplus, neg } from '../ops';
import { Adam, type AdamOptions } from '../optim';
import { type CompiledGraph, type Runtime } from '../runtime';
import { serialize } from '../serialize';
import { dcganDiscriminator, dcganGenerator, type BnStat, type DcganConfig } from './dcgan';

export interface DcganTrainGraphs {
  dStep: Graph;
  gStep: Graph;
  gParams: string[];
  dParams: string[];
  /** Running-statistics names (`<layer>.running_mean|var`) and the batch-stat outputs that update them, per graph. */
  dStats: BnStat[];
  gStats: BnStat[];
}

function outputGrads(g: Graph, loss: Tensor, params: Map<string, Tensor>): void {
  const ps = [...params.values()];
  grad(loss, ps).forEach((t, i) => g.output(`grad:${ps[i].name}`, t));
}
function outputStats(g: Graph, stats: BnStat[], tag: string): void {
  stats.forEach((s, i) => {
    g.output(`stat:${tag}${i}:mean`, s.mean);
    g.output(`stat:${tag}${i}:var`, s.variance);
  });
}

export function buildDcganTrainGraphs(batch: number, cfg: DcganConfig = {}): DcganTrainGraphs {
  const { nz = 100, nc = 3 } = cfg;
  // D step: gradients of the D loss w.r.t. D's weights only (G runs forward, nothing flows into it).
  const dStep = new Graph('dcgan_d_step');
  const real = dStep.input('real', [batch, nc, 64, 64]);
  const zd = dStep.input('z', [batch, nz, 1, 1]);
  const Gd = dcganGenerator(dStep, zd, cfg);
  const Dreal = dcganDiscriminator(dStep, real, cfg);
  const Dfake = dcganDiscriminator(dStep, Gd.out, { ...cfg, shared: Dreal });
  const lossD = add(reduceMean(softplus(neg(Dreal.out))), reduceMean(softplus(Dfake.out)));
  dStep.output('lossD', lossD);
  outputGrads(dStep, lossD, Dreal.params);
  outputStats(dStep, Dreal.batchStats, 'real');
  outputStats(dStep, Dfake.batchStats, 'fake');

  // G step: gradients of the non-saturating G loss w.r.t. G's weights (through D, without D's weight gradients).
  const gStep = new Graph('dcgan_g_step');
  const zg = gStep.input('z', [batch, nz, 1, 1]);
  const G = dcganGenerator(gStep, zg, cfg);
  const D = dcganDiscriminator(gStep, G.out, cfg);
  const lossG = reduceMean(softplus(neg(D.out)));
  gStep.output('lossG', lossG);
  outputGrads(gStep, lossG, G.params);
  outputStats(gStep, G.batchStats, 'g');
  return {
    dStep, gStep,
    gParams: [...G.params.keys()],
    dParams: [...Dreal.params.keys()],
    dStats: [...Dreal.batchStats, ...Dfake.batchStats],
    gStats: G.batchStats,
  };
}

export interface TrainerOptions {
  adamG?: AdamOptions;
  adamD?: AdamOptions;
  bnMomentum?: number;
}

export interface StepResult {
  lossD: number;
  lossG: number;
}

/** Holds weights (params + running stats) and two compiled step graphs. */
export class DcganTrainer {
  readonly optG: Adam;
  readonly optD: Adam;
  private constructor(
    readonly graphs: DcganTrainGraphs,
    readonly weights: Map<string, Float32Array>,
    private readonly dRun: CompiledGraph,
    private readonly gRun: CompiledGraph,
    private readonly batch: number,
    private readonly opts: TrainerOptions,
  ) {
    const pick = (names: string[]): Map<string, Float32Array> => new Map(names.map((n) => [n, weights.get(n) as Float32Array]));
    this.optG = new Adam(pick(graphs.gParams), { lr: 2e-4, beta1: 0.5, ...opts.adamG });
    this.optD = new Adam(pick(graphs.dParams), { lr: 2e-4, beta1: 0.5, ...opts.adamD });
  }

  /** `weights` must hold every G/D parameter and running statistic (see `initDcgan`); it is updated in place. */
  static async create(rt: Runtime, batch: number, cfg: DcganConfig, weights: Map<string, Float32Array>, opts: TrainerOptions = {}): Promise<DcganTrainer> {
    const graphs = buildDcganTrainGraphs(batch, cfg);
    for (const n of [...graphs.gParams, ...graphs.dParams]) if (!weights.has(n)) throw new Error(`DcganTrainer: missing weight '${n}'`);
    const [d, g] = await Promise.all([rt.compile(serialize(graphs.dStep)), rt.compile(serialize(graphs.gStep))]);
    return new DcganTrainer(graphs, weights, d, g, batch, opts);
  }

  private updateStats(out: Record<string, Float32Array>, stats: BnStat[], tags: string[]): void {
    const mom = this.opts.bnMomentum ?? 0.1;
    const per = stats.length / tags.length;
    stats.forEach((s, i) => {
      const tag = `${tags[Math.floor(i / per)]}${i % per}`;
      const bm = out[`stat:${tag}:mean`], bv = out[`stat:${tag}:var`];
      const rm = this.weights.get(`${s.name}.running_mean`), rv = this.weights.get(`${s.name}.running_var`);
      if (!rm || !rv) return;
      const n = this.batchElems(s);
      for (let c = 0; c < rm.length; c++) {
        rm[c] = (1 - mom) * rm[c] + mom * bm[c];
        rv[c] = (1 - mom) * rv[c] + mom * bv[c] * (n / Math.max(n - 1, 1));
      }
    });
  }

  private batchElems(s: BnStat): number {
    // mean was reduced over N, H, W of the BN input; recover that count from the producing graph.
    const x = s.mean.producer?.inputs[0];
    const src = x?.producer?.inputs[0];
    if (!src) return this.batch;
    return src.shape[0] * (src.shape[2] ?? 1) * (src.shape[3] ?? 1);
  }

  /** One D update then one G update (same z for both, as in the DCGAN reference loop). */
  async step(real: Float32Array, z: Float32Array): Promise<StepResult> {
    const feeds: Record<string, Float32Array> = { real, z };
    for (const [k, v] of this.weights) feeds[k] = v;
    const dOut = await this.dRun.run(feeds);
    this.optD.step(new Map(this.graphs.dParams.map((n) => [n, dOut[`grad:${n}`]])));
    this.updateStats(dOut, this.graphs.dStats, ['real', 'fake']);
    const gOut = await this.gRun.run(feeds);
    this.optG.step(new Map(this.graphs.gParams.map((n) => [n, gOut[`grad:${n}`]])));
    this.updateStats(gOut, this.graphs.gStats, ['g']);
    return { lossD: dOut.lossD[0], lossG: gOut.lossG[0] };
  }
}

