// Issue 13 benchmark: restoration of real damage, learned vs classical detector, in one run.
//  1. synthetic held-out split: the detector model's held-out photos (manifest) at 768 px, aged,
//     damaged by the generator (fixed seeds): damage error removed (1 − mean|out−clean| / mean|in−clean|
//     over the truth mask) and mean change outside the damage (tone off: repair only); for the learned
//     detector also where the damage error left behind lies: per damage kind, in flagged or missed
//     pixels, as points of the mean removed (`residualByKind`);
//  2. film-r-pairs: PSNR against the expert restoration before/after restorePhoto (tone off), and
//     detection precision/recall against the derived diff masks (3 px tolerance);
//  3. clean photos (kodak 24 + held-out photos): fraction flagged;
//  4. detection time of a 3000×2000 scan (the U-Net alone, and joined with the classical detector).
// "learned" is the learned detector as restoration runs it: the U-Net joined with the classical
// detector (detect/combined.ts; before session 10 the U-Net alone).
// Writes OUT/result.json and picture grids OUT/grid-*.png (outside the repository: bench/out/).
// Usage: node eval.cjs DATA_DIR OUT_DIR [N_HELDOUT]
//   EVAL_PARTS=clean,synthetic,film,speed,real (default: all) runs only the named parts;
//   RENOVO_MODELS_DIR=DIR evaluates DIR/damage-unet instead of models/damage-unet;
//   EVAL_SENSITIVITY=X runs the learned detector at sensitivity X (default 0.5);
//   EVAL_CLASSICAL_SENSITIVITY=X the classical one (default 0.5);
//   EVAL_FILM=heldout draws the synthetic split's film marks from scans the detector never trained on.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ImageBuffer } from '../../../src/core/image/types';
import { agePhoto, generateDamage } from '../../../src/core/restore/damage/generate';
import { loadFilmMarks } from '../../../src/core/restore/damage/film';
import { restorePhoto, type RestoreOptions } from '../../../src/core/restore/pipeline';
import { defaultDetectorDir, detectLearned, loadDetectorModel } from '../../../src/core/restore/detect/learned';
import { detectDamage } from '../../../src/core/restore/detect/index';
import { detectCombined } from '../../../src/core/restore/detect/combined';
import { maskScores, synthPhoto } from '../../../test/fixtures/synth';

type Mode = 'learned' | 'classical';
const MODES: Mode[] = ['learned', 'classical'];
// EVAL_SENSITIVITY=X runs the learned detector at sensitivity X, EVAL_CLASSICAL_SENSITIVITY the classical one (default 0.5 each)
const SENS = Number(process.env.EVAL_SENSITIVITY ?? 0.5);
const CSENS = Number(process.env.EVAL_CLASSICAL_SENSITIVITY ?? 0.5);
const opts = (m: Mode): RestoreOptions => ({ tone: false, detector: m, sensitivity: m === 'learned' ? SENS : CSENS });

async function load(file: string, long?: number, enlarge = true): Promise<ImageBuffer> {
  let p = sharp(file).removeAlpha().toColourspace('srgb');
  if (long) p = p.resize(long, long, { fit: 'inside', withoutEnlargement: !enlarge });
  const { data, info } = await p.raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

function damageRemoved(clean: ImageBuffer, before: ImageBuffer, after: ImageBuffer, mask: Uint8Array): { removed: number; outside: number } {
  let eb = 0, ea = 0, n = 0, out = 0, no = 0;
  for (let i = 0; i < mask.length; i++) {
    for (let c = 0; c < 3; c++) {
      const o = i * 3 + c;
      if (mask[i]) { eb += Math.abs(before.data[o] - clean.data[o]); ea += Math.abs(after.data[o] - clean.data[o]); n++; }
      else { out += Math.abs(after.data[o] - before.data[o]); no++; }
    }
  }
  return { removed: n ? 1 - ea / Math.max(1e-9, eb) : 1, outside: out / Math.max(1, no) };
}

/**
 * The damage error left after restoration, split by the damage kind under each truth pixel and by
 * whether the detector flagged it, as shares of the photo's damage error before (they sum to
 * 1 − removed): e.g. { 'dust:missed': 0.14, 'cracks:flagged': 0.03 }.
 */
function residualByKind(clean: ImageBuffer, before: ImageBuffer, after: ImageBuffer, kindMap: Uint8Array, kinds: string[], flagged: Uint8Array): Record<string, number> {
  let eb = 0;
  const left: Record<string, number> = {};
  for (let i = 0; i < kindMap.length; i++) {
    if (!kindMap[i]) continue;
    let b = 0, a = 0;
    for (let c = 0; c < 3; c++) {
      const o = i * 3 + c;
      b += Math.abs(before.data[o] - clean.data[o]);
      a += Math.abs(after.data[o] - clean.data[o]);
    }
    eb += b;
    const key = `${kinds[kindMap[i] - 1]}:${flagged[i] ? 'flagged' : 'missed'}`;
    left[key] = (left[key] ?? 0) + a;
  }
  for (const k of Object.keys(left)) left[k] /= Math.max(1e-9, eb);
  return left;
}

function psnr(a: ImageBuffer, b: ImageBuffer): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) { const d = a.data[i] - b.data[i]; s += d * d; }
  return 10 * Math.log10((255 * 255) / (s / a.data.length));
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const r3 = (v: number): number => Math.round(v * 1000) / 1000;

