/**
 * Serialise a Graph to an ONNX ModelProto (IR 8, opset 17) with a tiny protobuf writer.
 * Field numbers follow the public onnx.proto schema. Logical params are lowered to ONNX
 * attributes or int64/float constant inputs here, so the IR stays free of ONNX encoding details.
 */
import { createHash } from 'node:crypto';
import { GraphError, type DType, type Graph, type Node, type Shape, type Tensor } from './graph';
import { ProtoWriter } from './proto';
import { ints, num } from './shape';

export const OPSET = 17;
export const IR_VERSION = 8;

/** ONNX TensorProto.DataType numbers. */
const ELEM: Record<DType, number> = { float32: 1, uint8: 2, int64: 7, bool: 9 };
const ATTR_FLOAT = 1, ATTR_INT = 2, ATTR_STRING = 3, ATTR_INTS = 7;

type Attr = { name: string } & ({ f: number } | { i: number } | { s: string } | { ints: readonly number[] });
interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs: Attr[];
  name: string;
}
interface Init {
  name: string;
  dtype: DType;
  shape: Shape;
  raw: Uint8Array;
}

export interface SerializeOptions {
  /** Output names to keep (default: all graph outputs). Unneeded nodes are pruned. */
  outputs?: readonly string[];
  /** Params/inputs baked in as initializers (name -> float32 data), e.g. for export. */
  initializers?: ReadonlyMap<string, Float32Array>;
  /** Keep every declared input even if no kept output uses it (default false). */
  keepAllInputs?: boolean;
  /**
   * How to emit ConvTranspose with kernel 4, stride 2, padding 1 (the DCGAN/U-Net upsampler):
   * 'native' as one ConvTranspose; 'matmul' as one batch-wide GEMM + explicit col2im; 'polyphase'
   * as four 2x2 Convs + interleave; 'auto' (default): 'matmul' for inputs of at most 4x4 pixels,
   * else 'native'. Measured on onnxruntime 1.30 CPU (BENCHMARKS.md): matmul is ~1.7x faster than
   * native at 4x4 inputs, even at 8x8 and slower from 16x16; polyphase was slower everywhere.
   */
  convTranspose?: 'auto' | 'polyphase' | 'native' | 'matmul';
  producer?: string;
  docString?: string;
  /**
   * Axes of inputs/outputs declared with a named (dynamic) dimension instead of the built size,
   * e.g. { image: { 2: 'height', 3: 'width' } }. Only sound for graphs whose ops do not bake the
   * size in (element-wise graphs: test models that stand in for dynamic-size exports).
   */
  symbolicDims?: Readonly<Record<string, Readonly<Record<number, string>>>>;
}

export interface SerializedModel {
  bytes: Uint8Array;
  /** sha256 of the bytes: the cache key for sessions. */
  hash: string;
  inputs: { name: string; shape: number[]; dtype?: DType }[];
  outputs: { name: string; shape: number[]; dtype: DType }[];
}

function rawOf(data: Float32Array | BigInt64Array | Uint8Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}

class Lowering {
  readonly inits: Init[] = [];
  private readonly cache = new Map<string, string>();
  private n = 0;

