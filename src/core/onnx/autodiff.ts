/**
 * Reverse-mode autodiff over the graph IR. `grad(loss, wrt)` appends, in reverse topological
 * order, the VJP of every node that lies on a path from `wrt` to `loss` (so gradients with
 * respect to z alone skip all weight-gradient work). Cotangents of tensors used more than once
 * are accumulated with Add. An op on the path without a rule is a GraphError.
 */
import { GraphError, fmtShape, sizeOf, type Tensor } from './graph';
import { add, reshape } from './ops';
import { VJP_RULES } from './vjp';
import { zeros } from './vjp/util';

export interface GradOptions {
  /** Cotangent of `loss` (default: 1 for a single-element loss). */
  seed?: Tensor;
}

export function grad(loss: Tensor, wrt: readonly Tensor[], opts: GradOptions = {}): Tensor[] {
  const g = loss.graph;
  for (const t of wrt) if (t.graph !== g) throw new GraphError(`grad: ${t.name} belongs to another graph`);
  if (loss.dtype !== 'float32') throw new GraphError(`grad: loss ${loss} must be float32`);
  let seed = opts.seed;
  if (!seed) {
    if (sizeOf(loss.shape) !== 1) throw new GraphError(`grad: loss ${loss.name} has shape ${fmtShape(loss.shape)}; pass a seed for non-scalar outputs`);
    seed = loss.shape.length === 0 ? g.constant(1) : reshape(g.constant(1), loss.shape);
  } else if (seed.shape.join(',') !== loss.shape.join(',')) {
    throw new GraphError(`grad: seed shape ${fmtShape(seed.shape)} != loss shape ${fmtShape(loss.shape)}`);
  }

  // Forward reachability from wrt, then backward relevance from loss.
  const nodes = g.nodes.slice(0, loss.producer ? loss.producer.id + 1 : 0);
  const fromWrt = new Set<number>(wrt.map((t) => t.id));
  for (const n of nodes) {
    if (n.inputs.some((t) => fromWrt.has(t.id))) for (const o of n.outputs) fromWrt.add(o.id);
  }
  const toLoss = new Set<number>([loss.id]);
  const onPath: typeof nodes = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (!n.outputs.some((o) => toLoss.has(o.id))) continue;
    if (!n.inputs.some((t) => fromWrt.has(t.id))) continue;
    onPath.push(n);
    for (const t of n.inputs) if (fromWrt.has(t.id)) toLoss.add(t.id);
  }

  const grads = new Map<number, Tensor>([[loss.id, seed]]);
  const accumulate = (t: Tensor, d: Tensor): void => {
    if (d.shape.join(',') !== t.shape.join(',')) {
      throw new GraphError(`grad: rule produced cotangent ${fmtShape(d.shape)} for ${t} of shape ${fmtShape(t.shape)}`);
    }
    const prev = grads.get(t.id);
    grads.set(t.id, prev ? add(prev, d) : d);
  };

  for (const n of onPath) {
    const gy = grads.get(n.outputs[0].id);
    if (!gy) continue;
    const rule = VJP_RULES[n.op];
    if (!rule) {
      throw new GraphError(`grad: no gradient rule for op '${n.op}' (node ${n.id}, input shapes ${n.inputs.map((t) => fmtShape(t.shape)).join(', ')})`);
    }
    const needs = n.inputs.map((t) => toLoss.has(t.id) && fromWrt.has(t.id));
    const ds = rule(n, gy, needs);
    n.inputs.forEach((t, i) => {
      const d = ds[i];
      if (needs[i] && d) accumulate(t, d);
    });
  }
  return wrt.map((t) => grads.get(t.id) ?? zeros(t));
}
