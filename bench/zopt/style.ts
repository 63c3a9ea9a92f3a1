/**
 * Benchmark (issue 17): does a style model fill its own style better? On the held-out paintings of
 * a fine-tuned model (MODEL, default the Monet model: paintings neither its G nor its E saw), one
 * hole each (alternately a centre square and an object silhouette, 3–15 % of the 256×256 image,
 * seeded as bench/zopt/encoder.ts), filled by:
 *   telea, patchmatch (the object-removal engine), and gan-zopt with MODEL and with BASE (the model
 *   it was fine-tuned from), each warm-started from its own z-encoder, refine off and 'patchmatch'.
 * Measures in the hole: masked PSNR and SSIM against the painting, texture ratio (Laplacian variance
 * of luma 3 px inside the hole, output ÷ truth), seam (gradient error within 4 px of the hole's
 * edge, both sides) and time. Writes OUT.json and OUT-grid.png (rows:
 * painting | hole | telea | patchmatch | MODEL | MODEL+refine | BASE | BASE+refine) to look at; the
 * grid shows files from ../shared/data, so it stays out of the repository. OOS (skimage file names)
 * adds holes in photos shipped by Debian's python3-skimage, scored separately (set 'oos') and drawn
 * in OUT-grid-oos.png, which may be committed.
 * Run: npx esbuild bench/zopt/style.ts --bundle --platform=node --format=esm --packages=external --outfile=bench/out/style.mjs
 *      MODEL=models/monet-dcgan64 BASE=models/landscape-dcgan64 node bench/out/style.mjs
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { inpaint } from '../../src/core/inpaint';
import { ganInpaint, type GanModel } from '../../src/core/inpaint/gan';
import { maskedPsnr, maskedSsim } from '../../src/core/image/metrics';
import type { ImageBuffer, MaskBuffer } from '../../src/core/image/types';
import { Runtime } from '../../src/core/onnx/runtime';
import { loadWeightsFile } from '../../src/core/train/weights';
import { loadModelEncoder } from '../../src/core/train/zencoder';
import { dcganSpec } from '../../src/core/nets/dcgan';
import { Rng } from '../../src/core/random';
import { S, SKIMAGE, centreSquare, loadSquare, silhouetteMask, writeGrid } from './holes';

const MODEL = process.env.MODEL ?? 'models/monet-dcgan64';
/** the model MODEL was fine-tuned from, compared on the same holes ('' for none: e.g. MODEL=models/landscape-dcgan64 BASE= for the landscape target) */
const BASE = process.env.BASE ?? 'models/landscape-dcgan64';
const DATA = process.env.DATA ?? resolve('../shared/data');
const THREADS = Number(process.env.THREADS ?? 2);
const OUT = process.env.OUT ?? 'bench/out/style';
/** holes (one per held-out image, evenly spaced through the list); default all */
const LIMIT = Number(process.env.HOLES ?? 1000);
/** out-of-sample photos shipped by Debian python3-skimage, after the held-out holes, in their own grid (the only one fit to commit) */
const OOS = (process.env.OOS ?? '').split(',').filter(Boolean);

async function ganModel(dir: string): Promise<GanModel> {
  const loaded = await loadWeightsFile(dir);
  const enc = await loadModelEncoder(dir);
  if (!enc) throw new Error(`${dir} has no z-encoder`);
  return { id: `bench:${dir}`, spec: dcganSpec(JSON.parse(loaded.metadata['renovo.spec'])), weights: loaded.weights, encoder: enc };
}

/** Laplacian variance of luma over the hole pixels at least 3 px from its edge, output ÷ truth. */
function textureRatio(out: ImageBuffer, truth: ImageBuffer, mask: MaskBuffer): number {
  const inner = new Uint8Array(S * S);
  for (let y = 3; y < S - 3; y++) for (let x = 3; x < S - 3; x++) {
    let all = true;
    for (let dy = -3; dy <= 3 && all; dy++) for (let dx = -3; dx <= 3; dx++) if (!mask.data[(y + dy) * S + x + dx]) { all = false; break; }
    inner[y * S + x] = all ? 1 : 0;
  }
  const lapVar = (im: ImageBuffer): number => {
    const l = (p: number): number => 0.299 * im.data[p * 3] + 0.587 * im.data[p * 3 + 1] + 0.114 * im.data[p * 3 + 2];
    let s = 0, s2 = 0, n = 0;
    for (let p = 0; p < S * S; p++) {
      if (!inner[p]) continue;
      const v = 4 * l(p) - l(p - 1) - l(p + 1) - l(p - S) - l(p + S);
      s += v; s2 += v * v; n++;
    }
    return n ? s2 / n - (s / n) ** 2 : NaN;
  };
  return lapVar(out) / lapVar(truth);
}

