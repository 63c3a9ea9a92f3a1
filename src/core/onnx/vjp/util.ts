import { GraphError, type Shape, type Tensor } from '../graph';
import { expand, reduceSum, reshape } from '../ops';

/** Undo numpy broadcasting: sum over broadcast axes, then reshape to `shape`. */
export function unbroadcast(g: Tensor, shape: Shape): Tensor {
  const gs = g.shape;
  if (gs.length === shape.length && gs.every((d, i) => d === shape[i])) return g;
  const off = gs.length - shape.length;
  if (off < 0) throw new GraphError(`unbroadcast: gradient [${gs.join(',')}] has lower rank than [${shape.join(',')}]`);
  const axes: number[] = [];
  gs.forEach((d, i) => {
    if (i < off) axes.push(i);
    else if (shape[i - off] === 1 && d !== 1) axes.push(i);
    else if (shape[i - off] !== d) throw new GraphError(`unbroadcast: cannot reduce [${gs.join(',')}] to [${shape.join(',')}]`);
  });
  const summed = axes.length ? reduceSum(g, axes, true) : g;
  return reshape(summed, [...shape]);
}

/** A zero tensor of the given shape (a broadcast scalar constant). */
export function zeros(like: Tensor, shape: Shape = like.shape): Tensor {
  const z = like.graph.constant(0);
  return shape.length === 0 ? z : expand(z, shape);
}

/** Reshape a per-channel vector [C] so it broadcasts against an NC... tensor of rank `rank`. */
export function channelShape(c: number, rank: number): number[] {
  return Array.from({ length: rank }, (_, i) => (i === 1 ? c : 1));
}
