/**
 * Benchmark (issue 4): 64x64 DCGAN (ngf = ndf = 64) on onnxruntime-node CPU, 2 intra-op threads.
 *  1. z-optimisation step: forward G + D, backward to z, 16 latents, Adam on z in TS.
 *  2. training step: D update + G update, batch 64: images/s, peak RSS.
 *  3. Adam over all G+D parameters in TS (the optimiser cost inside 2).
 * The PyTorch CPU reference (Debian python3-torch, same architectures and losses) runs in the same
 * invocation: bench/onnx/dcgan_torch.py. Run: bench/onnx/run.sh
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { Graph } from '../../src/core/onnx/graph';
import { Adam } from '../../src/core/onnx/optim';
import { Runtime } from '../../src/core/onnx/runtime';
import { serialize } from '../../src/core/onnx/serialize';
import { Rng } from '../../src/core/random';
import { dcganDiscriminator, dcganGenerator, initDcgan } from '../../src/core/nets/dcgan';
import { DcganTrainer } from '../../test/fixtures/dcgan/train';
import { buildZStepGraph } from '../../test/fixtures/dcgan/zopt';

const THREADS = Number(process.env.THREADS ?? 2);
const Z_RUNS = Number(process.env.Z_RUNS ?? 20);
const T_RUNS = Number(process.env.T_RUNS ?? 5);
const SKIP_TORCH = process.env.SKIP_TORCH === '1';
const SPIN = process.env.SPIN !== '0';
const cfg = { ngf: 64, ndf: 64 };

const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (a: number[]): string => a.map((v) => v.toFixed(1)).join(', ');
const rssMb = (): number => process.resourceUsage().maxRSS / 1024;

/** frozen: G/D weights baked in as initializers (they are constant during z-optimisation). */
async function zStep(frozen: boolean): Promise<{ times: number[]; buildMs: number; compileMs: number; nodes: number; fwdMs: number }> {
  const t0 = performance.now();
  const zs = buildZStepGraph(16, cfg);
  const weights = new Map([...initDcgan(zs.G, 1), ...initDcgan(zs.D, 2)]);
  const model = serialize(zs.graph, { outputs: ['loss', 'losses', 'dz'], initializers: frozen ? weights : undefined });
  const buildMs = performance.now() - t0;
  const rt = new Runtime({ provider: 'cpu', threads: THREADS, spin: SPIN, log: (l) => console.log(l) });
  const t1 = performance.now();
  const run = await rt.compile(model);
  const compileMs = performance.now() - t1;
  const rng = new Rng(1);
  const feeds: Record<string, Float32Array> = { z: rng.uniforms(16 * 100, -1, 1), y: rng.uniforms(3 * 64 * 64, -1, 1), w: rng.uniforms(64 * 64, 0, 1) };
  for (const [k, v] of weights) feeds[k] = v;
  const z = feeds.z;
  const adam = new Adam(new Map([['z', z]]), { lr: 0.01 });
  const step = async (): Promise<void> => {
    const out = await run.run(feeds, ['dz']);
    adam.step({ z: out.dz });
    for (let i = 0; i < z.length; i++) z[i] = Math.min(1, Math.max(-1, z[i]));
  };
  for (let i = 0; i < 3; i++) await step();
  const times: number[] = [];
  for (let i = 0; i < Z_RUNS; i++) {
    const t = performance.now();
    await step();
    times.push(performance.now() - t);
  }
  // forward only (G + D, same weights), for the backward/forward ratio
  const fwd = await rt.compile(serialize(zs.graph, { outputs: ['losses'], initializers: frozen ? weights : undefined }));
  for (let i = 0; i < 2; i++) await fwd.run(feeds);
  const ft: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    await fwd.run(feeds);
    ft.push(performance.now() - t);
  }
  await rt.release();
  return { times, buildMs, compileMs, nodes: zs.graph.nodes.length, fwdMs: median(ft) };
}

