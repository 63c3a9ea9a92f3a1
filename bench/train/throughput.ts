/**
 * Training throughput (real images consumed by D per second) and peak RSS of the GAN trainer, one
 * configuration per process (so peak RSS is per configuration). Run via bench/train/run.sh.
 *
 *   node throughput.cjs CONFIG   CONFIG = dcgan64-ngf64 | dcgan64-ngf32 | finetune-ngf32 | reference-ngf32
 *
 * 'reference-ngf32' times the issue-4 example trainer (test/fixtures/dcgan/train.ts:
 * DcganTrainer.step, no data pipeline, no checkpoints) at the same size as 'dcgan64-ngf32', as the
 * in-run reference for the trainer's own overhead (sampling/augmentation, metrics, BN bookkeeping).
 */
import { loadavg } from 'node:os';
import { Graph } from '../../src/core/onnx/graph';
import { Runtime } from '../../src/core/onnx/runtime';
import { DcganTrainer } from '../../test/fixtures/dcgan/train';
import { dcganDiscriminator, dcganGenerator, dcganSpec, initDcgan } from '../../src/core/nets/dcgan';
import { BatchSampler, datasetFromPixels } from '../../src/core/train/data';
import { DEFAULT_HYPER, GanTrainer, initGanWeights, type GanHyper } from '../../src/core/train/gan';
import { FINETUNE_HYPER } from '../../src/core/train/session';
import { Rng } from '../../src/core/random';

interface Config { ngf: number; hyper: GanHyper; threads: number; reference?: boolean }
const CONFIGS: Record<string, Config> = {
  'dcgan64-ngf64': { ngf: 64, hyper: { ...DEFAULT_HYPER }, threads: 2 },
  'dcgan64-ngf32': { ngf: 32, hyper: { ...DEFAULT_HYPER, labelSmoothing: 0.1 }, threads: 1 },
  'finetune-ngf32': { ngf: 32, hyper: { ...FINETUNE_HYPER }, threads: 1 },
  'reference-ngf32': { ngf: 32, hyper: { ...DEFAULT_HYPER }, threads: 1, reference: true },
};

async function main(): Promise<void> {
  const name = process.argv[2] ?? 'dcgan64-ngf32';
  const steps = Number(process.argv[3] ?? 4);
  const threads = Number(process.env.THREADS ?? 0) || CONFIGS[name]?.threads;
  const c = CONFIGS[name];
  if (!c) throw new Error(`unknown config ${name} (${Object.keys(CONFIGS).join(', ')})`);
  const spec = dcganSpec({ ngf: c.ngf, ndf: c.ngf });
  const rt = new Runtime({ provider: 'cpu', threads, spin: false });
  const B = c.hyper.batch;
  const n = B * 4;
  const S = 72; // stored 1.125× for random crops, as the real pipeline
  const px = new Uint8Array(n * S * S * 3);
  for (let i = 0; i < px.length; i++) px[i] = (i * 2654435761) >>> 24;
  const ds = { ...datasetFromPixels(px, n, S, 'random'), resolution: 64 };
  const rng = new Rng(1);
  const sampler = new BatchSampler(ds, B, rng);
  const times: number[] = [];
  const t0 = Date.now();
  if (c.reference) {
    const probe = new Graph('probe');
    const G = dcganGenerator(probe, probe.input('z', [1, 100, 1, 1]), { ngf: c.ngf, bn: 'running' });
    const D = dcganDiscriminator(probe, G.out, { ndf: c.ngf, bn: 'running' });
    const weights = new Map([...initDcgan(G, 1), ...initDcgan(D, 2)]);
    const tr = await DcganTrainer.create(rt, B, { ngf: c.ngf, ndf: c.ngf }, weights);
    const setup = Date.now() - t0;
    const real = sampler.next().data;
    for (let s = 0; s <= steps; s++) {
      const ts = performance.now();
      await tr.step(real, rng.normals(B * 100));
      if (s > 0) times.push(performance.now() - ts);
    }
    report(name, spec.ngf, c, threads, setup, times);
  } else {
    const tr = await GanTrainer.create(rt, spec, c.hyper, initGanWeights(spec, 1));
    const setup = Date.now() - t0;
    for (let s = 0; s <= steps; s++) {
      const ts = performance.now();
      for (let i = 0; i < c.hyper.dSteps; i++) await tr.dUpdate(sampler.next().data, rng.normals(B * 100));
      for (let i = 0; i < c.hyper.gSteps; i++) await tr.gUpdate(rng.normals(B * 100));
      if (s > 0) times.push(performance.now() - ts);
    }
    report(name, spec.ngf, c, threads, setup, times);
  }
  await rt.release();
}

function report(name: string, ngf: number, c: Config, threads: number, setupMs: number, times: number[]): void {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const imgs = c.hyper.batch * c.hyper.dSteps;
  console.log(JSON.stringify({
    config: name, ngf, batch: c.hyper.batch, threads, steps: times.length, setupMs,
    medianStepMs: Math.round(median), minStepMs: Math.round(sorted[0]),
    imagesPerSec: +((imgs * 1000) / median).toFixed(1), bestImagesPerSec: +((imgs * 1000) / sorted[0]).toFixed(1),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), load: loadavg().map((x) => +x.toFixed(1)),
  }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