  const(dtype: DType, values: readonly number[], shape: Shape): string {
    const key = `${dtype}|${shape.join(',')}|${values.join(',')}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const name = `__c${this.n++}`;
    const data = dtype === 'int64' ? BigInt64Array.from(values.map((v) => BigInt(v))) : Float32Array.from(values);
    this.inits.push({ name, dtype, shape, raw: rawOf(data) });
    this.cache.set(key, name);
    return name;
  }
  i64(values: readonly number[]): string {
    return this.const('int64', values, [values.length]);
  }
  f32(v: number): string {
    return this.const('float32', [v], []);
  }
}

/** ConvTranspose(k4, s2, p1) == interleave over phases (rh, rw) of Conv(x, w_phase) with 2x2 taps. */
function isPolyphaseCase(n: Node): boolean {
  if (n.op !== 'ConvTranspose') return false;
  const p = n.params;
  const eq = (k: string, v: number[]): boolean => ints(p, k).join(',') === v.join(',');
  return eq('kernel_shape', [4, 4]) && eq('strides', [2, 2]) && eq('pads', [1, 1, 1, 1]) && eq('dilations', [1, 1]) && eq('output_padding', [0, 0]) && num(p, 'group', 1) === 1;
}

function lowerPolyphase(n: Node, L: Lowering): OnnxNode[] {
  const [x, w, b] = n.inputs;
  const y = n.outputs[0];
  const [N, , H, W] = x.shape;
  const cout = w.shape[1];
  const tag = `${y.name}__pp`;
  const out: OnnxNode[] = [];
  const node = (op: string, inputs: string[], outName: string, attrs: Attr[] = []): string => {
    out.push({ op, inputs, outputs: [outName], attrs, name: outName });
    return outName;
  };
  // y[2m + r] = sum over taps: r = 0 -> x[m-1] w[3] + x[m] w[1]; r = 1 -> x[m] w[2] + x[m+1] w[0]
  const wt = node('Transpose', [w.name], `${tag}_wt`, [{ name: 'perm', ints: [1, 0, 2, 3] }]);
  const taps = [[3, 1], [2, 0]];
  const wh = taps.map((t, r) => node('Gather', [wt, L.i64(t)], `${tag}_wh${r}`, [{ name: 'axis', i: 2 }]));
  const phases: string[] = [];
  for (const rh of [0, 1]) {
    for (const rw of [0, 1]) {
      const wp = node('Gather', [wh[rh], L.i64(taps[rw])], `${tag}_w${rh}${rw}`, [{ name: 'axis', i: 3 }]);
      const pads = [rh === 0 ? 1 : 0, rw === 0 ? 1 : 0, rh === 0 ? 0 : 1, rw === 0 ? 0 : 1];
      const ins = b ? [x.name, wp, b.name] : [x.name, wp];
      phases.push(node('Conv', ins, `${tag}_y${rh}${rw}`, [
        { name: 'kernel_shape', ints: [2, 2] }, { name: 'strides', ints: [1, 1] }, { name: 'pads', ints: pads }, { name: 'dilations', ints: [1, 1] }, { name: 'group', i: 1 },
      ]));
    }
  }
  const cat = node('Concat', phases, `${tag}_cat`, [{ name: 'axis', i: 1 }]);
  const r6 = node('Reshape', [cat, L.i64([N, 2, 2, cout, H, W])], `${tag}_r6`);
  const tr = node('Transpose', [r6], `${tag}_tr`, [{ name: 'perm', ints: [0, 3, 4, 1, 5, 2] }]);
  node('Reshape', [tr, L.i64([N, cout, 2 * H, 2 * W])], y.name);
  return out;
}

/**
 * ConvTranspose(k4, s2, p1) as one batch-wide GEMM plus an explicit col2im:
 * cols[n, i, j, kh, kw, co] = sum_ci x[n, ci, i, j] w[ci, co, kh, kw]; each output phase (rh, rw)
 * is the sum of four shifted (kh, kw) slabs; phases are interleaved and transposed back to NCHW.
 * onnxruntime's ConvTranspose runs one small GEMM per image, which is slow at small spatial sizes.
 */
function lowerMatmulConvT(n: Node, L: Lowering): OnnxNode[] {
  const [x, w, b] = n.inputs;
  const y = n.outputs[0];
  const [N, cin, H, W] = x.shape;
  const cout = w.shape[1];
  const tag = `${y.name}__mm`;
  const out: OnnxNode[] = [];
  const node = (op: string, inputs: string[], outName: string, attrs: Attr[] = []): string => {
    out.push({ op, inputs, outputs: [outName], attrs, name: outName });
    return outName;
  };
  const xt = node('Transpose', [x.name], `${tag}_xt`, [{ name: 'perm', ints: [0, 2, 3, 1] }]);
  const xr = node('Reshape', [xt, L.i64([N * H * W, cin])], `${tag}_xr`);
  const wt = node('Transpose', [w.name], `${tag}_wt`, [{ name: 'perm', ints: [0, 2, 3, 1] }]);
  const wr = node('Reshape', [wt, L.i64([cin, 16 * cout])], `${tag}_wr`);
  const cols = node('MatMul', [xr, wr], `${tag}_cols`);
  const c6 = node('Reshape', [cols, L.i64([N, H, W, 4, 4, cout])], `${tag}_c6`);
  const cp = node('Pad', [c6, L.i64([0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0])], `${tag}_cp`, [{ name: 'mode', s: 'constant' }]);
  // y[2m + r]: r = 0 <- (kh 1, x[m]) + (kh 3, x[m-1]); r = 1 <- (kh 2, x[m]) + (kh 0, x[m+1])
  const T = [[[1, 0], [3, -1]], [[2, 0], [0, 1]]];
  const rows: string[] = [];
  for (const rh of [0, 1]) {
    const cols2: string[] = [];
    for (const rw of [0, 1]) {
      let acc = '';
      for (const [kh, dh] of T[rh]) {
        for (const [kw, dw] of T[rw]) {
          const sl = node('Slice', [cp, L.i64([1 + dh, 1 + dw, kh, kw]), L.i64([1 + dh + H, 1 + dw + W, kh + 1, kw + 1]), L.i64([1, 2, 3, 4])], `${tag}_s${rh}${rw}${kh}${kw}`);
          acc = acc ? node('Add', [acc, sl], `${tag}_a${rh}${rw}${kh}${kw}`) : sl;
        }
      }
      cols2.push(node('Reshape', [acc, L.i64([N, H, 1, W, 1, cout])], `${tag}_p${rh}${rw}`));
    }
    rows.push(node('Concat', cols2, `${tag}_row${rh}`, [{ name: 'axis', i: 4 }]));
  }
  const all = node('Concat', rows, `${tag}_all`, [{ name: 'axis', i: 2 }]);
  const nhwc = node('Reshape', [all, L.i64([N, 2 * H, 2 * W, cout])], `${tag}_nhwc`);
  if (!b) {
    node('Transpose', [nhwc], y.name, [{ name: 'perm', ints: [0, 3, 1, 2] }]);
    return out;
  }
  const withBias = node('Add', [nhwc, b.name], `${tag}_bias`); // bias broadcasts over the last (channel) axis
  node('Transpose', [withBias], y.name, [{ name: 'perm', ints: [0, 3, 1, 2] }]);
  return out;
}

function lowerNode(n: Node, L: Lowering): OnnxNode {
  const p = n.params;
  const inputs = n.inputs.map((t) => t.name);
  const outputs = n.outputs.map((t) => t.name);
  const attrs: Attr[] = [];
  let op = n.op;
  switch (n.op) {
    case 'Conv':
    case 'ConvTranspose':
      attrs.push({ name: 'kernel_shape', ints: ints(p, 'kernel_shape') }, { name: 'strides', ints: ints(p, 'strides') });
      attrs.push({ name: 'pads', ints: ints(p, 'pads') }, { name: 'dilations', ints: ints(p, 'dilations') }, { name: 'group', i: num(p, 'group', 1) });
      if (n.op === 'ConvTranspose') attrs.push({ name: 'output_padding', ints: ints(p, 'output_padding') });
      break;
    case 'Gemm':
      attrs.push({ name: 'alpha', f: num(p, 'alpha', 1) }, { name: 'beta', f: num(p, 'beta', 1) });
      attrs.push({ name: 'transA', i: num(p, 'transA', 0) }, { name: 'transB', i: num(p, 'transB', 0) });
      break;
    case 'Cast':
      attrs.push({ name: 'to', i: ELEM[String(p.to) as DType] });
      break;
    case 'LeakyRelu':
      attrs.push({ name: 'alpha', f: num(p, 'alpha', 0.01) });
      break;
    case 'Clip':
      inputs.push(L.f32(num(p, 'min')), L.f32(num(p, 'max')));
      break;
    case 'BatchNormalization':
      attrs.push({ name: 'epsilon', f: num(p, 'epsilon', 1e-5) });
      break;
    case 'Concat':
      attrs.push({ name: 'axis', i: num(p, 'axis') });
      break;
    case 'Reshape':
      inputs.push(L.i64(ints(p, 'shape')));
      break;
    case 'Expand':
      inputs.push(L.i64(ints(p, 'shape')));
      break;
    case 'Transpose':
      attrs.push({ name: 'perm', ints: ints(p, 'perm') });
      break;
    case 'Slice':
      inputs.push(L.i64(ints(p, 'starts')), L.i64(ints(p, 'ends')), L.i64(ints(p, 'axes')), L.i64(ints(p, 'steps')));
      break;
    case 'Pad':
      inputs.push(L.i64(ints(p, 'pads')), L.f32(num(p, 'value', 0)));
      attrs.push({ name: 'mode', s: String(p.mode ?? 'constant') });
      break;
    case 'Resize': {
      const [sh, sw] = ints(p, 'scales');
      inputs.push('', L.const('float32', [1, 1, sh, sw], [4]));
      const linear = String(p.mode) === 'linear';
      attrs.push({ name: 'mode', s: linear ? 'linear' : 'nearest' });
      attrs.push({ name: 'coordinate_transformation_mode', s: linear ? 'half_pixel' : 'asymmetric' });
      if (!linear) attrs.push({ name: 'nearest_mode', s: 'floor' });
      break;
    }
    case 'ReduceSum':
      inputs.push(L.i64(ints(p, 'axes')));
      attrs.push({ name: 'keepdims', i: num(p, 'keepdims', 1) });
      break;
    case 'ReduceMean':
      attrs.push({ name: 'axes', ints: ints(p, 'axes') }, { name: 'keepdims', i: num(p, 'keepdims', 1) });
      break;
    default:
      break;
  }
  if (op === '') op = n.op;
  return { op, inputs, outputs, attrs, name: `n${n.id}_${n.op}` };
}

function writeAttr(w: ProtoWriter, a: Attr): void {
  w.string(1, a.name);
  if ('f' in a) w.float(2, a.f).varint(20, ATTR_FLOAT);
  else if ('i' in a) w.varint(3, a.i).varint(20, ATTR_INT);
  else if ('s' in a) w.string(4, a.s).varint(20, ATTR_STRING);
  else w.packedVarints(8, a.ints).varint(20, ATTR_INTS);
}

function writeValueInfo(w: ProtoWriter, name: string, dtype: DType, shape: Shape, symbolic: Readonly<Record<number, string>> = {}): void {
  w.string(1, name);
  w.message(2, (tp) =>
    tp.message(1, (tt) => {
      tt.varint(1, ELEM[dtype]);
      tt.message(2, (sh) => {
        shape.forEach((d, axis) => sh.message(1, (dim) => (symbolic[axis] ? dim.string(2, symbolic[axis]) : dim.varint(1, d))));
      });
    }),
  );
}

function writeTensor(w: ProtoWriter, t: Init): void {
  if (t.shape.length) w.packedVarints(1, t.shape);
  w.varint(2, ELEM[t.dtype]);
  w.string(8, t.name);
  w.bytes(9, t.raw);
}

export function serialize(graph: Graph, opts: SerializeOptions = {}): SerializedModel {
  const outNames = opts.outputs ?? [...graph.outputs.keys()];
  if (outNames.length === 0) throw new GraphError('serialize: graph has no outputs (call graph.output(name, tensor))');
  const outs: [string, Tensor][] = outNames.map((name) => {
    const t = graph.outputs.get(name);
    if (!t) throw new GraphError(`serialize: unknown output '${name}'`);
    return [name, t];
  });

  // Prune: nodes needed for the kept outputs.
  const needed = new Set<number>();
  const stack = outs.map(([, t]) => t);
  const seen = new Set<number>();
  while (stack.length) {
    const t = stack.pop() as Tensor;
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    if (t.producer && !needed.has(t.producer.id)) {
      needed.add(t.producer.id);
      stack.push(...t.producer.inputs);
    }
  }
  const L = new Lowering();
  const ct = opts.convTranspose ?? 'auto';
  const nodes = graph.nodes.filter((n) => needed.has(n.id)).flatMap((n) => {
    if (ct === 'native' || !isPolyphaseCase(n)) return [lowerNode(n, L)];
    if (ct === 'polyphase') return lowerPolyphase(n, L);
    if (ct === 'matmul' || n.inputs[0].shape[2] * n.inputs[0].shape[3] <= 16) return lowerMatmulConvT(n, L);
    return [lowerNode(n, L)];
  });
  for (const [name, t] of outs) {
    if (t.name !== name) nodes.push({ op: 'Identity', inputs: [t.name], outputs: [name], attrs: [], name: `out_${name}` });
  }
  const inits: Init[] = [];
  const inputs: { name: string; shape: number[]; dtype: DType }[] = [];
  for (const t of graph.tensors) {
    const used = seen.has(t.id);
    if (t.kind === 'const' && used && t.constData) inits.push({ name: t.name, dtype: t.constData.dtype, shape: t.shape, raw: rawOf(t.constData.data) });
    if (t.kind === 'input' || t.kind === 'param') {
      const baked = opts.initializers?.get(t.name);
      if (baked) {
        if (baked.length !== t.size) throw new GraphError(`serialize: initializer '${t.name}' has ${baked.length} values, shape [${t.shape.join(',')}] needs ${t.size}`);
        if (used) inits.push({ name: t.name, dtype: 'float32', shape: t.shape, raw: rawOf(baked) });
      } else if (used || opts.keepAllInputs) inputs.push({ name: t.name, shape: [...t.shape], dtype: t.dtype });
    }
  }
  inits.push(...L.inits);

  const w = new ProtoWriter();
  w.varint(1, IR_VERSION);
  w.string(2, opts.producer ?? 'renovo');
  w.string(3, '0.1');
  if (opts.docString) w.string(6, opts.docString);
  w.message(7, (gw) => {
    for (const n of nodes) {
      gw.message(1, (nw) => {
        for (const i of n.inputs) nw.string(1, i);
        for (const o of n.outputs) nw.string(2, o);
        nw.string(3, n.name);
        nw.string(4, n.op);
        for (const a of n.attrs) nw.message(5, (aw) => writeAttr(aw, a));
      });
    }
    gw.string(2, graph.name);
    for (const t of inits) gw.message(5, (tw) => writeTensor(tw, t));
    const sym = opts.symbolicDims ?? {};
    for (const i of inputs) gw.message(11, (vw) => writeValueInfo(vw, i.name, i.dtype, i.shape, sym[i.name]));
    for (const [name, t] of outs) gw.message(12, (vw) => writeValueInfo(vw, name, t.dtype, t.shape, sym[name]));
  });
  w.message(8, (ow) => ow.string(1, '').varint(2, OPSET));
  const bytes = w.finish();
  return {
    bytes,
    hash: createHash('sha256').update(bytes).digest('hex'),
    inputs,
    outputs: outs.map(([name, t]) => ({ name, shape: [...t.shape], dtype: t.dtype })),
  };
}
