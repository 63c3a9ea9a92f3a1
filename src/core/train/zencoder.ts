/**
 * Trainer for a DCGAN's z-encoder (issue 17; net in nets/zencoder.ts). One ONNX graph per step:
 *   x      = [G(z_s) for the synthetic part | real windows]          (G frozen: running BN, weights baked)
 *   ẑ      = E(x with the hole zeroed, mask)
 *   loss   = mean_b Σ_p Ŵ_b[p] · |G(ẑ_b) − x_b|                       contextual L1 on known pixels, Ŵ = Yeh's
 *                                                                    importance weights normalised per window
 *          + α · mean_{synthetic b, k} (ẑ_bk − z_bk)²                 latent regression (the true z is known)
 *          + λ · mean_b log(1 − D(G(ẑ_b)))                            the discriminator's perceptual term (λ = 0: left out)
 * and ∂loss/∂E's weights only (grad() never reaches G's or D's weights: they are not on a path from E's).
 * The perceptual term is off by default: at the z-search's own weight (0.003 on an unnormalised
 * contextual loss) it is a median 0.002 % of the search's final loss (BENCHMARKS.md, issue 17), so
 * at the same relative weight here it would change nothing; `lambda` sets it relative to this
 * trainer's per-window normalised contextual loss.
 * Adam in TypeScript; checkpoints as segment.ts (weights + Adam moments + state.json, folder
 * written under a temporary name and renamed). All randomness comes from one seeded Rng whose
 * state the checkpoint stores, so a resumed run is bit-identical to an uninterrupted one.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { grad } from '../onnx/autodiff';
import { Graph, type Tensor } from '../onnx/graph';
import { abs, add, concat, mul, neg, reduceSum, reshape, slice, softplus, sub } from '../onnx/ops';
import { Adam } from '../onnx/optim';
import { latestStepCheckpoint, restoreAdam, saveStepCheckpoint, shapedTensors } from './step-checkpoint';
import type { CompiledGraph, Runtime } from '../onnx/runtime';
import { decodeSafetensors, encodeSafetensors, type StorageDType } from '../onnx/safetensors';
import { serialize } from '../onnx/serialize';
import { dcganDiscriminator, dcganGenerator, type DcganSpec } from '../nets/dcgan';
import { generatorDigest, initZencoder, zencoder, zencoderShapes, type ZEncoderSpec } from '../nets/zencoder';
import { importanceWeights } from '../inpaint/gan/weights';
import { Rng } from '../random';
import type { Dataset } from './data';

export interface ZencHyper {
  /** windows per step */
  batch: number;
  /** how many of them are generated samples G(z) (with latent regression); the rest are real windows */
  synthetic: number;
  lr: number;
  /** weight α of the latent regression */
  alpha: number;
  seed: number;
  /** weight λ of the discriminator's perceptual term log(1 − D(G(ẑ))) (default 0: left out) */
  lambda?: number;
}

export const DEFAULT_ZENC_HYPER: ZencHyper = { batch: 16, synthetic: 8, lr: 5e-4, alpha: 0.1, seed: 1 };

export interface ZencBatch {
  /** true latents of the synthetic part [S·nz] */
  zs: Float32Array;
  /** real windows [(B−S)·nc·R·R] in [−1, 1] */
  xr: Float32Array;
  /** hole masks [B·R·R], 1 = hole */
  m: Float32Array;
  /** normalised contextual weights [B·R·R] (Σ over a window's pixels × nc = 1) */
  wn: Float32Array;
}

export interface ZencStepResult {
  loss: number;
  context: number;
  latent: number;
  /** mean log(1 − D(G(ẑ))) over the batch (0 when λ = 0: not computed) */
  perceptual: number;
}

