/** VJP rules for layout ops, reductions and resize. */
import { GraphError, type Tensor } from '../graph';
import { expand, matmul, mul, pad, reduceSum, reshape, slice, transpose } from '../ops';
import { ints, num } from '../shape';
import type { VjpRule } from './types';
import { unbroadcast } from './util';

function normAxes(axes: number[], rank: number): number[] {
  return axes.map((a) => (a < 0 ? a + rank : a));
}

/** Linear (half_pixel, edge-clamped) interpolation matrix [outSize, inSize] for upsampling by `scale`. */
function linearResizeMatrix(inSize: number, scale: number): Float32Array {
  const outSize = inSize * scale;
  const m = new Float32Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    let x = (o + 0.5) / scale - 0.5;
    x = Math.min(Math.max(x, 0), inSize - 1);
    const x0 = Math.floor(x);
    const x1 = Math.min(x0 + 1, inSize - 1);
    const t = x - x0;
    m[o * inSize + x0] += 1 - t;
    m[o * inSize + x1] += t;
  }
  return m;
}

const reduceRule = (mean: boolean): VjpRule => (n, gy) => {
  const x = n.inputs[0];
  const axes = normAxes(ints(n.params, 'axes'), x.shape.length);
  const keepShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  let g = reshape(gy, keepShape);
  if (mean) {
    const count = axes.reduce((acc, a) => acc * x.shape[a], 1);
    g = mul(g, 1 / count);
  }
  return [expand(g, x.shape)];
};

export const shapeRules: Record<string, VjpRule> = {
  Reshape: (n, gy) => [reshape(gy, n.inputs[0].shape)],
  Transpose: (n, gy) => {
    const perm = ints(n.params, 'perm');
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => (inv[p] = i));
    return [transpose(gy, inv)];
  },
  Concat: (n, gy, need) => {
    const axis = normAxes([num(n.params, 'axis')], gy.shape.length)[0];
    let off = 0;
    return n.inputs.map((t, i) => {
      const start = off;
      off += t.shape[axis];
      return need[i] ? slice(gy, [start], [off], [axis]) : null;
    });
  },
  Slice: (n, gy) => {
    const x = n.inputs[0];
    const starts = ints(n.params, 'starts'), ends = ints(n.params, 'ends'), axes = ints(n.params, 'axes'), steps = ints(n.params, 'steps');
    if (steps.some((s) => s !== 1)) {
      throw new GraphError(`no gradient rule for Slice with steps ${JSON.stringify(steps)} (only step 1) (input shape [${x.shape.join(',')}])`);
    }
    const r = x.shape.length;
    const pads = new Array<number>(2 * r).fill(0);
    axes.forEach((a, i) => {
      pads[a] = starts[i];
      pads[a + r] = x.shape[a] - Math.min(ends[i], x.shape[a]);
    });
    return [pad(gy, pads)];
  },
  Pad: (n, gy) => {
    const x = n.inputs[0];
    const mode = String(n.params.mode ?? 'constant');
    if (mode !== 'constant') throw new GraphError(`no gradient rule for Pad mode '${mode}' (input shape [${x.shape.join(',')}])`);
    const pads = ints(n.params, 'pads');
    const r = x.shape.length;
    // Positive pads: slice them away. Negative pads (crops): pad the gradient back with zeros.
    const starts = x.shape.map((_, i) => Math.max(0, pads[i]));
    const ends = x.shape.map((_, i) => gy.shape[i] - Math.max(0, pads[i + r]));
    let g: Tensor = pads.some((v) => v > 0) ? slice(gy, starts, ends) : gy;
    if (pads.some((v) => v < 0)) g = pad(g, pads.map((v) => Math.max(0, -v)));
    return [g];
  },
  Resize: (n, gy) => {
    const x = n.inputs[0];
    const [sh, sw] = ints(n.params, 'scales');
    const [N, C, H, W] = x.shape;
    if (String(n.params.mode) === 'nearest') {
      return [reduceSum(reshape(gy, [N, C, H, sh, W, sw]), [3, 5])];
    }
    const g = x.graph;
    const aw = g.constant(linearResizeMatrix(W, sw), [W * sw, W]); // [Wo, W]
    const ahT = transpose(g.constant(linearResizeMatrix(H, sh), [H * sh, H]), [1, 0]); // [H, Ho]
    return [matmul(ahT, matmul(gy, aw))];
  },
  Expand: (n, gy) => [unbroadcast(gy, n.inputs[0].shape)],
  ReduceSum: reduceRule(false),
  ReduceMean: reduceRule(true),
};
