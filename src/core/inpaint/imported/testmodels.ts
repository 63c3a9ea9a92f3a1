// Tiny stand-ins for the models users import, built with Renovo's own graph builder and declaring
// the same inputs and outputs as the real exports (the real LaMa / MI-GAN files cannot be fetched
// here). Each fills the hole with one known colour and returns the known pixels unchanged, so a
// test can tell the hole got the model's fill and nothing else moved.
import { Graph } from '../../onnx/graph';
import { add, cast, div, mul, sub } from '../../onnx/ops';
import { serialize } from '../../onnx/serialize';

export type Rgb = readonly [number, number, number];

/** The file's bytes (own ArrayBuffer, as an upload or a file read gives them). */
const fileBytes = (b: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(b);

/** Carve/LaMa-ONNX's signature: image [1,3,S,S] RGB 0..1, mask [1,1,S,S] 1 = fill; output [1,3,S,S] in 0..255 (or 0..1). */
export function lamaLikeModel(colour: Rgb, o: { side?: number; outputRange?: '0-255' | '0-1' } = {}): Uint8Array<ArrayBuffer> {
  const S = o.side ?? 512;
  const g = new Graph('lama_like');
  const image = g.input('image', [1, 3, S, S]);
  const mask = g.input('mask', [1, 1, S, S]);
  const fill = g.constant(colour.map((c) => c / 255), [1, 3, 1, 1]);
  const out = add(mul(image, sub(1, mask)), mul(fill, mask));
  g.output('output', o.outputRange === '0-1' ? out : mul(out, 255));
  return fileBytes(serialize(g, { producer: 'renovo-test' }).bytes);
}

/**
 * The MI-GAN ONNX pipeline's signature: image uint8 [batch,3,height,width], mask uint8
 * [batch,1,height,width] with 255 = keep; output `result` uint8, the whole image composited.
 */
export function miganLikeModel(colour: Rgb): Uint8Array<ArrayBuffer> {
  const g = new Graph('migan_like');
  const image = g.input('image', [1, 3, 8, 8], 'uint8');
  const mask = g.input('mask', [1, 1, 8, 8], 'uint8');
  const keep = div(cast(mask, 'float32'), 255);
  const fill = g.constant(colour, [1, 3, 1, 1]);
  g.output('result', cast(add(mul(cast(image, 'float32'), keep), mul(fill, sub(1, keep))), 'uint8'));
  const dyn = { 0: 'batch_size', 2: 'height', 3: 'width' };
  return fileBytes(serialize(g, { producer: 'renovo-test', symbolicDims: { image: dyn, mask: dyn, result: dyn } }).bytes);
}

/**
 * A model only a custom signature describes: BGR in −1..1, mask 1 = KEEP (0 = fill), output BGR in
 * −1..1, fixed `side` (or dynamic when side is omitted).
 */
export function customModel(colour: Rgb, side?: number): Uint8Array<ArrayBuffer> {
  const S = side ?? 8;
  const g = new Graph('custom_like');
  const image = g.input('input_bgr', [1, 3, S, S]);
  const keep = g.input('known', [1, 1, S, S]);
  const fill = g.constant([colour[2], colour[1], colour[0]].map((c) => c / 127.5 - 1), [1, 3, 1, 1]);
  g.output('restored', add(mul(image, keep), mul(fill, sub(1, keep))));
  const dyn = { 2: 'h', 3: 'w' };
  return fileBytes(serialize(g, { producer: 'renovo-test', ...(side ? {} : { symbolicDims: { input_bgr: dyn, known: dyn, restored: dyn } }) }).bytes);
}
