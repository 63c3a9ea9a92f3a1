/**
 * DCGAN training on onnxruntime: a D-update graph and a G-update graph (weights are inputs, so no
 * session is rebuilt after an optimiser step), Adam in TypeScript, BN running statistics updated
 * from the batch statistics the graphs output (momentum 0.1, unbiased variance, as PyTorch).
 *
 * Losses on logits l:  D: BCE(l_real, 1 − smoothing) + BCE(l_fake, 0);  G (non-saturating): BCE(l_fake, 1),
 * with BCE(l, t) = t·softplus(−l) + (1 − t)·softplus(l).
 */
import { grad } from '../onnx/autodiff';
import { Graph, type Tensor } from '../onnx/graph';
import { add, mul, neg, reduceMean, sigmoid, softplus } from '../onnx/ops';
import { Adam } from '../onnx/optim';
import type { CompiledGraph, Runtime } from '../onnx/runtime';
import { serialize } from '../onnx/serialize';
import { dcganDiscriminator, dcganGenerator, initDcgan, type BnStat, type DcganSpec, type NetOut } from '../nets/dcgan';
import { Rng } from '../random';

export interface GanHyper {
  batch: number;
  lrD: number;
  lrG: number;
  beta1D: number;
  beta1G: number;
  beta2: number;
  /** D updates per training step (each on a fresh real batch and fresh latents). */
  dSteps: number;
  /** G updates per training step. */
  gSteps: number;
  /** One-sided label smoothing: real target 1 − labelSmoothing for D (0 = off; 0.1 is common). */
  labelSmoothing: number;
  bnMomentum: number;
  seed: number;
}

/** Radford et al.: Adam 2e-4, β1 0.5, one D step per G step. */
export const DEFAULT_HYPER: GanHyper = {
  batch: 64, lrD: 2e-4, lrG: 2e-4, beta1D: 0.5, beta1G: 0.5, beta2: 0.999,
  dSteps: 1, gSteps: 1, labelSmoothing: 0, bnMomentum: 0.1, seed: 1,
};

export function checkHyper(h: GanHyper): void {
  const pos = ['batch', 'lrD', 'lrG', 'dSteps', 'gSteps'] as const;
  for (const k of pos) if (!(h[k] > 0) || !Number.isFinite(h[k])) throw new Error(`training: ${k} must be positive (got ${h[k]})`);
  for (const k of ['batch', 'dSteps', 'gSteps', 'seed'] as const) if (!Number.isInteger(h[k])) throw new Error(`training: ${k} must be an integer (got ${h[k]})`);
  for (const k of ['beta1D', 'beta1G', 'beta2'] as const) if (!(h[k] >= 0 && h[k] < 1)) throw new Error(`training: ${k} must be in [0, 1) (got ${h[k]})`);
  if (!(h.labelSmoothing >= 0 && h.labelSmoothing < 0.5)) throw new Error(`training: labelSmoothing must be in [0, 0.5) (got ${h.labelSmoothing})`);
}

const bce = (logits: Tensor, target: number): Tensor => {
  if (target === 1) return softplus(neg(logits));
  if (target === 0) return softplus(logits);
  return add(mul(softplus(neg(logits)), target), mul(softplus(logits), 1 - target));
};

export interface GanGraphs {
  dStep: Graph;
  gStep: Graph;
  sample: Graph;
  gParams: string[];
  dParams: string[];
  dStats: { stat: BnStat; out: string }[];
  gStats: { stat: BnStat; out: string }[];
}

function emitStats(g: Graph, stats: BnStat[], tag: string): { stat: BnStat; out: string }[] {
  return stats.map((stat, i) => {
    g.output(`stat:${tag}${i}:mean`, stat.mean);
    g.output(`stat:${tag}${i}:var`, stat.variance);
    return { stat, out: `stat:${tag}${i}` };
  });
}

function emitGrads(g: Graph, loss: Tensor, params: Map<string, Tensor>): void {
  const ps = [...params.values()];
  grad(loss, ps).forEach((t, i) => g.output(`grad:${ps[i].name}`, t));
}

