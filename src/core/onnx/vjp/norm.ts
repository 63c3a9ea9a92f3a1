/** VJP rule for BatchNormalization in inference mode (training mode is composed from primitives). */
import { add, div, mul, neg, reduceSum, reshape, sqrt, sub } from '../ops';
import { num } from '../shape';
import type { VjpRule } from './types';
import { channelShape } from './util';

export const normRules: Record<string, VjpRule> = {
  BatchNormalization: (n, gy, need) => {
    const [x, scale, , mean, variance] = n.inputs;
    const eps = num(n.params, 'epsilon', 1e-5);
    const c = x.shape[1];
    const bs = channelShape(c, x.shape.length);
    const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
    const inv = div(1, sqrt(add(variance, eps))); // [C]
    const xc = need[1] || need[4] ? sub(x, reshape(mean, bs)) : null;
    const sumG = need[2] || need[3] ? reduceSum(gy, axes) : null;
    const sumGXc = xc && (need[1] || need[4]) ? reduceSum(mul(gy, xc), axes) : null;
    return [
      need[0] ? mul(gy, reshape(mul(scale, inv), bs)) : null,
      need[1] && sumGXc ? mul(sumGXc, inv) : null,
      need[2] ? sumG : null,
      need[3] && sumG ? neg(mul(sumG, mul(scale, inv))) : null,
      need[4] && sumGXc ? mul(sumGXc, mul(mul(scale, -0.5), mul(inv, mul(inv, inv)))) : null,
    ];
  },
};