/** The training graph (exported for tests that check its gradient). */
export function buildZencTrainGraph(gSpec: DcganSpec, eSpec: ZEncoderSpec, hyper: ZencHyper): { graph: Graph; names: string[]; params: Map<string, Tensor> } {
  const { batch: B, synthetic: S } = hyper;
  if (!(Number.isInteger(B) && B >= 1 && Number.isInteger(S) && S >= 0 && S <= B)) throw new Error(`z-encoder trainer: batch ${B} / synthetic ${S} must satisfy 0 ≤ synthetic ≤ batch, batch ≥ 1`);
  if (eSpec.nz !== gSpec.nz || eSpec.nc !== gSpec.nc || eSpec.resolution !== gSpec.resolution) {
    throw new Error(`z-encoder (nz ${eSpec.nz}, nc ${eSpec.nc}, ${eSpec.resolution} px) does not fit the generator (nz ${gSpec.nz}, nc ${gSpec.nc}, ${gSpec.resolution} px)`);
  }
  const R = gSpec.resolution, nc = gSpec.nc;
  const g = new Graph('zencoder-train');
  const parts: Tensor[] = [];
  let zs: Tensor | null = null;
  let Gs = null;
  if (S > 0) {
    zs = g.input('zs', [S, gSpec.nz, 1, 1]);
    Gs = dcganGenerator(g, zs, { ...gSpec, bn: 'running' });
    parts.push(Gs.out);
  }
  if (B > S) parts.push(g.input('xr', [B - S, nc, R, R]));
  const x = parts.length === 1 ? parts[0] : concat(parts, 0);
  const m = g.input('m', [B, 1, R, R]);
  const wn = g.input('wn', [B, 1, R, R]);
  const xin = concat([mul(x, sub(1, m)), m], 1);
  const E = zencoder(g, xin, eSpec);
  const Gh = dcganGenerator(g, E.z, { ...gSpec, bn: 'running', ...(Gs ? { shared: Gs } : {}) });
  const context = mul(reduceSum(mul(wn, abs(sub(Gh.out, x)))), 1 / B);
  let loss = context;
  let latent: Tensor | null = null;
  if (zs && hyper.alpha > 0) {
    const dz = sub(slice(E.z, [0], [S], [0]), zs);
    latent = mul(reduceSum(mul(dz, dz)), 1 / (S * gSpec.nz));
    loss = add(loss, mul(latent, hyper.alpha));
  }
  let perceptual: Tensor | null = null;
  const lambda = hyper.lambda ?? 0;
  if (lambda > 0) {
    // log(1 − sigmoid(l)) = −softplus(l), as in the z-search's graph (inpaint/gan/graph.ts)
    const D = dcganDiscriminator(g, Gh.out, { ...gSpec, bn: 'running' });
    perceptual = mul(reduceSum(neg(softplus(reshape(D.out, [B])))), 1 / B);
    loss = add(loss, mul(perceptual, lambda));
  }
  const names = [...E.params.keys()];
  const grads = grad(loss, [...E.params.values()]);
  g.output('loss', loss);
  g.output('context', context);
  if (latent) g.output('latent', latent);
  if (perceptual) g.output('perceptual', perceptual);
  grads.forEach((t, i) => g.output(`d:${names[i]}`, t));
  return { graph: g, names, params: E.params };
}

export class ZencTrainer {
  readonly weights: Map<string, Float32Array>;
  readonly adam: Adam;
  readonly names: string[];
  private readonly graph: Graph;
  private compiled: CompiledGraph | null = null;
  private readonly gWeights: Map<string, Float32Array>;

  constructor(readonly gSpec: DcganSpec, gWeights: ReadonlyMap<string, Float32Array>, readonly spec: ZEncoderSpec, readonly hyper: ZencHyper, weights?: Map<string, Float32Array>) {
    const b = buildZencTrainGraph(gSpec, spec, hyper);
    this.graph = b.graph;
    this.names = b.names;
    // G's weights, and D's when the perceptual term is on (both frozen)
    const frozen = (hyper.lambda ?? 0) > 0 ? ['G.', 'D.'] : ['G.'];
    this.gWeights = new Map([...gWeights].filter(([k]) => frozen.some((f) => k.startsWith(f))));
    this.weights = weights ?? initZencoder({ z: null as unknown as Tensor, params: b.params }, hyper.seed);
    this.adam = new Adam(this.weights, { lr: hyper.lr });
  }

