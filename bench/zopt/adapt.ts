/**
 * Benchmark (issue 17, item 4): how many steps of encoder adaptation (src/core/train/encoder-adapt.ts)
 * a fine-tuned generator needs. Starts from the parent model's z-encoder (PARENT, e.g. the landscape
 * model) and adapts it to MODEL's generator (e.g. the Monet model fine-tuned from it) on MODEL's
 * training split, exactly as a fine-tune does; after each count in STEPS it measures the contextual
 * loss of G(E(x)) (the trainer's loss, without the latent term) on a fixed set of windows from
 * MODEL's held-out split, which neither G nor E saw. Step 0 is the parent's encoder as it is.
 * With SAVE=dir the adapted weights at the last count are written to dir/E-adapted.safetensors.
 * Run: npx esbuild bench/zopt/adapt.ts --bundle --platform=node --format=esm --packages=external --outfile=bench/out/adapt.mjs
 *      MODEL=models/monet-dcgan64 PARENT=models/landscape-dcgan64 STEPS=0,100,200,400,800 node bench/out/adapt.mjs
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Runtime } from '../../src/core/onnx/runtime';
import { Rng } from '../../src/core/random';
import { loadImageFolder } from '../../src/core/train/data';
import { adaptEncoder, ADAPT_HYPER } from '../../src/core/train/encoder-adapt';
import { loadWeightsFile } from '../../src/core/train/weights';
import { dcganSpec } from '../../src/core/nets/dcgan';
import { ZencTrainer, decodeZencoderWeights, makeZencBatch } from '../../src/core/train/zencoder';

const MODEL = process.env.MODEL ?? 'models/monet-dcgan64';
const PARENT = process.env.PARENT ?? 'models/landscape-dcgan64';
const DATA = process.env.DATA ?? resolve('../shared/data');
const STEPS = (process.env.STEPS ?? '0,100,200,400,800').split(',').map(Number);
const THREADS = Number(process.env.THREADS ?? 1);
const EVAL_BATCHES = Number(process.env.EVAL_BATCHES ?? 4);

async function main(): Promise<void> {
  const rt = new Runtime({ provider: 'cpu', threads: THREADS, spin: false });
  const loaded = await loadWeightsFile(MODEL);
  const gSpec = dcganSpec(JSON.parse(loaded.metadata['renovo.spec']));
  const gWeights = new Map([...loaded.weights].filter(([k]) => k.startsWith('G.')));
  const manifest = JSON.parse(readFileSync(join(MODEL, 'manifest.json'), 'utf8')) as { data: { folder: string; heldOut?: { percent: number; files: string[] } } };
  const held = manifest.data.heldOut;
  if (!held?.files.length) throw new Error(`${MODEL} has no held-out split to evaluate on`);
  const folder = join(DATA, basename(manifest.data.folder));
  const train = await loadImageFolder(folder, { resolution: gSpec.resolution * 2, crop: 'center', holdoutPercent: held.percent, noCache: true });
  // the held-out paintings as their own folder (copies in the OS temp folder: the loader skips links), stored the same way
  const heldDir = mkdtempSync(join(tmpdir(), 'renovo-adapt-held-'));
  for (const f of held.files) copyFileSync(join(folder, f), join(heldDir, f.replace(/\//g, '_')));
  const heldDs = await loadImageFolder(heldDir, { resolution: gSpec.resolution * 2, crop: 'center', noCache: true, minImages: 1 });
  const parent = decodeZencoderWeights(new Uint8Array(readFileSync(join(PARENT, 'E.safetensors'))), `${PARENT}/E.safetensors`);
  // fixed evaluation windows: real held-out paintings only, holes as in training
  const evalHyper = { ...ADAPT_HYPER, batch: 32, synthetic: 0, lr: 0 };
  const evalRng = new Rng(12345);
  const evalBatches = Array.from({ length: EVAL_BATCHES }, () => makeZencBatch(evalRng, gSpec, evalHyper, heldDs, [], parent.spec.zClip));
  const evaluate = async (w: ReadonlyMap<string, Float32Array>): Promise<number> => {
    const t = new ZencTrainer(gSpec, gWeights, parent.spec, evalHyper, new Map([...w].map(([k, v]) => [k, Float32Array.from(v)])));
    let s = 0;
    for (const b of evalBatches) s += (await t.step(rt, b)).context;
    return s / evalBatches.length;
  };
  console.log(`model ${MODEL} (${train.count} training, ${heldDs.count} held-out images), parent encoder ${PARENT}; eval ${EVAL_BATCHES}×32 held-out windows`);
  let weights: ReadonlyMap<string, Float32Array> = parent.weights;
  let done = 0;
  let ms = 0;
  const rows: { steps: number; context: number; ms: number }[] = [];
  for (const target of STEPS) {
    if (target > done) {
      // continue from the previous count (one run, measured at each count); a fresh rng seed per leg
      const r = await adaptEncoder({ runtime: rt, gSpec, gWeights, encoder: { spec: parent.spec, weights }, dataset: train, steps: target - done, hyper: { seed: ADAPT_HYPER.seed + done } });
      weights = r.weights;
      ms += r.elapsedMs;
      done = target;
    }
    const context = await evaluate(weights);
    rows.push({ steps: done, context, ms });
    console.log(`steps ${done}: held-out contextual loss ${context.toFixed(5)}  (adaptation time ${(ms / 1000).toFixed(1)} s)`);
  }
  if (process.env.SAVE) {
    mkdirSync(process.env.SAVE, { recursive: true });
    const { encodeZencoderWeights } = await import('../../src/core/train/zencoder');
    writeFileSync(join(process.env.SAVE, 'E-adapted.safetensors'), encodeZencoderWeights(parent.spec, weights));
  }
  writeFileSync(process.env.OUT ?? 'bench/out/adapt.json', JSON.stringify({ model: MODEL, parent: PARENT, threads: THREADS, rows }, null, 1));
  await rt.release();
}
main().catch((e) => { console.error(e); process.exit(1); });
