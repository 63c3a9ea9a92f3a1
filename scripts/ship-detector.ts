// Ships the newest damage-detector checkpoint as models/damage-unet/: weights.safetensors (F32),
// manifest.json (sha256, architecture, data, command, steps, wall time, held-out metrics),
// sample.png (a procedural photo only: damaged | detected | truth) and README.md.
//   node ship-detector.cjs --run-dir DIR [--out models/damage-unet] [--eval N] [--data ../shared/data]
// --eval N measures pixel precision/recall/IoU of the working-scale mask on N held-out photos
// (synthetic damage, fixed seeds) before shipping.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { Rng } from '../src/core/random';
import { loadSegCheckpoint, encodeUnetWeights } from '../src/core/train/segment';

import { loadFilmMarks } from '../src/core/restore/damage/film';
import { agePhoto, generateDamage } from '../src/core/restore/damage/generate';
import { synthPhoto } from '../test/fixtures/synth';
import { DETECTOR_NAME, detectLearned, type DetectorModel } from '../src/core/restore/detect/learned';
import { unetParamCount } from '../src/core/nets/unet';
import type { ImageBuffer } from '../src/core/image/types';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function main(): Promise<void> {
  const { values: v } = parseArgs({ options: { 'run-dir': { type: 'string' }, out: { type: 'string', default: `models/${DETECTOR_NAME}` }, eval: { type: 'string', default: '0' }, data: { type: 'string', default: '../shared/data' } } });
  const ck = await loadSegCheckpoint(v['run-dir'] as string);
  if (!ck) throw new Error('no checkpoint');
  const { state, trainer } = ck;
  const model: DetectorModel = { dir: '', spec: state.spec, weights: trainer.weights, sha256: `ck-${state.step}` };
  const meta = state.meta as { command: string; history?: unknown[]; data: { root: string; folders: string[]; silhouettes?: string; counts: Record<string, number>; holdoutPercent: number; heldOut: Array<{ files: string[]; rule: string }> }; filmMasks: number };

  // held-out evaluation: each photo as a 640 px print, aged, damaged with a fixed seed
  let evalRes: Record<string, Record<string, number>> | null = null;
  const nEval = Number(v.eval);
  if (nEval > 0) {
    const film = await loadFilmMarks(join(v.data as string, 'scratches/film-aa-masks'), 4);
    const held = meta.data.heldOut.flatMap((h) => h.files);
    // both folders: every k-th held-out file
    const pick = held.filter((_, i) => i % Math.max(1, Math.floor(held.length / nEval)) === 0).slice(0, nEval);
    evalRes = {};
    const samples: Array<{ dmg: ImageBuffer; truth: Uint8Array; clean: ImageBuffer }> = [];
    for (let i = 0; i < pick.length; i++) {
      const rng = new Rng(1000 + i);
      const { data, info } = await sharp(join(v.data as string, pick[i])).resize(640, 640, { fit: 'inside' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const aged = agePhoto({ width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) }, { seed: rng.int(1e9) });
      const d = generateDamage(aged, { seed: rng.int(1e9), film });
      samples.push({ dmg: d.image, truth: d.mask, clean: aged });
    }
    for (const sens of [0.3, 0.5, 0.7]) {
      let tp = 0, fp = 0, fn = 0, cleanFlag = 0, cleanPx = 0;
      for (const smp of samples) {
        const r = await detectLearned(smp.dmg, model, { sensitivity: sens });
        for (let q = 0; q < smp.truth.length; q++) {
          if (r.mask[q] && smp.truth[q]) tp++;
          else if (r.mask[q]) fp++;
          else if (smp.truth[q]) fn++;
        }
        const c = await detectLearned(smp.clean, model, { sensitivity: sens });
        cleanFlag += c.pixels;
        cleanPx += smp.clean.width * smp.clean.height;
      }
      const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;
      evalRes[`sensitivity ${sens}`] = { photos: samples.length, precision: r4(tp / Math.max(1, tp + fp)), recall: r4(tp / Math.max(1, tp + fn)), iou: r4(tp / Math.max(1, tp + fp + fn)), cleanFlaggedFraction: r4(cleanFlag / cleanPx) };
      console.log(sens, evalRes[`sensitivity ${sens}`]);
    }
  }

  const out = v.out as string;
  await mkdir(out, { recursive: true });
  const weights = encodeUnetWeights(state.spec, trainer.weights, 'F32');
  await writeFile(join(out, 'weights.safetensors'), weights);

  // sample: procedural photos only (no shared/data pixels in the repository)
  const rows: Buffer[] = [];
  const T = 320;
  for (let k = 0; k < 3; k++) {
    const aged = agePhoto(synthPhoto(T, T, { seed: 40 + k }), { seed: 7 + k });
    const d = generateDamage(aged, { seed: 90 + k, scale: 0.6 });
    const r = await detectLearned(d.image, model, {});
    const grey = (m: Uint8Array): ImageBuffer => ({ width: T, height: T, channels: 3, data: Uint8Array.from({ length: T * T * 3 }, (_, i) => m[(i / 3) | 0]) });
    const row = [d.image, grey(r.mask), grey(d.mask)];
    const raw = new Uint8Array(3 * T * T * 3);
    for (let y = 0; y < T; y++) row.forEach((im, j) => raw.set(im.data.subarray(y * T * 3, (y + 1) * T * 3), (y * 3 * T + j * T) * 3));
    rows.push(Buffer.from(raw));
  }
  const sample = await sharp(Buffer.concat(rows), { raw: { width: 3 * T, height: 3 * T, channels: 3 } }).png().toBuffer();
  await writeFile(join(out, 'sample.png'), sample);

  const manifest = {
    format: 'renovo-detector-model/1',
    name: DETECTOR_NAME,
    kind: 'damage-detector',
    architecture: { family: 'U-Net segmentation (Ronneberger et al. 2015), as the damage detector of Wan et al. 2020, slimmed', spec: state.spec, params: unetParamCount(trainer.weights), input: 'luma/127.5 − 1 at a working scale of 1024 px long side, tiles 408×408 (344 + 32 margin)', output: 'damage probability per pixel' },
    files: {
      'weights.safetensors': { sha256: sha(weights), bytes: weights.length, what: 'U-Net weights, F32' },
      'sample.png': { sha256: sha(sample), bytes: sample.length, what: 'procedural photos only: damaged | detected (sensitivity 0.5) | truth' },
    },
    data: { folder: meta.data.root, folders: meta.data.folders, imageCounts: meta.data.counts, heldOut: { percent: meta.data.holdoutPercent, rule: meta.data.heldOut[0]?.rule, count: meta.data.heldOut.reduce((a, h) => a + h.files.length, 0), files: meta.data.heldOut.flatMap((h) => h.files) }, filmMasks: `${meta.filmMasks} of scratches/film-aa-masks/scanNN_mask.png composited`, damage: 'src/core/restore/damage/generate.ts', ...(meta.data.silhouettes ? { hardNegatives: `sharp man-made content drawn on clean crops (src/core/train/damage-data.ts addHardContent: lettering, signs, stripes, crisp shapes, print borders, object outlines from ${meta.data.silhouettes}), never damage` } : {}) },
    training: { command: `nice -n 19 node ${meta.command}`, steps: state.step, batch: state.hyper.batch, size: state.hyper.size, lr: state.hyper.lr, posWeight: state.hyper.posWeight, wallTimeMs: state.elapsedMs, wallTime: `${Math.floor(state.elapsedMs / 60000)}m ${Math.round((state.elapsedMs % 60000) / 1000)}s`, threads: 1, history: meta.history ?? [], notes: process.env.SHIP_NOTES ?? '', lossCurve: state.losses },
    heldOutEval: evalRes ? { what: 'pixel precision/recall (no tolerance) of the full-resolution mask, held-out photos at 640 px, aged and damaged by the generator with fixed seeds; clean = the same aged photos undamaged', ...evalRes } : null,
    createdAt: new Date().toISOString(),
  };
  await writeFile(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  console.log(`shipped ${out}: ${weights.length} bytes, step ${state.step}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