function buildGanGraphs(spec: DcganSpec, batch: number, labelSmoothing: number, sampleCount: number): GanGraphs {
  const { nz, nc, resolution: R } = spec;
  const dStep = new Graph('dcgan_d_step');
  const real = dStep.input('real', [batch, nc, R, R]);
  const zd = dStep.input('z', [batch, nz, 1, 1]);
  const Gd = dcganGenerator(dStep, zd, spec);
  const Dreal = dcganDiscriminator(dStep, real, spec);
  const Dfake = dcganDiscriminator(dStep, Gd.out, { ...spec, shared: Dreal });
  const lossD = add(reduceMean(bce(Dreal.out, 1 - labelSmoothing)), reduceMean(bce(Dfake.out, 0)));
  dStep.output('lossD', lossD);
  dStep.output('dReal', reduceMean(sigmoid(Dreal.out)));
  dStep.output('dFake', reduceMean(sigmoid(Dfake.out)));
  emitGrads(dStep, lossD, Dreal.params);
  const dStats = [...emitStats(dStep, Dreal.batchStats, 'real'), ...emitStats(dStep, Dfake.batchStats, 'fake')];

  const gStep = new Graph('dcgan_g_step');
  const zg = gStep.input('z', [batch, nz, 1, 1]);
  const G = dcganGenerator(gStep, zg, spec);
  const D = dcganDiscriminator(gStep, G.out, spec);
  const lossG = reduceMean(bce(D.out, 1));
  gStep.output('lossG', lossG);
  emitGrads(gStep, lossG, G.params);
  const gStats = emitStats(gStep, G.batchStats, 'g');

  const sample = new Graph('dcgan_sample');
  const zs = sample.input('z', [sampleCount, nz, 1, 1]);
  // Sample grids use training-mode BN over the fixed latents (as the PyTorch DCGAN example does):
  // the exponential running averages lag behind G during training; exported models get recalibrated
  // running statistics (recalibrateGeneratorBn) that reproduce this rendering in inference mode.
  sample.output('image', dcganGenerator(sample, zs, spec).out);
  return { dStep, gStep, sample, gParams: [...G.params.keys()], dParams: [...Dreal.params.keys()], dStats, gStats };
}

/** Fresh DCGAN weights (params and running statistics) for G and D. */
export function initGanWeights(spec: DcganSpec, seed: number): Map<string, Float32Array> {
  const { G, D } = inferenceNets(spec, 1);
  return new Map([...initDcgan(G, seed * 2 + 1), ...initDcgan(D, seed * 2 + 2)]);
}

/** G and D in running-BN (inference) mode, G: z → image, D: image → logits, in one graph. */
export function inferenceNets(spec: DcganSpec, batch: number): { graph: Graph; G: NetOut; D: NetOut } {
  const graph = new Graph('dcgan_inference');
  const z = graph.input('z', [batch, spec.nz, 1, 1]);
  const G = dcganGenerator(graph, z, { ...spec, bn: 'running' });
  const D = dcganDiscriminator(graph, G.out, { ...spec, bn: 'running' });
  return { graph, G, D };
}

/** Names of every tensor a DCGAN weight set holds. */
function ganWeightNames(spec: DcganSpec): string[] {
  const { G, D } = inferenceNets(spec, 1);
  return [...G.params.keys(), ...G.stats.keys(), ...D.params.keys(), ...D.stats.keys()];
}

export interface DStepResult {
  lossD: number;
  dReal: number;
  dFake: number;
}

export interface AdamMoments {
  t: number;
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

export class GanTrainer {
  readonly optG: Adam;
  readonly optD: Adam;

