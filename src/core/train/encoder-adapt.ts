/**
 * Fine-tuning adapts the z-encoder too (issue 17): after a GAN fine-tune, the base model's encoder
 * E no longer matches the new generator G' (the z-search would start from latents that meant
 * something else). Training E from scratch takes about an hour on the 2-core CPU; starting from the
 * base's E and training it against the frozen G' for a few hundred steps (the same losses as
 * zencoder.ts: contextual L1 of G'(E(x)) on the known pixels + α · latent regression on G'(z)
 * samples) moves it to G' in about a minute, because a fine-tune changes G's style more than its
 * latent layout.
 *
 * Real windows come from the fine-tune's own folder (the dataset the GAN was trained on); holes are
 * centre squares, rectangles and free-form strokes (the app ships no silhouettes). The result is
 * written as E weights (safetensors, fp32) whose metadata names the generator it was adapted to.
 */
import type { DcganSpec } from '../nets/dcgan';
import { generatorDigest, type ZEncoderSpec } from '../nets/zencoder';
import type { Runtime } from '../onnx/runtime';
import { Rng } from '../random';
import type { Dataset } from './data';
import { ZencTrainer, encodeZencoderWeights, loadEncoderSource, makeZencBatch, sha256Bytes, type EncoderSource, type ZencHyper } from './zencoder';

/** Steps of adaptation per preset: enough for the contextual loss to settle (bench/zopt/adapt.ts). */
export const ADAPT_STEPS = 400;
export const ADAPT_HYPER: ZencHyper = { batch: 16, synthetic: 8, lr: 3e-4, alpha: 0.1, seed: 7 };

export interface AdaptEncoderOptions {
  runtime: Runtime;
  gSpec: DcganSpec;
  /** the fine-tuned generator's weights (G.* used; BN in inference mode, as the engine runs it) */
  gWeights: ReadonlyMap<string, Float32Array>;
  /** the base model's encoder */
  encoder: { spec: ZEncoderSpec; weights: ReadonlyMap<string, Float32Array>; sha256?: string };
  dataset: Dataset;
  steps?: number;
  hyper?: Partial<ZencHyper>;
  signal?: AbortSignal;
  /** every few steps: mean contextual loss since the last call */
  onProgress?: (step: number, totalSteps: number, context: number) => void;
}

export interface AdaptedEncoder {
  spec: ZEncoderSpec;
  weights: Map<string, Float32Array>;
  /** safetensors bytes (fp32, metadata: spec, generator digest, parent encoder sha256, steps) */
  bytes: Uint8Array;
  sha256: string;
  generatorDigest: string;
  parentSha256: string | null;
  steps: number;
  hyper: ZencHyper;
  elapsedMs: number;
  /** mean contextual loss over the first and the last 10 % of the steps */
  contextFirst: number;
  contextLast: number;
}

/** Trains a copy of the base encoder against the new generator; throws AbortError when `signal` aborts. */
export async function adaptEncoder(o: AdaptEncoderOptions): Promise<AdaptedEncoder> {
  const steps = o.steps ?? ADAPT_STEPS;
  if (!(Number.isInteger(steps) && steps >= 1)) throw new Error(`encoder adaptation: steps must be a positive integer (got ${steps})`);
  const hyper: ZencHyper = { ...ADAPT_HYPER, ...o.hyper };
  const gWeights = new Map([...o.gWeights].filter(([k]) => k.startsWith('G.')));
  const digest = generatorDigest(gWeights);
  const weights = new Map([...o.encoder.weights].map(([k, v]) => [k, Float32Array.from(v)]));
  const trainer = new ZencTrainer(o.gSpec, gWeights, o.encoder.spec, hyper, weights);
  const rng = new Rng(hyper.seed);
  const started = Date.now();
  const window = Math.max(1, Math.round(steps / 10));
  let first = 0, last = 0, acc = 0, n = 0;
  for (let step = 0; step < steps; step++) {
    if (o.signal?.aborted) throw o.signal.reason instanceof Error ? o.signal.reason : Object.assign(new Error('encoder adaptation cancelled'), { name: 'AbortError' });
    const r = await trainer.step(o.runtime, makeZencBatch(rng, o.gSpec, hyper, o.dataset, [], o.encoder.spec.zClip));
    if (step < window) first += r.context / window;
    if (step >= steps - window) last += r.context / window;
    acc += r.context;
    n++;
    if ((step + 1) % 10 === 0 || step + 1 === steps) {
      o.onProgress?.(step + 1, steps, acc / n);
      acc = 0;
      n = 0;
    }
  }
  const bytes = encodeZencoderWeights(o.encoder.spec, trainer.weights, {
    'renovo.generator.digest': digest,
    'renovo.steps': String(steps),
    ...(o.encoder.sha256 ? { 'renovo.parent.sha256': o.encoder.sha256 } : {}),
  });
  return {
    spec: o.encoder.spec, weights: trainer.weights, bytes, sha256: sha256Bytes(bytes), generatorDigest: digest, parentSha256: o.encoder.sha256 ?? null,
    steps, hyper, elapsedMs: Date.now() - started, contextFirst: first, contextLast: last,
  };
}

/** What a model version records of the encoder a fine-tune adapted (model metrics.encoder; the file is in the library). */
export interface AdaptedEncoderRecord {
  sha256: string;
  generatorDigest: string;
  parentSha256: string | null;
  steps: number;
  wallMs: number;
  hyper: ZencHyper;
  contextFirst: number;
  contextLast: number;
}

/** An adapted encoder on its way into the library (bytes + what the model version records). */
export interface AdaptedEncoderFile {
  bytes: Uint8Array;
  record: AdaptedEncoderRecord;
}

const adaptedRecord = (a: AdaptedEncoder): AdaptedEncoderRecord => ({
  sha256: a.sha256, generatorDigest: a.generatorDigest, parentSha256: a.parentSha256, steps: a.steps, wallMs: a.elapsedMs, hyper: a.hyper,
  contextFirst: a.contextFirst, contextLast: a.contextLast,
});

export interface AdaptBaseOptions extends Omit<AdaptEncoderOptions, 'encoder'> {
  /** the base model's encoder, if it has one */
  source: EncoderSource | null;
  /** the base model's weights: its encoder is adapted only when it was trained against exactly this G */
  baseWeights: ReadonlyMap<string, Float32Array>;
}

/** What a fine-tune's last stage gives: the adapted encoder, or why there is none (spread into results as is). */
export type BaseEncoderOutcome = { encoder: AdaptedEncoderFile } | { encoderSkipped: string };

/**
 * A fine-tune's last stage: adapts the base model's encoder to the fine-tuned generator. Says why
 * no encoder was made (`encoderSkipped`) when the base has none, or one that cannot be read or was
 * trained against another generator; the fine-tuned model then cold-starts, as any model without
 * an encoder. Cancellation (signal) propagates.
 */
export async function adaptBaseEncoder(o: AdaptBaseOptions): Promise<BaseEncoderOutcome> {
  if (!o.source) return { encoderSkipped: 'the base model has no z-encoder' };
  let base;
  try {
    base = await loadEncoderSource(o.source);
  } catch (e) {
    return { encoderSkipped: `the base model's z-encoder could not be read (${(e as Error).message})` };
  }
  if (!base) return { encoderSkipped: 'the base model has no z-encoder' };
  if (base.generatorDigest !== generatorDigest(o.baseWeights)) return { encoderSkipped: "the base model's z-encoder was trained against another generator" };
  const a = await adaptEncoder({ ...o, encoder: base });
  return { encoder: { bytes: a.bytes, record: adaptedRecord(a) } };
}
