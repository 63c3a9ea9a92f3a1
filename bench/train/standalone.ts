/**
 * Standalone GAN trainer used for the long background runs that produced the shipped models (no
 * library/database needed; checkpoints in --run-dir are resumable: re-running the same command
 * continues from the newest one). Bundled by scripts/train-gan.sh.
 *
 *   node train-gan.cjs --data DIR --run-dir DIR --arch dcgan64 (or dcgan128-resize …) --ngf 32 --ndf 32 --batch 64 --steps 6000 \
 *        [--init CHECKPOINT_OR_SAFETENSORS] [--lr-d 2e-4 --lr-g 2e-4 --beta1-d 0.5 --beta1-g 0.5] \
 *        [--d-steps 1 --g-steps 1 --label-smoothing 0.1] [--holdout-percent 5] [--seed 1] [--threads 1] [--checkpoint-every 200] [--keep 2]
 *   node train-gan.cjs --bench --ngf 32 --batch 64 --steps 5   (throughput on random data)
 */
import { Runtime } from '../../src/core/onnx/runtime';
import { dcganSpec, resolutionOfArch, upsampleOfArch } from '../../src/core/nets/dcgan';
import { datasetFromPixels, loadImageFolder } from '../../src/core/train/data';
import { DEFAULT_HYPER, type GanHyper } from '../../src/core/train/gan';
import { TrainControl, trainLoop } from '../../src/core/train/loop';
import { loadWeightsFile } from '../../src/core/train/weights';

function args(argv: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) m.set(a.slice(2), 'true');
    else {
      m.set(a.slice(2), next);
      i++;
    }
  }
  return m;
}

async function main(): Promise<void> {
  const a = args(process.argv.slice(2));
  const num = (k: string, d: number): number => (a.has(k) ? Number(a.get(k)) : d);
  const arch = a.get('arch') ?? 'dcgan64';
  const resolution = resolutionOfArch(arch);
  const spec = dcganSpec({ resolution, upsample: upsampleOfArch(arch), ngf: num('ngf', 64), ndf: num('ndf', num('ngf', 64)), nz: num('nz', 100) });
  const hyper: GanHyper = {
    ...DEFAULT_HYPER,
    batch: num('batch', 64), lrD: num('lr-d', 2e-4), lrG: num('lr-g', 2e-4), beta1D: num('beta1-d', 0.5), beta1G: num('beta1-g', 0.5),
    dSteps: num('d-steps', 1), gSteps: num('g-steps', 1), labelSmoothing: num('label-smoothing', 0), seed: num('seed', 1),
  };
  const runtime = new Runtime({ provider: 'cpu', threads: num('threads', 1), spin: false });
  const t0 = Date.now();
  let dataset;
  if (a.has('bench')) {
    const S = resolution;
    const n = hyper.batch * 4;
    const px = new Uint8Array(n * S * S * 3);
    for (let i = 0; i < px.length; i++) px[i] = (i * 2654435761) >>> 24;
    dataset = datasetFromPixels(px, n, S, 'center');
  } else {
    const data = a.get('data');
    if (!data) throw new Error('--data DIR is required');
    dataset = await loadImageFolder(data, {
      resolution, crop: (a.get('crop') as 'center' | 'random' | undefined) ?? 'random', cacheDir: a.get('cache-dir'),
      holdoutPercent: num('holdout-percent', 0),
      onWarning: (m) => console.error(`warning: ${m}`),
    });
    console.log(`dataset ${dataset.root}: ${dataset.count} images, hash ${dataset.contentHash}, ${dataset.fromCache ? 'from cache' : 'decoded'} in ${Date.now() - t0} ms${dataset.heldOut ? `; ${dataset.heldOut.files.length} held out (${dataset.heldOut.percent}%)` : ''}`);
  }
  const init = a.has('init') ? (await loadWeightsFile(a.get('init') as string)).weights : undefined;
  const runDir = a.get('run-dir') ?? `/tmp/renovo-bench-${process.pid}`;
  let lastLog = 0;
  // SIGTERM / SIGINT: stop after the current step and write a checkpoint (a second signal exits at once).
  const control = new TrainControl();
  let signals = 0;
  const stop = (): void => {
    if (++signals > 1) process.exit(143);
    console.log(`${new Date().toISOString()} stopping: checkpoint after the current step`);
    control.cancel();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const res = await trainLoop({
    control,
    runtime, dataset, spec, hyper, steps: num('steps', 1000), runDir, init,
    checkpointEvery: num('checkpoint-every', 200), checkpointEveryMs: num('checkpoint-minutes', 4) * 60_000, keep: num('keep', 2),
    resume: !a.has('bench'), sampleEvery: a.has('sample-every') ? num('sample-every', 0) : undefined,
    meta: { command: `node train-gan.cjs ${process.argv.slice(2).join(' ')}`, init: a.get('init') ?? null },
    onProgress: (p) => {
      const now = Date.now();
      if (p.phase !== 'training' || now - lastLog > num('log-seconds', 30) * 1000) {
        lastLog = now;
        // the losses are NaN until a step has run since the start or resume
        const f = (v: number, d: number): string => (Number.isFinite(v) ? v.toFixed(d) : '—');
        console.log(`${new Date().toISOString()} ${p.phase} step ${p.step}/${p.totalSteps} epoch ${p.epoch} lossD ${f(p.lossD, 3)} lossG ${f(p.lossG, 3)} D(x) ${f(p.dReal, 2)} D(G(z)) ${f(p.dFake, 2)} ${p.imagesPerSec.toFixed(1)} img/s eta ${p.etaMs === null ? '?' : Math.round(p.etaMs / 60000) + ' min'}${p.phase === 'checkpoint' ? ` -> ${p.checkpointPath}` : ''}${p.phase === 'sample' ? ` -> ${p.samplePath}` : ''}`);
      }
    },
  });
  console.log(`${res.status} at step ${res.step} (${res.resumedFrom ? `resumed from ${res.resumedFrom}, ` : ''}${(res.elapsedMs / 1000).toFixed(0)} s total); checkpoint ${res.checkpointPath}; samples ${res.samplePath}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  await runtime.release();
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack ?? e.message : String(e));
  process.exit(1);
});