  private constructor(
    readonly spec: DcganSpec,
    readonly hyper: GanHyper,
    readonly graphs: GanGraphs,
    readonly weights: Map<string, Float32Array>,
    private readonly dRun: CompiledGraph,
    private readonly gRun: CompiledGraph,
    private readonly sRun: CompiledGraph,
    readonly sampleCount: number,
  ) {
    const pick = (names: string[]): Map<string, Float32Array> => new Map(names.map((n) => [n, weights.get(n) as Float32Array]));
    this.optG = new Adam(pick(graphs.gParams), { lr: hyper.lrG, beta1: hyper.beta1G, beta2: hyper.beta2 });
    this.optD = new Adam(pick(graphs.dParams), { lr: hyper.lrD, beta1: hyper.beta1D, beta2: hyper.beta2 });
  }

  /** `weights` (every G/D param and running statistic) is used and updated in place. */
  static async create(rt: Runtime, spec: DcganSpec, hyper: GanHyper, weights: Map<string, Float32Array>, sampleCount = 64): Promise<GanTrainer> {
    checkHyper(hyper);
    const graphs = buildGanGraphs(spec, hyper.batch, hyper.labelSmoothing, sampleCount);
    const need = ganWeightNames(spec);
    const missing = need.filter((n) => !weights.has(n));
    if (missing.length) throw new Error(`training: weights lack ${missing.length} tensor(s) of ${spec.arch} ngf=${spec.ngf} ndf=${spec.ndf} (first: ${missing[0]}); wrong architecture or widths?`);
    const { G, D } = inferenceNets(spec, 1);
    for (const [n, t] of [...G.params, ...G.stats, ...D.params, ...D.stats]) {
      const w = weights.get(n) as Float32Array;
      if (w.length !== t.size) throw new Error(`training: weight ${n} has ${w.length} values, ${spec.arch} ngf=${spec.ngf} ndf=${spec.ndf} needs ${t.size}`);
    }
    const [d, g, s] = await Promise.all([rt.compile(serialize(graphs.dStep)), rt.compile(serialize(graphs.gStep)), rt.compile(serialize(graphs.sample))]);
    return new GanTrainer(spec, hyper, graphs, weights, d, g, s, sampleCount);
  }

  private feeds(extra: Record<string, Float32Array>): Record<string, Float32Array> {
    const f: Record<string, Float32Array> = { ...extra };
    for (const [k, v] of this.weights) f[k] = v;
    return f;
  }

  private updateStats(out: Record<string, Float32Array>, stats: { stat: BnStat; out: string }[]): void {
    const mom = this.hyper.bnMomentum;
    for (const { stat, out: key } of stats) {
      const bm = out[`${key}:mean`], bv = out[`${key}:var`];
      const rm = this.weights.get(`${stat.name}.running_mean`), rv = this.weights.get(`${stat.name}.running_var`);
      if (!rm || !rv) continue;
      const n = stat.count;
      const unbias = n / Math.max(n - 1, 1);
      for (let c = 0; c < rm.length; c++) {
        rm[c] = (1 - mom) * rm[c] + mom * bm[c];
        rv[c] = (1 - mom) * rv[c] + mom * bv[c] * unbias;
      }
    }
  }

  async dUpdate(real: Float32Array, z: Float32Array): Promise<DStepResult> {
    const out = await this.dRun.run(this.feeds({ real, z }));
    this.optD.step(new Map(this.graphs.dParams.map((n) => [n, out[`grad:${n}`]])));
    this.updateStats(out, this.graphs.dStats);
    return { lossD: out.lossD[0], dReal: out.dReal[0], dFake: out.dFake[0] };
  }

  async gUpdate(z: Float32Array): Promise<number> {
    const out = await this.gRun.run(this.feeds({ z }));
    this.optG.step(new Map(this.graphs.gParams.map((n) => [n, out[`grad:${n}`]])));
    this.updateStats(out, this.graphs.gStats);
    return out.lossG[0];
  }

  /** G with batch-statistics BN on the `sampleCount` fixed latents → NCHW in [-1, 1] (sample grids). */
  async generate(z: Float32Array): Promise<Float32Array> {
    return (await this.sRun.run(this.feeds({ z }), ['image'])).image;
  }

