/**
 * Benchmark (issue 7): semantic inpainting by latent optimisation ('gan-zopt', with and without
 * the PatchMatch texture refinement) with the shipped landscape DCGAN-64, against PatchMatch and
 * fast marching (Telea) in the same run.
 *  - wall time per hole and iterations/s (ITERS iterations, RESTARTS restarts, CPU, THREADS threads);
 *  - masked PSNR / SSIM in the hole against the original, centre (64×64 in 256×256) and free-form masks;
 *  - a comparison grid (out-of-sample images only) written to OUT-grid.png.
 * Images: HELD_OUT landscapes from the model's held-out split (manifest.json data.heldOut: images
 * of ../shared/data/landscapes the trainer never saw), evenly spaced through the list, and
 * out-of-sample photos shipped by Debian python3-skimage (OOS). Nothing from ../shared goes into
 * the grid. MODEL: a models/<name> folder (default models/landscape-dcgan64).
 * Run: bench/zopt/run.sh  (env: ITERS, RESTARTS, THREADS, HELD_OUT, OOS, MODEL, OUT, REFINE=0|only)
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { inpaint } from '../../src/core/inpaint';
import { ganInpaint, type GanModel } from '../../src/core/inpaint/gan';
import { maskedPsnr, maskedSsim } from '../../src/core/image/metrics';
import type { ImageBuffer, MaskBuffer } from '../../src/core/image/types';
import { Runtime } from '../../src/core/onnx/runtime';
import { loadWeightsFile } from '../../src/core/train/weights';
import { recalibrateGeneratorBn } from '../../src/core/train/gan';
import { dcganSpec } from '../../src/core/nets/dcgan';
import { Rng } from '../../src/core/random';
import { S, SKIMAGE, loadSquare, writeGrid } from './holes';

const ITERS = Number(process.env.ITERS ?? 1500);
const RESTARTS = Number(process.env.RESTARTS ?? 16);
const THREADS = Number(process.env.THREADS ?? 2);
const HELD_OUT = Number(process.env.HELD_OUT ?? 6);
/** gan-zopt variants to run: refine off and/or patchmatch (REFINE=0: off only; REFINE=only: patchmatch only). */
const VARIANTS = process.env.REFINE === '0' ? (['off'] as const) : process.env.REFINE === 'only' ? (['patchmatch'] as const) : (['off', 'patchmatch'] as const);
const OUT = process.env.OUT ?? 'bench/out/zopt';
const MODEL = process.env.MODEL ?? 'models/landscape-dcgan64';
const DATA = process.env.DATA ?? resolve('../shared/data'); // run.sh runs from the repository root
const OOS = (process.env.OOS ?? 'rocket.jpg,grass.png').split(',').filter(Boolean);

function centreMask(): MaskBuffer {
  const d = new Uint8Array(S * S);
  for (let y = 96; y < 160; y++) for (let x = 96; x < 160; x++) d[y * S + x] = 255;
  return { width: S, height: S, data: d };
}

/** Free-form: a few thick random strokes inside the central 96×96 (seeded), ~ the centre mask's area. */
function freeMask(seed: number): MaskBuffer {
  const d = new Uint8Array(S * S);
  const rng = new Rng(seed);
  for (let s = 0; s < 4; s++) {
    let x = 96 + rng.uniform() * 64, y = 96 + rng.uniform() * 64, a = rng.uniform() * 2 * Math.PI;
    for (let k = 0; k < 40; k++) {
      a += (rng.uniform() - 0.5) * 0.8;
      x = Math.min(168, Math.max(88, x + 2 * Math.cos(a)));
      y = Math.min(168, Math.max(88, y + 2 * Math.sin(a)));
      for (let dy = -6; dy <= 6; dy++) for (let dx = -6; dx <= 6; dx++) if (dx * dx + dy * dy <= 36) d[(Math.round(y) + dy) * S + Math.round(x) + dx] = 255;
    }
  }
  return { width: S, height: S, data: d };
}

function masked(img: ImageBuffer, m: MaskBuffer): ImageBuffer {
  const d = Uint8Array.from(img.data);
  for (let p = 0; p < S * S; p++) if (m.data[p]) { d[p * 3] = 255; d[p * 3 + 1] = 255; d[p * 3 + 2] = 255; }
  return { ...img, data: d };
}

