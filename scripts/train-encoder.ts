// Trains the z-encoder of a shipped 64-px DCGAN (issue 17) against its frozen generator, on CPU,
// resumably, and ships it into the model folder.
//   node train-encoder.mjs --model models/landscape-dcgan64 --data ../shared/data --run-dir DIR
//     [--steps N] [--minutes M] [--threads 1] [--batch 16] [--synthetic 8] [--lr 5e-4] [--alpha 0.1]
//     [--checkpoint-every N] [--checkpoint-minutes M] [--init-encoder models/<parent>] [--lambda λ]
//   node train-encoder.mjs --ship --model models/landscape-dcgan64 --run-dir DIR
// Real windows come from DATA/<the manifest's data folder>, leaving out the model's held-out split
// (holdout.ts, the percent in its manifest: the same rule the GAN training used), so bench/zopt can
// evaluate on images neither G nor E saw. Holes: centre squares, rectangles, object silhouettes
// (DATA/silhouettes) and free-form strokes, 3–30 % of the window. Resumes from the newest checkpoint
// in --run-dir; SIGTERM/SIGINT save a checkpoint and exit. --init-encoder starts a new run from the
// encoder of the model this one was fine-tuned from (as a fine-tune in the app does, encoder-adapt.ts).
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { zencoderSpec, generatorDigest } from '../src/core/nets/zencoder';
import { dcganSpec } from '../src/core/nets/dcgan';
import { Runtime } from '../src/core/onnx/runtime';
import { Rng } from '../src/core/random';
import { loadImageFolder } from '../src/core/train/data';
import { loadWeightsFile } from '../src/core/train/weights';
import { DEFAULT_ZENC_HYPER, ZencTrainer, loadModelEncoder, loadSilhouetteMasks, loadZencCheckpoint, makeZencBatch, saveZencCheckpoint, shipEncoder, type ZencState } from '../src/core/train/zencoder';

