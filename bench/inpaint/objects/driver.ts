// Node side of the object-removal benchmark: runs Renovo's engines on the cases prepare.py wrote
// and writes every output as PNG, so eval.py scores all engines (and cv2 TELEA) identically.
// Wall time is measured in-process around inpaint() only (decode/encode excluded).
//
//   node driver.mjs DATA_DIR OUT_DIR        engines chosen by $ENGINES (comma list; default all)
//   TUNING='{"searchMargin":0.5}'           PatchMatch options for the renovo_new engines (experiments)
//   SEED=2                                  another seed for the renovo_new engines (run-to-run spread)

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ImageBuffer, MaskBuffer } from '../../../src/core/image/types';
import { inpaint, type InpaintOptions } from '../../../src/core/inpaint/index';

const [dataDir, outDir] = process.argv.slice(2);
if (!dataDir || !outDir) {
  console.error('usage: node driver.mjs DATA_DIR OUT_DIR   (ENGINES=renovo_old,renovo_new,... to choose)');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

// The engine as it was before issue 12: every PatchMatch option whose default changed, set to its
// old value (checked bit-exact against commit 2044fd9, BENCHMARKS.md).
const LEGACY = { textureWeight: 0, coarseInit: 'membrane', reconstruction: 'vote', voteSize: 15, finalVoteSize: 27, coarsestHole: 2, fineSearch: 1e9, sharpLevels: 0, searchMargin: 0.75, halo: 0, hedgeShading: false, matchDetail: false };

const tuning = process.env.TUNING ? (JSON.parse(process.env.TUNING) as InpaintOptions['patchmatch']) : undefined;
const newSeed = Number(process.env.SEED ?? 1);
const ALL: Record<string, InpaintOptions> = {
  renovo_old: { engine: 'patchmatch', blend: 'normal', seed: 1, patchmatch: LEGACY as InpaintOptions['patchmatch'] },
  renovo_new: { engine: 'auto', blend: 'normal', seed: newSeed, patchmatch: tuning },
  renovo_new_noblend: { engine: 'auto', blend: 'off', seed: newSeed, patchmatch: tuning },
};
const wanted = (process.env.ENGINES ?? Object.keys(ALL).join(',')).split(',').map((s) => s.trim());
const engines = Object.entries(ALL).filter(([name]) => wanted.includes(name));

interface Case { id: string; photo: string; mask: string }
const cases = (JSON.parse(readFileSync(join(dataDir, 'cases.json'), 'utf8')) as { cases: Case[] }).cases;

async function readImage(file: string): Promise<ImageBuffer> {
  const { data, info } = await sharp(join(dataDir, file)).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

async function readMask(file: string): Promise<MaskBuffer> {
  const { data, info } = await sharp(join(dataDir, file)).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

async function writeImage(img: ImageBuffer, name: string): Promise<void> {
  await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), { raw: { width: img.width, height: img.height, channels: img.channels } })
    .png({ compressionLevel: 1 }).toFile(join(outDir, name));
}

// warm the JIT (and any worker) on a small textured problem so the first case is not penalised
{
  const W = 160, H = 120;
  const img: ImageBuffer = { width: W, height: H, channels: 3, data: new Uint8Array(W * H * 3).map((_, i) => (i * 37) % 251) };
  const m: MaskBuffer = { width: W, height: H, data: new Uint8Array(W * H).map((_, i) => (((i % W) - 80) ** 2 + (((i / W) | 0) - 60) ** 2 < 30 * 30 ? 1 : 0)) };
  for (const [, opts] of engines) await inpaint(img, m, opts);
}

const times: { id: string; engine: string; ms: number; chosen: string }[] = [];
for (const c of cases) {
  const img = await readImage(c.photo);
  const mask = await readMask(c.mask);
  for (const [name, opts] of engines) {
    const t = performance.now();
    const res = await inpaint(img, mask, opts);
    const ms = performance.now() - t;
    await writeImage(res.image, `${c.id}__${name}.png`);
    times.push({ id: c.id, engine: name, ms, chosen: res.engine });
  }
  process.stdout.write('.');
}
process.stdout.write('\n');
writeFileSync(join(outDir, 'renovo_times.json'), JSON.stringify(times, null, 1));
console.log(`driver: ${cases.length} cases × ${engines.length} engines (${engines.map(([n]) => n).join(', ')})`);
