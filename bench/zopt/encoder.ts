/**
 * Benchmark (issue 17): the z-search of 'gan-zopt' cold (random latents, 1500 iterations × 16
 * restarts: today's default) against warm (the model's z-encoder: E's output + 3 jittered copies,
 * ≤ 100 iterations with a patience stop), on the same holes, with the same loss (importance-
 * weighted L1 + λ·log(1 − D), λ = 0.003) and seed.
 *  - final loss per hole (both reported by the engine for the chosen restart), iterations, wall time;
 *  - loss curves (best loss so far / cold's final loss, per iteration) as a PNG chart;
 *  - masked PSNR in the hole against the original (for information; the target is the loss);
 *  - picture grids: photo | hole | cold | E only (G(E(x)), no iterations) | warm.
 * Holes: HOLES held-out landscapes (the model manifest's held-out split: never seen by G or E),
 * evenly spaced through the list, alternately a centre square and an object silhouette (COCO,
 * ../shared/data/silhouettes, dilated 2 px), 3–15 % of the 256×256 image (seeded). Out-of-sample
 * skimage photos (OOS) go into a separate grid, the only pictures fit to commit.
 * MODE=cold|warm|report (cold and warm write OUT-cold.json / OUT-warm.json and PNG fills under
 * OUT/; report combines them). COLD_HOLES: run cold on the first N holes only (it is ~1 min a hole).
 * Run: bench/zopt/run-encoder.sh  (env: MODE, HOLES, COLD_HOLES, THREADS, MODEL, OUT, OOS, DATA)
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import sharp from 'sharp';
import { ganInpaint, type GanInpaintResult, type GanModel } from '../../src/core/inpaint/gan';
import { maskedPsnr } from '../../src/core/image/metrics';
import type { ImageBuffer, MaskBuffer } from '../../src/core/image/types';
import { Runtime } from '../../src/core/onnx/runtime';
import { loadWeightsFile } from '../../src/core/train/weights';
import { loadModelEncoder } from '../../src/core/train/zencoder';
import { dcganSpec } from '../../src/core/nets/dcgan';
import { Rng } from '../../src/core/random';
import { S, SKIMAGE, centreSquare, loadSquare, silhouetteMask } from './holes';

const MODE = process.env.MODE ?? 'report';
const HOLES = Number(process.env.HOLES ?? 24);
const COLD_HOLES = Number(process.env.COLD_HOLES ?? HOLES);
const THREADS = Number(process.env.THREADS ?? 2);
const OUT = process.env.OUT ?? 'bench/out/zopt-encoder';
const MODEL = process.env.MODEL ?? 'models/landscape-dcgan64';
const DATA = process.env.DATA ?? resolve('../shared/data');
const OOS = (process.env.OOS ?? 'rocket.jpg,coffee.png').split(',').filter(Boolean);
/** Only these hole indices (comma list), e.g. to try warm-start settings on a few holes. */
const ONLY = process.env.ONLY ? new Set(process.env.ONLY.split(',').map(Number)) : null;
/** Warm-start settings (engine defaults unless set): WARM_LR, JITTER, WARM_RESTARTS, PATIENCE, WARM_ITERS, WARMUP. */
const WARM = Object.fromEntries(Object.entries({
  warmLearningRate: process.env.WARM_LR, jitter: process.env.JITTER, warmRestarts: process.env.WARM_RESTARTS, patience: process.env.PATIENCE, warmIterations: process.env.WARM_ITERS, warmup: process.env.WARMUP,
}).filter(([, v]) => v !== undefined).map(([k, v]) => [k, Number(v)]));

interface Hole { name: string; set: 'held-out' | 'in-sample' | 'oos'; path: string; kind: 'centre' | 'silhouette'; frac: number; mask: MaskBuffer }
interface Run { loss: number; ms: number; iterations: number; stoppedBy: string; psnr: number; curve: number[]; encoderLoss?: number; load1: number }

