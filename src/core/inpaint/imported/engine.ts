// The 'onnx' engine: a user's own inpainting model (LaMa, MI-GAN, …) run on each crop the region
// strategy makes. Sessions come from the same Runtime as the GAN models (GPU provider where the
// platform has one, CPU fallback), cached by the model file's sha256.
import * as ort from 'onnxruntime-node';
import { Runtime, type CompiledGraph } from '../../onnx/runtime';
import { InpaintError } from '../errors';
import { planCrops, type Crop, type Rect } from '../regions';
import { decodeOutput, detectOutputRange, encodeCrop, planFeed } from './feed';
import type { InpainterSignature } from './signature';

/** An imported model as the engine needs it. */
export interface OnnxInpainter {
  /** sha256 of the file: the session cache key */
  sha256: string;
  bytes: Uint8Array;
  signature: InpainterSignature;
}

/** What one crop went through, recorded with the edit. */
export interface OnnxCropReport {
  crop: { x0: number; y0: number; w: number; h: number };
  /** the tensor fed to the model and the crop's scale in it */
  input: { width: number; height: number };
  scale: number;
  outputRange: string;
}

/** Margin around a hole: IOPaint's crop strategy keeps 128 px of context (hd_strategy_crop_margin). */
export const ONNX_CROP_MARGIN = 128;

/**
 * Context margin for a hole of extent `ext`: IOPaint's 128 px, and for a fixed-size model at least
 * enough to fill its input at native resolution (no resampling for holes smaller than the model).
 */
export function onnxMargin(ext: number, sig: InpainterSignature): number {
  const side = sig.feed.fixed ? Math.min(sig.feed.width, sig.feed.height) : 0;
  return Math.max(ONNX_CROP_MARGIN, Math.ceil((side - ext) / 2));
}

/**
 * Crops grown (and moved inward at the photo's edges, as IOPaint's _crop_box does) to at least the
 * input of a fixed-size model, so a small hole near an edge still gets a full input of real
 * context; crops that then overlap are merged.
 */
export function fitCropsToModel(rects: Rect[], width: number, height: number, sig: InpainterSignature): Rect[] {
  if (!sig.feed.fixed) return rects;
  const grow = (lo: number, hi: number, want: number, size: number): [number, number] => {
    const len = hi - lo + 1;
    if (len >= want || len >= size) return [lo, hi];
    const extra = Math.min(want, size) - len;
    let a = lo - Math.floor(extra / 2), b = hi + Math.ceil(extra / 2);
    if (a < 0) { b -= a; a = 0; }
    if (b > size - 1) { a -= b - (size - 1); b = size - 1; }
    return [Math.max(0, a), Math.min(size - 1, b)];
  };
  const grown = rects.map((r) => {
    const [x0, x1] = grow(r.x0, r.x1, sig.feed.fixed ? sig.feed.width : 0, width);
    const [y0, y1] = grow(r.y0, r.y1, sig.feed.fixed ? sig.feed.height : 0, height);
    return { x0, y0, x1, y1 };
  });
  // planCrops merges overlapping boxes; it grows each by its 1-px minimum margin, so hand it each box
  // shrunk by that pixel (boxes are never thinner than 3 px: every hole gets ≥ 128 px of margin)
  const shrunk = grown.map((r) => ({ rect: { x0: r.x0 + 1, y0: r.y0 + 1, x1: r.x1 - 1, y1: r.y1 - 1 }, area: 0, boundary: 0 }));
  return planCrops(shrunk, width, height, () => 1);
}

let sharedRuntime: Runtime | null = null;
function defaultRuntime(): Runtime {
  sharedRuntime ??= new Runtime({ provider: 'auto', spin: false });
  return sharedRuntime;
}

/** A session for the model on `runtime` (compiled once per sha256 and runtime). */
export function onnxSession(model: OnnxInpainter, runtime: Runtime = defaultRuntime()): Promise<CompiledGraph> {
  return runtime.compile({ bytes: model.bytes, hash: model.sha256, inputs: [], outputs: [] });
}

function tensorOf(data: Float32Array | Uint8Array, shape: number[]): ort.Tensor {
  return data instanceof Uint8Array ? new ort.Tensor('uint8', data, shape) : new ort.Tensor('float32', data, shape);
}

/** Fills one crop with the model: values over the whole crop (only its hole pixels are used). */
export async function fillCropWithModel(crop: Crop, model: OnnxInpainter, session: CompiledGraph): Promise<{ values: Float32Array; report: OnnxCropReport }> {
  const sig = model.signature;
  const plan = planFeed(crop.w, crop.h, sig);
  const ft = encodeCrop(crop.data, crop.hole, crop.C, plan, sig);
  const feeds = {
    [sig.names.image]: tensorOf(ft.image, [1, 3, plan.th, plan.tw]),
    [sig.names.mask]: tensorOf(ft.mask, [1, 1, plan.th, plan.tw]),
  };
  let result: ort.InferenceSession.OnnxValueMapType;
  try {
    result = await session.runTensors(feeds, [sig.names.output]);
  } catch (e) {
    throw new InpaintError('MODEL_RUN_FAILED', `inpaint (onnx): the model failed on a ${plan.tw}×${plan.th} input: ${(e as Error).message.split('\n')[0]}`);
  }
  const out = result[sig.names.output] as ort.Tensor;
  const want = [1, 3, plan.th, plan.tw];
  if (out.dims.length !== 4 || out.dims.some((d, i) => d !== want[i])) {
    throw new InpaintError('MODEL_OUTPUT_SHAPE', `inpaint (onnx): the model returned [${out.dims.join(',')}] for a [${want.join(',')}] input; expected [${want.join(',')}]`);
  }
  const data = out.data as ArrayLike<number>;
  const range = sig.outputRange === 'auto' ? detectOutputRange(data, ft, plan, sig, crop.C) : sig.outputRange;
  const values = decodeOutput(data, range, plan, sig, crop.C);
  for (let p = 0; p < crop.w * crop.h; p++) if (!crop.hole[p]) for (let c = 0; c < crop.C; c++) values[p * crop.C + c] = crop.data[p * crop.C + c];
  return {
    values,
    report: { crop: { x0: crop.rect.x0, y0: crop.rect.y0, w: crop.w, h: crop.h }, input: { width: plan.tw, height: plan.th }, scale: plan.scale, outputRange: range },
  };
}