async function main(): Promise<void> {
  const { values: v } = parseArgs({ options: {
    model: { type: 'string' }, data: { type: 'string', default: '../shared/data' }, 'run-dir': { type: 'string' },
    steps: { type: 'string', default: '100000' }, minutes: { type: 'string', default: '0' }, threads: { type: 'string', default: '1' },
    batch: { type: 'string' }, synthetic: { type: 'string' }, lr: { type: 'string' }, alpha: { type: 'string' }, lambda: { type: 'string' },
    'init-encoder': { type: 'string' }, 'checkpoint-every': { type: 'string', default: '500' }, 'checkpoint-minutes': { type: 'string', default: '4' }, ship: { type: 'boolean', default: false },
  } });
  if (!v.model || !v['run-dir']) throw new Error('--model and --run-dir are required');
  const runDir = v['run-dir'];
  if (v.ship) {
    const e = await shipEncoder({ modelDir: v.model, checkpoint: runDir, machine: `${process.platform} ${process.arch}, ${(await import('node:os')).cpus().length} cores, onnxruntime-node CPU, ${v.threads} thread(s)` });
    console.log(`shipped ${v.model}/E.safetensors (${e.bytes} bytes, sha256 ${e.sha256}) at step ${e.training.steps}, against G sha256 ${e.generator.sha256}`);
    return;
  }
  sharp.concurrency(1);
  const rt = new Runtime({ provider: 'cpu', threads: Number(v.threads), spin: false, log: (l) => console.log(l) });
  const loaded = await loadWeightsFile(v.model);
  const gSpec = dcganSpec(JSON.parse(loaded.metadata['renovo.spec']));
  // G's weights, and D's for the perceptual term (--lambda); the trainer keeps what it uses
  const gWeights = new Map([...loaded.weights].filter(([k]) => k.startsWith('G.') || k.startsWith('D.')));
  const digest = generatorDigest(gWeights);
  const manifest = JSON.parse(readFileSync(join(v.model, 'manifest.json'), 'utf8')) as { data: { folder: string; heldOut?: { percent: number; files: string[] } } };
  const percent = manifest.data.heldOut?.percent ?? 0;
  const folder = join(v.data, basename(manifest.data.folder));
  // stored at 2× the model resolution: real windows are random crops of ½–1 of an image
  const ds = await loadImageFolder(folder, { resolution: gSpec.resolution * 2, crop: 'center', holdoutPercent: percent, onWarning: (m) => console.warn(m) });
  const heldSame = JSON.stringify(ds.heldOut?.files ?? []) === JSON.stringify(manifest.data.heldOut?.files ?? []);
  if (!heldSame) throw new Error(`held-out split of ${folder} (${ds.heldOut?.files.length ?? 0} files) differs from the model manifest's (${manifest.data.heldOut?.files.length ?? 0}): refusing to train on images the benchmark evaluates on`);
  const silDir = join(v.data, 'silhouettes');
  const silhouettes = existsSync(silDir) ? await loadSilhouetteMasks(silDir) : [];
  const resumed = await loadZencCheckpoint(runDir, gSpec, gWeights);
  const hyper = resumed?.state.hyper ?? {
    ...DEFAULT_ZENC_HYPER,
    ...(v.batch ? { batch: Number(v.batch) } : {}), ...(v.synthetic ? { synthetic: Number(v.synthetic) } : {}),
    ...(v.lr ? { lr: Number(v.lr) } : {}), ...(v.alpha ? { alpha: Number(v.alpha) } : {}), ...(v.lambda ? { lambda: Number(v.lambda) } : {}),
  };
  const parent = !resumed && v['init-encoder'] ? await loadModelEncoder(v['init-encoder']) : null;
  if (v['init-encoder'] && !resumed && !parent) throw new Error(`${v['init-encoder']} has no z-encoder to start from`);
  const spec = resumed?.state.spec ?? parent?.spec ?? zencoderSpec({ nc: gSpec.nc, nz: gSpec.nz, resolution: gSpec.resolution });
  const trainer = resumed?.trainer ?? new ZencTrainer(gSpec, gWeights, spec, hyper, parent ? new Map(parent.weights) : undefined);
  let step = resumed?.state.step ?? 0;
  const rng = new Rng(hyper.seed);
  if (resumed) rng.state = resumed.state.rng;
  let elapsed = resumed?.state.elapsedMs ?? 0;
  const losses: number[][] = resumed?.state.losses ?? [];
  const steps = Number(v.steps);
  const history = [...((resumed?.state.meta.history as unknown[]) ?? []), { fromStep: step, command: process.argv.slice(1).join(' '), at: new Date().toISOString() }];
  console.log(`${resumed ? `resumed ${resumed.dir} at step ${step}` : 'new run'}; ${ds.count} training images of ${folder} (held out ${ds.heldOut?.files.length ?? 0}, ${percent} %), ${silhouettes.length} silhouettes; G digest ${digest.slice(0, 12)}`);
  const state = (): ZencState => ({
    format: 'renovo-zencoder-checkpoint/1', step, adamT: trainer.adam.state.t, rng: rng.state, spec: trainer.spec, gSpec, hyper, generatorDigest: digest,
    elapsedMs: Math.round(elapsed), losses,
    meta: {
      command: process.argv.slice(1).join(' '), history,
      ...(resumed?.state.meta.initEncoder ? { initEncoder: resumed.state.meta.initEncoder } : parent ? { initEncoder: { model: v['init-encoder'], sha256: parent.sha256 } } : {}),
      data: { folder: manifest.data.folder, imageCount: ds.count, contentHash: ds.contentHash, heldOut: { percent, count: ds.heldOut?.files.length ?? 0, rule: ds.heldOut?.rule }, silhouettes: silhouettes.length ? `silhouettes/ (${silhouettes.length})` : 'none' },
    },
  });
  let stop = false;
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => { stop = true; });
  const deadline = Number(v.minutes) > 0 ? Date.now() + Number(v.minutes) * 60_000 : Infinity;
  const ckEveryMs = Number(v['checkpoint-minutes']) * 60_000;
  let lastCk = Date.now();
  let t0 = Date.now();
  let acc = [0, 0, 0, 0], n = 0;
  while (step < steps && !stop && Date.now() < deadline) {
    // cosine-free schedule: full rate, then ×0.3 over the last quarter of --steps
    trainer.adam.lr = hyper.lr * (step < 0.75 * steps ? 1 : 0.3);
    const b = makeZencBatch(rng, gSpec, hyper, ds, silhouettes, spec.zClip);
    const r = await trainer.step(rt, b);
    acc = [acc[0] + r.loss, acc[1] + r.context, acc[2] + r.latent, acc[3] + r.perceptual];
    n++;
    step++;
    const now = Date.now();
    elapsed += now - t0;
    t0 = now;
    if (step % 25 === 0) {
      const row = [step, ...acc.slice(0, hyper.lambda ? 4 : 3).map((a) => Math.round((a / n) * 1e5) / 1e5)];
      losses.push(row);
      console.log(`step ${step} loss ${row[1]} context ${row[2]} latent ${row[3]}${hyper.lambda ? ` log(1-D) ${row[4]}` : ''} ${(elapsed / step / 1000).toFixed(3)} s/step`);
      acc = [0, 0, 0, 0]; n = 0;
    }
    if (step % Number(v['checkpoint-every']) === 0 || now - lastCk > ckEveryMs) {
      await saveZencCheckpoint(runDir, state(), trainer);
      lastCk = Date.now();
    }
  }
  const dir = await saveZencCheckpoint(runDir, state(), trainer);
  console.log(`saved ${dir} at step ${step}${stop ? ' (signal)' : ''}`);
  await rt.release();
}
main().catch((e) => { console.error(e); process.exit(1); });
