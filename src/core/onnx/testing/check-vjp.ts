/**
 * JAX check_vjp-style test: for random cotangent v and random input directions u, compare
 * <v, (f(x + eps u) - f(x - eps u)) / 2 eps> (finite differences through onnxruntime, summed in
 * float64) with sum_i <vjp_i(v), u_i> from the gradient graph.
 */
import { grad } from '../autodiff';
import { Graph, sizeOf, type Shape, type Tensor } from '../graph';
import { Runtime } from '../runtime';
import { serialize } from '../serialize';
import { Rng } from '../../random';

export interface VjpCheckOptions {
  /** Input values (default: standard normal). */
  init?: Float32Array[];
  eps?: number;
  directions?: number;
  seed?: number;
  /** Only check these inputs (indices); the others are held fixed. */
  wrt?: number[];
}
export interface VjpCheckResult {
  analytic: number[];
  numeric: number[];
  /** max |analytic - numeric| / (|numeric| + 1e-3 * scale) over directions */
  maxRelErr: number;
}

const sharedRuntime = new Runtime({ provider: 'cpu', threads: 1 });

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export async function checkVjp(shapes: readonly Shape[], f: (...xs: Tensor[]) => Tensor, opts: VjpCheckOptions = {}): Promise<VjpCheckResult> {
  const rng = new Rng(opts.seed ?? 7);
  const g = new Graph('check');
  const xs = shapes.map((s, i) => g.input(`x${i}`, s));
  const y = f(...xs);
  g.output('y', y);
  const v = g.input('v', y.shape);
  const wrt = opts.wrt ?? xs.map((_, i) => i);
  const grads = grad(y, wrt.map((i) => xs[i]), { seed: v });
  grads.forEach((t, k) => g.output(`g${k}`, t));
  const full = await sharedRuntime.compile(serialize(g, { keepAllInputs: true }));
  const fwd = await sharedRuntime.compile(serialize(g, { outputs: ['y'], keepAllInputs: true }));

  const x0 = shapes.map((s, i) => opts.init?.[i] ?? rng.normals(sizeOf(s)));
  const vv = rng.normals(sizeOf(y.shape));
  const feeds: Record<string, Float32Array> = { v: vv };
  x0.forEach((x, i) => (feeds[`x${i}`] = x));
  const out = await full.run(feeds);
  const eps = opts.eps ?? 1e-3;
  const analytic: number[] = [], numeric: number[] = [];
  let maxRelErr = 0;
  for (let d = 0; d < (opts.directions ?? 2); d++) {
    const us = wrt.map((i) => rng.normals(sizeOf(shapes[i])));
    let an = 0;
    us.forEach((u, k) => (an += dot(out[`g${k}`], u)));
    const evalAt = async (sgn: number): Promise<number> => {
      const fd: Record<string, Float32Array> = { ...feeds };
      wrt.forEach((i, k) => {
        const x = x0[i];
        const p = new Float32Array(x.length);
        for (let j = 0; j < x.length; j++) p[j] = x[j] + sgn * eps * us[k][j];
        fd[`x${i}`] = p;
      });
      return dot((await fwd.run(fd)).y, vv);
    };
    const num = ((await evalAt(1)) - (await evalAt(-1))) / (2 * eps);
    analytic.push(an);
    numeric.push(num);
    const scale = Math.sqrt(vv.length * us.reduce((a, u) => a + u.length, 0));
    maxRelErr = Math.max(maxRelErr, Math.abs(an - num) / (Math.abs(num) + 1e-3 * scale));
  }
  return { analytic, numeric, maxRelErr };
}