async function main(): Promise<void> {
  const rt = new Runtime({ provider: 'auto', threads: THREADS, spin: false, log: (l) => console.log(l) });
  const loaded = await loadWeightsFile(MODEL);
  const spec = loaded.checkpoint?.spec ?? dcganSpec(JSON.parse(loaded.metadata['renovo.spec']));
  const weights = loaded.checkpoint ? await recalibrateGeneratorBn(rt, spec, loaded.weights, { batches: 32, batch: 64, seed: 12345 }) : loaded.weights;
  const model: GanModel = { id: `bench:${MODEL}`, spec, weights };
  console.log(`model ${MODEL} (${spec.arch}, ngf ${spec.ngf}, ndf ${spec.ndf}); step ${loaded.checkpoint ? (await import('node:fs')).readFileSync(join(MODEL, 'state.json'), 'utf8').match(/"step":\s*(\d+)/)?.[1] : '?'}`);
  const manifest = JSON.parse(readFileSync(join(MODEL, 'manifest.json'), 'utf8')) as { data: { folder: string; heldOut?: { files: string[]; percent: number } } };
  const held = manifest.data.heldOut?.files ?? [];
  if (HELD_OUT > 0 && held.length === 0) throw new Error(`${MODEL}/manifest.json lists no held-out images (train with --holdout-percent)`);
  const folder = join(DATA, basename(manifest.data.folder));
  const picks = Array.from({ length: Math.min(HELD_OUT, held.length) }, (_, i) => held[Math.floor(((i + 0.5) * held.length) / Math.min(HELD_OUT, held.length))]);
  const inSample = picks.map((f) => ({ name: f, path: join(folder, f), set: 'held-out (never trained on)' }));
  const oos = OOS.map((f) => ({ name: `skimage/${f}`, path: join(SKIMAGE, f), set: 'out-of-sample (skimage)' }));
  const masks: [string, MaskBuffer][] = [['centre', centreMask()], ['free-form', freeMask(7)]];
  const rows: Record<string, unknown>[] = [];
  const grid: ImageBuffer[][] = [];
  mkdirSync('bench/out', { recursive: true });
  for (const item of [...oos, ...inSample]) {
    const img = await loadSquare(item.path);
    for (const [mname, mask] of masks) {
      const res: Record<string, unknown> = { image: item.name, set: item.set, mask: mname };
      const outs: ImageBuffer[] = [img, masked(img, mask)];
      for (const engine of ['telea', 'patchmatch'] as const) {
        const t0 = performance.now();
        const r = await inpaint(img, mask, { engine, seed: 1 });
        res[engine] = { ms: Math.round(performance.now() - t0), psnr: +maskedPsnr(r.image, img, mask).toFixed(2), ssim: +maskedSsim(r.image, img, mask).toFixed(4) };
        outs.push(r.image);
      }
      for (const refine of VARIANTS) {
        const t0 = performance.now();
        let its = 0;
        const r = await ganInpaint(img, mask, { model, iterations: ITERS, restarts: RESTARTS, seed: 1, runtime: rt, refine, onIteration: (p) => { its = p.iteration; } });
        const ms = performance.now() - t0;
        res[refine === 'off' ? 'gan-zopt' : 'gan-zopt+refine'] = { ms: Math.round(ms), iterations: its, itPerSec: +((its / ms) * 1000).toFixed(2), loss: +r.reports[0].loss.toFixed(2), psnr: +maskedPsnr(r.image, img, mask).toFixed(2), ssim: +maskedSsim(r.image, img, mask).toFixed(4), provider: r.provider, load1: +loadavg()[0].toFixed(1) };
        outs.push(r.image);
      }
      if (item.set.startsWith('out')) grid.push(outs);
      rows.push(res);
      console.log(JSON.stringify(res));
      writeFileSync(`${OUT}.json`, JSON.stringify({ model: MODEL, spec, iters: ITERS, restarts: RESTARTS, threads: THREADS, rows }, null, 2));
      if (grid.length) await writeGrid(grid, `${OUT}-grid.png`);
    }
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
