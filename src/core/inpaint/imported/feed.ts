// One crop to an imported model and back: the crop is resized to the model's input keeping its
// aspect (the rest of the input is the crop mirrored, so the model sees plausible context and no
// hard edge), encoded per the signature, and the model's output is decoded, cut to the crop's part
// and resized back. Pure: no session here, so the encoding is testable on its own.
import { resampleHoles, resampleInterleaved } from '../../image/resample';
import type { ValueRange } from './presets';
import type { InpainterSignature } from './signature';

/** Where the crop sits in the model input: content w×h at the top-left of a tensor tw×th. */
export interface FeedPlan {
  /** crop size */
  w: number;
  h: number;
  /** crop content as resized */
  sw: number;
  sh: number;
  /** tensor size (content + mirrored padding) */
  tw: number;
  th: number;
  /** sw / w */
  scale: number;
}

export function planFeed(w: number, h: number, sig: InpainterSignature): FeedPlan {
  const f = sig.feed;
  if (f.fixed) {
    const scale = Math.min(f.width / w, f.height / h);
    const sw = Math.max(1, Math.min(f.width, Math.round(w * scale))), sh = Math.max(1, Math.min(f.height, Math.round(h * scale)));
    return { w, h, sw, sh, tw: f.width, th: f.height, scale };
  }
  // dynamic: native resolution up to maxSide (IOPaint's resize limit), padded up to a multiple
  const scale = Math.min(1, f.maxSide / Math.max(w, h));
  const sw = Math.max(1, Math.round(w * scale)), sh = Math.max(1, Math.round(h * scale));
  const up = (v: number): number => Math.max(f.multiple, Math.ceil(v / f.multiple) * f.multiple);
  return { w, h, sw, sh, tw: up(sw), th: up(sh), scale };
}

/** Mirror index (…2 1 0 | 0 1 2 … n-1 | n-1 n-2 …), so padding repeats the content's edge region. */
function mirror(v: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n;
  const m = v % period;
  return m < n ? m : period - 1 - m;
}

const encode = (v: number, range: ValueRange): number => (range === '0-1' ? v / 255 : range === '-1-1' ? v / 127.5 - 1 : v);
const decodeScale = (range: ValueRange): ((v: number) => number) => (range === '0-1' ? (v) => v * 255 : range === '-1-1' ? (v) => (v + 1) * 127.5 : (v) => v);

export interface FeedTensors {
  image: Float32Array | Uint8Array;
  mask: Float32Array | Uint8Array;
  /** resized crop (sw×sh, C interleaved, 0..255) and holes, kept to judge the output range */
  content: Float32Array;
  holes: Uint8Array;
}

/** NCHW image [1,3,th,tw] and mask [1,1,th,tw] for a crop (C = 1 or 3 interleaved 0..255, hole 0/1). */
export function encodeCrop(data: Float32Array, hole: Uint8Array, C: number, plan: FeedPlan, sig: InpainterSignature): FeedTensors {
  const { w, h, sw, sh, tw, th } = plan;
  const content = sw === w && sh === h ? data : resampleInterleaved(data, C, w, h, sw, sh);
  const holes = sw === w && sh === h ? hole : resampleHoles(hole, w, h, sw, sh);
  const n = tw * th;
  const uint8 = sig.dtype === 'uint8';
  const image = uint8 ? new Uint8Array(3 * n) : new Float32Array(3 * n);
  const mask = uint8 ? new Uint8Array(n) : new Float32Array(n);
  const top = sig.maskRange === '0-1' ? 1 : 255;
  const [holeV, knownV] = sig.maskPolarity === 'hole-high' ? [top, 0] : [0, top];
  const order = sig.channels === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  for (let y = 0; y < th; y++) {
    const sy = mirror(y, sh);
    for (let x = 0; x < tw; x++) {
      const s = sy * sw + mirror(x, sw);
      const p = y * tw + x;
      mask[p] = holes[s] ? holeV : knownV;
      for (let k = 0; k < 3; k++) {
        const v = C === 1 ? content[s] : content[s * C + order[k]];
        image[k * n + p] = uint8 ? Math.round(v) : encode(v, sig.imageRange);
      }
    }
  }
  return { image, mask, content, holes };
}

/**
 * 'auto' output range: the model hands the known pixels back as it got them, so whichever reading
 * (0..1 or 0..255) reproduces them better is the one it uses. Falls back to 0..255 when the crop
 * has no known pixel, or the known pixels are black (both readings fit).
 */
export function detectOutputRange(out: ArrayLike<number>, ft: FeedTensors, plan: FeedPlan, sig: InpainterSignature, C: number): '0-1' | '0-255' {
  const { sw, sh, tw, th } = plan;
  const n = tw * th;
  const order = sig.channels === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  let e01 = 0, e255 = 0, count = 0, bright = 0;
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const s = y * sw + x;
      if (ft.holes[s]) continue;
      for (let k = 0; k < 3; k++) {
        const truth = C === 1 ? ft.content[s] : ft.content[s * C + order[k]];
        const v = out[k * n + y * tw + x];
        e01 += Math.abs(v * 255 - truth);
        e255 += Math.abs(v - truth);
        bright += truth;
        count++;
      }
    }
  }
  if (count === 0 || bright / count < 2) return '0-255';
  return e01 < e255 ? '0-1' : '0-255';
}

/**
 * The model's output [1,3,th,tw] as crop values (w×h, C interleaved, 0..255): the content part cut
 * out, decoded, resized back to the crop. Only the hole pixels of the result are ever used.
 */
export function decodeOutput(out: ArrayLike<number>, range: ValueRange, plan: FeedPlan, sig: InpainterSignature, C: number): Float32Array {
  const { w, h, sw, sh, tw, th } = plan;
  const n = tw * th;
  const dec = decodeScale(range);
  const order = sig.channels === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const small = new Float32Array(sw * sh * C);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const p = y * tw + x, d = y * sw + x;
      if (C === 1) small[d] = (dec(out[p]) + dec(out[n + p]) + dec(out[2 * n + p])) / 3;
      else for (let k = 0; k < 3; k++) small[d * C + order[k]] = dec(out[k * n + p]);
    }
  }
  return sw === w && sh === h ? small : resampleInterleaved(small, C, sw, sh, w, h);
}
