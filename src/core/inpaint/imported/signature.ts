// Checks what a model file declares against a preset (or a custom convention) and resolves the
// signature Renovo runs it with. A mismatch is refused with the expected and the found shapes.
import { formatDeclared, type DeclaredDim, type DeclaredModel, type DeclaredTensor } from '../../onnx/inspect';
import { InpaintError } from '../errors';
import {
  CUSTOM_DEFAULTS, INPAINTER_PRESETS, PRESETS, VALUE_RANGES,
  type CustomConvention, type InpainterPreset, type PixelConvention, type TensorDtype,
} from './presets';

/** How the crops are sized for the model: a fixed feed (width × height), or any size up to maxSide. */
export type FeedSize = { fixed: true; width: number; height: number } | { fixed: false; maxSide: number; multiple: number };

/** Everything needed to run an imported model; stored with its model version. */
export interface InpainterSignature extends PixelConvention {
  preset: InpainterPreset;
  dtype: TensorDtype;
  outputDtype: TensorDtype;
  feed: FeedSize;
  names: { image: string; mask: string; output: string };
}

const isDyn = (d: DeclaredDim): boolean => d === null || typeof d === 'string';
const shapeOk = (d: DeclaredDim, want: number | null): boolean => want === null || isDyn(d) || d === want;
const fmtWant = (name: string, c: number, side: number | null, dtype: string): string => {
  const s = side === null ? 'H' : String(side);
  return `${name} [1,${c},${s},${side === null ? 'W' : s}] ${dtype}`;
};

/** Image input (3 channels) and mask input (1 channel), by channel count, then by name, then by order. */
function pickInputs(inputs: DeclaredTensor[]): { image: DeclaredTensor; mask: DeclaredTensor } | null {
  if (inputs.length !== 2) return null;
  const ch = (t: DeclaredTensor): DeclaredDim => t.dims?.[1] ?? null;
  const image = inputs.find((t) => ch(t) === 3) ?? inputs.find((t) => /image|img/i.test(t.name)) ?? inputs[0];
  const mask = inputs.find((t) => t !== image);
  return mask ? { image, mask } : null;
}

function problemsOf(t: DeclaredTensor, role: string, channels: number, side: number | null, dtype: string | null): string[] {
  const out: string[] = [];
  if (dtype !== null && t.dtype !== dtype) out.push(`${role} is ${t.dtype}, expected ${dtype}`);
  if (t.dims === null) return out; // no declared shape: onnxruntime will tell at run time
  if (t.dims.length !== 4) { out.push(`${role} has ${t.dims.length} dimensions, expected 4 (N,C,H,W)`); return out; }
  const [n, c, h, w] = t.dims;
  if (!shapeOk(n, 1)) out.push(`${role} batch is ${n}, expected 1`);
  if (!shapeOk(c, channels)) out.push(`${role} has ${c} channels, expected ${channels}`);
  if (!shapeOk(h, side)) out.push(`${role} height is ${h}, expected ${side}`);
  if (!shapeOk(w, side)) out.push(`${role} width is ${w}, expected ${side}`);
  return out;
}

function refuse(file: string, what: string, expected: string, m: DeclaredModel, problems: string[]): never {
  const found = `inputs ${m.inputs.map(formatDeclared).join(', ') || 'none'}; outputs ${m.outputs.map(formatDeclared).join(', ') || 'none'}`;
  throw new InpaintError('MODEL_SIGNATURE', `${file} does not match ${what}: expected ${expected}; found ${found} (${problems.join('; ')})`);
}

function checkConvention(c: CustomConvention, dtype: TensorDtype, outputDtype: TensorDtype): void {
  const bad = (why: string): never => { throw new InpaintError('MODEL_SIGNATURE', `custom signature: ${why}`); };
  if (dtype === 'uint8' && c.imageRange !== undefined && c.imageRange !== '0-255') bad(`a uint8 model takes images in 0-255, not ${c.imageRange}`);
  if (dtype === 'uint8' && c.maskRange !== undefined && c.maskRange !== '0-255') bad(`a uint8 model takes masks in 0-255, not ${c.maskRange}`);
  if (outputDtype === 'uint8' && c.outputRange !== undefined && c.outputRange !== '0-255') bad(`a uint8 output is in 0-255, not ${c.outputRange}`);
  if (c.maxSide !== undefined && !(Number.isInteger(c.maxSide) && c.maxSide >= 32 && c.maxSide <= 4096)) bad(`maxSide must be an integer from 32 to 4096 (got ${c.maxSide})`);
  if (c.multiple !== undefined && !(Number.isInteger(c.multiple) && c.multiple >= 1 && c.multiple <= 512)) bad(`multiple must be an integer from 1 to 512 (got ${c.multiple})`);
  if (c.imageRange !== undefined && !VALUE_RANGES.includes(c.imageRange)) bad(`unknown image range ${String(c.imageRange)}`);
}

/**
 * The signature to run `m` with under `preset`. Throws InpaintError MODEL_SIGNATURE naming the
 * expected and found inputs/outputs when the file does not fit.
 */
