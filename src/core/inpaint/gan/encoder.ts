// Warm starts for the z-search (issue 17): a model's z-encoder E maps the window (hole zeroed) and
// its mask to a latent; the search then starts from E's output and a few jittered copies instead of
// 16 random latents, and needs ~100 iterations instead of 1500. An encoder only fits the generator
// it was trained against: the engine refuses any other pairing.
import { Graph } from '../../onnx/graph';
import type { CompiledGraph, Runtime } from '../../onnx/runtime';
import { serialize } from '../../onnx/serialize';
import { encoderInput, generatorDigest, zencoder, type ZEncoderSpec } from '../../nets/zencoder';
import type { DcganSpec } from '../../nets/dcgan';
import { Rng } from '../../random';
import { InpaintError } from '../errors';

/** A model version's z-encoder, as the engine needs it. */
export interface GanEncoder {
  spec: ZEncoderSpec;
  /** E.* parameters */
  weights: ReadonlyMap<string, Float32Array>;
  /** generatorDigest() of the G it was trained against */
  generatorDigest: string;
  /** sha256 of the encoder file, when it came from one (for reports) */
  sha256?: string;
}

const digests = new WeakMap<ReadonlyMap<string, Float32Array>, string>();
/** generatorDigest of a weight map, computed once per map (~10 ms for a 1.1 M-parameter G). */
export function cachedGeneratorDigest(weights: ReadonlyMap<string, Float32Array>): string {
  let d = digests.get(weights);
  if (!d) { d = generatorDigest(weights); digests.set(weights, d); }
  return d;
}

/** Throws ENCODER_MISMATCH unless the encoder was trained against exactly this G (and fits its shapes). */
export function checkEncoder(modelId: string, spec: DcganSpec, weights: ReadonlyMap<string, Float32Array>, enc: GanEncoder): void {
  const have = cachedGeneratorDigest(weights);
  if (enc.generatorDigest !== have) {
    throw new InpaintError('ENCODER_MISMATCH', `inpaint (gan-zopt): the z-encoder${enc.sha256 ? ` (sha256 ${enc.sha256})` : ''} was trained against generator ${enc.generatorDigest}, but model '${modelId}' has generator ${have}; retrain the encoder for this model or run without it (start: 'cold')`);
  }
  if (enc.spec.nz !== spec.nz || enc.spec.nc !== spec.nc || enc.spec.resolution !== spec.resolution) {
    throw new InpaintError('ENCODER_MISMATCH', `inpaint (gan-zopt): the z-encoder (nz ${enc.spec.nz}, nc ${enc.spec.nc}, ${enc.spec.resolution} px) does not fit model '${modelId}' (nz ${spec.nz}, nc ${spec.nc}, ${spec.resolution} px)`);
  }
}

const sessions = new WeakMap<Runtime, Map<string, Promise<CompiledGraph>>>();
/** E's batch-1 inference session (weights baked in), cached per runtime and encoder identity. */
export function encoderSession(runtime: Runtime, key: string, enc: GanEncoder): Promise<CompiledGraph> {
  let m = sessions.get(runtime);
  if (!m) { m = new Map(); sessions.set(runtime, m); }
  const hit = m.get(key);
  if (hit) return hit;
  const R = enc.spec.resolution;
  const g = new Graph('zencoder');
  g.output('z', zencoder(g, g.input('x', [1, enc.spec.nc + 1, R, R]), enc.spec).z);
  const p = runtime.compile(serialize(g, { initializers: enc.weights }));
  const cache = m;
  p.catch(() => cache.delete(key));
  m.set(key, p);
  while (m.size > 4) m.delete(m.keys().next().value as string);
  return p;
}

/** ẑ = E(window): y [nc·R·R] in [−1, 1], unknown [R·R] (non-zero = hole). */
export async function encodeWindow(session: CompiledGraph, spec: ZEncoderSpec, y: Float32Array, unknown: Uint8Array): Promise<Float32Array> {
  const { z } = await session.run({ x: encoderInput(y, unknown, spec.nc, spec.resolution) }, ['z']);
  return Float32Array.from(z);
}

/**
 * Starting latents [restarts·nz]: E's output first, then copies jittered by N(0, jitter²) per
 * component (seeded), all clipped to [−zClip, zClip]. The jitter lets a restart leave a basin E
 * put it in when the context is ambiguous.
 */
export function warmStarts(zE: Float32Array, restarts: number, jitter: number, seed: number, zClip: number): Float32Array {
  const nz = zE.length;
  const out = new Float32Array(restarts * nz);
  const rng = new Rng((seed ^ 0x3e7c0de) >>> 0);
  for (let i = 0; i < restarts; i++) {
    for (let k = 0; k < nz; k++) {
      const v = zE[k] + (i === 0 ? 0 : jitter * rng.normal());
      out[i * nz + k] = v < -zClip ? -zClip : v > zClip ? zClip : v;
    }
  }
  return out;
}
