/**
 * A small segmentation U-Net (Ronneberger et al. 2015; as the damage detector of Wan et al. 2020,
 * much slimmer) built with the graph builder. Input [N, inC, H, W] (H, W divisible by 2^depth),
 * output logits [N, 1, H, W]. No batch norm: the detector runs on tiles one at a time, so batch
 * statistics would tie a tile's mask to its neighbours in a batch; biases + He init train fine.
 *
 *   level l: (stride-2 conv on the way down, l > 0) → conv 3×3 → LeakyReLU → conv 3×3 → LeakyReLU
 *   up:      nearest ×2 → concat skip → conv 3×3 → LeakyReLU → conv 3×3 → LeakyReLU
 *   head:    conv 1×1 → 1 logit per pixel
 */
import type { Graph, Tensor } from '../onnx/graph';
import { concat, conv, leakyRelu, resize } from '../onnx/ops';
import { Rng } from '../random';

export interface UnetSpec {
  arch: 'unet-seg';
  /** input channels */
  inC: number;
  /** channels per level, fine to coarse */
  widths: number[];
}

export const DEFAULT_UNET: UnetSpec = { arch: 'unet-seg', inC: 1, widths: [12, 24, 32, 48] };

export interface UnetOut {
  logits: Tensor;
  params: Map<string, Tensor>;
}

export function unet(g: Graph, x: Tensor, spec: UnetSpec = DEFAULT_UNET): UnetOut {
  const depth = spec.widths.length - 1;
  const f = 2 ** depth;
  if (x.shape[1] !== spec.inC || x.shape[2] % f || x.shape[3] % f) {
    throw new Error(`unet: input [${x.shape.join(',')}] must have ${spec.inC} channels and sides divisible by ${f}`);
  }
  const params = new Map<string, Tensor>();
  const act = (t: Tensor): Tensor => leakyRelu(t, 0.1);
  const cv = (name: string, t: Tensor, out: number, k = 3, stride = 1): Tensor => {
    const w = g.param(`${name}.weight`, [out, t.shape[1], k, k]);
    const b = g.param(`${name}.bias`, [out]);
    params.set(w.name, w);
    params.set(b.name, b);
    return conv(t, w, b, { stride, padding: (k - 1) >> 1 });
  };
  const skips: Tensor[] = [];
  let h = x;
  spec.widths.forEach((c, l) => {
    if (l > 0) h = act(cv(`down${l}`, h, c, 3, 2));
    h = act(cv(`enc${l}.a`, h, c));
    h = act(cv(`enc${l}.b`, h, c));
    skips.push(h);
  });
  for (let l = depth - 1; l >= 0; l--) {
    h = concat([resize(h, 2, 'nearest'), skips[l]], 1);
    h = act(cv(`dec${l}.a`, h, spec.widths[l]));
    h = act(cv(`dec${l}.b`, h, spec.widths[l]));
  }
  return { logits: cv('head', h, 1, 1), params };
}

/** He-normal conv weights (LeakyReLU gain), zero biases; the head's bias starts at the damage prior. */
export function initUnet(net: UnetOut, seed = 1, prior = 0.03): Map<string, Float32Array> {
  const rng = new Rng(seed);
  const out = new Map<string, Float32Array>();
  for (const [name, t] of net.params) {
    if (name.endsWith('.bias')) {
      out.set(name, new Float32Array(t.size).fill(name === 'head.bias' ? Math.log(prior / (1 - prior)) : 0));
      continue;
    }
    const fanIn = t.shape[1] * t.shape[2] * t.shape[3];
    out.set(name, rng.normals(t.size, Math.sqrt(2 / (1.01 * fanIn))));
  }
  return out;
}

export function unetParamCount(weights: ReadonlyMap<string, Float32Array>): number {
  let n = 0;
  for (const v of weights.values()) n += v.length;
  return n;
}