  /** One Adam step on a batch; returns the losses before the step. */
  async step(rt: Runtime, batch: ZencBatch): Promise<ZencStepResult> {
    // G's weights baked in as initializers: onnxruntime folds its BN and prepacks its convs
    this.compiled ??= await rt.compile(serialize(this.graph, { initializers: this.gWeights }));
    const { batch: B, synthetic: S } = this.hyper;
    const feeds: Record<string, Float32Array> = { m: batch.m, wn: batch.wn };
    if (S > 0) feeds.zs = batch.zs;
    if (B > S) feeds.xr = batch.xr;
    for (const [k, v] of this.weights) feeds[k] = v;
    const out = await this.compiled.run(feeds);
    const grads = new Map<string, Float32Array>();
    for (const k of this.names) grads.set(k, out[`d:${k}`]);
    this.adam.step(grads);
    return { loss: out.loss[0], context: out.context[0], latent: out.latent?.[0] ?? 0, perceptual: out.perceptual?.[0] ?? 0 };
  }
}

// ---------------------------------------------------------------------------------------------
// Holes: centre squares, random rectangles, object silhouettes and free-form strokes, 3–30 % of
// the window, placed as the engine places them (a window is ~2× the hole's extent, centred on it).

export interface SilhouetteMask {
  width: number;
  height: number;
  /** non-zero = object */
  data: Uint8Array;
}

export const HOLE_KINDS = ['centre', 'rect', 'silhouette', 'free-form'] as const;
export type HoleKind = (typeof HOLE_KINDS)[number];

/** Object silhouettes (PNG, 255 on 0) from a folder such as ../shared/data/silhouettes. */
export async function loadSilhouetteMasks(dir: string, max = 400): Promise<SilhouetteMask[]> {
  const out: SilhouetteMask[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.png')).sort().slice(0, max)) {
    const { data, info } = await sharp(readFileSync(join(dir, f))).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    out.push({ width: info.width, height: info.height, data: new Uint8Array(data) });
  }
  return out;
}

/** Nearest-neighbour paste of a silhouette scaled to fit a box of `ext` px, centred at (cx, cy). */
function pasteSilhouette(u: Uint8Array, R: number, s: SilhouetteMask, ext: number, cx: number, cy: number, mirror: boolean): void {
  const scale = ext / Math.max(s.width, s.height);
  const w = Math.max(1, Math.round(s.width * scale)), h = Math.max(1, Math.round(s.height * scale));
  const x0 = Math.round(cx - w / 2), y0 = Math.round(cy - h / 2);
  for (let y = 0; y < h; y++) {
    const yy = y0 + y;
    if (yy < 0 || yy >= R) continue;
    const sy = Math.min(s.height - 1, Math.floor((y + 0.5) / scale));
    for (let x = 0; x < w; x++) {
      const xx = x0 + x;
      if (xx < 0 || xx >= R) continue;
      const sx0 = Math.min(s.width - 1, Math.floor((x + 0.5) / scale));
      if (s.data[sy * s.width + (mirror ? s.width - 1 - sx0 : sx0)]) u[yy * R + xx] = 1;
    }
  }
}

/**
 * One hole [R·R] (1 = hole) covering 3–30 % of the window (drawn again until it does). Without
 * silhouettes, 'silhouette' falls back to free-form.
 */