/** Rows of [images…] side by side, each scaled to height `h`, as one PNG. */
async function grid(path: string, rows: ImageBuffer[][], h = 300): Promise<void> {
  const tiles: { input: Buffer; left: number; top: number }[] = [];
  let width = 0;
  for (let r = 0; r < rows.length; r++) {
    let x = 0;
    for (const im of rows[r]) {
      const buf = await sharp(Buffer.from(im.data), { raw: { width: im.width, height: im.height, channels: im.channels as 1 | 3 } }).resize({ height: h }).png().toBuffer({ resolveWithObject: true });
      tiles.push({ input: buf.data, left: x, top: r * h });
      x += buf.info.width + 4;
    }
    width = Math.max(width, x);
  }
  await sharp({ create: { width, height: rows.length * h, channels: 3, background: '#000' } }).composite(tiles).png().toFile(path);
}

const maskImage = (m: Uint8Array, w: number, h: number): ImageBuffer => ({ width: w, height: h, channels: 1, data: m });

async function main(): Promise<void> {
  const [data, out, nArg] = process.argv.slice(2);
  mkdirSync(out, { recursive: true });
  const N = Number(nArg ?? 24);
  const dir = defaultDetectorDir() as string;
  const model = loadDetectorModel(dir);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { data: { heldOut: { files: string[] } } };
  const held = manifest.data.heldOut.files;
  // spread over both folders
  const pick = [...held.filter((f) => f.startsWith('landscapes/')).slice(0, N / 2), ...held.filter((f) => f.startsWith('faces/')).slice(0, N / 2)];
  // the detector trained on marks from the first four film-aa scans: EVAL_FILM=heldout draws the
  // synthetic split's film marks from four it never saw (scans 7–10) instead
  const heldOutMarks = process.env.EVAL_FILM === 'heldout';
  const film = await loadFilmMarks(join(data, 'scratches/film-aa-masks'), 4, heldOutMarks ? 6 : 0);
  const result: Record<string, unknown> = { model: { dir, sha256: model.sha256 }, learnedSensitivity: SENS, classicalSensitivity: CSENS, filmMarks: heldOutMarks ? 'scans 7-10 (held out)' : 'scans 1-4 (as in training)' };
  const parts = new Set((process.env.EVAL_PARTS ?? 'synthetic,film,clean,speed,real').split(',').map((x) => x.trim()));
  result.parts = [...parts];

  // 1. synthetic held-out split
  if (parts.has('synthetic')) {
  const syn: Record<Mode, { removed: number[]; outside: number[]; precision: number[]; recall: number[] }> = { learned: { removed: [], outside: [], precision: [], recall: [] }, classical: { removed: [], outside: [], precision: [], recall: [] } };
  const synRows: ImageBuffer[][] = [];
  const residual: Record<string, number> = {};
  for (let i = 0; i < pick.length; i++) {
    const clean = agePhoto(await load(join(data, pick[i]), 768), { seed: 500 + i });
    const d = generateDamage(clean, { seed: 900 + i, film, trace: true });
    const row: ImageBuffer[] = [d.image];
    for (const m of MODES) {
      const r = await restorePhoto(d.image, opts(m));
      const q = damageRemoved(clean, d.image, r.image, d.mask);
      const s = maskScores(r.mask.data, d.mask, clean.width, clean.height, 2);
      syn[m].removed.push(q.removed);
      syn[m].outside.push(q.outside);
      syn[m].precision.push(s.precision);
      syn[m].recall.push(s.recall);
      if (m === 'learned') {
        row.push(maskImage(r.mask.data, clean.width, clean.height), r.image);
        const left = residualByKind(clean, d.image, r.image, d.kindMap!, d.kinds, r.mask.data);
        for (const [k, v] of Object.entries(left)) residual[k] = (residual[k] ?? 0) + v / pick.length;
      }
    }
    row.push(clean);
    if (i % 3 === 0) synRows.push(row);
    process.stdout.write('.');
  }
  const sum = (m: Mode): Record<string, number> => {
    const s = [...syn[m].removed].sort((a, b) => a - b);
    return { photos: pick.length, damageRemovedMean: r3(mean(syn[m].removed)), damageRemovedMedian: r3(s[s.length >> 1]), damageRemovedWorst: r3(s[0]), outsideChangeMean: r3(mean(syn[m].outside)), precision2px: r3(mean(syn[m].precision)), recall2px: r3(mean(syn[m].recall)) };
  };
  const residualByKindPoints = Object.fromEntries(Object.entries(residual).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(v * 1000) / 10]));
  result.synthetic = { learned: { ...sum('learned'), residualByKind: residualByKindPoints }, classical: sum('classical') };
  console.log('\nsynthetic', result.synthetic);
  await grid(join(out, 'grid-synthetic-heldout.png'), synRows.slice(0, 6), 256);
  }

  // 2. film-r-pairs
  if (parts.has('film')) {
  const fr = join(data, 'scratches/film-r-pairs');
  const pairs = readdirSync(fr).filter((f) => f.endsWith('_damaged.jpg')).map((f) => f.replace('_damaged.jpg', ''));
  const film2: Record<string, unknown>[] = [];
  const frRows: ImageBuffer[][] = [];
  for (const p of pairs) {
    const dmg = await load(join(fr, `${p}_damaged.jpg`));
    const gt = await load(join(fr, `${p}_restored.jpg`));
    const dm = await sharp(join(fr, `${p}_diffmask.png`)).extractChannel(0).raw().toBuffer();
    const row: Record<string, unknown> = { pair: p, size: `${dmg.width}×${dmg.height}`, psnrBefore: r3(psnr(dmg, gt)) };
    const imgs: ImageBuffer[] = [dmg];
    for (const m of MODES) {
      const r = await restorePhoto(dmg, opts(m));
      const s = maskScores(r.mask.data, new Uint8Array(dm), dmg.width, dmg.height, 3);
      row[m] = { psnrAfter: r3(psnr(r.image, gt)), precision3px: r3(s.precision), recall3px: r3(s.recall), flagged: r3(r.stats.damage.fraction) };
      if (m === 'learned') imgs.push(maskImage(r.mask.data, dmg.width, dmg.height), r.image);
    }
    imgs.push(maskImage(new Uint8Array(dm), dmg.width, dmg.height), gt);
    frRows.push(imgs);
    film2.push(row);
  }
  result.filmRPairs = film2;
  console.log('film-r-pairs', JSON.stringify(film2, null, 1));
  await grid(join(out, 'grid-film-r-pairs.png'), frRows, 240);
  }

  // 3. clean photos, as they are (colour) and turned greyscale (luma in all three channels)
  if (parts.has('clean')) {
  const kodak = readdirSync(join(data, 'kodak')).filter((f) => f.endsWith('.png')).sort();
  const files = [...kodak.map((k) => join(data, 'kodak', k)), ...pick.map((p) => join(data, p))];
  const cleanRes: Record<string, unknown> = { photos: files.length, kodak: kodak.length, heldOut: pick.length };
  const perFile: Record<string, Record<string, number>> = {};
  for (const variant of ['colour', 'grey'] as const) {
    const fr: Record<Mode, number[]> = { learned: [], classical: [] };
    const frKodak: Record<Mode, number[]> = { learned: [], classical: [] };
    for (const f of files) {
      let im = await load(f, f.includes('kodak') ? undefined : 768);
      if (variant === 'grey') {
        const g = new Uint8Array(im.data.length);
        for (let i = 0; i < im.data.length; i += 3) g[i] = g[i + 1] = g[i + 2] = Math.round(0.299 * im.data[i] + 0.587 * im.data[i + 1] + 0.114 * im.data[i + 2]);
        im = { ...im, data: g };
      }
      // what restoration flags with the learned detector: the U-Net joined with the classical detector
      const l = (await detectCombined(im, model, { sensitivity: SENS })).stats.fraction;
      const c = detectDamage(im, { sensitivity: CSENS }).stats.fraction;
      fr.learned.push(l);
      fr.classical.push(c);
      if (f.includes('kodak')) { frKodak.learned.push(l); frKodak.classical.push(c); }
      (perFile[f.split('/').slice(-2).join('/')] ??= {})[`learned ${variant} %`] = r3(l * 100);
    }
    const pc = (v: number): number => r3(v * 100);
    cleanRes[variant] = {
      learnedFlaggedMeanPct: pc(mean(fr.learned)), learnedWorstPct: pc(Math.max(...fr.learned)), classicalFlaggedMeanPct: pc(mean(fr.classical)),
      kodakLearnedMeanPct: pc(mean(frKodak.learned)), heldOutLearnedMeanPct: pc(mean(fr.learned.slice(kodak.length))),
      kodakClassicalMeanPct: pc(mean(frKodak.classical)), heldOutClassicalMeanPct: pc(mean(fr.classical.slice(kodak.length))),
    };
    console.log('clean', variant, cleanRes[variant]);
  }
  cleanRes.perFile = perFile;
  result.clean = cleanRes;
  }

  // 4. detection time at 3000×2000 (procedural scan)
  if (parts.has('speed')) {
  const big = agePhoto(synthPhoto(3000, 2000, { seed: 5 }), { seed: 6 });
  const times: number[] = [], joined: number[] = [];
  for (let k = 0; k < 3; k++) {
    let t0 = performance.now();
    await detectLearned(big, model, {});
    times.push(performance.now() - t0);
    t0 = performance.now();
    await detectCombined(big, model, {});
    joined.push(performance.now() - t0);
  }
  result.detect3000x2000Ms = times.map(Math.round);
  result.detectJoined3000x2000Ms = joined.map(Math.round);
  console.log('detect 3000×2000 ms: U-Net', result.detect3000x2000Ms, 'joined with the classical detector', result.detectJoined3000x2000Ms);
  }

  // real damaged prints (no ground truth): before | mask | after, for looking at only
  if (parts.has('real')) {
  const real = [...readdirSync(join(data, 'old-photos')).filter((f) => /\.(jpe?g|png)$/i.test(f)).map((f) => join(data, 'old-photos', f)),
    ...readdirSync(join(data, 'scratches/old-photos-no-masks')).filter((f) => /\.(jpe?g|png)$/i.test(f)).map((f) => join(data, 'scratches/old-photos-no-masks', f))];
  const realRows: ImageBuffer[][] = [];
  const realStats: Record<string, number> = {};
  for (const f of real) {
    // as a user's scan: made smaller to 1024 px, never larger
    const im = await load(f, 1024, false);
    const r = await restorePhoto(im, { tone: false, detector: 'learned', sensitivity: SENS });
    realStats[f.split('/').pop() as string] = r3(r.stats.damage.fraction * 100);
    realRows.push([im, maskImage(r.mask.data, im.width, im.height), r.image]);
  }
  result.realFlaggedPercent = realStats;
  for (let k = 0; k < realRows.length; k += 6) await grid(join(out, `grid-real-${k / 6}.png`), realRows.slice(k, k + 6), 300);
  }
  writeFileSync(join(out, 'result.json'), JSON.stringify(result, null, 2));
  console.log('wrote', join(out, 'result.json'));
}
main().catch((e) => { console.error(e); process.exit(1); });
