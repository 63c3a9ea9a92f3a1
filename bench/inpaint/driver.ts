// Node side of the inpainting benchmark: runs Renovo's engines on the cases prepare.py wrote,
// writes every output as PNG (metrics are computed by eval.py, identically for all engines) and
// times the speed cases in-process (decode/encode excluded, as on the OpenCV side).
//
//   node driver.mjs quality DATA_DIR OUT_DIR        all quality cases, outputs as PNG
//   node driver.mjs speed DATA_DIR OUT_DIR ROUND    one timed run of every speed measurement,
//                                                   appended to OUT_DIR/timings.jsonl (run.sh
//                                                   alternates these rounds with OpenCV's)

import { appendFileSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ImageBuffer, MaskBuffer } from '../../src/core/image/types';
import { inpaint, type EngineId } from '../../src/core/inpaint/index';
import { BLEND_TOLERANCE, cloneGuidance, seamlessClone, solvePoisson } from '../../src/core/blend/poisson';

const [mode, dataDir, outDir, roundArg] = process.argv.slice(2);
if ((mode !== 'quality' && mode !== 'speed') || !dataDir || !outDir) {
  console.error('usage: node driver.mjs quality|speed DATA_DIR OUT_DIR [ROUND]');
  process.exit(2);
}
const ROUND = Number(roundArg ?? 1);
mkdirSync(outDir, { recursive: true });

interface QualityCase { id: string; photo: string; mask: string }
interface SpeedCase { id: string; photo: string; mask: string; src: string; width: number; height: number }
const cases = JSON.parse(readFileSync(join(dataDir, 'cases.json'), 'utf8')) as { quality: QualityCase[]; speed: SpeedCase[] };

async function readImage(file: string): Promise<ImageBuffer> {
  const { data, info } = await sharp(join(dataDir, file)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.channels === 3) return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  const out = new Uint8Array(info.width * info.height * 3);
  for (let p = 0; p < info.width * info.height; p++) out.fill(data[p * info.channels], p * 3, p * 3 + 3);
  return { width: info.width, height: info.height, channels: 3, data: out };
}

async function readMask(file: string): Promise<MaskBuffer> {
  const { data, info } = await sharp(join(dataDir, file)).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

async function writeImage(img: ImageBuffer, name: string): Promise<void> {
  await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), { raw: { width: img.width, height: img.height, channels: img.channels } })
    .png({ compressionLevel: 1 }).toFile(join(outDir, name));
}

const timing = (rec: Record<string, unknown>): void => appendFileSync(join(outDir, 'timings.jsonl'), JSON.stringify({ side: 'renovo', round: ROUND, ...rec }) + '\n');

const QUALITY_ENGINES: { name: string; engine: EngineId; blend: 'off' | 'normal' }[] = [
  { name: 'renovo_patchmatch', engine: 'patchmatch', blend: 'normal' },
  { name: 'renovo_patchmatch_noblend', engine: 'patchmatch', blend: 'off' },
  { name: 'renovo_telea', engine: 'telea', blend: 'normal' },
  { name: 'renovo_telea_noblend', engine: 'telea', blend: 'off' },
  { name: 'renovo_harmonic', engine: 'harmonic', blend: 'off' },
];

const quality: unknown[] = [];

if (mode === 'quality') for (const c of cases.quality) {
  const img = await readImage(c.photo);
  const mask = await readMask(c.mask);
  for (const e of QUALITY_ENGINES) {
    const t = performance.now();
    const res = await inpaint(img, mask, { engine: e.engine, blend: e.blend, seed: 1 });
    const ms = performance.now() - t;
    await writeImage(res.image, `${c.id}__${e.name}.png`);
    quality.push({ id: c.id, engine: e.name, ms });
  }
  process.stdout.write('.');
}
if (mode === 'quality') {
  process.stdout.write('\n');
  writeFileSync(join(outDir, 'renovo_quality.json'), JSON.stringify(quality, null, 1));
}

if (mode === 'speed') {
  // warm the JIT on a small problem so every round measures steady-state code; the hole (28 000
  // px) is big enough for PatchMatch and the Poisson solver to use (and warm) the kernel worker
  const W = 480, H = 360;
  const warm: ImageBuffer = { width: W, height: H, channels: 3, data: new Uint8Array(W * H * 3).map((_, i) => (i * 37) % 251) };
  const wm: MaskBuffer = { width: W, height: H, data: new Uint8Array(W * H).map((_, i) => (((i % W) - 240) ** 2 + (((i / W) | 0) - 180) ** 2 < 95 * 95 ? 1 : 0)) };
  for (const e of QUALITY_ENGINES) await inpaint(warm, wm, { engine: e.engine, blend: e.blend });
  seamlessClone(warm, warm, wm);
}

if (mode === 'speed') for (const c of cases.speed) {
  const img = await readImage(c.photo);
  const mask = await readMask(c.mask);
  for (const e of [...QUALITY_ENGINES.filter((q) => q.name !== 'renovo_telea_noblend')]) {
    const t = performance.now();
    const out = (await inpaint(img, mask, { engine: e.engine, blend: e.blend, seed: 1 })).image;
    const ms = performance.now() - t;
    if (ROUND === 1) await writeImage(out, `${c.id}__${e.name}.png`);
    timing({ kind: 'inpaint', id: c.id, engine: e.name, ms });
    console.log(`round ${ROUND} ${c.id} ${e.name}: ${ms.toFixed(0)} ms`);
  }
  // Poisson blending alone on the same region as cv2.seamlessClone: clone the shifted photo in
  const src = await readImage(c.src);
  for (const bm of ['normal', 'mixed'] as const) {
    const t = performance.now();
    const out = seamlessClone(img, src, mask, { mode: bm });
    const ms = performance.now() - t;
    if (ROUND === 1) await writeImage(out, `${c.id}__renovo_clone_${bm}.png`);
    timing({ kind: 'clone', id: c.id, engine: `renovo_clone_${bm}`, ms });
    console.log(`round ${ROUND} ${c.id} seamlessClone ${bm}: ${ms.toFixed(0)} ms`);
  }
  if (ROUND !== 1) continue;
  // accuracy check against an exact sparse solve (done by eval.py with scipy): channel 0, normal
  const { width, height } = img;
  const n = width * height;
  const plane = (im: ImageBuffer) => { const a = new Float32Array(n); for (let p = 0; p < n; p++) a[p] = im.data[p * 3]; return a; };
  const region = new Uint8Array(n);
  for (let p = 0; p < n; p++) region[p] = mask.data[p] ? 1 : 0;
  const d0 = plane(img), s0 = plane(src);
  const rhs = cloneGuidance(width, height, 1, s0, d0, region, 'normal');
  const sol = solvePoisson({ width, height, region, boundary: d0, rhs }, { tol: BLEND_TOLERANCE }); // the blend default
  writeFileSync(join(outDir, `${c.id}__renovo_solve_ch0.f32`), Buffer.from(sol.values.buffer));
  console.log(`${c.id} solver: ${sol.iterations} MGPCG iterations, max residual ${sol.residual.toExponential(2)}`);
}

console.log(`driver ${mode}: done`);