export function resolveSignature(m: DeclaredModel, file: string, preset: InpainterPreset, custom: CustomConvention = {}): InpainterSignature {
  if (!INPAINTER_PRESETS.includes(preset)) throw new InpaintError('MODEL_SIGNATURE', `unknown preset '${String(preset)}' (expected ${INPAINTER_PRESETS.join(', ')})`);
  const io = pickInputs(m.inputs);
  const output = m.outputs.find((t) => t.dims?.[1] === 3) ?? m.outputs[0];
  if (preset !== 'custom') {
    const p = PRESETS[preset];
    const expected = `inputs ${fmtWant('image', 3, p.declaredSide, p.dtype)}, ${fmtWant('mask', 1, p.declaredSide, p.dtype)}; output ${fmtWant('', 3, p.declaredSide, p.outputDtype).trim()}`;
    const problems: string[] = [];
    if (!io) problems.push(`${m.inputs.length} input(s), expected 2`);
    if (!output) problems.push('no output');
    if (io) problems.push(...problemsOf(io.image, 'image', 3, p.declaredSide, p.dtype), ...problemsOf(io.mask, 'mask', 1, p.declaredSide, p.dtype));
    if (output) problems.push(...problemsOf(output, 'output', 3, p.declaredSide, p.outputDtype));
    if (problems.length || !io || !output) refuse(file, `preset ${preset}`, expected, m, problems);
    return { preset, ...p.convention, dtype: p.dtype, outputDtype: p.outputDtype, feed: { fixed: true, width: p.feedSide, height: p.feedSide }, names: { image: io.image.name, mask: io.mask.name, output: output.name } };
  }
  // custom: dtypes and size come from the file; the pixel convention from the user
  const expected = 'an image input [1,3,H,W], a mask input [1,1,H,W] of the same dtype (float32 or uint8) and an image output [1,3,H,W] (float32 or uint8)';
  if (!io || !output) refuse(file, 'a custom inpainter signature', expected, m, [!io ? `${m.inputs.length} input(s), expected 2` : 'no output']);
  const dtype = io.image.dtype as TensorDtype;
  const problems: string[] = [];
  if (dtype !== 'float32' && dtype !== 'uint8') problems.push(`image is ${io.image.dtype}, expected float32 or uint8`);
  if (output.dtype !== 'float32' && output.dtype !== 'uint8') problems.push(`output is ${output.dtype}, expected float32 or uint8`);
  problems.push(...problemsOf(io.image, 'image', 3, null, null), ...problemsOf(io.mask, 'mask', 1, null, dtype), ...problemsOf(output, 'output', 3, null, null));
  const hw = (t: DeclaredTensor): [DeclaredDim, DeclaredDim] => [t.dims?.[2] ?? null, t.dims?.[3] ?? null];
  const [h, w] = hw(io.image);
  const [mh, mw] = hw(io.mask);
  if ((!isDyn(h) && !isDyn(mh) && h !== mh) || (!isDyn(w) && !isDyn(mw) && w !== mw)) problems.push(`image is ${h}×${w} but mask is ${mh}×${mw}`);
  if (isDyn(h) !== isDyn(w)) problems.push('one side is fixed and the other dynamic; expected both fixed or both dynamic');
  if (problems.length) refuse(file, 'a custom inpainter signature', expected, m, problems);
  const outputDtype = output.dtype as TensorDtype;
  checkConvention(custom, dtype, outputDtype);
  const fromDtype: Partial<PixelConvention> = dtype === 'uint8' ? { imageRange: '0-255', maskRange: '0-255' } : {};
  const convention: PixelConvention = {
    channels: custom.channels ?? CUSTOM_DEFAULTS.channels,
    imageRange: custom.imageRange ?? fromDtype.imageRange ?? CUSTOM_DEFAULTS.imageRange,
    maskRange: custom.maskRange ?? fromDtype.maskRange ?? CUSTOM_DEFAULTS.maskRange,
    maskPolarity: custom.maskPolarity ?? CUSTOM_DEFAULTS.maskPolarity,
    outputRange: custom.outputRange ?? (outputDtype === 'uint8' ? '0-255' : CUSTOM_DEFAULTS.outputRange),
  };
  const feed: FeedSize = isDyn(h)
    ? { fixed: false, maxSide: custom.maxSide ?? CUSTOM_DEFAULTS.maxSide, multiple: custom.multiple ?? CUSTOM_DEFAULTS.multiple }
    : { fixed: true, width: w as number, height: h as number };
  return { preset, ...convention, dtype, outputDtype, feed, names: { image: io.image.name, mask: io.mask.name, output: output.name } };
}

/** `512×512 RGB 0-1, mask 1 = fill` — one line for listings. */
export function describeSignature(s: InpainterSignature): string {
  const size = s.feed.fixed ? `${s.feed.width}×${s.feed.height}` : `any size ≤ ${s.feed.maxSide} (multiple of ${s.feed.multiple})`;
  const hole = s.maskPolarity === 'hole-high' ? (s.maskRange === '0-1' ? '1' : '255') : '0';
  return `${s.preset}: ${size}, ${s.dtype} ${s.channels.toUpperCase()} ${s.imageRange}, mask ${s.maskRange} with ${hole} = fill, output ${s.outputDtype} ${s.outputRange}`;
}
