/**
 * DCGAN (Radford et al.) generator and discriminator built with the graph builder, at a
 * configurable square resolution (16, 32, 64 or 128; 64 is the reference architecture) and width
 * (ngf/ndf). Parameter names follow the PyTorch DCGAN example's state dict (`main.<index>.weight`)
 * under a prefix (`G.` / `D.`), so 64×64 weights interoperate with PyTorch checkpoints.
 *
 * Layer layout for resolution R = 4·2^k (k = log2(R) − 2 up-/down-sampling stages):
 *   G: z [N,nz,1,1] → ConvT 4×4 to ngf·2^(k−1) @4×4 → k−1 × (ConvT s2 + BN + ReLU) → ConvT s2 to nc + tanh
 *   D: image → Conv s2 ndf + LeakyReLU(0.2) → k−1 × (Conv s2 + BN + LeakyReLU) → Conv 4×4 to 1 logit
 * Moved from src/core/onnx/examples/dcgan.ts and generalised to other resolutions (same names at 64).
 *
 * `upsample: 'resize'` (arch `dcganR-resize`) replaces G's stride-2 transposed convolutions by a
 * nearest 2× enlargement and a 3×3 convolution (Odena et al. 2016, "Deconvolution and Checkerboard
 * Artifacts"): a transposed 4×4 kernel with stride 2 overlaps unevenly, and a fifth of the 64-px
 * landscape model's samples show its checkerboard. Weights are [out, in, 3, 3] under the same names;
 * the layer is computed as the equivalent transposed convolution (`nearestDoubleThenConv3`).
 */
import type { Graph, Tensor } from '../onnx/graph';
import { batchNorm, conv, convTranspose, leakyRelu, matmul, relu, reshape, tanh, transpose } from '../onnx/ops';
import { Rng } from '../random';

export type DcganResolution = 16 | 32 | 64 | 128;
const DCGAN_RESOLUTIONS: readonly DcganResolution[] = [16, 32, 64, 128];

export interface DcganConfig {
  /** Latent size (default 100). */
  nz?: number;
  ngf?: number;
  ndf?: number;
  /** Image channels (default 3). */
  nc?: number;
  /** Output/input resolution (default 64). */
  resolution?: DcganResolution;
  /** How G doubles its resolution (default 'transposed'). */
  upsample?: DcganUpsample;
}

export type DcganUpsample = 'transposed' | 'resize';

/** A fully resolved configuration (what manifests and checkpoints record). */
export interface DcganSpec {
  arch: string;
  nz: number;
  ngf: number;
  ndf: number;
  nc: number;
  resolution: DcganResolution;
  /** Present only when 'resize' (older specs have no such field). */
  upsample?: 'resize';
}

export function dcganSpec(cfg: DcganConfig = {}): DcganSpec {
  const resolution = cfg.resolution ?? 64;
  if (!DCGAN_RESOLUTIONS.includes(resolution)) throw new Error(`DCGAN: unsupported resolution ${resolution} (use ${DCGAN_RESOLUTIONS.join(', ')})`);
  const spec = { nz: cfg.nz ?? 100, ngf: cfg.ngf ?? 64, ndf: cfg.ndf ?? 64, nc: cfg.nc ?? 3, resolution };
  for (const [k, v] of Object.entries(spec)) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`DCGAN: ${k} must be a positive integer (got ${v})`);
  }
  if (cfg.upsample !== undefined && cfg.upsample !== 'transposed' && cfg.upsample !== 'resize') throw new Error(`DCGAN: upsample must be 'transposed' or 'resize' (got ${String(cfg.upsample)})`);
  if (cfg.upsample === 'resize') return { arch: `dcgan${resolution}-resize`, ...spec, upsample: 'resize' };
  return { arch: `dcgan${resolution}`, ...spec };
}

/** 'dcgan64' → 64, 'dcgan128-resize' → 128; throws on an unknown architecture name. */
export function resolutionOfArch(arch: string): DcganResolution {
  const m = /^dcgan(\d+)(?:-resize)?$/.exec(arch);
  const r = m ? Number(m[1]) : NaN;
  if (!DCGAN_RESOLUTIONS.includes(r as DcganResolution)) {
    throw new Error(`unknown architecture '${arch}' (available: ${DCGAN_RESOLUTIONS.map((x) => `dcgan${x}`).join(', ')})`);
  }
  return r as DcganResolution;
}

/** 'dcgan128-resize' → 'resize', 'dcgan64' → 'transposed'. */
export function upsampleOfArch(arch: string): DcganUpsample {
  resolutionOfArch(arch);
  return arch.endsWith('-resize') ? 'resize' : 'transposed';
}

/** Number of stride-2 stages after the 4×4 projection. */
const dcganStages = (resolution: number): number => Math.log2(resolution) - 2;

/** Options for one network: widths, BN mode, parameter prefix, and an optional activation override. */
export interface DcganNetOptions extends DcganConfig {
  bn?: BnMode;
  prefix?: string;
  activation?: (x: Tensor) => Tensor;
  /** Reuse the parameters of an earlier call (e.g. D applied to real and to fake images). */
  shared?: NetOut;
}

/** 'batch': BN with batch statistics (training); 'running': BN with running mean/var inputs (inference). */
export type BnMode = 'batch' | 'running';

