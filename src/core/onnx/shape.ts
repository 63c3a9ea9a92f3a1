/**
 * Build-time shape inference, one function per op. Every failure names the op and the shapes.
 */
import { GraphError, fmtShape, sizeOf, type DType, type Params, type Shape, type Tensor } from './graph';

export interface OutSpec {
  shape: Shape;
  dtype: DType;
}
type Infer = (x: readonly Tensor[], p: Params) => OutSpec[];

type Shaped = { readonly shape: Shape };
function fail(op: string, x: readonly Shaped[], msg: string): never {
  throw new GraphError(`${op}: ${msg} (input shapes ${x.map((t) => fmtShape(t.shape)).join(', ')})`);
}

export function broadcastShapes(op: string, x: readonly Shaped[]): number[] {
  const rank = Math.max(...x.map((t) => t.shape.length));
  const out: number[] = new Array<number>(rank).fill(1);
  for (const t of x) {
    const off = rank - t.shape.length;
    t.shape.forEach((d, i) => {
      const cur = out[off + i];
      if (d === cur || d === 1) return;
      if (cur === 1) out[off + i] = d;
      else fail(op, x, `shapes are not broadcastable at axis ${off + i} (${cur} vs ${d})`);
    });
  }
  return out;
}

export const ints = (p: Params, k: string, def?: readonly number[]): number[] => {
  const v = p[k];
  if (v === undefined) {
    if (def) return [...def];
    throw new GraphError(`missing param '${k}'`);
  }
  if (!Array.isArray(v)) throw new GraphError(`param '${k}' must be an array`);
  return [...(v as readonly number[])];
};
export const num = (p: Params, k: string, def?: number): number => {
  const v = p[k];
  if (v === undefined) {
    if (def !== undefined) return def;
    throw new GraphError(`missing param '${k}'`);
  }
  return Number(v);
};

function f32(op: string, x: readonly Tensor[], arity: number | [number, number]): void {
  const [lo, hi] = typeof arity === 'number' ? [arity, arity] : arity;
  if (x.length < lo || x.length > hi) fail(op, x, `expected ${lo === hi ? lo : `${lo}..${hi}`} inputs, got ${x.length}`);
}

const unary: Infer = (x) => [{ shape: x[0].shape, dtype: x[0].dtype }];
const binary = (op: string): Infer => (x) => {
  f32(op, x, 2);
  return [{ shape: broadcastShapes(op, x), dtype: x[0].dtype }];
};
const compare = (op: string): Infer => (x) => {
  f32(op, x, 2);
  return [{ shape: broadcastShapes(op, x), dtype: 'bool' }];
};

function convOut(inp: number, k: number, s: number, d: number, p0: number, p1: number): number {
  return Math.floor((inp + p0 + p1 - d * (k - 1) - 1) / s) + 1;
}

const conv: Infer = (x, p) => {
  const op = 'Conv';
  f32(op, x, [2, 3]);
  const [xs, ws] = [x[0].shape, x[1].shape];
  if (xs.length !== 4 || ws.length !== 4) fail(op, x, 'expected 4-D NCHW input and 4-D weight');
  const g = num(p, 'group', 1);
  const s = ints(p, 'strides'), d = ints(p, 'dilations'), pads = ints(p, 'pads');
  if (xs[1] !== ws[1] * g) fail(op, x, `input channels ${xs[1]} != weight in-channels ${ws[1]} x group ${g}`);
  if (ws[0] % g !== 0) fail(op, x, `output channels ${ws[0]} not divisible by group ${g}`);
  if (x[2] && (x[2].shape.length !== 1 || x[2].shape[0] !== ws[0])) fail(op, x, `bias must be [${ws[0]}]`);
  const oh = convOut(xs[2], ws[2], s[0], d[0], pads[0], pads[2]);
  const ow = convOut(xs[3], ws[3], s[1], d[1], pads[1], pads[3]);
  if (oh <= 0 || ow <= 0) fail(op, x, `kernel ${ws[2]}x${ws[3]} does not fit the padded input (output ${oh}x${ow})`);
  return [{ shape: [xs[0], ws[0], oh, ow], dtype: 'float32' }];
};

const convTranspose: Infer = (x, p) => {
  const op = 'ConvTranspose';
  f32(op, x, [2, 3]);
  const [xs, ws] = [x[0].shape, x[1].shape];
  if (xs.length !== 4 || ws.length !== 4) fail(op, x, 'expected 4-D NCHW input and 4-D weight');
  const g = num(p, 'group', 1);
  const s = ints(p, 'strides'), d = ints(p, 'dilations'), pads = ints(p, 'pads'), opad = ints(p, 'output_padding');
  if (xs[1] !== ws[0]) fail(op, x, `input channels ${xs[1]} != weight dim 0 (${ws[0]})`);
  if (xs[1] % g !== 0) fail(op, x, `input channels ${xs[1]} not divisible by group ${g}`);
  const m = ws[1] * g;
  if (x[2] && (x[2].shape.length !== 1 || x[2].shape[0] !== m)) fail(op, x, `bias must be [${m}]`);
  for (let i = 0; i < 2; i++) if (opad[i] >= Math.max(s[i], d[i])) fail(op, x, `output_padding ${opad[i]} must be < stride or dilation`);
  const oh = s[0] * (xs[2] - 1) + opad[0] + d[0] * (ws[2] - 1) + 1 - pads[0] - pads[2];
  const ow = s[1] * (xs[3] - 1) + opad[1] + d[1] * (ws[3] - 1) + 1 - pads[1] - pads[3];
  if (oh <= 0 || ow <= 0) fail(op, x, `output would be ${oh}x${ow}`);
  return [{ shape: [xs[0], m, oh, ow], dtype: 'float32' }];
};