/** Seam: mean |∇out − ∇truth| of luma (central differences) over pixels within 4 px of the hole's edge, on both sides. */
function seamError(out: ImageBuffer, truth: ImageBuffer, mask: MaskBuffer): number {
  const luma = (im: ImageBuffer): Float32Array => Float32Array.from({ length: S * S }, (_, p) => 0.299 * im.data[p * 3] + 0.587 * im.data[p * 3 + 1] + 0.114 * im.data[p * 3 + 2]);
  const lo = luma(out), lt = luma(truth);
  let sum = 0, n = 0;
  for (let y = 4; y < S - 4; y++) for (let x = 4; x < S - 4; x++) {
    const p = y * S + x, inside = mask.data[p] !== 0;
    let near = false;
    for (let dy = -4; dy <= 4 && !near; dy++) for (let dx = -4; dx <= 4; dx++) if (dx * dx + dy * dy <= 16 && (mask.data[p + dy * S + dx] !== 0) !== inside) { near = true; break; }
    if (!near) continue;
    const gx = (lo[p + 1] - lo[p - 1]) / 2 - (lt[p + 1] - lt[p - 1]) / 2, gy = (lo[p + S] - lo[p - S]) / 2 - (lt[p + S] - lt[p - S]) / 2;
    sum += Math.hypot(gx, gy);
    n++;
  }
  return sum / n;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(MODEL, 'manifest.json'), 'utf8')) as { data: { folder: string; heldOut?: { files: string[] } } };
  const held = manifest.data.heldOut?.files ?? [];
  if (!held.length) throw new Error(`${MODEL} has no held-out split`);
  const folder = join(DATA, basename(manifest.data.folder));
  const silDir = join(DATA, 'silhouettes');
  const sils = readdirSync(silDir).filter((f) => f.endsWith('.png')).sort();
  const rt = new Runtime({ provider: 'cpu', threads: THREADS, spin: false });
  const models: [string, GanModel][] = [[basename(MODEL), await ganModel(MODEL)], ...(BASE ? [[basename(BASE), await ganModel(BASE)] as [string, GanModel]] : [])];
  const rng = new Rng(1717);
  const rows: Record<string, unknown>[] = [];
  const grid: ImageBuffer[][] = [];
  const count = Math.min(LIMIT, held.length);
  // evenly spaced through the held-out list (all of it when HOLES ≥ its length), as bench/zopt/encoder.ts
  const picks = [
    ...Array.from({ length: count }, (_, i) => join(folder, held[Math.floor(((i + 0.5) * held.length) / count)])),
    ...OOS.map((f) => join(SKIMAGE, f)),
  ];
  const oosGrid: ImageBuffer[][] = [];
  for (let i = 0; i < picks.length; i++) {
    const oos = i >= count;
    const kind = i % 2 === 0 ? 'centre' : 'silhouette';
    const frac = 0.03 + 0.12 * rng.uniform();
    const mask = kind === 'centre' ? centreSquare(frac) : await silhouetteMask(join(silDir, sils[(i * 37) % sils.length]), frac, rng);
    const img = await loadSquare(picks[i]);
    let n = 0;
    for (let p = 0; p < S * S; p++) if (mask.data[p]) n++;
    const row: Record<string, unknown> = { image: oos ? `skimage/${basename(picks[i])}` : basename(picks[i]), set: oos ? 'oos' : 'held-out', kind, frac: +(n / (S * S)).toFixed(4) };
    const shown = Uint8Array.from(img.data);
    for (let p = 0; p < S * S; p++) if (mask.data[p]) shown.fill(255, p * 3, p * 3 + 3);
    const outs: ImageBuffer[] = [img, { ...img, data: shown }];
    const score = (name: string, out: ImageBuffer, ms: number, extra: Record<string, unknown> = {}): void => {
      row[name] = { psnr: +maskedPsnr(out, img, mask).toFixed(2), ssim: +maskedSsim(out, img, mask).toFixed(4), texture: +textureRatio(out, img, mask).toFixed(3), seam: +seamError(out, img, mask).toFixed(3), ms: Math.round(ms), ...extra };
      outs.push(out);
    };
    for (const engine of ['telea', 'patchmatch'] as const) {
      const t0 = performance.now();
      const r = await inpaint(img, mask, { engine, seed: 1 });
      score(engine, r.image, performance.now() - t0);
    }
    for (const [name, model] of models) {
      for (const refine of ['off', 'patchmatch'] as const) {
        const t0 = performance.now();
        const r = await ganInpaint(img, mask, { model, runtime: rt, refine, start: 'encoder', seed: 1, blend: 'normal' });
        score(refine === 'off' ? name : `${name}+refine`, r.image, performance.now() - t0, { loss: +(r.reports[0]?.loss ?? NaN).toFixed(4) });
      }
    }
    rows.push(row);
    (oos ? oosGrid : grid).push(outs);
    console.log(JSON.stringify(row));
    writeFileSync(`${OUT}.json`, JSON.stringify({ model: MODEL, base: BASE, threads: THREADS, rows }, null, 1));
  }
  if (grid.length) await writeGrid(grid, `${OUT}-grid.png`);
  if (oosGrid.length) await writeGrid(oosGrid, `${OUT}-grid-oos.png`);
  await rt.release();
}

main().catch((e) => { console.error(e); process.exit(1); });