export function drawHole(rng: Rng, R: number, silhouettes: readonly SilhouetteMask[] = [], kind?: HoleKind): { mask: Uint8Array; kind: HoleKind } {
  for (let attempt = 0; ; attempt++) {
    let k: HoleKind = kind ?? HOLE_KINDS[rng.int(HOLE_KINDS.length)];
    if (k === 'silhouette' && !silhouettes.length) k = 'free-form';
    const u = new Uint8Array(R * R);
    // the engine's window is ~2× the hole's extent and centred on it (moved inside the photo near a border)
    const ext = Math.round(R * (0.25 + 0.4 * rng.uniform()));
    const cx = R / 2 + (rng.uniform() - 0.5) * R * 0.25, cy = R / 2 + (rng.uniform() - 0.5) * R * 0.25;
    if (k === 'centre') {
      const x0 = Math.round(R / 2 - ext / 2);
      for (let y = x0; y < x0 + ext; y++) for (let x = x0; x < x0 + ext; x++) u[y * R + x] = 1;
    } else if (k === 'rect') {
      const w = Math.max(2, Math.round(ext * (0.35 + 0.65 * rng.uniform()))), h = Math.max(2, Math.round(ext * (0.35 + 0.65 * rng.uniform())));
      const x0 = Math.max(0, Math.min(R - w, Math.round(cx - w / 2))), y0 = Math.max(0, Math.min(R - h, Math.round(cy - h / 2)));
      for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) u[y * R + x] = 1;
    } else if (k === 'silhouette') {
      pasteSilhouette(u, R, silhouettes[rng.int(silhouettes.length)], ext, cx, cy, rng.uniform() < 0.5);
    } else {
      // free-form: a few thick random-walk strokes inside the hole's box
      const strokes = 1 + rng.int(4), rad = Math.max(1.5, R * (0.03 + 0.05 * rng.uniform()));
      for (let s = 0; s < strokes; s++) {
        let x = cx + (rng.uniform() - 0.5) * ext * 0.6, y = cy + (rng.uniform() - 0.5) * ext * 0.6, a = rng.uniform() * 2 * Math.PI;
        const steps = 4 + rng.int(Math.max(4, Math.round(ext / 2)));
        for (let t = 0; t < steps; t++) {
          a += (rng.uniform() - 0.5) * 1.2;
          x = Math.min(cx + ext / 2, Math.max(cx - ext / 2, x + Math.cos(a) * rad * 0.7));
          y = Math.min(cy + ext / 2, Math.max(cy - ext / 2, y + Math.sin(a) * rad * 0.7));
          const r2 = rad * rad;
          for (let yy = Math.floor(y - rad); yy <= Math.ceil(y + rad); yy++) for (let xx = Math.floor(x - rad); xx <= Math.ceil(x + rad); xx++) {
            if (yy >= 0 && yy < R && xx >= 0 && xx < R && (xx - x) ** 2 + (yy - y) ** 2 <= r2) u[yy * R + xx] = 1;
          }
        }
      }
    }
    let n = 0;
    for (let p = 0; p < u.length; p++) n += u[p];
    const frac = n / u.length;
    if ((frac >= 0.03 && frac <= 0.3) || attempt > 50) return { mask: u, kind: k };
  }
}

/**
 * A real window [nc·R·R] in [−1, 1] from a dataset of stored S×S RGB images: a random square of
 * side ∈ [S/2, S] (the engine's windows are crops of photos; the generator saw whole images), box-
 * resampled to R, mirrored half of the time.
 */
function realWindow(ds: Dataset, rng: Rng, R: number, into: Float32Array, offset: number): void {
  const S = ds.stored;
  const img = rng.int(ds.count);
  const side = rng.uniform() < 0.5 ? S : Math.max(R, Math.round(S * (0.5 + 0.5 * rng.uniform())));
  const ox = rng.int(S - side + 1), oy = rng.int(S - side + 1);
  const mirror = rng.uniform() < 0.5;
  const base = img * S * S * 3;
  const plane = R * R;
  const f = side / R;
  for (let j = 0; j < R; j++) {
    const sy0 = Math.floor(j * f), sy1 = Math.max(sy0 + 1, Math.floor((j + 1) * f));
    for (let i = 0; i < R; i++) {
      const ii = mirror ? R - 1 - i : i;
      const sx0 = Math.floor(ii * f), sx1 = Math.max(sx0 + 1, Math.floor((ii + 1) * f));
      let r = 0, g = 0, b = 0, n = 0;
      for (let yy = sy0; yy < sy1; yy++) for (let xx = sx0; xx < sx1; xx++) {
        const p = base + ((oy + yy) * S + ox + xx) * 3;
        r += ds.pixels[p]; g += ds.pixels[p + 1]; b += ds.pixels[p + 2]; n++;
      }
      const q = offset + j * R + i;
      into[q] = r / n / 127.5 - 1;
      into[q + plane] = g / n / 127.5 - 1;
      into[q + 2 * plane] = b / n / 127.5 - 1;
    }
  }
}

