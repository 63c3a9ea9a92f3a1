import type { Node, Tensor } from '../graph';

/**
 * A VJP rule: given the node, the cotangent of its (first) output and which inputs need a
 * gradient, return one cotangent per input (null = no contribution / not requested).
 * Rules build graph nodes with the ordinary op constructors, so gradients are graphs too.
 */
export type VjpRule = (node: Node, gy: Tensor, needs: readonly boolean[]) => (Tensor | null)[];