  moments(): { G: AdamMoments; D: AdamMoments } {
    return { G: this.optG.state, D: this.optD.state };
  }

  setMoments(G: AdamMoments, D: AdamMoments): void {
    for (const [opt, s, tag] of [[this.optG, G, 'G'], [this.optD, D, 'D']] as const) {
      for (const [k, p] of opt.params) {
        const m = s.m.get(k), v = s.v.get(k);
        if (!m || !v || m.length !== p.length || v.length !== p.length) throw new Error(`checkpoint: optimiser ${tag} has no matching moments for ${k}`);
        (opt.state.m.get(k) as Float32Array).set(m);
        (opt.state.v.get(k) as Float32Array).set(v);
      }
      opt.state.t = s.t;
    }
  }
}

/** Generate images with G in inference mode (running BN statistics): z [n·nz] → NCHW [-1, 1]. */
export async function generateImages(rt: Runtime, spec: DcganSpec, weights: ReadonlyMap<string, Float32Array>, z: Float32Array): Promise<Float32Array> {
  const n = z.length / spec.nz;
  if (!Number.isInteger(n) || n < 1) throw new Error(`generate: ${z.length} latent values is not a multiple of nz=${spec.nz}`);
  const g = new Graph('dcgan_generate');
  g.output('image', dcganGenerator(g, g.input('z', [n, spec.nz, 1, 1]), { ...spec, bn: 'running' }).out);
  const run = await rt.compile(serialize(g));
  const feeds: Record<string, Float32Array> = { z };
  for (const [k, v] of weights) if (k.startsWith('G.')) feeds[k] = v as Float32Array;
  return (await run.run(feeds, ['image'])).image;
}

/**
 * "Precise BN" for the generator: replaces G's BN running statistics by the average batch
 * statistics of `batches` forward passes on random latents (batch `batch`, as in training). The
 * exponential running averages lag behind the weights during GAN training, and G in inference mode
 * (what z-optimisation and the shipped ONNX generator use) then renders visibly worse than in
 * training mode; recalibrated statistics make the two agree. Returns a new weight map.
 */
export async function recalibrateGeneratorBn(rt: Runtime, spec: DcganSpec, weights: ReadonlyMap<string, Float32Array>, opts: { batches?: number; batch?: number; seed?: number } = {}): Promise<Map<string, Float32Array>> {
  const batches = opts.batches ?? 32;
  const batch = opts.batch ?? 64;
  const g = new Graph('dcgan_bn_recalibration');
  const G = dcganGenerator(g, g.input('z', [batch, spec.nz, 1, 1]), spec);
  G.batchStats.forEach((s, i) => {
    g.output(`m${i}`, s.mean);
    g.output(`v${i}`, s.variance);
  });
  const run = await rt.compile(serialize(g));
  const sums = G.batchStats.map((s) => ({ m: new Float64Array(s.mean.size), v: new Float64Array(s.variance.size), unbias: s.count / Math.max(1, s.count - 1) }));
  const rng = new Rng(opts.seed ?? 12345);
  const feeds: Record<string, Float32Array> = {};
  for (const [k, v] of weights) if (k.startsWith('G.') && !k.includes('running_')) feeds[k] = v as Float32Array;
  for (let b = 0; b < batches; b++) {
    const out = await run.run({ ...feeds, z: rng.normals(batch * spec.nz) });
    sums.forEach((s, i) => {
      const m = out[`m${i}`], v = out[`v${i}`];
      for (let c = 0; c < m.length; c++) {
        s.m[c] += m[c] / batches;
        s.v[c] += (v[c] * s.unbias) / batches;
      }
    });
  }
  const res = new Map([...weights].map(([k, v]) => [k, Float32Array.from(v)]));
  G.batchStats.forEach((s, i) => {
    res.set(`${s.name}.running_mean`, Float32Array.from(sums[i].m));
    res.set(`${s.name}.running_var`, Float32Array.from(sums[i].v));
  });
  return res;
}
