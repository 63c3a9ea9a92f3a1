/**
 * Minimal DCGAN (Radford et al.) generator and discriminator built with the graph builder, used by
 * the autodiff tests and the benchmark. Parameter names follow the PyTorch DCGAN example's
 * state dict (`main.<index>.weight`, ...) under a prefix (`G.` / `D.`), so weights interoperate.
 *
 * Self-contained on purpose (imports only ../graph, ../ops and ../testing/random) so it can be
 * moved to src/core/nets/ unchanged apart from import paths.
 */
import type { Graph, Tensor } from '../graph';
import { batchNorm, conv, convTranspose, leakyRelu, relu, sigmoid, tanh } from '../ops';
import { Rng } from '../testing/random';

export interface DcganConfig {
  /** Latent size (default 100). */
  nz?: number;
  ngf?: number;
  ndf?: number;
  /** Image channels (default 3). */
  nc?: number;
}

/** Options for one network: widths, BN mode, parameter prefix, and an optional activation override
 * (tests use a smooth one so finite differences do not straddle ReLU kinks). */
export interface DcganNetOptions extends DcganConfig {
  bn?: BnMode;
  prefix?: string;
  activation?: (x: Tensor) => Tensor;
  /** Reuse the parameters of an earlier call (e.g. D applied to real and to fake images). */
  shared?: NetOut;
}

/** 'batch': BN with batch statistics (training); 'running': BN with running mean/var inputs (inference, z-optimisation). */
export type BnMode = 'batch' | 'running';

export interface BnStat {
  /** Parameter-name prefix of the BN layer, e.g. `G.main.1`. */
  name: string;
  mean: Tensor;
  variance: Tensor;
}

export interface NetOut {
  out: Tensor;
  /** Trainable parameters, by name. */
  params: Map<string, Tensor>;
  /** Running-statistics inputs (mode 'running'), by name. */
  stats: Map<string, Tensor>;
  /** Batch statistics (mode 'batch'), for running-average updates. */
  batchStats: BnStat[];
}

interface Ctx {
  g: Graph;
  prefix: string;
  bn: BnMode;
  res: NetOut;
  shared?: NetOut;
}

function paramOf(c: Ctx, name: string, shape: number[]): Tensor {
  const full = `${c.prefix}${name}`;
  const t = c.shared?.params.get(full) ?? c.g.param(full, shape);
  c.res.params.set(full, t);
  return t;
}

function bnLayer(c: Ctx, x: Tensor, index: number): Tensor {
  const ch = x.shape[1];
  const base = `main.${index}`;
  const scale = paramOf(c, `${base}.weight`, [ch]);
  const bias = paramOf(c, `${base}.bias`, [ch]);
  if (c.bn === 'batch') {
    const r = batchNorm(x, scale, bias, null, null, { training: true });
    c.res.batchStats.push({ name: `${c.prefix}${base}`, mean: r.batchMean as Tensor, variance: r.batchVar as Tensor });
    return r.y;
  }
  const mean = c.shared?.stats.get(`${c.prefix}${base}.running_mean`) ?? c.g.input(`${c.prefix}${base}.running_mean`, [ch]);
  const variance = c.shared?.stats.get(`${c.prefix}${base}.running_var`) ?? c.g.input(`${c.prefix}${base}.running_var`, [ch]);
  c.res.stats.set(mean.name, mean);
  c.res.stats.set(variance.name, variance);
  return batchNorm(x, scale, bias, mean, variance).y;
}

const emptyOut = (out: Tensor | null = null): NetOut => ({ out: out as Tensor, params: new Map(), stats: new Map(), batchStats: [] });

/** G: z [N, nz, 1, 1] -> image [N, nc, 64, 64] in [-1, 1]. */
export function dcganGenerator(g: Graph, z: Tensor, opts: DcganNetOptions = {}): NetOut {
  const { ngf = 64, nc = 3, bn = 'batch', prefix = 'G.' } = opts;
  const activation = opts.activation ?? relu;
  const c: Ctx = { g, prefix, bn, res: emptyOut(), shared: opts.shared };
  const chans = [z.shape[1], ngf * 8, ngf * 4, ngf * 2, ngf];
  let x = z;
  for (let i = 0; i < 4; i++) {
    const w = paramOf(c, `main.${3 * i}.weight`, [chans[i], chans[i + 1], 4, 4]);
    x = i === 0 ? convTranspose(x, w) : convTranspose(x, w, null, { stride: 2, padding: 1 });
    x = activation(bnLayer(c, x, 3 * i + 1));
  }
  const w = paramOf(c, 'main.12.weight', [ngf, nc, 4, 4]);
  c.res.out = tanh(convTranspose(x, w, null, { stride: 2, padding: 1 }));
  return c.res;
}

/** D: image [N, nc, 64, 64] -> logits [N, 1, 1, 1] (apply `sigmoid` for probabilities). */
export function dcganDiscriminator(g: Graph, img: Tensor, opts: DcganNetOptions = {}): NetOut {
  const { ndf = 64, bn = 'batch', prefix = 'D.' } = opts;
  const activation = opts.activation ?? ((t: Tensor): Tensor => leakyRelu(t, 0.2));
  const c: Ctx = { g, prefix, bn, res: emptyOut(), shared: opts.shared };
  const chans = [img.shape[1], ndf, ndf * 2, ndf * 4, ndf * 8];
  let x = img;
  for (let i = 0; i < 4; i++) {
    const idx = i === 0 ? 0 : 3 * i - 1;
    const w = paramOf(c, `main.${idx}.weight`, [chans[i + 1], chans[i], 4, 4]);
    x = conv(x, w, null, { stride: 2, padding: 1 });
    if (i > 0) x = bnLayer(c, x, idx + 1);
    x = activation(x);
  }
  const w = paramOf(c, 'main.11.weight', [1, ndf * 8, 4, 4]);
  c.res.out = conv(x, w);
  return c.res;
}

export const dcganProbability = sigmoid;

/** DCGAN initialisation: conv weights N(0, 0.02), BN weight N(1, 0.02), BN bias 0, running stats (0, 1). */
export function initDcgan(net: NetOut, seed = 1): Map<string, Float32Array> {
  const rng = new Rng(seed);
  const out = new Map<string, Float32Array>();
  for (const [name, t] of [...net.params, ...net.stats]) {
    let v: Float32Array;
    if (name.endsWith('running_var')) v = new Float32Array(t.size).fill(1);
    else if (name.endsWith('running_mean') || name.endsWith('.bias')) v = new Float32Array(t.size);
    else if (t.shape.length === 1) v = Float32Array.from(rng.normals(t.size, 0.02), (a) => a + 1);
    else v = rng.normals(t.size, 0.02);
    out.set(name, v);
  }
  return out;
}
