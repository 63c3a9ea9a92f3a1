/**
 * The z-encoder of a DCGAN (issue 17): E(window with the hole masked, mask) → z, a learned starting
 * point for latent optimisation (Yeh et al.'s z-search then needs ~100 iterations instead of 1500 ×
 * 16 restarts). Built with the graph builder like dcgan.ts / unet.ts.
 *
 *   input [N, nc+1, R, R]: known pixels in [−1, 1], hole pixels 0, then the mask (1 = hole), so
 *                          E can tell a black known pixel from a missing one
 *   k × (conv 4×4 stride 2 + bias + LeakyReLU 0.2)   R → R/2^k   (no BN: E runs on one window at a
 *                          time, and batch statistics would tie a window's z to its batch-mates)
 *   conv (R/2^k)×(R/2^k) to nz + bias                 = a linear layer on the flattened features
 *   z = zClip · tanh(x / zClip)                        squashed into the prior's range, smoothly,
 *                                                      so gradients never die at a hard clip
 * Output [N, nz, 1, 1]: G's input layout, so E and G compose without a reshape.
 */
import { createHash } from 'node:crypto';
import { Graph, type Tensor } from '../onnx/graph';
import { conv, div, leakyRelu, mul, tanh } from '../onnx/ops';
import { Rng } from '../random';

export interface ZEncoderSpec {
  arch: 'zencoder';
  /** image channels of the generator it encodes for */
  nc: number;
  /** latent size of that generator */
  nz: number;
  /** the generator's resolution (square) */
  resolution: number;
  /** channels of each stride-2 stage */
  widths: number[];
  /** |z| ≤ zClip (the engine's z-optimisation clip) */
  zClip: number;
}

/** Defaults sized for the 64-px models: ~335 k parameters, ~0.67 MB in fp16. */
export function zencoderSpec(o: { nc: number; nz: number; resolution: number; widths?: number[]; zClip?: number }): ZEncoderSpec {
  const widths = o.widths ?? [32, 64, 96, 64];
  const spec: ZEncoderSpec = { arch: 'zencoder', nc: o.nc, nz: o.nz, resolution: o.resolution, widths: [...widths], zClip: o.zClip ?? 3 };
  for (const [k, v] of Object.entries({ nc: spec.nc, nz: spec.nz, resolution: spec.resolution })) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`z-encoder: ${k} must be a positive integer (got ${v})`);
  }
  if (!widths.length || widths.some((w) => !Number.isInteger(w) || w <= 0)) throw new Error(`z-encoder: widths must be positive integers (got ${widths.join(',')})`);
  if (spec.resolution % 2 ** widths.length) throw new Error(`z-encoder: resolution ${spec.resolution} is not divisible by 2^${widths.length}`);
  if (!(spec.zClip > 0)) throw new Error(`z-encoder: zClip must be > 0 (got ${spec.zClip})`);
  return spec;
}

export interface ZEncoderOut {
  /** ẑ [N, nz, 1, 1] */
  z: Tensor;
  params: Map<string, Tensor>;
}

/** E on x [N, nc+1, R, R]; parameters are named `E.<layer>.weight|bias`. */
export function zencoder(g: Graph, x: Tensor, spec: ZEncoderSpec): ZEncoderOut {
  const R = spec.resolution;
  if (x.shape.length !== 4 || x.shape[1] !== spec.nc + 1 || x.shape[2] !== R || x.shape[3] !== R) {
    throw new Error(`z-encoder: input [${x.shape.join(',')}] must be [N, ${spec.nc + 1}, ${R}, ${R}] (image channels + mask)`);
  }
  const params = new Map<string, Tensor>();
  const layer = (name: string, t: Tensor, out: number, k: number, stride: number, padding: number): Tensor => {
    const w = g.param(`E.${name}.weight`, [out, t.shape[1], k, k]);
    const b = g.param(`E.${name}.bias`, [out]);
    params.set(w.name, w);
    params.set(b.name, b);
    return conv(t, w, b, { stride, padding });
  };
  let h = x;
  spec.widths.forEach((c, i) => {
    h = leakyRelu(layer(`conv${i}`, h, c, 4, 2, 1), 0.2);
  });
  const raw = layer('head', h, spec.nz, h.shape[2], 1, 0);
  return { z: mul(tanh(div(raw, spec.zClip)), spec.zClip), params };
}

/** He-normal weights (LeakyReLU gain), zero biases; the head starts small so ẑ starts near 0 (the prior's mode). */
export function initZencoder(net: ZEncoderOut, seed = 1): Map<string, Float32Array> {
  const rng = new Rng(seed);
  const out = new Map<string, Float32Array>();
  for (const [name, t] of net.params) {
    if (name.endsWith('.bias')) { out.set(name, new Float32Array(t.size)); continue; }
    const fanIn = t.shape[1] * t.shape[2] * t.shape[3];
    const gain = name.startsWith('E.head') ? 0.5 : Math.sqrt(2 / (1 + 0.2 * 0.2));
    out.set(name, rng.normals(t.size, gain / Math.sqrt(fanIn)));
  }
  return out;
}

/** Parameter shapes of a spec (for safetensors headers and checks), built on a throw-away graph. */
export function zencoderShapes(spec: ZEncoderSpec): Map<string, readonly number[]> {
  const g = new Graph('zencoder-shapes');
  const net = zencoder(g, g.input('x', [1, spec.nc + 1, spec.resolution, spec.resolution]), spec);
  return new Map([...net.params].map(([k, t]) => [k, t.shape]));
}

/**
 * Writes E's input for one window into `into` at batch slot `b`: y [nc·R·R] in [−1, 1], unknown
 * [R·R] (non-zero = hole). Hole pixels become 0 whatever y holds there.
 */
export function encoderInput(y: Float32Array, unknown: Uint8Array, nc: number, R: number, into?: Float32Array, b = 0): Float32Array {
  const RR = R * R;
  const x = into ?? new Float32Array((nc + 1) * RR);
  const base = b * (nc + 1) * RR;
  for (let p = 0; p < RR; p++) {
    const hole = unknown[p] ? 1 : 0;
    for (let c = 0; c < nc; c++) x[base + c * RR + p] = hole ? 0 : y[c * RR + p];
    x[base + nc * RR + p] = hole;
  }
  return x;
}

/**
 * Identity of a generator's weights: sha256 over its `G.*` tensors (names sorted, float32 values),
 * so the same G is recognised whether it came from G.safetensors (fp16), a library model file or a
 * checkpoint. An encoder records the digest of the G it was trained against.
 */
export function generatorDigest(weights: ReadonlyMap<string, Float32Array>): string {
  const h = createHash('sha256');
  for (const k of [...weights.keys()].filter((n) => n.startsWith('G.')).sort()) {
    const v = weights.get(k) as Float32Array;
    h.update(k).update('\0').update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  return h.digest('hex');
}
