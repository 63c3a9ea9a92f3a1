/** VJP rules for elementwise ops (anchors: tinygrad gradient.py, tfjs-core gradients/*_grad.ts). */
import { div, greater, less, log, mul, neg, pow, sigmoid, sign, sub, where } from '../ops';
import { num } from '../shape';
import type { VjpRule } from './types';
import { unbroadcast } from './util';

export const elementwiseRules: Record<string, VjpRule> = {
  Identity: (_n, gy) => [gy],
  Add: (n, gy, need) => [need[0] ? unbroadcast(gy, n.inputs[0].shape) : null, need[1] ? unbroadcast(gy, n.inputs[1].shape) : null],
  Sub: (n, gy, need) => [need[0] ? unbroadcast(gy, n.inputs[0].shape) : null, need[1] ? unbroadcast(neg(gy), n.inputs[1].shape) : null],
  Mul: (n, gy, need) => {
    const [a, b] = n.inputs;
    return [need[0] ? unbroadcast(mul(gy, b), a.shape) : null, need[1] ? unbroadcast(mul(gy, a), b.shape) : null];
  },
  Div: (n, gy, need) => {
    const [a, b] = n.inputs;
    const y = n.outputs[0];
    return [need[0] ? unbroadcast(div(gy, b), a.shape) : null, need[1] ? unbroadcast(neg(div(mul(gy, y), b)), b.shape) : null];
  },
  Pow: (n, gy, need) => {
    const [a, b] = n.inputs;
    const y = n.outputs[0];
    return [
      need[0] ? unbroadcast(mul(mul(gy, b), pow(a, sub(b, 1))), a.shape) : null,
      need[1] ? unbroadcast(mul(mul(gy, y), log(a)), b.shape) : null,
    ];
  },
  Neg: (_n, gy) => [neg(gy)],
  Relu: (n, gy) => [where(greater(n.inputs[0], 0), gy, 0)],
  LeakyRelu: (n, gy) => [where(greater(n.inputs[0], 0), gy, mul(gy, num(n.params, 'alpha', 0.01)))],
  Tanh: (n, gy) => {
    const y = n.outputs[0];
    return [mul(gy, sub(1, mul(y, y)))];
  },
  Sigmoid: (n, gy) => {
    const y = n.outputs[0];
    return [mul(gy, mul(y, sub(1, y)))];
  },
  Softplus: (n, gy) => [mul(gy, sigmoid(n.inputs[0]))],
  Exp: (n, gy) => [mul(gy, n.outputs[0])],
  Log: (n, gy) => [div(gy, n.inputs[0])],
  Abs: (n, gy) => [mul(gy, sign(n.inputs[0]))],
  /** Sign, Greater, Less: zero gradient almost everywhere (explicit rules, not missing ones). */
  Sign: () => [null],
  Greater: () => [null, null],
  Less: () => [null, null],
  Sqrt: (n, gy) => [div(mul(gy, 0.5), n.outputs[0])],
  Clip: (n, gy) => {
    const x = n.inputs[0];
    const lo = num(n.params, 'min'), hi = num(n.params, 'max');
    return [where(less(x, lo), 0, where(greater(x, hi), 0, gy))];
  },
  Where: (n, gy, need) => {
    const [c, a, b] = n.inputs;
    return [null, need[1] ? unbroadcast(where(c, gy, 0), a.shape) : null, need[2] ? unbroadcast(where(c, 0, gy), b.shape) : null];
  },
};