const matmul: Infer = (x) => {
  const op = 'MatMul';
  f32(op, x, 2);
  const [a, b] = [x[0].shape, x[1].shape];
  if (a.length < 2 || b.length < 2) fail(op, x, 'operands must have rank >= 2');
  if (a[a.length - 1] !== b[b.length - 2]) fail(op, x, `inner dimensions differ (${a[a.length - 1]} vs ${b[b.length - 2]})`);
  const batch = broadcastShapes(op, [
    { shape: a.slice(0, -2) },
    { shape: b.slice(0, -2) },
  ]);
  return [{ shape: [...batch, a[a.length - 2], b[b.length - 1]], dtype: 'float32' }];
};

const gemm: Infer = (x, p) => {
  const op = 'Gemm';
  f32(op, x, [2, 3]);
  const [a, b] = [x[0].shape, x[1].shape];
  if (a.length !== 2 || b.length !== 2) fail(op, x, 'A and B must be 2-D');
  const ta = num(p, 'transA', 0), tb = num(p, 'transB', 0);
  const [m, k1] = ta ? [a[1], a[0]] : [a[0], a[1]];
  const [k2, n] = tb ? [b[1], b[0]] : [b[0], b[1]];
  if (k1 !== k2) fail(op, x, `inner dimensions differ (${k1} vs ${k2}; transA=${ta}, transB=${tb})`);
  if (x[2]) broadcastShapes(op, [{ shape: [m, n] }, x[2]]);
  if (x[2] && x[2].shape.length > 2) fail(op, x, 'C must have rank <= 2');
  if (x[2]) {
    const out = broadcastShapes(op, [{ shape: [m, n] }, x[2]]);
    if (out[0] !== m || out[1] !== n) fail(op, x, `C does not broadcast to [${m},${n}]`);
  }
  return [{ shape: [m, n], dtype: 'float32' }];
};

const batchNorm: Infer = (x) => {
  const op = 'BatchNormalization';
  f32(op, x, 5);
  const xs = x[0].shape;
  if (xs.length < 2) fail(op, x, 'input must have rank >= 2');
  for (let i = 1; i < 5; i++) if (x[i].shape.length !== 1 || x[i].shape[0] !== xs[1]) fail(op, x, `scale/bias/mean/var must be [${xs[1]}]`);
  return [{ shape: xs, dtype: 'float32' }];
};

function normAxes(op: string, x: readonly Tensor[], axes: number[], rank: number): number[] {
  return axes.map((a) => {
    const r = a < 0 ? a + rank : a;
    if (r < 0 || r >= rank) fail(op, x, `axis ${a} out of range for rank ${rank}`);
    return r;
  });
}

const reduce = (op: string): Infer => (x, p) => {
  f32(op, x, 1);
  const s = x[0].shape;
  const axes = normAxes(op, x, ints(p, 'axes'), s.length);
  const keep = num(p, 'keepdims', 1);
  const out: number[] = [];
  s.forEach((d, i) => {
    if (axes.includes(i)) {
      if (keep) out.push(1);
    } else out.push(d);
  });
  return [{ shape: out, dtype: 'float32' }];
};

const concat: Infer = (x, p) => {
  const op = 'Concat';
  if (x.length < 1) fail(op, x, 'needs at least one input');
  const rank = x[0].shape.length;
  const [axis] = normAxes(op, x, [num(p, 'axis')], rank);
  const out = [...x[0].shape];
  out[axis] = 0;
  for (const t of x) {
    if (t.shape.length !== rank) fail(op, x, 'all inputs must have the same rank');
    t.shape.forEach((d, i) => {
      if (i !== axis && d !== out[i]) fail(op, x, `dimension ${i} differs (${out[i]} vs ${d})`);
    });
    out[axis] += t.shape[axis];
  }
  return [{ shape: out, dtype: x[0].dtype }];
};

const reshape: Infer = (x, p) => {
  const op = 'Reshape';
  f32(op, x, 1);
  const target = ints(p, 'shape');
  if (target.some((d) => d < 0 || !Number.isInteger(d)) || sizeOf(target) !== x[0].size) {
    fail(op, x, `cannot reshape ${x[0].size} elements to ${fmtShape(target)}`);
  }
  return [{ shape: target, dtype: x[0].dtype }];
};