/** A training batch: synthetic latents (N(0,1) clipped), real windows, holes and weights, all from `rng`. */
export function makeZencBatch(rng: Rng, gSpec: DcganSpec, hyper: ZencHyper, ds: Dataset | null, silhouettes: readonly SilhouetteMask[], zClip = 3): ZencBatch {
  const { batch: B, synthetic: S } = hyper;
  const R = gSpec.resolution, nc = gSpec.nc, RR = R * R;
  if (B > S && !ds) throw new Error('z-encoder trainer: real windows asked for (synthetic < batch) but no dataset given');
  if (ds && nc !== 3) throw new Error(`z-encoder trainer: real windows are RGB; the generator has ${nc} channels`);
  const zs = rng.normals(S * gSpec.nz);
  for (let i = 0; i < zs.length; i++) zs[i] = zs[i] < -zClip ? -zClip : zs[i] > zClip ? zClip : zs[i];
  const xr = new Float32Array((B - S) * nc * RR);
  for (let b = 0; b < B - S; b++) realWindow(ds as Dataset, rng, R, xr, b * nc * RR);
  const m = new Float32Array(B * RR), wn = new Float32Array(B * RR);
  for (let b = 0; b < B; b++) {
    const { mask } = drawHole(rng, R, silhouettes);
    const w = importanceWeights(mask, R, R);
    let sum = 0;
    for (let p = 0; p < RR; p++) { m[b * RR + p] = mask[p]; sum += w[p]; }
    const k = sum > 0 ? 1 / (nc * sum) : 0;
    for (let p = 0; p < RR; p++) wn[b * RR + p] = w[p] * k;
  }
  return { zs, xr, m, wn };
}

// ---------------------------------------------------------------------------------------------
// Files: E weights (safetensors with the spec and the generator it was trained against in the
// metadata) and checkpoints.

export const ZENC_FORMAT = 'renovo-zencoder/1';


export function encodeZencoderWeights(spec: ZEncoderSpec, weights: ReadonlyMap<string, Float32Array>, metadata: Record<string, string> = {}, dtype: StorageDType = 'F32'): Uint8Array {
  return encodeSafetensors(shapedTensors(weights, zencoderShapes(spec)), { dtype, metadata: { format: ZENC_FORMAT, 'renovo.zencoder.spec': JSON.stringify(spec), ...metadata } });
}

/** E's weights from safetensors bytes; every tensor the spec needs must be there with its size. */
export function decodeZencoderWeights(bytes: Uint8Array, what = 'z-encoder weights'): { spec: ZEncoderSpec; weights: Map<string, Float32Array>; metadata: Record<string, string> } {
  const d = decodeSafetensors(bytes);
  const raw = d.metadata['renovo.zencoder.spec'];
  if (!raw) throw new Error(`${what}: not a Renovo z-encoder (no renovo.zencoder.spec metadata)`);
  const spec = JSON.parse(raw) as ZEncoderSpec;
  const weights = new Map<string, Float32Array>();
  for (const [k, shape] of zencoderShapes(spec)) {
    const t = d.tensors.get(k);
    const n = shape.reduce((a, b) => a * b, 1);
    if (!t || t.data.length !== n) throw new Error(`${what}: tensor '${k}' missing or not of shape [${shape.join(',')}]`);
    weights.set(k, t.data);
  }
  return { spec, weights, metadata: d.metadata };
}

export interface ZencState {
  format: 'renovo-zencoder-checkpoint/1';
  step: number;
  adamT: number;
  rng: number;
  spec: ZEncoderSpec;
  gSpec: DcganSpec;
  hyper: ZencHyper;
  /** generatorDigest() of the frozen G the run trains against */
  generatorDigest: string;
  elapsedMs: number;
  /** mean losses every few steps: [step, loss, context, latent] (+ perceptual when λ > 0) */
  losses: number[][];
  meta: Record<string, unknown>;
}

export async function saveZencCheckpoint(root: string, state: ZencState, t: ZencTrainer, keep = 2): Promise<string> {
  return saveStepCheckpoint(root, state.step, encodeZencoderWeights(t.spec, t.weights), t.adam, zencoderShapes(t.spec), state, keep);
}

/** The newest checkpoint folder under root, or null. */
export const latestZencCheckpoint = latestStepCheckpoint;

/**
 * Restores the newest checkpoint (weights, Adam moments and step count) into a trainer for the
 * given generator; refuses a checkpoint trained against another generator.
 */
