import { describe, expect, it } from 'vitest';
import { grad } from './autodiff';
import { Graph, type Tensor } from './graph';
import { add, mul, neg, reduceMean, softplus, tanh } from './ops';
import { Runtime, type CompiledGraph } from './runtime';
import { serialize } from './serialize';
import { Rng } from '../random';
import { dcganDiscriminator, dcganGenerator, initDcgan } from '../nets/dcgan';
import { buildZStepGraph } from '../../../test/fixtures/dcgan/zopt';

// Small widths keep the test fast; the architecture (64x64, 5 ConvTranspose / 5 Conv, BN) is the real one.
const cfg = { ngf: 8, ndf: 8 };
const N = 2;
const H_DIR = Number(process.env.H_DIR ?? 3e-2);
const H_COORD = Number(process.env.H_COORD ?? 1e-1);
const rt = new Runtime({ provider: 'cpu', threads: 2 });

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, i) => s + v * b[i], 0);
const rms = (a: Float32Array): number => Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
const softplus64 = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

interface Setup {
  fwd: CompiledGraph;
  full: CompiledGraph;
  feeds: Record<string, Float32Array>;
  wrt: Tensor[];
}

/** Central difference of `loss64` along direction u for input `name`. */
async function fd(s: Setup, name: string, u: Float32Array, h: number, loss64: (o: Record<string, Float32Array>) => number): Promise<number> {
  const x = s.feeds[name];
  const at = async (sg: number): Promise<number> => {
    const p = Float32Array.from(x, (v, i) => v + sg * h * u[i]);
    return loss64(await s.fwd.run({ ...s.feeds, [name]: p }));
  };
  // Richardson extrapolation of two central differences (truncation error O(h^4)).
  const d1 = ((await at(1)) - (await at(-1))) / (2 * h);
  const d2 = ((await at(0.5)) - (await at(-0.5))) / h;
  return (4 * d2 - d1) / 3;
}