async function trainStep(): Promise<{ times: number[]; peakMb: number; adamMs: number }> {
  const probe = new Graph('probe');
  const G = dcganGenerator(probe, probe.input('z', [1, 100, 1, 1]), { ...cfg, bn: 'running' });
  const D = dcganDiscriminator(probe, G.out, { ...cfg, bn: 'running' });
  const weights = new Map([...initDcgan(G, 1), ...initDcgan(D, 2)]);
  const rt = new Runtime({ provider: 'cpu', threads: THREADS, spin: SPIN });
  const trainer = await DcganTrainer.create(rt, 64, cfg, weights);
  const rng = new Rng(2);
  const real = rng.uniforms(64 * 3 * 64 * 64, -1, 1);
  await trainer.step(real, rng.normals(6400));
  const times: number[] = [];
  for (let i = 0; i < T_RUNS; i++) {
    const z = rng.normals(6400);
    const t = performance.now();
    await trainer.step(real, z);
    times.push(performance.now() - t);
  }
  const peakMb = rssMb();
  // Adam cost over all G + D parameters
  const all = new Map([...G.params.keys(), ...D.params.keys()].map((k) => [k, weights.get(k) as Float32Array]));
  const grads = new Map([...all].map(([k, v]) => [k, new Float32Array(v.length).fill(1e-3)]));
  const adam = new Adam(all, { lr: 2e-4, beta1: 0.5 });
  adam.step(grads);
  const at: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    adam.step(grads);
    at.push(performance.now() - t);
  }
  await rt.release();
  return { times, peakMb, adamMs: median(at) };
}

interface TorchResult {
  torch: string;
  zstep_ms: number[];
  zstep_median_ms: number;
  train_ms: number[];
  train_median_ms: number;
  maxrss_mb: number;
}

async function main(): Promise<void> {
  const load = (): string => loadavg().map((v) => v.toFixed(2)).join(' ');
  console.log(`node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} x ${cpus()[0]?.model}, threads=${THREADS}, spin=${SPIN}, load average ${load()}`);
  const zi = await zStep(false);
  console.log(`z-step: graph ${zi.nodes} nodes, build+serialise (incl. random weights) ${zi.buildMs.toFixed(0)} ms, session ${zi.compileMs.toFixed(0)} ms`);
  console.log(`z-step, weights as inputs (16 latents, fwd G+D + bwd to z + Adam): median ${median(zi.times).toFixed(1)} ms, min ${Math.min(...zi.times).toFixed(1)} [${fmt(zi.times)}]; forward only ${zi.fwdMs.toFixed(1)} ms`);
  const z = await zStep(true);
  const zMed = median(z.times);
  console.log(`z-step, weights frozen as initializers: median ${zMed.toFixed(1)} ms, min ${Math.min(...z.times).toFixed(1)} [${fmt(z.times)}]; forward only ${z.fwdMs.toFixed(1)} ms; session ${z.compileMs.toFixed(0)} ms`);
  const zRss = rssMb();
  const t = await trainStep();
  const tMed = median(t.times);
  console.log(`train step (batch 64, D+G): median ${tMed.toFixed(0)} ms [${fmt(t.times)}] = ${(64000 / tMed).toFixed(1)} images/s; peak RSS ${t.peakMb.toFixed(0)} MB (after z-step part: ${zRss.toFixed(0)} MB); Adam over G+D params ${t.adamMs.toFixed(1)} ms`);
  console.log(`load average ${load()}`);
  if (SKIP_TORCH) return;
  const out = execFileSync('/usr/bin/python3', ['bench/onnx/dcgan_torch.py', String(THREADS), String(Math.min(Z_RUNS, 10)), String(Math.min(T_RUNS, 3))], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const tr = JSON.parse(out.trim().split('\n').pop() as string) as TorchResult;
  console.log(`PyTorch ${tr.torch} CPU (${THREADS} threads): z-step median ${tr.zstep_median_ms.toFixed(1)} ms [${fmt(tr.zstep_ms)}]; train step median ${tr.train_median_ms.toFixed(0)} ms [${fmt(tr.train_ms)}] = ${(64000 / tr.train_median_ms).toFixed(1)} images/s; peak RSS ${tr.maxrss_mb.toFixed(0)} MB`);
  console.log(`load average ${load()}`);
  const ziMed = median(zi.times);
  console.log(`ratio z-step ORT/PyTorch (medians): weights as inputs ${(ziMed / tr.zstep_median_ms).toFixed(3)} (speed-up x${(tr.zstep_median_ms / ziMed).toFixed(2)}), frozen ${(zMed / tr.zstep_median_ms).toFixed(3)} (speed-up x${(tr.zstep_median_ms / zMed).toFixed(2)}); train step ORT/PyTorch = ${(tMed / tr.train_median_ms).toFixed(3)} (speed-up x${(tr.train_median_ms / tMed).toFixed(2)})`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