export async function loadZencCheckpoint(root: string, gSpec: DcganSpec, gWeights: ReadonlyMap<string, Float32Array>): Promise<{ state: ZencState; trainer: ZencTrainer; dir: string } | null> {
  const dir = await latestZencCheckpoint(root);
  if (!dir) return null;
  const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as ZencState;
  if (state.format !== 'renovo-zencoder-checkpoint/1') throw new Error(`${dir}: not a z-encoder checkpoint (format ${String(state.format)})`);
  const digest = generatorDigest(gWeights);
  if (state.generatorDigest !== digest) throw new Error(`${dir}: checkpoint was trained against generator ${state.generatorDigest}, this generator is ${digest}`);
  const { weights } = decodeZencoderWeights(new Uint8Array(await readFile(join(dir, 'weights.safetensors'))), dir);
  const trainer = new ZencTrainer(gSpec, gWeights, state.spec, state.hyper, weights);
  await restoreAdam(dir, trainer.adam, weights.keys(), state.adamT);
  return { state, trainer, dir };
}

export const sha256Bytes = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

// ---------------------------------------------------------------------------------------------
// Shipping: E.safetensors (fp16) into a model folder and an `encoder` entry in its manifest.json.

export interface EncoderManifestEntry {
  file: 'E.safetensors';
  sha256: string;
  bytes: number;
  architecture: ZEncoderSpec & { params: number; what: string };
  /** the generator E was trained against: sha256 of the folder's G.safetensors, and of G's weights */
  generator: { file: 'G.safetensors'; sha256: string; weightsDigest: string };
  data: Record<string, unknown>;
  training: { command: string; steps: number; wallTimeMs: number; wallTime: string; hyper: ZencHyper; checkpoint: string; losses: string; perceptual: string; machine: string; initEncoder?: unknown };
  createdAt: string;
}

export interface ShipEncoderOptions {
  modelDir: string;
  /** a checkpoint folder or a run folder (its newest checkpoint) */
  checkpoint: string;
  machine?: string;
}

