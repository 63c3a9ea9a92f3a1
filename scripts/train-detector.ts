// Trains the damage-detector U-Net on synthetic damage over clean photos (CPU, resumable).
//   node train-detector.cjs --data ../shared/data --run-dir DIR [--steps N] [--batch B] [--size S]
//     [--threads 1] [--checkpoint-every N] [--minutes M] [--content-scale MIN,MAX] [--pos-weight W]
//     [--clean-fraction F] [--hard P] [--sharpen Q] [--highlights P] [--upscaled P] [--unaged P] [--faint P] [--grain P] [--chips P] [--init WEIGHTS]
//     [--film-scans N] [--broken P]
// --hard P draws sharp man-made content (lettering, signs, stripes, crisp shapes, borders, object
// silhouettes from DATA/silhouettes) onto a fraction P of the clean crops before aging and damage:
// hard negatives for clean, sharp photos; --sharpen Q (with --hard) unsharp-masks a fraction Q of
// the clean crops and adds fine grain to half of those (the acutance of sharp scans). --content-scale near 1 keeps sources unscaled (sharp).
// --highlights P blows out the highlights of a fraction P of the crops (over-exposure, lamps, bright
// walls), never marked as damage. --upscaled P makes a fraction P of the crops (damaged or clean) 1.25–2.5×
// smaller and enlarges them back, as an enlarged small scan looks (session 9's run5; not shipped).
// --unaged P leaves a fraction P of the crops as the colour photos they are (default 0.25). --faint P makes a
// fraction P of the thin damage layers faint (12–45 grey levels, as dust and scratches on film scans); --grain P
// adds colour film grain (σ 4–14) to a fraction P of the crops. --chips P adds a layer of angular, hard-edged
// emulsion chips to a fraction P of the damaged crops (the flakes real prints lose). --film-scans N draws the
// real film marks from the first N (at most 6) film-aa scans (default 4). --broken P breaks a fraction P of
// the scratches into dashes (a scratch dragged along a film strip). --init starts a new run from a shipped detector's weights
// (models/damage-unet/weights.safetensors; Adam starts afresh); ignored when the run dir has a checkpoint.
// Resumes from the newest checkpoint in --run-dir; SIGTERM/SIGINT save a checkpoint and exit.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { DEFAULT_UNET } from '../src/core/nets/unet';
import { Runtime } from '../src/core/onnx/runtime';
import { loadFilmMarks } from '../src/core/restore/damage/film';
import { listCleanPhotos, loadSilhouettes, makeBatch } from '../src/core/train/damage-data';
import { Rng } from '../src/core/random';
import { SegTrainer, decodeUnetWeights, loadSegCheckpoint, saveSegCheckpoint, type SegState } from '../src/core/train/segment';

const FOLDERS = ['landscapes', 'faces'];
const HOLDOUT = 5;