export interface BnStat {
  /** Parameter-name prefix of the BN layer, e.g. `G.main.1`. */
  name: string;
  mean: Tensor;
  variance: Tensor;
  /** Elements each statistic was reduced over (N·H·W), for the unbiased running variance. */
  count: number;
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
    const count = x.shape[0] * x.shape[2] * x.shape[3];
    c.res.batchStats.push({ name: `${c.prefix}${base}`, mean: r.batchMean as Tensor, variance: r.batchVar as Tensor, count });
    return r.y;
  }
  const mean = c.shared?.stats.get(`${c.prefix}${base}.running_mean`) ?? c.g.input(`${c.prefix}${base}.running_mean`, [ch]);
  const variance = c.shared?.stats.get(`${c.prefix}${base}.running_var`) ?? c.g.input(`${c.prefix}${base}.running_var`, [ch]);
  c.res.stats.set(mean.name, mean);
  c.res.stats.set(variance.name, variance);
  return batchNorm(x, scale, bias, mean, variance).y;
}

/**
 * Per axis, which of a 3×3 kernel's taps land on each tap of the equivalent 4×4 stride-2 transposed
 * kernel. Nearest 2× enlargement then a 3×3 convolution (padding 1) sees two input pixels per
 * output phase: even outputs weigh x[i−1] by w0 and x[i] by w1 + w2, odd outputs x[i] by w0 + w1 and
 * x[i+1] by w2. ConvTranspose(4, stride 2, padding 1) computes exactly that with K = [w2, w1 + w2,
 * w0 + w1, w0].
 */
const TAP_SUMS = [[0, 0, 1], [0, 1, 1], [1, 1, 0], [1, 0, 0]];

/**
 * Nearest 2× then a 3×3 convolution (w [out, in, 3, 3]), computed as the equivalent transposed
 * convolution: 4 multiply-adds per output pixel and channel pair instead of 9, and no enlarged
 * intermediate map, so the resize generator trains and runs at the transposed one's cost.
 */
export function nearestDoubleThenConv3(x: Tensor, w: Tensor): Tensor {
  const [cout, cin] = w.shape;
  const sums: number[] = []; // [9, 16]: kernel tap (s, t) → transposed tap (p, q)
  for (let s = 0; s < 3; s++) for (let t = 0; t < 3; t++) for (let p = 0; p < 4; p++) for (let q = 0; q < 4; q++) sums.push(TAP_SUMS[p][s] * TAP_SUMS[q][t]);
  const k4 = matmul(reshape(w, [cout * cin, 9]), x.graph.constant(sums, [9, 16]));
  return convTranspose(x, transpose(reshape(k4, [cout, cin, 4, 4]), [1, 0, 2, 3]), null, { stride: 2, padding: 1 });
}

const emptyOut = (): NetOut => ({ out: null as unknown as Tensor, params: new Map(), stats: new Map(), batchStats: [] });

/** G: z [N, nz, 1, 1] -> image [N, nc, R, R] in [-1, 1]. */
export function dcganGenerator(g: Graph, z: Tensor, opts: DcganNetOptions = {}): NetOut {
  const spec = dcganSpec({ ...opts, nz: z.shape[1] });
  const { bn = 'batch', prefix = 'G.' } = opts;
  const activation = opts.activation ?? relu;
  const c: Ctx = { g, prefix, bn, res: emptyOut(), shared: opts.shared };
  const k = dcganStages(spec.resolution);
  const chans = [spec.nz];
  for (let i = k - 1; i >= 0; i--) chans.push(spec.ngf * 2 ** i);
  let x = z;
  // doubles the resolution: a transposed 4×4 stride-2 convolution, or nearest 2× then a 3×3 convolution
  const up = (t: Tensor, index: number, cin: number, cout: number): Tensor =>
    spec.upsample === 'resize'
      ? nearestDoubleThenConv3(t, paramOf(c, `main.${index}.weight`, [cout, cin, 3, 3]))
      : convTranspose(t, paramOf(c, `main.${index}.weight`, [cin, cout, 4, 4]), null, { stride: 2, padding: 1 });
  for (let i = 0; i < k; i++) {
    x = i === 0 ? convTranspose(x, paramOf(c, 'main.0.weight', [chans[0], chans[1], 4, 4])) : up(x, 3 * i, chans[i], chans[i + 1]);
    x = activation(bnLayer(c, x, 3 * i + 1));
  }
  c.res.out = tanh(up(x, 3 * k, spec.ngf, spec.nc));
  return c.res;
}

/** D: image [N, nc, R, R] -> logits [N, 1, 1, 1] (apply `sigmoid` for probabilities). */
export function dcganDiscriminator(g: Graph, img: Tensor, opts: DcganNetOptions = {}): NetOut {
  const spec = dcganSpec({ ...opts, nc: img.shape[1], resolution: img.shape[2] as DcganResolution });
  if (img.shape[2] !== img.shape[3]) throw new Error(`DCGAN discriminator: square images only (got ${img.shape.join('x')})`);
  const { bn = 'batch', prefix = 'D.' } = opts;
  const activation = opts.activation ?? ((t: Tensor): Tensor => leakyRelu(t, 0.2));
  const c: Ctx = { g, prefix, bn, res: emptyOut(), shared: opts.shared };
  const k = dcganStages(spec.resolution);
  const chans = [spec.nc];
  for (let i = 0; i < k; i++) chans.push(spec.ndf * 2 ** i);
  let x = img;
  for (let i = 0; i < k; i++) {
    const idx = i === 0 ? 0 : 3 * i - 1;
    const w = paramOf(c, `main.${idx}.weight`, [chans[i + 1], chans[i], 4, 4]);
    x = conv(x, w, null, { stride: 2, padding: 1 });
    if (i > 0) x = bnLayer(c, x, idx + 1);
    x = activation(x);
  }
  const w = paramOf(c, `main.${3 * k - 1}.weight`, [1, chans[k], 4, 4]);
  c.res.out = conv(x, w);
  return c.res;
}

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