/** Writes E.safetensors (fp16) into the model folder and records it in manifest.json (both atomically). */
export async function shipEncoder(o: ShipEncoderOptions): Promise<EncoderManifestEntry> {
  const dir = existsSync(join(o.checkpoint, 'state.json')) ? o.checkpoint : await latestZencCheckpoint(o.checkpoint);
  if (!dir) throw new Error(`no z-encoder checkpoint in ${o.checkpoint}`);
  const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as ZencState;
  const gBytes = new Uint8Array(await readFile(join(o.modelDir, 'G.safetensors')));
  const gWeights = new Map([...decodeSafetensors(gBytes).tensors].map(([k, e]) => [k, e.data]));
  const digest = generatorDigest(gWeights);
  if (digest !== state.generatorDigest) throw new Error(`${dir} was trained against generator ${state.generatorDigest}; ${o.modelDir}/G.safetensors is ${digest}`);
  const gSha = sha256Bytes(gBytes);
  const { weights, spec } = decodeZencoderWeights(new Uint8Array(await readFile(join(dir, 'weights.safetensors'))), dir);
  const bytes = encodeZencoderWeights(spec, weights, { 'renovo.generator.sha256': gSha, 'renovo.generator.digest': digest, 'renovo.steps': String(state.step) }, 'F16');
  const sha = sha256Bytes(bytes);
  let params = 0;
  for (const v of weights.values()) params += v.length;
  const h = Math.floor(state.elapsedMs / 3_600_000), mnt = Math.round((state.elapsedMs % 3_600_000) / 60_000);
  const entry: EncoderManifestEntry = {
    file: 'E.safetensors', sha256: sha, bytes: bytes.length,
    architecture: { ...spec, params, what: `z-encoder: ${spec.widths.length} × (conv 4×4 s2 + LeakyReLU 0.2) → conv to nz → ${spec.zClip}·tanh(x/${spec.zClip}); input image (hole = 0) + mask; fp16` },
    generator: { file: 'G.safetensors', sha256: gSha, weightsDigest: digest },
    data: (state.meta.data as Record<string, unknown>) ?? {},
    training: {
      command: String(state.meta.command ?? ''), steps: state.step, wallTimeMs: state.elapsedMs, wallTime: `${h} h ${mnt} min`, hyper: state.hyper,
      checkpoint: dir, losses: 'contextual L1 (importance-weighted, normalised per window) + alpha * latent MSE on generated samples',
      // a run started from another encoder (--init-encoder, a fine-tune's adaptation) names it
      ...(state.meta.initEncoder ? { initEncoder: state.meta.initEncoder } : {}),
      perceptual: state.hyper.lambda ? `lambda * mean log(1 - D(G(E(x)))), lambda ${state.hyper.lambda}` : "left out (the discriminator's term is added back by the z-search that starts from E)", machine: o.machine ?? '',
    },
    createdAt: new Date().toISOString(),
  };
  const tmpE = join(o.modelDir, `.E.safetensors.${process.pid}.tmp`);
  await writeFile(tmpE, bytes);
  await rename(tmpE, join(o.modelDir, 'E.safetensors'));
  const manifestPath = join(o.modelDir, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { files: Record<string, unknown>; encoder?: unknown };
  manifest.files['E.safetensors'] = { sha256: sha, bytes: bytes.length, what: 'z-encoder weights (issue 17), fp16; see "encoder"' };
  manifest.encoder = entry;
  const tmpM = `${manifestPath}.${process.pid}.tmp`;
  await writeFile(tmpM, JSON.stringify(manifest, null, 2) + '\n');
  await rename(tmpM, manifestPath);
  return entry;
}

/** A model folder's encoder (E.safetensors + manifest entry), checked against the folder's G.safetensors. */
export interface LoadedEncoder {
  spec: ZEncoderSpec;
  weights: Map<string, Float32Array>;
  /** generatorDigest() of the G it was trained against */
  generatorDigest: string;
  sha256: string;
}

/**
 * The encoder of a model folder, or null when it has none. Throws when E.safetensors does not
 * match its manifest entry, or when it was trained against another G.safetensors (naming both).
 */
export async function loadModelEncoder(modelDir: string): Promise<LoadedEncoder | null> {
  const mPath = join(modelDir, 'manifest.json');
  if (!existsSync(join(modelDir, 'E.safetensors')) || !existsSync(mPath)) return null;
  const manifest = JSON.parse(await readFile(mPath, 'utf8')) as { encoder?: EncoderManifestEntry };
  const entry = manifest.encoder;
  if (!entry) return null;
  const bytes = new Uint8Array(await readFile(join(modelDir, 'E.safetensors')));
  const sha = sha256Bytes(bytes);
  if (sha !== entry.sha256) throw new Error(`${modelDir}/E.safetensors (sha256 ${sha}) does not match the sha256 in its manifest (${entry.sha256})`);
  const gSha = sha256Bytes(new Uint8Array(await readFile(join(modelDir, 'G.safetensors'))));
  if (gSha !== entry.generator.sha256) {
    throw new Error(`${modelDir}: the z-encoder was trained against generator G.safetensors sha256 ${entry.generator.sha256}, but the folder's G.safetensors is sha256 ${gSha}; retrain the encoder (scripts/train-encoder.ts)`);
  }
  const d = decodeZencoderWeights(bytes, `${modelDir}/E.safetensors`);
  return { spec: d.spec, weights: d.weights, generatorDigest: entry.generator.weightsDigest, sha256: sha };
}

/** Where a model version's encoder lives: a shipped model folder (E.safetensors + manifest) or a library file. */
export type EncoderSource = { dir: string } | { file: string; sha256: string };

/**
 * The encoder a source holds, or null when a shipped folder has none. Throws when a file does not
 * match its recorded sha256 or is not a z-encoder. The caller checks it fits its generator
 * (generatorDigest), as the engine does (inpaint/gan/encoder.ts checkEncoder).
 */
export async function loadEncoderSource(src: EncoderSource): Promise<LoadedEncoder | null> {
  if ('dir' in src) return loadModelEncoder(src.dir);
  const bytes = new Uint8Array(await readFile(src.file));
  const sha = sha256Bytes(bytes);
  if (sha !== src.sha256) throw new Error(`${src.file} (sha256 ${sha}) is not the z-encoder recorded for this model (sha256 ${src.sha256})`);
  const d = decodeZencoderWeights(bytes, src.file);
  const digest = d.metadata['renovo.generator.digest'];
  if (!digest) throw new Error(`${src.file}: the z-encoder does not name the generator it was trained against`);
  return { spec: d.spec, weights: d.weights, generatorDigest: digest, sha256: sha };
}
