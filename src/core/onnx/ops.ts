/**
 * Typed op constructors. Each infers output shapes at build time (see shape.ts) and throws a
 * GraphError naming the op and the input shapes when the graph is malformed.
 */
import { GraphError, type DType, type Graph, type Params, type Tensor } from './graph';
import { inferShapes } from './shape';

export type Operand = Tensor | number;

/** Generic op: `op(type, inputs, params)`; unknown op types throw. Returns the first output. */
export function op(type: string, inputs: readonly Tensor[], params: Params = {}): Tensor {
  if (inputs.length === 0) throw new GraphError(`${type}: needs at least one input`);
  const g = inputs[0].graph;
  const outs = inferShapes(type, inputs, params);
  return g.addNode(type, inputs, params, outs).outputs[0];
}

function graphOf(...xs: Operand[]): Graph {
  for (const x of xs) if (typeof x !== 'number') return x.graph;
  throw new GraphError('at least one operand must be a tensor');
}
function lift(g: Graph, x: Operand): Tensor {
  return typeof x === 'number' ? g.constant(x) : x;
}
function bin(type: string, a: Operand, b: Operand): Tensor {
  const g = graphOf(a, b);
  return op(type, [lift(g, a), lift(g, b)]);
}

export const add = (a: Operand, b: Operand): Tensor => bin('Add', a, b);
export const sub = (a: Operand, b: Operand): Tensor => bin('Sub', a, b);
export const mul = (a: Operand, b: Operand): Tensor => bin('Mul', a, b);
export const div = (a: Operand, b: Operand): Tensor => bin('Div', a, b);
export const pow = (a: Operand, b: Operand): Tensor => bin('Pow', a, b);
export const greater = (a: Operand, b: Operand): Tensor => bin('Greater', a, b);
export const less = (a: Operand, b: Operand): Tensor => bin('Less', a, b);

export const neg = (x: Tensor): Tensor => op('Neg', [x]);
export const relu = (x: Tensor): Tensor => op('Relu', [x]);
export const leakyRelu = (x: Tensor, alpha = 0.01): Tensor => op('LeakyRelu', [x], { alpha });
export const tanh = (x: Tensor): Tensor => op('Tanh', [x]);
export const sigmoid = (x: Tensor): Tensor => op('Sigmoid', [x]);
export const softplus = (x: Tensor): Tensor => op('Softplus', [x]);
export const exp = (x: Tensor): Tensor => op('Exp', [x]);
export const log = (x: Tensor): Tensor => op('Log', [x]);
export const abs = (x: Tensor): Tensor => op('Abs', [x]);
export const sign = (x: Tensor): Tensor => op('Sign', [x]);
export const sqrt = (x: Tensor): Tensor => op('Sqrt', [x]);
export const identity = (x: Tensor): Tensor => op('Identity', [x]);
export const clip = (x: Tensor, min: number, max: number): Tensor => op('Clip', [x], { min, max });

/** Element type conversion (e.g. a uint8 image input to float32, and back for a uint8 output). */
export const cast = (x: Tensor, to: DType): Tensor => op('Cast', [x], { to });

export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  const g = cond.graph;
  return op('Where', [cond, lift(g, a), lift(g, b)]);
}

export interface ConvOptions {
  stride?: number | [number, number];
  /** Symmetric padding, [padH, padW], or ONNX order [top, left, bottom, right]. */
  padding?: number | [number, number] | [number, number, number, number];
  dilation?: number | [number, number];
  groups?: number;
}
export interface ConvTransposeOptions extends ConvOptions {
  outputPadding?: number | [number, number];
}

const pair = (v: number | [number, number] | undefined, def: number): [number, number] =>
  v === undefined ? [def, def] : typeof v === 'number' ? [v, v] : v;
function pads4(v: ConvOptions['padding']): number[] {
  if (v === undefined) return [0, 0, 0, 0];
  if (typeof v === 'number') return [v, v, v, v];
  if (v.length === 2) return [v[0], v[1], v[0], v[1]];
  return [...v];
}
function convParams(w: Tensor, o: ConvOptions): Params {
  return {
    kernel_shape: [w.shape[2], w.shape[3]],
    strides: pair(o.stride, 1),
    pads: pads4(o.padding),
    dilations: pair(o.dilation, 1),
    group: o.groups ?? 1,
  };
}

/** 2-D convolution. x [N,C,H,W], w [M, C/groups, kh, kw], b [M]. */
export function conv(x: Tensor, w: Tensor, b: Tensor | null = null, o: ConvOptions = {}): Tensor {
  return op('Conv', b ? [x, w, b] : [x, w], convParams(w, o));
}

/** 2-D transposed convolution. x [N,C,H,W], w [C, M/groups, kh, kw], b [M]. */
export function convTranspose(x: Tensor, w: Tensor, b: Tensor | null = null, o: ConvTransposeOptions = {}): Tensor {
  return op('ConvTranspose', b ? [x, w, b] : [x, w], { ...convParams(w, o), output_padding: pair(o.outputPadding, 0) });
}

export const matmul = (a: Tensor, b: Tensor): Tensor => op('MatMul', [a, b]);