async function main(): Promise<void> {
  const { values: v } = parseArgs({ options: {
    data: { type: 'string' }, 'run-dir': { type: 'string' }, steps: { type: 'string', default: '3000' },
    batch: { type: 'string', default: '8' }, size: { type: 'string', default: '128' }, threads: { type: 'string', default: '1' },
    'checkpoint-every': { type: 'string', default: '100' }, minutes: { type: 'string', default: '0' }, lr: { type: 'string', default: '0.002' }, 'pos-weight': { type: 'string' }, 'content-scale': { type: 'string', default: '2,6' },
    'clean-fraction': { type: 'string', default: '0.25' }, hard: { type: 'string', default: '0' }, sharpen: { type: 'string', default: '0' },
    highlights: { type: 'string', default: '0' }, upscaled: { type: 'string', default: '0' }, unaged: { type: 'string', default: '0.25' }, init: { type: 'string' },
    faint: { type: 'string', default: '0' }, grain: { type: 'string', default: '0' }, chips: { type: 'string', default: '0' }, broken: { type: 'string', default: '0' },
    'film-scans': { type: 'string', default: '4' },
  } });
  if (!v.data || !v['run-dir']) throw new Error('--data and --run-dir are required');
  sharp.concurrency(1);
  const runDir = v['run-dir'];
  const steps = Number(v.steps);
  const rt = new Runtime({ provider: 'cpu', threads: Number(v.threads), spin: false, log: (l) => console.log(l) });
  const set = listCleanPhotos(v.data, FOLDERS, HOLDOUT);
  // the first N film-aa scans (scans 7–10 stay out of training: eval.ts's EVAL_FILM=heldout)
  const film = await loadFilmMarks(join(v.data, 'scratches/film-aa-masks'), Math.min(6, Number(v['film-scans'])));
  const hardP = Number(v.hard);
  const silhouettes = hardP > 0 ? await loadSilhouettes(join(v.data, 'silhouettes')) : [];
  const resumed = await loadSegCheckpoint(runDir);
  let hyper = resumed?.state.hyper ?? { batch: Number(v.batch), size: Number(v.size), lr: Number(v.lr), posWeight: Number(v['pos-weight'] ?? 4), seed: 1 };
  // a resumed run may change the loss weighting (recorded in the checkpoint's hyper and meta)
  if (resumed && v['pos-weight'] !== undefined && Number(v['pos-weight']) !== hyper.posWeight) {
    console.log(`posWeight ${hyper.posWeight} -> ${v['pos-weight']} from step ${resumed.state.step}`);
    hyper = { ...hyper, posWeight: Number(v['pos-weight']) };
  }
  const initial = !resumed && v.init ? decodeUnetWeights(new Uint8Array(readFileSync(v.init)), DEFAULT_UNET, v.init) : undefined;
  let trainer = resumed?.trainer ?? new SegTrainer(DEFAULT_UNET, hyper, initial);
  if (resumed && resumed.trainer.hyper.posWeight !== hyper.posWeight) {
    // the weighting is baked into the loss graph: rebuild it, keeping weights and Adam state
    const old = resumed.trainer;
    trainer = new SegTrainer(old.spec, { ...hyper }, old.weights);
    trainer.adam.state = old.adam.state;
  }
  // a run started from shipped weights continues that model's step count and history (its
  // manifest beside the weights), on a fresh stream of training crops
  const initManifest = initial && existsSync(join(dirname(v.init!), 'manifest.json')) ? JSON.parse(readFileSync(join(dirname(v.init!), 'manifest.json'), 'utf8')) : null;
  let step = resumed?.state.step ?? Number(initManifest?.training?.steps ?? 0);
  const rng = new Rng(hyper.seed + (resumed ? 0 : step));
  if (resumed) rng.state = resumed.state.rng;
  let elapsed = resumed?.state.elapsedMs ?? Number(initManifest?.training?.wallTimeMs ?? 0);
  const losses: number[] = resumed?.state.losses ?? [];
  console.log(`${resumed ? `resumed at step ${step}` : 'new run'}; ${set.train.length} training photos (${JSON.stringify(set.counts)}), held out ${set.heldOut.map((h) => h.files.length).join('+')}; film masks ${film.length}; silhouettes ${silhouettes.length} (hard ${hardP})`);
  // every (re)start of the run, so the manifest can say how the weights were made
  const before = (resumed?.state.meta.history ?? initManifest?.training?.history ?? []) as unknown[];
  const history = [...before, { fromStep: step, ...(initial ? { init: v.init } : {}), command: process.argv.slice(1).join(' '), posWeight: hyper.posWeight, at: new Date().toISOString() }];
  const state = (): SegState => ({
    format: 'renovo-seg-checkpoint/1', step, adamT: trainer.adam.state.t, rng: rng.state, spec: trainer.spec, hyper, elapsedMs: Math.round(elapsed), losses,
    meta: { command: process.argv.slice(1).join(' '), history, data: { root: v.data, folders: FOLDERS, silhouettes: silhouettes.length ? 'silhouettes/' : undefined, counts: set.counts, holdoutPercent: HOLDOUT, heldOut: set.heldOut }, filmMasks: film.length },
  });
  let stop = false;
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => { stop = true; });
  const deadline = Number(v.minutes) > 0 ? Date.now() + Number(v.minutes) * 60_000 : Infinity;
  let t0 = Date.now();
  let acc = 0, n = 0;
  while (step < steps && !stop && Date.now() < deadline) {
    // decay the learning rate over the last 40 % of the run
    trainer.adam.lr = hyper.lr * (step < 0.6 * steps ? 1 : Math.max(0.1, (steps - step) / (0.4 * steps)));
    const b = await makeBatch(set.train, rng, hyper.batch, { size: hyper.size, film, contentScale: v['content-scale'].split(',').map(Number) as [number, number], cleanFraction: Number(v['clean-fraction']), hard: hardP > 0 ? { p: hardP, silhouettes, sharpen: Number(v.sharpen) } : undefined, highlights: Number(v.highlights), upscaled: Number(v.upscaled), unaged: Number(v.unaged), faint: Number(v.faint), grain: Number(v.grain), chips: Number(v.chips), broken: Number(v.broken) });
    acc += await trainer.step(rt, b.x, b.y);
    n++;
    step++;
    const now = Date.now();
    elapsed += now - t0;
    t0 = now;
    if (step % 20 === 0) {
      losses.push(Math.round((acc / n) * 1e4) / 1e4);
      console.log(`step ${step}/${steps} loss ${(acc / n).toFixed(4)} lr ${trainer.adam.lr.toExponential(2)} ${(elapsed / step / 1000).toFixed(2)} s/step`);
      acc = 0; n = 0;
    }
    if (step % Number(v['checkpoint-every']) === 0) await saveSegCheckpoint(runDir, state(), trainer);
  }
  const dir = await saveSegCheckpoint(runDir, state(), trainer);
  console.log(`saved ${dir} at step ${step}${stop ? ' (signal)' : ''}`);
  await rt.release();
}
main().catch((e) => { console.error(e); process.exit(1); });