const transpose: Infer = (x, p) => {
  const op = 'Transpose';
  f32(op, x, 1);
  const perm = ints(p, 'perm');
  const s = x[0].shape;
  if (perm.length !== s.length || [...perm].sort((a, b) => a - b).some((v, i) => v !== i)) fail(op, x, `bad perm ${fmtShape(perm)}`);
  return [{ shape: perm.map((i) => s[i]), dtype: x[0].dtype }];
};

const slice: Infer = (x, p) => {
  const op = 'Slice';
  f32(op, x, 1);
  const s = [...x[0].shape];
  const starts = ints(p, 'starts'), ends = ints(p, 'ends'), axes = ints(p, 'axes'), steps = ints(p, 'steps');
  axes.forEach((a, i) => {
    if (a < 0 || a >= s.length) fail(op, x, `axis ${a} out of range`);
    const st = starts[i], en = ends[i], step = steps[i];
    if (step <= 0) fail(op, x, `only positive steps are supported (got ${step})`);
    if (st < 0 || en > x[0].shape[a] || st >= en) fail(op, x, `range [${st}, ${en}) invalid for axis ${a} of size ${x[0].shape[a]}`);
    s[a] = Math.ceil((en - st) / step);
  });
  return [{ shape: s, dtype: x[0].dtype }];
};

const pad: Infer = (x, p) => {
  const op = 'Pad';
  f32(op, x, 1);
  const pads = ints(p, 'pads');
  const s = x[0].shape;
  if (pads.length !== 2 * s.length) fail(op, x, `pads must have ${2 * s.length} entries (begin..., end...), got ${pads.length}`);
  const out = s.map((d, i) => d + pads[i] + pads[i + s.length]);
  if (out.some((d) => d <= 0)) fail(op, x, `pads ${fmtShape(pads)} leave an empty tensor`);
  return [{ shape: out, dtype: x[0].dtype }];
};

const resize: Infer = (x, p) => {
  const op = 'Resize';
  f32(op, x, 1);
  const s = x[0].shape;
  const scales = ints(p, 'scales');
  if (s.length !== 4 || scales.length !== 2 || scales.some((v) => !Number.isInteger(v) || v < 1)) {
    fail(op, x, `supports 4-D input with integer upsampling factors (got scales ${fmtShape(scales)})`);
  }
  return [{ shape: [s[0], s[1], s[2] * scales[0], s[3] * scales[1]], dtype: 'float32' }];
};

const where: Infer = (x) => {
  const op = 'Where';
  f32(op, x, 3);
  if (x[0].dtype !== 'bool') fail(op, x, 'condition must be bool');
  return [{ shape: broadcastShapes(op, x), dtype: x[1].dtype }];
};

const expand: Infer = (x, p) => {
  const op = 'Expand';
  f32(op, x, 1);
  const target = ints(p, 'shape');
  const out = broadcastShapes(op, [x[0], { shape: target }]);
  return [{ shape: out, dtype: x[0].dtype }];
};

const clip: Infer = (x, p) => {
  f32('Clip', x, 1);
  if (num(p, 'min') > num(p, 'max')) fail('Clip', x, 'min > max');
  return unary(x, p);
};

const DTYPES: readonly DType[] = ['float32', 'int64', 'bool', 'uint8'];
const cast: Infer = (x, p) => {
  f32('Cast', x, 1);
  const to = String(p.to) as DType;
  if (!DTYPES.includes(to)) fail('Cast', x, `unknown target dtype '${to}' (expected ${DTYPES.join(', ')})`);
  return [{ shape: x[0].shape, dtype: to }];
};

export const SHAPE_RULES: Readonly<Record<string, Infer>> = {
  Cast: cast,
  Conv: conv,
  ConvTranspose: convTranspose,
  MatMul: matmul,
  Gemm: gemm,
  Add: binary('Add'),
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  Div: binary('Div'),
  Pow: binary('Pow'),
  Greater: compare('Greater'),
  Less: compare('Less'),
  Neg: unary,
  Relu: unary,
  LeakyRelu: unary,
  Tanh: unary,
  Sigmoid: unary,
  Softplus: unary,
  Exp: unary,
  Log: unary,
  Abs: unary,
  Sign: unary,
  Sqrt: unary,
  Identity: unary,
  Clip: clip,
  BatchNormalization: batchNorm,
  Concat: concat,
  Reshape: reshape,
  Transpose: transpose,
  Slice: slice,
  Pad: pad,
  Resize: resize,
  ReduceSum: reduce('ReduceSum'),
  ReduceMean: reduce('ReduceMean'),
  Where: where,
  Expand: expand,
};

export function inferShapes(op: string, x: readonly Tensor[], p: Params): OutSpec[] {
  const rule = SHAPE_RULES[op];
  if (!rule) throw new GraphError(`unknown op '${op}' (input shapes ${x.map((t) => fmtShape(t.shape)).join(', ')}); known ops: ${Object.keys(SHAPE_RULES).join(', ')}`);
  for (const t of x) {
    const needsBool = op === 'Where' && t === x[0];
    if (op === 'Cast') continue; // any dtype in, `to` out
    if (!needsBool && t.dtype !== 'float32') fail(op, x, `input ${t.name} has dtype ${t.dtype}, expected float32`);
  }
  return rule(x, p);
}