export interface GemmOptions {
  alpha?: number;
  beta?: number;
  transA?: boolean;
  transB?: boolean;
}
/** Y = alpha * A' B' + beta * C (A, B 2-D). */
export function gemm(a: Tensor, b: Tensor, c: Tensor | null = null, o: GemmOptions = {}): Tensor {
  return op('Gemm', c ? [a, b, c] : [a, b], { alpha: o.alpha ?? 1, beta: o.beta ?? 1, transA: o.transA ? 1 : 0, transB: o.transB ? 1 : 0 });
}

export function concat(xs: readonly Tensor[], axis: number): Tensor {
  return op('Concat', xs, { axis });
}

/** Reshape; supports one -1 and 0 (= copy input dim) entries, resolved at build time. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const s = shape.map((d, i) => (d === 0 ? x.shape[i] : d));
  const known = s.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const neg = s.filter((d) => d === -1).length;
  if (neg > 1) throw new GraphError(`Reshape: more than one -1 in ${JSON.stringify(shape)} (input shape [${x.shape.join(',')}])`);
  const resolved = s.map((d) => (d === -1 ? (known === 0 ? 0 : x.size / known) : d));
  return op('Reshape', [x], { shape: resolved });
}

export function transpose(x: Tensor, perm: readonly number[]): Tensor {
  return op('Transpose', [x], { perm: [...perm] });
}

/** Slice with positive steps; negative starts/ends count from the end; ends are clamped. */
export function slice(x: Tensor, starts: readonly number[], ends: readonly number[], axes?: readonly number[], steps?: readonly number[]): Tensor {
  const ax = (axes ?? starts.map((_, i) => i)).map((a) => (a < 0 ? a + x.shape.length : a));
  const norm = (v: number, a: number): number => {
    const d = x.shape[a] ?? 0;
    const r = v < 0 ? v + d : v;
    return Math.max(0, Math.min(d, r));
  };
  return op('Slice', [x], {
    starts: starts.map((v, i) => norm(v, ax[i])),
    ends: ends.map((v, i) => norm(v, ax[i])),
    axes: ax,
    steps: steps ? [...steps] : ax.map(() => 1),
  });
}

/** Pad; `pads` in ONNX order (all begins, then all ends). Modes: constant | reflect | edge. */
export function pad(x: Tensor, pads: readonly number[], mode: 'constant' | 'reflect' | 'edge' = 'constant', value = 0): Tensor {
  return op('Pad', [x], { pads: [...pads], mode, value });
}

/** Integer-factor upsampling of a 4-D tensor (nearest: asymmetric+floor; bilinear: half_pixel). */
export function resize(x: Tensor, scale: number | [number, number], mode: 'nearest' | 'linear' = 'nearest'): Tensor {
  return op('Resize', [x], { scales: pair(scale, 1), mode });
}

export function reduceSum(x: Tensor, axes?: readonly number[], keepdims = false): Tensor {
  return op('ReduceSum', [x], { axes: axes ? [...axes] : x.shape.map((_, i) => i), keepdims: keepdims ? 1 : 0 });
}
export function reduceMean(x: Tensor, axes?: readonly number[], keepdims = false): Tensor {
  return op('ReduceMean', [x], { axes: axes ? [...axes] : x.shape.map((_, i) => i), keepdims: keepdims ? 1 : 0 });
}
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  return op('Expand', [x], { shape: [...shape] });
}

export interface BatchNormOptions {
  epsilon?: number;
  /** true: normalise with batch statistics (training); false: with running mean/var. */
  training?: boolean;
}
export interface BatchNormResult {
  y: Tensor;
  /** Batch mean and biased batch variance ([C]) in training mode, for running-statistics updates. */
  batchMean: Tensor | null;
  batchVar: Tensor | null;
}

/**
 * BatchNormalization over axis 1. Inference mode emits one ONNX BatchNormalization node;
 * training mode is composed from primitives so its gradient (through the batch statistics)
 * follows from the per-op rules.
 */
export function batchNorm(x: Tensor, scale: Tensor, bias: Tensor, mean: Tensor | null, variance: Tensor | null, o: BatchNormOptions = {}): BatchNormResult {
  const epsilon = o.epsilon ?? 1e-5;
  if (!o.training) {
    if (!mean || !variance) throw new GraphError(`BatchNormalization: inference mode needs running mean and variance (input shape [${x.shape.join(',')}])`);
    return { y: op('BatchNormalization', [x, scale, bias, mean, variance], { epsilon }), batchMean: null, batchVar: null };
  }
  const c = x.shape[1];
  if (scale.shape.length !== 1 || scale.shape[0] !== c || bias.shape.length !== 1 || bias.shape[0] !== c) {
    throw new GraphError(`BatchNormalization: scale/bias must be [${c}] (shapes [${x.shape.join(',')}], [${scale.shape.join(',')}], [${bias.shape.join(',')}])`);
  }
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const bshape = x.shape.map((d, i) => (i === 1 ? d : 1));
  const m = reduceMean(x, axes, true);
  const xc = sub(x, m);
  const v = reduceMean(mul(xc, xc), axes, true);
  const inv = div(1, sqrt(add(v, epsilon)));
  const y = add(mul(mul(xc, inv), reshape(scale, bshape)), reshape(bias, bshape));
  return { y, batchMean: reshape(m, [c]), batchVar: reshape(v, [c]) };
}