describe('64x64 DCGAN gradients (ngf = ndf = 8, batch 2)', () => {
  it('training mode (BN batch statistics): d loss / d z and d loss / d every weight of G and D', async () => {
    const g = new Graph('dcgan_train_check');
    const z = g.input('z', [N, 100, 1, 1]);
    // Smooth stand-ins for ReLU / LeakyReLU(0.2) (their own VJPs are checked per op): central differences
    // across ReLU kinks, amplified by batch-statistics BN at batch 2, would otherwise dominate the error.
    const G = dcganGenerator(g, z, { ...cfg, activation: (x) => softplus(x) });
    const D = dcganDiscriminator(g, G.out, { ...cfg, activation: (x) => add(mul(x, 0.2), mul(softplus(x), 0.8)) });
    g.output('logits', D.out);
    const loss = reduceMean(softplus(neg(D.out))); // non-saturating generator loss
    const wrt = [z, ...G.params.values(), ...D.params.values()];
    expect(wrt.length).toBe(1 + 5 + 8 + 5 + 6); // z, G: 5 convT + 4 BN x2, D: 5 conv + 3 BN x2
    grad(loss, wrt).forEach((t, i) => g.output(`d_${wrt[i].name}`, t));
    const rng = new Rng(11);
    const feeds: Record<string, Float32Array> = { z: rng.normals(N * 100) };
    for (const [k, v] of [...initDcgan(G, 1), ...initDcgan(D, 2)]) feeds[k] = v;
    // Larger-than-DCGAN init so that D's logits are not ~0 and every layer's gradient is well above float32 noise.
    for (const k of Object.keys(feeds)) if (k.endsWith('weight') && !/main\.(1|4|7|10|3|6|9)\./.test(k)) feeds[k] = feeds[k].map((v) => v * 5);
    const s: Setup = {
      fwd: await rt.compile(serialize(g, { outputs: ['logits'] })),
      full: await rt.compile(serialize(g)),
      feeds,
      wrt,
    };
    const out = await s.full.run(feeds);
    const loss64 = (o: Record<string, Float32Array>): number => o.logits.reduce((a, l) => a + softplus64(-l), 0) / N;

    const failures: string[] = [];
    for (const t of wrt) {
      const gr = out[`d_${t.name}`];
      const x = feeds[t.name];
      // Direction: random normal, scaled so the step is ~1e-2 of the weight's RMS.
      const u = rng.normals(x.length);
      const h = H_DIR * Math.max(rms(x), 0.1);
      const num = await fd(s, t.name, u, h, loss64);
      const an = dot(gr, u);
      // Relative to max(|numeric|, ||g||): for u ~ N(0, I), <g, u> ~ N(0, ||g||^2), so ||g|| is the
      // typical size of the directional derivative (guards against chance cancellation).
      const gnorm = Math.sqrt(dot(gr, gr));
      const err = Math.abs(an - num) / Math.max(Math.abs(num), gnorm, 1e-6);
      if (process.env.VJP_VERBOSE) console.log(`${t.name}: dir rel err ${err.toExponential(2)}`);
      if (!(err < 1e-2)) failures.push(`${t.name}: analytic ${an} numeric ${num} rel err ${err}`);
      // Plus two random coordinates, compared relative to the tensor's largest gradient entry.
      const gmax = gr.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
      for (let k = 0; k < 2; k++) {
        let idx = Math.floor(rng.uniform() * x.length);
        if (k === 1) idx = gr.reduce((best, v, i) => (Math.abs(v) > Math.abs(gr[best]) ? i : best), 0);
        const e = new Float32Array(x.length);
        e[idx] = 1;
        const nc = await fd(s, t.name, e, H_COORD * Math.max(rms(x), 0.1), loss64);
        if (process.env.VJP_VERBOSE) console.log(`${t.name}[${idx}]: coord err / max|g| ${(Math.abs(nc - gr[idx]) / gmax).toExponential(2)}`);
        if (!(Math.abs(nc - gr[idx]) < 1.5e-2 * gmax + 1e-6)) failures.push(`${t.name}[${idx}]: analytic ${gr[idx]} numeric ${nc} (max |g| ${gmax})`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('inference mode (running BN) z-optimisation graph: d loss / d z only, no weight gradients built', async () => {
    const B = 3;
    const smoothD = (x: Tensor): Tensor => add(mul(x, 0.2), mul(softplus(x), 0.8));
    // Zero-centred smooth stand-in in G: with running statistics a one-sided activation drowns the z signal.
    const zs = buildZStepGraph(B, { ...cfg, gActivation: tanh, dActivation: smoothD });
    const m = serialize(zs.graph, { outputs: ['loss', 'losses', 'dz'] });
    // Pruning: only the z path is differentiated, so no helper convs for weight gradients exist.
    const convCount = zs.graph.nodes.filter((n) => n.op === 'Conv' || n.op === 'ConvTranspose').length;
    expect(convCount).toBe(20); // 10 forward + 10 input-gradient (ConvTranspose <-> Conv) nodes, none for weights
    const rng = new Rng(5);
    const feeds: Record<string, Float32Array> = { z: rng.uniforms(B * 100, -1, 1), y: rng.uniforms(3 * 64 * 64, -1, 1), w: rng.uniforms(64 * 64, 0, 1) };
    for (const [k, v] of [...initDcgan(zs.G, 3), ...initDcgan(zs.D, 4)]) feeds[k] = v.map((a) => (k.includes('running') || /main\.(1|4|7|10|3|6|9)\./.test(k) ? a : a * 5));
    for (const [k, v] of Object.entries(feeds)) if (k.endsWith('running_var')) feeds[k] = v.map((_, i) => 0.5 + (i % 7) * 0.2);
    const full = await rt.compile(m);
    const fwd = await rt.compile(serialize(zs.graph, { outputs: ['image', 'logits'] }));
    const out = await full.run(feeds);
    const s: Setup = { fwd, full, feeds, wrt: [zs.z] };
    // Per-latent loss in float64 from the image and logits (the float32 sum over 12288 pixels is too coarse for FD).
    const P = 3 * 64 * 64;
    const loss64 = (o: Record<string, Float32Array>, only = -1): number => {
      let total = 0;
      for (let n = 0; n < B; n++) {
        if (only >= 0 && n !== only) continue;
        let l1 = 0;
        for (let i = 0; i < P; i++) l1 += Math.abs(feeds.w[i % 4096] * (o.image[n * P + i] - feeds.y[i]));
        total += l1 - 0.003 * softplus64(o.logits[n]);
      }
      return total;
    };
    const o0 = await fwd.run(feeds);
    expect(Math.abs(out.loss[0] - loss64(o0))).toBeLessThan(1e-4 * Math.abs(out.loss[0]));
    expect(Math.abs(out.losses[1] - loss64(o0, 1))).toBeLessThan(1e-4 * Math.abs(out.losses[1]));
    const lossFromLosses = (o: Record<string, Float32Array>): number => loss64(o);
    for (let d = 0; d < 2; d++) {
      const u = rng.normals(B * 100);
      const num = await fd(s, 'z', u, 1e-2, lossFromLosses);
      const an = dot(out.dz, u);
      expect(Math.abs(an - num) / Math.abs(num), `analytic ${an} numeric ${num}`).toBeLessThan(2e-2);
    }
    // Per-latent independence: the gradient of latent 0 only depends on loss 0.
    const e = new Float32Array(B * 100);
    for (let i = 0; i < 100; i++) e[i] = rng.normal();
    const num0 = await fd(s, 'z', e, 1e-2, (o) => loss64(o, 0));
    expect(Math.abs(dot(out.dz, e) - num0) / Math.abs(num0)).toBeLessThan(2e-2);
  });
});