async function holes(): Promise<Hole[]> {
  const manifest = JSON.parse(readFileSync(join(MODEL, 'manifest.json'), 'utf8')) as { data: { folder: string; heldOut?: { files: string[] } } };
  const folder = join(DATA, basename(manifest.data.folder));
  // a model trained on its whole folder (Monet, faces) has no held-out images: IN_SAMPLE=1 measures
  // the search on training images instead, labelled 'in-sample' (E and G have seen them)
  const inSample = !manifest.data.heldOut?.files.length && process.env.IN_SAMPLE === '1';
  const held = inSample ? readdirSync(folder).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort() : manifest.data.heldOut?.files ?? [];
  if (!held.length) throw new Error(`${MODEL}/manifest.json lists no held-out images (IN_SAMPLE=1 measures on training images)`);
  const silDir = join(DATA, 'silhouettes');
  const sils = readdirSync(silDir).filter((f) => f.endsWith('.png')).sort();
  const rng = new Rng(1717);
  const out: Hole[] = [];
  const items = [
    ...Array.from({ length: HOLES }, (_, i) => ({ name: held[Math.floor(((i + 0.5) * held.length) / HOLES)], set: inSample ? ('in-sample' as const) : ('held-out' as const), dir: folder })),
    ...OOS.map((f) => ({ name: f, set: 'oos' as const, dir: SKIMAGE })),
  ];
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    const kind = i % 2 === 0 ? 'centre' : 'silhouette';
    const frac = 0.03 + 0.12 * rng.uniform();
    const mask = kind === 'centre' ? centreSquare(frac) : await silhouetteMask(join(silDir, sils[(i * 37) % sils.length]), frac, rng);
    let n = 0;
    for (let p = 0; p < S * S; p++) if (mask.data[p]) n++;
    out.push({ name: it.name, set: it.set, path: join(it.dir, it.name), kind, frac: n / (S * S), mask });
  }
  return out;
}

async function savePng(img: ImageBuffer, path: string): Promise<void> {
  await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } }).png().toFile(path);
}

async function runOne(model: GanModel, rt: Runtime, h: Hole, img: ImageBuffer, mode: 'cold' | 'warm' | 'eonly'): Promise<{ run: Run; image: ImageBuffer }> {
  const curve: number[] = [];
  const t0 = performance.now();
  const opts = mode === 'cold' ? { start: 'cold' as const, iterations: 1500, restarts: 16 } : mode === 'warm' ? { start: 'encoder' as const, ...WARM } : { start: 'encoder' as const, ...WARM, warmIterations: 0 };
  const r: GanInpaintResult = await ganInpaint(img, h.mask, { model, runtime: rt, seed: 1, ...opts, onIteration: (p) => { curve[p.iteration] = p.bestLoss; } });
  const ms = performance.now() - t0;
  const rep = r.reports[0];
  if (r.reports.length !== 1) console.warn(`${h.name}: ${r.reports.length} windows (hole split into components); reporting the first`);
  return { run: { loss: rep.loss, ms, iterations: rep.iterations, stoppedBy: rep.stoppedBy, psnr: maskedPsnr(r.image, img, h.mask), curve: curve.slice(1), ...(rep.encoderLoss !== undefined ? { encoderLoss: rep.encoderLoss } : {}), load1: loadavg()[0] }, image: r.image };
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const hs = await holes();
  if (MODE === 'report') return report(hs);
  const rt = new Runtime({ provider: 'cpu', threads: THREADS, spin: false, log: (l) => console.log(l) });
  const loaded = await loadWeightsFile(MODEL);
  const spec = dcganSpec(JSON.parse(loaded.metadata['renovo.spec']));
  const enc = await loadModelEncoder(MODEL);
  if (MODE !== 'cold' && !enc) throw new Error(`${MODEL} has no encoder (E.safetensors + manifest entry)`);
  const model: GanModel = { id: `bench:${MODEL}`, spec, weights: loaded.weights, ...(enc ? { encoder: enc } : {}) };
  const file = `${OUT}-${MODE}.json`;
  const rows: Record<string, unknown>[] = existsSync(file) && process.env.FRESH !== '1' ? JSON.parse(readFileSync(file, 'utf8')).rows : [];
  const todo = (MODE === 'cold' ? [...hs.slice(0, Math.min(COLD_HOLES, HOLES)), ...hs.filter((h) => h.set === 'oos')] : hs).filter((h) => !ONLY || ONLY.has(hs.indexOf(h)));
  for (let i = 0; i < todo.length; i++) {
    const h = todo[i];
    const key = `${h.set}/${h.name}`;
    if (rows.some((r) => r.key === key)) continue;
    const img = await loadSquare(h.path);
    const row: Record<string, unknown> = { key, name: h.name, set: h.set, kind: h.kind, frac: +h.frac.toFixed(4) };
    const tag = `${OUT}/${hs.indexOf(h)}`;
    await savePng(img, `${tag}-photo.png`);
    if (MODE === 'cold') {
      const c = await runOne(model, rt, h, img, 'cold');
      row.cold = c.run;
      await savePng(c.image, `${tag}-cold.png`);
    } else {
      const e = await runOne(model, rt, h, img, 'eonly');
      row.eonly = { loss: e.run.loss, psnr: e.run.psnr, ms: e.run.ms };
      await savePng(e.image, `${tag}-eonly.png`);
      const w = await runOne(model, rt, h, img, 'warm');
      row.warm = w.run;
      await savePng(w.image, `${tag}-warm.png`);
    }
    rows.push(row);
    const brief = { ...row, cold: row.cold && { ...(row.cold as Run), curve: undefined }, warm: row.warm && { ...(row.warm as Run), curve: undefined } };
    console.log(JSON.stringify(brief));
    writeFileSync(file, JSON.stringify({ model: MODEL, threads: THREADS, encoder: enc?.sha256 ?? null, warm: WARM, rows }, null, 1));
  }
}

const median = (a: number[]): number => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

async function report(hs: Hole[]): Promise<void> {
  const read = (m: string): Record<string, any>[] => (existsSync(`${OUT}-${m}.json`) ? JSON.parse(readFileSync(`${OUT}-${m}.json`, 'utf8')).rows : []);
  const cold = new Map(read('cold').map((r) => [r.key, r]));
  const warm = new Map(read('warm').map((r) => [r.key, r]));
  const lines: string[] = [];
  lines.push('| # | image | set | hole | area | cold loss (its) | E only loss | warm loss (its, stop) | warm / cold | cold s | warm s | PSNR cold / E only / warm |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  const ratios: number[] = [], warmMs: number[] = [], coldMs: number[] = [], warmIts: number[] = [], eRatios: number[] = [], reach: number[] = [];
  hs.forEach((h, i) => {
    const key = `${h.set}/${h.name}`;
    const c = cold.get(key)?.cold, w = warm.get(key)?.warm, e = warm.get(key)?.eonly;
    if (!w) return;
    const ratio = c ? w.loss / c.loss : NaN;
    if (c && h.set !== 'oos') {
      ratios.push(ratio); coldMs.push(c.ms); eRatios.push(e.loss / c.loss);
      // how far the cold search had to go (iterations × 16 restarts) to be as good as warm's final loss
      const at = (c.curve as number[]).findIndex((v) => v <= w.loss);
      reach.push(at < 0 ? Infinity : at + 1);
    }
    if (h.set !== 'oos') { warmMs.push(w.ms); warmIts.push(w.iterations); }
    lines.push(`| ${i} | ${h.set === 'oos' ? `skimage/${h.name}` : h.name} | ${h.set} | ${h.kind} | ${(100 * h.frac).toFixed(1)} % | ${c ? `${c.loss.toFixed(2)} (${c.iterations})` : '—'} | ${e.loss.toFixed(2)} | ${w.loss.toFixed(2)} (${w.iterations}, ${w.stoppedBy}) | ${c ? ratio.toFixed(3) : '—'} | ${c ? (c.ms / 1000).toFixed(1) : '—'} | ${(w.ms / 1000).toFixed(2)} | ${c ? c.psnr.toFixed(2) : '—'} / ${e.psnr.toFixed(2)} / ${w.psnr.toFixed(2)} |`);
  });
  console.log(lines.join('\n'));
  if (warmMs.length) console.log(`\nwarm (${hs[0]?.set ?? 'held-out'}, ${warmMs.length} holes): wall time median ${(median(warmMs) / 1000).toFixed(2)} s, range ${(Math.min(...warmMs) / 1000).toFixed(2)}–${(Math.max(...warmMs) / 1000).toFixed(2)} s; iterations median ${median(warmIts)}, range ${Math.min(...warmIts)}–${Math.max(...warmIts)}`);
  if (coldMs.length) console.log(`cold (${hs[0]?.set ?? 'held-out'}, ${coldMs.length} holes): wall time median ${(median(coldMs) / 1000).toFixed(1)} s, range ${(Math.min(...coldMs) / 1000).toFixed(1)}–${(Math.max(...coldMs) / 1000).toFixed(1)} s`);
  if (eRatios.length) console.log(`E only (no iterations) / cold final loss (${hs[0]?.set ?? 'held-out'}, ${eRatios.length} holes): median ${median(eRatios).toFixed(3)}, range ${Math.min(...eRatios).toFixed(3)}–${Math.max(...eRatios).toFixed(3)}`);
  if (reach.length) console.log(`cold iterations (16 restarts) to reach warm's final loss: median ${median(reach)}, range ${Math.min(...reach)}–${Math.max(...reach)}`);
  if (ratios.length) console.log(`warm/cold final loss (${hs[0]?.set ?? 'held-out'}, ${ratios.length} holes): median ${median(ratios).toFixed(3)}, range ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}; warm ≤ cold on ${ratios.filter((r) => r <= 1).length}/${ratios.length}`);
  await chart(hs, cold, warm);
  for (const set of ['held-out', 'in-sample', 'oos'] as const) {
    const rows: string[][] = [];
    hs.forEach((h, i) => {
      if (h.set !== set || !warm.has(`${h.set}/${h.name}`)) return;
      const t = `${OUT}/${i}`;
      rows.push([`${t}-photo.png`, 'MASK', cold.has(`${h.set}/${h.name}`) ? `${t}-cold.png` : '', `${t}-eonly.png`, `${t}-warm.png`]);
    });
    if (rows.length) await grid(rows, hs.filter((h) => h.set === set && warm.has(`${h.set}/${h.name}`)), `${OUT}-grid-${set}.jpg`);
  }
}

/** Best loss so far / cold's final loss against iterations (log x), one line per hole: cold grey, warm red. */
async function chart(hs: Hole[], cold: Map<string, any>, warm: Map<string, any>): Promise<void> {
  const W = 900, H = 520, L = 70, B = 50, T = 40, Rm = 20;
  const xOf = (it: number): number => L + ((W - L - Rm) * Math.log10(Math.max(1, it))) / Math.log10(1500);
  const yMin = 0.8, yMax = 2.5;
  const yOf = (v: number): number => T + (H - T - B) * (1 - (Math.min(yMax, Math.max(yMin, v)) - yMin) / (yMax - yMin));
  const paths: string[] = [];
  for (const h of hs) {
    if (h.set === 'oos') continue;
    const c = cold.get(`${h.set}/${h.name}`)?.cold, w = warm.get(`${h.set}/${h.name}`)?.warm;
    if (!c || !w) continue;
    const line = (curve: number[], colour: string): string => `<polyline fill="none" stroke="${colour}" stroke-width="1.3" stroke-opacity="0.75" points="${curve.map((v, i) => `${xOf(i + 1).toFixed(1)},${yOf(v / c.loss).toFixed(1)}`).join(' ')}"/>`;
    paths.push(line(c.curve, '#7a7a7a'), line(w.curve, '#d62828'));
  }
  const ticks = [1, 10, 100, 1000, 1500].map((t) => `<line x1="${xOf(t)}" y1="${T}" x2="${xOf(t)}" y2="${H - B}" stroke="#ddd"/><text x="${xOf(t)}" y="${H - B + 18}" font-size="13" text-anchor="middle">${t}</text>`).join('');
  const yt = [0.8, 1, 1.5, 2, 2.5].map((v) => `<line x1="${L}" y1="${yOf(v)}" x2="${W - Rm}" y2="${yOf(v)}" stroke="${v === 1 ? '#333' : '#ddd'}"/><text x="${L - 8}" y="${yOf(v) + 4}" font-size="13" text-anchor="end">${v}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="white"/>${ticks}${yt}${paths.join('')}
<text x="${W / 2}" y="${H - 12}" font-size="14" text-anchor="middle">iteration (log scale)</text>
<text x="18" y="${H / 2}" font-size="14" text-anchor="middle" transform="rotate(-90 18 ${H / 2})">best loss / cold start's final loss</text>
<text x="${L}" y="24" font-size="15">gan-zopt, ${basename(MODEL)} on ${hs[0]?.set ?? 'held-out'} images: cold (grey, 16 restarts) vs z-encoder warm start (red, 4 restarts)</text></svg>`;
  await sharp(Buffer.from(svg)).png().toFile(`${OUT}-curves.png`);
  console.log(`wrote ${OUT}-curves.png`);
}

async function grid(rows: string[][], hs: Hole[], path: string): Promise<void> {
  const pad = 4, cols = rows[0].length;
  const W = cols * (S + pad) + pad, H = rows.length * (S + pad) + pad;
  const d = new Uint8Array(W * H * 3).fill(40);
  for (let r = 0; r < rows.length; r++) {
    const photo = await loadSquare(rows[r][0]);
    for (let c = 0; c < cols; c++) {
      let im: ImageBuffer;
      if (rows[r][c] === 'MASK') {
        im = { ...photo, data: Uint8Array.from(photo.data) };
        for (let p = 0; p < S * S; p++) if (hs[r].mask.data[p]) { im.data[p * 3] = 255; im.data[p * 3 + 1] = 255; im.data[p * 3 + 2] = 255; }
      } else if (!rows[r][c]) continue;
      else im = await loadSquare(rows[r][c]);
      for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) for (let k = 0; k < 3; k++) d[((pad + r * (S + pad) + y) * W + pad + c * (S + pad) + x) * 3 + k] = im.data[(y * S + x) * 3 + k];
    }
  }
  await sharp(Buffer.from(d), { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 85 }).toFile(path);
  console.log(`wrote ${path} (columns: photo | hole | cold 1500×16 | E only | warm)`);
}

main().catch((e) => { console.error(e); process.exit(1); });
